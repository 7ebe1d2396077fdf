# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.component_event import skip_if


class ConstantContactCategoryListener(Component):
    """A bound partner's categories changed: sync its list memberships."""

    _name = "constantcontact.res.partner.category.listener"
    _inherit = "base.connector.listener"
    _apply_on = ["res.partner"]

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_write(self, record, fields=None):
        if fields and "category_id" not in fields:
            return
        bindings = (
            self.env["constantcontact.res.partner"]
            .sudo()
            .search([("odoo_id", "in", record.ids), ("external_id", "!=", False)])
        )
        for backend in bindings.backend_id.filtered(
            lambda b: b.active and b.list_category_ids
        ):
            mine = bindings.filtered(lambda b, backend=backend: b.backend_id == backend)
            with backend.work_on("constantcontact.res.partner") as work:
                work.component(usage="list.exporter").enqueue(mine)
