# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import secrets
from datetime import timedelta

from oauthlib.oauth2 import WebApplicationClient

from odoo import api, fields, models

#: an authorization that is not completed within this time must start over
STATE_LIFETIME = timedelta(minutes=10)


def _digest(state):
    return hashlib.sha256(state.encode()).hexdigest()


class MarketingOAuthState(models.Model):
    """One pending OAuth2 authorization (code flow with PKCE).

    Created when a manager presses "Connect", consumed by the callback.  The
    ``state`` sent to the provider is random, lives ten minutes, is bound to
    the backend and to the user who started it, and can be used once: the
    row is deleted when the callback reads it, whatever happens next.  Only
    its hash is stored, next to the PKCE code verifier (which never leaves
    the server before the token request).
    """

    _name = "marketing.oauth.state"
    _inherit = "marketing.backend.scoped"
    _description = "Pending OAuth2 Authorization"

    state_hash = fields.Char(required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True)
    code_verifier = fields.Char(groups="base.group_system", readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [
        ("state_uniq", "unique(state_hash)", "An OAuth2 state is used once.")
    ]

    @api.model
    def _start(self, backend):
        """Register a new authorization of ``backend``; return its URL."""
        now = fields.Datetime.now()
        self.sudo().search([("expires_at", "<", now)]).unlink()
        client = WebApplicationClient(backend.sudo().client_id or "")
        verifier = client.create_code_verifier(64)
        state = secrets.token_urlsafe(32)
        self.sudo().create(
            dict(
                self._scope_vals(backend),
                state_hash=_digest(state),
                user_id=self.env.uid,
                code_verifier=verifier,
                expires_at=now + STATE_LIFETIME,
            )
        )
        return backend._oauth_authorize_url(
            state, client.create_code_challenge(verifier, "S256")
        )

    @api.model
    def _consume(self, state):
        """Take the pending authorization of ``state`` out of the table.

        Returns ``(backend_model, backend_id, user_id, code_verifier,
        expired)`` or None when the state is unknown or already used.  The
        ``DELETE ... RETURNING`` makes two simultaneous callbacks with one
        state see it once.
        """
        self.env.cr.execute(
            """
            DELETE FROM marketing_oauth_state WHERE state_hash = %s
            RETURNING backend_model, backend_id, user_id, code_verifier,
                      expires_at < (now() at time zone 'UTC')
            """,
            (_digest(state or ""),),
        )
        return self.env.cr.fetchone()
