from datetime import timedelta

from odoo import fields

from odoo.addons.connector_marketing_base.tests.consent import ConsentScenarios
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import MarketoCase


class TestMarketoConsent(ConsentScenarios, MarketoCase):
    """An opt-out is ``unsubscribed: true`` on the lead."""

    def remote_unsubscribed(self, email):
        lead = self.emulator.find_by_email(email)
        return bool(lead and lead.get("unsubscribed"))

    def remote_marketable(self, email):
        lead = self.emulator.find_by_email(email)
        return bool(lead) and not lead.get("unsubscribed")

    def remote_delete(self, email):
        self.emulator.delete_lead(self.emulator.find_by_email(email)["id"])


class TestMarketoUnsubscribeReadBack(MarketoCase):
    """An unsubscribe made in Marketo reaches the blacklist by the delta
    poll, even behind a multi-page scan, and by the webhook's refresh."""

    def setUp(self):
        super().setUp()
        self.backend.import_since = fields.Datetime.now() - timedelta(minutes=30)

    def blacklisted(self, email):
        return bool(self.env["mail.blacklist"].search([("email", "=", email)]))

    def test_unsubscribe_made_during_a_multi_page_scan_is_not_lost(self):
        lead_ids = self.emulator.seed(350, start=5000)
        with trap_jobs() as trap:
            self.backend.import_contacts_page()  # page 1: 300 leads
            self.assertTrue(trap.enqueued_jobs, "more pages to read")
            # behind the scan: a lead of page 1 unsubscribes in Marketo
            self.emulator.touch(lead_ids[3], unsubscribed=True)
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        email = self.emulator.leads[lead_ids[3]]["email"]
        self.run_jobs(self.backend.import_contacts_page)
        self.assertTrue(self.blacklisted(email))
        self.assertFalse(self.blacklisted(self.emulator.leads[lead_ids[4]]["email"]))
        binding = self.binding_of(lead_ids[3])
        self.assertTrue(binding.opt_out_sent, "not sent back to Marketo")

    def test_webhook_refresh_reads_the_unsubscribe(self):
        [lead_id] = self.emulator.seed(1, start=6000)
        self.emulator.touch(lead_id, unsubscribed=True)
        self.run_jobs(self.backend.import_contact, str(lead_id))
        self.assertTrue(self.blacklisted(self.emulator.leads[lead_id]["email"]))
