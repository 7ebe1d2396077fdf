"""Shared fixtures: a demo backend pointing at a live sandbox on 127.0.0.1.

The limiter and token store write in their own transactions (that is their
point), so rows they commit are removed after each test.
"""

from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests import common
from odoo.addons.queue_job.tests.common import trap_jobs

BACKEND_MODEL = "test.marketing.backend"
BINDING_MODEL = "test.marketing.res.partner"


def purge_shared_state(registry):
    """Own-transaction rows of the demo backends (see the base helper)."""
    common.purge_shared_state(registry, BACKEND_MODEL)


@common.post_install
class BackendMixin:
    """Creates ``cls.backend``; no HTTP."""

    backend_vals = {}

    @classmethod
    def _create_backend(cls, env, url="http://127.0.0.1:9", **vals):
        values = {
            "name": "Demo",
            "api_url": url,
            "client_id": "demo-client",
            "client_secret": "demo-secret",
            "webhook_secret": "s3cret-hook",
            "max_inline_wait": 2.0,
            "circuit_threshold": 3,
            "circuit_cooldown": 1,
            "request_timeout": 5.0,
        }
        values.update(cls.backend_vals)
        values.update(vals)
        return env[BACKEND_MODEL].create(values)

    def work(self, model=BINDING_MODEL):
        return self.backend.work_on(model)

    def component(self, usage, model=BINDING_MODEL):
        with self.backend.work_on(model) as work:
            return work.component(usage=usage)

    def issues(self, **domain):
        return self.env["marketing.sync.issue"].search(
            self.backend._scope_domain()
            + [(key, "=", value) for key, value in domain.items()]
        )


class MarketingCase(BackendMixin, TransactionCase):
    """A backend and a running demo sandbox for the whole class."""

    @classmethod
    def setUpClass(cls):
        # the sandboxes are test fixtures outside the addons (repo's tests/)
        from tests.sandbox.demo import DemoEmulator
        from tests.sandbox.server import SandboxServer

        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.emulator = DemoEmulator()
        cls.server = SandboxServer(cls.emulator)
        cls.server.__enter__()
        cls.addClassCleanup(cls.server.__exit__, None, None, None)
        cls.backend = cls._create_backend(cls.env, url=cls.server.url)

    def setUp(self):
        super().setUp()
        self.emulator.faults.configure(
            error_rate=0, latency_ms=0, burst=None, expire_tokens=False
        )
        self.addCleanup(purge_shared_state, self.registry)

    def trap(self):
        return trap_jobs()

    def make_partner(self, name="Jane Doe", email="jane@example.com", **vals):
        return self.env["res.partner"].create(dict(vals, name=name, email=email))

    def bind(self, partner, external_id=None):
        return (
            self.env[BINDING_MODEL]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": self.backend.id,
                    "odoo_id": partner.id,
                    "external_id": external_id,
                }
            )
        )
