"""Tier-1 tests of the ActiveCampaign emulator (``tests/sandbox/activecampaign.py``).

Every ActiveCampaign behaviour the connector relies on is checked over
HTTP: the Api-Token header, the 5/s limit with 429 + Retry-After, string
``meta.total`` and deep paging, contact/sync upserts and 422 errors, the
bulk import lifecycle with per-contact failures and its per-minute limit,
tags, accounts, deals in a pipeline, and webhooks posted form-encoded.
Time is a ``ManualClock`` wherever a limit is involved.

Run: ``python -m pytest -p no:odoo tests/tier1/test_sandbox_activecampaign.py``.
"""

import http.server
import threading
import urllib.parse

import pytest
import requests

from tests.sandbox.activecampaign import DEFAULT_KEY, ActiveCampaignEmulator
from tests.sandbox.limits import ManualClock
from tests.sandbox.server import SandboxServer

TIMEOUT = 5
START = 1_800_000_000.0


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
def emulator(clock):
    return ActiveCampaignEmulator(clock=clock, calls_per_window=None)


@pytest.fixture
def api(emulator):
    with SandboxServer(emulator) as server:
        session = requests.Session()
        session.headers["Api-Token"] = DEFAULT_KEY
        base = server.url + "/api/3"

        def call(method, path, **kwargs):
            return session.request(method, base + path, timeout=TIMEOUT, **kwargs)

        call.server = server
        yield call


def test_api_token_is_required(api):
    response = requests.get(api.server.url + "/api/3/users/me", timeout=TIMEOUT)
    assert response.status_code == 403
    assert "No Result found" in response.json()["message"]
    assert api("GET", "/users/me").json()["user"]["username"] == "admin"


def test_suspended_account(api, emulator):
    emulator.suspended = True
    response = api("GET", "/users/me")
    assert (response.status_code, response.json()) == (
        403,
        {"message": "Account suspended"},
    )


def test_five_per_second_then_429_with_retry_after(clock):
    emulator = ActiveCampaignEmulator(clock=clock)
    with SandboxServer(emulator) as server:
        headers = {"Api-Token": DEFAULT_KEY}
        url = server.url + "/api/3/users/me"
        statuses = [
            requests.get(url, headers=headers, timeout=TIMEOUT).status_code
            for __ in range(6)
        ]
        assert statuses == [200] * 5 + [429]
        refused = requests.get(url, headers=headers, timeout=TIMEOUT)
        assert refused.headers["Retry-After"] == "1"
        clock.advance(1.0)
        assert requests.get(url, headers=headers, timeout=TIMEOUT).status_code == 200
        assert emulator.stats["violations"]["window"] == 2


def test_contact_sync_upserts_by_email_and_422(api, emulator):
    body = {"contact": {"email": "Ann@Example.com", "firstName": "Ann"}}
    first = api("POST", "/contact/sync", json=body)
    assert first.status_code == 201
    again = api("POST", "/contact/sync", json={"contact": {"email": "ann@example.com"}})
    assert again.status_code == 200
    assert again.json()["contact"]["id"] == first.json()["contact"]["id"]
    assert again.json()["contact"]["firstName"] == "Ann", "absent keys are kept"
    bad = api("POST", "/contact/sync", json={"contact": {"email": "nope"}})
    assert bad.status_code == 422
    error = bad.json()["errors"][0]
    assert error["code"] == "email_invalid"
    assert error["source"]["pointer"] == "/data/attributes/email"
    long = {"contact": {"email": "l@example.com", "lastName": "x" * 256}}
    assert api("POST", "/contact/sync", json=long).status_code == 422
    unknown = {"contact": {"email": "f@example.com", "fieldValues": [{"field": "99"}]}}
    assert api("POST", "/contact/sync", json=unknown).status_code == 422


def test_paging_meta_total_is_a_string_and_id_greater(api, emulator):
    emulator.seed(250)
    page = api("GET", "/contacts", params={"limit": 500}).json()
    assert page["meta"]["total"] == "250"
    assert len(page["contacts"]) == 100, "limit is capped at 100"
    seen, last = [], 0
    while True:
        rows = api(
            "GET",
            "/contacts",
            params={"limit": 100, "id_greater": last, "orders[id]": "ASC"},
        ).json()["contacts"]
        if not rows:
            break
        seen += [row["id"] for row in rows]
        last = int(rows[-1]["id"])
    assert len(seen) == len(set(seen)) == 250


def test_updated_after_filter(api, emulator, clock):
    ids = emulator.seed(3)
    clock.advance(60)
    emulator.touch(ids[1], firstName="Changed")
    since = emulator._now()
    clock.advance(60)
    emulator.touch(ids[2], firstName="Later")
    rows = api("GET", "/contacts", params={"filters[updated_after]": since}).json()
    assert [row["id"] for row in rows["contacts"]] == [ids[2]]
    assert (
        api(
            "GET", "/contacts", params={"filters[updated_after]": "yesterday"}
        ).status_code
        == 400
    )


