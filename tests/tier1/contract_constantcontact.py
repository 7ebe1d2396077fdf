"""Constant Contact v3 request and answer shapes, as JSON Schemas.

Written from Constant Contact's published reference, not from our adapter
or emulator: the v3 API reference at developer.constantcontact.com
(``/api_reference/index.html``, operation named beside each schema), its
guides (``/api_guide/…``), and the models of the official generated client
``constantcontact/constant-contact-v3api-client-php`` (``lib/Model/…``),
which are that reference in machine form.

A request is checked as the emulator records it (``journal`` entries):
``{"route", "query", "json", "form", "basic_auth"}``; query values are
text, except ``limit``, read as the integer the reference types it as.
"""

import jsonschema

DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$"
UUID = r"^[0-9a-fA-F-]{36}$"


def _limit(maximum):
    return {"type": "integer", "minimum": 1, "maximum": maximum}


def _request(query=None, json=None, form=None, basic_auth=None, required=()):
    """A recorded request: only the documented query parameters, and the
    body the operation takes (or none)."""
    schema = {
        "type": "object",
        "properties": {
            "query": {
                "type": "object",
                "properties": query or {},
                "additionalProperties": False,
                "required": list(required),
            },
            "json": json if json is not None else {"type": "null"},
            "form": form or {"type": "object", "maxProperties": 0},
        },
    }
    if basic_auth is not None:
        schema["properties"]["basic_auth"] = {"const": basic_auth}
    return schema


#: ``next`` pages follow ``_links.next.href`` as given (a cursor parameter)
PAGING = {"cursor": {"type": "string"}, "next": {"type": "string"}}

#: GET /contacts "GET Contacts Collection" (getContacts): limit 1-500,
#: ``include`` among the documented sub-resources, ``updated_after`` ISO-8601
CONTACTS_QUERY = {
    "limit": _limit(500),
    "status": {
        "enum": [
            "all",
            "active",
            "deleted",
            "not_set",
            "pending_confirmation",
            "temp_hold",
            "unsubscribed",
        ]
    },
    "updated_after": {"type": "string", "pattern": DATE_TIME},
    "include": {
        "type": "string",
        "pattern": r"^(custom_fields|list_memberships|phone_numbers|street_addresses"
        r"|taggings|notes|sms_channel)(,(custom_fields|list_memberships|phone_numbers"
        r"|street_addresses|taggings|notes|sms_channel))*$",
    },
    "include_count": {"enum": ["true", "false"]},
    "email": {"type": "string"},
    **PAGING,
}

#: PUT /contacts/{contact_id} (putContact), body "ContactPutRequest":
#: street addresses say ``postal_code`` (UpdateContactRequestStreetAddressesInner:
#: kind, street, city, state, postal_code, country; no ``zip``); phones
#: ``phone_number`` ≤ 25 and ``kind``; at most 3 of each; ``update_source``
#: Contact or Account; custom fields ≤ 25, lists ≤ 50
PUT_CONTACT = {
    "type": "object",
    "required": ["email_address", "update_source"],
    "additionalProperties": False,
    "properties": {
        "email_address": {
            "type": "object",
            "required": ["address"],
            "properties": {
                "address": {"type": "string", "maxLength": 80},
                "permission_to_send": {
                    "enum": [
                        "implicit",
                        "explicit",
                        "not_set",
                        "pending_confirmation",
                        "temp_hold",
                        "unsubscribed",
                    ]
                },
                "opt_out_reason": {"type": "string", "maxLength": 255},
            },
        },
        "update_source": {"enum": ["Contact", "Account"]},
        "first_name": {"type": "string", "maxLength": 50},
        "last_name": {"type": "string", "maxLength": 50},
        "job_title": {"type": "string", "maxLength": 50},
        "company_name": {"type": "string", "maxLength": 50},
        "birthday_month": {"type": "integer"},
        "birthday_day": {"type": "integer"},
        "anniversary": {"type": "string"},
        "custom_fields": {
            "type": "array",
            "maxItems": 25,
            "items": {
                "type": "object",
                "required": ["custom_field_id", "value"],
                "properties": {
                    "custom_field_id": {"type": "string"},
                    "value": {"type": ["string", "null"]},
                },
            },
        },
        "phone_numbers": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["phone_number"],
                "properties": {
                    "phone_number": {"type": "string", "maxLength": 25},
                    "kind": {"enum": ["home", "work", "mobile", "other"]},
                },
            },
        },
        "street_addresses": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind"],
                "properties": {
                    "kind": {"enum": ["home", "work", "other"]},
                    "street": {"type": "string", "maxLength": 255},
                    "city": {"type": "string", "maxLength": 50},
                    "state": {"type": "string", "maxLength": 50},
                    "postal_code": {"type": "string", "maxLength": 50},
                    "country": {"type": "string", "maxLength": 50},
                },
            },
        },
        "list_memberships": {
            "type": "array",
            "maxItems": 50,
            "items": {"type": "string"},
        },
        "taggings": {"type": "array", "items": {"type": "string"}},
        "notes": {"type": "array"},
        "sms_channel": {"type": "object"},
    },
}

