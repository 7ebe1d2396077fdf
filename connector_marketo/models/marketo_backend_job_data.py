# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from odoo.addons.connector_marketing_base.models.marketing_backend_job_data import (
    job,
)


class MarketoBackend(models.Model):
    """Marketo's own jobs on top of the base's (see
    ``marketing.backend._job_functions``): the bulk extract, the activity
    and deleted-lead feeds, companies and opportunity stages."""

    _inherit = "marketo.backend"

    @api.model
    def _job_functions(self):
        backend = self._name
        return {
            **super()._job_functions(),
            (backend, "import_contacts_chunk"): job("batch"),
            (backend, "import_activities_page"): job("batch"),
            (backend, "import_deleted_leads_page"): job("batch"),
            (backend, "bulk_extract_step"): job("batch"),
            (backend, "export_companies"): job("batch"),
            ("marketo.crm.lead", "export_stage"): job("export"),
        }
