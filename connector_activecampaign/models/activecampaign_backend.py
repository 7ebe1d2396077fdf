# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)

#: webhook events registered by "Register webhook" (the contact events of
#: ActiveCampaign's webhook reference that the connector handles)
WEBHOOK_EVENTS = [
    "subscribe",
    "unsubscribe",
    "update",
    "open",
    "click",
    "bounce",
    "forward",
    "reply",
    "contact_tag_added",
    "contact_tag_removed",
]


class ActivecampaignBackend(models.Model):
    """An ActiveCampaign account (one API URL, one API key)."""

    _name = "activecampaign.backend"
    _inherit = "marketing.backend"
    _description = "ActiveCampaign Backend"
    _provider_label = "ActiveCampaign"
    _partner_binding_model = "activecampaign.res.partner"
    _company_binding_model = "activecampaign.account"
    _scheduled_buttons = {
        "action_import_unsubscribes": [("list_id", "!=", False)],
        "action_export_orders": [("deal_pipeline_id", "!=", False)],
    }
    # the sync cron also carries deals (action_export_orders)
    _sync_exports = "partners and deals"
    _issue_reasons = {
        "ac_bulk_failure": _lt("ActiveCampaign bulk import failed for the contact"),
        "ac_bulk_invalid": _lt("ActiveCampaign bulk import refused rows"),
        "ac_bulk_refused": _lt("ActiveCampaign refused the bulk import"),
        "no_name": _lt("Company without a name"),
        "contact_missing": _lt("Deal contact not on ActiveCampaign"),
        "unknown_stage": _lt("Unknown deal stage"),
    }

    api_url = fields.Char(
        string="API URL",
        required=True,
        default="https://youraccount.api-us1.com",
        help="Settings > Developer > URL (the host differs per account).",
    )
    api_key = fields.Char(string="API key", groups="base.group_system", copy=False)
    # Settings > Developer: https://<account>.api-us1.com (also seen as
    # <account>.activehosted.com)
    _endpoint_hosts = {
        "api_url": (r"[a-z0-9-]+\.api-us\d+\.com", r"[a-z0-9-]+\.activehosted\.com")
    }
    list_id = fields.Char(
        string="Default list id",
        help="New contacts are subscribed to this list (never re-subscribed).",
    )
    tag_customer = fields.Char(
        string="Customer tag",
        default="Odoo-Customer",
        help="Tag of contacts whose partner is a customer in Odoo.",
    )
    tag_lead = fields.Char(
        string="Lead tag",
        default="Odoo-Lead",
        help="Tag of the other contacts coming from Odoo.",
    )
    deal_pipeline_id = fields.Char(string="Pipeline id")
    deal_currency_id = fields.Many2one(
        "res.currency",
        string="Pipeline currency",
        help="Read from the pipeline; order totals are converted to it.",
    )
    deal_owner_id = fields.Char(string="Deal owner (user id)", default="1")
    deal_date_field = fields.Char(
        string="Order date deal field", help="Id of a deal custom field (optional)."
    )
    deal_close_field = fields.Char(
        string="Expected close deal field",
        help="Id of a deal custom field receiving the commitment date (optional).",
    )
    deal_stage_ids = fields.One2many(
        "activecampaign.deal.stage", "backend_id", string="Stage mapping"
    )
    webhook_ignore_api = fields.Boolean(
        string="Ignore API-initiated events",
        default=True,
        help="Events ActiveCampaign reports as initiated by the API are our own "
        "writes echoed back: they are stored but not applied.",
    )
    webhook_url = fields.Char(compute="_compute_webhook_url")
    # ActiveCampaign: 5 requests per second per account
    rate_limit_calls = fields.Integer(default=5)
    rate_limit_window = fields.Float(default=1.0)
    rate_limit_concurrency = fields.Integer(default=5)
    daily_quota = fields.Integer(default=0)

    def _rate_limit_buckets(self):
        # bulk_import: 100 multi-contact requests per minute (documented)
        return {"bulk_import": (100, 60.0)}

    @api.depends("webhook_secret")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for backend in self:
            backend.webhook_url = (
                f"{base}/connector_activecampaign/webhook/{backend.id}/<secret>"
                if backend.id
                else ""
            )

    def _webhook_target(self):
        """The URL ActiveCampaign posts to, secret included (never logged)."""
        self.ensure_one()
        backend = self.sudo()
        if not backend.webhook_secret:
            backend.webhook_secret = secrets.token_urlsafe(24)
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        path = f"/connector_activecampaign/webhook/{self.id}/{backend.webhook_secret}"
        return base + path

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def action_register_webhook(self):
        """Create the webhook on ActiveCampaign through the API."""
        self._check_manager_access()
        self.ensure_one()
        self._check_can_sync()
        sources = ["public", "admin", "system"]
        if not self.webhook_ignore_api:
            sources.append("api")
        with self.work_on(self._name) as work:
            hook = work.component(usage="backend.adapter").create_webhook(
                name=f"Odoo ({self.env.cr.dbname})",
                url=self._webhook_target(),
                events=WEBHOOK_EVENTS,
                sources=sources,
            )
        message = self.env._("Webhook %s registered on ActiveCampaign", hook.get("id"))
        self.message_post(body=message)
        return self._notification(message)

    def action_read_pipeline(self):
        """Read the pipeline's currency and stages (stage mapping lines)."""
        self._check_manager_access()
        self.ensure_one()
        if not self.deal_pipeline_id:
            raise UserError(self.env._("Set the pipeline id first."))
        with self.work_on(self._name) as work:
            adapter = work.component(usage="backend.adapter")
            group = adapter.deal_group(self.deal_pipeline_id)
            stages = adapter.deal_stages(self.deal_pipeline_id)
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", (group.get("currency") or "").upper())], limit=1)
        )
        if not currency:
            raise UserError(
                self.env._("Unknown pipeline currency %r", group.get("currency"))
            )
        currency.active = True
        self.deal_currency_id = currency
        self.env["activecampaign.deal.stage"]._refresh(self, stages)
        return True

    def action_export_orders(self):
        """Export the confirmed and quoted orders of synced partners as deals."""
        return self._button_enqueue("export_deals", self.env._("Export deals"), 30)

    def action_import_unsubscribes(self):
        """Poll the unsubscribes of the default list now (one job per page)."""
        self._check_manager_access()
        return self.filtered("list_id")._button_enqueue(
            "import_unsubscribes_page",
            self.env._("Import unsubscribes"),
            20,
            chain_key="import:unsubscribes",
        )

    # ------------------------------------------------------------------
    # jobs
    # ------------------------------------------------------------------
    @api.private
    def import_unsubscribes_page(self):
        """Job: one page of contacts unsubscribed from the default list →
        Odoo's blacklist; enqueues the next page."""
        return self._run_component("unsubscribe.feed.importer")

    @api.private
    def export_accounts(self, partner_ids):
        """Job: company partners → ActiveCampaign accounts."""
        companies = self.env["res.partner"].browse(partner_ids).exists()
        Account = self.env["activecampaign.account"]
        return self._run_component(
            "batch.exporter", Account._bind(self, companies), model=Account._name
        )

    @api.private
    def export_deals(self):
        """Job: bind the orders of the sync domain and enqueue their export."""
        return self._run_component(
            "batch.exporter", model="activecampaign.sale.order", method="enqueue_all"
        )