#: POST /activities/contacts_json_import (createImportJSONActivity), rows
#: "CreateImportJSONActivityRequestImportDataInner": addresses by ``zip``
#: (``street``/``city``/``state``/``zip``/``country``, home by default), no
#: ``postal_code``; phones as text, US/Canada only ("International phone
#: numbers are currently not supported"); custom fields as ``cf:<name>``;
#: ≤ 40,000 rows, 1 to 50 lists
IMPORT_ROW_KEYS = [
    "email",
    "first_name",
    "last_name",
    "job_title",
    "company_name",
    "birthday_month",
    "birthday_day",
    "anniversary",
    "phone",
    "home_phone",
    "work_phone",
    "mobile_phone",
    "other_phone",
    "street",
    "street2",
    "city",
    "state",
    "zip",
    "country",
    "sms_number",
    "sms_permission_to_send",
    "sms_consent_date",
]
PHONE_ROW_KEYS = ("phone", "home_phone", "work_phone", "mobile_phone", "other_phone")
#: the import's phone form: a US/Canada number (formats the reference gives
#: for ``sms_number``: 1231231234 or 123-123-1234)
US_PHONE = r"^$|^\(?[2-9]\d{2}\)?[-. ]?[2-9]\d{2}[-. ]?\d{4}$"
IMPORT_ROW = {
    "type": "object",
    "required": ["email"],
    "propertyNames": {
        "anyOf": [{"enum": IMPORT_ROW_KEYS}, {"pattern": "^cf:.+"}],
    },
    "properties": {
        "email": {"type": "string", "maxLength": 80},
        **{key: {"type": "string", "pattern": US_PHONE} for key in PHONE_ROW_KEYS},
        "zip": {"type": "string", "maxLength": 50},
    },
}
JSON_IMPORT = {
    "type": "object",
    "required": ["import_data", "list_ids"],
    "additionalProperties": False,
    "properties": {
        "import_data": {"type": "array", "maxItems": 40_000, "items": IMPORT_ROW},
        "list_ids": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {"type": "string"},
        },
    },
}

#: POST /activities/add_list_memberships and remove_list_memberships:
#: ``source.contact_ids`` ≤ 500, ``list_ids``
MEMBERSHIPS = {
    "type": "object",
    "required": ["source", "list_ids"],
    "properties": {
        "source": {
            "type": "object",
            "required": ["contact_ids"],
            "properties": {
                "contact_ids": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 500,
                    "items": {"type": "string"},
                }
            },
        },
        "list_ids": {"type": "array", "minItems": 1, "items": {"type": "string"}},
    },
}

#: POST https://authz.constantcontact.com/oauth2/default/v1/token, form body
#: (guides "OAuth2 Authorization Code Flow": client secret in HTTP Basic;
#: "PKCE Flow": no secret, ``client_id`` and ``code_verifier`` in the body)
_GRANTS = {
    "authorization_code": ["code", "redirect_uri"],
    "refresh_token": ["refresh_token"],
}
TOKEN_REQUEST = {
    "type": "object",
    "required": ["form", "basic_auth"],
    "properties": {
        "form": {
            "type": "object",
            "required": ["grant_type"],
            "properties": {"client_secret": False},
        }
    },
    "oneOf": [
        {  # confidential client: secret in Basic, never in the body
            "properties": {"basic_auth": {"const": True}},
        },
        {  # public client: names itself, proves a code with its verifier
            "properties": {
                "basic_auth": {"const": False},
                "form": {
                    "required": ["client_id"],
                    "if": {
                        "properties": {"grant_type": {"const": "authorization_code"}}
                    },
                    "then": {"required": ["code_verifier"]},
                },
            },
        },
    ],
    "allOf": [
        {
            "if": {
                "properties": {"form": {"properties": {"grant_type": {"const": grant}}}}
            },
            "then": {"properties": {"form": {"required": needed}}},
        }
        for grant, needed in _GRANTS.items()
    ],
}

