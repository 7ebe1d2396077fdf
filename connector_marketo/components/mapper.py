# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping
from odoo.addons.connector_marketing_base.components.mapper import QUIET_CREATE
from odoo.addons.connector_marketing_base.exceptions import BadDataError
from odoo.addons.connector_marketing_base.tools.normalize import nfc

#: canonical contact key → Marketo REST field name
REMOTE_KEYS = {
    "email": "email",
    "first_name": "firstName",
    "last_name": "lastName",
    "phone": "phone",
    "mobile": "mobilePhone",
    "company": "company",
    "job_title": "title",
    "street": "address",
    "city": "city",
    "zip": "postalCode",
    "country_code": "country",
    "state_code": "state",
}
#: Marketo string fields hold 255 characters
LENGTH_LIMITS = dict.fromkeys(REMOTE_KEYS.values(), 255)
#: lead fields that become partner tags (when read, see import_fields)
TAG_FIELDS = ("persona", "segment")


#: prefix of the ``externalCompanyId`` of the companies Odoo creates
ODOO_KEY_PREFIX = "odoo-"


def company_key(partner, backend):
    """``externalCompanyId`` of a company partner on ``backend``: the key of
    the Marketo company it was imported from, else ``odoo-<id>`` (stable,
    no record needed)."""
    for link in partner.marketo_company_bind_ids:
        if link.backend_id == backend:
            return link.external_id
    return f"{ODOO_KEY_PREFIX}{partner.id}"


class MarketoExportMapper(Component):
    _name = "marketo.res.partner.export.mapper"
    _inherit = ["marketing.export.mapper", "marketo.base"]
    _apply_on = ["marketo.res.partner"]
    _remote_keys = REMOTE_KEYS
    _length_limits = LENGTH_LIMITS

    def _consent_values(self, record, opted_out):
        """``unsubscribed: true`` for an opt-out; nothing otherwise (never
        false: a lead unsubscribed in Marketo stays so)."""
        return {"unsubscribed": True} if opted_out else {}

    @mapping
    def company_link(self, record):
        if record.parent_id.is_company:
            return {
                "externalCompanyId": company_key(record.parent_id, self.backend_record)
            }
        return {}

    def finalize(self, map_record, values):
        """A lead linked to a company takes its company fields from it:
        Marketo refuses company fields on such a lead (code 1021).  Fields
        Odoo has no value for are left out (marketers' values stay), and
        the country goes in the form the instance uses."""
        values = super().finalize(map_record, values)
        if values.get("externalCompanyId"):
            values.pop("company", None)
        if values.get("country") and self.backend_record.country_format == "name":
            values["country"] = self._country_name(values["country"])
        return self._drop_empty(values)

    def _country_name(self, code):
        """English name of an ISO code (Marketo's picklists are English)."""
        return self._cached(
            "country_name",
            code,
            lambda: (
                self.env["res.country"]
                .with_context(lang="en_US")
                .search([("code", "=", code)], limit=1)
                .name
                or code
            ),
        )


class MarketoImportMapper(Component):
    _name = "marketo.res.partner.import.mapper"
    _inherit = ["marketing.import.mapper", "marketo.base"]
    _apply_on = ["marketo.res.partner"]
    _remote_keys = REMOTE_KEYS

    def prefetch(self, records):
        """The page's Marketo companies in bulk: links known to Odoo in one
        search, the unknown ones read from Marketo in one call per 300 and
        created as company partners; then the base's by-name lookup for
        leads without a company link."""
        keys = {r.get("externalCompanyId") for r in records} - {None, ""}
        cache = self._memo("lookups")
        keys = {key for key in keys if ("company_key", key) not in cache}
        if keys:
            for key, company in self._companies_by_key(keys).items():
                cache["company_key", key] = company
        return super().prefetch([r for r in records if not r.get("externalCompanyId")])

    def _parent_company(self, record, contact):
        """A lead linked to a Marketo company (``externalCompanyId``) belongs
        to that company's partner; an unlinked lead, to the company of its
        name (the base's rule)."""
        key = record.get("externalCompanyId")
        if key:
            company = self._cached(
                "company_key", key, lambda: self._companies_by_key({key})[key]
            )
            if company:
                return company
        return super()._parent_company(record, contact)

    def _companies_by_key(self, keys):
        """``{externalCompanyId: company partner}`` (empty recordset when
        Marketo does not know the key either)."""
        Partner = self.env["res.partner"]
        found = {key: Partner for key in keys}
        own = {}
        for key in keys:
            suffix = key[len(ODOO_KEY_PREFIX) :]
            if key.startswith(ODOO_KEY_PREFIX) and suffix.isdigit():
                own[int(suffix)] = key
        for partner in Partner.browse(list(own)).exists():
            if partner.is_company:
                found[own[partner.id]] = partner
        links = self.env["marketo.company"].search(
            [
                ("backend_id", "=", self.backend_record.id),
                ("external_id", "in", list(keys)),
            ]
        )
        for link in links:
            found[link.external_id] = link.odoo_id
        missing = [key for key in keys if not found[key] and key not in own]
        if missing:
            found.update(self._create_companies(missing))
        return found

    def _create_companies(self, keys):
        """Company partners (and their links) for Marketo companies that Odoo
        does not have yet, read from Marketo."""
        remote = [
            company
            for company in self.component(usage="backend.adapter").fetch_companies(keys)
            if company.get("externalCompanyId") in keys and company.get("company")
        ]
        if not remote:
            return {}
        partners = (
            self.env["res.partner"]
            .with_context(**QUIET_CREATE)
            .create([self._company_values(company) for company in remote])
        )
        self.env["marketo.company"].create(
            [
                {
                    "backend_id": self.backend_record.id,
                    "odoo_id": partner.id,
                    "external_id": company["externalCompanyId"],
                    "sync_date": fields.Datetime.now(),
                }
                for partner, company in zip(partners, remote, strict=True)
            ]
        )
        return {
            company["externalCompanyId"]: partner.with_env(self.env)
            for partner, company in zip(partners, remote, strict=True)
        }

    def _company_values(self, company):
        """Partner values of a Marketo company (a country it does not
        recognize is left empty: the company still lands)."""
        country = self.env["res.country"]
        if company.get("billingCountry"):
            try:
                country = self._country(company["billingCountry"])
            except BadDataError:
                country = self.env["res.country"]
        return {
            "name": nfc(company["company"]),
            "is_company": True,
            "website": company.get("website") or False,
            "phone": self._phone(company.get("mainPhone"), country),
            "street": nfc(company.get("billingStreet")) or False,
            "city": nfc(company.get("billingCity")) or False,
            "zip": nfc(company.get("billingPostalCode")) or False,
            "country_id": country.id,
        }

    @mapping
    def tags(self, record):
        """Persona / segment values as partner tags under a "Marketo" parent."""
        names = [
            f"{field.capitalize()}: {record[field]}"
            for field in TAG_FIELDS
            if record.get(field)
        ]
        if not names:
            return {}
        Tag = self.env["res.partner.category"]
        parent = Tag.search([("name", "=", "Marketo"), ("parent_id", "=", False)])
        parent = parent[:1] or Tag.create({"name": "Marketo"})
        tags = Tag.browse()
        for name in names:
            tag = Tag.search([("name", "=", name), ("parent_id", "=", parent.id)])
            tags |= tag[:1] or Tag.create({"name": name, "parent_id": parent.id})
        return {"category_id": [fields.Command.link(tag.id) for tag in tags]}
