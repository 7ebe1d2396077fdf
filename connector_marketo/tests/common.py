"""A Marketo backend talking to the Marketo sandbox on 127.0.0.1."""

from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests import common

BACKEND = "marketo.backend"
BINDING = "marketo.res.partner"


def purge_shared_state(registry):
    """Own-transaction rows of the Marketo backends (see the base helper)."""
    common.purge_shared_state(registry, BACKEND)


class MarketoBackendMixin:
    @classmethod
    def _create_backend(cls, env, url="http://127.0.0.1:9", **vals):
        values = {
            "name": "Sandbox",
            "rest_url": url,
            "identity_url": f"{url}/identity",
            "client_id": "mkto-client",
            "client_secret": "mkto-secret",
            "webhook_secret": "mkto-hook-secret",
            "max_inline_wait": 2.0,
            "request_timeout": 5.0,
            "circuit_threshold": 3,
            "circuit_cooldown": 60,
            # the limiter has its own tests; here the sandbox runs unlimited
            "rate_limit_calls": 0,
            "rate_limit_concurrency": 0,
            "daily_quota": 0,
        }
        values.update(vals)
        return env[BACKEND].create(values)

    def issues(self, **domain):
        return self.env["marketing.sync.issue"].search(
            self.backend._scope_domain()
            + [(key, "=", value) for key, value in domain.items()]
        )


class MarketoCase(MarketoBackendMixin, TransactionCase):
    emulator_options = {"calls_per_window": None, "max_concurrent": None}

    @classmethod
    def setUpClass(cls):
        from tests.sandbox.marketo import MarketoEmulator
        from tests.sandbox.server import SandboxServer

        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.emulator = MarketoEmulator(**cls.emulator_options)
        cls.server = SandboxServer(cls.emulator)
        cls.server.__enter__()
        cls.addClassCleanup(cls.server.__exit__, None, None, None)
        cls.backend = cls._create_backend(cls.env, url=cls.server.url)

    def setUp(self):
        super().setUp()
        self.emulator.faults.reset()
        self.addCleanup(purge_shared_state, self.registry)

    def adapter(self, model=BACKEND):
        with self.backend.work_on(model) as work:
            return work.component(usage="backend.adapter")

    def calls(self, route):
        return self.emulator.stats["per_route"].get(route, 0)

    def run_jobs(self, func, *args):
        return common.run_jobs(func, *args)

    def bind(self, partner, external_id=None):
        return (
            self.env[BINDING]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": self.backend.id,
                    "odoo_id": partner.id,
                    "external_id": external_id,
                }
            )
        )


def recorder(cassette_dir, record_mode="none"):
    """vcrpy recorder that keeps every secret out of cassettes.

    Tokens and credentials travel in the Authorization header, in the
    identity call's form body and (in old clients) in query strings: all are
    filtered, so a cassette re-recorded against a real instance is safe to
    commit.
    """
    import vcr

    return vcr.VCR(
        cassette_library_dir=str(cassette_dir),
        record_mode=record_mode,
        match_on=["method", "path", "query"],
        filter_headers=["Authorization", "Api-Token"],
        filter_query_parameters=["access_token", "client_id", "client_secret"],
        filter_post_data_parameters=["client_id", "client_secret"],
        before_record_response=_scrub_token_response,
        decode_compressed_response=True,
    )


def _scrub_token_response(response):
    """The identity answer carries the access token itself: replace it."""
    import json

    body = response["body"].get("string") or b""
    text = body.decode() if isinstance(body, bytes) else body
    if '"access_token"' in text:
        data = json.loads(text)
        data["access_token"] = "FILTERED"
        response["body"]["string"] = json.dumps(data).encode()
    return response
