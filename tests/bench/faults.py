"""The fault suite: real Odoo in prefork mode, each provider's emulator, and
the faults of a bad day; then a reconciliation that must count 0.

Not a test (it runs minutes, so it stays out of ``make test``): it prints a
table and exits 1 when a count is not 0. One command::

    make faults                                   # every provider and fault
    .venv/bin/python -m tests.bench.faults --provider all --records 300
    .venv/bin/python -m tests.bench.faults --provider activecampaign --faults kill9

What runs: a copy of the test database (every addon installed), one backend
per provider against its emulator in a child process (the provider's real
limits), and ``odoo-bin --workers 2`` with ``queue_job`` server-wide and its
job runner (``[queue_job] channels = root:4``; see ``prefork.py``). Each
fault is a phase: for every provider, ``--records`` new partners (an email
prefix of their own) and, for ActiveCampaign, ``--orders`` quotations; the
export buttons are pressed and the prefork server performs the jobs while
the fault strikes:

``kill9``
    ``kill -9`` of the worker process running a job of the provider (the
    emulator answers 1.5 s late so a job is caught running); queue_job's
    runner finds the job ``started`` with its lock released and requeues it
    (``_query_requeue_dead_jobs``, 10 s after it was enqueued), as after a
    crash in production: nobody has to press anything;
``pg_drop``
    ``pg_terminate_backend`` of every PostgreSQL connection of the worker
    running a job of the provider, mid-job;
``5xx``
    a burst of ``--burst-5xx`` (5) answers 503 as the jobs start (more than the adapter's
    retries: the job itself is retried, the circuit breaker may open);
``429``
    a storm of ``--storm-429`` (25) rate-limit refusals in the provider's shape (Marketo 606
    in an HTTP 200 envelope, ActiveCampaign 429 ``Too Many Requests`` with
    ``Retry-After``, Constant Contact 429 ``throttled``);
``timeout``
    the provider applies the write (bulk import, upsert, deal), then holds
    the answer past the client's timeout (``request_timeout`` 5 s, held 8 s);
``token``
    the provider expires every access token three times, 2 s apart, while
    the jobs run (writes answer 1.5 s late; Marketo identity token, Constant Contact OAuth access token; the
    refresh token rotates). ActiveCampaign authenticates with an API key:
    it does not apply.

Then, per provider and fault, :func:`tests.bench.reconcile.reconcile`
counts remote records lost, remote duplicates, local duplicate partners or
bindings, and failures nobody can see (a lost record with no review item
and no failed job naming it, or a job left pending, enqueued or started when
the phase ended). Every phase is bounded (``--phase-budget``) and so is the
run (``--budget``); the server, its workers and the emulators are stopped by
process group at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from . import harness, reconcile
from .harness import OdooConf
from .prefork import PreforkServer

FAULTS = ("kill9", "pg_drop", "5xx", "429", "timeout", "token")
PROVIDERS = ("marketo", "activecampaign", "constantcontact")
SETTLED = ("done", "failed", "cancelled")
CREATE_CONTEXT = {
    "connector_no_export": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}
#: client timeout of the backends during the run, and how long the
#: ``timeout`` fault holds an applied write's answer
CLIENT_TIMEOUT = 5.0
HOLD_MS = 8000


def say(text=""):
    print(text, flush=True)


def _post(url, data):
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read().decode())


def _get(url):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.loads(answer.read().decode())


# ----------------------------------------------------------------------
# providers
# ----------------------------------------------------------------------


class Provider:
    """What the suite needs to know of one provider."""

    name = ""
    backend_model = ""
    binding_model = ""
    remote_kind = "contacts"
    write_paths: tuple = ()
    rate_limit_burst: dict = {}
    has_tokens = True

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.backend_id = None

    @property
    def channel(self):
        return f"root.marketing.{self.name}"

    def faults(self, **settings):
        return _post(f"{self.sandbox.url}/_sandbox/faults", settings)

    def records(self):
        return _get(f"{self.sandbox.url}/_sandbox/records")

    def injected(self):
        return _get(f"{self.sandbox.url}/_sandbox/stats").get("faults_injected") or 0

    def create_backend(self, env):
        raise NotImplementedError

    def create_data(self, env, prefix, args):
        """Extra records of the phase (orders); ``{kind: keys}`` expected."""
        return {}

    def press(self, backend):
        backend.action_export_contacts()

    def extra_bindings(self, env, backend, partners):
        return []


class Marketo(Provider):
    name = "marketo"
    backend_model = "marketo.backend"
    binding_model = "marketo.res.partner"
    remote_kind = "leads"
    write_paths = ("/rest/v1/leads.json",)
    rate_limit_burst = {"status": 200, "error": "606"}

    def create_backend(self, env):
        url = self.sandbox.url
        return env[self.backend_model].create(
            {
                "name": "Faults Marketo",
                "rest_url": url,
                "identity_url": f"{url}/identity",
                "client_id": "mkto-client",
                "client_secret": "mkto-secret",
                "import_since": "2000-01-01 00:00:00",
                "request_timeout": CLIENT_TIMEOUT,
            }
        )


class ActiveCampaign(Provider):
    name = "activecampaign"
    backend_model = "activecampaign.backend"
    binding_model = "activecampaign.res.partner"
    write_paths = ("/api/3/import/bulk_import", "/api/3/deals")
    rate_limit_burst = {"status": 429, "retry_after": 2}
    has_tokens = False

    def create_backend(self, env):
        backend = env[self.backend_model].create(
            {
                "name": "Faults ActiveCampaign",
                "api_url": self.sandbox.url,
                "api_key": "ac-sandbox-key",
                "list_id": "1",
                "max_inline_wait": 30.0,
                "request_timeout": CLIENT_TIMEOUT,
                "deal_pipeline_id": "1",
            }
        )
        backend.action_read_pipeline()
        stages = {s.name: s for s in backend.deal_stage_ids}
        stages["Proposal"].order_state = "draft"
        return backend

    def create_data(self, env, prefix, args):
        product = env["product.product"].search([("name", "=", "Fault suite")])
        if not product:
            product = env["product.product"].create(
                {"name": "Fault suite", "list_price": 10.0}
            )
        partners = env["res.partner"].search(
            [("email", "=like", f"{prefix}%")], limit=args.orders, order="id"
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "price_unit": 10.0 + i})
                    ],
                }
                for i, partner in enumerate(partners)
            ]
        )
        return {"deals": [f"{o.name} - {o.partner_id.name}" for o in orders]}

    def press(self, backend):
        backend.action_export_contacts()
        backend.action_export_orders()

    def extra_bindings(self, env, backend, partners):
        orders = env["sale.order"].search([("partner_id", "in", partners.ids)])
        bindings = (
            env["activecampaign.sale.order"]
            .with_context(active_test=False)
            .search([("backend_id", "=", backend.id), ("odoo_id", "in", orders.ids)])
        )
        return [(b._name, b.odoo_id.id, b.external_id or "") for b in bindings]


class ConstantContact(Provider):
    name = "constantcontact"
    backend_model = "constantcontact.backend"
    binding_model = "constantcontact.res.partner"
    write_paths = ("/v3/activities/contacts_json_import",)
    rate_limit_burst = {"status": 429, "error": "throttled"}

    def create_backend(self, env):
        from .bench_constantcontact import _connect

        url = self.sandbox.url
        backend = env[self.backend_model].create(
            {
                "name": "Faults Constant Contact",
                "api_url": f"{url}/v3",
                "oauth_authorize_url": f"{url}/oauth2/default/v1/authorize",
                "oauth_token_url": f"{url}/oauth2/default/v1/token",
                "oauth_revoke_url": f"{url}/oauth2/default/v1/revoke",
                "client_id": "cc-client",
                "client_secret": "cc-secret",
                "max_inline_wait": 30.0,
                "import_since": "2000-01-01 00:00:00",
                "request_timeout": CLIENT_TIMEOUT,
            }
        )
        _connect(env, backend, url)
        with backend.work_on(self.backend_model) as work:
            adapter = work.component(usage="backend.adapter")
            backend.default_list_id = adapter.create_list("Faults")["list_id"]
        return backend


PROVIDER_CLASSES = {p.name: p for p in (Marketo, ActiveCampaign, ConstantContact)}


# ----------------------------------------------------------------------
# faults
# ----------------------------------------------------------------------


def _started_job(env, provider, excluded):
    """``(uuid, worker_pid)`` of a job of ``provider`` running now."""
    env.cr.execute(
        "SELECT uuid, worker_pid FROM queue_job WHERE state = 'started' "
        "AND channel LIKE %s AND worker_pid IS NOT NULL ORDER BY date_started",
        (provider.channel + "%",),
    )
    for uuid, pid in env.cr.fetchall():
        if uuid not in excluded:
            return uuid, pid
    return None


def _socket_ports(pid):
    """Local TCP ports of the sockets process ``pid`` holds (``/proc``).

    Why not ``application_name``: in prefork mode every worker's connections
    carry the master's pid (``odoo-<master pid>``), so PostgreSQL cannot tell
    the workers apart; the client port can."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table, encoding="ascii") as f:
            for line in list(f)[1:]:
                cols = line.split()
                if cols[9] in inodes:
                    ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return sorted(ports)


