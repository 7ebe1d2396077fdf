# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

#: bookkeeping columns :meth:`MarketingBinding._write_sync_columns` may write
SYNC_COLUMNS = ("external_id", "export_hash", "sync_date", "remote_updated_at")


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

    def _write_sync_columns(self, values_by_id):
        """Write bookkeeping columns of many bindings in one ``UPDATE``.

        ``values_by_id``: ``{binding id: {column: value}}``, every dict with
        the same keys, among :data:`SYNC_COLUMNS`.  Why: after a page of 300
        records each binding gets its own remote id or hash, and the ORM
        writes differing values one record at a time (300 ``write()`` calls,
        a third of an export batch's time).  These columns are the
        connector's own: plain stored fields that nothing computes from (this
        is checked; otherwise, and for other columns, the ORM writes them).
        A unique-constraint violation (two bindings given one remote id)
        raises ``psycopg2.IntegrityError`` as ``write()`` would.
        """
        if not values_by_id:
            return
        names = list(next(iter(values_by_id.values())))
        if any(
            name not in SYNC_COLUMNS
            or not self._fields[name].store
            or any(self.pool.get_dependent_fields(self._fields[name]))
            for name in names
        ):
            for binding in self.browse(list(values_by_id)):
                binding.write(values_by_id[binding.id])
            return
        records = self.browse(list(values_by_id))
        records.flush_recordset(names)
        columns = [self._fields[name] for name in names]
        rows = [
            SQL(
                "(%s)",
                SQL(", ").join(
                    [SQL("%s", record_id)]
                    + [
                        SQL(
                            "%s::%s",
                            field.convert_to_column(values[field.name], records),
                            SQL(field.column_type[1]),
                        )
                        for field in columns
                    ]
                ),
            )
            for record_id, values in values_by_id.items()
        ]
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s t
                   SET %(sets)s,
                       write_uid = %(uid)s,
                       write_date = now() at time zone 'UTC'
                  FROM (VALUES %(rows)s) AS v(id, %(names)s)
                 WHERE t.id = v.id
                """,
                table=SQL.identifier(self._table),
                sets=SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(n), SQL.identifier(n))
                    for n in names
                ),
                uid=self.env.uid,
                rows=SQL(", ").join(rows),
                names=SQL(", ").join(SQL.identifier(n) for n in names),
            )
        )
        records.invalidate_recordset([*names, "write_uid", "write_date"])

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
