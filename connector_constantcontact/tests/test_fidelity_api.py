"""Campaign polling, error bodies and both OAuth2 application types.

Every request these tests make is also checked against the reference's
schemas (``ConstantContactCase.check_requests``).
"""

from datetime import UTC, datetime, time, timedelta

from odoo.addons.connector_marketing_base.exceptions import ConfigurationError
from odoo.addons.connector_marketing_base.models.marketing_oauth_backend import (
    OAuthRefused,
)
from odoo.addons.queue_job.exception import RetryableJobError

from .common import ConstantContactCase, purge_shared_state


class TestCampaignPolling(ConstantContactCase):
    def setUp(self):
        super().setUp()
        self.emulator.campaigns.clear()
        self.emulator.tracking.clear()
        self.emulator.reset()
        self.connect()

    def listed(self):
        """What each GET /emails of the test asked and was answered."""
        return [
            (entry["query"], [c["name"] for c in entry["answer"]["campaigns"]])
            for entry in self.emulator.journal
            if entry["route"] == "GET /v3/emails"
        ]

    def test_poll_reads_only_campaigns_changed_since_its_cursor(self):
        self.emulator.seed(1, start=7000)
        contact_id = next(iter(self.emulator.contacts))
        old, __ = self.emulator.add_campaign("Long ago")
        self.emulator.touch_campaign(old, when=self.emulator.now() - 40 * 86400)
        spring, (activity,) = self.emulator.add_campaign("Spring")
        # sent an hour ago: older than the overlap each poll reads again
        self.emulator.touch_campaign(spring, when=self.emulator.now() - 3600)
        self.emulator.track(activity, "opens", contact_id)
        self.run_jobs(self.backend.import_engagement)
        ((query, names),) = self.listed()
        self.assertEqual(query["limit"], "500")
        self.assertTrue(query["after_date"])
        self.assertEqual(names, ["Spring"], "outside engagement_days: not listed")
        self.assertEqual(
            self.env["marketing.activity"].search_count(
                [("campaign", "=", "Spring"), ("activity_type", "=", "open")]
            ),
            1,
        )
        # next poll: nothing changed, nothing listed, the campaign still
        # checked for new rows (its opens keep coming)
        self.emulator.journal.clear()
        self.emulator.track(activity, "opens", contact_id, when=self.emulator.now() + 5)
        self.run_jobs(self.backend.import_engagement)
        ((query2, names2),) = self.listed()
        self.assertEqual(names2, [])
        self.assertGreater(query2["after_date"], query["after_date"])
        self.assertEqual(
            self.env["marketing.activity"].search_count(
                [("campaign", "=", "Spring"), ("activity_type", "=", "open")]
            ),
            2,
        )
        # a changed campaign is listed again, once
        self.emulator.journal.clear()
        self.emulator.touch_campaign(old)
        self.run_jobs(self.backend.import_engagement)
        ((__, names3),) = self.listed()
        self.assertEqual(names3, ["Long ago"])

    def test_many_campaigns_are_read_500_per_page(self):
        for i in range(501):
            self.emulator.add_campaign(f"Campaign {i}", roles=("permalink",))
        self.run_jobs(self.backend.import_engagement)
        pages = self.listed()
        self.assertEqual([len(names) for __, names in pages], [500, 1])


