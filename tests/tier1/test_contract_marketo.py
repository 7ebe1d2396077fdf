"""Marketo's documented request and answer shapes, as JSON Schemas.

The schemas are written from Marketo's published reference (Adobe,
"Marketo Engage REST API", repository AdobeDocs/marketo-developer.en,
``help/rest-api/*.md``), each citing its page, not from the emulator or the
adapter: a wrong guess shared by both fails here.  This module checks the
emulator's answers for every behaviour of issue 11 (tier 1); the requests
``connector_marketo`` builds are validated against :data:`REQUESTS` by the
tier-2 tests (``connector_marketo/tests/common.py`` records every request
the sandbox receives and checks it at the end of each test), since the
adapter cannot build a request without Odoo.

Run: ``python -m pytest -p no:odoo tests/tier1/test_contract_marketo.py``.
"""

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest

from tests.sandbox.limits import ManualClock
from tests.sandbox.marketo import MarketoEmulator, render_webhook_template
from tests.sandbox.server import Request

ROOT = Path(__file__).resolve().parents[2]
#: 10:00 in Chicago on a Monday (16:00 UTC)
MORNING = dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC).timestamp()

STRING = {"type": "string"}
CODE = {"type": "string", "pattern": r"^[0-9]+$"}
#: Error Codes: "code: A quoted integer", "message: The plain-text reason"
REASON = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": CODE, "message": STRING},
}
#: Error Codes, "Record-Level": "the status field is skipped and the record
#: includes a reasons array"
SKIPPED = {
    "type": "object",
    "required": ["status", "reasons"],
    "properties": {
        "status": {"const": "skipped"},
        "reasons": {"type": "array", "minItems": 1, "items": REASON},
    },
}


def success(result=None, **extra):
    """Error Codes, "Error Types": every answer has requestId and success."""
    schema = {
        "type": "object",
        "required": ["requestId", "success"],
        "properties": {"requestId": STRING, "success": {"const": True}, **extra},
    }
    if result is not None:
        schema["required"].append("result")
        schema["properties"]["result"] = {"type": "array", "items": result}
    return schema


#: Error Codes, "Response-Level errors": HTTP 200, success false, errors[]
FAILURE = {
    "type": "object",
    "required": ["requestId", "success", "errors"],
    "properties": {
        "requestId": STRING,
        "success": {"const": False},
        "errors": {"type": "array", "minItems": 1, "items": REASON},
    },
}
BATCH = {"type": "array", "maxItems": 300}
LEAD_ACTIONS = ["createOrUpdate", "createOnly", "updateOnly", "createDuplicate"]
#: comma-separated values, at most 300 (Leads, "Query": filterValues)
VALUES_300 = {"type": "string", "pattern": r"^[^,]+(,[^,]+){0,299}$"}
EXPORT_STATUSES = [
    "Created",
    "Queued",
    "Processing",
    "Canceled",
    "Cancelled",
    "Completed",
    "Failed",
]

