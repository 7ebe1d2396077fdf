# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

ORDER_STATES = [
    ("draft", "Quotation"),
    ("sent", "Quotation sent"),
    ("sale", "Sales order"),
    ("cancel", "Cancelled"),
]


class ActivecampaignDealStage(models.Model):
    """A stage of the backend's pipeline and the order state that lands there.

    The lines are read from ActiveCampaign (Read pipeline button); the
    administrator says which Odoo order state moves a deal to each stage and
    with which deal status (open, won, lost).  An order in a state no line
    maps is not guessed: it goes to the review queue.
    """

    _name = "activecampaign.deal.stage"
    _description = "ActiveCampaign Deal Stage Mapping"
    _order = "backend_id, sequence, id"

    backend_id = fields.Many2one(
        "activecampaign.backend", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    remote_id = fields.Char(string="Stage id", required=True)
    name = fields.Char(string="Stage")
    order_state = fields.Selection(ORDER_STATES, string="Odoo order state")
    deal_status = fields.Selection(
        [("0", "Open"), ("1", "Won"), ("2", "Lost")], default="0", required=True
    )

    _sql_constraints = [
        (
            "state_uniq",
            "unique(backend_id, order_state)",
            "An order state moves deals to one stage only.",
        ),
        (
            "stage_uniq",
            "unique(backend_id, remote_id)",
            "A stage is listed once per backend.",
        ),
    ]

    @api.model
    def _refresh(self, backend, stages):
        """Add the pipeline's stages not listed yet (mappings are kept)."""
        known = set(self.search([("backend_id", "=", backend.id)]).mapped("remote_id"))
        self.create(
            [
                {
                    "backend_id": backend.id,
                    "remote_id": str(stage["id"]),
                    "name": stage.get("title"),
                    "sequence": int(stage.get("order") or 10),
                }
                for stage in stages
                if str(stage["id"]) not in known
            ]
        )
        return len(stages)
