"""What the benchmarks and ``tools/demo.py`` share.

* **Databases** (no Odoo import needed): read an ``odoo.conf``, create a
  database with addons installed (``python -m odoo ... -i``), clone one from
  a template, drop one (with its filestore).
* **Odoo in-process**: :func:`setup_odoo` parses the configuration once,
  :func:`open_registry` / :func:`environment` give a registry and a
  superuser environment (committed on success).
* **A queue-job worker**: :class:`JobRunner` performs the ``queue.job``
  records of a database the way ``queue_job``'s runner and its
  ``/queue_job/runjob`` controller do: the next pending job by priority and
  creation date whose ``eta`` has passed is set ``enqueued``, then acquired
  and performed by :class:`~odoo.addons.queue_job.controllers.main.RunJobController`
  in its own transaction (commit on success; ``RetryableJobError``
  postpones it by its ``seconds``, failures are stored as ``failed``).
  Postponed jobs run again when their ``eta`` comes.  One worker runs in the
  calling thread (profilers see it); ``workers=N`` runs N threads, each with
  its own cursor.
* **Memory**: :class:`MemoryMeter` samples the resident set size of the
  process during a block (peak and baseline), optionally with
  ``tracemalloc`` (Python allocations only; slows Python down).
* **Sandboxes**: :class:`SandboxProcess` runs a provider emulator of
  ``tests/sandbox`` in a child process (its memory and CPU are not the
  connector's); :func:`sandbox_stats` / :func:`call_counts` read the API
  calls and limit violations from an emulator or its ``/_sandbox/stats``.

The child process is ``python -m tests.bench.harness sandbox --provider
marketo --seed 1000`` (it prints ``<name> sandbox on http://127.0.0.1:PORT``
first, stops by itself after ``--duration`` seconds or when its parent dies).

Run everything from the repository root, never from inside Odoo's source
tree (its ``odoo/_monkeypatches/email.py`` would shadow the standard library).
"""

from __future__ import annotations

import argparse
import collections
import configparser
import contextlib
import importlib
import importlib.util
import json
import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------
# configuration and databases (no Odoo import)
# ----------------------------------------------------------------------


def default_python() -> str:
    """The venv python of ``make setup``, or ``$PY``, or this interpreter."""
    if os.environ.get("PY"):
        python = os.environ["PY"]
        if os.sep not in python:
            return shutil.which(python) or python
        return os.path.abspath(python)  # not resolve(): keep the venv's link
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def default_conf() -> str:
    """``$ODOO_CONF``, else ``.local/odoo.conf`` of ``make setup``."""
    return os.environ.get("ODOO_CONF") or str(ROOT / ".local" / "odoo.conf")


def _false(value):
    return value in (None, "", "False", "false", "None")


class OdooConf:
    """The options of an ``odoo.conf`` the harness needs."""

    def __init__(self, path):
        self.path = str(Path(path).resolve())
        if not Path(self.path).is_file():
            raise SystemExit(
                f"No Odoo configuration at {self.path}: run 'make setup' or set "
                "ODOO_CONF=/path/to/odoo.conf"
            )
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.path)
        self.options = dict(parser["options"]) if "options" in parser else {}

    def get(self, key, default=None):
        value = self.options.get(key)
        return default if _false(value) else value

    @property
    def data_dir(self) -> Path:
        value = self.get("data_dir")
        if value:
            return Path(value).expanduser()
        return Path.home() / ".local" / "share" / "Odoo"

    def filestore(self, db) -> Path:
        return self.data_dir / "filestore" / db

    @property
    def http_port(self) -> int:
        return int(self.get("http_port") or self.get("xmlrpc_port") or 8069)

    def pg_connect(self, dbname="postgres"):
        import psycopg2

        connection = psycopg2.connect(
            dbname=dbname,
            host=self.get("db_host"),
            port=self.get("db_port"),
            user=self.get("db_user"),
            password=self.get("db_password"),
        )
        connection.autocommit = True
        return connection


def db_exists(conf: OdooConf, name: str) -> bool:
    with contextlib.closing(conf.pg_connect()) as cnx, cnx.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return bool(cr.fetchone())


def module_state(conf: OdooConf, db: str, module: str) -> str | None:
    """State of ``module`` in ``db`` (``installed``...), None if unknown."""
    if not db_exists(conf, db):
        return None
    with contextlib.closing(conf.pg_connect(db)) as cnx, cnx.cursor() as cr:
        cr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
        if not cr.fetchone()[0]:
            return None
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (module,))
        row = cr.fetchone()
        return row[0] if row else None


