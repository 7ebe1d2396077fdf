from .common import MarketingCase


class TestReconcile(MarketingCase):
    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()

    def test_field_and_count_differences_become_review_items(self):
        partners = [
            self.make_partner(f"Rec {i}", f"rec{i}@example.com") for i in range(3)
        ]
        bindings = self.env["test.marketing.res.partner"]
        for partner in partners:
            bindings |= self.bind(partner)
        bindings.export_batch()
        self.emulator.touch(bindings[0].external_id, first_name="Someone")
        self.emulator.seed(2)  # two remote contacts Odoo never imported
        with self.trap() as trap:
            message = self.backend.reconcile_contacts_page()
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        self.assertIn("5 remote / 3 bound", message)
        mismatch = self.issues(reason_code="field_mismatch")
        self.assertEqual(mismatch.partner_id, partners[0])
        self.assertIn("first_name", mismatch.reason)
        self.assertIn('"first_name": "Someone"', mismatch.payload, "as read")
        self.assertEqual(
            mismatch.mismatch_values,
            [
                {
                    "key": "first_name",
                    "label": "First name",
                    "odoo": "Rec",
                    "platform": "Someone",
                    "fields": ["name"],
                }
            ],
            "both sides as each holds them, and the partner field it lands in",
        )
        count = self.issues(reason_code="count_mismatch")
        self.assertIn("5 contacts on the platform, 3 bound in Odoo", count.reason)
        self.assertIsNone(
            self.env["marketing.sync.cursor"]._get(self.backend, "reconcile"),
            "a finished scan starts over next time",
        )

    def test_in_sync_files_nothing(self):
        binding = self.bind(self.make_partner("Calm Person", "calm@example.com"))
        binding.export_record()
        self.backend.reconcile_contacts_page()
        self.assertFalse(self.issues())
