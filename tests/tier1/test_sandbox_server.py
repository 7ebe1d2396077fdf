"""Tier-1 tests of the sandbox framework: server, routing, parsing, stats.

A small emulator defined here exercises what every provider emulator relies
on: the server runs on 127.0.0.1 and stops cleanly, routes match with path
parameters (fixed paths first), bodies and query strings are parsed, hooks
shape the refusals, stats count every request before the client sees the
answer, and the ``/_sandbox/`` control endpoints work and are never counted.

Run: ``python -m pytest -p no:odoo tests/tier1/test_sandbox_server.py``.
"""

import threading
import time

import pytest
import requests

from tests.sandbox.server import (
    Emulator,
    Request,
    Response,
    SandboxServer,
    Stats,
    route,
)

TIMEOUT = 5


class ThingsEmulator(Emulator):
    """A toy provider: things by id, an echo, a handler bug, a meeting point."""

    name = "things"
    serialize_handlers = False  # the barrier route needs parallel handlers

    def __init__(self, **options):
        super().__init__(**options)
        self.things = {"a": {"id": "a"}, "x/y": {"id": "x/y"}}
        self.barrier = None

    @route("GET", "/things/<thing_id>")
    def read(self, request):
        thing = self.things.get(request.params["thing_id"])
        return thing if thing else self.error(404, "no_such_thing")

    @route("GET", "/things/count")
    def count(self, request):
        return {"count": len(self.things)}

    @route("DELETE", "/things/<thing_id>")
    def delete(self, request):
        self.things.pop(request.params["thing_id"], None)
        return Response(204)

    @route("POST", "/echo")
    @route("PUT", "/echo")
    def echo(self, request):
        return {
            "method": request.method,
            "query": request.query,
            "query_all": request.query_all,
            "json": request.json,
            "form": request.form,
            "body": request.body.decode(),
            "content_type": request.content_type,
            "x_custom": request.headers.get("X-CUSTOM"),
        }

    @route("GET", "/raw")
    def raw(self, request):
        return Response(
            201, body="plain text", headers={"X-Thing": "1"}, content_type="text/x"
        )

    @route("GET", "/boom")
    def boom(self, request):
        raise RuntimeError("handler bug")

    @route("GET", "/bad-return")
    def bad_return(self, request):
        return 42

    @route("GET", "/meet")
    def meet(self, request):
        self.barrier.wait(timeout=TIMEOUT)
        return {"met": True}


@pytest.fixture
def http():
    session = requests.Session()
    session.trust_env = False  # never send 127.0.0.1 through a proxy
    yield session
    session.close()


@pytest.fixture
def sandbox():
    emulator = ThingsEmulator()
    with SandboxServer(emulator) as server:
        yield emulator, server


# ----------------------------------------------------------------------
# server lifecycle
# ----------------------------------------------------------------------


def test_serves_on_loopback_free_port_and_stops(http):
    emulator = ThingsEmulator()
    with SandboxServer(emulator) as first, SandboxServer(ThingsEmulator()) as second:
        assert first.url.startswith("http://127.0.0.1:")
        assert first.port != second.port
        assert http.get(first.url + "/things/count", timeout=TIMEOUT).json() == {
            "count": 2
        }
        url = first.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/things/count", timeout=TIMEOUT)
    with pytest.raises(RuntimeError):
        first.url  # noqa: B018 - the property raises once stopped


def test_refuses_other_hosts():
    with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
        SandboxServer(ThingsEmulator(), host="0.0.0.0")


def test_start_stop_are_idempotent():
    server = SandboxServer(ThingsEmulator())
    assert server.start() is server.start()
    server.stop()
    server.stop()


def test_stop_is_prompt_with_a_keep_alive_connection_open(http):
    server = SandboxServer(ThingsEmulator()).start()
    for _i in range(3):  # one pooled connection, reused
        assert http.get(server.url + "/things/a", timeout=TIMEOUT).ok
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3


# ----------------------------------------------------------------------
# routing and parsing
# ----------------------------------------------------------------------


def test_path_parameters_and_fixed_paths_first(sandbox, http):
    _emulator, server = sandbox
    assert http.get(server.url + "/things/a", timeout=TIMEOUT).json() == {"id": "a"}
    # declared after <thing_id> but a fixed path wins
    assert http.get(server.url + "/things/count", timeout=TIMEOUT).json() == {
        "count": 2
    }
    # an encoded slash stays inside the parameter
    assert http.get(server.url + "/things/x%2Fy", timeout=TIMEOUT).json() == {
        "id": "x/y"
    }
    missing = http.get(server.url + "/things/zzz", timeout=TIMEOUT)
    assert (missing.status_code, missing.json()) == (404, {"error": "no_such_thing"})


