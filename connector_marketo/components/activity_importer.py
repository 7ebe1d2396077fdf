# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import AbstractComponent, Component
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.tools.dates import utc_text

from ..models.marketo_backend import ACTIVITY_TYPES

_lt = LazyTranslate(__name__)


class MarketoTokenFeedImporter(AbstractComponent):
    """A Marketo activity feed: paged by Marketo's paging token.

    The cursor holds the token of the next page; a feed never read starts
    from a token asked for the import start date.  A page without a next
    token keeps the one it was read with (Marketo's last page).
    """

    _name = "marketo.token.feed.importer"
    _inherit = ["marketing.feed.importer", "marketo.base"]

    def _initial_state(self):
        return {}

    def _token_page(self, state, read):
        """The :class:`Page` ``read(token)`` answers, after ``state``."""
        adapter = self.component(usage="backend.adapter")
        token = state.get("token") or adapter.paging_token(
            adapter.initial_state()["since"]
        )
        body = read(token)
        if not isinstance(body, dict):
            body = {"result": body}
        return Page(
            body.get("result"),
            {"token": body.get("nextPageToken") or token},
            bool(body.get("moreResult")),
        )


class MarketoActivityImporter(Component):
    """Engagement activities, page by page with Marketo's paging token.

    Stored in ``marketing.activity`` keyed by ``marketoGUID`` (a page read
    twice stores nothing twice); unsubscribes reach the blacklist through the
    base model.  The token is saved with the page, in the job's transaction.
    """

    _name = "marketo.activity.importer"
    _inherit = ["marketing.activity.feed.importer", "marketo.token.feed.importer"]
    _usage = "activity.feed.importer"
    _apply_on = ["marketing.activity"]
    _feed_cursor = "activities"
    _feed_job = "import_activities_page"
    _feed_chain = "import:activities"
    _feed_label = _lt("Import next activity page")
    _feed_result = _lt("%(read)s activities read, %(applied)s new")
    _activity_contact_model = "marketo.res.partner"
    _activity_contact_key = "leadId"
    _activity_required_keys = ("marketoGUID", "activityDate", "leadId")
    _activity_date_key = "activityDate"

    def _fetch_page(self, state):
        adapter = self.component(usage="backend.adapter")
        page = self._token_page(
            state,
            lambda token: adapter.activities_page(
                token, self.backend_record._activity_type_ids()
            ),
        )
        return page._replace(records=self._valid_rows(page.records))

    def _apply_page(self, page, state):
        created = super()._apply_page(page, state)
        self._refresh_scored_leads(page.records)
        return created

    def _refresh_scored_leads(self, records):
        """Score changes do not appear in the lead-changes feed: re-read the
        scored leads here, so the opportunity threshold sees them."""
        lead_ids = {
            r["leadId"]
            for r in records
            if ACTIVITY_TYPES.get(r.get("activityTypeId")) == "score"
        }
        if not lead_ids:
            return
        adapter = self.component(usage="backend.adapter")
        with self.backend_record.work_on("marketo.res.partner") as work:
            work.component(usage="record.importer").run_many(
                adapter.fetch_many(sorted(lead_ids))
            )

    def _before_activities(self, rows, partners):
        """Unsubscribes of leads Odoo does not know still need their email:
        read in one call."""
        unknown = {
            r["leadId"]
            for r in rows
            if str(r["leadId"]) not in partners
            and ACTIVITY_TYPES.get(r.get("activityTypeId")) == "unsubscribe"
        }
        adapter = self.component(usage="backend.adapter")
        self._memo("lead_emails").update(
            {str(lead["id"]): lead.get("email") for lead in adapter.fetch_many(unknown)}
        )

    def _activity_values(self, record, partner):
        attributes = {
            a.get("name"): a.get("value") for a in record.get("attributes") or []
        }
        return {
            "external_id": record["marketoGUID"],
            "activity_type": ACTIVITY_TYPES.get(record.get("activityTypeId"), "other"),
            "occurred_at": utc_text(record["activityDate"]),
            "email": partner.email
            if partner
            else self._memo("lead_emails").get(str(record["leadId"])),
            "campaign": record.get("primaryAttributeValue"),
            "detail": attributes.get("Link")
            or attributes.get("Webpage URL")
            or attributes.get("Details"),
        }
