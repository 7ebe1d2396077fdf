# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bulk activities: contact imports and list memberships."""

from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector_marketing_base.exceptions import ConfigurationError

from .api import MEMBERSHIP_BATCH, PAGE_SIZE, ROW_ERROR, utc_iso


class ConstantContactAdapterBulk(AbstractComponent):
    """Exports go through ``activities/contacts_json_import`` (the base's
    asynchronous bulk path), followed by polling and an id read-back."""

    _name = "constantcontact.adapter.bulk"

    def bulk_import(self, rows, list_ids):
        """``_``-prefixed keys are our own notes on a row, never sent."""
        rows = [{k: v for k, v in row.items() if k[:1] != "_"} for row in rows]
        return self._call(
            "POST",
            "/activities/contacts_json_import",
            json={"import_data": rows, "list_ids": list_ids},
        )

    def activity(self, activity_id):
        return self._call("GET", f"/activities/{activity_id}")

    def list_memberships(self, list_ids, contact_ids, add=True):
        """Add or remove contacts to lists, 500 ids per activity."""
        path = "/activities/%s_list_memberships" % ("add" if add else "remove")
        return [
            self._call(
                "POST",
                path,
                json={"source": {"contact_ids": ids}, "list_ids": list_ids},
            )
            for ids in self._chunks(contact_ids, MEMBERSHIP_BATCH)
        ]

    def bulk_upsert(self, payloads):
        """Start an import into the default list; return the activity id.

        Rows are sent sorted by email, so the row numbers of
        ``activity_errors`` ("Row 3: ...") can be mapped back to emails.
        """
        list_id = self.backend_record.default_list_id
        if not list_id:
            raise ConfigurationError(
                self.env._(
                    "Backend %s has no default list: an import needs one.",
                    self.backend_record.name,
                )
            )
        rows = sorted(payloads, key=lambda row: row["email"])
        return self.bulk_import(rows, [list_id])["activity_id"]

    def bulk_status(self, remote_id, emails=None):
        """``(done, results)`` of an import activity.

        When it completed, each row error becomes an ``error`` result, and
        the ids of the other contacts are read back in pages of 500 changed
        since the import started (not one call per contact), stopping as
        soon as every email is found.
        """
        activity = self.activity(remote_id)
        state = activity.get("state")
        if state in ("initialized", "processing"):
            return False, []
        emails = sorted(emails or [])
        if state != "completed":
            return True, self._import_failed_results(activity, remote_id, emails)
        results = self._row_error_results(activity, emails)
        failed = {result["email"] for result in results}
        wanted = set(emails) - failed
        results += self._imported_ids(utc_iso(activity.get("created_at")), wanted)
        return True, results

    def _import_failed_results(self, activity, remote_id, emails):
        """Every email refused: the import as a whole did not complete."""
        message = self.env._(
            "Import %(id)s ended as %(state)s: %(errors)s",
            id=remote_id,
            state=activity.get("state"),
            errors="; ".join(activity.get("activity_errors") or []) or "-",
        )
        code = f"import_{activity.get('state')}"
        return [self._refused(code, message, email=e) for e in emails]

    def _row_error_results(self, activity, emails):
        """The activity's row errors ("Row 3: ..."), rows numbered in the
        order the emails were sent (sorted)."""
        results = []
        for error in activity.get("activity_errors") or []:
            match = ROW_ERROR.match(error or "")
            if match and 0 < int(match["row"]) <= len(emails):
                email = emails[int(match["row"]) - 1]
                results.append(
                    self._refused("constantcontact_import", match["message"], email)
                )
        return results

    def _imported_ids(self, since, wanted):
        """Remote ids of the ``wanted`` emails, read from the contacts
        changed since the import started, until all are found."""
        results = []
        params = {"limit": PAGE_SIZE, "status": "all", "updated_after": since}
        next_href = None
        while wanted:
            contacts, next_href = self.contacts_page(params, next_href)
            for contact in contacts:
                email = (
                    (contact.get("email_address") or {}).get("address") or ""
                ).lower()
                if email in wanted:
                    wanted.discard(email)
                    results.append(self._saved("updated", contact["contact_id"], email))
            if not next_href:
                break
        return results
