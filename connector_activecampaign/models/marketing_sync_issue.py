# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MarketingSyncIssue(models.Model):
    """Labels of the review reasons only ActiveCampaign files."""

    _inherit = "marketing.sync.issue"

    @api.model
    def _reason_labels(self):
        _ = self.env._
        return dict(
            super()._reason_labels(),
            ac_bulk_failure=_("ActiveCampaign bulk import failed for the contact"),
            ac_bulk_invalid=_("ActiveCampaign bulk import refused rows"),
            ac_bulk_refused=_("ActiveCampaign refused the bulk import"),
            no_name=_("Company without a name"),
            contact_missing=_("Deal contact not on ActiveCampaign"),
            unknown_stage=_("Unknown deal stage"),
        )