def drop_db(conf: OdooConf, name: str) -> None:
    """Drop ``name`` (closing its connections) and its filestore."""
    from psycopg2 import sql

    with contextlib.closing(conf.pg_connect()) as cnx, cnx.cursor() as cr:
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    shutil.rmtree(conf.filestore(name), ignore_errors=True)


def clone_db(conf: OdooConf, template: str, name: str) -> float:
    """A fresh copy of ``template`` named ``name`` (database and filestore)."""
    from psycopg2 import sql

    start = time.monotonic()
    drop_db(conf, name)
    with contextlib.closing(conf.pg_connect()) as cnx, cnx.cursor() as cr:
        cr.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    if conf.filestore(template).is_dir():
        shutil.copytree(conf.filestore(template), conf.filestore(name))
    return time.monotonic() - start


def odoo_command(conf: OdooConf, python: str | None = None) -> list[str]:
    return [python or default_python(), "-m", "odoo", "-c", conf.path]


def install_db(
    conf: OdooConf,
    db: str,
    modules: str = "connector_marketo",
    python: str | None = None,
    quiet: bool = True,
    update: bool = False,
) -> float:
    """``odoo -d db -i modules --stop-after-init`` (creates ``db`` if needed);
    ``update``: ``-u`` instead (an installed database follows the code)."""
    start = time.monotonic()
    command = odoo_command(conf, python) + [
        "-d",
        db,
        "-u" if update else "-i",
        modules,
        "--stop-after-init",
        "--no-http",
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stdout or "")[-3000:]
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{tail}")
    return time.monotonic() - start


# ----------------------------------------------------------------------
# Odoo in-process
# ----------------------------------------------------------------------


def _check_cwd():
    """Refuse to import Odoo from inside its source tree (email.py shadowing)."""
    spec = importlib.util.find_spec("odoo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"Odoo is not importable by {sys.executable}: run 'make setup' or "
            "use the venv python (PY=...)."
        )
    source = Path(next(iter(spec.submodule_search_locations))).resolve().parent
    cwd = Path.cwd().resolve()
    if cwd == source or source in cwd.parents:
        raise SystemExit(
            f"Run from the repository root ({ROOT}), not from inside Odoo's "
            f"source tree ({cwd}): its odoo/_monkeypatches/email.py would shadow "
            "the standard library."
        )


def setup_odoo(conf: OdooConf | str, *extra_args: str, log_level: str | None = None):
    """Parse the Odoo configuration once; return the ``odoo`` module."""
    os.environ["TZ"] = "UTC"
    time.tzset()
    _check_cwd()
    if isinstance(conf, str):
        conf = OdooConf(conf)
    import odoo
    from odoo.tools import config

    args = ["-c", conf.path, *extra_args]
    if log_level:
        args += ["--log-level", log_level]
    config.parse_config(args)
    return odoo


def open_registry(db: str):
    from odoo.modules.registry import Registry

    threading.current_thread().dbname = db
    return Registry(db)


@contextlib.contextmanager
def environment(registry, context=None):
    """A superuser environment on a new cursor: commit on success, else rollback."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, dict(context or {}))


# ----------------------------------------------------------------------
# queue jobs, performed like a worker
# ----------------------------------------------------------------------

_CLAIM_SQL = """
UPDATE queue_job
   SET state = 'enqueued',
       date_enqueued = date_trunc('seconds', now() at time zone 'utc')
 WHERE id = (
        SELECT id FROM queue_job
         WHERE state = 'pending'
           AND (eta IS NULL OR eta <= now() at time zone 'utc')
         ORDER BY priority, date_created, id
         LIMIT 1
           FOR UPDATE SKIP LOCKED)
RETURNING uuid, method_name
"""

_PENDING_SQL = """
SELECT count(*),
       extract(epoch from min(eta) - (now() at time zone 'utc'))
  FROM queue_job
 WHERE state = 'pending'
