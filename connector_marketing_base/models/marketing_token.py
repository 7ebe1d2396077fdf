# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

#: a token this close to its expiry is refreshed before use
EXPIRY_MARGIN = 60


class MarketingToken(models.Model):
    """Access/refresh tokens of one backend, shared by every worker.

    Written in its own transaction, so a token obtained by a job that later
    rolls back is kept (and not fetched again by the next job), and refreshed
    under a row lock, so two workers that find an expired token at the same
    moment cause one refresh: the second waits for the lock and then reads the
    new token.  This matters for providers whose refresh tokens are single use.
    """

    _name = "marketing.token"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Backend Token"

    access_token = fields.Char(groups="base.group_system", readonly=True)
    refresh_token = fields.Char(groups="base.group_system", readonly=True)
    expires_at = fields.Datetime(readonly=True)
    refresh_count = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "backend_uniq",
            "unique(backend_model, backend_id)",
            "One token per backend.",
        )
    ]

    @api.model
    def _lock(self, cr, backend):
        cr.execute("SET LOCAL lock_timeout = '120s'")
        cr.execute(
            """
            INSERT INTO marketing_token
                (backend_model, backend_id, refresh_count, create_date, write_date)
            VALUES (%s, %s, 0, now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (backend_model, backend_id) DO NOTHING
            """,
            (backend._name, backend.id),
        )
        cr.execute(
            """
            SELECT id, access_token, refresh_token,
                   expires_at > (now() at time zone 'UTC') + %s * interval '1 second'
              FROM marketing_token
             WHERE backend_model = %s AND backend_id = %s
               FOR UPDATE
            """,
            (EXPIRY_MARGIN, backend._name, backend.id),
        )
        return cr.fetchone()

    @api.model
    def _store_token(self, cr, row_id, token):
        cr.execute(
            """
            UPDATE marketing_token
               SET access_token = %s,
                   refresh_token = COALESCE(%s, refresh_token),
                   expires_at = (now() at time zone 'UTC') + %s * interval '1 second',
                   refresh_count = refresh_count + 1,
                   write_date = now() at time zone 'UTC'
             WHERE id = %s
            """,
            (
                token["access_token"],
                token.get("refresh_token"),
                int(token.get("expires_in") or 3600),
                row_id,
            ),
        )

    @api.model
    def _get_access_token(self, backend, fetch):
        """A valid access token, obtained with ``fetch(refresh_token)`` if needed.

        ``fetch`` returns a dict with ``access_token``, ``expires_in`` and
        optionally a new ``refresh_token`` (rotated tokens replace the old one
        before the lock is released).
        """
        with self._own_transaction() as cr:
            row_id, access, refresh, valid = self._lock(cr, backend)
            if access and valid:
                return access
            token = fetch(refresh)
            self._store_token(cr, row_id, token)
            return token["access_token"]

    @api.model
    def _store(self, backend, token):
        """Save tokens obtained elsewhere (an OAuth2 callback)."""
        with self._own_transaction() as cr:
            row_id = self._lock(cr, backend)[0]
            self._store_token(cr, row_id, token)

    @api.model
    def _invalidate(self, backend, access_token):
        """Forget ``access_token`` if it is still the current one.

        Compare-and-set: when another worker already replaced it, its fresh
        token is kept.
        """
        with self._own_transaction() as cr:
            cr.execute(
                """
                UPDATE marketing_token SET access_token = NULL, expires_at = NULL
                 WHERE backend_model = %s AND backend_id = %s AND access_token = %s
                """,
                (backend._name, backend.id, access_token),
            )

    @api.model
    def _clear(self, backend):
        with self._own_transaction() as cr:
            cr.execute(
                "DELETE FROM marketing_token WHERE backend_model = %s "
                "AND backend_id = %s",
                (backend._name, backend.id),
            )
