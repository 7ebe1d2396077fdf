"""Contract of ActiveCampaign's API v3, written from its published reference.

Why it exists: the emulator and the adapter were once written from the same
reading of the docs, so a wrong guess passed on both sides.  Here each
request and answer shape the connector depends on is a JSON Schema taken
from developers.activecampaign.com (the page is named beside each one), and
checked against what the emulator answers, over HTTP, for every behaviour
of issue 11 (bulk import status, bulk import refusals, side-loads, delta
filter, custom fields).  The requests the adapter builds are recorded by the
emulator during the tier-2 test ``connector_activecampaign/tests/
test_contract_requests.py`` and checked against :data:`REQUESTS` there.

Where the reference is silent the schema accepts both readings and says so
(``include`` on ``GET /contacts``; whether ``failureReasons[].contact``
counts from 0 or 1; whether ``success`` lists updated contacts too).

Run: ``python -m pytest -p no:odoo tests/tier1/test_contract_activecampaign.py``.
"""

import jsonschema
import pytest
import requests

from tests.sandbox.activecampaign import DEFAULT_KEY, ActiveCampaignEmulator
from tests.sandbox.limits import ManualClock
from tests.sandbox.server import SandboxServer

REF = "https://developers.activecampaign.com/reference/"
TIMEOUT = 5
ID = {"type": "string", "pattern": "^[0-9]+$"}  # ids travel as strings
#: a date, or a date-time with an offset (the filter is typed as a date)
DATE = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2}))?$"
LIST_OF = {"type": "array", "items": {"type": "object"}}

# ----------------------------------------------------------------------
# answers
# ----------------------------------------------------------------------
#: REF + "bulk-import-status-info": success = contact ids (strings),
#: failure = emails; status may be ``false`` right after the import
IMPORT_INFO = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {
            "oneOf": [
                {"const": False},
                {
                    "enum": [
                        "waiting",
                        "claimed",
                        "active",
                        "completed",
                        "failed",
                        "interrupted",
                    ]
                },
            ]
        },
        "success": {"type": "array", "items": ID},
        "failure": {"type": "array", "items": {"type": "string"}},
    },
}
#: REF + "bulk-import-contacts", 200 (the example spells ``Success``)
BULK_QUEUED = {
    "type": "object",
    "required": ["queued_contacts", "batchId"],
    "properties": {
        "success": {"const": 1},
        "Success": {"const": 1},
        "queued_contacts": {"type": "integer", "minimum": 1},
        "batchId": {"type": "string", "minLength": 1},
        "message": {"type": "string"},
    },
}
#: REF + "bulk-import-contacts", 400 "Other Error" (rate limit)
BULK_RATE_LIMITED = {
    "type": "object",
    "required": ["success", "message", "failureReasons"],
    "properties": {
        "success": {"const": 0},
        "message": {"const": "Rate limit exceeded."},
        "failureReasons": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": "per minute"},
        },
    },
}
#: REF + "bulk-import-contacts", 400 "Contact Create Fail": rows by position
#: (0- or 1-based: not said), nothing queued
BULK_INVALID = {
    "type": "object",
    "required": ["success", "message", "failureReasons"],
    "properties": {
        "success": {"const": 0},
        "message": {"type": "string", "pattern": "did not pass validation"},
        "failureReasons": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["contact", "failureReason"],
                "properties": {
                    "contact": {"type": "integer", "minimum": 0},
                    "failureReason": {"type": "string"},
                },
            },
        },
    },
}
CONTACT = {
    "type": "object",
    "required": ["id", "email", "udate"],
    "properties": {"id": ID, "email": {"type": "string"}, "udate": {"type": "string"}},
}
#: REF + "list-all-contacts" (and REF + "pagination": ``meta.total`` a string);
#: side-loaded collections are optional: ``include`` is not documented
CONTACTS_PAGE = {
    "type": "object",
    "required": ["contacts", "meta"],
    "properties": {
        "contacts": {"type": "array", "items": CONTACT},
        "meta": {
            "type": "object",
            "required": ["total"],
            "properties": {"total": {"type": "string", "pattern": "^[0-9]+$"}},
        },
        "contactTags": LIST_OF,
        "contactLists": LIST_OF,
        "fieldValues": LIST_OF,
    },
}
#: REF + "get-contact": these side-loads, and no tags
CONTACT_DETAIL = {
    "type": "object",
    "required": [
        "contact",
        "contactAutomations",
        "contactLists",
        "deals",
        "fieldValues",
        "geoAddresses",
        "geoIps",
    ],
    "properties": {
        "contact": CONTACT,
        "contactLists": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["contact", "list", "status"],
                "properties": {"status": {"enum": ["0", "1", "2", "3"]}},
            },
        },
        "fieldValues": {
            "type": "array",
            "items": {"type": "object", "required": ["contact", "field", "value"]},
        },
    },
    "not": {"anyOf": [{"required": ["contactTags"]}, {"required": ["tags"]}]},
}
#: REF + "retrieve-contact-tags": ``tag`` is the tag id, ``id`` the link
CONTACT_TAGS = {
    "type": "object",
    "required": ["contactTags"],
    "properties": {
        "contactTags": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["contact", "tag", "id"],
                "properties": {"contact": ID, "tag": ID, "id": ID},
            },
        }
    },
}
#: REF + "retrieve-a-tag"
TAG = {
    "type": "object",
    "required": ["tag"],
    "properties": {
        "tag": {
            "type": "object",
            "required": ["id", "tag"],
            "properties": {"id": ID, "tag": {"type": "string"}},
        }
    },
}
#: REF + "retrieve-fields"
FIELDS_PAGE = {
    "type": "object",
    "required": ["fields", "meta"],
    "properties": {
        "fields": {
            "type": "array",
            "maxItems": 100,
            "items": {
                "type": "object",
                "required": ["id", "title", "type", "perstag"],
                "properties": {"id": ID},
            },
        },
        "fieldOptions": LIST_OF,
        "meta": {
            "type": "object",
            "required": ["total"],
            "properties": {"total": {"type": "string"}},
        },
    },
}

