"""The OAuth2 code flow with PKCE, through Odoo's HTTP server."""

import threading
import urllib.parse

from odoo.tests.common import HttpCase, TransactionCase, new_test_user

from .common import ConstantContactBackendMixin, purge_shared_state

CALLBACK = "/connector_marketing/oauth/callback"


class TestOAuthFlow(ConstantContactBackendMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        from tests.sandbox.server import SandboxServer

        super().setUpClass()
        cls.emulator = cls._emulator(calls_per_window=None, daily_quota=None)
        cls.server = SandboxServer(cls.emulator)
        cls.server.__enter__()
        cls.addClassCleanup(cls.server.__exit__, None, None, None)

    def setUp(self):
        super().setUp()
        purge_shared_state(self.registry)
        self.addCleanup(purge_shared_state, self.registry)
        self.backend = self._create_backend(self.env, url=self.server.url)
        self.manager = new_test_user(
            self.env,
            login="cc-manager",
            password="cc-manager-pass-1",
            groups="base.group_user,connector_marketing_base.group_marketing_manager",
        )
        self.reviewer = new_test_user(
            self.env,
            login="cc-reviewer",
            password="cc-reviewer-pass-1",
            groups="base.group_user,connector_marketing_base.group_marketing_user",
        )

    def start(self, user=None):
        """Press Connect as ``user``; the sandbox consents: ``(code, state)``."""
        user = user or self.manager
        url = self.backend.with_user(user).action_oauth_connect()["url"]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        self.assertEqual(query["code_challenge_method"], "S256")
        self.assertEqual(len(query["code_challenge"]), 43)
        self.assertNotIn("code_verifier", url)
        return self.emulator.authorize_url_code(url)

    def callback(self, **params):
        return self.url_open(
            f"{CALLBACK}?{urllib.parse.urlencode(params)}", allow_redirects=False
        )

    def token(self):
        return self.env["marketing.token"].sudo().search(self.backend._scope_domain())

    def test_connect_stores_tokens(self):
        code, state = self.start()
        self.authenticate("cc-manager", "cc-manager-pass-1")
        response = self.callback(code=code, state=state)
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertTrue(self.token().refresh_token)
        self.backend.invalidate_recordset()
        self.assertEqual(self.backend.state, "ok")
        self.assertEqual(self.backend.connection_status, "Connected")
        self.assertTrue(self.backend.token_expires_at)
        # the daily quota spent: the status says until when
        self.env["marketing.throttle"].sudo()._block(
            self.backend, 600, "Constant Contact daily quota exhausted"
        )
        self.env.invalidate_all()
        self.assertRegex(
            self.backend.connection_status,
            r"^Connected · Constant Contact daily quota exhausted until \d\d:\d\d UTC$",
        )
        # a replayed callback (same state and code) is refused
        response = self.callback(code=code, state=state)
        self.assertEqual(response.status_code, 400)
        self.assertIn("already used", response.text)
        self.backend.action_oauth_disconnect()
        self.assertFalse(self.token())
        self.assertEqual(self.emulator.stats["revoked"], 1)
        self.assertIn("access revoked at Constant Contact", self.backend.health_message)

    def test_wrong_state_is_refused_and_nothing_stored(self):
        code, __ = self.start()
        self.authenticate("cc-manager", "cc-manager-pass-1")
        response = self.callback(code=code, state="not-the-state")
        self.assertEqual(response.status_code, 400)
        self.assertIn("unknown or was already used", response.text)
        self.assertFalse(self.token())

    def test_expired_state_is_refused(self):
        code, state = self.start()
        self.env["marketing.oauth.state"].sudo().search(
            []
        ).expires_at = "2000-01-01 00:00:00"
        self.authenticate("cc-manager", "cc-manager-pass-1")
        response = self.callback(code=code, state=state)
        self.assertIn("expired", response.text)
        self.assertFalse(self.token())

    def test_pkce_verifier_must_match(self):
        code, state = self.start()
        pending = self.env["marketing.oauth.state"].sudo().search([])
        pending.code_verifier = "x" * 64
        self.authenticate("cc-manager", "cc-manager-pass-1")
        response = self.callback(code=code, state=state)
        self.assertEqual(response.status_code, 400)
        self.assertIn("PKCE verification failed", response.text)
        self.assertFalse(self.token())
        self.assertEqual(self.emulator.stats["invalid_grants"], 1)

    def test_other_user_cannot_complete(self):
        code, state = self.start()
        self.authenticate("cc-reviewer", "cc-reviewer-pass-1")
        response = self.callback(code=code, state=state)
        self.assertIn("started by another user", response.text)
        self.assertFalse(self.token())

    def test_callback_for_a_backend_the_user_may_not_edit(self):
        url = (
            self.env["marketing.oauth.state"]
            .with_user(self.reviewer)
            ._start(self.backend)
        )
        code, state = self.emulator.authorize_url_code(url)
        self.authenticate("cc-reviewer", "cc-reviewer-pass-1")
        response = self.callback(code=code, state=state)
        self.assertEqual(response.status_code, 403)
        self.assertIn("not allowed to change this backend", response.text)
        self.assertFalse(self.token())

    def test_provider_error_is_explained(self):
        __, state = self.start()
        self.authenticate("cc-manager", "cc-manager-pass-1")
        response = self.callback(
            state=state, error="access_denied", error_description="User said no"
        )
        self.assertIn("User said no", response.text)
        self.assertFalse(self.token())


class TestConcurrentRefresh(ConstantContactBackendMixin, TransactionCase):
    """Two workers find the access token expired at once: one refresh.

    A TransactionCase: the token store's own transactions are real
    PostgreSQL connections here, so the row lock is what serializes them.
    """

    def test_two_concurrent_refreshes_make_one(self):
        from tests.sandbox.server import SandboxServer

        emulator = self._emulator(calls_per_window=None, daily_quota=None)
        with SandboxServer(emulator) as server:
            backend = self._create_backend(self.env, url=server.url)
            self.addCleanup(purge_shared_state, self.registry)
            url = backend.action_oauth_connect()["url"]
            code, state = emulator.authorize_url_code(url)
            pending = self.env["marketing.oauth.state"].sudo()._consume(state)
            backend._oauth_exchange_code(code, pending[3])
            Token = self.env["marketing.token"].sudo()
            with self.registry.cursor() as cr:
                cr.execute(
                    "UPDATE marketing_token SET expires_at = NULL "
                    "WHERE backend_model = %s AND backend_id = %s",
                    (backend._name, backend.id),
                )
            backend.sudo().read(["client_id", "client_secret", "oauth_token_url"])
            results, errors = [], []

            def worker():
                try:
                    results.append(
                        Token._get_access_token(backend, backend._oauth_refresh)
                    )
                except Exception as err:  # noqa: BLE001 (asserted below)
                    errors.append(err)

            threads = [threading.Thread(target=worker) for __ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            self.assertFalse(errors)
            self.assertEqual(len(set(results)), 1)
            self.assertEqual(emulator.stats["token_refreshes"], 1)
            self.assertEqual(emulator.stats["invalid_grants"], 0)
