"""Tier-1 tests of the Marketo Engage emulator (``tests/sandbox/marketo.py``).

The emulator is what ``connector_marketo`` is tested and benchmarked
against, so every Marketo behaviour it claims is checked over HTTP: the
identity service (same token, remaining lifetime), the HTTP 200 error
envelope with string codes, the three limits with Marketo's codes and reset
time, per-record upsert statuses and every reason code, the paging-token
feeds with short pages, ``_method=GET``, 413 / 414, companies, programs and
the bulk extract lifecycle. Tests that are not about limits lift them, and
time is a ``ManualClock`` wherever it matters, so nothing depends on speed.

Run: ``python -m pytest -p no:odoo tests/tier1/test_sandbox_marketo.py``.
"""

import datetime as dt
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.sandbox.faults import Faults
from tests.sandbox.limits import ManualClock
from tests.sandbox.marketo import (
    ACTIVITY_TYPES,
    MarketoEmulator,
    decode_token,
    encode_token,
)
from tests.sandbox.server import SandboxServer

TIMEOUT = 5
ROOT = Path(__file__).resolve().parents[2]
MORNING = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC).timestamp()
CREDENTIALS = {
    "grant_type": "client_credentials",
    "client_id": "mkto-client",
    "client_secret": "mkto-secret",
}
NO_LIMITS = {"calls_per_window": None, "max_concurrent": None, "daily_quota": None}
SINCE_2000 = "2000-01-01T00:00:00Z"
NONE = {"window": 0, "concurrency": 0, "quota": 0}


def iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


class Client:
    """A minimal Marketo client: a session, the base URL, a bearer token."""

    def __init__(self, url):
        self.url = url
        self.session = requests.Session()
        self.session.trust_env = False
        self.token = None

    def login(self, method="GET", **credentials):
        """Identity call, credentials in the query string (as Marketo's
        documentation shows) or, with ``method="POST"``, in a form body."""
        values = {**CREDENTIALS, **credentials}
        if method == "GET":
            answer = self.session.get(
                self.url + "/identity/oauth/token", params=values, timeout=TIMEOUT
            )
        else:
            answer = self.session.post(
                self.url + "/identity/oauth/token", data=values, timeout=TIMEOUT
            )
        if answer.status_code == 200:
            self.token = answer.json()["access_token"]
            self.session.headers["Authorization"] = f"Bearer {self.token}"
        return answer

    def get(self, path, **params):
        return self.session.get(self.url + path, params=params, timeout=TIMEOUT)

    def post(self, path, json=None, **kwargs):  # the natural name, as requests
        return self.session.post(self.url + path, json=json, timeout=TIMEOUT, **kwargs)

    def upsert(self, records, **options):
        return self.post("/rest/v1/leads.json", json={**options, "input": records})

    def since(self, moment=SINCE_2000):
        body = ok(
            self.get("/rest/v1/activities/pagingtoken.json", sinceDatetime=moment)
        )
        return body["nextPageToken"]

    def feed(self, path, token, **params):
        """Every page of an activity feed: the pages' bodies, in order."""
        pages = []
        while True:
            body = ok(self.get(path, nextPageToken=token, **params))
            pages.append(body)
            token = body["nextPageToken"]
            if not body["moreResult"]:
                return pages


def ok(answer) -> dict:
    """The body of a successful Marketo answer."""
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["success"] is True, body
    assert body["requestId"]
    return body


def failed(answer) -> tuple[str, str]:
    """``(code, message)`` of a Marketo error envelope (always HTTP 200)."""
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["success"] is False, body
    assert body["requestId"]
    [error] = body["errors"]
    assert isinstance(error["code"], str)
    return error["code"], error["message"]


def reasons(results) -> list:
    """Status, or skip code, of each per-record result."""
    return [
        r["status"] if r["status"] != "skipped" else r["reasons"][0]["code"]
        for r in results
    ]


@pytest.fixture
def start():
    """``start(**options)`` → ``(emulator, logged-in client)``; stopped after."""
    servers = []

    def _start(**options):
        emulator = MarketoEmulator(**{**NO_LIMITS, **options})
        server = SandboxServer(emulator).start()
        servers.append(server)
        client = Client(server.url)
        assert client.login().status_code == 200
        return emulator, client

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture
def marketo(start):
    return start(clock=ManualClock(MORNING))


# ----------------------------------------------------------------------
# identity and the envelope
# ----------------------------------------------------------------------


def test_token_is_reused_with_its_remaining_lifetime(start):
    clock = ManualClock(MORNING)
    emulator, client = start(clock=clock)
    first = client.login().json()
    assert set(first) == {"access_token", "token_type", "expires_in", "scope"}
    assert re.fullmatch(r"[0-9a-f-]{36}:ab", first["access_token"])
    assert (first["token_type"], first["expires_in"], first["scope"]) == (
        "bearer",
        3599,
        "api@example.com",
    )
    clock.advance(100)
    again = client.login(method="POST").json()  # form body works too
    assert again["access_token"] == first["access_token"]
    assert again["expires_in"] == 3499
    assert emulator.stats["tokens_issued"] == 1, "a reused token is not new"
    clock.advance(3500)
    fresh = client.login().json()
    assert fresh["access_token"] != first["access_token"]
    assert fresh["expires_in"] == 3599
    assert emulator.stats["tokens_issued"] == 2


def test_identity_refusals(marketo):
    emulator, client = marketo
    for wrong in ({"client_secret": "nope"}, {"client_id": "someone"}):
        answer = client.login(**wrong)
        assert (answer.status_code, answer.json()) == (
            401,
            {"error": "unauthorized", "error_description": "Bad client credentials"},
        )
    missing = client.session.get(
        client.url + "/identity/oauth/token",
        params={"client_id": "mkto-client", "client_secret": "mkto-secret"},
        timeout=TIMEOUT,
    )
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    grant = client.login(grant_type="password")
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    assert emulator.stats["tokens_issued"] == 1


def test_601_602_and_the_query_parameter_token(start):
    clock = ManualClock(MORNING)
    emulator, client = start(clock=clock, daily_quota=1000, calls_per_window=100)
    describe = client.url + "/rest/v1/leads/describe.json"
    anonymous = requests.get(describe, timeout=TIMEOUT)
    assert failed(anonymous) == ("601", "Access token invalid")
    forged = requests.get(
        describe, headers={"Authorization": "Bearer forged:ab"}, timeout=TIMEOUT
    )
    assert failed(forged)[0] == "601"
    # a valid token in the query string is not looked at: the header or 601
    in_query = requests.get(
        describe, params={"access_token": client.token}, timeout=TIMEOUT
    )
    assert failed(in_query)[0] == "601"
    ok(client.get("/rest/v1/leads/describe.json"))
    clock.advance(3600)
    assert failed(client.get("/rest/v1/leads/describe.json")) == (
        "602",
        "Access token expired",
    )
    assert client.login().json()["expires_in"] == 3599
    ok(client.get("/rest/v1/leads/describe.json"))
    emulator.faults.configure(expire_tokens=True)
    assert failed(client.get("/rest/v1/leads/describe.json"))[0] == "602"
    # 601 / 602 consume no limit: only the two successful calls counted
    assert emulator.limits.state["quota_used"] == 2


