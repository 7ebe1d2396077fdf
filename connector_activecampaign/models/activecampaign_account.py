# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ActivecampaignAccount(models.Model):
    """A company partner as an ActiveCampaign account (external id = account id).

    The provider's company binding (``_company_binding_model``): exported
    like a contact (hash, export jobs) but never taken for one.  Contacts of
    the company are linked to it through ``accountContacts`` with their job
    title (see the contact exporter).
    """

    _name = "activecampaign.account"
    _inherit = "marketing.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "ActiveCampaign Account"

    odoo_id = fields.Many2one(
        "res.partner",
        string="Company partner",
        required=True,
        ondelete="cascade",
        index=True,
    )
    backend_id = fields.Many2one(
        "activecampaign.backend", required=True, ondelete="restrict", index=True
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    activecampaign_company_bind_ids = fields.One2many(
        "activecampaign.account", "odoo_id", string="ActiveCampaign accounts"
    )
