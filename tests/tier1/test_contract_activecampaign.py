"""Contract of ActiveCampaign's API v3, written from its published reference.

Why it exists: the emulator and the adapter were once written from the same
reading of the docs, so a wrong guess passed on both sides.  Each request
and answer shape the connector depends on is a JSON Schema taken from
developers.activecampaign.com (``activecampaign_schemas.py``, the page
named beside each one); here they are checked against what the emulator
answers, over HTTP, for every behaviour of issue 11 (bulk import status,
bulk import refusals, side-loads, delta filter, custom fields), and shown
able to fail.  The requests the adapter builds are recorded by the emulator
during the tier-2 test ``connector_activecampaign/tests/
test_contract_requests.py`` and checked against ``REQUESTS`` there.

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
from tests.tier1.activecampaign_schemas import (
    BULK_INVALID,
    BULK_QUEUED,
    BULK_RATE_LIMITED,
    CONTACT_DETAIL,
    CONTACT_TAGS,
    CONTACTS_PAGE,
    FIELDS_PAGE,
    IMPORT_INFO,
    TAG,
    check,
    request_errors,
)

TIMEOUT = 5


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
