"""Sandbox framework: a provider emulator served over HTTP on 127.0.0.1.

Why it exists: the connector's tests, ``make demo`` and the benchmarks need a
provider that behaves like the real one (authentication and expiry, paging,
batch limits, per-record statuses, rate limits with the provider's own error
shapes, faults) with no account, no network and no quota. Each provider
emulator (``demo.py``, later Marketo, ActiveCampaign, Constant Contact) is an
:class:`Emulator` subclass that declares routes; this module does the rest,
the same way for all of them:

* :class:`SandboxServer` runs an emulator on a ``ThreadingHTTPServer`` bound
  to 127.0.0.1 (nothing else is allowed: these are test fixtures);
* requests are parsed into a :class:`Request` (query, JSON or form body,
  path parameters) and handlers return a :class:`Response`;
* every request goes through the same pipeline: routing, authentication,
  rate limits, injected faults, then the handler (see
  :meth:`Emulator.dispatch`); each refusal is built by a hook the emulator
  overrides to speak its provider's dialect;
* :class:`Stats` counts what clients did (total, per route, per status,
  concurrency peak, limit violations, arrival times) so a test can assert
  "one call for the whole batch" or "the client never went over the limit";
* control endpoints under ``/_sandbox/`` read stats and change faults and
  limits from outside the process; they are never counted, limited or
  faulted.

Only the standard library is used, so tier-1 tests run anywhere.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import json as _json
import logging
import re
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from .faults import Faults, InjectedFault
from .limits import MIDNIGHT_UTC, RateLimiter, Violation

_logger = logging.getLogger(__name__)

#: path prefix of the control endpoints every sandbox has
CONTROL_PREFIX = "/_sandbox/"
#: the only hosts a sandbox may listen on
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
#: route key used in the stats for requests that matched no route
UNMATCHED = "<unmatched>"

_UNSET = object()


def iso_utc(moment: float | dt.datetime) -> str:
    """``2026-11-23T10:00:00Z``: UTC, second precision (what the APIs return)."""
    if isinstance(moment, dt.datetime):
        moment = moment.timestamp()
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


def parse_iso(text: str) -> float:
    """Seconds since the epoch of an ISO 8601 date-time; naive means UTC.

    Raises ``ValueError`` on anything else, which handlers turn into a 400.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("empty date-time")
    moment = dt.datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


class Headers(dict):
    """Request headers with case-insensitive lookup (stored lower-cased)."""

    def __init__(self, items=()):
        super().__init__()
        if isinstance(items, Mapping):
            items = items.items()
        for key, value in items:
            self[key] = value

    def __setitem__(self, key, value):
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return super().__contains__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)

    def setdefault(self, key, default=None):
        return super().setdefault(key.lower(), default)


class Request:
    """One parsed request, as handlers see it.

    ``path`` is the raw (percent-encoded) path, so an id containing ``%2F``
    cannot be split in two by routing; ``params`` are the decoded path
    parameters of the matched route. ``query`` and ``form`` hold the first
    value of each key, ``query_all`` and ``form_all`` every value.
    ``json`` is the decoded body when it was sent as JSON; ``body_error`` says
    why a body could not be decoded (the emulator answers 400 for it).

    Build one directly to call :meth:`Emulator.dispatch` without HTTP::

        Request("POST", "/v1/contacts/batch?dry=1", json={"contacts": []})
    """

    def __init__(
        self,
        method: str,
        target: str,
        *,
        headers=None,
        json=_UNSET,  # the natural name, as in requests
        form: Mapping | None = None,
        body: bytes | str = b"",
        client=None,
        body_too_large: bool = False,
    ):
        headers = Headers(headers or {})
        if json is not _UNSET:
            body = _json.dumps(json).encode("utf-8")
            headers.setdefault("content-type", "application/json")
        elif form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers.setdefault("content-type", "application/x-www-form-urlencoded")
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.method = method.upper()
        self.target = target
        split = urllib.parse.urlsplit(target)
        self.path = split.path or "/"
        self.query_all = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        self.query = {key: values[0] for key, values in self.query_all.items()}
        self.headers = headers
        self.body = body
        self.client = client
        self.body_too_large = body_too_large
        self.json = None
        self.form = None
        self.form_all = None
        self.body_error = None
        self.params: dict[str, str] = {}
        self.route: Route | None = None
        self._parse_body()

    @property
    def content_type(self) -> str:
        raw = self.headers.get("content-type") or ""
        return raw.split(";", 1)[0].strip().lower()

    def _parse_body(self) -> None:
        if not self.body:
            return
        ctype = self.content_type
        try:
            if ctype == "application/json" or ctype.endswith("+json"):
                self.json = _json.loads(self.body.decode("utf-8"))
            elif ctype == "application/x-www-form-urlencoded":
                self.form_all = urllib.parse.parse_qs(
                    self.body.decode("utf-8"), keep_blank_values=True
                )
                self.form = {key: values[0] for key, values in self.form_all.items()}
        except (ValueError, UnicodeDecodeError) as exc:
            self.body_error = f"{ctype} body could not be decoded: {exc}"

    def __repr__(self):
        return f"<Request {self.method} {self.target}>"


