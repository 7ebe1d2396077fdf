# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import ConfigurationError

from .mapper import company_key


class MarketoBatchExporter(Component):
    """Leads in batches of 300; their companies first, in their own jobs."""

    _name = "marketo.res.partner.batch.exporter"
    _inherit = ["marketing.batch.exporter", "marketo.base"]
    _apply_on = ["marketo.res.partner"]

    def run(self, bindings):
        """A mapped field the instance lacks would skip every record that
        carries it: the batch stops with a configuration error instead (no
        call, no review item per record)."""
        missing = self.backend_adapter.missing_fields()
        if missing:
            raise ConfigurationError(
                self.backend_record._missing_fields_message(missing)
            )
        return super().run(bindings)

    def enqueue_all(self, after_id=0):
        if after_id:  # a later slice: the first one sent the companies
            return super().enqueue_all(after_id=after_id)
        backend = self.backend_record
        groups = self.env["res.partner"]._read_group(
            backend._partner_domain() + [("parent_id.is_company", "=", True)],
            ["parent_id"],
        )
        companies = self.env["res.partner"].browse([parent.id for (parent,) in groups])
        size = self.backend_adapter.batch_size
        for start in range(0, len(companies), size):
            chunk = companies[start : start + size]
            backend.with_delay(
                priority=20,
                description=backend._job_description(
                    self.env._("Export %s companies", len(chunk))
                ),
            ).export_companies(chunk.ids)
        return super().enqueue_all(after_id=after_id)

    def export_companies(self, companies):
        """Company partners → Marketo companies, linked by externalCompanyId."""
        backend = self.backend_record
        payloads = [
            {"externalCompanyId": company_key(c, backend), "company": c.name}
            for c in companies
        ]
        results = self.backend_adapter.sync_companies(payloads)
        failed = 0
        for company, result in zip(companies, results, strict=False):
            if result.get("status") in ("created", "updated"):
                continue
            failed += 1
            reason = (result.get("reasons") or [{}])[0]
            self._issue(
                "export",
                f"marketo_{reason.get('code', 'skipped')}",
                reason.get("message") or self.env._("Company refused by Marketo"),
                record=company,
            )
        return self.env._(
            "%(n)s companies sent, %(f)s refused", n=len(payloads), f=failed
        )


class MarketoConsentExporter(Component):
    """Opted-out leads are upserted with ``unsubscribed: true`` (the batch
    export says it), 300 a call."""

    _name = "marketo.res.partner.consent.exporter"
    _inherit = ["marketing.consent.exporter", "marketo.base"]
    _apply_on = ["marketo.res.partner"]
