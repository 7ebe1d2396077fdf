# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from odoo.addons.connector_marketing_base.models.marketing_backend_job_data import (
    job,
)


class ActivecampaignBackend(models.Model):
    """ActiveCampaign's own jobs on top of the base's (see
    ``marketing.backend._job_functions``): the unsubscribe feed, bulk
    imports, accounts and deals, and custom field refreshes."""

    _inherit = "activecampaign.backend"

    @api.model
    def _job_functions(self):
        backend = self._name
        functions = {
            **super()._job_functions(),
            (backend, "import_unsubscribes_page"): job("batch"),
            (backend, "export_accounts"): job("batch"),
            (backend, "export_deals"): job("batch"),
            (backend, "follow_bulk_import"): job("batch"),
            # a refresh a person waits for: tried again within a minute
            (backend, "refresh_remote_fields"): job("maintenance", {1: 60, 5: 600}),
        }
        for binding in ("activecampaign.account", "activecampaign.sale.order"):
            functions[binding, "export_record"] = job("export")
            functions[binding, "export_batch"] = job("batch")
        return functions
