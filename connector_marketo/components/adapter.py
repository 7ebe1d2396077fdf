# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import requests

from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    ConfigurationError,
    RateLimited,
    ReauthRequired,
    TransientError,
)

#: Marketo's daily quota resets at midnight US Central
QUOTA_TZ = ZoneInfo("America/Chicago")
TRANSIENT_CODES = {"604", "608", "611", "713", "1029"}
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


class MarketoAdapter(Component):
    """Marketo's REST dialect: HTTP 200 error envelopes with string codes."""

    _name = "marketo.adapter"
    _inherit = ["marketing.adapter", "marketo.base"]
    _apply_on = [
        "marketo.backend",
        "marketo.res.partner",
        "marketo.crm.lead",
        "marketing.activity",
    ]

    batch_size = 300
    updated_key = "updatedAt"

    def _base_url(self):
        return self.backend_record.rest_url

    def _fetch_token(self, refresh_token):
        """Client credentials in a form body (never in the URL, never logged)."""
        backend = self.backend_record.sudo()
        try:
            response = self.session.post(
                backend.identity_url.rstrip("/") + "/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": backend.client_id or "",
                    "client_secret": backend.client_secret or "",
                },
                timeout=self._timeout(),
            )
        except requests.RequestException as err:
            raise TransientError(
                self.env._("Marketo identity service unreachable")
            ) from err
        if response.status_code in (400, 401, 403):
            raise ConfigurationError(
                self.env._(
                    "Marketo refused the client id / secret of backend %s "
                    "(Admin > LaunchPoint > View Details).",
                    backend.name,
                )
            )
        if response.status_code != 200:
            raise TransientError(f"identity answered HTTP {response.status_code}")
        body = response.json()
        return {"access_token": body["access_token"], "expires_in": body["expires_in"]}

    def _classify(self, response, raw=False):
        if response.status_code in (413, 414):
            # batch sizes and POST with _method=GET keep us below both limits
            raise BadDataError(
                self.env._(
                    "Marketo refused the request size (HTTP %s)", response.status_code
                ),
                code=f"http_{response.status_code}",
            )
        is_json = "json" in response.headers.get("Content-Type", "")
        if raw and is_json and response.status_code < 300:
            # a file call that failed: Marketo answers with its JSON envelope
            raw = False
        body = super()._classify(response, raw=raw)
        if raw or not isinstance(body, dict) or body.get("success", True):
            return body
        error = (body.get("errors") or [{}])[0]
        code, message = str(error.get("code")), error.get("message") or ""
        text = f"Marketo {code}: {message}"
        if code in ("600", "601", "602"):
            raise ReauthRequired(text)
        if code == "606":
            raise RateLimited(text, retry_after=self.backend_record.rate_limit_window)
        if code == "615":
            raise RateLimited(text, retry_after=1)
        if code == "607":
            self._quota_exhausted(self._seconds_to_quota_reset(), text)
        if code in TRANSIENT_CODES:
            raise TransientError(text)
        if code == "603":
            raise ConfigurationError(
                self.env._(
                    "Marketo denied access (%s): give the API user's role the "
                    "missing permission.",
                    text,
                )
            )
        raise BadDataError(text, code=f"marketo_{code}")

    @staticmethod
    def _seconds_to_quota_reset():
        now = datetime.now(QUOTA_TZ)
        reset = datetime.combine(now.date() + timedelta(days=1), time(), QUOTA_TZ)
        return (reset - now).total_seconds()

    # ------------------------------------------------------------------
    # leads
    # ------------------------------------------------------------------
    def lead_fields(self):
        extra = [
            f.strip()
            for f in (self.backend_record.import_fields or "").split(",")
            if f.strip()
        ]
        mapped = self.backend_record._field_mappings("import").mapped("remote_field")
        return list(dict.fromkeys([*LEAD_FIELDS, *extra, *mapped]))

    def check_connection(self):
        body = self._call("GET", "/rest/v1/leads/describe.json")
        return self.env._(
            "Connected: %s lead fields readable", len(body.get("result") or [])
        )

    def fetch_many(self, lead_ids):
        """Leads by id, 300 per call, as POST with ``_method=GET`` (no 414)."""
        leads = []
        lead_ids = [str(i) for i in lead_ids]
        for start in range(0, len(lead_ids), self.batch_size):
            body = self._call(
                "POST",
                "/rest/v1/leads.json",
                params={"_method": "GET"},
                data={
                    "filterType": "id",
                    "filterValues": ",".join(lead_ids[start : start + self.batch_size]),
                    "fields": ",".join(self.lead_fields()),
                },
            )
            leads += body.get("result") or []
        return leads

    def fetch(self, external_id):
        leads = self.fetch_many([external_id])
        if not leads:
            raise BadDataError(
                self.env._("Lead %s not found in Marketo", external_id),
                code="not_found",
            )
        return leads[0]

    def initial_state(self, full=False):
        if full:
            return {"mode": "bound", "offset": 0}
        since = self.backend_record.import_since or fields.Datetime.now()
        return {"since": since.strftime("%Y-%m-%dT%H:%M:%SZ"), "token": None}

    def paging_token(self, since):
        body = self._call(
            "GET",
            "/rest/v1/activities/pagingtoken.json",
            params={"sinceDatetime": since},
        )
        return body["nextPageToken"]

    def search_page(self, state):
        """Changed leads: one page of the lead-changes feed, then the leads."""
        if state.get("mode") == "bound":
            return self._bound_page(state)
        token = state.get("token") or self.paging_token(state["since"])
        body = self._call(
            "GET",
            "/rest/v1/activities/leadchanges.json",
            params={
                "nextPageToken": token,
                "fields": ",".join(self.lead_fields()),
                "batchSize": self.batch_size,
            },
        )
        lead_ids = list(dict.fromkeys(a["leadId"] for a in body.get("result") or []))
        state = dict(state, token=body.get("nextPageToken") or token)
        return Page(self.fetch_many(lead_ids), state, bool(body.get("moreResult")))

    def _bound_page(self, state):
        """Reconciliation scan: the bound leads, 300 at a time."""
        bindings = self.env[self.backend_record._partner_binding_model].search(
            [
                ("backend_id", "=", self.backend_record.id),
                ("external_id", "!=", False),
            ],
            order="id",
            offset=state["offset"],
            limit=self.batch_size,
        )
        offset = state["offset"] + len(bindings)
        more = len(bindings) == self.batch_size
        leads = self.fetch_many(bindings.mapped("external_id"))
        return Page(leads, {"mode": "bound", "offset": offset}, more)

    def upsert(self, payloads, lookup_field=None):
        body = self._call(
            "POST",
            "/rest/v1/leads.json",
            json={
                "action": "createOrUpdate",
                "lookupField": lookup_field or self.backend_record.lookup_field,
                "input": payloads,
            },
        )
        results = []
        for item in body.get("result") or []:
            if item.get("status") in ("created", "updated"):
                results.append(
                    {"status": item["status"], "external_id": str(item["id"])}
                )
            else:
                reason = (item.get("reasons") or [{}])[0]
                results.append(
                    {
                        "status": "error",
                        "code": f"marketo_{reason.get('code', item.get('status'))}",
                        "message": reason.get("message") or item.get("status"),
                    }
                )
        return results

    def delete(self, external_id):
        """Delete Leads (``POST /rest/v1/leads/delete.json``, REST API >
        Lead Database > Leads): one status per input, ``deleted`` or
        ``skipped`` with reasons (1004: lead not found)."""
        body = self._call(
            "POST",
            "/rest/v1/leads/delete.json",
            json={"input": [{"id": int(external_id)}]},
        )
        result = (body.get("result") or [{}])[0]
        if result.get("status") != "deleted":
            reason = (result.get("reasons") or [{}])[0]
            raise BadDataError(
                f"Marketo {reason.get('code')}: {reason.get('message')}",
                code=f"marketo_{reason.get('code')}",
            )
        return body

    def count(self):
        return None  # Marketo has no lead count endpoint

    # ------------------------------------------------------------------
    # companies, programs, activities, bulk extract
    # ------------------------------------------------------------------
    def sync_companies(self, companies):
        body = self._call(
            "POST",
            "/rest/v1/companies/sync.json",
            json={
                "action": "createOrUpdate",
                "dedupeBy": "dedupeFields",
                "input": companies,
            },
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

    def bulk_create(self, start, end):
        body = self._call(
            "POST",
            "/bulk/v1/leads/export/create.json",
            json={
                "fields": self.lead_fields(),
                "format": "CSV",
                "filter": {"createdAt": {"startAt": start, "endAt": end}},
            },
        )
        export_id = body["result"][0]["exportId"]
        self._call("POST", f"/bulk/v1/leads/export/{export_id}/enqueue.json")
        return export_id

    def bulk_status(self, export_id):
        body = self._call("GET", f"/bulk/v1/leads/export/{export_id}/status.json")
        return body["result"][0]["status"]

    def bulk_file(self, export_id):
        """The CSV text of a completed export (not JSON)."""
        text = self._call(
            "GET", f"/bulk/v1/leads/export/{export_id}/file.json", raw=True
        )
        if not isinstance(text, str):
            raise BadDataError(
                self.env._("Marketo sent no file for export %s", export_id),
                code="marketo_no_file",
            )
        return text
