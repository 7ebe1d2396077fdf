# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.component_event import skip_if
from odoo.addons.queue_job.job import identity_exact

#: order fields a deal follows
TRACKED = {
    "state",
    "partner_id",
    "amount_total",
    "currency_id",
    "date_order",
    "commitment_date",
    "order_line",
    "name",
}


class ActivecampaignOrderListener(Component):
    """An order changes → its deal follows, on every backend with a pipeline.

    Orders are bound the first time they change in a state the stage
    mapping knows (a quotation, a confirmed order...); ``identity_exact``
    folds the many writes of one confirmation into one job.
    """

    _name = "activecampaign.sale.order.listener"
    _inherit = "base.connector.listener"
    _apply_on = ["sale.order", "sale.order.line"]

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_create(self, record, fields=None):
        self._export(record)

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_write(self, record, fields=None):
        if record._name == "sale.order" and fields and not TRACKED & set(fields):
            return
        self._export(record)

    def _export(self, record):
        orders = record.order_id if record._name == "sale.order.line" else record
        backends = (
            self.env["activecampaign.backend"]
            .sudo()
            .search([("deal_pipeline_id", "!=", False)])
        )
        for backend in backends:
            states = backend.deal_stage_ids.filtered("order_state").mapped(
                "order_state"
            )
            mine = orders.filtered(
                lambda o, b=backend, s=states: (
                    o.company_id == b.company_id
                    and (o.state in s or o.activecampaign_bind_ids)
                )
            )
            if not mine:
                continue
            Binding = self.env["activecampaign.sale.order"].sudo()
            for binding in Binding._bind(backend, mine):
                binding.with_delay(
                    priority=10,
                    identity_key=identity_exact,
                    description=binding._job_description(self.env._("Export deal of")),
                ).export_record()
