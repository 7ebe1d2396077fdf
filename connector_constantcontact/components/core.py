# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Constant Contact collection, and the base roles it uses unchanged."""

from odoo.addons.component.core import AbstractComponent, Component


class ConstantContactBase(AbstractComponent):
    _name = "constantcontact.base"
    _inherit = "marketing.base"
    _collection = "constantcontact.backend"


class ConstantContactBinder(Component):
    _name = "constantcontact.binder"
    _inherit = ["marketing.binder", "constantcontact.base"]
    _apply_on = ["constantcontact.res.partner"]


class ConstantContactBatchImporter(Component):
    _name = "constantcontact.res.partner.batch.importer"
    _inherit = ["marketing.batch.importer", "constantcontact.base"]
    _apply_on = ["constantcontact.res.partner"]


class ConstantContactReconciler(Component):
    _name = "constantcontact.res.partner.reconciler"
    _inherit = ["marketing.reconciler", "constantcontact.base"]
    _apply_on = ["constantcontact.res.partner"]