def _terminate_connections(env, pid):
    """``pg_terminate_backend`` of the connections of Odoo process ``pid``
    (found by their client port); how many."""
    ports = _socket_ports(pid)
    if not ports:
        return 0
    env.cr.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE client_port = ANY(%s) AND datname = current_database() "
        "AND pid <> pg_backend_pid()",
        (ports,),
    )
    return env.cr.fetchone()[0]


class Striker(threading.Thread):
    """Strikes the phase's fault at each provider while its jobs run."""

    def __init__(self, registry, server, providers, fault, stop):
        super().__init__(daemon=True)
        self.registry = registry
        self.server = server
        self.providers = providers
        self.fault = fault
        self.stop = stop
        self.events = []

    def run(self):
        try:
            if self.fault in ("kill9", "pg_drop"):
                self._strike_workers()
            elif self.fault == "token":
                self._expire_tokens()
        except Exception as err:  # reported, the phase goes on
            self.events.append(f"striker error: {err!r}")

    def _strike_workers(self):
        todo = list(self.providers)
        struck = set()
        while todo and not self.stop.wait(0.3):
            with harness.environment(self.registry) as env:
                for provider in list(todo):
                    found = _started_job(env, provider, struck)
                    if not found:
                        continue
                    uuid, pid = found
                    if pid not in self.server.worker_pids():
                        continue  # not (or no longer) one of our workers
                    time.sleep(0.5)  # in the middle of it
                    if self.fault == "kill9":
                        os.kill(pid, signal.SIGKILL)  # a worker of our server
                        what = f"kill -9 worker {pid}"
                    else:
                        n = _terminate_connections(env, pid)
                        what = f"pg_terminate_backend: {n} connection(s) of {pid}"
                    struck.add(uuid)
                    todo.remove(provider)
                    self.events.append(f"{provider.name}: {what} (job {uuid[:8]})")
                    break  # one strike at a time: the next poll sees fresh jobs

    def _expire_tokens(self):
        for __ in range(3):
            if self.stop.wait(2):
                return
            for provider in self.providers:
                if provider.has_tokens:
                    provider.faults(expire_tokens=True)
                    self.events.append(f"{provider.name}: tokens expired")