"""


@dataclass
class RunStats:
    """What a :class:`JobRunner` did."""

    attempts: int = 0
    done: int = 0
    failed: int = 0
    postponed: int = 0
    skipped: int = 0  # claimed but not acquired (another worker has it)
    done_by_method: collections.Counter = field(default_factory=collections.Counter)
    failed_by_method: collections.Counter = field(default_factory=collections.Counter)
    postponed_by_method: collections.Counter = field(
        default_factory=collections.Counter
    )
    #: "method: message" of each postponement (why the job could not run)
    postponed_by_reason: collections.Counter = field(
        default_factory=collections.Counter
    )
    #: highest RSS (MB) of the process right after a job of each method
    rss_mb_after: dict = field(default_factory=dict)
    job_seconds: float = 0.0
    #: CPU seconds the jobs took in their own thread (PostgreSQL's not
    #: counted): on a machine of N cores no run is shorter than this / N
    job_cpu_seconds: float = 0.0
    wall: float = 0.0
    remaining: int = 0
    #: jobs left ``enqueued`` (claimed, never performed) when the run ended
    stuck: int = 0
    stopped_by: str = ""
    failures: list = field(default_factory=list)

    def as_dict(self):
        return {
            "attempts": self.attempts,
            "done": self.done,
            "failed": self.failed,
            "postponed": self.postponed,
            "done_by_method": dict(self.done_by_method),
            "failed_by_method": dict(self.failed_by_method),
            "postponed_by_method": dict(self.postponed_by_method),
            "postponed_by_reason": dict(self.postponed_by_reason),
            "rss_mb_after": {k: round(v, 1) for k, v in self.rss_mb_after.items()},
            "job_seconds": round(self.job_seconds, 3),
            "job_cpu_seconds": round(self.job_cpu_seconds, 3),
            "wall": round(self.wall, 3),
            "remaining": self.remaining,
            "stuck": self.stuck,
            "stopped_by": self.stopped_by,
            "failures": self.failures[:5],
        }


class JobRunner:
    """Perform the queued jobs of a database until none is left.

    ``run()`` returns when no job is pending or running (``stopped_by`` is
    ``idle``), when ``deadline`` (seconds from the start) is reached, when
    the next ``eta`` lies beyond it (``waiting``), or when ``stop`` (a
    :class:`threading.Event`) is set.  A postponed job (rate limit, bulk
    export not ready) waits for its ``eta`` like it would in production:
    nothing is fast-forwarded.
    """

    def __init__(
        self,
        registry,
        workers: int = 1,
        poll: float = 0.2,
        progress: float | None = None,
        out=None,
    ):
        self.registry = registry
        self.db = registry.db_name
        self.workers = max(1, int(workers))
        self.poll = poll
        self.progress = progress
        self.out = out or sys.stderr
        self._lock = threading.Lock()
        self._busy = 0
        self._stats = RunStats()

    #: tries to acquire a claimed job whose row another transaction locks
    ACQUIRE_ATTEMPTS = 50

    # -- one job ------------------------------------------------------
    def _claim(self):
        """Mark the next ready job enqueued (own transaction); its uuid or None."""
        from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

        with self.registry.cursor() as cr:
            cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            cr.execute(_CLAIM_SQL)
            return cr.fetchone()

    def _pending(self):
        with self.registry.cursor() as cr:
            cr.execute(_PENDING_SQL)
            count, next_eta = cr.fetchone()
        return count, (float(next_eta) if next_eta is not None else None)

    def _acquire(self, uuid):
        """``(cursor, job)``: the claimed job acquired, or ``(cursor, None)``
        when it is no longer ``enqueued`` (another worker has it).

        Why a retry: ``_acquire_job`` selects the job ``FOR NO KEY UPDATE
        SKIP LOCKED``, and a row lock can be held for a moment by another
        worker's claim.  That claim's ``SELECT ... FOR UPDATE SKIP LOCKED``
        of the next pending job, in READ COMMITTED, may lock the row this
        worker has just claimed (its statement snapshot still saw it
        ``pending``), find on re-check that it is ``enqueued`` now and move
        on, holding the lock until its transaction ends.  Skipped then, the
        job stayed ``enqueued`` for good: nothing requeues it in the harness
        (queue_job's runner would, after minutes).  While the job is still
        ``enqueued`` the acquisition is tried again: the claim's transaction
        lasts milliseconds.
        """
        from odoo import SUPERUSER_ID, api

        from odoo.addons.queue_job.controllers.main import RunJobController
        from odoo.addons.queue_job.job import ENQUEUED

        for attempt in range(self.ACQUIRE_ATTEMPTS):
            cr = self.registry.cursor()
            job = RunJobController._acquire_job(
                api.Environment(cr, SUPERUSER_ID, {}), uuid
            )
            if job is not None or attempt + 1 == self.ACQUIRE_ATTEMPTS:
                return cr, job
            cr.rollback()
            cr.execute("SELECT state FROM queue_job WHERE uuid = %s", (uuid,))
            row = cr.fetchone()
            cr.close()
            if not row or row[0] != ENQUEUED:
                return self.registry.cursor(), None
            time.sleep(0.005 * (attempt + 1))

    def _perform(self, uuid, method):
        from odoo import SUPERUSER_ID, api

        from odoo.addons.queue_job.controllers.main import RunJobController
        from odoo.addons.queue_job.job import DONE, PENDING

        stats = self._stats
        start, cpu = time.monotonic(), time.thread_time()
        state, error, reason = None, None, None
        cr, job = self._acquire(uuid)
        try:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if job is None:
                state = "skipped"
            else:
                try:
                    RunJobController._runjob(env, job)
                    state, reason = job.state, job.result
                except Exception as err:  # stored as failed by _runjob
                    state, error = "failed", f"{type(err).__name__}: {err}"
        finally:
            cr.close()  # whatever was not committed by the job is rolled back
            elapsed = time.monotonic() - start
            cpu = time.thread_time() - cpu
        rss = rss_bytes() / MemoryMeter.MB
        with self._lock:
            stats.job_seconds += elapsed
            stats.job_cpu_seconds += cpu
            stats.rss_mb_after[method] = max(stats.rss_mb_after.get(method, 0), rss)
            if state == "skipped":
                stats.skipped += 1
                return
            stats.attempts += 1
            if state == DONE:
                stats.done += 1
                stats.done_by_method[method] += 1
            elif state == PENDING:
                stats.postponed += 1
                stats.postponed_by_method[method] += 1
                stats.postponed_by_reason[f"{method}: {reason}"] += 1
            else:
                stats.failed += 1
                stats.failed_by_method[method] += 1
                stats.failures.append(f"{method}: {error or state}")

    # -- the loop -----------------------------------------------------
    def _loop(self, deadline, stop):
        threading.current_thread().dbname = self.db
        while True:
            if stop is not None and stop.is_set():
                return "stopped"
            if deadline is not None and time.monotonic() >= deadline:
                return "deadline"
            with self._lock:
                self._busy += 1  # before claiming: others must not see "idle"
            claimed = None
            try:
                claimed = self._claim()
                if claimed:
                    self._perform(*claimed)
            finally:
                with self._lock:
                    self._busy -= 1
            if claimed:
                continue
            count, next_eta = self._pending()
            with self._lock:
                busy = self._busy
            if not count and not busy:
                return "idle"
            wait = self.poll
            if count and not busy and next_eta is not None:
                if deadline is not None and time.monotonic() + next_eta > deadline:
                    return "waiting"
                wait = min(max(next_eta, 0.01), 1.0)
            if stop is not None:
                if stop.wait(wait):
                    return "stopped"
            else:
                time.sleep(wait)

    def _report_progress(self, start, finished):
        while not finished.wait(self.progress):
            s = self._stats
            count, __ = self._pending()
            print(
                f"    [{time.monotonic() - start:7.1f} s] jobs done {s.done}, "
                f"failed {s.failed}, postponed {s.postponed}, pending {count}",
                file=self.out,
                flush=True,
            )

    def run(self, deadline: float | None = None, stop=None) -> RunStats:
        """Perform jobs until idle, ``deadline`` seconds, or ``stop`` is set."""
        start = time.monotonic()
        end = start + deadline if deadline else None
        finished = threading.Event()
        reporter = None
        if self.progress:
            reporter = threading.Thread(
                target=self._report_progress, args=(start, finished), daemon=True
            )
            reporter.start()
        try:
            if self.workers == 1:
                reason = self._loop(end, stop)
            else:
                reasons = []

                def target():
                    reasons.append(self._loop(end, stop))

                threads = [
                    threading.Thread(target=target, name=f"bench-worker-{i}")
                    for i in range(self.workers)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                reason = "idle" if all(r == "idle" for r in reasons) else reasons[0]
        finally:
            finished.set()
            if reporter is not None:
                reporter.join(timeout=5)
        self._stats.wall = time.monotonic() - start
        self._stats.remaining = self._pending()[0]
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM queue_job WHERE state = 'enqueued'")
            self._stats.stuck = cr.fetchone()[0]
        self._stats.stopped_by = reason
        return self._stats


def job_counts(env) -> dict:
    """``{state: count}`` of every ``queue.job`` of the database."""
    env.cr.execute("SELECT state, count(*) FROM queue_job GROUP BY state")
    return dict(env.cr.fetchall())


# ----------------------------------------------------------------------
# memory
# ----------------------------------------------------------------------

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Resident set size of this process now."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except OSError:
        try:
            import psutil

            return psutil.Process().memory_info().rss
        except ImportError:
            return peak_rss_bytes()


def peak_rss_bytes() -> int:
    """Peak resident set size of this process since it started."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def cpu_bound(cpu_seconds):
    """What the jobs' CPU time alone allows: on this machine's cores, no run
    of these jobs can be shorter (their PostgreSQL work comes on top)."""
    cores = os.cpu_count() or 1
    return (
        f"job CPU {cpu_seconds:,.1f} s: at least {cpu_seconds / cores:,.1f} s "
        f"of wall on {cores} cores"
    )


def machine_busy_seconds():
    """CPU seconds all the machine's cores were busy since boot (every
    process: Odoo, PostgreSQL, the sandbox and whatever else runs)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:9]]
    user, nice, system, __, __, irq, softirq, steal = ticks
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def machine_share(result):
    """How busy the machine was during a phase, and the sandbox's part: when
    the cores were busy all along, a shorter wall needs less CPU, and the
    sandbox's CPU is a cost the real platform does not put on this machine."""
    busy, wall = result.get("machine_busy"), result.get("wall")
    if busy is None or not wall:
        return "machine CPU not measured"
    cores = os.cpu_count() or 1
    return (
        f"machine busy {busy:,.1f} of {cores * wall:,.1f} core-s "
        f"({busy / (cores * wall):.0%}), sandbox {result.get('sandbox_cpu') or 0:,.1f} s"
    )


class MemoryMeter:
    """Peak memory of the process during a block.

    The RSS is sampled every ``interval`` seconds by a thread (and at both
    ends): ``peak_mb`` is the highest value, ``baseline_mb`` the value on
    entry, ``delta_mb`` the growth.  With ``trace=True`` the peak of Python
    allocations made inside the block is measured too (``traced_peak_mb``),
    at a heavy cost in speed: do not time a traced run.
    """

    MB = 1024 * 1024

    def __init__(self, interval: float = 0.05, trace: bool = False):
        self.interval = interval
        self.trace = trace
        self.baseline = self.peak = 0
        self.traced_peak = None
        self._stop = threading.Event()
        self._thread = None

    def _sample(self):
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self):
        self.baseline = self.peak = rss_bytes()
        if self.trace:
            tracemalloc.start()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())
        if self.trace:
            self.traced_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

    @property
    def baseline_mb(self):
        return self.baseline / self.MB

    @property
    def peak_mb(self):
        return self.peak / self.MB

    @property
    def delta_mb(self):
        return (self.peak - self.baseline) / self.MB

    @property
    def traced_peak_mb(self):
        return None if self.traced_peak is None else self.traced_peak / self.MB

    def as_dict(self):
        return {
            "baseline_mb": round(self.baseline_mb, 1),
            "peak_mb": round(self.peak_mb, 1),
            "delta_mb": round(self.delta_mb, 1),
            "traced_peak_mb": None
            if self.traced_peak_mb is None
            else round(self.traced_peak_mb, 1),
        }


