"""Benchmark of the Constant Contact connector against its sandbox.

Not a test: nothing is asserted, it measures and prints a table.  One run::

    python -m tests.bench.bench_constantcontact --sizes 10000,50000

creates ``<db>_template`` with ``connector_constantcontact`` installed once,
then for every size N runs each scenario in its own Odoo process (its peak
memory is its own) on a fresh copy of it, against a Constant Contact
emulator in another process with the real limits (4 calls/s, 10,000 a day):

1. **export**: N partners in Odoo; ``action_export_contacts()`` and every
   job it leads to: ``export_batch`` (one ``contacts_json_import`` activity
   per 10,000 partners, under 4 MB), ``follow_bulk_import`` (polls the
   activity, then binds the contact ids by reading back the contacts
   changed since, 500 per call);
2. **import**: the emulator holds N contacts; ``action_import_contacts()``:
   one ``import_contacts_page`` job per page of 500;
   then, in the same process, Odoo's own ``create()`` of the same N records
   (name and email, 500 per call, the importer's quiet context): the
   import's ceiling, printed as import / create;
3. **one per call** (sampled in the export run): the same export done one
   contact per call (``POST /contacts``) for ``--sample`` partners; its
   calls per 1,000 contacts and the days of daily quota N would need.

The backend authorizes through the OAuth2 code flow (PKCE) before each run;
``invalid_grant`` counts the refresh tokens the sandbox refused.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.parse

from . import harness
from .harness import ROOT, OdooConf
from .workers import ProcessRunner

DAILY_QUOTA = 10_000
PARTNER_BATCH = 5_000


def _connect(env, backend, sandbox_url):
    """Connect the backend: authorize (the sandbox consents), then callback."""
    import requests

    url = backend.action_oauth_connect()["url"]
    split = urllib.parse.urlsplit(url)
    answer = requests.get(
        f"{sandbox_url}{split.path}?{split.query}", allow_redirects=False, timeout=30
    )
    query = dict(
        urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["Location"]).query)
    )
    pending = env["marketing.oauth.state"].sudo()._consume(query["state"])
    backend._oauth_exchange_code(query["code"], pending[3])


def _backend(env, sandbox_url, **values):
    backend = env["constantcontact.backend"].create(
        dict(
            {
                "name": "Bench",
                "api_url": f"{sandbox_url}/v3",
                "oauth_authorize_url": f"{sandbox_url}/oauth2/default/v1/authorize",
                "oauth_token_url": f"{sandbox_url}/oauth2/default/v1/token",
                "oauth_revoke_url": f"{sandbox_url}/oauth2/default/v1/revoke",
                "client_id": "cc-client",
                "client_secret": "cc-secret",
                "max_inline_wait": 120.0,
                "import_since": "2000-01-01 00:00:00",
                "partner_domain": "[('email', '=like', 'bench-%')]",
            },
            **values,
        )
    )
    _connect(env, backend, sandbox_url)
    return backend


def _create_partners(registry, count, prefix):
    for start in range(0, count, PARTNER_BATCH):
        with harness.environment(
            registry, {"tracking_disable": True, "mail_create_nolog": True}
        ) as env:
            env["res.partner"].create(
                [
                    {
                        "name": f"Bench Person{i}",
                        "email": f"{prefix}{i}@example.com",
                        "city": "Lyon",
                        "phone": "+33 4 72 00 00 00",
                    }
                    for i in range(start, min(count, start + PARTNER_BATCH))
                ]
            )


def _runner(registry, args):
    """Job worker threads, or processes already started (their start-up is
    not the jobs' time)."""
    if args.processes:
        return ProcessRunner(
            args.config, registry.db_name, args.workers, registry=registry
        ).start(deadline=3 * 3600)
    return harness.JobRunner(registry, workers=args.workers, progress=60)


def _run_jobs(registry, action, backend_id, runner):
    with harness.environment(registry) as env:
        getattr(env["constantcontact.backend"].browse(backend_id), action)()
    return runner.run(deadline=3 * 3600)


def _scenario(args):
    """One scenario in this process: prints one JSON line."""
    conf = OdooConf(args.config)
    harness.setup_odoo(conf, log_level="warn")
    registry = harness.open_registry(args.worker_db)
    size, kind = args.size, args.worker
    seed = size if kind == "import" else 0
    with harness.SandboxProcess("constantcontact", seed=seed) as sandbox:
        with harness.environment(registry) as env:
            backend = _backend(env, sandbox.url)
            with backend.work_on("constantcontact.backend") as work:
                adapter = work.component(usage="backend.adapter")
                backend.default_list_id = adapter.create_list("Bench")["list_id"]
            backend_id = backend.id
        if kind == "export":
            _create_partners(registry, size, "bench-")
        sandbox.reset()
        runner = _runner(registry, args)
        with harness.MemoryMeter() as memory:
            start = time.monotonic()
            action = (
                "action_export_contacts"
                if kind == "export"
                else "action_import_contacts"
            )
            run = _run_jobs(registry, action, backend_id, runner)
            wall = time.monotonic() - start
        stats = sandbox.stats()
        counts = harness.call_counts(stats)
        with harness.environment(registry) as env:
            bound = env["constantcontact.res.partner"].search_count(
                [("backend_id", "=", backend_id), ("external_id", "!=", False)]
            )
            issues = env["marketing.sync.issue"].search_count(
                [("backend_model", "=", "constantcontact.backend")]
            )
        result = {
            "scenario": kind,
            "size": size,
            "calls": counts["rest"],
            "token_calls": counts["identity"],
            "violations": counts["violations"],
            "invalid_grants": stats.get("invalid_grants", 0),
            "wall": wall,
            "bound": bound,
            "issues": issues,
            "peak_mb": memory.peak_mb,
            "jobs": run.as_dict()["done_by_method"],
            "failed": run.failed,
            "postponed": run.as_dict()["postponed_by_reason"],
            "concurrency_peak": stats.get("concurrency_peak"),
            "worker_peak_mb": run.as_dict().get("worker_peak_mb"),
            "job_cpu": run.job_cpu_seconds,
            "per_route": counts["per_route"],
        }
        if kind == "export" and args.sample:
            result["naive"] = _naive(registry, backend_id, sandbox, args.sample)
        if kind == "import":
            result["create_wall"] = _create_ceiling(registry, size)
    print("RESULT " + json.dumps(result), flush=True)


def _create_ceiling(registry, size, batch=500):
    """Seconds of Odoo's own ``create()`` of the records the import made
    (the sandbox's contacts: a name and an email), a page (500) per call and
    per transaction, with the importer's quiet context: the ceiling the
    import is compared with."""
    from odoo.addons.connector_marketing_base.components.mapper import QUIET_CREATE

    start = time.monotonic()
    for first in range(0, size, batch):
        with harness.environment(registry, QUIET_CREATE) as env:
            env["res.partner"].create(
                [
                    {"name": f"Person N{i}", "email": f"ceiling{i}@example.com"}
                    for i in range(first, min(size, first + batch))
                ]
            )
    return time.monotonic() - start


def _naive(registry, backend_id, sandbox, sample):
    """The same export, one contact per call, on ``sample`` new partners."""
    sandbox.reset()
    start = time.monotonic()
    with harness.environment(registry) as env:
        backend = env["constantcontact.backend"].browse(backend_id)
        with backend.work_on("constantcontact.res.partner") as work:
            adapter = work.component(usage="backend.adapter")
            for i in range(sample):
                adapter._call(
                    "POST",
                    "/contacts",
                    json={
                        "email_address": {"address": f"naive-{i}@example.com"},
                        "first_name": "Naive",
                        "last_name": f"N{i}",
                        "create_source": "Account",
                        "list_memberships": [backend.default_list_id],
                    },
                )
    wall = time.monotonic() - start
    counts = harness.call_counts(sandbox.stats())
    return {
        "sample": sample,
        "calls": counts["rest"],
        "wall": wall,
        "violations": counts["violations"],
    }


def _mb(value):
    return f"{value:,.0f}"


def _print_table(results):
    header = (
        "| scenario | contacts | API calls | calls/1,000 | share of daily quota "
        "| wall s | records/s | peak MB | limit violations | invalid_grant |"
    )
    print(header)
    print("|---" * 10 + "|")
    for r in results:
        per_k = r["calls"] / r["size"] * 1000
        print(
            f"| {r['scenario']} | {r['size']:,} | {r['calls']:,} | {per_k:.2f} "
            f"| {r['calls'] / DAILY_QUOTA:.1%} | {r['wall']:.1f} "
            f"| {r['size'] / r['wall']:,.0f} | {_mb(r['peak_mb'])} "
            f"| {r['violations']} | {r['invalid_grants']} |"
        )
    for r in results:
        naive = r.get("naive")
        if not naive:
            continue
        per_contact = naive["calls"] / naive["sample"]
        print(
            f"| one per call (sample {naive['sample']}) | {r['size']:,} "
            f"| {per_contact * r['size']:,.0f}* | {per_contact * 1000:,.0f} "
            f"| {per_contact * r['size'] / DAILY_QUOTA:.0%}* "
            f"| {naive['wall'] / naive['sample'] * r['size']:,.0f}* "
            f"| {naive['sample'] / naive['wall']:,.1f} | - | {naive['violations']} | - |"
        )
    print("* extrapolated from the sample to N contacts")
    for r in results:
        if r.get("create_wall"):
            print(
                f"import {r['size']:,}: {r['size'] / r['wall']:,.0f} records/s, "
                f"Odoo create() of the same records {r['size'] / r['create_wall']:,.0f}"
                f"/s ({r['create_wall']:.1f} s): import / create = "
                f"{r['create_wall'] / r['wall']:.2f}x (target 0.8)"
            )
    for r in results:
        naive = r.get("naive")
        if naive:
            days = naive["calls"] / naive["sample"] * r["size"] / DAILY_QUOTA
            print(
                f"one-contact-per-call export of {r['size']:,} contacts: "
                f"{days:.1f} days of the 10,000-call daily quota "
                f"(bulk: {r['calls'] / DAILY_QUOTA:.3f} days)"
            )
    print()
    for r in results:
        print(
            f"{r['scenario']} {r['size']:,}: bound {r['bound']:,}, review issues "
            f"{r['issues']}, failed jobs {r['failed']}, jobs {r['jobs']}, token "
            f"calls {r['token_calls']}, concurrency peak "
            f"{r.get('concurrency_peak')}, postponed {r.get('postponed') or 0}, "
            f"peak MB per worker process {r.get('worker_peak_mb') or '-'}; "
            f"{harness.cpu_bound(r['job_cpu'])}"
        )
        print(f"    calls per route: {r['per_route']}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_constantcontact")
    parser.add_argument("--config", default=harness.default_conf())
    parser.add_argument("--db", default="marketing_bench_cc")
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--scenarios", default="export,import")
    parser.add_argument("--workers", type=int, default=1, help="job workers")
    parser.add_argument(
        "--processes", action="store_true", help="job workers are processes"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-db", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _scenario(args)
    conf = OdooConf(args.config)
    template = f"{args.db}_template"
    if harness.module_state(conf, template, "connector_constantcontact") != "installed":
        harness.drop_db(conf, template)
        print(f"installing connector_constantcontact in {template} ...", flush=True)
        harness.install_db(conf, template, "connector_constantcontact")
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        for scenario in args.scenarios.split(","):
            db = f"{args.db}_{scenario}_{size}"
            harness.clone_db(conf, template, db)
            print(f"{scenario} {size:,} ...", flush=True)
            command = [
                harness.default_python(),
                "-m",
                "tests.bench.bench_constantcontact",
                "--config",
                conf.path,
                "--worker",
                scenario,
                "--worker-db",
                db,
                "--size",
                str(size),
                "--sample",
                str(args.sample if size == max(map(int, args.sizes.split(","))) else 0),
                "--workers",
                str(args.workers),
                *(["--processes"] if args.processes else []),
            ]
            output = subprocess.run(
                command, cwd=ROOT, capture_output=True, text=True, check=False
            )
            lines = [x for x in output.stdout.splitlines() if x.startswith("RESULT ")]
            if not lines:
                print(output.stdout[-2000:], output.stderr[-4000:], file=sys.stderr)
                continue
            results.append(json.loads(lines[-1][len("RESULT ") :]))
            harness.drop_db(conf, db)
    _print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
