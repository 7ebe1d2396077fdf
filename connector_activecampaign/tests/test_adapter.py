from odoo.addons.connector_marketing_base.exceptions import ConfigurationError

from .common import ActivecampaignCase


class TestAdapter(ActivecampaignCase):
    def test_check_connection(self):
        self.backend.action_check_connection()
        self.assertEqual(self.backend.state, "ok")
        self.assertIn("admin", self.backend.health_message)

    def test_refused_key_is_explained(self):
        self.backend.sudo().api_key = "revoked"
        self.addCleanup(setattr, self.backend.sudo(), "api_key", "ac-sandbox-key")
        self.backend.action_check_connection()
        self.assertEqual(self.backend.state, "error")
        self.assertIn("refused the API key", self.backend.health_message)
        self.assertNotIn("revoked", self.backend.health_message)

    def test_suspended_account_is_explained(self):
        self.emulator.suspended = True
        self.addCleanup(setattr, self.emulator, "suspended", False)
        with self.assertRaises(ConfigurationError) as caught:
            self.adapter().check_connection()
        self.assertIn("suspended", str(caught.exception))

    def test_unreachable(self):
        backend = self._create_backend(self.env, url="http://127.0.0.1:9")
        backend.action_check_connection()
        self.assertEqual(backend.state, "error")
        self.assertIn("unreachable", backend.health_message)

    def test_503_is_retried_within_the_job(self):
        self.emulator.faults.configure(burst={"status": 503, "count": 1})
        self.assertIn("admin", self.adapter().check_connection())

    def test_count_reads_a_string_total(self):
        self.emulator.seed(3)
        self.assertEqual(self.adapter().count(), len(self.emulator.contacts))

    def test_bulk_requests_take_their_own_bucket(self):
        from odoo.addons.connector_marketing_base.models.marketing_throttle import (
            Limits,
        )

        limits = Limits.of(self.backend, "bulk_import")
        self.assertEqual((limits.calls, limits.window), (100, 60.0))
        self.adapter().bulk_upsert([{"email": "bucket@example.com", "tags": []}])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT jsonb_array_length(calls) FROM marketing_throttle "
                "WHERE backend_model = %s AND backend_id = %s",
                (f"{self.backend._name}/bulk_import", self.backend.id),
            )
            self.assertEqual(cr.fetchone()[0], 1)