# ----------------------------------------------------------------------
# sandboxes
# ----------------------------------------------------------------------

#: provider → class name in tests/sandbox/<provider>.py
EMULATOR_CLASSES = {"marketo": "MarketoEmulator", "demo": "DemoEmulator"}


def emulator_class(provider: str):
    """The emulator class of ``provider`` (``marketo``: tests/sandbox/marketo.py),
    or of a ``package.module:Class`` spec (a variant of an emulator)."""
    if ":" in provider:
        module_name, __, class_name = provider.partition(":")
        return getattr(importlib.import_module(module_name), class_name)
    module = importlib.import_module(f"tests.sandbox.{provider}")
    name = EMULATOR_CLASSES.get(provider)
    if name and hasattr(module, name):
        return getattr(module, name)
    from tests.sandbox.server import Emulator

    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Emulator)
            and value is not Emulator
            and value.__module__ == module.__name__
        ):
            return value
    raise LookupError(f"no emulator class in tests.sandbox.{provider}")


def _http_json(url, data=None, timeout=30):
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="GET" if data is None else "POST",
        headers={"Content-Type": "application/json"} if body else {},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode())


def sandbox_stats(source) -> dict:
    """The statistics of an emulator object, or of the sandbox at a URL."""
    if isinstance(source, str):
        return _http_json(source.rstrip("/") + "/_sandbox/stats")
    stats = source.stats
    return stats.snapshot() if hasattr(stats, "snapshot") else dict(stats)


