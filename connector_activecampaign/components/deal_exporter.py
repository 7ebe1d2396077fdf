# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    ConfigurationError,
)
from odoo.addons.connector_marketing_base.tools.normalize import nfc, truncate

_lt = LazyTranslate(__name__)

TITLE_LENGTH = 255
#: the binding model of the deal's contact
CONTACT_MODEL = "activecampaign.res.partner"


class ActivecampaignDealExporter(Component):
    """Sale orders → deals of the backend's pipeline.

    Stage and status from the stage mapping of the order's state (no line:
    review item, nothing guessed); value in cents of the pipeline currency,
    converted with Odoo's rates at the order date; the deal belongs to the
    contact of the order's partner, exported first when it is not yet (the
    base's single-record exporter: dependencies, hash skip, lock).
    """

    _name = "activecampaign.sale.order.exporter"
    _inherit = ["marketing.single.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.sale.order"]
    _usage = "batch.exporter"
    _job_label = _lt("Export %s deals")
    _result_label = _lt("%(n)s deals: %(details)s")
    _enqueue_result = _lt("%(p)s of %(n)s orders to export")

    def _stage(self, order):
        """The mapped stage of the order's state (nothing is exported, not
        even the contact, for a deal that cannot go)."""
        backend = self.backend_record
        if not backend.deal_pipeline_id or not backend.deal_currency_id:
            raise ConfigurationError(
                self.env._(
                    "Backend %s has no pipeline: set its id and press Read pipeline.",
                    backend.name,
                )
            )
        stage = backend.deal_stage_ids.filtered(lambda s: s.order_state == order.state)
        if not stage:
            raise BadDataError(
                self.env._(
                    "No pipeline stage is mapped to the order state %r: map one "
                    "in the backend's stage mapping.",
                    order.state,
                ),
                code="unknown_stage",
            )
        return stage

    def _export_dependencies(self, binding):
        order = binding.odoo_id
        self._stage(order)
        self._export_dependency(order.partner_id, CONTACT_MODEL)

    def _payload(self, binding):
        backend = self.backend_record
        order = binding.odoo_id
        stage = self._stage(order)
        currency = backend.deal_currency_id
        amount = order.currency_id._convert(
            order.amount_total,
            currency,
            order.company_id,
            (order.date_order or fields.Datetime.now()).date(),
        )
        title = truncate(nfc(f"{order.name} - {order.partner_id.name}"), TITLE_LENGTH)
        values = {
            "title": title,
            "contact": self._contact_id(order.partner_id),
            "value": round(amount * 100),
            "currency": currency.name.lower(),
            "group": backend.deal_pipeline_id,
            "stage": stage.remote_id,
            "status": int(stage.deal_status),
            "owner": backend.deal_owner_id or "1",
        }
        custom = []
        if backend.deal_date_field and order.date_order:
            custom.append(
                {
                    "customFieldId": int(backend.deal_date_field),
                    "fieldValue": order.date_order.date().isoformat(),
                }
            )
        if backend.deal_close_field and order.commitment_date:
            custom.append(
                {
                    "customFieldId": int(backend.deal_close_field),
                    "fieldValue": order.commitment_date.date().isoformat(),
                }
            )
        if custom:
            values["fields"] = custom
        return values

    def _contact_id(self, partner):
        """The contact of the order's partner (exported as a dependency)."""
        binding = self.env[CONTACT_MODEL]._bind(self.backend_record, partner)
        if not binding.external_id:
            raise BadDataError(
                self.env._(
                    "The customer %s could not be exported to ActiveCampaign (see "
                    "its review item): the deal needs its contact.",
                    partner.display_name,
                ),
                code="contact_missing",
            )
        return binding.external_id

    def _send(self, binding, payload):
        return self.backend_adapter.save_deal(
            binding.external_id, payload, marker=f"sale.order,{binding.odoo_id.id}"
        )

    def _records_to_export(self):
        """The orders of synced customers in a state the stage mapping knows."""
        backend = self.backend_record
        states = backend.deal_stage_ids.filtered("order_state").mapped("order_state")
        return self.env["sale.order"].search(
            [
                ("company_id", "=", backend.company_id.id),
                ("state", "in", states),
                ("partner_id", "any", backend._partner_domain()),
            ]
        )


class ActivecampaignDealRecordExporter(Component):
    _name = "activecampaign.sale.order.record.exporter"
    _inherit = ["marketing.record.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.sale.order"]