def test_unknown_resources_and_methods(marketo):
    _emulator, client = marketo
    assert failed(client.get("/rest/v1/nothing.json"))[0] == "610"
    assert failed(client.get("/bulk/v1/nothing.json"))[0] == "610"
    assert failed(client.get("/rest/v1/leads/delete.json")) == (
        "605",
        "HTTP Method not supported",
    )
    elsewhere = client.get("/elsewhere")
    assert (elsewhere.status_code, elsewhere.text) == (404, "Not Found\n")


def test_request_size_limits_413_414_and_method_get(marketo):
    emulator, client = marketo
    emulator.seed(3)
    emails = [f"someone.with.a.long.name.{i}@example.com" for i in range(299)]
    emails.append("person2@example.com")
    params = {"filterType": "email", "filterValues": ",".join(emails)}
    too_long = client.get("/rest/v1/leads.json", **params)
    assert too_long.status_code == 414
    assert too_long.headers["Content-Type"].startswith("text/plain")
    # Marketo's way around it: POST, _method=GET, the query in a form body
    as_post = client.post("/rest/v1/leads.json", params={"_method": "GET"}, data=params)
    assert [lead["email"] for lead in ok(as_post)["result"]] == ["person2@example.com"]
    huge = client.upsert([{"email": "big@example.com", "firstName": "x" * 1_100_000}])
    assert huge.status_code == 413
    assert emulator.find_by_email("big@example.com") is None
    stats = emulator.stats
    assert stats["per_route"]["GET /rest/v1/leads.json"] == 1
    assert stats["per_route"]["POST /rest/v1/leads.json"] == 2
    assert stats["per_status"]["414"] == stats["per_status"]["413"] == 1
    assert emulator.limits.state["quota_used"] == 1, "only the POST was counted"


