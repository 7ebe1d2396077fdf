# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contact API every provider adapter implements, and its token."""

import io
from contextlib import contextmanager
from typing import NamedTuple

from odoo.addons.component.core import AbstractComponent

from ...exceptions import BadDataError


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
        "marketing.adapter.errors",
        "marketing.adapter.auth",
        "marketing.adapter.paging",
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
    #: path of the contacts collection, where the provider follows the REST
    #: convention of one URL per contact (see :meth:`delete`)
    contacts_path = None
    #: key of the remote id and last-change time in a contact record
    external_key = "id"
    updated_key = "updated_at"
    #: keys of a custom field definition, as the provider names them
    #: (``remote_id``, ``label``, ``key``, ``field_type``, ``options``)
    field_definition_keys = {}
    #: field types whose value holds several choices
    multiple_field_types = ()

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
        ``BadDataError`` with code ``not_found`` when there is no such one.
        By default the REST convention: ``DELETE {contacts_path}/{id}``,
        a 404 for an unknown contact."""
        if not self.contacts_path:
            raise NotImplementedError
        return self._call("DELETE", f"{self.contacts_path}/{external_id}")

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
        """Custom field definitions (see ``marketing.remote.field._refresh``):
        the provider's definitions (:meth:`_custom_field_records`) read
        through ``field_definition_keys``."""
        return [self._field_definition(raw) for raw in self._custom_field_records()]

    def _custom_field_records(self):
        """The provider's custom field definitions, as it answers them."""
        raise NotImplementedError

    def _field_definition(self, raw):
        """One definition in the shape ``marketing.remote.field`` stores."""
        keys = self.field_definition_keys
        return {
            "remote_id": str(raw[keys["remote_id"]]),
            "label": raw.get(keys["label"]),
            "key": raw.get(keys["key"]),
            "field_type": raw.get(keys["field_type"]),
            "options": self._field_options(raw),
            "multiple": raw.get(keys["field_type"]) in self.multiple_field_types,
        }

    def _field_options(self, raw):
        """The choices of a definition (None: free text)."""
        return raw.get(self.field_definition_keys["options"]) or None

    def create_tag(self, name):
        """Create a tag on the platform; return its remote id."""
        raise NotImplementedError

    def count(self):
        """Number of remote contacts, or None when the provider cannot tell."""
        raise NotImplementedError

    def external_id_of(self, record):
        return str(record[self.external_key])

    def _bound_page(self, state, fetch_many):
        """A page of a reconciliation scan read from our side: the bound
        contacts, ``batch_size`` at a time by binding id, read back by
        ``fetch_many(external_ids)`` (a provider without a listing of all
        its contacts starts its full scan with ``{"mode": "bound",
        "offset": 0}``)."""
        bindings = self.env[self.backend_record._partner_binding_model].search(
            [
                ("backend_id", "=", self.backend_record.id),
                ("external_id", "!=", False),
            ],
            order="id",
            offset=state["offset"],
            limit=self.batch_size,
        )
        offset = state["offset"] + len(bindings)
        more = len(bindings) == self.batch_size
        records = fetch_many(bindings.mapped("external_id"))
        return Page(records, {"mode": "bound", "offset": offset}, more)

    # ------------------------------------------------------------------
    # results of upsert and bulk_status: one shape for every provider
    # ------------------------------------------------------------------
    @staticmethod
    def _saved(status, external_id, email=None):
        """A contact the provider wrote (``status``: created or updated);
        a bulk result names it by ``email``."""
        result = {"status": status, "external_id": external_id}
        return result if email is None else dict(result, email=email)

    @staticmethod
    def _refused(code, message, email=None):
        """A contact the provider did not write, with its error code and
        words; a bulk result names it by ``email``."""
        result = {"status": "error", "code": code, "message": message}
        return result if email is None else dict(result, email=email)

    def _not_found(self, external_id):
        """The error of a contact the provider does not have."""
        return BadDataError(
            self.env._(
                "Contact %(id)s not found on %(provider)s",
                id=external_id,
                provider=self.backend_record._provider_label,
            ),
            code="not_found",
        )

    # ------------------------------------------------------------------
    # files (bulk extracts)
    # ------------------------------------------------------------------
    @contextmanager
    def _file_stream(self, path, missing_code="no_file"):
        """The file a ``GET path`` answers, as a text stream read as it
        arrives (a large extract is hundreds of MB), closed afterwards; an
        answer without a file is bad data (``missing_code``)."""
        response = self._call("GET", path, raw="stream")
        if response is None or not hasattr(response, "raw"):
            raise BadDataError(
                self.env._(
                    "%(provider)s sent no file for %(path)s",
                    provider=self.backend_record._provider_label,
                    path=path,
                ),
                code=missing_code,
            )
        try:
            yield self._text_stream(response)
        finally:
            response.close()

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
