# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MarketingBinding(models.AbstractModel):
    """Link between an Odoo record and its twin on a marketing platform.

    Concrete bindings (``marketo.res.partner``...) add ``odoo_id`` (with
    ``_inherits``) and ``backend_id``.  ``export_hash`` is the hash of the last
    payload the platform accepted: an export with the same hash is skipped,
    which also stops the echo of an import (the importer stores the hash of
    what it just wrote).
    """

    _name = "marketing.binding"
    _inherit = "external.binding"
    _description = "Marketing Binding (abstract)"

    external_id = fields.Char(string="ID on the platform", index=True, copy=False)
    export_hash = fields.Char(copy=False, readonly=True)
    remote_updated_at = fields.Datetime(copy=False, readonly=True)

    _sql_constraints = [
        (
            "external_uniq",
            "unique(backend_id, external_id)",
            "A remote record can only be bound once per backend.",
        ),
        (
            "odoo_uniq",
            "unique(backend_id, odoo_id)",
            "A record can only be bound once per backend.",
        ),
    ]

    def _job_description(self, action):
        """'Export partner Jane Doe (Marketo backend Prod)' and alike."""
        self.ensure_one()
        return self.backend_id._job_description(action, self.odoo_id)

    def export_record(self):
        """Job: export this one binding (a record changed in Odoo)."""
        self.ensure_one()
        with self.backend_id.work_on(self._name) as work:
            return work.component(usage="record.exporter").run(self)

    def export_batch(self):
        """Job: export these bindings in as few calls as the provider allows."""
        if not self:
            return self.env._("Nothing to export")
        with self.backend_id.work_on(self._name) as work:
            return work.component(usage="batch.exporter").run(self)

    @api.model
    def _bind(self, backend, records):
        """Bindings of ``records`` on ``backend``, created where missing."""
        existing = self.with_context(active_test=False).search(
            [("backend_id", "=", backend.id), ("odoo_id", "in", records.ids)]
        )
        missing = records - existing.odoo_id
        return existing | self.with_context(connector_no_export=True).create(
            [{"backend_id": backend.id, "odoo_id": record.id} for record in missing]
        )

    @api.model
    def _bindings_of(self, partners):
        """Bindings of ``partners`` in this binding model, archived included."""
        return self.with_context(active_test=False).search(
            [("odoo_id", "in", partners.ids)]
        )
