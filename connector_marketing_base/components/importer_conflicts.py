# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from odoo.addons.component.core import AbstractComponent


class MarketingImportConflicts(AbstractComponent):
    """What an import may write on an existing partner: part of the record
    importer.

    Each field obeys its conflict rule (the mapping line's, else the
    backend's).  A field changed on both sides since the last sync is
    reported for review with what was kept; an email changed on the
    platform never replaces Odoo's (it is how the partner is matched).
    """

    _name = "marketing.import.conflicts"
    _inherit = "marketing.base"

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
        context = self._conflict_context(partner, remote_updated_at, binding)
        conflicts, mismatches, result = [], [], {}
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
                self._file_email_changed(partner, current, value, record, binding)
                continue
            rule = context["rules"].get(field, context["default"])
            if (
                not current
                or rule == "remote_wins"
                or (rule == "latest_wins" and context["newer"])
            ):
                result[field] = value
            if context["both_changed"] and current and rule != "latest_wins":
                kept = "platform" if field in result else "Odoo"
                conflicts.append(f"{field}: {kept} kept ({rule})")
                if field not in result:  # still differs: the reviewer decides
                    mismatches.append(
                        self._mismatch_value(partner, field, current, value)
                    )
        if conflicts:
            self._file_both_changed(partner, conflicts, mismatches, record, binding)
        return result

    def _conflict_context(self, partner, remote_updated_at, binding):
        """The rules, and which side changed since the last sync."""
        return {
            "rules": self._conflict_rules(),
            "default": self.backend_record.conflict_rule,
            "newer": bool(remote_updated_at and remote_updated_at > partner.write_date),
            "both_changed": bool(
                binding
                and binding.sync_date
                and binding.remote_updated_at
                and remote_updated_at
                and partner.write_date > binding.sync_date
                and remote_updated_at > binding.remote_updated_at
            ),
        }

    def _file_email_changed(self, partner, current, value, record, binding):
        """Review item: the platform has another email; Odoo's is kept.
        Filed by this import (``conflicts_filed``): its success keeps it."""
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
            mismatches=[self._mismatch_value(partner, "email", current, value)],
            **({"record": binding} if binding else {}),
        )
        self._memo("conflicts_filed")[issue.id] = issue

    def _file_both_changed(self, partner, conflicts, mismatches, record, binding):
        """Review item: fields changed on both sides, with what was kept."""
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
        self._memo("conflicts_filed")[issue.id] = issue

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