def arm(provider, fault, args):
    """Emulator settings of the phase (before the button is pressed)."""
    provider.faults(burst=None, latency_ms=0, paths=None, error_rate=0)
    if fault in ("kill9", "pg_drop", "token"):
        # the writes are slow: a job is caught in the middle of one
        provider.faults(paths=list(provider.write_paths), latency_ms=1500)
    elif fault == "5xx":
        provider.faults(burst={"status": 503, "count": args.burst_5xx})
    elif fault == "429":
        provider.faults(burst=dict(provider.rate_limit_burst, count=args.storm_429))
    elif fault == "timeout":
        provider.faults(
            paths=list(provider.write_paths),
            burst={"status": 504, "count": 3, "applied": True, "hold_ms": HOLD_MS},
        )


# ----------------------------------------------------------------------
# one phase
# ----------------------------------------------------------------------


def create_partners(registry, prefix, count):
    with harness.environment(registry, CREATE_CONTEXT) as env:
        env["res.partner"].create(
            [
                {
                    "name": f"Fault {prefix}{i}",
                    "email": f"{prefix}{i}@example.com",
                    "phone": "+1 415 555 0100",
                }
                for i in range(count)
            ]
        )


def unsettled(env, providers, first_job_id):
    env.cr.execute(
        "SELECT channel, state, count(*) FROM queue_job WHERE id > %s "
        "AND state NOT IN %s GROUP BY channel, state",
        (first_job_id, SETTLED),
    )
    counts = {p.name: {} for p in providers}
    for channel, state, n in env.cr.fetchall():
        for provider in providers:
            if channel.startswith(provider.channel):
                counts[provider.name][state] = counts[provider.name].get(state, 0) + n
    return counts


