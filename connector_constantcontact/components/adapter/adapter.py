# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Constant Contact adapter: its mixins, authentication and errors."""

import urllib.parse

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import (
    RateLimited,
    ReauthRequired,
)
from odoo.addons.connector_marketing_base.tools.dates import seconds_until

from .api import IMPORT_MAX_ROWS, error_entries


class ConstantContactAdapter(Component):
    """Constant Contact v3: bearer tokens from the OAuth2 store, 429 bodies
    that tell a short throttle (``throttled``) from the daily quota
    (``quota_exceeded``), error lists, and ``_links.next`` paging."""

    _name = "constantcontact.adapter"
    _inherit = [
        "constantcontact.adapter.records",
        "constantcontact.adapter.bulk",
        "constantcontact.adapter.reports",
        "marketing.adapter",
        "constantcontact.base",
    ]
    _apply_on = [
        "constantcontact.backend",
        "constantcontact.res.partner",
        "marketing.activity",
    ]

    #: partners per export job: one bulk import (split further by size)
    batch_size = 10_000
    external_key = "contact_id"
    updated_key = "updated_at"
    #: every export is one contacts_json_import, polled for up to an hour
    bulk_min = 1
    bulk_size = IMPORT_MAX_ROWS
    bulk_poll_seconds = 5
    bulk_max_polls = 720

    def _base_url(self):
        return self.backend_record.api_url

    def _fetch_token(self, refresh_token):
        return self.backend_record.sudo()._oauth_refresh(refresh_token)

    def _classify(self, response, raw=False):
        if response.status_code == 429:
            keys = {
                entry.get("error_key")
                for entry in error_entries(self._json_or_none(response))
            }
            message = self._error_message(response)
            if "quota_exceeded" in keys:
                self._quota_exhausted(
                    seconds_until(self.backend_record._quota_timezone),
                    self.env._(
                        "Constant Contact daily quota exhausted (%s); resumes "
                        "at 00:00 UTC",
                        self.backend_record.daily_quota,
                    ),
                )
            raise RateLimited(f"Constant Contact throttled: {message}", retry_after=1)
        if response.status_code == 401:
            raise ReauthRequired(self._error_message(response))
        return super()._classify(response, raw=raw)

    @staticmethod
    def _json_or_none(response):
        try:
            return response.json()
        except ValueError:
            return None

    @staticmethod
    def _error_message(response):
        """Constant Contact answers errors as ``[{error_key, error_message}]``
        (or one such object): every entry's message, joined."""
        try:
            body = response.json()
        except ValueError:
            return response.text[:200] or response.reason
        entries = error_entries(body)
        if entries:
            return "; ".join(
                str(e.get("error_message") or e.get("error_key") or e) for e in entries
            )[:500]
        return str(body)[:500]

    def _path_of(self, href):
        """``_links.next.href`` is relative to the host (``/v3/contacts?...``)."""
        base_path = urllib.parse.urlsplit(self._base_url()).path.rstrip("/")
        if base_path and href.startswith(base_path + "/"):
            return href[len(base_path) :]
        return href
