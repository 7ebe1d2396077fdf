# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import psycopg2

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from odoo.addons.component.core import AbstractComponent

from ..exceptions import BadDataError
from ..tools.outcomes import CREATED, DELETED, REVIEW
from .mapper import QUIET_CREATE


class MarketingImportPage(AbstractComponent):
    """A page of contacts at once: part of the record importer.

    The steps of the record importer's ``run_many``: sort the page,
    unbind what the platform deleted, find the contacts Odoo has never
    seen, map and create those in bulk.
    """

    _name = "marketing.import.page"
    _inherit = "marketing.base"

    def _split_page(self, records):
        """``(outcomes, [(key, record)], deleted keys)``: records without a
        key are imported (and reported) one by one at once."""
        adapter = self.backend_adapter
        keyed, outcomes, deleted = [], [], []
        for record in records:
            try:
                key = adapter.external_id_of(record)
            except (KeyError, TypeError):
                outcomes.append(self.run(record=record))
                continue
            if adapter.is_deleted(record):
                deleted.append(key)
            else:
                keyed.append((key, record))
        return outcomes, keyed, deleted

    def _unbind_deleted(self, deleted):
        if not deleted:
            return []
        gone = self.binder.to_internal_many(deleted)
        self._remote_deleted(self.model.browse([b.id for b in gone.values()]))
        return [DELETED] * len(deleted)

    def _new_contacts(self, keyed, email_of):
        """``(new, single)``: contacts Odoo has never seen (no binding, an
        email no partner has, once in the page), and the others."""
        bound = self.binder.to_internal_many([key for key, __ in keyed])
        emails = self._emails_in_odoo(set(email_of.values()) - {None})
        new, single, seen = [], [], set()
        for external_id, record in keyed:
            email = email_of[external_id]
            if external_id in bound or not email or email in emails or email in seen:
                single.append(record)
                continue
            seen.add(email)
            new.append((external_id, record))
        return new, single

    def _map_new(self, new):
        """``([(key, record, values)], outcomes of those that cannot map)``."""
        # the page's companies, countries... in a few queries, not per record
        self.mapper.prefetch([record for __, record in new])
        mapped, failed = [], []
        for external_id, record in new:
            try:
                values = self.mapper.map_record(record).values(for_create=True)
            except BadDataError as err:
                self._issue(
                    "import",
                    err.code,
                    str(err),
                    external_id=external_id,
                    payload=record,
                )
                failed.append(REVIEW)
                continue
            mapped.append((external_id, record, values))
        return mapped, failed

    def _create_many(self, new):
        """New partners and bindings, one create each; per record if it fails.

        The partners are created first, then the bindings pointing at them:
        creating the bindings with the partner values would compute the
        defaults of every partner field twice (once for the binding, once
        for its partner), a tenth of the page's time.
        """
        if not new:
            return []
        try:
            with self._isolated():
                partners = self._create_partners(new)
                bindings = self._create_bindings(partners, new)
                for binding, (__, record, __) in zip(bindings, new, strict=True):
                    self._after_import(binding, record)
                self._store_export_hashes(bindings)
        except (BadDataError, ValidationError, UserError, psycopg2.IntegrityError):
            self.env.invalidate_all()
            self.mapper._forget_lookups()
            return [self.run(record=record) for __, record, __ in new]
        self.env["marketing.sync.issue"].sudo()._resolve(
            self.backend_record,
            external_id=[external_id for external_id, __, __ in new],
            directions=("import",),
        )
        return [CREATED] * len(new)

    def _own_fields(self):
        """Fields of the binding itself (the rest are its partner's)."""
        return {
            name for name, field in self.model._fields.items() if not field.inherited
        }

    def _create_partners(self, new):
        own = self._own_fields()
        return (
            self.env["res.partner"]
            .with_context(**QUIET_CREATE)
            .create(
                [
                    dict(
                        {k: v for k, v in values.items() if k not in own},
                        company_id=self.backend_record.company_id.id,
                    )
                    for __, __, values in new
                ]
            )
        )

    def _create_bindings(self, partners, new):
        own = self._own_fields()
        now = fields.Datetime.now()
        return self.model.with_context(**QUIET_CREATE).create(
            [
                dict(
                    {k: v for k, v in values.items() if k in own},
                    **self._binding_values(record),
                    odoo_id=partner.id,
                    backend_id=self.backend_record.id,
                    external_id=external_id,
                    sync_date=now,
                    remote_updated_at=self._remote_updated_at(record),
                )
                for partner, (external_id, record, values) in zip(
                    partners, new, strict=True
                )
            ]
        )
