"""Constant Contact v3 answer shapes, as JSON Schemas.

Written from Constant Contact's published reference (pages and generated
client models named beside each schema, see ``contract_constantcontact``
for the sources); the request shapes are in ``contract_constantcontact``.
"""

import jsonschema

from .contract_constantcontact import DATE_TIME

#: error bodies (every operation's 4xx, "APIErrorSchemaInner"): a list of
#: ``{error_key, error_message}``, or, as 429s come, one such object
ERROR_ENTRY = {
    "type": "object",
    "required": ["error_key", "error_message"],
    "properties": {
        "error_key": {"type": "string"},
        "error_message": {"type": "string"},
    },
}
ERROR_BODY = {
    "oneOf": [{"type": "array", "minItems": 1, "items": ERROR_ENTRY}, ERROR_ENTRY]
}

#: a contact's street address in answers (GET /contacts/{contact_id},
#: "GetContactById200ResponseStreetAddressesInner"): ``postal_code``
STREET_ADDRESS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "street_address_id": {"type": "string"},
        "kind": {"enum": ["home", "work", "other"]},
        "street": {"type": "string"},
        "city": {"type": "string"},
        "state": {"type": "string"},
        "postal_code": {"type": "string"},
        "country": {"type": "string"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
    },
}
CONTACT = {
    "type": "object",
    "required": ["contact_id", "email_address"],
    "properties": {
        "contact_id": {"type": "string"},
        "email_address": {
            "type": "object",
            "required": ["address", "permission_to_send"],
        },
        "street_addresses": {
            "type": "array",
            "maxItems": 3,
            "items": STREET_ADDRESS,
        },
        "phone_numbers": {"type": "array", "maxItems": 3},
        "updated_at": {"type": "string", "pattern": DATE_TIME},
    },
}
CONTACTS_PAGE = {
    "type": "object",
    "required": ["contacts"],
    "properties": {"contacts": {"type": "array", "items": CONTACT}},
}

#: GET /emails answer ("PagedEmailCampaignResponse" of "EmailCampaigns"
#: summaries: campaign_id, created_at, current_status, name, type,
#: type_code, updated_at), paged by ``_links.next.href``
CAMPAIGNS_PAGE = {
    "type": "object",
    "required": ["campaigns"],
    "properties": {
        "campaigns": {
            "type": "array",
            "maxItems": 500,
            "items": {
                "type": "object",
                "required": ["campaign_id", "name", "updated_at"],
                "properties": {
                    "campaign_id": {"type": "string"},
                    "name": {"type": "string"},
                    "current_status": {"type": "string"},
                    "created_at": {"type": "string", "pattern": DATE_TIME},
                    "updated_at": {"type": "string", "pattern": DATE_TIME},
                },
            },
        },
        "_links": {
            "type": "object",
            "properties": {
                "next": {
                    "type": "object",
                    "required": ["href"],
                    "properties": {"href": {"type": "string", "pattern": "^/v3/"}},
                }
            },
        },
    },
}

#: GET /activities/{activity_id} ("ActivityImport"): ``activity_errors``
#: are plain strings
IMPORT_ACTIVITY = {
    "type": "object",
    "required": ["activity_id", "state"],
    "properties": {
        "activity_id": {"type": "string"},
        "state": {
            "enum": [
                "initialized",
                "processing",
                "completed",
                "cancelled",
                "failed",
                "timed_out",
            ]
        },
        "percent_done": {"type": "integer", "minimum": 0, "maximum": 100},
        "activity_errors": {"type": "array", "items": {"type": "string"}},
    },
}

#: token answers ("AccessTokenResponse"; OAuth2 errors per RFC 6749 §5.2)
TOKEN_ANSWER = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "properties": {
        "access_token": {"type": "string"},
        "refresh_token": {"type": "string"},
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer"},
        "scope": {"type": "string"},
    },
}
OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "enum": [
                "invalid_request",
                "invalid_client",
                "invalid_grant",
                "unauthorized_client",
                "unsupported_grant_type",
                "invalid_scope",
            ]
        },
        "error_description": {"type": "string"},
    },
}


def check_answer(body, schema):
    """Raise ``jsonschema.ValidationError`` unless ``body`` fits ``schema``."""
    jsonschema.validate(body, schema)
