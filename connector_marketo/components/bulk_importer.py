# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import csv
import io
from datetime import timedelta

from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError

#: Marketo accepts bulk extract filters of at most 31 days
WINDOW = timedelta(days=31)
POLL_SECONDS = 30


class MarketoBulkImporter(Component):
    """Initial load through the bulk extract API, one window at a time.

    Each step is a job: create and enqueue the export of a 31-day window,
    then wait for it by postponing the job (nothing sleeps), then read the
    CSV and enqueue batch imports of 300 rows, then move to the next window.
    When the last window is read, the delta import starts from the time the
    load began.
    """

    _name = "marketo.res.partner.bulk.importer"
    _inherit = "marketo.base"
    _usage = "bulk.importer"
    _apply_on = ["marketo.res.partner"]

    def run(self):
        backend = self.backend_record
        adapter = self.component(usage="backend.adapter")
        cursors = self.env["marketing.sync.cursor"].sudo()
        state = cursors._get(backend, "bulk") or {
            "start": backend.initial_load_since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "began": fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if not state.get("export_id"):
            start = fields.Datetime.to_datetime(state["start"][:19].replace("T", " "))
            end = min(start + WINDOW, fields.Datetime.now())
            state.update(
                end=end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                export_id=adapter.bulk_create(
                    state["start"], end.strftime("%Y-%m-%dT%H:%M:%SZ")
                ),
            )
            cursors._set(backend, "bulk", state)
            self._next_step()
            return self.env._(
                "Export %(id)s of leads created from %(start)s queued",
                id=state["export_id"],
                start=state["start"],
            )
        status = adapter.bulk_status(state["export_id"])
        if status in ("Created", "Queued", "Processing"):
            raise RetryableJobError(
                self.env._(
                    "Marketo bulk export %(id)s is %(status)s",
                    id=state["export_id"],
                    status=status,
                ),
                seconds=POLL_SECONDS,
                ignore_retry=True,
            )
        if status != "Completed":
            cursors._set(backend, "bulk", dict(state, export_id=None))
            raise FailedJobError(
                self.env._(
                    "Marketo bulk export %(id)s ended as %(status)s; run the step "
                    "again to retry this window.",
                    id=state["export_id"],
                    status=status,
                )
            )
        rows = self._rows(adapter.bulk_file(state["export_id"]))
        size = adapter.batch_size
        Chunk = self.env["marketing.import.chunk"].sudo()
        for begin in range(0, len(rows), size):
            # the rows are personal data: staged, the job carries an id
            chunk = Chunk._stage(backend, rows[begin : begin + size])
            backend.with_delay(
                priority=30,
                description=backend._job_description(
                    self.env._("Import %s leads of the initial load", chunk.count)
                ),
            ).import_contacts_chunk(chunk)
        if state["end"] >= state["began"]:
            cursors._set(backend, "bulk", None)
            cursors._set(backend, "contacts", {"since": state["began"], "token": None})
            return self.env._("%s leads read; initial load complete", len(rows))
        cursors._set(backend, "bulk", {"start": state["end"], "began": state["began"]})
        self._next_step()
        return self.env._("%s leads read; next window enqueued", len(rows))

    def _next_step(self):
        backend = self.backend_record
        backend.with_delay(
            priority=30,
            description=backend._job_description(self.env._("Initial load")),
        ).bulk_extract_step()

    @staticmethod
    def _rows(text):
        """CSV rows as lead dicts (empty cells are missing values)."""
        return [
            {key: value for key, value in row.items() if value not in ("", "null")}
            for row in csv.DictReader(io.StringIO(text))
        ]
