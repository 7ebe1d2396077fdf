# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    ConfigurationError,
)
from odoo.addons.connector_marketing_base.tools.normalize import (
    nfc,
    payload_hash,
    truncate,
)

TITLE_LENGTH = 255
#: orders exported per job (one call each)
DEALS_PER_JOB = 50


class ActivecampaignDealExporter(Component):
    """Sale orders → deals of the backend's pipeline.

    Stage and status from the stage mapping of the order's state (no line:
    review item, nothing guessed); value in cents of the pipeline currency,
    converted with Odoo's rates at the order date; the deal belongs to the
    contact of the order's partner, exported first when it is not yet.
    """

    _name = "activecampaign.sale.order.exporter"
    _inherit = ["base.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.sale.order"]
    _usage = "batch.exporter"

    def _payload(self, binding):
        backend = self.backend_record
        order = binding.odoo_id
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
        """The contact of the order's partner, exported now if needed."""
        Binding = self.env["activecampaign.res.partner"]
        backend = self.backend_record
        binding = Binding._bind(backend, partner)
        if not binding.external_id:
            with backend.work_on(Binding._name) as work:
                work.component(usage="record.exporter").run(binding)
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

    def run(self, bindings):
        outcomes = Counter()
        for binding in bindings:
            try:
                # outside the savepoint: the contact exported on the way keeps
                # its own review item if it is refused
                payload = self._payload(binding)
                with self._isolated():
                    outcomes[self._export(binding, payload)] += 1
            except BadDataError as err:
                self._issue("export", err.code, str(err), record=binding)
                outcomes["sent to review"] += 1
        details = ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items()))
        return self.env._("%(n)s deals: %(d)s", n=len(bindings), d=details or "-")

    def _export(self, binding, payload):
        digest = payload_hash(payload)
        if binding.external_id and digest == binding.export_hash:
            return "unchanged"
        created = not binding.external_id
        external_id = self.backend_adapter.save_deal(
            binding.external_id, payload, marker=f"sale.order,{binding.odoo_id.id}"
        )
        binding.write(
            {
                "external_id": external_id,
                "export_hash": digest,
                "sync_date": fields.Datetime.now(),
            }
        )
        self.env["marketing.sync.issue"].sudo()._resolve(
            self.backend_record, record=binding, directions=("export",)
        )
        return "created" if created else "updated"

    def enqueue_all(self):
        """Bind the orders of synced customers and enqueue their export."""
        backend = self.backend_record
        states = backend.deal_stage_ids.filtered("order_state").mapped("order_state")
        orders = self.env["sale.order"].search(
            [
                ("company_id", "=", backend.company_id.id),
                ("state", "in", states),
                ("partner_id", "any", backend._partner_domain()),
            ]
        )
        bindings = self.model._bind(backend, orders)
        pending = bindings.filtered(
            lambda b: (
                not b.external_id
                or not b.sync_date
                or b.odoo_id.write_date > b.sync_date
            )
        )
        for start in range(0, len(pending), DEALS_PER_JOB):
            chunk = pending[start : start + DEALS_PER_JOB]
            chunk.with_delay(
                priority=20,
                description=backend._job_description(
                    self.env._("Export %s deals", len(chunk))
                ),
            ).export_batch()
        return self.env._(
            "%(p)s of %(n)s orders to export", p=len(pending), n=len(bindings)
        )


class ActivecampaignDealRecordExporter(Component):
    _name = "activecampaign.sale.order.record.exporter"
    _inherit = ["marketing.record.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.sale.order"]
