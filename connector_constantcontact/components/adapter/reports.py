# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Email campaigns and their tracking reports."""

from odoo.addons.component.core import AbstractComponent

from .api import CAMPAIGN_PAGE_SIZE


class ConstantContactAdapterReports(AbstractComponent):
    """``/emails`` and ``/reports``: what the engagement importer reads."""

    _name = "constantcontact.adapter.reports"

    def campaigns_page(self, next_href=None, after_date=None):
        """Campaigns whose ``updated_at`` is after ``after_date`` (ISO-8601),
        500 per page: ``(campaigns, next_href)``."""
        if next_href:
            body = self._call("GET", self._path_of(next_href))
        else:
            params = {"limit": CAMPAIGN_PAGE_SIZE}
            if after_date:
                params["after_date"] = after_date
            body = self._call("GET", "/emails", params=params)
        body = body or {}
        return body.get("campaigns") or [], (
            (body.get("_links") or {}).get("next") or {}
        ).get("href")

    def campaign(self, campaign_id):
        return self._call("GET", f"/emails/{campaign_id}")

    def activity_stats(self, campaign_activity_ids):
        """``{campaign_activity_id: {em_opens: n, ...}}``, 10 ids per call."""
        stats = {}
        for start in range(0, len(campaign_activity_ids), 10):
            ids = ",".join(campaign_activity_ids[start : start + 10])
            body = self._call("GET", f"/reports/stats/email_campaign_activities/{ids}")
            for result in (body or {}).get("results") or []:
                stats[result["campaign_activity_id"]] = result.get("stats") or {}
        return stats

    def tracking_page(self, campaign_activity_id, kind, next_href=None):
        if next_href:
            body = self._call("GET", self._path_of(next_href))
        else:
            body = self._call(
                "GET",
                f"/reports/email_reports/{campaign_activity_id}/tracking/{kind}",
                params={"limit": 500},
            )
        body = body or {}
        return body.get("tracking_activities") or [], (
            (body.get("_links") or {}).get("next") or {}
        ).get("href")
