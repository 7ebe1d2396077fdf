import time

from odoo.addons.connector_marketing_base.tests.consent import ConsentScenarios
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ConstantContactCase


class TestConstantContactConsent(ConsentScenarios, ConstantContactCase):
    """An opt-out is ``permission_to_send: unsubscribed``; a contact can be
    mailed when it is not, and is on a list."""

    def setUp(self):
        super().setUp()
        self.connect()

    def remote_unsubscribed(self, email):
        contact = self.emulator.find(email)
        return bool(contact) and (
            contact["email_address"]["permission_to_send"] == "unsubscribed"
        )

    def remote_marketable(self, email):
        contact = self.emulator.find(email)
        return bool(contact and contact["list_memberships"]) and not (
            self.remote_unsubscribed(email)
        )

    def remote_delete(self, email):
        contact = self.emulator.find(email)
        del self.emulator.contacts[contact["contact_id"]]
        del self.emulator.by_email[email.lower()]


class TestConstantContactUnsubscribeDuringScan(ConstantContactCase):
    """No unsubscribe made on Constant Contact is lost by the poll, even one
    made behind a multi-page scan.

    The sandbox pages contacts in change order with an offset cursor
    (*chosen*): a contact that changes during the scan moves behind it, and
    the contact after the first page slides back onto the page already read,
    so this scan misses it; the next scan, reaching back before the start of
    this one, reads it.
    """

    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()
        self.emulator.by_email.clear()
        self.emulator.reset()
        self.connect()
        self.backend.import_since = "2000-01-01 00:00:00"

    def blacklisted(self, email):
        return bool(self.env["mail.blacklist"].search([("email", "=", email)]))

    def test_unsubscribe_made_during_a_multi_page_scan_is_not_lost(self):
        self.emulator.seed(700, start=7000)
        ids = self.emulator.ids_in_order()
        # the scan starts in a later second than the contacts' last change
        time.sleep(1.1)
        with trap_jobs() as trap:
            self.backend.import_contacts_page()  # page 1: 500 contacts
            self.assertEqual(len(trap.enqueued_jobs), 1, "a second page to read")
            # behind the scan: a contact of page 1 unsubscribes
            self.emulator.unsubscribe(ids[3])
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        # the next cycle
        self.run_jobs(self.backend.import_contacts_page)
        email = self.emulator.contacts[ids[3]]["email_address"]["address"]
        self.assertTrue(self.blacklisted(email))
        self.assertEqual(
            self.env["mail.blacklist"].search_count(
                [("email", "=like", "person7%@example.com")]
            ),
            1,
        )
        bound = self.env[self.binding_model].search_count(
            [("backend_id", "=", self.backend.id), ("external_id", "in", ids)]
        )
        self.assertEqual(bound, 700, "the contact that slid back is read too")
        binding = self.binding_of(ids[3])
        self.assertTrue(binding.opt_out_sent, "not sent back to Constant Contact")
        self.assertEqual(self.attempts(), 0)

    def attempts(self):
        return self.emulator.stats["resubscribe_attempts"]
