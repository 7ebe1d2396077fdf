# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

#: a settled entry is kept this long: by then the job that created the
#: remote record has stored its id in the binding, or failed for good
KEEP_SETTLED = timedelta(days=2)


class MarketingRemoteCreate(models.Model):
    """Journal of non-idempotent creates (``POST`` of a deal, an account...).

    queue_job runs a job at least once: a job that created 30 deals and then
    failed rolls back the 30 ids it stored in its bindings, and its retry
    would post the 30 deals again.  So each create is journaled in its own
    short transaction (like the limiter and the token store): ``sending``
    before the call, the remote id as soon as the answer brings it.  A retry
    finds the id here instead of posting again, and an entry left
    ``sending`` (the answer was lost: timeout, 5xx, worker killed) means
    "maybe created": the adapter looks the record up by its marker before
    creating anew (see ``marketing.adapter._create_once``).
    """

    _name = "marketing.remote.create"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Remote Create Journal"
    _order = "id desc"

    kind = fields.Char(required=True, readonly=True, help="deal, account...")
    marker = fields.Char(
        required=True,
        readonly=True,
        help="What was created, in Odoo's terms (e.g. sale.order,42).",
    )
    state = fields.Selection(
        [("sending", "Sent, answer not stored"), ("done", "Created")],
        required=True,
        readonly=True,
        default="sending",
    )
    external_id = fields.Char(readonly=True)
    attempts = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "marker_uniq",
            "unique(backend_model, backend_id, kind, marker)",
            "One journal entry per created record.",
        )
    ]

    @api.model
    def _begin(self, backend, kind, marker):
        """Record an attempt; ``(external_id, uncertain)`` of earlier ones.

        ``uncertain``: an earlier attempt was sent and its outcome never
        stored, so the record may exist remotely.
        """
        with self._own_transaction() as cr:
            cr.execute(
                """
                INSERT INTO marketing_remote_create
                    (backend_model, backend_id, company_id, kind, marker, state,
                     attempts, create_date, write_date)
                VALUES (%s, %s, %s, %s, %s, 'sending', 1,
                        now() at time zone 'UTC', now() at time zone 'UTC')
                ON CONFLICT (backend_model, backend_id, kind, marker)
                DO UPDATE SET attempts = marketing_remote_create.attempts + 1,
                              write_date = now() at time zone 'UTC'
                RETURNING external_id, state, attempts
                """,
                (
                    backend._name,
                    backend.id,
                    backend.company_id.id or None,
                    kind,
                    marker,
                ),
            )
            external_id, state, attempts = cr.fetchone()
        if state == "done":
            return external_id, False
        return None, attempts > 1

    @api.model
    def _settle(self, backend, kind, marker, external_id):
        """The remote id exists: keep it whatever happens to the job."""
        with self._own_transaction() as cr:
            cr.execute(
                """
                UPDATE marketing_remote_create
                   SET state = 'done', external_id = %s,
                       write_date = now() at time zone 'UTC'
                 WHERE backend_model = %s AND backend_id = %s
                   AND kind = %s AND marker = %s
                """,
                (str(external_id), backend._name, backend.id, kind, marker),
            )

    @api.model
    def _forget(self, backend, kind, marker):
        """The provider surely created nothing (it refused, or nothing was
        sent): a later attempt may post without a look-up."""
        with self._own_transaction() as cr:
            cr.execute(
                """
                DELETE FROM marketing_remote_create
                 WHERE backend_model = %s AND backend_id = %s
                   AND kind = %s AND marker = %s AND state = 'sending'
                """,
                (backend._name, backend.id, kind, marker),
            )

    @api.model
    def _cleanup(self, backend):
        """Drop settled entries old enough that their job has ended."""
        old = self.search(
            backend._scope_domain()
            + [
                ("state", "=", "done"),
                ("write_date", "<", fields.Datetime.now() - KEEP_SETTLED),
            ]
        )
        count = len(old)
        old.unlink()
        return count
