from odoo import fields, models


class TestMarketingResPartner(models.Model):
    _name = "test.marketing.res.partner"
    _inherit = "marketing.binding"
    _inherits = {"res.partner": "odoo_id"}
    _description = "Demo contact binding (tests)"

    odoo_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    backend_id = fields.Many2one(
        "test.marketing.backend", required=True, ondelete="restrict", index=True
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    test_marketing_bind_ids = fields.One2many(
        "test.marketing.res.partner", "odoo_id", string="Demo bindings"
    )
