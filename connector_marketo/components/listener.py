# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import Component

_lt = LazyTranslate(__name__)


class MarketoOpportunityListener(Component):
    """An opportunity's stage changes → Marketo hears about it."""

    _name = "marketo.crm.lead.listener"
    _inherit = "marketing.export.listener"
    _apply_on = ["crm.lead"]
    #: opportunity fields whose change Marketo hears about
    _tracked_fields = frozenset({"stage_id", "active", "probability"})
    _export_job = "export_stage"
    _export_job_label = _lt("Send opportunity stage of")

    def _bindings_to_export(self, record):
        return record.sudo().with_context(active_test=False).marketo_bind_ids