class Response:
    """What a handler returns: a status, a JSON body or raw bytes, headers.

    ``Response(404, {"error": "not_found"})`` is the common case; pass
    ``body=`` (bytes or text) with a ``content_type`` for anything else.
    Bodies are encoded before the stats record the request, so a body that
    cannot be serialized becomes a counted 500, not a dropped connection.
    """

    def __init__(
        self,
        status: int = 200,
        json=None,
        *,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
    ):
        self.status = status
        self.json = json
        self.body = body
        self.headers = dict(headers or {})
        self.content_type = content_type
        self.data: bytes | None = None

    def encode(self) -> bytes:
        """Serialize once; sets ``data`` and the content type."""
        if self.data is None:
            if self.status in (204, 304):
                self.data = b""
            elif self.body is not None:
                body = self.body
                self.data = body.encode("utf-8") if isinstance(body, str) else body
                self.content_type = self.content_type or "text/plain; charset=utf-8"
            elif self.json is not None:
                self.data = _json.dumps(self.json).encode("utf-8")
                self.content_type = self.content_type or "application/json"
            else:
                self.data = b""
        return self.data

    def __repr__(self):
        return f"<Response {self.status}>"


@dataclass
class Route:
    """A method + path pattern (``/v1/contacts/<id>``) bound to a handler.

    ``auth``: the emulator's :meth:`Emulator.authenticate` runs first;
    ``limited``: the request takes a rate-limit slot; ``faults``: injected
    faults and latency apply. Token endpoints turn all three off.
    """

    method: str
    pattern: str
    handler: Callable[[Request], object]
    auth: bool = True
    limited: bool = True
    faults: bool = True
    regex: re.Pattern = field(init=False, repr=False)
    param_count: int = field(init=False, repr=False)

    def __post_init__(self):
        self.method = self.method.upper()
        parts = re.split(r"<([A-Za-z_][A-Za-z0-9_]*)>", self.pattern)
        regex = ""
        for position, part in enumerate(parts):
            # even positions are literal text, odd ones parameter names
            regex += re.escape(part) if position % 2 == 0 else f"(?P<{part}>[^/]+)"
        self.regex = re.compile(f"^{regex}$")
        self.param_count = len(parts) // 2

    @property
    def key(self) -> str:
        """``"GET /v1/contacts/<id>"``: how the stats name the route."""
        return f"{self.method} {self.pattern}"

    def match(self, path: str) -> dict | None:
        found = self.regex.match(path)
        if found is None:
            return None
        return {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}


def route(method: str, pattern: str, *, auth=True, limited=True, faults=True):
    """Declare an emulator method as the handler of ``method pattern``.

    A method may carry several routes. Handlers take the :class:`Request`
    and return a :class:`Response`, or a dict / list meaning 200 with that
    JSON body.
    """

    def mark(function):
        routes = function.__dict__.setdefault("_sandbox_routes", [])
        routes.append(
            (method, pattern, {"auth": auth, "limited": limited, "faults": faults})
        )
        return function

    return mark


