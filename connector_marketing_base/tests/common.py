"""Helpers for the tests of any provider addon."""

import pathlib
import sys

from odoo.tests.common import TransactionCase, _super_send, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

#: Tests of a backend run once every module is loaded: its adapters are
#: components, and the component registry of a database is only built at the
#: end of its loading, so an ``at_install`` test (Odoo's default, the moment
#: ``odoo -i <addon> --test-enable`` runs it) finds none.  pytest-odoo ignores
#: tags: both runners run the same tests.
post_install = tagged("standard", "post_install", "-at_install")


def _repository_on_path():
    """Make the repository's ``tests`` package (the provider emulators of
    ``tests/sandbox``) importable under Odoo's own test runner too.

    pytest puts the repository root on ``sys.path`` (its conftest.py);
    ``odoo-bin`` puts only its own folder there.  A copy of the addon
    outside the repository (a wheel) has no emulators: nothing is added.
    """
    root = pathlib.Path(__file__).resolve().parents[2]
    if (root / "tests" / "sandbox").is_dir() and str(root) not in sys.path:
        sys.path.insert(0, str(root))


_repository_on_path()


def purge_shared_state(registry, backend_model):
    """Delete the limiter, token and create-journal rows of ``backend_model``.

    They are written in their own transactions (that is their point), so
    they outlive the test transaction; tests remove them when done.
    """
    with registry.cursor() as cr:
        for table in (
            "marketing_throttle",
            "marketing_throttle_day",
            "marketing_backend_health",
            "marketing_token",
            "marketing_remote_create",
        ):
            # named rate-limit buckets are rows of "<backend model>/<bucket>"
            cr.execute(
                f"DELETE FROM {table} WHERE backend_model = %s "
                "OR backend_model LIKE %s",
                (backend_model, f"{backend_model}/%"),
            )


def run_jobs(func, *args, **kwargs):
    """Call ``func``, then perform every job it enqueues, transitively."""
    with trap_jobs() as trap:
        result = func(*args, **kwargs)
        while trap.enqueued_jobs:
            trap.perform_enqueued_jobs()
    return result


#: headers, query and form parameters that carry credentials somewhere
SECRET_HEADERS = ("Authorization", "Api-Token")
SECRET_PARAMETERS = (
    "access_token",
    "api_key",
    "client_id",
    "client_secret",
    # OAuth2 token requests (authorization code with PKCE, refresh)
    "refresh_token",
    "code",
    "code_verifier",
)
#: keys of token answers that carry tokens
SECRET_KEYS = ("access_token", "refresh_token", "id_token")


def vcr_recorder(cassette_dir, record_mode="none", **options):
    """vcrpy recorder that keeps credentials out of cassettes.

    Cassettes hold the providers' documented answers (or answers recorded
    from a real account, then committed): credential headers, query and
    form parameters are filtered whatever the provider.  ``options`` go to
    ``vcr.VCR`` (e.g. ``before_record_response`` for token answers).
    """
    import vcr

    settings = {
        "cassette_library_dir": str(cassette_dir),
        "record_mode": record_mode,
        "match_on": ["method", "path", "query"],
        "filter_headers": list(SECRET_HEADERS),
        "filter_query_parameters": list(SECRET_PARAMETERS),
        "filter_post_data_parameters": list(SECRET_PARAMETERS),
        "decode_compressed_response": True,
    }
    settings.update(options)
    return vcr.VCR(**settings)


def scrub_tokens(response):
    """``before_record_response`` for token answers: tokens become FILTERED."""
    import json

    body = response["body"].get("string") or b""
    text = body.decode() if isinstance(body, bytes) else body
    if any(f'"{key}"' in text for key in SECRET_KEYS):
        data = json.loads(text)
        for key in SECRET_KEYS:
            if key in data:
                data[key] = "FILTERED"
        response["body"]["string"] = json.dumps(data).encode()
    return response