#: the requests, by (method, path pattern): {"query": ..., "body": ...}
REQUESTS = {
    # Authentication: client_credentials, in the query string or a form
    ("GET|POST", r"/identity/oauth/token"): {
        "type": "object",
        "anyOf": [
            {"properties": {"query": {"$ref": "#/$defs/credentials"}}},
            {"properties": {"body": {"$ref": "#/$defs/credentials"}}},
        ],
        "$defs": {
            "credentials": {
                "type": "object",
                "required": ["grant_type", "client_id", "client_secret"],
                "properties": {"grant_type": {"const": "client_credentials"}},
            }
        },
    },
    # Leads, "Describe": no parameter
    ("GET", r"/rest/v1/leads/describe\.json"): {"type": "object"},
    # Leads, "Query" (Get Leads by Filter Type) as POST with _method=GET
    # (Error Codes, 414)
    ("POST", r"/rest/v1/leads\.json\?_method=GET"): {
        "type": "object",
        "properties": {
            "body": {
                "type": "object",
                "required": ["filterType", "filterValues"],
                "properties": {"filterType": STRING, "filterValues": VALUES_300},
            }
        },
    },
    # Leads, "Create and Update" (Sync Leads): action, lookupField, input;
    # "Because id is a system-managed unique key, include it only with the
    # updateOnly action"
    ("POST", r"/rest/v1/leads\.json"): {
        "type": "object",
        "properties": {
            "body": {
                "type": "object",
                "required": ["input"],
                "properties": {
                    "action": {"enum": LEAD_ACTIONS},
                    "lookupField": STRING,
                    "input": {**BATCH, "items": {"type": "object"}},
                },
                "if": {
                    "not": {
                        "required": ["action"],
                        "properties": {"action": {"const": "updateOnly"}},
                    }
                },
                "then": {
                    "properties": {"input": {"items": {"not": {"required": ["id"]}}}}
                },
            }
        },
    },
    # Leads, "Delete"
    ("POST", r"/rest/v1/leads/delete\.json"): {
        "properties": {"body": {"required": ["input"]}},
    },
    # Paging Tokens: Get Paging Token needs sinceDatetime
    ("GET", r"/rest/v1/activities/pagingtoken\.json"): {
        "properties": {
            "query": {
                "required": ["sinceDatetime"],
                "properties": {
                    "sinceDatetime": {
                        "type": "string",
                        "pattern": r"^\d{4}-\d\d-\d\dT",
                    },
                },
            },
        },
    },
    # Activities, "Get Lead Changes": nextPageToken and fields required
    ("GET", r"/rest/v1/activities/leadchanges\.json"): {
        "properties": {"query": {"required": ["nextPageToken", "fields"]}},
    },
    # Activities, "Get Lead Activities": at most 10 activity type ids
    ("GET", r"/rest/v1/activities\.json"): {
        "properties": {
            "query": {
                "required": ["nextPageToken", "activityTypeIds"],
                "properties": {
                    "activityTypeIds": {"pattern": r"^\d+(,\d+){0,9}$"},
                },
            },
        },
    },
    ("GET", r"/rest/v1/activities/deletedleads\.json"): {
        "properties": {"query": {"required": ["nextPageToken"]}},
    },
    # Companies, "Query" as POST with _method=GET
    ("POST", r"/rest/v1/companies\.json\?_method=GET"): {
        "properties": {
            "body": {
                "required": ["filterType", "filterValues"],
                "properties": {
                    "filterType": {"enum": ["externalCompanyId", "id", "company"]},
                    "filterValues": VALUES_300,
                },
            }
        },
    },
    # Companies, "Create and Update" (Sync Companies): POST companies.json
    # with action, dedupeBy and input keyed by externalCompanyId
    ("POST", r"/rest/v1/companies\.json"): {
        "properties": {
            "body": {
                "type": "object",
                "required": ["input"],
                "properties": {
                    "action": {"enum": ["createOnly", "updateOnly", "createOrUpdate"]},
                    "dedupeBy": {"enum": ["dedupeFields", "idField"]},
                    "input": {
                        **BATCH,
                        "items": {
                            "type": "object",
                            "required": ["externalCompanyId"],
                        },
                    },
                },
            }
        },
    },
    # Program Members: change status / remove
    ("POST", r"/rest/v1/programs/\d+/members/status\.json"): {
        "properties": {
            "body": {
                "required": ["statusName", "input"],
                "properties": {
                    "input": {**BATCH, "items": {"required": ["leadId"]}},
                },
            }
        },
    },
    ("POST", r"/rest/v1/programs/\d+/members/delete\.json"): {
        "properties": {
            "body": {
                "required": ["input"],
                "properties": {
                    "input": {**BATCH, "items": {"required": ["leadId"]}},
                },
            }
        },
    },
    # Bulk Extract, "Creating a Job": fields, format, one date filter
    ("POST", r"/bulk/v1/leads/export/create\.json"): {
        "properties": {
            "body": {
                "required": ["fields", "filter"],
                "properties": {
                    "fields": {"type": "array", "minItems": 1, "items": STRING},
                    "format": {"enum": ["CSV", "TSV", "SSV"]},
                    "filter": {
                        "type": "object",
                        "minProperties": 1,
                        "properties": {
                            "createdAt": {"required": ["startAt", "endAt"]},
                            "updatedAt": {"required": ["startAt", "endAt"]},
                        },
                    },
                },
            }
        },
    },
    # Bulk Extract, "Starting a Job", "Polling Job Status", "Retrieving"
    ("POST", r"/bulk/v1/leads/export/[^/]+/enqueue\.json"): {"type": "object"},
    ("GET", r"/bulk/v1/leads/export/[^/]+/status\.json"): {"type": "object"},
    ("GET", r"/bulk/v1/leads/export/[^/]+/file\.json"): {"type": "object"},
}

