# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)

#: Marketo activity type ids → marketing.activity types
ACTIVITY_TYPES = {
    1: "web_visit",
    2: "form_fill",
    3: "click",
    6: "send",
    8: "bounce",
    9: "unsubscribe",
    10: "open",
    11: "click",
    22: "score",
}


class MarketoBackend(models.Model):
    """A Marketo Engage instance (one API-only user / LaunchPoint service)."""

    _name = "marketo.backend"
    _inherit = "marketing.backend"
    _description = "Marketo Backend"
    _provider_label = "Marketo"
    _partner_binding_model = "marketo.res.partner"
    _company_binding_model = "marketo.company"
    _scheduled_buttons = {
        "action_import_activities": [],
        "action_import_deleted_leads": [],
    }
    _health_engagement_methods = ("import_activities_page",)
    # record-level Marketo errors arrive as ``marketo_<code>``; the frequent
    # ones are named, any other reads "Marketo <code>"
    _issue_reasons = {
        "marketo_no_file": _lt("Marketo sent no export file"),
        "marketo_1003": _lt("Marketo: invalid value"),
        "marketo_1004": _lt("Marketo: lead not found"),
        "marketo_1005": _lt("Marketo: lead already exists"),
        "marketo_1006": _lt("Marketo: field not found"),
        "marketo_1007": _lt("Marketo: several leads match"),
        "invalid_activity": _lt("Malformed Marketo activity"),
        "unexpected_shape": _lt("Unexpected answer from Marketo"),
    }
    #: "the daily quota resets at midnight Central Time" (REST API, Quota)
    _quota_timezone = "America/Chicago"

    munchkin_id = fields.Char(
        string="Munchkin ID",
        help="Admin > Integration > Munchkin, e.g. 123-ABC-456.",
    )
    rest_url = fields.Char(
        string="REST endpoint",
        compute="_compute_urls",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    identity_url = fields.Char(
        compute="_compute_urls",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    # REST and identity endpoints: https://<munchkin id>.mktorest.com
    _endpoint_hosts = {
        "rest_url": (r"\d{3}-[a-z]{3}-\d{3}\.mktorest\.com",),
        "identity_url": (r"\d{3}-[a-z]{3}-\d{3}\.mktorest\.com",),
    }
    client_id = fields.Char(groups="base.group_system")
    client_secret = fields.Char(groups="base.group_system")
    lookup_field = fields.Char(
        default="email",
        required=True,
        help="Marketo field that identifies a person on upsert.",
    )
    import_fields = fields.Char(
        help="Extra Marketo fields to read (comma separated REST names), "
        "for the field mapping.",
    )
    initial_load_since = fields.Datetime(
        default="2006-01-01 00:00:00",
        required=True,
        help="The initial load reads leads created since this date, 31 days "
        "per bulk export (Marketo has none older than 2006).",
    )
    score_threshold = fields.Integer(
        help="A lead reaching this score gets one opportunity (0: never)."
    )
    opportunity_team_id = fields.Many2one("crm.team", string="Sales team")
    opportunity_stage_id = fields.Many2one("crm.stage", string="Opportunity stage")
    stage_field = fields.Char(
        default="leadStatus",
        help="Marketo field receiving the opportunity stage name.",
    )
    deal_status_field = fields.Char(
        help="Marketo field receiving open / won / lost (optional).",
    )
    nurture_program_id = fields.Integer(string="Nurture program ID")
    post_sale_program_id = fields.Integer(string="Post-sale program ID")
    country_format = fields.Selection(
        [("name", "Country name (United States)"), ("code", "ISO code (US)")],
        default="name",
        required=True,
        help="How this instance writes the country of a lead: the export "
        "sends it in that form, never rewriting what marketers use.",
    )
    describe_field_names = fields.Text(
        readonly=True,
        help="REST names of the lead fields Marketo described at the last "
        "Check connection; a mapped field missing from them stops exports.",
    )
    activity_type_ids = fields.Char(
        string="Activity types",
        default="1,2,3,8,9,10,11,22",
        help="Marketo activity type ids to import (at most 10). Score changes "
        "(22) also refresh their lead: the lead-changes feed does not list "
        "them.",
    )
    # Marketo's documented limits
    rate_limit_calls = fields.Integer(default=100)
    rate_limit_window = fields.Float(default=20.0)
    rate_limit_concurrency = fields.Integer(default=10)
    daily_quota = fields.Integer(default=50000)
    resync_partner_id = fields.Many2one(
        "res.partner",
        string="Partner to resync",
        store=False,
        help="Pick a partner and press Resync: read from Marketo, then export.",
    )

    @api.depends("munchkin_id")
    def _compute_urls(self):
        for backend in self:
            if backend.munchkin_id:
                base = f"https://{backend.munchkin_id.strip()}.mktorest.com"
                backend.rest_url = base
                backend.identity_url = f"{base}/identity"

    def _missing_fields_message(self, missing):
        return self.env._(
            "Marketo has no lead field %(fields)s (Admin > Field Management): "
            "fix the field mapping or the Stage / Deal status fields of backend "
            "%(backend)s, then press Check connection.",
            fields=", ".join(missing),
            backend=self.name,
        )

    def _activity_type_ids(self):
        return [int(i) for i in (self.activity_type_ids or "").split(",") if i.strip()]

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def action_import_activities(self):
        return self._button_enqueue(
            "import_activities_page",
            self.env._("Import activities"),
            20,
            chain_key="import:activities",
        )

    def action_import_deleted_leads(self):
        return self._button_enqueue(
            "import_deleted_leads_page",
            self.env._("Import deleted leads"),
            20,
            chain_key="import:deleted_leads",
        )

    def action_initial_load(self):
        """Full load through Marketo's bulk extract (large instances)."""
        return self._button_enqueue("bulk_extract_step", self.env._("Initial load"), 30)

    def action_resync_partner(self, partner=None):
        """Read one partner's lead from Marketo, then export the partner."""
        self._check_manager_access()
        self.ensure_one()
        partner = partner or self.resync_partner_id
        binding = self.env[self._partner_binding_model]._bind(self, partner)
        if binding.external_id:
            self.with_delay(
                priority=10,
                description=self._job_description(self.env._("Read lead of"), partner),
            ).import_contact(binding.external_id)
        binding.with_delay(
            priority=10, description=binding._job_description(self.env._("Export"))
        ).export_record()
        return True

    # ------------------------------------------------------------------
    # jobs
    # ------------------------------------------------------------------
    @api.private
    def import_activities_page(self):
        return self._run_component("activity.feed.importer", model="marketing.activity")

    @api.private
    def import_deleted_leads_page(self):
        """Leads deleted in Marketo: unbind their partners (never delete them)."""
        return self._run_component("deletion.feed.importer")

    @api.private
    def bulk_extract_step(self):
        """One step of the initial load; reschedules itself until done."""
        return self._run_component("extract.importer")

    @api.private
    def export_companies(self, partner_ids):
        """Job: company partners → Marketo companies (``externalCompanyId``)."""
        companies = self.env["res.partner"].browse(partner_ids).exists()
        return self._run_component(
            "batch.exporter", companies, method="export_companies"
        )