def test_list_status_filter(api, emulator):
    ids = emulator.seed(3)
    for contact_id in ids:
        emulator.contact_lists[(contact_id, "1")] = 1
    emulator.unsubscribe(ids[1], emit=False)
    query = {"listid": "1", "status": "2"}
    rows = api("GET", "/contacts", params=query).json()["contacts"]
    assert [row["id"] for row in rows] == [ids[1]]
    query["status"] = "-1"
    assert len(api("GET", "/contacts", params=query).json()["contacts"]) == 3
    query["status"] = "gone"
    assert api("GET", "/contacts", params=query).status_code == 400


def test_page_sideloads_values_tags_and_lists(api, emulator):
    first, second, third = emulator.seed(3)
    tag = emulator._create_tag("VIP")
    emulator._add_contact_tag(first, tag["id"])
    emulator._set_field(second, "1", "Retail")
    emulator.unsubscribe(second, emit=False)
    include = "fieldValues,contactTags.tag,contactLists"
    body = api(
        "GET", "/contacts", params={"include": include, "id_greater": first}
    ).json()
    assert [c["id"] for c in body["contacts"]] == [second, third]
    assert body["contactTags"] == [] and body["tags"] == []
    assert body["fieldValues"] == [{"contact": second, "field": "1", "value": "Retail"}]
    assert body["contactLists"] == [{"contact": second, "list": "1", "status": "2"}]
    body = api("GET", "/contacts", params={"include": include}).json()
    assert [(ct["contact"], ct["tag"]) for ct in body["contactTags"]] == [
        (first, tag["id"])
    ]
    assert body["tags"] == [tag]
    assert api("GET", "/contacts", params={"include": "deals"}).status_code == 400
    body = api(
        "GET", "/contacts", params={"ids[]": [first, third], "include": "contactTags"}
    ).json()
    assert [c["id"] for c in body["contacts"]] == [first, third]
    assert [ct["contact"] for ct in body["contactTags"]] == [first]
    assert "tags" not in body


def test_bulk_import_lifecycle_with_failures(clock):
    emulator = ActiveCampaignEmulator(clock=clock, calls_per_window=None, bulk_polls=3)
    emulator.excluded = {"gone@example.com"}
    known = emulator.seed(1)[0]
    with SandboxServer(emulator) as server:
        headers = {"Api-Token": DEFAULT_KEY}
        base = server.url + "/api/3"
        contacts = [
            {"email": "a@example.com", "first_name": "A", "tags": ["VIP"]},
            {"email": "gone@example.com", "first_name": "B"},
            {"email": "c@example.com", "fields": [{"id": 1, "value": "Retail"}]},
            {"email": "person0@example.com", "first_name": "Known"},
        ]
        answer = requests.post(
            base + "/import/bulk_import",
            json={"contacts": contacts},
            headers=headers,
            timeout=TIMEOUT,
        ).json()
        assert answer["success"] == 1 and answer["queued_contacts"] == 4
        info = base + "/import/info"
        params = {"batchId": answer["batchId"]}
        early = [
            requests.get(info, params=params, headers=headers, timeout=TIMEOUT)
            for __ in range(2)
        ]
        assert [r.json()["status"] for r in early] == [False, "active"]
        done = requests.get(info, params=params, headers=headers, timeout=TIMEOUT)
        result = done.json()
        assert result["status"] == "completed"
        # ids (strings) of the new contacts; the known one was updated only
        a_id, c_id = result["success"]
        assert known not in result["success"]
        assert emulator.contacts[a_id]["email"] == "a@example.com"
        assert emulator.contacts[known]["firstName"] == "Known"
        assert result["failure"] == ["gone@example.com"]
        assert emulator.contact_tag_names(a_id) == ["VIP"]
        assert emulator.field_values[(c_id, "1")] == "Retail"
        too_many = [{"email": f"x{i}@example.com"} for i in range(251)]
        refused = requests.post(
            base + "/import/bulk_import",
            json={"contacts": too_many},
            headers=headers,
            timeout=TIMEOUT,
        )
        assert refused.status_code == 400
        assert refused.json()["success"] == 0


