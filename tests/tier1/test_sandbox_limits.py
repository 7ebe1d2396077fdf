"""Tier-1 tests of the sandbox's rate-limit emulation (``tests/sandbox/limits.py``).

The limits are driven by a :class:`ManualClock`, so windows and daily resets
are crossed exactly and without sleeping. The last tests go through HTTP: a
request over a limit is refused with the emulator's answer, counted as a
violation, and consumes nothing.

Run: ``python -m pytest -p no:odoo tests/tier1/test_sandbox_limits.py``.
"""

import datetime as dt
import threading
import zoneinfo

import pytest
import requests

from tests.sandbox.limits import (
    ConcurrencyLimit,
    DailyQuota,
    ManualClock,
    RateLimiter,
    SlidingWindow,
    Violation,
    parse_reset_time,
)
from tests.sandbox.server import Emulator, SandboxServer, route

UTC = dt.UTC
TIMEOUT = 5
#: 2026-11-23T10:00:00Z
MORNING = dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC).timestamp()


# ----------------------------------------------------------------------
# sliding window
# ----------------------------------------------------------------------


def test_window_refuses_the_call_over_the_limit_until_a_slot_frees():
    clock = ManualClock()
    window = SlidingWindow(3, 10, clock)
    for moment in (0, 1, 2):
        clock.set(moment)
        assert window.try_acquire() is None
    clock.set(5)
    refused = window.try_acquire()
    assert refused == Violation("window", 3, 5.0)  # the call at t=0 leaves at 10
    clock.set(9.999)
    assert window.try_acquire() is not None
    clock.set(10)
    assert window.try_acquire() is None, "the t=0 call left the window"
    assert window.in_window() == 3


def test_window_is_sliding_not_a_fixed_bucket():
    clock = ManualClock()
    window = SlidingWindow(2, 1, clock)
    clock.set(0.5)
    assert window.try_acquire() is None
    assert window.try_acquire() is None
    # a fixed per-second bucket would accept this (new second at 1.0)
    clock.set(1.25)
    assert window.try_acquire().kind == "window"
    clock.set(1.5)
    assert window.try_acquire() is None


def test_refused_calls_do_not_extend_the_wait():
    clock = ManualClock()
    window = SlidingWindow(1, 10, clock)
    assert window.try_acquire() is None
    for moment in range(1, 10):
        clock.set(moment)
        assert window.try_acquire() is not None
    clock.set(10)
    assert window.try_acquire() is None


def test_lowering_the_limit_counts_the_calls_already_made():
    clock = ManualClock()
    window = SlidingWindow(5, 10, clock)
    for moment in range(5):
        clock.set(moment)
        window.try_acquire()
    window.configure(calls=2)
    clock.set(5)
    # four calls must leave before one is allowed: the one made at t=3
    assert window.check().retry_after == pytest.approx(8.0)


def test_no_limit_means_no_limit():
    window = SlidingWindow(None, 1, ManualClock())
    assert all(window.try_acquire() is None for _i in range(1000))
    assert SlidingWindow(0, 1).calls is None


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_window_settings_are_refused(bad):
    with pytest.raises(ValueError, match="calls_per_window must be"):
        SlidingWindow(bad, 1)


def test_bad_window_length_is_refused():
    with pytest.raises(ValueError, match="window_seconds must be"):
        SlidingWindow(3, 0)
    with pytest.raises(TypeError, match="window_seconds must be"):
        SlidingWindow(3, "1")


# ----------------------------------------------------------------------
# concurrency
# ----------------------------------------------------------------------


def test_concurrency_slots():
    limit = ConcurrencyLimit(2)
    assert limit.try_acquire() is None
    assert limit.try_acquire() is None
    refused = limit.try_acquire()
    assert (refused.kind, refused.limit, refused.retry_after_header) == (
        "concurrency",
        2,
        "1",
    )
    limit.release()
    assert limit.try_acquire() is None
    assert limit.in_flight == 2


