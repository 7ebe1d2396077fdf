"""Job workers as processes, the way Odoo's prefork server runs queue_job.

``ProcessRunner(config, db, processes=N).run(deadline)`` starts N
processes (``python -m tests.bench.workers --config C --db D``), each a
one-thread :class:`tests.bench.harness.JobRunner` on the same database:
they share nothing but PostgreSQL (the job table, the rate limiter's rows,
advisory locks), like queue_job's workers on several servers.  They start
first (:meth:`ProcessRunner.start`: Odoo loaded, waiting), then perform
jobs when :meth:`ProcessRunner.run` says go.  A worker
stops when no job is pending, enqueued or started anywhere (another worker
may still enqueue more), at the deadline, or when the next ``eta`` lies
beyond it.  The merged :class:`~tests.bench.harness.RunStats` come back with
each worker's peak RSS (``worker_peak_mb``).
"""

import argparse
import collections
import json
import subprocess
import sys
import time

from . import harness
from .harness import ROOT, RunStats

#: jobs another worker holds: a worker is not idle while they run
_RUNNING_SQL = "SELECT count(*) FROM queue_job WHERE state IN ('enqueued', 'started')"


class SharedJobRunner(harness.JobRunner):
    """A JobRunner that is one of several processes: idle only when no
    worker anywhere holds a job (a running slice enqueues more batches)."""

    def _pending(self):
        count, next_eta = super()._pending()
        with self.registry.cursor() as cr:
            cr.execute(_RUNNING_SQL)
            running = cr.fetchone()[0]
        if running and not count:
            return running, None  # wait and poll again
        return count, next_eta


class ProcessRunner:
    """``run(deadline)`` with ``processes`` worker processes; ``RunStats``."""

    def __init__(self, config, db, processes=2, python=None, registry=None):
        self.config = str(config)
        self.db = db
        self.processes = max(1, int(processes))
        self.python = python or harness.default_python()
        self.registry = registry  # for remaining/stuck counts, optional

    def start(self, deadline=None):
        """Start the workers and wait until each has loaded Odoo's registry
        (seconds of start-up are not the jobs' time); they wait for
        :meth:`run`."""
        command = [self.python, "-m", "tests.bench.workers", "--config", self.config]
        command += ["--db", self.db, "--deadline", str(deadline or 0)]
        self._children = [
            subprocess.Popen(
                command,
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for __ in range(self.processes)
        ]
        for child in self._children:
            child.stdout.readline()  # "READY" (or "" if it died)
        return self

    def run(self, deadline=None):
        if not getattr(self, "_children", None):
            self.start(deadline)
        start = time.monotonic()
        for child in self._children:
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate()[0] for child in self._children]
        self._children = None
        stats = merge([_result(output) for output in outputs], time.monotonic() - start)
        if self.registry is not None:
            with self.registry.cursor() as cr:
                cr.execute("SELECT count(*) FROM queue_job WHERE state = 'pending'")
                stats.remaining = cr.fetchone()[0]
                cr.execute("SELECT count(*) FROM queue_job WHERE state = 'enqueued'")
                stats.stuck = cr.fetchone()[0]
        return stats


def _result(output):
    lines = [x for x in (output or "").splitlines() if x.startswith("RESULT ")]
    if not lines:
        return {"failures": ["worker process gave no result"], "failed": 1}
    return json.loads(lines[-1][len("RESULT ") :])


class ProcessStats(RunStats):
    """RunStats of several processes, plus each one's peak RSS."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.worker_peak_mb = []

    def as_dict(self):
        return dict(super().as_dict(), worker_peak_mb=self.worker_peak_mb)


def merge(results, wall):
    """One ProcessStats from the workers' ``RunStats.as_dict()`` results."""
    stats = ProcessStats()
    for result in results:
        for name in (
            "attempts",
            "done",
            "failed",
            "postponed",
            "job_seconds",
            "job_cpu_seconds",
        ):
            setattr(stats, name, getattr(stats, name) + result.get(name, 0))
        for name in (
            "done_by_method",
            "failed_by_method",
            "postponed_by_method",
            "postponed_by_reason",
        ):
            getattr(stats, name).update(collections.Counter(result.get(name) or {}))
        for method, mb in (result.get("rss_mb_after") or {}).items():
            stats.rss_mb_after[method] = max(stats.rss_mb_after.get(method, 0), mb)
        stats.failures += result.get("failures") or []
        stats.worker_peak_mb.append(result.get("peak_mb"))
    stats.stopped_by = ",".join(sorted({r.get("stopped_by", "?") for r in results}))
    stats.wall = wall
    return stats


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.workers")
    parser.add_argument("--config", default=harness.default_conf())
    parser.add_argument("--db", required=True)
    parser.add_argument("--deadline", type=float, default=0)
    args = parser.parse_args(argv)
    harness.setup_odoo(harness.OdooConf(args.config), log_level="warn")
    registry = harness.open_registry(args.db)
    print("READY", flush=True)
    sys.stdin.readline()  # "go": the jobs to perform are stored
    run = SharedJobRunner(registry, workers=1).run(deadline=args.deadline or None)
    result = dict(run.as_dict(), peak_mb=round(harness.peak_rss_bytes() / 2**20, 1))
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
