# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ActiveCampaign adapter: the API's HTTP dialect and single contacts;
pages, bulk imports and the records around a contact come from the
mixins of this folder."""

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    ConfigurationError,
    RateLimited,
)

from .api import SIDELOADED, SYNC_KEYS


class ActivecampaignAdapter(Component):
    """API v3: ``Api-Token`` header, JSON bodies wrapped in the resource name,
    422 validation errors, 5 requests/s per account (429 or 503 beyond)."""

    _name = "activecampaign.adapter"
    _inherit = [
        "activecampaign.adapter.feed",
        "activecampaign.adapter.bulk",
        "activecampaign.adapter.records",
        "marketing.adapter",
        "activecampaign.base",
    ]
    _apply_on = [
        "activecampaign.backend",
        "activecampaign.res.partner",
        "activecampaign.account",
        "activecampaign.sale.order",
    ]

    batch_size = 250  # contacts per export job: one bulk import request
    page_size = 100  # GET /contacts accepts at most 100 per page
    bulk_min = 11  # the docs: 10 contacts or fewer go through the contacts API
    bulk_size = 250
    bulk_poll_seconds = 15
    updated_key = "udate"
    #: seconds the next delta scan reaches back before the start of the last
    delta_overlap = 300

    def _base_url(self):
        return self.backend_record.api_url.rstrip("/") + "/api/3"

    def _auth_headers(self):
        return {"Api-Token": self.backend_record.sudo().api_key or ""}

    def _drop_token(self):
        """No token to refresh: a refused key stays refused."""

    def _classify(self, response, raw=False):
        status = response.status_code
        if status in (401, 403):
            message = self._error_message(response)
            if "suspend" in message.lower() or "disabled" in message.lower():
                text = self.env._(
                    "ActiveCampaign says the account is suspended or disabled "
                    "(%s): contact ActiveCampaign.",
                    message,
                )
            else:
                text = self.env._(
                    "ActiveCampaign refused the API key of backend %s: copy it "
                    "again from Settings > Developer.",
                    self.backend_record.name,
                )
            raise ConfigurationError(text)
        if status == 503:
            # some clients meet the rate limit as 503: same remedy (but a 5xx
            # does not prove that a create was not carried out)
            raise RateLimited(
                "HTTP 503: " + self._error_message(response),
                retry_after=self._retry_after(response) or 1.0,
                maybe_applied=True,
            )
        if status == 429:
            raise RateLimited(
                "HTTP 429: " + self._error_message(response),
                retry_after=self._retry_after(response) or 1.0,
            )
        if status == 422:
            raise BadDataError(self._error_message(response), code=self._code(response))
        refusal = self._bulk_refusal(response) if status == 400 else None
        if refusal:
            raise refusal
        return super()._classify(response, raw=raw)

    def _error_message(self, response):
        """ActiveCampaign's own words: the ``errors[].title`` of a 422; any
        other answer is read as the base reads it."""
        try:
            body = response.json()
        except ValueError:
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list) and errors:
            return "; ".join(
                str(e.get("title") or e.get("detail") or e)
                for e in errors
                if isinstance(e, dict)
            )[:500]
        return super()._error_message(response)

    @staticmethod
    def _code(response):
        try:
            error = response.json()["errors"][0]
            return f"ac_{error.get('code') or 'invalid'}"
        except (ValueError, KeyError, IndexError, TypeError):
            return "ac_invalid"

    # ------------------------------------------------------------------
    # contacts
    # ------------------------------------------------------------------

    def check_connection(self):
        user = (self._call("GET", "/users/me") or {}).get("user") or {}
        return self.env._(
            "Connected to ActiveCampaign as %s", user.get("username") or user.get("id")
        )

    def fetch(self, external_id):
        """One contact with its field values, tags, list statuses and account."""
        body = self._call("GET", f"/contacts/{external_id}") or {}
        if not body.get("contact"):
            raise BadDataError(
                self.env._("Contact %s not found on ActiveCampaign", external_id),
                code="not_found",
            )
        details = {
            key: body[key]
            for key in (*SIDELOADED, "tags")
            if isinstance(body.get(key), list)
        }
        record = self._contact(
            body["contact"], details=self._complete(str(external_id), details)
        )
        record["_account"] = self.account_link(external_id)
        return record

    def account_link(self, contact_id):
        """``{id, link_id, job_title}`` of the contact's account, or None."""
        body = self._call(
            "GET", "/accountContacts", params={"filters[contact]": contact_id}
        )
        for link in (body or {}).get("accountContacts") or []:
            return {
                "id": str(link["account"]),
                "link_id": str(link["id"]),
                "job_title": link.get("jobTitle") or "",
            }
        return None

    def account_name(self, account_id):
        body = self._call("GET", f"/accounts/{account_id}") or {}
        return (body.get("account") or {}).get("name")

    def upsert(self, payloads):
        """``contact/sync`` per contact (upsert by email; 422 → review)."""
        results = []
        for payload in payloads:
            body = {key: payload[key] for key in SYNC_KEYS if key in payload}
            try:
                answer = self._call("POST", "/contact/sync", json={"contact": body})
            except BadDataError as err:
                results.append(
                    {"status": "error", "code": err.code, "message": str(err)}
                )
                continue
            contact = answer["contact"]
            new = contact.get("cdate") == contact.get("udate")
            results.append(
                {
                    "status": "created" if new else "updated",
                    "external_id": str(contact["id"]),
                }
            )
        return results

    def delete(self, external_id):
        """Delete a contact (``DELETE /api/3/contacts/{id}``): 200 ``{}``,
        404 with a ``message`` when there is no such contact."""
        return self._call("DELETE", f"/contacts/{external_id}")

    def count(self):
        body = self._call("GET", "/contacts", params={"limit": 1}) or {}
        return int((body.get("meta") or {}).get("total") or 0)  # a string

    def list_fields(self):
        """Every custom field, 100 a page ("List all custom fields" takes
        ``limit``; ``offset`` as on every collection): an account with more
        than 100 fields has them all.  A page bringing no new field ends the
        loop, should ``offset`` ever be ignored."""
        fields, options, offset = {}, {}, 0
        while True:
            body = (
                self._call(
                    "GET", "/fields", params={"limit": self.page_size, "offset": offset}
                )
                or {}
            )
            page = body.get("fields") or []
            new = [f for f in page if str(f["id"]) not in fields]
            fields.update((str(f["id"]), f) for f in new)
            for option in body.get("fieldOptions") or []:
                values = options.setdefault(str(option.get("field")), [])
                if option.get("value") not in values:
                    values.append(option.get("value"))
            offset += len(page)
            total = int((body.get("meta") or {}).get("total") or 0)
            if len(page) < self.page_size or not new or 0 < total <= len(fields):
                break
        return [
            {
                "remote_id": field_id,
                "label": field.get("title"),
                "key": field.get("perstag"),
                "field_type": field.get("type"),
                "options": options.get(field_id),
                "multiple": field.get("type") in ("listbox", "checkbox"),
            }
            for field_id, field in fields.items()
        ]