def test_body_errors(marketo):
    _emulator, client = marketo
    bad_json = client.post(
        "/rest/v1/leads.json",
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    assert failed(bad_json) == ("609", "Invalid JSON")
    as_form = client.post("/rest/v1/leads.json", data={"input": "x"})
    assert failed(as_form) == ("612", "Invalid Content Type")
    assert failed(client.post("/rest/v1/leads.json", json=[]))[0] == "609"


# ----------------------------------------------------------------------
# reading leads
# ----------------------------------------------------------------------


def test_describe_and_describe2(marketo):
    _emulator, client = marketo
    fields = {
        f["rest"]["name"]: f
        for f in ok(client.get("/rest/v1/leads/describe.json"))["result"]
    }
    for name in (
        "id",
        "email",
        "firstName",
        "lastName",
        "phone",
        "mobilePhone",
        "company",
        "title",
        "address",
        "city",
        "state",
        "postalCode",
        "country",
        "leadScore",
        "externalCompanyId",
        "persona",
        "segment",
        "updatedAt",
        "createdAt",
    ):
        assert name in fields, name
    assert fields["email"]["dataType"] == "email"
    assert fields["email"]["length"] == 255
    assert fields["leadScore"]["dataType"] == "integer"
    assert fields["id"]["rest"]["readOnly"] is True
    assert fields["firstName"]["rest"]["readOnly"] is False
    assert all(isinstance(f["id"], int) and f["displayName"] for f in fields.values())
    [described] = ok(client.get("/rest/v1/leads/describe2.json"))["result"]
    searchable = {name for [name] in described["searchableFields"]}
    assert {"id", "email", "externalCompanyId", "persona", "segment"} <= searchable
    assert "firstName" not in searchable


def test_leads_by_filter_type(marketo):
    emulator, client = marketo
    ids = emulator.seed(6)
    by_id = ok(
        client.get(
            "/rest/v1/leads.json",
            filterType="id",
            filterValues=f"{ids[2]},{ids[0]},999999",
        )
    )
    assert [lead["id"] for lead in by_id["result"]] == [ids[0], ids[2]]
    assert set(by_id["result"][0]) == {
        "id",
        "email",
        "updatedAt",
        "createdAt",
        "firstName",
        "lastName",
    }
    assert by_id["result"][0]["createdAt"] == iso(MORNING - 5)
    by_email = ok(
        client.get(
            "/rest/v1/leads.json",
            filterType="email",
            filterValues="PERSON5@example.com, person1@example.com",
            fields="email,phone,leadScore,country,company",
        )
    )["result"]
    assert by_email == [
        {
            "id": ids[0],
            "email": "person1@example.com",
            "phone": "+33610000001",
            "leadScore": 37,
            "country": "Germany",
            "company": "Company 1",
        },
        {
            "id": ids[4],
            "email": "person5@example.com",
            "phone": None,
            "leadScore": 84,
            "country": "Italy",
            "company": "Company 5",
        },
    ]
    emulator.touch(ids[3], segment="SMB")
    custom = ok(
        client.get(
            "/rest/v1/leads.json",
            filterType="segment",
            filterValues="smb",
            fields="segment",
        )
    )
    assert custom["result"] == [{"id": ids[3], "segment": "SMB"}]
    none = ok(
        client.get(
            "/rest/v1/leads.json", filterType="email", filterValues="nobody@example.com"
        )
    )
    assert none["result"] == []
    assert "nextPageToken" not in none


def test_lead_filter_errors(marketo):
    emulator, client = marketo
    emulator.seed(1001)
    for lead_id in list(emulator.leads)[:1001]:
        emulator.touch(lead_id, segment="SMB")

    def code(**params):
        return failed(client.get("/rest/v1/leads.json", **params))

    assert code(filterType="firstName", filterValues="Bruno") == (
        "1011",
        "Field 'firstName' not supported",
    )
    assert code(filterType="colour", filterValues="red")[0] == "1006"
    assert code(filterType="id", filterValues="1", fields="id,nope") == (
        "1006",
        "Field 'nope' not found",
    )
    assert code(filterType="id", filterValues=",".join(map(str, range(1, 302))))[0] == (
        "1003"
    )
    ok(
        client.get(
            "/rest/v1/leads.json",
            filterType="id",
            filterValues=",".join(map(str, range(1, 301))),
        )
    )
    assert code(filterType="segment", filterValues="SMB") == (
        "1003",
        "Too many results match the filter",
    )
    assert code(filterValues="1")[0] == "1002"
    assert code(filterType="id")[0] == "1002"
    assert code(filterType="id", filterValues="x")[0] == "1001"
    assert code(filterType="id", filterValues="1", batchSize="301")[0] == "1003"
    assert code(filterType="id", filterValues="1", nextPageToken="garbage")[0] == (
        "1003"
    )


def test_lead_pages_and_single_lead(marketo):
    emulator, client = marketo
    ids = emulator.seed(7)
    values = ",".join(map(str, ids))
    first = ok(
        client.get(
            "/rest/v1/leads.json", filterType="id", filterValues=values, batchSize=3
        )
    )
    assert first["moreResult"] is True
    pages, token = [first], first["nextPageToken"]
    while token:
        page = ok(
            client.get(
                "/rest/v1/leads.json",
                filterType="id",
                filterValues=values,
                batchSize=3,
                nextPageToken=token,
            )
        )
        pages.append(page)
        token = page.get("nextPageToken")
    assert [len(p["result"]) for p in pages] == [3, 3, 1]
    assert [lead["id"] for p in pages for lead in p["result"]] == ids
    one = ok(client.get(f"/rest/v1/lead/{ids[1]}.json", fields="email,title"))
    assert one["result"] == [
        {"id": ids[1], "email": "person2@example.com", "title": "Marketing Manager"}
    ]
    assert ok(client.get("/rest/v1/lead/999999.json"))["result"] == []


# ----------------------------------------------------------------------
# writing leads
# ----------------------------------------------------------------------


def test_upsert_statuses_and_reasons_in_input_order(marketo):
    emulator, client = marketo
    [existing] = emulator.seed(1)
    body = ok(
        client.upsert(
            [
                {
                    "email": "new@example.com",
                    "firstName": "Ann",
                    "leadScore": "12",
                    "persona": "Buyer",
                },
                {"email": "PERSON1@Example.com", "lastName": "Updated"},
                {"email": "not-an-email"},
                {"email": "long@example.com", "firstName": "x" * 256},
                {
                    "email": "ok@example.com",
                    "lastName": "y" * 255,
                    "unsubscribed": "true",
                },
                {"email": "field@example.com", "xyz": 1},
                {"email": "score@example.com", "leadScore": "high"},
                {"email": "ro@example.com", "updatedAt": "2026-01-01T00:00:00Z"},
                {"id": existing, "email": "person1@example.com"},
                "not an object",
                {"firstName": "No email"},
                {"email": "accent-é@example.com"},
            ]
        )
    )
    results = body["result"]
    assert reasons(results) == [
        "created",
        "updated",
        "1001",
        "1003",
        "created",
        "1006",
        "1001",
        "1003",
        "1003",
        "1003",
        "1002",
        "1001",
    ]
    messages = [r["reasons"][0]["message"] for r in results if "reasons" in r]
    assert messages[0] == "Invalid value 'not-an-email'. Required of type 'email'"
    assert "longer than 255" in messages[1]
    assert messages[2] == "Field 'xyz' not found"
    assert "integer" in messages[3]
    assert "read-only" in messages[4]
    assert messages[5] == "Invalid data", "id with createOrUpdate (Error Codes 1003)"
    assert all("id" not in r for r in results if r["status"] == "skipped")
    assert results[1]["id"] == existing
    created = emulator.leads[results[0]["id"]]
    assert (created["firstName"], created["leadScore"], created["persona"]) == (
        "Ann",
        12,
        "Buyer",
    )
    assert emulator.find_by_email("ok@example.com")["unsubscribed"] is True
    assert emulator.leads[existing]["lastName"] == "Updated"
    assert emulator.leads[existing]["email"] == "person1@example.com"
    assert emulator.find_by_email("long@example.com") is None, "skips write nothing"
    stats = emulator.stats
    assert (stats["leads_created"], stats["leads_updated"], stats["leads_skipped"]) == (
        2,
        1,
        9,
    )


def test_upsert_actions_and_lookup_fields(marketo):
    emulator, client = marketo
    a, b = emulator.seed(2)

    def statuses(records, **options):
        return reasons(ok(client.upsert(records, **options))["result"])

    assert statuses(
        [{"email": "person1@example.com"}, {"email": "c@example.com"}],
        action="createOnly",
    ) == ["1005", "created"]
    assert statuses(
        [{"email": "d@example.com"}, {"email": "person2@example.com"}],
        action="updateOnly",
    ) == ["1004", "updated"]
    # createDuplicate creates even when the email exists; then lookups are
    # ambiguous: 1007
    dup = ok(
        client.upsert([{"email": "person1@example.com"}], action="createDuplicate")
    )["result"][0]
    assert dup["status"] == "created"
    assert dup["id"] not in (a, b)
    assert statuses([{"email": "Person1@example.com", "firstName": "Z"}]) == ["1007"]
    skipped = ok(client.upsert([{"email": "person1@example.com"}]))["result"][0]
    assert skipped["reasons"] == [
        {"code": "1007", "message": "Multiple lead match lookup criteria"}
    ]
    assert emulator.find_by_email("person1@example.com")["id"] == a, "lowest id"
    # by id: updates (also the email), but cannot create; an id goes only
    # with updateOnly (Leads, "Create and Update"), whatever the lookup field
    assert statuses(
        [
            {"id": b, "email": "renamed@example.com", "leadStatus": "Won"},
            {"id": 424242, "firstName": "Ghost"},
        ],
        action="updateOnly",
        lookupField="id",
    ) == ["updated", "1004"]
    for action in ("createOrUpdate", "createDuplicate"):
        assert statuses(
            [{"id": b, "leadStatus": "Lost"}], action=action, lookupField="id"
        ) == ["1003"]
    assert emulator.leads[b]["leadStatus"] == "Won"
    assert emulator.find_by_email("renamed@example.com")["leadStatus"] == "Won"
    assert emulator.find_by_email("person2@example.com") is None
    assert statuses(
        [{"externalCompanyId": "odoo-1", "firstName": "Co"}],
        lookupField="externalCompanyId",
    ) == ["created"]
    assert statuses([{"email": "e@example.com", "id": 9}], action="createOnly") == [
        "1003"
    ]
    # request-level refusals write nothing
    before = len(emulator.leads)
    assert (
        failed(client.upsert([{"email": "x@example.com"}], lookupField="firstName"))[0]
        == "1011"
    )
    assert (
        failed(client.upsert([{"email": "x@example.com"}], lookupField="nope"))[0]
        == "1006"
    )
    assert (
        failed(client.upsert([{"email": "x@example.com"}], action="upsert"))[0]
        == "1003"
    )
    too_many = client.upsert([{"email": f"m{i}@example.com"} for i in range(301)])
    assert failed(too_many) == ("1003", "Too many inputs: at most 300 per call")
    assert (
        failed(client.post("/rest/v1/leads.json", json={"action": "createOnly"}))[0]
        == "1002"
    )
    assert len(emulator.leads) == before
    ok(client.upsert([{"email": f"m{i}@example.com"} for i in range(300)]))
    assert len(emulator.leads) == before + 300


def test_changes_are_logged_and_a_no_op_is_not(marketo):
    emulator, client = marketo
    [lead_id] = emulator.seed(1)
    token = client.since(iso(MORNING + 1))
    before = dict(emulator.leads[lead_id])
    same = ok(
        client.upsert(
            [{"email": "person1@example.com", "lastName": before["lastName"]}]
        )
    )
    assert same["result"] == [{"id": lead_id, "status": "updated"}]
    assert emulator.leads[lead_id] == before, "no change, no new updatedAt"
    emulator.clock.advance(5)
    ok(
        client.upsert(
            [{"email": "person1@example.com", "firstName": "New", "city": "Lyon"}]
        )
    )
    assert emulator.leads[lead_id]["updatedAt"] == iso(MORNING + 5)
    [page] = client.feed(
        "/rest/v1/activities/leadchanges.json", token, fields="firstName,city"
    )
    changes = [(a["activityTypeId"], a["fields"]) for a in page["result"]]
    assert changes == [
        (
            13,
            [
                {
                    "id": emulator.fields["firstName"].id,
                    "name": "firstName",
                    "newValue": "New",
                    "oldValue": "Bruno",
                }
            ],
        ),
        (
            13,
            [
                {
                    "id": emulator.fields["city"].id,
                    "name": "city",
                    "newValue": "Lyon",
                    "oldValue": None,
                }
            ],
        ),
    ]
    attributes = {a["name"]: a["value"] for a in page["result"][0]["attributes"]}
    assert attributes["Source"] == "Web service API"


def test_delete_leads_and_the_deleted_leads_feed(marketo):
    emulator, client = marketo
    a, b = emulator.seed(2)
    emulator.set_program_status(1001, [a])
    token = client.since(iso(MORNING))
    body = ok(
        client.post(
            "/rest/v1/leads/delete.json", json={"input": [{"id": a}, {"id": 777}]}
        )
    )
    assert body["result"][0] == {"id": a, "status": "deleted"}
    assert body["result"][1]["reasons"][0]["code"] == "1004"
    assert a not in emulator.leads
    assert emulator.program_members(1001) == {}
    emulator.delete_lead(b)
    [page] = client.feed("/rest/v1/activities/deletedleads.json", token)
    assert [(x["leadId"], x["activityTypeId"]) for x in page["result"]] == [
        (a, 37),
        (b, 37),
    ]
    assert page["result"][0]["primaryAttributeValue"] == "Bruno Martin"


# ----------------------------------------------------------------------
# feeds: paging tokens, short pages
# ----------------------------------------------------------------------


def test_lead_changes_feed_has_short_pages_and_resumes(start):
    emulator, client = start(clock=ManualClock(MORNING), scan_chunk=500)
    ids = emulator.seed(700)
    pages = client.feed(
        "/rest/v1/activities/leadchanges.json",
        client.since(),
        fields="firstName,lastName,email",
    )
    # a page never crosses a 500-entry slice: short pages while moreResult
    assert [(len(p["result"]), p["moreResult"]) for p in pages] == [
        (300, True),
        (200, True),
        (200, False),
    ]
    activities = [a for p in pages for a in p["result"]]
    assert [a["leadId"] for a in activities] == ids
    assert {a["activityTypeId"] for a in activities} == {12}
    first = activities[0]
    assert set(first) == {
        "id",
        "marketoGUID",
        "leadId",
        "activityDate",
        "activityTypeId",
        "fields",
        "attributes",
    }
    assert isinstance(first["marketoGUID"], str)
    assert first["activityDate"] == iso(MORNING - 699)
    # the last token resumes: only what happened since
    token = pages[-1]["nextPageToken"]
    emulator.touch(ids[0], firstName="Changed")
    emulator.touch(ids[1], leadScore=99)  # Change Score, not a data value change
    emulator.touch(ids[2], title="Boss")  # a field the feed was not asked for
    [later] = client.feed(
        "/rest/v1/activities/leadchanges.json", token, fields="firstName,lastName,email"
    )
    assert [(a["leadId"], a["fields"][0]["name"]) for a in later["result"]] == [
        (ids[0], "firstName")
    ]
    assert later["result"][0]["fields"][0]["oldValue"] == "Bruno"
    [scores] = client.feed("/rest/v1/activities.json", token, activityTypeIds="22")
    [score] = scores["result"]
    assert (score["leadId"], score["primaryAttributeValue"]) == (ids[1], "Lead Score")
    values = {a["name"]: a["value"] for a in score["attributes"]}
    assert (values["New Value"], values["Old Value"], values["Change Value"]) == (
        "99",
        "74",
        "+25",
    )


def test_paging_token_dates_and_errors(marketo):
    emulator, client = marketo
    emulator.seed(3)  # created at MORNING-2, -1, 0
    token = client.since(iso(MORNING - 1))
    assert decode_token(token, "A", 2) == (int(MORNING - 1), 0)
    [page] = client.feed("/rest/v1/activities/leadchanges.json", token, fields="email")
    assert len(page["result"]) == 2, "the token's second is included"
    offset = client.since("2026-11-23T05:00:00-05:00")  # same instant as MORNING
    assert decode_token(offset, "A", 2) == (int(MORNING), 0)

    def code(path, **params):
        return failed(client.get(path, **params))[0]

    assert (
        code("/rest/v1/activities/pagingtoken.json", sinceDatetime="yesterday") == "704"
    )
    assert code("/rest/v1/activities/pagingtoken.json") == "1002"
    feed = "/rest/v1/activities/leadchanges.json"
    assert code(feed, nextPageToken=token) == "1002", "fields are required"
    assert code(feed, nextPageToken=token, fields="nope") == "1006"
    assert code(feed, fields="email") == "1002"
    assert code(feed, nextPageToken="garbage", fields="email") == "1003"
    lead_page_token = encode_token("L", 0)  # a lead-page token, not a feed one
    assert code(feed, nextPageToken=lead_page_token, fields="email") == "1003"
    # clients that strip the padding are forgiven
    ok(client.get(feed, nextPageToken=token.rstrip("="), fields="email"))


def test_activity_feed_types_filters_and_empty_pages(start):
    emulator, client = start(clock=ManualClock(MORNING), scan_chunk=100)
    ids = emulator.seed(250)
    types = {
        t["id"]: t for t in ok(client.get("/rest/v1/activities/types.json"))["result"]
    }
    expected = {
        1: "Visit Webpage",
        2: "Fill Out Form",
        3: "Click Link",
        6: "Send Email",
        7: "Email Delivered",
        8: "Email Bounced",
        9: "Unsubscribe Email",
        10: "Open Email",
        11: "Click Email",
        12: "New Lead",
        13: "Change Data Value",
        22: "Change Score",
        37: "Delete Lead",
    }
    assert {i: types[i]["name"] for i in expected} == expected
    assert types[10]["primaryAttribute"] == {
        "name": "Mailing ID",
        "dataType": "integer",
    }
    opened = emulator.add_activity(
        ids[7], 10, primaryAttributeValue="Newsletter", attributes={"Device": "Phone"}
    )
    pages = client.feed(
        "/rest/v1/activities.json", client.since(), activityTypeIds="10,11"
    )
    # 250 New Lead entries first: empty pages while moreResult is true
    assert [(len(p["result"]), p["moreResult"]) for p in pages] == [
        (0, True),
        (0, True),
        (1, False),
    ]
    [activity] = pages[-1]["result"]
    assert activity == {
        "id": opened["id"],
        "marketoGUID": str(opened["id"]),
        "leadId": ids[7],
        "activityDate": iso(MORNING),
        "activityTypeId": 10,
        "primaryAttributeValueId": opened["primaryAttributeValueId"],
        "primaryAttributeValue": "Newsletter",
        "attributes": [{"name": "Device", "value": "Phone"}],
    }
    emulator.add_activity(
        ids[8], 11, primaryAttributeValue="Newsletter", Link="https://example.com/x"
    )
    token = pages[-1]["nextPageToken"]
    repeated = ok(
        client.session.get(
            client.url + "/rest/v1/activities.json",
            params=[
                ("nextPageToken", token),
                ("activityTypeIds", "10"),
                ("activityTypeIds", "11"),
            ],
            timeout=TIMEOUT,
        )
    )
    assert [a["activityTypeId"] for a in repeated["result"]] == [11]
    by_lead = client.feed(
        "/rest/v1/activities.json",
        client.since(),
        activityTypeIds="12",
        leadIds=f"{ids[3]},{ids[200]}",
    )
    assert [a["leadId"] for p in by_lead for a in p["result"]] == [ids[3], ids[200]]
    too_many = client.get(
        "/rest/v1/activities.json",
        nextPageToken=token,
        activityTypeIds=",".join(map(str, range(1, 12))),
    )
    assert failed(too_many)[0] == "1003"
    assert failed(client.get("/rest/v1/activities.json", nextPageToken=token))[0] == (
        "1002"
    )


def test_seed_activities_is_deterministic():
    one = MarketoEmulator(clock=ManualClock(MORNING))
    two = MarketoEmulator(clock=ManualClock(MORNING))
    for emulator in (one, two):
        emulator.seed(20)
        emulator.seed_activities(60)
    logged = one.activities()
    assert logged == two.activities()
    engagement = [a for a in logged if a["activityTypeId"] != 12]
    assert len(engagement) == 60
    assert {a["activityTypeId"] for a in engagement} == {1, 2, 3, 6, 7, 8, 9, 10, 11}
    clicks = [a for a in engagement if a["activityTypeId"] == 11]
    assert all(any(x["name"] == "Link" for x in a["attributes"]) for a in clicks)
    with pytest.raises(ValueError, match="unknown activity type"):
        one.seed_activities(1, type_ids=[999])
    with pytest.raises(ValueError, match="unknown activity type"):
        one.add_activity(1, 999)


# ----------------------------------------------------------------------
# limits: Marketo's numbers and codes
# ----------------------------------------------------------------------


def test_default_limits_are_marketos():
    config = MarketoEmulator().limits.config
    assert config == {
        "calls_per_window": 100,
        "window_seconds": 20.0,
        "max_concurrent": 10,
        "daily_quota": 50000,
        "quota_reset_at": "00:00:00 America/Chicago",
    }


def test_rate_limit_606():
    clock = ManualClock(MORNING)
    emulator = MarketoEmulator(clock=clock, daily_quota=None)
    with SandboxServer(emulator) as server:
        client = Client(server.url)
        client.login()
        for _i in range(3):  # 601s are not counted against the window
            failed(
                requests.get(
                    server.url + "/rest/v1/leads/describe.json", timeout=TIMEOUT
                )
            )
        answers = [client.get("/rest/v1/activities/types.json") for _i in range(101)]
        assert all(a.json()["success"] for a in answers[:100])
        assert failed(answers[100]) == (
            "606",
            "Max rate limit '100' exceeded with in '20' secs",
        )
        assert client.login().status_code == 200, "identity is not limited"
        clock.set(MORNING + 19.9)
        assert failed(client.get("/rest/v1/activities/types.json"))[0] == "606"
        clock.set(MORNING + 20)  # the first 100 leave the 20 s window
        ok(client.get("/rest/v1/activities/types.json"))
    assert emulator.stats["violations"] == {**NONE, "window": 2}


def test_concurrency_limit_615(start):
    emulator, client = start(max_concurrent=10)
    held = [emulator.limits.acquire()[0] for _i in range(10)]  # 10 calls in flight
    assert all(held)
    assert failed(client.get("/rest/v1/activities/types.json")) == (
        "615",
        "Concurrent access limit reached",
    )
    held.pop().release()
    ok(client.get("/rest/v1/activities/types.json"))
    for lease in held:
        lease.release()
    assert emulator.stats["violations"] == {**NONE, "concurrency": 1}


@pytest.mark.parametrize(
    ("now", "reset_at", "reset"),
    [
        # November: US Central is UTC-6, the quota resets at 06:00 UTC
        (MORNING, None, dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)),
        # July: daylight saving, UTC-5
        (
            dt.datetime(2026, 7, 15, 10, 0, tzinfo=dt.UTC).timestamp(),
            None,
            dt.datetime(2026, 7, 16, 5, 0, tzinfo=dt.UTC),
        ),
        # another time zone, as an offset
        (MORNING, "00:00+01:00", dt.datetime(2026, 11, 23, 23, 0, tzinfo=dt.UTC)),
    ],
)
def test_daily_quota_607_and_its_reset(start, now, reset_at, reset):
    clock = ManualClock(now)
    options = {"quota_reset_at": reset_at} if reset_at else {}
    # a token that outlives the jump to the reset
    emulator, client = start(clock=clock, daily_quota=3, token_ttl=86400, **options)
    for _i in range(3):
        ok(client.get("/rest/v1/activities/types.json"))
    assert failed(client.get("/rest/v1/activities/types.json")) == (
        "607",
        "Daily quota reached",
    )
    clock.set(reset.timestamp() - 1)
    assert failed(client.get("/rest/v1/activities/types.json"))[0] == "607"
    clock.advance(1)
    ok(client.get("/rest/v1/activities/types.json"))
    assert emulator.stats["violations"] == {**NONE, "quota": 2}


