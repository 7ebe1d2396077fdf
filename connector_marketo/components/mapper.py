# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping

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


def company_key(partner):
    """``externalCompanyId`` of a company partner: stable, no binding needed."""
    return f"odoo-{partner.id}"


class MarketoExportMapper(Component):
    _name = "marketo.res.partner.export.mapper"
    _inherit = ["marketing.export.mapper", "marketo.base"]
    _apply_on = ["marketo.res.partner"]
    _remote_keys = REMOTE_KEYS
    _length_limits = LENGTH_LIMITS

    @mapping
    def company_link(self, record):
        if record.parent_id.is_company:
            return {"externalCompanyId": company_key(record.parent_id)}
        return {}

    def finalize(self, map_record, values):
        """A lead linked to a company takes its company fields from it:
        Marketo refuses company fields on such a lead (code 1021)."""
        values = super().finalize(map_record, values)
        if values.get("externalCompanyId"):
            values.pop("company", None)
        return values


class MarketoImportMapper(Component):
    _name = "marketo.res.partner.import.mapper"
    _inherit = ["marketing.import.mapper", "marketo.base"]
    _apply_on = ["marketo.res.partner"]
    _remote_keys = REMOTE_KEYS

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
