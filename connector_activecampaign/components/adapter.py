# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    BulkRowsRefused,
    ConfigurationError,
    RateLimited,
)
from odoo.addons.connector_marketing_base.tools.dates import utc_naive, utc_text

#: payload keys a contact/sync body takes (tags, lists, account come after)
SYNC_KEYS = ("email", "firstName", "lastName", "phone", "fieldValues")
#: payload keys a bulk import item takes, with its own spelling
BULK_KEYS = {
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "phone": "phone",
    "tags": "tags",
}


def email_key(email):
    return str(email or "").strip().lower()


#: ActiveCampaign's list status for an unsubscribed contact
UNSUBSCRIBED = "2"
#: what a delta page side-loads (developers.activecampaign.com "Side
#: Loading"): the page's field values, tags with their names and list
#: statuses come in the same answer, no call per contact
PAGE_INCLUDE = "fieldValues,contactTags.tag,contactLists"
#: the side-loaded collections a contact needs; ``include`` is not in the
#: published reference of ``GET /contacts``: where an answer lacks one, it
#: is read through documented endpoints (never taken for "none")
SIDELOADED = ("fieldValues", "contactTags", "contactLists")
#: "Bulk import status info": a batch in one of these states is over
BULK_DONE = ("completed", "failed", "interrupted")
#: ActiveCampaign's own dates are US/Central ("Retrieve a contact" page)
ACCOUNT_TZ = ZoneInfo("America/Chicago")