@post_install
class MarketingBackendMixin:
    """A provider backend for tests: class attributes say which one.

    ``backend_model``/``binding_model`` name the provider's models;
    ``_backend_values(url)`` gives its own fields (URLs, credentials); the
    values every backend shares (inline wait, timeouts, breaker, unlimited
    limiter: the limiter has its own tests) are set here.
    """

    backend_model = None
    binding_model = None
    emulator_options = {}

    @classmethod
    def _emulator(cls, **options):
        """A new emulator of the provider (tests.sandbox.<provider>)."""
        raise NotImplementedError

    @classmethod
    def _start_sandbox(cls):
        """The emulator served on 127.0.0.1 until the class ends, and
        ``cls.backend`` pointing at it."""
        from tests.sandbox.server import SandboxServer

        cls.emulator = cls._emulator(**cls.emulator_options)
        cls.server = SandboxServer(cls.emulator)
        cls.server.__enter__()
        cls.addClassCleanup(cls.server.__exit__, None, None, None)
        cls.backend = cls._create_backend(cls.env, url=cls.server.url)

    @classmethod
    def _backend_values(cls, url):
        """The provider's own backend values for a server at ``url``."""
        raise NotImplementedError

    @classmethod
    def _create_backend(cls, env, url="http://127.0.0.1:9", **vals):
        values = {
            "name": "Sandbox",
            "max_inline_wait": 2.0,
            "request_timeout": 5.0,
            "circuit_threshold": 3,
            "circuit_cooldown": 60,
            "rate_limit_calls": 0,
            "rate_limit_concurrency": 0,
            **cls._backend_values(url),
            **vals,
        }
        return env[cls.backend_model].create(values)

    def issues(self, **domain):
        return self.env["marketing.sync.issue"].search(
            self.backend._scope_domain()
            + [(key, "=", value) for key, value in domain.items()]
        )

    def adapter(self, model=None):
        with self.backend.work_on(model or self.backend_model) as work:
            return work.component(usage="backend.adapter")


class MarketingSandboxCase(MarketingBackendMixin, TransactionCase):
    """A backend talking to the provider's emulator on 127.0.0.1.

    The emulator (``_emulator(**emulator_options)``) serves the whole class;
    each test starts with no fault armed and leaves no limiter/token row.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._start_sandbox()

    def setUp(self):
        super().setUp()
        self.emulator.faults.reset()
        self.addCleanup(purge_shared_state, self.registry, self.backend_model)

    def calls(self, route):
        return self.emulator.stats["per_route"].get(route, 0)

    def run_jobs(self, func, *args, **kwargs):
        return run_jobs(func, *args, **kwargs)

    def bind(self, partner, external_id=None):
        return (
            self.env[self.binding_model]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": self.backend.id,
                    "odoo_id": partner.id,
                    "external_id": external_id,
                }
            )
        )

    def binding_of(self, external_id):
        return self.env[self.binding_model].search(
            [
                ("backend_id", "=", self.backend.id),
                ("external_id", "=", str(external_id)),
            ]
        )


class CassetteReplayMixin(MarketingBackendMixin):
    """A backend whose HTTP calls a committed cassette answers.

    ``cassette_dir``/``cassette_name`` name the cassette, ``cassette_url``
    the provider's documented base URL, ``cassette_options`` extra
    ``vcr_recorder`` options.  Replay only (record mode "none"): an
    unrecorded call fails, nothing leaves the machine.
    """

    cassette_dir = None
    cassette_name = "documented_examples.yaml"
    cassette_url = None
    cassette_options = {}

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test handler refuses outgoing calls; here vcrpy answers them
        return _super_send(s, r, **kw)

    @classmethod
    def recorder(cls, cassette_dir, record_mode="none"):
        """The provider's recorder (``vcr_recorder`` with its options)."""
        return vcr_recorder(cassette_dir, record_mode, **cls.cassette_options)

    def setUp(self):
        super().setUp()
        self.backend = self._create_backend(self.env, url=self.cassette_url)
        self.addCleanup(purge_shared_state, self.registry, self.backend_model)
        cassette = self.recorder(self.cassette_dir).use_cassette(
            self.cassette_name, allow_playback_repeats=True
        )
        cassette.__enter__()
        self.addCleanup(cassette.__exit__, None, None, None)


