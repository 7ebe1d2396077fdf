# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import Component

_lt = LazyTranslate(__name__)

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
    _inherit = "marketing.export.listener"
    _apply_on = ["sale.order", "sale.order.line"]
    _tracked_fields = TRACKED
    _export_on_create = True
    _export_job_label = _lt("Export deal of")

    def _changes_matter(self, record, fields):
        # any change of an order line may change its order's deal
        return record._name == "sale.order.line" or super()._changes_matter(
            record, fields
        )

    def _bindings_to_export(self, record):
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
            if mine:
                yield from (
                    self.env["activecampaign.sale.order"].sudo()._bind(backend, mine)
                )
