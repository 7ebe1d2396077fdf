# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import BadDataError
from odoo.addons.connector_marketing_base.tools.normalize import nfc, truncate

_lt = LazyTranslate(__name__)

NAME_LENGTH = 255


class ActivecampaignAccountExporter(Component):
    """Company partners → accounts (name and website), one call each.

    The base's single-record exporter skips unchanged accounts by their
    payload hash; a refused account (ActiveCampaign's 422, e.g. a name
    another account already has) goes to the review queue with
    ActiveCampaign's message.
    """

    _name = "activecampaign.account.exporter"
    _inherit = ["marketing.single.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.account"]
    _usage = "batch.exporter"
    _result_label = _lt("%(n)s accounts: %(details)s")

    def _payload(self, binding):
        company = binding.odoo_id
        name = truncate(nfc(company.name or ""), NAME_LENGTH)
        if not name:
            raise BadDataError(self.env._("A company needs a name"), code="no_name")
        return {"name": name, "accountUrl": company.website or ""}

    def _send(self, binding, payload):
        return self.backend_adapter.save_account(
            binding.external_id, payload, marker=f"res.partner,{binding.odoo_id.id}"
        )


class ActivecampaignAccountRecordExporter(Component):
    _name = "activecampaign.account.record.exporter"
    _inherit = ["marketing.record.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.account"]
