# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class MarketingSyncIssueLink(models.TransientModel):
    """Link many review items at once, each to the partner chosen for it.

    A remote contact is bound to one partner per backend, so a mass link is
    one choice per item, not one partner for all: each line starts with the
    item's partner or its only candidate, and the reviewer changes those
    that are wrong before confirming.  Linking itself is the item's own
    ``action_link_partner`` (binding, then a re-import).
    """

    _name = "marketing.sync.issue.link"
    _description = "Link review items to partners"

    line_ids = fields.One2many("marketing.sync.issue.link.line", "wizard_id")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") != "marketing.sync.issue":
            return values
        issues = self.env["marketing.sync.issue"].browse(
            self.env.context.get("active_ids") or []
        )
        issues = issues.filtered(lambda i: i.state == "open" and i.external_id)
        if not issues:
            raise UserError(
                self.env._("Only open items about a remote contact can be linked.")
            )
        values["line_ids"] = [
            fields.Command.create(
                {
                    "issue_id": issue.id,
                    "partner_id": (
                        issue.link_partner_id
                        or issue.partner_id
                        or (
                            issue.candidate_partner_ids
                            if len(issue.candidate_partner_ids) == 1
                            else issue.candidate_partner_ids.browse()
                        )
                    ).id,
                }
            )
            for issue in issues
        ]
        return values

    def action_link(self):
        self.ensure_one()
        lines = self.line_ids.filtered("partner_id")
        if not lines:
            raise UserError(self.env._("Choose a partner on at least one line."))
        for line in lines:
            line.issue_id.link_partner_id = line.partner_id
            line.issue_id.action_link_partner()
        return {"type": "ir.actions.act_window_close"}


class MarketingSyncIssueLinkLine(models.TransientModel):
    _name = "marketing.sync.issue.link.line"
    _description = "Review item to link"

    wizard_id = fields.Many2one(
        "marketing.sync.issue.link", required=True, ondelete="cascade"
    )
    issue_id = fields.Many2one("marketing.sync.issue", required=True, readonly=True)
    reason_label = fields.Char(related="issue_id.reason_label")
    external_id = fields.Char(related="issue_id.external_id")
    backend_name = fields.Char(related="issue_id.backend_name")
    candidate_partner_ids = fields.Many2many(related="issue_id.candidate_partner_ids")
    partner_id = fields.Many2one("res.partner", string="Link to")
