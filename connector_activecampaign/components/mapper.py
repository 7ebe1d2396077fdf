# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from odoo.addons.component.core import Component
from odoo.addons.connector.components.mapper import mapping
from odoo.addons.connector_marketing_base.tools.normalize import nfc, truncate

#: canonical contact key → ActiveCampaign contact key
REMOTE_KEYS = {
    "email": "email",
    "first_name": "firstName",
    "last_name": "lastName",
    "phone": "phone",
}
#: contact names, tags and job titles hold 255 characters on ActiveCampaign
LENGTH_LIMITS = {"firstName": 255, "lastName": 255, "phone": 255, "jobTitle": 255}
TAG_LENGTH = 255


def multi_value(values):
    """ActiveCampaign's form of a multi-select value: ``||a||b||``."""
    values = [nfc(str(v)) for v in values if str(v).strip()]
    return f"||{'||'.join(values)}||" if values else ""


class ActivecampaignExportMapper(Component):
    """Partner → contact payload.

    Besides the contact fields: custom field values by numeric id (from the
    mapping lines, multi-select fields written ``||a||b||``), the tags (the
    partner's categories and the origin tag), the consent state, and the
    company and job title for the account link.  Keys starting with ``_``
    are hints for this export only (not hashed).
    """

    _name = "activecampaign.res.partner.export.mapper"
    _inherit = ["marketing.export.mapper", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]
    _remote_keys = REMOTE_KEYS
    _length_limits = LENGTH_LIMITS

    @mapping
    def tags(self, record):
        partner = record.odoo_id
        backend = self.backend_record
        names = [truncate(nfc(c.name), TAG_LENGTH) for c in partner.category_id]
        origin = backend.tag_customer if partner.customer_rank else backend.tag_lead
        if origin:
            names.append(origin)
        return {"tags": sorted(set(names))}

    def _consent_values(self, record, opted_out):
        """``consent`` drives the list status (2 for an opt-out); "subscribed"
        only ever makes a first subscription (see the exporter)."""
        return {
            "consent": "unsubscribed" if opted_out else "subscribed",
            "_new": not record.external_id,
        }

    @mapping
    def account(self, record):
        company = record.odoo_id.parent_id
        if not company.is_company:
            return {"account": None, "jobTitle": None}
        return {
            "account": company.id,
            "jobTitle": nfc(record.odoo_id.function or ""),
        }

    def finalize(self, map_record, values):
        """Numeric keys of the mapping lines become ``fieldValues``."""
        values = super().finalize(map_record, values)
        fields = self._remote_field_definitions()
        field_values = []
        for key in sorted(k for k in values if k.isdigit()):
            value = values.pop(key)
            if isinstance(value, models.BaseModel):
                value = value.mapped("display_name")
            remote = fields.get(key)
            if remote and remote.multiple:
                if isinstance(value, str):
                    value = [v.strip() for v in value.split(",")]
                value = multi_value(value or [])
            elif isinstance(value, list):
                value = ", ".join(value)
            field_values.append({"field": key, "value": "" if value is None else value})
        values["fieldValues"] = field_values
        return values


class ActivecampaignImportMapper(Component):
    _name = "activecampaign.res.partner.import.mapper"
    _inherit = ["marketing.import.mapper", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]
    _remote_keys = REMOTE_KEYS
