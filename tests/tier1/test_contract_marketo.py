"""Contract tests: the Marketo emulator answers in the documented shapes.

The shapes are JSON Schemas written from Marketo's reference
(``contract_marketo.py``); each test below is one behaviour of issue 11.
The requests ``connector_marketo`` builds are checked against the same
schemas by its tier-2 tests (``connector_marketo/tests/common.py``).

Run: ``python -m pytest -p no:odoo tests/tier1/test_contract_marketo.py``.
"""

import datetime as dt
import json

import jsonschema
import pytest

from tests.sandbox.limits import ManualClock
from tests.sandbox.marketo import MarketoEmulator, render_webhook_template
from tests.sandbox.server import Request

from .contract_marketo import WEBHOOK_TOKENS, check, check_request, webhook_template

#: 10:00 in Chicago on a Monday (16:00 UTC)
MORNING = dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC).timestamp()


# ----------------------------------------------------------------------
# the schemas hold the reference's own examples (and refuse their opposite)
# ----------------------------------------------------------------------


def test_schemas_accept_the_documented_examples_and_refuse_wrong_shapes():
    # Leads, "Create and Update": request and response examples
    documented = {
        "action": "createOnly",
        "lookupField": "email",
        "input": [{"email": "kjashaedd-1@klooblept.com", "firstName": "Kataldar-1"}],
    }
    check_request(
        {
            "method": "POST",
            "path": "/rest/v1/leads.json",
            "query": {},
            "body": documented,
        }
    )
    check(
        {
            "requestId": "e42b#14272d07d78",
            "success": True,
            "result": [
                {"id": 50, "status": "created"},
                {
                    "status": "skipped",
                    "reasons": [{"code": "1005", "message": "Lead already exists"}],
                },
            ],
        },
        "sync_leads",
    )
    # Companies, "Create and Update"
    check_request(
        {
            "method": "POST",
            "path": "/rest/v1/companies.json",
            "query": {},
            "body": {
                "action": "createOrUpdate",
                "dedupeBy": "dedupeFields",
                "input": [
                    {"externalCompanyId": "19UYA31581L000000", "company": "Google"}
                ],
            },
        }
    )
    check(
        {
            "requestId": "e42b#14272d07d78",
            "success": True,
            "result": [{"seq": 0, "status": "updated", "id": 1232}],
        },
        "sync_companies",
    )


def test_schemas_refuse_what_the_reference_forbids():
    wrong = [
        (
            "POST",
            "/rest/v1/leads.json",
            {"action": "createOrUpdate", "input": [{"id": 5, "leadStatus": "Won"}]},
        ),
        ("POST", "/rest/v1/leads.json", {"input": [{"id": 5}]}),
        ("POST", "/rest/v1/companies.json", {"input": [{"company": "No key"}]}),
        (
            "POST",
            "/rest/v1/companies.json",
            {"input": [{"externalCompanyId": "x"}], "dedupeBy": "email"},
        ),
    ]
    for method, path, body in wrong:
        with pytest.raises(jsonschema.ValidationError):
            check_request({"method": method, "path": path, "query": {}, "body": body})
    with pytest.raises(AssertionError, match="undocumented"):
        check_request(
            {
                "method": "POST",
                "path": "/rest/v1/companies/sync.json",
                "query": {},
                "body": {"input": []},
            }
        )
    with pytest.raises(jsonschema.ValidationError):
        check(
            {"requestId": "1", "success": False, "errors": [{"code": 1029}]}, "failure"
        )


# ----------------------------------------------------------------------
# the emulator's answers, item by item
# ----------------------------------------------------------------------