# ----------------------------------------------------------------------
# requests: route key of the emulator → schema of {"query", "json"}
# ----------------------------------------------------------------------
NO_QUERY = {"type": "object", "maxProperties": 0}
BULK_ROW = {
    "type": "object",
    "required": ["email"],
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string"},
        "customer_acct_name": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "value"],
                "additionalProperties": False,
                "properties": {"id": {"type": "integer"}, "value": {"type": "string"}},
            },
        },
        "subscribe": {
            "type": "array",
            "items": {"type": "object", "required": ["listid"]},
        },
        "unsubscribe": {
            "type": "array",
            "items": {"type": "object", "required": ["listid"]},
        },
    },
}
#: REF + "list-all-contacts": its documented filters, plus ``include``
#: (undocumented: sent as a hint, every answer without it is read too)
CONTACTS_QUERY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "ids[]": {"type": "array", "items": ID, "maxItems": 100},
        "email": {"type": "string"},
        "listid": ID,
        "status": {"enum": ["-1", "0", "1", "2", "3"]},
        "id_greater": {"type": "string", "pattern": "^[0-9]+$"},
        "orders[id]": {"enum": ["ASC", "DESC"]},
        "filters[updated_after]": {"type": "string", "pattern": DATE},
        "limit": {"type": "string", "pattern": "^([1-9]|[1-9][0-9]|100)$"},
        "offset": {"type": "string", "pattern": "^[0-9]+$"},
        "include": {"type": "string"},
    },
}
REQUESTS = {
    # REF + "bulk-import-contacts": at most 250 rows, each with an email
    "POST /api/3/import/bulk_import": {
        "properties": {
            "query": NO_QUERY,
            "json": {
                "type": "object",
                "required": ["contacts"],
                "additionalProperties": False,
                "properties": {
                    "contacts": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 250,
                        "items": BULK_ROW,
                    },
                    "callback": {"type": "object"},
                    "exclude_automations": {"type": "boolean"},
                },
            },
        }
    },
    # REF + "bulk-import-status-info": batchId required
    "GET /api/3/import/info": {
        "properties": {
            "query": {
                "type": "object",
                "required": ["batchId"],
                "additionalProperties": False,
                "properties": {"batchId": {"type": "string", "minLength": 1}},
            }
        }
    },
    "GET /api/3/contacts": {"properties": {"query": CONTACTS_QUERY}},
    # REF + "get-contact"; REF + "retrieve-contact-tags"; REF + "retrieve-a-tag"
    "GET /api/3/contacts/<id>": {"properties": {"query": NO_QUERY}},
    "GET /api/3/contacts/<id>/contactTags": {"properties": {"query": NO_QUERY}},
    "GET /api/3/tags/<id>": {"properties": {"query": NO_QUERY}},
    # REF + "retrieve-fields" (``offset``: REF + "pagination")
    "GET /api/3/fields": {
        "properties": {
            "query": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "limit": {"type": "string", "pattern": "^([1-9]|[1-9][0-9]|100)$"},
                    "offset": {"type": "string", "pattern": "^[0-9]+$"},
                    "filters[perstag]": {"type": "string"},
                },
            }
        }
    },
    # REF + "sync-a-contacts-data"
    "POST /api/3/contact/sync": {
        "properties": {
            "query": NO_QUERY,
            "json": {
                "type": "object",
                "required": ["contact"],
                "properties": {
                    "contact": {
                        "type": "object",
                        "required": ["email"],
                        "additionalProperties": False,
                        "properties": {
                            "email": {"type": "string"},
                            "firstName": {"type": "string"},
                            "lastName": {"type": "string"},
                            "phone": {"type": "string"},
                            "fieldValues": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["field", "value"],
                                },
                            },
                        },
                    }
                },
            },
        }
    },
}


