# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import AbstractComponent, Component
from odoo.addons.component_event import skip_if
from odoo.addons.queue_job.job import identity_exact

_lt = LazyTranslate(__name__)

#: partner fields whose change never reaches a marketing platform
_IGNORED_FIELDS = {
    "message_follower_ids",
    "message_main_attachment_id",
    "activity_ids",
    "write_date",
    "write_uid",
}


class MarketingExportListener(AbstractComponent):
    """Changes in Odoo → one export job per binding: what every trigger of
    an export shares.

    Writes made by an import carry ``connector_no_export`` and are ignored:
    that is the first half of echo suppression, the export hash is the
    second.  A write is exported when it touches a field that matters
    (:meth:`_changes_matter`: one of ``_tracked_fields``, none of
    ``_ignored_fields``); a creation only where ``_export_on_create`` says
    so.  Each binding of :meth:`_bindings_to_export` gets a job of its
    method ``_export_job``; ``identity_exact`` folds ten quick writes into
    one job.  A provider declares those and says which bindings it exports.
    """

    _name = "marketing.export.listener"
    _inherit = "base.connector.listener"

    #: fields whose change is exported (None: any field)
    _tracked_fields = None
    #: fields whose change alone is never exported
    _ignored_fields = frozenset()
    #: whether a new record is exported at once
    _export_on_create = False
    #: binding method of the export job
    _export_job = "export_record"
    #: what the job does, before the record's name (a lazy translation)
    _export_job_label = None

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_create(self, record, fields=None):
        if self._export_on_create:
            self._enqueue_exports(self._bindings_to_export(record))

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_write(self, record, fields=None):
        if self._changes_matter(record, fields):
            self._enqueue_exports(self._bindings_to_export(record))

    def _changes_matter(self, record, fields):
        """Whether a write of ``fields`` on ``record`` is exported."""
        if not fields:
            return True
        changed = set(fields) - self._ignored_fields
        if self._tracked_fields is None:
            return bool(changed)
        return bool(changed & self._tracked_fields)

    def _bindings_to_export(self, record):
        """Hook: the bindings whose export ``record``'s change asks for."""
        raise NotImplementedError

    def _enqueue_exports(self, bindings):
        for binding in bindings:
            job = binding.with_delay(
                priority=10,
                identity_key=identity_exact,
                description=binding._job_description(
                    self.env._(self._export_job_label)
                ),
            )
            getattr(job, self._export_job)()


class MarketingPartnerListener(Component):
    """Partner changes in Odoo → one export job per bound backend.

    Only partners already bound to a backend and matching its sync domain
    are exported from here (new partners are picked up by the scheduled
    export).
    """

    _name = "marketing.partner.listener"
    _inherit = "marketing.export.listener"
    _apply_on = ["res.partner"]
    _ignored_fields = _IGNORED_FIELDS
    _export_job_label = _lt("Export partner")

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

    def _bindings_to_export(self, record):
        for binding in self._bindings(record, companies=True):
            backend = binding.backend_id
            if backend.active and record.filtered_domain(backend._partner_domain()):
                yield binding

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
