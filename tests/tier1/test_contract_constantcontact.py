"""Contract tests: the Constant Contact emulator against the reference.

The schemas (``contract_constantcontact`` for requests,
``contract_constantcontact_answers`` for answers) are written from Constant
Contact's published v3 reference, each citing its page. Here every answer
the emulator gives for the points where adapter and emulator once shared a
wrong reading is checked against them, and each schema is shown to refuse
the wrong reading (a schema that accepts anything checks nothing).

The requests the adapter builds are checked against the same request
schemas in tier 2: every Constant Contact sandbox test records its requests
in the emulator's journal and validates each one when it ends
(``connector_constantcontact/tests/common.py``).
"""

import base64
import hashlib

import jsonschema
import pytest

from tests.sandbox.constantcontact import (
    AUTHORIZE_PATH,
    TOKEN_PATH,
    ConstantContactEmulator,
)
from tests.sandbox.limits import ManualClock
from tests.sandbox.server import Request, iso_utc

from . import contract_constantcontact as contract
from . import contract_constantcontact_answers as answers

REDIRECT = "http://localhost/callback"
VERIFIER = "v" * 50


def basic(client_id, secret):
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


@pytest.fixture
def clock():
    return ManualClock(1_800_000_000.0)


@pytest.fixture
def emulator(clock):
    emulator = ConstantContactEmulator(
        clock=clock, calls_per_window=None, daily_quota=None, import_seconds=0
    )
    emulator.journal = []
    return emulator


def call(emulator, method, target, token=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return emulator.dispatch(Request(method, target, headers=headers, **kwargs))


def authorize(emulator, client_id):
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    target = (
        f"{AUTHORIZE_PATH}?response_type=code&client_id={client_id}"
        f"&redirect_uri={REDIRECT}&code_challenge={challenge}"
        "&code_challenge_method=S256&scope=contact_data&state=s1"
    )
    return emulator.authorize_url_code(target)[0]


@pytest.fixture
def token(emulator):
    code = authorize(emulator, "cc-client")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    }
    answer = call(
        emulator, "POST", TOKEN_PATH, form=form, headers=basic("cc-client", "cc-secret")
    )
    return answer.json["access_token"]


def test_schemas_are_valid_json_schemas():
    schemas = [*contract.REQUESTS.values(), answers.ERROR_BODY, answers.CONTACT]
    schemas += [answers.CAMPAIGNS_PAGE, answers.IMPORT_ACTIVITY]
    schemas += [answers.TOKEN_ANSWER, answers.OAUTH_ERROR]
    for schema in schemas:
        jsonschema.Draft202012Validator.check_schema(schema)


# -- 1. street addresses: postal_code in contacts, zip in import rows -------
def test_contacts_answer_postal_code_imports_take_zip(emulator, token):
    list_id = emulator.add_list("General")
    row = {"email": "a@example.com", "street": "1 Main St", "zip": "94105"}
    body = {"import_data": [row], "list_ids": [list_id]}
    answer = call(
        emulator, "POST", "/v3/activities/contacts_json_import", token, json=body
    )
    assert answer.status == 201
    contact_id = emulator.find("a@example.com")["contact_id"]
    target = f"/v3/contacts/{contact_id}?include=street_addresses"
    contact = call(emulator, "GET", target, token).json
    answers.check_answer(contact, answers.CONTACT)
    assert contact["street_addresses"][0]["postal_code"] == "94105"
    # a PUT whose address says zip changes nothing; postal_code does
    put = {
        "email_address": {"address": "a@example.com"},
        "update_source": "Account",
        "street_addresses": [{"kind": "home", "zip": "10001"}],
    }
    with pytest.raises(jsonschema.ValidationError):
        contract.check_body(put, contract.PUT_CONTACT)
    call(emulator, "PUT", f"/v3/contacts/{contact_id}", token, json=put)
    contact = call(emulator, "GET", target, token).json
    answers.check_answer(contact, answers.CONTACT)
    assert "zip" not in contact["street_addresses"][0]
    assert contact["street_addresses"][0].get("postal_code") is None
    put["street_addresses"] = [{"kind": "home", "postal_code": "10001"}]
    contract.check_body(put, contract.PUT_CONTACT)
    call(emulator, "PUT", f"/v3/contacts/{contact_id}", token, json=put)
    contact = call(emulator, "GET", target, token).json
    assert contact["street_addresses"][0]["postal_code"] == "10001"
    # an import row with postal_code is not a documented row
    with pytest.raises(jsonschema.ValidationError):
        contract.check_body(
            {"email": "a@example.com", "postal_code": "1"}, contract.IMPORT_ROW
        )
    # every request of this test is a documented one, except the PUT with zip
    refused = [e for e in emulator.journal if e["route"].startswith("PUT")][:1]
    for entry in emulator.journal:
        if entry in refused:
            with pytest.raises(jsonschema.ValidationError):
                contract.check_request(entry)
        else:
            contract.check_request(entry)


