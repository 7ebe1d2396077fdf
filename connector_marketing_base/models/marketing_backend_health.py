# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

#: what a stamp records: the last job of that kind that succeeded
STAMP_KINDS = ("import", "export", "engagement")


class MarketingBackendHealth(models.Model):
    """One row per backend: when its import, export and engagement poll last
    succeeded, and its card in Marketing > Overview.

    The stamps are written when a job finishes (see ``queue.job``), in a
    transaction of their own: many export jobs of one backend end at the same
    time, and a shared row updated in their own transactions would fail them
    with serialization errors (and queue_job would run them again).
    """

    _name = "marketing.backend.health"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Backend Sync Health"
    _order = "backend_model, backend_id"

    last_import_at = fields.Datetime(readonly=True)
    last_export_at = fields.Datetime(readonly=True)
    last_engagement_at = fields.Datetime(readonly=True)
    health_data = fields.Json(compute="_compute_health")
    health_attention = fields.Char(compute="_compute_health")
    health_level = fields.Char(compute="_compute_health")

    _sql_constraints = [
        (
            "backend_uniq",
            "unique(backend_model, backend_id)",
            "One health row per backend.",
        )
    ]

    def _compute_health(self):
        for row in self:
            backend = row._backend()
            data = backend._health_data() if backend else {}
            attention = data.get("attention") or {}
            row.health_data = data
            row.health_attention = attention.get("text", "")
            row.health_level = attention.get("level", "")

    @api.model
    def _stamp(self, backend, kind, when=None):
        """Record that a ``kind`` job of ``backend`` succeeded (never moves a
        stamp back: jobs finish out of order)."""
        column = f"last_{kind}_at"
        if kind not in STAMP_KINDS:
            raise ValueError(kind)
        when = when or fields.Datetime.now()
        with self._own_transaction() as cr:
            cr.execute(
                SQL(
                    """
                    INSERT INTO marketing_backend_health
                        (backend_model, backend_id, company_id, %(col)s,
                         create_date, write_date)
                    VALUES (%(model)s, %(id)s, %(company)s, %(when)s,
                            now() at time zone 'UTC', now() at time zone 'UTC')
                    ON CONFLICT (backend_model, backend_id) DO UPDATE
                       SET %(col)s = GREATEST(marketing_backend_health.%(col)s,
                                              EXCLUDED.%(col)s),
                           write_date = EXCLUDED.write_date
                    """,
                    col=SQL.identifier(column),
                    model=backend._name,
                    id=backend.id,
                    company=backend.company_id.id,
                    when=when,
                )
            )
        self.invalidate_model([column])

    @api.model
    def _of(self, backend):
        """The row of ``backend``, created when missing."""
        rows = self.sudo()
        row = rows.search(backend._scope_domain(), limit=1)
        if not row:
            rows._insert_unique(backend, {}, ("backend_model", "backend_id"))
            row = rows.search(backend._scope_domain(), limit=1)
        return row

    @api.model
    def _backend_models(self):
        """Names of the concrete backend models of the installed providers."""
        base = type(self.env["marketing.backend"])
        return [
            name
            for name, model in self.env.items()
            if not model._abstract and not model._transient and isinstance(model, base)
        ]

    @api.model
    def action_overview(self):
        """Marketing > Overview: a card per backend (rows made on the way,
        for backends created before this module was updated)."""
        for name in self._backend_models():
            for backend in self.env[name].search([]):
                self._of(backend)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "connector_marketing_base.action_marketing_backend_health"
        )
        return action

    def action_open_backend(self):
        self.ensure_one()
        backend = self._backend()
        return {
            "type": "ir.actions.act_window",
            "res_model": backend._name,
            "res_id": backend.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
