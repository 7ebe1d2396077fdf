# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter
from typing import NamedTuple

from odoo import fields

from odoo.addons.component.core import AbstractComponent

from ..exceptions import BadDataError
from ..tools import outcomes as oc
from ..tools.normalize import payload_hash
from .export_slicer import chunks


class Outgoing(NamedTuple):
    """One record on its way out: what the exporter's steps pass along."""

    binding: object
    payload: dict
    #: hash of ``payload`` stored once the platform took it (False: an
    #: opt-out sent alone, the full export still due)
    digest: str | bool


class MarketingBatchExporter(AbstractComponent):
    """Export bindings in as few calls as the provider allows.

    Each binding is mapped and validated on its own (an invalid partner goes
    to the review queue, the others go on), skipped when its payload hash is
    the one the platform already has, and sent in chunks of the adapter's
    ``batch_size``, or handed to the platform's asynchronous bulk import
    (a ``marketing.bulk.import`` tracker) from ``bulk_min`` payloads on.
    Each per-record status of the answer is applied in its own savepoint:
    created/updated bind the remote id, errors become review items.
    Payloads are locked per email (``marketing.export.lock``) so two jobs
    never upsert the same person at once and create a duplicate.  What to
    export and the jobs that do it: ``marketing.export.slicer``.

    It never commits: the job's transaction holds the bindings and the
    hashes, so ``allow_commit`` stays off for export jobs.
    """

    _name = "marketing.batch.exporter"
    _inherit = [
        "base.exporter",
        "marketing.export.lock",
        "marketing.export.slicer",
        "marketing.export.binding",
        "marketing.base",
    ]
    _usage = "batch.exporter"

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
        """Sort the batch out, then send what has to go: see the steps."""
        outcomes = Counter()
        to_send, unchanged, emails = self._to_send(bindings, outcomes)
        to_send = self._without_deleted(to_send, outcomes)
        # checked and in sync: not picked again until the next change
        now = fields.Datetime.now()
        self.model._write_sync_columns({i: {"sync_date": now} for i in unchanged})
        self._lock_emails(sorted(emails))
        outcomes.update(self._send(to_send))
        return self._summary(len(bindings), outcomes)

    def _to_send(self, bindings, outcomes):
        """``(to_send, unchanged ids, emails)`` of a batch, counting the
        records that stay here in ``outcomes``.

        ``to_send`` holds :class:`Outgoing` records: forgotten people,
        invalid partners (save an opt-out, sent alone), unchanged payloads
        and a second partner with an email already in the batch stay out.
        No query per record: the export path is benchmarked.
        """
        to_send, seen_emails, unchanged = [], {}, []
        forgotten = (
            self.env["marketing.tombstone"]
            .sudo()
            ._forgotten(set(bindings.mapped("email_normalized")))
        )
        for binding in bindings:
            if binding.email_normalized in forgotten:
                outcomes[oc.FORGOTTEN] += 1
                continue
            payload, digest = self._prepare(binding, outcomes)
            if not payload:
                continue
            if self._has_to_skip(binding, payload, digest):
                outcomes[oc.UNCHANGED] += 1
                unchanged.append(binding.id)
                continue
            email = binding.email_normalized
            if email in seen_emails:
                self._issue_same_email(seen_emails[email], binding)
                outcomes[oc.REVIEW] += 1
                continue
            seen_emails[email] = binding
            to_send.append(Outgoing(binding, payload, digest))
        return to_send, unchanged, seen_emails

    def _prepare(self, binding, outcomes):
        """``(payload, digest)`` of ``binding``; an invalid partner is sent
        to review and yields its opt-out alone (no hash: the full export
        follows once the partner is fixed), or ``(None, False)``."""
        try:
            payload = self._payload(binding)
            return payload, self._hash_of(payload)
        except BadDataError as err:
            self._issue("export", err.code, str(err), record=binding)
            outcomes[oc.REVIEW] += 1
            return self._consent_only_payload(binding), False

    def _has_to_skip(self, binding, payload, digest):
        """Whether the platform already has this payload (its hash).

        An opt-out the platform was not told of is never "unchanged" (an
        import stores the hash of Odoo's payload, opt-out included).
        """
        return bool(
            binding.external_id
            and digest
            and digest == binding.export_hash
            and (binding.opt_out_sent or not self._says_opt_out(binding, payload))
        )

    def _issue_same_email(self, first, binding):
        self._issue(
            "export",
            "duplicate_email",
            self.env._(
                "%(a)s and %(b)s have the same email %(email)s: the "
                "platform would merge them. Fix one of them.",
                a=first.display_name,
                b=binding.display_name,
                email=binding.email_normalized,
            ),
            record=binding,
        )

    def _send(self, to_send):
        """Through the bulk import from the adapter's ``bulk_min`` payloads
        on (where it has one), else through the synchronous API."""
        adapter = self.backend_adapter
        if adapter.bulk_min and len(to_send) >= adapter.bulk_min:
            return self._send_bulk(to_send)
        return self._send_each(to_send)

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
        outcomes[oc.REMOTE_DELETED] += len(to_send) - len(kept)
        return kept

    def _send_each(self, to_send):
        """Send through the synchronous API, ``batch_size`` per call; each
        record gets the platform's own verdict."""
        adapter = self.backend_adapter
        outcomes = Counter()
        for chunk in chunks(to_send, adapter.batch_size):
            results = adapter.upsert([payload for __, payload, __ in chunk])
            sent = list(zip(chunk, results, strict=True))
            accepted = []
            for (binding, payload, digest), result in sent:
                if result.get("status") in oc.ACCEPTED:
                    accepted.append((binding, digest, result))
                    continue
                self._issue_refused(
                    result, binding, payload, self.env._("Rejected by the platform")
                )
                outcomes[oc.REVIEW] += 1
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
        queue = list(chunks(to_send, adapter.bulk_size))
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
                outcomes[oc.REVIEW] += len(chunk)
                continue
            tracker = Tracker._start(
                self.backend_record, self.model._name, remote_id, chunk
            )
            tracker._enqueue_follow(adapter.bulk_poll_seconds)
            outcomes[oc.SENT_IN_BULK] += len(chunk)
        return outcomes

    def _apply_accepted(self, accepted, payloads, bulk=False):
        """Bind the remote ids of a chunk, then run the after-export steps.

        ``bulk`` says the contacts came through an asynchronous bulk import
        (see :meth:`_after_export`).
        """
        outcomes = self._bind_accepted(accepted, payloads)
        bound = self.model.browse(
            [
                binding.id
                for binding, __, result in accepted
                if binding.external_id == str(result["external_id"])
            ]
        )
        outcomes.update(self._after_export_chunk(bound, payloads, bulk) or ())
        if not self._has_after_export_steps():
            return outcomes
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

    def _after_export_chunk(self, bound, payloads, bulk):
        """Hook: what follows the export of a whole chunk at once (review
        items of one reason filed together, see ``_issue_many``), before the
        per-contact :meth:`_after_export`; may return outcomes to count."""

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

    def _summary(self, total, outcomes):
        return self.env._(
            "%(n)s partners: %(details)s", n=total, details=oc.details(outcomes)
        )
