"""Fault injection: what a real provider does on a bad day, on demand.

A connector's retry, back-off, re-auth and circuit-breaker code only runs
when things go wrong, and real providers do not go wrong on cue. The sandbox
can be told to:

* fail a fraction of requests (``error_rate`` with ``error_status``), drawn
  from a seeded RNG so a failing run can be replayed;
* answer slowly (``latency_ms``), which also holds concurrency slots longer;
* fail the next N requests (``burst``: a run of 429s or 5xx, the shape a
  client's retry loop must absorb or give up on);
* expire every access token issued so far (``expire_tokens``), the moment a
  client must re-authenticate exactly once;
* fail in the middle of a run (a burst's ``after``: that many requests pass
  first), or lose the answer of a request that was carried out (a burst's
  ``applied``: the handler runs, then the client gets the failure, after
  ``hold_ms`` when given, so a client with a shorter timeout times out).

The provider-specific answer is built by the emulator
(``Emulator.fault_response``): an ActiveCampaign 429 carries ``Retry-After``,
a Marketo failure is HTTP 200 with ``{"success": false}``.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InjectedFault:
    """One request the sandbox decided to fail.

    ``error`` and ``retry_after`` come from a burst that names them (e.g.
    ``{"status": 429, "count": 1, "error": "quota_exceeded"}``); the emulator
    picks provider defaults when they are ``None``. ``source`` is ``"burst"``
    or ``"error_rate"``.
    """

    status: int
    error: str | None = None
    retry_after: float | None = None
    source: str = "burst"
    applied: bool = False
    hold_ms: float = 0


def _number(name, value, low=0.0, high=None):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bounds}")
    return value


def _status(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        raise ValueError(f"{name} must be an HTTP error status (400-599)")
    return value


def _burst(value):
    """Validate a burst: ``{"status", "count"[, "error"][, "retry_after"]}``.

    ``status`` is an HTTP error status, or 200 together with an ``error``:
    providers that answer errors with HTTP 200 and an error envelope (Marketo)
    fail that way, and the emulator's ``fault_response`` builds the envelope.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("burst must be an object or null")
    unknown = set(value) - {
        "status",
        "count",
        "error",
        "retry_after",
        "after",
        "applied",
        "hold_ms",
    }
    if unknown:
        raise ValueError(f"unknown burst key(s): {', '.join(sorted(unknown))}")
    if "status" not in value or "count" not in value:
        raise ValueError("burst needs a status and a count")
    count = value["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError("burst count must be a non-negative integer")
    error = value.get("error")
    if error is not None and not isinstance(error, str):
        raise ValueError("burst error must be a string")
    retry_after = value.get("retry_after")
    if retry_after is not None:
        _number("burst retry_after", retry_after)
    status = value["status"]
    if not (type(status) is int and status == 200 and error):
        status = _status("burst status", status)
    # else: an error reported inside an HTTP 200 answer, as Marketo does
    # ({"success": false, "errors": [{"code": "606"}]}): ``error`` names it
    if count == 0:
        return None  # nothing left to inject: same as no burst
    burst = {
        "status": status,
        "count": count,
        "error": error,
        "retry_after": retry_after,
    }
    after = value.get("after", 0)
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise ValueError("burst after must be a non-negative integer")
    if after:
        burst["after"] = after
    if not isinstance(value.get("applied", False), bool):
        raise TypeError("burst applied must be true or false")
    if value.get("applied"):
        burst["applied"] = True
    if value.get("hold_ms"):
        burst["hold_ms"] = _number("burst hold_ms", value["hold_ms"], 0, 60000)
    return burst


def _paths(value):
    if value is None:
        return None
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) for item in value
    ):
        raise ValueError("paths must be a list of path prefixes or null")
    return tuple(value)


