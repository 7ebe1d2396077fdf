# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import AbstractComponent


class MarketingBinder(AbstractComponent):
    """External id ⇄ binding, per backend (connector's binder, unchanged API).

    Remote ids are stored as strings whatever the provider's type (Marketo's
    integers, Constant Contact's UUIDs), so lookups never miss on a type.
    """

    _name = "marketing.binder"
    _inherit = ["base.binder", "marketing.base"]

    def to_internal(self, external_id, unwrap=False):
        return super().to_internal(str(external_id), unwrap=unwrap)

    def bind(self, external_id, binding):
        return super().bind(str(external_id), binding)

    def to_internal_many(self, external_ids):
        """Map many remote ids at once: ``{external_id: binding}``."""
        bindings = self.model.with_context(active_test=False).search(
            [
                (self._external_field, "in", [str(e) for e in external_ids]),
                (self._backend_field, "=", self.backend_record.id),
            ]
        )
        return {b[self._external_field]: b for b in bindings}
