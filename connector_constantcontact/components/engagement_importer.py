# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.tools.dates import iso_z, utc_text
from odoo.addons.queue_job.job import identity_exact

#: tracking report → marketing.activity type
REPORTS = {
    "sends": "send",
    "opens": "open",
    "clicks": "click",
    "bounces": "bounce",
    "optouts": "unsubscribe",
    "forwards": "forward",
}
#: tracking report → its counter in the activity stats report
TRACKING_TYPES = {kind: f"em_{kind}" for kind in REPORTS}
#: campaign activities that have tracking reports
REPORTED_ROLES = ("primary_email", "resend")
#: cursor of the campaign listing, and how far back each poll reads again
#: (a campaign changed while the previous poll ran is listed twice, never
#: missed; activities are kept by id, so twice is once)
CAMPAIGNS_CURSOR = "campaigns"
CAMPAIGNS_OVERLAP = timedelta(minutes=5)


def tracking_cursor(campaign_activity_id, kind):
    """Name of the cursor of one tracking report."""
    return f"tracking:{campaign_activity_id}:{kind}"


class ConstantContactEngagementImporter(Component):
    """Engagement by polling (Constant Contact v3 has no engagement webhooks).

    The ``primary_email`` / ``resend`` activities of the campaigns changed
    within ``engagement_days``; one stats call per 10 activities tells which
    tracking reports grew since their last walk, and only those get a job
    of the tracking feed (``constantcontact.tracking.importer``): a quiet
    hour costs a couple of calls, not one per report.
    """

    _name = "constantcontact.engagement.importer"
    _inherit = "constantcontact.base"
    _usage = "activity.feed.scanner"
    _apply_on = ["marketing.activity"]

    def run(self):
        backend = self.backend_record
        adapter = self.component(usage="backend.adapter")
        cursors = self.env["marketing.sync.cursor"].sudo()
        kinds = [k for k in REPORTS if k != "sends" or backend.import_sends]
        activities = self._changed_activities()
        stats = adapter.activity_stats(sorted(activities))
        jobs = 0
        for activity_id, name in sorted(activities.items()):
            for kind in kinds:
                count = stats.get(activity_id, {}).get(TRACKING_TYPES[kind], 0)
                state = cursors._get(backend, self._cursor(activity_id, kind)) or {}
                if count <= state.get("count", 0):
                    continue
                backend.with_delay(
                    priority=20,
                    identity_key=identity_exact,
                    description=backend._job_description(
                        self.env._(
                            "Import %(kind)s of campaign %(name)s",
                            kind=kind,
                            name=name,
                        )
                    ),
                ).import_tracking(activity_id, kind, name, count)
                jobs += 1
        return self.env._(
            "%(a)s campaign activities checked, %(n)s reports with new rows",
            a=len(activities),
            n=jobs,
        )

    def _changed_activities(self):
        """``{campaign_activity_id: campaign name}`` of the polling window.

        Only campaigns changed since the last poll are listed (``GET
        /emails?after_date=``, from the scan's start with an overlap); the
        activities seen before are kept in the cursor with their campaign's
        ``updated_at`` and dropped once older than ``engagement_days``, so
        a campaign still collecting opens is checked without being listed
        again on every run.
        """
        backend = self.backend_record
        adapter = self.component(usage="backend.adapter")
        cursors = self.env["marketing.sync.cursor"].sudo()
        now = fields.Datetime.now()
        window_start = now - timedelta(days=backend.engagement_days or 30)
        state = cursors._get(backend, CAMPAIGNS_CURSOR) or {}
        after = state.get("after")
        if not after or after < iso_z(window_start):
            after = iso_z(window_start)
        known = dict(state.get("known") or {})
        href = None
        while True:
            campaigns, href = adapter.campaigns_page(href, after_date=after)
            for campaign in campaigns:
                updated = iso_z(campaign.get("updated_at")) or iso_z(now)
                for activity_id in self._reported_activities(campaign):
                    known[activity_id] = [campaign.get("name"), updated]
            if not href:
                break
        known = {
            activity_id: value
            for activity_id, value in known.items()
            if value[1] >= iso_z(window_start)
        }
        cursors._set(
            backend,
            CAMPAIGNS_CURSOR,
            {"after": iso_z(now - CAMPAIGNS_OVERLAP), "known": known},
        )
        return {activity_id: value[0] for activity_id, value in known.items()}

    def _reported_activities(self, campaign):
        """Ids of a campaign's primary_email / resend activities; read once
        per campaign (they do not change once it is sent)."""
        cursors = self.env["marketing.sync.cursor"].sudo()
        name = f"campaign:{campaign['campaign_id']}"
        known = cursors._get(self.backend_record, name)
        if known is None:
            detail = self.component(usage="backend.adapter").campaign(
                campaign["campaign_id"]
            )
            known = [
                a["campaign_activity_id"]
                for a in detail.get("campaign_activities") or []
                if a.get("role") in REPORTED_ROLES
            ]
            cursors._set(self.backend_record, name, known)
        return known

    @staticmethod
    def _cursor(campaign_activity_id, kind):
        return tracking_cursor(campaign_activity_id, kind)


