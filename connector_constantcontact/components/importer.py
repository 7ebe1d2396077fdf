# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component


class ConstantContactRecordImporter(Component):
    """A contact: the base import, then its consent and its lists.

    Constant Contact owns consent: an ``unsubscribed`` contact puts its
    address on Odoo's blacklist (with the reason it gave); nothing here ever
    takes an address off the blacklist.
    """

    _name = "constantcontact.res.partner.record.importer"
    _inherit = ["marketing.record.importer", "constantcontact.base"]
    _apply_on = ["constantcontact.res.partner"]

    def _binding_values(self, record):
        return {
            "permission_to_send": record.get("permission_to_send"),
            "remote_list_ids": record.get("list_memberships") or [],
        }

    def _after_import(self, binding, record):
        if record.get("permission_to_send") == "unsubscribed":
            self._remote_opt_out(
                record.get("email"), record.get("opt_out_reason") or "", binding
            )
        if self.backend_record.list_category_ids:
            self.component(usage="list.exporter").import_memberships(binding, record)
