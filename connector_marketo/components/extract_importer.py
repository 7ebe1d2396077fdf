# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import csv
import io
import logging
from datetime import timedelta

from odoo import fields
from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.tools.dates import iso_z, utc_naive
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError

from .adapter.api import ExportAlreadyQueued

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

#: Marketo accepts bulk extract filters of at most 31 days
WINDOW = timedelta(days=31)
#: Bulk Extract, "Polling Job Status": a job status does not change more
#: often than once every 60 seconds; do not poll more often
POLL_SECONDS = 60


class MarketoExtractImporter(Component):
    """Initial load through the bulk extract API, one window at a time.

    Each step is a job: create the export of a 31-day window and keep its
    ``exportId``; enqueue it (a job of its own, so a refused or lost enqueue
    is retried on the same export and never creates a second one); wait for
    it by postponing the job, a minute or more between polls (nothing
    sleeps); then read the CSV and enqueue batch imports of 300 rows, then
    move to the next window.  When the last window is read, the delta import
    starts from the time the load began.  (Its cursor and job keep their
    older names, ``bulk`` and ``bulk_extract_step``: stored state and a
    public job name.)
    """

    _name = "marketo.res.partner.extract.importer"
    _inherit = "marketo.base"
    _usage = "extract.importer"
    _apply_on = ["marketo.res.partner"]

    def run(self):
        backend = self.backend_record
        adapter = self.component(usage="backend.adapter")
        cursors = self.env["marketing.sync.cursor"].sudo()
        state = cursors._get(backend, "bulk") or {
            "start": iso_z(backend.initial_load_since),
            "began": iso_z(fields.Datetime.now()),
        }
        if not state.get("export_id"):
            return self._create(adapter, cursors, state)
        if not state.get("queued"):
            return self._enqueue(adapter, cursors, state)
        status = adapter.extract_status(state["export_id"])
        if status == "Created":  # our enqueue did not take: do it again
            return self._enqueue(adapter, cursors, state)
        if status in ("Queued", "Processing"):
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
            cursors._set(backend, "bulk", dict(state, export_id=None, queued=False))
            raise FailedJobError(
                self.env._(
                    "Marketo bulk export %(id)s ended as %(status)s; run the step "
                    "again to retry this window.",
                    id=state["export_id"],
                    status=status,
                )
            )
        with adapter.extract_file(state["export_id"]) as stream:
            count = self.component(usage="batch.importer").enqueue_chunks(
                self._rows(stream),
                adapter.batch_size,
                _lt("Import %s leads of the initial load"),
            )
        if state["end"] >= state["began"]:
            cursors._set(backend, "bulk", None)
            cursors._set(backend, "contacts", {"since": state["began"], "token": None})
            return self.env._("%s leads read; initial load complete", count)
        cursors._set(backend, "bulk", {"start": state["end"], "began": state["began"]})
        self._next_step()
        return self.env._("%s leads read; next window enqueued", count)

    def _create(self, adapter, cursors, state):
        """Create the window's export and keep its id (not queued yet)."""
        start = utc_naive(state["start"])
        end = iso_z(min(start + WINDOW, fields.Datetime.now()))
        export_id = adapter.extract_create(state["start"], end)
        cursors._set(
            self.backend_record,
            "bulk",
            dict(state, end=end, export_id=export_id, queued=False),
        )
        self._next_step()
        return self.env._(
            "Export %(id)s of leads created from %(start)s",
            id=export_id,
            start=state["start"],
        )

    def _enqueue(self, adapter, cursors, state):
        """Queue the kept export; "already queued" means a lost answer."""
        try:
            adapter.extract_enqueue(state["export_id"])
        except ExportAlreadyQueued as err:
            _logger.info("%s: %s, polling it", self.backend_record.display_name, err)
        cursors._set(self.backend_record, "bulk", dict(state, queued=True))
        self._next_step(POLL_SECONDS)
        return self.env._("Export %s queued", state["export_id"])

    def _next_step(self, delay=None):
        backend = self.backend_record
        backend.with_delay(
            priority=30,
            eta=delay,
            description=backend._job_description(self.env._("Initial load")),
        ).bulk_extract_step()

    @staticmethod
    def _rows(stream):
        """CSV rows as lead dicts (empty cells are missing values), one at a
        time from a text stream (or a whole text)."""
        if isinstance(stream, str):
            stream = io.StringIO(stream)
        for row in csv.DictReader(stream):
            yield {
                key: value for key, value in row.items() if value not in ("", "null")
            }
