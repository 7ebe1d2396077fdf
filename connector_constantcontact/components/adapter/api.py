# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Constant Contact v3 spellings, limits and value readers the adapter
and the sync components share."""

import re
from datetime import timedelta

from odoo.addons.connector_marketing_base.tools.dates import ISO_Z_FORMAT, utc_text

#: contacts per page (the API's maximum)
PAGE_SIZE = 500
#: contact ids per add/remove_list_memberships activity
MEMBERSHIP_BATCH = 500
#: rows and bytes of one contacts_json_import (bytes kept under 4 MB: above
#: it Constant Contact silently imports only the first 4 MB)
IMPORT_MAX_ROWS = 40_000
IMPORT_MAX_BYTES = 3_800_000
#: phone kinds Odoo owns (phone, mobile); work and home numbers stay remote
PHONE_KINDS = {"other": "phone", "mobile": "mobile_phone"}
#: GET /emails ``limit`` (1 to 500, "GET a Collection of Email Campaigns")
CAMPAIGN_PAGE_SIZE = 500
#: a US/Canada number written nationally (``415-555-0100``): how the import
#: takes phones, and how Constant Contact may answer them
NANP_NATIONAL = re.compile(r"^\(?([2-9]\d{2})\)?[-. ]?([2-9]\d{2})[-. ]?(\d{4})$")
#: how an import activity names a refused row
ROW_ERROR = re.compile(
    r"^\s*(?:Row|Line)\s+(?P<row>\d+)\s*:\s*(?P<message>.*)$", re.IGNORECASE
)


#: how far each look at deleted contacts reaches back before the last one
#: (clock skew; a deletion stamped in the second of the last look)
DELETED_OVERLAP = timedelta(minutes=5)
#: how far the next delta scan reaches back before the start of the last
SCAN_OVERLAP = timedelta(minutes=5)


def nanp_e164(number):
    """``+14155550100`` for a national US/Canada number, else the number.

    Numbers the bulk import took are US/Canada numbers ("International phone
    numbers are currently not supported") and may come back without their
    country code: read as such, they compare equal to the E.164 form Odoo
    keeps instead of looking changed on every import.
    """
    match = NANP_NATIONAL.match((number or "").strip())
    return "+1" + "".join(match.groups()) if match else number


def utc_iso(text):
    """Constant Contact dates carry offsets (``…T12:47:00-04:00``): in UTC
    (an unreadable value is passed on as it came)."""
    return utc_text(text, ISO_Z_FORMAT) or text