def test_unknown_path_and_wrong_method(sandbox, http):
    _emulator, server = sandbox
    unknown = http.get(server.url + "/nowhere", timeout=TIMEOUT)
    assert (unknown.status_code, unknown.json()) == (404, {"error": "not_found"})
    wrong = http.post(server.url + "/things/a", timeout=TIMEOUT)
    assert wrong.status_code == 405
    assert wrong.json() == {"error": "method_not_allowed"}
    assert wrong.headers["Allow"] == "DELETE, GET"


def test_json_form_query_and_headers_are_parsed(sandbox, http):
    _emulator, server = sandbox
    as_json = http.post(
        server.url + "/echo?a=1&a=2&b=",
        json={"k": ["v", 1]},
        headers={"x-custom": "yes"},
        timeout=TIMEOUT,
    ).json()
    assert as_json["json"] == {"k": ["v", 1]}
    assert as_json["query"] == {"a": "1", "b": ""}
    assert as_json["query_all"] == {"a": ["1", "2"], "b": [""]}
    assert as_json["x_custom"] == "yes"
    assert as_json["form"] is None
    as_form = http.put(
        server.url + "/echo", data={"grant_type": "x", "n": "é"}, timeout=TIMEOUT
    ).json()
    assert as_form["method"] == "PUT"
    assert as_form["form"] == {"grant_type": "x", "n": "é"}
    assert as_form["json"] is None
    raw = http.post(
        server.url + "/echo",
        data=b"<xml/>",
        headers={"Content-Type": "text/xml"},
        timeout=TIMEOUT,
    ).json()
    assert (raw["body"], raw["content_type"], raw["json"]) == (
        "<xml/>",
        "text/xml",
        None,
    )


