# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MarketoResPartner(models.Model):
    """A partner as a Marketo lead (external id = Marketo lead id)."""

    _name = "marketo.res.partner"
    _inherit = "marketing.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "Marketo Lead"

    odoo_id = fields.Many2one(
        "res.partner", string="Partner", required=True, ondelete="cascade", index=True
    )
    backend_id = fields.Many2one(
        "marketo.backend", required=True, ondelete="restrict", index=True
    )
    lead_score = fields.Integer(readonly=True)


class ResPartner(models.Model):
    _inherit = "res.partner"

    marketo_bind_ids = fields.One2many(
        "marketo.res.partner", "odoo_id", string="Marketo leads"
    )
