# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MarketingRemoteField(models.Model):
    """A custom field defined on the platform, cached per backend.

    Platforms name custom fields by ids (ActiveCampaign's numeric ids,
    Constant Contact's UUIDs) that mean nothing to a person writing a field
    mapping line, and their type decides how a value is written (multi-select
    formats).  The definitions are read once through the adapter's
    ``list_fields()`` and refreshed from the backend form, not on every sync.
    """

    _name = "marketing.remote.field"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Platform Custom Field"
    _order = "label, id"
    _rec_name = "label"

    remote_id = fields.Char(required=True, readonly=True, index=True)
    label = fields.Char(readonly=True)
    key = fields.Char(
        readonly=True, help="The platform's own handle (e.g. a personalization tag)."
    )
    field_type = fields.Char(readonly=True)
    options = fields.Json(readonly=True, help="Allowed values of choice fields.")
    multiple = fields.Boolean(
        readonly=True, help="Holds several values (multi-select, checkboxes)."
    )

    _sql_constraints = [
        (
            "remote_uniq",
            "unique(backend_model, backend_id, remote_id)",
            "A remote field is cached once per backend.",
        )
    ]

    @api.depends("label", "remote_id")
    def _compute_display_name(self):
        for field in self:
            field.display_name = f"{field.label or field.key} ({field.remote_id})"

    @api.model
    def _refresh(self, backend, definitions):
        """Replace the cache of ``backend`` with ``definitions``.

        Each definition is a dict with ``remote_id`` and any of ``label``,
        ``key``, ``field_type``, ``options``, ``multiple``.  Returns the
        number of fields cached.
        """
        existing = {
            field.remote_id: field for field in self.search(backend._scope_domain())
        }
        seen = set()
        for definition in definitions:
            values = dict(definition, remote_id=str(definition["remote_id"]))
            seen.add(values["remote_id"])
            field = existing.get(values["remote_id"])
            if field:
                field.write(values)
            else:
                self.create(dict(values, **self._scope_vals(backend)))
        self.browse(
            [f.id for remote_id, f in existing.items() if remote_id not in seen]
        ).unlink()
        return len(seen)

    @api.model
    def _by_remote_id(self, backend):
        """``{remote_id: field}`` of the cached definitions of ``backend``."""
        return {f.remote_id: f for f in self.search(backend._scope_domain())}

    @api.model
    def _by_key(self, backend):
        """``{key: remote_id}``: translates handles (``%PERSTAG%``) to ids."""
        return {
            f.key.strip("%").upper(): f.remote_id
            for f in self.search(backend._scope_domain())
            if f.key
        }
