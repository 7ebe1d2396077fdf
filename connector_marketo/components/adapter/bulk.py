# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bulk lead extracts (the initial load).

Marketo calls them "bulk" exports; here they are *extracts*, methods named
``extract_*``: in the connector "bulk" is an export sent in bulk (a
``marketing.bulk.import``, followed through ``bulk_status``), the reverse
direction with another contract.
"""

from odoo.addons.component.core import AbstractComponent


class MarketoAdapterBulk(AbstractComponent):
    """Bulk lead extracts: create, enqueue, poll, stream the file."""

    _name = "marketo.adapter.bulk"

    def _extract_job(self, body):
        """The job of a bulk answer; a 1029 given as a record-level reason
        (the Error Codes page lists it there) is read like the request-level
        one."""
        job = (body.get("result") or [{}])[0]
        reason = (job.get("reasons") or [{}])[0]
        if reason.get("code"):
            self._raise_for_error(str(reason["code"]), reason.get("message") or "")
        return job

    def extract_create(self, start, end):
        """Create an export (not queued yet): its ``exportId``."""
        body = self._call(
            "POST",
            "/bulk/v1/leads/export/create.json",
            json={
                "fields": self.lead_fields(),
                "format": "CSV",
                "filter": {"createdAt": {"startAt": start, "endAt": end}},
            },
        )
        return self._extract_job(body)["exportId"]

    def extract_enqueue(self, export_id):
        """Queue a created export; :class:`ExportAlreadyQueued` when it is."""
        body = self._call("POST", f"/bulk/v1/leads/export/{export_id}/enqueue.json")
        return self._extract_job(body).get("status")

    def extract_status(self, export_id):
        """The status of an export: Created, Queued, Processing, Completed,
        Cancelled or Failed."""
        body = self._call("GET", f"/bulk/v1/leads/export/{export_id}/status.json")
        return self._extract_job(body)["status"]

    def extract_file(self, export_id):
        """The CSV of a completed export (not JSON) as a text stream, read
        as it arrives: a window of a large instance is hundreds of MB."""
        return self._file_stream(
            f"/bulk/v1/leads/export/{export_id}/file.json", "marketo_no_file"
        )
