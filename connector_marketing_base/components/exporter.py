# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import struct
from collections import Counter

import psycopg2

from odoo import fields
from odoo.tools import SQL

from odoo.addons.component.core import AbstractComponent
from odoo.addons.queue_job.exception import RetryableJobError

from ..exceptions import BadDataError
from ..tools.normalize import payload_hash

#: batches bound and enqueued per export_contacts job (bounds its memory and
#: its duration; whole batches, so only the very last batch is partial)
SLICE_BATCHES = 20
#: a batch of at most this many emails locks each of them; a larger one
#: locks the whole backend's export instead (PostgreSQL's lock table holds a
#: few thousand locks for all transactions together)
EMAIL_LOCKS_MAX = 1000


def _lock_key(name):
    """The advisory lock key of ``name``, as connector's
    ``pg_try_advisory_lock`` computes it (a job locking the same name with
    connector's helper excludes this one)."""
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).digest()
    return struct.unpack("q", digest[:8])[0]


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class MarketingBatchExporter(AbstractComponent):
    """Export bindings in as few calls as the provider allows.

    Each binding is mapped and validated on its own (an invalid partner goes
    to the review queue, the others go on), skipped when its payload hash is
    the one the platform already has, and sent in chunks of the adapter's
    ``batch_size``.  Each per-record status of the answer is applied in its
    own savepoint: created/updated bind the remote id, errors become review
    items.  Payloads are locked per email (transaction advisory lock) so two
    jobs never upsert the same person at once and create a duplicate.

    It never commits: the job's transaction holds the bindings and the
    hashes, so ``allow_commit`` stays off for export jobs.
    """

    _name = "marketing.batch.exporter"
    _inherit = ["base.exporter", "marketing.base"]
    _usage = "batch.exporter"

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

    def _payload(self, binding):
        return self.mapper.map_record(binding).values()

    @staticmethod
    def _hash_of(payload):
        """Hash of a payload without its ``_``-prefixed keys.

        Those keys are transport hints that depend on the binding's state
        rather than on the partner (e.g. "this contact is new: subscribe it
        to the list"); hashing them would make the next export differ.
        """
        return payload_hash({k: v for k, v in payload.items() if k[:1] != "_"})

    def _consent_only_payload(self, binding):
        """The smallest payload that unsubscribes a bound contact whose
        partner opted out but cannot be exported (invalid data), or None."""
        partner = binding.odoo_id
        if not (binding.external_id and partner.email_normalized):
            return None
        if not partner._marketing_opted_out():
            return None
        mapper = self.mapper
        return {
            mapper._remote_keys.get("email", "email"): partner.email_normalized,
            **mapper._consent_values(binding, True),
        }

    def _says_opt_out(self, binding, payload):
        """Whether ``payload`` tells the platform the contact opted out."""
        said = self.mapper._consent_values(binding, True)
        return all(payload.get(k) == v for k, v in said.items() if k[:1] != "_")

    def _payload_hash(self, binding):
        """Hash of what an export of ``binding`` would send now (or False)."""
        try:
            return self._hash_of(self._payload(binding))
        except BadDataError:
            return False

    def run(self, bindings):
        outcomes = Counter()
        to_send = []
        seen_emails = {}
        unchanged = []
        forgotten = (
            self.env["marketing.tombstone"]
            .sudo()
            ._forgotten(set(bindings.mapped("email_normalized")))
        )
        for binding in bindings:
            if binding.email_normalized in forgotten:
                outcomes["not exported (forgotten)"] += 1
                continue
            try:
                payload = self._payload(binding)
                digest = self._hash_of(payload)
            except BadDataError as err:
                self._issue("export", err.code, str(err), record=binding)
                outcomes["sent to review"] += 1
                # an opt-out still goes out, alone (no hash: the full export
                # follows once the partner is fixed)
                payload, digest = self._consent_only_payload(binding), False
                if not payload:
                    continue
            # an opt-out the platform was not told of is never "unchanged"
            # (an import stores the hash of Odoo's payload, opt-out included)
            if (
                binding.external_id
                and digest
                and digest == binding.export_hash
                and (binding.opt_out_sent or not self._says_opt_out(binding, payload))
            ):
                outcomes["unchanged"] += 1
                unchanged.append(binding.id)
                continue
            email = binding.email_normalized
            if email in seen_emails:
                self._issue(
                    "export",
                    "duplicate_email",
                    self.env._(
                        "%(a)s and %(b)s have the same email %(email)s: the "
                        "platform would merge them. Fix one of them.",
                        a=seen_emails[email].display_name,
                        b=binding.display_name,
                        email=email,
                    ),
                    record=binding,
                )
                outcomes["sent to review"] += 1
                continue
            seen_emails[email] = binding
            to_send.append((binding, payload, digest))
        to_send = self._without_deleted(to_send, outcomes)
        # checked and in sync: not picked again until the next change
        now = fields.Datetime.now()
        self.model._write_sync_columns({i: {"sync_date": now} for i in unchanged})
        self._lock_emails(sorted(seen_emails))
        adapter = self.backend_adapter
        if adapter.bulk_min and len(to_send) >= adapter.bulk_min:
            outcomes.update(self._send_bulk(to_send))
        else:
            outcomes.update(self._send_each(to_send))
        return self._summary(len(bindings), outcomes)

    def _without_deleted(self, to_send, outcomes):
        """``to_send`` without the bound contacts the platform deleted.

        An export upserts by email: sent again, a deleted contact would
        quietly come back.  Those the adapter can tell are gone are unbound
        instead, each with a review item and a tombstone (the reviewer
        decides whether the partner is sent again).
        """
        external_ids = [b.external_id for b, __, __ in to_send if b.external_id]
        if not external_ids:
            return to_send
        gone = self.backend_adapter.deleted_contacts(external_ids)
        if not gone:
            return to_send
        kept = [item for item in to_send if item[0].external_id not in gone]
        # a deletion feed may name other bound contacts too: all are unbound
        bound = self.binder_for().to_internal_many(gone)
        self._remote_deleted(self.model.browse([b.id for b in bound.values()]))
        outcomes["not exported (deleted on the platform)"] += len(to_send) - len(kept)
        return kept

    def _send_each(self, to_send):
        """Send through the synchronous API, ``batch_size`` per call; each
        record gets the platform's own verdict."""
        adapter = self.backend_adapter
        outcomes = Counter()
        for chunk in _chunks(to_send, adapter.batch_size):
            results = adapter.upsert([payload for __, payload, __ in chunk])
            sent = list(zip(chunk, results, strict=True))
            accepted = []
            for (binding, payload, digest), result in sent:
                if result.get("status") in ("created", "updated"):
                    accepted.append((binding, digest, result))
                    continue
                self._issue(
                    "export",
                    result.get("code") or "rejected",
                    result.get("message") or self.env._("Rejected by the platform"),
                    record=binding,
                    payload=payload,
                )
                outcomes["sent to review"] += 1
            outcomes.update(
                self._apply_accepted(
                    accepted,
                    {binding.id: payload for (binding, payload, __), __ in sent},
                )
            )
        return outcomes

    def _send_bulk(self, to_send):
        """Hand the payloads to the platform's asynchronous bulk import.

        Each request of up to ``bulk_size`` contacts becomes a
        ``marketing.bulk.import`` followed by its own job; its outcome per
        contact is applied there.  A request refused because of some of its
        rows (``BulkRowsRefused``: only those are bad) is sent again without
        them, and those rows go one by one through the synchronous API,
        which names the bad ones.
        A request refused as a whole files one review item per contact: the
        rest of the batch is still sent.
        """
        adapter = self.backend_adapter
        Tracker = self.env["marketing.bulk.import"].sudo()
        outcomes = Counter()
        queue = list(_chunks(to_send, adapter.bulk_size))
        while queue:
            chunk = queue.pop(0)
            try:
                remote_id = adapter.bulk_upsert([payload for __, payload, __ in chunk])
            except BadDataError as err:
                rows = getattr(err, "rows", None) or {}  # BulkRowsRefused
                named = [row for i, row in enumerate(chunk) if i in rows]
                rest = [row for i, row in enumerate(chunk) if i not in rows]
                if named:
                    outcomes.update(self._send_each(named))
                    if len(rest) >= adapter.bulk_min:
                        queue.append(rest)
                    elif rest:
                        outcomes.update(self._send_each(rest))
                    continue
                for binding, payload, __ in chunk:
                    self._issue(
                        "export", err.code, str(err), record=binding, payload=payload
                    )
                outcomes["sent to review"] += len(chunk)
                continue
            tracker = Tracker._start(
                self.backend_record,
                self.model._name,
                remote_id,
                [
                    (binding, payload, digest, binding.email_normalized)
                    for binding, payload, digest in chunk
                ],
            )
            tracker._enqueue_follow(adapter.bulk_poll_seconds)
            outcomes["sent in bulk"] += len(chunk)
        return outcomes

    def _apply_accepted(self, accepted, payloads, bulk=False):
        """Bind the remote ids of a chunk, then run the after-export steps.

        ``bulk`` says the contacts came through an asynchronous bulk import
        (see :meth:`_after_export`).
        """
        outcomes = self._bind_accepted(accepted, payloads)
        if not self._has_after_export_steps():
            return outcomes
        bound = self.model.browse(
            [
                binding.id
                for binding, __, result in accepted
                if binding.external_id == str(result["external_id"])
            ]
        )
        for binding in bound:
            try:
                with self._isolated():
                    self._after_export(binding, payloads[binding.id], bulk)
            except BadDataError as err:
                self._issue(
                    "export",
                    err.code,
                    str(err),
                    record=binding,
                    payload=payloads[binding.id],
                )
        return outcomes

    def _has_after_export_steps(self):
        """Whether this provider overrides :meth:`_after_export`.

        Why ask: each contact's steps run in a savepoint of their own, two
        round trips to PostgreSQL per contact (a tenth of a batch export's
        time); a provider without steps makes none.
        """
        return type(self)._after_export is not MarketingBatchExporter._after_export

    def _after_export(self, binding, payload, bulk):
        """Hook: what the platform needs once a contact exists (tags, lists,
        company links), for providers whose upsert cannot carry it all.  A
        ``BadDataError`` here files a review item for that record only."""

    def _bind_accepted(self, accepted, payloads):
        """Bind the remote ids of a chunk in one go; per record if that fails.

        A failure here means the platform gave two of our partners one
        contact id (it merged them by email): found out record by record.
        """
        now = fields.Datetime.now()
        try:
            with self._isolated():
                self.model._write_sync_columns(
                    {
                        binding.id: {
                            "external_id": str(result["external_id"]),
                            "export_hash": digest,
                            "sync_date": now,
                            "opt_out_sent": self._says_opt_out(
                                binding, payloads[binding.id]
                            ),
                        }
                        for binding, digest, result in accepted
                    }
                )
        except psycopg2.IntegrityError:
            self.env.invalidate_all()
            return Counter(
                self._apply_result(binding, payloads[binding.id], digest, result)
                for binding, digest, result in accepted
            )
        bindings = self.model.browse([binding.id for binding, __, __ in accepted])
        self.env["marketing.sync.issue"].sudo()._resolve(
            self.backend_record, record=bindings, directions=("export",)
        )
        return Counter(result["status"] for __, __, result in accepted)

    def _lock_emails(self, emails):
        """Transaction advisory locks on these emails, or retry the job later.

        Two jobs never upsert one person at once, and batches of different
        people never postpone each other.  A batch of up to
        :data:`EMAIL_LOCKS_MAX` emails locks each email (the key scheme of
        connector's ``advisory_lock_or_retry``) and holds the backend's
        export lock shared; a larger batch takes that lock exclusively
        instead: its emails would fill PostgreSQL's lock table.  (Stripes of
        emails, crc32 modulo 1,024, made any two batches of 300 share a
        stripe: the second one was always postponed.)
        """
        if not emails:
            return
        backend = self.backend_record
        name = f"marketing-export-{backend._name}-{backend.id}"
        if len(emails) > EMAIL_LOCKS_MAX:
            query = SQL("SELECT pg_try_advisory_xact_lock(%s)", _lock_key(name))
        else:
            query = SQL(
                "SELECT pg_try_advisory_xact_lock_shared(%s) AND ("
                " SELECT bool_and(pg_try_advisory_xact_lock(k))"
                " FROM unnest(%s::bigint[]) AS k)",
                _lock_key(name),
                [_lock_key(f"{name}-{email}") for email in emails],
            )
        self.env.cr.execute(query)
        if not self.env.cr.fetchone()[0]:
            raise RetryableJobError(
                self.env._("Another job is exporting one of these contacts"),
                seconds=5,
                ignore_retry=True,
            )

    def _apply_result(self, binding, payload, digest, result):
        status = result["status"]
        try:
            with self._isolated():
                self.binder.bind(result["external_id"], binding)
                binding.write(
                    {
                        "export_hash": digest,
                        "sync_date": fields.Datetime.now(),
                        "opt_out_sent": self._says_opt_out(binding, payload),
                    }
                )
        except psycopg2.IntegrityError:
            self.env.invalidate_all()
            other = self.binder.to_internal(result["external_id"])
            self._issue(
                "export",
                "duplicate_remote",
                self.env._(
                    "The platform merged %(a)s into the contact of %(b)s "
                    "(remote id %(id)s): they share an email.",
                    a=binding.display_name,
                    b=other.display_name,
                    id=result["external_id"],
                ),
                record=binding,
                payload=payload,
            )
            return "sent to review"
        self.env["marketing.sync.issue"].sudo()._resolve(
            self.backend_record, record=binding, directions=("export",)
        )
        return status

    def _summary(self, total, outcomes):
        details = ", ".join(
            f"{count} {name}" for name, count in sorted(outcomes.items())
        )
        return self.env._(
            "%(n)s partners: %(details)s", n=total, details=details or "-"
        )

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
        for chunk in _chunks(pending, size):
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
        for chunk in _chunks(company_ids, size):
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


class MarketingRecordExporter(AbstractComponent):
    """Export one binding: a batch of one, through the same rules."""

    _name = "marketing.record.exporter"
    _inherit = ["base.exporter", "marketing.base"]
    _usage = "record.exporter"

    def run(self, binding):
        return self.component(usage="batch.exporter").run(binding)