class ConstantContactTrackingImporter(Component):
    """One page of a tracking report per job: a feed (``marketing.feed.importer``).

    Newest rows first; rows are stored in ``marketing.activity`` (unique per
    row: reading a page twice stores nothing twice) and the walk stops at
    the newest row stored by the previous poll.  The cursor moves to the
    newest row only when the walk is complete; a failed page is read again.
    """

    _name = "constantcontact.tracking.importer"
    _inherit = ["marketing.activity.feed.importer", "constantcontact.base"]
    _usage = "activity.feed.importer"
    _apply_on = ["marketing.activity"]
    _feed_job = "import_tracking"
    _activity_contact_model = "constantcontact.res.partner"
    _activity_contact_key = "contact_id"

    def run(self, campaign_activity_id, kind, campaign_name=None, count=None):
        return super().run(campaign_activity_id, kind, campaign_name, count)

    def _cursor_name(self):
        return tracking_cursor(*self._feed_args[:2])

    def _initial_state(self):
        return {}

    def _fetch_page(self, state):
        """The rows newer than the last walk; the cursor state after them:
        walking on (``next``), or the walk done with its row count."""
        campaign_activity_id, kind, __, count = self._feed_args
        rows, href = self.component(usage="backend.adapter").tracking_page(
            campaign_activity_id, kind, state.get("next")
        )
        self._rows_read = len(rows)
        stop_at = state.get("newest")
        fresh = [r for r in rows if not stop_at or r.get("created_time", "") >= stop_at]
        newest = state.get("pending") or (rows[0].get("created_time") if rows else None)
        if href and len(fresh) == len(rows):
            return Page(
                fresh, dict(state, newest=stop_at, pending=newest, next=href), True
            )
        # the walk is complete: its row count is what the stats said
        done = {"newest": newest or stop_at, "count": state.get("count", 0)}
        if count is not None:
            done["count"] = count
        return Page(fresh, done, False)

    def _feed_description(self):
        return self.env._("Import next %s page", self._feed_args[1])

    def _summary(self, page, created):
        return self.env._(
            "%(read)s %(kind)s rows read, %(new)s new",
            read=self._rows_read,
            kind=self._feed_args[1],
            new=len(created),
        )

    def _activity_values(self, row, partner):
        __, kind, campaign_name, __ = self._feed_args
        return {
            "external_id": ":".join(
                str(row.get(key) or "")
                for key in (
                    "campaign_activity_id",
                    "tracking_activity_type",
                    "contact_id",
                    "created_time",
                    "link_id",
                )
            ),
            "activity_type": REPORTS[kind],
            "occurred_at": utc_text(row.get("created_time")),
            "email": row.get("email_address"),
            "campaign": campaign_name,
            "detail": row.get("link_url")
            or row.get("bounce_message")
            or row.get("opt_out_reason"),
        }
