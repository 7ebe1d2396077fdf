"""The adapter against Marketo's documented answers, replayed by vcrpy."""

import pathlib
import re

from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.exceptions import ConfigurationError
from odoo.addons.connector_marketing_base.tests.common import (
    CassetteReplayMixin,
    record_live,
)

from .common import MarketoBackendMixin, MarketoCase, recorder


class TestDocumentedAnswers(MarketoBackendMixin, CassetteReplayMixin, TransactionCase):
    cassette_dir = pathlib.Path(__file__).parent / "cassettes"
    cassette_url = "https://123-ABC-456.mktorest.com"
    recorder = staticmethod(recorder)

    def test_describe(self):
        self.assertEqual(self.adapter().describe_fields(), {"company", "site"})
        # the documented example is an excerpt: the fields the connector
        # maps (email, firstName...) are missing from it, which Check
        # connection reports as a configuration error
        with self.assertRaisesRegex(ConfigurationError, "no lead field .*email"):
            self.adapter().check_connection()
        self.assertEqual(self.backend.describe_field_names, "company,site")

    def test_lead_by_id_maps_to_partner(self):
        lead = self.adapter().fetch(318581)
        self.assertEqual(lead["email"], "abe@usa.gov")
        self.backend.import_contact("318581")
        binding = self.env["marketo.res.partner"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", "318581")]
        )
        self.assertEqual(binding.name, "Abraham Lincoln")
        self.assertEqual(str(binding.remote_updated_at), "2016-05-17 22:11:45")

    def test_upsert_statuses(self):
        results = self.adapter().upsert(
            [{"email": "a@x.com"}, {"email": "b@x.com"}, {"email": "c@x.com"}]
        )
        self.assertEqual(
            results,
            [
                {"status": "created", "external_id": "50"},
                {"status": "updated", "external_id": "51"},
                {
                    "status": "error",
                    "code": "marketo_1005",
                    "message": "Lead already exists",
                },
            ],
        )


class TestRecordingFiltersSecrets(MarketoCase):
    """A cassette recorded live (here from the sandbox) holds no secret."""

    def test_recorded_cassette_has_no_secret(self):
        def calls():
            self.adapter().check_connection()
            self.adapter().upsert([{"email": "rec@example.com"}])

        text = record_live(recorder, calls)
        self.assertIn("leads.json", text)
        for secret in ("mkto-secret", "mkto-client", "Bearer"):
            self.assertNotIn(secret, text)
        self.assertIn("FILTERED", text, "the identity answer's token is replaced")
        self.assertIsNone(
            re.search(
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:", text
            ),
            "no access token in the cassette",
        )
