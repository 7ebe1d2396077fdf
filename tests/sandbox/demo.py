"""The "demo" provider: a small, well-behaved marketing API for the base addon.

``connector_marketing_base`` is abstract; its tier-2 tests run through a
test-only provider addon whose adapter speaks this API. It is deliberately
simple and documented so the base's own behaviour can be tested: OAuth2
client credentials with expiry, keyset-paginated contacts with an
``updated_after`` delta feed, batch upserts with per-record statuses, rate
limits and faults in one consistent dialect (``{"error": "<code>"}``).

API (every ``/v1/*`` route needs ``Authorization: Bearer <token>``):

``POST /oauth/token``
    form or JSON ``grant_type=client_credentials&client_id=&client_secret=``
    → ``{"access_token", "token_type": "bearer", "expires_in"}``;
    wrong credentials → 401 ``invalid_client``; another grant type → 400
    ``unsupported_grant_type``. Not rate limited, not exposed to faults.
``GET /v1/contacts?limit=1..100 (50)&cursor=&updated_after=<iso>``
    → ``{"contacts": [...], "next_cursor": str|null}`` ordered by
    ``(updated_at, id)``; ``updated_after`` is strict. 400 ``invalid_limit``,
    ``invalid_cursor``, ``invalid_updated_after``.
``GET /v1/contacts/count`` → ``{"count": n}``
``GET /v1/contacts/<id>`` → the contact, or 404 ``not_found``
``POST /v1/contacts/batch`` ``{"contacts": [≤100]}`` → per-record results in
    input order (``created`` / ``updated`` / ``error``); more than 100 → 413
    ``batch_too_large``; not an object with a list → 400 ``invalid_body``.
``DELETE /v1/contacts/<id>`` → 204, or 404 ``not_found``

Per-record error codes: ``invalid_email``, ``field_too_long``,
``unknown_field`` (the contract), plus ``invalid_value`` (wrong JSON type),
``not_found`` (an ``id`` that does not exist), ``duplicate_email`` (an update
that would give a contact another contact's email) and ``invalid_record``
(an item that is not an object).

Upserts match an ``id`` exactly, an email case-insensitively (a match by
email keeps the stored spelling); a write that changes nothing keeps
``updated_at``. ``unsubscribed`` (a boolean) once true stays true: a write
of false is refused and counted in ``resubscribe_attempts``.

``updated_at`` is second-precision UTC and strictly increasing across all
changes of the emulator (each change is at least one second after the
previous one, on the emulator's clock), so an ``updated_after`` delta read
from the largest timestamp seen never misses a later change. A burst of
changes therefore runs the timestamps ahead of the wall clock by about one
second per change beyond one per second.

Run it standalone: ``python -m tests.sandbox.demo --port 8069 --seed 1000``.
"""

from __future__ import annotations

import re

from .auth import EXPIRED, VALID, InvalidClient, TokenIssuer, bearer_token
from .auth import client_credentials as read_client_credentials
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
from .store import RecordStore, decode_cursor, encode_cursor

#: fields a client may write (``id`` selects the record, ``updated_at`` is
#: the platform's)
WRITABLE = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "company",
    "country",
    "score",
    "unsubscribed",
)
LENGTH_LIMITS = {"first_name": 40, "last_name": 40, "company": 80}
#: deliberately simple, like most platforms: one @, no spaces, a dot after it
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL_LENGTH = 254
MAX_PAGE = 100
DEFAULT_PAGE = 50
MAX_BATCH = 100

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
_COUNTRIES = ("FR", "DE", "GB", "US", "ES", "IT", "NL", "BE", "PT", "PL", None)


