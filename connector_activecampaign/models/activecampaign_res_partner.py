# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ActivecampaignResPartner(models.Model):
    """A partner as an ActiveCampaign contact (external id = contact id)."""

    _name = "activecampaign.res.partner"
    _inherit = "marketing.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "ActiveCampaign Contact"

    odoo_id = fields.Many2one(
        "res.partner", string="Partner", required=True, ondelete="cascade", index=True
    )
    backend_id = fields.Many2one(
        "activecampaign.backend", required=True, ondelete="restrict", index=True
    )
    account_contact_id = fields.Char(
        string="Account link id", readonly=True, copy=False
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    activecampaign_bind_ids = fields.One2many(
        "activecampaign.res.partner", "odoo_id", string="ActiveCampaign contacts"
    )
