"""A Constant Contact backend talking to the Constant Contact sandbox."""

from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests import common

BACKEND = "constantcontact.backend"
BINDING = "constantcontact.res.partner"


def purge_shared_state(registry):
    """Own-transaction rows of the Constant Contact backends."""
    common.purge_shared_state(registry, BACKEND)


class ConstantContactBackendMixin:
    @classmethod
    def _create_backend(cls, env, url="http://127.0.0.1:9", **vals):
        values = {
            "name": "Sandbox",
            "api_url": f"{url}/v3",
            "oauth_authorize_url": f"{url}/oauth2/default/v1/authorize",
            "oauth_token_url": f"{url}/oauth2/default/v1/token",
            "oauth_revoke_url": f"{url}/oauth2/default/v1/revoke",
            "client_id": "cc-client",
            "client_secret": "cc-secret",
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


class ConstantContactCase(ConstantContactBackendMixin, TransactionCase):
    emulator_options = {"calls_per_window": None, "daily_quota": None}

    @classmethod
    def setUpClass(cls):
        from tests.sandbox.constantcontact import ConstantContactEmulator
        from tests.sandbox.server import SandboxServer

        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.emulator = ConstantContactEmulator(import_seconds=0, **cls.emulator_options)
        cls.server = SandboxServer(cls.emulator)
        cls.server.__enter__()
        cls.addClassCleanup(cls.server.__exit__, None, None, None)
        cls.list_id = cls.emulator.add_list("General Interest")
        cls.backend = cls._create_backend(
            cls.env, url=cls.server.url, default_list_id=cls.list_id
        )

    def setUp(self):
        super().setUp()
        self.emulator.faults.reset()
        purge_shared_state(self.registry)
        self.addCleanup(purge_shared_state, self.registry)

    def connect(self, backend=None):
        """Run the authorization code flow without a browser."""
        backend = backend or self.backend
        url = backend.action_oauth_connect()["url"]
        code, state = self.emulator.authorize_url_code(url)
        pending = self.env["marketing.oauth.state"].sudo()._consume(state)
        backend._oauth_exchange_code(code, pending[3])
        return backend

    def adapter(self, model=BACKEND):
        with self.backend.work_on(model) as work:
            return work.component(usage="backend.adapter")

    def calls(self, route):
        return self.emulator.stats["per_route"].get(route, 0)

    def run_jobs(self, func, *args, **kwargs):
        return common.run_jobs(func, *args, **kwargs)

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

    def binding_of(self, partner):
        return self.env[BINDING].search(
            [("backend_id", "=", self.backend.id), ("odoo_id", "=", partner.id)]
        )
