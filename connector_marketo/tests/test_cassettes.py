"""The adapter against Marketo's documented answers, replayed by vcrpy."""

import pathlib
import re

from odoo.tests.common import TransactionCase, _super_send

from .common import MarketoBackendMixin, MarketoCase, purge_shared_state, recorder

CASSETTES = pathlib.Path(__file__).parent / "cassettes"


class TestDocumentedAnswers(MarketoBackendMixin, TransactionCase):
    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # the cassette answers (record_mode "none": nothing leaves the machine)
        return _super_send(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.backend = self._create_backend(
            self.env, url="https://123-ABC-456.mktorest.com"
        )
        self.addCleanup(purge_shared_state, self.registry)
        cassette = recorder(CASSETTES).use_cassette(
            "documented_examples.yaml", allow_playback_repeats=True
        )
        cassette.__enter__()
        self.addCleanup(cassette.__exit__, None, None, None)

    def adapter(self):
        with self.backend.work_on("marketo.backend") as work:
            return work.component(usage="backend.adapter")

    def test_describe(self):
        self.assertEqual(
            self.adapter().check_connection(), "Connected: 2 lead fields readable"
        )

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
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            with recorder(tmp, record_mode="all").use_cassette("live.yaml"):
                self.adapter().check_connection()
                self.adapter().upsert([{"email": "rec@example.com"}])
            text = (pathlib.Path(tmp) / "live.yaml").read_text()
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