# ----------------------------------------------------------------------
# faults in Marketo's shapes
# ----------------------------------------------------------------------


def test_faults_answer_envelopes_or_plain_http_errors(marketo):
    emulator, client = marketo
    emulator.faults.configure(burst={"status": 200, "count": 2, "error": "606"})
    for _i in range(2):
        assert failed(client.get("/rest/v1/activities/types.json")) == (
            "606",
            "Max rate limit '100' exceeded with in '20' secs",
        )
    ok(client.get("/rest/v1/activities/types.json"))
    for code, message in (
        ("603", "Access denied"),
        ("611", "System error"),
        ("1029", "Too many jobs in queue"),
    ):
        emulator.faults.configure(burst={"status": 200, "count": 1, "error": code})
        assert failed(client.get("/rest/v1/activities/types.json")) == (code, message)
    emulator.faults.configure(burst={"status": 503, "count": 1, "retry_after": 3})
    plain = client.get("/rest/v1/activities/types.json")
    assert (plain.status_code, plain.text) == (503, "Service Unavailable\n")
    assert plain.headers["Retry-After"] == "3"
    # the same through the control endpoint; identity is never faulted
    answer = client.session.post(
        client.url + "/_sandbox/faults",
        json={"burst": {"status": 200, "count": 1, "error": "608"}},
        timeout=TIMEOUT,
    )
    assert answer.json()["burst"]["status"] == 200
    assert client.login().status_code == 200
    assert failed(client.get("/rest/v1/activities/types.json"))[0] == "608"
    assert emulator.stats["faults_injected"] == 7


