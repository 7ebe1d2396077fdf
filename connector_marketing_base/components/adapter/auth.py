# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How a call authenticates: a fixed API key, or a bearer token from the
token store (client-credentials grant, or an OAuth2 connection)."""

import requests

from odoo.addons.component.core import AbstractComponent

from ...exceptions import ConfigurationError, TransientError


class MarketingAdapterAuth(AbstractComponent):
    """The three ways the platforms authenticate, declared by a provider.

    * ``api_key_header``: a fixed key of the backend in a header; there is
      no token to refresh, so a refused key stays refused;
    * a backend with an OAuth2 connection (``marketing.oauth.backend``):
      bearer tokens refreshed through it;
    * otherwise the client-credentials grant at :meth:`_token_url` with the
      backend's client id and secret.

    Secrets go in headers or form bodies, never in a URL, never in a log.
    """

    _name = "marketing.adapter.auth"

    #: header carrying the backend's ``api_key`` (None: bearer tokens)
    api_key_header = None
    #: where an administrator finds the credentials on the platform
    #: (named in the message of a refusal)
    credentials_where = None

    def _auth_headers(self):
        """Headers that authenticate a call (the key, or the bearer token
        from the store)."""
        if self.api_key_header:
            return {self.api_key_header: self.backend_record.sudo().api_key or ""}
        self._current_token = (
            self.env["marketing.token"]
            .sudo()
            ._get_access_token(self.backend_record, self._fetch_token)
        )
        return {"Authorization": f"Bearer {self._current_token}"}

    def _drop_token(self):
        """Forget a token the provider refused (a fixed key has none)."""
        token = getattr(self, "_current_token", None)
        if token:
            self.env["marketing.token"].sudo()._invalidate(self.backend_record, token)

    def _fetch_token(self, refresh_token):
        """``fetch`` of ``marketing.token._get_access_token``: a new token,
        from the backend's OAuth2 connection when it has one, else by the
        client-credentials grant."""
        backend = self.backend_record.sudo()
        if isinstance(backend, self.env.registry["marketing.oauth.backend"]):
            return backend._oauth_refresh(refresh_token)
        return self._client_credentials_token()

    def _token_url(self):
        """Token endpoint of the client-credentials grant."""
        raise NotImplementedError

    def _client_credentials_token(self):
        """The client-credentials grant: id and secret in a form body.

        A 400/401/403 means the credentials are wrong (a configuration
        error, said with where to find them); any other failure may pass.
        """
        backend = self.backend_record.sudo()
        label = backend._provider_label
        try:
            response = self.session.post(
                self._token_url(),
                data={
                    "grant_type": "client_credentials",
                    "client_id": backend.client_id or "",
                    "client_secret": backend.client_secret or "",
                },
                timeout=self._timeout(),
            )
        except requests.RequestException as err:
            raise TransientError(
                self.env._("%s identity service unreachable", label)
            ) from err
        if response.status_code in (400, 401, 403):
            raise ConfigurationError(self._credentials_refused("client id / secret"))
        if response.status_code != 200:
            raise TransientError(f"identity answered HTTP {response.status_code}")
        body = response.json()
        return {"access_token": body["access_token"], "expires_in": body["expires_in"]}

    def _credentials_refused(self, what):
        """The message of refused credentials (``what``: which ones)."""
        return self.env._(
            "%(provider)s refused the %(what)s of backend %(backend)s (%(where)s).",
            provider=self.backend_record._provider_label,
            what=what,
            backend=self.backend_record.name,
            where=self.credentials_where,
        )
