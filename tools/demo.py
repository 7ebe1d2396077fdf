#!/usr/bin/env python3
"""``make demo``: a provider's connector against its sandbox, end to end.

``--provider`` (default ``marketo``) picks the platform: its addon, backend
model and emulator come from ``tools/demo_providers/<provider>.py`` (see
that package: adding a provider is adding a file there). Then:

1. starts the provider's emulator (``tests/sandbox/``) on 127.0.0.1,
   seeded with contacts, with the platform's real limits;
2. makes sure the database (``marketing_demo``) exists with the provider's
   addon installed (``odoo -i``, admin / admin when created);
3. creates or updates a backend pointing at the sandbox, and a few
   partners (one shares its email with a sandbox contact, one has a broken
   email: it lands in the review queue);
4. runs an import, then an export, through the job queue: the buttons'
   methods store jobs, the harness performs them like a queue_job worker;
5. prints what was synced, then serves Odoo on http://127.0.0.1:<port>
   (the config's ``http_port``; queue_job's job runner included) until
   Ctrl-C.  The sandbox keeps running meanwhile, so the backend's buttons
   work from the web client.  ``--no-serve`` exits after printing.

Run from the repository root with the venv python::

    .venv/bin/python tools/demo.py [--provider marketo] [--records 200]
                                   [--no-serve] [--reset]

(``ODOO_CONF`` / ``--config`` selects the Odoo configuration, default
``.local/odoo.conf`` of ``make setup``.)
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import demo_providers  # noqa: E402  (tools/ is the script's folder)

from tests.bench import harness  # noqa: E402

#: partners the demo creates in Odoo (email None: borrowed from a sandbox contact)
DEMO_PARTNERS = (
    ("Ada Lovelace", "ada.lovelace@demo.example", "+44 20 7946 0018", "GB"),
    ("Grace Hopper", "grace.hopper@demo.example", "+1 212 555 0147", "US"),
    ("Marie Curie", "marie.curie@demo.example", "+33 1 44 27 00 00", "FR"),
    ("Alan Turing", "alan.turing(at)demo.example", None, "GB"),  # review queue
    ("Contact already in Odoo", None, None, None),  # email of a sandbox contact
)


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        # as the HTTP server will: connections of a previous run in TIME_WAIT
        # do not make the port busy
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def say(text=""):
    print(text, flush=True)


def backend_name(provider) -> str:
    return f"{provider.label} sandbox (demo)"


# ----------------------------------------------------------------------
# Odoo side
# ----------------------------------------------------------------------


def prepare_backend(registry, provider, url):
    """Create or update the demo backend; forget the state of a previous run."""
    with harness.environment(registry) as env:
        Backend = env[provider.backend_model].with_context(active_test=False)
        backend = Backend.search([("name", "=", backend_name(provider))], limit=1)
        values = {
            "name": backend_name(provider),
            "active": True,
            **provider.backend_values(url),
        }
        notes = []
        if backend:
            # a new sandbox: old paging tokens, access tokens and remote ids
            # mean nothing to it
            scope = backend._scope_domain()
            for model in ("marketing.sync.cursor", "marketing.sync.issue"):
                env[model].sudo().search(scope).unlink()
            bindings = env[provider.binding_model].with_context(active_test=False)
            old = bindings.search([("backend_id", "=", backend.id)])
            if old:
                notes.append(
                    f"{len(old)} bindings of a previous run removed (their partners stay)"
                )
                old.with_context(connector_no_export=True).unlink()
            backend.write(values)
            notes.insert(0, f"updated (id {backend.id})")
        else:
            backend = Backend.create(values)
            notes.append(f"created (id {backend.id})")
        for table in ("marketing_throttle", "marketing_token"):
            env.cr.execute(
                f"DELETE FROM {table} WHERE backend_model = %s AND backend_id = %s",  # noqa: S608
                (backend._name, backend.id),
            )
        env.cr.execute(
            "UPDATE queue_job SET state = 'cancelled' "
            "WHERE state IN ('pending', 'enqueued', 'started', 'wait_dependencies')"
        )
        if env.cr.rowcount:
            notes.append(
                f"{env.cr.rowcount} unfinished jobs of a previous run cancelled"
            )
        return backend.id, notes


def create_partners(registry, provider, sandbox_email):
    """The demo partners (idempotent); returns their ids and a description."""
    ids, lines = [], []
    with harness.environment(registry) as env:
        Partner = env["res.partner"]
        for name, email, phone, country in DEMO_PARTNERS:
            note = ""
            if email is None:
                email = sandbox_email
                note = f"same email as a sandbox {provider.record_noun}: the import links it"
            elif "@" not in email:
                note = "broken email: the export sends it to the review queue"
            partner = Partner.search([("email", "=", email)], limit=1)
            values = {"name": name, "email": email, "phone": phone or False}
            if country:
                values["country_id"] = (
                    env["res.country"].search([("code", "=", country)], limit=1).id
                )
            if partner:
                status = "exists"
            else:
                partner = Partner.create(values)
                status = "created"
            ids.append(partner.id)
            lines.append(f"{name} <{email}> ({status}{'; ' + note if note else ''})")
    return ids, lines


def run_phase(registry, provider, backend_id, action, emulator, title):
    """Call a button method (it stores jobs), then perform the jobs."""
    before_stats = harness.sandbox_stats(emulator)
    before = harness.call_counts(before_stats)
    records_before = len(provider.records(emulator))
    start = time.monotonic()
    with harness.environment(registry) as env:
        getattr(env[provider.backend_model].browse(backend_id), action)()
        stored = harness.job_counts(env).get("pending", 0)
    run = harness.JobRunner(registry).run(deadline=600)
    wall = time.monotonic() - start
    after = harness.call_counts(harness.sandbox_stats(emulator))
    say(
        f"\n{title}: backend.{action}() stored {stored} job(s); the harness performed them"
    )
    methods = ", ".join(f"{m} x{n}" for m, n in sorted(run.done_by_method.items()))
    say(
        f"  jobs       : {run.done} done ({methods or '-'}), {run.failed} failed, "
        f"{run.postponed} postponed, {wall:.1f} s"
    )
    for failure in run.failures:
        say(f"    failed   : {failure[:200]}")
    say(
        f"  API calls  : {after['rest'] - before['rest']} REST + "
        f"{after['identity'] - before['identity']} identity; limit violations "
        f"{after['violations'] - before['violations']}"
    )
    return run, records_before, before_stats


def import_summary(registry, provider, backend_id, preexisting):
    noun = provider.record_noun
    with harness.environment(registry) as env:
        bindings = env[provider.binding_model].search(
            [("backend_id", "=", backend_id), ("external_id", "!=", False)]
        )
        linked = bindings.filtered(lambda b: b.odoo_id.id in preexisting)
        created = len(bindings) - len(linked)
        say(
            f"  partners   : {created} created from {noun}s, {len(linked)} existing "
            f"partner(s) linked by email"
        )
        for binding in linked[:5]:
            say(
                f"    linked   : {binding.odoo_id.display_name} <{binding.email}> "
                f"= {provider.label} {noun} {binding.external_id}"
            )
        sample = (bindings - linked)[:3]
        for binding in sample:
            partner = binding.odoo_id
            extra = provider.describe_binding(binding)
            say(
                f"    e.g.     : {partner.display_name} <{partner.email}> "
                f"{partner.country_id.code or ''} ({noun} {binding.external_id}"
                f"{', ' + extra if extra else ''})"
            )


def _bound(registry, provider, backend_id):
    with harness.environment(registry) as env:
        return set(
            env[provider.binding_model]
            .search([("backend_id", "=", backend_id), ("external_id", "!=", False)])
            .ids
        )


def export_summary(
    registry, provider, backend_id, partner_ids, emulator, before, bound_before
):
    records_before = before[0]
    noun = provider.record_noun
    stats = harness.sandbox_stats(emulator)
    changes = []
    for word, counter in (
        ("created", provider.created_counter),
        ("updated", provider.updated_counter),
    ):
        if counter:
            changes.append(
                f"{stats.get(counter, 0) - before[1].get(counter, 0)} {word}"
            )
    say(
        f"  sandbox    : {', '.join(changes) or 'changes not counted'} "
        f"({records_before} -> {len(provider.records(emulator))} {noun}s)"
    )
    with harness.environment(registry) as env:
        Binding = env[provider.binding_model]
        for partner in env["res.partner"].browse(partner_ids):
            binding = Binding.search(
                [("backend_id", "=", backend_id), ("odoo_id", "=", partner.id)]
            )
            state = (
                f"{provider.label} {noun} {binding.external_id}"
                if binding.external_id
                else "not exported"
            )
            say(f"    {partner.display_name:24} <{partner.email}>: {state}")
        bound = _bound(registry, provider, backend_id)
        others = Binding.browse(bound - bound_before).filtered(
            lambda b: b.odoo_id.id not in partner_ids
        )
        if others:
            names = ", ".join(others[:3].mapped("odoo_id.display_name"))
            say(
                f"    + {len(others)} other partner(s) of the sync domain "
                f"(email set): {names}"
            )


def review_summary(registry, provider, backend_id):
    with harness.environment(registry) as env:
        issues = (
            env["marketing.sync.issue"]
            .sudo()
            .search(
                [
                    ("backend_model", "=", provider.backend_model),
                    ("backend_id", "=", backend_id),
                    ("state", "=", "open"),
                ]
            )
        )
        say(f"\nReview queue: {len(issues)} open issue(s)")
        for issue in issues[:10]:
            who = issue.partner_id.display_name or issue.external_id or ""
            say(
                f"  - {issue.direction} {issue.reason_code}: {who}: "
                f"{(issue.reason or '').splitlines()[0][:120]}"
            )
        jobs = harness.job_counts(env)
        say("Job queue   : " + ", ".join(f"{k} {v}" for k, v in sorted(jobs.items())))


# ----------------------------------------------------------------------
# serving
# ----------------------------------------------------------------------


def serve(odoo, provider, db, port, sandbox_url, cron=False):
    from odoo.tools import config

    config["http_interface"] = "127.0.0.1"
    config["http_port"] = port
    config["http_enable"] = True
    config["db_name"] = db
    config["dbfilter"] = f"^{db}$"
    config["workers"] = 0
    # the scheduled actions (15-minute sync, daily maintenance) only with --cron:
    # the buttons and the job runner are what the demo shows
    config["max_cron_threads"] = 2 if cron else 0
    config["server_wide_modules"] = "base,web,queue_job"
    odoo.conf.server_wide_modules = ["base", "web", "queue_job"]
    url = f"http://127.0.0.1:{port}"
    say(f"\nOdoo is serving {db} on {url}  (queue_job's job runner runs too)")
    say(
        "  login      : admin / admin (a database created by this demo; "
        "--reset to recreate it)"
    )
    say(f'  look at    : {provider.menu} ("{backend_name(provider)}")')
    say(
        f"               Contacts (the imported {provider.record_noun}s), "
        "Connectors > Marketing > Review queue, Job Queue > Queue > Jobs"
    )
    say(f"  sandbox    : {sandbox_url} keeps answering: the backend's buttons work")
    say(
        "Ctrl-C to stop.",
    )
    return odoo.service.server.start(preload=[db], stop=False)


# ----------------------------------------------------------------------
# main
# ----------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="tools/demo.py", description=__doc__.split("\n\n", 1)[0]
    )
    parser.add_argument("--config", default=harness.default_conf())
    parser.add_argument("--db", default="marketing_demo")
    parser.add_argument(
        "--provider",
        default="marketo",
        choices=demo_providers.available(),
        help="the platform (default marketo; see tools/demo_providers/)",
    )
    parser.add_argument(
        "--records",
        "--leads",
        type=int,
        default=200,
        help="contacts seeded in the sandbox (200)",
    )
    parser.add_argument(
        "--port", type=int, help="Odoo HTTP port (default: the config's http_port)"
    )
    parser.add_argument("--sandbox-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--no-serve", action="store_true", help="exit after printing")
    parser.add_argument(
        "--cron",
        action="store_true",
        help="also run the scheduled actions while serving (15-minute sync...)",
    )
    parser.add_argument("--reset", action="store_true", help="drop and recreate the DB")
    parser.add_argument(
        "--no-update",
        action="store_true",
        help="do not update the provider's addon in an existing DB (odoo -u)",
    )
    parser.add_argument(
        "--sandbox",
        help="another emulator than the provider's: a tests/sandbox module "
        "or package.module:Class",
    )
    parser.add_argument("--log-level", default="warn")
    return parser.parse_args(argv)


def ensure_database(conf, args, addon):
    """The demo database with ``addon`` installed and up to date."""
    if args.reset:
        harness.drop_db(conf, args.db)
    state = harness.module_state(conf, args.db, addon)
    if state != "installed":
        say(
            f"  database   : installing {addon} in {args.db} "
            "(odoo -i, about a minute) ..."
        )
        seconds = harness.install_db(conf, args.db, addon, sys.executable)
        say(f"  database   : {args.db} ready in {seconds:.0f} s (login admin / admin)")
    elif args.no_update:
        say(f"  database   : {args.db} ({addon} installed)")
    else:
        seconds = harness.install_db(conf, args.db, addon, sys.executable, update=True)
        say(
            f"  database   : {args.db} ({addon} updated to the code in {seconds:.0f} s)"
        )


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    conf = harness.OdooConf(args.config)
    provider = demo_providers.load(args.provider)
    from tests.bench.harness import emulator_class
    from tests.sandbox.server import SandboxServer

    say(f"{provider.label} connector demo")
    emulator = emulator_class(args.sandbox or provider.emulator)()
    provider.seed(emulator, args.records)
    noun = provider.record_noun
    with SandboxServer(emulator, port=args.sandbox_port) as server:
        say(
            f"  sandbox    : {provider.label} emulator on {server.url}, "
            f"{len(provider.records(emulator))} {noun}s seeded, {provider.limits}"
        )
        ensure_database(conf, args, provider.addon)
        odoo = harness.setup_odoo(conf, log_level=args.log_level)
        registry = harness.open_registry(args.db)
        backend_id, notes = prepare_backend(registry, provider, server.url)
        with harness.environment(registry) as env:
            notes += provider.connect(
                env, env[provider.backend_model].browse(backend_id), emulator
            )
        say(f'  backend    : "{backend_name(provider)}" {"; ".join(notes)}')
        say(f"               {provider.describe_backend(server.url)}")
        partner_ids, lines = create_partners(
            registry, provider, provider.first_email(emulator)
        )
        with harness.environment(registry) as env:
            preexisting = set(env["res.partner"].search([]).ids)
        say(f"  partners   : {len(lines)} demo partners in Odoo")
        for line in lines:
            say(f"    - {line}")

        run_phase(
            registry,
            provider,
            backend_id,
            "action_import_contacts",
            emulator,
            f"Import ({noun}s -> partners)",
        )
        import_summary(registry, provider, backend_id, preexisting)
        bound_before = _bound(registry, provider, backend_id)
        __, records_before, stats_before = run_phase(
            registry,
            provider,
            backend_id,
            "action_export_contacts",
            emulator,
            f"Export (partners -> {noun}s)",
        )
        export_summary(
            registry,
            provider,
            backend_id,
            partner_ids,
            emulator,
            (records_before, stats_before),
            bound_before,
        )
        review_summary(registry, provider, backend_id)
        totals = harness.call_counts(harness.sandbox_stats(emulator))
        say(
            f"Sandbox     : {totals['rest']} REST + {totals['identity']} identity "
            f"calls in all, {totals['violations']} limit violations, "
            f"{len(provider.records(emulator))} {noun}s"
        )

        if args.no_serve:
            say("\n--no-serve: not serving; done.")
            return 0
        port = args.port or conf.http_port
        if not port_free(port):
            other = free_port()
            say(f"\nPort {port} is taken: serving on {other} instead.")
            port = other
        serve(odoo, provider, args.db, port, server.url, cron=args.cron)
    say("Stopped.")
    # like odoo-bin: leave now, before daemon threads notice the closed pool
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
