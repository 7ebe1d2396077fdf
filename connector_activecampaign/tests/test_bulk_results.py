"""The bulk import as ActiveCampaign's reference describes its answers.

"Bulk import status info" names imported contacts by id and refused ones by
email; "Bulk import contacts" refuses with HTTP 400 for its rate limit and
for rows that fail validation (named by position, nothing queued).
"""

from odoo.addons.queue_job.exception import RetryableJobError

from .common import BINDING, ActivecampaignCase


class TestBulkResults(ActivecampaignCase):
    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.emulator.reset()
        self.Partner = self.env["res.partner"]

    def partners(self, n, prefix="bulk"):
        partners = self.Partner.create(
            [
                {"name": f"{prefix} {i}", "email": f"{prefix}{i}@example.com"}
                for i in range(n)
            ]
        )
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        return partners, bindings

    def set_emulator(self, **values):
        for key, value in values.items():
            self.addCleanup(setattr, self.emulator, key, getattr(self.emulator, key))
            setattr(self.emulator, key, value)

    def assert_bound_to_their_contacts(self, bindings):
        for binding in bindings:
            contact = self.emulator.contacts[binding.external_id]
            self.assertEqual(contact["email"], binding.email_normalized)

    def test_ids_bind_failed_emails_go_to_review_and_nothing_is_resent(self):
        partners, bindings = self.partners(30)
        self.emulator.excluded = {"bulk3@example.com", "bulk7@example.com"}
        self.run_jobs(bindings.export_batch)
        refused = self.issues(reason_code="ac_bulk_failure")
        self.assertEqual(refused.mapped("partner_id"), partners[3] | partners[7])
        self.assertFalse(self.issues(reason_code="bulk_no_result"))
        accepted = bindings.filtered("external_id")
        self.assertEqual(len(accepted), 28)
        self.assert_bound_to_their_contacts(accepted)
        # the next run sends nothing for the bound, unchanged partners
        sent = self.emulator.stats["bulk_contacts"]
        self.run_jobs(accepted.export_batch)
        self.assertEqual(self.emulator.stats["bulk_contacts"], sent)

    def test_updated_contacts_are_bound_under_both_readings_of_success(self):
        """The reference speaks of ids of "newly created" contacts: contacts
        that existed are found by the id Odoo knows, else by email."""
        for reading in ("created", "all"):
            with self.subTest(reading=reading):
                self.emulator.clear()
                self.set_emulator(bulk_success=reading)
                partners, bindings = self.partners(12, prefix=reading)
                self.run_jobs(bindings.export_batch)
                self.assertTrue(all(bindings.mapped("external_id")))
                # every partner changes; one more exists on ActiveCampaign
                # already (created there), unknown to Odoo
                for partner in partners:
                    partner.name += " Junior"
                known = self.emulator.seed(1)[0]
                other = self.Partner.create(
                    {"name": "Known", "email": self.emulator.contacts[known]["email"]}
                )
                newcomer = self.bind(other)
                everyone = bindings | newcomer
                everyone.invalidate_recordset()
                self.run_jobs(everyone.export_batch)
                self.assertEqual(newcomer.external_id, known)
                self.assert_bound_to_their_contacts(everyone)
                self.assertFalse(self.issues(reason_code="bulk_no_result"))

    def test_rate_limit_400_postpones_the_job_a_minute(self):
        # the first export takes two: its import and the subscription step
        self.emulator.bulk_multi.configure(calls=2)
        self.addCleanup(self.emulator.bulk_multi.configure, calls=100)
        __, first = self.partners(12, prefix="first")
        self.run_jobs(first.export_batch)
        __, second = self.partners(12, prefix="second")
        Tracker = self.env["marketing.bulk.import"]
        before = Tracker.search_count(self.backend._scope_domain())
        with self.assertRaises(RetryableJobError) as caught:
            second.export_batch()
        self.assertGreaterEqual(caught.exception.seconds, 55)
        self.assertFalse(self.issues(), "a rate limit is not bad data")
        self.assertFalse(any(second.mapped("external_id")))
        self.assertEqual(
            Tracker.search_count(self.backend._scope_domain()),
            before,
            "the refused request left no tracker",
        )

    def test_invalid_rows_alone_go_to_review_under_both_index_readings(self):
        for base in (0, 1):
            with self.subTest(index_base=base):
                self.emulator.clear()
                self.set_emulator(bulk_index_base=base)
                partners, bindings = self.partners(15, prefix=f"row{base}x")
                bad = partners[5]
                self.emulator.refused_emails = {bad.email}
                imports = self.calls("POST /api/3/import/bulk_import")
                self.run_jobs(bindings.export_batch)
                # the refused request, the rest sent again, the subscription
                # step for the contacts on no list
                self.assertEqual(
                    self.calls("POST /api/3/import/bulk_import") - imports, 3
                )
                issue = self.issues(reason_code="ac_email_invalid")
                self.assertEqual(issue.partner_id, bad)
                self.assertIn("not valid", issue.reason)
                good = bindings.filtered(lambda b, bad=bad: b.odoo_id != bad)
                self.assertEqual(len(good.filtered("external_id")), 14)
                self.assert_bound_to_their_contacts(good)
                issue.unlink()
