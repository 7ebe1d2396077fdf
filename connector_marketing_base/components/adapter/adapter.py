# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contact API every provider adapter implements, and its token."""

import io
from typing import NamedTuple

from odoo.addons.component.core import AbstractComponent


class Page(NamedTuple):
    """One page of remote records and the cursor state that follows it."""

    records: list
    state: dict
    has_more: bool


class MarketingAdapter(AbstractComponent):
    """The only place that speaks HTTP.

    Every call goes through :meth:`_call`: a slot of the shared rate limiter,
    one ``requests.Session`` per job, explicit timeouts, tenacity for transient
    errors inside the job, one re-authentication on an expired token, and the
    classification of the answer into success / retry later / re-auth / bad
    data / configuration error.  A provider adapter implements the contact
    methods below and, where its dialect differs from plain HTTP status codes,
    :meth:`_classify`.
    """

    _name = "marketing.adapter"
    _inherit = [
        "marketing.adapter.http",
        "marketing.adapter.create.once",
        "base.backend.adapter",
        "marketing.base",
    ]
    _usage = "backend.adapter"

    #: records per write/read request the provider accepts
    batch_size = 100
    #: attempts of one call on transient errors, inside one job
    transient_attempts = 3
    #: asynchronous bulk import: used from this many contacts on (0: never)
    bulk_min = 0
    #: contacts per bulk import request
    bulk_size = 100
    #: seconds between two checks of a running bulk import, and how many
    bulk_poll_seconds = 10
    bulk_max_polls = 360
    #: key of the remote id and last-change time in a contact record
    external_key = "id"
    updated_key = "updated_at"

    # ------------------------------------------------------------------
    # contact API each provider implements
    # ------------------------------------------------------------------
    def check_connection(self):
        """Return a short text describing the account, or raise."""
        raise NotImplementedError

    def initial_state(self, full=False):
        """Cursor state of a first delta import (or of a full scan)."""
        return {}

    def search_page(self, state):
        """Return a :class:`Page` of contacts changed since ``state``."""
        raise NotImplementedError

    def fetch(self, external_id):
        raise NotImplementedError

    def upsert(self, payloads):
        """Create or update contacts; one result per payload, in order.

        A result is a dict: ``status`` (created / updated / error),
        ``external_id``, and for errors ``code`` and ``message``.
        """
        raise NotImplementedError

    def delete(self, external_id):
        """Delete one contact (its documented delete); raise on a refusal,
        ``BadDataError`` with code ``not_found`` when there is no such one."""
        raise NotImplementedError

    def is_deleted(self, record):
        """Whether ``record``, as a scan read it, is a contact the platform
        deleted (a provider whose scans return deleted contacts marked as
        such says how); those are never imported as partners."""
        return False

    def deleted_contacts(self, external_ids):
        """External ids of contacts the platform deleted, among these bound
        ones (a deletion feed may name others too), where it can tell before
        an export sends them again: an export by email would re-create them.
        By default it cannot: an empty set."""
        return set()

    def read_contact(self, external_id):
        """Everything the platform holds on one contact, as it answers
        (data-subject access requests); by default what ``fetch`` reads."""
        return self.fetch(external_id)

    def bulk_upsert(self, payloads):
        """Start an asynchronous import of ``payloads``; return its remote id."""
        raise NotImplementedError

    def bulk_status(self, remote_id, sent):
        """``(done, results)`` of a bulk import (see the bulk.import.follower)."""
        raise NotImplementedError

    def list_fields(self):
        """Custom field definitions (see ``marketing.remote.field._refresh``)."""
        raise NotImplementedError

    def create_tag(self, name):
        """Create a tag on the platform; return its remote id."""
        raise NotImplementedError

    def count(self):
        """Number of remote contacts, or None when the provider cannot tell."""
        raise NotImplementedError

    def external_id_of(self, record):
        return str(record[self.external_key])

    # ------------------------------------------------------------------
    # authentication (providers with tokens override _fetch_token)
    # ------------------------------------------------------------------
    def _auth_headers(self):
        """Headers that authenticate a call (bearer token from the store)."""
        self._current_token = (
            self.env["marketing.token"]
            .sudo()
            ._get_access_token(self.backend_record, self._fetch_token)
        )
        return {"Authorization": f"Bearer {self._current_token}"}

    def _fetch_token(self, refresh_token):
        raise NotImplementedError

    def _drop_token(self):
        token = getattr(self, "_current_token", None)
        if token:
            self.env["marketing.token"].sudo()._invalidate(self.backend_record, token)

    # ------------------------------------------------------------------
    # files (bulk extracts)
    # ------------------------------------------------------------------
    @staticmethod
    def _text_stream(response):
        """The body of a streamed answer as a text file read as it arrives.

        Why not ``iter_lines``: it drops the line ends, and ``csv`` then
        joins a quoted value spanning two lines without its newline.
        """
        response.raw.decode_content = True  # gzip, if the server used it
        response.raw.auto_close = False  # urllib3: EOF, not "closed file"
        return io.TextIOWrapper(
            response.raw, encoding=response.encoding or "utf-8", newline=""
        )
