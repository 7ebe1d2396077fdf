"""Benchmark of the ActiveCampaign connector against the ActiveCampaign sandbox.

Not a test: nothing is asserted, it measures and prints one table.  One run::

    python -m tests.bench.bench_activecampaign --records 20000 --webhooks 10000

re-creates its database (``<db>_bench_ac`` with ``connector_activecampaign``
installed) and, against an ActiveCampaign emulator in a child process with
ActiveCampaign's limits (5 requests / s, bulk imports 100 / min):

1. **bulk export**: N partners; ``action_export_contacts()`` then every job
   it leads to (``export_batch`` jobs of 250 → one ``import/bulk_import``
   each, ``follow_bulk_import`` jobs until each import is done);
2. **contact/sync export**: ``--sample`` other partners exported one by one
   (``export_record`` per partner: ``contact/sync``, then tags and list),
   the way an export without bulk import would go; the N figures are
   extrapolated (marked ``*``);
3. **import**: another emulator holds N contacts; ``action_import_contacts()``
   then every ``import_contacts_page`` job (a page of 100); then Odoo's own
   ``create()`` of the same records (name and email, 100 per call and per
   transaction, the importer's quiet context): the import's ceiling;
4. **webhooks**: Odoo's HTTP server on 127.0.0.1 receives ``--webhooks``
   form-encoded posts from ``--senders`` threads (engagement events, some
   contact updates and unsubscribes, and ``--replays`` of them posted
   again), then the webhook jobs run.  Lost = unique events sent but not
   stored; applied twice = activities or re-reads beyond one per unique
   event.

Jobs are performed by ``tests.bench.harness.JobRunner`` as a queue_job
worker performs them (one transaction per job, postponed jobs wait for
their eta).  Every phase is bounded by ``--budget`` seconds.
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import requests

from . import harness
from .harness import OdooConf
from .workers import ProcessRunner

BACKEND = "activecampaign.backend"
BINDING = "activecampaign.res.partner"
CREATE_CONTEXT = {
    "connector_no_export": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}
ENGAGEMENT = ("open", "click", "open", "click", "bounce", "forward", "reply")


def say(text=""):
    print(text, flush=True)


def create_partners(registry, prefix, count, batch=1000):
    for start in range(0, count, batch):
        with harness.environment(registry, CREATE_CONTEXT) as env:
            env["res.partner"].create(
                [
                    {
                        "name": f"Bench {prefix} {i}",
                        "email": f"{prefix}.{i}@example.com",
                        "phone": "+33 6 12 34 56 78",
                    }
                    for i in range(start, min(start + batch, count))
                ]
            )


def calls(stats):
    counts = harness.call_counts(stats)
    return counts["rest"], counts["violations"]


def job_runner(registry, args):
    """``args.workers`` job worker threads, or processes already started
    (their start-up is not the jobs' time)."""
    if args.processes:
        runner = ProcessRunner(
            harness.default_conf(), registry.db_name, args.workers, registry=registry
        )
        return runner.start(deadline=args.budget)
    return harness.JobRunner(registry, workers=args.workers)


def bound_count(registry, backend_id, email_like):
    with harness.environment(registry) as env:
        return env[BINDING].search_count(
            [
                ("backend_id", "=", backend_id),
                ("external_id", "!=", False),
                ("email", "=like", email_like),
            ]
        )


def measure_export(registry, sandbox, backend_id, args, pattern, enqueue):
    """Run ``enqueue(env, backend)`` and the jobs it stores; what reached
    the sandbox and how many partners matching ``pattern`` got bound."""
    sandbox.reset()
    runner = job_runner(registry, args)
    start = time.monotonic()
    with harness.environment(registry) as env:
        enqueue(env, env[BACKEND].browse(backend_id))
    run = runner.run(deadline=args.budget)
    wall = time.monotonic() - start
    stats = sandbox.stats()
    rest, violations = calls(stats)
    return {
        "records": bound_count(registry, backend_id, pattern),
        "calls": rest,
        "wall": wall,
        "violations": violations,
        "concurrency_peak": stats.get("concurrency_peak"),
        "postponed": dict(run.postponed_by_reason),
        "worker_peak_mb": run.as_dict().get("worker_peak_mb"),
        "job_cpu": run.job_cpu_seconds,
        "failed": run.failed,
        "remaining": run.remaining,
        "stuck": run.stuck,
    }


def phase_export(registry, sandbox, backend_id, args):
    """The export button: bulk imports of 250."""

    def enqueue(env, backend):
        backend.partner_domain = "[('email', '=like', 'bulk.%@example.com')]"
        backend.action_export_contacts()

    return measure_export(
        registry, sandbox, backend_id, args, "bulk.%@example.com", enqueue
    )


def phase_single(registry, sandbox, backend_id, args):
    """One export_record job (one contact/sync) per partner."""

    def enqueue(env, backend):
        partners = env["res.partner"].search(
            [("email", "=like", "single.%@example.com")]
        )
        for binding in env[BINDING]._bind(backend, partners):
            binding.with_delay(priority=10).export_record()

    return measure_export(
        registry, sandbox, backend_id, args, "single.%@example.com", enqueue
    )


def phase_import(registry, args):
    """The import button against an emulator seeded with N contacts, then
    the ceiling: ``create()`` of the same records, a page per transaction."""
    with harness.SandboxProcess("activecampaign", seed=args.records) as sandbox:
        with harness.environment(registry) as env:
            backend_id = (
                env[BACKEND]
                .create(
                    {
                        "name": "Bench import",
                        "api_url": sandbox.url,
                        "api_key": "ac-sandbox-key",
                        "list_id": "1",
                    }
                )
                .id
            )
        sandbox.reset()
        runner = job_runner(registry, args)
        start = time.monotonic()
        with harness.environment(registry) as env:
            env[BACKEND].browse(backend_id).action_import_contacts()
        run = runner.run(deadline=args.budget)
        wall = time.monotonic() - start
        stats = sandbox.stats()
    rest, violations = calls(stats)
    start = time.monotonic()
    for first in range(0, args.records, 100):
        with harness.environment(registry, CREATE_CONTEXT) as env:
            env["res.partner"].create(
                [
                    {"name": f"P{i}", "email": f"ceiling.{i}@example.com"}
                    for i in range(first, min(args.records, first + 100))
                ]
            )
    return {
        "records": bound_count(registry, backend_id, "person%@example.com"),
        "calls": rest,
        "wall": wall,
        "violations": violations,
        "concurrency_peak": stats.get("concurrency_peak"),
        "postponed": dict(run.postponed_by_reason),
        "worker_peak_mb": run.as_dict().get("worker_peak_mb"),
        "job_cpu": run.job_cpu_seconds,
        "failed": run.failed,
        "create_wall": time.monotonic() - start,
    }


def start_http(odoo, db):
    """Odoo's threaded HTTP server on a free 127.0.0.1 port (as HttpCase)."""
    import socket

    from odoo.service import server
    from odoo.tools import config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        config["http_port"] = sock.getsockname()[1]
    config["http_interface"] = "127.0.0.1"
    config["db_name"] = db
    config["dbfilter"] = f"^{db}$"
    server.load_server_wide_modules()
    # Odoo maps the static folders of every module (``root.statics``, one
    # ``ast.literal_eval`` of each manifest) at the first request.  With 8
    # senders that is 8 threads parsing at once, and CPython 3.11's ast
    # state is shared between threads: "SystemError: AST constructor
    # recursion depth mismatch" (cpython gh-106905).  Built once, here.
    odoo.http.root.statics  # noqa: B018 (a lazy property, computed now)
    server.server = server.ThreadedServer(odoo.http.root)
    server.server.http_spawn()
    return server.server, f"http://127.0.0.1:{config['http_port']}"


def webhook_forms(contact_ids, args):
    """Unique events, then replays of some of them (AC never numbers events)."""
    rng = random.Random(7)
    unique = args.webhooks - args.replays
    forms = []
    for n in range(unique):
        contact_id, email = contact_ids[n % len(contact_ids)]
        if n < args.updates:
            kind = "update"
        elif n < args.updates + args.unsubscribes:
            kind = "unsubscribe"
        else:
            kind = ENGAGEMENT[n % len(ENGAGEMENT)]
        forms.append(
            {
                "type": kind,
                "date_time": f"2026-11-30T10:{n // 3600 % 60:02d}:{n // 60 % 60:02d}",
                "initiated_by": "public",
                "contact[id]": contact_id,
                "contact[email]": email,
                "campaign[name]": f"Campaign {n % 10}",
                "event[n]": str(n),
            }
        )
    replays = [rng.choice(forms) for __ in range(args.replays)]
    sequence = forms + replays
    rng.shuffle(sequence)
    return forms, sequence


def phase_webhooks(odoo, registry, sandbox, backend_id, args):
    with harness.environment(registry) as env:
        bindings = env[BINDING].search(
            [("backend_id", "=", backend_id), ("external_id", "!=", False)],
            limit=5000,
        )
        contact_ids = [(b.external_id, b.email) for b in bindings]
    unique, sequence = webhook_forms(contact_ids, args)
    http_server, base = start_http(odoo, registry.db_name)
    url = f"{base}/connector_activecampaign/webhook/{backend_id}/bench-secret"
    times, statuses = [], []
    lock = threading.Lock()
    local = threading.local()

    def post(form):
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        begin = time.perf_counter()
        try:
            status = session.post(
                url,
                data=urllib.parse.urlencode(form),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=30,
            ).status_code
        except requests.RequestException:
            status = 0
        with lock:
            times.append(time.perf_counter() - begin)
            statuses.append(status)

    sandbox.reset()
    runner = job_runner(registry, args)
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.senders) as pool:
        list(pool.map(post, sequence))
    ingest_wall = time.monotonic() - start
    run = runner.run(deadline=args.budget)
    wall = time.monotonic() - start
    http_server.stop()
    rest, violations = calls(sandbox.stats())
    with harness.environment(registry) as env:
        scope = [("backend_model", "=", BACKEND), ("backend_id", "=", backend_id)]
        events = env["marketing.webhook.event"].search_count(scope)
        env.cr.execute(
            "SELECT count(*) - count(DISTINCT external_id) FROM marketing_activity "
            "WHERE backend_model = %s AND backend_id = %s",
            (BACKEND, backend_id),
        )
        twice = env.cr.fetchone()[0]
        activities = env["marketing.activity"].search_count(scope)
        states = dict(
            env["marketing.webhook.event"]._read_group(scope, ["state"], ["__count"])
        )
    engagement = sum(1 for f in unique if f["type"] != "update")
    twice += max(0, activities - engagement)
    update_reads = harness.call_counts(sandbox.stats())["per_route"].get(
        "GET /api/3/contacts/<id>", 0
    )
    twice += max(0, update_reads - (args.updates + args.unsubscribes))
    times.sort()
    return {
        "posts": len(sequence),
        "unique": len(unique),
        "stored": events,
        "lost": len(unique) - events,
        "twice": twice,
        "statuses": dict(collections.Counter(statuses)),
        "p50": statistics.median(times) * 1000,
        "p99": times[int(len(times) * 0.99) - 1] * 1000,
        "ingest_wall": ingest_wall,
        "wall": wall,
        "calls": rest,
        "violations": violations,
        "failed": run.failed,
        "remaining": run.remaining,
        "stuck": run.stuck,
        "states": states,
    }


