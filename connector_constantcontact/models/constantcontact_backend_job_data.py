# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from odoo.addons.connector_marketing_base.models.marketing_backend_job_data import (
    job,
)


class ConstantContactBackend(models.Model):
    """Constant Contact's jobs: the base's, without webhooks
    (the connector polls it; a single contact is read again from the export
    channel), plus list memberships, bulk imports, custom fields and the
    engagement reports."""

    _inherit = "constantcontact.backend"

    @api.model
    def _job_functions(self):
        backend = self._name
        functions = {
            **super()._job_functions(),
            (backend, "import_contact"): job("export"),
            (backend, "follow_bulk_import"): job("batch"),
            (backend, "export_list_memberships"): job("batch"),
            # reports are large and lag: tried again over an hour
            (backend, "import_engagement"): job("batch", {1: 60, 5: 600, 10: 3600}),
            (backend, "import_tracking"): job("batch", {1: 60, 5: 600, 10: 3600}),
            (backend, "refresh_remote_fields"): job("maintenance"),
        }
        del functions[backend, "process_webhook_event"]
        return functions

    @api.model
    def _crons(self):
        """Campaigns and tracking reports are polled every hour."""
        return dict(
            super()._crons(),
            engagement=(
                "Constant Contact: poll campaigns and tracking reports",
                "_scheduler_engagement",
                1,
                "hours",
            ),
        )
