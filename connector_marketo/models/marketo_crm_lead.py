# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MarketoCrmLead(models.Model):
    """An opportunity created from a Marketo lead reaching the score threshold.

    The external id is the Marketo lead id: one opportunity per lead and
    backend, created once.  Its stage changes are written back to the lead.
    """

    _name = "marketo.crm.lead"
    _inherit = "marketing.binding"
    _inherits = {"crm.lead": "odoo_id"}
    _description = "Marketo Opportunity"

    odoo_id = fields.Many2one(
        "crm.lead",
        string="Odoo opportunity",
        required=True,
        ondelete="cascade",
        index=True,
    )
    backend_id = fields.Many2one(
        "marketo.backend", required=True, ondelete="restrict", index=True
    )

    @api.private
    def export_stage(self):
        """Job: tell Marketo where the opportunity stands (and move programs)."""
        self.ensure_one()
        with self.backend_id.work_on(self._name) as work:
            return work.component(usage="stage.exporter").run(self)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    marketo_bind_ids = fields.One2many("marketo.crm.lead", "odoo_id", string="Marketo")
