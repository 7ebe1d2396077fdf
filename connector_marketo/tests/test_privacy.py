from odoo.addons.connector_marketing_base.tests.common import ForgetPersonMixin

from .common import BINDING, MarketoCase


class TestMarketoPrivacy(ForgetPersonMixin, MarketoCase):
    def setUp(self):
        super().setUp()
        self.emulator.clear_data()

    def remote_create(self, email):
        result = self.adapter(BINDING).upsert([{"email": email, "firstName": "Dsr"}])
        return result[0]["external_id"]

    def remote_exists(self, external_id):
        return int(external_id) in self.emulator.leads

    def test_deleted_lead_is_not_recreated_by_the_full_export(self):
        self.backend.import_since = "2000-01-01 00:00:00"
        self.backend.partner_domain = "[('email', '=like', 'deleted.lead%')]"
        lead = self.remote_create("deleted.lead@example.com")
        self.backend.import_contact(lead)
        partner = self.binding_of(lead).odoo_id
        self.emulator.delete_lead(int(lead))
        self.run_jobs(self.backend.import_deleted_leads_page)
        issue = self.issues(reason_code="remote_deleted")
        self.assertEqual(issue.partner_id, partner)
        self.run_jobs(self.backend.export_contacts)
        self.assertIsNone(self.emulator.find_by_email("deleted.lead@example.com"))
        self.assertFalse(partner.marketo_bind_ids, "stays unbound")
        # the reviewer decides to send it again
        issue.action_export_again()
        self.run_jobs(self.backend.export_contacts)
        self.assertTrue(self.emulator.find_by_email("deleted.lead@example.com"))
        self.assertTrue(partner.marketo_bind_ids.external_id)
