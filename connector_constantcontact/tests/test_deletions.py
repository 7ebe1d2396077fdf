from .common import ConstantContactCase


class TestConstantContactDeletions(ConstantContactCase):
    """A contact deleted on Constant Contact stays deleted.

    Constant Contact keeps a deleted contact (``deleted_at``, no lists,
    ``status=deleted``), and adding it to a list restores it: an export by
    email would do just that.  The deletion is read by the delta scan
    (``status=all``) and by the export's look at ``status=deleted``; the
    partner stays in Odoo, unbound, with a review item, until someone
    decides.
    """

    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()
        self.emulator.by_email.clear()
        self.emulator.reset()
        self.connect()
        self.backend.import_since = "2000-01-01 00:00:00"
        self.backend.partner_domain = "[('email', 'ilike', '@example.com')]"
        self.emulator.seed(3, start=8000, list_id=self.list_id)
        self.ids = self.emulator.ids_in_order()
        self.run_jobs(self.backend.import_contacts_page)
        self.partners = [self.binding_of(i).odoo_id for i in self.ids]
        self.assertTrue(all(self.partners))

    def deleted_remotely(self, contact_id):
        return bool(self.emulator.contacts[contact_id].get("deleted_at"))

    def change(self, partner, title="Changed"):
        """The partner changes in Odoo after its last sync (the test's
        transaction has one clock: the sync is moved back instead)."""
        partner.function = title
        binding = self.binding_for(partner)
        binding.sync_date = "2000-01-01 00:00:00"

    def assert_unbound_with_review(self, contact_id, partner):
        self.assertFalse(self.binding_of(contact_id))
        self.assertTrue(partner.exists(), "the customer stays in Odoo")
        issue = self.issues(external_id=contact_id, reason_code="remote_deleted")
        self.assertEqual(len(issue), 1)
        self.assertIn("deleted on Constant Contact", issue.reason)
        return issue

    def test_deletion_read_by_the_delta_scan_is_never_restored(self):
        self.emulator.soft_delete(self.ids[0])
        self.run_jobs(self.backend.import_contacts_page)
        issue = self.assert_unbound_with_review(self.ids[0], self.partners[0])
        # the partner changes; the scheduler's exports leave the contact alone
        for partner in self.partners:
            self.change(partner)
        for __ in range(2):
            self.run_jobs(self.env[self.backend_model]._scheduler_sync)
        self.assertTrue(self.deleted_remotely(self.ids[0]))
        self.assertEqual(self.emulator.stats["restored"], 0)
        self.assertFalse(self.binding_of(self.ids[0]))
        # someone decides: sent again (restored, a list added)
        issue.action_export_again()
        self.run_jobs(self.backend.export_contacts)
        self.assertFalse(self.deleted_remotely(self.ids[0]))
        self.assertTrue(self.binding_for(self.partners[0]).external_id)

    def test_export_looks_at_deleted_contacts_before_sending(self):
        self.emulator.soft_delete(self.ids[1])
        self.change(self.partners[1], "Changed")
        self.run_jobs(self.backend.export_contacts)  # no import ran
        self.assert_unbound_with_review(self.ids[1], self.partners[1])
        self.assertTrue(self.deleted_remotely(self.ids[1]))
        self.assertEqual(self.emulator.stats["restored"], 0)
        # a second look reads only what changed since the first
        self.change(self.partners[2], "Changed again")
        self.run_jobs(self.backend.export_contacts)
        looks = [
            entry
            for entry in self.emulator.journal or []
            if entry.get("query", {}).get("status") == "deleted"
        ]
        self.assertTrue(all("updated_after" in e["query"] for e in looks[1:]))
        self.assertEqual(
            self.emulator.contacts[self.ids[2]]["job_title"], "Changed again"
        )

    def test_single_read_of_a_deleted_contact_unbinds_it(self):
        self.emulator.soft_delete(self.ids[2])
        self.assertEqual(
            self.backend.import_contact(self.ids[2]), "deleted on the platform"
        )
        self.assert_unbound_with_review(self.ids[2], self.partners[2])
        # the reconciliation counts it neither remotely nor in Odoo
        self.run_jobs(self.backend.reconcile_contacts_page)
        self.assertFalse(self.issues(reason_code="count_mismatch"))
        self.assertFalse(self.issues(reason_code="field_mismatch"))
