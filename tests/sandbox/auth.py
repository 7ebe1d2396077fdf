"""OAuth2 client-credentials tokens for emulators: issue, check, expire.

The connector stores tokens in PostgreSQL, refreshes them under a lock and
retries once on expiry (DESIGN §5). The sandbox has to make each of those
paths happen: tokens expire after a configurable lifetime (follow an
injected clock to cross it without sleeping) or on demand
(``Faults.configure(expire_tokens=True)``), and an expired token is told
apart from an unknown one, as Marketo does with codes 602 and 601.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

VALID = "valid"
EXPIRED = "expired"
INVALID = "invalid"

#: tokens expired for longer than this are forgotten (then answer "invalid")
FORGET_AFTER = 86400.0


class InvalidClient(Exception):
    """Unknown client id or wrong secret."""


@dataclass
class Token:
    """An access token as the issuer knows it.

    ``fresh`` is ``False`` when an emulator that reuses tokens (Marketo hands
    back the live token with its remaining lifetime) returned an existing one.
    """

    value: str
    client_id: str
    issued_at: float
    expires_at: float
    fresh: bool = True

    def expires_in(self, now: float) -> int:
        """Seconds left, rounded (a token issued now reports the full ``ttl``,
        not ``ttl - 1``), never negative: what ``expires_in`` reports."""
        return max(0, round(self.expires_at - now))


class TokenIssuer:
    """Issues and validates bearer tokens for a fixed set of API clients.

    ``ttl`` can be changed at any time; it applies to tokens issued afterwards.
    ``reuse=True`` returns a client's live token instead of a new one.
    ``token_factory`` shapes token values (Marketo's look like
    ``<uuid>:<region>``); the default is 32 random URL-safe characters.
    """

    def __init__(
        self,
        clients: Mapping[str, str],
        ttl: float = 3600,
        clock: Callable[[], float] = time.time,
        reuse: bool = False,
        token_factory: Callable[[], str] | None = None,
    ):
        self.clients = dict(clients)
        self.ttl = ttl
        self.reuse = reuse
        self.issued = 0
        self._clock = clock
        self._factory = token_factory or (lambda: secrets.token_urlsafe(24))
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()

    def authenticate_client(self, client_id, client_secret) -> bool:
        """Constant-time check, as a real identity server would do."""
        expected = self.clients.get(client_id) if isinstance(client_id, str) else None
        if expected is None or not isinstance(client_secret, str):
            return False
        return hmac.compare_digest(expected.encode(), client_secret.encode())

    def issue(self, client_id, client_secret) -> Token:
        """A token for the client, or :class:`InvalidClient`."""
        if not self.authenticate_client(client_id, client_secret):
            raise InvalidClient(client_id)
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            if self.reuse:
                for token in self._tokens.values():
                    if token.client_id == client_id and token.expires_at > now:
                        return Token(
                            token.value,
                            client_id,
                            token.issued_at,
                            token.expires_at,
                            fresh=False,
                        )
            value = self._factory()
            token = Token(value, client_id, now, now + self.ttl)
            self._tokens[value] = token
            self.issued += 1
            return token

    def _forget_old(self, now: float) -> None:
        stale = [
            value
            for value, token in self._tokens.items()
            if token.expires_at < now - FORGET_AFTER
        ]
        for value in stale:
            del self._tokens[value]

    def check(self, value: str | None) -> str:
        """``VALID``, ``EXPIRED`` (known but dead) or ``INVALID`` (unknown)."""
        if not value:
            return INVALID
        with self._lock:
            token = self._tokens.get(value)
            if token is None:
                return INVALID
            return VALID if self._clock() < token.expires_at else EXPIRED

    def client_of(self, value: str) -> str | None:
        """The client a token belongs to (limits and data may be per client)."""
        with self._lock:
            token = self._tokens.get(value)
            return token.client_id if token else None

    def expire_all(self) -> int:
        """Expire every token issued so far; return how many were live."""
        with self._lock:
            now = self._clock()
            live = [t for t in self._tokens.values() if t.expires_at > now]
            for token in live:
                token.expires_at = now
            return len(live)

    def revoke(self, value: str) -> None:
        """Forget a token: it then answers ``INVALID``, as a revoked one does."""
        with self._lock:
            self._tokens.pop(value, None)


def bearer_token(headers) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if any."""
    header = headers.get("authorization") or ""
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def basic_credentials(headers) -> tuple[str, str] | None:
    """``(user, password)`` of an ``Authorization: Basic`` header, if any.

    Constant Contact's token endpoint takes the client id and secret this way.
    """
    header = headers.get("authorization") or ""
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def client_credentials(request) -> dict:
    """``grant_type``, ``client_id``, ``client_secret`` of a token request.

    Providers disagree on where they go (Marketo: query string; the demo:
    form or JSON body; Constant Contact: Basic header), so all are read; a
    body value wins over the query string, the Basic header over both.
    """
    found = {}
    sources = [request.query, request.form or {}]
    if isinstance(request.json, dict):
        sources.append(request.json)
    for source in sources:
        for key in ("grant_type", "client_id", "client_secret"):
            if source.get(key) is not None:
                found[key] = source[key]
    basic = basic_credentials(request.headers)
    if basic:
        found["client_id"], found["client_secret"] = basic
    return {
        "grant_type": found.get("grant_type"),
        "client_id": found.get("client_id"),
        "client_secret": found.get("client_secret"),
    }