def request_errors(entry):
    """Why a request recorded by the emulator breaks the contract (or [])."""
    schema = REQUESTS.get(entry["route"])
    if schema is None:
        return []
    query = {
        key: values if key.endswith("[]") else values[0]
        for key, values in entry["query"].items()
    }
    validator = jsonschema.Draft202012Validator(schema)
    shown = {"query": query, "json": entry["json"]}
    return [
        f"{entry['route']}: {error.message}" for error in validator.iter_errors(shown)
    ]


def check(schema, instance):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(instance, schema, cls=jsonschema.Draft202012Validator)


# ----------------------------------------------------------------------
# the emulator's answers, item by item of issue 11
# ----------------------------------------------------------------------
@pytest.fixture
def clock():
    return ManualClock(1_800_000_000.0)


def serve(emulator):
    server = SandboxServer(emulator)
    server.start()
    session = requests.Session()
    session.headers["Api-Token"] = DEFAULT_KEY
    base = server.url + "/api/3"

    def call(method, path, **kwargs):
        return session.request(method, base + path, timeout=TIMEOUT, **kwargs)

    return server, call


@pytest.fixture
def ac(clock):
    emulator = ActiveCampaignEmulator(clock=clock, calls_per_window=None, bulk_polls=2)
    server, call = serve(emulator)
    yield emulator, call
    server.stop()


def test_bulk_status_answers_ids_and_emails(ac):
    emulator, call = ac
    emulator.excluded = {"gone@example.com"}
    rows = [{"email": f"n{i}@example.com"} for i in range(3)]
    rows.append({"email": "gone@example.com"})
    queued = call("POST", "/import/bulk_import", json={"contacts": rows})
    check(BULK_QUEUED, queued.json())
    batch = {"batchId": queued.json()["batchId"]}
    early = call("GET", "/import/info", params=batch).json()
    check(IMPORT_INFO, early)
    assert early["status"] is False
    done = call("GET", "/import/info", params=batch).json()
    check(IMPORT_INFO, done)
    assert done["failure"] == ["gone@example.com"]
    assert len(done["success"]) == 3
    assert call("GET", "/import/info").status_code == 400


def test_the_former_answer_shape_breaks_the_contract():
    """The shape the adapter used to expect is not the documented one."""
    former = {"status": "completed", "success": [{"email": "a@x.io", "id": "1"}]}
    with pytest.raises(jsonschema.ValidationError):
        check(IMPORT_INFO, former)


