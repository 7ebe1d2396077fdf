# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Partner → contact: the export mapper."""

from odoo.tools import email_normalize

from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector.components.mapper import mapping

from ...exceptions import BadDataError
from ...tools.normalize import (
    InvalidValue,
    nfc,
    phone_e164,
    plain_email,
    split_name,
    strip_html,
    truncate,
)
from .common import _PARTNER_TEXT_FIELDS, _bad_data

#: mapping-line rules that let the platform own the field (not exported)
_REMOTE_OWNED_RULES = ("remote_wins", "only_if_empty")


class MarketingExportMapper(AbstractComponent):
    """Partner (through its binding) → remote contact payload."""

    _name = "marketing.export.mapper"
    _inherit = ["base.export.mapper", "marketing.mapper.mixin"]
    _usage = "export.mapper"

    def canonical(self, record):
        """The canonical contact of a partner; raises BadDataError if invalid."""
        # read the partner itself: the binding's delegated fields are related
        # fields, recomputed record by record
        record = record.odoo_id if "odoo_id" in record._fields else record
        email = plain_email(record.email) or email_normalize(
            record.email or "", strict=True
        )
        if not email:
            raise BadDataError(
                self.env._(
                    "%(name)s has no valid email address (%(email)r)",
                    name=record.display_name,
                    email=record.email or "",
                ),
                code="invalid_email",
                field="email",
            )
        if record.is_company:
            first, last = "", nfc(record.name)
        else:
            first, last = split_name(record.name)
        country = record.country_id.code or ""
        contact = {
            "email": email,
            "first_name": first,
            "last_name": last,
            "company": nfc(record.parent_id.name or record.company_name or ""),
            "country_code": country,
            "state_code": record.state_id.code or "",
        }
        for key, field in _PARTNER_TEXT_FIELDS.items():
            contact[key] = strip_html(record[field] or "")
        for key in ("phone", "mobile"):
            try:
                contact[key] = phone_e164(record[key] or "", country or None, field=key)
            except InvalidValue as err:
                raise _bad_data(err) from err
        return contact

    @mapping
    def standard_fields(self, record):
        contact = self.canonical(record)
        return {
            remote: contact[key]
            for key, remote in self._remote_keys.items()
            if key in contact
        }

    @mapping
    def consent(self, record):
        """The partner's opt-out, decided once for every provider
        (``res.partner._marketing_opted_out``) and said the provider's way."""
        partner = record.odoo_id if "odoo_id" in record._fields else record
        return self._consent_values(record, partner._marketing_opted_out())

    def _consent_values(self, record, opted_out):
        """Provider hook: the payload keys that carry an opt-out.

        Whatever the answer, a contact the platform holds as unsubscribed
        must stay so: an export may say "unsubscribed", never "subscribed
        again".  The keys are part of the payload hash, so an opt-out made
        after the last export makes the next one differ and be sent.
        """
        raise NotImplementedError(
            f"{self._name} must say how an opt-out is sent (_consent_values)"
        )

    @mapping
    def mapped_fields(self, record):
        values = {}
        for line in self._mapping_lines("export"):
            if line._effective_rule(self.backend_record) in _REMOTE_OWNED_RULES:
                continue
            partner = record.odoo_id if "odoo_id" in record._fields else record
            values[line.remote_field] = self._convert_line_value(
                line,
                partner[line.field_name],
                to_remote=True,
                country_code=partner.country_id.code,
            )
        return values

    def finalize(self, map_record, values):
        """Respect the provider's length limits (names are cut, not refused)."""
        for key, limit in self._length_limits.items():
            if isinstance(values.get(key), str):
                values[key] = truncate(values[key], limit)
        return values

    def _authoritative_keys(self):
        """Remote keys whose mapping line itself says "Odoo wins": Odoo is
        their owner, so an empty Odoo value is sent and clears the remote."""
        return {
            line.remote_field
            for line in self._mapping_lines("export")
            if line.conflict_rule == "odoo_wins"
        }

    def _drop_empty(self, values):
        """The payload without the fields Odoo has no value for.

        On a platform where marketers edit contacts too, an empty Odoo field
        means "Odoo does not know", not "erase it": sending it would blank
        the platform's value.  Only the keys of :meth:`_authoritative_keys`
        are sent empty.
        """
        keep = self._authoritative_keys()
        return {
            key: value
            for key, value in values.items()
            if key in keep or (value is not None and value != "")
        }
