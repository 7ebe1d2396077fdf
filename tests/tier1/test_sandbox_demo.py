"""Tier-1 tests of the demo provider emulator (``tests/sandbox/demo.py``).

The demo API is the contract the base addon's test adapter is written
against, so each documented behaviour is checked over HTTP: OAuth2 client
credentials and expiry, keyset paging and the ``updated_after`` delta, batch
upserts with per-record statuses in input order, deletes, rate limits and
faults in the demo's error shapes, the Python helpers, and the command line.
Tests that are not about limits lift them, so they never depend on speed.

Run: ``python -m pytest -p no:odoo tests/tier1/test_sandbox_demo.py``.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from tests.sandbox.auth import (
    EXPIRED,
    INVALID,
    VALID,
    InvalidClient,
    TokenIssuer,
    basic_credentials,
    bearer_token,
)
from tests.sandbox.demo import DemoEmulator, decode_cursor
from tests.sandbox.limits import ManualClock
from tests.sandbox.server import SandboxServer

TIMEOUT = 5
ROOT = Path(__file__).resolve().parents[2]
MORNING = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC).timestamp()
CREDENTIALS = {
    "grant_type": "client_credentials",
    "client_id": "demo-client",
    "client_secret": "demo-secret",
}
NO_LIMITS = {"calls_per_window": None, "max_concurrent": None}


class Client:
    """A minimal demo client: a session, the base URL, a token."""

    def __init__(self, url):
        self.url = url
        self.session = requests.Session()
        self.session.trust_env = False

    def login(self, **credentials):
        answer = self.session.post(
            self.url + "/oauth/token", data={**CREDENTIALS, **credentials},
            timeout=TIMEOUT,
        )  # fmt: skip
        if answer.ok:
            token = answer.json()["access_token"]
            self.session.headers["Authorization"] = f"Bearer {token}"
        return answer

    def get(self, path, **params):
        return self.session.get(self.url + path, params=params, timeout=TIMEOUT)

    def batch(self, contacts):
        return self.session.post(
            self.url + "/v1/contacts/batch",
            json={"contacts": contacts},
            timeout=TIMEOUT,
        )

    def delete(self, path):
        return self.session.delete(self.url + path, timeout=TIMEOUT)

    def all_pages(self, **params):
        """Every contact, following next_cursor; also the number of calls."""
        contacts, calls, cursor = [], 0, None
        while True:
            query = dict(params, **({"cursor": cursor} if cursor else {}))
            body = self.get("/v1/contacts", **query).json()
            calls += 1
            contacts += body["contacts"]
            cursor = body["next_cursor"]
            if not cursor:
                return contacts, calls


@pytest.fixture
def start():
    """``start(**options)`` → ``(emulator, logged-in client)``; stopped after."""
    servers = []

    def _start(**options):
        emulator = DemoEmulator(**{**NO_LIMITS, **options})
        server = SandboxServer(emulator).start()
        servers.append(server)
        client = Client(server.url)
        assert client.login().status_code == 200
        return emulator, client

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture
def demo(start):
    return start()


# ----------------------------------------------------------------------
# OAuth2
# ----------------------------------------------------------------------


def test_token_from_form_and_json(start):
    emulator, client = start(token_ttl=120)
    as_form = client.login()
    assert as_form.json()["token_type"] == "bearer"
    assert as_form.json()["expires_in"] == 120
    assert as_form.headers["Cache-Control"] == "no-store"
    as_json = client.session.post(
        client.url + "/oauth/token", json=CREDENTIALS, timeout=TIMEOUT
    )
    assert as_json.status_code == 200
    assert as_json.json()["access_token"] != as_form.json()["access_token"]
    # one at fixture start, two here
    assert emulator.stats["tokens_issued"] == 3


def test_wrong_credentials_and_grant(demo):
    emulator, client = demo
    wrong = client.login(client_secret="nope")
    assert (wrong.status_code, wrong.json()) == (401, {"error": "invalid_client"})
    unknown = client.login(client_id="someone")
    assert unknown.status_code == 401
    grant = client.login(grant_type="password")
    assert (grant.status_code, grant.json()) == (
        400,
        {"error": "unsupported_grant_type"},
    )
    assert emulator.stats["tokens_issued"] == 1


def test_api_needs_a_valid_bearer_token(demo):
    _emulator, client = demo
    assert client.get("/v1/contacts/count").status_code == 200
    anonymous = requests.get(client.url + "/v1/contacts/count", timeout=TIMEOUT)
    assert (anonymous.status_code, anonymous.json()) == (
        401,
        {"error": "invalid_token"},
    )
    forged = requests.get(
        client.url + "/v1/contacts",
        headers={"Authorization": "Bearer forged"},
        timeout=TIMEOUT,
    )
    assert forged.json() == {"error": "invalid_token"}
    assert forged.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_expires_after_its_ttl():
    clock = ManualClock(MORNING)
    emulator = DemoEmulator(token_ttl=60, clock=clock, **NO_LIMITS)
    with SandboxServer(emulator) as server:
        client = Client(server.url)
        assert client.login().json()["expires_in"] == 60
        clock.advance(59)
        assert client.get("/v1/contacts/count").status_code == 200
        clock.advance(1)
        expired = client.get("/v1/contacts/count")
        assert (expired.status_code, expired.json()) == (
            401,
            {"error": "token_expired"},
        )
        client.login()
        assert client.get("/v1/contacts/count").status_code == 200
    assert emulator.stats["tokens_issued"] == 2


def test_forced_expiry_through_the_control_endpoint(demo):
    _emulator, client = demo
    client.session.post(
        client.url + "/_sandbox/faults", json={"expire_tokens": True}, timeout=TIMEOUT
    )
    assert client.get("/v1/contacts/count").json() == {"error": "token_expired"}
    client.login()
    assert client.get("/v1/contacts/count").status_code == 200


def test_token_issuer_building_blocks():
    clock = ManualClock(100)
    issuer = TokenIssuer({"id": "secret"}, ttl=10, clock=clock, reuse=True)
    with pytest.raises(InvalidClient):
        issuer.issue("id", "wrong")
    with pytest.raises(InvalidClient):
        issuer.issue(None, None)
    first = issuer.issue("id", "secret")
    clock.advance(4)
    again = issuer.issue("id", "secret")  # Marketo: the live token, less time
    assert (again.value, again.fresh, again.expires_in(clock())) == (
        first.value,
        False,
        6,
    )
    assert issuer.check(first.value) == VALID
    assert issuer.check("nope") == INVALID
    assert issuer.check(None) == INVALID
    assert issuer.expire_all() == 1
    assert issuer.check(first.value) == EXPIRED
    assert issuer.issue("id", "secret").value != first.value
    assert issuer.issued == 2
    clock.advance(2 * 86400)
    assert issuer.issue("id", "secret").fresh
    assert issuer.check(first.value) == INVALID, "long-dead tokens are forgotten"
    assert bearer_token({"authorization": "bearer abc "}) == "abc"
    assert bearer_token({"authorization": "Basic abc"}) is None
    assert basic_credentials({"authorization": "Basic aWQ6c2VjcmV0"}) == (
        "id",
        "secret",
    )
    assert basic_credentials({"authorization": "Basic !!"}) is None


# ----------------------------------------------------------------------
# reading contacts
# ----------------------------------------------------------------------


def test_pages_cover_everything_once_in_order(demo):
    emulator, client = demo
    emulator.seed(250)
    pages = [client.get("/v1/contacts", limit=100).json()]
    while pages[-1]["next_cursor"]:
        pages.append(
            client.get(
                "/v1/contacts", limit=100, cursor=pages[-1]["next_cursor"]
            ).json()
        )
    assert [len(page["contacts"]) for page in pages] == [100, 100, 50]
    contacts = [c for page in pages for c in page["contacts"]]
    assert len({c["id"] for c in contacts}) == 250
    keys = [(c["updated_at"], c["id"]) for c in contacts]
    assert keys == sorted(keys)
    assert set(contacts[0]) == {
        "id", "email", "first_name", "last_name", "phone", "company", "country",
        "score", "updated_at",
    }  # fmt: skip
    assert contacts[0]["id"].startswith("c_")


def test_page_limits(demo):
    emulator, client = demo
    emulator.seed(120)
    assert len(client.get("/v1/contacts").json()["contacts"]) == 50
    exact = client.get("/v1/contacts", limit=100)
    assert exact.status_code == 200
    for bad in ("101", "0", "-1", "ten", ""):
        answer = client.get("/v1/contacts", limit=bad)
        assert (answer.status_code, answer.json()["error"]) == (400, "invalid_limit")


def test_last_full_page_has_no_next_cursor(demo):
    emulator, client = demo
    emulator.seed(100)
    body = client.get("/v1/contacts", limit=100).json()
    assert len(body["contacts"]) == 100
    assert body["next_cursor"] is None
    emulator.contacts.clear()
    assert client.get("/v1/contacts").json() == {"contacts": [], "next_cursor": None}


def test_bad_cursor_and_date(demo):
    _emulator, client = demo
    for cursor in ("garbage", "WyJ4IiwxXQ"):  # the second is ["x", 1]
        answer = client.get("/v1/contacts", cursor=cursor)
        assert (answer.status_code, answer.json()) == (
            400,
            {"error": "invalid_cursor"},
        )
    answer = client.get("/v1/contacts", updated_after="yesterday")
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_updated_after"


def test_updated_after_is_a_strict_delta(demo):
    emulator, client = demo
    emulator.seed(30)
    everything, _calls = client.all_pages()
    newest = max(c["updated_at"] for c in everything)
    assert client.get("/v1/contacts", updated_after=newest).json()["contacts"] == []
    changed = everything[3]["id"]
    emulator.touch(changed, first_name="Changed")
    delta = client.get("/v1/contacts", updated_after=newest).json()["contacts"]
    assert [(c["id"], c["first_name"]) for c in delta] == [(changed, "Changed")]
    # other spellings of the same instant
    same = dt.datetime.fromisoformat(newest).isoformat()  # +00:00
    assert len(client.get("/v1/contacts", updated_after=same).json()["contacts"]) == 1
    naive = newest.rstrip("Z")
    assert len(client.get("/v1/contacts", updated_after=naive).json()["contacts"]) == 1


def test_updated_at_strictly_increases_with_every_change():
    clock = ManualClock(MORNING)  # frozen: every change in the same second
    emulator = DemoEmulator(clock=clock)
    ids = emulator.seed(3)
    stamps = [emulator.contacts[i]["updated_at"] for i in ids]
    for _round in range(2):
        for contact_id in ids:
            stamps.append(emulator.touch(contact_id, score=1)["updated_at"])
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert stamps[0].endswith("Z")
    assert len(stamps[0]) == 20
    assert dt.datetime.fromisoformat(stamps[2]).timestamp() == MORNING, (
        "a seed ends at the current time"
    )


def test_changes_while_paging_lose_nothing(demo):
    emulator, client = demo
    ids = emulator.seed(60)
    first = client.get("/v1/contacts", limit=25).json()
    # change one already read and one not read yet: both come (again) later
    emulator.touch(ids[0], last_name="Again")
    emulator.touch(ids[40], last_name="Moved")
    rest, _calls = client.all_pages(limit=25, cursor=first["next_cursor"])
    seen = [c["id"] for c in first["contacts"] + rest]
    assert set(seen) == set(ids)
    assert seen[-2:] == [ids[0], ids[40]]
    assert len(seen) == 61  # ids[0] twice


def test_count_read_and_delete(demo):
    emulator, client = demo
    ids = emulator.seed(5)
    assert client.get("/v1/contacts/count").json() == {"count": 5}
    one = client.get(f"/v1/contacts/{ids[2]}").json()
    assert one == emulator.contacts[ids[2]]
    missing = client.get("/v1/contacts/c_999999")
    assert (missing.status_code, missing.json()) == (404, {"error": "not_found"})
    assert client.delete(f"/v1/contacts/{ids[2]}").status_code == 204
    assert client.delete(f"/v1/contacts/{ids[2]}").status_code == 404
    assert ids[2] not in emulator.contacts
    assert client.get("/v1/contacts/count").json() == {"count": 4}
    listed, _calls = client.all_pages()
    assert ids[2] not in {c["id"] for c in listed}
    assert emulator.stats["per_route"]["DELETE /v1/contacts/<id>"] == 2


# ----------------------------------------------------------------------
# writing contacts
# ----------------------------------------------------------------------


def test_batch_upsert_statuses_in_input_order(demo):
    emulator, client = demo
    [existing] = emulator.seed(1)
    answer = client.batch([
        {"email": "new@example.com", "first_name": "Ann", "last_name": "New",
         "country": "FR", "phone": "+33612345678", "company": "ACME"},
        {"email": "not-an-email"},
        {"email": "PERSON1@Example.com", "first_name": "Byemail"},
        {"id": existing, "last_name": "Byid"},
        {"email": "long@example.com", "first_name": "x" * 41},
        {"email": "long2@example.com", "company": "x" * 81},
        {"email": "extra@example.com", "favourite_colour": "blue"},
        {"email": "ok@example.com", "last_name": "x" * 40, "company": "y" * 80},
    ])  # fmt: skip
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["index"] for r in results] == list(range(8))
    assert [r["status"] for r in results] == [
        "created", "error", "updated", "updated", "error", "error", "error",
        "created",
    ]  # fmt: skip
    assert [r["error"]["code"] for r in results if r["error"]] == [
        "invalid_email",
        "field_too_long",
        "field_too_long",
        "unknown_field",
    ]
    assert all(r["id"] is None for r in results if r["status"] == "error")
    assert results[2]["id"] == results[3]["id"] == existing
    created = emulator.contacts[results[0]["id"]]
    assert created["first_name"] == "Ann"
    assert created["company"] == "ACME"
    assert created["score"] == 0
    assert emulator.contacts[existing]["first_name"] == "Byemail"
    assert emulator.contacts[existing]["last_name"] == "Byid"
    assert emulator.contacts[existing]["email"] == "person1@example.com"
    assert emulator.find_by_email("long@example.com") is None, "errors write nothing"


def test_batch_extra_per_record_errors(demo):
    emulator, client = demo
    a, b = emulator.seed(2)
    results = client.batch([
        {"id": "c_404404", "first_name": "Ghost"},
        {"id": a, "email": emulator.contacts[b]["email"].upper()},
        {"first_name": "No email"},
        {"email": "typed@example.com", "score": "high"},
        "not an object",
        {"email": "ro@example.com", "updated_at": "2026-01-01T00:00:00Z"},
    ]).json()["results"]  # fmt: skip
    assert [r["error"]["code"] for r in results] == [
        "not_found",
        "duplicate_email",
        "invalid_email",
        "invalid_value",
        "invalid_record",
        "unknown_field",
    ]
    assert len(emulator.contacts) == 2


def test_batch_same_email_twice_upserts_the_first(demo):
    emulator, client = demo
    results = client.batch(
        [{"email": "dup@example.com"}, {"email": "Dup@Example.com", "score": 3}]
    ).json()["results"]
    assert [r["status"] for r in results] == ["created", "updated"]
    assert results[0]["id"] == results[1]["id"]
    assert emulator.find_by_email("DUP@example.com")["score"] == 3


def test_batch_size_and_shape(demo):
    emulator, client = demo
    full = client.batch([{"email": f"b{i}@example.com"} for i in range(100)])
    assert full.status_code == 200
    assert len(emulator.contacts) == 100
    over = client.batch([{"email": f"c{i}@example.com"} for i in range(101)])
    assert (over.status_code, over.json()["error"]) == (413, "batch_too_large")
    assert len(emulator.contacts) == 100, "nothing of a refused batch is written"
    for body in ({"contacts": "x"}, [], {"items": []}):
        answer = client.session.post(
            client.url + "/v1/contacts/batch", json=body, timeout=TIMEOUT
        )
        assert (answer.status_code, answer.json()["error"]) == (400, "invalid_body")
    assert client.batch([]).json() == {"results": []}


def test_a_write_that_changes_nothing_keeps_updated_at(demo):
    emulator, client = demo
    [contact_id] = emulator.seed(1)
    before = dict(emulator.contacts[contact_id])
    result = client.batch([{"id": contact_id, "last_name": before["last_name"]}])
    assert result.json()["results"][0]["status"] == "updated"
    assert emulator.contacts[contact_id] == before


# ----------------------------------------------------------------------
# limits and faults in the demo's shapes
# ----------------------------------------------------------------------


def test_default_limits_are_the_contract():
    config = DemoEmulator().limits.config
    assert (
        config["calls_per_window"],
        config["window_seconds"],
        config["max_concurrent"],
        config["daily_quota"],
    ) == (20, 1.0, 5, None)


def test_rate_limit_answer():
    clock = ManualClock(MORNING)
    emulator = DemoEmulator(clock=clock)  # 20 per second
    with SandboxServer(emulator) as server:
        client = Client(server.url)
        client.login()
        answers = [client.get("/v1/contacts/count") for _i in range(21)]
        assert [a.status_code for a in answers] == [200] * 20 + [429]
        assert answers[-1].json() == {"error": "rate_limited"}
        assert answers[-1].headers["Retry-After"] == "1"
        assert client.login().status_code == 200, "the token route is not limited"
        clock.advance(1)
        assert client.get("/v1/contacts/count").status_code == 200
    assert emulator.stats["rate_limit_violations"] == 1


def test_concurrency_limit_answer(start):
    emulator, client = start(max_concurrent=2)
    emulator.faults.configure(latency_ms=400)
    answers = []
    gate = threading.Barrier(6)

    def call():
        session = requests.Session()
        session.trust_env = False
        session.headers.update(client.session.headers)
        gate.wait(timeout=TIMEOUT)
        answers.append(session.get(client.url + "/v1/contacts/count", timeout=TIMEOUT))

    threads = [threading.Thread(target=call) for _i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    refused = [a for a in answers if a.status_code == 429]
    assert len(answers) == 6
    assert refused
    assert {a.json()["error"] for a in refused} == {"too_many_concurrent"}
    assert all(a.headers["Retry-After"] == "1" for a in refused)
    assert emulator.stats["violations"]["concurrency"] == len(refused)


def test_daily_quota_answer():
    clock = ManualClock(MORNING)
    emulator = DemoEmulator(clock=clock, daily_quota=2, **NO_LIMITS)
    with SandboxServer(emulator) as server:
        client = Client(server.url)
        client.login()
        assert client.get("/v1/contacts/count").ok
        assert client.get("/v1/contacts/count").ok
        refused = client.get("/v1/contacts/count")
        assert refused.status_code == 429
        assert refused.json() == {
            "error": "quota_exceeded",
            "reset_at": "2026-11-24T00:00:00Z",
        }
        assert refused.headers["Retry-After"] == str(14 * 3600)


def test_injected_faults_answer_in_the_demo_dialect(demo):
    emulator, client = demo
    emulator.faults.configure(burst={"status": 503, "count": 1})
    answer = client.get("/v1/contacts/count")
    assert (answer.status_code, answer.json()) == (503, {"error": "unavailable"})
    emulator.faults.configure(
        burst={"status": 429, "count": 1, "error": "quota_exceeded"}
    )
    answer = client.get("/v1/contacts/count")
    assert answer.status_code == 429
    assert answer.json()["error"] == "quota_exceeded"
    reset_at = dt.datetime.fromisoformat(answer.json()["reset_at"])
    assert reset_at.time() == dt.time(0)
    assert reset_at > dt.datetime.now(dt.UTC)
    assert int(answer.headers["Retry-After"]) >= 1
    assert client.get("/v1/contacts/count").status_code == 200


# ----------------------------------------------------------------------
# Python helpers
# ----------------------------------------------------------------------


def test_seed_is_deterministic_and_continues():
    one = DemoEmulator(clock=ManualClock(MORNING))
    two = DemoEmulator(clock=ManualClock(MORNING))
    assert one.seed(40) == two.seed(40)
    assert dict(one.contacts) == dict(two.contacts)
    more = one.seed(2)
    assert [one.contacts[i]["email"] for i in more] == [
        "person41@example.com",
        "person42@example.com",
    ]
    with pytest.raises(ValueError, match=r"person5@example\.com already exists"):
        one.seed(1, start=5)
    sample = one.contacts[more[0]]
    assert sample["first_name"]
    assert sample["last_name"]
    countries = {c["country"] for c in one.contacts.values()}
    assert None in countries
    assert "FR" in countries


def test_seed_50000_then_pages_deep_into_it():
    emulator = DemoEmulator(**NO_LIMITS)
    emulator.seed(50000)
    assert len(emulator.contacts) == 50000
    # keyset paging deep into the data is served from the index
    with SandboxServer(emulator) as server:
        client = Client(server.url)
        client.login()
        page = client.get("/v1/contacts", limit=100).json()
        for _i in range(3):
            page = client.get(
                "/v1/contacts", limit=100, cursor=page["next_cursor"]
            ).json()
        assert page["contacts"][0]["email"] == "person301@example.com"
        _stamp, last_id = decode_cursor(page["next_cursor"])
        assert last_id == page["contacts"][-1]["id"]


def test_touch_and_find_by_email():
    emulator = DemoEmulator(clock=ManualClock(MORNING))
    a, b = emulator.seed(2)
    before = emulator.contacts[a]["updated_at"]
    changed = emulator.touch(a, first_name="Zoé", email="Zoe@Example.com")
    assert changed["updated_at"] > before
    assert emulator.find_by_email(" zoe@example.COM ")["id"] == a
    assert emulator.find_by_email("person1@example.com") is None
    assert emulator.find_by_email("nobody@example.com") is None
    with pytest.raises(ValueError, match="unknown field"):
        emulator.touch(a, nickname="z")
    with pytest.raises(ValueError, match="belongs to"):
        emulator.touch(a, email=emulator.contacts[b]["email"])
    with pytest.raises(KeyError):
        emulator.touch("c_404404", first_name="x")


def test_contacts_mapping_keeps_its_indexes(demo):
    emulator, client = demo
    a, b, c = emulator.seed(3)
    del emulator.contacts[b]
    assert emulator.find_by_email("person2@example.com") is None
    replacement = dict(emulator.contacts[c], email="swapped@example.com")
    emulator.contacts[c] = replacement
    assert emulator.find_by_email("swapped@example.com")["id"] == c
    listed, _calls = client.all_pages()
    assert [x["id"] for x in listed] == [a, c]
    emulator.contacts.clear()
    assert emulator.find_by_email("person1@example.com") is None
    assert client.get("/v1/contacts/count").json() == {"count": 0}
    created = client.batch([{"email": "person1@example.com"}]).json()["results"][0]
    assert created["status"] == "created"
    assert created["id"] not in (a, b, c), "ids are never reused"


# ----------------------------------------------------------------------
# command line
# ----------------------------------------------------------------------


def test_standalone_run():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sandbox.demo", "--port", "0", "--seed", "7",
         "--duration", "20"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("demo sandbox on http://127.0.0.1:"), first_line
        client = Client(first_line.split(" on ", 1)[1].strip())
        assert client.login().status_code == 200
        assert client.get("/v1/contacts/count").json() == {"count": 7}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=TIMEOUT)
        process.stdout.close()
