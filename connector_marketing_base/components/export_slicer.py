# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL

from odoo.addons.component.core import AbstractComponent

#: batches bound and enqueued per export_contacts job (bounds its memory and
#: its duration; whole batches, so only the very last batch is partial)
SLICE_BATCHES = 20


def chunks(items, size):
    """``items`` (a list) in consecutive lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class MarketingExportSlicer(AbstractComponent):
    """Which bindings to export, and the jobs that export them.

    The part of the batch exporter that runs before any export: bind the
    partners of the sync domain a slice at a time and enqueue their batch
    jobs (companies first where the provider links contacts to them).  Kept
    apart from the sending so each reads on its own; the batch exporter
    (``marketing.batch.exporter``) inherits it.
    """

    _name = "marketing.export.slicer"
    _inherit = "marketing.base"

    #: batches bound and enqueued per export_contacts job (None: the module's
    #: SLICE_BATCHES; a provider with very large batches lowers it to keep
    #: the memory of a job flat)
    slice_batches = None
    #: job method of the backend that exports company partners, for a
    #: provider where a contact links to its company record (None: no such
    #: records); it takes a list of partner ids
    company_export_job = None
    #: companies per job (None: the adapter's batch size)
    company_chunk_size = None

    def enqueue_all(self, after_id=0):
        """Bind a slice of the partners of the sync domain, enqueue their
        batch exports, and enqueue the next slice as a job of its own.

        Only bindings never exported, or whose partner changed since their
        last sync, are enqueued; the hash check then skips those whose
        payload did not really change.  (``sync_date`` has second precision:
        a partner written in the second of its export is enqueued again rather
        than risk missing a change.)

        A slice is :data:`SLICE_BATCHES` batches of partners by id after
        ``after_id``.  Each slice being its own job keeps memory flat and lets
        the batch jobs of a slice run, on other workers, while the next slice
        is bound: the next slice's job has a higher priority (15) than the
        batches (20), so a free worker binds ahead while the others export.
        A partner created meanwhile with an id below ``after_id`` is left to
        the next run.
        """
        backend = self.backend_record
        if not after_id:  # the first slice: companies first
            self._enqueue_companies()
        size = self.backend_adapter.batch_size
        slice_size = size * (self.slice_batches or SLICE_BATCHES)
        partner_ids = (
            self.env["res.partner"]
            .search(
                backend._partner_domain() + [("id", ">", after_id)],
                order="id",
                limit=slice_size,
            )
            .ids
        )
        pending = self._pending_bindings(partner_ids) if partner_ids else []
        jobs = 0
        for chunk in chunks(pending, size):
            batch = self.model.browse(chunk)
            batch.with_delay(
                priority=20,
                description=backend._job_description(
                    self.env._("Export %s partners", len(batch))
                ),
            ).export_batch()
            jobs += 1
        message = self.env._(
            "%(pending)s of %(total)s partners to export in %(jobs)s jobs",
            pending=len(pending),
            total=len(partner_ids),
            jobs=jobs,
        )
        if len(partner_ids) == slice_size:
            backend.with_delay(
                priority=15,
                description=backend._job_description(
                    self.env._("Export contacts after partner id %s", partner_ids[-1])
                ),
                identity_key=backend._chain_key("export:contacts"),
            ).export_contacts(after_id=partner_ids[-1])
            message += self.env._("; next slice enqueued")
        return message

    def _enqueue_companies(self):
        """Enqueue the export of the companies of the partners to export.

        Why first: a contact's link to its company can only be set once the
        company exists on the platform.  The companies' jobs are enqueued
        before the contacts' batches at the same priority, so on a free
        channel they run first; a contact exported before its company was
        there gets the link at its next export.
        """
        if not self.company_export_job:
            return
        backend = self.backend_record
        groups = self.env["res.partner"]._read_group(
            backend._partner_domain() + [("parent_id.is_company", "=", True)],
            ["parent_id"],
        )
        company_ids = [parent.id for (parent,) in groups]
        size = self.company_chunk_size or self.backend_adapter.batch_size
        for chunk in chunks(company_ids, size):
            job = backend.with_delay(
                priority=20,
                description=backend._job_description(
                    self.env._("Export %s companies", len(chunk))
                ),
            )
            getattr(job, self.company_export_job)(chunk)

    def _pending_bindings(self, partner_ids):
        """Ids of the bindings of ``partner_ids`` to export (binding new ones).

        Forgotten people and partners whose contact was deleted on the
        platform (until the reviewer decides) are left out.
        """
        backend = self.backend_record
        partner_ids = (
            self.env["marketing.tombstone"]
            .sudo()
            ._exportable_partner_ids(backend, self.model._table, partner_ids)
        )
        if not partner_ids:
            return []
        table = SQL.identifier(self.model._table)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT odoo_id FROM %s WHERE backend_id = %s AND odoo_id = ANY(%s)",
                table,
                backend.id,
                list(partner_ids),
            )
        )
        bound = {row[0] for row in self.env.cr.fetchall()}
        new = self.model._bind_new(
            backend,
            [partner_id for partner_id in partner_ids if partner_id not in bound],
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT b.id FROM %s b JOIN res_partner p ON p.id = b.odoo_id
                 WHERE b.backend_id = %s AND b.odoo_id = ANY(%s)
                   AND b.id != ALL(%s)
                   AND (b.external_id IS NULL OR b.sync_date IS NULL
                        OR p.write_date > b.sync_date)
                 ORDER BY b.id
                """,
                table,
                backend.id,
                list(partner_ids),
                new.ids,
            )
        )
        return new.ids + [row[0] for row in self.env.cr.fetchall()]
