# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
import urllib.parse

from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.exceptions import (
    ConfigurationError,
    RateLimited,
    ReauthRequired,
)
from odoo.addons.connector_marketing_base.tools.dates import seconds_until, utc_text

#: contacts per page (the API's maximum)
PAGE_SIZE = 500
#: contact ids per add/remove_list_memberships activity
MEMBERSHIP_BATCH = 500
#: rows and bytes of one contacts_json_import (bytes kept under 4 MB: above
#: it Constant Contact silently imports only the first 4 MB)
IMPORT_MAX_ROWS = 40_000
IMPORT_MAX_BYTES = 3_800_000
#: phone kinds Odoo owns (phone, mobile); work and home numbers stay remote
PHONE_KINDS = {"other": "phone", "mobile": "mobile_phone"}
#: GET /emails ``limit`` (1 to 500, "GET a Collection of Email Campaigns")
CAMPAIGN_PAGE_SIZE = 500
#: a US/Canada number written nationally (``415-555-0100``): how the import
#: takes phones, and how Constant Contact may answer them
NANP_NATIONAL = re.compile(r"^\(?([2-9]\d{2})\)?[-. ]?([2-9]\d{2})[-. ]?(\d{4})$")
#: how an import activity names a refused row
ROW_ERROR = re.compile(
    r"^\s*(?:Row|Line)\s+(?P<row>\d+)\s*:\s*(?P<message>.*)$", re.IGNORECASE
)


#: Constant Contact's date-time parameters and answers: ISO 8601 in UTC
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def iso(moment):
    return moment.strftime(ISO_FORMAT)


def nanp_e164(number):
    """``+14155550100`` for a national US/Canada number, else the number.

    Numbers the bulk import took are US/Canada numbers ("International phone
    numbers are currently not supported") and may come back without their
    country code: read as such, they compare equal to the E.164 form Odoo
    keeps instead of looking changed on every import.
    """
    match = NANP_NATIONAL.match((number or "").strip())
    return "+1" + "".join(match.groups()) if match else number


def error_entries(body):
    """The ``{error_key, error_message}`` entries of an error body.

    Constant Contact documents a list of them, and some answers (429s among
    them) come as one object: both are read the same way.
    """
    if isinstance(body, dict):
        return [body]
    if isinstance(body, list):
        return [entry for entry in body if isinstance(entry, dict)]
    return []


def utc_iso(text):
    """Constant Contact dates carry offsets (``…T12:47:00-04:00``): in UTC
    (an unreadable value is passed on as it came)."""
    return utc_text(text, ISO_FORMAT) or text


class ConstantContactAdapter(Component):
    """Constant Contact v3: bearer tokens from the OAuth2 store, 429 bodies
    that tell a short throttle (``throttled``) from the daily quota
    (``quota_exceeded``), error lists, and ``_links.next`` paging."""

    _name = "constantcontact.adapter"
    _inherit = ["marketing.adapter", "constantcontact.base"]
    _apply_on = [
        "constantcontact.backend",
        "constantcontact.res.partner",
        "marketing.activity",
    ]

    #: partners per export job: one bulk import (split further by size)
    batch_size = 10_000
    external_key = "contact_id"
    updated_key = "updated_at"

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

    # ------------------------------------------------------------------
    # contacts
    # ------------------------------------------------------------------
    def check_connection(self):
        body = self._call("GET", "/contact_lists", params={"limit": 1000})
        return self.env._(
            "Connected: %s contact lists", len((body or {}).get("lists") or [])
        )

    def initial_state(self, full=False):
        since = None if full else self.backend_record.import_since
        return {"since": iso(since) if since else None, "next": None}

    def contacts_page(self, params=None, next_href=None):
        """One raw page: ``(contacts, next_href)``."""
        if next_href:
            body = self._call("GET", self._path_of(next_href))
        else:
            body = self._call("GET", "/contacts", params=params)
        body = body or {}
        return body.get("contacts") or [], (
            (body.get("_links") or {}).get("next") or {}
        ).get("href")

    def search_page(self, state):
        """Contacts changed since ``state["since"]``, 500 per page.

        The scan's start time becomes the next ``since`` once its last page
        is stored, so changes made during a long scan are read next time.
        """
        started = state.get("started") or iso(fields.Datetime.now())
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
        body = self._call(
            "GET",
            "/contacts",
            params={"limit": 1, "status": "all", "include_count": "true"},
        )
        return (body or {}).get("contacts_count")

    def delete(self, external_id):
        """DELETE a Contact (``DELETE /v3/contacts/{contact_id}``): 204 No
        Content, 404 for an unknown contact."""
        return self._call("DELETE", f"/contacts/{external_id}")

    def read_contact(self, external_id):
        """GET a Contact with every sub-resource, as Constant Contact
        answers it (not flattened for the import)."""
        return self.fetch_raw(external_id)

    def list_fields(self):
        """Custom field definitions for ``marketing.remote.field``."""
        return [
            {
                "remote_id": field["custom_field_id"],
                "label": field.get("label"),
                "key": field.get("name"),
                "field_type": field.get("type"),
                "options": field.get("choices") or None,
                "multiple": field.get("type") == "multi_select",
            }
            for field in self.custom_fields()
        ]

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

    # ------------------------------------------------------------------
    # bulk activities
    # ------------------------------------------------------------------
    def bulk_import(self, rows, list_ids):
        """``_``-prefixed keys are our own notes on a row, never sent."""
        rows = [{k: v for k, v in row.items() if k[:1] != "_"} for row in rows]
        return self._call(
            "POST",
            "/activities/contacts_json_import",
            json={"import_data": rows, "list_ids": list_ids},
        )

    def activity(self, activity_id):
        return self._call("GET", f"/activities/{activity_id}")

    def list_memberships(self, list_ids, contact_ids, add=True):
        """Add or remove contacts to lists, 500 ids per activity."""
        path = "/activities/%s_list_memberships" % ("add" if add else "remove")
        activities = []
        for start in range(0, len(contact_ids), MEMBERSHIP_BATCH):
            activities.append(
                self._call(
                    "POST",
                    path,
                    json={
                        "source": {
                            "contact_ids": contact_ids[start : start + MEMBERSHIP_BATCH]
                        },
                        "list_ids": list_ids,
                    },
                )
            )
        return activities

    # ------------------------------------------------------------------
    # lists and custom fields
    # ------------------------------------------------------------------
    def lists(self):
        body = self._call("GET", "/contact_lists", params={"limit": 1000})
        return (body or {}).get("lists") or []

    def create_list(self, name):
        return self._call("POST", "/contact_lists", json={"name": name})

    def custom_fields(self):
        fields_, href = [], None
        while True:
            if href:
                body = self._call("GET", self._path_of(href))
            else:
                body = self._call(
                    "GET", "/contact_custom_fields", params={"limit": 100}
                )
            fields_ += (body or {}).get("custom_fields") or []
            href = (((body or {}).get("_links") or {}).get("next") or {}).get("href")
            if not href:
                return fields_

    # ------------------------------------------------------------------
    # campaigns and tracking reports
    # ------------------------------------------------------------------
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


