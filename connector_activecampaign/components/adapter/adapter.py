# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ActiveCampaign adapter: the API's HTTP dialect and single contacts;
pages, bulk imports and the records around a contact come from the
mixins of this folder."""

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    ConfigurationError,
)

from .api import SIDELOADED, SYNC_KEYS


class ActivecampaignAdapter(Component):
    """API v3: ``Api-Token`` header, JSON bodies wrapped in the resource name,
    422 validation errors, 5 requests/s per account (429 or 503 beyond)."""

    _name = "activecampaign.adapter"
    _inherit = [
        "activecampaign.adapter.feed",
        "activecampaign.adapter.bulk",
        "activecampaign.adapter.records",
        "marketing.adapter",
        "activecampaign.base",
    ]
    _apply_on = [
        "activecampaign.backend",
        "activecampaign.res.partner",
        "activecampaign.account",
        "activecampaign.sale.order",
    ]

    batch_size = 250  # contacts per export job: one bulk import request
    page_size = 100  # GET /contacts accepts at most 100 per page
    bulk_min = 11  # the docs: 10 contacts or fewer go through the contacts API
    bulk_size = 250
    bulk_poll_seconds = 15
    updated_key = "udate"
    #: ``DELETE /api/3/contacts/{id}`` deletes a contact: 200 ``{}``, 404
    #: with a ``message`` when there is no such contact
    contacts_path = "/contacts"
    #: seconds the next delta scan reaches back before the start of the last
    delta_overlap = 300

    api_key_header = "Api-Token"
    credentials_where = "Settings > Developer"
    #: a 422 lists its errors, each with a ``title``
    error_list_key = "errors"
    error_text_keys = ("title", "detail", "message", "error_message", "error", "errors")
    #: some clients meet the rate limit as 503: same remedy
    rate_limit_statuses = (503,)
    rate_limit_wait = 1.0
    field_definition_keys = {
        "remote_id": "id",
        "label": "title",
        "key": "perstag",
        "field_type": "type",
        "options": "_options",
    }
    multiple_field_types = ("listbox", "checkbox")

    def _base_url(self):
        return self.backend_record.api_url.rstrip("/") + "/api/3"

    def _classify(self, response, raw=False):
        status = response.status_code
        if status in (401, 403):
            # a fixed key: no token to refresh, a refused key stays refused
            message = self._error_message(response)
            if "suspend" in message.lower() or "disabled" in message.lower():
                raise ConfigurationError(
                    self.env._(
                        "ActiveCampaign says the account is suspended or "
                        "disabled (%s): contact ActiveCampaign.",
                        message,
                    )
                )
            raise ConfigurationError(self._credentials_refused("API key"))
        if status == 422:
            raise BadDataError(self._error_message(response), code=self._code(response))
        refusal = self._bulk_refusal(response) if status == 400 else None
        if refusal:
            raise refusal
        return super()._classify(response, raw=raw)

    @staticmethod
    def _code(response):
        try:
            error = response.json()["errors"][0]
            return f"ac_{error.get('code') or 'invalid'}"
        except (ValueError, KeyError, IndexError, TypeError):
            return "ac_invalid"

    # ------------------------------------------------------------------
    # contacts
    # ------------------------------------------------------------------

    def check_connection(self):
        user = (self._call("GET", "/users/me") or {}).get("user") or {}
        return self.env._(
            "Connected to ActiveCampaign as %s", user.get("username") or user.get("id")
        )

    def deleted_contacts(self, external_ids):
        """Bound contacts ActiveCampaign no longer has.

        ActiveCampaign has no deletion feed and no contact-deleted webhook
        event: ``GET /contacts`` with the documented ``ids[]`` filter (100 a
        call) answers the contacts that exist; one it leaves out is
        confirmed by ``GET /contacts/{id}`` ("Retrieve a contact"), which
        answers 404 for a deleted contact.  ``contact/sync`` and
        ``bulk_import`` upsert by email: without this check an export would
        create the deleted contact again.
        """
        ids = [str(i) for i in external_ids]
        present = set()
        for __, body in self._contacts_by_ids(ids):
            present |= {str(c["id"]) for c in self._items(body, "contacts")}
        gone = set()
        for contact_id in ids:
            if contact_id in present:
                continue
            try:
                self._call("GET", f"/contacts/{contact_id}")
            except BadDataError as err:
                if err.code != "not_found":
                    raise
                gone.add(contact_id)
        return gone

    def fetch(self, external_id):
        """One contact with its field values, tags, list statuses and account."""
        body = self._call("GET", f"/contacts/{external_id}") or {}
        if not body.get("contact"):
            raise self._not_found(external_id)
        details = {
            key: body[key]
            for key in (*SIDELOADED, "tags")
            if isinstance(body.get(key), list)
        }
        record = self._contact(
            body["contact"], details=self._complete(str(external_id), details)
        )
        record["_account"] = self.account_link(external_id)
        return record

    def account_link(self, contact_id):
        """``{id, link_id, job_title}`` of the contact's account, or None."""
        body = self._call(
            "GET", "/accountContacts", params={"filters[contact]": contact_id}
        )
        for link in (body or {}).get("accountContacts") or []:
            return {
                "id": str(link["account"]),
                "link_id": str(link["id"]),
                "job_title": link.get("jobTitle") or "",
            }
        return None

    def account_name(self, account_id):
        body = self._call("GET", f"/accounts/{account_id}") or {}
        return (body.get("account") or {}).get("name")

    def upsert(self, payloads):
        """``contact/sync`` per contact (upsert by email; 422 → review)."""
        results = []
        for payload in payloads:
            body = {key: payload[key] for key in SYNC_KEYS if key in payload}
            try:
                answer = self._call("POST", "/contact/sync", json={"contact": body})
            except BadDataError as err:
                results.append(self._refused(err.code, str(err)))
                continue
            contact = answer["contact"]
            new = contact.get("cdate") == contact.get("udate")
            status = "created" if new else "updated"
            results.append(self._saved(status, str(contact["id"])))
        return results

    def count(self):
        body = self._call("GET", "/contacts", params={"limit": 1}) or {}
        return int((body.get("meta") or {}).get("total") or 0)  # a string

    def _custom_field_records(self):
        """Every custom field, 100 a page ("List all custom fields" takes
        ``limit``; ``offset`` as on every collection): an account with more
        than 100 fields has them all.  A page bringing no new field ends the
        loop, should ``offset`` ever be ignored.  The choices come in
        ``fieldOptions``, kept on each field as ``_options``."""
        fields, options, offset = {}, {}, 0
        while True:
            body = (
                self._call(
                    "GET", "/fields", params={"limit": self.page_size, "offset": offset}
                )
                or {}
            )
            page = body.get("fields") or []
            new = [f for f in page if str(f["id"]) not in fields]
            fields.update((str(f["id"]), f) for f in new)
            for option in body.get("fieldOptions") or []:
                values = options.setdefault(str(option.get("field")), [])
                if option.get("value") not in values:
                    values.append(option.get("value"))
            offset += len(page)
            total = int((body.get("meta") or {}).get("total") or 0)
            if len(page) < self.page_size or not new or 0 < total <= len(fields):
                break
        return [dict(f, _options=options.get(i)) for i, f in fields.items()]
