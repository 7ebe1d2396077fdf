# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contacts, lists and custom fields."""

from odoo import fields

from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.tools.dates import iso_z

from .api import (
    DELETED_OVERLAP,
    PAGE_SIZE,
    PHONE_KINDS,
    SCAN_OVERLAP,
    nanp_e164,
    utc_iso,
)


class ConstantContactAdapterRecords(AbstractComponent):
    """``/contacts`` (delta scans, deleted contacts, one contact, counts),
    ``/contact_lists`` and ``/contact_custom_fields``; a v3 contact is
    flattened here into the keys the mapper reads."""

    _name = "constantcontact.adapter.records"

    def check_connection(self):
        return self.env._("Connected: %s contact lists", len(self.lists()))

    def initial_state(self, full=False):
        since = None if full else self.backend_record.import_since
        return {"since": iso_z(since) if since else None, "next": None}

    def contacts_page(self, params=None, next_href=None):
        """One raw page: ``(contacts, next_href)``."""
        return self._linked_page("contacts", "/contacts", params, next_href)

    def search_page(self, state):
        """Contacts changed since ``state["since"]``, 500 per page.

        The scan's start time, less ``SCAN_OVERLAP``, becomes the next
        ``since`` once its last page is stored: a contact that changes during
        a long scan (an unsubscribe on a page already read) is read by the
        next scan, and so is one stamped in the very second the scan began
        or by a clock a little behind ours.  What the overlap reads again is
        imported again, which changes nothing (imports are idempotent).
        """
        started = state.get("started") or iso_z(fields.Datetime.now() - SCAN_OVERLAP)
        params = {
            "include": self.backend_record._include(),
            "limit": PAGE_SIZE,
            "status": "all",
        }
        if state.get("since"):
            params["updated_after"] = state["since"]
        contacts, next_href = self.contacts_page(params, state.get("next"))
        records = [self.flatten(contact) for contact in contacts]
        if next_href:
            new_state = dict(state, next=next_href, started=started)
        else:
            new_state = {"since": started, "next": None}
        return Page(records, new_state, bool(next_href))

    def fetch_raw(self, external_id):
        return self._call(
            "GET",
            f"/contacts/{external_id}",
            params={"include": self.backend_record._include()},
        )

    def fetch(self, external_id):
        return self.flatten(self.fetch_raw(external_id))

    def count(self):
        """Contacts of the account, unsubscribed ones included, deleted ones
        not (they stay in the account, but are no longer bound)."""
        counts = {}
        for status in ("all", "deleted"):
            body = self._call(
                "GET",
                "/contacts",
                params={"limit": 1, "status": status, "include_count": "true"},
            )
            counts[status] = (body or {}).get("contacts_count")
        if counts["all"] is None:
            return None
        return counts["all"] - (counts["deleted"] or 0)

    def is_deleted(self, record):
        """A deleted contact stays in the account: it has a ``deleted_at``
        and no list memberships, and ``status=all`` (what the scans ask
        for) returns it ("Delete a Contact", "Get and Restore Deleted
        Contacts" in the v3 API guide)."""
        return bool(record.get("deleted_at"))

    def deleted_contacts(self, external_ids):
        """Contacts deleted since the last look, from the documented feed
        ``GET /contacts?status=deleted`` (500 a page, ``updated_after`` the
        previous look less ``DELETED_OVERLAP``): every one of them, not only
        ``external_ids``, so that none is missed once the cursor moves.

        Adding a deleted contact to a list restores it, and a bulk import
        does just that: an export must not send a deleted contact again.
        """
        cursors = self.env["marketing.sync.cursor"].sudo()
        backend = self.backend_record
        state = cursors._get(backend, "deleted_contacts") or {}
        started = fields.Datetime.now()
        params = {"status": "deleted", "limit": PAGE_SIZE}
        if state.get("since"):
            params["updated_after"] = state["since"]
        contacts = self._linked_all("contacts", "/contacts", params)
        gone = {c["contact_id"] for c in contacts if c.get("deleted_at")}
        cursors._set(
            backend, "deleted_contacts", {"since": iso_z(started - DELETED_OVERLAP)}
        )
        return gone

    def read_contact(self, external_id):
        """GET a Contact with every sub-resource, as Constant Contact
        answers it (not flattened for the import)."""
        return self.fetch_raw(external_id)

    def find_raw(self, email):
        """The contact of an address, whatever its consent, or None."""
        contacts, __ = self.contacts_page(
            {
                "email": email,
                "status": "all",
                "include": self.backend_record._include(),
                "limit": 1,
            }
        )
        return contacts[0] if contacts else None

    def create_contact(self, contact):
        """``POST /contacts`` (``create_source`` needed; 409 if it exists)."""
        return self._call("POST", "/contacts", json=contact)

    def put_contact(self, external_id, contact):
        return self._call("PUT", f"/contacts/{external_id}", json=contact)

    def flatten(self, contact):
        """A v3 contact as one flat dict with the import-row keys.

        The base mapper reads flat keys (the same both ways); nested lists
        (phones by kind, the home address, custom fields by id, lists,
        consent) are spread out here.
        """
        email = contact.get("email_address") or {}
        flat = {
            "contact_id": contact.get("contact_id"),
            "updated_at": utc_iso(contact.get("updated_at")),
            "email": email.get("address"),
            "permission_to_send": email.get("permission_to_send"),
            "opt_out_reason": email.get("opt_out_reason"),
            "list_memberships": contact.get("list_memberships") or [],
        }
        if contact.get("deleted_at"):
            flat["deleted_at"] = contact["deleted_at"]
        for key in ("first_name", "last_name", "job_title", "company_name"):
            if key in contact:
                flat[key] = contact[key]
        for phone in contact.get("phone_numbers") or []:
            key = PHONE_KINDS.get(phone.get("kind"))
            if key:
                flat.setdefault(key, nanp_e164(phone.get("phone_number")))
        addresses = contact.get("street_addresses") or []
        if addresses:
            address = addresses[0]
            for key in ("street", "city", "state", "country"):
                flat[key] = address.get(key)
            # a contact's address says postal_code; only import rows say zip
            # (read both: an answer in the other dialect loses nothing)
            flat["zip"] = address.get("postal_code", address.get("zip"))
        for value in contact.get("custom_fields") or []:
            flat[value.get("custom_field_id")] = value.get("value")
        return flat

    def lists(self):
        return self._items(
            self._call("GET", "/contact_lists", params={"limit": 1000}), "lists"
        )

    def create_list(self, name):
        return self._call("POST", "/contact_lists", json={"name": name})

    def _custom_field_records(self):
        return self._linked_all(
            "custom_fields", "/contact_custom_fields", {"limit": 100}
        )
