"""Webhook intake against Odoo's JSON-RPC ``create``, on a prefork server.

Not a test: nothing is asserted, it measures and prints a table.  One run::

    python -m tests.bench.bench_webhooks --deliveries 4000 --clients 8 --workers 2

1. copies ``<db>_template`` (``connector_marketo`` and
   ``connector_activecampaign`` installed once) to ``<db>``, creates a
   Marketo and an ActiveCampaign backend with a webhook secret and gives
   the admin a password;
2. starts Odoo as operators run it, in **prefork** mode (``odoo-bin -d <db>
   --workers N --max-cron-threads 0``, on a free 127.0.0.1 port; one
   database named, no ``--db-filter``, so a request finds it without listing
   PostgreSQL's databases), without queue_job's
   runner: the jobs the deliveries enqueue stay pending, so intake is
   measured apart from job processing (the connector benchmarks measure
   the jobs);
3. ``--clients`` threads (8) post in rounds, each round first the webhook
   deliveries and then as many JSON-RPC ``res.partner.create`` calls of one
   row (``/jsonrpc``, ``execute_kw``), or the other way round every second
   round, so a change of load on the machine weighs on both alike.  The
   deliveries alternate between Marketo (JSON, secret in a header) and
   ActiveCampaign (form-encoded, secret in the URL), every one a new event;
4. counts, once the server is stopped, the webhook events stored and the
   jobs enqueued for them: **lost** = deliveries answered ``accepted`` that
   are not in the database.

Columns: requests answered 2xx per second of the phase's wall time (all
clients together), latency p50 / p99 of one request as the client sees it,
and the ratios the targets read: intake rate / create rate (target 3x) and
intake p99 / create p99 (target 0.5 or less).  The machine's load average
is printed with the table: on shared cores, ratios are what to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from . import harness
from .harness import ROOT, OdooConf

ADMIN_PASSWORD = "bench-admin"
SECRET = "bench-webhook-secret"
MARKETO_HEADER = "X-Marketo-Webhook-Secret"


def say(text=""):
    print(text, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(conf, args):
    """Fresh copy of the template; the two backends; the admin's password."""
    template = f"{args.db}_template"
    modules = "connector_marketo,connector_activecampaign"
    if any(
        harness.module_state(conf, template, name) != "installed"
        for name in modules.split(",")
    ):
        harness.drop_db(conf, template)
        say(f"installing {modules} in {template} ...")
        harness.install_db(conf, template, modules)
    harness.clone_db(conf, template, args.db)
    harness.setup_odoo(conf, log_level="warn")
    registry = harness.open_registry(args.db)
    with harness.environment(registry) as env:
        marketo = env["marketo.backend"].create(
            {
                "name": "Bench webhooks",
                "rest_url": "http://127.0.0.1:9/rest",
                "identity_url": "http://127.0.0.1:9/identity",
                "client_id": "mkto-client",
                "client_secret": "mkto-secret",
                "webhook_secret": SECRET,
            }
        )
        activecampaign = env["activecampaign.backend"].create(
            {
                "name": "Bench webhooks",
                "api_url": "http://127.0.0.1:9",
                "api_key": "ac-key",
                "webhook_secret": SECRET,
                "list_id": "1",
            }
        )
        env.ref("base.user_admin").password = ADMIN_PASSWORD
        ids = {"marketo": marketo.id, "activecampaign": activecampaign.id}
    return registry, ids


def odoo_bin():
    """Odoo's ``odoo-bin`` script: the prefork server starts its evented
    (websocket) process again with ``sys.argv``, which ``python -m odoo``
    leaves unusable (a relative import in ``odoo/__main__.py``)."""
    command = [
        harness.default_python(),
        "-c",
        "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))",
    ]
    source = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    return str(Path(source) / "odoo-bin")


