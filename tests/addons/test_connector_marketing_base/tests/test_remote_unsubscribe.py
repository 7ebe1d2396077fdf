"""The one path of a remote unsubscribe to Odoo's blacklist
(``mail.blacklist._marketing_remote_unsubscribe``), whichever way it came:
a contact read, an unsubscribe feed, an engagement activity."""

from odoo import fields

from .common import BINDING_MODEL, MarketingCase


class TestRemoteUnsubscribe(MarketingCase):
    def setUp(self):
        super().setUp()
        self.Blacklist = self.env["mail.blacklist"].with_context(active_test=False)

    def entry(self, email):
        return self.Blacklist.search([("email", "=", email)])

    def unsubscribe(self, *emails):
        return self.env["mail.blacklist"]._marketing_remote_unsubscribe(
            list(emails), "Unsubscribed on Demo"
        )

    def test_idempotent(self):
        self.assertEqual(self.unsubscribe("Ann@Example.com"), {"ann@example.com"})
        entry = self.entry("ann@example.com")
        self.assertTrue(entry.active)
        notes = len(entry.message_ids)
        # read again (the same page, the same contact): nothing more
        self.assertEqual(self.unsubscribe("ann@example.com", "ANN@example.com"), set())
        self.assertEqual(len(self.entry("ann@example.com")), 1)
        self.assertEqual(len(entry.message_ids), notes, "no note per re-read")

    def test_opt_out_never_undone(self):
        self.env["mail.blacklist"]._add("kept@example.com")
        self.assertEqual(self.unsubscribe("kept@example.com"), set())
        self.assertTrue(self.entry("kept@example.com").active)
        # an address lifted in Odoo is blacklisted again: the platform
        # still says the person opted out
        self.entry("kept@example.com").action_archive()
        self.assertEqual(self.unsubscribe("kept@example.com"), {"kept@example.com"})
        self.assertTrue(self.entry("kept@example.com").active)

    def test_forgotten_person_stores_nothing_personal(self):
        self.env["marketing.tombstone"].sudo()._forget_email(
            "gone@example.com", "erased on request"
        )
        self.assertEqual(
            self.unsubscribe("gone@example.com", "other@example.com"),
            {"other@example.com"},
        )
        self.assertFalse(self.entry("gone@example.com"))

    def test_engagement_unsubscribe_takes_the_same_path(self):
        def record(external_id, email):
            return (
                self.env["marketing.activity"]
                .sudo()
                ._record(
                    self.backend,
                    [
                        {
                            "external_id": external_id,
                            "activity_type": "unsubscribe",
                            "occurred_at": fields.Datetime.now(),
                            "email": email,
                        }
                    ],
                )
            )

        self.env["marketing.tombstone"].sudo()._forget_email("gone@example.com", "x")
        record("act-1", "bob@example.com")
        entry = self.entry("bob@example.com")
        self.assertTrue(entry.active)
        notes = len(entry.message_ids)
        record("act-2", "bob@example.com")  # another unsubscribe activity
        self.assertEqual(len(entry.message_ids), notes)
        record("act-3", "gone@example.com")
        self.assertFalse(self.entry("gone@example.com"))

    def test_record_import_marks_the_binding(self):
        partner = self.env["res.partner"].create(
            {"name": "Rita", "email": "rita@example.com"}
        )
        binding = (
            self.env[BINDING_MODEL]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": self.backend.id,
                    "odoo_id": partner.id,
                    "external_id": "r-1",
                }
            )
        )
        with self.work() as work:
            importer = work.component(usage="record.importer")
            self.assertTrue(importer._remote_opt_out("rita@example.com", "", binding))
            self.assertFalse(importer._remote_opt_out("rita@example.com", "", binding))
        self.assertTrue(partner.is_blacklisted)
        self.assertTrue(binding.opt_out_sent)