# -- 2. GET /emails: limit ≤ 500, after_date ---------------------------------
def test_emails_limit_and_after_date(emulator, token, clock):
    old, __ = emulator.add_campaign("Old news")
    clock.advance(3600)
    new, __ = emulator.add_campaign("New news")
    after = iso_utc(clock() - 60)
    refused = call(emulator, "GET", "/v3/emails?limit=501", token)
    assert refused.status == 400
    answers.check_answer(refused.json, answers.ERROR_BODY)
    with pytest.raises(jsonschema.ValidationError):
        contract.check_request(emulator.journal[-1])
    page = call(emulator, "GET", f"/v3/emails?limit=500&after_date={after}", token)
    answers.check_answer(page.json, answers.CAMPAIGNS_PAGE)
    contract.check_request(emulator.journal[-1])
    assert [c["campaign_id"] for c in page.json["campaigns"]] == [new]
    # an edited campaign is listed again
    emulator.touch_campaign(old)
    page = call(emulator, "GET", f"/v3/emails?limit=500&after_date={after}", token)
    assert {c["campaign_id"] for c in page.json["campaigns"]} == {old, new}
    # the next link keeps the filter: an unchanged campaign stays out
    clock.advance(3600)
    after = iso_utc(clock() - 60)
    more = {emulator.add_campaign(f"More {i}")[0] for i in range(3)}
    seen, target = [], f"/v3/emails?limit=2&after_date={after}"
    while target:
        page = call(emulator, "GET", target, token).json
        answers.check_answer(page, answers.CAMPAIGNS_PAGE)
        seen += [c["campaign_id"] for c in page["campaigns"]]
        target = page["_links"].get("next", {}).get("href")
        assert not target or "after_date=" in target
    assert sorted(seen) == sorted(more)


# -- 3. error bodies: a list or an object ------------------------------------
@pytest.mark.parametrize("shape", ["list", "object"])
@pytest.mark.parametrize("key", ["quota_exceeded", "throttled"])
def test_429_bodies_in_both_shapes(emulator, token, shape, key):
    emulator.error_shape = shape
    emulator.faults.configure(burst={"status": 429, "count": 1, "error": key})
    answer = call(emulator, "GET", "/v3/contact_lists", token)
    assert answer.status == 429
    answers.check_answer(answer.json, answers.ERROR_BODY)
    entry = answer.json[0] if shape == "list" else answer.json
    assert isinstance(answer.json, list) == (shape == "list")
    assert entry["error_key"] == key
    assert "Retry-After" not in answer.headers


def test_error_schema_refuses_other_shapes():
    for body in ({"error": "x"}, [], [{"error_key": "x"}], "quota_exceeded"):
        with pytest.raises(jsonschema.ValidationError):
            answers.check_answer(body, answers.ERROR_BODY)


# -- 4. OAuth2: public (PKCE) and confidential clients -----------------------
def test_public_client_needs_its_verifier_and_no_secret(emulator):
    code = authorize(emulator, "cc-public-client")
    form = {
        "grant_type": "authorization_code",
        "client_id": "cc-public-client",
        "code": code,
        "redirect_uri": REDIRECT,
    }
    refused = call(emulator, "POST", TOKEN_PATH, form=form)
    assert refused.status == 400
    answers.check_answer(refused.json, answers.OAUTH_ERROR)
    with pytest.raises(jsonschema.ValidationError):
        contract.check_request(emulator.journal[-1])
    code = authorize(emulator, "cc-public-client")
    form.update(code=code, code_verifier=VERIFIER)
    answer = call(emulator, "POST", TOKEN_PATH, form=form)
    assert answer.status == 200
    answers.check_answer(answer.json, answers.TOKEN_ANSWER)
    contract.check_request(emulator.journal[-1])
    refresh = {
        "grant_type": "refresh_token",
        "client_id": "cc-public-client",
        "refresh_token": answer.json["refresh_token"],
    }
    answer = call(emulator, "POST", TOKEN_PATH, form=refresh)
    assert answer.status == 200
    answers.check_answer(answer.json, answers.TOKEN_ANSWER)
    contract.check_request(emulator.journal[-1])
    # a confidential client cannot pose as public (no secret sent)
    refused = call(
        emulator,
        "POST",
        TOKEN_PATH,
        form={
            "grant_type": "refresh_token",
            "client_id": "cc-client",
            "refresh_token": "x",
        },
    )
    assert refused.status == 401
    assert refused.json["error"] == "invalid_client"


def test_confidential_client_with_a_wrong_secret_is_refused(emulator):
    code = authorize(emulator, "cc-client")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    }
    refused = call(
        emulator, "POST", TOKEN_PATH, form=form, headers=basic("cc-client", "wrong")
    )
    assert refused.status == 401
    answers.check_answer(refused.json, answers.OAUTH_ERROR)
    answer = call(
        emulator, "POST", TOKEN_PATH, form=form, headers=basic("cc-client", "cc-secret")
    )
    assert answer.status == 200
    answers.check_answer(answer.json, answers.TOKEN_ANSWER)
    contract.check_request(emulator.journal[-1])
    leaked = dict(emulator.journal[-1], form=dict(form, client_secret="cc-secret"))
    with pytest.raises(jsonschema.ValidationError):
        contract.check_request(leaked)


# -- 5. the import refuses international phone numbers -----------------------
def test_import_refuses_international_phones_per_row(emulator, token):
    list_id = emulator.add_list("General")
    rows = [
        {"email": "us@example.com", "phone": "415-555-0100"},
        {"email": "fr@example.com", "phone": "+33123456789"},
    ]
    body = {"import_data": rows, "list_ids": [list_id]}
    with pytest.raises(jsonschema.ValidationError):
        contract.check_body(body, contract.JSON_IMPORT)
    created = call(
        emulator, "POST", "/v3/activities/contacts_json_import", token, json=body
    )
    activity = call(
        emulator, "GET", f"/v3/activities/{created.json['activity_id']}", token
    ).json
    answers.check_answer(activity, answers.IMPORT_ACTIVITY)
    assert activity["state"] == "completed"
    assert activity["activity_errors"] == [
        "Row 2: International phone numbers are currently not supported (phone)"
    ]
    assert emulator.find("fr@example.com") is None
    phones = emulator.find("us@example.com")["phone_numbers"]
    assert phones == [{"phone_number": "415-555-0100", "kind": "other"}]
    contract.check_body(
        {"import_data": rows[:1], "list_ids": [list_id]}, contract.JSON_IMPORT
    )
