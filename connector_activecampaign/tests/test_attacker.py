from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.security import AttackerSuiteMixin

from .common import ActivecampaignMixin, purge_shared_state


class TestAttackerSuite(AttackerSuiteMixin, ActivecampaignMixin, TransactionCase):
    secret_values = {"api_key": "ac-key-5e8f0a", "webhook_secret": "ac-hook-41c9"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_attackers(cls._create_backend(cls.env))

    def setUp(self):
        super().setUp()
        self.addCleanup(purge_shared_state, self.registry)

    def test_every_attack_is_refused(self):
        self.assertGreater(self.run_attacker_suite(), 50)

    def test_endpoint_only_on_activecampaign_hosts_unless_administrator(self):
        manager = self.env(user=self.manager)[self.backend_model].browse(self.victim.id)
        manager.api_url = "https://acme.api-us1.com"
        self.assertEqual(self.victim.api_url, "https://acme.api-us1.com")
        for url in (
            "http://acme.api-us1.com",
            "https://acme.api-us1.com.attacker.example",
            "https://user@attacker.example/.api-us1.com",
            "https://127.0.0.1:8069",
        ):
            with self.assertRaises(Exception, msg=url) as caught:
                with self.env.cr.savepoint():
                    manager.api_url = url
            self.assertIn("system administrator", str(caught.exception))
        manager.name = "Renamed"  # other fields stay editable
        admin = self.env(user=self.env.ref("base.user_admin"))
        admin[self.backend_model].browse(self.victim.id).api_url = "http://127.0.0.1:9"
        self.assertEqual(self.victim.api_url, "http://127.0.0.1:9")
        manager.name = "Renamed again"  # a custom endpoint set by an admin stays
        self.assertEqual(self.victim.api_url, "http://127.0.0.1:9")
