"""Constant Contact API v3 emulator.

What it speaks (shapes from Constant Contact's v3 reference and
``shared/PROVIDER_FACTS.md``; choices where the documentation is silent are
marked *chosen*):

OAuth2 (no API limits, no faults)
    ``GET /oauth2/default/v1/authorize`` (``response_type=code``,
    ``client_id``, ``redirect_uri``, ``scope``, ``state``, ``code_challenge``,
    ``code_challenge_method=S256``): the account owner consents at once
    (*chosen*) and is sent to ``redirect_uri?code=…&state=…``.
    A confidential client (``clients[id]`` a secret) may use PKCE; a public
    one (``clients[id] = None``, default ``cc-public-client``) must.
    ``POST /oauth2/default/v1/token`` (form body; a confidential client in
    HTTP Basic, a wrong secret is ``invalid_client``; a public client sends
    no secret, ``client_id`` in the body, and a code exchange without
    ``code_verifier`` is ``invalid_request``):
    ``authorization_code`` (code single use, ``redirect_uri`` must match,
    ``code_verifier`` must hash to the challenge) and ``refresh_token``
    (rotating: each refresh returns a new refresh token and voids the old
    one; a voided one answers ``invalid_grant``). Errors are
    ``{"error": "invalid_grant", "error_description": …}`` with HTTP 400,
    ``invalid_client`` with 401. ``token_ttl`` (default 86,400 s) can be
    shortened at any time; ``revoke_grant()`` kills every refresh token.

API under ``/v3`` (``Authorization: Bearer``; 401 otherwise)
    contacts (cursor paging, ``limit`` ≤ 500, ``_links.next.href``; street
    addresses hold ``postal_code``, a ``zip`` in them is ignored; ``PUT``
    is a full replace; *chosen*: a PUT that drops ``unsubscribed`` on a
    contact the account opted out is a re-subscription, counted in
    ``stats["resubscribe_attempts"]``); ``POST
    /activities/contacts_json_import`` (≤ 40,000 rows; a body over 4 MB is
    imported up to 4 MB only, silently; rows give
    addresses as ``zip``; a row with an international phone is refused;
    per-row errors as plain strings; the activity completes ``import_seconds`` after
    it was created, with ``percent_done`` in between); ``add_list_memberships``
    / ``remove_list_memberships`` (≤ 500 contact ids); ``GET
    /activities/{id}``; lists; custom fields; campaigns (``/emails``:
    ``limit`` ≤ 500, ``after_date`` / ``before_date`` on ``updated_at``) and
    tracking reports (newest first, paged).

Limits: 4 requests/s (``throttled``) and 10,000 a day reset at 00:00 UTC
(``quota_exceeded``), both HTTP 429 told apart by ``error_key`` (no
Retry-After), as a list ``[{"error_key", "error_message"}]`` or, with
``error_shape="object"``, one such object. Other errors are a list.
``journal`` (a list, off by default) records every API request for the
contract tests (tests/tier1/contract_constantcontact.py).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import re
import secrets
import urllib.parse
import uuid

from .limits import MIDNIGHT_UTC
from .server import Emulator, Response, iso_utc, parse_iso, route, serve

API = "/v3"
AUTHORIZE_PATH = "/oauth2/default/v1/authorize"
TOKEN_PATH = "/oauth2/default/v1/token"
REVOKE_PATH = "/oauth2/default/v1/revoke"
MAX_IMPORT_ROWS = 40_000
MAX_IMPORT_BYTES = 4 * 1024 * 1024
MAX_MEMBERSHIP_IDS = 500
MAX_CUSTOM_FIELDS = 25
CONTACT_LIMIT = 500
TRACKING_KINDS = {
    "sends": "em_sends",
    "opens": "em_opens",
    "clicks": "em_clicks",
    "bounces": "em_bounces",
    "optouts": "em_optouts",
    "forwards": "em_forwards",
}
#: import row keys → contact fields (*chosen* subset of the documented keys)
IMPORT_KEYS = {"first_name", "last_name", "job_title", "company_name"}
#: import row address keys → street address keys: rows say ``zip``, contacts
#: ``postal_code`` (POST /activities/contacts_json_import "import_data" vs
#: the contact's ``street_addresses`` in GET/PUT /contacts/{contact_id})
ADDRESS_KEYS = {
    "street": "street",
    "city": "city",
    "state": "state",
    "zip": "postal_code",
    "country": "country",
}
#: what a contact's street address holds (PUT /contacts/{contact_id},
#: ``street_addresses[]``); anything else (``zip``) is not a property of it
STREET_ADDRESS_KEYS = ("kind", "street", "city", "state", "postal_code", "country")
#: GET /emails ``limit``: 1 to 500 (default 50)
CAMPAIGN_LIMIT = 500
#: an import row phone the import takes: a US/Canada number, with or without
#: separators ("International phone numbers are currently not supported",
#: POST /activities/contacts_json_import; formats as given for
#: ``sms_number``: 1231231234 or 123-123-1234; a leading 1 / +1 is *chosen*
#: to be accepted)
NANP_PHONE = re.compile(r"^(?:\+?1[-. ]?)?\(?[2-9]\d{2}\)?[-. ]?[2-9]\d{2}[-. ]?\d{4}$")
INTERNATIONAL_PHONE = "International phone numbers are currently not supported"
PHONE_KEYS = {
    "phone": "other",
    "home_phone": "home",
    "work_phone": "work",
    "mobile_phone": "mobile",
}
NAME_LIMIT = 50
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PERMISSIONS = {
    "explicit",
    "implicit",
    "not_set",
    "pending_confirmation",
    "temp_hold",
    "unsubscribed",
}


def _error(status, key, message, headers=None):
    return Response(
        status, [{"error_key": key, "error_message": message}], headers=headers
    )


def _challenge(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class ConstantContactEmulator(Emulator):
    name = "constantcontact"
    calls_per_window = 4
    window_seconds = 1.0
    daily_quota = 10_000
    quota_reset_at = MIDNIGHT_UTC
    stats_counters = (
        "codes_issued",
        "token_refreshes",
        "invalid_grants",
        "imports",
        "rows_imported",
        "rows_rejected",
        "puts",
        "revoked",
        "restored",
    )

    def __init__(
        self,
        clients=None,
        token_ttl=86_400,
        import_seconds=1.0,
        error_shape="list",
        **kwargs,
    ):
        #: client id → secret; ``None``: a public (PKCE) application
        self.clients = dict(
            clients or {"cc-client": "cc-secret", "cc-public-client": None}
        )
        #: shape of 429 bodies: "list" or "object" (see ``_shaped``)
        self.error_shape = error_shape
        #: every API request (method, route, query, JSON/form body, whether
        #: HTTP Basic was sent), for contract checks; None: not recorded
        self.journal = None
        self.token_ttl = token_ttl
        self.import_seconds = import_seconds
        self.codes = {}
        self.access_tokens = {}
        self.refresh_tokens = {}
        self.contacts = {}
        self.by_email = {}
        self.lists = {}
        self.custom_fields = {}
        self.activities = {}
        self.campaigns = {}
        self.tracking = {}
        self.cursors = {}
        #: rows with an email of these domains are refused by imports
        self.refused_domains = set()
        #: while a due activity is applied: the time it really completed
        self._work_time = None
        self._seq = 0
        super().__init__(**kwargs)

    # ------------------------------------------------------------------
    # plumbing
    # ------------------------------------------------------------------
    def now(self):
        """The clock; inside a due activity, the time it completed (work
        happens in the background, whenever a call observes it)."""
        return self._work_time if self._work_time is not None else self.clock()

    def _tick(self):
        """Strictly increasing change stamps (second precision + order)."""
        self._seq += 1
        return self._seq

    def expire_tokens(self):
        with self.lock:
            for token in self.access_tokens.values():
                token["expires_at"] = self.now() - 1

    def revoke_grant(self):
        """The user revoked the app: every refresh token is dead."""
        with self.lock:
            self.refresh_tokens.clear()
            self.access_tokens.clear()

    def authenticate(self, request):
        header = request.headers.get("authorization") or ""
        scheme, _sep, value = header.partition(" ")
        token = self.access_tokens.get(value.strip()) if scheme == "Bearer" else None
        if token is None or token["expires_at"] <= self.now():
            return _error(401, "unauthorized", "Unauthorized")
        return None

    def _shaped(self, status, key, message):
        """An error in the shape of ``error_shape``: the reference's
        ``[{"error_key", "error_message"}]`` ("list", its usual shape) or one
        object ``{"error_key", "error_message"}`` ("object", as 429 answers
        have been seen to come). No Retry-After either way."""
        entry = {"error_key": key, "error_message": message}
        return Response(status, [entry] if self.error_shape == "list" else entry)

    def limit_response(self, violation, request):
        if violation.kind == "quota":
            return self._shaped(
                429,
                "quota_exceeded",
                "Your application has exceeded its daily quota.",
            )
        return self._shaped(
            429, "throttled", "Too many requests: 4 per second allowed."
        )

    def fault_response(self, fault, request):
        if fault.status == 429:
            key = fault.error or "throttled"
            return self._shaped(429, key, key)
        return _error(fault.status, fault.error or "server_error", "Injected fault")

    def not_found(self, request):
        return _error(404, "not_found", "The resource could not be found.")

    def invalid_body(self, request):
        return _error(400, "invalid_json", request.body_error or "bad body")

    # ------------------------------------------------------------------
    # OAuth2
    # ------------------------------------------------------------------
    @route("GET", AUTHORIZE_PATH, auth=False, limited=False, faults=False)
    def authorize(self, request):
        query = request.query
        if query.get("client_id") not in self.clients:
            return _error(400, "invalid_client", "Unknown client_id")
        if query.get("response_type") != "code" or not query.get("redirect_uri"):
            return _error(400, "invalid_request", "response_type=code and redirect_uri")
        challenge = query.get("code_challenge")
        public = self.clients[query["client_id"]] is None
        if (public or challenge) and (
            query.get("code_challenge_method") != "S256" or not challenge
        ):
            # PKCE Flow page: S256 challenge; a public client must use PKCE
            return _error(400, "invalid_request", "PKCE S256 required")
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "client_id": query["client_id"],
            "redirect_uri": query["redirect_uri"],
            "challenge": challenge,
            "scope": query.get("scope", ""),
        }
        self.stats.incr("codes_issued")
        params = {"code": code, "state": query.get("state", "")}
        location = query["redirect_uri"] + "?" + urllib.parse.urlencode(params)
        return Response(302, body="", headers={"Location": location})

    def authorize_url_code(self, url):
        """Follow an authorize URL in Python: the ``(code, state)`` it grants."""
        split = urllib.parse.urlsplit(url)
        from .server import Request

        response = self.dispatch(Request("GET", f"{split.path}?{split.query}"))
        location = response.headers.get("Location", "")
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        return query.get("code"), query.get("state")

    def _grant_error(self, description):
        self.stats.incr("invalid_grants")
        return Response(
            400, {"error": "invalid_grant", "error_description": description}
        )

    def _client_of(self, request):
        """``(client_id, error response)`` of a token or revoke request.

        Constant Contact registers two kinds of application (pages "OAuth2
        Authorization Code Flow" and "PKCE Flow"): a confidential client
        proves itself with its secret in HTTP Basic; a public one has no
        secret and names itself with ``client_id`` in the form body, its
        proof being the PKCE verifier (checked with the grant).
        """
        header = request.headers.get("authorization") or ""
        scheme, _sep, value = header.partition(" ")
        if scheme == "Basic":
            try:
                client_id, _s, secret = base64.b64decode(value).decode().partition(":")
            except ValueError:
                client_id, secret = "", ""
            expected = self.clients.get(client_id)
            if (
                client_id in self.clients
                and expected is not None
                and (hmac.compare_digest(expected.encode(), secret.encode()))
            ):
                return client_id, None
        else:
            client_id = (request.form or {}).get("client_id") or ""
            if client_id in self.clients and self.clients[client_id] is None:
                return client_id, None
        return None, Response(
            401, {"error": "invalid_client", "error_description": "bad client"}
        )

    @route("POST", TOKEN_PATH, auth=False, limited=False, faults=False)
    def token(self, request):
        client_id, refusal = self._client_of(request)
        if refusal is not None:
            return refusal
        form = request.form or {}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = self.codes.pop(form.get("code") or "", None)
            if code is None:
                return self._grant_error("The authorization code is invalid or used.")
            if code["client_id"] != client_id:
                return self._grant_error("Code issued to another client.")
            if code["redirect_uri"] != form.get("redirect_uri"):
                return self._grant_error("redirect_uri does not match.")
            verifier = form.get("code_verifier")
            if not verifier and self.clients[client_id] is None:
                # PKCE Flow: a public client's only proof is its verifier
                return Response(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "PKCE code_verifier is required.",
                    },
                )
            if code["challenge"] and _challenge(verifier or "") != code["challenge"]:
                return self._grant_error("PKCE verification failed.")
            return Response(200, self._issue(client_id, code["scope"]))
        if grant == "refresh_token":
            old = self.refresh_tokens.get(form.get("refresh_token") or "")
            if old is None or old["client_id"] != client_id:
                return self._grant_error("The refresh token is invalid or expired.")
            del self.refresh_tokens[form["refresh_token"]]
            self.stats.incr("token_refreshes")
            return Response(200, self._issue(client_id, old["scope"]))
        return Response(400, {"error": "unsupported_grant_type"})

    @route("POST", REVOKE_PATH, auth=False, limited=False, faults=False)
    def revoke(self, request):
        """RFC 7009: 200 whether or not the token was known."""
        client_id, refusal = self._client_of(request)
        if refusal is not None:
            return Response(401, {"error": "invalid_client"})
        token = (request.form or {}).get("token") or ""
        if self.refresh_tokens.get(token, {}).get("client_id") == client_id:
            del self.refresh_tokens[token]
            self.stats.incr("revoked")
        return Response(200, {})

    def _issue(self, client_id, scope):
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens[access] = {"expires_at": self.now() + self.token_ttl}
        self.refresh_tokens[refresh] = {"client_id": client_id, "scope": scope}
        return {
            "token_type": "Bearer",
            "expires_in": int(self.token_ttl),
            "access_token": access,
            "scope": scope,
            "refresh_token": refresh,
        }

    # ------------------------------------------------------------------
    # contacts
    # ------------------------------------------------------------------
    def _new_contact(self, email, source="Account"):
        contact_id = str(uuid.uuid4())
        stamp = self.now()
        contact = {
            "contact_id": contact_id,
            "email_address": {
                "address": email,
                "permission_to_send": "implicit",
                "created_at": iso_utc(stamp),
                "updated_at": iso_utc(stamp),
                "opt_in_source": source,
                "opt_in_date": iso_utc(stamp),
                "confirm_status": "off",
            },
            "first_name": "",
            "last_name": "",
            "job_title": "",
            "company_name": "",
            "create_source": source,
            "created_at": iso_utc(stamp),
            "updated_at": iso_utc(stamp),
            "custom_fields": [],
            "phone_numbers": [],
            "street_addresses": [],
            "list_memberships": [],
            "taggings": [],
            "_seq": self._tick(),
            "_ts": stamp,
        }
        self.contacts[contact_id] = contact
        self.by_email[email.lower()] = contact_id
        return contact

    def _touch(self, contact):
        contact["_ts"] = self.now()
        contact["_seq"] = self._tick()
        contact["updated_at"] = iso_utc(contact["_ts"])

    def _public(self, contact, include=()):
        data = {k: v for k, v in contact.items() if not k.startswith("_")}
        for key in (
            "custom_fields",
            "phone_numbers",
            "street_addresses",
            "list_memberships",
            "taggings",
        ):
            if key not in include:
                data.pop(key)
        return json.loads(json.dumps(data))

    @staticmethod
    def _include(request):
        return {
            part.strip()
            for part in (request.query.get("include") or "").split(",")
            if part.strip()
        }

    @route("GET", API + "/contacts")
    def list_contacts(self, request):
        query = dict(request.query)
        if "cursor" in query:
            saved = self.cursors.get(query["cursor"])
            if saved is None:
                return _error(400, "contacts.api.bad.request", "Invalid cursor")
            query, offset = dict(saved["query"]), saved["offset"]
        else:
            offset = 0
        try:
            limit = int(query.get("limit") or 50)
            since = (
                parse_iso(query["updated_after"])
                if query.get("updated_after")
                else None
            )
        except ValueError:
            return _error(400, "contacts.api.bad.request", "Invalid parameter")
        if not 1 <= limit <= CONTACT_LIMIT:
            return _error(400, "contacts.api.bad.request", "limit must be 1-500")
        status = query.get("status") or "active"
        rows = sorted(self.contacts.values(), key=lambda c: c["_seq"])
        if since is not None:
            rows = [c for c in rows if int(c["_ts"]) >= since]
        if query.get("email"):
            rows = [
                c
                for c in rows
                if c["email_address"]["address"].lower() == query["email"].lower()
            ]
        # "Delete a Contact": deleted contacts only with status=deleted or all
        if status == "deleted":
            rows = [c for c in rows if c.get("deleted_at")]
        elif status != "all":
            rows = [c for c in rows if not c.get("deleted_at")]
        if status == "unsubscribed":
            rows = [
                c
                for c in rows
                if c["email_address"]["permission_to_send"] == "unsubscribed"
            ]
        elif status == "active":
            rows = [
                c
                for c in rows
                if c["email_address"]["permission_to_send"] != "unsubscribed"
            ]
        page = rows[offset : offset + limit]
        include = {
            p.strip() for p in (query.get("include") or "").split(",") if p.strip()
        }
        body = {
            "contacts": [self._public(c, include) for c in page],
            "contacts_count": len(rows),
            "_links": {},
        }
        if offset + limit < len(rows):
            token = secrets.token_urlsafe(12)
            self.cursors[token] = {"query": query, "offset": offset + limit}
            body["_links"]["next"] = {"href": f"{API}/contacts?cursor={token}"}
        return body

    @route("POST", API + "/contacts")
    def create_contact(self, request):
        body = request.json
        if not isinstance(body, dict) or not body.get("create_source"):
            return _error(400, "contacts.api.validation.error", "create_source needed")
        email = (body.get("email_address") or {}).get("address")
        if not isinstance(email, str) or not EMAIL_RE.match(email):
            return _error(400, "contacts.api.validation.error", "email_address needed")
        if email.lower() in self.by_email:
            return _error(409, "contacts.api.conflict", "Email already exists")
        error = self._check_names(body)
        if error:
            return error
        contact = self._new_contact(email, source=body["create_source"])
        for key in ("first_name", "last_name", "job_title", "company_name"):
            contact[key] = body.get(key) or ""
        contact["list_memberships"] = list(body.get("list_memberships") or [])
        return Response(201, self._public(contact, {"list_memberships"}))

    @route("GET", API + "/contacts/<contact_id>")
    def get_contact(self, request):
        contact = self.contacts.get(request.params["contact_id"])
        if contact is None:
            return self.not_found(request)
        return self._public(contact, self._include(request))

    # DELETE a Contact (V3 API reference, Contacts, DELETE
    # /v3/contacts/{contact_id}): 204 No Content; an unknown id is 404.
    # "Delete a Contact" (v3 API guide): the contact stays in the account
    # with status deleted, a ``deleted_at`` and no list memberships; GET
    # /contacts/{contact_id} still answers it, GET /contacts returns it with
    # ``status=deleted`` or ``all`` only. *chosen*: deleting moves its
    # ``updated_at``; deleting a deleted contact again is 404.
    @route("DELETE", API + "/contacts/<contact_id>")
    def delete_contact(self, request):
        contact = self.contacts.get(request.params["contact_id"])
        if contact is None or contact.get("deleted_at"):
            return self.not_found(request)
        self.soft_delete(contact["contact_id"])
        return Response(204)

    def soft_delete(self, contact_id):
        """The contact as a deletion (API or a user of the account) leaves it."""
        with self.lock:
            contact = self.contacts[contact_id]
            contact["deleted_at"] = iso_utc(self.now())[:10]
            contact["list_memberships"] = []
            self._touch(contact)

    def _restore(self, contact):
        """ "Get and Restore Deleted Contacts" (v3 FAQ): adding a deleted
        contact to a list (a PUT with ``list_memberships``, an import, an
        add_list_memberships activity) restores it; counted in
        ``stats["restored"]`` so a test can assert none."""
        if contact.get("deleted_at") and contact["list_memberships"]:
            del contact["deleted_at"]
            self.stats.incr("restored")

    @route("PUT", API + "/contacts/<contact_id>")
    def put_contact(self, request):
        contact = self.contacts.get(request.params["contact_id"])
        if contact is None:
            return self.not_found(request)
        body = request.json
        if not isinstance(body, dict) or not body.get("update_source"):
            return _error(400, "contacts.api.validation.error", "update_source needed")
        email = body.get("email_address") or {}
        if not isinstance(email, dict) or not email.get("address"):
            return _error(400, "contacts.api.validation.error", "email_address needed")
        error = self._check_names(body)
        if error:
            return error
        permission = email.get("permission_to_send")
        if permission and permission not in PERMISSIONS:
            return _error(400, "contacts.api.validation.error", "bad permission")
        current = contact["email_address"]
        if current["permission_to_send"] == "unsubscribed" and permission not in (
            None,
            "unsubscribed",
        ):
            # developer.constantcontact.com "Unsubscribe & resubscribe
            # contacts": only the contact opts in again (sign-up form,
            # resubscribe link). *chosen*: a PUT may revive an opt-out the
            # account made; the sandbox refuses every PUT attempt and counts it
            self.refuse_resubscribe(contact["contact_id"], "PUT /contacts")
        elif permission == "unsubscribed":
            current.update(
                permission_to_send="unsubscribed",
                opt_out_source="Account",
                opt_out_reason=email.get("opt_out_reason") or "",
                opt_out_date=iso_utc(self.now()),
            )
        if email["address"].lower() != current["address"].lower():
            self.by_email.pop(current["address"].lower(), None)
            current["address"] = email["address"]
            self.by_email[email["address"].lower()] = contact["contact_id"]
        # a full replace: whatever the body omits is cleared
        for key in ("first_name", "last_name", "job_title", "company_name"):
            contact[key] = body.get(key) or ""
        for key in (
            "custom_fields",
            "phone_numbers",
            "street_addresses",
            "list_memberships",
            "taggings",
        ):
            contact[key] = list(body.get(key) or [])
        # PUT /contacts/{contact_id}: street_addresses[] hold postal_code;
        # a zip key is not one of their properties and changes nothing
        contact["street_addresses"] = [
            {k: v for k, v in address.items() if k in STREET_ADDRESS_KEYS}
            for address in contact["street_addresses"]
            if isinstance(address, dict)
        ]
        self._restore(contact)
        if len(contact["custom_fields"]) > MAX_CUSTOM_FIELDS:
            return _error(400, "contacts.api.validation.error", "at most 25 fields")
        self.stats.incr("puts")
        self._touch(contact)
        return self._public(contact, set(body))

    @staticmethod
    def _check_names(row):
        for key in ("first_name", "last_name"):
            if len(row.get(key) or "") > NAME_LIMIT:
                return _error(
                    400,
                    "contacts.api.validation.error",
                    f"{key} is longer than {NAME_LIMIT} characters",
                )
        return None

    # ------------------------------------------------------------------
    # bulk activities
    # ------------------------------------------------------------------
    def _activity(self, kind, work, total):
        activity_id = str(uuid.uuid4())
        stamp = self.now()
        self.activities[activity_id] = {
            "kind": kind,
            "work": work,
            "total": total,
            "created": stamp,
            "done_at": stamp + self.import_seconds * (1.0 if kind == "import" else 0.2),
            "state": "initialized",
            "errors": [],
        }
        return Response(201, self._activity_body(activity_id))

    def dispatch(self, request):
        """Activities run in the background: any call sees those now due."""
        with self.lock:
            self._settle()
        response = super().dispatch(request)
        if self.journal is not None and request.route is not None:
            self.journal.append(
                {
                    "route": request.route.key,
                    "query": dict(request.query),
                    "json": request.json,
                    "form": dict(request.form or {}),
                    "basic_auth": (request.headers.get("authorization") or "")
                    .lower()
                    .startswith("basic "),
                    "status": response.status,
                    "answer": response.json,
                }
            )
        return response

    def _settle(self):
        now = self.now()
        for activity in self.activities.values():
            if activity["state"] != "completed" and now >= activity["done_at"]:
                self._work_time = activity["done_at"]
                try:
                    activity["errors"] = activity["work"]()
                finally:
                    self._work_time = None
                activity["state"] = "completed"

    def _activity_body(self, activity_id):
        activity = self.activities[activity_id]
        now = self.now()
        self._settle()
        elapsed = now - activity["created"]
        span = max(activity["done_at"] - activity["created"], 1e-9)
        percent = 100 if activity["state"] == "completed" else int(99 * elapsed / span)
        state = activity["state"]
        if state != "completed":
            state = "processing" if percent > 0 else "initialized"
        done = activity["total"] * percent // 100
        return {
            "activity_id": activity_id,
            "state": state,
            "created_at": iso_utc(activity["created"]),
            "updated_at": iso_utc(now),
            "percent_done": percent,
            "activity_errors": list(activity["errors"]),
            "status": {
                "items_total_count": activity["total"],
                "items_completed_count": done,
            },
            "_links": {"self": {"href": f"{API}/activities/{activity_id}"}},
        }

    @route("GET", API + "/activities/<activity_id>")
    def get_activity(self, request):
        if request.params["activity_id"] not in self.activities:
            return self.not_found(request)
        return self._activity_body(request.params["activity_id"])

    @route("POST", API + "/activities/contacts_json_import")
    def contacts_json_import(self, request):
        body = request.json
        if not isinstance(body, dict) or not isinstance(body.get("import_data"), list):
            return _error(400, "activities.api.validation.error", "import_data needed")
        list_ids = body.get("list_ids") or []
        if not 1 <= len(list_ids) <= 50:
            return _error(400, "activities.api.validation.error", "1 to 50 list_ids")
        unknown = [list_id for list_id in list_ids if list_id not in self.lists]
        if unknown:
            return _error(
                400, "activities.api.validation.error", f"unknown list {unknown[0]}"
            )
        rows = body["import_data"]
        if len(rows) > MAX_IMPORT_ROWS:
            return _error(
                400, "activities.api.validation.error", "at most 40000 contacts"
            )
        if len(request.body) > MAX_IMPORT_BYTES:
            # imported up to 4 MB only, silently: the rows past it are lost
            rows = self._rows_within_limit(rows)
        self.stats.incr("imports")
        return self._activity(
            "import", lambda: self._apply_import(rows, list_ids), len(rows)
        )

    @staticmethod
    def _rows_within_limit(rows):
        size, kept = len('{"import_data":[]}'), []
        for row in rows:
            size += len(json.dumps(row)) + 1
            if size > MAX_IMPORT_BYTES:
                break
            kept.append(row)
        return kept

    def _apply_import(self, rows, list_ids):
        errors = []
        for number, row in enumerate(rows, start=1):
            error = self._import_row(row, list_ids)
            if error:
                errors.append(f"Row {number}: {error}")
                self.stats.incr("rows_rejected")
            else:
                self.stats.incr("rows_imported")
        return errors

    def _import_row(self, row, list_ids):
        email = row.get("email") if isinstance(row, dict) else None
        if not isinstance(email, str) or not EMAIL_RE.match(email):
            return f"Invalid email address {email!r}"
        if email.rsplit("@", 1)[-1].lower() in self.refused_domains:
            return f"Email address {email} is not allowed"
        for key in ("first_name", "last_name"):
            if len(row.get(key) or "") > NAME_LIMIT:
                return f"{key} longer than {NAME_LIMIT} characters"
        for key in PHONE_KEYS:
            if row.get(key) and not NANP_PHONE.match(str(row[key]).strip()):
                return f"{INTERNATIONAL_PHONE} ({key})"
        fields = {f["name"]: f for f in self.custom_fields.values() if f.get("name")}
        custom = {}
        for key, value in row.items():
            if key.startswith("cf:"):
                definition = fields.get(key[3:])
                if definition is None:
                    return f"Unknown custom field {key}"
                if (
                    definition["type"] == "date"
                    and value
                    and not re.match(r"^\d{2}/\d{2}/\d{4}$", str(value))
                ):
                    return f"Invalid date {value!r} for {key}"
                custom[definition["custom_field_id"]] = str(value)
        contact_id = self.by_email.get(email.lower())
        contact = self.contacts[contact_id] if contact_id else self._new_contact(email)
        # an import updates what it carries and leaves the rest alone
        for key in IMPORT_KEYS & set(row):
            contact[key] = row[key] or ""
        for key, kind in PHONE_KEYS.items():
            if row.get(key):
                phones = [p for p in contact["phone_numbers"] if p["kind"] != kind]
                phones.append({"phone_number": row[key], "kind": kind})
                contact["phone_numbers"] = phones[:3]
        if any(row.get(key) for key in ADDRESS_KEYS):
            address = {"kind": "home"}
            for key, address_key in ADDRESS_KEYS.items():
                address[address_key] = row.get(key) or ""
            others = [a for a in contact["street_addresses"] if a["kind"] != "home"]
            contact["street_addresses"] = [address, *others][:3]
        if custom:
            current = {
                c["custom_field_id"]: c["value"] for c in contact["custom_fields"]
            }
            current.update(custom)
            contact["custom_fields"] = [
                {"custom_field_id": k, "value": v} for k, v in current.items()
            ][:MAX_CUSTOM_FIELDS]
        memberships = list(contact["list_memberships"])
        for list_id in list_ids:
            if list_id not in memberships:
                memberships.append(list_id)
        contact["list_memberships"] = memberships
        self._restore(contact)
        # an unsubscribed contact stays unsubscribed: an import never opts in
        self._touch(contact)
        return None

    def _membership_activity(self, request, add):
        body = request.json
        if not isinstance(body, dict):
            return _error(400, "activities.api.validation.error", "JSON body needed")
        ids = (body.get("source") or {}).get("contact_ids") or []
        list_ids = body.get("list_ids") or []
        if not ids or len(ids) > MAX_MEMBERSHIP_IDS:
            return _error(
                400, "activities.api.validation.error", "1 to 500 contact_ids"
            )
        if not list_ids or any(list_id not in self.lists for list_id in list_ids):
            return _error(400, "activities.api.validation.error", "unknown list_ids")

        def work():
            errors = []
            for contact_id in ids:
                contact = self.contacts.get(contact_id)
                if contact is None:
                    errors.append(f"Contact {contact_id} not found")
                    continue
                memberships = [m for m in contact["list_memberships"]]
                for list_id in list_ids:
                    if add and list_id not in memberships:
                        memberships.append(list_id)
                    if not add and list_id in memberships:
                        memberships.remove(list_id)
                contact["list_memberships"] = memberships
                self._restore(contact)
                self._touch(contact)
            return errors

        return self._activity("membership", work, len(ids))

    @route("POST", API + "/activities/add_list_memberships")
    def add_list_memberships(self, request):
        return self._membership_activity(request, add=True)

    @route("POST", API + "/activities/remove_list_memberships")
    def remove_list_memberships(self, request):
        return self._membership_activity(request, add=False)

    # ------------------------------------------------------------------
    # lists and custom fields
    # ------------------------------------------------------------------
    def add_list(self, name):
        with self.lock:
            list_id = str(uuid.uuid4())
            self.lists[list_id] = {
                "list_id": list_id,
                "name": name,
                "favorite": False,
                "created_at": iso_utc(self.now()),
            }
            return list_id

    @route("GET", API + "/contact_lists")
    def get_lists(self, request):
        return {"lists": list(self.lists.values()), "lists_count": len(self.lists)}

    @route("POST", API + "/contact_lists")
    def create_list(self, request):
        name = (
            (request.json or {}).get("name") if isinstance(request.json, dict) else None
        )
        if not name or len(name) > 255:
            return _error(400, "contact_lists.api.validation.error", "name needed")
        if any(lst["name"].lower() == name.lower() for lst in self.lists.values()):
            return _error(409, "contact_lists.api.conflict", "name already used")
        return Response(201, self.lists[self.add_list(name)])

    def add_custom_field(self, label, kind="string"):
        with self.lock:
            field_id = str(uuid.uuid4())
            self.custom_fields[field_id] = {
                "custom_field_id": field_id,
                "label": label,
                "name": re.sub(r"\W+", "_", label.strip()).strip("_"),
                "type": kind,
            }
            return field_id

    @route("GET", API + "/contact_custom_fields")
    def get_custom_fields(self, request):
        return {"custom_fields": list(self.custom_fields.values())}

    # ------------------------------------------------------------------
    # campaigns and tracking reports
    # ------------------------------------------------------------------
    def add_campaign(self, name, roles=("primary_email",)):
        with self.lock:
            campaign_id = str(uuid.uuid4())
            activities = [
                {"campaign_activity_id": str(uuid.uuid4()), "role": role}
                for role in roles
            ]
            self.campaigns[campaign_id] = {
                "campaign_id": campaign_id,
                "name": name,
                "current_status": "Done",
                "created_at": iso_utc(self.now()),
                "updated_at": iso_utc(self.now()),
                "campaign_activities": activities,
            }
            for activity in activities:
                self.tracking[activity["campaign_activity_id"]] = {
                    kind: [] for kind in TRACKING_KINDS
                }
            return campaign_id, [a["campaign_activity_id"] for a in activities]

    def track(self, campaign_activity_id, kind, contact_id, when=None, **extra):
        """Record one tracking row (newest first, as the reports answer)."""
        with self.lock:
            contact = self.contacts[contact_id]
            row = {
                "contact_id": contact_id,
                "campaign_activity_id": campaign_activity_id,
                "tracking_activity_type": TRACKING_KINDS[kind],
                "email_address": contact["email_address"]["address"],
                "first_name": contact["first_name"],
                "last_name": contact["last_name"],
                "created_time": iso_utc(when if when is not None else self.now()),
                "deleted_at": None,
                **extra,
            }
            if kind == "optouts":
                contact["email_address"].update(
                    permission_to_send="unsubscribed", opt_out_source="Contact"
                )
                self._touch(contact)
            self.tracking[campaign_activity_id][kind].insert(0, row)
            return row

    def touch_campaign(self, campaign_id, when=None):
        """The campaign changed (edited, sent, resent): a new ``updated_at``."""
        with self.lock:
            stamp = when if when is not None else self.now()
            self.campaigns[campaign_id]["updated_at"] = iso_utc(stamp)

    @route("GET", API + "/emails")
    def get_campaigns(self, request):
        """GET /emails ("GET a Collection of Email Campaigns"): ``limit`` 1
        to 500 (default 50); ``after_date`` / ``before_date`` (ISO-8601)
        keep campaigns whose ``updated_at`` is after / before them."""
        query = request.query
        try:
            limit = int(query.get("limit") or 50)
            after = parse_iso(query["after_date"]) if query.get("after_date") else None
            before = (
                parse_iso(query["before_date"]) if query.get("before_date") else None
            )
        except ValueError:
            return _error(400, "emails.api.bad.request", "Invalid parameter")
        if not 1 <= limit <= CAMPAIGN_LIMIT:
            return _error(400, "emails.api.bad.request", "limit must be 1-500")
        rows = [
            c
            for c in self.campaigns.values()
            if (after is None or parse_iso(c["updated_at"]) > after)
            and (before is None or parse_iso(c["updated_at"]) < before)
        ]
        rows.sort(key=lambda c: c["updated_at"], reverse=True)
        return self._paged(request, "campaigns", rows, "/emails", 50, query)

    @route("GET", API + "/emails/<campaign_id>")
    def get_campaign(self, request):
        campaign = self.campaigns.get(request.params["campaign_id"])
        return campaign if campaign else self.not_found(request)

    @route(
        "GET",
        API + "/reports/email_reports/<campaign_activity_id>/tracking/<kind>",
    )
    def get_tracking(self, request):
        reports = self.tracking.get(request.params["campaign_activity_id"])
        kind = request.params["kind"]
        if reports is None or kind not in TRACKING_KINDS:
            return self.not_found(request)
        path = (
            f"/reports/email_reports/{request.params['campaign_activity_id']}"
            f"/tracking/{kind}"
        )
        return self._paged(request, "tracking_activities", reports[kind], path, 500)

    @route("GET", API + "/reports/stats/email_campaign_activities/<ids>")
    def get_activity_stats(self, request):
        ids = [i for i in request.params["ids"].split(",") if i]
        if not 1 <= len(ids) <= 10:
            return _error(400, "reports.api.bad.request", "1 to 10 activity ids")
        results, errors = [], []
        for activity_id in ids:
            reports = self.tracking.get(activity_id)
            if reports is None:
                errors.append({"campaign_activity_id": activity_id})
                continue
            campaign_id = next(
                c["campaign_id"]
                for c in self.campaigns.values()
                if any(
                    a["campaign_activity_id"] == activity_id
                    for a in c["campaign_activities"]
                )
            )
            results.append(
                {
                    "campaign_id": campaign_id,
                    "campaign_activity_id": activity_id,
                    "stats": {
                        TRACKING_KINDS[kind]: len(rows)
                        for kind, rows in reports.items()
                    },
                    "last_refresh_time": iso_utc(self.now()),
                }
            )
        return {"errors": errors, "results": results}

    def _paged(self, request, key, rows, path, default_limit, keep=None):
        """One page; the next link carries the filters of ``keep``."""
        try:
            limit = int(request.query.get("limit") or default_limit)
            offset = int(request.query.get("next") or 0)
        except ValueError:
            return _error(400, "api.bad.request", "Invalid paging parameter")
        page = rows[offset : offset + limit]
        body = {key: page, "_links": {}}
        if offset + limit < len(rows):
            params = {
                k: v for k, v in (keep or {}).items() if k not in ("limit", "next")
            }
            params.update(limit=limit, next=offset + limit)
            body["_links"]["next"] = {
                "href": f"{API}{path}?{urllib.parse.urlencode(params)}"
            }
        return body

    # ------------------------------------------------------------------
    # Python-side helpers for tests, the demo and benchmarks
    # ------------------------------------------------------------------
    def records(self) -> dict:
        """Contacts by email address (lower case)."""
        return {
            "contacts": [
                str((c.get("email_address") or {}).get("address") or "").lower()
                for c in self.contacts.values()
            ]
        }

    def seed(self, count, start=0, list_id=None):
        with self.lock:
            for i in range(start, start + count):
                contact = self._new_contact(f"person{i}@example.com")
                contact.update(first_name="Person", last_name=f"N{i}")
                if list_id:
                    contact["list_memberships"].append(list_id)

    def unsubscribe(self, contact_id, reason="Not interested"):
        """The contact opts out (an unsubscribe link): ``unsubscribed``."""
        with self.lock:
            contact = self.contacts[contact_id]
            contact["email_address"].update(
                permission_to_send="unsubscribed",
                opt_out_source="Contact",
                opt_out_reason=reason,
                opt_out_date=iso_utc(self.now()),
            )
            self._touch(contact)

    def ids_in_order(self):
        """Contact ids in the order the contacts collection pages them."""
        return [
            c["contact_id"]
            for c in sorted(self.contacts.values(), key=lambda c: c["_seq"])
        ]

    def find(self, email):
        contact_id = self.by_email.get(email.lower())
        return self.contacts.get(contact_id) if contact_id else None

    def touch(self, contact_id, **values):
        with self.lock:
            contact = self.contacts[contact_id]
            for key, value in values.items():
                if key == "email":
                    self.by_email.pop(contact["email_address"]["address"].lower())
                    contact["email_address"]["address"] = value
                    self.by_email[value.lower()] = contact_id
                else:
                    contact[key] = value
            self._touch(contact)


def main(argv=None):
    """``python -m tests.sandbox.constantcontact``: serve the sandbox."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.sandbox.constantcontact",
        description="Run the Constant Contact v3 sandbox on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8071, help="0: any free port")
    parser.add_argument("--seed", type=int, default=0, metavar="N")
    parser.add_argument("--duration", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--token-ttl", type=float, default=86_400)
    parser.add_argument("--import-seconds", type=float, default=1.0)
    parser.add_argument("--calls-per-window", type=int, default=4, help="0: off")
    parser.add_argument("--daily-quota", type=int, default=10_000, help="0: off")
    args = parser.parse_args(argv)
    emulator = ConstantContactEmulator(
        token_ttl=args.token_ttl,
        import_seconds=args.import_seconds,
        calls_per_window=args.calls_per_window,
        daily_quota=args.daily_quota,
    )
    general = emulator.add_list("General Interest")
    emulator.seed(args.seed, list_id=general)
    serve(
        emulator,
        port=args.port,
        duration=args.duration,
        banner=(
            f"{len(emulator.contacts)} contacts; authorize at {AUTHORIZE_PATH}, "
            f"token at {TOKEN_PATH}, client cc-client / cc-secret; API under {API}"
        ),
    )


if __name__ == "__main__":
    main()
