"""Benchmark of the Marketo connector against the Marketo sandbox.

Not a test: nothing is asserted, it measures and prints tables.  One run::

    python -m tests.bench.bench_marketo --records 50000 --also 10000

drops and re-creates its databases (``<db>_template`` with
``connector_marketo`` installed, then a fresh copy of it per scenario), and
for every size N measures, each scenario in its own Odoo process (memory
measured per scenario) against a Marketo emulator in another process with
Marketo's real limits (100 calls / 20 s, 10 concurrent, 50,000 a day):

1. **import**: the emulator holds N leads; ``backend.action_import_contacts()``
   then every job it leads to (``import_contacts_page`` follows the
   lead-changes feed page by page, each page its own job);
   **import-bulk** (``--scenarios``): the same through the bulk extract
   (``action_initial_load()``: ``bulk_extract_step`` jobs, then
   ``import_contacts_chunk`` jobs, one staged chunk of 300 each);
2. **export**: N partners in Odoo; ``backend.action_export_contacts()``, then
   ``export_contacts`` and its ``export_batch`` jobs of 300;
3. **naive**: one job and one API call per partner (``export_record`` per
   binding), on at most ``--naive-limit`` partners and ``--naive-budget``
   seconds; the N figures are extrapolated (marked ``*``);
4. **create**: Odoo's own ``res.partner`` ``create()`` of N plain partners
   (no company) in batches of 300, one transaction each (the export's data);
   **create-leads**: the same for the N leads the import reads, as the
   import makes them (a lead's company becomes its parent company partner,
   created first): the ceiling of the import, which the target compares with
   (creating a contact under a company costs Odoo more: it syncs the
   commercial fields and address from the company).

Jobs run on ``--workers`` (2) workers sharing the database and its rate
limiter, as queue_job workers do; the export's slices and batches overlap
on them, the import's pages follow each other (each page enqueues the
next).

Jobs are performed by ``tests.bench.harness.JobRunner`` the way a queue_job
worker performs them (one transaction per job, postponed jobs wait for
their eta).  Columns: API calls = rate-limited REST calls seen by the
emulator (identity calls are listed apart); floor = calls / 5 per second
(Marketo's 100 calls per 20 s); errors = review issues + failed jobs;
violations = calls the emulator refused for a limit.

``--profile import`` (or another scenario) runs that scenario under cProfile
and prints where the time goes (timings of a profiled run are inflated).
``--worker`` is internal (one scenario in a child process).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import harness
from .harness import ROOT, OdooConf
from .workers import ProcessRunner

#: Marketo's documented rate: 100 calls per 20 seconds
CALLS_PER_SECOND = 100 / 20
#: Marketo's batch size for lead upserts and reads
BATCH = 300
SCENARIO_TITLES = {
    "import": "1  import, delta (lead changes feed)",
    "import-bulk": "1b import, bulk extract (initial load)",
    "export": "2  export (export_batch jobs of 300)",
    "naive": "3  naive export (1 job + 1 call each)",
    "create": "4  Odoo create() x300",
    "create-leads": "4b Odoo create() of the leads (ceiling)",
}
DEFAULT_SCENARIOS = (
    "create",
    "create-leads",
    "export",
    "import",
    "import-bulk",
    "naive",
)
ALL_SCENARIOS = DEFAULT_SCENARIOS

_FIRST = ("Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gabriel", "Hanna")
_LAST = ("Martin", "Bernard", "Dubois", "Müller", "Smith", "García", "Rossi")
_COUNTRIES = ("FR", "DE", "US", "GB", "ES", "IT", "NL", "BE")


# ----------------------------------------------------------------------
# worker side: one scenario inside Odoo
# ----------------------------------------------------------------------


def partner_values(index, country_ids):
    """A valid, unique partner (what an imported lead looks like)."""
    return {
        "name": f"{_FIRST[index % len(_FIRST)]} {_LAST[index // 8 % len(_LAST)]} {index}",
        "email": f"bench.{index}@example.com",
        "phone": f"+33 6 {index // 1000000 % 100:02d} {index // 10000 % 100:02d} {index // 100 % 100:02d} {index % 100:02d}",
        "function": "Buyer",
        "street": f"{index} rue de la Paix",
        "city": "Lyon",
        "zip": "69001",
        "country_id": country_ids[index % len(country_ids)],
    }


def _country_ids(registry):
    with harness.environment(registry) as env:
        by_code = {
            c.code: c.id
            for c in env["res.country"].search([("code", "in", list(_COUNTRIES))])
        }
        return [by_code[code] for code in _COUNTRIES]


#: the context of the importer's bulk create: no creation message, no
#: follower, no tracking (the fastest create() Odoo offers)
CREATE_CONTEXT = {
    "connector_no_export": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}


def create_partners(registry, count, offset=0, batch=BATCH):
    """``count`` partners, ``batch`` per create() and per transaction."""
    countries = _country_ids(registry)
    for start in range(0, count, batch):
        stop = min(start + batch, count)
        with harness.environment(registry, CREATE_CONTEXT) as env:
            env["res.partner"].create(
                [partner_values(offset + i, countries) for i in range(start, stop)]
            )


def lead_partner_values(leads, country_ids, company_ids):
    """The partners an import makes of ``leads``, the plain way: the ceiling
    of the import creates the same records (a lead's company becomes its
    parent company, as the importer does), without any connector work."""
    return [
        {
            "name": " ".join(filter(None, (lead["firstName"], lead["lastName"])))
            or lead["email"],
            "email": lead["email"],
            "phone": lead["phone"] or False,
            "function": lead["title"] or False,
            "country_id": country_ids.get(lead["country"], False),
            "parent_id": company_ids.get(lead["company"], False),
        }
        for lead in leads
    ]


def create_lead_partners(registry, count, batch=BATCH):
    """The sandbox's ``count`` seeded leads as partners: their companies in
    one transaction (300 per create()), then the people, 300 per create()
    and per transaction."""
    from tests.sandbox.marketo import MarketoEmulator

    emulator = MarketoEmulator()
    emulator.seed(count)
    leads = [emulator.leads[i] for i in sorted(emulator.leads)]
    with harness.environment(registry, CREATE_CONTEXT) as env:
        # Marketo's country is free text: the sandbox's leads carry English
        # country names, which the importer resolves the same way
        countries = env["res.country"].with_context(lang="en_US").search([])
        country_ids = {c.name: c.id for c in countries}
        names = list(
            dict.fromkeys(lead["company"] for lead in leads if lead["company"])
        )
        company_ids = {}
        for start in range(0, len(names), batch):
            chunk = names[start : start + batch]
            companies = env["res.partner"].create(
                [{"name": name, "is_company": True} for name in chunk]
            )
            company_ids.update(zip(chunk, companies.ids, strict=True))
    for start in range(0, count, batch):
        with harness.environment(registry, CREATE_CONTEXT) as env:
            env["res.partner"].create(
                lead_partner_values(
                    leads[start : start + batch], country_ids, company_ids
                )
            )


def make_backend(registry, url, **values):
    with harness.environment(registry) as env:
        backend = env["marketo.backend"].create(
            {
                "name": "Bench sandbox",
                "rest_url": url,
                "identity_url": f"{url}/identity",
                "client_id": "mkto-client",
                "client_secret": "mkto-secret",
                "import_since": "2000-01-01 00:00:00",
                # only the partners of the benchmark (not the admin's partner...)
                "partner_domain": "[('email', '=like', 'bench.%@example.com')]",
                **values,
            }
        )
        return backend.id


@contextlib.contextmanager
def maybe_profile(path):
    if not path:
        yield
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(path)


def _outcome(registry, backend_id, url, run, mem, wall, records_model="bindings"):
    """What a scenario produced, read from Odoo and from the sandbox."""
    stats = harness.sandbox_stats(url) if url else {}
    with harness.environment(registry) as env:
        bindings = env["marketo.res.partner"].with_context(active_test=False)
        domain = [("backend_id", "=", backend_id)] if backend_id else []
        records = bindings.search_count(domain + [("external_id", "!=", False)])
        issues = (
            env["marketing.sync.issue"]
            .sudo()
            .search_count(
                [
                    ("backend_model", "=", "marketo.backend"),
                    ("backend_id", "=", backend_id),
                ]
            )
        )
        issue_codes = {}
        for code, count in (
            env["marketing.sync.issue"]
            .sudo()
            ._read_group(
                [
                    ("backend_model", "=", "marketo.backend"),
                    ("backend_id", "=", backend_id),
                ],
                ["reason_code"],
                ["__count"],
            )
        ):
            issue_codes[code or "?"] = count
        jobs = harness.job_counts(env)
        env.cr.execute(
            "SELECT method_name, count(*), sum(exec_time), max(exec_time) "
            "FROM queue_job WHERE state = 'done' GROUP BY method_name"
        )
        job_times = {
            method: {"count": count, "seconds": total or 0.0, "max": longest or 0.0}
            for method, count, total, longest in env.cr.fetchall()
        }
    return {
        "records": records,
        "wall": wall,
        "calls": harness.call_counts(stats) if stats else None,
        "sandbox_cpu": stats.get("cpu_seconds"),
        "limits": stats.get("limits"),
        "issues": issues,
        "issue_codes": issue_codes,
        "jobs": jobs,
        "failed_jobs": jobs.get("failed", 0),
        "job_times": job_times,
        "run": run.as_dict() if run else None,
        "memory": mem.as_dict(),
    }


def _runner(registry, args):
    if args.processes:
        runner = ProcessRunner(
            args.config, registry.db_name, args.workers, registry=registry
        )
        return runner.start(deadline=args.budget)
    return harness.JobRunner(
        registry, workers=args.workers, progress=args.progress or None
    )


def worker_create(registry, args):
    with harness.MemoryMeter(trace=args.tracemalloc) as mem:
        with maybe_profile(args.profile_file):
            start = time.monotonic()
            create_partners(registry, args.records)
            wall = time.monotonic() - start
    return {"records": args.records, "wall": wall, "memory": mem.as_dict()}


def worker_create_leads(registry, args):
    with harness.MemoryMeter(trace=args.tracemalloc) as mem:
        with maybe_profile(args.profile_file):
            start = time.monotonic()
            create_lead_partners(registry, args.records)
            wall = time.monotonic() - start
    return {"records": args.records, "wall": wall, "memory": mem.as_dict()}


def _sync_scenario(registry, args, action, **backend_values):
    backend_id = make_backend(registry, args.sandbox_url, **backend_values)
    harness.sandbox_reset(args.sandbox_url)
    runner = _runner(registry, args)
    with harness.MemoryMeter(trace=args.tracemalloc) as mem:
        with maybe_profile(args.profile_file):
            start, busy = time.monotonic(), harness.machine_busy_seconds()
            with harness.environment(registry) as env:
                getattr(env["marketo.backend"].browse(backend_id), action)()
            run = runner.run(deadline=args.budget)
            wall = time.monotonic() - start
            busy = harness.machine_busy_seconds() - busy
    result = _outcome(registry, backend_id, args.sandbox_url, run, mem, wall)
    return dict(result, machine_busy=busy)


def worker_import(registry, args):
    return _sync_scenario(registry, args, "action_import_contacts")


def worker_import_bulk(registry, args):
    return _sync_scenario(registry, args, "action_initial_load")


def worker_export(registry, args):
    return _sync_scenario(registry, args, "action_export_contacts")


def worker_naive(registry, args):
    """One export_record job (one upsert call) per partner, time-bounded."""
    create_partners(registry, args.records)
    backend_id = make_backend(registry, args.sandbox_url)
    with harness.environment(registry, {"connector_no_export": True}) as env:
        partners = env["res.partner"].search([("email", "like", "bench.%")])
        env["marketo.res.partner"].create(
            [{"backend_id": backend_id, "odoo_id": p.id} for p in partners]
        )
    harness.sandbox_reset(args.sandbox_url)
    runner = _runner(registry, args)
    with harness.MemoryMeter(trace=args.tracemalloc) as mem:
        with maybe_profile(args.profile_file):
            start = time.monotonic()
            with harness.environment(registry) as env:
                bindings = env["marketo.res.partner"].search(
                    [("backend_id", "=", backend_id)]
                )
                for binding in bindings:
                    binding.with_delay(
                        priority=10,
                        description=binding._job_description("Export partner"),
                    ).export_record()
            enqueue = time.monotonic() - start
            run = runner.run(deadline=max(1.0, args.budget - enqueue))
            wall = time.monotonic() - start
    result = _outcome(registry, backend_id, args.sandbox_url, run, mem, wall)
    result.update(enqueue_seconds=enqueue, attempted=args.records)
    return result


WORKERS = {
    "create": worker_create,
    "create-leads": worker_create_leads,
    "import": worker_import,
    "import-bulk": worker_import_bulk,
    "export": worker_export,
    "naive": worker_naive,
}


def run_worker(args):
    harness.setup_odoo(args.config, log_level=args.log_level)
    registry = harness.open_registry(args.db)
    result = WORKERS[args.worker](registry, args)
    result["scenario"] = args.worker
    Path(args.result).write_text(json.dumps(result, default=str))
    if args.profile_file:
        import pstats

        print(f"\n--- cProfile of {args.worker} ({args.profile_file}) ---")
        stats = pstats.Stats(args.profile_file)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
    return 0


# ----------------------------------------------------------------------
# orchestrator side: databases, sandboxes, child processes, tables
# ----------------------------------------------------------------------


def _git(*args):
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""


def _odoo_version(python):
    return subprocess.run(
        [python, "-c", "import odoo.release as r; print(r.version)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def _code_digest():
    """Hash of the addons' Python and XML: tells whether the code changed mid-run."""
    import hashlib

    digest = hashlib.sha1(usedforsecurity=False)
    for addon in ("connector_marketing_base", "connector_marketo"):
        for path in sorted((ROOT / addon).rglob("*")):
            if path.suffix in (".py", ".xml", ".csv") and path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _load():
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def _sandbox_label(spec):
    if ":" in spec:
        return spec
    return f"tests/sandbox/{spec}.py ({harness.EMULATOR_CLASSES.get(spec, spec)})"


