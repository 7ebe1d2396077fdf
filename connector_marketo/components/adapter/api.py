# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Marketo REST API values the adapter and the sync components share."""

import re
from zoneinfo import ZoneInfo

from odoo.addons.connector_marketing_base.exceptions import BadDataError

#: Marketo's daily quota resets at midnight US Central
QUOTA_TZ = ZoneInfo("America/Chicago")
TRANSIENT_CODES = {"604", "608", "611", "713"}
#: the field a 1006 "Field 'x' not found" names
FIELD_NAME = re.compile(r"'([^']+)'")
#: seconds to wait when the bulk extract queue is full (Marketo's own advice
#: is to back off from one minute on)
BULK_QUEUE_WAIT = 120
#: Marketo's own timeouts of the slower endpoints (Activities, Leads and
#: Companies references, "Timeouts"): waiting less gives up on a call that
#: is still running, and a retried upsert may then create twice
PAGING_TOKEN_TIMEOUT = 300.0
SYNC_LEADS_TIMEOUT = 90.0
LEADS_BY_FILTER_TIMEOUT = 60.0
SYNC_COMPANIES_TIMEOUT = 60.0
#: fields read for every lead (custom ones come from the backend and mapping)
LEAD_FIELDS = (
    "id",
    "email",
    "firstName",
    "lastName",
    "phone",
    "mobilePhone",
    "company",
    "title",
    "address",
    "city",
    "state",
    "postalCode",
    "country",
    "leadScore",
    "externalCompanyId",
    "unsubscribed",
    "updatedAt",
)
#: fields read for a Marketo company (what a company partner can hold)
COMPANY_FIELDS = (
    "externalCompanyId",
    "company",
    "website",
    "mainPhone",
    "billingStreet",
    "billingCity",
    "billingPostalCode",
    "billingCountry",
)


class ExportAlreadyQueued(BadDataError):
    """1029 "Job already queued": the export is in Marketo's queue already
    (an enqueue retried after its answer was lost)."""
