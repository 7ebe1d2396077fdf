"""The operator cockpit driven in a browser (Odoo tours, headless Chromium)."""

from odoo.tests.common import HttpCase

from .common import BINDING_MODEL, BackendMixin

QUEUE_URL = "/odoo/action-connector_marketing_base.action_marketing_sync_issue"
PARTNER_URL = "/odoo/action-base.action_partner_form/%s"


class TestCockpitTours(BackendMixin, HttpCase):
    def setUp(self):
        super().setUp()
        self.backend = self._create_backend(self.env, name="Tour backend")
        self.partner = self.env["res.partner"].create(
            {"name": "Tour Person", "email": "tour.person@example.com"}
        )
        self.binding = (
            self.env[BINDING_MODEL]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": self.backend.id,
                    "odoo_id": self.partner.id,
                    "external_id": "c_tour",
                }
            )
        )

    def test_resolve_a_mismatch_from_the_review_queue(self):
        issue = self.env["marketing.sync.issue"]._report(
            self.backend,
            "reconcile",
            "field_mismatch",
            "Differs from the platform: first_name",
            external_id="c_tour",
            record=self.binding,
            payload={
                "id": "c_tour",
                "email": "tour.person@example.com",
                "first_name": "Taken",
                "last_name": "Person",
            },
            mismatches=[
                {
                    "key": "first_name",
                    "label": "First name",
                    "odoo": "Tour",
                    "platform": "Taken",
                    "fields": ["name"],
                }
            ],
        )
        self.start_tour(QUEUE_URL, "connector_marketing_review_mismatch", login="admin")
        self.assertEqual(issue.state, "resolved")
        self.assertEqual(self.partner.name, "Taken Person")

    def test_open_a_partner_marketing_view(self):
        self._create_backend(self.env, name="Tour elsewhere")
        self.env["marketing.sync.issue"]._report(
            self.backend, "import", "email_changed", "?", partner=self.partner
        )
        self.env["marketing.activity"]._record(
            self.backend,
            [
                {
                    "external_id": f"tour-{kind}",
                    "activity_type": kind,
                    "occurred_at": when,
                    "partner_id": self.partner.id,
                    "campaign": "Spring",
                }
                for kind, when in (
                    ("open", "2026-03-01 10:00:00"),
                    ("click", "2026-03-02 10:00:00"),
                )
            ],
        )
        self.start_tour(
            PARTNER_URL % self.partner.id,
            "connector_marketing_partner_view",
            login="admin",
        )