def test_chunked_body_is_read(sandbox, http):
    _emulator, server = sandbox
    chunks = (part for part in [b'{"a": ', b"[1, 2]}"])
    answer = http.post(
        server.url + "/echo",
        data=chunks,
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert answer.json()["json"] == {"a": [1, 2]}


def test_invalid_json_is_a_400_and_the_handler_never_runs(sandbox, http):
    emulator, server = sandbox
    answer = http.post(
        server.url + "/echo",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_json"
    assert emulator.stats["per_status"] == {"400": 1}


def test_body_over_the_limit_is_413(sandbox, http):
    emulator, server = sandbox
    emulator.max_body_bytes = 1000
    answer = http.post(server.url + "/echo", data=b"x" * 5000, timeout=TIMEOUT)
    assert (answer.status_code, answer.json()) == (413, {"error": "body_too_large"})
    # the server is still fine afterwards
    assert http.get(server.url + "/things/a", timeout=TIMEOUT).ok


def test_raw_bodies_custom_headers_and_204(sandbox, http):
    emulator, server = sandbox
    raw = http.get(server.url + "/raw", timeout=TIMEOUT)
    assert (raw.status_code, raw.text) == (201, "plain text")
    assert raw.headers["Content-Type"] == "text/x"
    assert raw.headers["X-Thing"] == "1"
    deleted = http.delete(server.url + "/things/a", timeout=TIMEOUT)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert "a" not in emulator.things


def test_handler_bugs_are_counted_500s_and_the_server_survives(sandbox, http):
    emulator, server = sandbox
    boom = http.get(server.url + "/boom", timeout=TIMEOUT)
    assert boom.status_code == 500
    assert boom.json()["error"] == "sandbox_error"
    assert "handler bug" in boom.json()["message"]
    assert http.get(server.url + "/bad-return", timeout=TIMEOUT).status_code == 500
    assert http.get(server.url + "/things/a", timeout=TIMEOUT).ok
    stats = emulator.stats.snapshot()
    assert stats["handler_errors"] == 2
    assert stats["per_status"] == {"500": 2, "200": 1}


def test_dispatch_without_http():
    emulator = ThingsEmulator()
    answer = emulator.dispatch(Request("POST", "/echo?q=1", json={"a": 1}))
    assert answer.status == 200
    assert answer.json["json"] == {"a": 1}
    assert answer.json["query"] == {"q": "1"}
    form = emulator.dispatch(Request("POST", "/echo", form={"a": ["1", "2"]}))
    assert form.json["form"] == {"a": "1"}
    assert emulator.stats["per_route"] == {"POST /echo": 2}


def test_table_routes_and_subclass_override():
    class Child(ThingsEmulator):
        @route("GET", "/things/count")
        def count(self, request):
            return {"count": -1}

    child = Child()
    child.add_route("GET", "/extra/<n>", lambda request: {"n": request.params["n"]})
    assert child.dispatch(Request("GET", "/things/count")).json == {"count": -1}
    assert child.dispatch(Request("GET", "/extra/7")).json == {"n": "7"}
    assert child.dispatch(Request("GET", "/things/a")).json == {"id": "a"}


# ----------------------------------------------------------------------
# stats
# ----------------------------------------------------------------------


def test_stats_count_routes_statuses_and_arrivals(sandbox, http):
    emulator, server = sandbox
    before = time.time()
    http.get(server.url + "/things/a", timeout=TIMEOUT)
    http.get(server.url + "/things/b", timeout=TIMEOUT)
    http.get(server.url + "/things/count", timeout=TIMEOUT)
    http.get(server.url + "/nowhere", timeout=TIMEOUT)
    stats = emulator.stats
    assert stats["total"] == 4
    assert stats["per_route"] == {
        "GET /things/<thing_id>": 2,
        "GET /things/count": 1,
        "GET <unmatched>": 1,
    }
    assert stats["per_status"] == {"200": 2, "404": 2}
    assert len(stats["timestamps"]) == 4
    assert before <= stats["first_request_at"] <= stats["last_request_at"]
    assert stats["in_flight"] == 0
    # the HTTP view is the same, and reading it is not counted
    remote = http.get(server.url + "/_sandbox/stats", timeout=TIMEOUT).json()
    assert remote["total"] == 4
    assert remote["per_route"] == stats["per_route"]
    assert emulator.stats["total"] == 4


def test_concurrency_peak_is_exact(sandbox, http):
    emulator, server = sandbox
    emulator.barrier = threading.Barrier(4)
    answers = []

    def call():
        session = requests.Session()
        session.trust_env = False
        answers.append(session.get(server.url + "/meet", timeout=TIMEOUT).status_code)

    threads = [threading.Thread(target=call) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    # all four were inside the handler at once (the barrier let them out)
    assert answers == [200] * 4
    assert emulator.stats["concurrency_peak"] == 4


def test_reset_clears_stats_and_faults_but_keeps_data(sandbox, http):
    emulator, server = sandbox
    http.get(server.url + "/things/a", timeout=TIMEOUT)
    emulator.faults.configure(latency_ms=5, burst={"status": 503, "count": 9})
    assert http.post(server.url + "/_sandbox/reset", timeout=TIMEOUT).json() == {
        "reset": True
    }
    assert emulator.stats["total"] == 0
    assert emulator.stats["per_route"] == {}
    assert emulator.faults.config["burst"] is None
    assert emulator.faults.config["latency_ms"] == 0
    assert http.get(server.url + "/things/a", timeout=TIMEOUT).json() == {"id": "a"}


def test_control_endpoints_validate(sandbox, http):
    emulator, server = sandbox
    base = server.url + "/_sandbox/"
    bad = http.post(base + "faults", json={"error_rate": 2}, timeout=TIMEOUT)
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_faults"
    assert "error_rate" in bad.json()["message"]
    unknown = http.post(base + "faults", json={"nope": 1}, timeout=TIMEOUT)
    assert unknown.status_code == 400
    not_object = http.post(base + "limits", json=[1], timeout=TIMEOUT)
    assert not_object.status_code == 400
    assert http.get(base + "nothing", timeout=TIMEOUT).status_code == 404
    assert http.delete(base + "faults", timeout=TIMEOUT).status_code == 405
    # this sandbox issues no tokens
    tokens = http.post(base + "faults", json={"expire_tokens": True}, timeout=TIMEOUT)
    assert tokens.status_code == 400
    assert emulator.stats["total"] == 0, "control calls are never counted"


def test_limits_can_be_changed_at_run_time(sandbox, http):
    emulator, server = sandbox
    answer = http.post(
        server.url + "/_sandbox/limits",
        json={"calls_per_window": 2, "window_seconds": 60},
        timeout=TIMEOUT,
    )
    assert answer.json()["calls_per_window"] == 2
    statuses = [
        http.get(server.url + "/things/a", timeout=TIMEOUT).status_code
        for _i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert emulator.limits.config["window_seconds"] == 60


def test_stats_max_in_window():
    clock_values = iter([0.0, 0.1, 0.2, 1.5, 1.6, 5.0])
    stats = Stats(clock=lambda: next(clock_values))
    for _i in range(6):
        stats.started()
        stats.finished("GET /x", 200)
    assert stats.max_in_window(1.0) == 3
    assert stats.max_in_window(2.0) == 5
    assert stats.max_in_window(10.0) == 6
    assert stats["concurrency_peak"] == 1
    assert dict(stats)["total"] == 6
