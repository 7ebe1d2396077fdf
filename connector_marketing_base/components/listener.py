# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.addons.component.core import Component
from odoo.addons.component_event import skip_if
from odoo.addons.queue_job.job import identity_exact

#: partner fields whose change never reaches a marketing platform
_IGNORED_FIELDS = {
    "message_follower_ids",
    "message_main_attachment_id",
    "activity_ids",
    "write_date",
    "write_uid",
}


class MarketingPartnerListener(Component):
    """Partner changes in Odoo → one export job per bound backend.

    Only partners already bound to a backend and matching its sync domain
    are exported from here (new partners are picked up by the scheduled
    export).  Writes made by an import carry ``connector_no_export`` and are
    ignored: that is the first half of echo suppression, the export hash is
    the second.  ``identity_exact`` folds ten quick writes into one job.
    """

    _name = "marketing.partner.listener"
    _inherit = "base.connector.listener"
    _apply_on = ["res.partner"]

    def _bindings(self, partner, companies=False):
        """The partner's contact bindings; with ``companies``, also its
        company bindings that are exported (``marketing.binding``)."""
        models = partner._marketing_binding_models()
        if companies:
            exported = self.env.registry.descendants(["marketing.binding"], "_inherit")
            models += [
                model
                for model in partner._marketing_company_binding_models()
                if model._name in exported
            ]
        for binding_model in models:
            yield from binding_model.sudo()._bindings_of(partner)

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_write(self, record, fields=None):
        if fields and not set(fields) - _IGNORED_FIELDS:
            return
        for binding in self._bindings(record, companies=True):
            backend = binding.backend_id
            if not backend.active or not record.filtered_domain(
                backend._partner_domain()
            ):
                continue
            binding.with_delay(
                priority=10,
                identity_key=identity_exact,
                description=binding._job_description(self.env._("Export partner")),
            ).export_record()

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_unlink(self, record):
        for binding in self._bindings(record):
            backend = binding.backend_id
            if (
                backend.active
                and backend.delete_remote_on_unlink
                and binding.external_id
            ):
                backend.with_delay(
                    priority=10,
                    description=backend._job_description(
                        self.env._("Delete remote contact of"), record
                    ),
                ).delete_remote_contact(binding.external_id)