#: GET https://authz.constantcontact.com/oauth2/default/v1/authorize (guides
#: "OAuth2 Authorization Code Flow" and "PKCE Flow", step "Create an
#: authorization request"); PKCE: an S256 challenge
AUTHORIZE_QUERY = {
    "response_type": {"const": "code"},
    "client_id": {"type": "string", "minLength": 1},
    "redirect_uri": {"type": "string", "minLength": 1},
    "scope": {"type": "string"},
    "state": {"type": "string", "minLength": 1},
    "code_challenge": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{43}$"},
    "code_challenge_method": {"const": "S256"},
}

#: POST /contacts (createContact), body "ContactPostRequest": the PUT body's
#: fields, with ``create_source`` (Contact or Account) for ``update_source``
POST_CONTACT = {
    **PUT_CONTACT,
    "required": ["email_address", "create_source"],
    "properties": {
        **{k: v for k, v in PUT_CONTACT["properties"].items() if k != "update_source"},
        "create_source": {"enum": ["Contact", "Account"]},
    },
}

#: recorded request → schema, by the emulator's route names
REQUESTS = {
    "GET /oauth2/default/v1/authorize": _request(
        AUTHORIZE_QUERY,
        required=["response_type", "client_id", "redirect_uri", "scope", "state"],
    ),
    "POST /oauth2/default/v1/token": TOKEN_REQUEST,
    # RFC 7009 revocation, client authenticated as for the token endpoint
    "POST /oauth2/default/v1/revoke": {
        "type": "object",
        "properties": {"form": {"required": ["token"]}},
    },
    "GET /v3/contacts": _request(CONTACTS_QUERY),
    "GET /v3/contacts/<contact_id>": _request({"include": CONTACTS_QUERY["include"]}),
    "POST /v3/contacts": _request(json=POST_CONTACT),
    "PUT /v3/contacts/<contact_id>": _request(json=PUT_CONTACT),
    "DELETE /v3/contacts/<contact_id>": _request(),
    # GET /contact_lists (getLists): limit 1-1000
    "GET /v3/contact_lists": _request({"limit": _limit(1000), **PAGING}),
    # POST /contact_lists (createList): name ≤ 255
    "POST /v3/contact_lists": _request(
        json={
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string", "maxLength": 255}},
        }
    ),
    # GET /contact_custom_fields (getAllCustomFields): limit 1-100
    "GET /v3/contact_custom_fields": _request({"limit": _limit(100), **PAGING}),
    "POST /v3/activities/contacts_json_import": _request(json=JSON_IMPORT),
    "GET /v3/activities/<activity_id>": _request(),
    "POST /v3/activities/add_list_memberships": _request(json=MEMBERSHIPS),
    "POST /v3/activities/remove_list_memberships": _request(json=MEMBERSHIPS),
    # GET /emails (getAllEmailCampaigns): limit 1-500 (default 50),
    # after_date / before_date ISO-8601 on updated_at
    "GET /v3/emails": _request(
        {
            "limit": _limit(500),
            "after_date": {"type": "string", "pattern": DATE_TIME},
            "before_date": {"type": "string", "pattern": DATE_TIME},
            **PAGING,
        }
    ),
    "GET /v3/emails/<campaign_id>": _request(),
    # GET /reports/stats/email_campaign_activities/{ids}: 1 to 10 ids
    "GET /v3/reports/stats/email_campaign_activities/<ids>": _request(),
    # GET /reports/email_reports/{id}/tracking/{kind}: limit 1-500
    "GET /v3/reports/email_reports/<campaign_activity_id>/tracking/<kind>": (
        _request({"limit": _limit(500), **PAGING})
    ),
}


def request_document(entry):
    """A journal entry as the request schemas read it."""
    query = {
        key: int(value) if key == "limit" and str(value).isdigit() else value
        for key, value in (entry.get("query") or {}).items()
    }
    return {
        "query": query,
        "json": entry.get("json"),
        "form": entry.get("form") or {},
        "basic_auth": bool(entry.get("basic_auth")),
    }


def check_request(entry):
    """Raise ``jsonschema.ValidationError`` (or KeyError for an operation
    without a schema) unless the recorded request is a documented one."""
    jsonschema.validate(request_document(entry), REQUESTS[entry["route"]])


def check_body(body, schema):
    """Validate one request body (or row) against its schema."""
    jsonschema.validate(body, schema)
