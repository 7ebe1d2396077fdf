from .common import ActivecampaignCase


class TestActivecampaignDeletions(ActivecampaignCase):
    """A contact deleted on ActiveCampaign is not created again.

    ActiveCampaign has no deletion feed: before an export sends bound
    contacts again (``contact/sync`` and ``bulk_import`` upsert by email),
    the ``ids[]`` filter says which still exist and ``GET /contacts/{id}``
    confirms a missing one with a 404.  The partner stays in Odoo, unbound,
    with a review item, until someone decides.
    """

    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.backend.import_since = "2000-01-01 00:00:00"
        self.backend.partner_domain = "[('email', 'ilike', '@example.com')]"
        self.ids = self.emulator.seed(14)
        self.run_jobs(self.backend.import_contacts_page)
        self.partners = [self.binding_of(i).odoo_id for i in self.ids]
        self.assertTrue(all(self.partners))

    def delete_remotely(self, contact_id):
        """A user deletes the contact in ActiveCampaign."""
        with self.emulator.lock:
            del self.emulator.contacts[contact_id]

    def binding_for(self, partner):
        return self.env[self.binding_model].search(
            [("backend_id", "=", self.backend.id), ("odoo_id", "=", partner.id)]
        )

    def email_exists_remotely(self, email):
        return self.emulator.contacts.id_by_email(email) is not None

    def change(self, partner, title="Changed"):
        """The partner changes in Odoo after its last sync (the test's
        transaction has one clock: the sync is moved back instead)."""
        partner.name = f"{title} {partner.id}"
        binding = self.binding_for(partner)
        binding.sync_date = "2000-01-01 00:00:00"

    def assert_unbound_with_review(self, contact_id, partner):
        self.assertFalse(self.binding_of(contact_id))
        self.assertTrue(partner.exists(), "the customer stays in Odoo")
        issue = self.issues(external_id=contact_id, reason_code="remote_deleted")
        self.assertEqual(len(issue), 1)
        self.assertIn("deleted on ActiveCampaign", issue.reason)
        return issue

    def test_bulk_export_does_not_recreate_a_deleted_contact(self):
        gone = self.ids[0]
        self.delete_remotely(gone)
        for partner in self.partners:  # 14 changed: the bulk path
            self.change(partner)
        for __ in range(2):  # the scheduler's export, twice
            self.run_jobs(self.backend.export_contacts)
        issue = self.assert_unbound_with_review(gone, self.partners[0])
        self.assertFalse(self.email_exists_remotely(self.partners[0].email))
        self.assertEqual(self.binding_of(self.ids[1]).odoo_id, self.partners[1])
        self.assertEqual(self.emulator.contacts[self.ids[1]]["firstName"], "Changed")
        # someone decides: sent again, as a new contact
        issue.action_export_again()
        self.run_jobs(self.backend.export_contacts)
        self.assertTrue(self.email_exists_remotely(self.partners[0].email))
        self.assertTrue(self.binding_for(self.partners[0]).external_id)

    def test_single_export_does_not_recreate_a_deleted_contact(self):
        gone = self.ids[2]
        self.delete_remotely(gone)
        self.change(self.partners[2], "Changed")
        binding = self.binding_of(gone)
        self.run_jobs(binding.export_record)
        self.assert_unbound_with_review(gone, self.partners[2])
        self.assertFalse(self.email_exists_remotely(self.partners[2].email))
        self.run_jobs(self.backend.export_contacts)
        self.assertFalse(self.email_exists_remotely(self.partners[2].email))

    def test_404_on_reading_a_bound_contact_unbinds_it(self):
        gone = self.ids[3]
        self.delete_remotely(gone)
        self.assertEqual(self.backend.import_contact(gone), "deleted on the platform")
        self.assert_unbound_with_review(gone, self.partners[3])
