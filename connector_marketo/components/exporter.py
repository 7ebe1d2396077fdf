# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import ConfigurationError
from odoo.addons.connector_marketing_base.tools import outcomes as oc

from .mapper import company_key


class MarketoBatchExporter(Component):
    """Leads in batches of 300; their companies first, in their own jobs."""

    _name = "marketo.res.partner.batch.exporter"
    _inherit = ["marketing.batch.exporter", "marketo.base"]
    _apply_on = ["marketo.res.partner"]

    company_export_job = "export_companies"

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
            if result.get("status") in oc.ACCEPTED:
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
