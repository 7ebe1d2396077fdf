# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ConstantContactResPartner(models.Model):
    """A partner as a Constant Contact contact (external id = contact UUID)."""

    _name = "constantcontact.res.partner"
    _inherit = "marketing.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "Constant Contact Contact"

    odoo_id = fields.Many2one(
        "res.partner", string="Partner", required=True, ondelete="cascade", index=True
    )
    backend_id = fields.Many2one(
        "constantcontact.backend", required=True, ondelete="restrict", index=True
    )
    permission_to_send = fields.Char(
        readonly=True, help="Constant Contact's consent state of the address."
    )
    remote_list_ids = fields.Json(
        readonly=True, help="Lists the contact was in at the last sync."
    )

    def _subscription_label(self):
        """Constant Contact keeps its own consent state: show it."""
        self.ensure_one()
        if not self.permission_to_send:
            return super()._subscription_label()
        return self.env._(
            "Constant Contact: %s", self.permission_to_send.replace("_", " ")
        )


class ResPartner(models.Model):
    _inherit = "res.partner"

    constantcontact_bind_ids = fields.One2many(
        "constantcontact.res.partner", "odoo_id", string="Constant Contact contacts"
    )
