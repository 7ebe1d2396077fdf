# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.component_event import skip_if
from odoo.addons.queue_job.job import identity_exact

#: opportunity fields whose change Marketo hears about
TRACKED = {"stage_id", "active", "probability"}


class MarketoOpportunityListener(Component):
    _name = "marketo.crm.lead.listener"
    _inherit = "base.connector.listener"
    _apply_on = ["crm.lead"]

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_write(self, record, fields=None):
        if fields and not TRACKED & set(fields):
            return
        for binding in record.sudo().with_context(active_test=False).marketo_bind_ids:
            binding.with_delay(
                priority=10,
                identity_key=identity_exact,
                description=binding._job_description(
                    self.env._("Send opportunity stage of")
                ),
            ).export_stage()