def sandbox_reset(source) -> None:
    """Clear stats, faults and consumed limits (data and tokens stay)."""
    if isinstance(source, str):
        _http_json(source.rstrip("/") + "/_sandbox/reset", data={})
    else:
        source.reset()


def _is_identity(route_key: str) -> bool:
    return "/identity/" in route_key or "/oauth/" in route_key


def call_counts(stats: dict) -> dict:
    """API calls of a stats snapshot: total, REST (rate limited), identity."""
    per_route = stats.get("per_route") or {}
    identity = sum(n for key, n in per_route.items() if _is_identity(key))
    total = stats.get("total", sum(per_route.values()))
    violations = stats.get("rate_limit_violations")
    if violations is None:
        violations = sum((stats.get("violations") or {}).values())
    return {
        "total": total,
        "rest": total - identity,
        "identity": identity,
        "violations": violations,
        "violations_by_kind": dict(stats.get("violations") or {}),
        "per_route": dict(per_route),
        "per_status": dict(stats.get("per_status") or {}),
        "concurrency_peak": stats.get("concurrency_peak"),
        "faults": stats.get("faults_injected"),
        "handler_errors": stats.get("handler_errors"),
    }


def _die_with_parent():
    """Child side: get SIGTERM when the parent dies (Linux), new session."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class SandboxProcess:
    """A provider emulator in a child process, on 127.0.0.1 (free port).

    ::

        with SandboxProcess("marketo", seed=50000) as sandbox:
            sandbox.url, sandbox.stats(), sandbox.reset()
    """

    def __init__(
        self,
        provider="marketo",
        seed=0,
        python=None,
        duration=6 * 3600,
        options=None,
        startup_timeout=600,
    ):
        self.provider = provider
        self.seed = seed
        self.python = python or sys.executable
        self.duration = duration
        self.options = options or {}
        self.startup_timeout = startup_timeout
        self.process = None
        self.url = None
        self.banner = []

    def start(self):
        command = [
            self.python,
            "-m",
            "tests.bench.harness",
            "sandbox",
            "--provider",
            self.provider,
            "--seed",
            str(self.seed),
            "--duration",
            str(self.duration),
            "--options",
            json.dumps(self.options),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=_die_with_parent if os.name == "posix" else None,  # noqa: PLW1509
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.banner.append(line.rstrip())
            found = re.search(r" on (http://127\.0\.0\.1:\d+)", line)
            if found:
                self.url = found.group(1)
                break
        if not self.url:
            self.stop()
            raise RuntimeError(
                f"sandbox {self.provider} did not start: {self.banner[-5:]}"
            )
        # keep reading its output so the pipe never fills up
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self):
        with contextlib.suppress(Exception):
            for line in self.process.stdout:
                self.banner.append(line.rstrip())

    def stats(self) -> dict:
        return sandbox_stats(self.url)

    def reset(self) -> None:
        sandbox_reset(self.url)

    def stop(self):
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # our own child, by its pid
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def _serve_sandbox(argv=None):
    from tests.sandbox.server import serve

    parser = argparse.ArgumentParser(prog="python -m tests.bench.harness sandbox")
    parser.add_argument("--provider", default="marketo")
    parser.add_argument("--seed", type=int, default=0, help="records to seed")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--duration", type=float, default=6 * 3600)
    parser.add_argument(
        "--options", default="{}", help="JSON keyword arguments of the emulator"
    )
    args = parser.parse_args(argv)
    _die_with_parent()
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    emulator = emulator_class(args.provider)(**json.loads(args.options))
    start = time.monotonic()
    if args.seed:
        emulator.seed(args.seed)
    banner = f"seeded {args.seed} records in {time.monotonic() - start:.1f} s"
    serve(emulator, port=args.port, duration=args.duration, banner=banner)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sandbox"]:
        return _serve_sandbox(argv[1:])
    print(__doc__)
    print("usage: python -m tests.bench.harness sandbox --provider marketo --seed N")
    return 2


if __name__ == "__main__":
    sys.exit(main())