def test_bulk_refusals_are_400_in_two_shapes(clock):
    emulator = ActiveCampaignEmulator(clock=clock, calls_per_window=None)
    emulator.bulk_multi.configure(calls=2)  # a refused request counts too
    server, call = serve(emulator)
    try:
        rows = [{"email": "a@example.com"}, {"email": "broken"}]
        invalid = call("POST", "/import/bulk_import", json={"contacts": rows})
        assert invalid.status_code == 400
        check(BULK_INVALID, invalid.json())
        good = [{"email": "a@example.com"}, {"email": "b@example.com"}]
        assert call("POST", "/import/bulk_import", json={"contacts": good}).ok
        limited = call("POST", "/import/bulk_import", json={"contacts": good})
        assert limited.status_code == 400
        check(BULK_RATE_LIMITED, limited.json())
        with pytest.raises(jsonschema.ValidationError):
            check(BULK_INVALID, limited.json())
    finally:
        server.stop()


@pytest.mark.parametrize("ignore_include", [False, True])
def test_contacts_page_with_and_without_side_loads(clock, ignore_include):
    emulator = ActiveCampaignEmulator(
        clock=clock, calls_per_window=None, ignore_include=ignore_include
    )
    contact_id = emulator.seed(1)[0]
    tag = emulator._create_tag("VIP")
    emulator._add_contact_tag(contact_id, tag["id"])
    server, call = serve(emulator)
    try:
        params = {"include": "fieldValues,contactTags.tag,contactLists", "limit": 100}
        page = call("GET", "/contacts", params=params).json()
        check(CONTACTS_PAGE, page)
        assert ("contactTags" in page) is not ignore_include
        detail = call("GET", f"/contacts/{contact_id}").json()
        check(CONTACT_DETAIL, detail)
        links = call("GET", f"/contacts/{contact_id}/contactTags").json()
        check(CONTACT_TAGS, links)
        assert [link["tag"] for link in links["contactTags"]] == [tag["id"]]
        check(TAG, call("GET", f"/tags/{tag['id']}").json())
    finally:
        server.stop()


def test_updated_after_takes_a_date_or_a_date_time(ac):
    emulator, call = ac
    emulator.seed(2)
    for value in ("2020-01-01", "2020-01-01T00:00:00-06:00"):
        page = call("GET", "/contacts", params={"filters[updated_after]": value})
        check(CONTACTS_PAGE, page.json())
        assert len(page.json()["contacts"]) == 2
    late = call("GET", "/contacts", params={"filters[updated_after]": "2099-01-01"})
    assert late.json()["contacts"] == []


def test_custom_fields_come_in_pages_of_at_most_100(ac):
    emulator, call = ac
    for n in range(150):
        emulator.add_field(f"Extra {n}")
    first = call("GET", "/fields", params={"limit": 100}).json()
    second = call("GET", "/fields", params={"limit": 100, "offset": 100}).json()
    for page in (first, second):
        check(FIELDS_PAGE, page)
    assert first["meta"]["total"] == "152"
    ids = [f["id"] for f in first["fields"] + second["fields"]]
    assert len(ids) == len(set(ids)) == 152


def test_request_schemas_refuse_what_the_reference_does_not_allow():
    """The request contract can fail: an undocumented key, a row without
    email or a 251st row are reported."""
    rows = [{"email": f"x{i}@example.com"} for i in range(251)]
    bad = [
        {
            "route": "POST /api/3/import/bulk_import",
            "query": {},
            "json": {"contacts": rows},
        },
        {
            "route": "POST /api/3/import/bulk_import",
            "query": {},
            "json": {"contacts": [{"first_name": "No email"}]},
        },
        {"route": "GET /api/3/contacts", "query": {"sort": ["x"]}, "json": None},
        {"route": "GET /api/3/import/info", "query": {}, "json": None},
        {"route": "GET /api/3/fields", "query": {"limit": ["500"]}, "json": None},
    ]
    for entry in bad:
        assert request_errors(entry), entry
    good = {
        "route": "GET /api/3/contacts",
        "query": {"ids[]": ["1", "2"], "limit": ["100"]},
        "json": None,
    }
    assert request_errors(good) == []
