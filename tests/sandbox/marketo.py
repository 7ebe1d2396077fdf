"""The Marketo Engage sandbox: Marketo's REST API as ``connector_marketo`` meets it.

Why it exists: Marketo differs from the usual REST API in ways a connector
gets wrong silently, and a real instance cannot be made to fail on cue.
Almost every error is HTTP 200 with ``"success": false`` and a *string*
code; limits are 100 calls per 20 s, 10 in flight and 50,000 a day (reset at
midnight US Central); the identity service hands back the *same* token with
less lifetime left; the lead-changes feed pages with opaque tokens and may
return a short page while ``moreResult`` is true; upserts answer per record,
in input order. Each of these is emulated from Marketo's documentation
(developer.adobe.com/marketo-apis, experienceleague "Error Codes"); where the
documentation is silent, the choice made is marked *chosen* below.

Identity (not limited, not faulted)
    ``GET|POST /identity/oauth/token?grant_type=client_credentials
    &client_id=&client_secret=`` (query string or form body) →
    ``{"access_token": "<uuid>:ab", "token_type": "bearer", "expires_in":
    3599, "scope": "api@example.com"}``. Asking again while the token lives
    returns the same token with its remaining lifetime (one second less than
    the exact remainder, as Marketo's 3599). Wrong client → 401
    ``{"error": "unauthorized", "error_description": "Bad client
    credentials"}``; no grant type → 400 ``invalid_request``; another one →
    400 ``unsupported_grant_type``.

REST envelope (``/rest/v1/...`` and ``/bulk/v1/...``)
    ``Authorization: Bearer <token>`` only: an ``access_token`` query
    parameter is ignored, so the call answers 601 like a call without token
    (Marketo is removing that parameter). Every JSON answer carries
    ``requestId`` and ``success``; failures are HTTP 200 with
    ``"errors": [{"code": "601", "message": "Access token invalid"}]``:
    601 unknown or missing token, 602 expired, 603 (faults only), 605 method
    not supported, 606 ``Max rate limit '100' exceeded with in '20' secs``,
    607 ``Daily quota reached``, 609 invalid JSON, 610 unknown resource, 612
    a body that is not JSON, 615 ``Concurrent access limit reached``, 704
    invalid date, 1001 wrong type, 1002 missing parameter (*chosen* for
    every missing required parameter), 1003 invalid data (too many values,
    > 1000 matches, bad window...), 1006 unknown field, 1011 field that
    cannot be filtered on, 1013 unknown program or export, 1025 unknown
    program status, 1029 bulk queue. HTTP-level: 413 above 1 MB of body,
    414 above 8 KB of URL (plain text, as Marketo's front end). 601 and 602
    consume no limit; refused calls consume nothing.

Leads
    ``GET /rest/v1/leads.json?filterType=&filterValues=a,b&fields=&batchSize=
    &nextPageToken=``, also ``POST /rest/v1/leads.json?_method=GET`` with
    the parameters in a form body (Marketo's way around 414). filterType:
    ``id``, ``email`` (case-insensitive), ``externalCompanyId`` or a custom
    field; another known field → 1011, an unknown one → 1006. At most 300
    values (else 1003) and 300 per page; > 1000 matches → 1003 ``Too many
    results match the filter``. Leads come by id, with the requested fields
    (``null`` when empty; default ``id, email, updatedAt, createdAt,
    firstName, lastName``); an unknown field in ``fields`` → 1006.
    ``GET /rest/v1/lead/<id>.json`` reads one (empty result when unknown).

    ``POST /rest/v1/leads.json`` ``{"action", "lookupField", "input": [≤300]}``
    (action ``createOrUpdate`` (default), ``createOnly``, ``updateOnly``,
    ``createDuplicate``; lookupField default ``email``) → one result per
    input, in order: ``{"id", "status": "created"|"updated"}`` or
    ``{"status": "skipped", "reasons": [{"code", "message"}]}``. Reasons:
    1004 ``Lead not found`` (updateOnly, or an ``id`` lookup that matches
    nothing: an id cannot be created), 1003 ``Invalid data`` (an ``id`` in a
    record with any action but ``updateOnly``), 1005 ``Lead already exists``
    (createOnly, by email), 1006 ``Field 'x' not found``, 1007 ``Multiple
    lead match lookup criteria``, 1001 ``Invalid value 'x'. Required of type
    'email'`` (malformed email, non-integer score; *chosen*), 1003 ``Invalid
    data`` with the detail (a string over 255 characters, a read-only field,
    a record that is not an object; *chosen*), 1002 (no value for the lookup
    field with createOrUpdate / updateOnly; *chosen*). More than 300 inputs →
    request error 1003. An update that changes nothing still answers
    ``updated``. Emails need not
    be unique (createDuplicate, or ``race_window_ms``: see below).
    ``POST /rest/v1/leads/delete.json`` ``{"input": [{"id"}]}`` → ``deleted``
    or skipped 1004. ``GET /rest/v1/leads/describe.json`` (``dataType``,
    ``length``, ``rest.name``, ``rest.readOnly``) and ``describe2.json``
    (``searchableFields``).

Activities and the lead-changes feed
    Every change is logged: a created lead gets a New Lead (12) activity, each
    changed field a Change Data Value (13) activity with ``fields: [{id,
    name, newValue, oldValue}]``, except ``leadScore``, logged as Change
    Score (22) (*chosen*, Marketo's score fields; ``score_change_type=13``
    logs it as a data value change instead), a deleted lead Delete Lead (37),
    a program status change Change Status in Progression (104).
    ``GET /rest/v1/activities/pagingtoken.json?sinceDatetime=<ISO>`` →
    ``nextPageToken``; then ``activities/leadchanges.json?nextPageToken=
    &fields=a,b`` (types 12 and 13 of those fields), ``activities.json?
    activityTypeIds=1,2 (≤10)&leadIds= (≤30)`` and
    ``activities/deletedleads.json`` → ``{"nextPageToken", "moreResult",
    "result": [...]}`` in activity-date order; ``nextPageToken`` is always
    returned, so a finished feed resumes later from where it stopped. The
    token date is inclusive (activities at that second come again). A page
    never crosses a boundary of ``scan_chunk`` (1000) log entries, as
    Marketo scans its log in slices: pages are short, even empty, while
    ``moreResult`` is true, deterministically (300, 300, 300, 100, ...).
    ``GET /rest/v1/activities/types.json`` lists Marketo's standard type ids.

Companies, programs
    ``POST /rest/v1/companies.json`` (Sync Companies; there is no
    ``companies/sync.json``: 610 like any unknown resource)
    ``{"action", "dedupeBy": "dedupeFields"|"idField", "input"}`` →
    ``{"seq", "id", "status"}`` or skipped: 1036 same key twice in the input,
    1017 exists (createOnly), 1013 not found (updateOnly), 1006 unknown
    field, 1002 no ``externalCompanyId`` (*chosen*).
    ``GET /rest/v1/companies.json?filterType=externalCompanyId|id|company
    &filterValues=``. A lead's ``company`` is read from its linked
    company (``externalCompanyId``) when that company has one.
    ``POST /rest/v1/programs/<id>/members/status.json`` ``{"statusName",
    "input": [{"leadId"}]}`` → ``{"seq", "leadId", "status": "created"|
    "updated"}`` or skipped 1004 (no such lead) / 1037 (already in or past
    that status: statuses progress in the program's order);
    ``members/delete.json`` → ``deleted`` or skipped 1037 ``Lead not in
    program``; ``GET programs/<id>/members.json?filterType=leadId|statusName
    &filterValues=``. Unknown program → 1013, unknown status → 1025.
    Programs 1001 "Nurture", 1002 "Customers", 1003 "Webinar" exist by
    default, statuses Member < Engaged < Influenced.

Bulk lead extract
    ``POST /bulk/v1/leads/export/create.json`` ``{"fields", "format":
    "CSV"|"TSV"|"SSV", "filter": {"createdAt"|"updatedAt": {"startAt",
    "endAt"}}}`` (window ≤ 31 days, bounds inclusive; else 1003; another
    filter → 1035; unknown fields → 1003 ``Invalid fields [...]``) →
    ``Created``; ``.../<exportId>/enqueue.json`` → ``Queued``. 1029 has
    three meanings, each with its own message: ``Job already queued``
    (enqueue twice), ``Too many jobs in queue`` (10 queued or processing),
    ``Export daily quota exceeded`` (create or enqueue once the files
    finished today, US Central, reach ``export_quota_bytes``, 500 MB by
    default: a running job still completes). ``.../status.json`` moves on
    each poll, no sleeping, but at most once per ``status_interval`` seconds
    of the clock (Marketo: once a minute; default 0 so tests need not wait):
    with ``export_polls=2`` (default) Queued, Processing, then
    Completed (with ``numberOfRecords``, ``fileSize``, ``fileChecksum``);
    ``.../file.json`` → the CSV (header = requested fields, empty values
    ``null``) or 404 plain text while not completed; ``.../cancel.json``;
    ``GET /bulk/v1/leads/export.json``.

Python side: ``leads`` (id → lead), ``seed(n)``, ``touch(id, **changes)``,
``find_by_email``, ``delete_lead``, ``add_activity(lead_id, type_id,
**attributes)``, ``seed_activities(n)``, ``activities(type_ids, lead_ids)``,
``companies``, ``programs``, ``add_program``, ``set_program_status``,
``program_members``, ``exports``, ``fail_export``, ``export_bytes_today()``,
``clear_data()``, ``journal`` (a list: every request's method, path, query
and JSON body is appended to it when it is not ``None``),
``render_webhook_template`` (a Call Webhook payload as Marketo renders it); faults
as in every sandbox, where
``burst={"status": 200, "count": 3, "error": "606"}`` answers Marketo
envelopes with that code (other statuses answer plain HTTP errors).
``race_window_ms`` makes concurrent upserts of one new key create duplicates,
as Marketo documents (lookups, then the window without the lock, then the
writes). Run it standalone: ``python -m tests.sandbox.marketo --port 0
--seed 1000``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import datetime as dt
import functools
import gc
import hashlib
import io
import itertools
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from zoneinfo import ZoneInfo

from .auth import EXPIRED, VALID, InvalidClient, TokenIssuer, bearer_token
from .auth import client_credentials as read_client_credentials
from .faults import InjectedFault
from .limits import Violation
from .server import (
    Emulator,
    Request,
    Response,
    cli_parser,
    iso_utc,
    limit_options,
    parse_iso,
    route,
    serve,
)
from .store import KeysetIndex, RecordStore

#: Marketo's batch size: filter values, records per page, inputs per call
MAX_BATCH = 300
#: Get Leads by Filter Type refuses filters matching more leads than this
MAX_MATCHES = 1000
MAX_ACTIVITY_TYPES = 10
MAX_ACTIVITY_LEADS = 30
MAX_EXPORT_DAYS = 31
MAX_EXPORT_QUEUE = 10
#: Bulk Extract "Limits": "Default daily export allocation: 500MB", shared by
#: every export, resetting at midnight Central Time (MB read as MiB: *chosen*)
EXPORT_QUOTA_BYTES = 500 * 1024 * 1024
EXPORT_QUOTA_ZONE = "America/Chicago"
STRING_LENGTH = 255
#: what Marketo writes as the reason / source of API changes
API_SOURCE = "Web service API"
#: deliberately simple, like Marketo: ASCII only, one @, a dot after it
EMAIL_RE = re.compile(r"[!-~]+@[!-~]+\.[!-~]+")
DEFAULT_READ_FIELDS = ("id", "email", "updatedAt", "createdAt", "firstName", "lastName")
ACTIONS = ("createOrUpdate", "createOnly", "updateOnly", "createDuplicate")
EXPORT_FORMATS = {"CSV": ",", "TSV": "\t", "SSV": " "}

#: messages of the codes this sandbox answers, in Marketo's wording
MESSAGES = {
    "601": "Access token invalid",
    "602": "Access token expired",
    "603": "Access denied",
    "604": "Request time-out",
    "605": "HTTP Method not supported",
    "607": "Daily quota reached",
    "608": "API Temporarily Unavailable",
    "609": "Invalid JSON",
    "610": "Requested resource not found",
    "611": "System error",
    "612": "Invalid Content Type",
    "614": "Invalid Subscription",
    "615": "Concurrent access limit reached",
    "702": "No data found for a given search scenario",
    "704": "Invalid date format",
    "709": "Business Rule Violation",
    "713": "Transient Error",
    "1003": "Invalid data",
    "1004": "Lead not found",
    "1005": "Lead already exists",
    "1007": "Multiple lead match lookup criteria",
    "1013": "Object not found",
    "1017": "Object already exists",
    "1025": "Program status not found",
    "1029": "Too many jobs in queue",
    "1035": "Unsupported filter type for target subscription",
    "1036": "Duplicate object found in input",
    "1037": "Lead was skipped",
}


@dataclass(frozen=True)
class FieldDef:
    """A lead or company field as Describe reports it."""

    id: int
    name: str
    display_name: str
    data_type: str
    length: int | None = None
    read_only: bool = False
    searchable: bool = False
    custom: bool = False


#: standard lead fields: REST name, display name, data type, length,
#: read-only, searchable (filterType / lookupField)
LEAD_FIELDS = (
    ("id", "Id", "integer", None, True, True),
    ("email", "Email Address", "email", 255, False, True),
    ("firstName", "First Name", "string", 255, False, False),
    ("lastName", "Last Name", "string", 255, False, False),
    ("phone", "Phone Number", "phone", 255, False, False),
    ("mobilePhone", "Mobile Phone Number", "phone", 255, False, False),
    ("company", "Company Name", "string", 255, False, False),
    ("title", "Job Title", "string", 255, False, False),
    ("address", "Address", "string", 255, False, False),
    ("city", "City", "string", 255, False, False),
    ("state", "State", "string", 255, False, False),
    ("postalCode", "Postal Code", "string", 255, False, False),
    ("country", "Country", "string", 255, False, False),
    ("leadScore", "Lead Score", "integer", None, False, False),
    ("leadStatus", "Lead Status", "string", 255, False, False),
    ("unsubscribed", "Unsubscribed", "boolean", None, False, False),
    ("externalCompanyId", "External Company Id", "string", 100, False, True),
    ("createdAt", "Created At", "datetime", None, True, False),
    ("updatedAt", "Updated At", "datetime", None, True, False),
)
#: custom lead fields of the default instance (connector_marketo reads the
#: first two as tags and may write a deal status)
DEFAULT_CUSTOM_FIELDS = {
    "persona": "string",
    "segment": "string",
    "dealStatus": "string",
}
COMPANY_FIELDS = (
    ("id", "Id", "integer", None, True, True),
    ("externalCompanyId", "External Company Id", "string", 100, False, True),
    ("company", "Company Name", "string", 255, False, True),
    ("website", "Website", "url", 255, False, False),
    ("industry", "Industry", "string", 255, False, False),
    ("annualRevenue", "Annual Revenue", "currency", None, False, False),
    ("numberOfEmployees", "Num Employees", "integer", None, False, False),
    ("mainPhone", "Main Phone", "phone", 255, False, False),
    ("billingStreet", "Billing Address", "string", 255, False, False),
    ("billingCity", "Billing City", "string", 255, False, False),
    ("billingState", "Billing State", "string", 255, False, False),
    ("billingPostalCode", "Billing Postal Code", "string", 255, False, False),
    ("billingCountry", "Billing Country", "string", 255, False, False),
    ("createdAt", "Created At", "datetime", None, True, False),
    ("updatedAt", "Updated At", "datetime", None, True, False),
)

#: Marketo's standard activity type ids: name, primary attribute, attributes
ACTIVITY_TYPES = {
    1: ("Visit Webpage", "Webpage ID", ("Webpage URL", "Query Parameters",
        "Client IP Address", "Referrer URL", "User Agent")),
    2: ("Fill Out Form", "Webform ID", ("Webpage ID", "Query Parameters",
        "Client IP Address", "Referrer URL", "User Agent", "Form Fields")),
    3: ("Click Link", "Link ID", ("Webpage URL", "Query Parameters",
        "Client IP Address", "Referrer URL", "User Agent")),
    6: ("Send Email", "Mailing ID", ("Campaign Run ID", "Choice Number", "Step ID")),
    7: ("Email Delivered", "Mailing ID", ("Campaign Run ID", "Choice Number",
        "Step ID")),
    8: ("Email Bounced", "Mailing ID", ("Campaign Run ID", "Category", "Details",
        "Email", "Subcategory", "Step ID")),
    9: ("Unsubscribe Email", "Mailing ID", ("Campaign Run ID", "Client IP Address",
        "Form Fields", "Referrer URL", "User Agent", "Webform ID")),
    10: ("Open Email", "Mailing ID", ("Campaign Run ID", "Device",
         "Is Mobile Device", "Platform", "User Agent")),
    11: ("Click Email", "Mailing ID", ("Campaign Run ID", "Device",
         "Is Mobile Device", "Link", "Platform", "User Agent")),
    12: ("New Lead", None, ("Source Type", "Created Date")),
    13: ("Change Data Value", "Attribute Name", ("New Value", "Old Value", "Reason",
         "Source")),
    22: ("Change Score", "Attribute Name", ("Change Value", "New Value",
         "Old Value", "Reason")),
    24: ("Add to List", "List ID", ("Source",)),
    25: ("Remove from List", "List ID", ("Source",)),
    27: ("Email Bounced Soft", "Mailing ID", ("Campaign Run ID", "Category",
         "Details", "Email", "Subcategory")),
    37: ("Delete Lead", "Lead ID", ("Remove from CRM",)),
    46: ("Interesting Moment", "Milestone ID", ("Description", "Source", "Type")),
    104: ("Change Status in Progression", "Program ID", ("Old Status",
          "New Status", "Reason", "Success")),
}  # fmt: skip
NEW_LEAD, DATA_VALUE_CHANGE, SCORE_CHANGE, DELETE_LEAD, PROGRAM_STATUS = (
    12,
    13,
    22,
    37,
    104,
)
#: what ``seed_activities`` produces by default: web and email engagement
ENGAGEMENT_TYPES = (1, 10, 6, 7, 11, 2, 3, 10, 8, 9)

DEFAULT_PROGRAMS = {1001: "Nurture", 1002: "Customers", 1003: "Webinar"}
#: a program's statuses in progression order (a lead never moves back)
DEFAULT_STATUSES = ("Member", "Engaged", "Influenced")

_FIRST_NAMES = (
    "Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gabriel", "Hanna",
    "Ivan", "Julia", "Kenji", "Léa", "Mateo", "Nadia", "Oscar", "Priya",
    "Quentin", "Rosa", "Samir", "Tess",
)  # fmt: skip
_LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Müller", "Smith", "García", "Rossi",
    "Novak", "Jansen", "Kowalski", "O'Brien", "Nguyen", "Silva", "Yamamoto",
    "Andersen", "Lefèvre", "Schmidt", "Rahman", "López", "Costa",
)  # fmt: skip
#: Marketo's country is free text; people type country names
_COUNTRIES = (
    "France", "Germany", "United Kingdom", "United States", "Spain", "Italy",
    "Netherlands", "Belgium", "Portugal", "Poland", None,
)  # fmt: skip
_TITLES = ("CEO", "CTO", "Marketing Manager", "Developer", "Buyer", None)


class ApiError(Exception):
    """A request-level failure: answered HTTP 200 with ``success: false``."""

    def __init__(self, code: str, message: str | None = None):
        super().__init__(message or MESSAGES.get(code, "Error"))
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")


class RecordError(Exception):
    """A record-level failure: ``{"status": "skipped", "reasons": [...]}``."""

    def __init__(self, code: str, message: str | None = None):
        super().__init__(message or MESSAGES.get(code, "Error"))
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")

    def result(self, **extra) -> dict:
        return {
            **extra,
            "status": "skipped",
            "reasons": [{"code": self.code, "message": self.message}],
        }


def _api(handler):
    """Turn an :class:`ApiError` raised by a handler into Marketo's envelope,
    so handlers validate by raising instead of threading responses back."""

    @functools.wraps(handler)
    def wrapper(self, request):
        try:
            return handler(self, request)
        except ApiError as exc:
            return self.failure(exc.code, exc.message)

    return wrapper


# ----------------------------------------------------------------------
# Call Webhook payloads
# ----------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\{\{([^{}]+)\}\}")


def render_webhook_template(template: str, tokens: Mapping, encoding="json") -> str:
    """A webhook's payload template with its tokens replaced, as Marketo sends it.

    Webhooks reference, "Payload Template": "Marketo automatically encloses
    string-type tokens in double quotes"; "Request Token Encoding" JSON
    escapes special characters in token values. So under JSON encoding a
    string token becomes a JSON string literal (quotes included) and a
    number stays bare: a template that quotes a token itself
    (``"{{lead.Email Address}}"``) renders as invalid JSON. Only the JSON
    encoding is emulated; a token missing from ``tokens`` is a test bug.
    """
    if encoding != "json":
        raise ValueError("only the JSON token encoding is emulated")

    def value(match):
        token = tokens[match.group(1).strip()]
        if isinstance(token, bool) or token is None:
            raise TypeError(f"token {match.group(1)!r}: a string or a number")
        if isinstance(token, str):
            return json.dumps(token, ensure_ascii=False)
        return str(token)

    return _TOKEN_RE.sub(value, template)


# ----------------------------------------------------------------------
# paging tokens
# ----------------------------------------------------------------------


def encode_token(kind: str, *numbers: int) -> str:
    """An opaque token like Marketo's (base32 with ``=`` padding).

    ``kind`` keeps tokens apart: ``A`` positions in the activity log (what
    pagingtoken.json and the activity feeds return), ``L`` / ``C`` / ``M``
    offsets in a lead, company or member result set.
    """
    raw = ":".join([kind, *(str(n) for n in numbers)]).encode()
    return base64.b32encode(raw).decode()


def decode_token(token: str, kind: str, size: int) -> tuple[int, ...]:
    """The numbers of a token of ``kind``; ``ApiError`` 1003 otherwise.

    Clients that strip the ``=`` padding are forgiven.
    """
    text = (token or "").strip().upper()
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8)).decode()
        found_kind, *numbers = raw.split(":")
        values = tuple(int(n) for n in numbers)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError("1003", "Invalid nextPageToken") from exc
    if found_kind != kind or len(values) != size:
        raise ApiError("1003", "Invalid nextPageToken")
    return values


# ----------------------------------------------------------------------
# data structures
# ----------------------------------------------------------------------


class ActivityLog:
    """Every activity in ``(activityDate, id)`` order, with keyset paging.

    Paging tokens are positions (the key of the last entry looked at), so
    activities logged while a client pages are found later, never skipped;
    the lead-changes feed, the activity feed and the deleted-leads feed are
    filtered views of this one log, as in Marketo.
    """

    def __init__(self):
        self._keys = KeysetIndex()
        self._items: dict[int, dict] = {}

    def add(self, activity: dict, stamp: int) -> None:
        self._keys.add((stamp, activity["id"]))
        self._items[activity["id"]] = activity

    def bulk(self):
        """Add many activities and sort once at the end: seeding 50,000 dated
        before the newest logged one would otherwise insert each in place."""
        return self._keys.bulk()

    def __len__(self):
        return len(self._keys)

    def __iter__(self) -> Iterator[dict]:
        return (self._items[activity_id] for _stamp, activity_id in self._keys)

    def get(self, activity_id: int) -> dict | None:
        return self._items.get(activity_id)

    def scan(
        self,
        after: tuple[int, int],
        accept: Callable[[dict], bool],
        limit: int,
        chunk: int | None,
    ) -> tuple[list[dict], tuple[int, int], bool]:
        """Activities after the key ``after`` that ``accept`` takes.

        At most ``limit``, and never past the end of the ``chunk``-entry
        slice the scan starts in (Marketo's short pages). Returns them, the
        key of the last entry looked at (the next token) and whether entries
        remain after it (``moreResult``).
        """
        start = self._keys.start(after)
        end = len(self._keys)
        if chunk:
            end = min(end, (start // chunk + 1) * chunk)
        found, last, position = [], after, start
        while position < end and len(found) < limit:
            last = self._keys[position]
            position += 1
            activity = self._items[last[1]]
            if accept(activity):
                found.append(activity)
        return found, last, position < len(self._keys)


@contextlib.contextmanager
def _gc_paused():
    """Seeding allocates a few hundred thousand objects that all live on: the
    cyclic garbage collector, pausing meanwhile, would otherwise scan them
    again and again (two thirds of the time of a 50,000-lead seed)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _text(value):
    """Activity values are strings, as Marketo logs them."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_cell(value) -> str:
    if value is None or value == "":
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _split(raw) -> list[str]:
    """Comma-separated values, blanks dropped."""
    if raw is None:
        return []
    return [part.strip() for part in str(raw).split(",") if part.strip()]


def _int(value) -> int:
    """An integer from JSON or a query string; ``ApiError`` 1001 otherwise."""
    if isinstance(value, bool):
        raise ApiError("1001", f"Invalid value '{value}'. Required of type 'integer'")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise ApiError("1001", f"Invalid value '{value}'. Required of type 'integer'")


class MarketoEmulator(Emulator):
    """Marketo Engage's REST API (see the module docstring for the API).

    ``MarketoEmulator(token_ttl=3600, client_id="mkto-client",
    client_secret="mkto-secret", calls_per_window=100, window_seconds=20,
    max_concurrent=10, daily_quota=50000, quota_reset_at="00:00
    America/Chicago", clock=None, seed=None, custom_fields=None,
    programs=None, scan_chunk=1000, export_polls=2, race_window_ms=0,
    score_change_type=22)``: every limit can be overridden (``None``
    disables it); ``quota_reset_at`` takes a zone name or an offset
    (``"00:00-06:00"``).
    """

    name = "marketo"
    calls_per_window = 100
    window_seconds = 20.0
    max_concurrent = 10
    daily_quota = 50000
    quota_reset_at = "00:00 America/Chicago"
    max_body_bytes = 1024 * 1024
    max_target_bytes = 8 * 1024
    stats_counters = (
        "tokens_issued",
        "leads_created",
        "leads_updated",
        "leads_skipped",
        "exports_created",
    )

    def __init__(
        self,
        *,
        token_ttl: float = 3600,
        client_id: str = "mkto-client",
        client_secret: str = "mkto-secret",
        token_suffix: str = "ab",
        scope: str = "api@example.com",
        custom_fields: Mapping[str, str] | Iterable[str] | None = None,
        programs: Mapping[int, str] | None = None,
        scan_chunk: int | None = 1000,
        export_polls: int = 2,
        race_window_ms: float = 0,
        score_change_type: int = SCORE_CHANGE,
        export_quota_bytes: int | None = EXPORT_QUOTA_BYTES,
        status_interval: float = 0,
        **options,
    ):
        super().__init__(**options)
        self.export_quota_bytes = export_quota_bytes
        self.status_interval = status_interval
        self.journal: list | None = None
        self.tokens = TokenIssuer(
            {client_id: client_secret},
            token_ttl,
            self.clock,
            reuse=True,
            token_factory=lambda: f"{uuid.uuid4()}:{token_suffix}",
        )
        self.scope = scope
        self.scan_chunk = scan_chunk
        self.export_polls = export_polls
        self.race_window_ms = race_window_ms
        if score_change_type not in (SCORE_CHANGE, DATA_VALUE_CHANGE):
            raise ValueError("score_change_type must be 22 or 13")
        self.score_change_type = score_change_type
        if custom_fields is None:
            custom_fields = DEFAULT_CUSTOM_FIELDS
        elif not isinstance(custom_fields, Mapping):
            custom_fields = dict.fromkeys(custom_fields, "string")
        self.fields = self._field_table(LEAD_FIELDS, custom_fields)
        self.company_fields = self._field_table(COMPANY_FIELDS, {})
        self._leads = RecordStore()  # emails need not be unique
        self._log = ActivityLog()
        self.companies: dict[int, dict] = {}
        self.programs: dict[int, dict] = {}
        self.exports: dict[str, dict] = {}
        self._next_lead_id = 1
        self._next_company_id = 1
        self._next_activity_id = 1
        self._seed_next = 1
        self._requests = itertools.count(1)
        for program_id, program_name in (programs or DEFAULT_PROGRAMS).items():
            self.add_program(program_id, program_name)

    @staticmethod
    def _field_table(standard, custom: Mapping[str, str]) -> dict[str, FieldDef]:
        table = {}
        for number, spec in enumerate(standard, start=1):
            table[spec[0]] = FieldDef(number, *spec)
        for offset, (name, data_type) in enumerate(custom.items(), start=1000):
            length = STRING_LENGTH if data_type in ("string", "email") else None
            table[name] = FieldDef(
                offset, name, name, data_type, length, searchable=True, custom=True
            )
        return table

    @property
    def leads(self) -> RecordStore:
        """``id → lead`` (live records: read them, or replace/delete whole
        ones; use :meth:`touch` to change fields)."""
        return self._leads

    def dispatch(self, request: Request) -> Response:
        """Every request, then the framework's pipeline; with ``journal`` set,
        what the client sent is kept (contract tests validate it)."""
        if self.journal is not None and not request.path.startswith("/_sandbox"):
            body = request.json if request.json is not None else request.form
            self.journal.append({
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "body": body,
            })  # fmt: skip
        return super().dispatch(request)

    def expire_tokens(self) -> int:
        """Fault hook: every token issued so far now answers 602."""
        return self.tokens.expire_all()

    # ------------------------------------------------------------------
    # the envelope
    # ------------------------------------------------------------------

    def _request_id(self) -> str:
        """``"1a#18f0c2d4e10"``: a counter and the time in ms, as Marketo's."""
        return f"{next(self._requests):x}#{int(self.clock() * 1000):x}"

    def ok(self, result=None, **extra) -> Response:
        body = {"requestId": self._request_id()}
        if result is not None:
            body["result"] = result
        body["success"] = True
        body.update(extra)
        return Response(200, body)

    def failure(self, code: str, message: str | None = None) -> Response:
        """HTTP 200, ``success: false``: how Marketo reports nearly anything."""
        return Response(200, {
            "requestId": self._request_id(),
            "success": False,
            "errors": [{"code": code, "message": message or self._message(code)}],
        })  # fmt: skip

    def _message(self, code: str) -> str:
        if code == "606":
            # the configured numbers; Marketo's when the limit is lifted (a
            # fault impersonating a 606 in a test that lifted limits)
            window = self.limits.window
            calls = window.calls or type(self).calls_per_window
            return (
                f"Max rate limit '{calls}' exceeded with in '{window.seconds:g}' secs"
            )
        return MESSAGES.get(code, "Error injected by the sandbox")

    # ------------------------------------------------------------------
    # framework hooks in Marketo's dialect
    # ------------------------------------------------------------------

    def authenticate(self, request: Request) -> Response | None:
        # the header only: a token in the query string is not looked at
        status = self.tokens.check(bearer_token(request.headers))
        if status == VALID:
            return None
        return self.failure("602" if status == EXPIRED else "601")

    def limit_response(self, violation: Violation, request: Request) -> Response:
        if violation.kind == "quota":
            return self.failure("607")
        if violation.kind == "concurrency":
            return self.failure("615")
        return self.failure("606")

    def fault_response(self, fault: InjectedFault, request: Request) -> Response:
        """``status`` 200: an envelope with the burst's ``error`` code (606,
        611, 603...); any other status: a plain HTTP error, as a gateway in
        front of Marketo answers (``error`` becomes its text)."""
        if fault.status == 200:
            return self.failure(fault.error, self._message(fault.error))
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = Violation(
                "window", 0, fault.retry_after
            ).retry_after_header
        try:
            phrase = HTTPStatus(fault.status).phrase
        except ValueError:
            phrase = "Error"
        return Response(
            fault.status, body=f"{fault.error or phrase}\n", headers=headers
        )

    def not_found(self, request: Request) -> Response:
        if request.path.startswith(("/rest/", "/bulk/")):
            return self.failure("610")
        return Response(404, body="Not Found\n")

    def method_not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return self.failure("605")

    def invalid_body(self, request: Request) -> Response:
        return self.failure("609")

    def body_too_large(self, request: Request) -> Response:
        return Response(413, body="Request Entity Too Large\n")

    def uri_too_long(self, request: Request) -> Response:
        return Response(414, body="Request-URI Too Long\n")

    # ------------------------------------------------------------------
    # request helpers
    # ------------------------------------------------------------------

    @staticmethod
    def _params(request: Request) -> dict:
        """Query parameters, plus the form body of a ``POST ?_method=GET``."""
        params = dict(request.query)
        if request.method == "POST" and request.query.get("_method") == "GET":
            params.update(request.form or {})
        params.pop("_method", None)
        return params

    @staticmethod
    def _all_values(request: Request, name: str) -> list[str]:
        """Every value of a parameter, repeated or comma-separated."""
        raw = list(request.query_all.get(name, ()))
        if request.method == "POST" and request.query.get("_method") == "GET":
            raw += (request.form_all or {}).get(name, [])
        return [value for item in raw for value in _split(item)]

    @staticmethod
    def _body(request: Request) -> dict:
        """The JSON object a write endpoint needs (612 / 609 otherwise)."""
        if request.json is None:
            if request.body and request.content_type != "application/json":
                raise ApiError("612")
            raise ApiError("609")
        if not isinstance(request.json, dict):
            raise ApiError("609")
        return request.json

    @staticmethod
    def _required(params: Mapping, name: str) -> str:
        value = params.get(name)
        if value is None or not str(value).strip():
            raise ApiError("1002", f"Missing value for required parameter '{name}'")
        return str(value).strip()

    @staticmethod
    def _batch_size(params: Mapping) -> int:
        raw = params.get("batchSize")
        if raw in (None, ""):
            return MAX_BATCH
        size = _int(raw)
        if not 1 <= size <= MAX_BATCH:
            raise ApiError("1003", f"batchSize must be between 1 and {MAX_BATCH}")
        return size

    @staticmethod
    def _inputs(body: dict) -> list:
        inputs = body.get("input")
        if inputs is None:
            raise ApiError("1002", "Missing value for required parameter 'input'")
        if not isinstance(inputs, list):
            raise ApiError("1003", "input must be an array")
        if len(inputs) > MAX_BATCH:
            raise ApiError("1003", f"Too many inputs: at most {MAX_BATCH} per call")
        return inputs

    @staticmethod
    def _date(value, name: str) -> float:
        try:
            return parse_iso(value)
        except (TypeError, ValueError) as exc:
            raise ApiError("704", f"Invalid date format for {name}: {value!r}") from exc

    @contextlib.contextmanager
    def _unlocked(self):
        """Let other requests run inside a handler (``race_window_ms``): the
        framework holds ``self.lock`` once around every handler."""
        self.lock.release()
        try:
            yield
        finally:
            self.lock.acquire()

    # ------------------------------------------------------------------
    # identity
    # ------------------------------------------------------------------

    @route("GET", "/identity/oauth/token", auth=False, limited=False, faults=False)
    @route("POST", "/identity/oauth/token", auth=False, limited=False, faults=False)
    def issue_token(self, request: Request) -> Response:
        credentials = read_client_credentials(request)
        grant = credentials["grant_type"]
        if not grant:
            return Response(400, {
                "error": "invalid_request", "error_description": "Missing grant type",
            })  # fmt: skip
        if grant != "client_credentials":
            return Response(400, {
                "error": "unsupported_grant_type",
                "error_description": f"Unsupported grant type: {grant}",
            })  # fmt: skip
        try:
            token = self.tokens.issue(
                credentials["client_id"], credentials["client_secret"]
            )
        except InvalidClient:
            return Response(401, {
                "error": "unauthorized", "error_description": "Bad client credentials",
            })  # fmt: skip
        if token.fresh:
            self.stats.incr("tokens_issued")
        body = {
            "access_token": token.value,
            "token_type": "bearer",
            # Marketo reports 3599 for a fresh one-hour token: a second less
            "expires_in": max(0, token.expires_in(self.clock()) - 1),
            "scope": self.scope,
        }
        return Response(200, body, headers={"Cache-Control": "no-store"})

    # ------------------------------------------------------------------
    # Python helpers: leads
    # ------------------------------------------------------------------

    def _now(self) -> int:
        return int(self.clock())

    def _new_lead_id(self) -> int:
        lead_id = self._next_lead_id
        self._next_lead_id += 1
        return lead_id

    def records(self) -> dict:
        """Leads by email (lower case) and companies by external id."""
        return {
            "leads": [
                str(lead.get("email") or "").lower() for lead in self._leads.values()
            ],
            "companies": [
                str(c.get("externalCompanyId") or "") for c in self.companies.values()
            ],
        }

    def seed(self, n: int, start: int | None = None) -> list[int]:
        """Create ``n`` deterministic leads; return their ids.

        Lead ``i`` (from ``start``, by default right after the previous seed,
        first 1) is ``person{i}@example.com`` with names, phone, company,
        title, country name and ``leadScore`` derived from ``i``: the same
        ``i`` always gives the same person. Each gets a New Lead activity;
        ``createdAt`` values are one second apart and end now, so a seed is
        in the lead-changes feed and in a bulk extract of today.
        ``ValueError`` if one of the emails already exists.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        with self.lock, _gc_paused(), self._log.bulk():
            start = self._seed_next if start is None else start
            emails = [f"person{i}@example.com" for i in range(start, start + n)]
            taken = self._leads.taken(emails)
            if taken:
                raise ValueError(f"{taken[0]} already exists")
            first = self._now() - n + 1
            ids = []
            add = self._leads.add_new
            for offset, email in enumerate(emails):
                i = start + offset
                stamp = first + offset
                when = iso_utc(stamp)
                lead_id = self._new_lead_id()
                add(lead_id, {
                    "id": lead_id,
                    "email": email,
                    "firstName": _FIRST_NAMES[i % 20],
                    "lastName": _LAST_NAMES[(i // 20) % 20],
                    "phone": None if i % 5 == 0 else f"+3361{i % 10**7:07d}",
                    "company": None if i % 4 == 0 else f"Company {i % 500}",
                    "title": _TITLES[i % len(_TITLES)],
                    "country": _COUNTRIES[i % len(_COUNTRIES)],
                    "leadScore": (i * 37) % 101,
                    "createdAt": when,
                    "updatedAt": when,
                }, email)  # fmt: skip
                self._log_new_lead(lead_id, stamp, when)
                ids.append(lead_id)
            self._seed_next = max(self._seed_next, start + n)
            return ids

    def touch(self, lead_id: int, reason: str = "Changed in Marketo", **changes):
        """Change fields of a lead as Marketo would (a user, a smart campaign):
        log one activity per changed field and bump ``updatedAt``; return a
        copy. Field names are checked, values are not (a test may plant bad
        data on purpose)."""
        unknown = set(changes) - set(self.fields)
        readonly = {n for n in changes if n in self.fields and self.fields[n].read_only}
        if unknown or readonly:
            names = ", ".join(sorted(unknown | readonly))
            raise ValueError(f"unknown or read-only field(s): {names}")
        with self.lock:
            lead = self._leads[lead_id]
            self._apply(lead_id, lead, changes, self._now(), reason)
            return dict(lead)

    def clear_data(self) -> None:
        """Forget leads, activities, companies, memberships and exports (a
        fresh instance for the next test); programs, tokens, stats and ids
        stay (ids are never reused). ``leads.clear()`` alone keeps the
        activity log, as Marketo keeps the activities of deleted leads."""
        with self.lock:
            self._leads.clear()
            self._log = ActivityLog()
            self.companies.clear()
            self.exports.clear()
            for program in self.programs.values():
                program["members"].clear()

    def find_by_email(self, email: str) -> dict | None:
        """The lead with this email (the lowest id if several), or ``None``."""
        with self.lock:
            ids = self._leads.ids_by_email(email)
            return self._leads[ids[0]] if ids else None

    def delete_lead(self, lead_id: int) -> None:
        """Delete a lead as Marketo does: Delete Lead activity, memberships go."""
        with self.lock:
            self._delete(lead_id, self._now())

    def _create(self, values: dict, stamp: int) -> int:
        lead_id = self._new_lead_id()
        when = iso_utc(stamp)
        lead = {"id": lead_id, **values, "createdAt": when, "updatedAt": when}
        self._leads[lead_id] = lead
        self._log_new_lead(lead_id, stamp)
        return lead_id

    def _apply(self, lead_id, lead, changes, stamp, reason=API_SOURCE) -> bool:
        """Write the values that differ; one activity per changed field."""
        changed = {k: v for k, v in changes.items() if lead.get(k) != v}
        if not changed:
            return False
        for name, new in changed.items():
            old = lead.get(name)
            lead[name] = new
            self._log_change(lead_id, name, old, new, stamp, reason)
        lead["updatedAt"] = iso_utc(stamp)
        if "email" in changed:
            self._leads.reindex(lead_id)
        return True

    def _delete(self, lead_id: int, stamp: int) -> None:
        lead = self._leads[lead_id]
        name = " ".join(
            filter(None, (lead.get("firstName"), lead.get("lastName")))
        ) or (lead.get("email") or "")
        del self._leads[lead_id]
        for program in self.programs.values():
            program["members"].pop(lead_id, None)
        self._record(
            lead_id,
            DELETE_LEAD,
            stamp,
            primary=(lead_id, name),
            attributes=[("Remove from CRM", "false")],
        )

    # ------------------------------------------------------------------
    # Python helpers: activities
    # ------------------------------------------------------------------

    def _record(
        self,
        lead_id: int,
        type_id: int,
        stamp: int,
        *,
        primary: tuple | None = None,
        attributes: Iterable[tuple[str, object]] = (),
        fields: list[dict] | None = None,
    ) -> dict:
        activity_id = self._next_activity_id
        self._next_activity_id += 1
        activity = {
            "id": activity_id,
            "marketoGUID": str(activity_id),
            "leadId": lead_id,
            "activityDate": iso_utc(stamp),
            "activityTypeId": type_id,
        }
        if primary is not None:
            activity["primaryAttributeValueId"] = primary[0]
            activity["primaryAttributeValue"] = primary[1]
        activity["attributes"] = [
            {"name": name, "value": value} for name, value in attributes
        ]
        if fields is not None:
            activity["fields"] = fields
        self._log.add(activity, stamp)
        return activity

    def _log_new_lead(self, lead_id: int, stamp: int, when: str | None = None):
        """The New Lead activity, built directly (seeding 50,000 leads logs
        50,000 of them: this is the hot path)."""
        activity_id = self._next_activity_id
        self._next_activity_id += 1
        when = when or iso_utc(stamp)
        self._log.add({
            "id": activity_id, "marketoGUID": str(activity_id), "leadId": lead_id,
            "activityDate": when, "activityTypeId": NEW_LEAD,
            "attributes": [
                {"name": "Source Type", "value": API_SOURCE},
                {"name": "Created Date", "value": when},
            ],
            "fields": [],
        }, stamp)  # fmt: skip

    def _log_change(self, lead_id, name, old, new, stamp, reason) -> None:
        field = self.fields[name]
        primary = (field.id, field.display_name)
        if name == "leadScore" and self.score_change_type == SCORE_CHANGE:
            try:
                delta = int(new or 0) - int(old or 0)
                change = f"{delta:+d}"
            except (TypeError, ValueError):
                change = _text(new)
            self._record(lead_id, SCORE_CHANGE, stamp, primary=primary, attributes=[
                ("Change Value", change), ("New Value", _text(new)),
                ("Old Value", _text(old)), ("Reason", reason),
            ])  # fmt: skip
            return
        self._record(
            lead_id,
            DATA_VALUE_CHANGE,
            stamp,
            primary=primary,
            attributes=[
                ("New Value", _text(new)),
                ("Old Value", _text(old)),
                ("Reason", reason),
                ("Source", API_SOURCE),
            ],
            fields=[{
                "id": field.id, "name": name,
                "newValue": _text(new), "oldValue": _text(old),
            }],
        )  # fmt: skip

    def add_activity(
        self,
        lead_id: int,
        type_id: int,
        *,
        # Marketo's names, as in the activities the API returns
        activityDate=None,
        primaryAttributeValue=None,
        primaryAttributeValueId=None,
        attributes: Mapping[str, object] | None = None,
        **more_attributes,
    ) -> dict:
        """Log an activity of a standard type (e.g. 10 Open Email) for a lead;
        return a copy. ``attributes`` (names with spaces, e.g. ``{"Webpage
        URL": "/x"}``) and keyword arguments become its ``attributes``;
        ``activityDate`` (ISO text or epoch seconds) defaults to now. The lead
        need not exist (Marketo keeps activities of deleted leads)."""
        if type_id not in ACTIVITY_TYPES:
            raise ValueError(f"unknown activity type {type_id}")
        if activityDate is None:
            stamp = self._now()
        elif isinstance(activityDate, str):
            stamp = int(parse_iso(activityDate))
        else:
            stamp = int(activityDate)
        primary = None
        if primaryAttributeValue is not None or primaryAttributeValueId is not None:
            if primaryAttributeValueId is None:
                digest = hashlib.sha256(str(primaryAttributeValue).encode()).digest()
                primaryAttributeValueId = int.from_bytes(digest[:3], "big")
            primary = (primaryAttributeValueId, primaryAttributeValue)
        values = {**(attributes or {}), **more_attributes}
        with self.lock:
            activity = self._record(
                lead_id,
                type_id,
                stamp,
                primary=primary,
                attributes=[(k, _text(v)) for k, v in values.items()],
            )
            return dict(activity)

    def activities(
        self,
        type_ids: Iterable[int] | None = None,
        lead_ids: Iterable[int] | None = None,
    ) -> list[dict]:
        """Copies of the logged activities, oldest first, optionally only of
        some types and leads (what a test asserts on without paging)."""
        types = set(type_ids) if type_ids is not None else None
        leads = set(lead_ids) if lead_ids is not None else None
        with self.lock:
            return [
                dict(activity)
                for activity in self._log
                if (types is None or activity["activityTypeId"] in types)
                and (leads is None or activity["leadId"] in leads)
            ]

    def seed_activities(
        self,
        n: int,
        type_ids: Iterable[int] = ENGAGEMENT_TYPES,
        lead_ids: Iterable[int] | None = None,
    ) -> list[int]:
        """Log ``n`` deterministic engagement activities (web visits, forms,
        email sends, opens, clicks, bounces, unsubscribes), spread over the
        leads (all by default) and one second apart, ending now; return
        their ids. The same call on the same data gives the same activities.
        """
        type_ids = tuple(type_ids)
        unknown = [t for t in type_ids if t not in ACTIVITY_TYPES]
        if unknown or not type_ids:
            raise ValueError(f"unknown activity type(s): {unknown}")
        with self.lock, _gc_paused(), self._log.bulk():
            leads = sorted(self._leads if lead_ids is None else lead_ids)
            if not leads:
                raise ValueError("no lead to log activities for")
            first = self._now() - n + 1
            ids = []
            for k in range(n):
                type_id = type_ids[k % len(type_ids)]
                lead_id = leads[(k * 7919) % len(leads)]
                primary, attributes = self._engagement(type_id, k, lead_id)
                activity = self._record(
                    lead_id, type_id, first + k, primary=primary, attributes=attributes
                )
                ids.append(activity["id"])
            return ids

    def _engagement(self, type_id: int, k: int, lead_id: int):
        """Primary attribute and attributes of the ``k``-th seeded activity."""
        agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
        ip = f"192.0.2.{k % 250 + 1}"
        page = k % 11
        mailing = (2000 + k % 7, f"Newsletter {k % 7}")
        run = ("Campaign Run ID", str(9000 + k % 13))
        if type_id == 1:
            return (100 + page, f"example.com/page-{page}.html"), [
                ("Webpage URL", f"/page-{page}.html"), ("Query Parameters", ""),
                ("Client IP Address", ip), ("Referrer URL", ""), ("User Agent", agent),
            ]  # fmt: skip
        if type_id == 2:
            return (300 + k % 3, f"Contact Form {k % 3}"), [
                ("Webpage ID", str(100 + page)), ("Client IP Address", ip),
                ("Form Fields", "a:1:{s:5:\"Email\";}"), ("User Agent", agent),
            ]  # fmt: skip
        if type_id == 3:
            return (500 + k % 5, f"https://example.com/link-{k % 5}"), [
                ("Webpage URL", f"/page-{page}.html"), ("Client IP Address", ip),
                ("User Agent", agent),
            ]  # fmt: skip
        if type_id in (6, 7):
            return mailing, [run, ("Choice Number", "0"), ("Step ID", "1")]
        if type_id in (8, 27):
            email = (self._leads.get(lead_id) or {}).get("email") or ""
            return mailing, [
                run, ("Category", "1"), ("Details", "550 5.1.1 mailbox unavailable"),
                ("Email", email), ("Subcategory", "1003"),
            ]  # fmt: skip
        if type_id == 9:
            return mailing, [run, ("Client IP Address", ip), ("User Agent", agent)]
        if type_id in (10, 11):
            attributes = [
                run, ("Device", "Desktop"), ("Is Mobile Device", "false"),
                ("Platform", "Linux"), ("User Agent", agent),
            ]  # fmt: skip
            if type_id == 11:
                attributes.append(("Link", f"https://example.com/offer-{k % 13}"))
            return mailing, attributes
        name = ACTIVITY_TYPES[type_id][0]
        return (type_id * 100 + k % 10, f"{name} {k % 10}"), []

    # ------------------------------------------------------------------
    # Python helpers: companies, programs, exports
    # ------------------------------------------------------------------

    def _company_by_key(self, external_id) -> dict | None:
        for company in self.companies.values():
            if company.get("externalCompanyId") == external_id:
                return company
        return None

    def add_program(
        self,
        program_id: int,
        name: str | None = None,
        statuses: Iterable[str] = DEFAULT_STATUSES,
    ) -> dict:
        """Create (or replace) an empty program whose statuses progress in
        the given order."""
        with self.lock:
            now = iso_utc(self._now())
            program = {
                "id": program_id,
                "name": name or f"Program {program_id}",
                "statuses": tuple(statuses),
                "members": {},
                "createdAt": now,
            }
            self.programs[program_id] = program
            return program

    def set_program_status(
        self, program_id: int, lead_ids: Iterable[int], status: str = "Member"
    ) -> list[dict]:
        """What ``members/status.json`` does, from Python (test setup); the
        per-lead results. ``KeyError``: no such program; ``ValueError``: no
        such status."""
        with self.lock:
            program = self.programs[program_id]
            if status not in program["statuses"]:
                raise ValueError(f"{status!r} is not a status of {program['name']}")
            return [
                self._set_status(program, lead_id, status, seq)
                for seq, lead_id in enumerate(lead_ids)
            ]

    def program_members(self, program_id: int) -> dict[int, str]:
        """``lead id → status name`` of a program (a copy)."""
        with self.lock:
            members = self.programs[program_id]["members"]
            return {lead_id: m["statusName"] for lead_id, m in members.items()}

    def _set_status(self, program, lead_id, status, seq) -> dict:
        if lead_id not in self._leads:
            return RecordError("1004").result(seq=seq)
        statuses = program["statuses"]
        member = program["members"].get(lead_id)
        if member is not None:
            old = member["statusName"]
            if statuses.index(status) <= statuses.index(old):
                return RecordError(
                    "1037", "Lead skipped because it is already in or past this status"
                ).result(seq=seq)
        stamp = self._now()
        old_status = member["statusName"] if member else "Not in Program"
        if member is None:
            program["members"][lead_id] = {
                "statusName": status,
                "membershipDate": iso_utc(stamp),
                "updatedAt": iso_utc(stamp),
            }
            outcome = "created"
        else:
            member["statusName"] = status
            member["updatedAt"] = iso_utc(stamp)
            outcome = "updated"
        self._record(
            lead_id,
            PROGRAM_STATUS,
            stamp,
            primary=(program["id"], program["name"]),
            attributes=[
                ("Old Status", old_status),
                ("New Status", status),
                ("Reason", API_SOURCE),
                ("Success", "false"),
            ],
        )
        return {"seq": seq, "leadId": lead_id, "status": outcome}

    def fail_export(self, export_id: str) -> None:
        """Make a bulk export end as ``Failed`` instead of ``Completed``."""
        with self.lock:
            self.exports[export_id]["fail"] = True

    # ------------------------------------------------------------------
    # validation of written values
    # ------------------------------------------------------------------

    @staticmethod
    def _clean_value(field: FieldDef, value):
        """A value for ``field``, or :class:`RecordError` (1001 / 1003)."""
        if value is None:
            return None
        kind = field.data_type
        if kind == "integer":
            if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
                return int(value)
            if isinstance(value, bool) or not isinstance(value, int):
                raise RecordError(
                    "1001", f"Invalid value '{value}'. Required of type 'integer'"
                )
            return value
        if kind == "currency":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RecordError(
                    "1001", f"Invalid value '{value}'. Required of type 'currency'"
                )
            return value
        if kind == "boolean":
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            if not isinstance(value, bool):
                raise RecordError(
                    "1001", f"Invalid value '{value}'. Required of type 'boolean'"
                )
            return value
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise RecordError(
                "1001", f"Invalid value '{value}'. Required of type '{kind}'"
            )
        value = str(value)
        if kind == "email":
            value = value.strip()
            if not EMAIL_RE.fullmatch(value):
                raise RecordError(
                    "1001", f"Invalid value '{value}'. Required of type 'email'"
                )
        limit = field.length or (STRING_LENGTH if kind != "text" else None)
        if limit and len(value) > limit:
            raise RecordError(
                "1003",
                f"Invalid data: '{field.name}' is longer than {limit} characters",
            )
        return value

    def _clean(self, item, table: Mapping[str, FieldDef], key_fields=("id",)) -> dict:
        """Validated values of one input record (key fields included)."""
        if not isinstance(item, dict):
            raise RecordError("1003", "Invalid data: each input must be an object")
        for name in item:
            if name not in table:
                raise RecordError("1006", f"Field '{name}' not found")
            if table[name].read_only and name not in key_fields:
                raise RecordError("1003", f"Invalid data: '{name}' is read-only")
        return {name: self._clean_value(table[name], v) for name, v in item.items()}

    def _lookup_field(self, name) -> FieldDef:
        """A field leads can be looked up or filtered by (1006 / 1011)."""
        field = self.fields.get(name)
        if field is None:
            raise ApiError("1006", f"Field '{name}' not found")
        if not field.searchable:
            raise ApiError("1011", f"Field '{name}' not supported")
        return field

    def _find(self, field: FieldDef, *values) -> list[int]:
        """Ids (sorted) of the leads whose ``field`` equals one of ``values``
        (strings compared case-insensitively, as Marketo does). ``id`` and
        ``email`` use the store; other fields cost one scan of the leads."""
        values = [v for v in values if v is not None and v != ""]
        if not values:
            return []
        if field.name == "id":
            ids = set()
            for value in values:
                with contextlib.suppress(ApiError):
                    ids.add(_int(value))
            return sorted(i for i in ids if i in self._leads)
        if field.name == "email":
            return sorted({i for v in values for i in self._leads.ids_by_email(v)})
        wanted = {str(v).strip().lower() for v in values}
        return [
            lead_id
            for lead_id, lead in sorted(self._leads.items())
            if lead.get(field.name) is not None
            and str(lead[field.name]).strip().lower() in wanted
        ]

    # ------------------------------------------------------------------
    # leads
    # ------------------------------------------------------------------

    def _read_fields(self, raw, table: Mapping[str, FieldDef], default) -> list[str]:
        names = _split(raw) or list(default)
        for name in names:
            if name not in table:
                raise ApiError("1006", f"Field '{name}' not found")
        return list(dict.fromkeys(["id", *names]))

    def _view(self, lead: dict, names: list[str]) -> dict:
        """A lead as the API returns it: the asked fields, ``None`` when empty;
        ``company`` comes from the linked company when it has a name."""
        view = {name: lead.get(name) for name in names}
        if "company" in view and lead.get("externalCompanyId"):
            company = self._company_by_key(lead["externalCompanyId"])
            if company and company.get("company"):
                view["company"] = company["company"]
        return view

    @route("GET", "/rest/v1/leads.json")
    @_api
    def get_leads(self, request: Request) -> Response:
        return self._get_leads(self._params(request))

    @route("POST", "/rest/v1/leads.json")
    @_api
    def post_leads(self, request: Request) -> Response:
        if request.query.get("_method") == "GET":
            return self._get_leads(self._params(request))
        return self._upsert_leads(self._body(request))

    def _get_leads(self, params: Mapping) -> Response:
        field = self._lookup_field(self._required(params, "filterType"))
        values = _split(self._required(params, "filterValues"))
        if len(values) > MAX_BATCH:
            raise ApiError(
                "1003", f"Too many filter values: at most {MAX_BATCH} per call"
            )
        names = self._read_fields(
            params.get("fields"), self.fields, DEFAULT_READ_FIELDS
        )
        size = self._batch_size(params)
        offset = 0
        if params.get("nextPageToken"):
            (offset,) = decode_token(params["nextPageToken"], "L", 1)
        if field.name == "id":
            for value in values:
                _int(value)
        ids = self._find(field, *values)
        if len(ids) > MAX_MATCHES:
            raise ApiError("1003", "Too many results match the filter")
        page = ids[offset : offset + size]
        extra = {}
        if offset + size < len(ids):
            extra = {
                "nextPageToken": encode_token("L", offset + size),
                "moreResult": True,
            }
        return self.ok([self._view(self._leads[i], names) for i in page], **extra)

    @route("GET", "/rest/v1/lead/<id>.json")
    @_api
    def get_lead(self, request: Request) -> Response:
        lead_id = _int(request.params["id"])
        names = self._read_fields(
            self._params(request).get("fields"), self.fields, DEFAULT_READ_FIELDS
        )
        lead = self._leads.get(lead_id)
        return self.ok([self._view(lead, names)] if lead else [])

    def _upsert_leads(self, body: dict) -> Response:
        action = body.get("action") or "createOrUpdate"
        if action not in ACTIONS:
            raise ApiError(
                "1003", f"Invalid action '{action}': one of {', '.join(ACTIONS)}"
            )
        lookup = self._lookup_field(body.get("lookupField") or "email")
        inputs = self._inputs(body)
        plans = []
        results = []
        for item in inputs:
            try:
                plan = self._plan(action, lookup, item)
            except RecordError as exc:
                plan = exc
            if self.race_window_ms:
                plans.append(plan)
            else:
                results.append(self._execute(plan))
        if self.race_window_ms:
            # lookups done, writes pending: concurrent upserts of the same
            # new key now all create it, as Marketo documents
            with self._unlocked():
                self.sleep(self.race_window_ms / 1000)
            results = [self._execute(plan) for plan in plans]
        return self.ok(results)

    def _plan(self, action: str, lookup: FieldDef, item) -> tuple:
        """What one input will do: ``("create", values)`` or ``("update",
        id, values, key)``; raises :class:`RecordError` for a skip."""
        values = self._clean(item, self.fields)
        # "Because id is a system-managed unique key, include it only with the
        # updateOnly action" (Leads, "Create and Update"); 1003 Invalid data
        # "such as when id is submitted for a lead with action designated as
        # createOnly" (Error Codes, record level): the record is skipped
        if "id" in values and action != "updateOnly":
            raise RecordError("1003", MESSAGES["1003"])
        if action == "createDuplicate":
            return ("create", values)
        key_field = self.fields["email"] if action == "createOnly" else lookup
        key = values.get(key_field.name)
        if key is None or key == "":
            if action == "createOnly":
                return ("create", values)
            raise RecordError(
                "1002", f"Missing value for required parameter '{key_field.name}'"
            )
        matches = self._find(key_field, key)
        if len(matches) > 1:
            raise RecordError("1007")
        if matches:
            if action == "createOnly":
                raise RecordError("1005")
            return ("update", matches[0], values, key_field.name)
        if action == "updateOnly" or key_field.name == "id":
            raise RecordError("1004")
        return ("create", values)

    def _execute(self, plan) -> dict:
        stamp = self._now()
        if isinstance(plan, RecordError):
            self.stats.incr("leads_skipped")
            return plan.result()
        if plan[0] == "create":
            values = {k: v for k, v in plan[1].items() if k != "id"}
            lead_id = self._create(values, stamp)
            self.stats.incr("leads_created")
            return {"id": lead_id, "status": "created"}
        _kind, lead_id, values, key_name = plan
        lead = self._leads.get(lead_id)
        if lead is None:  # deleted since the lookup (race window)
            self.stats.incr("leads_skipped")
            return RecordError("1004").result()
        # the lookup value is the key, not a change (the stored spelling stays)
        changes = {k: v for k, v in values.items() if k not in ("id", key_name)}
        if lead.get("unsubscribed") and changes.get("unsubscribed") is False:
            # *chosen*: Marketo's REST API lets ``unsubscribed`` be written
            # back to false (Lead Database > "Unsubscribed" is a plain
            # field); the sandbox keeps the lead unsubscribed and counts the
            # attempt, so a test proves a client never tries
            self.refuse_resubscribe(lead_id, "POST /rest/v1/leads.json")
            del changes["unsubscribed"]
        self._apply(lead_id, lead, changes, stamp)
        self.stats.incr("leads_updated")
        return {"id": lead_id, "status": "updated"}

    # Delete Leads (REST API > Lead Database > Leads, POST
    # /rest/v1/leads/delete.json, body {"input": [{"id"}]}): per input
    # "deleted", or "skipped" with reason 1004 "Lead not found"; the lead
    # leaves a Delete Lead activity (deleted-leads feed)
    @route("POST", "/rest/v1/leads/delete.json")
    @_api
    def delete_leads(self, request: Request) -> Response:
        results = []
        stamp = self._now()
        for item in self._inputs(self._body(request)):
            raw = item.get("id") if isinstance(item, dict) else None
            try:
                lead_id = _int(raw)
            except ApiError:
                results.append(RecordError("1003", "Invalid data: id").result())
                continue
            if lead_id not in self._leads:
                results.append(RecordError("1004").result(id=lead_id))
                continue
            self._delete(lead_id, stamp)
            results.append({"id": lead_id, "status": "deleted"})
        return self.ok(results)

    @route("GET", "/rest/v1/leads/describe.json")
    @_api
    def describe_leads(self, request: Request) -> Response:
        result = []
        for field in self.fields.values():
            item = {
                "id": field.id,
                "displayName": field.display_name,
                "dataType": field.data_type,
            }
            if field.length:
                item["length"] = field.length
            item["rest"] = {"name": field.name, "readOnly": field.read_only}
            item["soap"] = {
                "name": field.name[:1].upper() + field.name[1:],
                "readOnly": field.read_only,
            }
            result.append(item)
        return self.ok(result)

    @route("GET", "/rest/v1/leads/describe2.json")
    @_api
    def describe_leads2(self, request: Request) -> Response:
        fields = []
        for field in self.fields.values():
            item = {
                "name": field.name,
                "displayName": field.display_name,
                "dataType": field.data_type,
            }
            if field.length:
                item["length"] = field.length
            item["updateable"] = not field.read_only
            item["crmManaged"] = False
            fields.append(item)
        return self.ok([{
            "name": "API Lead",
            "searchableFields": [
                [field.name] for field in self.fields.values() if field.searchable
            ],
            "fields": fields,
        }])  # fmt: skip

    # ------------------------------------------------------------------
    # activities
    # ------------------------------------------------------------------

    @route("GET", "/rest/v1/activities/types.json")
    @_api
    def activity_types(self, request: Request) -> Response:
        result = []
        for type_id, (name, primary, attributes) in ACTIVITY_TYPES.items():
            item = {"id": type_id, "name": name, "description": name}
            if primary:
                item["primaryAttribute"] = {"name": primary, "dataType": "integer"}
            item["attributes"] = [
                {"name": a, "dataType": "integer" if a.endswith(" ID") else "string"}
                for a in attributes
            ]
            result.append(item)
        return self.ok(result)

    @route("GET", "/rest/v1/activities/pagingtoken.json")
    @_api
    def paging_token(self, request: Request) -> Response:
        raw = self._required(self._params(request), "sinceDatetime")
        since = math.floor(self._date(raw, "sinceDatetime"))
        return self.ok(nextPageToken=encode_token("A", since, 0))

    def _feed(self, params: Mapping, accept, view) -> Response:
        """One page of an activity feed (see :meth:`ActivityLog.scan`)."""
        token = self._required(params, "nextPageToken")
        after = decode_token(token, "A", 2)
        found, last, more = self._log.scan(
            after, accept, self._batch_size(params), self.scan_chunk
        )
        return self.ok(
            [view(activity) for activity in found],
            nextPageToken=encode_token("A", *last),
            moreResult=more,
        )

    @staticmethod
    def _activity_view(activity: dict) -> dict:
        return {k: v for k, v in activity.items() if k != "fields"}

    @route("GET", "/rest/v1/activities.json")
    @_api
    def get_activities(self, request: Request) -> Response:
        params = self._params(request)
        raw_types = self._all_values(request, "activityTypeIds")
        if not raw_types:
            raise ApiError(
                "1002", "Missing value for required parameter 'activityTypeIds'"
            )
        types = {_int(t) for t in raw_types}
        if len(types) > MAX_ACTIVITY_TYPES:
            raise ApiError(
                "1003", f"Too many activity types: at most {MAX_ACTIVITY_TYPES}"
            )
        leads = {_int(i) for i in self._all_values(request, "leadIds")}
        if len(leads) > MAX_ACTIVITY_LEADS:
            raise ApiError("1003", f"Too many lead ids: at most {MAX_ACTIVITY_LEADS}")
        if params.get("listId"):
            raise ApiError("1003", "listId is not emulated by the sandbox")

        def accept(activity):
            return activity["activityTypeId"] in types and (
                not leads or activity["leadId"] in leads
            )

        return self._feed(params, accept, self._activity_view)

    @route("GET", "/rest/v1/activities/leadchanges.json")
    @_api
    def lead_changes(self, request: Request) -> Response:
        params = self._params(request)
        wanted = set(self._all_values(request, "fields"))
        if not wanted:
            raise ApiError("1002", "Missing value for required parameter 'fields'")
        for name in wanted:
            if name not in self.fields:
                raise ApiError("1006", f"Field '{name}' not found")
        leads = {_int(i) for i in self._all_values(request, "leadIds")}

        def accept(activity):
            kind = activity["activityTypeId"]
            if leads and activity["leadId"] not in leads:
                return False
            if kind == NEW_LEAD:
                return True
            changed = activity.get("fields") or [{}]
            return kind == DATA_VALUE_CHANGE and changed[0].get("name") in wanted

        def view(activity):
            keys = ("id", "marketoGUID", "leadId", "activityDate", "activityTypeId")
            return {
                **{key: activity[key] for key in keys},
                "fields": activity.get("fields") or [],
                "attributes": activity["attributes"],
            }

        return self._feed(params, accept, view)

    @route("GET", "/rest/v1/activities/deletedleads.json")
    @_api
    def deleted_leads(self, request: Request) -> Response:
        return self._feed(
            self._params(request),
            lambda activity: activity["activityTypeId"] == DELETE_LEAD,
            self._activity_view,
        )

    # ------------------------------------------------------------------
    # companies
    # ------------------------------------------------------------------

    # Sync Companies is ``POST /rest/v1/companies.json`` (Marketo REST
    # reference, "Companies" > "Create and Update"); there is no
    # ``companies/sync.json``: that path answers 610 like any unknown URI
    # ("Error Codes": 610 Requested resource not found).

    @route("POST", "/rest/v1/companies.json")
    @_api
    def post_companies(self, request: Request) -> Response:
        if request.query.get("_method") == "GET":
            return self._get_companies(self._params(request))
        return self._sync_companies(self._body(request))

    @route("GET", "/rest/v1/companies.json")
    @_api
    def get_companies(self, request: Request) -> Response:
        return self._get_companies(self._params(request))

    def _sync_companies(self, body: dict) -> Response:
        action = body.get("action") or "createOrUpdate"
        if action not in ("createOrUpdate", "createOnly", "updateOnly"):
            raise ApiError("1003", f"Invalid action '{action}'")
        dedupe = body.get("dedupeBy") or "dedupeFields"
        if dedupe not in ("dedupeFields", "idField"):
            raise ApiError("1003", f"Invalid dedupeBy '{dedupe}'")
        key_name = "externalCompanyId" if dedupe == "dedupeFields" else "id"
        results, seen = [], set()
        stamp = iso_utc(self._now())
        for seq, item in enumerate(self._inputs(body)):
            try:
                values = self._clean(item, self.company_fields)
                key = values.get(key_name)
                if key in (None, ""):
                    raise RecordError(
                        "1002", f"Missing value for required parameter '{key_name}'"
                    )
                if key in seen:
                    raise RecordError("1036")
                seen.add(key)
                result = self._sync_company(action, key_name, key, values, stamp)
            except RecordError as exc:
                result = exc.result()
            results.append({"seq": seq, **result})
        return self.ok(results)

    def _sync_company(self, action, key_name, key, values, stamp) -> dict:
        if key_name == "id":
            company = self.companies.get(key)
        else:
            company = self._company_by_key(key)
        if company is not None:
            if action == "createOnly":
                raise RecordError("1017")
            company.update({k: v for k, v in values.items() if k != "id"})
            company["updatedAt"] = stamp
            return {"id": company["id"], "status": "updated"}
        if action == "updateOnly" or key_name == "id":
            raise RecordError("1013", "Record not found")
        company_id = self._next_company_id
        self._next_company_id += 1
        self.companies[company_id] = {
            "id": company_id, **values, "createdAt": stamp, "updatedAt": stamp,
        }  # fmt: skip
        return {"id": company_id, "status": "created"}

    def _get_companies(self, params: Mapping) -> Response:
        filter_type = self._required(params, "filterType")
        field = self.company_fields.get(filter_type)
        if field is None or not field.searchable:
            raise ApiError("1003", f"Invalid filterType '{filter_type}'")
        values = _split(self._required(params, "filterValues"))
        if len(values) > MAX_BATCH:
            raise ApiError(
                "1003", f"Too many filter values: at most {MAX_BATCH} per call"
            )
        names = self._read_fields(
            params.get("fields"),
            self.company_fields,
            ("externalCompanyId", "updatedAt", "createdAt"),
        )
        wanted = {str(v).strip().lower() for v in values}
        matches = [
            company
            for _id, company in sorted(self.companies.items())
            if company.get(filter_type) is not None
            and str(company[filter_type]).strip().lower() in wanted
        ]
        size = self._batch_size(params)
        offset = 0
        if params.get("nextPageToken"):
            (offset,) = decode_token(params["nextPageToken"], "C", 1)
        page = matches[offset : offset + size]
        extra = {}
        if offset + size < len(matches):
            extra = {
                "nextPageToken": encode_token("C", offset + size),
                "moreResult": True,
            }
        result = [
            {"seq": offset + n, **{name: company.get(name) for name in names}}
            for n, company in enumerate(page)
        ]
        return self.ok(result, **extra)

    # ------------------------------------------------------------------
    # programs
    # ------------------------------------------------------------------

    def _program(self, request: Request) -> dict:
        try:
            program_id = _int(request.params["id"])
        except ApiError as exc:
            raise ApiError("1013") from exc
        program = self.programs.get(program_id)
        if program is None:
            raise ApiError("1013")
        return program

    @staticmethod
    def _member_input(item) -> int | RecordError:
        """The lead id of a ``{"leadId": 50}`` input, or its skip reason."""
        try:
            return _int(item.get("leadId") if isinstance(item, dict) else None)
        except ApiError:
            return RecordError("1003", "Invalid data: leadId must be an integer")

    @route("POST", "/rest/v1/programs/<id>/members/status.json")
    @_api
    def program_status(self, request: Request) -> Response:
        program = self._program(request)
        body = self._body(request)
        status = body.get("statusName")
        if not status:
            raise ApiError("1002", "Missing value for required parameter 'statusName'")
        if status not in program["statuses"]:
            raise ApiError("1025")
        results = []
        for seq, item in enumerate(self._inputs(body)):
            lead_id = self._member_input(item)
            if isinstance(lead_id, RecordError):
                results.append(lead_id.result(seq=seq))
            else:
                results.append(self._set_status(program, lead_id, status, seq))
        return self.ok(results)

    @route("POST", "/rest/v1/programs/<id>/members/delete.json")
    @_api
    def program_delete(self, request: Request) -> Response:
        program = self._program(request)
        results = []
        for seq, item in enumerate(self._inputs(self._body(request))):
            lead_id = self._member_input(item)
            if isinstance(lead_id, RecordError):
                results.append(lead_id.result(seq=seq))
            elif program["members"].pop(lead_id, None) is None:
                skip = RecordError("1037", "Lead not in program")
                results.append(skip.result(seq=seq))
            else:
                results.append({"seq": seq, "status": "deleted", "leadId": lead_id})
        return self.ok(results)

    @route("GET", "/rest/v1/programs/<id>/members.json")
    @_api
    def program_members_get(self, request: Request) -> Response:
        return self._get_members(request)

    @route("POST", "/rest/v1/programs/<id>/members.json")
    @_api
    def program_members_post(self, request: Request) -> Response:
        if request.query.get("_method") != "GET":
            raise ApiError("1003", "Sync Program Member Data is not emulated")
        return self._get_members(request)

    def _get_members(self, request: Request) -> Response:
        program = self._program(request)
        params = self._params(request)
        filter_type = self._required(params, "filterType")
        if filter_type not in ("leadId", "statusName"):
            raise ApiError("1003", f"Invalid filterType '{filter_type}'")
        values = _split(self._required(params, "filterValues"))
        if len(values) > MAX_BATCH:
            raise ApiError(
                "1003", f"Too many filter values: at most {MAX_BATCH} per call"
            )
        members = sorted(program["members"].items())
        if filter_type == "leadId":
            wanted = {_int(v) for v in values}
            members = [(i, m) for i, m in members if i in wanted]
        else:
            members = [(i, m) for i, m in members if m["statusName"] in values]
        size = self._batch_size(params)
        offset = 0
        if params.get("nextPageToken"):
            (offset,) = decode_token(params["nextPageToken"], "M", 1)
        page = members[offset : offset + size]
        result = [
            {
                "seq": offset + n,
                "leadId": lead_id,
                "programId": program["id"],
                "statusName": member["statusName"],
                "membershipDate": member["membershipDate"],
                "updatedAt": member["updatedAt"],
            }
            for n, (lead_id, member) in enumerate(page)
        ]
        more = offset + size < len(members)
        extra = {"moreResult": more}
        if more:
            extra["nextPageToken"] = encode_token("M", offset + size)
        return self.ok(result, **extra)

    # ------------------------------------------------------------------
    # bulk lead extract
    # ------------------------------------------------------------------

    def _export(self, request: Request) -> dict:
        job = self.exports.get(request.params["id"])
        if job is None:
            raise ApiError("1013", "Export job not found")
        return job

    @staticmethod
    def _export_view(job: dict) -> dict:
        keys = ("exportId", "format", "status", "createdAt", "queuedAt",
                "startedAt", "finishedAt", "numberOfRecords", "fileSize",
                "fileChecksum")  # fmt: skip
        return {key: job[key] for key in keys if job.get(key) is not None}

    @route("POST", "/bulk/v1/leads/export/create.json")
    @_api
    def export_create(self, request: Request) -> Response:
        body = self._body(request)
        fields = body.get("fields")
        if not isinstance(fields, list) or not fields:
            raise ApiError("1002", "Missing value for required parameter 'fields'")
        unknown = [f for f in fields if f not in self.fields]
        if unknown:
            raise ApiError("1003", f"Invalid fields [{', '.join(map(str, unknown))}]")
        file_format = body.get("format") or "CSV"
        if file_format not in EXPORT_FORMATS:
            raise ApiError("1003", f"Invalid format '{file_format}'")
        kind, start, end = self._export_filter(body.get("filter"))
        self._check_export_quota()
        export_id = str(uuid.uuid4())
        self.exports[export_id] = {
            "exportId": export_id,
            "format": file_format,
            "status": "Created",
            "createdAt": iso_utc(self._now()),
            "fields": list(fields),
            "filter": (kind, start, end),
            "polls": 0,
            "fail": False,
            "file": None,
        }
        self.stats.incr("exports_created")
        return self.ok([self._export_view(self.exports[export_id])])

    def _export_filter(self, raw) -> tuple[str, float, float]:
        if not isinstance(raw, dict) or not raw:
            raise ApiError("1002", "Missing value for required parameter 'filter'")
        if len(raw) != 1:
            raise ApiError("1003", "Invalid data: exactly one filter type")
        ((kind, window),) = raw.items()
        if kind not in ("createdAt", "updatedAt"):
            raise ApiError("1035")
        if not isinstance(window, dict):
            raise ApiError("1003", f"Invalid data: {kind} needs startAt and endAt")
        start = self._date(window.get("startAt"), "startAt")
        end = self._date(window.get("endAt"), "endAt")
        if end < start:
            raise ApiError("1003", "Invalid data: endAt is before startAt")
        if end - start > MAX_EXPORT_DAYS * 86400:
            raise ApiError(
                "1003", f"Invalid data: the date range exceeds {MAX_EXPORT_DAYS} days"
            )
        return kind, start, end

    @route("POST", "/bulk/v1/leads/export/<id>/enqueue.json")
    @_api
    def export_enqueue(self, request: Request) -> Response:
        job = self._export(request)
        # Error Codes, 1029: "The export id has already been queued"
        if job["status"] != "Created":
            raise ApiError("1029", "Job already queued")
        self._check_export_quota()
        # Bulk Extract, "Queue": at most 10 jobs queued or processing
        queued = sum(
            1 for j in self.exports.values() if j["status"] in ("Queued", "Processing")
        )
        if queued >= MAX_EXPORT_QUEUE:
            raise ApiError("1029", "Too many jobs in queue")
        job["status"] = "Queued"
        job["queuedAt"] = iso_utc(self._now())
        job["moved_ts"] = self.clock()
        return self.ok([self._export_view(job)])

    def export_bytes_today(self) -> int:
        """Bytes of the export files finished since the last midnight in
        Central Time: what the daily export allocation counts."""
        zone = ZoneInfo(EXPORT_QUOTA_ZONE)
        today = dt.datetime.fromtimestamp(self.clock(), zone).date()
        return sum(
            job.get("fileSize") or 0
            for job in self.exports.values()
            if job.get("finished_ts") is not None
            and dt.datetime.fromtimestamp(job["finished_ts"], zone).date() == today
        )

    def _check_export_quota(self) -> None:
        """Bulk Extract, "File Size": once the quota is spent "you cannot
        create or enqueue another job until the quota resets at midnight
        Central Time ... the API returns the error 1029, Export daily quota
        exceeded" (a request-level error)."""
        quota = self.export_quota_bytes
        if quota is not None and self.export_bytes_today() >= quota:
            raise ApiError("1029", "Export daily quota exceeded")

    @route("GET", "/bulk/v1/leads/export/<id>/status.json")
    @_api
    def export_status(self, request: Request) -> Response:
        job = self._export(request)
        # Bulk Extract, "Polling Job Status": "A job status does not update
        # more frequently than once every 60 seconds"
        moved = job.get("moved_ts")
        if moved is not None and self.clock() - moved < self.status_interval:
            return self.ok([self._export_view(job)])
        if job["status"] in ("Queued", "Processing"):
            job["moved_ts"] = self.clock()
            job["polls"] += 1
            polls, needed = job["polls"], self.export_polls
            if polls > needed:
                self._finish(job)
            else:
                job["status"] = "Queued" if polls == 1 and needed >= 2 else "Processing"
                if job["status"] == "Processing" and not job.get("startedAt"):
                    job["startedAt"] = iso_utc(self._now())
        return self.ok([self._export_view(job)])

    def _finish(self, job: dict) -> None:
        now = iso_utc(self._now())
        job["startedAt"] = job.get("startedAt") or now
        job["finishedAt"] = now
        job["finished_ts"] = self.clock()
        if job["fail"]:
            job["status"] = "Failed"
            return
        kind, start, end = job["filter"]
        rows = [
            lead
            for _id, lead in sorted(self._leads.items())
            if lead.get(kind) and start <= parse_iso(lead[kind]) <= end
        ]
        out = io.StringIO()
        writer = csv.writer(
            out, delimiter=EXPORT_FORMATS[job["format"]], lineterminator="\n"
        )
        writer.writerow(job["fields"])
        for lead in rows:
            view = self._view(lead, job["fields"])
            writer.writerow([_csv_cell(view.get(name)) for name in job["fields"]])
        data = out.getvalue().encode("utf-8")
        job["file"] = data
        job["numberOfRecords"] = len(rows)
        job["fileSize"] = len(data)
        job["fileChecksum"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
        job["status"] = "Completed"

    @route("GET", "/bulk/v1/leads/export/<id>/file.json")
    def export_file(self, request: Request) -> Response:
        # the one endpoint that is not JSON: the file, or 404 plain text
        job = self.exports.get(request.params["id"])
        if job is None or job["status"] != "Completed":
            return Response(404, body="Export file not found or not ready\n")
        return Response(200, body=job["file"], content_type="text/csv; charset=utf-8")

    @route("POST", "/bulk/v1/leads/export/<id>/cancel.json")
    @_api
    def export_cancel(self, request: Request) -> Response:
        job = self._export(request)
        if job["status"] in ("Completed", "Failed", "Cancelled"):
            raise ApiError("1003", f"Invalid data: the job is {job['status']}")
        job["status"] = "Cancelled"
        return self.ok([self._export_view(job)])

    @route("GET", "/bulk/v1/leads/export.json")
    @_api
    def export_list(self, request: Request) -> Response:
        wanted = set(self._all_values(request, "status"))
        jobs = [
            self._export_view(job)
            for job in self.exports.values()
            if not wanted or job["status"] in wanted
        ]
        return self.ok(jobs)


def main(argv=None) -> None:
    """``python -m tests.sandbox.marketo``: serve the Marketo sandbox."""
    parser = cli_parser(
        MarketoEmulator,
        prog="python -m tests.sandbox.marketo",
        description="Run the Marketo Engage sandbox on 127.0.0.1.",
        port=8070,
        records="leads",
    )
    parser.add_argument(
        "--activities",
        type=int,
        default=0,
        metavar="N",
        help="log N engagement activities over the seeded leads",
    )
    parser.add_argument("--quota-reset-at", default=MarketoEmulator.quota_reset_at)
    parser.add_argument("--export-polls", type=int, default=2)
    args = parser.parse_args(argv)
    emulator = MarketoEmulator(
        **limit_options(args),
        quota_reset_at=args.quota_reset_at,
        export_polls=args.export_polls,
    )
    emulator.seed(args.seed)
    if args.activities and args.seed:
        emulator.seed_activities(args.activities)
    serve(
        emulator,
        port=args.port,
        duration=args.duration,
        banner=(
            f"{len(emulator.leads)} leads; identity at /identity/oauth/token, "
            "client mkto-client / mkto-secret; Ctrl-C to stop"
        ),
    )


if __name__ == "__main__":
    main()
