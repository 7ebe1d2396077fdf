# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Constant Contact adapter: its mixins, authentication and errors."""

from odoo.addons.component.core import Component

from .api import IMPORT_MAX_ROWS


class ConstantContactAdapter(Component):
    """Constant Contact v3: bearer tokens from the OAuth2 connection (the
    base's), 429 bodies that tell a short throttle (``throttled``) from the
    daily quota (``quota_exceeded``), error lists, and ``_links.next``
    paging."""

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
    #: DELETE a Contact (``DELETE /v3/contacts/{contact_id}``): 204 No
    #: Content, 404 for an unknown contact
    contacts_path = "/contacts"
    #: every export is one contacts_json_import, polled for up to an hour
    bulk_min = 1
    bulk_size = IMPORT_MAX_ROWS
    bulk_poll_seconds = 5
    bulk_max_polls = 720

    #: ``_links.next.href`` paging
    next_link_path = ("_links", "next", "href")
    #: errors come as ``[{error_key, error_message}]`` (or one such object)
    error_text_keys = ("error_message", "error_key")
    #: a 429 that is not the daily quota is a short throttle (no Retry-After)
    rate_limit_wait = 1
    field_definition_keys = {
        "remote_id": "custom_field_id",
        "label": "label",
        "key": "name",
        "field_type": "type",
        "options": "choices",
    }
    multiple_field_types = ("multi_select",)

    def _base_url(self):
        return self.backend_record.api_url

    def _classify(self, response, raw=False):
        """A 429 whose errors say ``quota_exceeded`` is the daily quota: every
        job waits for midnight; any other 429 is the short throttle."""
        if response.status_code == 429:
            entries = self._error_entries(self._json_body(response))
            if "quota_exceeded" in {entry.get("error_key") for entry in entries}:
                self._quota_exhausted(
                    self._quota_reset_seconds(),
                    self.env._(
                        "Constant Contact daily quota exhausted (%s); resumes "
                        "at 00:00 UTC",
                        self.backend_record.daily_quota,
                    ),
                )
        return super()._classify(response, raw=raw)