def visible_keys(env, provider, backend, partners, expected, first_job_id):
    """Keys of the phase that a person can see failed: a review item on
    the partner or its binding, or a failed job naming its binding (a failed
    job of the backend itself, a chain step, names them all)."""
    Binding = env[provider.binding_model].with_context(active_test=False)
    bindings = Binding.search(
        [("backend_id", "=", backend.id), ("odoo_id", "in", partners.ids)]
    )
    issues = (
        env["marketing.sync.issue"]
        .sudo()
        .search(
            [
                "|",
                ("partner_id", "in", partners.ids),
                "&",
                ("res_model", "=", provider.binding_model),
                ("res_id", "in", bindings.ids),
            ]
        )
    )
    seen = set(issues.partner_id.mapped("email"))
    seen |= set(
        Binding.browse(
            [i.res_id for i in issues if i.res_model == provider.binding_model]
        ).mapped("email")
    )
    env.cr.execute(
        "SELECT model_name, records FROM queue_job WHERE id > %s AND state = 'failed' "
        "AND channel LIKE %s",
        (first_job_id, provider.channel + "%"),
    )
    everything = False
    for model, records in env.cr.fetchall():
        if isinstance(records, str):  # queue_job stores it as a JSON string
            records = json.loads(records)
        ids = (records or {}).get("ids") or [] if isinstance(records, dict) else []
        if model == provider.binding_model:
            seen |= set(Binding.browse(ids).exists().mapped("email"))
        else:
            everything = True
    if everything:
        return {kind: list(keys) for kind, keys in expected.items()}
    return {provider.remote_kind: sorted(e for e in seen if e)}


def reconcile_phase(registry, provider, fault, prefix, expected, first_job_id, left):
    with harness.environment(registry) as env:
        backend = env[provider.backend_model].browse(provider.backend_id)
        partners = (
            env["res.partner"]
            .with_context(active_test=False)
            .search([("email", "=like", f"{prefix}%")])
        )
        Binding = env[provider.binding_model].with_context(active_test=False)
        bindings = [
            (b._name, b.odoo_id.id, b.external_id or "")
            for b in Binding.search(
                [("backend_id", "=", backend.id), ("odoo_id", "in", partners.ids)]
            )
        ]
        bindings += provider.extra_bindings(env, backend, partners)
        visible = visible_keys(env, provider, backend, partners, expected, first_job_id)
        env.cr.execute(
            "SELECT method_name, exc_name, left(exc_info, 300) FROM queue_job "
            "WHERE id > %s AND state = 'failed' AND channel LIKE %s",
            (first_job_id, provider.channel + "%"),
        )
        failed = env.cr.fetchall()
        remote = provider.records()
        result = reconcile.reconcile(
            provider.name,
            fault,
            expected,
            remote,
            partner_emails=partners.mapped("email"),
            bindings=bindings,
            visible=visible,
            unsettled_jobs=sum(left.values()),
        )
        if failed:
            result.details["failed_jobs"] = failed
        return result


