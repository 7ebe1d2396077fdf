# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component


class MarketoRecordImporter(Component):
    """A lead: the base import, then its consent (an ``unsubscribed`` lead
    puts its address on Odoo's blacklist), its score and, once, an
    opportunity."""

    _name = "marketo.res.partner.record.importer"
    _inherit = ["marketing.record.importer", "marketo.base"]
    _apply_on = ["marketo.res.partner"]

    def _binding_values(self, record):
        try:
            score = int(record.get("leadScore") or 0)
        except (TypeError, ValueError):
            score = 0
        return {"lead_score": score}

    def _after_import(self, binding, record):
        if record.get("unsubscribed") in (True, "true"):
            self._remote_opt_out(record.get("email"), binding=binding)
        threshold = self.backend_record.score_threshold
        if threshold and binding.lead_score >= threshold:
            self._ensure_opportunity(binding, binding.lead_score)

    def _ensure_opportunity(self, binding, score):
        """One opportunity per lead and backend, however often it scores."""
        backend = self.backend_record
        Opportunity = self.env["marketo.crm.lead"].with_context(
            connector_no_export=True
        )
        if Opportunity.search_count(
            [("backend_id", "=", backend.id), ("external_id", "=", binding.external_id)]
        ):
            return
        partner = binding.odoo_id
        Opportunity.create(
            {
                "backend_id": backend.id,
                "external_id": binding.external_id,
                "name": self.env._(
                    "%(name)s (Marketo score %(score)s)",
                    name=partner.display_name,
                    score=score,
                ),
                "type": "opportunity",
                "partner_id": partner.id,
                "team_id": backend.opportunity_team_id.id,
                "stage_id": backend.opportunity_stage_id.id,
            }
        )
