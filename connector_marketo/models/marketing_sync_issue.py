# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MarketingSyncIssue(models.Model):
    """Labels of the review reasons only Marketo files.

    Record-level Marketo errors arrive as ``marketo_<code>``; the frequent
    ones are named, any other reads "Marketo <code>".
    """

    _inherit = "marketing.sync.issue"

    @api.model
    def _reason_labels(self):
        return dict(
            super()._reason_labels(),
            marketo_no_file=self.env._("Marketo sent no export file"),
            marketo_1003=self.env._("Marketo: invalid value"),
            marketo_1004=self.env._("Marketo: lead not found"),
            marketo_1005=self.env._("Marketo: lead already exists"),
            marketo_1006=self.env._("Marketo: field not found"),
            marketo_1007=self.env._("Marketo: several leads match"),
            invalid_activity=self.env._("Malformed Marketo activity"),
            unexpected_shape=self.env._("Unexpected answer from Marketo"),
        )