class TestErrorBodies(ConstantContactCase):
    def setUp(self):
        super().setUp()
        self.emulator.reset()
        self.connect()
        self.addCleanup(setattr, self.emulator, "error_shape", "list")

    def test_spent_quota_postpones_to_midnight_utc_in_both_shapes(self):
        for shape in ("list", "object"):
            with self.subTest(shape=shape):
                purge_shared_state(self.registry)
                self.connect()
                self.emulator.error_shape = shape
                self.emulator.reset()
                self.emulator.faults.configure(
                    burst={"status": 429, "count": 1, "error": "quota_exceeded"}
                )
                now = datetime.now(UTC)
                midnight = datetime.combine(now.date() + timedelta(days=1), time(), UTC)
                try:
                    self.backend.import_contacts_page()
                except RetryableJobError as err:
                    caught = err
                self.assertTrue(caught.ignore_retry)
                self.assertIn("00:00 UTC", str(caught))
                self.assertAlmostEqual(
                    caught.seconds, (midnight - now).total_seconds(), delta=120
                )
                self.assertEqual(self.calls("GET /v3/contacts"), 1, "never spins")
                with self.assertRaises(RetryableJobError):
                    self.backend.import_contacts_page()
                self.assertEqual(self.calls("GET /v3/contacts"), 1, "postponed")

    def test_throttled_is_retried_in_both_shapes(self):
        for shape in ("list", "object"):
            with self.subTest(shape=shape):
                self.emulator.error_shape = shape
                self.emulator.reset()
                self.emulator.faults.configure(
                    burst={"status": 429, "count": 1, "error": "throttled"}
                )
                self.assertEqual(len(self.adapter().lists()), 1)
                self.assertEqual(self.calls("GET /v3/contact_lists"), 2)

    def test_error_list_messages_are_all_shown(self):
        self.emulator.seed(1, start=8000)
        contact_id = next(iter(self.emulator.contacts))
        with self.assertRaisesRegex(Exception, "update_source needed"):
            self.adapter().put_contact(contact_id, {"email_address": {}})
        self.emulator.journal = []  # a refused body is what this test sends


class TestApplicationTypes(ConstantContactCase):
    """A confidential application proves itself with its secret (Basic); a
    public one (PKCE) sends no secret, only its client id and verifier."""

    def setUp(self):
        super().setUp()
        self.emulator.reset()

    def token_requests(self):
        return [
            entry
            for entry in self.emulator.journal
            if entry["route"] == "POST /oauth2/default/v1/token"
        ]

    def exchange_and_refresh(self):
        self.connect()
        self.emulator.expire_tokens()
        self.assertIsInstance(self.adapter().lists(), list)
        self.assertEqual(self.emulator.stats["token_refreshes"], 1)
        return self.token_requests()

    def test_confidential_client_sends_its_secret_by_basic_auth(self):
        code, refresh = self.exchange_and_refresh()
        for entry in (code, refresh):
            self.assertTrue(entry["basic_auth"])
            self.assertNotIn("client_secret", entry["form"])
        self.assertEqual(code["form"]["grant_type"], "authorization_code")
        self.assertTrue(code["form"]["code_verifier"])
        self.assertEqual(refresh["form"]["grant_type"], "refresh_token")

    def test_public_client_sends_no_secret(self):
        self.backend.write(
            {
                "oauth_client_type": "public",
                "client_id": "cc-public-client",
                "client_secret": False,
            }
        )
        code, refresh = self.exchange_and_refresh()
        for entry in (code, refresh):
            self.assertFalse(entry["basic_auth"])
            self.assertEqual(entry["form"]["client_id"], "cc-public-client")
            self.assertNotIn("client_secret", entry["form"])
        self.assertTrue(code["form"]["code_verifier"])
        self.assertEqual(refresh["form"]["grant_type"], "refresh_token")

    def test_public_client_without_verifier_is_refused(self):
        self.backend.write(
            {"oauth_client_type": "public", "client_id": "cc-public-client"}
        )
        url = self.backend.action_oauth_connect()["url"]
        code, state = self.emulator.authorize_url_code(url)
        self.env["marketing.oauth.state"].sudo()._consume(state)
        with self.assertRaisesRegex(OAuthRefused, "code_verifier is required"):
            self.backend._oauth_exchange_code(code, None)
        self.assertFalse(self.backend._token_row())
        self.emulator.journal = []  # the refused request is the point here

    def test_confidential_client_with_a_wrong_secret_is_refused(self):
        self.backend.client_secret = "not-the-secret"
        with self.assertRaisesRegex(ConfigurationError, "refused the client id"):
            self.connect()
        self.assertFalse(self.backend._token_row())
