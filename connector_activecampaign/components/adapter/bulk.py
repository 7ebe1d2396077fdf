# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bulk imports of contacts."""

from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    BulkRowsRefused,
    RateLimited,
)

from .api import BULK_DONE, BULK_KEYS, email_key


class ActivecampaignAdapterBulk(AbstractComponent):
    """``import/bulk_import`` and its status: many contacts in one request."""

    _name = "activecampaign.adapter.bulk"

    def bulk_upsert(self, payloads):
        """``import/bulk_import`` of ≤ 250 contacts; returns the batch id."""
        contacts = []
        for payload in payloads:
            item = {
                bulk: payload[key] for key, bulk in BULK_KEYS.items() if key in payload
            }
            item["fields"] = [
                {"id": int(v["field"]), "value": v["value"]}
                for v in payload.get("fieldValues") or []
            ]
            list_id = self.backend_record.list_id
            if list_id and payload.get("consent") == "unsubscribed":
                item["unsubscribe"] = [{"listid": int(list_id)}]
            elif list_id and payload.get("_subscribe"):
                # only contacts read as never on any list (the exporter's
                # second step): an import never re-subscribes anyone
                item["subscribe"] = [{"listid": int(list_id)}]
            contacts.append(item)
        try:
            answer = self._call(
                "POST",
                "/import/bulk_import",
                json={"contacts": contacts},
                bucket="bulk_import",
            )
        except BulkRowsRefused as err:
            # the reference does not say whether ``contact`` counts from 0 or
            # from 1: both rows it may name are withheld (the exporter sends
            # them one by one, where each gets its own verdict)
            rows = {}
            for index, reason in sorted(err.rows.items()):
                for row in (index, index - 1):
                    if 0 <= row < len(contacts):
                        rows.setdefault(row, reason)
            raise BulkRowsRefused(str(err), rows, code=err.code) from err
        if not answer or not answer.get("batchId"):
            raise BadDataError(
                self.env._("ActiveCampaign did not queue the import: %s", answer),
                code="ac_bulk_refused",
            )
        return answer["batchId"]

    def _bulk_refusal(self, response):
        """The error a 400 of ``import/bulk_import`` stands for, or None.

        "Bulk import contacts" answers 400 with ``success: 0``, a
        ``message`` and ``failureReasons``: either rows by position
        (``[{"contact": 230, "failureReason": …}]``, nothing was queued) or
        plain strings, as for "Rate limit exceeded." (retry in a minute).
        """
        body = self._json_body(response)
        if not isinstance(body, dict) or "failureReasons" not in body:
            return None
        message = str(body.get("message") or "")
        reasons = body.get("failureReasons") or []
        rows = {}
        for reason in reasons:
            if isinstance(reason, dict):
                try:
                    rows[int(reason.get("contact"))] = str(
                        reason.get("failureReason") or message
                    )
                except (TypeError, ValueError):
                    continue
        if rows:
            return BulkRowsRefused(message, rows, code="ac_bulk_invalid")
        text = " ".join([message, *map(str, reasons)])
        if "rate limit" in text.lower() or "per minute" in text.lower():
            return RateLimited("HTTP 400: " + text[:300], retry_after=60.0)
        return BadDataError(text[:500], code="ac_bulk_refused")

    def bulk_status(self, remote_id, sent=None):
        """``(done, results)`` of a batch from "Bulk import status info".

        The answer lists ``success`` as contact ids (strings) and
        ``failure`` as emails.  The reference speaks of "newly created"
        contacts: sent contacts named in neither list are looked up (by the
        contact id Odoo knows, else by email) rather than reported missing.
        ``sent`` maps each sent email to the contact id Odoo has, or None.
        """
        body = self._call("GET", "/import/info", params={"batchId": remote_id}) or {}
        status = str(body.get("status")).lower()
        if status not in BULK_DONE:
            return False, []  # waiting, claimed, active, or ``false`` at first
        sent = {email_key(e): v for e, v in (sent or {}).items()}
        failed = {email_key(e) for e in body.get("failure") or [] if isinstance(e, str)}
        ids = [str(i) for i in body.get("success") or [] if isinstance(i, str | int)]
        found = self._emails_of(ids)
        unnamed = [e for e in sent if e not in found and e not in failed]
        if status == "completed":
            found.update(self._emails_of([sent[e] for e in unnamed if sent[e]]))
            for email in unnamed:
                if email not in found:
                    found.update(self._emails_of_address(email))
        results = [
            self._saved("updated" if sent.get(email) else "created", contact_id, email)
            for email, contact_id in found.items()
        ]
        reason = self.env._(
            "ActiveCampaign did not import this contact in batch %s (its answer "
            "names only the email: an address on the exclusion list, or a "
            "value it refused)."
        )
        results += [
            self._refused("ac_bulk_failure", reason % remote_id, email)
            for email in failed
        ]
        if status != "completed":
            ended = self.env._("The import batch ended %s.", status)
            results += [
                self._refused(f"ac_bulk_{status}", ended, email)
                for email in unnamed
                if email not in found
            ]
        return True, results

    def _emails_of(self, contact_ids):
        """``{email: contact id}`` of these contacts, 100 per call."""
        found = {}
        ids = sorted(set(contact_ids), key=lambda i: (len(i), i))
        for chunk, body in self._contacts_by_ids(ids, self.page_size):
            for contact in self._items(body, "contacts"):
                if str(contact["id"]) in chunk and contact.get("email"):
                    found[email_key(contact["email"])] = str(contact["id"])
        return found

    def _emails_of_address(self, email):
        body = self._call("GET", "/contacts", params={"email": email}) or {}
        return {
            email_key(c["email"]): str(c["id"])
            for c in body.get("contacts") or []
            if email_key(c.get("email") or "") == email
        }