class ActivecampaignAdapter(Component):
    """API v3: ``Api-Token`` header, JSON bodies wrapped in the resource name,
    422 validation errors, 5 requests/s per account (429 or 503 beyond)."""

    _name = "activecampaign.adapter"
    _inherit = ["marketing.adapter", "activecampaign.base"]
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
    #: seconds the next delta scan reaches back before the start of the last
    delta_overlap = 300

    def _base_url(self):
        return self.backend_record.api_url.rstrip("/") + "/api/3"

    def _auth_headers(self):
        return {"Api-Token": self.backend_record.sudo().api_key or ""}

    def _drop_token(self):
        """No token to refresh: a refused key stays refused."""

    def _classify(self, response, raw=False):
        status = response.status_code
        if status in (401, 403):
            message = self._error_message(response)
            if "suspend" in message.lower() or "disabled" in message.lower():
                text = self.env._(
                    "ActiveCampaign says the account is suspended or disabled "
                    "(%s): contact ActiveCampaign.",
                    message,
                )
            else:
                text = self.env._(
                    "ActiveCampaign refused the API key of backend %s: copy it "
                    "again from Settings > Developer.",
                    self.backend_record.name,
                )
            raise ConfigurationError(text)
        if status == 503:
            # some clients meet the rate limit as 503: same remedy (but a 5xx
            # does not prove that a create was not carried out)
            raise RateLimited(
                "HTTP 503: " + self._error_message(response),
                retry_after=self._retry_after(response) or 1.0,
                maybe_applied=True,
            )
        if status == 429:
            raise RateLimited(
                "HTTP 429: " + self._error_message(response),
                retry_after=self._retry_after(response) or 1.0,
            )
        if status == 422:
            raise BadDataError(self._error_message(response), code=self._code(response))
        refusal = self._bulk_refusal(response) if status == 400 else None
        if refusal:
            raise refusal
        return super()._classify(response, raw=raw)

    def _error_message(self, response):
        """ActiveCampaign's own words: the ``errors[].title`` of a 422; any
        other answer is read as the base reads it."""
        try:
            body = response.json()
        except ValueError:
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list) and errors:
            return "; ".join(
                str(e.get("title") or e.get("detail") or e)
                for e in errors
                if isinstance(e, dict)
            )[:500]
        return super()._error_message(response)

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

    def initial_state(self, full=False):
        if full:
            return {"since": None, "last_id": 0}
        since = self.backend_record.import_since
        return {"since": self._account_time(since) if since else None, "last_id": 0}

    @staticmethod
    def _account_time(moment):
        """A naive UTC datetime as ActiveCampaign writes its own dates: US
        Central with its offset.  Read with or without the offset, or as a
        bare date, it never names a later moment than ``moment``."""
        local = moment.replace(tzinfo=UTC).astimezone(ACCOUNT_TZ)
        return local.isoformat(timespec="seconds")

    def search_page(self, state):
        """Contacts changed since the cursor, 100 at a time by ascending id,
        with their field values, tags and list statuses (side-loaded, or read
        through documented endpoints where the answer lacks them).

        ``id_greater`` with ``orders[id]=ASC`` rather than a growing offset:
        deep offsets are slow on ActiveCampaign's side and skip or repeat
        records when contacts change during the scan.
        """
        return self._changed_page(state, {"include": PAGE_INCLUDE}, details=True)

    def unsubscribed_page(self, state):
        """Contacts unsubscribed from the default list (``listid`` with
        ``status=2``), changed since the cursor, paged like ``search_page``.
        """
        params = {"listid": self.backend_record.list_id, "status": UNSUBSCRIBED}
        return self._changed_page(state, params)

    def _changed_page(self, state, params, details=False):
        """One page of a scan; the next scan starts where this one *began*.

        A contact changed during a scan of several pages may already be
        behind the ``id_greater`` position, and its ``udate`` may be older
        than that of a contact read later: the newest ``udate`` seen would
        skip it.  So the next ``filters[updated_after]`` is the start of this
        scan less ``delta_overlap`` (clock skew, and the reference types the
        filter as a date), and the contacts the overlap reads again with an
        unchanged ``udate`` are dropped (``seen``).
        """
        started = state.get("started")
        if not started and state.get("last_id") and state.get("since"):
            started = utc_text(state["since"])  # a scan begun before this rule
        started = started or utc_text(datetime.now(UTC).isoformat())
        floor = utc_text(
            (utc_naive(started) - timedelta(seconds=self.delta_overlap)).isoformat()
        )
        query = dict(
            params,
            limit=self.page_size,
            id_greater=state.get("last_id") or 0,
            **{"orders[id]": "ASC"},
        )
        if state.get("since"):
            query["filters[updated_after]"] = state["since"]
        body = self._call("GET", "/contacts", params=query) or {}
        contacts = body.get("contacts") or []
        seen = state.get("seen") or {}
        fresh = [
            c
            for c in contacts
            if str(c["id"]) not in seen
            or seen[str(c["id"])] != utc_text(c.get("udate"))
        ]
        body = dict(body, contacts=fresh)
        records = self._page_records(body) if details else self._contacts(fresh)
        upcoming = dict(state.get("upcoming") or {})
        for contact in contacts:
            udate = utc_text(contact.get("udate"))
            if udate and udate >= floor:
                upcoming[str(contact["id"])] = udate
        if len(contacts) == self.page_size:
            last_id = int(contacts[-1]["id"])
            following = dict(state, last_id=last_id, started=started, upcoming=upcoming)
            return Page(records, following, True)
        following = {
            "since": self._account_time(utc_naive(floor)),
            "last_id": 0,
            "seen": upcoming,
        }
        return Page(records, following, False)

    def _contacts(self, contacts):
        return [self._contact(c) for c in contacts]

    def _page_records(self, body):
        """The page's contacts, each with its share of the side-loaded
        collections; what the answer did not side-load (``include`` is not
        in the published reference) is read per contact, never taken for
        "none"."""
        contacts = body.get("contacts") or []
        shares = {
            str(c["id"]): {"tags": list(body.get("tags") or [])} for c in contacts
        }
        for key in SIDELOADED:
            if key not in body:
                continue
            for share in shares.values():
                share[key] = []
            for item in body[key] or []:
                share = shares.get(str(item.get("contact")))
                if share is not None:
                    share[key].append(item)
        for contact_id, share in shares.items():
            self._complete(contact_id, share)
        return [self._contact(c, details=shares[str(c["id"])]) for c in contacts]

    def _complete(self, contact_id, details):
        """Fill ``details`` of one contact through documented endpoints:
        ``GET /contacts/{id}`` side-loads field values and list statuses
        (not tags), ``GET /contacts/{id}/contactTags`` the tags."""
        if any(key not in details for key in ("fieldValues", "contactLists")):
            body = self._call("GET", f"/contacts/{contact_id}") or {}
            for key in ("fieldValues", "contactLists"):
                if key not in details and isinstance(body.get(key), list):
                    details[key] = [
                        item
                        for item in body[key]
                        if str(item.get("contact", contact_id)) == str(contact_id)
                    ]
            details["tags"] = details.get("tags", []) + list(body.get("tags") or [])
            if isinstance(body.get("contactTags"), list):
                details.setdefault("contactTags", body["contactTags"])
        if "contactTags" not in details:
            body = self._call("GET", f"/contacts/{contact_id}/contactTags") or {}
            details["contactTags"] = body.get("contactTags") or []
        self._name_tags(details)
        return details

    def _name_tags(self, details):
        """Names of the contact's tags: side-loaded, else ``GET /tags/{id}``
        (an unnamed tag would read as a removed category)."""
        names = {str(t["id"]): t.get("tag") for t in details.get("tags") or []}
        cache = getattr(self, "_tag_names", None)
        if cache is None:
            cache = self._tag_names = {}
        for link in details.get("contactTags") or []:
            tag_id = str(link.get("tag"))
            if names.get(tag_id) or not tag_id:
                continue
            if tag_id not in cache:
                body = self._call("GET", f"/tags/{tag_id}") or {}
                cache[tag_id] = (body.get("tag") or {}).get("tag")
            names[tag_id] = cache[tag_id]
        details["tags"] = [{"id": k, "tag": v} for k, v in names.items()]

    def _contact(self, contact, details=None):
        """A contact as the mappers read it (UTC ``udate``, fields by id);
        ``_tags``/``_lists`` only when known."""
        record = {
            "id": str(contact["id"]),
            "email": contact.get("email"),
            "firstName": contact.get("firstName"),
            "lastName": contact.get("lastName"),
            "phone": contact.get("phone"),
            "udate": utc_text(contact.get("udate")),
        }
        if details is None:
            return record
        remote = self.env["marketing.remote.field"]._by_remote_id(self.backend_record)
        for value in details.get("fieldValues") or []:
            field = remote.get(str(value.get("field")))
            text = value.get("value")
            if field and field.multiple and isinstance(text, str):
                text = ", ".join(v for v in text.split("||") if v)
            record[str(value.get("field"))] = text
        if "contactTags" in details:
            names = {str(t["id"]): t.get("tag") for t in details.get("tags") or []}
            links = details["contactTags"]
            record["_tags"] = {
                str(ct["tag"]): names.get(str(ct["tag"])) for ct in links
            }
            record["_contact_tags"] = {str(ct["tag"]): str(ct["id"]) for ct in links}
        if "contactLists" in details:
            record["_lists"] = {
                str(cl["list"]): str(cl.get("status")) for cl in details["contactLists"]
            }
        return record

    def contact_tags_of(self, contact_ids):
        """``{contact id: {contactTag id: tag name}}`` of up to 100 contacts
        (the documented ``ids[]`` filter, tags side-loaded when the answer
        has them, else read per contact)."""
        body = (
            self._call(
                "GET",
                "/contacts",
                params={
                    "ids[]": list(contact_ids),
                    "limit": self.page_size,
                    "include": "contactTags.tag",
                },
            )
            or {}
        )
        links = {}
        for contact in body.get("contacts") or []:
            contact_id = str(contact["id"])
            details = {
                "tags": list(body.get("tags") or []),
                "fieldValues": [],
                "contactLists": [],
            }
            if isinstance(body.get("contactTags"), list):
                details["contactTags"] = [
                    ct
                    for ct in body["contactTags"]
                    if str(ct.get("contact")) == contact_id
                ]
            self._complete(contact_id, details)
            names = {str(t["id"]): t.get("tag") for t in details["tags"]}
            links[contact_id] = {
                str(ct["id"]): names.get(str(ct["tag"]))
                for ct in details["contactTags"]
            }
        return links

    def list_statuses_of(self, contact_ids):
        """``{contact id: {list id: status}}`` of up to 100 contacts in one
        call (``ids[]`` with ``contactLists`` side-loaded)."""
        body = (
            self._call(
                "GET",
                "/contacts",
                params={
                    "ids[]": list(contact_ids),
                    "limit": self.page_size,
                    "include": "contactLists",
                },
            )
            or {}
        )
        statuses = {str(c["id"]): {} for c in body.get("contacts") or []}
        for link in body.get("contactLists") or []:
            if str(link.get("contact")) in statuses:
                statuses[str(link["contact"])][str(link["list"])] = str(
                    link.get("status")
                )
        return statuses

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
        for start in range(0, len(ids), self.page_size):
            chunk = ids[start : start + self.page_size]
            body = (
                self._call(
                    "GET", "/contacts", params={"ids[]": chunk, "limit": len(chunk)}
                )
                or {}
            )
            present |= {str(c["id"]) for c in body.get("contacts") or []}
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
            raise BadDataError(
                self.env._("Contact %s not found on ActiveCampaign", external_id),
                code="not_found",
            )
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
                results.append(
                    {"status": "error", "code": err.code, "message": str(err)}
                )
                continue
            contact = answer["contact"]
            new = contact.get("cdate") == contact.get("udate")
            results.append(
                {
                    "status": "created" if new else "updated",
                    "external_id": str(contact["id"]),
                }
            )
        return results

    def bulk_upsert(self, payloads):
        """``import/bulk_import`` of ≤ 250 contacts; returns the batch id."""
        contacts = []
        for payload in payloads:
            item = {
                bulk: payload[key] for key, bulk in BULK_KEYS.items() if key in payload
            }
            item["fields"] = [
                {"id": int(v["field"]), "value": v["value"]}
                for v in payload.get("fieldValues") or []
            ]
            list_id = self.backend_record.list_id
            if list_id and payload.get("consent") == "unsubscribed":
                item["unsubscribe"] = [{"listid": int(list_id)}]
            elif list_id and payload.get("_subscribe"):
                # only contacts read as never on any list (the exporter's
                # second step): an import never re-subscribes anyone
                item["subscribe"] = [{"listid": int(list_id)}]
            contacts.append(item)
        try:
            answer = self._call(
                "POST",
                "/import/bulk_import",
                json={"contacts": contacts},
                bucket="bulk_import",
            )
        except BulkRowsRefused as err:
            # the reference does not say whether ``contact`` counts from 0 or
            # from 1: both rows it may name are withheld (the exporter sends
            # them one by one, where each gets its own verdict)
            rows = {}
            for index, reason in sorted(err.rows.items()):
                for row in (index, index - 1):
                    if 0 <= row < len(contacts):
                        rows.setdefault(row, reason)
            raise BulkRowsRefused(str(err), rows, code=err.code) from err
        if not answer or not answer.get("batchId"):
            raise BadDataError(
                self.env._("ActiveCampaign did not queue the import: %s", answer),
                code="ac_bulk_refused",
            )
        return answer["batchId"]

    def _bulk_refusal(self, response):
        """The error a 400 of ``import/bulk_import`` stands for, or None.

        "Bulk import contacts" answers 400 with ``success: 0``, a
        ``message`` and ``failureReasons``: either rows by position
        (``[{"contact": 230, "failureReason": …}]``, nothing was queued) or
        plain strings, as for "Rate limit exceeded." (retry in a minute).
        """
        try:
            body = response.json()
        except ValueError:
            return None
        if not isinstance(body, dict) or "failureReasons" not in body:
            return None
        message = str(body.get("message") or "")
        reasons = body.get("failureReasons") or []
        rows = {}
        for reason in reasons:
            if isinstance(reason, dict):
                try:
                    rows[int(reason.get("contact"))] = str(
                        reason.get("failureReason") or message
                    )
                except (TypeError, ValueError):
                    continue
        if rows:
            return BulkRowsRefused(message, rows, code="ac_bulk_invalid")
        text = " ".join([message, *map(str, reasons)])
        if "rate limit" in text.lower() or "per minute" in text.lower():
            return RateLimited("HTTP 400: " + text[:300], retry_after=60.0)
        return BadDataError(text[:500], code="ac_bulk_refused")

    def bulk_status(self, remote_id, sent=None):
        """``(done, results)`` of a batch from "Bulk import status info".

        The answer lists ``success`` as contact ids (strings) and
        ``failure`` as emails.  The reference speaks of "newly created"
        contacts: sent contacts named in neither list are looked up (by the
        contact id Odoo knows, else by email) rather than reported missing.
        ``sent`` maps each sent email to the contact id Odoo has, or None.
        """
        body = self._call("GET", "/import/info", params={"batchId": remote_id}) or {}
        status = str(body.get("status")).lower()
        if status not in BULK_DONE:
            return False, []  # waiting, claimed, active, or ``false`` at first
        sent = {email_key(e): v for e, v in (sent or {}).items()}
        failed = {email_key(e) for e in body.get("failure") or [] if isinstance(e, str)}
        ids = [str(i) for i in body.get("success") or [] if isinstance(i, str | int)]
        found = self._emails_of(ids)
        unnamed = [e for e in sent if e not in found and e not in failed]
        if status == "completed":
            found.update(self._emails_of([sent[e] for e in unnamed if sent[e]]))
            for email in unnamed:
                if email not in found:
                    found.update(self._emails_of_address(email))
        results = [
            {
                "email": email,
                "status": "updated" if sent.get(email) else "created",
                "external_id": contact_id,
            }
            for email, contact_id in found.items()
        ]
        reason = self.env._(
            "ActiveCampaign did not import this contact in batch %s (its answer "
            "names only the email: an address on the exclusion list, or a "
            "value it refused)."
        )
        results += [
            {
                "email": email,
                "status": "error",
                "code": "ac_bulk_failure",
                "message": reason % remote_id,
            }
            for email in failed
        ]
        if status != "completed":
            results += [
                {
                    "email": email,
                    "status": "error",
                    "code": f"ac_bulk_{status}",
                    "message": self.env._("The import batch ended %s.", status),
                }
                for email in unnamed
                if email not in found
            ]
        return True, results

    def _emails_of(self, contact_ids):
        """``{email: contact id}`` of these contacts, 100 per call."""
        found = {}
        ids = sorted(set(contact_ids), key=lambda i: (len(i), i))
        for start in range(0, len(ids), self.page_size):
            chunk = ids[start : start + self.page_size]
            body = self._call(
                "GET", "/contacts", params={"ids[]": chunk, "limit": self.page_size}
            )
            for contact in (body or {}).get("contacts") or []:
                if str(contact["id"]) in chunk and contact.get("email"):
                    found[email_key(contact["email"])] = str(contact["id"])
        return found

    def _emails_of_address(self, email):
        body = self._call("GET", "/contacts", params={"email": email}) or {}
        return {
            email_key(c["email"]): str(c["id"])
            for c in body.get("contacts") or []
            if email_key(c.get("email") or "") == email
        }

    def delete(self, external_id):
        """Delete a contact (``DELETE /api/3/contacts/{id}``): 200 ``{}``,
        404 with a ``message`` when there is no such contact."""
        return self._call("DELETE", f"/contacts/{external_id}")

    def count(self):
        body = self._call("GET", "/contacts", params={"limit": 1}) or {}
        return int((body.get("meta") or {}).get("total") or 0)  # a string

    def list_fields(self):
        """Every custom field, 100 a page ("List all custom fields" takes
        ``limit``; ``offset`` as on every collection): an account with more
        than 100 fields has them all.  A page bringing no new field ends the
        loop, should ``offset`` ever be ignored."""
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
        return [
            {
                "remote_id": field_id,
                "label": field.get("title"),
                "key": field.get("perstag"),
                "field_type": field.get("type"),
                "options": options.get(field_id),
                "multiple": field.get("type") in ("listbox", "checkbox"),
            }
            for field_id, field in fields.items()
        ]

    # ------------------------------------------------------------------
    # tags and lists
    # ------------------------------------------------------------------
    def create_tag(self, name):
        try:
            body = self._call(
                "POST", "/tags", json={"tag": {"tag": name, "tagType": "contact"}}
            )
            return str(body["tag"]["id"])
        except BadDataError:
            # created meanwhile (by a person or another job): read it back
            for tag in (self._call("GET", "/tags", params={"search": name}) or {}).get(
                "tags"
            ) or []:
                if tag.get("tag", "").lower() == name.lower():
                    return str(tag["id"])
            raise

    def add_contact_tag(self, contact_id, tag_id):
        return self._call(
            "POST",
            "/contactTags",
            json={"contactTag": {"contact": contact_id, "tag": tag_id}},
        )

    def remove_contact_tag(self, contact_tag_id):
        return self._call("DELETE", f"/contactTags/{contact_tag_id}")

    def set_list_status(self, contact_id, list_id, status):
        return self._call(
            "POST",
            "/contactLists",
            json={
                "contactList": {
                    "list": list_id,
                    "contact": contact_id,
                    "status": status,
                }
            },
        )

    # ------------------------------------------------------------------
    # accounts, deals, webhooks
    # ------------------------------------------------------------------
    def save_account(self, account_id, values, marker):
        """Update an account, or create it once (``marker``: see
        ``_create_once``); found again by its name, unique on
        ActiveCampaign."""
        if account_id:
            body = self._call(
                "PUT", f"/accounts/{account_id}", json={"account": values}
            )
            return str(body["account"]["id"])
        return self._create_once(
            "account",
            marker,
            lambda: self._post_new("/accounts", "account", values),
            lambda: self._find_account(values["name"]),
        )

    def _post_new(self, path, key, values):
        """POST a new record, retried inside the job only after a 429."""
        body = self._call("POST", path, json={key: values}, create=True)
        return str(body[key]["id"])

    def _find_account(self, name):
        # List all accounts: ``search`` filters by name (case-insensitive)
        body = self._call("GET", "/accounts", params={"search": name}) or {}
        for account in body.get("accounts") or []:
            if str(account.get("name", "")).lower() == name.lower():
                return account["id"]
        return None

    def link_account(self, link_id, account_id, contact_id, job_title):
        values = {"account": account_id, "contact": contact_id, "jobTitle": job_title}
        if link_id:
            body = self._call(
                "PUT", f"/accountContacts/{link_id}", json={"accountContact": values}
            )
            return str(body["accountContact"]["id"])
        return self._create_once(
            "accountContact",
            f"{contact_id}>{account_id}",
            lambda: self._post_new("/accountContacts", "accountContact", values),
            lambda: self._find_account_link(account_id, contact_id),
        )

    def _find_account_link(self, account_id, contact_id):
        # List all associations: filters[contact] and filters[account]
        body = self._call(
            "GET",
            "/accountContacts",
            params={"filters[contact]": contact_id, "filters[account]": account_id},
        )
        for link in (body or {}).get("accountContacts") or []:
            if str(link.get("contact")) == str(contact_id) and str(
                link.get("account")
            ) == str(account_id):
                return link["id"]
        return None

    def save_deal(self, deal_id, values, marker):
        """Update a deal, or create it once (``marker``: see
        ``_create_once``); found again by its exact title, contact and
        pipeline (the title starts with the order's reference)."""
        if deal_id:
            body = self._call("PUT", f"/deals/{deal_id}", json={"deal": values})
            return str(body["deal"]["id"])
        return self._create_once(
            "deal",
            marker,
            lambda: self._post_new("/deals", "deal", values),
            lambda: self._find_deal(values),
        )

    def _find_deal(self, values):
        # List all deals: filters[title] and filters[group] (pipeline)
        body = self._call(
            "GET",
            "/deals",
            params={
                "filters[title]": values["title"],
                "filters[group]": values["group"],
            },
        )
        for deal in (body or {}).get("deals") or []:
            if deal.get("title") == values["title"] and str(deal.get("contact")) == str(
                values["contact"]
            ):
                return deal["id"]
        return None

    def deal_group(self, group_id):
        body = self._call("GET", "/dealGroups", params={"limit": 100}) or {}
        for group in body.get("dealGroups") or []:
            if str(group.get("id")) == str(group_id):
                return group
        raise ConfigurationError(
            self.env._("Pipeline %s does not exist on ActiveCampaign", group_id)
        )

    def deal_stages(self, group_id):
        body = self._call(
            "GET", "/dealStages", params={"filters[d_groupid]": group_id, "limit": 100}
        )
        return (body or {}).get("dealStages") or []

    def create_webhook(self, name, url, events, sources):
        body = self._call(
            "POST",
            "/webhooks",
            json={
                "webhook": {
                    "name": name,
                    "url": url,
                    "events": events,
                    "sources": sources,
                    "listid": self.backend_record.list_id or "0",
                }
            },
        )
        return body["webhook"]