# ----------------------------------------------------------------------
# daily quota
# ----------------------------------------------------------------------


def test_quota_is_spent_then_resets_at_midnight_utc():
    clock = ManualClock(MORNING)
    quota = DailyQuota(2, clock=clock)
    assert quota.try_acquire() is None
    assert quota.try_acquire() is None
    assert quota.remaining == 0
    refused = quota.try_acquire()
    assert refused.kind == "quota"
    assert refused.reset_at == dt.datetime(2026, 11, 24, tzinfo=UTC)
    assert refused.retry_after == 14 * 3600
    clock.set(dt.datetime(2026, 11, 23, 23, 59, 59, tzinfo=UTC).timestamp())
    assert quota.try_acquire() is not None
    clock.set(dt.datetime(2026, 11, 24, tzinfo=UTC).timestamp())
    assert quota.try_acquire() is None
    assert quota.remaining == 1


def test_quota_reset_in_the_providers_time_zone():
    # Marketo: 00:00 US Central; 2026-11-23 is after the DST change (UTC-6)
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    quota = DailyQuota(1, dt.time(0, tzinfo=chicago), clock=ManualClock(MORNING))
    assert quota.next_reset() == dt.datetime(2026, 11, 24, 6, tzinfo=UTC)
    # in July the same midnight is 05:00 UTC
    july = dt.datetime(2026, 7, 1, 12, tzinfo=UTC).timestamp()
    assert quota.next_reset(july) == dt.datetime(2026, 7, 2, 5, tzinfo=UTC)


def test_reset_time_formats():
    assert parse_reset_time("05:30") == dt.time(5, 30, tzinfo=UTC)
    offset = parse_reset_time("00:00-06:00")
    assert offset.utcoffset() == dt.timedelta(hours=-6)
    named = parse_reset_time("00:00 America/Chicago")
    assert named.tzinfo == zoneinfo.ZoneInfo("America/Chicago")
    for bad in ("25:00", "noon", "00:00 Mars/Olympus"):
        with pytest.raises(ValueError, match="not a time of day"):
            parse_reset_time(bad)
    with pytest.raises(TypeError, match=r"must be a datetime\.time"):
        parse_reset_time(7)


def test_quota_reset_later_the_same_day():
    quota = DailyQuota(1, "12:00", clock=ManualClock(MORNING))
    assert quota.next_reset() == dt.datetime(2026, 11, 23, 12, tzinfo=UTC)


# ----------------------------------------------------------------------
# the three together
# ----------------------------------------------------------------------


def test_a_refused_call_consumes_nothing():
    clock = ManualClock(MORNING)
    limiter = RateLimiter(
        calls_per_window=3,
        window_seconds=60,
        max_concurrent=1,
        daily_quota=10,
        clock=clock,
        wall_clock=clock,
    )
    lease, violation = limiter.acquire()
    assert violation is None
    for _i in range(5):
        refused_lease, refused = limiter.acquire()
        assert refused_lease is None
        assert refused.kind == "concurrency"
    assert limiter.state == {
        "in_window": 1,
        "in_flight": 1,
        "quota_used": 1,
        "quota_remaining": 9,
    }
    lease.release()
    lease.release()  # idempotent: the slot is not freed twice
    assert limiter.concurrency.in_flight == 0


def test_quota_is_reported_before_the_window():
    clock = ManualClock(MORNING)
    limiter = RateLimiter(
        calls_per_window=1, window_seconds=60, daily_quota=1, clock=clock,
        wall_clock=clock,
    )  # fmt: skip
    with limiter.acquire()[0]:
        pass
    _lease, violation = limiter.acquire()
    assert violation.kind == "quota"


