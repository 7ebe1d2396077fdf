"""The adapter against ActiveCampaign's documented answers, replayed by vcrpy."""

import pathlib
import tempfile

from odoo.tests.common import TransactionCase, _super_send

from odoo.addons.connector_marketing_base.tests.common import vcr_recorder

from .common import ActivecampaignCase, ActivecampaignMixin, purge_shared_state

CASSETTES = pathlib.Path(__file__).parent / "cassettes"


class TestDocumentedAnswers(ActivecampaignMixin, TransactionCase):
    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # the cassette answers (record_mode "none": nothing leaves the machine)
        return _super_send(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.backend = self._create_backend(
            self.env, url="https://youraccount.api-us1.com"
        )
        self.addCleanup(purge_shared_state, self.registry)
        recorder = vcr_recorder(CASSETTES, match_on=["method", "path", "query", "body"])
        cassette = recorder.use_cassette(
            "documented_examples.yaml", allow_playback_repeats=True
        )
        cassette.__enter__()
        self.addCleanup(cassette.__exit__, None, None, None)

    def adapter(self):
        with self.backend.work_on("activecampaign.backend") as work:
            return work.component(usage="backend.adapter")

    def test_sync_contact(self):
        [result] = self.adapter().upsert([{"email": "johndoe@example.com"}])
        self.assertEqual(result, {"status": "created", "external_id": "113"})

    def test_validation_error_keeps_the_message(self):
        [result] = self.adapter().upsert([{"email": "johndoe"}])
        self.assertEqual(result["status"], "error")
        self.assertEqual(result["code"], "ac_email_invalid")
        self.assertEqual(result["message"], "Contact Email Address is not valid.")

    def test_contacts_page_and_string_total(self):
        page = self.adapter().search_page({"since": None, "last_id": 0})
        self.assertFalse(page.has_more)
        [record] = page.records
        self.assertEqual(record["id"], "1")
        self.assertEqual(record["udate"], "2018-10-01 17:30:49", "offset → UTC")
        self.assertEqual(self.adapter().count(), 1)

    def test_bulk_import_queued(self):
        batch = self.adapter().bulk_upsert(
            [{"email": "someone@somewhere.com", "firstName": "Jane", "tags": []}]
        )
        self.assertEqual(batch, "41f11b0e-34a2-4ebf-8e7f-00005e37a2a5")


class TestRecordingFiltersSecrets(ActivecampaignCase):
    """A cassette recorded live (here from the sandbox) holds no API key."""

    def test_recorded_cassette_has_no_api_key(self):
        with tempfile.TemporaryDirectory() as tmp:
            with vcr_recorder(tmp, record_mode="all").use_cassette("live.yaml"):
                self.adapter().check_connection()
                self.adapter().upsert([{"email": "rec@example.com"}])
            text = (pathlib.Path(tmp) / "live.yaml").read_text()
        self.assertIn("contact/sync", text)
        self.assertNotIn("ac-sandbox-key", text)
        self.assertNotIn("Api-Token", text)
