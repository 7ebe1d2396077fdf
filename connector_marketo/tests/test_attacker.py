from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.security import AttackerSuiteMixin

from .common import BACKEND, MarketoBackendMixin, purge_shared_state


class TestAttackerSuite(AttackerSuiteMixin, MarketoBackendMixin, TransactionCase):
    secret_values = {
        "client_id": "mkto-id-3b7d",
        "client_secret": "mkto-secret-c05e",
        "webhook_secret": "mkto-hook-9f12",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_attackers(cls._create_backend(cls.env, url="http://127.0.0.1:9"))

    def setUp(self):
        super().setUp()
        self.addCleanup(purge_shared_state, self.registry)

    def test_every_attack_is_refused(self):
        self.assertGreater(self.run_attacker_suite(), 50)

    def test_endpoints_follow_the_munchkin_id_unless_administrator(self):
        manager = self.env(user=self.manager)[BACKEND].browse(self.victim.id)
        manager.munchkin_id = "123-ABC-456"
        self.assertEqual(self.victim.rest_url, "https://123-ABC-456.mktorest.com")
        self.assertEqual(
            self.victim.identity_url, "https://123-ABC-456.mktorest.com/identity"
        )
        for values in (
            {"munchkin_id": "attacker.example/x#"},
            {"rest_url": "https://attacker.example"},
            {"identity_url": "https://123-abc-456.mktorest.com.attacker.example"},
        ):
            with self.assertRaisesRegex(Exception, "system administrator"):
                with self.env.cr.savepoint():
                    manager.write(values)
        admin = self.env(user=self.env.ref("base.user_admin"))
        admin[BACKEND].browse(self.victim.id).identity_url = "http://127.0.0.1:9/id"
        self.assertEqual(self.victim.identity_url, "http://127.0.0.1:9/id")