class Stats(Mapping):
    """What the clients did, counted from the sandbox's side.

    A read-only mapping (``emulator.stats["total"]``) whose values are
    consistent copies taken under a lock; :meth:`snapshot` gives all of it at
    once (what ``GET /_sandbox/stats`` returns). A request is recorded
    before its response is written, so a client that has its answer always
    finds it counted.

    Keys: ``total``; ``per_route`` (``"POST /v1/contacts/batch"``, unmatched
    requests under ``"<METHOD> <unmatched>"``); ``per_status`` (status as a
    string, as in JSON); ``in_flight`` and ``concurrency_peak`` (requests
    being processed, refused ones included: the concurrency the client
    produced); ``rate_limit_violations`` and ``violations`` per kind
    (``window``, ``concurrency``, ``quota``: requests refused by the emulated
    limits, injected faults excluded); ``faults_injected``; ``handler_errors``
    (handlers that raised: a sandbox bug, answered 500);
    ``first_request_at`` / ``last_request_at`` and ``timestamps`` (arrival
    times, seconds since the epoch, the latest ``max_timestamps``); plus the
    emulator's own counters (the demo's ``tokens_issued``).
    """

    def __init__(
        self,
        counters=(),
        clock: Callable[[], float] = time.time,
        max_timestamps: int = 10000,
    ):
        self._lock = threading.Lock()
        self._clock = clock
        self._counter_names = tuple(counters)
        self._timestamps: collections.deque[float] = collections.deque(
            maxlen=max_timestamps
        )
        self.in_flight = 0
        self._clear()

    def _clear(self):
        self.total = 0
        self.per_route: collections.Counter = collections.Counter()
        self.per_status: collections.Counter = collections.Counter()
        self.violations = {"window": 0, "concurrency": 0, "quota": 0}
        self.faults_injected = 0
        self.handler_errors = 0
        self.concurrency_peak = self.in_flight
        self.first_request_at = None
        self.last_request_at = None
        # the stand-in's own CPU since the reset: on a small machine it
        # shares the cores with the Odoo under test, the platform does not
        self._cpu_at_reset = time.process_time()
        self.counters = dict.fromkeys(self._counter_names, 0)
        self._timestamps.clear()

    def started(self) -> None:
        """A request arrived (call :meth:`finished` exactly once after)."""
        with self._lock:
            now = self._clock()
            self.in_flight += 1
            self.concurrency_peak = max(self.concurrency_peak, self.in_flight)
            self._timestamps.append(now)
            if self.first_request_at is None:
                self.first_request_at = now
            self.last_request_at = now

    def finished(self, route_key: str, status: int) -> None:
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)
            self.total += 1
            self.per_route[route_key] += 1
            self.per_status[str(status)] += 1

    def violation(self, kind: str) -> None:
        with self._lock:
            self.violations[kind] = self.violations.get(kind, 0) + 1

    def fault(self) -> None:
        with self._lock:
            self.faults_injected += 1

    def handler_error(self) -> None:
        with self._lock:
            self.handler_errors += 1

    def incr(self, name: str, amount: int = 1) -> None:
        """Bump an emulator-specific counter (e.g. ``tokens_issued``)."""
        with self._lock:
            self.counters[name] = self.counters.get(name, 0) + amount

    def snapshot(self) -> dict:
        """All stats as JSON-ready data, consistent with each other."""
        with self._lock:
            data = {
                "total": self.total,
                "per_route": dict(self.per_route),
                "per_status": dict(self.per_status),
                "in_flight": self.in_flight,
                "concurrency_peak": self.concurrency_peak,
                "rate_limit_violations": sum(self.violations.values()),
                "violations": dict(self.violations),
                "faults_injected": self.faults_injected,
                "handler_errors": self.handler_errors,
                "first_request_at": self.first_request_at,
                "last_request_at": self.last_request_at,
                "cpu_seconds": round(time.process_time() - self._cpu_at_reset, 3),
                "timestamps": list(self._timestamps),
            }
            data.update(self.counters)
            return data

    def max_in_window(self, seconds: float) -> int:
        """The most requests that arrived within any ``seconds``-long window.

        Lets a test check a client's pacing ("never more than 20 in a
        second") from the recorded arrival times.
        """
        with self._lock:
            times = list(self._timestamps)
        best = start = 0
        for end, moment in enumerate(times):
            while moment - times[start] >= seconds:
                start += 1
            best = max(best, end - start + 1)
        return best

    def reset(self) -> None:
        """Zero everything except the requests still in flight."""
        with self._lock:
            self._clear()

    # Mapping interface: every read is a fresh consistent copy
    def __getitem__(self, key):
        return self.snapshot()[key]

    def __iter__(self):
        return iter(self.snapshot())

    def __len__(self):
        return len(self.snapshot())


