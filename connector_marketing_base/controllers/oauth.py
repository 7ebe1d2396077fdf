# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The OAuth2 redirect URI of every backend (``marketing.oauth.backend``).

One URL for all backends and providers: the single-use ``state`` says which
backend and which user the authorization belongs to.  Anything wrong (a
provider error, an unknown, expired or replayed state, another user, a
backend the user may not edit, a code the provider refuses) ends on a page
that says what happened and what to do, and stores nothing.
"""

import logging

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request

from ..exceptions import ConfigurationError, TransientError
from ..models.marketing_oauth_backend import CALLBACK_PATH, OAuthRefused

_logger = logging.getLogger(__name__)


class _Refused(Exception):
    """Ends the callback on the page that says what happened."""

    def __init__(self, message, backend=None, status=400):
        super().__init__(message)
        self.backend = backend
        self.status = status


class MarketingOAuthController(http.Controller):
    @http.route(CALLBACK_PATH, type="http", auth="user", methods=["GET"])
    def oauth_callback(self, state=None, code=None, error=None, **kwargs):
        try:
            backend, verifier = self._pending_backend(request.env, state)
            self._exchange(backend, verifier, code, error, kwargs)
        except _Refused as refusal:
            return self._refuse(
                str(refusal), backend=refusal.backend, status=refusal.status
            )
        _logger.info("%s connected by user %s", backend.display_name, backend.env.uid)
        return request.redirect(
            f"/web#id={backend.id}&model={backend._name}&view_type=form"
        )

    def _pending_backend(self, env, state):
        """The backend and PKCE verifier of a single-use ``state`` that this
        user started, not expired, on a backend they may still edit."""
        if not state:
            raise _Refused(env._("The link has no authorization state: start again."))
        pending = env["marketing.oauth.state"].sudo()._consume(state)
        if not pending:
            raise _Refused(
                env._(
                    "This authorization is unknown or was already used. Open "
                    "the backend and press Connect again."
                )
            )
        backend_model, backend_id, user_id, verifier, expired = pending
        if user_id != env.uid:
            raise _Refused(
                env._(
                    "This authorization was started by another user: it can "
                    "only be completed by the person who pressed Connect."
                )
            )
        if expired:
            raise _Refused(env._("This authorization expired: press Connect again."))
        if backend_model not in env:
            raise _Refused(env._("The backend no longer exists."))
        backend = env[backend_model].browse(backend_id).exists()
        try:
            if not backend:
                raise AccessError(env._("The backend no longer exists."))
            backend.check_access("write")
        except AccessError as err:
            raise _Refused(
                env._("You are not allowed to change this backend."), status=403
            ) from err
        return backend, verifier

    def _exchange(self, backend, verifier, code, error, kwargs):
        """The provider's answer: its refusal, or the code exchanged for
        tokens (stored by the backend)."""
        env = backend.env
        if error:
            raise _Refused(
                env._(
                    "%(p)s did not grant access (%(e)s).",
                    p=backend._provider_label,
                    e=kwargs.get("error_description") or error,
                ),
                backend=backend,
            )
        if not code:
            raise _Refused(env._("The provider sent no authorization code."))
        try:
            backend._oauth_exchange_code(code, verifier)
        except OAuthRefused as err:
            raise _Refused(
                env._(
                    "%(p)s refused the authorization code (%(e)s). Codes are "
                    "single use and short lived: press Connect again.",
                    p=backend._provider_label,
                    e=err,
                ),
                backend=backend,
            ) from err
        except (ConfigurationError, TransientError) as err:
            raise _Refused(str(err), backend=backend) from err

    def _refuse(self, message, backend=None, status=400):
        response = request.render(
            "connector_marketing_base.oauth_refused",
            {"message": message, "backend": backend},
        )
        response.status_code = status
        return response
