"""The ActiveCampaign sandbox: API v3 as ``connector_activecampaign`` meets it.

Why it exists: ActiveCampaign's quirks are easy to get wrong and impossible
to trigger on cue in a real account: one limit of 5 requests per second for
the whole account (429 with ``Retry-After``; some clients saw 503), counts
sent as *strings* (``meta.total``), offsets that grow slow (``id_greater``
with ``orders[id]=ASC`` for deep paging), an asynchronous bulk import with
its own per-minute limits, validation errors as 422 JSON:API-style
``errors`` and unsigned, form-encoded, never retried webhooks.  Everything
below follows developers.activecampaign.com; where the documentation is
silent the choice is marked *chosen*.

Authentication
    ``Api-Token: <key>`` header.  Missing or wrong key → 403
    ``{"message": "No Result found for Subscriber with id 0"}`` (*chosen*:
    the account's answer to an unknown key); ``suspended=True`` → 403
    ``{"message": "Account suspended"}``.

Limits
    5 requests / s per account → 429 ``{"message": "Too Many Requests"}`` with
    ``Retry-After``.  ``import/bulk_import`` also counts against 100 requests
    per minute with several contacts and 20 per minute with one.

Routes (under ``/api/3``)
    ``GET /users/me``; ``GET /contacts`` (``limit`` ≤ 100, default 20,
    ``offset``, ``email``, ``filters[updated_after]``, ``id_greater``,
    ``orders[id]``, ``ids[]`` (repeated), ``listid`` with ``status``
    (contacts whose status on that list is the one given: 0 unconfirmed,
    1 active, 2 unsubscribed, 3 bounced; ``-1`` any), ``include``
    side-loading ``fieldValues``, ``contactTags``, ``contactTags.tag``
    (their ``tags`` too) and ``contactLists`` of the page's contacts, any
    other name → 400 (*chosen*), or ignored altogether with
    ``ignore_include=True``: the reference does not document it;
    ``meta.total`` a string); ``GET|DELETE /contacts/<id>`` (the contact
    with ``contactAutomations``, ``contactLists``, ``deals``,
    ``fieldValues``, ``geoAddresses``, ``geoIps`` side-loaded: no tags);
    ``GET /contacts/<id>/contactTags``; ``POST /contact/sync`` (upsert by
    email; 422 on a bad email or a name over 255 characters); ``POST
    /import/bulk_import`` (≤ 250 contacts → ``{"success": 1,
    "queued_contacts": n, "batchId": "…", "message": …}``; refusals are
    400 ``{"success": 0, "message", "failureReasons"}``: "Rate limit
    exceeded." with strings, or "JSON payload did not pass validation…"
    with ``[{"contact": <position>, "failureReason"}]``, nothing queued;
    the batch completes after ``bulk_polls`` status reads); ``GET
    /import/info?batchId=`` → ``{"status": "completed", "success":
    ["<contact id>", …], "failure": ["<email>", …]}`` (``status`` ``false``
    on the first early read, then ``active``; ``success`` lists new
    contacts only, or every imported one with ``bulk_success="all"``;
    addresses in ``excluded`` and rows naming an unknown field fail);
    ``GET /fields`` (``limit``, ``offset``, ``fieldOptions`` side-loaded),
    ``POST /fieldValues``; ``GET|POST /tags``, ``GET /tags/<id>``,
    ``POST /contactTags``, ``DELETE /contactTags/<id>``;
    ``GET /lists``, ``POST /contactLists``; ``GET|POST /accounts``,
    ``GET|PUT /accounts/<id>``; ``GET|POST /accountContacts``,
    ``PUT /accountContacts/<id>``; ``GET /dealGroups``, ``GET /dealStages``;
    ``GET|POST /deals``, ``GET|PUT /deals/<id>``; ``GET|POST /webhooks``.

Webhooks
    :meth:`ActiveCampaignEmulator.emit` posts an event, form-encoded as
    ActiveCampaign does (``type``, ``date_time``, ``initiated_by``,
    ``contact[id]``, ``contact[email]``, ``contact[tags]``,
    ``contact[fields][<id>]``, ``list``), to every registered webhook whose
    ``events`` and ``sources`` match; once, never retried.

Run it: ``python -m tests.sandbox.activecampaign --port 0 --seed 100``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import re
import urllib.error
import urllib.parse
import urllib.request

from .faults import InjectedFault
from .limits import SlidingWindow, Violation
from .server import Emulator, Request, Response, route, serve
from .store import RecordStore, email_key

API = "/api/3"
MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_BULK = 250
NAME_LENGTH = 255
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DEFAULT_KEY = "ac-sandbox-key"
DEFAULT_FIELDS = (
    {"id": "1", "title": "Industry", "type": "text", "perstag": "INDUSTRY"},
    {
        "id": "2",
        "title": "Interests",
        "type": "listbox",
        "perstag": "INTERESTS",
        "options": ["News", "Events", "Offers"],
    },
)
DEFAULT_PIPELINE = {
    "id": "1",
    "title": "Sales",
    "currency": "usd",
    "stages": (("1", "Qualified"), ("2", "Proposal"), ("3", "Won"), ("4", "Lost")),
}


#: what ``GET /contacts?include=`` side-loads
SIDELOADS = ("fieldValues", "contactTags", "contactTags.tag", "contactLists")


def _error(status, title, code="invalid", pointer=None):
    """A 422-style answer: ``{"errors": [{title, detail, code, source}]}``."""
    item = {"title": title, "detail": "", "code": code}
    if pointer:
        item["source"] = {"pointer": pointer}
    return Response(status, {"errors": [item]})


class ActiveCampaignEmulator(Emulator):
    name = "activecampaign"
    calls_per_window = 5
    window_seconds = 1.0
    stats_counters = ("webhooks_posted", "webhooks_failed", "bulk_contacts")

    def __init__(
        self,
        *,
        api_key=DEFAULT_KEY,
        bulk_polls=1,
        ignore_include=False,
        bulk_success="created",
        bulk_index_base=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.api_key = api_key
        #: the reference of ``GET /contacts`` is silent on ``include``: True
        #: answers as if it were ignored (no side-loaded collection)
        self.ignore_include = ignore_include
        #: "Bulk import status info" lists the ids of "newly created"
        #: contacts: "created" reads that literally, "all" lists updated
        #: contacts too (the reference is ambiguous)
        self.bulk_success = bulk_success
        #: the reference does not say whether ``failureReasons[].contact``
        #: counts from 0 or 1 (*chosen* default: 0, the array index)
        self.bulk_index_base = bulk_index_base
        #: every request and answer, when a test sets it to a list
        self.journal: list[dict] | None = None
        self.suspended = False
        #: addresses on the account's exclusion list: skipped by bulk imports
        self.excluded: set[str] = set()
        #: addresses ActiveCampaign's validation refuses though they look
        #: valid elsewhere (its own example names an apostrophe): 422 from
        #: contact/sync, a row of a 400 from bulk_import
        self.refused_emails: set[str] = set()
        self.bulk_polls = bulk_polls
        self.bulk_multi = SlidingWindow(100, 60.0, clock=self.clock)
        self.bulk_single = SlidingWindow(20, 60.0, clock=self.clock)
        self._ids = itertools.count(1)
        #: contacts by id, with the shared store's email index
        self.contacts = RecordStore()
        self.field_values: dict[tuple[str, str], str] = {}
        self.contact_lists: dict[tuple[str, str], int] = {}
        self.tags: dict[str, dict] = {}
        self.contact_tags: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}
        self.account_contacts: dict[str, dict] = {}
        self.deals: dict[str, dict] = {}
        self.batches: dict[str, dict] = {}
        self.webhooks: dict[str, dict] = {}
        self.fields = {f["id"]: dict(f) for f in DEFAULT_FIELDS}
        self.lists = {"1": {"id": "1", "name": "Newsletter"}}
        self.pipeline = DEFAULT_PIPELINE
        self.webhook_log: list[tuple[int, dict]] = []

    # ------------------------------------------------------------------
    # dialect
    # ------------------------------------------------------------------
    def _next_id(self) -> str:
        return str(next(self._ids))

    def _now(self) -> str:
        moment = dt.datetime.fromtimestamp(self.clock(), tz=dt.UTC)
        return moment.replace(microsecond=0).isoformat()

    def dispatch(self, request: Request) -> Response:
        response = super().dispatch(request)
        if self.journal is not None and request.path.startswith(API):
            self.journal.append(
                {
                    "route": request.route.key if request.route else None,
                    "query": dict(request.query_all),
                    "json": request.json,
                    "status": response.status,
                    "answer": response.json,
                }
            )
        return response

    def authenticate(self, request: Request) -> Response | None:
        if request.headers.get("api-token") != self.api_key:
            return Response(
                403, {"message": "No Result found for Subscriber with id 0"}
            )
        if self.suspended:
            return Response(403, {"message": "Account suspended"})
        return None

    def limit_response(self, violation: Violation, request: Request) -> Response:
        return Response(
            429,
            {"message": "Too Many Requests"},
            headers={"Retry-After": violation.retry_after_header},
        )

    def fault_response(self, fault: InjectedFault, request: Request) -> Response:
        """An injected 429 is ActiveCampaign's own refusal (``message`` and
        ``Retry-After``); other statuses keep the framework's answer."""
        if fault.status == 429:
            return self.limit_response(
                Violation("window", 0, fault.retry_after or 1), request
            )
        return super().fault_response(fault, request)

    def not_found(self, request: Request) -> Response:
        return Response(404, {"message": "No Result found"})

    def invalid_body(self, request: Request) -> Response:
        return Response(400, {"message": "Invalid JSON body"})

    def _body(self, request: Request, key: str) -> dict:
        body = request.json if isinstance(request.json, dict) else {}
        inner = body.get(key)
        return inner if isinstance(inner, dict) else {}

    # ------------------------------------------------------------------
    # Python-side helpers (tests, demo, benchmark)
    # ------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every record (contacts, tags, accounts, deals, batches)."""
        with self.lock:
            self.excluded.clear()
            self.refused_emails.clear()
            for store in (
                self.contacts,
                self.field_values,
                self.contact_lists,
                self.tags,
                self.contact_tags,
                self.accounts,
                self.account_contacts,
                self.deals,
                self.batches,
                self.webhooks,
            ):
                store.clear()
            self.webhook_log.clear()

    def reset(self) -> None:
        """The base reset, and the bulk import's per-minute windows."""
        super().reset()
        self.bulk_multi.reset()
        self.bulk_single.reset()

    def records(self) -> dict:
        """Contacts by email (lower case), deals by title, accounts by name."""
        return {
            "contacts": [
                str(c.get("email") or "").lower() for c in self.contacts.values()
            ],
            "deals": [str(d.get("title") or "") for d in self.deals.values()],
            "accounts": [str(a.get("name") or "") for a in self.accounts.values()],
        }

    def seed(self, n: int) -> list[str]:
        with self.lock:
            return [
                self._upsert({"email": f"person{i}@example.com", "firstName": f"P{i}"})[
                    0
                ]
                for i in range(n)
            ]

    def touch(self, contact_id: str, **changes) -> dict:
        with self.lock:
            contact = self.contacts[str(contact_id)]
            contact.update(changes, udate=self._now())
            return contact

    def unsubscribe(self, contact_id: str, list_id: str = "1", emit=True):
        """The contact leaves a list on ActiveCampaign (and the webhook fires)."""
        with self.lock:
            self.contact_lists[(str(contact_id), str(list_id))] = 2
            self.touch(contact_id)
        if emit:
            return self.emit("unsubscribe", contact_id, list_id=list_id)
        return []

    def contact_tag_names(self, contact_id: str) -> list[str]:
        return sorted(
            self.tags[ct["tag"]]["tag"]
            for ct in self.contact_tags.values()
            if ct["contact"] == str(contact_id)
        )

    def webhook_form(self, event_type, contact_id, initiated_by="admin", **extra):
        contact = self.contacts.get(str(contact_id), {})
        form = {
            "type": event_type,
            "date_time": self._now(),
            "initiated_by": initiated_by,
            "contact[id]": str(contact_id),
            "contact[email]": contact.get("email", ""),
            "contact[first_name]": contact.get("firstName", ""),
            "contact[last_name]": contact.get("lastName", ""),
            "contact[tags]": ", ".join(self.contact_tag_names(contact_id)),
        }
        for (cid, field), value in self.field_values.items():
            if cid == str(contact_id):
                form[f"contact[fields][{field}]"] = value
        if extra.get("list_id"):
            form["list"] = str(extra.pop("list_id"))
        form.update(extra)
        return form

    def emit(self, event_type, contact_id, initiated_by="admin", **extra):
        """Post one event to the matching webhooks; return their statuses."""
        form = self.webhook_form(event_type, contact_id, initiated_by, **extra)
        statuses = []
        for hook in list(self.webhooks.values()):
            if event_type not in hook["events"] or initiated_by not in hook["sources"]:
                continue
            statuses.append(self.post_webhook(hook["url"], form))
        return statuses

    def post_webhook(self, url: str, form: dict) -> int:
        """One delivery, as ActiveCampaign makes it: never retried."""
        data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(
            url,
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                status = answer.status
        except urllib.error.HTTPError as err:
            status = err.code
        except OSError:
            status = 0
        self.stats.incr("webhooks_posted" if 200 <= status < 300 else "webhooks_failed")
        self.webhook_log.append((status, form))
        return status

    # ------------------------------------------------------------------
    # contacts
    # ------------------------------------------------------------------
    def _validate_contact(self, data: dict) -> Response | None:
        email = str(data.get("email") or "").strip()
        if not EMAIL_RE.match(email) or email.lower() in self.refused_emails:
            return _error(
                422,
                "Contact Email Address is not valid.",
                "email_invalid",
                "/data/attributes/email",
            )
        for key in ("firstName", "lastName"):
            if len(str(data.get(key) or "")) > NAME_LENGTH:
                return _error(
                    422,
                    f"{key} is too long (maximum is {NAME_LENGTH} characters)",
                    "field_too_long",
                    f"/data/attributes/{key}",
                )
        return None

    def _upsert(self, data: dict) -> tuple[str, bool]:
        email = email_key(str(data["email"]))
        now = self._now()
        contact_id = self.contacts.id_by_email(email)
        created = contact_id is None
        if created:
            contact_id = self._next_id()
            record = {
                "id": contact_id,
                "email": email,
                "firstName": "",
                "lastName": "",
                "phone": "",
                "cdate": now,
            }
            self.contacts.add_new(contact_id, record, email)
        contact = self.contacts[contact_id]
        for key in ("firstName", "lastName", "phone"):
            if key in data and data[key] is not None:
                contact[key] = str(data[key])
        contact["udate"] = now
        return contact_id, created

    def _set_field(self, contact_id, field_id, value):
        if str(field_id) not in self.fields:
            return _error(422, f"Field {field_id} does not exist", "field_missing")
        self.field_values[(str(contact_id), str(field_id))] = str(value or "")
        return None

    def _contact_out(self, contact_id: str) -> dict:
        contact = dict(self.contacts[contact_id])
        contact["links"] = {}
        return contact

    @route("GET", f"{API}/users/me")
    def users_me(self, request):
        return {"user": {"id": "1", "username": "admin", "email": "admin@example.com"}}

    @route("GET", f"{API}/contacts")
    def list_contacts(self, request):
        query = request.query
        try:
            limit = min(MAX_PAGE, int(query.get("limit", DEFAULT_PAGE)))
            offset = int(query.get("offset", 0))
            id_greater = int(query.get("id_greater", 0))
        except ValueError:
            return Response(
                400, {"message": "limit, offset and id_greater are numbers"}
            )
        if query.get("email"):
            found = self.contacts.id_by_email(query["email"])
            rows = [self.contacts[found]] if found else []
        else:
            # ids grow with creation: the store's order is the id order
            rows = list(self.contacts.values())
        after = query.get("filters[updated_after]")
        if after:
            try:
                bound = dt.datetime.fromisoformat(after)
            except ValueError:
                return Response(400, {"message": "filters[updated_after] is a date"})
            if bound.tzinfo is None:
                bound = bound.replace(tzinfo=dt.UTC)
            rows = [c for c in rows if dt.datetime.fromisoformat(c["udate"]) > bound]
        if id_greater:
            rows = [c for c in rows if int(c["id"]) > id_greater]
        if request.query_all.get("ids[]"):
            wanted = set(request.query_all["ids[]"])
            rows = [c for c in rows if c["id"] in wanted]
        if query.get("listid"):
            rows = self._on_list(rows, query["listid"], query.get("status", "-1"))
            if rows is None:
                return Response(400, {"message": "status is a number"})
        include = [n for n in query.get("include", "").split(",") if n]
        if self.ignore_include:
            include = []
        unknown = set(include) - set(SIDELOADS)
        if unknown:
            return Response(400, {"message": f"Unknown include {sorted(unknown)}"})
        if query.get("orders[id]", "ASC").upper() == "DESC":
            rows.reverse()
        page = rows[offset : offset + limit]
        body = {
            "contacts": [self._contact_out(c["id"]) for c in page],
            "meta": {"total": str(len(rows)), "page_input": {"limit": limit}},
        }
        for name in include:
            body.update(self._sideload(name, {c["id"] for c in page}))
        return body

    def _on_list(self, rows, list_id, status):
        """Rows on list ``list_id`` with ``status`` (-1: any); None if invalid."""
        try:
            wanted = int(status)
        except ValueError:
            return None
        return [
            c
            for c in rows
            if (c["id"], str(list_id)) in self.contact_lists
            and wanted in (-1, self.contact_lists[(c["id"], str(list_id))])
        ]

    def _sideload(self, name, contact_ids):
        """The collection(s) ``include=name`` adds for ``contact_ids``."""
        if name == "fieldValues":
            return {
                "fieldValues": [
                    {"contact": cid, "field": fid, "value": value}
                    for (cid, fid), value in self.field_values.items()
                    if cid in contact_ids
                ]
            }
        if name == "contactLists":
            return {
                "contactLists": [
                    {"contact": cid, "list": lid, "status": str(status)}
                    for (cid, lid), status in self.contact_lists.items()
                    if cid in contact_ids
                ]
            }
        links = [
            dict(ct, id=ct_id)
            for ct_id, ct in self.contact_tags.items()
            if ct["contact"] in contact_ids
        ]
        body = {"contactTags": links}
        if name == "contactTags.tag":
            body["tags"] = [self.tags[t] for t in sorted({ct["tag"] for ct in links})]
        return body

    @route("GET", f"{API}/contacts/<id>")
    def get_contact(self, request):
        contact_id = request.params["id"]
        if contact_id not in self.contacts:
            return Response(
                404, {"message": f"No Result found for Subscriber with id {contact_id}"}
            )
        # "Retrieve a contact": contactAutomations, contactLists, deals,
        # fieldValues, geoAddresses and geoIps are side-loaded; tags are not
        return {
            "contact": self._contact_out(contact_id),
            "contactAutomations": [],
            "contactLists": [
                {"contact": cid, "list": lid, "status": str(status)}
                for (cid, lid), status in self.contact_lists.items()
                if cid == contact_id
            ],
            "deals": [],
            "fieldValues": [
                {"contact": cid, "field": fid, "value": value}
                for (cid, fid), value in self.field_values.items()
                if cid == contact_id
            ],
            "geoAddresses": [],
            "geoIps": [],
        }

    @route("GET", f"{API}/contacts/<id>/contactTags")
    def get_contact_tags(self, request):
        """ "List the tags applied to a contact": every association (``limit``
        and ``offset`` ignored), ``tag`` being the tag id; 404 for an
        unknown contact."""
        contact_id = request.params["id"]
        if contact_id not in self.contacts:
            return self.not_found(request)
        return {
            "contactTags": [
                dict(ct, id=ct_id)
                for ct_id, ct in self.contact_tags.items()
                if ct["contact"] == contact_id and ct["tag"] in self.tags
            ]
        }

    # Delete a contact (API v3 reference, DELETE /api/3/contacts/{id}): 200
    # with an empty object; an unknown id is 404 with a message
    @route("DELETE", f"{API}/contacts/<id>")
    def delete_contact(self, request):
        if request.params["id"] not in self.contacts:
            return self.not_found(request)
        del self.contacts[request.params["id"]]  # its email index entry too
        return {}

    @route("POST", f"{API}/contact/sync")
    def contact_sync(self, request):
        data = self._body(request, "contact")
        refusal = self._validate_contact(data)
        if refusal:
            return refusal
        for item in data.get("fieldValues") or []:
            if str(item.get("field")) not in self.fields:
                return _error(422, f"Field {item.get('field')} does not exist")
        contact_id, created = self._upsert(data)
        for item in data.get("fieldValues") or []:
            self._set_field(contact_id, item["field"], item.get("value"))
        return Response(
            201 if created else 200, {"contact": self._contact_out(contact_id)}
        )

    # ------------------------------------------------------------------
    # bulk import
    # ------------------------------------------------------------------
    @route("POST", f"{API}/import/bulk_import")
    def bulk_import(self, request):
        """ "Bulk import contacts": every refusal is HTTP 400 with
        ``success: 0``, a ``message`` and ``failureReasons``; rows that fail
        validation are named by position and nothing is queued."""
        body = request.json if isinstance(request.json, dict) else {}
        contacts = body.get("contacts")
        if not isinstance(contacts, list) or not contacts:
            return self._bulk_error("'contacts' is a required field.", [])
        if len(contacts) > MAX_BULK:
            return self._bulk_error(
                f"Up to {MAX_BULK} contacts may be imported per request.", []
            )
        window = self.bulk_single if len(contacts) == 1 else self.bulk_multi
        violation = window.try_acquire()
        if violation:
            self.stats.violation("bulk_import")
            limit = "20" if len(contacts) == 1 else "100"
            return self._bulk_error(
                "Rate limit exceeded.",
                [
                    (
                        f"Up to {limit} imports may be requested per minute.Please "
                        "batch contacts into larger requests, or retry this request "
                        "in a minute."
                    )
                ],
            )
        reasons = [
            {"contact": index + self.bulk_index_base, "failureReason": reason}
            for index, item in enumerate(contacts)
            for reason in [self._bulk_row_refusal(item)]
            if reason
        ]
        if reasons:
            return self._bulk_error(
                "JSON payload did not pass validation. Please fix failure Reasons "
                "and retry. The import was not queued for processing.",
                reasons,
            )
        batch_id = f"batch-{self._next_id()}"
        self.batches[batch_id] = {"contacts": contacts, "polls": 0, "result": None}
        self.stats.incr("bulk_contacts", len(contacts))
        return {
            "success": 1,
            "queued_contacts": len(contacts),
            "batchId": batch_id,
            "message": "Contact import queued",
        }

    @staticmethod
    def _bulk_error(message, reasons):
        return Response(
            400, {"success": 0, "message": message, "failureReasons": reasons}
        )

    def _bulk_row_refusal(self, item) -> str | None:
        """Why one row fails validation (*chosen*: the email format, the
        name lengths and numeric field ids, as the 422s of the contacts API)."""
        if not isinstance(item, dict):
            return "Contact must be an object"
        email = str(item.get("email") or "").strip()
        if not EMAIL_RE.match(email) or email.lower() in self.refused_emails:
            return "Field 'email' incorrect format"
        for key in ("first_name", "last_name"):
            if len(str(item.get(key) or "")) > NAME_LENGTH:
                return f"Field '{key}' is too long"
        for field in item.get("fields") or []:
            if not str((field or {}).get("id", "")).isdigit():
                return "Field 'fields' id must be an integer"
        return None

    def _run_batch(self, batch):
        success, failure = [], []
        for item in batch["contacts"]:
            data = {
                "email": item.get("email"),
                "firstName": item.get("first_name"),
                "lastName": item.get("last_name"),
                "phone": item.get("phone"),
            }
            email = str(item.get("email") or "").strip().lower()
            unknown_field = any(
                str(f.get("id")) not in self.fields for f in item.get("fields") or []
            )
            if email in self.excluded or unknown_field:
                failure.append(str(item.get("email") or ""))
                continue
            contact_id, created = self._upsert(data)
            for field in item.get("fields") or []:
                self._set_field(contact_id, field["id"], field.get("value"))
            for name in item.get("tags") or []:
                tag_id = self._tag_by_name(name) or self._create_tag(name)["id"]
                self._add_contact_tag(contact_id, tag_id)
            for sub in item.get("subscribe") or []:
                self._set_list_status(
                    contact_id, str(sub.get("listid")), 1, "bulk_import subscribe"
                )
            # "unsubscribe": lists the contact is taken off (status 2),
            # developers.activecampaign.com "Bulk import contacts"
            for unsub in item.get("unsubscribe") or []:
                self.contact_lists[(contact_id, str(unsub.get("listid")))] = 2
            if created or self.bulk_success == "all":
                success.append(contact_id)
        return {"status": "completed", "success": success, "failure": failure}

    @route("GET", f"{API}/import/info")
    def bulk_info(self, request):
        """ "Bulk import status info": ``success`` holds contact ids (strings),
        ``failure`` emails; ``status`` may be ``false`` (a boolean) right
        after the import, then waiting/claimed/active until completed."""
        batch_id = request.query.get("batchId", "")
        if not batch_id:
            return Response(
                400, {"success": 0, "message": "'batchId' is a required field."}
            )
        batch = self.batches.get(batch_id)
        if batch is None:
            return self.not_found(request)
        batch["polls"] += 1
        if batch["polls"] < self.bulk_polls:
            status = False if batch["polls"] == 1 else "active"
            return {"status": status, "success": [], "failure": []}
        if batch["result"] is None:
            batch["result"] = self._run_batch(batch)
        return batch["result"]

    # ------------------------------------------------------------------
    # custom fields, tags, lists
    # ------------------------------------------------------------------
    @route("GET", f"{API}/fields")
    def list_fields(self, request):
        """ "List all custom fields": ``limit`` (default 100, at most 100) and
        ``offset`` as on every collection ("Pagination"); the page's
        ``fieldOptions`` side-loaded; ``meta.total`` a string."""
        try:
            limit = min(MAX_PAGE, int(request.query.get("limit", MAX_PAGE)))
            offset = int(request.query.get("offset", 0))
        except ValueError:
            return Response(400, {"message": "limit and offset are numbers"})
        every = list(self.fields.values())
        fields, options = [], []
        for field in every[offset : offset + limit]:
            fields.append({k: v for k, v in field.items() if k != "options"})
            options += [
                {"field": field["id"], "value": value, "label": value}
                for value in field.get("options", ())
            ]
        return {
            "fieldOptions": options,
            "fieldRels": [],
            "fields": fields,
            "meta": {"total": str(len(every))},
        }

    def add_field(self, title, field_type="text", options=()) -> str:
        """A custom field made in ActiveCampaign's interface; its id."""
        with self.lock:
            field_id = str(max(map(int, self.fields), default=0) + 1)
            self.fields[field_id] = {
                "id": field_id,
                "title": title,
                "type": field_type,
                "perstag": re.sub(r"\W", "_", title).upper(),
                "options": list(options),
            }
            return field_id

    @route("POST", f"{API}/fieldValues")
    def field_value(self, request):
        data = self._body(request, "fieldValue")
        if str(data.get("contact")) not in self.contacts:
            return _error(422, "Contact does not exist", "contact_missing")
        refusal = self._set_field(data["contact"], data.get("field"), data.get("value"))
        if refusal:
            return refusal
        self.touch(data["contact"])
        return {"fieldValue": dict(data, id=self._next_id())}

    def _tag_by_name(self, name):
        return next(
            (
                t["id"]
                for t in self.tags.values()
                if t["tag"].lower() == str(name).lower()
            ),
            None,
        )

    def _create_tag(self, name):
        tag_id = self._next_id()
        self.tags[tag_id] = {"id": tag_id, "tag": str(name), "tagType": "contact"}
        return self.tags[tag_id]

    def _add_contact_tag(self, contact_id, tag_id):
        for ct_id, ct in self.contact_tags.items():
            if ct["contact"] == str(contact_id) and ct["tag"] == str(tag_id):
                return ct_id
        ct_id = self._next_id()
        self.contact_tags[ct_id] = {"contact": str(contact_id), "tag": str(tag_id)}
        return ct_id

    @route("GET", f"{API}/tags")
    def list_tags(self, request):
        search = request.query.get("search", "").lower()
        tags = [t for t in self.tags.values() if search in t["tag"].lower()]
        return {"tags": tags, "meta": {"total": str(len(tags))}}

    @route("GET", f"{API}/tags/<id>")
    def get_tag(self, request):
        tag = self.tags.get(request.params["id"])
        return {"tag": tag} if tag else self.not_found(request)

    @route("POST", f"{API}/tags")
    def create_tag(self, request):
        data = self._body(request, "tag")
        name = str(data.get("tag") or "").strip()
        if not name:
            return _error(422, "Tag name is required", "tag_missing")
        if self._tag_by_name(name):
            return _error(422, "Tag name already exists", "duplicate")
        return Response(201, {"tag": self._create_tag(name)})

    @route("POST", f"{API}/contactTags")
    def create_contact_tag(self, request):
        data = self._body(request, "contactTag")
        contact_id, tag_id = str(data.get("contact")), str(data.get("tag"))
        if contact_id not in self.contacts or tag_id not in self.tags:
            return _error(422, "Contact or tag does not exist", "related_missing")
        ct_id = self._add_contact_tag(contact_id, tag_id)
        self.touch(contact_id)
        return Response(201, {"contactTag": dict(self.contact_tags[ct_id], id=ct_id)})

    @route("DELETE", f"{API}/contactTags/<id>")
    def delete_contact_tag(self, request):
        if self.contact_tags.pop(request.params["id"], None) is None:
            return self.not_found(request)
        return {}

    @route("GET", f"{API}/lists")
    def list_lists(self, request):
        return {
            "lists": list(self.lists.values()),
            "meta": {"total": str(len(self.lists))},
        }

    @route("POST", f"{API}/contactLists")
    def contact_list(self, request):
        data = self._body(request, "contactList")
        key = (str(data.get("contact")), str(data.get("list")))
        if key[0] not in self.contacts or key[1] not in self.lists:
            return _error(422, "Contact or list does not exist", "related_missing")
        self._set_list_status(
            key[0], key[1], int(data.get("status") or 1), "POST /contactLists"
        )
        return Response(201, {"contactList": dict(data)})

    def _set_list_status(self, contact_id, list_id, status, how):
        """Status 1 on a list the contact unsubscribed from is refused and
        counted (*chosen*: ActiveCampaign's "Update list status for a
        contact" accepts it from the API; the sandbox keeps the contact
        unsubscribed so a test proves a client never tries)."""
        key = (contact_id, list_id)
        if status == 1 and self.contact_lists.get(key) == 2:
            self.refuse_resubscribe(contact_id, how)
            return
        self.contact_lists[key] = status

    # ------------------------------------------------------------------
    # accounts
    # ------------------------------------------------------------------
    def _account_values(self, data):
        name = str(data.get("name") or "").strip()
        if not name or len(name) > NAME_LENGTH:
            return None, _error(422, "Account name is invalid", "name_invalid", "/name")
        return {"name": name, "accountUrl": data.get("accountUrl") or ""}, None

    @route("GET", f"{API}/accounts")
    def list_accounts(self, request):
        search = request.query.get("search", "").lower()
        rows = [a for a in self.accounts.values() if search in a["name"].lower()]
        return {"accounts": rows, "meta": {"total": str(len(rows))}}

    @route("GET", f"{API}/accounts/<id>")
    def get_account(self, request):
        account = self.accounts.get(request.params["id"])
        return {"account": account} if account else self.not_found(request)

    @route("POST", f"{API}/accounts")
    def create_account(self, request):
        values, refusal = self._account_values(self._body(request, "account"))
        if refusal:
            return refusal
        if any(
            a["name"].lower() == values["name"].lower() for a in self.accounts.values()
        ):
            return _error(422, "An account with this name already exists", "duplicate")
        account_id = self._next_id()
        self.accounts[account_id] = dict(values, id=account_id)
        return Response(201, {"account": self.accounts[account_id]})

    @route("PUT", f"{API}/accounts/<id>")
    def update_account(self, request):
        account = self.accounts.get(request.params["id"])
        if account is None:
            return self.not_found(request)
        values, refusal = self._account_values(self._body(request, "account"))
        if refusal:
            return refusal
        account.update(values)
        return {"account": account}

    @route("GET", f"{API}/accountContacts")
    def list_account_contacts(self, request):
        # List all associations: filters[contact], filters[account]
        contact = request.query.get("filters[contact]")
        account = request.query.get("filters[account]")
        rows = [
            r
            for r in self.account_contacts.values()
            if (not contact or r["contact"] == contact)
            and (not account or r["account"] == account)
        ]
        return {"accountContacts": rows, "meta": {"total": str(len(rows))}}

    @route("POST", f"{API}/accountContacts")
    def create_account_contact(self, request):
        data = self._body(request, "accountContact")
        account, contact = str(data.get("account")), str(data.get("contact"))
        if account not in self.accounts or contact not in self.contacts:
            return _error(422, "Account or contact does not exist", "related_missing")
        if any(r["contact"] == contact for r in self.account_contacts.values()):
            return _error(422, "The contact already belongs to an account", "duplicate")
        row_id = self._next_id()
        self.account_contacts[row_id] = {
            "id": row_id,
            "account": account,
            "contact": contact,
            "jobTitle": str(data.get("jobTitle") or ""),
        }
        return Response(201, {"accountContact": self.account_contacts[row_id]})

    @route("PUT", f"{API}/accountContacts/<id>")
    def update_account_contact(self, request):
        row = self.account_contacts.get(request.params["id"])
        if row is None:
            return self.not_found(request)
        data = self._body(request, "accountContact")
        if data.get("account"):
            if str(data["account"]) not in self.accounts:
                return _error(422, "Account does not exist", "related_missing")
            row["account"] = str(data["account"])
        if "jobTitle" in data:
            row["jobTitle"] = str(data["jobTitle"] or "")
        return {"accountContact": row}

    # ------------------------------------------------------------------
    # deals
    # ------------------------------------------------------------------
    @route("GET", f"{API}/dealGroups")
    def deal_groups(self, request):
        pipe = self.pipeline
        return {
            "dealGroups": [
                {
                    "id": pipe["id"],
                    "title": pipe["title"],
                    "currency": pipe["currency"],
                    "stages": [stage_id for stage_id, __ in pipe["stages"]],
                }
            ],
            "meta": {"total": "1"},
        }

    @route("GET", f"{API}/dealStages")
    def deal_stages(self, request):
        pipe = self.pipeline
        group = request.query.get("filters[d_groupid]")
        stages = [
            {"id": stage_id, "title": title, "group": pipe["id"], "order": str(n)}
            for n, (stage_id, title) in enumerate(pipe["stages"], 1)
            if not group or group == pipe["id"]
        ]
        return {"dealStages": stages, "meta": {"total": str(len(stages))}}

    def _deal_values(self, data, current=None):
        deal = dict(current or {})
        deal.update({k: v for k, v in data.items() if v is not None})
        title = str(deal.get("title") or "")
        if not title or len(title) > NAME_LENGTH:
            return None, _error(422, "Deal title is invalid", "title_invalid", "/title")
        if str(deal.get("contact")) not in self.contacts:
            return None, _error(422, "Deal contact does not exist", "contact_missing")
        if str(deal.get("group")) != self.pipeline["id"]:
            return None, _error(422, "Pipeline does not exist", "group_missing")
        if str(deal.get("stage")) not in {s for s, __ in self.pipeline["stages"]}:
            return None, _error(422, "Stage is not in the pipeline", "stage_invalid")
        try:
            value = int(deal.get("value") or 0)
        except (TypeError, ValueError):
            return None, _error(422, "Deal value must be an integer", "value_invalid")
        currency = str(deal.get("currency") or "")
        if not re.fullmatch(r"[a-z]{3}", currency):
            return None, _error(
                422, "Currency must be lower-case ISO", "currency_invalid"
            )
        deal.update(value=str(value), contact=str(deal["contact"]), mdate=self._now())
        return deal, None

    @route("POST", f"{API}/deals")
    def create_deal(self, request):
        deal, refusal = self._deal_values(self._body(request, "deal"))
        if refusal:
            return refusal
        deal["id"] = self._next_id()
        deal["cdate"] = self._now()
        self.deals[deal["id"]] = deal
        return Response(201, {"deal": deal})

    @route("GET", f"{API}/deals")
    def list_deals(self, request):
        # List all deals: filters[title] (the deal's title), filters[group]
        # (its pipeline); other documented filters are not emulated
        title = request.query.get("filters[title]")
        group = request.query.get("filters[group]")
        rows = [
            d
            for d in self.deals.values()
            if (title is None or d["title"] == title)
            and (group is None or str(d["group"]) == group)
        ]
        return {"deals": rows, "meta": {"total": str(len(rows))}}

    @route("GET", f"{API}/deals/<id>")
    def get_deal(self, request):
        deal = self.deals.get(request.params["id"])
        return {"deal": deal} if deal else self.not_found(request)

    @route("PUT", f"{API}/deals/<id>")
    def update_deal(self, request):
        current = self.deals.get(request.params["id"])
        if current is None:
            return self.not_found(request)
        deal, refusal = self._deal_values(self._body(request, "deal"), current)
        if refusal:
            return refusal
        self.deals[current["id"]] = deal
        return {"deal": deal}

    # ------------------------------------------------------------------
    # webhooks
    # ------------------------------------------------------------------
    @route("GET", f"{API}/webhooks")
    def list_webhooks(self, request):
        rows = list(self.webhooks.values())
        return {"webhooks": rows, "meta": {"total": str(len(rows))}}

    @route("POST", f"{API}/webhooks")
    def create_webhook(self, request):
        data = self._body(request, "webhook")
        url = str(data.get("url") or "")
        if not url.startswith(("http://", "https://")) or not data.get("events"):
            return _error(422, "url and events are required", "webhook_invalid")
        hook_id = self._next_id()
        self.webhooks[hook_id] = {
            "id": hook_id,
            "name": str(data.get("name") or ""),
            "url": url,
            "events": list(data["events"]),
            "sources": list(
                data.get("sources") or ["public", "admin", "api", "system"]
            ),
            "listid": str(data.get("listid") or "0"),
        }
        return Response(201, {"webhook": self.webhooks[hook_id]})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="contacts to create")
    parser.add_argument("--duration", type=float, default=None)
    args = parser.parse_args(argv)
    emulator = ActiveCampaignEmulator()
    emulator.seed(args.seed)
    serve(
        emulator,
        port=args.port,
        duration=args.duration,
        banner=f"Api-Token: {emulator.api_key}; base URL <url>{API}",
    )


if __name__ == "__main__":
    main()
