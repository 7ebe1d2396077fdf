"""An ActiveCampaign backend talking to the ActiveCampaign sandbox on 127.0.0.1."""

from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests import common

BACKEND = "activecampaign.backend"
BINDING = "activecampaign.res.partner"


def purge_shared_state(registry):
    common.purge_shared_state(registry, BACKEND)


class ActivecampaignMixin:
    @classmethod
    def _create_backend(cls, env, url="http://127.0.0.1:9", **vals):
        values = {
            "name": "Sandbox",
            "api_url": url,
            "api_key": "ac-sandbox-key",
            "webhook_secret": "ac-hook-secret",
            "list_id": "1",
            "max_inline_wait": 2.0,
            "request_timeout": 5.0,
            "circuit_threshold": 3,
            "circuit_cooldown": 60,
            # the limiter has its own tests; here the sandbox runs unlimited
            "rate_limit_calls": 0,
            "rate_limit_concurrency": 0,
        }
        values.update(vals)
        return env[BACKEND].create(values)

    def issues(self, **domain):
        return self.env["marketing.sync.issue"].search(
            self.backend._scope_domain()
            + [(key, "=", value) for key, value in domain.items()]
        )


class ActivecampaignCase(ActivecampaignMixin, TransactionCase):
    emulator_options = {"calls_per_window": None}

    @classmethod
    def setUpClass(cls):
        from tests.sandbox.activecampaign import ActiveCampaignEmulator
        from tests.sandbox.server import SandboxServer

        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.emulator = ActiveCampaignEmulator(**cls.emulator_options)
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

    def binding_of(self, external_id):
        return self.env[BINDING].search(
            [
                ("backend_id", "=", self.backend.id),
                ("external_id", "=", str(external_id)),
            ]
        )
