# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)

#: what the contact reads include (everything the import maps or keeps)
CONTACT_INCLUDE = (
    "custom_fields,list_memberships,phone_numbers,street_addresses,taggings"
)


class ConstantContactBackend(models.Model):
    """A Constant Contact account reached through one registered application.

    The OAuth2 connection (Connect / Disconnect, PKCE, rotating refresh
    tokens, "needs re-authorization") comes from ``marketing.oauth.backend``;
    this model holds Constant Contact's URLs, limits and sync settings.
    """

    _name = "constantcontact.backend"
    _inherit = "marketing.oauth.backend"
    _description = "Constant Contact Backend"
    _provider_label = "Constant Contact"
    _partner_binding_model = "constantcontact.res.partner"
    _issue_reasons = {
        "constantcontact_import": _lt("Constant Contact import failed for the contact"),
        "phone_not_imported": _lt("Phone left out by the bulk import"),
        "unknown_list": _lt("Unknown contact list"),
        "unknown_custom_field": _lt("Unknown custom field"),
        "too_many_custom_fields": _lt("Too many custom fields"),
    }
    _health_engagement_methods = ("import_engagement", "import_tracking")

    api_url = fields.Char(
        string="API base URL", default="https://api.cc.email/v3", required=True
    )
    oauth_authorize_url = fields.Char(
        default="https://authz.constantcontact.com/oauth2/default/v1/authorize"
    )
    oauth_token_url = fields.Char(
        default="https://authz.constantcontact.com/oauth2/default/v1/token"
    )
    oauth_revoke_url = fields.Char(
        default="https://authz.constantcontact.com/oauth2/default/v1/revoke"
    )
    oauth_scopes = fields.Char(default="contact_data campaign_data offline_access")
    # v3 API and its OAuth2 server (authorize, token, revoke)
    _endpoint_hosts = {
        "api_url": (r"api\.cc\.email",),
        "oauth_authorize_url": (r"authz\.constantcontact\.com",),
        "oauth_token_url": (r"authz\.constantcontact\.com",),
        "oauth_revoke_url": (r"authz\.constantcontact\.com",),
    }
    default_list_id = fields.Char(
        string="Default list ID",
        help="Every exported contact joins this Constant Contact list (a bulk "
        "import needs at least one list).",
    )
    engagement_days = fields.Integer(
        default=30,
        help="Campaigns changed in the last N days are polled for opens, "
        "clicks, bounces, opt-outs and forwards.",
    )
    import_sends = fields.Boolean(
        help="Also import one 'sent' activity per contact and campaign "
        "(many rows: off by default)."
    )
    list_category_ids = fields.Many2many(
        "res.partner.category",
        string="Categories synced as lists",
        help="Partners with these categories are members of the linked "
        "Constant Contact lists, both ways.",
    )
    create_lists = fields.Boolean(
        string="Create missing lists",
        default=True,
        help="Create a list named after a synced category that has none.",
    )
    # Constant Contact's documented limits, per application; it counts calls
    # as they arrive, our limiter when they leave, so the window keeps a
    # margin for network and scheduling delays (4 calls per 1.5 s; at 1.25 s
    # a loaded benchmark machine still saw one throttled call in 50)
    rate_limit_calls = fields.Integer(default=4)
    rate_limit_window = fields.Float(default=1.5)
    rate_limit_concurrency = fields.Integer(default=4)
    daily_quota = fields.Integer(default=10000)

    def _include(self):
        return CONTACT_INCLUDE

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def action_import_engagement(self):
        return self._button_enqueue(
            "import_engagement",
            self.env._("Poll campaigns and tracking reports"),
            20,
        )

    # ------------------------------------------------------------------
    # jobs
    # ------------------------------------------------------------------
    @api.private
    def import_engagement(self):
        """Job: list recent campaigns, enqueue one job per tracking report."""
        return self._run_component("activity.feed.scanner", model="marketing.activity")

    @api.private
    def import_tracking(
        self, campaign_activity_id, kind, campaign_name=None, count=None
    ):
        """Job: one tracking report, newest rows first, down to the last known."""
        return self._run_component(
            "activity.feed.importer",
            campaign_activity_id,
            kind,
            campaign_name,
            count,
            model="marketing.activity",
        )

    @api.private
    def export_list_memberships(self, binding_ids):
        """Job: add / remove contacts to the lists of their categories."""
        bindings = self.env[self._partner_binding_model].browse(binding_ids).exists()
        return self._run_component("list.exporter", bindings)

    @api.model
    def _scheduler_engagement(self):
        for backend in self.search([]):
            backend.action_import_engagement()
