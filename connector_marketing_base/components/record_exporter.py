# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import fields

from odoo.addons.component.core import AbstractComponent

from ..exceptions import BadDataError
from ..tools import outcomes as oc
from ..tools.normalize import payload_hash
from .export_slicer import chunks


class MarketingRecordExporter(AbstractComponent):
    """Export one binding (the ``export_record`` job of a change in Odoo).

    By default a batch of one: the binding goes through its model's
    ``batch.exporter``, so one record and a batch obey the same rules
    (forgotten people, hash skip, opt-outs, locks) and answer the same
    summary.  A provider whose update of a known contact differs from its
    batch export (Constant Contact updates it read-modify-write) uses
    ``marketing.contact.updater`` instead.
    """

    _name = "marketing.record.exporter"
    _inherit = ["base.exporter", "marketing.base"]
    _usage = "record.exporter"

    def run(self, binding):
        return self.component(usage="batch.exporter").run(binding)


class MarketingSingleExporter(AbstractComponent):
    """Export bindings one call each, in the way of connector's
    ``GenericExporter``: the steps of :meth:`export_one`.

    For records a platform takes one at a time (ActiveCampaign accounts and
    deals) and for a contact updated alone.  The order of the steps:

    1. :meth:`_export_dependencies`: records this one links to are exported
       first when they are not yet (a deal needs its contact), outside this
       record's savepoint, so a refused dependency keeps its own review item;
    2. :meth:`_payload` (``BadDataError``: a review item, nothing sent);
    3. :meth:`_has_to_skip`: the platform already has this payload (hash);
    4. :meth:`_lock`: a job exporting the same record at the same time
       postpones this one (``RetryableJobError``);
    5. :meth:`_export` in a savepoint: send, then :meth:`_bind_export`.

    Unlike ``GenericExporter`` it never commits (``allow_commit`` stays off
    for export jobs): a dependency exported on the way and this record land
    together or are retried together, and an upsert with a marker
    (``save_account``/``save_deal``) finds the remote record again rather
    than creating a second one.
    """

    _name = "marketing.single.exporter"
    _inherit = ["base.exporter", "marketing.export.lock", "marketing.base"]

    #: records exported per job of :meth:`enqueue_all` (one call each)
    records_per_job = 50
    #: texts naming the records (lazy translations, ``LazyTranslate(__name__)``):
    #: "Export %s <records>" describes their export jobs, "%(n)s <records>:
    #: %(details)s" is the result of one, "%(p)s of %(n)s <records> to
    #: export" the result of :meth:`enqueue_all`
    _job_label = None
    _result_label = None
    _enqueue_result = None

    def run(self, bindings):
        outcomes = Counter(self.export_one(binding) for binding in bindings)
        return self._summary(len(bindings), outcomes)

    def export_one(self, binding):
        """Export ``binding``; its outcome (see ``tools/outcomes.py``)."""
        try:
            self._export_dependencies(binding)
            payload = self._payload(binding)
            digest = self._hash_of(payload)
            if self._has_to_skip(binding, payload, digest):
                return oc.UNCHANGED
            self._lock(binding)
            with self._isolated():
                return self._export(binding, payload, digest)
        except BadDataError as err:
            self._issue("export", err.code, str(err), record=binding)
            return oc.REVIEW

    def _export_dependencies(self, binding):
        """Hook: export what ``binding`` links to (:meth:`_export_dependency`)."""

    def _payload(self, binding):
        return self.mapper.map_record(binding).values()

    @staticmethod
    def _hash_of(payload):
        return payload_hash(payload)

    def _has_to_skip(self, binding, payload, digest):
        """Whether the platform already has this payload (its hash)."""
        return bool(binding.external_id and digest == binding.export_hash)

    def _lock(self, binding):
        self._lock_binding(binding)

    def _export(self, binding, payload, digest):
        """Send ``payload`` (create or update), bind: the outcome."""
        created = not binding.external_id
        external_id = self._send(binding, payload)
        self._bind_export(binding, external_id, digest)
        return oc.CREATED if created else oc.UPDATED

    def _send(self, binding, payload):
        """Create or update the remote record; its remote id."""
        raise NotImplementedError

    def _bind_export(self, binding, external_id, digest, **values):
        """Store the remote id and the hash; the record's export review
        items are resolved (it went through)."""
        binding.write(
            dict(
                values,
                external_id=external_id,
                export_hash=digest,
                sync_date=fields.Datetime.now(),
            )
        )
        self.env["marketing.sync.issue"].sudo()._resolve(
            self.backend_record, record=binding, directions=("export",)
        )

    def _summary(self, total, outcomes):
        """``_result_label`` with the number of records and their outcomes."""
        if not self._result_label:
            return self.env._(
                "%(n)s records: %(details)s", n=total, details=oc.details(outcomes)
            )
        return self._text(
            self._result_label, {"n": total, "details": oc.details(outcomes)}
        )

    def enqueue_all(self):
        """Bind the records to export (:meth:`_records_to_export`) and
        enqueue the export of those never exported or changed since their
        last sync, :attr:`records_per_job` per job (the hash check then
        skips those whose payload did not really change)."""
        backend = self.backend_record
        bindings = self.model._bind(backend, self._records_to_export())
        pending = bindings.filtered(
            lambda b: (
                not b.external_id
                or not b.sync_date
                or b.odoo_id.write_date > b.sync_date
            )
        )
        for chunk in chunks(pending, self.records_per_job):
            chunk.with_delay(
                priority=20,
                description=backend._job_description(
                    self._text(self._job_label, len(chunk))
                ),
            ).export_batch()
        return self._text(self._enqueue_result, {"p": len(pending), "n": len(bindings)})

    def _records_to_export(self):
        """Hook: the Odoo records :meth:`enqueue_all` exports."""
        raise NotImplementedError


class MarketingContactUpdater(AbstractComponent):
    """Export one contact alone: a known one through the steps of
    ``marketing.single.exporter``, a new one through the batch exporter.

    For a platform whose update of a known contact is not its batch export
    (Constant Contact's batch is an asynchronous import; a contact changed
    alone is read and written back whole).  The payload, its hash and the
    result text are the batch exporter's, so either path skips what the
    other sent, and the lock is the batch's email lock, so a batch and a
    single update of one person exclude each other.  The provider writes
    :meth:`_export` (and what it needs): how one contact is updated.
    """

    _name = "marketing.contact.updater"
    _inherit = ["marketing.record.exporter", "marketing.single.exporter"]

    def run(self, binding):
        if not binding.external_id:
            return self._batch_exporter.run(binding)
        return self._summary(1, Counter([self.export_one(binding)]))

    @property
    def _batch_exporter(self):
        return self.component(usage="batch.exporter")

    def _payload(self, binding):
        return self._batch_exporter._payload(binding)

    def _hash_of(self, payload):
        return self._batch_exporter._hash_of(payload)

    def _lock(self, binding):
        self._lock_emails([binding.email_normalized])

    def _summary(self, total, outcomes):
        return self._batch_exporter._summary(total, outcomes)
