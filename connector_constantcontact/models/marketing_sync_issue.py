# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MarketingSyncIssue(models.Model):
    """Labels of the review reasons only Constant Contact files."""

    _inherit = "marketing.sync.issue"

    @api.model
    def _reason_labels(self):
        return dict(
            super()._reason_labels(),
            constantcontact_import=self.env._(
                "Constant Contact import failed for the contact"
            ),
            phone_not_imported=self.env._("Phone left out by the bulk import"),
            unknown_list=self.env._("Unknown contact list"),
            unknown_custom_field=self.env._("Unknown custom field"),
            too_many_custom_fields=self.env._("Too many custom fields"),
        )
