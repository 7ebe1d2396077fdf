# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Partner ⇄ contact mapping shared by every provider.

Both directions go through a *canonical contact*: a dict with the keys of
:data:`CANONICAL_KEYS`.  The base turns a partner into a canonical contact
(name split, email, E.164 phones, ISO codes, clean text) and back; a provider
mapper only says which remote key holds each canonical key (``_remote_keys``)
and the provider's length limits.  Customer-specific fields come from the
``marketing.field.mapping`` lines of the backend.
"""

from odoo.addons.component.core import AbstractComponent

from ...exceptions import BadDataError
from ...tools.normalize import (
    InvalidValue,
    nfc,
    phone_e164,
    strip_html,
    truncate,
)

CANONICAL_KEYS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "mobile",
    "company",
    "job_title",
    "street",
    "street2",
    "city",
    "zip",
    "country_code",
    "state_code",
)
#: canonical keys that hold a plain partner char field of the same meaning
_PARTNER_TEXT_FIELDS = {
    "job_title": "function",
    "street": "street",
    "street2": "street2",
    "city": "city",
    "zip": "zip",
}
#: context of the records an import creates: no export back, no creation
#: message, no follower, no tracking (what the import already says in its job)
QUIET_CREATE = {
    "connector_no_export": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}


def _bad_data(err):
    """An :class:`InvalidValue` of the pure helpers, as a review-queue error."""
    return BadDataError(str(err), code=err.code, field=err.field)


class MarketingMapperMixin(AbstractComponent):
    """What both directions share: the backend's mapping lines, lookups kept
    for one page, and the conversion of a mapped value to its field type."""

    _name = "marketing.mapper.mixin"
    _inherit = "marketing.base"

    #: canonical key -> remote key (providers fill it in)
    _remote_keys = {}
    #: remote key -> maximum length on the platform
    _length_limits = {}

    def _mapping_lines(self, direction):
        """Mapping lines, read once per mapper (a mapper serves one page)."""
        cache = self._memo("mapping_lines")
        if direction not in cache:
            cache[direction] = self.backend_record._field_mappings(direction)
        return cache[direction]

    def _remote_field_definitions(self):
        """``{remote id: marketing.remote.field}`` of the backend's custom
        fields, read once per mapper (a mapper serves one page: a search per
        contact was a sixth of an import).  Read through sudo: the cache is
        the connector's, whoever runs the job."""
        return self._once(
            "remote_fields",
            lambda: (
                self.env["marketing.remote.field"]
                .sudo()
                ._by_remote_id(self.backend_record)
            ),
        )

    def _cached(self, kind, key, compute):
        """Per-page memo of lookups (countries, states, companies)."""
        cache = self._memo("lookups")
        if (kind, key) not in cache:
            cache[kind, key] = compute()
        return cache[kind, key]

    def _forget_lookups(self):
        """After a rollback: a memoized record may have been rolled back too."""
        self._forget_memo("lookups")

    def _convert_line_value(self, line, value, to_remote, country_code=None):
        """Apply a mapping line's transform to one value."""
        if value is False or value is None:
            return None if to_remote else False
        if line.transform == "text":
            value = strip_html(value)
        elif line.transform in ("lower", "upper"):
            value = getattr(nfc(value), line.transform)()
        elif line.transform == "phone":
            try:
                value = phone_e164(value, country_code, field=line.remote_field)
            except InvalidValue as err:
                raise _bad_data(err) from err
        elif line.transform == "bool":
            value = str(value).strip().lower() in ("1", "true", "yes", "y", "on")
        elif isinstance(value, str):
            value = nfc(value)
        if isinstance(value, str) and line.max_length:
            value = truncate(value, line.max_length)
        return value if to_remote else self._to_field_type(line, value)

    def _to_field_type(self, line, value):
        """Cast an imported value to the type of the Odoo field it lands in."""
        casts = {"char": str, "text": str, "html": str, "integer": int, "float": float}
        cast = casts.get(line.field_id.ttype)
        if cast is None or value is None or isinstance(value, bool):
            return value
        try:
            return cast(value)
        except (TypeError, ValueError) as err:
            raise BadDataError(
                self.env._(
                    "%(value)r is not a valid %(type)s for %(field)s",
                    value=value,
                    type=line.field_id.ttype,
                    field=line.field_id.name,
                ),
                code="invalid_value",
                field=line.remote_field,
            ) from err
