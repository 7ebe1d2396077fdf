# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields

from odoo.addons.component.core import Component
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
#: campaign activities that have tracking reports
REPORTED_ROLES = ("primary_email", "resend")


class ConstantContactEngagementImporter(Component):
    """Engagement by polling (Constant Contact v3 has no engagement webhooks).

    ``run``: campaigns changed within ``engagement_days`` → one job per
    tracking report of their ``primary_email`` / ``resend`` activities.
    ``run_report``: one page of a report per job, newest rows first; rows
    are stored in ``marketing.activity`` (unique per row: reading a page
    twice stores nothing twice) and the walk stops at the newest row stored
    by the previous poll.  The cursor moves to the newest row only when the
    walk is complete; a failed page is read again.
    """

    _name = "constantcontact.engagement.importer"
    _inherit = "constantcontact.base"
    _usage = "engagement.importer"
    _apply_on = ["marketing.activity"]

    def run(self):
        backend = self.backend_record
        adapter = self.component(usage="backend.adapter")
        since = fields.Datetime.now() - timedelta(days=backend.engagement_days or 30)
        kinds = [k for k in REPORTS if k != "sends" or backend.import_sends]
        jobs, href = 0, None
        while True:
            campaigns, href = adapter.campaigns_page(href)
            for campaign in campaigns:
                updated = fields.Datetime.to_datetime(
                    (campaign.get("updated_at") or "")[:19].replace("T", " ") or None
                )
                if updated and updated < since:
                    continue
                detail = adapter.campaign(campaign["campaign_id"])
                for activity in detail.get("campaign_activities") or []:
                    if activity.get("role") not in REPORTED_ROLES:
                        continue
                    for kind in kinds:
                        backend.with_delay(
                            priority=20,
                            identity_key=identity_exact,
                            description=backend._job_description(
                                self.env._(
                                    "Import %(kind)s of campaign %(name)s",
                                    kind=kind,
                                    name=campaign.get("name"),
                                )
                            ),
                        ).import_tracking(
                            activity["campaign_activity_id"], kind, campaign.get("name")
                        )
                        jobs += 1
            if not href:
                break
        return self.env._("%s tracking reports to read", jobs)

    def run_report(self, campaign_activity_id, kind, campaign_name=None):
        backend = self.backend_record
        adapter = self.component(usage="backend.adapter")
        cursors = self.env["marketing.sync.cursor"].sudo()
        name = f"tracking:{campaign_activity_id}:{kind}"
        state = cursors._get(backend, name) or {}
        rows, href = adapter.tracking_page(
            campaign_activity_id, kind, state.get("next")
        )
        stop_at = state.get("newest")
        fresh = [r for r in rows if not stop_at or r.get("created_time", "") >= stop_at]
        created = (
            self.env["marketing.activity"]
            .sudo()
            ._record(backend, self._values(fresh, kind, campaign_name))
        )
        newest = state.get("pending") or (rows[0].get("created_time") if rows else None)
        if href and len(fresh) == len(rows):
            cursors._set(
                backend, name, {"newest": stop_at, "pending": newest, "next": href}
            )
            backend.with_delay(
                priority=20,
                description=backend._job_description(
                    self.env._("Import next %s page", kind)
                ),
            ).import_tracking(campaign_activity_id, kind, campaign_name)
        else:
            cursors._set(backend, name, {"newest": newest or stop_at})
        return self.env._(
            "%(read)s %(kind)s rows read, %(new)s new",
            read=len(rows),
            kind=kind,
            new=len(created),
        )

    def _values(self, rows, kind, campaign_name):
        bindings = self.binder_for("constantcontact.res.partner").to_internal_many(
            {r.get("contact_id") for r in rows if r.get("contact_id")}
        )
        values = []
        for row in rows:
            binding = bindings.get(row.get("contact_id"))
            values.append(
                {
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
                    "occurred_at": (row.get("created_time") or "")[:19].replace(
                        "T", " "
                    ),
                    "partner_id": binding.odoo_id.id if binding else False,
                    "email": row.get("email_address"),
                    "campaign": campaign_name,
                    "detail": row.get("link_url")
                    or row.get("bounce_message")
                    or row.get("opt_out_reason"),
                    "payload": row,
                }
            )
        return values