#: the answers, per endpoint
ANSWERS = {
    # Leads, "Describe": id, displayName, dataType, rest {name, readOnly}
    "describe": success(
        {
            "type": "object",
            "required": ["id", "displayName", "dataType"],
            "properties": {
                "id": {"type": "integer"},
                "length": {"type": "integer"},
                "rest": {"type": "object", "required": ["name", "readOnly"]},
            },
        }
    ),
    # Leads, "Create and Update": created / updated with id, or skipped
    "sync_leads": success(
        {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["id", "status"],
                    "properties": {
                        "id": {"type": "integer"},
                        "status": {"enum": ["created", "updated"]},
                    },
                },
                SKIPPED,
            ]
        }
    ),
    # Companies, "Create and Update": seq and id / status, or skipped
    "sync_companies": success(
        {
            "type": "object",
            "required": ["seq", "status"],
            "properties": {"seq": {"type": "integer"}},
            "oneOf": [
                {
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "integer"},
                        "status": {"enum": ["created", "updated"]},
                    },
                },
                SKIPPED,
            ],
        }
    ),
    # Paging Tokens
    "paging_token": success(None, nextPageToken={"type": "string", "minLength": 1}),
    # Bulk Extract, "Creating a Job" / "Polling Job Status"
    "export_job": success(
        {
            "type": "object",
            "required": ["exportId", "status", "createdAt", "format"],
            "properties": {
                "exportId": STRING,
                "status": {"enum": EXPORT_STATUSES},
                "fileSize": {"type": "integer"},
                "fileChecksum": {"pattern": "^sha256:[0-9a-f]{64}$"},
            },
        }
    ),
    "failure": FAILURE,
}


def request_schema(method, target):
    """The schema of a request, or ``None`` for an undocumented one; the
    most specific pattern wins (``_method=GET`` before the plain path)."""
    for (methods, pattern), schema in REQUESTS.items():
        if method in methods.split("|") and re.fullmatch(pattern, target):
            return schema
    return None


def check_request(entry):
    """Validate one request of the emulator's journal (tier 2 calls this)."""
    target = entry["path"]
    if entry["query"].get("_method"):
        target += f"?_method={entry['query']['_method']}"
    schema = request_schema(entry["method"], target)
    assert schema is not None, f"undocumented request {entry['method']} {target}"
    jsonschema.validate(entry, schema)


def check(answer, name):
    jsonschema.validate(answer, ANSWERS[name])
    return answer


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


def webhook_template():
    """The payload template the readme tells the admin to paste."""
    text = (ROOT / "connector_marketo/readme/CONFIGURE.rst").read_text()
    match = re.search(r"JSON[^:]*::\n\n\s+(\{.*\})\n", text)
    assert match, "the readme shows a payload template"
    return match.group(1)


WEBHOOK_TOKENS = {
    "lead.Id": 318581,  # an integer field: not quoted
    "system.dateTime": "2026-11-23 10:00:00",
    "lead.Email Address": 'o"brien@example.com',
}


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
