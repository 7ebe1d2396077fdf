# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MarketingSyncIssue(models.Model):
    """Labels of the review reasons only ActiveCampaign files."""

    _inherit = "marketing.sync.issue"

    @api.model
    def _reason_labels(self):
        return dict(
            super()._reason_labels(),
            ac_bulk_failure=self.env._(
                "ActiveCampaign bulk import failed for the contact"
            ),
            ac_bulk_invalid=self.env._("ActiveCampaign bulk import refused rows"),
            ac_bulk_refused=self.env._("ActiveCampaign refused the bulk import"),
            no_name=self.env._("Company without a name"),
            contact_missing=self.env._("Deal contact not on ActiveCampaign"),
            unknown_stage=self.env._("Unknown deal stage"),
        )
