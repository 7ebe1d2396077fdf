"""Marketo's documented request and answer shapes, as JSON Schemas.

Written from Marketo's published reference (Adobe, "Marketo Engage REST
API", repository AdobeDocs/marketo-developer.en, ``help/rest-api/*.md``),
each schema citing its page, not from the emulator or the adapter: a wrong
guess shared by both fails against them.  ``test_contract_marketo`` checks
the emulator's answers with them (tier 1); ``connector_marketo``'s tier-2
tests check every request the adapter sends to the sandbox with
:func:`check_request` (the adapter cannot build a request without Odoo).
"""

import re
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[2]

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