def test_a_200_burst_needs_an_error_code():
    faults = Faults()
    with pytest.raises(ValueError, match="HTTP error status"):
        faults.configure(burst={"status": 200, "count": 1})
    with pytest.raises(ValueError, match="HTTP error status"):
        faults.configure(burst={"status": 201, "count": 1, "error": "606"})
    config = faults.configure(burst={"status": 200, "count": 1, "error": "606"})
    assert config["burst"]["status"] == 200
    with pytest.raises(ValueError, match="error_status must be an HTTP error"):
        faults.configure(error_status=200)


# ----------------------------------------------------------------------
# bulk lead extract
# ----------------------------------------------------------------------


def export_body(start="2026-11-01T00:00:00Z", end="2026-11-30T00:00:00Z", **extra):
    return {
        "fields": ["id", "email", "firstName", "phone"],
        "format": "CSV",
        "filter": {"createdAt": {"startAt": start, "endAt": end}},
        **extra,
    }


def test_bulk_export_lifecycle(marketo):
    emulator, client = marketo
    ids = emulator.seed(5)  # created from MORNING - 4 to MORNING
    emulator.clock.advance(10)
    emulator.seed(1, start=900)  # created after the window
    window = export_body(start=iso(MORNING - 4), end=iso(MORNING))
    created = ok(client.post("/bulk/v1/leads/export/create.json", json=window))
    created = created["result"][0]
    export_id = created["exportId"]
    assert (created["status"], created["format"]) == ("Created", "CSV")
    base = f"/bulk/v1/leads/export/{export_id}"
    not_ready = client.get(base + "/file.json")
    assert (not_ready.status_code, not_ready.headers["Content-Type"][:10]) == (
        404,
        "text/plain",
    )
    assert ok(client.get(base + "/status.json"))["result"][0]["status"] == "Created"
    queued = ok(client.post(base + "/enqueue.json"))["result"][0]
    assert (queued["status"], queued["queuedAt"]) == ("Queued", iso(MORNING + 10))
    assert failed(client.post(base + "/enqueue.json")) == ("1029", "Job already queued")
    polls = [ok(client.get(base + "/status.json"))["result"][0] for _i in range(3)]
    assert [p["status"] for p in polls] == ["Queued", "Processing", "Completed"]
    done = polls[-1]
    assert done["numberOfRecords"] == 5, "both bounds are inclusive"
    answer = client.get(base + "/file.json")
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert done["fileSize"] == len(answer.content)
    assert (
        done["fileChecksum"] == "sha256:" + hashlib.sha256(answer.content).hexdigest()
    )
    lines = answer.content.decode("utf-8").splitlines()
    assert lines[0] == "id,email,firstName,phone"
    assert lines[1] == f"{ids[0]},person1@example.com,Bruno,+33610000001"
    assert lines[5] == f"{ids[4]},person5@example.com,Farid,null"
    assert len(lines) == 6
    listed = ok(client.get("/bulk/v1/leads/export.json", status="Completed"))
    assert [job["exportId"] for job in listed["result"]] == [export_id]
    assert emulator.stats["exports_created"] == 1
    # an API error on the file endpoint is still a JSON envelope
    anonymous = requests.get(client.url + base + "/file.json", timeout=TIMEOUT)
    assert anonymous.headers["Content-Type"] == "application/json"
    assert failed(anonymous)[0] == "601"


