from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.security import AttackerSuiteMixin

from .common import BACKEND, ConstantContactBackendMixin, purge_shared_state

TOKENS = {"access_token": "cc-access-77aa", "refresh_token": "cc-refresh-88bb"}


class TestAttackerSuite(
    AttackerSuiteMixin, ConstantContactBackendMixin, TransactionCase
):
    secret_values = {
        "client_id": "cc-id-0d4e",
        "client_secret": "cc-secret-6a1f",
        "webhook_secret": "cc-hook-2b9c",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_attackers(cls._create_backend(cls.env, url="http://127.0.0.1:9"))

    def setUp(self):
        super().setUp()
        self.addCleanup(purge_shared_state, self.registry)
        # the OAuth tokens are secrets too (stored in their own transaction)
        self.env["marketing.token"]._store(self.victim, dict(TOKENS, expires_in=60))
        self.extra_secrets = tuple(TOKENS.values())

    def test_every_attack_is_refused(self):
        self.assertGreater(self.run_attacker_suite(), 50)

    def test_oauth_and_api_urls_only_on_constant_contact_hosts(self):
        manager = self.env(user=self.manager)[BACKEND].browse(self.victim.id)
        manager.write(
            {
                "api_url": "https://api.cc.email/v3",
                "oauth_token_url": "https://authz.constantcontact.com/oauth2/t",
            }
        )
        for field in (
            "api_url",
            "oauth_authorize_url",
            "oauth_token_url",
            "oauth_revoke_url",
        ):
            with self.assertRaisesRegex(Exception, "system administrator"):
                with self.env.cr.savepoint():
                    manager.write({field: "https://attacker.example/v1/token"})
        admin = self.env(user=self.env.ref("base.user_admin"))
        admin[BACKEND].browse(self.victim.id).oauth_token_url = "http://127.0.0.1:9/t"
        self.assertEqual(self.victim.oauth_token_url, "http://127.0.0.1:9/t")