class Client:
    """Requests straight to ``dispatch`` (no HTTP needed for shapes)."""

    def __init__(self, emulator):
        self.emulator = emulator
        token = emulator.dispatch(
            Request(
                "GET",
                "/identity/oauth/token?grant_type=client_credentials"
                "&client_id=mkto-client&client_secret=mkto-secret",
            )
        ).json["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, method, target, body=None):
        options = {"json": body} if body is not None else {}
        response = self.emulator.dispatch(
            Request(method, target, headers=self.headers, **options)
        )
        assert response.status == 200, response.body
        return response.json


@pytest.fixture
def marketo():
    emulator = MarketoEmulator(
        clock=ManualClock(MORNING),
        calls_per_window=None,
        max_concurrent=None,
        daily_quota=None,
    )
    return emulator, Client(emulator)


def failure_of(answer):
    check(answer, "failure")
    return answer["errors"][0]["code"], answer["errors"][0]["message"]


def test_companies_sync_is_companies_json_and_sync_json_does_not_exist(marketo):
    emulator, call = marketo
    body = {
        "action": "createOrUpdate",
        "dedupeBy": "dedupeFields",
        "input": [{"externalCompanyId": "odoo-7", "company": "Globex"}],
    }
    answer = check(call("POST", "/rest/v1/companies.json", body), "sync_companies")
    assert answer["result"][0]["status"] == "created"
    assert failure_of(call("POST", "/rest/v1/companies/sync.json", body)) == (
        "610",
        "Requested resource not found",
    )
    assert len(emulator.companies) == 1


def test_lead_id_only_with_update_only(marketo):
    emulator, call = marketo
    [lead] = emulator.seed(1)
    for action in ("createOrUpdate", "createOnly", "createDuplicate"):
        answer = check(
            call(
                "POST",
                "/rest/v1/leads.json",
                {
                    "action": action,
                    "lookupField": "id",
                    "input": [{"id": lead, "leadStatus": "Won"}],
                },
            ),
            "sync_leads",
        )
        assert answer["result"][0]["reasons"][0]["code"] == "1003", action
    assert emulator.leads[lead].get("leadStatus") is None
    answer = check(
        call(
            "POST",
            "/rest/v1/leads.json",
            {
                "action": "updateOnly",
                "lookupField": "id",
                "input": [{"id": lead, "leadStatus": "Won"}],
            },
        ),
        "sync_leads",
    )
    assert answer["result"][0] == {"id": lead, "status": "updated"}
    assert emulator.leads[lead]["leadStatus"] == "Won"


def export_body(day="2026-11-01"):
    return {
        "fields": ["id", "email"],
        "format": "CSV",
        "filter": {
            "createdAt": {"startAt": f"{day}T00:00:00Z", "endAt": f"{day}T23:00:00Z"}
        },
    }


def test_1029_has_three_meanings_and_the_quota_resets_at_chicago_midnight(marketo):
    emulator, call = marketo
    emulator.seed(3)
    emulator.export_quota_bytes = 1  # one finished file spends it
    created = check(
        call("POST", "/bulk/v1/leads/export/create.json", export_body()), "export_job"
    )
    export_id = created["result"][0]["exportId"]
    assert created["result"][0]["status"] == "Created"
    base = f"/bulk/v1/leads/export/{export_id}"
    check(call("POST", base + "/enqueue.json"), "export_job")
    assert failure_of(call("POST", base + "/enqueue.json")) == (
        "1029",
        "Job already queued",
    )
    while call("GET", base + "/status.json")["result"][0]["status"] != "Completed":
        pass
    check(call("GET", base + "/status.json"), "export_job")
    assert emulator.export_bytes_today() > 0
    # the quota is spent: neither create nor enqueue until the reset
    assert failure_of(
        call("POST", "/bulk/v1/leads/export/create.json", export_body())
    ) == ("1029", "Export daily quota exceeded")
    emulator.export_quota_bytes = None
    other = call("POST", "/bulk/v1/leads/export/create.json", export_body())
    other_id = other["result"][0]["exportId"]
    emulator.export_quota_bytes = 1
    assert (
        failure_of(call("POST", f"/bulk/v1/leads/export/{other_id}/enqueue.json"))[1]
        == "Export daily quota exceeded"
    )
    # 23:59:59 in Chicago: still spent; midnight Chicago (06:00 UTC): reset
    midnight = dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC).timestamp()
    emulator.clock.set(midnight - 1)
    call = Client(emulator)  # the token of the morning has expired
    assert (
        failure_of(call("POST", f"/bulk/v1/leads/export/{other_id}/enqueue.json"))[0]
        == "1029"
    )
    emulator.clock.set(midnight)
    check(call("POST", f"/bulk/v1/leads/export/{other_id}/enqueue.json"), "export_job")
    # the queue holds 10 jobs (Bulk Extract, "Queue")
    emulator.export_quota_bytes = None
    for _i in range(9):
        job = call("POST", "/bulk/v1/leads/export/create.json", export_body())
        call(
            "POST", f"/bulk/v1/leads/export/{job['result'][0]['exportId']}/enqueue.json"
        )
    job = call("POST", "/bulk/v1/leads/export/create.json", export_body())
    assert failure_of(
        call(
            "POST", f"/bulk/v1/leads/export/{job['result'][0]['exportId']}/enqueue.json"
        )
    ) == ("1029", "Too many jobs in queue")