def print_header(args, conf, out):
    dirty = [line for line in _git("status", "--porcelain").splitlines() if line]
    with contextlib.closing(conf.pg_connect()) as cnx, cnx.cursor() as cr:
        cr.execute("SHOW server_version")
        pg_version = cr.fetchone()[0]
    lines = [
        "Marketo connector benchmark",
        f"  command    : {' '.join(shlex.quote(a) for a in [sys.executable, '-m', 'tests.bench.bench_marketo', *args.argv])}",
        f"  date (UTC) : {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S}",
        f"  code       : git {_git('rev-parse', '--short', 'HEAD')}"
        + (f" + {len(dirty)} uncommitted change(s)" if dirty else "")
        + f"; addon code digest {args.code_digest}",
        f"  python     : {args.python} (Odoo {_odoo_version(args.python)})",
        f"  config     : {conf.path}  PostgreSQL {pg_version} on "
        f"{conf.get('db_host', 'socket')}:{conf.get('db_port', '5432')}",
        f"  databases  : {args.db}_template (installed once), {args.db} (fresh copy per scenario)",
        f"  machine    : {platform.platform()}, {os.cpu_count()} CPU(s), load average "
        f"{_load()} (other work on the machine skews the timings)",
        f"  sizes      : {', '.join(f'{n:,}' for n in args.sizes)}; scenarios: "
        f"{', '.join(args.scenarios)}; job workers: {args.workers} "
        f"{'processes' if args.processes else 'threads'}",
        f"  naive      : at most {args.naive_limit:,} partners and {args.naive_budget:.0f} s, "
        "then extrapolated",
        f"  sandbox    : {_sandbox_label(args.sandbox)} in its own process, with its "
        "default limits (Marketo's: 100 calls/20 s, 10 concurrent, 50,000/day)",
    ]
    print("\n".join(lines), file=out, flush=True)