def record_live(recorder, action):
    """Text of the cassette ``recorder`` writes while ``action()`` runs
    (record mode "all"), for tests that a recording holds no secret."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        with recorder(tmp, record_mode="all").use_cassette("live.yaml"):
            action()
        return (pathlib.Path(tmp) / "live.yaml").read_text()


def jobs_mentioning(env, text):
    """Ids of the job records whose arguments, description or result hold
    ``text`` (an email: personal data the erasure must leave nowhere)."""
    env.flush_all()
    env.cr.execute(
        "SELECT id FROM queue_job WHERE args::text ILIKE %(p)s "
        "OR kwargs::text ILIKE %(p)s OR func_string ILIKE %(p)s "
        "OR name ILIKE %(p)s OR result ILIKE %(p)s OR exc_info ILIKE %(p)s",
        {"p": f"%{text}%"},
    )
    return [row[0] for row in env.cr.fetchall()]


class ForgetPersonMixin:
    """A person is forgotten, against a provider's emulator (tier 2).

    For a ``MarketingSandboxCase``: the provider's test says how to create a
    contact on the emulator (``remote_create(email)`` → remote id) and
    whether one still exists (``remote_exists(remote id)``).
    """

    # Odoo's runner runs only the methods a test class defines itself,
    # unless it allows inherited ones: these scenarios are inherited
    allow_inherited_tests_method = True

    forget_email = "forget.me@example.com"
    keep_email = "keep.me@example.com"

    def remote_create(self, email):
        raise NotImplementedError

    def remote_exists(self, external_id):
        raise NotImplementedError

    def test_person_data_export_reads_the_platform(self):
        """Article 15: the export holds what the platform answers today,
        read through its API."""
        import json

        self.backend.import_since = "2000-01-01 00:00:00"
        external_id = self.remote_create(self.forget_email)
        self.backend.import_contact(external_id)
        partner = self.binding_of(external_id).odoo_id
        data = self.env["marketing.privacy"]._export_data(partner=partner)
        self.assertEqual(data["email"], self.forget_email)
        [platform] = data["platforms"]
        self.assertEqual(platform["external_id"], str(external_id))
        self.assertNotIn("error", platform)
        self.assertIn(
            self.forget_email, json.dumps(platform["contact"], default=str).lower()
        )

    def test_forgotten_person_is_erased_everywhere_and_not_reimported(self):
        from odoo import fields

        self.backend.import_since = "2000-01-01 00:00:00"
        gone, kept = (
            self.remote_create(self.forget_email),
            self.remote_create(self.keep_email),
        )
        for external_id in (gone, kept):
            self.backend.import_contact(external_id)
        partner = self.binding_of(gone).odoo_id
        self.assertEqual(partner.email_normalized, self.forget_email)
        adapter = self.adapter(self.binding_model)
        records = [adapter.fetch(gone), adapter.fetch(kept)]
        # a waiting job whose arguments carry contacts (no job of the
        # connector does any more; one of an older version, say)
        waiting = self.backend.with_delay()._import_records(records).db_record()
        self.env["marketing.sync.issue"]._report(
            self.backend, "import", "x", "y", external_id=gone, payload=records[0]
        )
        self.env["marketing.activity"]._record(
            self.backend,
            [
                {
                    "external_id": "dsr-1",
                    "activity_type": "open",
                    "occurred_at": fields.Datetime.now(),
                    "partner_id": partner.id,
                }
            ],
        )
        self.assertTrue(jobs_mentioning(self.env, self.forget_email))
        self.run_jobs(self.env["marketing.privacy"]._forget, partner=partner)
        # Odoo: the marketing tables and job records hold nothing of the person
        self.assertFalse(self.binding_of(gone))
        self.assertFalse(self.issues(external_id=gone))
        self.assertFalse(
            self.env["marketing.activity"].search([("partner_id", "=", partner.id)])
        )
        self.assertEqual(jobs_mentioning(self.env, self.forget_email), [])
        self.assertIn(self.keep_email, str(waiting.args), "the other person stays")
        # the platform: deleted through its documented delete
        self.assertFalse(self.remote_exists(gone))
        self.assertTrue(self.remote_exists(kept))
        self.assertTrue(self.binding_of(kept))
        # the platform lists the person again: never imported again
        again = self.remote_create(self.forget_email)
        message = self.run_jobs(self.backend.import_contacts_page)
        self.assertIn("not imported (tombstone)", message)
        self.assertEqual(self.backend.import_contact(again), "not imported (tombstone)")
        self.assertFalse(self.binding_of(again))


def assert_job_data(case, module, functions, crons):
    """The job functions and crons ``module`` has are those given, and no
    other: ``functions`` maps each XML id to its channel and retry pattern,
    ``crons`` each XML id to its name, code and interval.

    The providers' tests give them as their XML declared them before the
    base loaded them (``marketing.backend._load_job_functions``): moving
    the declarations changed no channel, pattern or schedule.
    """
    env = case.env
    for model, expected in (("queue.job.function", functions), ("ir.cron", crons)):
        loaded = env["ir.model.data"].search(
            [("module", "=", module), ("model", "=", model)]
        )
        case.assertEqual(set(loaded.mapped("name")), set(expected), model)
    for xmlid, (channel, retry_pattern) in functions.items():
        function = env.ref(f"{module}.{xmlid}")
        case.assertEqual(
            (function.channel, function._parse_retry_pattern(), function.allow_commit),
            (channel, retry_pattern, False),
            xmlid,
        )
    for xmlid, (name, code, number, interval) in crons.items():
        cron = env.ref(f"{module}.{xmlid}")
        case.assertEqual(
            (cron.name, cron.code, cron.interval_number, cron.interval_type),
            (name, code, number, interval),
            xmlid,
        )
        case.assertTrue(cron.active, xmlid)
