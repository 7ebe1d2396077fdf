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
        """Marketo companies by ``externalCompanyId``, 300 per call."""
        companies = []
        keys = list(keys)
        for start in range(0, len(keys), self.batch_size):
            body = self._call(
                "POST",
                "/rest/v1/companies.json",
                params={"_method": "GET"},
                data={
                    "filterType": "externalCompanyId",
                    "filterValues": ",".join(keys[start : start + self.batch_size]),
                    "fields": ",".join(COMPANY_FIELDS),
                },
            )
            companies += body.get("result") or []
        return companies

    def set_program_status(self, program_id, lead_ids, status="Member"):
        return self._call(
            "POST",
            f"/rest/v1/programs/{program_id}/members/status.json",
            json={"statusName": status, "input": [{"leadId": i} for i in lead_ids]},
        )

    def remove_from_program(self, program_id, lead_ids):
        return self._call(
            "POST",
            f"/rest/v1/programs/{program_id}/members/delete.json",
            json={"input": [{"leadId": i} for i in lead_ids]},
        )

    def activities_page(self, token, type_ids):
        return self._call(
            "GET",
            "/rest/v1/activities.json",
            params={
                "nextPageToken": token,
                "activityTypeIds": ",".join(str(i) for i in type_ids[:10]),
            },
        )

    def deleted_leads_page(self, token):
        return self._call(
            "GET",
            "/rest/v1/activities/deletedleads.json",
            params={"nextPageToken": token, "batchSize": self.batch_size},
        )