def run_phase(registry, server, providers, fault, args, budget):
    """One fault at every provider at once; their reconciliations."""
    active = [p for p in providers if fault != "token" or p.has_tokens]
    skipped = [p for p in providers if p not in active]
    results = [
        reconcile.Reconciliation(p.name, fault, details={"n/a": "API key, no token"})
        for p in skipped
    ]
    if not active:
        return results, []
    expected = {}
    for provider in active:
        prefix = f"{fault}-{provider.name[:4]}-".replace("_", "")
        create_partners(registry, prefix, args.records)
        with harness.environment(registry, CREATE_CONTEXT) as env:
            backend = env[provider.backend_model].browse(provider.backend_id)
            backend.partner_domain = f"[('email', '=like', '{prefix}%')]"
            extra = provider.create_data(env, prefix, args)
        emails = [f"{prefix}{i}@example.com" for i in range(args.records)]
        expected[provider.name] = (prefix, {provider.remote_kind: emails, **extra})
        provider.injected_before = provider.injected()
        arm(provider, fault, args)
    with harness.environment(registry) as env:
        env.cr.execute("SELECT coalesce(max(id), 0) FROM queue_job")
        first_job_id = env.cr.fetchone()[0]
    stop = threading.Event()
    striker = Striker(registry, server, active, fault, stop)
    start = time.monotonic()
    with harness.environment(registry) as env:
        for provider in active:
            provider.press(env[provider.backend_model].browse(provider.backend_id))
    striker.start()
    left = {}
    while time.monotonic() - start < budget:
        time.sleep(2)
        with harness.environment(registry) as env:
            left = unsettled(env, active, first_job_id)
        if not any(sum(c.values()) for c in left.values()):
            break
    stop.set()
    striker.join(timeout=10)
    for provider in active:
        provider.faults(burst=None, latency_ms=0, paths=None)
    wall = time.monotonic() - start
    for provider in active:
        prefix, keys = expected[provider.name]
        result = reconcile_phase(
            registry,
            provider,
            fault,
            prefix,
            keys,
            first_job_id,
            left.get(provider.name, {}),
        )
        result.details["wall"] = round(wall, 1)
        result.details["injected"] = provider.injected() - provider.injected_before
        if left.get(provider.name):
            result.details["left"] = left[provider.name]
        results.append(result)
    return results, striker.events


# ----------------------------------------------------------------------
# the run
# ----------------------------------------------------------------------


def job_summary(registry, providers):
    with harness.environment(registry) as env:
        env.cr.execute(
            "SELECT channel, state, count(*), sum(retry) FROM queue_job "
            "GROUP BY channel, state ORDER BY channel, state"
        )
        return env.cr.fetchall()


