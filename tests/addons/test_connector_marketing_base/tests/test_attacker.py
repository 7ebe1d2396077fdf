from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.security import AttackerSuiteMixin

from .common import BackendMixin, purge_shared_state


class TestAttackerSuite(AttackerSuiteMixin, BackendMixin, TransactionCase):
    secret_values = {
        "client_id": "demo-client-6f1e",
        "client_secret": "demo-secret-9a2b",
        "webhook_secret": "demo-hook-7c3d",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_attackers(cls._create_backend(cls.env))

    def setUp(self):
        super().setUp()
        self.addCleanup(purge_shared_state, self.registry)

    def test_every_attack_is_refused(self):
        attempts = self.run_attacker_suite()
        self.assertGreater(attempts, 50)
