# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ActivecampaignSaleOrder(models.Model):
    """A sale order as a deal in the backend's pipeline (external id = deal id).

    Odoo owns the deal: its stage follows the order state through the
    backend's stage mapping, its value the order total.
    """

    _name = "activecampaign.sale.order"
    _inherit = "marketing.binding"
    _inherits = {"sale.order": "odoo_id"}
    _description = "ActiveCampaign Deal"

    odoo_id = fields.Many2one(
        "sale.order", string="Order", required=True, ondelete="cascade", index=True
    )
    backend_id = fields.Many2one(
        "activecampaign.backend", required=True, ondelete="restrict", index=True
    )


class SaleOrder(models.Model):
    _inherit = "sale.order"

    activecampaign_bind_ids = fields.One2many(
        "activecampaign.sale.order", "odoo_id", string="ActiveCampaign deals"
    )
