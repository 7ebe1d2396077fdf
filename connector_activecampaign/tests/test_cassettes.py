"""The adapter against ActiveCampaign's documented answers, replayed by vcrpy."""

import pathlib

from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.common import (
    CassetteReplayMixin,
    record_live,
    vcr_recorder,
)

from .common import ActivecampaignCase, ActivecampaignMixin


class TestDocumentedAnswers(ActivecampaignMixin, CassetteReplayMixin, TransactionCase):
    cassette_dir = pathlib.Path(__file__).parent / "cassettes"
    cassette_url = "https://youraccount.api-us1.com"
    # the same path answers differently by body (valid/invalid email)
    cassette_options = {"match_on": ["method", "path", "query", "body"]}

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
        # the documented page side-loads nothing: the contact and its tags
        # are read through "Retrieve a contact" and its contactTags
        self.assertEqual(record["_lists"], {"1": "1"})
        self.assertEqual(record["_tags"], {"1": "My Tag"})
        self.assertEqual(self.adapter().count(), 1)

    def test_bulk_import_queued(self):
        batch = self.adapter().bulk_upsert(
            [{"email": "someone@somewhere.com", "firstName": "Jane", "tags": []}]
        )
        self.assertEqual(batch, "41f11b0e-34a2-4ebf-8e7f-00005e37a2a5")


class TestRecordingFiltersSecrets(ActivecampaignCase):
    """A cassette recorded live (here from the sandbox) holds no API key."""

    def test_recorded_cassette_has_no_api_key(self):
        def calls():
            self.adapter().check_connection()
            self.adapter().upsert([{"email": "rec@example.com"}])

        text = record_live(vcr_recorder, calls)
        self.assertIn("contact/sync", text)
        self.assertNotIn("ac-sandbox-key", text)
        self.assertNotIn("Api-Token", text)