def test_configure_is_partial_and_all_or_nothing():
    limiter = RateLimiter(calls_per_window=5, window_seconds=2, max_concurrent=3)
    config = limiter.configure(max_concurrent=None)
    assert config["calls_per_window"] == 5
    assert config["max_concurrent"] is None
    with pytest.raises(ValueError, match="window_seconds"):
        limiter.configure(calls_per_window=7, window_seconds=-1)
    assert limiter.config["calls_per_window"] == 5, "nothing applied"
    with pytest.raises(ValueError, match="unknown"):
        limiter.configure(burst=1)
    config = limiter.configure(quota_reset_at="00:00 America/Chicago")
    assert config["quota_reset_at"] == "00:00:00 America/Chicago"
    assert limiter.configure(**limiter.config) == config, "config round-trips"


def test_reset_forgets_consumption_not_settings_nor_calls_in_flight():
    clock = ManualClock(MORNING)
    limiter = RateLimiter(1, 60, 2, 1, clock=clock, wall_clock=clock)
    lease, _violation = limiter.acquire()
    limiter.reset()
    assert limiter.state["in_window"] == 0
    assert limiter.state["quota_used"] == 0
    assert limiter.state["in_flight"] == 1
    lease.release()
    assert limiter.state["in_flight"] == 0
    assert limiter.config["calls_per_window"] == 1


def test_limits_hold_under_contention():
    """40 threads race for 100 slots: exactly 100 are granted."""
    limiter = RateLimiter(calls_per_window=100, window_seconds=3600)
    granted = []
    start = threading.Barrier(40)

    def worker():
        start.wait(timeout=TIMEOUT)
        for _i in range(10):
            lease, _violation = limiter.acquire()
            if lease:
                granted.append(lease)
                lease.release()

    threads = [threading.Thread(target=worker) for _i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert len(granted) == 100
    assert limiter.state["in_flight"] == 0


# ----------------------------------------------------------------------
# through HTTP
# ----------------------------------------------------------------------


class LimitedEmulator(Emulator):
    name = "limited"
    calls_per_window = 3
    window_seconds = 60

    @route("GET", "/ping")
    def ping(self, request):
        return {"pong": True}

    @route("GET", "/free", limited=False)
    def free(self, request):
        return {"free": True}


@pytest.fixture
def http():
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()


def test_window_violation_over_http(http):
    clock = ManualClock(MORNING)
    emulator = LimitedEmulator(clock=clock)
    with SandboxServer(emulator) as server:
        assert [
            http.get(server.url + "/ping", timeout=TIMEOUT).status_code
            for _i in range(3)
        ] == [200] * 3
        clock.advance(15)
        refused = http.get(server.url + "/ping", timeout=TIMEOUT)
        assert refused.status_code == 429
        assert refused.json() == {"error": "rate_limited"}
        assert refused.headers["Retry-After"] == "45"
        # routes declared limited=False are never refused
        assert http.get(server.url + "/free", timeout=TIMEOUT).status_code == 200
        clock.advance(45)
        assert http.get(server.url + "/ping", timeout=TIMEOUT).status_code == 200
    stats = emulator.stats.snapshot()
    assert stats["rate_limit_violations"] == 1
    assert stats["violations"] == {"window": 1, "concurrency": 0, "quota": 0}
    assert stats["per_status"] == {"200": 5, "429": 1}


def test_quota_violation_over_http(http):
    clock = ManualClock(MORNING)
    emulator = LimitedEmulator(clock=clock, calls_per_window=None, daily_quota=2)
    with SandboxServer(emulator) as server:
        for _i in range(2):
            assert http.get(server.url + "/ping", timeout=TIMEOUT).ok
        refused = http.get(server.url + "/ping", timeout=TIMEOUT)
        assert refused.status_code == 429
        assert refused.json() == {
            "error": "quota_exceeded",
            "reset_at": "2026-11-24T00:00:00Z",
        }
        assert refused.headers["Retry-After"] == str(14 * 3600)
        clock.set(dt.datetime(2026, 11, 24, 0, 0, 1, tzinfo=UTC).timestamp())
        assert http.get(server.url + "/ping", timeout=TIMEOUT).ok
    assert emulator.stats["violations"]["quota"] == 1
