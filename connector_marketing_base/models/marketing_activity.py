# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.normalize import strip_nul

ACTIVITY_TYPES = [
    ("send", "Email sent"),
    ("open", "Email opened"),
    ("click", "Link clicked"),
    ("bounce", "Bounced"),
    ("unsubscribe", "Unsubscribed"),
    ("form_fill", "Form filled"),
    ("web_visit", "Web page visited"),
    ("forward", "Forwarded"),
    ("reply", "Replied"),
    ("score", "Score changed"),
    ("other", "Other"),
]


class MarketingActivity(models.Model):
    """An engagement event that happened on a marketing platform.

    Unique per provider event id, so importing the same page twice (a retried
    job, an overlapping poll) stores each event once.  An unsubscribe also puts
    the address on Odoo's blacklist: consent given up on the platform holds in
    Odoo too, and the connector never lifts it by itself.
    """

    _name = "marketing.activity"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Activity"
    _order = "occurred_at desc, id desc"
    _rec_name = "activity_type"

    external_id = fields.Char(required=True, readonly=True)
    activity_type = fields.Selection(ACTIVITY_TYPES, required=True, readonly=True)
    occurred_at = fields.Datetime(required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", readonly=True, index=True, ondelete="cascade"
    )
    email = fields.Char(readonly=True)
    campaign = fields.Char(readonly=True)
    detail = fields.Char(readonly=True, help="Link clicked, bounce reason, form...")
    payload = fields.Json(readonly=True)

    _sql_constraints = [
        (
            "event_uniq",
            "unique(backend_model, backend_id, external_id)",
            "This activity was already imported.",
        )
    ]

    @api.model
    def _record(self, backend, vals_list):
        """Store new activities of ``backend``, skipping those already known.

        Returns the created records.  Unsubscribes are applied to the blacklist.
        """
        scope = self._scope_vals(backend)
        vals_list = strip_nul(vals_list)
        ids = [vals["external_id"] for vals in vals_list]
        known = set(
            self.search(backend._scope_domain() + [("external_id", "in", ids)]).mapped(
                "external_id"
            )
        )
        new_vals = []
        for vals in vals_list:
            if vals["external_id"] in known:
                continue
            known.add(vals["external_id"])
            new_vals.append(dict(vals, **scope))
        activities = self.create(new_vals)
        for activity in activities.filtered(lambda a: a.activity_type == "unsubscribe"):
            activity._apply_unsubscribe()
        return activities

    def _apply_unsubscribe(self):
        """See ``mail.blacklist._marketing_remote_unsubscribe``."""
        self.ensure_one()
        self.env["mail.blacklist"]._marketing_remote_unsubscribe(
            [self.email or self.partner_id.email],
            self.env._(
                "Unsubscribed on %(backend)s (%(campaign)s)",
                backend=self.backend_name,
                campaign=self.campaign or self.env._("no campaign"),
            ),
        )
