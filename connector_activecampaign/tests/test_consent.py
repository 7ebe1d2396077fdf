import time

from odoo.addons.connector_marketing_base.tests.consent import ConsentScenarios
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ActivecampaignCase

LIST = "1"


class TestActivecampaignConsent(ConsentScenarios, ActivecampaignCase):
    """An opt-out is status 2 on the default list; subscribed is status 1."""

    def _status(self, email):
        contact_id = self.emulator.contacts.id_by_email(email)
        if contact_id is None:
            return None
        return self.emulator.contact_lists.get((contact_id, LIST))

    def remote_unsubscribed(self, email):
        return self._status(email) == 2

    def remote_marketable(self, email):
        return self._status(email) == 1

    def remote_delete(self, email):
        contact_id = self.emulator.contacts.id_by_email(email)
        del self.emulator.contacts[contact_id]
        for key in [k for k in self.emulator.contact_lists if k[0] == contact_id]:
            del self.emulator.contact_lists[key]


class TestActivecampaignUnsubscribeDuringScan(ActivecampaignCase):
    """No remote unsubscribe is lost by the poll, even one made behind a
    multi-page scan while later pages change too."""

    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.backend.import_since = "2000-01-01 00:00:00"

    def test_unsubscribe_made_during_a_multi_page_scan_is_read_next_cycle(self):
        ids = self.emulator.seed(160)
        for contact_id in ids[10:]:
            self.emulator.unsubscribe(contact_id, emit=False)
        with trap_jobs() as trap:
            # page 1 of 2 (100 unsubscribed contacts by id), next page queued
            self.backend.import_unsubscribes_page()
            self.assertEqual(len(trap.enqueued_jobs), 1)
            # behind the scan: an early contact unsubscribes; then, a second
            # later, a contact of the page still to read changes
            self.emulator.unsubscribe(ids[3], emit=False)
            time.sleep(1.1)
            self.emulator.touch(ids[-1], firstName="Later")
            trap.perform_enqueued_jobs()
        late = self.emulator.contacts[ids[3]]["email"]
        self.assertFalse(self.env["mail.blacklist"].search([("email", "=", late)]))
        # the next cycle reads it (the webhook may have been missed)
        self.run_jobs(self.backend.import_unsubscribes_page)
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", late)]))
        self.assertEqual(
            self.env["mail.blacklist"].search_count(
                [("email", "=like", "person%@example.com")]
            ),
            151,
        )

    def test_polled_unsubscribe_is_not_sent_back(self):
        [contact_id] = self.emulator.seed(1)
        partner = self.env["res.partner"].create(
            {"name": "Polled", "email": "person0@example.com"}
        )
        binding = self.bind(partner, external_id=contact_id)
        self.emulator.unsubscribe(contact_id, emit=False)
        self.run_jobs(self.backend.import_unsubscribes_page)
        self.assertTrue(partner.is_blacklisted)
        self.assertTrue(binding.opt_out_sent)
        calls = self.emulator.stats["total"]
        self.run_jobs(self.backend.export_opt_outs)
        self.assertEqual(self.emulator.stats["total"], calls)
