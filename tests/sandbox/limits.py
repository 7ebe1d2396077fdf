"""Rate-limit emulation: sliding window, concurrency cap, daily quota.

Every provider limits the same three things (calls per window, calls in
flight, calls per day) and differs only in the numbers and in how it says no.
So the counting lives here, once, and an emulator only decides how a
:class:`Violation` is answered (``Emulator.limit_response``).

Everything is thread-safe (the sandbox server handles requests on many
threads) and takes an injectable clock, so tests can cross a window or a
midnight reset with :class:`ManualClock` instead of sleeping.
"""

from __future__ import annotations

import collections
import datetime as dt
import math
import threading
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

UTC = dt.UTC
Clock = Callable[[], float]

#: Reset time of a daily quota when an emulator names none: 00:00 UTC.
MIDNIGHT_UTC = dt.time(0, 0, tzinfo=UTC)


class ManualClock:
    """A clock that only moves when told to.

    Pass it as ``clock`` to a limiter or an emulator: windows, quotas and
    token lifetimes then follow :meth:`advance`, which keeps tests fast and
    exact (no sleeping, no tolerance on elapsed time).
    """

    def __init__(self, start: float = 0.0):
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and return the new time."""
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, now: float) -> None:
        """Jump to an absolute time (seconds since the epoch for wall clocks)."""
        with self._lock:
            self._now = float(now)


@dataclass(frozen=True)
class Violation:
    """Why a request was refused, with what a client needs to wait correctly.

    ``kind`` is ``"window"``, ``"concurrency"`` or ``"quota"``;
    ``retry_after`` is the earliest time, in seconds, at which the same
    request could be accepted; ``reset_at`` is set for quotas only.
    """

    kind: str
    limit: int
    retry_after: float
    reset_at: dt.datetime | None = None

    @property
    def retry_after_header(self) -> str:
        """``Retry-After`` value: whole seconds, rounded up, at least 1.

        Rounding down would invite a retry that is refused again.
        """
        return str(max(1, math.ceil(self.retry_after)))


def _check_limit(name: str, value, allow_float: bool = False):
    """``None`` (no limit) or a positive number; ``0`` also means no limit."""
    if value is None:
        return None
    kinds = (int, float) if allow_float else (int,)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
        raise ValueError(f"{name} must be a non-negative number or null")
    return value or None


class SlidingWindow:
    """At most ``calls`` accepted calls in any ``seconds``-long window.

    A true sliding window (the timestamps of accepted calls), not a fixed
    bucket: a client that bursts at the edge of a second is refused as it
    would be by the providers that document "N calls per 20 seconds".
    Refused calls are not recorded, so they do not extend the wait.
    """

    def __init__(
        self,
        calls: int | None,
        seconds: float = 1.0,
        clock: Clock = time.monotonic,
        lock: threading.RLock | None = None,
    ):
        self.calls = _check_limit("calls_per_window", calls)
        self.seconds = seconds
        self._check_seconds(seconds)
        self._clock = clock
        self._lock = lock or threading.RLock()
        self._accepted: collections.deque[float] = collections.deque()

    @staticmethod
    def _check_seconds(seconds):
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError("window_seconds must be a positive number")
        if seconds <= 0:
            raise ValueError("window_seconds must be a positive number")

    def configure(self, calls=..., seconds=...) -> None:
        """Change the limit; calls already accepted keep counting."""
        with self._lock:
            if calls is not ...:
                self.calls = _check_limit("calls_per_window", calls)
            if seconds is not ...:
                self._check_seconds(seconds)
                self.seconds = seconds

    def _prune(self, now: float) -> None:
        while self._accepted and self._accepted[0] <= now - self.seconds:
            self._accepted.popleft()

    def in_window(self, now: float | None = None) -> int:
        """Accepted calls still inside the window."""
        with self._lock:
            self._prune(self._clock() if now is None else now)
            return len(self._accepted)

    def check(self, now: float | None = None) -> Violation | None:
        """The violation a call made now would be, without recording it."""
        with self._lock:
            if not self.calls:
                return None
            now = self._clock() if now is None else now
            self._prune(now)
            excess = len(self._accepted) - self.calls
            if excess < 0:
                return None
            # the slot frees when the call `excess` places from the oldest
            # leaves the window (more than one if the limit was lowered)
            frees_at = self._accepted[excess] + self.seconds
            return Violation("window", self.calls, max(0.0, frees_at - now))

    def commit(self, now: float | None = None) -> None:
        """Record an accepted call."""
        with self._lock:
            now = self._clock() if now is None else now
            self._accepted.append(now)

    def try_acquire(self) -> Violation | None:
        """Check and record in one step: ``None`` when the call is accepted."""
        with self._lock:
            now = self._clock()
            violation = self.check(now)
            if violation is None:
                self.commit(now)
            return violation

    def reset(self) -> None:
        with self._lock:
            self._accepted.clear()


class ConcurrencyLimit:
    """At most ``limit`` calls in flight; a refused client may retry after
    ``retry_after`` seconds (providers do not say when a slot frees)."""

    def __init__(
        self,
        limit: int | None,
        retry_after: float = 1.0,
        lock: threading.RLock | None = None,
    ):
        self.limit = _check_limit("max_concurrent", limit)
        self.retry_after = retry_after
        self.in_flight = 0
        self._lock = lock or threading.RLock()

    def configure(self, limit=...) -> None:
        with self._lock:
            if limit is not ...:
                self.limit = _check_limit("max_concurrent", limit)

    def check(self) -> Violation | None:
        with self._lock:
            if self.limit and self.in_flight >= self.limit:
                return Violation("concurrency", self.limit, self.retry_after)
            return None

    def commit(self) -> None:
        with self._lock:
            self.in_flight += 1

    def release(self) -> None:
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)

    def try_acquire(self) -> Violation | None:
        with self._lock:
            violation = self.check()
            if violation is None:
                self.commit()
            return violation


def parse_reset_time(value) -> dt.time:
    """A daily reset time: a ``datetime.time`` (naive = UTC) or a string.

    Strings are ``"HH:MM[:SS]"`` (UTC), with an offset (``"00:00-06:00"``) or
    followed by a zone name (``"00:00 America/Chicago"``, what Marketo
    documents: its day follows US Central daylight saving). The time zone is
    the one the provider resets in.
    """
    if isinstance(value, str):
        text, _sep, zone = value.strip().partition(" ")
        try:
            value = dt.time.fromisoformat(text)
            if zone:
                value = value.replace(tzinfo=zoneinfo.ZoneInfo(zone.strip()))
        except (ValueError, zoneinfo.ZoneInfoNotFoundError) as exc:
            raise ValueError(f"quota_reset_at: not a time of day: {value!r}") from exc
    if not isinstance(value, dt.time):
        raise TypeError("quota_reset_at must be a datetime.time or 'HH:MM'")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class DailyQuota:
    """At most ``limit`` accepted calls per day, the day ending at ``reset_at``.

    Uses the wall clock (seconds since the epoch): the reset is a time of day,
    and the emulators report it as an ISO date-time.
    """

    def __init__(
        self,
        limit: int | None,
        reset_at: dt.time | str = MIDNIGHT_UTC,
        clock: Clock = time.time,
        lock: threading.RLock | None = None,
    ):
        self.limit = _check_limit("daily_quota", limit)
        self.reset_time = parse_reset_time(reset_at)
        self.used = 0
        self._clock = clock
        self._lock = lock or threading.RLock()
        self._period_end: float | None = None

    def configure(self, limit=..., reset_at=...) -> None:
        with self._lock:
            if limit is not ...:
                self.limit = _check_limit("daily_quota", limit)
            if reset_at is not ...:
                self.reset_time = parse_reset_time(reset_at)
                self._period_end = None  # next roll computes the new boundary

    def next_reset(self, now: float | None = None) -> dt.datetime:
        """The first reset strictly after ``now``, as an aware UTC datetime."""
        now = self._clock() if now is None else now
        zone = self.reset_time.tzinfo
        local_now = dt.datetime.fromtimestamp(now, zone)
        wall = self.reset_time.replace(tzinfo=None)
        candidate = dt.datetime.combine(local_now.date(), wall, tzinfo=zone)
        if candidate <= local_now:
            tomorrow = local_now.date() + dt.timedelta(days=1)
            candidate = dt.datetime.combine(tomorrow, wall, tzinfo=zone)
        return candidate.astimezone(UTC)

    def _roll(self, now: float) -> None:
        """Start a new day when the clock has passed the reset."""
        if self._period_end is None:
            self._period_end = self.next_reset(now).timestamp()
        elif now >= self._period_end:
            self.used = 0
            self._period_end = self.next_reset(now).timestamp()

    @property
    def remaining(self) -> int | None:
        with self._lock:
            self._roll(self._clock())
            return None if not self.limit else max(0, self.limit - self.used)

    def check(self, now: float | None = None) -> Violation | None:
        with self._lock:
            now = self._clock() if now is None else now
            self._roll(now)
            if self.limit and self.used >= self.limit:
                reset = dt.datetime.fromtimestamp(self._period_end, UTC)
                return Violation("quota", self.limit, self._period_end - now, reset)
            return None

    def commit(self, now: float | None = None) -> None:
        with self._lock:
            self._roll(self._clock() if now is None else now)
            self.used += 1

    def try_acquire(self) -> Violation | None:
        with self._lock:
            now = self._clock()
            violation = self.check(now)
            if violation is None:
                self.commit(now)
            return violation

    def reset(self) -> None:
        with self._lock:
            self.used = 0
            self._period_end = None


class Lease:
    """A concurrency slot held by an accepted call; release it exactly once.

    Idempotent so the server can release in a ``finally`` without tracking
    whether a handler already did.
    """

    def __init__(self, concurrency: ConcurrencyLimit):
        self._concurrency = concurrency
        self._released = False
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            if self._released:
                return
            self._released = True
        self._concurrency.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.release()


class RateLimiter:
    """The three limits of one emulator, checked and consumed atomically.

    A call is accepted only if every limit accepts it, and a refused call
    consumes nothing: refusing for concurrency must not also eat a window slot
    or a unit of daily quota, or a client that backs off correctly would still
    be punished. When several limits are exceeded the quota is reported first
    (the longest wait), then concurrency, then the window.
    """

    def __init__(
        self,
        calls_per_window: int | None = None,
        window_seconds: float = 1.0,
        max_concurrent: int | None = None,
        daily_quota: int | None = None,
        quota_reset_at: dt.time | str = MIDNIGHT_UTC,
        clock: Clock | None = None,
        wall_clock: Clock | None = None,
    ):
        self._lock = threading.RLock()
        self.window = SlidingWindow(
            calls_per_window, window_seconds, clock or time.monotonic, self._lock
        )
        self.concurrency = ConcurrencyLimit(max_concurrent, lock=self._lock)
        self.quota = DailyQuota(
            daily_quota, quota_reset_at, wall_clock or time.time, self._lock
        )

    def acquire(self) -> tuple[Lease | None, Violation | None]:
        """``(lease, None)`` when accepted, ``(None, violation)`` when refused."""
        with self._lock:
            for limit in (self.quota, self.concurrency, self.window):
                violation = limit.check()
                if violation is not None:
                    return None, violation
            self.quota.commit()
            self.concurrency.commit()
            self.window.commit()
            return Lease(self.concurrency), None

    #: keys accepted by :meth:`configure` (and ``POST /_sandbox/limits``)
    KEYS = (
        "calls_per_window",
        "window_seconds",
        "max_concurrent",
        "daily_quota",
        "quota_reset_at",
    )

    def configure(self, **changes) -> dict:
        """Change some limits at run time; the others stay as they are.

        All values are validated before any is applied, so a bad request
        changes nothing.
        """
        unknown = set(changes) - set(self.KEYS)
        if unknown:
            raise ValueError(f"unknown limit setting(s): {', '.join(sorted(unknown))}")
        # validate everything before applying anything: all or nothing
        for key in ("calls_per_window", "max_concurrent", "daily_quota"):
            if key in changes:
                _check_limit(key, changes[key])
        if "window_seconds" in changes:
            SlidingWindow._check_seconds(changes["window_seconds"])
        if "quota_reset_at" in changes:
            parse_reset_time(changes["quota_reset_at"])
        with self._lock:
            if "calls_per_window" in changes or "window_seconds" in changes:
                self.window.configure(
                    changes.get("calls_per_window", ...),
                    changes.get("window_seconds", ...),
                )
            if "max_concurrent" in changes:
                self.concurrency.configure(changes["max_concurrent"])
            if "daily_quota" in changes or "quota_reset_at" in changes:
                self.quota.configure(
                    changes.get("daily_quota", ...), changes.get("quota_reset_at", ...)
                )
            return self.config

    @property
    def config(self) -> dict:
        """The limits as JSON-ready data (the reset time as ``HH:MM:SS±HH:MM``
        or with its zone name when it has one)."""
        with self._lock:
            reset = self.quota.reset_time
            zone = getattr(reset.tzinfo, "key", None)
            return {
                "calls_per_window": self.window.calls,
                "window_seconds": self.window.seconds,
                "max_concurrent": self.concurrency.limit,
                "daily_quota": self.quota.limit,
                "quota_reset_at": (
                    reset.replace(tzinfo=None).isoformat() + f" {zone}"
                    if zone
                    else reset.isoformat()
                ),
            }

    @property
    def state(self) -> dict:
        """What is currently consumed (for the stats endpoint)."""
        with self._lock:
            return {
                "in_window": self.window.in_window(),
                "in_flight": self.concurrency.in_flight,
                "quota_used": self.quota.used,
                "quota_remaining": self.quota.remaining,
            }

    def reset(self) -> None:
        """Forget consumed window slots and quota; keep the settings.

        Calls in flight keep their slots: their leases are still to be
        released, and zeroing the counter would let it go negative.
        """
        with self._lock:
            self.window.reset()
            self.quota.reset()