def test_bulk_export_refusals_queue_and_outcomes(start):
    emulator, client = start(clock=ManualClock(MORNING), export_polls=0)

    def create(**kwargs):
        return client.post(
            "/bulk/v1/leads/export/create.json", json=export_body(**kwargs)
        )

    ok(create(start="2026-10-01T00:00:00Z", end="2026-11-01T00:00:00Z"))  # 31 days
    assert failed(create(start="2026-10-01T00:00:00Z", end="2026-11-01T00:00:01Z")) == (
        "1003",
        "Invalid data: the date range exceeds 31 days",
    )
    assert failed(create(end="soon"))[0] == "704"
    assert failed(create(end="2026-10-01T00:00:00Z"))[0] == "1003"
    listed = client.post(
        "/bulk/v1/leads/export/create.json",
        json={"fields": ["id"], "filter": {"staticListId": 5}},
    )
    assert failed(listed)[0] == "1035"
    unknown = client.post(
        "/bulk/v1/leads/export/create.json",
        json=export_body(fields=["id", "nope", "zip"]),
    )
    assert failed(unknown) == ("1003", "Invalid fields [nope, zip]")
    assert failed(client.get("/bulk/v1/leads/export/abc/status.json"))[0] == "1013"
    # at most 10 queued or processing
    jobs = [ok(create())["result"][0]["exportId"] for _i in range(11)]
    for export_id in jobs[:10]:
        ok(client.post(f"/bulk/v1/leads/export/{export_id}/enqueue.json"))
    assert failed(client.post(f"/bulk/v1/leads/export/{jobs[10]}/enqueue.json")) == (
        "1029",
        "Too many jobs in queue",
    )
    # export_polls=0: done at the first poll; Failed and Cancelled too
    emulator.fail_export(jobs[1])
    first = ok(client.get(f"/bulk/v1/leads/export/{jobs[0]}/status.json"))
    assert first["result"][0]["status"] == "Completed"
    failing = ok(client.get(f"/bulk/v1/leads/export/{jobs[1]}/status.json"))
    assert failing["result"][0]["status"] == "Failed"
    cancelled = ok(client.post(f"/bulk/v1/leads/export/{jobs[2]}/cancel.json"))
    assert cancelled["result"][0]["status"] == "Cancelled"
    ok(client.post(f"/bulk/v1/leads/export/{jobs[10]}/enqueue.json"))
    assert client.get(f"/bulk/v1/leads/export/{jobs[1]}/file.json").status_code == 404


