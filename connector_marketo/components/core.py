# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Marketo collection, and the base roles it uses unchanged."""

from odoo.addons.component.core import AbstractComponent, Component


class MarketoBase(AbstractComponent):
    _name = "marketo.base"
    _inherit = "marketing.base"
    _collection = "marketo.backend"


class MarketoBinder(Component):
    _name = "marketo.binder"
    _inherit = ["marketing.binder", "marketo.base"]
    _apply_on = ["marketo.res.partner", "marketo.crm.lead"]


class MarketoBatchImporter(Component):
    _name = "marketo.res.partner.batch.importer"
    _inherit = ["marketing.batch.importer", "marketo.base"]
    _apply_on = ["marketo.res.partner"]


class MarketoRecordExporter(Component):
    _name = "marketo.res.partner.record.exporter"
    _inherit = ["marketing.record.exporter", "marketo.base"]
    _apply_on = ["marketo.res.partner"]


class MarketoReconciler(Component):
    _name = "marketo.res.partner.reconciler"
    _inherit = ["marketing.reconciler", "marketo.base"]
    _apply_on = ["marketo.res.partner"]

    def _payload_to_compare(self, exporter, binding):
        """A lead reads its company name back, whether it is linked to a
        company (``externalCompanyId``) or holds the name itself: compare
        the name, not a link key the lead may not have yet."""
        payload = dict(super()._payload_to_compare(exporter, binding))
        if payload.pop("externalCompanyId", None):
            payload["company"] = binding.odoo_id.parent_id.name
        return payload


class MarketoWebhookHandler(Component):
    """A webhook names a lead: re-read it through the API (the body is a hint)."""

    _name = "marketo.res.partner.webhook.handler"
    _inherit = ["marketing.webhook.handler", "marketo.base"]
    _apply_on = ["marketo.res.partner"]
