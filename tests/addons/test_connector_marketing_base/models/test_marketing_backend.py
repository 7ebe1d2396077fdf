from odoo import fields, models


class TestMarketingBackend(models.Model):
    _name = "test.marketing.backend"
    _inherit = "marketing.backend"
    _description = "Demo Marketing Backend (tests)"
    _provider_label = "Demo"
    _partner_binding_model = "test.marketing.res.partner"

    api_url = fields.Char(required=True, default="http://127.0.0.1:1")
    _endpoint_hosts = {"api_url": (r"api\.demo\.example",)}
    client_id = fields.Char(groups="base.group_system")
    client_secret = fields.Char(groups="base.group_system")
    rate_limit_calls = fields.Integer(default=20)
    rate_limit_window = fields.Float(default=1.0)
    rate_limit_concurrency = fields.Integer(default=5)