def test_export_status_changes_at_most_once_a_minute(marketo):
    emulator, call = marketo
    emulator.status_interval = 60
    emulator.export_polls = 1
    job = call("POST", "/bulk/v1/leads/export/create.json", export_body())
    base = f"/bulk/v1/leads/export/{job['result'][0]['exportId']}"
    call("POST", base + "/enqueue.json")

    def status():
        return check(call("GET", base + "/status.json"), "export_job")["result"][0][
            "status"
        ]

    assert [status(), status()] == ["Queued", "Queued"], "polled too early"
    emulator.clock.advance(60)
    assert status() == "Processing"
    emulator.clock.advance(59)
    assert status() == "Processing"
    emulator.clock.advance(1)
    assert status() == "Completed"


def test_paging_token_and_describe_answers(marketo):
    _emulator, call = marketo
    check(
        call(
            "GET",
            "/rest/v1/activities/pagingtoken.json?sinceDatetime=2026-11-01T00:00:00Z",
        ),
        "paging_token",
    )
    described = check(call("GET", "/rest/v1/leads/describe.json"), "describe")
    names = {field["rest"]["name"] for field in described["result"]}
    assert {"email", "country", "phone", "mobilePhone", "title"} <= names
    assert "notAMarketoField" not in names
    # a field the instance lacks is refused per record with 1006 (Error Codes)
    answer = check(
        call(
            "POST",
            "/rest/v1/leads.json",
            {"input": [{"email": "a@example.com", "notAMarketoField": "x"}]},
        ),
        "sync_leads",
    )
    assert answer["result"][0]["reasons"][0] == {
        "code": "1006",
        "message": "Field 'notAMarketoField' not found",
    }


def test_free_text_country_and_phone_are_kept_as_written(marketo):
    emulator, call = marketo
    answer = check(
        call(
            "POST",
            "/rest/v1/leads.json",
            {
                "input": [
                    {
                        "email": "us@example.com",
                        "country": "US",
                        "phone": "+1 415 555 0000",
                    },
                    {
                        "email": "name@example.com",
                        "country": "United States",
                        "phone": "+14155550000",
                    },
                ]
            },
        ),
        "sync_leads",
    )
    ids = [r["id"] for r in answer["result"]]
    assert [
        (emulator.leads[i]["country"], emulator.leads[i]["phone"]) for i in ids
    ] == [
        ("US", "+1 415 555 0000"),
        ("United States", "+14155550000"),
    ]


def test_readme_webhook_template_renders_valid_json():
    body = json.loads(render_webhook_template(webhook_template(), WEBHOOK_TOKENS))
    assert body["leadId"] == 318581
    assert body["sentAt"] == "2026-11-23 10:00:00"
    # Marketo quotes string tokens itself: quoting them again breaks JSON
    with pytest.raises(json.JSONDecodeError):
        json.loads(
            render_webhook_template('{"at": "{{system.dateTime}}"}', WEBHOOK_TOKENS)
        )
    # whichever type lead.Id has, the template stays valid JSON
    as_text = dict(WEBHOOK_TOKENS, **{"lead.Id": "318581"})
    assert (
        json.loads(render_webhook_template(webhook_template(), as_text))["leadId"]
        == "318581"
    )
