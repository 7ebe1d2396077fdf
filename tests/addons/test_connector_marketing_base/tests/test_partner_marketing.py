"""The partner's Marketing smart button and Engagement timeline."""

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests.common import TransactionCase, new_test_user

from .common import BINDING_MODEL, BackendMixin


class TestPartnerMarketing(BackendMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls._create_backend(cls.env, name="Bound here")
        cls.other = cls._create_backend(cls.env, name="Not bound there")
        cls.partner = cls.env["res.partner"].create(
            {"name": "Mia Market", "email": "mia@example.com"}
        )
        cls.binding = (
            cls.env[BINDING_MODEL]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": cls.backend.id,
                    "odoo_id": cls.partner.id,
                    "external_id": "c_mia",
                    "sync_date": "2026-01-02 03:04:05",
                }
            )
        )
        cls.env["marketing.sync.issue"]._report(
            cls.backend, "import", "email_changed", "?", partner=cls.partner
        )

    def status(self, partner=None, user=None):
        partner = (partner or self.partner).with_user(user or self.env.user)
        action = partner.action_open_marketing_status()
        lines = self.env[action["res_model"]].search(action["domain"])
        return {line.backend_name: line for line in lines}

    def test_smart_button_counts(self):
        self.assertEqual(self.partner.marketing_binding_count, 1)
        self.assertEqual(self.partner.marketing_issue_count, 1)

    def test_popup_has_a_line_per_backend_bound_or_not(self):
        lines = self.status()
        bound, unbound = lines["Bound here"], lines["Not bound there"]
        self.assertEqual(bound.provider, "Demo")
        self.assertTrue(bound.bound)
        self.assertEqual(bound.external_id, "c_mia")
        self.assertEqual(bound.subscription, "Subscribed")
        self.assertEqual(
            bound.last_sync, fields.Datetime.to_datetime("2026-01-02 03:04:05")
        )
        self.assertEqual(bound.open_issue_count, 1)
        self.assertFalse(unbound.bound)
        self.assertEqual(unbound.subscription, "Not on the platform")
        self.assertEqual(unbound.open_issue_count, 0)
        issues = self.env["marketing.sync.issue"].search(
            bound.action_open_issues()["domain"]
        )
        self.assertEqual(issues.partner_id, self.partner)

    def test_popup_says_an_opt_out_and_whether_the_platform_knows(self):
        self.env["mail.blacklist"]._add("mia@example.com")
        self.assertEqual(
            self.status()["Bound here"].subscription,
            "Unsubscribed in Odoo, not yet on the platform",
        )
        self.binding.opt_out_sent = True
        self.assertEqual(self.status()["Bound here"].subscription, "Unsubscribed")

    def test_popup_is_for_marketing_users(self):
        reviewer = new_test_user(
            self.env,
            "mkt_popup_reviewer",
            groups="base.group_user,connector_marketing_base.group_marketing_user",
        )
        self.assertEqual(len(self.status(user=reviewer)), 2)
        outsider = new_test_user(
            self.env, "mkt_popup_outsider", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.status(user=outsider)

    def test_engagement_is_a_timeline_newest_first(self):
        Activity = self.env["marketing.activity"]
        Activity._record(
            self.backend,
            [
                {
                    "external_id": f"act-{kind}",
                    "activity_type": kind,
                    "occurred_at": when,
                    "partner_id": self.partner.id,
                    "campaign": "Spring",
                }
                for kind, when in (
                    ("open", "2026-03-01 10:00:00"),
                    ("click", "2026-03-02 10:00:00"),
                    ("send", "2026-02-28 10:00:00"),
                )
            ],
        )
        self.partner.invalidate_recordset(["marketing_activity_ids"])
        self.assertEqual(
            self.partner.marketing_activity_ids.mapped("activity_type"),
            ["click", "open", "send"],
        )
        self.assertFalse(
            self.partner.message_ids.filtered(lambda m: "Spring" in (m.body or "")),
            "engagement is not posted in the chatter",
        )
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="marketing_engagement"', arch)
        self.assertIn('name="action_open_marketing_status"', arch)