# ----------------------------------------------------------------------
# programs and companies
# ----------------------------------------------------------------------


def test_program_membership(marketo):
    emulator, client = marketo
    a, b, c = emulator.seed(3)
    path = "/rest/v1/programs/1001/members"

    def status(name, *leads):
        body = {"statusName": name, "input": [{"leadId": i} for i in leads]}
        return client.post(path + "/status.json", json=body)

    first = ok(status("Member", a, b, 999999))["result"]
    assert first[:2] == [
        {"seq": 0, "leadId": a, "status": "created"},
        {"seq": 1, "leadId": b, "status": "created"},
    ]
    assert (first[2]["seq"], first[2]["reasons"][0]["code"]) == (2, "1004")
    assert reasons(ok(status("Engaged", a))["result"]) == ["updated"]
    again = ok(status("Member", a))["result"][0]  # backwards: refused
    assert again["reasons"] == [
        {
            "code": "1037",
            "message": "Lead skipped because it is already in or past this status",
        }
    ]
    assert reasons(ok(status("Engaged", a))["result"]) == ["1037"]
    assert failed(status("Attended", a)) == ("1025", "Program status not found")
    assert failed(client.post(path + "/status.json", json={"input": []}))[0] == "1002"
    unknown = client.post(
        "/rest/v1/programs/4242/members/status.json",
        json={"statusName": "Member", "input": [{"leadId": a}]},
    )
    assert failed(unknown) == ("1013", "Object not found")
    members = ok(
        client.get(path + ".json", filterType="statusName", filterValues="Member")
    )
    assert [
        (m["leadId"], m["programId"], m["statusName"]) for m in members["result"]
    ] == [(b, 1001, "Member")]
    paged = ok(
        client.get(
            path + ".json", filterType="leadId", filterValues=f"{a},{b}", batchSize=1
        )
    )
    assert (paged["result"][0]["leadId"], paged["moreResult"]) == (a, True)
    rest = ok(
        client.get(
            path + ".json",
            filterType="leadId",
            filterValues=f"{a},{b}",
            batchSize=1,
            nextPageToken=paged["nextPageToken"],
        )
    )
    assert (rest["result"][0]["leadId"], rest["moreResult"]) == (b, False)
    removed = ok(
        client.post(
            path + "/delete.json", json={"input": [{"leadId": a}, {"leadId": c}]}
        )
    )
    assert removed["result"][0] == {"seq": 0, "status": "deleted", "leadId": a}
    assert removed["result"][1]["reasons"] == [
        {"code": "1037", "message": "Lead not in program"}
    ]
    assert emulator.program_members(1001) == {b: "Member"}
    assert emulator.program_members(1002) == {}
    changes = emulator.activities(type_ids=[104])
    assert [x["leadId"] for x in changes] == [a, b, a]
    with pytest.raises(ValueError, match="not a status"):
        emulator.set_program_status(1001, [a], "Attended")
    emulator.add_program(2001, "Event", statuses=("Invited", "Attended"))
    assert reasons(emulator.set_program_status(2001, [a, c], "Attended")) == [
        "created",
        "created",
    ]


def test_companies_sync_query_and_lead_link(marketo):
    emulator, client = marketo
    body = ok(
        client.post(
            "/rest/v1/companies.json",
            json={
                "action": "createOrUpdate",
                "dedupeBy": "dedupeFields",
                "input": [
                    {"externalCompanyId": "odoo-1", "company": "Globex"},
                    {"externalCompanyId": "odoo-2", "company": "Initech"},
                    {"externalCompanyId": "odoo-1", "company": "Twice"},
                ],
            },
        )
    )["result"]
    assert [(r["seq"], r["status"]) for r in body] == [
        (0, "created"),
        (1, "created"),
        (2, "skipped"),
    ]
    assert body[2]["reasons"][0] == {
        "code": "1036",
        "message": "Duplicate object found in input",
    }
    globex = body[0]["id"]
    again = ok(
        client.post(
            "/rest/v1/companies.json",
            json={
                "input": [
                    {"externalCompanyId": "odoo-1", "company": "Globex Corp"},
                    {"company": "No key"},
                    {"externalCompanyId": "odoo-3", "colour": "red"},
                ]
            },
        )
    )["result"]
    assert again[0] == {"seq": 0, "id": globex, "status": "updated"}
    assert reasons(again) == ["updated", "1002", "1006"]

    def one(action, key):
        body = {"action": action, "input": [{"externalCompanyId": key}]}
        return reasons(ok(client.post("/rest/v1/companies.json", json=body))["result"])

    assert one("createOnly", "odoo-2") == ["1017"]
    assert one("updateOnly", "odoo-9") == ["1013"]
    found = ok(
        client.get(
            "/rest/v1/companies.json",
            filterType="externalCompanyId",
            filterValues="odoo-1,odoo-2,odoo-9",
        )
    )["result"]
    assert [(c["seq"], c["externalCompanyId"]) for c in found] == [
        (0, "odoo-1"),
        (1, "odoo-2"),
    ]
    assert set(found[0]) == {"seq", "id", "externalCompanyId", "createdAt", "updatedAt"}
    named = ok(
        client.get(
            "/rest/v1/companies.json",
            filterType="company",
            filterValues="initech",
            fields="company",
        )
    )["result"]
    assert named == [{"seq": 0, "id": body[1]["id"], "company": "Initech"}]
    assert (
        failed(
            client.get(
                "/rest/v1/companies.json", filterType="website", filterValues="x"
            )
        )[0]
        == "1003"
    )
    # a lead linked to a company reads the company's name
    lead = ok(
        client.upsert(
            [
                {
                    "email": "hank@globex.example",
                    "company": "Old",
                    "externalCompanyId": "odoo-1",
                }
            ]
        )
    )["result"][0]["id"]
    read = ok(
        client.get(
            "/rest/v1/leads.json",
            filterType="id",
            filterValues=str(lead),
            fields="company,externalCompanyId",
        )
    )["result"]
    assert read == [
        {"id": lead, "company": "Globex Corp", "externalCompanyId": "odoo-1"}
    ]
    assert "odoo-1" in str(emulator.companies)
    assert (
        emulator.find_by_email("hank@globex.example")["externalCompanyId"] == "odoo-1"
    )