def test_bulk_import_validation_names_rows_and_queues_nothing(clock):
    emulator = ActiveCampaignEmulator(clock=clock, calls_per_window=None)
    with SandboxServer(emulator) as server:
        url = server.url + "/api/3/import/bulk_import"
        rows = [{"email": f"ok{i}@example.com"} for i in range(3)]
        rows[1] = {"email": "broken"}
        answer = requests.post(
            url,
            json={"contacts": rows},
            headers={"Api-Token": DEFAULT_KEY},
            timeout=TIMEOUT,
        )
        assert answer.status_code == 400
        body = answer.json()
        assert body["success"] == 0
        assert "not queued" in body["message"]
        assert [r["contact"] for r in body["failureReasons"]] == [1]
        assert "email" in body["failureReasons"][0]["failureReason"]
        assert not emulator.batches and not emulator.contacts
        emulator.bulk_index_base = 1  # the other reading of the reference
        answer = requests.post(
            url,
            json={"contacts": rows},
            headers={"Api-Token": DEFAULT_KEY},
            timeout=TIMEOUT,
        )
        assert [r["contact"] for r in answer.json()["failureReasons"]] == [2]


def test_bulk_import_per_minute_limit(clock):
    emulator = ActiveCampaignEmulator(clock=clock, calls_per_window=None)
    emulator.bulk_single.configure(calls=2)
    with SandboxServer(emulator) as server:
        headers = {"Api-Token": DEFAULT_KEY}
        url = server.url + "/api/3/import/bulk_import"
        body = {"contacts": [{"email": "one@example.com"}]}
        statuses = [
            requests.post(url, json=body, headers=headers, timeout=TIMEOUT).status_code
            for __ in range(3)
        ]
        assert statuses == [200, 200, 400]
        refusal = requests.post(url, json=body, headers=headers, timeout=TIMEOUT)
        assert refusal.json()["message"] == "Rate limit exceeded."
        assert "per minute" in refusal.json()["failureReasons"][0]
        clock.advance(60)
        assert (
            requests.post(url, json=body, headers=headers, timeout=TIMEOUT).status_code
            == 200
        )


