from unittest.mock import patch

import psycopg2

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

from .common import BINDING_MODEL, MarketingCase


class TestExport(MarketingCase):
    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()

    def test_export_batch_binds_and_reports_per_record(self):
        ok = [self.make_partner(f"Person {i}", f"p{i}@example.com") for i in range(3)]
        too_long = self.make_partner("Zed " + "x" * 60, "zed@example.com")
        no_email = self.make_partner("Nobody", False)
        bindings = self.env[BINDING_MODEL]
        for partner in ok + [too_long, no_email]:
            bindings |= self.bind(partner)
        batch_calls = self.emulator.stats["per_route"].get("POST /v1/contacts/batch", 0)
        message = bindings.export_batch()
        self.assertIn("3 created", message)
        self.assertIn("2 sent to review", message)
        self.assertEqual(
            self.emulator.stats["per_route"]["POST /v1/contacts/batch"] - batch_calls,
            1,
            "one call for the whole batch",
        )
        for partner in ok:
            binding = partner.test_marketing_bind_ids
            self.assertTrue(binding.external_id)
            self.assertTrue(binding.export_hash)
            self.assertEqual(
                self.emulator.contacts[binding.external_id]["email"], partner.email
            )
        self.assertEqual(self.issues(reason_code="field_too_long").partner_id, too_long)
        self.assertEqual(self.issues(reason_code="invalid_email").partner_id, no_email)

    def test_unchanged_payload_is_not_sent_again(self):
        binding = self.bind(self.make_partner("Same Same", "same@example.com"))
        self.assertIn("1 created", binding.export_record())
        calls = self.emulator.stats["total"]
        self.assertIn("1 unchanged", binding.export_record())
        self.assertEqual(self.emulator.stats["total"], calls)
        binding.odoo_id.with_context(connector_no_export=True).city = "Lyon"
        binding.odoo_id.with_context(connector_no_export=True).name = "Same Changed"
        self.assertIn("1 updated", binding.export_record())
        self.assertEqual(
            self.emulator.contacts[binding.external_id]["last_name"], "Changed"
        )

    def test_success_resolves_the_open_export_issue(self):
        partner = self.make_partner("Fix Me", "not-an-email")
        binding = self.bind(partner)
        binding.export_record()
        issue = self.issues(reason_code="invalid_email")
        self.assertEqual(issue.state, "open")
        partner.with_context(connector_no_export=True).email = "fixed@example.com"
        binding.export_record()
        self.assertEqual(issue.state, "resolved")

    def test_duplicate_emails_in_one_batch(self):
        a = self.bind(self.make_partner("Dup A", "dup@example.com"))
        b = self.bind(self.make_partner("Dup B", "dup@example.com"))
        message = (a | b).export_batch()
        self.assertIn("1 created", message)
        self.assertEqual(
            self.issues(reason_code="duplicate_email").partner_id, b.odoo_id
        )

    def test_listener_enqueues_only_bound_partners_in_domain(self):
        bound = self.make_partner("Bound Partner", "bound@example.com")
        binding = self.bind(bound)
        unbound = self.make_partner("Free Partner", "free@example.com")
        with self.trap() as trap:
            bound.write({"city": "Nantes"})
            bound.write({"city": "Lille"})
            unbound.write({"city": "Nantes"})
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                binding.export_record,
                properties={
                    "priority": 10,
                    "identity_key": identity_exact,
                    "description": "Export partner Bound Partner (Demo backend Demo)",
                },
            )
        self.backend.partner_domain = "[('is_company', '=', True)]"
        with self.trap() as trap:
            bound.write({"city": "Brest"})
            trap.assert_jobs_count(0)

    def test_listener_ignores_imports_and_noise(self):
        partner = self.make_partner("Quiet", "quiet@example.com")
        self.bind(partner)
        with self.trap() as trap:
            partner.with_context(connector_no_export=True).write({"city": "Metz"})
            partner.message_subscribe(partner_ids=self.env.user.partner_id.ids)
            trap.assert_jobs_count(0)

    def test_unlink_deletes_remotely_only_when_asked(self):
        partner = self.make_partner("Gone", "gone@example.com")
        binding = self.bind(partner)
        binding.export_record()
        external_id = binding.external_id
        with self.trap() as trap:
            partner.unlink()
            trap.assert_jobs_count(0)
        other = self.make_partner("Gone Too", "gone2@example.com")
        binding = self.bind(other)
        binding.export_record()
        external_id = binding.external_id
        self.backend.delete_remote_on_unlink = True
        with self.trap() as trap:
            other.unlink()
            trap.assert_enqueued_job(
                self.backend.delete_remote_contact, args=(external_id,)
            )
            trap.perform_enqueued_jobs()
        self.assertNotIn(external_id, self.emulator.contacts)

    def test_export_contacts_binds_the_domain_and_batches(self):
        self.backend.partner_domain = "[('email', '=like', 'bulk%@example.com')]"
        for i in range(150):
            self.make_partner(f"Bulk {i}", f"bulk{i}@example.com")
        self.make_partner("Outside", "outside@example.com")
        with self.trap() as trap:
            message = self.backend.export_contacts()
            self.assertEqual(message, "150 of 150 partners to export in 2 jobs")
            trap.assert_jobs_count(2)
            trap.perform_enqueued_jobs()
        bindings = self.env[BINDING_MODEL].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(bindings), 150)
        self.assertTrue(all(bindings.mapped("external_id")))
        # a second run sends nothing: what is enqueued again is hash-skipped
        batch_calls = self.emulator.stats["per_route"]["POST /v1/contacts/batch"]
        with self.trap() as trap:
            self.backend.export_contacts()
            trap.perform_enqueued_jobs()
        self.assertEqual(
            self.emulator.stats["per_route"]["POST /v1/contacts/batch"], batch_calls
        )

    def test_export_contacts_goes_by_slices_each_a_job(self):
        from odoo.addons.connector_marketing_base.components import export_slicer

        self.backend.partner_domain = "[('email', '=like', 'slice%@example.com')]"
        partners = self.env["res.partner"]
        for i in range(250):
            partners |= self.make_partner(f"Slice {i}", f"slice{i}@example.com")
        # slices of one batch (100 for the demo adapter): 100, 100, 50
        self.patch(export_slicer, "SLICE_BATCHES", 1)
        with self.trap() as trap:
            message = self.backend.export_contacts()
            self.assertEqual(
                message,
                "100 of 100 partners to export in 1 jobs; next slice enqueued",
            )
            slices = [
                job
                for job in trap.enqueued_jobs
                if job.method_name == "export_contacts"
            ]
            self.assertEqual(len(slices), 1)
            self.assertEqual(slices[0].kwargs, {"after_id": partners[99].id})
            self.assertEqual(slices[0].priority, 15, "binds ahead of the batches")
            while trap.enqueued_jobs:  # each slice enqueues the next one
                trap.perform_enqueued_jobs()
        bindings = self.env[BINDING_MODEL].search(
            [("backend_id", "=", self.backend.id), ("odoo_id", "in", partners.ids)]
        )
        self.assertEqual(len(bindings), 250)
        self.assertTrue(all(bindings.mapped("external_id")))
        self.assertEqual(
            len(self.emulator.contacts), 250, "each partner sent once, by its slice"
        )

    def test_sync_columns_of_many_bindings_in_one_update(self):
        first, second = (
            self.bind(self.make_partner(f"Col {i}", f"col{i}@example.com"))
            for i in range(2)
        )
        model = self.env[BINDING_MODEL]
        model._write_sync_columns(
            {
                first.id: {"external_id": "r_1", "export_hash": "h1"},
                second.id: {"external_id": "r_2", "export_hash": "h2"},
            }
        )
        # the cache was invalidated: values are read back from the table
        self.assertEqual((first.external_id, first.export_hash), ("r_1", "h1"))
        self.assertEqual((second.external_id, second.export_hash), ("r_2", "h2"))
        self.assertEqual(self.component("binder").to_internal("r_2"), second)
        # two bindings given one remote id: the constraint holds, as with write()
        with self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            model._write_sync_columns({second.id: {"external_id": "r_1"}})

    def test_batch_waits_for_an_email_another_job_is_exporting(self):
        from odoo.addons.connector.database import pg_try_advisory_lock

        binding = self.bind(self.make_partner("Locked", "locked@example.com"))
        backend = self.backend
        name = f"marketing-export-{backend._name}-{backend.id}-locked@example.com"
        with self.registry.cursor() as other_cr:
            # another transaction holds the lock the way connector takes it
            other = self.env(cr=other_cr)
            self.assertTrue(pg_try_advisory_lock(other, name))
            with self.assertRaises(RetryableJobError):
                binding.export_batch()
        self.assertFalse(binding.external_id)

    def _lock_in_other_job(self, other_cr, emails):
        """What a concurrent export job holds: the exporter's locks on
        ``emails``, taken in another transaction (left open)."""
        backend = self.backend.with_env(self.env(cr=other_cr))
        with backend.work_on(BINDING_MODEL) as work:
            work.component(usage="batch.exporter")._lock_emails(sorted(emails))

    def test_batches_of_different_people_are_not_postponed(self):
        # two export slices of 300 partners on two workers: with emails
        # locked by stripe (crc32 modulo 1,024) the second always waited
        partners = self.env["res.partner"].create(
            [
                {"name": f"Slice {i}", "email": f"slice{i}@example.com"}
                for i in range(300)
            ]
        )
        bindings = self.env[BINDING_MODEL]._bind_new(self.backend, partners.ids)
        with self.registry.cursor() as other_cr:
            self._lock_in_other_job(
                other_cr, [f"other{i}@example.com" for i in range(300)]
            )
            message = bindings.export_batch()
        self.assertIn("300 created", message)
        self.assertTrue(all(bindings.mapped("external_id")))

    def test_large_batch_excludes_any_batch_sharing_an_email(self):
        from odoo.addons.connector_marketing_base.components.export_lock import (
            EMAIL_LOCKS_MAX,
        )

        large = [f"large{i}@example.com" for i in range(EMAIL_LOCKS_MAX)]
        exporter = self.component("batch.exporter")
        cr = self.env.cr
        with self.registry.cursor() as other_cr:
            self._lock_in_other_job(other_cr, ["shared@example.com"])
            with self.assertRaises(RetryableJobError), cr.savepoint():
                exporter._lock_emails(sorted(large + ["shared@example.com"]))
        with self.registry.cursor() as other_cr:
            self._lock_in_other_job(other_cr, large + ["shared@example.com"])
            other_cr.execute(
                "SELECT count(*) FROM pg_locks "
                "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            )
            self.assertEqual(other_cr.fetchone()[0], 1, "not one lock per email")
            with self.assertRaises(RetryableJobError), cr.savepoint():
                exporter._lock_emails(["shared@example.com"])

    def test_new_bindings_in_one_insert(self):
        partners = [
            self.make_partner(f"Bulk Bind {i}", f"bulkbind{i}@example.com")
            for i in range(3)
        ]
        ids = [partner.id for partner in reversed(partners)]
        bindings = self.env[BINDING_MODEL]._bind_new(self.backend, ids)
        self.assertEqual(bindings.mapped("odoo_id").ids, ids, "in the given order")
        self.assertEqual(bindings.backend_id, self.backend)
        self.assertEqual(bindings.mapped("external_id"), [False] * 3)
        self.assertEqual(partners[0].test_marketing_bind_ids, bindings[2])
        with self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            self.env[BINDING_MODEL]._bind_new(self.backend, ids[:1])

    def test_a_batch_without_after_export_steps_makes_no_savepoint_per_contact(self):
        """A provider with no after-export steps (the test provider, Marketo)
        binds a whole batch in one savepoint; the steps' savepoint per
        contact is made only for providers that have steps."""
        bindings = self.env[BINDING_MODEL]
        for i in range(4):
            bindings |= self.bind(self.make_partner(f"Sp {i}", f"sp{i}@example.com"))
        savepoints = []
        cursor_savepoint = type(self.env.cr).savepoint

        def counting(cr, *args, **kwargs):
            savepoints.append(1)
            return cursor_savepoint(cr, *args, **kwargs)

        with patch.object(type(self.env.cr), "savepoint", counting):
            self.assertIn("4 created", bindings.export_batch())
        self.assertEqual(len(savepoints), 1, "the binding of the batch only")
        exporter = self.component("batch.exporter")
        self.assertFalse(exporter._has_after_export_steps())
