"""Tier-1 tests of the Constant Contact v3 emulator.

``connector_constantcontact`` is tested and benchmarked against it, so what
it claims is checked here over HTTP: the authorization code flow with PKCE,
rotating refresh tokens (``invalid_grant`` on reuse), bearer checks and
expiry, cursor paging, ``PUT`` as a full replace, import activities that
progress with time and report refused rows, the 4 MB cut, list
memberships, the two 429 bodies, and injected faults. Time is a
``ManualClock`` wherever it matters.

Run: ``python -m pytest -p no:odoo tests/tier1/test_sandbox_constantcontact.py``.
"""

import base64
import hashlib
import json
import urllib.parse

import pytest
import requests

from tests.sandbox.constantcontact import (
    AUTHORIZE_PATH,
    MAX_IMPORT_BYTES,
    REVOKE_PATH,
    TOKEN_PATH,
    ConstantContactEmulator,
)
from tests.sandbox.limits import ManualClock
from tests.sandbox.server import SandboxServer

TIMEOUT = 5
REDIRECT = "http://localhost:8069/connector_marketing/oauth/callback"
BASIC = ("cc-client", "cc-secret")


def challenge(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture
def clock():
    return ManualClock(1_800_000_000.0)


@pytest.fixture
def sandbox(clock):
    emulator = ConstantContactEmulator(
        clock=clock, calls_per_window=None, daily_quota=None, import_seconds=10
    )
    with SandboxServer(emulator) as server:
        yield emulator, server


def authorize(server, verifier="v" * 50, state="s1"):
    response = requests.get(
        server.url + AUTHORIZE_PATH,
        params={
            "response_type": "code",
            "client_id": "cc-client",
            "redirect_uri": REDIRECT,
            "scope": "contact_data offline_access",
            "state": state,
            "code_challenge": challenge(verifier),
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302
    query = dict(
        urllib.parse.parse_qsl(
            urllib.parse.urlsplit(response.headers["Location"]).query
        )
    )
    assert query["state"] == state
    return query["code"]


def exchange(server, code, verifier="v" * 50, redirect=REDIRECT):
    return requests.post(
        server.url + TOKEN_PATH,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "code_verifier": verifier,
        },
        auth=BASIC,
        timeout=TIMEOUT,
    )


def refresh(server, token):
    return requests.post(
        server.url + TOKEN_PATH,
        data={"grant_type": "refresh_token", "refresh_token": token},
        auth=BASIC,
        timeout=TIMEOUT,
    )


@pytest.fixture
def api(sandbox):
    emulator, server = sandbox
    tokens = exchange(server, authorize(server)).json()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {tokens['access_token']}"

    def call(method, path, **kwargs):
        return session.request(
            method, server.url + "/v3" + path, timeout=TIMEOUT, **kwargs
        )

    return emulator, call


# -- OAuth2 ------------------------------------------------------------------
def test_code_flow_with_pkce(sandbox):
    __, server = sandbox
    code = authorize(server)
    body = exchange(server, code).json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 86400
    assert body["refresh_token"] and body["access_token"]
    # a code is single use
    again = exchange(server, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_pkce_verifier_and_redirect_must_match(sandbox):
    emulator, server = sandbox
    wrong = exchange(server, authorize(server), verifier="w" * 50)
    assert wrong.json()["error_description"] == "PKCE verification failed."
    wrong = exchange(server, authorize(server), redirect="http://evil.example/cb")
    assert wrong.json()["error"] == "invalid_grant"
    assert emulator.stats["invalid_grants"] == 2


def test_authorize_requires_s256(sandbox):
    """A public (PKCE) client must send an S256 challenge; a confidential
    one may use the plain code flow, but a challenge it sends is S256."""
    __, server = sandbox
    for client_id, extra in (
        ("cc-public-client", {}),
        ("cc-client", {"code_challenge": "x" * 43, "code_challenge_method": "plain"}),
    ):
        response = requests.get(
            server.url + AUTHORIZE_PATH,
            params={
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": REDIRECT,
                **extra,
            },
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert response.status_code == 400, client_id


def test_bad_client_is_401(sandbox):
    __, server = sandbox
    response = requests.post(
        server.url + TOKEN_PATH,
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        auth=("cc-client", "wrong"),
        timeout=TIMEOUT,
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_refresh_tokens_rotate_and_reuse_is_invalid_grant(sandbox):
    emulator, server = sandbox
    first = exchange(server, authorize(server)).json()
    second = refresh(server, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    reused = refresh(server, first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert refresh(server, second["refresh_token"]).status_code == 200
    assert emulator.stats["token_refreshes"] == 2


def test_revoked_refresh_token_is_refused(sandbox):
    emulator, server = sandbox
    tokens = exchange(server, authorize(server)).json()
    response = requests.post(
        server.url + REVOKE_PATH,
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        auth=BASIC,
        timeout=TIMEOUT,
    )
    assert response.status_code == 200 and emulator.stats["revoked"] == 1
    assert refresh(server, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_access_tokens_expire_with_the_clock(sandbox, clock):
    emulator, server = sandbox
    emulator.token_ttl = 60
    token = exchange(server, authorize(server)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(
        server.url + "/v3/contact_lists", headers=headers, timeout=TIMEOUT
    ).ok
    clock.advance(61)
    response = requests.get(
        server.url + "/v3/contact_lists", headers=headers, timeout=TIMEOUT
    )
    assert response.status_code == 401
    assert response.json()[0]["error_key"] == "unauthorized"


# -- contacts ----------------------------------------------------------------
def test_contacts_cursor_paging(api):
    emulator, call = api
    emulator.seed(1200)
    assert call("GET", "/contacts", params={"limit": 501}).status_code == 400
    seen, body = [], call("GET", "/contacts", params={"limit": 500}).json()
    while True:
        seen += [c["contact_id"] for c in body["contacts"]]
        href = body["_links"].get("next", {}).get("href")
        if not href:
            break
        assert href.startswith("/v3/contacts?cursor=")
        body = call("GET", href[len("/v3") :]).json()
    assert len(seen) == len(set(seen)) == 1200


def test_updated_after_and_include(api, clock):
    emulator, call = api
    emulator.seed(3)
    clock.advance(100)
    contact = emulator.find("person1@example.com")
    emulator.touch(contact["contact_id"], first_name="New")
    body = call(
        "GET",
        "/contacts",
        params={"updated_after": "2027-01-15T08:00:50Z", "include": "list_memberships"},
    ).json()
    assert [c["first_name"] for c in body["contacts"]] == ["New"]
    assert "list_memberships" in body["contacts"][0]
    assert "custom_fields" not in body["contacts"][0]


def test_put_is_a_full_replace_and_never_resubscribes_an_opt_out(api):
    emulator, call = api
    emulator.seed(1)
    contact = emulator.find("person0@example.com")
    contact["phone_numbers"] = [{"phone_number": "1", "kind": "work"}]
    contact["email_address"].update(
        permission_to_send="unsubscribed", opt_out_source="Contact"
    )
    missing = call(
        "PUT", f"/contacts/{contact['contact_id']}", json={"first_name": "x"}
    )
    assert missing.status_code == 400
    body = {
        "email_address": {
            "address": "person0@example.com",
            "permission_to_send": "explicit",
        },
        "first_name": "Only",
        "update_source": "Account",
    }
    assert call("PUT", f"/contacts/{contact['contact_id']}", json=body).ok
    assert contact["phone_numbers"] == [] and contact["last_name"] == ""
    assert contact["email_address"]["permission_to_send"] == "unsubscribed"
    assert emulator.stats["resubscribe_attempts"] == 1
    # an opt-out the account made is not revived by a PUT either
    contact["email_address"]["opt_out_source"] = "Account"
    assert call("PUT", f"/contacts/{contact['contact_id']}", json=body).ok
    assert contact["email_address"]["permission_to_send"] == "unsubscribed"
    assert emulator.stats["resubscribe_attempts"] == 2
    assert emulator.resubscribe_log == [(contact["contact_id"], "PUT /contacts")] * 2


# -- bulk activities ---------------------------------------------------------
def test_import_progresses_with_time_and_reports_bad_rows(api, clock):
    emulator, call = api
    list_id = emulator.add_list("General")
    rows = [{"email": f"a{i}@example.com", "first_name": "A"} for i in range(4)]
    rows.insert(1, {"email": "not-an-email"})
    response = call(
        "POST",
        "/activities/contacts_json_import",
        json={"import_data": rows, "list_ids": [list_id]},
    )
    assert response.status_code == 201
    activity_id = response.json()["activity_id"]
    assert response.json()["state"] == "initialized"
    clock.advance(5)
    half = call("GET", f"/activities/{activity_id}").json()
    assert half["state"] == "processing" and 0 < half["percent_done"] < 100
    assert emulator.find("a0@example.com") is None
    clock.advance(6)
    done = call("GET", f"/activities/{activity_id}").json()
    assert done["state"] == "completed" and done["percent_done"] == 100
    assert done["activity_errors"] == ["Row 2: Invalid email address 'not-an-email'"]
    assert list_id in emulator.find("a3@example.com")["list_memberships"]


def test_import_keeps_unsubscribed_and_needs_a_known_list(api, clock):
    emulator, call = api
    emulator.seed(1)
    emulator.find("person0@example.com")["email_address"]["permission_to_send"] = (
        "unsubscribed"
    )
    bad = call(
        "POST",
        "/activities/contacts_json_import",
        json={"import_data": [{"email": "person0@example.com"}], "list_ids": ["nope"]},
    )
    assert bad.status_code == 400
    list_id = emulator.add_list("L")
    call(
        "POST",
        "/activities/contacts_json_import",
        json={"import_data": [{"email": "person0@example.com"}], "list_ids": [list_id]},
    )
    clock.advance(11)
    call("GET", "/contact_lists")
    assert (
        emulator.find("person0@example.com")["email_address"]["permission_to_send"]
        == "unsubscribed"
    )


def test_import_over_4mb_is_cut_silently(api, clock):
    emulator, call = api
    list_id = emulator.add_list("L")
    rows = [
        {"email": f"big{i}@example.com", "job_title": "x" * 40} for i in range(60_000)
    ][:39_000]
    rows = [dict(r, company_name="y" * 60) for r in rows]
    assert len(json.dumps({"import_data": rows})) > MAX_IMPORT_BYTES
    response = call(
        "POST",
        "/activities/contacts_json_import",
        json={"import_data": rows, "list_ids": [list_id]},
    )
    assert response.status_code == 201
    assert response.json()["status"]["items_total_count"] < len(rows)


def test_list_memberships_at_most_500_ids(api, clock):
    emulator, call = api
    emulator.seed(2)
    list_id = emulator.add_list("L")
    ids = [c["contact_id"] for c in emulator.contacts.values()]
    too_many = call(
        "POST",
        "/activities/add_list_memberships",
        json={"source": {"contact_ids": ids * 251}, "list_ids": [list_id]},
    )
    assert too_many.status_code == 400
    assert call(
        "POST",
        "/activities/add_list_memberships",
        json={"source": {"contact_ids": ids}, "list_ids": [list_id]},
    ).ok
    clock.advance(3)
    call("GET", "/contact_lists")
    assert all(list_id in c["list_memberships"] for c in emulator.contacts.values())
    call(
        "POST",
        "/activities/remove_list_memberships",
        json={"source": {"contact_ids": ids[:1]}, "list_ids": [list_id]},
    )
    clock.advance(3)
    call("GET", "/contact_lists")
    assert list_id not in emulator.contacts[ids[0]]["list_memberships"]


def test_tracking_reports_newest_first_and_paged(api, clock):
    emulator, call = api
    emulator.seed(3)
    __, (activity_id,) = emulator.add_campaign("News")
    for i, contact in enumerate(emulator.contacts.values()):
        emulator.track(activity_id, "opens", contact["contact_id"], when=clock() + i)
    body = call(
        "GET",
        f"/reports/email_reports/{activity_id}/tracking/opens",
        params={"limit": 2},
    ).json()
    times = [r["created_time"] for r in body["tracking_activities"]]
    assert times == sorted(times, reverse=True) and len(times) == 2
    assert body["_links"]["next"]["href"].startswith(
        f"/v3/reports/email_reports/{activity_id}"
    )
    assert call("GET", "/emails").json()["campaigns"][0]["name"] == "News"
    stats = call(
        "GET", f"/reports/stats/email_campaign_activities/{activity_id}"
    ).json()
    assert stats["results"][0]["stats"]["em_opens"] == 3
    assert stats["results"][0]["stats"]["em_clicks"] == 0
    too_many = ",".join([activity_id] * 11)
    assert (
        call("GET", f"/reports/stats/email_campaign_activities/{too_many}").status_code
        == 400
    )


# -- limits and faults -------------------------------------------------------
def test_four_per_second_then_throttled(clock):
    emulator = ConstantContactEmulator(clock=clock)
    with SandboxServer(emulator) as server:
        token = exchange(server, authorize(server)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        statuses = [
            requests.get(
                server.url + "/v3/contact_lists", headers=headers, timeout=TIMEOUT
            )
            for __ in range(5)
        ]
        assert [r.status_code for r in statuses] == [200] * 4 + [429]
        assert statuses[-1].json()[0]["error_key"] == "throttled"
        clock.advance(1.1)
        assert requests.get(
            server.url + "/v3/contact_lists", headers=headers, timeout=TIMEOUT
        ).ok


def test_daily_quota_is_quota_exceeded(clock):
    emulator = ConstantContactEmulator(
        clock=clock, calls_per_window=None, daily_quota=2
    )
    with SandboxServer(emulator) as server:
        token = exchange(server, authorize(server)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for __ in range(2):
            assert requests.get(
                server.url + "/v3/contact_lists", headers=headers, timeout=TIMEOUT
            ).ok
        refused = requests.get(
            server.url + "/v3/contact_lists", headers=headers, timeout=TIMEOUT
        )
        assert refused.status_code == 429
        assert refused.json()[0]["error_key"] == "quota_exceeded"
        assert "Retry-After" not in refused.headers


def test_injected_faults_in_constant_contact_shape(api):
    emulator, call = api
    emulator.faults.configure(burst={"status": 503, "count": 1})
    failed = call("GET", "/contact_lists")
    assert failed.status_code == 503 and failed.json()[0]["error_key"] == "server_error"
    assert call("GET", "/contact_lists").ok


def test_delete_contact_is_204_and_keeps_it_deleted(api):
    """ "Delete a Contact": 204, and the contact stays in the account with
    a ``deleted_at`` and no lists, listed with ``status=deleted`` or
    ``all`` only; a second delete is 404 (*chosen*)."""
    emulator, call = api
    general = emulator.add_list("General")
    emulator.seed(2, list_id=general)
    contact_id = emulator.find("person0@example.com")["contact_id"]
    gone = call("DELETE", f"/contacts/{contact_id}")
    assert gone.status_code == 204
    assert not gone.content
    read = call(
        "GET", f"/contacts/{contact_id}", params={"include": "list_memberships"}
    )
    assert read.status_code == 200
    assert read.json()["deleted_at"] and read.json()["list_memberships"] == []
    assert call("DELETE", f"/contacts/{contact_id}").status_code == 404

    def listed(status=None):
        params = {"status": status} if status else {}
        return [
            c["contact_id"]
            for c in call("GET", "/contacts", params=params).json()["contacts"]
        ]

    assert contact_id not in listed() and contact_id not in listed("active")
    assert contact_id in listed("deleted") and contact_id in listed("all")
    assert listed("deleted") == [contact_id]
    assert emulator.find("person1@example.com")["list_memberships"] == [general]


def test_adding_a_deleted_contact_to_a_list_restores_it(api, clock):
    """ "Get and Restore Deleted Contacts": a list membership restores it;
    the sandbox counts each restore."""
    emulator, call = api
    general = emulator.add_list("General")
    emulator.seed(1, list_id=general)
    contact_id = emulator.find("person0@example.com")["contact_id"]
    emulator.soft_delete(contact_id)
    imported = call(
        "POST",
        "/activities/contacts_json_import",
        json={"import_data": [{"email": "person0@example.com"}], "list_ids": [general]},
    )
    assert imported.status_code == 201
    clock.advance(11)  # the import completes
    call("GET", f"/activities/{imported.json()['activity_id']}")
    assert "deleted_at" not in emulator.contacts[contact_id]
    assert emulator.stats["restored"] == 1
