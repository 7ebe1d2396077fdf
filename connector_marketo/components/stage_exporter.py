# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields

from odoo.addons.component.core import Component


class MarketoStageExporter(Component):
    """Opportunity stage → the lead in Marketo; closed deals change program.

    A won or lost opportunity takes the person out of the nurture program
    and makes them a member of the post-sale program, so Marketo stops
    nurturing a customer (or a lost deal) as a prospect.
    """

    _name = "marketo.crm.lead.stage.exporter"
    _inherit = "marketo.base"
    _usage = "stage.exporter"
    _apply_on = ["marketo.crm.lead"]

    @staticmethod
    def _status(lead):
        if lead.stage_id.is_won:
            return "won"
        if not lead.active and lead.probability == 0:
            return "lost"
        return "open"

    def run(self, binding):
        backend = self.backend_record
        lead = binding.odoo_id.with_context(active_test=False)
        status = self._status(lead)
        payload = {"id": int(binding.external_id)}
        if backend.stage_field:
            payload[backend.stage_field] = lead.stage_id.name or ""
        if backend.deal_status_field:
            payload[backend.deal_status_field] = status
        adapter = self.component(usage="backend.adapter")
        # the lead id is Marketo's own key: only updateOnly takes it
        result = adapter.upsert([payload], lookup_field="id", action="updateOnly")[0]
        if result["status"] == "error":
            self._issue_refused(result, binding, payload, result["message"])
            return self.env._("Refused by Marketo: %s", result["message"])
        lead_ids = [int(binding.external_id)]
        if status != "open":
            if backend.nurture_program_id:
                adapter.remove_from_program(backend.nurture_program_id, lead_ids)
            if backend.post_sale_program_id:
                adapter.set_program_status(backend.post_sale_program_id, lead_ids)
        binding.sync_date = fields.Datetime.now()
        return self.env._(
            "Stage %(stage)s (%(status)s) sent", stage=lead.stage_id.name, status=status
        )
