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

from odoo.tools import email_normalize

from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector.components.mapper import mapping

from ..exceptions import BadDataError
from ..tools.normalize import (
    InvalidValue,
    iso_country,
    iso_state,
    join_name,
    nfc,
    phone_e164,
    plain_email,
    split_name,
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
#: canonical key -> the partner fields its imported value lands in
_CANONICAL_PARTNER_FIELDS = {
    "email": ("email",),
    "first_name": ("name",),
    "last_name": ("name",),
    "phone": ("phone",),
    "mobile": ("mobile",),
    "company": ("parent_id",),
    "country_code": ("country_id",),
    "state_code": ("state_id",),
    **{key: (field,) for key, field in _PARTNER_TEXT_FIELDS.items()},
}
#: context of the records an import creates: no export back, no creation
#: message, no follower, no tracking (what the import already says in its job)
QUIET_CREATE = {
    "connector_no_export": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}
#: mapping-line rules that let the platform own the field (not exported)
_REMOTE_OWNED_RULES = ("remote_wins", "only_if_empty")


def _bad_data(err):
    """An :class:`InvalidValue` of the pure helpers, as a review-queue error."""
    return BadDataError(str(err), code=err.code, field=err.field)


class MarketingMapperMixin(AbstractComponent):
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


class MarketingImportMapper(AbstractComponent):
    """Remote contact → partner values."""

    _name = "marketing.import.mapper"
    _inherit = ["base.import.mapper", "marketing.mapper.mixin"]
    _usage = "import.mapper"

    def canonical(self, record):
        """The canonical contact of a remote record (missing keys are None)."""
        return {key: record.get(remote) for key, remote in self._remote_keys.items()}

    def prefetch(self, records):
        """Look up (or create) what a page of records refers to, in bulk.

        Called by the batch import before mapping a page: the company
        partners of the page are found in one search and the missing ones
        created in one ``create()``, instead of a search (and a create) per
        company while mapping.  The results go into the per-page memo that
        :meth:`standard_fields` reads, so mapping one record alone (no
        prefetch) gives the same values.
        """
        key = self._remote_keys.get("company")
        if not key:
            return
        cache = self._memo("lookups")
        names = {}
        for record in records:
            value = record.get(key)
            if value and ("company", value) not in cache:
                names.setdefault(nfc(value), []).append(value)
        names.pop("", None)
        if not names:
            return
        Partner = self.env["res.partner"]
        found = {}
        # the search's own order, as _company_partner's limit=1 would pick
        for company in Partner.search(
            [("is_company", "=", True), ("name", "in", list(names))]
        ):
            found.setdefault(company.name, company)
        missing = [name for name in names if name not in found]
        if missing:
            created = Partner.with_context(**QUIET_CREATE).create(
                [{"name": name, "is_company": True} for name in missing]
            )
            found.update(zip(missing, created, strict=True))
        for name, values in names.items():
            for value in values:
                cache["company", value] = found[name].with_env(self.env)

    @mapping
    def standard_fields(self, record):
        contact = self.canonical(record)
        text = contact.get("email") or ""
        email = plain_email(text) or email_normalize(text, strict=True)
        if not email:
            raise BadDataError(
                self.env._(
                    "Remote contact has no valid email address (%r)",
                    contact.get("email") or "",
                ),
                code="invalid_email",
                field="email",
            )
        values = {"email": email}
        name = join_name(contact.get("first_name"), contact.get("last_name"))
        values["name"] = name or email
        country = self._cached(
            "country",
            contact.get("country_code"),
            lambda: self._country(contact.get("country_code")),
        )
        if "country_code" in contact:
            values["country_id"] = country.id
        if "state_code" in contact:
            values["state_id"] = self._cached(
                "state",
                (country.id, contact.get("state_code")),
                lambda: self._state(country, contact.get("state_code")),
            ).id
        for key in ("phone", "mobile"):
            if key in contact:
                values[key] = self._phone(contact[key], country)
        for key, field in _PARTNER_TEXT_FIELDS.items():
            if key in contact:
                values[field] = strip_html(contact[key] or "") or False
        parent = self._parent_company(record, contact)
        if parent:
            values["parent_id"] = parent.id
        return values

    def _parent_company(self, record, contact):
        """The company partner a remote contact belongs to (or an empty
        recordset): by default the company partner of its company name,
        created when unknown.  A provider with its own company records
        (Marketo's companies) overrides it to follow their link."""
        if not contact.get("company"):
            return self.env["res.partner"]
        return self._cached(
            "company",
            contact["company"],
            lambda: self._company_partner(contact["company"]),
        )

    def _partner_fields_of(self, remote_key):
        """The partner fields an imported ``remote_key`` lands in (a review
        item taking the platform's value writes only those)."""
        canonical = {remote: key for key, remote in self._remote_keys.items()}
        names = set(_CANONICAL_PARTNER_FIELDS.get(canonical.get(remote_key), ()))
        names.update(
            line.field_name
            for line in self._mapping_lines("import")
            if line.remote_field == remote_key
        )
        return sorted(names)

    def _label_of(self, remote_key):
        """How a reviewer reads ``remote_key``: the canonical meaning, or the
        label of the partner field a mapping line puts it in."""
        labels = {
            "email": self.env._("Email"),
            "first_name": self.env._("First name"),
            "last_name": self.env._("Last name"),
            "phone": self.env._("Phone"),
            "mobile": self.env._("Mobile"),
            "company": self.env._("Company"),
            "job_title": self.env._("Job position"),
            "street": self.env._("Street"),
            "street2": self.env._("Street 2"),
            "city": self.env._("City"),
            "zip": self.env._("Zip"),
            "country_code": self.env._("Country"),
            "state_code": self.env._("State"),
        }
        canonical = {remote: key for key, remote in self._remote_keys.items()}
        if remote_key in canonical:
            return labels.get(canonical[remote_key], remote_key)
        for line in self._mapping_lines("import"):
            if line.remote_field == remote_key:
                return line.field_id.field_description or remote_key
        return remote_key

    @mapping
    def mapped_fields(self, record):
        values = {}
        country = record.get(self._remote_keys.get("country_code", ""))
        for line in self._mapping_lines("import"):
            if line.remote_field in record:
                values[line.field_name] = self._convert_line_value(
                    line,
                    record[line.remote_field],
                    to_remote=False,
                    country_code=country if isinstance(country, str) else None,
                )
        return values

    def _country(self, value):
        """Country from an ISO code, or from its English name (free-text
        country fields of some platforms); unknown → review queue."""
        Country = self.env["res.country"].with_context(lang="en_US")
        text = nfc(value or "")
        if len(text) > 2:
            country = Country.search([("name", "=ilike", text)], limit=1)
            if country:
                return country
        try:
            code = iso_country(text)
        except InvalidValue as err:
            raise _bad_data(err) from err
        if not code:
            return self.env["res.country"]
        country = Country.search([("code", "=", code)], limit=1)
        if not country:
            raise BadDataError(
                self.env._("Unknown country code %r", code),
                code="invalid_country",
                field="country",
            )
        return country

    def _state(self, country, code):
        """The state of that code in ``country``; unknown codes are left empty."""
        try:
            code = iso_state(code)
        except InvalidValue:
            code = ""
        if not code or not country:
            return self.env["res.country.state"]
        return self.env["res.country.state"].search(
            [("country_id", "=", country.id), ("code", "=", code)], limit=1
        )

    @staticmethod
    def _phone(value, country):
        """E.164 when it parses; otherwise the text as received (never lost)."""
        try:
            return phone_e164(value or "", country.code or None) or False
        except InvalidValue:
            return nfc(value) or False

    def _company_partner(self, name):
        """The company partner of that name, created when unknown."""
        name = nfc(name)
        Partner = self.env["res.partner"]
        company = Partner.search(
            [("is_company", "=", True), ("name", "=", name)], limit=1
        )
        return company or Partner.with_context(**QUIET_CREATE).create(
            {"name": name, "is_company": True}
        )