def test_tags_accounts_and_deals(api, emulator):
    contact = api(
        "POST", "/contact/sync", json={"contact": {"email": "d@example.com"}}
    ).json()["contact"]
    tag = api("POST", "/tags", json={"tag": {"tag": "Odoo-Customer"}}).json()["tag"]
    assert (
        api("POST", "/tags", json={"tag": {"tag": "odoo-customer"}}).status_code == 422
    )
    link = api(
        "POST",
        "/contactTags",
        json={"contactTag": {"contact": contact["id"], "tag": tag["id"]}},
    ).json()["contactTag"]
    detail = api("GET", f"/contacts/{contact['id']}").json()
    assert "contactTags" not in detail, "Retrieve a contact side-loads no tags"
    assert "contactLists" in detail and "fieldValues" in detail
    tags = api("GET", f"/contacts/{contact['id']}/contactTags").json()
    assert [t["tag"] for t in tags["contactTags"]] == [tag["id"]]
    assert api("GET", f"/tags/{tag['id']}").json()["tag"]["tag"] == "Odoo-Customer"
    assert api("DELETE", f"/contactTags/{link['id']}").status_code == 200
    account = api("POST", "/accounts", json={"account": {"name": "Acme"}}).json()[
        "account"
    ]
    assert (
        api("POST", "/accounts", json={"account": {"name": "acme"}}).status_code == 422
    )
    member = {"account": account["id"], "contact": contact["id"], "jobTitle": "CTO"}
    assert (
        api("POST", "/accountContacts", json={"accountContact": member}).status_code
        == 201
    )
    stages = api("GET", "/dealStages", params={"filters[d_groupid]": "1"}).json()
    assert [s["title"] for s in stages["dealStages"]][:2] == ["Qualified", "Proposal"]
    deal = {
        "title": "SO001",
        "contact": contact["id"],
        "value": 12345,
        "currency": "usd",
        "group": "1",
        "stage": "2",
    }
    created = api("POST", "/deals", json={"deal": deal})
    assert created.status_code == 201
    assert created.json()["deal"]["value"] == "12345"
    wrong = api(
        "PUT", f"/deals/{created.json()['deal']['id']}", json={"deal": {"stage": "9"}}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["code"] == "stage_invalid"
    upper = dict(deal, currency="USD")
    assert api("POST", "/deals", json={"deal": upper}).status_code == 422


def test_webhook_posts_form_encoded_once(api, emulator):
    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append(
                (self.headers["Content-Type"], self.rfile.read(length).decode())
            )
            self.send_response(500)  # never retried, whatever we answer
            self.end_headers()

        def log_message(self, *args):
            pass

    hook_server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=hook_server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{hook_server.server_port}/hook"
        answer = api(
            "POST",
            "/webhooks",
            json={
                "webhook": {
                    "name": "odoo",
                    "url": url,
                    "events": ["unsubscribe"],
                    "sources": ["public", "admin", "system"],
                }
            },
        )
        assert answer.status_code == 201
        [contact_id] = emulator.seed(1)
        assert emulator.unsubscribe(contact_id) == [500]
        assert emulator.emit("unsubscribe", contact_id, initiated_by="api") == []
        assert emulator.emit("update", contact_id) == []
    finally:
        hook_server.shutdown()
        hook_server.server_close()
    assert len(received) == 1
    ctype, body = received[0]
    assert ctype == "application/x-www-form-urlencoded"
    form = dict(urllib.parse.parse_qsl(body))
    assert form["type"] == "unsubscribe"
    assert form["contact[id]"] == contact_id
    assert form["contact[email]"] == "person0@example.com"
    assert form["list"] == "1"
    assert emulator.contact_lists[(contact_id, "1")] == 2


def test_lost_answer_after_an_applied_deal_and_the_look_ups(api, emulator):
    """A burst with ``applied`` carries the write out and loses its answer;
    the deal is then found by ``filters[title]``/``filters[group]``, and an
    account link by ``filters[contact]``/``filters[account]``."""
    contact = api(
        "POST", "/contact/sync", json={"contact": {"email": "l@example.com"}}
    ).json()["contact"]
    deal = {
        "title": "SO042 - Lost",
        "contact": contact["id"],
        "value": 1,
        "currency": "usd",
        "group": "1",
        "stage": "1",
    }
    emulator.faults.configure(
        paths=["/api/3/deals"], burst={"status": 504, "count": 1, "applied": True}
    )
    assert api("POST", "/deals", json={"deal": deal}).status_code == 504
    assert len(emulator.deals) == 1, "the write was carried out"
    found = api(
        "GET",
        "/deals",
        params={"filters[title]": "SO042 - Lost", "filters[group]": "1"},
    ).json()["deals"]
    assert [d["title"] for d in found] == ["SO042 - Lost"]
    other = api("GET", "/deals", params={"filters[title]": "SO043 - Lost"}).json()
    assert other["deals"] == [] and other["meta"]["total"] == "0"
    account = api("POST", "/accounts", json={"account": {"name": "Lost Inc"}}).json()
    member = {"account": account["account"]["id"], "contact": contact["id"]}
    api("POST", "/accountContacts", json={"accountContact": member})
    links = api(
        "GET",
        "/accountContacts",
        params={"filters[contact]": contact["id"], "filters[account]": "999"},
    ).json()
    assert links["accountContacts"] == []
    params = {"filters[contact]": contact["id"], "filters[account]": member["account"]}
    links = api("GET", "/accountContacts", params=params).json()
    assert len(links["accountContacts"]) == 1


def test_an_unsubscribed_contact_is_never_subscribed_again(api, emulator):
    [contact] = emulator.seed(1)
    emulator.unsubscribe(contact, emit=False)
    answer = api(
        "POST",
        "/contactLists",
        json={"contactList": {"list": "1", "contact": contact, "status": 1}},
    )
    assert answer.status_code == 201
    assert emulator.contact_lists[(contact, "1")] == 2
    queued = api(
        "POST",
        "/import/bulk_import",
        json={
            "contacts": [
                {"email": "person0@example.com", "subscribe": [{"listid": 1}]},
                {"email": "new@example.com", "subscribe": [{"listid": 1}]},
                {"email": "gone@example.com", "unsubscribe": [{"listid": 1}]},
            ]
        },
    ).json()
    done = api("GET", "/import/info", params={"batchId": queued["batchId"]}).json()
    ids = {emulator.contacts[i]["email"]: i for i in done["success"]}
    assert emulator.contact_lists[(contact, "1")] == 2
    assert emulator.contact_lists[(ids["new@example.com"], "1")] == 1
    assert emulator.contact_lists[(ids["gone@example.com"], "1")] == 2
    assert emulator.stats["resubscribe_attempts"] == 2
    assert emulator.resubscribe_log == [
        (contact, "POST /contactLists"),
        (contact, "bulk_import subscribe"),
    ]


def test_delete_contact_then_404(api, emulator):
    """Delete a contact: 200 {} and the contact is gone (email free again)."""
    created = api("POST", "/contact/sync", json={"contact": {"email": "del@x.com"}})
    contact_id = created.json()["contact"]["id"]
    gone = api("DELETE", f"/contacts/{contact_id}")
    assert gone.status_code == 200
    assert gone.json() == {}
    assert api("GET", f"/contacts/{contact_id}").status_code == 404
    assert api("DELETE", f"/contacts/{contact_id}").status_code == 404
    again = api("POST", "/contact/sync", json={"contact": {"email": "del@x.com"}})
    assert again.status_code == 201, "a new contact, not the deleted one"
    assert again.json()["contact"]["id"] != contact_id
