# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

import psycopg2
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import api, fields, models
from odoo.sql_db import TestCursor
from odoo.tools import SQL


class MarketingBackendScoped(models.AbstractModel):
    """Records that belong to one backend of any provider.

    Review issues, activities, webhook events, cursors and mapping lines are
    shared by all providers, so they point at their backend with a
    ``(backend_model, backend_id)`` reference rather than one Many2one per
    provider.  ``company_id`` is copied from the backend so multi-company record
    rules stay simple and fast.
    """

    _name = "marketing.backend.scoped"
    _description = "Record belonging to a marketing backend"

    backend_model = fields.Char(required=True, index=True, readonly=True)
    backend_id = fields.Many2oneReference(
        string="Backend ID",
        model_field="backend_model",
        required=True,
        index=True,
        readonly=True,
    )
    backend_name = fields.Char(compute="_compute_backend_name", string="Backend")
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        index=True,
        readonly=True,
    )

    @api.depends("backend_model", "backend_id")
    def _compute_company_id(self):
        # per backend, not per record: a bulk export files thousands at once
        companies = {}
        for record in self:
            key = (record.backend_model, record.backend_id)
            if key not in companies:
                backend = record._backend()
                companies[key] = backend.company_id if backend else False
            record.company_id = companies[key]

    @api.depends("backend_model", "backend_id")
    def _compute_backend_name(self):
        for record in self:
            backend = record._backend()
            record.backend_name = backend.sudo().display_name if backend else ""

    def _backend(self):
        """The backend record, or None when it (or its addon) no longer exists."""
        self.ensure_one()
        if not self.backend_model or self.backend_model not in self.env:
            return None
        return self.env[self.backend_model].browse(self.backend_id).exists() or None

    @api.model
    @contextmanager
    def _own_transaction(self):
        """A short transaction of its own, committed on exit.

        For state shared by all workers (rate limiter, tokens): what it writes
        must outlive the job's transaction.  READ COMMITTED, unlike Odoo's
        default REPEATABLE READ, lets ``SELECT ... FOR UPDATE`` wait for a
        concurrent writer and then read its row instead of failing with a
        serialization error.  (Tests running inside one shared transaction get
        a TestCursor, which keeps that transaction's isolation.)
        """
        with self.env.registry.cursor() as cr:
            if not isinstance(cr, TestCursor):
                cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            yield cr

    @api.model
    def _scope_vals(self, backend):
        return {"backend_model": backend._name, "backend_id": backend.id}

    @api.model
    def _insert_unique(self, backend, vals, conflict):
        """Insert a record of ``backend`` unless its unique key exists: the
        new record, or an empty recordset for a duplicate.

        ``conflict`` names the columns of the unique constraint.  Why not
        ``create()`` in a savepoint: a duplicate then fails in the flush and
        Odoo logs every failed query as a ``bad query`` ERROR, which
        operators read and would chase for nothing.  ``INSERT ... ON CONFLICT
        DO NOTHING`` makes a duplicate a quiet no-op; in Odoo's REPEATABLE
        READ transactions a duplicate committed after the snapshot is
        reported by PostgreSQL as a serialization failure instead: caught
        without logging (``log_exceptions=False``) and also answered empty.
        Only plain stored fields are written (their defaults, ``company_id``
        from the backend); no computed field or create hook runs.
        """
        vals = self._insert_values(backend, vals)
        row = self._insert_on_conflict_nothing(vals, conflict)
        record = self.browse(row[0] if row else ())
        self._cache_inserted(record, vals)
        return record

    def _insert_values(self, backend, vals):
        """``vals`` completed as ``create()`` would: the backend's scope and
        company, and the defaults of the stored fields not given (the
        INSERT bypasses the ORM that would fill them)."""
        vals = dict(
            vals,
            **self._scope_vals(backend),
            company_id=backend.company_id.id if "company_id" in backend else False,
        )
        magic = {"id", "create_uid", "create_date", "write_uid", "write_date"}
        return {
            **self.default_get(
                [
                    name
                    for name, field in self._fields.items()
                    if field.store and field.column_type and name not in magic
                    if name not in vals
                ]
            ),
            **vals,
        }

    def _insert_on_conflict_nothing(self, vals, conflict):
        """Run the INSERT; the row's id, or None for a duplicate (quietly,
        whether PostgreSQL skips it or reports a serialization failure)."""
        columns = [
            (name, self._fields[name].convert_to_column(value, self))
            for name, value in vals.items()
        ]
        query = SQL(
            """
            INSERT INTO %(table)s (%(names)s, create_uid, create_date,
                                   write_uid, write_date)
            VALUES (%(values)s, %(uid)s, now() at time zone 'UTC',
                    %(uid)s, now() at time zone 'UTC')
            ON CONFLICT (%(conflict)s) DO NOTHING
            RETURNING id
            """,
            table=SQL.identifier(self._table),
            names=SQL(", ").join(SQL.identifier(name) for name, __ in columns),
            values=SQL(", ").join(SQL("%s", value) for __, value in columns),
            uid=self.env.uid,
            conflict=SQL(", ").join(SQL.identifier(name) for name in conflict),
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
                return self.env.cr.fetchone()
        except psycopg2.errors.SerializationFailure:
            return None

    def _cache_inserted(self, record, vals):
        """The row just written is known: reading it back costs no query."""
        for name, value in vals.items():
            field = self._fields[name]
            if record and not field.translate:
                self.env.cache.set(record, field, field.convert_to_cache(value, record))
