# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

#: bookkeeping columns :meth:`MarketingBinding._write_sync_columns` may write
SYNC_COLUMNS = (
    "external_id",
    "export_hash",
    "sync_date",
    "remote_updated_at",
    "opt_out_sent",
)


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
    opt_out_sent = fields.Boolean(
        string="Opt-out on the platform",
        copy=False,
        readonly=True,
        help="The platform was last told, or told us, that this contact "
        "opted out. An opt-out made in Odoo is carried while this is off.",
    )

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

    @api.private
    def export_record(self):
        """Job: export this one binding (a record changed in Odoo)."""
        self.ensure_one()
        with self.backend_id.work_on(self._name) as work:
            return work.component(usage="record.exporter").run(self)

    @api.private
    def export_batch(self):
        """Job: export these bindings in as few calls as the provider allows."""
        if not self:
            return self.env._("Nothing to export")
        with self.backend_id.work_on(self._name) as work:
            return work.component(usage="batch.exporter").run(self)

    def unsubscribe_remote(self):
        """Job: these contacts opted out in Odoo; say so on the platform."""
        if not self:
            return self.env._("Nothing to unsubscribe")
        with self.backend_id.work_on(self._name) as work:
            return work.component(usage="consent.exporter").run(self)

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
        if not self._are_plain_sync_columns(names):
            for binding in self.browse(list(values_by_id)):
                binding.write(values_by_id[binding.id])
            return
        records = self.browse(list(values_by_id))
        records.flush_recordset(names)
        self._update_columns(records, names, values_by_id)
        records.invalidate_recordset([*names, "write_uid", "write_date"])

    def _are_plain_sync_columns(self, names):
        """Whether one ``UPDATE`` may write these columns: the connector's own
        stored columns, that no other field is computed from."""
        return not any(
            name not in SYNC_COLUMNS
            or not self._fields[name].store
            or any(self.pool.get_dependent_fields(self._fields[name]))
            for name in names
        )

    def _update_columns(self, records, names, values_by_id):
        """The ``UPDATE`` of :meth:`_write_sync_columns`."""
        columns = [self._fields[name] for name in names]
        # one array per column, unnested side by side: one parameter per
        # column whatever the number of rows
        arrays = [
            SQL(
                "%s::%s[]",
                [
                    field.convert_to_column(values[field.name], records)
                    for values in values_by_id.values()
                ],
                SQL(field.column_type[1]),
            )
            for field in columns
        ]
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s t
                   SET %(sets)s,
                       write_uid = %(uid)s,
                       write_date = now() at time zone 'UTC'
                  FROM unnest(%(ids)s::int[], %(arrays)s) AS v(id, %(names)s)
                 WHERE t.id = v.id
                """,
                table=SQL.identifier(self._table),
                sets=SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(n), SQL.identifier(n))
                    for n in names
                ),
                uid=self.env.uid,
                ids=list(values_by_id),
                arrays=SQL(", ").join(arrays),
                names=SQL(", ").join(SQL.identifier(n) for n in names),
            )
        )

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
    def _bind_new(self, backend, record_ids):
        """Bindings, without remote id yet, of many records: one ``INSERT``.

        Why: the first export of a large base binds every partner, and the
        ORM's ``create()`` costs about half a millisecond per binding here
        (the defaults of every field, inherited ones included, and the create
        hooks): a quarter of the export's time for bindings that are only
        ``(backend, record)`` pairs.  The binding model's own stored fields
        take their defaults, computed once; a model with an own stored field
        that is computed, relational to many, or required without a default
        is created through the ORM instead (as is any model when this
        returns the ORM's result, same records either way).
        """
        if not record_ids:
            return self.browse()
        parent_field = next(iter(self._inherits.values()), "odoo_id")
        columns = self._insertable_defaults(parent_field)
        if columns is None:
            return self.with_context(connector_no_export=True).create(
                [{"backend_id": backend.id, parent_field: i} for i in record_ids]
            )
        bindings = self._insert_bindings(backend, parent_field, record_ids, columns)
        self._forget_cached_bindings(parent_field, record_ids)
        return bindings

    def _insertable_defaults(self, parent_field):
        """``[(field, default)]`` of this model's own stored fields, or
        ``None`` when one of them needs the ORM (computed, relational to
        many, or required without a default)."""
        magic = {"id", "create_uid", "create_date", "write_uid", "write_date"}
        own = [
            field
            for name, field in self._fields.items()
            if field.store
            and not field.inherited
            and name not in magic | {parent_field, "backend_id"}
        ]
        defaults = self.default_get([field.name for field in own])
        if any(
            field.compute
            or field.type in ("one2many", "many2many")
            or (field.required and defaults.get(field.name) in (None, False))
            for field in own
        ):
            return None
        return [
            (self._fields[name], value)
            for name, value in defaults.items()
            if name in self._fields and value not in (None, False)
        ]

    def _insert_bindings(self, backend, parent_field, record_ids, columns):
        """The one ``INSERT`` of :meth:`_bind_new`, in the order of
        ``record_ids``."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (%(parent)s, backend_id, create_uid,
                                       create_date, write_uid, write_date
                                       %(names)s)
                SELECT r, %(backend)s, %(uid)s, now() at time zone 'UTC',
                       %(uid)s, now() at time zone 'UTC' %(values)s
                  FROM unnest(%(ids)s::int[]) WITH ORDINALITY AS t(r, n)
                 ORDER BY n
                RETURNING id
                """,
                table=SQL.identifier(self._table),
                parent=SQL.identifier(parent_field),
                names=SQL("").join(
                    SQL(", %s", SQL.identifier(field.name)) for field, __ in columns
                ),
                backend=backend.id,
                uid=self.env.uid,
                values=SQL("").join(
                    SQL(", %s", field.convert_to_column(value, self))
                    for field, value in columns
                ),
                ids=list(record_ids),
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _forget_cached_bindings(self, parent_field, record_ids):
        """The records' one2many of their bindings may be cached: no longer
        true after an ``INSERT`` the ORM did not see."""
        parent = self.env[self._fields[parent_field].comodel_name]
        parent.browse(record_ids).invalidate_recordset(
            [
                field.name
                for field in parent._fields.values()
                if field.type == "one2many"
                and field.comodel_name == self._name
                and field.inverse_name == parent_field
            ]
        )

    @api.model
    def _bindings_of(self, partners):
        """Bindings of ``partners`` in this binding model, archived included."""
        return self.with_context(active_test=False).search(
            [("odoo_id", "in", partners.ids)]
        )
