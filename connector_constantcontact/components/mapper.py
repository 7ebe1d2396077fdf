# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Partner ⇄ contact, through flat import-row keys.

Exports are rows of ``activities/contacts_json_import`` (custom fields as
``cf:<name>`` keys); the adapter flattens read contacts to the same keys
(custom fields by id), so one key table serves both directions.
"""

from datetime import date, datetime

from odoo.addons.component.core import AbstractComponent, Component
from odoo.addons.connector_marketing_base.exceptions import BadDataError

#: canonical contact key → import-row key
REMOTE_KEYS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "job_title": "job_title",
    "company": "company_name",
    "phone": "phone",
    "mobile": "mobile_phone",
    "street": "street",
    "city": "city",
    "zip": "zip",
    "state_code": "state",
    "country_code": "country",
}
#: Constant Contact's field lengths
LENGTH_LIMITS = {
    "first_name": 50,
    "last_name": 50,
    "job_title": 50,
    "company_name": 50,
    "phone": 25,
    "mobile_phone": 25,
    "street": 255,
    "city": 50,
    "state": 50,
    "zip": 50,
    "country": 50,
}
#: custom field values per contact
MAX_CUSTOM_FIELDS = 25
DATE_FORMAT = "%m/%d/%Y"


class ConstantContactMapperMixin(AbstractComponent):
    """Custom field values: type conversions from the cached definitions.

    A mapping line's remote field is a custom field id (the definitions are
    cached in ``marketing.remote.field``, read by the mapper's
    ``_remote_field_definitions``) or one of the row keys above.
    """

    _name = "constantcontact.mapper.mixin"
    _inherit = "marketing.base"

    def _definition(self, line):
        definition = self._remote_field_definitions().get(line.remote_field)
        if definition is None and line.remote_field in LENGTH_LIMITS:
            return None
        if definition is None:
            raise BadDataError(
                self.env._(
                    "Custom field %s is unknown: refresh the custom fields of "
                    "the backend or fix the mapping line.",
                    line.remote_field,
                ),
                code="unknown_custom_field",
                field=line.remote_field,
            )
        return definition

    def _cf_to_remote(self, line, value):
        definition = self._definition(line)
        if definition is None or value in (False, None, ""):
            return value if definition is None else None
        kind = definition.field_type
        if kind == "date":
            if isinstance(value, str):
                value = self._parse_date(value, line)
            return value.strftime(DATE_FORMAT)
        if kind in ("single_select", "multi_select") and definition.options:
            values = value if isinstance(value, list) else [value]
            wrong = [v for v in values if str(v) not in map(str, definition.options)]
            if wrong:
                raise BadDataError(
                    self.env._(
                        "%(v)r is not a choice of custom field %(f)s",
                        v=wrong[0],
                        f=definition.label,
                    ),
                    code="invalid_choice",
                    field=line.remote_field,
                )
        if kind == "boolean":
            return "true" if value else "false"
        return str(value)

    def _cf_to_odoo(self, line, value):
        definition = self._definition(line)
        if value in (None, ""):
            return False
        if line.field_id.ttype == "date" or (
            definition and definition.field_type == "date"
        ):
            return self._parse_date(value, line)
        if definition and definition.field_type == "boolean":
            return str(value).lower() in ("true", "1", "yes")
        return value

    def _parse_date(self, value, line):
        if isinstance(value, date | datetime):
            return value
        for pattern in (DATE_FORMAT, "%Y-%m-%d"):
            try:
                return datetime.strptime(str(value)[:10], pattern).date()
            except ValueError:
                continue
        raise BadDataError(
            self.env._(
                "%(v)r is not a date (custom field %(f)s)", v=value, f=line.remote_field
            ),
            code="invalid_date",
            field=line.remote_field,
        )


class ConstantContactExportMapper(Component):
    _name = "constantcontact.res.partner.export.mapper"
    _inherit = [
        "marketing.export.mapper",
        "constantcontact.mapper.mixin",
        "constantcontact.base",
    ]
    _apply_on = ["constantcontact.res.partner"]
    _remote_keys = REMOTE_KEYS
    _length_limits = LENGTH_LIMITS

    def _convert_line_value(self, line, value, to_remote, country_code=None):
        value = super()._convert_line_value(line, value, to_remote, country_code)
        return self._cf_to_remote(line, value)

    def _consent_values(self, record, opted_out):
        """An opt-out is ``permission_to_send: unsubscribed``; such a row is
        never imported into a list (see the batch exporter)."""
        return {"permission_to_send": "unsubscribed"} if opted_out else {}

    def finalize(self, map_record, values):
        """Custom fields become ``cf:<name>`` keys (the import's dialect)."""
        values = super().finalize(map_record, values)
        definitions = self._remote_field_definitions()
        custom = {k: v for k, v in values.items() if k in definitions}
        if len(custom) > MAX_CUSTOM_FIELDS:
            raise BadDataError(
                self.env._(
                    "%s custom fields mapped: Constant Contact keeps at most 25",
                    len(custom),
                ),
                code="too_many_custom_fields",
            )
        for field_id, value in custom.items():
            del values[field_id]
            if value is not None:
                values[f"cf:{definitions[field_id].key}"] = value
        return values


class ConstantContactImportMapper(Component):
    _name = "constantcontact.res.partner.import.mapper"
    _inherit = [
        "marketing.import.mapper",
        "constantcontact.mapper.mixin",
        "constantcontact.base",
    ]
    _apply_on = ["constantcontact.res.partner"]
    _remote_keys = REMOTE_KEYS

    def _convert_line_value(self, line, value, to_remote, country_code=None):
        return super()._convert_line_value(
            line, self._cf_to_odoo(line, value), to_remote, country_code
        )
