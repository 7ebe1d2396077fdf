# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import BadDataError
from odoo.addons.connector_marketing_base.tools.normalize import (
    nfc,
    payload_hash,
    truncate,
)

NAME_LENGTH = 255


class ActivecampaignAccountExporter(Component):
    """Company partners → accounts (name and website), one call each.

    Unchanged accounts are skipped by their payload hash; a refused account
    (ActiveCampaign's 422, e.g. a name another account already has) goes to
    the review queue with ActiveCampaign's message.
    """

    _name = "activecampaign.account.exporter"
    _inherit = ["base.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.account"]
    _usage = "batch.exporter"

    def _payload(self, binding):
        company = binding.odoo_id
        name = truncate(nfc(company.name or ""), NAME_LENGTH)
        if not name:
            raise BadDataError(self.env._("A company needs a name"), code="no_name")
        return {"name": name, "accountUrl": company.website or ""}

    def run(self, bindings):
        outcomes = Counter()
        for binding in bindings:
            try:
                payload = self._payload(binding)
                digest = payload_hash(payload)
                if binding.external_id and digest == binding.export_hash:
                    outcomes["unchanged"] += 1
                    continue
                external_id = self.backend_adapter.save_account(
                    binding.external_id,
                    payload,
                    marker=f"res.partner,{binding.odoo_id.id}",
                )
            except BadDataError as err:
                self._issue("export", err.code, str(err), record=binding)
                outcomes["sent to review"] += 1
                continue
            binding.write(
                {
                    "external_id": external_id,
                    "export_hash": digest,
                    "sync_date": fields.Datetime.now(),
                }
            )
            self.env["marketing.sync.issue"].sudo()._resolve(
                self.backend_record, record=binding, directions=("export",)
            )
            outcomes["exported"] += 1
        details = ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items()))
        return self.env._("%(n)s accounts: %(d)s", n=len(bindings), d=details or "-")


class ActivecampaignAccountRecordExporter(Component):
    _name = "activecampaign.account.record.exporter"
    _inherit = ["marketing.record.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.account"]
