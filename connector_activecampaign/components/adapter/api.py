# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""ActiveCampaign API v3 spellings and values the adapter and the
sync components share."""

from zoneinfo import ZoneInfo

#: payload keys a contact/sync body takes (tags, lists, account come after)
SYNC_KEYS = ("email", "firstName", "lastName", "phone", "fieldValues")
#: payload keys a bulk import item takes, with its own spelling
BULK_KEYS = {
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "phone": "phone",
    "tags": "tags",
}


def email_key(email):
    return str(email or "").strip().lower()


#: ActiveCampaign's list status for an unsubscribed contact
UNSUBSCRIBED = "2"
#: what a delta page side-loads (developers.activecampaign.com "Side
#: Loading"): the page's field values, tags with their names and list
#: statuses come in the same answer, no call per contact
PAGE_INCLUDE = "fieldValues,contactTags.tag,contactLists"
#: the side-loaded collections a contact needs; ``include`` is not in the
#: published reference of ``GET /contacts``: where an answer lacks one, it
#: is read through documented endpoints (never taken for "none")
SIDELOADED = ("fieldValues", "contactTags", "contactLists")
#: "Bulk import status info": a batch in one of these states is over
BULK_DONE = ("completed", "failed", "interrupted")
#: ActiveCampaign's own dates are US/Central ("Retrieve a contact" page)
ACCOUNT_TZ = ZoneInfo("America/Chicago")
