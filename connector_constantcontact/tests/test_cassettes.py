"""The adapter against Constant Contact's documented answers (vcrpy)."""

import pathlib
import tempfile

from odoo.tests.common import TransactionCase, _super_send

from odoo.addons.connector_marketing_base.tests.common import scrub_tokens, vcr_recorder

from .common import ConstantContactBackendMixin, ConstantContactCase, purge_shared_state

CASSETTES = pathlib.Path(__file__).parent / "cassettes"


def recorder(cassette_dir, record_mode="none"):
    """Two hosts (authorization server and API): match on the host too."""
    return vcr_recorder(
        cassette_dir,
        record_mode,
        match_on=["method", "scheme", "host", "path", "query"],
        before_record_response=scrub_tokens,
    )


class TestDocumentedAnswers(ConstantContactBackendMixin, TransactionCase):
    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # the cassette answers (record_mode "none": nothing leaves the machine)
        return _super_send(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.backend = self.env["constantcontact.backend"].create(
            {
                "name": "Documented",
                "client_id": "cc-client",
                "client_secret": "cc-secret",
                "default_list_id": "07936f78-662a-11eb-af0a-fa163e56c9b0",
                "import_since": "2019-01-01 00:00:00",
            }
        )
        purge_shared_state(self.registry)
        self.addCleanup(purge_shared_state, self.registry)
        # an expired access token and a refresh token: the first call refreshes
        self.env["marketing.token"].sudo()._store(
            self.backend, {"access_token": "old", "refresh_token": "r", "expires_in": 0}
        )
        cassette = recorder(CASSETTES).use_cassette(
            "documented_examples.yaml", allow_playback_repeats=True
        )
        cassette.__enter__()
        self.addCleanup(cassette.__exit__, None, None, None)

    def test_contacts_page_is_flattened_in_utc(self):
        page = self.adapter().search_page(self.adapter().initial_state())
        self.assertTrue(page.has_more)
        self.assertEqual(page.state["next"], "/v3/contacts?cursor=bGltaXQ9MSZuZXh0PTI=")
        record = page.records[0]
        self.assertEqual(record["email"], "dlang@example.com")
        self.assertEqual(record["updated_at"], "2019-03-15T14:39:40Z")
        self.assertEqual(record["phone"], "+1-555-555-5555")
        self.assertEqual(record["company_name"], "Acme Corp.")

    def test_import_activity_row_errors_and_ids_read_back(self):
        adapter = self.adapter("constantcontact.res.partner")
        activity_id = adapter.bulk_upsert(
            [{"email": "dlang@example.com"}, {"email": "zz-bad@example"}]
        )
        self.assertEqual(activity_id, "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a")
        done, results = adapter.bulk_status(
            activity_id, ["dlang@example.com", "zz-bad@example"]
        )
        self.assertTrue(done)
        by_email = {r["email"]: r for r in results}
        self.assertEqual(
            by_email["dlang@example.com"]["external_id"],
            "1618ae62-4752-11e9-9c8a-fa163e6b01c1",
        )
        self.assertEqual(by_email["zz-bad@example"]["status"], "error")
        self.assertEqual(
            by_email["zz-bad@example"]["message"], "The email address is invalid"
        )

    def test_lists_and_custom_fields(self):
        self.assertEqual(
            self.adapter().check_connection(), "Connected: 1 contact lists"
        )
        self.backend.refresh_remote_fields()
        field = self.env["marketing.remote.field"].search(self.backend._scope_domain())
        self.assertEqual(field.key, "Vehicle_make_and_model_year")
        self.assertEqual(field.field_type, "string")


class TestRecordingFiltersSecrets(ConstantContactCase):
    """A cassette recorded live (here from the sandbox) holds no secret."""

    def test_recorded_cassette_has_no_secret(self):
        with tempfile.TemporaryDirectory() as tmp:
            with recorder(tmp, record_mode="all").use_cassette("live.yaml"):
                url = self.backend.action_oauth_connect()["url"]
                code, state = self.emulator.authorize_url_code(url)
                pending = self.env["marketing.oauth.state"].sudo()._consume(state)
                self.backend._oauth_exchange_code(code, pending[3])
                self.adapter().check_connection()
            text = (pathlib.Path(tmp) / "live.yaml").read_text()
        self.assertIn("contact_lists", text)
        self.assertIn("FILTERED", text)
        tokens = list(self.emulator.access_tokens) + list(self.emulator.refresh_tokens)
        self.assertNotIn("Authorization", text)
        for secret in ["cc-secret", code, pending[3], *tokens]:
            self.assertNotIn(secret, text)
