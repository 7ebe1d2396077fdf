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
        params = {"limit": CAMPAIGN_PAGE_SIZE}
        if after_date:
            params["after_date"] = after_date
        return self._linked_page("campaigns", "/emails", params, next_href)

    def campaign(self, campaign_id):
        return self._call("GET", f"/emails/{campaign_id}")

    def activity_stats(self, campaign_activity_ids):
        """``{campaign_activity_id: {em_opens: n, ...}}``, 10 ids per call."""
        stats = {}
        for ids in self._chunks(campaign_activity_ids, 10):
            path = "/reports/stats/email_campaign_activities/" + ",".join(ids)
            for result in self._items(self._call("GET", path), "results"):
                stats[result["campaign_activity_id"]] = result.get("stats") or {}
        return stats

    def tracking_page(self, campaign_activity_id, kind, next_href=None):
        return self._linked_page(
            "tracking_activities",
            f"/reports/email_reports/{campaign_activity_id}/tracking/{kind}",
            {"limit": 500},
            next_href,
        )
