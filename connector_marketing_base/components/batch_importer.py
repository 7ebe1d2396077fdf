# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import itertools
from collections import Counter

from odoo.addons.component.core import AbstractComponent


class MarketingBatchImporter(AbstractComponent):
    """Import one page of changed contacts and move the cursor past it.

    A feed (see ``marketing.feed.importer``): the cursor commits with the
    page imported, so a job that dies stores neither and the next run reads
    the same page again (imports are idempotent).  The next page is a new
    job, so a million contacts are many short jobs, not one long one.
    """

    _name = "marketing.batch.importer"
    _inherit = ["marketing.feed.importer", "base.importer"]
    _usage = "batch.importer"
    _feed_job = "import_contacts_page"

    def run(self, cursor_name="contacts"):
        return super().run(cursor_name)

    def _cursor_name(self):
        return self._feed_args[0]

    def _chain_name(self):
        return f"import:{self._cursor_name()}"

    def _fetch_page(self, state):
        return self.backend_adapter.search_page(state)

    def _apply_page(self, page, state):
        return self._import_records(page.records)

    def _feed_description(self):
        return self.env._("Import next contact page")

    def _summary(self, page, applied):
        return self._summary_text(len(page.records), applied, page.has_more)

    def run_records(self, records):
        """Import records already read (a chunk of a bulk extract file)."""
        outcomes = self._import_records(records)
        return self._summary_text(len(records), outcomes, False)

    def enqueue_chunks(self, rows, size, label):
        """One job importing each ``size`` rows (:meth:`run_records`), for
        rows a platform hands over at once (a bulk extract file): enqueued
        as ``rows``, an iterator, is read, so only one chunk is in memory.
        The rows are personal data: they are staged
        (``marketing.import.chunk``), the job carries the chunk's id.
        ``label`` (a lazy translation, "Import %s ...") describes the jobs.
        Returns the number of rows."""
        backend = self.backend_record
        Chunk = self.env["marketing.import.chunk"].sudo()
        count, batch = 0, []
        for row in itertools.chain(rows, [None]):
            if row is not None:
                batch.append(row)
                count += 1
            if batch and (row is None or len(batch) == size):
                chunk = Chunk._stage(backend, batch)
                backend.with_delay(
                    priority=30,
                    description=backend._job_description(
                        self._text(label, chunk.count)
                    ),
                ).import_contacts_chunk(chunk)
                batch = []
        return count

    def _import_records(self, records):
        return Counter(self.component(usage="record.importer").run_many(records))

    def _summary_text(self, total, outcomes, has_more):
        details = ", ".join(
            f"{count} {name}" for name, count in sorted(outcomes.items())
        )
        text = self.env._("%(n)s contacts read", n=total)
        if details:
            text += f" ({details})"
        if has_more:
            text += self.env._("; next page enqueued")
        return text
