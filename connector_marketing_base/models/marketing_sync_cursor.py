# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MarketingSyncCursor(models.Model):
    """Where a delta import (or a reconciliation) stands.

    Written by the page job in its own transaction together with the records
    of the page: if the job fails, both roll back and the next run starts from
    the last page that was really stored.  The value is provider-shaped JSON
    (a timestamp, a paging token, an offset...).
    """

    _name = "marketing.sync.cursor"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Sync Cursor"

    name = fields.Char(required=True, readonly=True)
    value = fields.Json(readonly=True)

    _sql_constraints = [
        (
            "name_uniq",
            "unique(backend_model, backend_id, name)",
            "One cursor per name and backend.",
        )
    ]

    @api.model
    def _get(self, backend, name):
        cursor = self.search(backend._scope_domain() + [("name", "=", name)])
        return cursor.value if cursor else None

    @api.model
    def _set(self, backend, name, value):
        """Store ``value``; ``None`` forgets the cursor (next run starts over)."""
        cursor = self.search(backend._scope_domain() + [("name", "=", name)])
        if value is None:
            cursor.unlink()
        elif cursor:
            cursor.value = value
        else:
            self.create(dict(self._scope_vals(backend), name=name, value=value))
