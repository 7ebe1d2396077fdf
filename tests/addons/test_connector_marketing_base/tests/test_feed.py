"""The paged-feed skeleton (``marketing.feed.importer``): at-least-once.

The contact import of the demo provider is a feed like every other one
(Marketo activities, ActiveCampaign unsubscribes...), so what holds here
holds for all of them.
"""

from unittest import mock

from odoo.addons.connector_marketing_base.components.batch_importer import (
    MarketingBatchImporter,
)
from odoo.addons.connector_marketing_base.components.feed_importer import (
    MarketingFeedImporter,
)

from .common import BINDING_MODEL, MarketingCase


class TestFeed(MarketingCase):
    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()
        self.cursors = self.env["marketing.sync.cursor"]

    def bindings(self):
        return self.env[BINDING_MODEL].search([("backend_id", "=", self.backend.id)])

    def test_crash_between_apply_and_cursor_reads_the_page_again(self):
        self.emulator.seed(150)
        applied = []
        original = MarketingBatchImporter._apply_page

        def apply_then_note(importer, page, state):
            result = original(importer, page, state)
            applied.append(len(page.records))
            return result

        # the job dies after the page is applied, before the cursor is stored
        with (
            mock.patch.object(MarketingBatchImporter, "_apply_page", apply_then_note),
            mock.patch.object(
                MarketingFeedImporter,
                "_next_state",
                side_effect=RuntimeError("worker killed"),
            ),
            self.assertRaises(RuntimeError),
            self.env.cr.savepoint(),
        ):
            self.backend.import_contacts_page()
        self.assertEqual(applied, [100], "the page was applied before the crash")
        # rolled back together: no contact, no cursor
        self.assertFalse(self.bindings())
        self.assertIsNone(self.cursors._get(self.backend, "contacts"))
        with self.trap() as trap:
            message = self.backend.import_contacts_page()
            self.assertIn("100 contacts read", message)
            self.assertIn("next page enqueued", message)
            trap.assert_jobs_count(1, only=self.backend.import_contacts_page)
            trap.assert_enqueued_job(
                self.backend.import_contacts_page,
                args=("contacts",),
                properties={
                    "priority": 20,
                    "identity_key": self.backend._chain_key("import:contacts"),
                },
            )
        self.assertEqual(len(self.bindings()), 100)
        self.assertTrue(self.cursors._get(self.backend, "contacts"))

    def test_page_read_twice_stores_nothing_twice(self):
        """At-least-once: a page delivered again (its cursor lost) is applied
        again without duplicates."""
        self.emulator.seed(30)
        self.backend.import_contacts_page()
        self.assertEqual(len(self.bindings()), 30)
        partners = self.bindings().odoo_id
        self.cursors._set(self.backend, "contacts", None)
        message = self.backend.import_contacts_page()
        self.assertIn("30 contacts read", message)
        self.assertNotIn("created", message)
        self.assertEqual(len(self.bindings()), 30)
        self.assertEqual(self.bindings().odoo_id, partners)

    def test_last_page_enqueues_nothing_and_keeps_its_cursor(self):
        self.emulator.seed(3)
        with self.trap() as trap:
            message = self.backend.import_contacts_page()
            trap.assert_jobs_count(0, only=self.backend.import_contacts_page)
        self.assertNotIn("next page enqueued", message)
        self.assertTrue(self.cursors._get(self.backend, "contacts"))