class ConstantContactBulkAdapter(Component):
    """Exports go through ``activities/contacts_json_import`` (the base's
    asynchronous bulk path), followed by polling and an id read-back."""

    _inherit = "constantcontact.adapter"

    bulk_min = 1
    bulk_size = IMPORT_MAX_ROWS
    bulk_poll_seconds = 5
    bulk_max_polls = 720

    def bulk_upsert(self, payloads):
        """Start an import into the default list; return the activity id.

        Rows are sent sorted by email, so the row numbers of
        ``activity_errors`` ("Row 3: ...") can be mapped back to emails.
        """
        list_id = self.backend_record.default_list_id
        if not list_id:
            raise ConfigurationError(
                self.env._(
                    "Backend %s has no default list: an import needs one.",
                    self.backend_record.name,
                )
            )
        rows = sorted(payloads, key=lambda row: row["email"])
        return self.bulk_import(rows, [list_id])["activity_id"]

    def bulk_status(self, remote_id, emails=None):
        """``(done, results)`` of an import activity.

        When it completed, each row error becomes an ``error`` result, and
        the ids of the other contacts are read back in pages of 500 changed
        since the import started (not one call per contact), stopping as
        soon as every email is found.
        """
        activity = self.activity(remote_id)
        state = activity.get("state")
        if state in ("initialized", "processing"):
            return False, []
        emails = sorted(emails or [])
        if state != "completed":
            return True, self._import_failed_results(activity, remote_id, emails)
        results = self._row_error_results(activity, emails)
        failed = {result["email"] for result in results}
        wanted = set(emails) - failed
        results += self._imported_ids(utc_iso(activity.get("created_at")), wanted)
        return True, results

    def _import_failed_results(self, activity, remote_id, emails):
        """Every email refused: the import as a whole did not complete."""
        message = self.env._(
            "Import %(id)s ended as %(state)s: %(errors)s",
            id=remote_id,
            state=activity.get("state"),
            errors="; ".join(activity.get("activity_errors") or []) or "-",
        )
        return [
            {
                "email": e,
                "status": "error",
                "code": f"import_{activity.get('state')}",
                "message": message,
            }
            for e in emails
        ]

    @staticmethod
    def _row_error_results(activity, emails):
        """The activity's row errors ("Row 3: ..."), rows numbered in the
        order the emails were sent (sorted)."""
        results = []
        for error in activity.get("activity_errors") or []:
            match = ROW_ERROR.match(error or "")
            if match and 0 < int(match["row"]) <= len(emails):
                results.append(
                    {
                        "email": emails[int(match["row"]) - 1],
                        "status": "error",
                        "code": "constantcontact_import",
                        "message": match["message"],
                    }
                )
        return results

    def _imported_ids(self, since, wanted):
        """Remote ids of the ``wanted`` emails, read from the contacts
        changed since the import started, until all are found."""
        results = []
        params = {"limit": PAGE_SIZE, "status": "all", "updated_after": since}
        next_href = None
        while wanted:
            contacts, next_href = self.contacts_page(params, next_href)
            for contact in contacts:
                email = (
                    (contact.get("email_address") or {}).get("address") or ""
                ).lower()
                if email in wanted:
                    wanted.discard(email)
                    results.append(
                        {
                            "email": email,
                            "status": "updated",
                            "external_id": contact["contact_id"],
                        }
                    )
            if not next_href:
                break
        return results
