from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
)
from odoo.addons.queue_job.exception import RetryableJobError

from .common import MarketoBackendMixin, MarketoCase


class TestMarketoAdapter(MarketoCase):
    def test_check_connection(self):
        self.backend.action_check_connection()
        self.assertEqual(self.backend.state, "ok")
        self.assertIn("lead fields readable", self.backend.health_message)

    def test_bad_credentials_message(self):
        self.backend.client_secret = "wrong"
        action = self.backend.action_check_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("refused the client id / secret", self.backend.health_message)

    def test_unreachable_message(self):
        backend = self._create_backend(self.env, name="Down")
        backend.action_check_connection()
        self.assertIn("unreachable", backend.health_message)

    def test_missing_permission_message(self):
        self.emulator.faults.configure(
            burst={"status": 200, "count": 10, "error": "603"}
        )
        self.backend.action_check_connection()
        self.assertEqual(self.backend.state, "error")
        self.assertIn("missing permission", self.backend.health_message)

    def token_calls(self):
        return self.calls("POST /identity/oauth/token")

    def test_token_reused_across_calls(self):
        adapter = self.adapter()
        before = self.token_calls()
        adapter.check_connection()
        adapter.check_connection()
        self.adapter().check_connection()
        self.assertEqual(self.token_calls() - before, 1)

    def test_expired_token_602_refreshes_once(self):
        self.adapter().check_connection()
        before = self.token_calls()
        issued = self.emulator.stats["tokens_issued"]
        self.emulator.faults.configure(expire_tokens=True)
        self.adapter().check_connection()
        self.assertEqual(self.token_calls() - before, 1)
        self.assertEqual(self.emulator.stats["tokens_issued"] - issued, 1)

    def describe_calls(self):
        return self.calls("GET /rest/v1/leads/describe.json")

    def check_connection_spying_blocks(self):
        """Run ``check_connection`` and return the limiter blocks it asked for.

        The spy wraps the shared limiter's ``_block`` (it still blocks): a
        provider rate-limit signal must become a block of the whole backend,
        not a private sleep of one worker.
        """
        throttle = type(self.env["marketing.throttle"])
        blocks = []
        original = throttle._block

        def spy(model, backend, seconds, reason, bucket=None):
            blocks.append((seconds, reason))
            return original(model, backend, seconds, reason, bucket=bucket)

        with patch.object(throttle, "_block", spy):
            self.adapter().check_connection()
        return blocks

    def test_rate_limit_606_waits_for_the_window(self):
        self.backend.rate_limit_window = 0.5
        self.emulator.faults.configure(
            burst={"status": 200, "count": 1, "error": "606"}
        )
        before = self.describe_calls()
        blocks = self.check_connection_spying_blocks()
        # the whole backend waits one rate-limit window, then the call is
        # made once more: two calls in all
        self.assertEqual(len(blocks), 1)
        self.assertEqual(blocks[0][0], 0.5)
        self.assertIn("606", blocks[0][1])
        self.assertEqual(self.describe_calls() - before, 2)

    def test_concurrency_615_is_retried(self):
        self.emulator.faults.configure(
            burst={"status": 200, "count": 1, "error": "615"}
        )
        before = self.describe_calls()
        blocks = self.check_connection_spying_blocks()
        # Marketo's concurrency limit frees up as calls end: a one-second
        # wait, then one retry
        self.assertEqual([seconds for seconds, _reason in blocks], [1])
        self.assertIn("615", blocks[0][1])
        self.assertEqual(self.describe_calls() - before, 2)

    def test_daily_quota_607_postpones_to_reset(self):
        self.emulator.faults.configure(
            burst={"status": 200, "count": 1, "error": "607"}
        )
        with self.assertRaises(RetryableJobError) as ctx:
            self.adapter().check_connection()
        self.assertTrue(ctx.exception.ignore_retry)
        self.assertGreater(ctx.exception.seconds, 1)
        self.assertLessEqual(ctx.exception.seconds, 25 * 3600)
        with self.assertRaisesRegex(RetryableJobError, "607"):
            self.adapter().check_connection()  # blocked without calling

    def test_transient_codes_are_retried_then_postponed(self):
        self.emulator.faults.configure(
            burst={"status": 200, "count": 2, "error": "611"}
        )
        self.adapter().check_connection()
        self.emulator.faults.configure(
            burst={"status": 200, "count": 9, "error": "604"}
        )
        with self.assertRaisesRegex(RetryableJobError, "604"):
            self.adapter().check_connection()

    def test_long_id_lists_use_post_with_method_get(self):
        self.emulator.seed(650)
        ids = sorted(self.emulator.leads)[:650]
        leads = self.adapter().fetch_many(ids)
        self.assertEqual(len(leads), 650)
        self.assertEqual(self.calls("POST /rest/v1/leads.json"), 3, "300 ids per call")

    def test_unknown_lead_is_bad_data(self):
        with self.assertRaises(BadDataError):
            self.adapter().fetch(999999999)


class TestMarketoCredentials(MarketoBackendMixin, TransactionCase):
    """Credential fields are for system administrators only."""

    def test_secrets_hidden_from_managers(self):
        backend = self._create_backend(self.env)
        manager = new_test_user(
            self.env,
            "mkto_manager",
            groups="base.group_user,connector_marketing_base.group_marketing_manager",
        )
        for field in ("client_id", "client_secret", "webhook_secret"):
            with self.assertRaises(AccessError):
                backend.with_user(manager).read([field])
        self.assertEqual(backend.with_user(manager).munchkin_id, False)

    def test_urls_follow_the_munchkin_id(self):
        backend = self.env["marketo.backend"].create(
            {"name": "Real", "munchkin_id": "123-ABC-456"}
        )
        self.assertEqual(backend.rest_url, "https://123-ABC-456.mktorest.com")
        self.assertEqual(
            backend.identity_url, "https://123-ABC-456.mktorest.com/identity"
        )
        backend.rest_url = "http://127.0.0.1:8080"
        self.assertEqual(backend.rest_url, "http://127.0.0.1:8080", "editable")
