from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    ConfigurationError,
)
from odoo.addons.queue_job.exception import RetryableJobError

from .common import BACKEND_MODEL, MarketingCase


class TestAdapter(MarketingCase):
    """The abstract adapter, driven through the demo provider's dialect."""

    def adapter(self):
        return self.component("backend.adapter", model=BACKEND_MODEL)

    def stats(self):
        return self.emulator.stats

    def test_check_connection_reports_the_account(self):
        self.emulator.seed(3)
        self.backend.action_check_connection()
        self.assertEqual(self.backend.state, "ok")
        self.assertIn("contacts on the platform", self.backend.health_message)

    def test_bad_credentials_are_a_configuration_error(self):
        self.backend.client_secret = "wrong"
        with self.assertRaisesRegex(ConfigurationError, "client id / secret"):
            self.adapter().count()
        action = self.backend.action_check_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.backend.state, "error")
        self.assertIn("client id / secret", self.backend.health_message)

    def test_unreachable_provider_is_retried_later(self):
        backend = self._create_backend(self.env, url="http://127.0.0.1:9", name="Off")
        with backend.work_on(BACKEND_MODEL) as work:
            adapter = work.component(usage="backend.adapter")
            adapter.transient_attempts = 2
            with self.assertRaisesRegex(RetryableJobError, "unreachable"):
                adapter.count()

    def test_token_is_reused_across_calls(self):
        before = self.stats()["tokens_issued"]
        adapter = self.adapter()
        adapter.count()
        adapter.count()
        self.adapter().count()
        self.assertEqual(self.stats()["tokens_issued"] - before, 1)

    def test_expired_token_is_refreshed_once(self):
        self.adapter().count()
        before = self.stats()["tokens_issued"]
        self.emulator.faults.configure(expire_tokens=True)
        self.emulator.faults.configure(expire_tokens=False)
        self.assertIsInstance(self.adapter().count(), int)
        self.assertEqual(self.stats()["tokens_issued"] - before, 1)

    def test_rate_limited_burst_is_absorbed_inside_the_job(self):
        self.emulator.faults.configure(burst={"status": 429, "count": 2})
        self.assertIsInstance(self.adapter().count(), int)

    def test_server_errors_beyond_attempts_postpone_the_job(self):
        self.emulator.faults.configure(burst={"status": 503, "count": 10})
        with self.assertRaisesRegex(
            RetryableJobError, "gave up after 3 attempts"
        ) as ctx:
            self.adapter().count()
        self.assertFalse(ctx.exception.ignore_retry, "a 5xx spends a retry")

    def test_a_rate_limit_storm_postpones_without_spending_retries(self):
        # the fault suite's 429 storm made jobs fail for good (max retries),
        # their records never sent: a rate limit is a wait, not a failure
        self.emulator.faults.configure(
            burst={"status": 429, "count": 25, "retry_after": 1}
        )
        with self.assertRaisesRegex(
            RetryableJobError, "gave up after 3 attempts"
        ) as ctx:
            self.adapter().count()
        self.assertTrue(ctx.exception.ignore_retry)

    def test_circuit_opens_after_repeated_failures(self):
        self.backend.circuit_cooldown = 60
        self.emulator.faults.configure(burst={"status": 503, "count": 100})
        with self.assertRaises(RetryableJobError):
            self.adapter().count()  # 3 failures = threshold
        total = self.stats()["total"]
        with self.assertRaisesRegex(RetryableJobError, "Circuit open"):
            self.adapter().count()
        self.assertEqual(self.stats()["total"], total, "no call while open")

    def test_quota_exceeded_postpones_until_reset(self):
        self.emulator.faults.configure(
            burst={"status": 429, "count": 1, "error": "quota_exceeded"}
        )
        adapter = self.adapter()
        with self.assertRaises(RetryableJobError) as ctx:
            adapter.count()
        self.assertTrue(ctx.exception.ignore_retry)
        self.assertGreater(ctx.exception.seconds, 1)

    def test_missing_record_is_bad_data(self):
        with self.assertRaises(BadDataError) as ctx:
            self.adapter().fetch("c_999999")
        self.assertEqual(ctx.exception.code, "not_found")

    def test_secrets_never_reach_the_logs(self):
        with self.assertLogs("odoo.addons.connector_marketing_base", "DEBUG") as logs:
            self.emulator.faults.configure(burst={"status": 503, "count": 1})
            self.adapter().count()
        text = "\n".join(logs.output)
        self.assertNotIn("demo-secret", text)
        self.assertNotIn("Bearer", text)
