# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The records around a lead."""

from odoo.addons.component.core import AbstractComponent

from .api import COMPANY_FIELDS, SYNC_COMPANIES_TIMEOUT


class MarketoAdapterRecords(AbstractComponent):
    """Companies, program membership, the activity and deleted-lead feeds."""

    _name = "marketo.adapter.records"

    # ------------------------------------------------------------------
    # companies, programs, activities, bulk extract
    # ------------------------------------------------------------------
    def sync_companies(self, companies):
        """Sync Companies is ``POST /rest/v1/companies.json`` (Companies,
        "Create and Update"), keyed by ``externalCompanyId``."""
        body = self._call(
            "POST",
            "/rest/v1/companies.json",
            json={
                "action": "createOrUpdate",
                "dedupeBy": "dedupeFields",
                "input": companies,
            },
            timeout=max(SYNC_COMPANIES_TIMEOUT, self._timeout()),
        )
        return body.get("result") or []

    def fetch_companies(self, keys):
        """Marketo companies by ``externalCompanyId``."""
        return self._read_by_filter(
            "/rest/v1/companies.json", "externalCompanyId", keys, COMPANY_FIELDS
        )

    def set_program_status(self, program_id, lead_ids, status="Member"):
        return self._members(program_id, "status", lead_ids, statusName=status)

    def remove_from_program(self, program_id, lead_ids):
        return self._members(program_id, "delete", lead_ids)

    def _members(self, program_id, action, lead_ids, **values):
        """``POST /rest/v1/programs/{id}/members/{action}.json`` for leads."""
        return self._call(
            "POST",
            f"/rest/v1/programs/{program_id}/members/{action}.json",
            json={**values, "input": [{"leadId": i} for i in lead_ids]},
        )

    def _token_page(self, path, token, **params):
        """One page of a feed paged by ``nextPageToken`` (the activity
        feeds: the token comes from ``paging_token``, then from each page)."""
        return self._call("GET", path, params={"nextPageToken": token, **params})

    def activities_page(self, token, type_ids):
        type_ids = ",".join(str(i) for i in type_ids[:10])
        return self._token_page(
            "/rest/v1/activities.json", token, activityTypeIds=type_ids
        )

    def deleted_leads_page(self, token):
        path = "/rest/v1/activities/deletedleads.json"
        return self._token_page(path, token, batchSize=self.batch_size)