class Faults:
    """The fault settings of one emulator; thread-safe.

    :meth:`configure` is partial: keys not given keep their value, so a test
    can add a burst without touching the latency it set earlier.
    ``expire_tokens`` is an action, not a mode: ``True`` expires the tokens
    issued so far (tokens issued afterwards work), ``False`` does nothing.
    That is the event a client must survive: its cached token dies once.

    Which requests are exposed: by default the routes that declare
    ``faults=True`` (an emulator keeps its token endpoint out, so a burst hits
    API calls, not the re-authentication that recovers from them); ``paths``,
    a list of path prefixes, overrides that choice.
    """

    KEYS = (
        "error_rate",
        "error_status",
        "latency_ms",
        "burst",
        "expire_tokens",
        "seed",
        "paths",
    )

    def __init__(
        self,
        seed: int | None = None,
        on_expire_tokens: Callable[[], object] | None = None,
    ):
        self._lock = threading.Lock()
        self._initial_seed = seed
        self._on_expire_tokens = on_expire_tokens
        self.injected = 0
        self._set_defaults(seed)

    def _set_defaults(self, seed):
        self.error_rate = 0.0
        self.error_status = 503
        self.latency_ms = 0
        self.burst = None
        self.paths = None
        self.seed = seed
        self._rng = random.Random(seed)

    def configure(self, **changes) -> dict:
        """Apply some settings; all are validated before any is applied.

        Raises ``ValueError`` on an unknown key or a bad value, ``TypeError``
        on a value of the wrong type (the control endpoint answers 400 with
        the message for both).
        """
        unknown = set(changes) - set(self.KEYS)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        clean = {}
        if "error_rate" in changes:
            clean["error_rate"] = _number("error_rate", changes["error_rate"], 0, 1)
        if "error_status" in changes:
            clean["error_status"] = _status("error_status", changes["error_status"])
        if "latency_ms" in changes:
            clean["latency_ms"] = _number("latency_ms", changes["latency_ms"], 0, 60000)
        if "burst" in changes:
            clean["burst"] = _burst(changes["burst"])
        if "paths" in changes:
            clean["paths"] = _paths(changes["paths"])
        if "seed" in changes:
            seed = changes["seed"]
            if isinstance(seed, bool) or not isinstance(seed, int | None):
                raise ValueError("seed must be an integer or null")
            clean["seed"] = seed
        expire = changes.get("expire_tokens", False)
        if not isinstance(expire, bool):
            raise TypeError("expire_tokens must be true or false")
        if expire and self._on_expire_tokens is None:
            raise ValueError("this sandbox issues no tokens to expire")
        with self._lock:
            for key, value in clean.items():
                if key == "seed":
                    self.seed = value
                    self._rng = random.Random(value)
                else:
                    setattr(self, key, value)
        if expire:
            self._on_expire_tokens()
        return self.config

    @property
    def config(self) -> dict:
        """The current settings as JSON-ready data (burst count = remaining)."""
        with self._lock:
            return {
                "error_rate": self.error_rate,
                "error_status": self.error_status,
                "latency_ms": self.latency_ms,
                "burst": dict(self.burst) if self.burst else None,
                "paths": list(self.paths) if self.paths is not None else None,
                "seed": self.seed,
            }

    def reset(self) -> None:
        """Back to no faults; the RNG restarts from the seed given at creation,
        so a run after a reset draws the same sequence as the first one."""
        with self._lock:
            self._set_defaults(self._initial_seed)
            self.injected = 0

    def applies_to(self, path: str, route_default: bool) -> bool:
        """Whether a request to ``path`` is exposed to faults."""
        paths = self.paths
        if paths is None:
            return route_default
        return any(path.startswith(prefix) for prefix in paths)

    @property
    def latency_seconds(self) -> float:
        return self.latency_ms / 1000.0

    def draw(self) -> InjectedFault | None:
        """Decide the fate of one exposed request.

        A burst wins over the error rate and is consumed one request at a time,
        atomically, so N concurrent requests see exactly ``count`` failures.
        The RNG is only drawn from when ``error_rate`` is set, so adding a
        burst does not shift the random sequence of a seeded run.
        """
        with self._lock:
            burst = self.burst
            if burst and burst.get("after"):
                burst["after"] -= 1  # let this one through: the burst waits
            elif burst and burst["count"] > 0:
                burst["count"] -= 1
                if burst["count"] == 0:
                    self.burst = None
                self.injected += 1
                return InjectedFault(
                    burst["status"],
                    burst["error"],
                    burst["retry_after"],
                    "burst",
                    burst.get("applied", False),
                    burst.get("hold_ms", 0),
                )
            if self.error_rate and self._rng.random() < self.error_rate:
                self.injected += 1
                return InjectedFault(self.error_status, source="error_rate")
            return None
