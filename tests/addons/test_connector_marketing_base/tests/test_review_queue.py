"""The review queue: labels, grouping, mismatches resolved in one click,
mass retry / ignore / link, and who may do it."""

from odoo.exceptions import AccessError, UserError
from odoo.tests.common import new_test_user

from .common import BINDING_MODEL, MarketingCase


class TestReviewQueue(MarketingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Issue = cls.env["marketing.sync.issue"]
        cls.reviewer = new_test_user(
            cls.env,
            "mkt_queue_reviewer",
            groups="base.group_user,base.group_partner_manager,"
            "connector_marketing_base.group_marketing_user",
        )
        cls.outsider = new_test_user(
            cls.env, "mkt_queue_outsider", groups="base.group_user"
        )

    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()

    def mismatch(self):
        """A bound, exported partner whose first name was changed on the
        platform, found by the reconciler."""
        partner = self.make_partner("Rec Zero", "rec.zero@example.com")
        binding = self.bind(partner)
        binding.export_record()
        self.emulator.touch(binding.external_id, first_name="Someone")
        self.backend.reconcile_contacts_page()
        issue = self.issues(reason_code="field_mismatch")
        self.assertEqual(len(issue), 1)
        return partner, binding, issue

    # ------------------------------------------------------------------
    # readable
    # ------------------------------------------------------------------
    def test_reasons_read_as_labels_unknown_codes_readably(self):
        known = self.Issue._report(
            self.backend, "import", "ambiguous_match", "two", external_id="l1"
        )
        unknown = self.Issue._report(
            self.backend, "export", "weird_platform_code", "?", external_id="l2"
        )
        self.assertEqual(known.reason_label, "Several partners match")
        self.assertEqual(known.display_name, "Several partners match")
        self.assertEqual(unknown.reason_label, "Weird platform code")
        found = self.Issue.search(
            self.backend._scope_domain() + [("reason_label", "ilike", "several")]
        )
        self.assertEqual(found, known)

    def test_groups_are_headed_by_label_and_backend_name(self):
        self.Issue._report(
            self.backend, "import", "ambiguous_match", "two", external_id="g1"
        )
        self.Issue._report(
            self.backend, "import", "invalid_email", "x", external_id="g2"
        )
        groups = self.Issue.read_group(
            self.backend._scope_domain(), ["reason_code"], ["reason_code"]
        )
        headers = {group["reason_code"]: group["__domain"] for group in groups}
        self.assertEqual(set(headers), {"Several partners match", "Invalid email"})
        # opening a group still filters on the stored code
        self.assertEqual(self.Issue.search(headers["Invalid email"]).external_id, "g2")
        groups = self.Issue.read_group(
            self.backend._scope_domain(), ["backend_ref"], ["backend_ref"]
        )
        self.assertEqual([g["backend_ref"] for g in groups], ["Demo"])
        self.assertEqual(self.Issue.search_count(groups[0]["__domain"]), 2)

    def test_menu_action_groups_by_reason_and_backend(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "connector_marketing_base.action_marketing_sync_issue"
        )
        context = action["context"]
        for key in ("search_default_by_reason", "search_default_by_backend"):
            self.assertIn(key, context)

    # ------------------------------------------------------------------
    # mismatches
    # ------------------------------------------------------------------
    def test_mismatch_shows_both_values(self):
        __, __, issue = self.mismatch()
        self.assertTrue(issue.has_mismatch)
        html = str(issue.mismatch_html)
        self.assertIn("First name", html)
        self.assertIn(">Rec<", html)
        self.assertIn(">Someone<", html)

    def test_keep_odoo_pushes_odoo_value_through_the_export_job(self):
        partner, binding, issue = self.mismatch()
        with self.trap() as trap:
            issue.action_keep_odoo()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(binding.export_record)
            self.assertEqual(issue.state, "resolved")
            trap.perform_enqueued_jobs()
        remote = self.emulator.find_by_email("rec.zero@example.com")
        self.assertEqual(remote["first_name"], "Rec", "Odoo's value on the platform")
        self.assertEqual(partner.name, "Rec Zero", "Odoo unchanged")
        self.backend.reconcile_contacts_page()
        self.assertFalse(self.issues(reason_code="field_mismatch", state="open"))

    def test_take_platform_writes_odoo_without_echo(self):
        partner, binding, issue = self.mismatch()
        with self.trap() as trap:
            issue.action_take_platform()
            trap.assert_jobs_count(0)  # no export back
        self.assertEqual(partner.name, "Someone Zero")
        self.assertEqual(issue.state, "resolved")
        self.assertEqual(partner.email, "rec.zero@example.com", "only that field")
        message = binding.export_batch()
        self.assertIn("1 unchanged", message, "the export has nothing to send")
        self.backend.reconcile_contacts_page()
        self.assertFalse(self.issues(reason_code="field_mismatch", state="open"))

    def test_conflict_of_an_import_stays_open_with_both_values(self):
        partner = self.make_partner("Pat Phone", "pat@example.com")
        binding = self.bind(partner)
        binding.export_record()
        binding.write(
            {
                "sync_date": "2001-01-01 00:00:00",
                "remote_updated_at": "2001-01-01 00:00:00",
            }
        )
        partner.with_context(connector_no_export=True).phone = "+14155550100"
        self.emulator.touch(binding.external_id, phone="+14155550199")
        self.backend.import_contact(binding.external_id)
        self.assertEqual(partner.phone, "+14155550100", "Odoo wins by default")
        issue = self.issues(reason_code="both_changed")
        self.assertEqual(issue.state, "open", "the import's success keeps it open")
        self.assertEqual(
            [
                (v["key"], v["odoo"], v["platform"], v["fields"])
                for v in issue.mismatch_values
            ],
            [("phone", "+14155550100", "+14155550199", ["phone"])],
        )
        with self.trap() as trap:
            issue.with_user(self.reviewer).action_take_platform()
            trap.assert_jobs_count(0)
        self.assertEqual(partner.phone, "+14155550199")
        self.assertEqual(issue.state, "resolved")

    def test_keep_and_take_refuse_what_is_not_a_mismatch(self):
        issue = self.Issue._report(
            self.backend, "import", "invalid_email", "bad", external_id="n1"
        )
        for action in (issue.action_keep_odoo, issue.action_take_platform):
            with self.assertRaisesRegex(UserError, "not a mismatch"):
                action()
        __, __, mismatch = self.mismatch()
        mismatch.action_ignore()
        with self.assertRaisesRegex(UserError, "already closed"):
            mismatch.action_take_platform()

    # ------------------------------------------------------------------
    # mass actions
    # ------------------------------------------------------------------
    def test_mass_retry_skips_what_cannot_be_retried(self):
        retryable = self.Issue._report(
            self.backend, "import", "remote_missing", "gone?", external_id="r1"
        )
        count = self.Issue._report(self.backend, "reconcile", "count_mismatch", "5/3")
        with self.trap() as trap:
            result = (retryable | count).action_retry()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(self.backend.import_contact, args=("r1",))
        self.assertIn("1 retried, 1 with nothing to retry", result["params"]["message"])
        with self.assertRaisesRegex(UserError, "Nothing to retry"):
            count.action_retry()

    def test_mass_ignore_leaves_closed_items_alone(self):
        first = self.Issue._report(self.backend, "import", "x", "1", external_id="i1")
        second = self.Issue._report(self.backend, "import", "x", "2", external_id="i2")
        resolved = self.Issue._report(
            self.backend, "import", "x", "3", external_id="i3"
        )
        resolved.state = "resolved"
        (first | second | resolved).with_user(self.reviewer).action_ignore()
        self.assertEqual((first | second).mapped("state"), ["ignored", "ignored"])
        self.assertEqual(resolved.state, "resolved")

    def test_mass_link_binds_each_item_to_its_chosen_partner(self):
        ann = self.make_partner("Ann One", "ann@example.com")
        ann_bis = self.make_partner("Ann Two", "ann@example.com")
        bob = self.make_partner("Bob", "bob@example.com")
        ambiguous = self.Issue._report(
            self.backend,
            "import",
            "ambiguous_match",
            "two",
            external_id="k1",
            candidates=ann | ann_bis,
        )
        single = self.Issue._report(
            self.backend,
            "import",
            "ambiguous_match",
            "one",
            external_id="k2",
            candidates=bob,
        )
        issues = (ambiguous | single).with_user(self.reviewer)
        action = issues.action_open_link_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.reviewer)
            .with_context(**action["context"])
            .create({})
        )
        lines = {line.issue_id: line for line in wizard.line_ids}
        self.assertFalse(lines[ambiguous].partner_id, "two candidates: no guess")
        self.assertEqual(lines[single].partner_id, bob, "the only candidate")
        lines[ambiguous].partner_id = ann_bis
        with self.trap() as trap:
            wizard.action_link()
            trap.assert_jobs_count(2, only=self.backend.import_contact)
        bindings = self.env[BINDING_MODEL].search(
            [("backend_id", "=", self.backend.id), ("external_id", "in", ["k1", "k2"])]
        )
        self.assertEqual(
            {b.external_id: b.odoo_id for b in bindings}, {"k1": ann_bis, "k2": bob}
        )
        self.assertEqual((ambiguous | single).mapped("state"), ["resolved"] * 2)

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------
    def test_outsiders_cannot_act_on_the_queue(self):
        __, __, mismatch = self.mismatch()
        other = self.Issue._report(
            self.backend, "import", "remote_missing", "?", external_id="o1"
        )
        for action in (
            mismatch.with_user(self.outsider).action_keep_odoo,
            mismatch.with_user(self.outsider).action_take_platform,
            other.with_user(self.outsider).action_retry,
            other.with_user(self.outsider).action_ignore,
            other.with_user(self.outsider).action_open_link_wizard,
        ):
            with self.assertRaises(AccessError, msg=action.__name__):
                action()
        self.assertEqual((mismatch | other).mapped("state"), ["open", "open"])

    def test_reviewer_without_partner_rights_cannot_take_values(self):
        partner, __, mismatch = self.mismatch()
        reader = new_test_user(
            self.env,
            "mkt_queue_reader",
            groups="base.group_user,connector_marketing_base.group_marketing_user",
        )
        with self.assertRaises(AccessError):
            mismatch.with_user(reader).action_take_platform()
        self.assertEqual(partner.name, "Rec Zero")