def copy_db(conf, template, name):
    """``CREATE DATABASE ... TEMPLATE`` (fast); when the template is in use
    (a test run holds it), a ``pg_dump | psql`` copy, which does not need it
    idle (the filestore is copied either way)."""
    import psycopg2

    try:
        harness.clone_db(conf, template, name)
        return
    except psycopg2.errors.ObjectInUse:
        say(f"    {template} is in use: pg_dump | psql instead")
    harness.drop_db(conf, name)
    with contextlib.closing(conf.pg_connect()) as cnx, cnx.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{name}"')
    env = dict(
        os.environ,
        PGHOST=conf.get("db_host") or "",
        PGPORT=str(conf.get("db_port") or ""),
        PGUSER=conf.get("db_user") or "",
    )
    if conf.get("db_password"):
        env["PGPASSWORD"] = conf.get("db_password")
    dump = subprocess.Popen(
        ["pg_dump", "--no-owner", template], stdout=subprocess.PIPE, env=env
    )
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-o", os.devnull, name],
        stdin=dump.stdout,
        env=env,
        check=True,
    )
    dump.stdout.close()
    if dump.wait() != 0:
        raise RuntimeError(f"pg_dump {template} failed")
    if conf.filestore(template).is_dir():
        shutil.copytree(conf.filestore(template), conf.filestore(name))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.faults",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--provider", default="all", help="all or a,b")
    parser.add_argument("--faults", default="all", help="all or " + ",".join(FAULTS))
    parser.add_argument("--records", type=int, default=300, help="partners per phase")
    parser.add_argument("--orders", type=int, default=20, help="AC deals per phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--burst-5xx", type=int, default=5, help="503s in a row")
    parser.add_argument("--storm-429", type=int, default=25, help="429s in a row")
    parser.add_argument("--channels", default="root:4")
    parser.add_argument("--phase-budget", type=float, default=420)
    parser.add_argument("--budget", type=float, default=2400, help="whole run, s")
    parser.add_argument("--config", default=harness.default_conf())
    parser.add_argument(
        "--template", default=os.environ.get("TEST_DB", "marketing_test")
    )
    parser.add_argument("--db", default="marketing_faults")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--json", help="write the results there")
    args = parser.parse_args(argv)
    names = PROVIDERS if args.provider == "all" else tuple(args.provider.split(","))
    faults = FAULTS if args.faults == "all" else tuple(args.faults.split(","))
    for name in names:
        if name not in PROVIDER_CLASSES:
            parser.error(f"unknown provider {name}")
    for fault in faults:
        if fault not in FAULTS:
            parser.error(f"unknown fault {fault}")
    run_start = time.monotonic()
    conf = OdooConf(args.config)
    say(
        f"fault suite: {', '.join(names)} x {', '.join(faults)}; {args.records} "
        f"partners per phase; --workers {args.workers}, channels {args.channels}"
    )
    say(f"load before: {os.getloadavg()}")
    say(f"copying {args.template} to {args.db}")
    copy_db(conf, args.template, args.db)
    harness.setup_odoo(conf, log_level="warn")
    registry = harness.open_registry(args.db)
    sandboxes, providers, server = [], [], None
    results, events = [], []
    try:
        for name in names:
            sandbox = harness.SandboxProcess(name, duration=args.budget + 600).start()
            sandboxes.append(sandbox)
            provider = PROVIDER_CLASSES[name](sandbox)
            with harness.environment(registry) as env:
                provider.backend_id = provider.create_backend(env).id
            providers.append(provider)
        server = PreforkServer(
            conf, args.db, workers=args.workers, queue_channels=args.channels
        ).start()
        say(
            f"prefork Odoo on {server.url}: workers {server.worker_pids()}, "
            f"evented {server.gevent_pid()}; log {server.log_path}"
        )
        for fault in faults:
            remaining = args.budget - (time.monotonic() - run_start)
            if remaining < 30:
                say(f"budget spent: {fault} not run")
                break
            say(f"phase {fault}")
            phase, phase_events = run_phase(
                registry,
                server,
                providers,
                fault,
                args,
                min(args.phase_budget, remaining),
            )
            for event in phase_events:
                say(f"    {event}")
            for result in phase:
                say(f"    {result.provider}: {result.row()[2:]} {result.details}")
            results += phase
            events += [f"{fault}: {e}" for e in phase_events]
    finally:
        if server is not None:
            server.stop()
        for sandbox in sandboxes:
            sandbox.stop()
    say()
    say("jobs (channel, state, count, retries):")
    for row in job_summary(registry, providers):
        say(f"    {row}")
    say()
    say(reconcile.table(results))
    say(f"load after: {os.getloadavg()}; {time.monotonic() - run_start:.0f} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "results": [
                        dict(
                            zip(
                                ["provider", "fault", "expected", *reconcile.COUNTS],
                                r.row(),
                                strict=True,
                            ),
                            details=r.details,
                        )
                        for r in results
                    ],
                    "events": events,
                },
                f,
                indent=1,
                default=str,
            )
    registry = None
    if not args.keep:
        with contextlib.suppress(Exception):
            harness.drop_db(conf, args.db)
    clean = all(r.clean for r in results)
    say("RESULT: " + ("all counts 0" if clean else "SOME COUNT IS NOT 0"))
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
