# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""OAuth2 authorization code flow (PKCE S256) for backends that need it.

oauthlib builds the token requests, the PKCE verifier and challenge and
parses the provider's answers into typed errors; requests carries them.
(oauthlib's own authorization-URL helper refuses plain ``http://``, which the
sandbox on 127.0.0.1 uses, so that URL is assembled with its
``add_params_to_uri``.)
"""

import logging
from datetime import timedelta

import requests
from oauthlib.common import add_params_to_qs, add_params_to_uri
from oauthlib.oauth2 import WebApplicationClient
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from odoo import api, fields, models

from odoo.addons.queue_job.exception import RetryableJobError

from ..exceptions import ConfigurationError, TransientError

_logger = logging.getLogger(__name__)

CALLBACK_PATH = "/connector_marketing/oauth/callback"
#: a backend that needs re-authorization postpones its jobs by this much
REAUTH_POSTPONE = timedelta(hours=1)
#: OAuth2 errors meaning the grant is gone: only a person can fix that
GRANT_LOST = (
    oauth_errors.InvalidGrantError,
    oauth_errors.UnauthorizedClientError,
    oauth_errors.AccessDeniedError,
)


class OAuthRefused(Exception):
    """The provider refused an authorization code or a refresh token."""


class MarketingOAuthBackend(models.AbstractModel):
    """A backend whose API is reached with OAuth2 user authorization.

    The provider sets its default URLs and scopes; this model does the
    rest: "Connect" (authorization code with PKCE and a single-use state),
    the callback's code exchange, token refresh for the shared token store
    (``marketing.token``: rotating refresh tokens are replaced under its
    lock before anyone else can use them), "Disconnect", and the state
    "needs re-authorization" when the grant is lost.
    """

    _name = "marketing.oauth.backend"
    _inherit = "marketing.backend"
    _description = "Marketing Backend with OAuth2 (abstract)"

    state = fields.Selection(
        selection_add=[("reauth", "Needs re-authorization")],
        ondelete={"reauth": "set default"},
    )
    oauth_authorize_url = fields.Char(string="Authorization URL", required=True)
    oauth_token_url = fields.Char(string="Token URL", required=True)
    oauth_revoke_url = fields.Char(
        string="Revocation URL",
        help="RFC 7009 endpoint: Disconnect revokes the refresh token there "
        "(empty: the tokens are only forgotten).",
    )
    oauth_scopes = fields.Char(string="Scopes", required=True)
    # the provider names its OAuth hosts; without them only a system
    # administrator sets these URLs (they receive the client secret)
    _endpoint_hosts = {
        "oauth_authorize_url": (),
        "oauth_token_url": (),
        "oauth_revoke_url": (),
    }
    client_id = fields.Char(string="Client ID (API key)", groups="base.group_system")
    client_secret = fields.Char(groups="base.group_system", copy=False)
    oauth_client_type = fields.Selection(
        [
            ("confidential", "Confidential (client secret)"),
            ("public", "Public (PKCE, no client secret)"),
        ],
        string="Application type",
        default="confidential",
        required=True,
        help="As registered with the provider. A confidential application "
        "authenticates with its client secret (HTTP Basic); a public one has "
        "no secret and proves each authorization with its PKCE code verifier "
        "(client id in the form body).",
    )
    oauth_redirect_uri = fields.Char(
        string="Redirect URI",
        compute="_compute_oauth_redirect_uri",
        help="Paste this URL in the provider's application settings.",
    )
    token_expires_at = fields.Datetime(
        string="Access token expires", compute="_compute_token_status"
    )
    connection_status = fields.Char(compute="_compute_token_status")
    calls_today = fields.Integer(
        string="API calls today", compute="_compute_token_status"
    )

    def _compute_oauth_redirect_uri(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for backend in self:
            backend.oauth_redirect_uri = base.rstrip("/") + CALLBACK_PATH

    def _compute_token_status(self):
        now = fields.Datetime.now()
        for backend in self:
            token = backend._token_row()
            throttle = (
                self.env["marketing.throttle"]
                .sudo()
                .search(backend._scope_domain() if backend.id else [("id", "=", 0)])
            )
            backend.token_expires_at = token.expires_at if token else False
            backend.calls_today = (
                throttle.quota_used if throttle.quota_day == now.date() else 0
            )
            if backend.state == "reauth":
                status = self.env._("Needs re-authorization: press Connect")
            elif not token or not token.refresh_token:
                status = self.env._("Not connected")
            else:
                status = self.env._("Connected")
            if throttle.blocked_until and throttle.blocked_until > now:
                status += " · " + self.env._(
                    "%(reason)s until %(t)s UTC",
                    reason=throttle.blocked_reason or self.env._("paused"),
                    t=throttle.blocked_until.strftime("%H:%M"),
                )
            backend.connection_status = status

    def _token_row(self):
        if not self.id:
            return self.env["marketing.token"]
        return self.env["marketing.token"].sudo().search(self._scope_domain())

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def action_oauth_connect(self):
        """Send the user to the provider's consent page."""
        self.ensure_one()
        self.check_access("write")
        url = self.env["marketing.oauth.state"]._start(self)
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    def action_check_connection(self):
        """A check cannot repair a lost grant: "needs re-authorization" stays
        until someone connects again."""
        reauth = self.filtered(lambda b: b.state == "reauth")
        result = super().action_check_connection()
        reauth.filtered(lambda b: b.state == "error").state = "reauth"
        return result

    def action_oauth_disconnect(self):
        """Revoke the refresh token (where the provider can) and forget the
        tokens: nothing is called until someone connects again."""
        for backend in self:
            backend.check_access("write")
            revoked = backend._oauth_revoke()
            self.env["marketing.token"].sudo()._clear(backend)
            backend.write(
                {
                    "state": "draft",
                    "health_message": self.env._(
                        "Disconnected by %(user)s (%(revoked)s): press Connect "
                        "to authorize again.",
                        user=self.env.user.name,
                        revoked=revoked,
                    ),
                }
            )
        return True

    def _oauth_revoke(self):
        """Best effort: a provider that cannot be reached keeps a grant that
        Odoo no longer holds; say which happened."""
        self.ensure_one()
        token = self._token_row()
        backend = self.sudo()
        if not backend.oauth_revoke_url or not token.refresh_token:
            return self.env._("tokens forgotten")
        try:
            response = requests.post(
                backend.oauth_revoke_url,
                timeout=backend.request_timeout or 30.0,
                **backend._oauth_client_auth(
                    {"token": token.refresh_token, "token_type_hint": "refresh_token"}
                ),
            )
        except requests.RequestException:
            response = None
        if response is not None and response.status_code == 200:
            return self.env._("access revoked at %s", self._provider_label)
        return self.env._(
            "tokens forgotten; %s could not revoke them: remove the app's "
            "access in the account if needed",
            self._provider_label,
        )

    # ------------------------------------------------------------------
    # protocol
    # ------------------------------------------------------------------
    def _oauth_client(self):
        return WebApplicationClient(self.sudo().client_id or "")

    def _oauth_client_auth(self, body):
        """``requests`` arguments that authenticate the client on ``body``.

        A public client has no secret to prove: the reference of PKCE flows
        has it name itself with ``client_id`` in the form body (the code
        verifier is its proof).  A confidential client sends its secret with
        HTTP Basic, and nothing secret travels in the body.
        """
        backend = self.sudo()
        if backend.oauth_client_type == "public":
            if isinstance(body, str):
                body = add_params_to_qs(body, [("client_id", backend.client_id or "")])
            else:
                body = dict(body, client_id=backend.client_id or "")
            return {"data": body}
        return {
            "data": body,
            "auth": (backend.client_id or "", backend.client_secret or ""),
        }

    def _oauth_authorize_url(self, state, code_challenge):
        self.ensure_one()
        return add_params_to_uri(
            self.oauth_authorize_url,
            [
                ("response_type", "code"),
                ("client_id", self.sudo().client_id or ""),
                ("redirect_uri", self.oauth_redirect_uri),
                ("scope", self.oauth_scopes),
                ("state", state),
                ("code_challenge", code_challenge),
                ("code_challenge_method", "S256"),
            ],
        )

    def _oauth_token_request(self, body):
        """POST to the token URL (client authenticated by its type).

        Returns the token dict; raises :class:`OAuthRefused` (with the
        provider's error) when the grant is refused, ``ConfigurationError``
        when the client itself is, ``TransientError`` when unreachable.
        """
        self.ensure_one()
        backend = self.sudo()
        try:
            response = requests.post(
                backend.oauth_token_url,
                **backend._oauth_client_auth(body),
                headers={
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                timeout=backend.request_timeout or 30.0,
            )
        except requests.RequestException as err:
            raise TransientError(
                self.env._("%s authorization server unreachable", self._provider_label)
            ) from err
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(
                self.env._(
                    "%(p)s authorization server answered HTTP %(s)s",
                    p=self._provider_label,
                    s=response.status_code,
                )
            )
        try:
            token = self._oauth_client().parse_request_body_response(response.text)
        except oauth_errors.InvalidClientError as err:
            raise ConfigurationError(
                self.env._(
                    "%(p)s refused the client id / secret of backend %(b)s (%(e)s).",
                    p=self._provider_label,
                    b=self.name,
                    e=err.description or err.error,
                )
            ) from err
        except (oauth_errors.OAuth2Error, ValueError) as err:
            raise OAuthRefused(
                getattr(err, "description", None)
                or getattr(err, "error", None)
                or str(err)
            ) from err
        return {
            "access_token": token["access_token"],
            "refresh_token": token.get("refresh_token"),
            "expires_in": int(token.get("expires_in") or 3600),
        }

    def _oauth_exchange_code(self, code, code_verifier):
        """Callback: authorization code (+ PKCE verifier) → tokens, stored."""
        self.ensure_one()
        body = self._oauth_client().prepare_request_body(
            code=code,
            redirect_uri=self.oauth_redirect_uri,
            code_verifier=code_verifier,
            include_client_id=False,
        )
        token = self._oauth_token_request(body)
        self.env["marketing.token"].sudo()._store(self, token)
        self.env["marketing.throttle"].sudo()._reset(self)
        self.write(
            {
                "state": "ok",
                "health_message": self.env._("Connected by %s.", self.env.user.name),
                "health_checked_at": fields.Datetime.now(),
            }
        )
        self.activity_ids.filtered(
            lambda a: a.summary == self._reauth_summary()
        ).action_done()

    def _oauth_refresh(self, refresh_token):
        """``fetch`` of ``marketing.token._get_access_token``: refresh once.

        Runs under the token row's lock, so with rotating refresh tokens two
        workers never spend the same one.  A refused grant marks the backend
        "needs re-authorization" and postpones the job.
        """
        self.ensure_one()
        if not refresh_token:
            self._oauth_needs_reauthorization(
                self.env._("Not connected yet: press Connect.")
            )
        body = self._oauth_client().prepare_refresh_body(refresh_token=refresh_token)
        try:
            return self._oauth_token_request(body)
        except OAuthRefused as err:
            self._oauth_needs_reauthorization(
                self.env._(
                    "%(p)s refused the refresh token (%(e)s): a manager must "
                    "press Connect again.",
                    p=self._provider_label,
                    e=err,
                )
            )

    def _mark_needs_reauthorization(self, reason):
        if self.state == "reauth":
            return
        self.write({"state": "reauth", "health_message": reason})
        managers = self.env.ref(
            "connector_marketing_base.group_marketing_manager"
        ).users.filtered(lambda u: u.active and not u.share)
        for user in managers[:5]:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self._reauth_summary(),
                note=reason,
                user_id=user.id,
            )

    def _reauth_summary(self):
        return self.env._("Re-authorize %s", self.display_name)

    def _oauth_needs_reauthorization(self, reason):
        """Mark the backend, tell its managers, postpone its jobs; raise.

        Written in its own transaction: the job that discovers it rolls back,
        the verdict must stay.  The managers get one activity (not one per
        job), and every job of the backend is postponed by the limiter
        instead of failing or retrying in a storm.
        """
        self.ensure_one()
        _logger.warning("%s: %s", self.display_name, reason)
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, self.env.uid, self.env.context)
            backend = env[self._name].sudo().browse(self.id).exists()
            # a backend created in the current, uncommitted transaction (a
            # test) is not visible from another one: mark it here then
            (backend or self.sudo())._mark_needs_reauthorization(reason)
        self.env["marketing.throttle"].sudo()._block(
            self, REAUTH_POSTPONE.total_seconds(), reason
        )
        raise RetryableJobError(
            reason, seconds=int(REAUTH_POSTPONE.total_seconds()), ignore_retry=True
        )
