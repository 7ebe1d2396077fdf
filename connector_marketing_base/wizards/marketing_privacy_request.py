# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MarketingPrivacyRequest(models.TransientModel):
    """A data-subject request, for a partner or for an email Odoo has no
    partner for.  Forgetting cannot be undone: it asks for a confirmation."""

    _name = "marketing.privacy.request"
    _description = "Marketing data-subject request"

    partner_id = fields.Many2one("res.partner")
    email = fields.Char(
        compute="_compute_email",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    request_type = fields.Selection(
        [
            ("export", "Export this person's data (access)"),
            ("forget", "Forget this person (erasure)"),
        ],
        default="export",
        required=True,
    )
    confirm = fields.Boolean(
        string="I confirm the erasure",
        help="The person's marketing data is erased in Odoo and deleted on "
        "every platform the person is bound to. This cannot be undone.",
    )

    @api.depends("partner_id")
    def _compute_email(self):
        for request in self:
            if request.partner_id:
                request.email = request.partner_id.email

    def action_run(self):
        self.ensure_one()
        Privacy = self.env["marketing.privacy"]
        if self.request_type == "export":
            attachment = Privacy._export_attachment(self.email, self.partner_id)
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{attachment.id}?download=true",
                "target": "self",
            }
        if not self.confirm:
            raise UserError(self.env._("Tick the confirmation to forget this person."))
        tombstone = Privacy._forget(self.email, self.partner_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Person forgotten"),
                "message": tombstone.note,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
