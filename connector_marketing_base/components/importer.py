# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import Counter

import psycopg2

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize

from odoo.addons.component.core import AbstractComponent

from ..exceptions import BadDataError
from ..tools.dates import utc_naive
from .mapper import QUIET_CREATE

_logger = logging.getLogger(__name__)

#: outcomes of one record import, counted in the job result
CREATED, UPDATED, LINKED, UNCHANGED, REVIEW = (
    "created",
    "updated",
    "linked",
    "unchanged",
    "sent to review",
)
#: a forgotten person, or a contact whose partner was deleted in Odoo
TOMBSTONED = "not imported (tombstone)"
#: a contact the platform deleted: never imported, its binding undone
DELETED = "deleted on the platform"


class MarketingRecordImporter(AbstractComponent):
    """Import one remote contact into a partner.

    Matching: the binding (external id) first, then the
    normalized email; several partners with the email is a review item, not a
    guess.  On an existing partner each field obeys its conflict rule.  All
    writes carry ``connector_no_export`` (set here, inside the job: context is
    not carried into jobs), and the binding stores the hash of the payload an
    export would now send, so the import does not echo back to the platform.
    """

    _name = "marketing.record.importer"
    _inherit = ["base.importer", "marketing.base"]
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
        savepoint.  Everything else (bound records, email matches, duplicates
        inside the page) and any batch that fails goes through :meth:`run`,
        one savepoint per record, so one bad record still cannot block the
        others.
        """
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
        if deleted:
            gone = self.binder.to_internal_many(deleted)
            self._remote_deleted(self.model.browse([b.id for b in gone.values()]))
            outcomes += [DELETED] * len(deleted)
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
        # the page's companies, countries... in a few queries, not per record
        self.mapper.prefetch([record for __, record in new])
        mapped = []
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
                outcomes.append(REVIEW)
                continue
            mapped.append((external_id, record, values))
        outcomes += self._create_many(mapped)
        outcomes += [self.run(record=record) for record in single]
        return outcomes

    def _email_of(self, record):
        key = self.mapper._remote_keys.get("email", "email")
        return email_normalize(record.get(key) or "", strict=True) or None

    def _emails_in_odoo(self, emails):
        """Which of these normalized emails some partner has."""
        if not emails:
            return set()
        partners = self.env["res.partner"].search_read(
            [("email_normalized", "in", list(emails))]
            + self.backend_record._company_partner_domain(),
            ["email_normalized"],
        )
        return {p["email_normalized"] for p in partners}

    def _create_many(self, new):
        """New partners and bindings, one create each; per record if it fails.

        The partners are created first, then the bindings pointing at them:
        creating the bindings with the partner values would compute the
        defaults of every partner field twice (once for the binding, once
        for its partner), a tenth of the page's time.
        """
        if not new:
            return []
        backend = self.backend_record
        model = self.model.with_context(**QUIET_CREATE)
        own = {name for name, field in model._fields.items() if not field.inherited}
        now = fields.Datetime.now()
        try:
            with self._isolated():
                partners = (
                    self.env["res.partner"]
                    .with_context(**QUIET_CREATE)
                    .create(
                        [
                            dict(
                                {k: v for k, v in values.items() if k not in own},
                                company_id=backend.company_id.id,
                            )
                            for __, __, values in new
                        ]
                    )
                )
                bindings = model.create(
                    [
                        dict(
                            {k: v for k, v in values.items() if k in own},
                            **self._binding_values(record),
                            odoo_id=partner.id,
                            backend_id=backend.id,
                            external_id=external_id,
                            sync_date=now,
                            remote_updated_at=self._remote_updated_at(record),
                        )
                        for partner, (external_id, record, values) in zip(
                            partners, new, strict=True
                        )
                    ]
                )
                exporter = self.component(usage="batch.exporter")
                bindings._write_sync_columns(
                    {
                        binding.id: {"export_hash": exporter._payload_hash(binding)}
                        for binding in bindings
                    }
                )
                for binding, (__, record, __) in zip(bindings, new, strict=True):
                    self._after_import(binding, record)
        except (BadDataError, ValidationError, UserError, psycopg2.IntegrityError):
            self.env.invalidate_all()
            self.mapper._forget_lookups()
            return [self.run(record=record) for __, record, __ in new]
        self.env["marketing.sync.issue"].sudo()._resolve(
            backend,
            external_id=[external_id for external_id, __, __ in new],
            directions=("import",),
        )
        return [CREATED] * len(new)

    def _import(self, external_id, record, force_create):
        backend = self.backend_record
        # review items this import files itself (conflicts): its success
        # closes the record's other import issues, never these
        self._forget_memo("conflicts_filed")
        binding = self.binder.to_internal(external_id)
        remote_updated_at = self._remote_updated_at(record)
        if (
            binding
            and not force_create
            and remote_updated_at
            and binding.remote_updated_at
            # second precision: a change in the same second is not older
            and remote_updated_at < binding.remote_updated_at
        ):
            return UNCHANGED
        values = self.mapper.map_record(record).values(for_create=not binding)
        model = self.model.with_context(connector_no_export=True)
        if binding:
            binding = binding.with_context(connector_no_export=True)
            partner = binding.odoo_id
            values = self._resolve_conflicts(
                partner, values, remote_updated_at, record, binding=binding
            )
            if values:
                partner.write(values)
            outcome = UPDATED
        else:
            partner = None
            if not force_create:
                partner = self._match_partner(values["email"], external_id, record)
                if partner is False:
                    return REVIEW
            if partner:
                values = self._resolve_conflicts(
                    partner, values, remote_updated_at, record
                )
                if values:
                    partner.with_context(connector_no_export=True).write(values)
                binding = model.create(
                    {"backend_id": backend.id, "odoo_id": partner.id}
                )
                outcome = LINKED
            else:
                binding = model.create(
                    dict(
                        values, backend_id=backend.id, company_id=backend.company_id.id
                    )
                )
                outcome = CREATED
        binding.write(
            {
                **self._binding_values(record),
                "external_id": external_id,
                "sync_date": fields.Datetime.now(),
                "remote_updated_at": remote_updated_at,
                "export_hash": self._export_hash(binding),
            }
        )
        self.env["marketing.sync.issue"].sudo()._resolve(
            backend,
            external_id=external_id,
            directions=("import",),
            keep=list(self._memo("conflicts_filed").values()),
        )
        self._after_import(binding, record)
        return outcome

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

    def _match_partner(self, email, external_id, record):
        """The one partner with this email, None for none, False if ambiguous."""
        partners = self.env["res.partner"].search(
            [("email_normalized", "=", email)]
            + self.backend_record._company_partner_domain(),
            limit=10,
        )
        if len(partners) > 1:
            self._issue(
                "import",
                "ambiguous_match",
                self.env._(
                    "%(n)s partners have the email %(email)s: choose the one to "
                    "link, or create a new partner.",
                    n=len(partners),
                    email=email,
                ),
                external_id=external_id,
                candidates=partners,
                payload=record,
            )
            return False
        if partners and self.model.search_count(
            [("backend_id", "=", self.backend_record.id), ("odoo_id", "=", partners.id)]
        ):
            self._issue(
                "import",
                "duplicate_remote",
                self.env._(
                    "%(partner)s is already bound to another remote contact with "
                    "the same email %(email)s.",
                    partner=partners.display_name,
                    email=email,
                ),
                external_id=external_id,
                partner=partners,
                payload=record,
            )
            return False
        return partners or None

    def _conflict_rules(self):
        backend = self.backend_record
        return {
            line.field_name: line._effective_rule(backend)
            for line in backend._field_mappings("import")
        }

    def _resolve_conflicts(
        self, partner, values, remote_updated_at, record, binding=None
    ):
        """Keep the values the import may write on an existing partner.

        A field changed on both sides since the last sync (partner written
        after it, remote record too) is reported for review with what was
        kept: the owner's value (the line's rule), or the latest one where
        the rule is "latest wins" (then no review is needed).
        """
        rules = self._conflict_rules()
        default = self.backend_record.conflict_rule
        newer = bool(remote_updated_at and remote_updated_at > partner.write_date)
        both_changed = bool(
            binding
            and binding.sync_date
            and binding.remote_updated_at
            and remote_updated_at
            and partner.write_date > binding.sync_date
            and remote_updated_at > binding.remote_updated_at
        )
        conflicts, mismatches = [], []
        filed = self._memo("conflicts_filed")
        result = {}
        for field, value in values.items():
            if partner._fields[field].type in ("one2many", "many2many"):
                result[field] = value  # commands (tags): they add, never erase
                continue
            current = partner[field]
            if isinstance(current, models.BaseModel):
                current = current.id
            if current == value or (not current and not value):
                continue
            if field == "email" and current:
                issue = self._issue(
                    "import",
                    "email_changed",
                    self.env._(
                        "The email changed on the platform (%(remote)s) but "
                        "Odoo has %(odoo)s: kept Odoo's, please review.",
                        remote=value,
                        odoo=current,
                    ),
                    external_id=self.backend_adapter.external_id_of(record),
                    partner=partner,
                    payload=record,
                    mismatches=[self._mismatch_value(partner, field, current, value)],
                    **({"record": binding} if binding else {}),
                )
                filed[issue.id] = issue
                continue
            rule = rules.get(field, default)
            if (
                not current
                or rule == "remote_wins"
                or (rule == "latest_wins" and newer)
            ):
                result[field] = value
            if both_changed and current and rule != "latest_wins":
                conflicts.append(
                    f"{field}: {'platform' if field in result else 'Odoo'} "
                    f"kept ({rule})"
                )
                if field not in result:  # still differs: the reviewer decides
                    mismatches.append(
                        self._mismatch_value(partner, field, current, value)
                    )
        if conflicts:
            issue = self._issue(
                "import",
                "both_changed",
                self.env._(
                    "Changed in Odoo and on the platform since the last sync: %s",
                    "; ".join(conflicts),
                ),
                external_id=self.backend_adapter.external_id_of(record),
                partner=partner,
                payload=record,
                mismatches=mismatches,
                record=binding,
            )
            filed[issue.id] = issue
        return result

    def _mismatch_value(self, partner, field, current, value):
        """One field of a mismatch: both values as a person reads them."""

        def shown(raw):
            if isinstance(raw, int) and not isinstance(raw, bool):
                comodel = partner._fields[field].comodel_name
                if comodel:
                    return self.env[comodel].browse(raw).display_name
            return raw

        return {
            "key": field,
            "label": partner._fields[field]._description_string(self.env),
            "odoo": shown(current),
            "platform": shown(value),
            "fields": [field],
        }

    def _export_hash(self, binding):
        exporter = self.component(usage="batch.exporter")
        return exporter._payload_hash(binding)


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
