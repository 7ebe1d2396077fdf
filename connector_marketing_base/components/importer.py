# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

import psycopg2

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from odoo.addons.component.core import AbstractComponent

from ..exceptions import BadDataError
from ..tools.dates import utc_naive
from ..tools.outcomes import (
    CREATED,
    DELETED,
    LINKED,
    REVIEW,
    TOMBSTONED,
    UNCHANGED,
    UPDATED,
)

_logger = logging.getLogger(__name__)


class MarketingRecordImporter(AbstractComponent):
    """Import one remote contact into a partner.

    Matching: the binding (external id) first, then the
    normalized email; several partners with the email is a review item, not a
    guess (``marketing.import.matching``).  On an existing partner each field
    obeys its conflict rule (``marketing.import.conflicts``).  All
    writes carry ``connector_no_export`` (set here, inside the job: context is
    not carried into jobs), and the binding stores the hash of the payload an
    export would now send, so the import does not echo back to the platform.
    A page is imported at once where it can (``marketing.import.page``).
    """

    _name = "marketing.record.importer"
    _inherit = [
        "base.importer",
        "marketing.import.page",
        "marketing.import.matching",
        "marketing.import.conflicts",
    ]
    _usage = "record.importer"

    def run(self, external_id=None, record=None, force_create=False):
        """Import ``record`` (or read ``external_id``); return the outcome."""
        if record is None:
            try:
                record = self.backend_adapter.fetch(external_id)
            except BadDataError as err:
                binding = self.binder.to_internal(str(external_id))
                if err.code == "not_found" and binding:
                    # a bound contact the platform no longer has: deleted
                    self._remote_deleted(binding)
                    return DELETED
                self._issue(
                    "import", "remote_missing", str(err), external_id=external_id
                )
                return REVIEW
        try:
            external_id = self.backend_adapter.external_id_of(record)
        except (KeyError, TypeError) as err:
            self._issue(
                "import",
                "malformed_record",
                self.env._("Record without id"),
                payload=record,
            )
            _logger.debug("malformed record: %s", err)
            return REVIEW
        if self.backend_adapter.is_deleted(record):
            self._remote_deleted(self.binder.to_internal(external_id))
            return DELETED
        if external_id not in getattr(self, "_no_tombstone", ()) and self.env[
            "marketing.tombstone"
        ].sudo()._not_importable(
            self.backend_record, {external_id: self._email_of(record)}
        ):
            return TOMBSTONED
        try:
            with self._isolated():
                return self._import(external_id, record, force_create)
        except BadDataError as err:
            self.mapper._forget_lookups()
            self._issue(
                "import", err.code, str(err), external_id=external_id, payload=record
            )
        except (ValidationError, UserError, psycopg2.IntegrityError) as err:
            self.env.invalidate_all()
            self.mapper._forget_lookups()
            self._issue(
                "import",
                "rejected_by_odoo",
                str(err),
                external_id=external_id,
                payload=record,
            )
        return REVIEW

    def run_many(self, records):
        """Import a page of records; return the outcome of each.

        The common case of a first import, a contact Odoo has never seen, is
        done in bulk: the bindings and partners of the page are looked up in
        two queries and the new partners are created together in one
        savepoint (see ``marketing.import.page``).  Everything else (bound
        records, email matches, duplicates inside the page) and any batch
        that fails goes through :meth:`run`, one savepoint per record, so
        one bad record still cannot block the others.
        """
        outcomes, keyed, deleted = self._split_page(records)
        outcomes += self._unbind_deleted(deleted)
        # normalized once (email_normalize parses the address: a few % of
        # the page), for the tombstones and the matching alike
        email_of = {key: self._email_of(record) for key, record in keyed}
        blocked = (
            self.env["marketing.tombstone"]
            .sudo()
            ._not_importable(self.backend_record, email_of)
        )
        outcomes += [TOMBSTONED] * len(blocked)
        keyed = [(key, record) for key, record in keyed if key not in blocked]
        # checked here for the whole page: run() need not check them again
        self._no_tombstone = {key for key, __ in keyed}
        new, single = self._new_contacts(keyed, email_of)
        mapped, failed = self._map_new(new)
        outcomes += failed
        outcomes += self._create_many(mapped)
        outcomes += [self.run(record=record) for record in single]
        return outcomes

    def _import(self, external_id, record, force_create):
        # review items this import files itself (conflicts): its success
        # closes the record's other import issues, never these
        self._forget_memo("conflicts_filed")
        binding = self.binder.to_internal(external_id)
        remote_updated_at = self._remote_updated_at(record)
        if binding and not force_create and self._is_older(binding, remote_updated_at):
            return UNCHANGED
        values = self.mapper.map_record(record).values(for_create=not binding)
        if binding:
            binding = binding.with_context(connector_no_export=True)
            self._update_partner(
                binding.odoo_id, values, remote_updated_at, record, binding
            )
            outcome = UPDATED
        else:
            binding, outcome = self._link_or_create(
                external_id, record, values, remote_updated_at, force_create
            )
            if not binding:
                return outcome
        self._finish_import(binding, external_id, record, remote_updated_at)
        return outcome

    @staticmethod
    def _is_older(binding, remote_updated_at):
        """The record is older than what the binding holds (second
        precision: a change in the same second is not older)."""
        return bool(
            remote_updated_at
            and binding.remote_updated_at
            and remote_updated_at < binding.remote_updated_at
        )

    def _update_partner(self, partner, values, remote_updated_at, record, binding):
        values = self._resolve_conflicts(
            partner, values, remote_updated_at, record, binding=binding
        )
        if values:
            partner.with_context(connector_no_export=True).write(values)

    def _link_or_create(
        self, external_id, record, values, remote_updated_at, force_create
    ):
        """``(binding, outcome)`` of an unbound record: linked to the one
        partner with its email, else a new partner; no binding when the
        match is ambiguous (a review item)."""
        backend = self.backend_record
        model = self.model.with_context(connector_no_export=True)
        partner = None
        if not force_create:
            partner = self._match_partner(values["email"], external_id, record)
            if partner is False:
                return None, REVIEW
        if partner:
            self._update_partner(partner, values, remote_updated_at, record, None)
            binding = model.create({"backend_id": backend.id, "odoo_id": partner.id})
            return binding, LINKED
        binding = model.create(
            dict(values, backend_id=backend.id, company_id=backend.company_id.id)
        )
        return binding, CREATED

    def _finish_import(self, binding, external_id, record, remote_updated_at):
        """Sync columns; the record's import issues closed (not those this
        import filed); the provider's follow-ups; then the export hash."""
        binding.write(
            {
                **self._binding_values(record),
                "external_id": external_id,
                "sync_date": fields.Datetime.now(),
                "remote_updated_at": remote_updated_at,
            }
        )
        self.env["marketing.sync.issue"].sudo()._resolve(
            self.backend_record,
            external_id=external_id,
            directions=("import",),
            keep=list(self._memo("conflicts_filed").values()),
        )
        self._after_import(binding, record)
        self._store_export_hashes(binding)

    def _binding_values(self, record):
        """Hook: values of the binding's own fields from ``record`` (a score),
        written with the binding itself rather than by a second ``write()``."""
        return {}

    def _after_import(self, binding, record):
        """Hook for providers: what follows from an imported record (an
        opportunity for a high score...).  Values of the binding itself go
        in :meth:`_binding_values`."""

    def _remote_updated_at(self, record):
        value = record.get(self.backend_adapter.updated_key)
        if not value:
            return False
        return utc_naive(value) or False

    def _store_export_hashes(self, bindings):
        """Store the hash of what an export of ``bindings`` would send now.

        Why after :meth:`_after_import`: what the provider's follow-ups
        change (tags, lists, an opt-out, the company) is part of the
        payload; a hash taken before them would make the next export send
        the import back.  The blacklist is read again: ``is_blacklisted``
        is computed from ``mail.blacklist`` and not invalidated by it.
        """
        bindings.odoo_id.invalidate_recordset(["is_blacklisted"])
        exporter = self.component(usage="batch.exporter")
        bindings._write_sync_columns(
            {
                binding.id: {"export_hash": exporter._payload_hash(binding)}
                for binding in bindings
            }
        )
