"""Tier-1 tests of fault injection (``tests/sandbox/faults.py``).

Unit tests of the settings (partial, validated, all or nothing), then the
faults as a client meets them over HTTP: a burst of N failures exactly, a
seeded error rate that replays identically, added latency, faults scoped to
API routes (a token endpoint stays reachable), forced token expiry, and the
JSON control endpoint.

Run: ``python -m pytest -p no:odoo tests/tier1/test_sandbox_faults.py``.
"""

import threading
import time

import pytest
import requests

from tests.sandbox.auth import TokenIssuer, bearer_token
from tests.sandbox.faults import Faults, InjectedFault
from tests.sandbox.server import Emulator, Response, SandboxServer, route

TIMEOUT = 5


# ----------------------------------------------------------------------
# settings
# ----------------------------------------------------------------------


def test_configure_is_partial():
    faults = Faults()
    faults.configure(latency_ms=20, error_rate=0.5)
    config = faults.configure(burst={"status": 429, "count": 2})
    assert config["latency_ms"] == 20
    assert config["error_rate"] == 0.5
    assert config["burst"] == {
        "status": 429,
        "count": 2,
        "error": None,
        "retry_after": None,
    }
    assert faults.configure(burst=None)["burst"] is None
    assert faults.configure(burst={"status": 503, "count": 0})["burst"] is None


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"error_rate": 1.5}, ValueError, "error_rate must be between"),
        ({"error_rate": "0.1"}, TypeError, "error_rate must be a number"),
        ({"error_status": 200}, ValueError, "error_status must be an HTTP error"),
        ({"error_status": True}, ValueError, "error_status must be an HTTP error"),
        ({"latency_ms": -1}, ValueError, "latency_ms must be between"),
        ({"burst": {"status": 429}}, ValueError, "needs a status and a count"),
        ({"burst": {"status": 429, "count": -1}}, ValueError, "non-negative"),
        (
            {"burst": {"status": 429, "count": 1, "colour": "red"}},
            ValueError,
            "unknown burst key",
        ),
        ({"burst": [429, 3]}, TypeError, "burst must be an object"),
        ({"seed": "x"}, ValueError, "seed must be an integer"),
        ({"paths": "/v1/"}, ValueError, "paths must be a list"),
        ({"expire_tokens": "yes"}, TypeError, "expire_tokens must be true"),
        ({"unknown": 1}, ValueError, "unknown fault setting"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(settings, error, message):
    faults = Faults()
    faults.configure(latency_ms=10)
    with pytest.raises(error, match=message):
        faults.configure(**{"error_rate": 0.2, "latency_ms": 99, **settings})
    assert faults.config["error_rate"] == 0
    assert faults.config["latency_ms"] == 10


def test_burst_is_consumed_one_request_at_a_time():
    faults = Faults()
    faults.configure(burst={"status": 503, "count": 3, "retry_after": 7})
    drawn = [faults.draw() for _i in range(5)]
    assert drawn[:3] == [InjectedFault(503, None, 7, "burst")] * 3
    assert drawn[3:] == [None, None]
    assert faults.config["burst"] is None
    assert faults.injected == 3


def test_burst_under_contention_fails_exactly_count_requests():
    faults = Faults()
    faults.configure(burst={"status": 429, "count": 50})
    drawn = []

    def worker():
        for _i in range(20):
            drawn.append(faults.draw())

    threads = [threading.Thread(target=worker) for _i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert len(drawn) == 200
    assert sum(fault is not None for fault in drawn) == 50


def test_error_rate_is_seeded_and_replayable():
    def run(seed):
        faults = Faults(seed=seed)
        faults.configure(error_rate=0.3, error_status=502)
        return [faults.draw() is not None for _i in range(500)]

    first = run(1)
    assert first == run(1), "same seed, same failures"
    assert first != run(2)
    assert 100 <= sum(first) <= 200  # ~150 expected
    faults = Faults(seed=1)
    faults.configure(error_rate=0.3, error_status=502)
    assert faults.draw() in (None, InjectedFault(502, source="error_rate"))


def test_seed_can_be_set_later_and_reset_replays():
    faults = Faults()
    faults.configure(seed=42, error_rate=0.5)
    sequence = [faults.draw() is not None for _i in range(50)]
    faults.configure(seed=42)
    assert [faults.draw() is not None for _i in range(50)] == sequence
    seeded = Faults(seed=5)
    seeded.configure(error_rate=0.5)
    before = [seeded.draw() is not None for _i in range(50)]
    seeded.reset()
    seeded.configure(error_rate=0.5)
    assert [seeded.draw() is not None for _i in range(50)] == before


def test_burst_wins_over_error_rate_without_shifting_the_sequence():
    plain = Faults(seed=3)
    plain.configure(error_rate=0.5)
    expected = [plain.draw() is not None for _i in range(30)]
    mixed = Faults(seed=3)
    mixed.configure(error_rate=0.5, burst={"status": 429, "count": 2})
    assert [mixed.draw().source for _i in range(2)] == ["burst", "burst"]
    assert [mixed.draw() is not None for _i in range(30)] == expected


# ----------------------------------------------------------------------
# over HTTP
# ----------------------------------------------------------------------


class FaultyEmulator(Emulator):
    """An API with a token endpoint, to see which routes faults reach."""

    name = "faulty"

    def __init__(self, **options):
        super().__init__(**options)
        self.tokens = TokenIssuer({"id": "secret"})

    def expire_tokens(self):
        return self.tokens.expire_all()

    def authenticate(self, request):
        status = self.tokens.check(bearer_token(request.headers))
        return None if status == "valid" else self.error(401, f"token_{status}")

    @route("POST", "/token", auth=False, limited=False, faults=False)
    def token(self, request):
        token = self.tokens.issue(request.json["id"], request.json["secret"])
        return {"token": token.value}

    @route("GET", "/api/item")
    def item(self, request):
        return Response(200, {"item": 1})


@pytest.fixture
def api():
    """``(emulator, call)``: ``call(path)`` does an authenticated GET."""
    emulator = FaultyEmulator(seed=7)
    session = requests.Session()
    session.trust_env = False
    with SandboxServer(emulator) as server:

        def login():
            answer = session.post(
                server.url + "/token",
                json={"id": "id", "secret": "secret"},
                timeout=TIMEOUT,
            )
            if answer.ok:
                session.headers["Authorization"] = "Bearer " + answer.json()["token"]
            return answer

        def call(path="/api/item"):
            return session.get(server.url + path, timeout=TIMEOUT)

        login()
        call.login = login
        call.url = server.url
        call.session = session
        yield emulator, call
    session.close()


def test_burst_of_429s_then_recovery(api):
    emulator, call = api
    emulator.faults.configure(burst={"status": 429, "count": 3})
    answers = [call() for _i in range(4)]
    assert [a.status_code for a in answers] == [429, 429, 429, 200]
    assert answers[0].json() == {"error": "rate_limited"}
    assert answers[0].headers["Retry-After"] == "1"
    stats = emulator.stats.snapshot()
    assert stats["faults_injected"] == 3
    assert stats["rate_limit_violations"] == 0, "injected faults are not violations"


def test_burst_of_server_errors_with_custom_code_and_retry_after(api):
    emulator, call = api
    emulator.faults.configure(
        burst={"status": 502, "count": 1, "error": "bad_gateway", "retry_after": 2.5}
    )
    answer = call()
    assert (answer.status_code, answer.json()) == (502, {"error": "bad_gateway"})
    assert answer.headers["Retry-After"] == "3"
    emulator.faults.configure(burst={"status": 503, "count": 1})
    answer = call()
    assert (answer.status_code, answer.json()) == (503, {"error": "unavailable"})
    assert "Retry-After" not in answer.headers


def test_faults_spare_the_token_endpoint_unless_told(api):
    emulator, call = api
    emulator.faults.configure(burst={"status": 503, "count": 2})
    assert call.login().status_code == 200, "re-authentication stays possible"
    assert call().status_code == 503
    # paths overrides the routes' choice
    emulator.faults.configure(paths=["/token"], burst={"status": 503, "count": 1})
    assert call.login().status_code == 503
    assert call().status_code == 200


def test_seeded_error_rate_over_http_replays(api):
    emulator, call = api

    def run():
        emulator.reset()  # the RNG restarts from the emulator's seed
        emulator.faults.configure(error_rate=0.4, error_status=500)
        return [call().status_code for _i in range(40)]

    first = run()
    assert set(first) == {200, 500}
    assert run() == first
    assert emulator.stats["per_status"]["500"] == first.count(500)


def test_latency_is_added_to_exposed_routes_only(api):
    emulator, call = api
    emulator.faults.configure(latency_ms=200)
    started = time.monotonic()
    assert call().status_code == 200
    assert 0.2 <= time.monotonic() - started < 3
    # a latency the token route would visibly pay if it were exposed
    emulator.faults.configure(latency_ms=3000)
    started = time.monotonic()
    assert call.login().status_code == 200
    assert time.monotonic() - started < 2, "the token route is not slowed"


def test_latency_holds_concurrency_slots(api):
    emulator, call = api
    emulator.limits.configure(max_concurrent=2)
    emulator.faults.configure(latency_ms=400)
    statuses = []
    start = threading.Barrier(6)

    def worker():
        session = requests.Session()
        session.trust_env = False
        session.headers.update(call.session.headers)
        start.wait(timeout=TIMEOUT)
        statuses.append(session.get(call.url + "/api/item", timeout=TIMEOUT))

    threads = [threading.Thread(target=worker) for _i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    refused = [a for a in statuses if a.status_code == 429]
    assert len(statuses) == 6
    assert 1 <= len(refused) <= 4
    assert all(a.json() == {"error": "too_many_concurrent"} for a in refused)
    assert emulator.stats["violations"]["concurrency"] == len(refused)


def test_forced_token_expiry_is_one_shot(api):
    emulator, call = api
    assert call().status_code == 200
    emulator.faults.configure(expire_tokens=True)
    expired = call()
    assert (expired.status_code, expired.json()) == (401, {"error": "token_expired"})
    # False undoes nothing and expires nothing
    emulator.faults.configure(expire_tokens=False)
    call.login()
    assert call().status_code == 200
    emulator.faults.configure(expire_tokens=False)
    assert call().status_code == 200


def test_control_endpoint_configures_faults(api):
    emulator, call = api
    answer = call.session.post(
        call.url + "/_sandbox/faults",
        json={
            "error_rate": 0.1,
            "error_status": 503,
            "latency_ms": 50,
            "burst": {"status": 429, "count": 3},
            "expire_tokens": True,
            "seed": 1,
        },
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200
    assert answer.json() == emulator.faults.config
    assert emulator.faults.config["burst"]["count"] == 3
    assert emulator.faults.seed == 1
    assert call().json() == {"error": "token_expired"}
    got = call.session.get(call.url + "/_sandbox/faults", timeout=TIMEOUT).json()
    assert got["latency_ms"] == 50


def test_burst_after_lets_requests_through_first(api):
    emulator, call = api
    emulator.faults.configure(burst={"status": 503, "count": 2, "after": 3})
    assert emulator.faults.config["burst"]["after"] == 3
    answers = [call().status_code for _i in range(6)]
    assert answers == [200, 200, 200, 503, 503, 200]


def test_applied_burst_runs_the_handler_then_holds_and_fails():
    faults = Faults()
    faults.configure(burst={"status": 504, "count": 1, "applied": True, "hold_ms": 5})
    fault = faults.draw()
    assert (fault.status, fault.applied, fault.hold_ms) == (504, True, 5)
    assert faults.draw() is None
    with pytest.raises(TypeError, match="applied"):
        faults.configure(burst={"status": 504, "count": 1, "applied": "yes"})
    with pytest.raises(ValueError, match="after"):
        faults.configure(burst={"status": 504, "count": 1, "after": -1})
