import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import new_test_user

from odoo.addons.connector_marketing_base.models.marketing_tombstone import email_hash
from odoo.addons.queue_job.job import Job

from .common import BINDING_MODEL, MarketingCase

EMAIL = "forget.me@example.com"
OTHER = "keep@example.com"


class TestPrivacy(MarketingCase):
    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()
        self.Privacy = self.env["marketing.privacy"]

    def exported(self, name, email):
        partner = self.make_partner(name, email)
        binding = self.bind(partner)
        self.assertIn("1 created", binding.export_record())
        return partner, binding

    def run_import(self):
        with self.trap() as trap:
            message = self.backend.import_contacts_page()
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        return message

    def jobs_mentioning(self, text):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM queue_job WHERE args::text ILIKE %(p)s "
            "OR kwargs::text ILIKE %(p)s OR func_string ILIKE %(p)s "
            "OR name ILIKE %(p)s OR result ILIKE %(p)s",
            {"p": f"%{text}%"},
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def plant_personal_data(self, partner, binding, other_binding):
        """The person in every table the connector keeps, next to someone else."""
        Activity = self.env["marketing.activity"]
        Activity._record(
            self.backend,
            [
                {
                    "external_id": "act1",
                    "activity_type": "open",
                    "occurred_at": fields.Datetime.now(),
                    "partner_id": partner.id,
                    "email": EMAIL,
                },
                {
                    "external_id": "act2",
                    "activity_type": "click",
                    "occurred_at": fields.Datetime.now(),
                    "email": EMAIL.upper(),
                },
            ],
        )
        self.env["marketing.webhook.event"]._receive(
            self.backend, "k1", "contact.updated", {"email": EMAIL}
        )
        self.env["marketing.sync.issue"]._report(
            self.backend,
            "export",
            "x",
            "something about the person",
            record=binding,
            payload={"email": EMAIL},
        )
        self.env["marketing.bulk.import"]._start(
            self.backend,
            BINDING_MODEL,
            "imp1",
            [
                (binding, {"email": EMAIL}, "h1"),
                (other_binding, {"email": "keep@example.com"}, "h2"),
            ],
        )
        remote = {"id": binding.external_id, "email": EMAIL}
        other = {"id": other_binding.external_id, "email": "keep@example.com"}
        self.chunk = self.env["marketing.import.chunk"]._stage(
            self.backend, [remote, other]
        )
        batch = self.backend.with_delay()._import_records([remote, other])
        done = self.backend.with_delay().import_contact(binding.external_id)
        done.db_record().write({"state": "done", "result": f"imported {EMAIL}"})
        export = binding.with_delay().export_record()
        return batch.db_record(), done.db_record(), export.db_record()

    def test_forget_erases_odoo_data_deletes_remotely_and_keeps_a_tombstone(self):
        partner, binding = self.exported("Forget Me", EMAIL)
        __, other_binding = self.exported("Keep Me", "keep@example.com")
        external_id = binding.external_id
        batch, done, export = self.plant_personal_data(partner, binding, other_binding)
        self.assertTrue(self.jobs_mentioning(EMAIL))
        with self.trap() as trap:
            tombstone = self.Privacy._forget(partner=partner)
            trap.assert_enqueued_job(
                self.backend.forget_remote_contacts, args=([external_id],)
            )
            self.assertNotIn(EMAIL, trap.enqueued_jobs[0].description)
            trap.perform_enqueued_jobs()
        # Odoo: nothing left of the person in the connector's tables
        self.assertFalse(partner.test_marketing_bind_ids)
        self.assertFalse(
            self.env["marketing.activity"].search(
                ["|", ("partner_id", "=", partner.id), ("email", "=ilike", EMAIL)]
            )
        )
        self.assertFalse(self.issues(partner_id=partner.id))
        event = self.env["marketing.webhook.event"].search([("dedupe_key", "=", "k1")])
        self.assertFalse(event.payload)
        tracker = self.env["marketing.bulk.import"].search([("remote_id", "=", "imp1")])
        self.assertEqual(list(tracker.items), ["keep@example.com"])
        self.assertEqual([r["email"] for r in self.chunk.records], ["keep@example.com"])
        # job records: the finished one and the one on the binding are gone,
        # the waiting batch still imports the other person
        self.assertFalse(done.exists())
        self.assertFalse(export.exists())
        self.assertEqual(self.jobs_mentioning(EMAIL), [])
        self.assertEqual(
            [r["email"] for r in batch.args[0]], ["keep@example.com"], batch.args
        )
        self.assertNotIn(EMAIL, batch.func_string)
        # the platform: deleted through its API; the other person stays
        self.assertNotIn(external_id, self.emulator.contacts)
        self.assertIn(other_binding.external_id, self.emulator.contacts)
        self.assertTrue(other_binding.exists())
        # only a hash, who asked and when
        self.assertEqual(tombstone.email_hash, email_hash(EMAIL))
        self.assertEqual(tombstone.requested_by, self.env.user)
        self.assertNotIn(EMAIL, tombstone.note)
        self.assertIn(self.env.user.name, tombstone.note)

    def test_jobs_waiting_or_running_at_forget_time_keep_nothing_of_the_person(self):
        partner, binding = self.exported("Forget Me", EMAIL)
        other, other_binding = self.exported("Keep Me", OTHER)
        external_id = binding.external_id
        # both changed; a batch export of the two was enqueued before the request
        for each in (partner, other):
            each.name += " Changed"
        batch = (binding | other_binding).with_delay().export_batch().db_record()
        # a job running right now whose record carries the email everywhere
        # (as the removed import_contacts_batch carried contacts)
        running = (
            self.backend.with_delay(description=f"Import {EMAIL}")
            ._import_records(
                [
                    {"id": external_id, "email": EMAIL},
                    {"id": other_binding.external_id, "email": OTHER},
                ]
            )
            .db_record()
        )
        running.with_context(_job_edit_sentinel=running.EDIT_SENTINEL).write(
            {
                "state": "started",
                "exc_info": f"Traceback: bad address {EMAIL}",
                "result": f"read {EMAIL}",
            }
        )
        self.assertEqual(len(self.jobs_mentioning(EMAIL)), 1)
        with self.trap() as trap:
            self.Privacy._forget(partner=partner)
            trap.perform_enqueued_jobs()  # the erasure at the platform
        self.assertEqual(self.jobs_mentioning(EMAIL), [])
        self.assertEqual(running.state, "started", "not deleted under its worker")
        self.assertEqual([r["email"] for r in running.args[0]], [OTHER])
        self.assertFalse(running.exc_info)
        self.assertNotIn(EMAIL, running.name)
        # the waiting batch runs later: the other person only, no error
        self.assertTrue(batch.exists())
        calls = self.emulator.stats["total"]
        Job.load(self.env, batch.uuid).perform()
        self.assertGreater(self.emulator.stats["total"], calls, "the other one")
        contact = self.emulator.find_by_email(OTHER)
        self.assertIn("Changed", f"{contact['first_name']} {contact['last_name']}")
        self.assertIsNone(self.emulator.find_by_email(EMAIL), "not re-created")
        self.assertNotIn(external_id, self.emulator.contacts)

    def test_forgotten_person_is_never_imported_or_exported_again(self):
        self.backend.partner_domain = f"[('email', '=', '{EMAIL}')]"
        partner, __ = self.exported("Forget Me", EMAIL)
        with self.trap() as trap:
            self.Privacy._forget(partner=partner)
            trap.perform_enqueued_jobs()
        # the platform lists the person again (re-added by someone there)
        remote_id = self.component("backend.adapter").upsert(
            [{"email": EMAIL, "first_name": "Again", "last_name": "Back"}]
        )[0]["external_id"]
        self.component("backend.adapter").upsert(
            [{"email": "new@example.com", "first_name": "New", "last_name": "One"}]
        )
        message = self.run_import()
        self.assertIn("1 not imported (tombstone)", message)
        self.assertIn("1 created", message)
        self.assertFalse(
            self.env[BINDING_MODEL].search([("external_id", "=", remote_id)])
        )
        self.assertFalse(partner.test_marketing_bind_ids)
        # one by id (a webhook refresh) is refused too
        self.assertEqual(
            self.backend.import_contact(remote_id), "not imported (tombstone)"
        )
        # export: the partner, still in Odoo and in the domain, is not bound
        # again; a binding made by hand is not sent
        with self.trap() as trap:
            self.backend.export_contacts()
            trap.perform_enqueued_jobs()
        self.assertFalse(partner.test_marketing_bind_ids)
        calls = self.emulator.stats["total"]
        self.assertIn("1 not exported (forgotten)", self.bind(partner).export_record())
        self.assertEqual(self.emulator.stats["total"], calls)
        # an activity about the person is not stored again
        created = self.env["marketing.activity"]._record(
            self.backend,
            [
                {
                    "external_id": "late",
                    "activity_type": "open",
                    "occurred_at": fields.Datetime.now(),
                    "email": EMAIL,
                }
            ],
        )
        self.assertFalse(created)
        # a webhook about the person: stored without its body, not processed
        with self.trap() as trap:
            event, accepted = self.env["marketing.webhook.event"]._receive(
                self.backend, "late-hook", "contact.updated", {"email": EMAIL.upper()}
            )
            trap.assert_jobs_count(0)
        self.assertFalse(accepted)
        self.assertEqual(event.state, "ignored")
        self.assertFalse(event.payload)

    def test_forget_by_email_without_partner(self):
        self.env["marketing.activity"]._record(
            self.backend,
            [
                {
                    "external_id": "stranger",
                    "activity_type": "unsubscribe",
                    "occurred_at": fields.Datetime.now(),
                    "email": "Stranger@Example.com",
                }
            ],
        )
        wizard = self.env["marketing.privacy.request"].create(
            {"email": "stranger@example.com", "request_type": "forget"}
        )
        with self.assertRaisesRegex(UserError, "confirmation"):
            wizard.action_run()
        wizard.confirm = True
        wizard.action_run()
        self.assertFalse(
            self.env["marketing.activity"].search([("external_id", "=", "stranger")])
        )
        tombstone = self.env["marketing.tombstone"].search(
            [("email_hash", "=", email_hash("stranger@example.com"))]
        )
        self.assertEqual(tombstone.kind, "forgotten")

    def test_only_managers_handle_requests(self):
        user = new_test_user(
            self.env,
            login="marketing-reviewer",
            groups="base.group_user,connector_marketing_base.group_marketing_user",
        )
        partner = self.make_partner("Forget Me", EMAIL)
        with self.assertRaises(AccessError):
            self.Privacy.with_user(user)._forget(partner=partner)
        with self.assertRaises(AccessError):
            self.Privacy.with_user(user)._export_data(partner=partner)
        with self.assertRaises(AccessError):
            self.env["marketing.privacy.request"].with_user(user).create(
                {"email": EMAIL}
            )

    def test_export_person_data_as_one_json_file(self):
        partner, binding = self.exported("Show Me", "show.me@example.com")
        self.env["marketing.activity"]._record(
            self.backend,
            [
                {
                    "external_id": "seen",
                    "activity_type": "open",
                    "occurred_at": fields.Datetime.now(),
                    "partner_id": partner.id,
                    "campaign": "Spring",
                }
            ],
        )
        self.emulator.touch(binding.external_id, first_name="RemoteOnly")
        wizard = self.env["marketing.privacy.request"].create(
            {"partner_id": partner.id, "request_type": "export"}
        )
        action = wizard.action_run()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        data = json.loads(attachment.raw)
        self.assertEqual(data["email"], "show.me@example.com")
        self.assertEqual(data["odoo"]["partners"][0]["name"], "Show Me")
        self.assertEqual(data["odoo"]["activities"][0]["campaign"], "Spring")
        platform = data["platforms"][0]
        self.assertEqual(platform["external_id"], binding.external_id)
        # read through the platform's API: what only the platform has
        self.assertEqual(platform["contact"]["first_name"], "RemoteOnly")

    def test_partner_deleted_in_odoo_is_not_imported_again(self):
        partner, binding = self.exported("Delete Me", "delete.me@example.com")
        external_id = binding.external_id
        partner.unlink()
        tombstone = self.env["marketing.tombstone"].search(
            [("kind", "=", "odoo_deleted"), ("external_id", "=", external_id)]
        )
        self.assertEqual(tombstone.backend_id, self.backend.id)
        self.emulator.touch(external_id, first_name="Still There")
        message = self.run_import()
        self.assertIn("not imported (tombstone)", message)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "delete.me@example.com")])
        )

    def test_contact_deleted_remotely_is_not_recreated_until_decided(self):
        self.backend.partner_domain = "[('email', '=like', 'remote.gone%')]"
        partner, binding = self.exported("Gone Remote", "remote.gone@example.com")
        self.component("backend.adapter").delete(binding.external_id)
        self.backend._remote_contacts_deleted(binding, lambda b: "deleted there")
        issue = self.issues(reason_code="remote_deleted")
        self.assertEqual(issue.partner_id, partner)
        with self.trap() as trap:
            self.backend.export_contacts()
            trap.perform_enqueued_jobs()
        self.assertFalse(partner.test_marketing_bind_ids, "not bound again")
        self.assertFalse(self.emulator.find_by_email("remote.gone@example.com"))
        issue.action_export_again()
        self.assertEqual(issue.state, "resolved")
        with self.trap() as trap:
            self.backend.export_contacts()
            trap.perform_enqueued_jobs()
        self.assertTrue(partner.test_marketing_bind_ids.external_id)
        self.assertTrue(self.emulator.find_by_email("remote.gone@example.com"))

    def test_retention_purges_personal_data_from_payloads(self):
        old = fields.Datetime.now() - timedelta(days=self.backend.retention_days + 1)
        Event = self.env["marketing.webhook.event"]
        failed, __ = Event._receive(self.backend, "f", "t", {"email": "a@x.com"})
        failed.state = "failed"
        pending, __ = Event._receive(self.backend, "p", "t", {"email": "b@x.com"})
        recent, __ = Event._receive(self.backend, "r", "t", {"email": "c@x.com"})
        recent.state = "failed"
        issue = self.env["marketing.sync.issue"]._report(
            self.backend, "import", "x", "y", external_id="9", payload={"e": "d@x.com"}
        )
        partner = self.make_partner("Bulk", "bulk@x.com")
        tracker = self.env["marketing.bulk.import"]._start(
            self.backend,
            BINDING_MODEL,
            "imp-old",
            [(self.bind(partner), {"email": "bulk@x.com"}, "h")],
        )
        tracker.state = "done"
        chunk = self.env["marketing.import.chunk"]._stage(
            self.backend, [{"id": "1", "email": "e@x.com"}]
        )
        fresh = self.env["marketing.import.chunk"]._stage(
            self.backend, [{"id": "2", "email": "f@x.com"}]
        )
        self.env.flush_all()
        for table, column, ids in (
            ("marketing_webhook_event", "create_date", (failed.id, pending.id)),
            ("marketing_sync_issue", "last_seen", (issue.id,)),
            ("marketing_bulk_import", "write_date", (tracker.id,)),
            ("marketing_import_chunk", "create_date", (chunk.id,)),
        ):
            self.env.cr.execute(
                f"UPDATE {table} SET {column} = %s WHERE id IN %s", (old, ids)
            )
        self.env.invalidate_all()
        message = self.backend.cleanup_old_records()
        self.assertIn(
            "purged from 1 webhook events, 1 review items, 1 bulk imports, "
            "1 unimported chunks",
            message,
        )
        self.assertFalse(failed.payload)
        self.assertEqual(pending.payload, {"email": "b@x.com"}, "still to apply")
        self.assertEqual(recent.payload, {"email": "c@x.com"})
        self.assertTrue(issue.exists())
        self.assertFalse(issue.payload)
        self.assertFalse(tracker.items)
        self.assertFalse(chunk.exists(), "rows left by a failed import job")
        self.assertTrue(fresh.exists())