def _spawn_worker(args, scenario, db, records, url=None, budget=None, profile=None):
    """Run one scenario in a child process; its result dict."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = handle.name
    command = [
        args.python,
        "-m",
        "tests.bench.bench_marketo",
        "--worker",
        scenario,
        "--config",
        args.config,
        "--db",
        db,
        "--records",
        str(records),
        "--result",
        result_path,
        "--workers",
        str(args.workers),
        *(["--processes"] if args.processes else []),
        "--budget",
        str(budget or args.budget),
        "--progress",
        str(args.progress),
        "--log-level",
        args.log_level,
    ]
    if url:
        command += ["--sandbox-url", url]
    if profile:
        command += ["--profile-file", profile]
    if args.tracemalloc:
        command.append("--tracemalloc")
    timeout = (budget or args.budget) + 900  # set-up margin; never hang forever
    try:
        completed = subprocess.run(command, cwd=ROOT, timeout=timeout, check=False)
        if completed.returncode:
            return {"error": f"worker exited with {completed.returncode}"}
        return json.loads(Path(result_path).read_text())
    except subprocess.TimeoutExpired:
        return {"error": f"worker killed after {timeout:.0f} s"}
    finally:
        with contextlib.suppress(OSError):
            os.unlink(result_path)


def run_size(args, conf, size, out):
    """Every scenario for ``size`` records; ``{scenario: result}``."""
    results = {}
    template = f"{args.db}_template"

    def fresh():
        harness.clone_db(conf, template, args.db)

    def profile_path(scenario):
        if scenario not in args.profile:
            return None
        folder = ROOT / ".local" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / f"profile-{scenario}-{size}.pstats")

    def say(text):
        print(
            f"  [{dt.datetime.now():%H:%M:%S}] N={size:,} {text}", file=out, flush=True
        )

    scenarios = args.scenarios
    if "create" in scenarios or "export" in scenarios:
        fresh()
        say("create: Odoo create() of the partners")
        results["create"] = _spawn_worker(
            args, "create", args.db, size, profile=profile_path("create")
        )
        if "export" in scenarios:
            say("export: export_contacts + export_batch jobs")
            with harness.SandboxProcess(
                args.sandbox, seed=0, python=args.python
            ) as box:
                results["export"] = _spawn_worker(
                    args,
                    "export",
                    args.db,
                    size,
                    box.url,
                    profile=profile_path("export"),
                )
    if "create-leads" in scenarios:
        fresh()
        say("create-leads: Odoo create() of the sandbox's leads as partners")
        results["create-leads"] = _spawn_worker(
            args, "create-leads", args.db, size, profile=profile_path("create-leads")
        )
    for scenario, action in (("import", "delta"), ("import-bulk", "bulk extract")):
        if scenario not in scenarios:
            continue
        fresh()
        options, budget = {}, None
        if scenario == "import-bulk":
            options = {"export_polls": args.bulk_export_polls}
            budget = args.bulk_budget
            action += f" (sandbox export_polls={args.bulk_export_polls})"
        say(
            f"{scenario}: sandbox seeded with {size:,} leads, {action} through the jobs"
        )
        with harness.SandboxProcess(
            args.sandbox, seed=size, python=args.python, options=options
        ) as box:
            say(f"{scenario}: {box.banner[-1] if box.banner else ''}")
            results[scenario] = _spawn_worker(
                args,
                scenario,
                args.db,
                size,
                box.url,
                budget=budget,
                profile=profile_path(scenario),
            )
    if "naive" in scenarios:
        fresh()
        count = min(size, args.naive_limit)
        say(f"naive: {count:,} export_record jobs, {args.naive_budget:.0f} s budget")
        with harness.SandboxProcess(args.sandbox, seed=0, python=args.python) as box:
            results["naive"] = _spawn_worker(
                args,
                "naive",
                args.db,
                count,
                box.url,
                budget=args.naive_budget,
                profile=profile_path("naive"),
            )
    for scenario, result in results.items():
        if "error" in result:
            say(f"{scenario}: FAILED ({result['error']})")
    return results


# -- tables ------------------------------------------------------------


def _fmt(value, digits=1, suffix=""):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}{suffix}"
    return f"{value:,.{digits}f}{suffix}"


def row_of(scenario, result, size):
    """Table cells of one result (a dict of numbers and notes)."""
    if not result or "error" in result:
        return {
            "scenario": SCENARIO_TITLES[scenario],
            "note": (result or {}).get("error"),
        }
    calls = result.get("calls") or {}
    rest = calls.get("rest")
    wall = result["wall"]
    records = result["records"]
    row = {
        "scenario": SCENARIO_TITLES[scenario],
        "records": records,
        "calls": rest,
        "identity": calls.get("identity"),
        "wall": wall,
        "rate": records / wall if wall else None,
        "peak": result["memory"]["peak_mb"],
        "delta": result["memory"]["delta_mb"],
        "errors": None,
        "violations": calls.get("violations"),
        "ratio": None,
        "note": "",
    }
    if not scenario.startswith("create"):
        row["errors"] = f"{result['issues']}+{result['failed_jobs']}"
        if rest:
            row["ratio"] = wall / (rest / CALLS_PER_SECOND)
        run = result.get("run") or {}
        if run.get("stopped_by") not in (None, "idle"):
            row["note"] = (
                f"stopped: {run['stopped_by']}, {run.get('remaining')} jobs left"
            )
    return row


def extrapolated_row(result, size):
    """The naive design at ``size`` records, from its measured per-record time."""
    records = result.get("records") or 0
    if not records:
        return None
    per_record = result["wall"] / records
    floor = size / CALLS_PER_SECOND
    wall = max(size * per_record, floor)
    calls_per_record = (result["calls"] or {}).get("rest", records) / records
    return {
        "scenario": f"   ... extrapolated to {size:,}",
        "records": size,
        "calls": f"{round(size * calls_per_record):,}*",
        "wall": f"{wall:,.0f}*",
        "rate": f"{size / wall:,.1f}*",
        "peak": None,
        "delta": None,
        "errors": None,
        "violations": None,
        "ratio": f"{wall / (size * calls_per_record / CALLS_PER_SECOND):.2f}*",
        "note": "extrapolated"
        + ("; needs the whole daily quota (50,000)" if size >= 50000 else ""),
    }


COLUMNS = (
    ("scenario", "scenario", 40, "<"),
    ("records", "records", 8, ">"),
    ("calls", "API calls", 9, ">"),
    ("wall", "wall s", 8, ">"),
    ("rate", "records/s", 9, ">"),
    ("peak", "peak MB", 7, ">"),
    ("delta", "+MB", 6, ">"),
    ("errors", "errors", 6, ">"),
    ("violations", "limit viol.", 11, ">"),
    ("ratio", "wall/floor", 10, ">"),
)


def format_table(rows):
    head = "  ".join(f"{title:{align}{width}}" for __, title, width, align in COLUMNS)
    lines = [head, "-" * len(head)]
    for row in rows:
        cells = []
        for key, __, width, align in COLUMNS:
            value = row.get(key)
            digits = 2 if key == "ratio" else (0 if key == "peak" else 1)
            cells.append(f"{_fmt(value, digits):{align}{width}}")
        line = "  ".join(cells)
        if row.get("note"):
            line += f"   ({row['note']})"
        lines.append(line)
    return "\n".join(lines)


def print_results(args, all_results, out):
    for size in args.sizes:
        results = all_results.get(size, {})
        rows = []
        for scenario in (
            "import",
            "import-bulk",
            "export",
            "naive",
            "create",
            "create-leads",
        ):
            if scenario not in results:
                continue
            rows.append(row_of(scenario, results[scenario], size))
            if scenario == "naive" and "error" not in results[scenario]:
                measured = results[scenario]
                if measured.get("records", 0) < size:
                    rows[-1]["note"] = (
                        f"measured: {measured.get('attempted', 0):,} enqueued, "
                        f"{args.naive_budget:.0f} s budget"
                        + (f"; {rows[-1]['note']}" if rows[-1].get("note") else "")
                    )
                    extra = extrapolated_row(measured, size)
                    if extra:
                        rows.append(extra)
        print(f"\nN = {size:,}", file=out)
        print(format_table(rows), file=out)
    print(
        "\nAPI calls: rate-limited REST calls seen by the sandbox (identity/token "
        "calls apart: "
        + ", ".join(
            f"{scenario} {r['calls']['identity']}"
            for size in args.sizes
            for scenario, r in all_results.get(size, {}).items()
            if r.get("calls") and size == args.sizes[0]
        )
        + f" at N={args.sizes[0]:,}).  floor = API calls / {CALLS_PER_SECOND:g} per s."
        "  errors = review issues + failed jobs.  +MB = peak RSS minus RSS at the "
        "start of the measured phase.  * = extrapolated.",
        file=out,
    )
    for size in args.sizes:
        bulk = all_results.get(size, {}).get("import-bulk")
        if bulk and bulk.get("calls"):
            windows = bulk["calls"]["per_route"].get(
                "POST /bulk/v1/leads/export/create.json", 0
            )
            print(
                f"import-bulk at N={size:,}: {windows} bulk exports (31-day windows "
                "from the backend's initial_load_since) whatever N; the sandbox "
                f"completed each at status poll {args.bulk_export_polls + 1} "
                "(--bulk-export-polls); every extra poll postpones the step by 30 s, "
                f"i.e. +{windows * 30 / 3600:.1f} h per poll over the load.",
                file=out,
            )
    print_memory(args, all_results, out)
    print_targets(args, all_results, out)
    print_details(args, all_results, out)


def print_memory(args, all_results, out):
    sizes = sorted(args.sizes)
    if len(sizes) < 2:
        return
    print("\nPeak memory by size (RSS MB: peak / growth during the phase)", file=out)
    head = f"{'scenario':40}" + "".join(f"{f'N={n:,}':>20}" for n in sizes)
    print(head + f"{'growth ratio':>16}", file=out)
    for scenario in ("import", "import-bulk", "export", "create", "create-leads"):
        cells, deltas = [], []
        for size in sizes:
            result = all_results.get(size, {}).get(scenario)
            if not result or "error" in result:
                cells.append(f"{'-':>20}")
                deltas.append(None)
                continue
            memory = result["memory"]
            cells.append(f"{memory['peak_mb']:>11,.0f} / {memory['delta_mb']:>+6,.0f}")
            deltas.append(memory["delta_mb"])
        if all(d is None for d in deltas):
            continue
        growth = "-"
        if deltas[0] and deltas[-1] is not None and deltas[0] > 0:
            growth = f"x{deltas[-1] / deltas[0]:.2f}"
        print(
            f"{SCENARIO_TITLES[scenario]:40}" + "".join(cells) + f"{growth:>16}",
            file=out,
        )
    print(
        f"(records grow x{sizes[-1] / sizes[0]:g}; flat memory means the growth "
        "column stays near x1)",
        file=out,
    )


def _verdict(ok):
    return "MET" if ok else "MISSED"


def print_targets(args, all_results, out):
    print("\nTargets (reported, not asserted)", file=out)
    for size in args.sizes:
        results = all_results.get(size, {})
        lines = []
        export = results.get("export")
        if export and "error" not in export and export.get("calls"):
            rest = export["calls"]["rest"]
            allowed = math.ceil(size / BATCH)
            floor = rest / CALLS_PER_SECOND
            lines.append(
                f"export <= 1 call per {BATCH} records: {rest:,} calls for "
                f"{export['records']:,} records (ceil(N/{BATCH}) = {allowed:,}) -> "
                f"{_verdict(rest <= allowed)}"
            )
            lines.append(
                f"export wall <= 1.2 x floor: {export['wall']:,.1f} s vs floor "
                f"{floor:,.1f} s = {export['wall'] / floor:.2f}x -> "
                f"{_verdict(export['wall'] <= 1.2 * floor)}"
            )
        ceilings = [
            (name, results[name])
            for name in ("create-leads", "create")
            if results.get(name) and "error" not in results[name]
        ]
        for scenario in ("import", "import-bulk"):
            imported = results.get(scenario)
            if not imported or "error" in imported or not imported["wall"]:
                continue
            rate = imported["records"] / imported["wall"]
            for name, create in ceilings:
                ceiling = create["records"] / create["wall"]
                label = (
                    "the same records created plainly (create-leads, the target)"
                    if name == "create-leads"
                    else "plain partners without company (create, for reference)"
                )
                verdict = (
                    f" -> {_verdict(rate >= 0.5 * ceiling)}"
                    if name == ceilings[0][0]
                    else ""
                )
                lines.append(
                    f"{scenario} >= 0.5 x raw create: {rate:,.1f} vs {ceiling:,.1f} "
                    f"records/s of {label} = {rate / ceiling:.2f}x{verdict}"
                )
        violations = {
            scenario: r["calls"]["violations"]
            for scenario, r in results.items()
            if r.get("calls") is not None
        }
        if violations:
            lines.append(
                "zero limit violations: "
                + ", ".join(f"{s} {v}" for s, v in violations.items())
                + f" -> {_verdict(not any(violations.values()))}"
            )
        complete = {
            scenario: r.get("records")
            for scenario, r in results.items()
            if scenario in ("import", "import-bulk", "export")
        }
        if complete:
            lines.append(
                "all records synced: "
                + ", ".join(f"{s} {_fmt(v)}/{size:,}" for s, v in complete.items())
                + f" -> {_verdict(all(v == size for v in complete.values()))}"
            )
        print(f"  N = {size:,}", file=out)
        for line in lines:
            print(f"    {line}", file=out)


def print_details(args, all_results, out):
    print("\nDetails", file=out)
    for size in args.sizes:
        for scenario, result in all_results.get(size, {}).items():
            if "error" in result or scenario.startswith("create"):
                continue
            calls = result.get("calls") or {}
            run = result.get("run") or {}
            routes = ", ".join(
                f"{route} {count:,}"
                for route, count in sorted(calls.get("per_route", {}).items())
            )
            print(
                f"  N={size:,} {scenario}: jobs done {run.get('done_by_method')}, "
                f"failed {run.get('failed_by_method') or 0}, postponed "
                f"{run.get('postponed_by_method') or 0} "
                f"({run.get('postponed_by_reason') or '-'}); time inside jobs "
                f"{run.get('job_seconds', 0):,.1f} s of {result['wall']:,.1f} s "
                f"({harness.cpu_bound(run.get('job_cpu_seconds', 0))}; "
                f"{harness.machine_share(result)}); "
                f"calls per route: {routes or '-'}; concurrency peak "
                f"{calls.get('concurrency_peak')}; issues {result.get('issue_codes') or 0}"
                + (
                    f"; peak MB per worker process {run['worker_peak_mb']}"
                    if run.get("worker_peak_mb")
                    else ""
                ),
                file=out,
            )
            times = result.get("job_times") or {}
            if times:
                print(
                    "      time per job (queue_job.exec_time): "
                    + ", ".join(
                        f"{method} {t['count']:,} x {t['seconds'] / t['count']:.2f} s "
                        f"(max {t['max']:.2f} s)"
                        for method, t in sorted(times.items())
                    ),
                    file=out,
                )
            if run.get("rss_mb_after"):
                print(
                    "      RSS right after the jobs of each method (max MB): "
                    + ", ".join(
                        f"{method} {mb:,.0f}"
                        for method, mb in sorted(run["rss_mb_after"].items())
                    ),
                    file=out,
                )
            for failure in run.get("failures") or []:
                print(f"      failure: {failure[:300]}", file=out)


def orchestrate(args):
    out = sys.stdout
    conf = OdooConf(args.config)
    # one run per database name at a time: a second run would drop the
    # databases of the first one under its feet
    lock = conf.pg_connect()
    with lock.cursor() as cr:
        cr.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"bench:{args.db}",))
        if not cr.fetchone()[0]:
            raise SystemExit(
                f"Another benchmark run is using the databases {args.db} and "
                f"{args.db}_template: wait for it, or pass --db another_name."
            )
    args.code_digest = _code_digest()
    print_header(args, conf, out)
    template = f"{args.db}_template"
    started = time.monotonic()
    if (
        args.reuse_template
        and harness.module_state(conf, template, "connector_marketo") == "installed"
    ):
        print(f"\nReusing {template} (--reuse-template)", file=out, flush=True)
    else:
        print(
            f"\nDropping {args.db} and {template}; installing connector_marketo in "
            f"{template} ...",
            file=out,
            flush=True,
        )
        harness.drop_db(conf, args.db)
        harness.drop_db(conf, template)
        seconds = harness.install_db(conf, template, "connector_marketo", args.python)
        print(f"  installed in {seconds:.0f} s", file=out, flush=True)
    all_results = {}
    for size in sorted(args.sizes):
        all_results[size] = run_size(args, conf, size, out)
    print(
        f"\nDone in {time.monotonic() - started:,.0f} s (load average now {_load()})."
        "  Results (N = " + ", ".join(f"{n:,}" for n in args.sizes) + ")",
        file=out,
    )
    print_results(args, all_results, out)
    digest = _code_digest()
    if digest != args.code_digest:
        print(
            f"\nWARNING: the addon code changed during the run (digest {args.code_digest}"
            f" -> {digest}, git {_git('rev-parse', '--short', 'HEAD')}): scenarios "
            "started at different times may have run different code.",
            file=out,
        )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps(
                {"argv": args.argv, "results": all_results}, indent=1, default=str
            )
        )
        print(f"\nRaw results: {args.json}", file=out)
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_marketo",
        description=__doc__.split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=10000, help="N (10000)")
    parser.add_argument(
        "--also", type=int, nargs="*", default=[], help="other sizes in the same run"
    )
    parser.add_argument("--config", default=harness.default_conf())
    parser.add_argument("--python", default=harness.default_python())
    parser.add_argument("--db", default="marketing_bench")
    parser.add_argument(
        "--sandbox",
        default="marketo",
        help="emulator: marketo (tests/sandbox/marketo.py) or package.module:Class",
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(DEFAULT_SCENARIOS),
        help=f"comma-separated among {', '.join(ALL_SCENARIOS)} "
        f"(default {','.join(DEFAULT_SCENARIOS)})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="job workers (threads sharing the database and its rate limiter, "
        "like queue_job workers; default 2)",
    )
    parser.add_argument(
        "--processes",
        action="store_true",
        help="job workers are processes (tests/bench/workers.py), not threads",
    )
    parser.add_argument(
        "--budget", type=float, default=3600, help="seconds per scenario at most"
    )
    parser.add_argument(
        "--bulk-budget", type=float, default=1200, help="seconds for import-bulk"
    )
    parser.add_argument(
        "--bulk-export-polls",
        type=int,
        default=0,
        help="status polls before a sandbox bulk export completes (0: at the "
        "first poll; the sandbox's own default is 2, each costs the connector "
        "a 30 s postponement)",
    )
    parser.add_argument("--naive-limit", type=int, default=5000)
    parser.add_argument("--naive-budget", type=float, default=120)
    parser.add_argument(
        "--profile",
        default="",
        help="scenarios to run under cProfile (comma separated; inflates timings)",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also measure Python allocations (slow: timings are not comparable)",
    )
    parser.add_argument(
        "--reuse-template",
        action="store_true",
        help="keep <db>_template when connector_marketo is installed in it",
    )
    parser.add_argument(
        "--progress", type=float, default=30, help="progress line every N s (0: off)"
    )
    parser.add_argument("--log-level", default="warn")
    parser.add_argument("--json", help="write the raw results there")
    # internal: one scenario in a child process
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox-url", help=argparse.SUPPRESS)
    parser.add_argument("--profile-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = list(argv)
    args.config = str(Path(args.config).resolve())
    args.sizes = [args.records] + [n for n in args.also if n != args.records]
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(ALL_SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    args.profile = [s.strip() for s in args.profile.split(",") if s.strip()]
    return args


def main(argv=None):
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.worker:
        return run_worker(args)
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