class RecordError(Exception):
    """A per-record failure of a batch: ``code`` and a readable message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class DemoEmulator(Emulator):
    """The demo provider (see the module docstring for the API).

    ``DemoEmulator(token_ttl=3600, client_id="demo-client",
    client_secret="demo-secret", calls_per_window=20, window_seconds=1,
    max_concurrent=5, daily_quota=None, quota_reset_at="00:00", clock=None,
    seed=None)``: every limit can be overridden, ``None`` disables it.
    """

    name = "demo"
    calls_per_window = 20
    window_seconds = 1.0
    max_concurrent = 5
    daily_quota = None
    stats_counters = ("tokens_issued",)

    def __init__(
        self,
        *,
        token_ttl: float = 3600,
        client_id: str = "demo-client",
        client_secret: str = "demo-secret",
        **options,
    ):
        super().__init__(**options)
        self.tokens = TokenIssuer({client_id: client_secret}, token_ttl, self.clock)
        # updated_at orders the delta feed; emails are unique (checked on write)
        self._contacts = RecordStore(stamp=lambda c: int(parse_iso(c["updated_at"])))
        self._next_id = 1
        self._last_stamp = 0
        self._seed_next = 1

    @property
    def contacts(self) -> RecordStore:
        """``id → contact`` (live records: read them, or replace/delete whole
        ones; use :meth:`touch` to change fields)."""
        return self._contacts

    def expire_tokens(self) -> int:
        """Fault hook: every token issued so far now answers ``token_expired``."""
        return self.tokens.expire_all()

    # ------------------------------------------------------------------
    # Python helpers for tests and benchmarks
    # ------------------------------------------------------------------

    def _stamp(self, count: int = 1) -> int:
        """Reserve ``count`` consecutive timestamps after every earlier one;
        return the first."""
        first = max(
            int(self.clock()), self._last_stamp + 1, self._contacts.max_stamp + 1
        )
        self._last_stamp = first + count - 1
        return first

    def _new_id(self) -> str:
        contact_id = f"c_{self._next_id:06d}"
        self._next_id += 1
        return contact_id

    def seed(self, n: int, start: int | None = None) -> list[str]:
        """Create ``n`` deterministic contacts; return their ids.

        Contact ``i`` (from ``start``, by default right after the previous
        seed, first 1) is ``person{i}@example.com`` with names, phone, company,
        country and score derived from ``i``: the same ``i`` always gives the
        same person. Their timestamps end at the current time when that is
        possible (a fresh emulator seeded with 50,000 does not start 14 hours
        in the future). ``ValueError`` if one of the emails already exists.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        with self.lock:
            start = self._seed_next if start is None else start
            emails = [f"person{i}@example.com" for i in range(start, start + n)]
            taken = [e for e in emails if self._contacts.id_by_email(e)]
            if taken:
                raise ValueError(f"{taken[0]} already exists")
            now = int(self.clock())
            first = max(now - n + 1, self._last_stamp + 1, self._contacts.max_stamp + 1)
            self._last_stamp = first + n - 1
            ids = []
            put = self._contacts.put
            for offset, email in enumerate(emails):
                i = start + offset
                contact_id = self._new_id()
                stamp = first + offset
                put(contact_id, {
                    "id": contact_id,
                    "email": email,
                    "first_name": _FIRST_NAMES[i % 20],
                    "last_name": _LAST_NAMES[(i // 20) % 20],
                    "phone": None if i % 5 == 0 else f"+3361{i % 10**7:07d}",
                    "company": None if i % 4 == 0 else f"Company {i % 500}",
                    "country": _COUNTRIES[i % len(_COUNTRIES)],
                    "score": (i * 37) % 101,
                    "updated_at": iso_utc(stamp),
                }, stamp)  # fmt: skip
                ids.append(contact_id)
            self._seed_next = max(self._seed_next, start + n)
            return ids

    def touch(self, contact_id: str, **changes) -> dict:
        """Change fields of a contact as the platform would (a user editing it
        in the provider's UI) and bump its ``updated_at``; return a copy.

        Values are not validated (a test may plant bad data on purpose), but
        field names are, and an email taken by another contact is refused, so
        the email index stays unambiguous.
        """
        unknown = set(changes) - set(WRITABLE)
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        with self.lock:
            contact = self._contacts[contact_id]
            if "email" in changes:
                owner = self._contacts.id_by_email(changes["email"])
                if owner not in (None, contact_id):
                    raise ValueError(f"{changes['email']} belongs to {owner}")
            self._write(contact_id, contact, changes)
            return dict(contact)

    def find_by_email(self, email: str) -> dict | None:
        """The contact with this email (case and surrounding blanks ignored)."""
        with self.lock:
            contact_id = self._contacts.id_by_email(email)
            return self._contacts[contact_id] if contact_id else None

    def _write(self, contact_id: str, contact: dict, changes: dict) -> None:
        """Apply changes with a new timestamp and re-index."""
        stamp = self._stamp()
        contact.update(changes)
        contact["updated_at"] = iso_utc(stamp)
        self._contacts.put(contact_id, contact, stamp)

    # ------------------------------------------------------------------
    # API
    # ------------------------------------------------------------------

    def authenticate(self, request: Request) -> Response | None:
        status = self.tokens.check(bearer_token(request.headers))
        if status == VALID:
            return None
        code = "token_expired" if status == EXPIRED else "invalid_token"
        return self.error(
            401, code, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )

    @route("POST", "/oauth/token", auth=False, limited=False, faults=False)
    def issue_token(self, request: Request) -> Response:
        credentials = read_client_credentials(request)
        if credentials["grant_type"] != "client_credentials":
            return self.error(400, "unsupported_grant_type")
        try:
            token = self.tokens.issue(
                credentials["client_id"], credentials["client_secret"]
            )
        except InvalidClient:
            return self.error(401, "invalid_client")
        self.stats.incr("tokens_issued")
        body = {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": token.expires_in(self.clock()),
        }
        return Response(200, body, headers={"Cache-Control": "no-store"})

    @route("GET", "/v1/contacts")
    def list_contacts(self, request: Request) -> Response:
        raw_limit = request.query.get("limit", str(DEFAULT_PAGE))
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_PAGE:
            return self.error(
                400, "invalid_limit", message=f"limit must be between 1 and {MAX_PAGE}"
            )
        after_key = None
        if request.query.get("cursor"):
            try:
                after_key = decode_cursor(request.query["cursor"])
            except ValueError:
                return self.error(400, "invalid_cursor")
        updated_after = None
        if request.query.get("updated_after"):
            try:
                updated_after = parse_iso(request.query["updated_after"])
            except ValueError:
                return self.error(
                    400,
                    "invalid_updated_after",
                    message="expected an ISO 8601 date-time",
                )
        contacts, next_key = self._contacts.page(
            after_key, updated_after, int(raw_limit)
        )
        return Response(200, {
            "contacts": contacts,
            "next_cursor": encode_cursor(next_key) if next_key else None,
        })  # fmt: skip

    @route("GET", "/v1/contacts/count")
    def count_contacts(self, request: Request) -> Response:
        return Response(200, {"count": len(self._contacts)})

    @route("GET", "/v1/contacts/<id>")
    def read_contact(self, request: Request) -> Response:
        contact = self._contacts.get(request.params["id"])
        if contact is None:
            return self.error(404, "not_found")
        return Response(200, dict(contact))

    @route("DELETE", "/v1/contacts/<id>")
    def delete_contact(self, request: Request) -> Response:
        if request.params["id"] not in self._contacts:
            return self.error(404, "not_found")
        del self._contacts[request.params["id"]]
        return Response(204)

    @route("POST", "/v1/contacts/batch")
    def upsert_contacts(self, request: Request) -> Response:
        body = request.json
        if not isinstance(body, dict) or not isinstance(body.get("contacts"), list):
            return self.error(
                400, "invalid_body", message='expected {"contacts": [...]}'
            )
        items = body["contacts"]
        if len(items) > MAX_BATCH:
            return self.error(
                413,
                "batch_too_large",
                message=f"at most {MAX_BATCH} contacts per batch",
            )
        results = []
        for index, item in enumerate(items):
            try:
                status, contact_id = self._upsert(item)
                results.append(
                    {"index": index, "status": status, "id": contact_id, "error": None}
                )
            except RecordError as exc:
                results.append({
                    "index": index, "status": "error", "id": None,
                    "error": {"code": exc.code, "message": exc.message},
                })  # fmt: skip
        return Response(200, {"results": results})

    # ------------------------------------------------------------------
    # batch internals
    # ------------------------------------------------------------------

    @staticmethod
    def _clean(item: dict) -> dict:
        """Validated writable values of one batch item, or a RecordError."""
        if not isinstance(item, dict):
            raise RecordError("invalid_record", "each contact must be an object")
        unknown = sorted(set(item) - {"id", *WRITABLE})
        if unknown:
            names = ", ".join(unknown)
            raise RecordError("unknown_field", f"unknown field(s): {names}")
        values = {key: item[key] for key in WRITABLE if key in item}
        if "email" in values:
            email = values["email"]
            if not isinstance(email, str):
                raise RecordError("invalid_email", "email must be a string")
            email = email.strip()
            if len(email) > MAX_EMAIL_LENGTH or not EMAIL_RE.fullmatch(email):
                raise RecordError("invalid_email", f"not a valid email: {email!r}")
            values["email"] = email
        for key in ("first_name", "last_name", "company", "phone", "country"):
            if key not in values:
                continue
            value = values[key]
            if value is None:
                values[key] = "" if key in ("first_name", "last_name") else None
                continue
            if not isinstance(value, str):
                raise RecordError("invalid_value", f"{key} must be a string or null")
            limit = LENGTH_LIMITS.get(key)
            if limit and len(value) > limit:
                raise RecordError(
                    "field_too_long", f"{key} is longer than {limit} characters"
                )
        if "score" in values:
            score = values["score"]
            if isinstance(score, bool) or not isinstance(score, int):
                raise RecordError("invalid_value", "score must be an integer")
        if "unsubscribed" in values and not isinstance(values["unsubscribed"], bool):
            raise RecordError("invalid_value", "unsubscribed must be a boolean")
        return values

    def _upsert(self, item) -> tuple[str, str]:
        """Create or update one contact: by ``id`` if given, else by email."""
        values = self._clean(item)
        contact_id = item.get("id")
        if contact_id is not None:
            if not isinstance(contact_id, str) or contact_id not in self._contacts:
                raise RecordError("not_found", f"no contact with id {contact_id!r}")
        elif "email" in values:
            contact_id = self._contacts.id_by_email(values["email"])
            if contact_id is not None:
                # matched by email: the email is the key, not a change (the
                # stored spelling stays; send the id to change its case)
                del values["email"]
        else:
            raise RecordError("invalid_email", "email is required to create a contact")
        if contact_id is None:
            contact_id = self._new_id()
            contact = {
                "id": contact_id, "email": values["email"], "first_name": "",
                "last_name": "", "phone": None, "company": None, "country": None,
                "score": 0, "updated_at": None,
            }  # fmt: skip
            self._write(contact_id, contact, values)
            return "created", contact_id
        contact = self._contacts[contact_id]
        if "email" in values:
            owner = self._contacts.id_by_email(values["email"])
            if owner not in (None, contact_id):
                raise RecordError(
                    "duplicate_email", f"{values['email']} belongs to {owner}"
                )
        changes = {k: v for k, v in values.items() if contact.get(k) != v}
        if contact.get("unsubscribed") and changes.get("unsubscribed") is False:
            # only the person opts in again: refused and counted
            self.refuse_resubscribe(contact_id, "POST /v1/contacts/batch")
            del changes["unsubscribed"]
        if changes:  # a write that changes nothing does not bump updated_at
            self._write(contact_id, contact, changes)
        return "updated", contact_id


def main(argv=None) -> None:
    """``python -m tests.sandbox.demo``: serve the demo provider until Ctrl-C."""
    parser = cli_parser(
        DemoEmulator,
        prog="python -m tests.sandbox.demo",
        description="Run the demo provider sandbox on 127.0.0.1.",
        port=8069,
        records="contacts",
    )
    args = parser.parse_args(argv)
    emulator = DemoEmulator(**limit_options(args))
    emulator.seed(args.seed)
    serve(
        emulator,
        port=args.port,
        duration=args.duration,
        banner=(
            f"{len(emulator.contacts)} contacts; client demo-client / demo-secret;"
            " Ctrl-C to stop"
        ),
    )


if __name__ == "__main__":
    main()