class PreforkServer:
    """``odoo --workers N`` on a free loopback port, in a child process."""

    def __init__(self, conf, db, workers, log_path, python=None):
        self.conf, self.db, self.workers = conf, db, workers
        self.log_path = Path(log_path)
        self.python = python or harness.default_python()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout=180):
        command = [self.python, odoo_bin(), "-c", self.conf.path] + [
            "-d",
            self.db,
            "--workers",
            str(self.workers),
            "--max-cron-threads",
            "0",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--gevent-port",
            str(free_port()),
            "--limit-time-real",
            "600",
            "--limit-time-cpu",
            "600",
            "--log-level",
            "warn",
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=harness._die_with_parent if os.name == "posix" else None,  # noqa: PLW1509
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo stopped at start-up: see {self.log_path}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/web/health", timeout=5).ok:
                    return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo did not answer in {timeout} s: see {self.log_path}")

    def stop(self):
        """SIGTERM to our own child (the prefork master stops its workers)."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


class Client:
    """The requests of one kind, timed; each thread keeps its session."""

    def __init__(self, base, db, backend_ids, start_index=0):
        self.base, self.db, self.ids = base, db, backend_ids
        self.local = threading.local()
        self.lock = threading.Lock()
        self.counter = start_index

    def _session(self):
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
        return session

    def _next(self):
        with self.lock:
            self.counter += 1
            return self.counter

    def webhook(self, __=None):
        """One new event: Marketo (JSON) and ActiveCampaign (form) in turn;
        ``(seconds, ok, accepted)``."""
        n = self._next()
        if n % 2:
            url = f"{self.base}/connector_marketo/webhook/{self.ids['marketo']}"
            body = json.dumps(
                {
                    "leadId": str(100000 + n),
                    "trigger": "lead.changed",
                    "sentAt": f"2026-12-03T10:00:00Z#{n}",
                }
            )
            headers = {"Content-Type": "application/json", MARKETO_HEADER: SECRET}
        else:
            backend_id = self.ids["activecampaign"]
            url = f"{self.base}/connector_activecampaign/webhook/{backend_id}/{SECRET}"
            body = urllib.parse.urlencode(
                {
                    "type": "open",
                    "date_time": "2026-12-03T10:00:00",
                    "initiated_by": "public",
                    "contact[id]": str(200000 + n),
                    "contact[email]": f"hook{n}@example.com",
                    "campaign[name]": "Bench",
                    "event[n]": str(n),
                }
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        begin = time.perf_counter()
        try:
            answer = self._session().post(url, data=body, headers=headers, timeout=60)
            seconds = time.perf_counter() - begin
            accepted = answer.ok and answer.json().get("accepted", 0)
            return seconds, answer.ok, int(accepted or 0)
        except (requests.RequestException, ValueError):
            return time.perf_counter() - begin, False, 0

    def create(self, __=None):
        """One JSON-RPC ``res.partner.create`` of one row."""
        n = self._next()
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": n,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.db,
                    2,
                    ADMIN_PASSWORD,
                    "res.partner",
                    "create",
                    [{"name": f"RPC Bench {n}", "email": f"rpc{n}@example.com"}],
                ],
            },
        }
        begin = time.perf_counter()
        try:
            answer = self._session().post(
                f"{self.base}/jsonrpc", json=payload, timeout=60
            )
            seconds = time.perf_counter() - begin
            ok = answer.ok and isinstance(answer.json().get("result"), int)
            return seconds, ok, int(ok)
        except (requests.RequestException, ValueError):
            return time.perf_counter() - begin, False, 0


class Phase:
    """Latencies and outcomes of one kind of request over the rounds."""

    def __init__(self, name):
        self.name = name
        self.times, self.ok, self.accepted, self.failed = [], 0, 0, 0
        self.wall = 0.0

    def run(self, func, count, clients):
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            results = list(pool.map(func, range(count)))
        self.wall += time.monotonic() - start
        for seconds, ok, accepted in results:
            self.times.append(seconds)
            self.ok += ok
            self.failed += not ok
            self.accepted += accepted

    def percentile(self, share):
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(len(ordered) * share) - 1)] * 1000

    @property
    def rate(self):
        return self.ok / self.wall if self.wall else 0.0


def count_stored(registry, ids):
    with harness.environment(registry) as env:
        env.cr.execute(
            "SELECT count(*), count(job_uuid) FROM marketing_webhook_event "
            "WHERE (backend_model = 'marketo.backend' AND backend_id = %s) "
            "   OR (backend_model = 'activecampaign.backend' AND backend_id = %s)",
            (ids["marketo"], ids["activecampaign"]),
        )
        events, with_job = env.cr.fetchone()
        env.cr.execute(
            "SELECT count(*) FROM queue_job WHERE method_name = 'process_webhook_event'"
        )
        jobs = env.cr.fetchone()[0]
        env.cr.execute(
            "SELECT count(*) FROM res_partner WHERE name LIKE 'RPC Bench %%'"
        )
        partners = env.cr.fetchone()[0]
    return {"events": events, "with_job": with_job, "jobs": jobs, "partners": partners}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_webhooks")
    parser.add_argument("--config", default=harness.default_conf())
    parser.add_argument("--db", default="marketing_bench_hooks")
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument(
        "--creates", type=int, default=0, help="JSON-RPC creates (0: as deliveries)"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="Odoo HTTP workers")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=40, help="untimed, each kind")
    args = parser.parse_args(argv)
    creates = args.creates or args.deliveries
    conf = OdooConf(args.config)
    load_before = os.getloadavg()
    say(
        f"webhook intake vs JSON-RPC create: {args.deliveries} deliveries, "
        f"{creates} creates, {args.clients} clients, prefork --workers "
        f"{args.workers}, load average {load_before[0]:.2f} {load_before[1]:.2f}"
    )
    registry, ids = prepare(conf, args)
    log = ROOT / ".local" / "bench" / "bench_webhooks_odoo.log"
    intake, create = Phase("webhook intake"), Phase("JSON-RPC create (1 row)")
    with PreforkServer(conf, args.db, args.workers, log) as server:
        client = Client(server.url, args.db, ids)
        # untimed: each HTTP worker loads the registry at its first request
        warm_hooks = Phase("warm-up deliveries")
        warm_hooks.run(client.webhook, args.warmup, args.clients)
        Phase("warm-up creates").run(client.create, args.warmup, args.clients)
        for number in range(args.rounds):
            hooks = args.deliveries // args.rounds
            rpc = creates // args.rounds
            order = [(intake, client.webhook, hooks), (create, client.create, rpc)]
            for phase, func, count in order if number % 2 == 0 else order[::-1]:
                phase.run(func, count, args.clients)
                say(
                    f"  round {number + 1}: {phase.name}: {phase.ok} ok so far, "
                    f"{phase.rate:.1f}/s"
                )
    load_after = os.getloadavg()
    stored = count_stored(registry, ids)
    # the warm-up's deliveries are stored too
    expected = intake.accepted + warm_hooks.accepted
    say()
    say("| requests | clients | answered 2xx | failed | per s | p50 ms | p99 ms |")
    say("|---|---|---|---|---|---|---|")
    for phase in (intake, create):
        say(
            f"| {phase.name} | {args.clients} | {phase.ok} | {phase.failed} "
            f"| {phase.rate:.1f} | {phase.percentile(0.5):.1f} "
            f"| {phase.percentile(0.99):.1f} |"
        )
    rate_ratio = intake.rate / create.rate if create.rate else float("nan")
    p99_ratio = intake.percentile(0.99) / create.percentile(0.99)
    say()
    say(
        f"intake / create: {rate_ratio:.2f}x the rate (target >= 3), p99 "
        f"{p99_ratio:.2f} of create's (target <= 0.5)"
    )
    say(
        f"deliveries accepted {expected} (warm-up included), webhook events "
        f"stored {stored['events']}, lost {expected - stored['events']}; "
        f"events with a job {stored['with_job']}, webhook jobs pending "
        f"{stored['jobs']}; partners created over RPC {stored['partners']}"
    )
    say(
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, after "
        f"{load_after[0]:.2f} {load_after[1]:.2f} (2 cores shared with other "
        f"work); Odoo's log: {log}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