class TestJobArguments(MarketingCase):
    """Queue job arguments carry record ids and remote ids, never contact
    data: a job record is kept for weeks and read by anyone who sees the
    queue."""

    def test_no_job_of_a_sync_cycle_carries_contact_data(self):
        self.emulator.contacts.clear()
        self.backend.partner_domain = "[('email', 'ilike', '@jobargs.example.com')]"
        self.emulator.seed(30, start=4000)
        partners = self.env["res.partner"].create(
            [
                {"name": f"Job Args {i}", "email": f"p{i}@jobargs.example.com"}
                for i in range(30)
            ]
        )
        arguments = []
        with self.trap() as trap:
            # a sync cycle (imports, exports), opt-outs, a single export, the
            # reconciliation and the maintenance job
            self.env[self.backend._name]._scheduler_sync()
            self.env["mail.blacklist"]._add(partners[0].email)
            partners[1].name = "Job Args Changed"
            self.env[self.backend._name]._scheduler_maintenance()
            rounds = 0
            while trap.enqueued_jobs and rounds < 50:
                rounds += 1
                arguments += [
                    (job.method_name, job.args, job.kwargs)
                    for job in trap.enqueued_jobs
                ]
                trap.perform_enqueued_jobs()
        names = {name for name, __, __ in arguments}
        self.assertTrue(
            {"export_batch", "import_contacts_page", "export_opt_outs"} <= names,
            names,
        )
        for name, args, kwargs in arguments:
            text = json.dumps([args, kwargs], default=str)
            self.assertNotIn("@", text, f"{name} carries an email: {text[:200]}")
