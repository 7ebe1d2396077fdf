# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component


class ConstantContactCategoryListener(Component):
    """A bound partner's categories changed: sync its list memberships (one
    job per backend that syncs lists, see the list exporter)."""

    _name = "constantcontact.res.partner.category.listener"
    _inherit = "marketing.export.listener"
    _apply_on = ["res.partner"]
    _tracked_fields = frozenset({"category_id"})

    def _bindings_to_export(self, record):
        return (
            self.env["constantcontact.res.partner"]
            .sudo()
            .search([("odoo_id", "in", record.ids), ("external_id", "!=", False)])
        )

    def _enqueue_exports(self, bindings):
        for backend in bindings.backend_id.filtered(
            lambda b: b.active and b.list_category_ids
        ):
            mine = bindings.filtered(lambda b, backend=backend: b.backend_id == backend)
            with backend.work_on("constantcontact.res.partner") as work:
                work.component(usage="list.exporter").enqueue(mine)