class Emulator:
    """Base class of provider emulators: routes, hooks, limits, faults, stats.

    A subclass declares routes with :func:`route` (or calls
    :meth:`add_route` for a table), sets the provider's default limits as
    class attributes and overrides the hooks whose answers differ from the
    defaults (``authenticate``, ``limit_response``, ``fault_response``,
    ``not_found``, ``method_not_allowed``, ``invalid_body``,
    ``body_too_large``, ``uri_too_long``, ``server_error``). The defaults answer
    ``{"error": "<code>"}`` JSON, the demo provider's dialect.

    Any limit can be overridden per instance (``None`` or ``0``: no limit).
    ``clock`` (seconds since the epoch) replaces the wall clock *and* the
    monotonic clock of the limits, so one :class:`~.limits.ManualClock`
    drives windows, quotas, token expiry and timestamps in tests.
    ``seed`` seeds the fault RNG.

    Handlers run one at a time under ``self.lock`` when
    ``serialize_handlers`` is true (the default: emulator data structures
    stay simple). Latency injection happens outside the lock, so concurrency
    limits still see truly parallel requests. Python helpers that touch the
    data (seeding, editing records) take the same lock.
    """

    name = "sandbox"
    calls_per_window: int | None = None
    window_seconds: float = 1.0
    max_concurrent: int | None = None
    daily_quota: int | None = None
    quota_reset_at: dt.time | str = MIDNIGHT_UTC
    #: names of emulator-specific counters, present in the stats from zero
    stats_counters: tuple[str, ...] = ()
    serialize_handlers = True
    max_body_bytes = 10 * 1024 * 1024
    #: longest request target (path and query) accepted, in bytes; ``None``:
    #: no limit of the emulator's own (Marketo answers 414 above 8 KB)
    max_target_bytes: int | None = None
    #: set to a method by emulators that issue tokens (``expire_tokens`` fault)
    expire_tokens: Callable[[], object] | None = None

    def __init__(
        self,
        *,
        calls_per_window=_UNSET,
        window_seconds=_UNSET,
        max_concurrent=_UNSET,
        daily_quota=_UNSET,
        quota_reset_at=_UNSET,
        clock: Callable[[], float] | None = None,
        seed: int | None = None,
    ):
        def pick(value, default):
            return default if value is _UNSET else value

        self.clock = clock or time.time
        self.sleep = time.sleep
        self.lock = threading.RLock()
        # every emulator counts attempts to re-subscribe an opted-out contact
        self.stats = Stats(
            (*self.stats_counters, "resubscribe_attempts"), clock=self.clock
        )
        #: ``(contact id, how)`` of each refused re-subscription, in order
        self.resubscribe_log: list[tuple[str, str]] = []
        self.limits = RateLimiter(
            calls_per_window=pick(calls_per_window, self.calls_per_window),
            window_seconds=pick(window_seconds, self.window_seconds),
            max_concurrent=pick(max_concurrent, self.max_concurrent),
            daily_quota=pick(daily_quota, self.daily_quota),
            quota_reset_at=pick(quota_reset_at, self.quota_reset_at),
            clock=clock,
            wall_clock=self.clock,
        )
        self.faults = Faults(seed=seed, on_expire_tokens=self.expire_tokens)
        self.routes: list[Route] = []
        self._collect_routes()

    def refuse_resubscribe(self, contact_id, how: str) -> None:
        """Record an attempt to make an unsubscribed contact mailable again.

        The caller leaves the contact unsubscribed: only the person can opt
        in again. Counted in ``stats["resubscribe_attempts"]`` (and logged
        with the route or field that tried) so a test can assert that a
        client never tries, whatever the provider would have done.
        """
        self.stats.incr("resubscribe_attempts")
        self.resubscribe_log.append((str(contact_id), how))

    # ------------------------------------------------------------------
    # routing
    # ------------------------------------------------------------------

    def _collect_routes(self) -> None:
        """Register decorated methods, base classes first, in source order.

        A subclass that re-declares a ``method pattern`` replaces the base
        handler.
        """
        seen: dict[tuple[str, str], Route] = {}
        for klass in reversed(type(self).__mro__):
            for attr, value in vars(klass).items():
                for method, pattern, flags in getattr(value, "_sandbox_routes", ()):
                    handler = getattr(self, attr)
                    seen[(method.upper(), pattern)] = Route(
                        method, pattern, handler, **flags
                    )
        for declared in seen.values():
            self._insert(declared)

    def add_route(
        self, method, pattern, handler, *, auth=True, limited=True, faults=True
    ) -> Route:
        """Register a handler without the decorator (route tables)."""
        declared = Route(method, pattern, handler, auth, limited, faults)
        self._insert(declared)
        return declared

    def _insert(self, declared: Route) -> None:
        # fixed paths win over parametrised ones (/contacts/count before
        # /contacts/<id>); sort is stable, so declaration order breaks ties
        self.routes.append(declared)
        self.routes.sort(key=lambda r: r.param_count)

    def match(self, request: Request) -> tuple[Route | None, list[str]]:
        """The route for the request, or ``None`` and the methods the path
        allows (empty: unknown path → 404; else 405)."""
        allowed = []
        for candidate in self.routes:
            params = candidate.match(request.path)
            if params is None:
                continue
            if candidate.method == request.method:
                request.params = params
                request.route = candidate
                return candidate, allowed
            allowed.append(candidate.method)
        return None, allowed

    # ------------------------------------------------------------------
    # the pipeline
    # ------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response:
        """Answer one request; the HTTP server calls this for every request.

        Order: control endpoints (outside everything); a target over
        ``max_target_bytes`` (414); routing (404/405); a body over
        ``max_body_bytes`` (413); ``authenticate`` (unauthenticated calls
        consume no limit, as Marketo documents for 601/602); rate limits (a
        refused call consumes nothing, counts as a violation); latency, then
        an injected fault; body decode errors (400); the handler. The request
        is recorded in the stats before the response is returned.
        """
        if request.path.startswith(CONTROL_PREFIX):
            try:
                response = self._control(request)
                response.encode()
            except Exception as exc:
                _logger.exception("sandbox %s: %r failed", self.name, request)
                response = self.server_error(request, exc)
            return response
        self.stats.started()
        route_key = f"{request.method} {UNMATCHED}"
        response = None
        try:
            matched, allowed = self.match(request)
            if matched is not None:
                route_key = matched.key
            response = self._run(request, matched, allowed)
            response.encode()
        except Exception as exc:  # a sandbox bug must not kill the connection
            self.stats.handler_error()
            _logger.exception("sandbox %s: %r failed", self.name, request)
            response = self.server_error(request, exc)
            response.encode()
        finally:
            self.stats.finished(route_key, response.status if response else 500)
        return response

    def _run(self, request, matched, allowed) -> Response:
        if (
            self.max_target_bytes
            and len(request.target.encode("utf-8")) > self.max_target_bytes
        ):
            return self.uri_too_long(request)
        if matched is None:
            if allowed:
                return self.method_not_allowed(request, allowed)
            return self.not_found(request)
        if request.body_too_large:
            return self.body_too_large(request)
        if matched.auth:
            refusal = self.authenticate(request)
            if refusal is not None:
                return refusal
        lease = None
        if matched.limited:
            lease, violation = self.limits.acquire()
            if violation is not None:
                self.stats.violation(violation.kind)
                return self.limit_response(violation, request)
        try:
            if self.faults.applies_to(request.path, matched.faults):
                delay = self.faults.latency_seconds
                if delay:
                    self.sleep(delay)
                fault = self.faults.draw()
                if fault is not None:
                    self.stats.fault()
                    if not fault.applied:
                        return self.fault_response(fault, request)
                    # carried out, then the answer is lost on its way back
                    self._handle(request, matched)
                    if fault.hold_ms:
                        self.sleep(fault.hold_ms / 1000.0)
                    return self.fault_response(fault, request)
            if request.body_error:
                return self.invalid_body(request)
            return self._handle(request, matched)
        finally:
            if lease is not None:
                lease.release()

    def _handle(self, request, matched) -> Response:
        if self.serialize_handlers:
            with self.lock:
                result = matched.handler(request)
        else:
            result = matched.handler(request)
        return self._as_response(result)

    @staticmethod
    def _as_response(result) -> Response:
        if isinstance(result, Response):
            return result
        if isinstance(result, dict | list):
            return Response(200, result)
        raise TypeError(f"handler returned {type(result).__name__}, not a Response")

    # ------------------------------------------------------------------
    # hooks: override to speak the provider's dialect
    # ------------------------------------------------------------------

    @staticmethod
    def error(status: int, code: str, headers=None, **extra) -> Response:
        """``{"error": code, **extra}`` with ``status``: the default dialect."""
        return Response(status, {"error": code, **extra}, headers=headers)

    def authenticate(self, request: Request) -> Response | None:
        """Refuse the request (return a Response) or let it through (None)."""
        return None

    def limit_response(self, violation: Violation, request: Request) -> Response:
        """429 + ``Retry-After``; ``rate_limited`` (window),
        ``too_many_concurrent`` or ``quota_exceeded`` with ``reset_at``."""
        headers = {"Retry-After": violation.retry_after_header}
        if violation.kind == "quota":
            return self.error(
                429, "quota_exceeded", headers, reset_at=iso_utc(violation.reset_at)
            )
        if violation.kind == "concurrency":
            return self.error(429, "too_many_concurrent", headers)
        return self.error(429, "rate_limited", headers)

    def quota_violation(self, retry_after: float | None = None) -> Violation:
        """A quota violation as the emulated quota would report it now, for
        faults that impersonate a spent quota."""
        reset = self.limits.quota.next_reset()
        wait = reset.timestamp() - self.clock() if retry_after is None else retry_after
        return Violation("quota", self.limits.quota.limit or 0, wait, reset)

    def fault_response(self, fault: InjectedFault, request: Request) -> Response:
        """An injected failure in the provider's shape.

        429 looks like a real limit refusal (``rate_limited`` with
        ``Retry-After: 1`` unless the burst says otherwise;
        ``"error": "quota_exceeded"`` gets ``reset_at`` and a wait until the
        quota's next reset); 5xx answers ``{"error": "unavailable"}``.
        """
        if fault.status == 429:
            if fault.error == "quota_exceeded":
                return self.limit_response(
                    self.quota_violation(fault.retry_after), request
                )
            retry = Violation("window", 0, fault.retry_after or 1)
            headers = {"Retry-After": retry.retry_after_header}
            return self.error(429, fault.error or "rate_limited", headers)
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = Violation(
                "window", 0, fault.retry_after
            ).retry_after_header
        default = "unavailable" if fault.status >= 500 else "injected_fault"
        return self.error(fault.status, fault.error or default, headers)

    def not_found(self, request: Request) -> Response:
        return self.error(404, "not_found")

    def method_not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return self.error(
            405, "method_not_allowed", {"Allow": ", ".join(sorted(set(allowed)))}
        )

    def invalid_body(self, request: Request) -> Response:
        return self.error(400, "invalid_json", message=request.body_error)

    def body_too_large(self, request: Request) -> Response:
        return self.error(413, "body_too_large")

    def uri_too_long(self, request: Request) -> Response:
        """Target longer than ``max_target_bytes`` (checked before routing,
        as a front web server would)."""
        return self.error(414, "uri_too_long")

    def server_error(self, request: Request, exc: Exception) -> Response:
        message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return self.error(500, "sandbox_error", message=message)

    # ------------------------------------------------------------------
    # control endpoints and Python-side control
    # ------------------------------------------------------------------

    def reset(self) -> None:
        """Clear stats, faults and consumed limits; keep the data and tokens."""
        self.stats.reset()
        self.faults.reset()
        self.limits.reset()

    def records(self) -> dict:
        """``{kind: [key, ...]}``: the natural key of every record held, one
        entry per record (a duplicate shows twice), for reconciliations run
        from another process (``GET /_sandbox/records``: the fault suite
        compares it with Odoo). An emulator lists what it stores."""
        return {}

    def _control(self, request: Request) -> Response:
        """``GET /_sandbox/stats``, ``GET|POST /_sandbox/faults``,
        ``GET|POST /_sandbox/limits``, ``POST /_sandbox/reset``,
        ``GET /_sandbox/records``."""
        action = request.path[len(CONTROL_PREFIX) :].strip("/")
        method = request.method
        if action == "records" and method == "GET":
            with self.lock:
                return Response(200, self.records())
        if action == "stats" and method == "GET":
            snapshot = self.stats.snapshot()
            snapshot["limits"] = self.limits.state
            return Response(200, snapshot)
        if action == "reset" and method == "POST":
            self.reset()
            return Response(200, {"reset": True})
        settings = {"faults": self.faults, "limits": self.limits}.get(action)
        if settings is None:
            return self.error(404, "not_found")
        if method == "GET":
            return Response(200, settings.config)
        if method != "POST":
            return self.error(405, "method_not_allowed")
        if request.body_error or not isinstance(request.json, dict):
            return self.error(400, f"invalid_{action}", message="send a JSON object")
        try:
            return Response(200, settings.configure(**request.json))
        except (TypeError, ValueError) as exc:
            return self.error(400, f"invalid_{action}", message=str(exc))


