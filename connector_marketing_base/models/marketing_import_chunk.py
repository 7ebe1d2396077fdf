# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MarketingImportChunk(models.Model):
    """Contacts read in bulk (an extract file), waiting for their import job.

    Why not pass the rows to the job: job records (arguments, the task
    text shown in Queue > Jobs) outlive the import by weeks and are not the
    connector's to purge; the rows are personal data.  The job carries this
    record's id, the rows stay here until imported, and an erasure or the
    retention job can reach them.
    """

    _name = "marketing.import.chunk"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing contacts waiting for import"

    records = fields.Json(readonly=True)
    count = fields.Integer(readonly=True)

    @api.model
    def _stage(self, backend, records):
        return self.create(
            dict(self._scope_vals(backend), records=records, count=len(records))
        )