# ----------------------------------------------------------------------
# concurrency: duplicates by concurrent upserts, as Marketo documents
# ----------------------------------------------------------------------


def test_concurrent_upserts_of_one_new_key_can_duplicate(start):
    emulator, client = start(race_window_ms=300)
    gate = threading.Barrier(2)
    answers = []

    def upsert():
        session = requests.Session()
        session.trust_env = False
        session.headers.update(client.session.headers)
        gate.wait(timeout=TIMEOUT)
        answers.append(
            session.post(
                client.url + "/rest/v1/leads.json",
                json={"input": [{"email": "race@example.com"}]},
                timeout=TIMEOUT,
            )
        )

    threads = [threading.Thread(target=upsert) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    results = [ok(a)["result"][0] for a in answers]
    assert [r["status"] for r in results] == ["created", "created"]
    assert results[0]["id"] != results[1]["id"]
    assert len(emulator.leads.ids_by_email("race@example.com")) == 2
    assert reasons(ok(client.upsert([{"email": "race@example.com"}]))["result"]) == [
        "1007"
    ]


# ----------------------------------------------------------------------
# Python helpers
# ----------------------------------------------------------------------


def test_seed_is_deterministic_and_continues():
    one = MarketoEmulator(clock=ManualClock(MORNING))
    two = MarketoEmulator(clock=ManualClock(MORNING))
    assert one.seed(40) == two.seed(40) == list(range(1, 41))
    assert dict(one.leads) == dict(two.leads)
    more = one.seed(2)
    assert [one.leads[i]["email"] for i in more] == [
        "person41@example.com",
        "person42@example.com",
    ]
    with pytest.raises(ValueError, match=r"person5@example\.com already exists"):
        one.seed(1, start=5)
    countries = {lead["country"] for lead in one.leads.values()}
    assert None in countries
    assert "France" in countries
    big = MarketoEmulator()
    big.seed(50000)
    assert len(big.leads) == 50000
    assert len(big.activities(type_ids=[12])) == 50000, "a New Lead activity each"


def test_touch_find_and_the_leads_mapping():
    emulator = MarketoEmulator(clock=ManualClock(MORNING))
    a, b = emulator.seed(2)
    emulator.clock.advance(10)
    changed = emulator.touch(a, firstName="Zoé", email="Zoe@Example.com")
    assert changed["updatedAt"] == iso(MORNING + 10)
    assert emulator.find_by_email(" zoe@example.COM ")["id"] == a
    assert emulator.find_by_email("person1@example.com") is None
    with pytest.raises(ValueError, match="unknown or read-only"):
        emulator.touch(a, nickname="z")
    with pytest.raises(ValueError, match="unknown or read-only"):
        emulator.touch(a, updatedAt="x")
    with pytest.raises(KeyError):
        emulator.touch(424242, firstName="x")
    del emulator.leads[b]
    assert emulator.find_by_email("person2@example.com") is None
    emulator.leads[b] = {"id": b, "email": "back@example.com"}
    assert emulator.find_by_email("back@example.com")["id"] == b
    emulator.leads.clear()
    assert emulator.find_by_email("back@example.com") is None
    assert len(emulator.activities()) == 4, "activities of deleted leads stay"
    assert emulator.seed(1, start=1) == [3], "ids are never reused"
    emulator.set_program_status(1001, [3])
    emulator.clear_data()
    assert (len(emulator.leads), emulator.activities()) == (0, [])
    assert emulator.program_members(1001) == {}
    assert emulator.seed(1, start=1) == [4]


def test_control_endpoints_report_marketo_counters(marketo):
    _emulator, client = marketo
    ok(client.upsert([{"email": "x@example.com"}, {"email": "bad"}]))
    stats = client.session.get(client.url + "/_sandbox/stats", timeout=TIMEOUT).json()
    assert (stats["tokens_issued"], stats["leads_created"], stats["leads_skipped"]) == (
        1,
        1,
        1,
    )
    limits = client.session.get(client.url + "/_sandbox/limits", timeout=TIMEOUT).json()
    assert limits["calls_per_window"] is None
    assert limits["quota_reset_at"] == "00:00:00 America/Chicago"


def test_standalone_run():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.sandbox.marketo",
            "--port",
            "0",
            "--seed",
            "7",
            "--activities",
            "5",
            "--duration",
            "20",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("marketo sandbox on http://127.0.0.1:"), first_line
        client = Client(first_line.split(" on ", 1)[1].strip())
        assert client.login().status_code == 200
        leads = ok(
            client.get(
                "/rest/v1/leads.json", filterType="id", filterValues="1,2,3,4,5,6,7,8"
            )
        )["result"]
        assert len(leads) == 7
        stats = json.loads(
            client.session.get(client.url + "/_sandbox/stats", timeout=TIMEOUT).text
        )
        assert stats["tokens_issued"] == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=TIMEOUT)
        process.stdout.close()


def test_activity_type_table_uses_marketos_ids():
    names = {type_id: spec[0] for type_id, spec in ACTIVITY_TYPES.items()}
    assert (names[1], names[10], names[12], names[13], names[104]) == (
        "Visit Webpage",
        "Open Email",
        "New Lead",
        "Change Data Value",
        "Change Status in Progression",
    )


def test_an_unsubscribed_lead_is_never_subscribed_again(marketo):
    emulator, client = marketo
    [created] = ok(client.upsert([{"email": "out@example.com", "unsubscribed": True}]))[
        "result"
    ]
    assert created["status"] == "created"
    assert emulator.stats["resubscribe_attempts"] == 0
    answer = ok(
        client.upsert(
            [{"email": "out@example.com", "firstName": "Jo", "unsubscribed": False}]
        )
    )
    assert reasons(answer["result"]) == ["updated"]
    lead = emulator.find_by_email("out@example.com")
    assert (lead["unsubscribed"], lead["firstName"]) == (True, "Jo")
    assert emulator.stats["resubscribe_attempts"] == 1
    assert emulator.resubscribe_log == [
        (str(created["id"]), "POST /rest/v1/leads.json")
    ]
    # a lead never unsubscribed takes the value: it is no re-subscription
    ok(client.upsert([{"email": "in@example.com", "unsubscribed": False}]))
    assert emulator.stats["resubscribe_attempts"] == 1