# ----------------------------------------------------------------------
# HTTP
# ----------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP/1.1 requests into :class:`Request` objects and back."""

    protocol_version = "HTTP/1.1"  # keep-alive, as real clients expect
    server_version = "ConnectorSandbox/1.0"
    sys_version = ""
    timeout = 60  # an idle keep-alive connection is closed after this
    # headers and body go out in two writes: without TCP_NODELAY, Nagle and
    # delayed ACKs add ~40 ms to every keep-alive request
    disable_nagle_algorithm = True

    #: bodies up to this size are read and dropped after a 413, so the client
    #: sees the answer instead of a broken pipe
    DRAIN_LIMIT = 64 * 1024 * 1024

    def _serve(self):
        emulator = self.server.emulator
        try:
            body, too_large = self._read_body(emulator.max_body_bytes)
        except ValueError as exc:
            self.close_connection = True
            self._send(Emulator.error(400, "bad_request", message=str(exc)))
            return
        request = Request(
            self.command,
            self.path,
            headers=self.headers.items(),
            body=body,
            client=self.client_address,
            body_too_large=too_large,
        )
        response = emulator.dispatch(request)
        if too_large:
            self.close_connection = True
        self._send(response)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _read_body(self, limit: int) -> tuple[bytes, bool]:
        """The body, or ``(b"", True)`` when it is over ``limit`` bytes."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked(limit)
        raw = self.headers.get("Content-Length") or "0"
        if not raw.strip().isdigit():
            raise ValueError("invalid Content-Length")
        length = int(raw)
        if length > limit:
            if length <= self.DRAIN_LIMIT:
                remaining = length
                while remaining > 0:
                    chunk = self.rfile.read(min(remaining, 65536))
                    if not chunk:
                        break
                    remaining -= len(chunk)
            return b"", True
        return self.rfile.read(length), False

    def _read_chunked(self, limit: int) -> tuple[bytes, bool]:
        parts, size = [], 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                chunk_size = int(line, 16)
            except ValueError as exc:
                raise ValueError("invalid chunked body") from exc
            if chunk_size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                break
            parts.append(self.rfile.read(chunk_size))
            self.rfile.readline(1024)  # CRLF after each chunk
            size += chunk_size
            if size > self.DRAIN_LIMIT:
                raise ValueError("chunked body too large")
        if size > limit:
            return b"", True
        return b"".join(parts), False

    def _send(self, response: Response) -> None:
        data = response.encode()
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, str(value))
        if response.status not in (204, 304):
            if data:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if data and response.status not in (204, 304):
            self.wfile.write(data)

    def log_message(self, fmt, *args):
        _logger.debug("%s %s", self.address_string(), fmt % args)


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that can stop even while clients keep connections.

    ``block_on_close`` is off and open connections are shut down on
    :meth:`close_connections`: a ``requests.Session`` left open by a test
    must not make ``stop()`` hang.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, address, emulator):
        self.emulator = emulator
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn): skip it
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request, client_address):
        # clients hanging up mid-response are routine in fault tests
        _logger.debug(
            "sandbox connection error from %s", client_address, exc_info=sys.exc_info()
        )


class SandboxServer:
    """Serve an emulator on 127.0.0.1 (a free port unless told otherwise).

    ::

        with SandboxServer(DemoEmulator()) as server:
            requests.get(server.url + "/v1/contacts", ...)

    ``start()`` / ``stop()`` do the same without ``with``; ``stop()`` is
    idempotent and returns promptly even with keep-alive connections open.
    """

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0):
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"sandboxes listen on 127.0.0.1 only, not {host!r}")
        self.emulator = emulator
        self.host = "127.0.0.1"
        self.requested_port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, no trailing slash."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self.host, self.requested_port), self.emulator)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sandbox-{self.emulator.name}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        # serve_forever() only notices a shutdown request between two polls:
        # a throw-away connection wakes it at once (tests stop many servers)
        stopper = threading.Thread(target=httpd.shutdown, daemon=True)
        stopper.start()
        while stopper.is_alive():
            with contextlib.suppress(OSError):
                socket.create_connection(httpd.server_address[:2], timeout=0.5).close()
            stopper.join(0.01)
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self):
        state = self.url if self._httpd else "stopped"
        return f"<SandboxServer {self.emulator.name} {state}>"


def serve(
    emulator: Emulator,
    *,
    port: int,
    duration: float | None = None,
    banner: str = "",
    out=None,
) -> None:
    """Run an emulator in the foreground until Ctrl-C or ``duration`` seconds.

    The first line printed is ``<name> sandbox on http://127.0.0.1:PORT``
    (scripts and tests read the port from it, useful with ``port=0``).
    """
    out = out or sys.stdout
    deadline = None if duration is None else time.monotonic() + duration
    if threading.current_thread() is threading.main_thread():
        # a process started in the background inherits SIGINT ignored: both
        # Ctrl-C and SIGTERM (what scripts and tests send) stop it cleanly
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    with SandboxServer(emulator, port=port) as server:
        print(f"{emulator.name} sandbox on {server.url}", file=out, flush=True)
        if banner:
            print(banner, file=out, flush=True)
        try:
            while deadline is None or time.monotonic() < deadline:
                remaining = 0.5 if deadline is None else deadline - time.monotonic()
                time.sleep(max(0.0, min(0.5, remaining)))
        except KeyboardInterrupt:
            pass
    print("stopped", file=out, flush=True)


def cli_parser(
    emulator_class: type[Emulator],
    *,
    prog: str,
    description: str,
    port: int,
    records: str = "records",
) -> argparse.ArgumentParser:
    """The standalone command every emulator has (``python -m
    tests.sandbox.<name>``): ``--port``, ``--seed N``, ``--duration``,
    ``--token-ttl`` and the rate limits, whose defaults are the emulator
    class's (the platform's documented limits).  An emulator adds its own
    options to the parser; :func:`limit_options` turns the common ones into
    constructor keywords."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--port", type=int, default=port, help="0: any free port")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help=f"create N deterministic {records} first",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop after this many seconds (default: Ctrl-C)",
    )
    parser.add_argument("--token-ttl", type=float, default=3600)
    parser.add_argument(
        "--calls-per-window",
        type=int,
        default=emulator_class.calls_per_window,
        help="0: off",
    )
    parser.add_argument(
        "--window-seconds", type=float, default=emulator_class.window_seconds
    )
    parser.add_argument(
        "--max-concurrent",
        type=int,
        default=emulator_class.max_concurrent,
        help="0: off",
    )
    parser.add_argument(
        "--daily-quota", type=int, default=emulator_class.daily_quota, help="0: off"
    )
    return parser


def limit_options(args: argparse.Namespace) -> dict:
    """Constructor keywords of the options :func:`cli_parser` adds."""
    return {
        "token_ttl": args.token_ttl,
        "calls_per_window": args.calls_per_window,
        "window_seconds": args.window_seconds,
        "max_concurrent": args.max_concurrent,
        "daily_quota": args.daily_quota,
    }
