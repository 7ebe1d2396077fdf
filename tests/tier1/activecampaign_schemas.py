"""ActiveCampaign's API v3 as JSON Schemas, written from its published reference.

Each schema names the page of developers.activecampaign.com it comes from.
Answers are checked against the emulator in
``test_contract_activecampaign.py``; requests (:data:`REQUESTS`, by the
emulator's route key) against what the adapter sends, recorded by the
emulator in ``connector_activecampaign/tests/test_contract_requests.py``.
Where the reference is silent the schema accepts both readings.
"""

import jsonschema

REF = "https://developers.activecampaign.com/reference/"
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
