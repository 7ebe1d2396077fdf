# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contact → partner: the import mapper."""

from odoo.tools import email_normalize

from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector.components.mapper import mapping

from ...exceptions import BadDataError
from ...tools.normalize import (
    InvalidValue,
    iso_country,
    iso_state,
    join_name,
    nfc,
    phone_e164,
    plain_email,
    strip_html,
)
from .common import _PARTNER_TEXT_FIELDS, QUIET_CREATE, _bad_data

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
