# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.addons.component.core import AbstractComponent

from ..exceptions import BadDataError
from ..tools.normalize import comparable_phone, comparable_text, payload_hash


class MarketingReconciler(AbstractComponent):
    """Compare Odoo with the platform and file the differences for review.

    Walks the remote contacts page by page (one job per page, with its own
    cursor): for every bound contact, the fields Odoo would export are hashed
    on both sides; a difference becomes a ``field_mismatch`` review item
    naming the fields.  After the last page the counts of remote contacts and
    of bindings are compared.  Nothing is changed on either side: deciding is
    the reviewer's job.
    """

    _name = "marketing.reconciler"
    _inherit = "marketing.feed.importer"
    _usage = "reconciler"
    _feed_job = "reconcile_contacts_page"
    _feed_priority = 50
    _feed_chain = "reconcile"

    def run(self, cursor_name="reconcile"):
        return super().run(cursor_name)

    def _cursor_name(self):
        return self._feed_args[0]

    def _initial_state(self):
        return self.component(usage="backend.adapter").initial_state(full=True)

    def _fetch_page(self, state):
        return self.component(usage="backend.adapter").search_page(state)

    def _apply_page(self, page, state):
        return self._compare_page(page.records)

    def _next_state(self, page):
        # after the last page the next reconciliation starts over
        return page.state if page.has_more else None

    def _feed_description(self):
        return self.env._("Reconcile next page")

    def _summary(self, page, mismatches):
        """After the last page, the counts of both sides are compared too."""
        if page.has_more:
            return self.env._("%(n)s mismatches in this page", n=mismatches)
        return self._compare_counts(mismatches)

    def _compare_counts(self, mismatches):
        backend = self.backend_record
        remote = self.component(usage="backend.adapter").count()
        if remote is None:  # the provider cannot count its contacts
            return self.env._("%(n)s mismatches in this page", n=mismatches)
        local = self.model.search_count(
            [("backend_id", "=", backend.id), ("external_id", "!=", False)]
        )
        if remote != local:
            self._issue(
                "reconcile",
                "count_mismatch",
                self.env._(
                    "%(remote)s contacts on the platform, %(local)s bound in Odoo",
                    remote=remote,
                    local=local,
                ),
            )
        return self.env._(
            "%(n)s mismatches in this page; %(remote)s remote / %(local)s bound",
            n=mismatches,
            remote=remote,
            local=local,
        )

    def _comparable(self, values, keys):
        """The values of ``keys`` in one canonical form, whoever wrote them.

        Free-text fields hold what people typed: "US" and "United States",
        "+14155550000" and "+1 415 555 0000" mean the same.  Countries
        compare as ISO codes and phones as E.164 (read with that country),
        the rest as case-folded NFC text, on both sides alike.
        """
        kinds = {
            remote: key
            for key, remote in self.component(
                usage="export.mapper"
            )._remote_keys.items()
        }
        country_key = next((r for r, k in kinds.items() if k == "country_code"), None)
        country = self._country_code(values.get(country_key))
        result = {}
        for key in sorted(keys):
            value = values.get(key)
            if kinds.get(key) == "country_code":
                result[key] = country or comparable_text(value)
            elif kinds.get(key) in ("phone", "mobile"):
                result[key] = comparable_phone(value, country)
            else:
                result[key] = comparable_text(value)
        return result

    def _payload_to_compare(self, exporter, binding):
        """What Odoo would send, in the terms the platform reads it back
        (a provider whose links read back as values overrides it)."""
        return exporter._payload(binding)

    def _country_code(self, value):
        """ISO code of a country written as a code or an English name."""
        if not value or not isinstance(value, str):
            return ""
        mapper = self.component(usage="import.mapper")
        try:
            return mapper._cached("country", value, lambda: mapper._country(value)).code
        except BadDataError:
            return ""

    def _compare_page(self, records):
        adapter = self.component(usage="backend.adapter")
        exporter = self.component(usage="batch.exporter")
        bindings = self.binder_for().to_internal_many(
            [adapter.external_id_of(record) for record in records]
        )
        mismatches = 0
        deleted = [
            bindings.pop(adapter.external_id_of(record))
            for record in records
            if adapter.is_deleted(record) and adapter.external_id_of(record) in bindings
        ]
        # a contact the platform deleted (and still lists as such) is no
        # difference to review field by field: it is unbound, with its item
        self._remote_deleted(self.model.browse([b.id for b in deleted]))
        for record in records:
            external_id = adapter.external_id_of(record)
            binding = bindings.get(external_id)
            if not binding or adapter.is_deleted(record):
                continue
            try:
                payload = self._payload_to_compare(exporter, binding)
            except BadDataError:
                # invalid in Odoo: exporting it files that issue already
                continue
            keys = set(payload) & set(record)
            ours, theirs = (
                self._comparable(payload, keys),
                self._comparable(record, keys),
            )
            if payload_hash(ours) == payload_hash(theirs):
                continue
            mismatches += 1
            fields = sorted(k for k in keys if ours[k] != theirs[k])
            self._issue(
                "reconcile",
                "field_mismatch",
                self.env._("Differs from the platform: %s", ", ".join(fields)),
                external_id=external_id,
                record=binding,
                payload=record,
                mismatches=self._mismatch_values(payload, record, fields),
            )
        return mismatches

    def _mismatch_values(self, payload, record, keys):
        """Both sides of each differing key, as each side holds it (not the
        comparable forms), for the reviewer to choose from."""
        mapper = self.component(usage="import.mapper")
        return [
            {
                "key": key,
                "label": mapper._label_of(key),
                "odoo": payload.get(key),
                "platform": record.get(key),
                "fields": mapper._partner_fields_of(key),
            }
            for key in keys
        ]
