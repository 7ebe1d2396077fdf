# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Marketo adapter: the REST dialect (HTTP 200 error envelopes with
string codes, the identity token) and leads; companies, programs,
activities and bulk extracts come from the mixins of this folder."""

from datetime import UTC, datetime, time

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
from odoo.addons.connector_marketing_base.tools.dates import iso_z, seconds_until
from odoo.addons.queue_job.exception import RetryableJobError

from ..mapper import REMOTE_KEYS
from .api import (
    BULK_QUEUE_WAIT,
    FIELD_NAME,
    LEAD_FIELDS,
    LEADS_BY_FILTER_TIMEOUT,
    PAGING_TOKEN_TIMEOUT,
    QUOTA_TZ,
    SYNC_LEADS_TIMEOUT,
    TRANSIENT_CODES,
    ExportAlreadyQueued,
)


class MarketoAdapter(Component):
    """Marketo's REST dialect: HTTP 200 error envelopes with string codes."""

    _name = "marketo.adapter"
    _inherit = [
        "marketo.adapter.records",
        "marketo.adapter.bulk",
        "marketing.adapter",
        "marketo.base",
    ]
    _apply_on = [
        "marketo.backend",
        "marketo.res.partner",
        "marketo.crm.lead",
        "marketing.activity",
    ]

    batch_size = 300
    updated_key = "updatedAt"
    credentials_where = "Admin > LaunchPoint > View Details"

    def _base_url(self):
        return self.backend_record.rest_url

    def _token_url(self):
        return self.backend_record.sudo().identity_url.rstrip("/") + "/oauth/token"

    def _classify(self, response, raw=False):
        # 413, 414: batch sizes and POST with _method=GET keep us below both
        is_json = "json" in response.headers.get("Content-Type", "")
        if raw and is_json and response.status_code < 300:
            # a file call that failed: Marketo answers with its JSON envelope
            raw = False
        body = super()._classify(response, raw=raw)
        if raw or not isinstance(body, dict) or body.get("success", True):
            return body
        error = (body.get("errors") or [{}])[0]
        self._raise_for_error(str(error.get("code")), error.get("message") or "")

    def _raise_for_error(self, code, message):
        """The exception of a Marketo error code (request or record level)."""
        text = f"Marketo {code}: {message}"
        if code == "1029":
            self._bulk_refused(text)
        if code in ("600", "601", "602"):
            raise ReauthRequired(text)
        if code == "606":
            raise RateLimited(text, retry_after=self.backend_record.rate_limit_window)
        if code == "615":
            raise RateLimited(text, retry_after=1)
        if code == "607":
            self._quota_exhausted(self._quota_reset_seconds(), text)
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

    def _bulk_refused(self, text):
        """1029 has three meanings (Error Codes, 1029; Bulk Extract "Queue"
        and "File Size"), told apart by the message only.  The spent export
        quota waits for midnight Central Time, for this job alone: the REST
        calls of other jobs still count on the ordinary quota.  The wording
        differs between the reference ("Export daily quota exceeded") and
        instances seen answering ("Export daily quota 500MB exceeded."):
        any message naming the daily quota is read as the quota."""
        lowered = text.lower()
        if "quota" in lowered:
            raise RetryableJobError(
                text,
                seconds=max(1, int(self._quota_reset_seconds())),
                ignore_retry=True,
            )
        if "already queued" in lowered:
            raise ExportAlreadyQueued(text, code="marketo_1029")
        # the queue is full (10 jobs), or a 1029 we cannot tell: wait
        raise RetryableJobError(text, seconds=BULK_QUEUE_WAIT, ignore_retry=True)

    def _quota_reset_seconds(self, now=None):
        """Seconds to the next midnight in Chicago.  The reference says both
        "12:00AM CST" and "midnight Central Time": in summer these are an
        hour apart, so a quota still spent in the first hour after midnight
        waits for 01:00 rather than for the next day."""
        now = (now or datetime.now(UTC)).astimezone(QUOTA_TZ)
        at = time(1, 5) if now.hour == 0 else time()
        return seconds_until(QUOTA_TZ.key, at=at, now=now)

    # ------------------------------------------------------------------
    # leads
    # ------------------------------------------------------------------
    def _extra_fields(self):
        """The backend's ``import_fields``: more lead fields to read."""
        fields_ = (self.backend_record.import_fields or "").split(",")
        return [f.strip() for f in fields_ if f.strip()]

    def lead_fields(self):
        mapped = self.backend_record._field_mappings("import").mapped("remote_field")
        return list(dict.fromkeys([*LEAD_FIELDS, *self._extra_fields(), *mapped]))

    def describe_fields(self):
        """REST names of the instance's lead fields (Describe Lead: "the
        primary source of truth for field availability"; a field without a
        ``rest`` member is not available through REST)."""
        body = self._call("GET", "/rest/v1/leads/describe.json")
        return {
            item["rest"]["name"]
            for item in body.get("result") or []
            if isinstance(item.get("rest"), dict) and item["rest"].get("name")
        }

    def mapped_fields(self):
        """Every lead field the connector reads or writes on this backend."""
        backend = self.backend_record
        lines = backend._field_mappings("export") | backend._field_mappings("import")
        return {
            *LEAD_FIELDS,
            *REMOTE_KEYS.values(),
            *lines.mapped("remote_field"),
            *self._extra_fields(),
            *filter(None, [backend.stage_field, backend.deal_status_field]),
        }

    def missing_fields(self):
        """Mapped fields absent from the last Describe (none known: none)."""
        known = self.backend_record.describe_field_names
        if not known:
            return []
        return sorted(self.mapped_fields() - set(known.split(",")))

    def check_connection(self):
        """Credentials, then the field mapping against the instance's fields:
        a mapped field Marketo lacks would refuse every record (1006)."""
        names = self.describe_fields()
        backend = self.backend_record
        backend.describe_field_names = ",".join(sorted(names))
        missing = self.missing_fields()
        if missing:
            raise ConfigurationError(backend._missing_fields_message(missing))
        return self.env._("Connected: %s lead fields readable", len(names))

    def fetch_many(self, lead_ids):
        """Leads by id."""
        return self._read_by_filter(
            "/rest/v1/leads.json",
            "id",
            lead_ids,
            self.lead_fields(),
            timeout=max(LEADS_BY_FILTER_TIMEOUT, self._timeout()),
        )

    def _read_by_filter(self, path, filter_type, values, fields_, **kwargs):
        """Records whose ``filter_type`` is one of ``values``, 300 per call,
        as POST with ``_method=GET``: no 414 however long the list."""
        records = []
        for chunk in self._chunks(values, self.batch_size):
            body = self._call(
                "POST",
                path,
                params={"_method": "GET"},
                data={
                    "filterType": filter_type,
                    "filterValues": ",".join(chunk),
                    "fields": ",".join(fields_),
                },
                **kwargs,
            )
            records += body.get("result") or []
        return records

    def fetch(self, external_id):
        leads = self.fetch_many([external_id])
        if not leads:
            raise self._not_found(external_id)
        return leads[0]

    def initial_state(self, full=False):
        if full:
            return {"mode": "bound", "offset": 0}
        since = self.backend_record.import_since or fields.Datetime.now()
        return {"since": iso_z(since), "token": None}

    def paging_token(self, since):
        body = self._call(
            "GET",
            "/rest/v1/activities/pagingtoken.json",
            params={"sinceDatetime": since},
            timeout=max(PAGING_TOKEN_TIMEOUT, self._timeout()),
        )
        return body["nextPageToken"]

    def search_page(self, state):
        """Changed leads: one page of the lead-changes feed, then the leads."""
        if state.get("mode") == "bound":
            # reconciliation: Marketo cannot list every lead, the bound ones
            return self._bound_page(state, self.fetch_many)
        token = state.get("token") or self.paging_token(state["since"])
        body = self._token_page(
            "/rest/v1/activities/leadchanges.json",
            token,
            fields=",".join(self.lead_fields()),
            batchSize=self.batch_size,
        )
        lead_ids = list(dict.fromkeys(a["leadId"] for a in body.get("result") or []))
        state = dict(state, token=body.get("nextPageToken") or token)
        return Page(self.fetch_many(lead_ids), state, bool(body.get("moreResult")))

    def upsert(self, payloads, lookup_field=None, action="createOrUpdate"):
        """Sync Leads.  ``id`` goes in a record only with ``updateOnly``
        (Leads, "Create and Update"): any other action would skip it (1003).
        A field Marketo lacks (1006) is a configuration error of the whole
        mapping, not of the record: the job fails with that message."""
        if action != "updateOnly" and any("id" in p for p in payloads):
            raise ValueError("Marketo accepts a lead id only with updateOnly")
        body = self._call(
            "POST",
            "/rest/v1/leads.json",
            json={
                "action": action,
                "lookupField": lookup_field or self.backend_record.lookup_field,
                "input": payloads,
            },
            timeout=max(SYNC_LEADS_TIMEOUT, self._timeout()),
        )
        missing = {
            FIELD_NAME.search(reason.get("message") or "") or reason.get("message")
            for item in body.get("result") or []
            for reason in (item.get("reasons") or [])[:1]
            if reason.get("code") == "1006"
        }
        missing = {m if isinstance(m, str) else m.group(1) for m in missing}
        if missing:
            raise ConfigurationError(
                self.backend_record._missing_fields_message(sorted(missing))
            )
        results = []
        for item in body.get("result") or []:
            if item.get("status") in ("created", "updated"):
                results.append(self._saved(item["status"], str(item["id"])))
            else:
                reason = (item.get("reasons") or [{}])[0]
                code = f"marketo_{reason.get('code', item.get('status'))}"
                message = reason.get("message") or item.get("status")
                results.append(self._refused(code, message))
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