def row(label, records, result, extrapolate=None):
    factor = (
        (extrapolate / result["records"]) if extrapolate and result["records"] else 1
    )
    mark = "*" if extrapolate else ""
    wall = result["wall"] * factor
    rate = (records / wall) if wall else 0
    return (
        f"| {label:<36} | {records:>8}{mark:1} | {round(result['calls'] * factor):>8}{mark:1}"
        f" | {wall:>9.1f}{mark:1} | {rate:>9.1f}{mark:1} | {result['violations']:>10} |"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--webhooks", type=int, default=10000)
    parser.add_argument("--replays", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=100)
    parser.add_argument("--unsubscribes", type=int, default=50)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--budget", type=float, default=900.0)
    parser.add_argument(
        "--phases",
        default="export,single,import,webhooks",
        help="comma-separated among export, single, import, webhooks",
    )
    parser.add_argument("--db", default=None)
    parser.add_argument("--workers", type=int, default=2, help="job workers")
    parser.add_argument(
        "--processes", action="store_true", help="job workers are processes"
    )
    args = parser.parse_args(argv)
    conf = OdooConf(harness.default_conf())
    db = args.db or f"{conf.get('db_name') or 'marketing_test'}_bench_ac"
    say(f"database {db}: (re)installing connector_activecampaign")
    harness.drop_db(conf, db)
    harness.install_db(conf, db, modules="connector_activecampaign")
    odoo = harness.setup_odoo(conf, log_level="warn")
    registry = harness.open_registry(db)
    with harness.SandboxProcess("activecampaign", options={}) as sandbox:
        with harness.environment(registry) as env:
            backend = env[BACKEND].create(
                {
                    "name": "Bench sandbox",
                    "api_url": sandbox.url,
                    "api_key": "ac-sandbox-key",
                    "webhook_secret": "bench-secret",
                    "list_id": "1",
                    "max_inline_wait": 30.0,
                }
            )
            backend_id = backend.id
        say(f"creating {args.records} + {args.sample} partners")
        create_partners(registry, "bulk", args.records)
        create_partners(registry, "single", args.sample)
        phases = set(args.phases.split(","))
        bulk = single = imported = hooks = None
        if "export" in phases:
            say("phase 1: bulk export")
            bulk = phase_export(registry, sandbox, backend_id, args)
        if "single" in phases:
            say("phase 2: contact/sync sample")
            single = phase_single(registry, sandbox, backend_id, args)
        if "webhooks" in phases:
            say("phase 4: webhooks")
            hooks = phase_webhooks(odoo, registry, sandbox, backend_id, args)
    if "import" in phases:
        say("phase 3: import")
        imported = phase_import(registry, args)
    report(args, bulk, single, imported, hooks)
    return 0


def floor(result):
    """The wall time against ActiveCampaign's rate (5 requests/s)."""
    seconds = result["calls"] / 5
    ratio = result["wall"] / seconds if seconds else 0
    return f"floor {seconds:.1f} s (calls / 5 per s), wall/floor {ratio:.2f}"


def report(args, bulk, single, imported, hooks):
    """The table and the details of the phases that ran."""
    header = (
        f"| {'scenario':<36} | {'records':>9} | {'API calls':>9} | {'wall s':>10}"
        f" | {'records/s':>10} | {'limit viol':>10} |"
    )
    say()
    posts = f", {args.webhooks} webhook posts" if hooks else ""
    say(f"ActiveCampaign benchmark, {args.records} partners{posts}")
    say(header)
    say("|" + "|".join("-" * (len(c) + 0) for c in header.split("|")[1:-1]) + "|")
    if bulk:
        say(row("export, bulk_import (250/request)", bulk["records"], bulk))
    if single:
        say(
            row(
                f"export, contact/sync (sample {single['records']})",
                single["records"],
                single,
            )
        )
        say(
            row(
                "export, contact/sync (extrapolated)",
                args.records,
                single,
                args.records,
            )
        )
    if imported:
        say(row("import, contacts feed (100/page)", imported["records"], imported))
    if hooks:
        say(row("webhook ingestion + jobs", hooks["posts"], hooks))
    say("* extrapolated from the sample")
    say()
    workers = (
        f"job workers {args.workers} {'processes' if args.processes else 'threads'}"
    )
    if imported:
        say(
            f"import: {imported['records']} of {args.records} contacts bound, "
            f"{imported['failed']} failed jobs, concurrency peak "
            f"{imported['concurrency_peak']}, postponed {imported['postponed'] or 0}; "
            f"{workers}, peak MB per worker process "
            f"{imported['worker_peak_mb'] or '-'}; create() of the same records "
            f"{imported['create_wall']:.1f} s: import / create = "
            f"{imported['create_wall'] / imported['wall']:.2f}; {floor(imported)}; "
            f"{harness.cpu_bound(imported['job_cpu'])}"
        )
    if bulk:
        say(
            f"bulk export: {bulk['records']} of {args.records} contacts bound, "
            f"{bulk['failed']} failed jobs, {bulk['remaining']} jobs left, "
            f"{bulk['stuck']} left enqueued; concurrency peak "
            f"{bulk['concurrency_peak']}; postponed {bulk['postponed'] or 0}; "
            f"{workers}, peak MB per worker process {bulk['worker_peak_mb'] or '-'}"
            f"; {floor(bulk)}; {harness.cpu_bound(bulk['job_cpu'])}"
        )
    if single:
        say(
            f"contact/sync: {single['calls'] / max(1, single['records']):.1f} calls "
            f"per contact, {single['failed']} failed jobs"
        )
    if not hooks:
        return
    say(
        f"webhooks: {hooks['posts']} posts ({hooks['unique']} unique), HTTP "
        f"statuses {hooks['statuses']}, response p50 {hooks['p50']:.1f} ms, "
        f"p99 {hooks['p99']:.1f} ms, posted in {hooks['ingest_wall']:.1f} s"
    )
    say(
        f"webhooks: stored {hooks['stored']}, events lost {hooks['lost']}, "
        f"duplicates applied twice {hooks['twice']}, event states {hooks['states']}, "
        f"{hooks['failed']} failed jobs, {hooks['remaining']} jobs left, "
        f"{hooks['stuck']} left enqueued"
    )


if __name__ == "__main__":
    sys.exit(main())
