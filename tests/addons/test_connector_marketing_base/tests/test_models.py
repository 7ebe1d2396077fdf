from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from .common import BINDING_MODEL, BackendMixin


class TestModels(BackendMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls._create_backend(cls.env)
        cls.partner = cls.env["res.partner"].create(
            {"name": "Jane Doe", "email": "jane@example.com"}
        )
        cls.Issue = cls.env["marketing.sync.issue"]

    def test_binding_models_of_partners(self):
        self.assertIn(
            BINDING_MODEL, [m._name for m in self.partner._marketing_binding_models()]
        )

    def test_job_description_names_record_provider_backend(self):
        text = self.backend._job_description("Export partner", self.partner)
        self.assertEqual(text, "Export partner Jane Doe (Demo backend Demo)")

    def test_scoped_records_follow_backend_company(self):
        company = self.env["res.company"].create({"name": "Other Co"})
        backend = self._create_backend(self.env, name="B2", company_id=company.id)
        issue = self.Issue._report(backend, "import", "x", "reason", external_id="1")
        self.assertEqual(issue.company_id, company)
        self.assertEqual(issue.backend_name, "B2")
        self.assertEqual(issue._backend(), backend)

    def test_binding_external_id_unique_per_backend(self):
        Binding = self.env[BINDING_MODEL].with_context(connector_no_export=True)
        Binding.create(
            {
                "backend_id": self.backend.id,
                "odoo_id": self.partner.id,
                "external_id": "c1",
            }
        )
        other = self.env["res.partner"].create({"name": "Other"})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                Binding.create(
                    {
                        "backend_id": self.backend.id,
                        "odoo_id": other.id,
                        "external_id": "c1",
                    }
                )
        # same remote id on another backend is fine
        backend2 = self._create_backend(self.env, name="B2")
        binding = Binding.create(
            {"backend_id": backend2.id, "odoo_id": other.id, "external_id": "c1"}
        )
        self.assertEqual(binding.external_id, "c1")

    def test_partner_bound_once_per_backend(self):
        Binding = self.env[BINDING_MODEL].with_context(connector_no_export=True)
        Binding.create({"backend_id": self.backend.id, "odoo_id": self.partner.id})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                Binding.create(
                    {"backend_id": self.backend.id, "odoo_id": self.partner.id}
                )

    def test_issue_report_deduplicates_open_issues(self):
        first = self.Issue._report(
            self.backend,
            "import",
            "invalid_email",
            "bad",
            external_id="c9",
            payload={"email": "x"},
        )
        again = self.Issue._report(
            self.backend, "import", "invalid_email", "still bad", external_id="c9"
        )
        self.assertEqual(first, again)
        self.assertEqual(again.occurrences, 2)
        self.assertEqual(again.reason, "still bad")
        self.assertIn('"email": "x"', first.payload)
        other = self.Issue._report(
            self.backend, "import", "invalid_email", "bad", external_id="c10"
        )
        self.assertNotEqual(other, first)
        first.action_ignore()
        fresh = self.Issue._report(
            self.backend, "import", "invalid_email", "bad", external_id="c9"
        )
        self.assertNotEqual(fresh, first, "an ignored issue is not reopened silently")

    def test_issue_report_many_refreshes_the_open_ones_and_files_the_rest(self):
        other = self.env["res.partner"].create({"name": "Other"})
        by_record = self.Issue._report(
            self.backend, "export", "phone_not_imported", "old", record=self.partner
        )
        by_id = self.Issue._report(
            self.backend, "export", "phone_not_imported", "old", external_id="r1"
        )
        elsewhere = self.Issue._report(
            self.backend, "import", "phone_not_imported", "old", record=other
        )
        issues = self.Issue._report_many(
            self.backend,
            "export",
            "phone_not_imported",
            [
                {"reason": "new", "record": self.partner},
                {"reason": "new", "external_id": "r1"},
                {"reason": "first", "record": other},
                {"reason": "second", "record": other},
                {"reason": "whole backend"},
            ],
        )
        self.assertEqual(len(issues), 4)
        self.assertIn(by_record, issues)
        self.assertIn(by_id, issues)
        self.assertEqual((by_record.occurrences, by_record.reason), (2, "new"))
        self.assertEqual((by_id.occurrences, by_id.reason), (2, "new"))
        self.assertNotIn(elsewhere, issues, "another direction is another issue")
        new = issues.filtered(lambda i: i.res_id == other.id)
        self.assertEqual((new.occurrences, new.reason), (2, "second"))
        self.assertEqual(new.partner_id, other)
        backend_wide = issues - by_record - by_id - new
        self.assertFalse(backend_wide.res_model or backend_wide.external_id)
        self.assertFalse(new.message_ids, "no 'created' note per review item")
        again = self.Issue._report(
            self.backend, "export", "phone_not_imported", "again"
        )
        self.assertEqual(again, backend_wide)
        self.assertFalse(self.Issue._report_many(self.backend, "export", "x", []))

    def test_issue_report_rejects_unknown_arguments(self):
        with self.assertRaises(TypeError):
            self.Issue._report(self.backend, "import", "x", "y", colour="red")

    def test_issue_resolve_by_record(self):
        issue = self.Issue._report(
            self.backend, "export", "invalid_email", "bad", record=self.partner
        )
        self.assertEqual(issue.partner_id, self.partner)
        self.Issue._resolve(self.backend, record=self.partner, directions=("import",))
        self.assertEqual(issue.state, "open", "other direction untouched")
        self.Issue._resolve(self.backend, record=self.partner)
        self.assertEqual(issue.state, "resolved")

    def test_issue_actions(self):
        issue = self.Issue._report(
            self.backend,
            "import",
            "ambiguous_match",
            "two",
            external_id="c42",
            candidates=self.partner,
        )
        self.assertEqual(issue.candidate_partner_ids, self.partner)
        with self.assertRaisesRegex(UserError, "Choose a partner"):
            issue.action_link_partner()
        issue.link_partner_id = self.partner
        from odoo.addons.queue_job.tests.common import trap_jobs

        with trap_jobs() as trap:
            issue.action_link_partner()
            trap.assert_jobs_count(1, only=self.backend.import_contact)
            trap.assert_enqueued_job(
                self.backend.import_contact,
                args=("c42",),
                properties={"priority": 10},
            )
        binding = self.env[BINDING_MODEL].search([("external_id", "=", "c42")])
        self.assertEqual(binding.odoo_id, self.partner)
        self.assertEqual(issue.state, "resolved")

        issue2 = self.Issue._report(
            self.backend, "import", "ambiguous_match", "two", external_id="c43"
        )
        with trap_jobs() as trap:
            issue2.action_create_new()
            trap.assert_enqueued_job(
                self.backend.import_contact,
                args=("c43",),
                kwargs={"force_create": True},
            )
        with trap_jobs() as trap:
            issue2.action_reopen()
            issue2.action_retry()
            trap.assert_enqueued_job(self.backend.import_contact, args=("c43",))

    def test_field_mapping_lines_by_direction(self):
        field = self.env["ir.model.fields"]._get("res.partner", "ref")
        Mapping = self.env["marketing.field.mapping"]
        scope = Mapping._scope_vals(self.backend)
        out = Mapping.create(
            dict(scope, field_id=field.id, remote_field="ref", direction="export")
        )
        both = Mapping.create(dict(scope, field_id=field.id, remote_field="cf_1"))
        self.assertEqual(self.backend._field_mappings("export"), out | both)
        self.assertEqual(self.backend._field_mappings("import"), both)
        self.assertEqual(both._effective_rule(self.backend), "odoo_wins")
        both.conflict_rule = "remote_wins"
        self.assertEqual(both._effective_rule(self.backend), "remote_wins")
        self.assertEqual(both.display_name, "ref ⇄ cf_1")

    def test_activity_dedupe_and_unsubscribe_blacklists(self):
        Activity = self.env["marketing.activity"]
        vals = {
            "external_id": "evt-1",
            "activity_type": "unsubscribe",
            "occurred_at": fields.Datetime.now(),
            "partner_id": self.partner.id,
            "email": "Jane@Example.com",
            "campaign": "Spring",
        }
        created = Activity._record(self.backend, [vals, dict(vals)])
        self.assertEqual(len(created), 1, "same event twice in one call")
        self.assertFalse(Activity._record(self.backend, [vals]), "already stored")
        blacklisted = self.env["mail.blacklist"].search(
            [("email", "=", "jane@example.com")]
        )
        self.assertTrue(blacklisted.active)
        self.assertIn(created, self.partner.marketing_activity_ids)

    def test_webhook_event_receive_dedupes(self):
        Event = self.env["marketing.webhook.event"]
        event, created = Event._receive(self.backend, "k1", "t", {"a": 1}, "c1")
        self.assertTrue(created)
        again, created = Event._receive(self.backend, "k1", "t", {"a": 2}, "c1")
        self.assertFalse(created)
        self.assertEqual(again, event)
        self.assertEqual(event.payload, {"a": 1})

    def test_insert_unique_duplicate_is_empty(self):
        Event = self.env["marketing.webhook.event"]
        key = ("backend_model", "backend_id", "dedupe_key")
        first = Event._insert_unique(self.backend, {"dedupe_key": "u1"}, key)
        again = Event._insert_unique(self.backend, {"dedupe_key": "u1"}, key)
        self.assertTrue(first)
        self.assertFalse(again)
        self.assertEqual(first.company_id, self.backend.company_id)
        self.assertEqual(Event.search([("dedupe_key", "=", "u1")]), first)

    def test_concurrent_duplicate_webhook_logs_no_error(self):
        """A duplicate committed by another transaction after this one's
        snapshot: no ``bad query`` ERROR, reported as not created."""
        Event = self.env["marketing.webhook.event"]
        self.assertFalse(Event.search([("dedupe_key", "=", "race")]))
        with self.registry.cursor() as other:
            other.execute(
                "INSERT INTO marketing_webhook_event"
                " (backend_model, backend_id, dedupe_key, state)"
                " VALUES (%s, %s, 'race', 'pending')",
                (self.backend._name, self.backend.id),
            )
        self.addCleanup(self._delete_committed_event, "race")
        with self.assertNoLogs("odoo.sql_db", level="ERROR"):
            event, created = Event._receive(self.backend, "race", "t", {}, "c1")
        self.assertFalse(created)
        self.assertFalse(event, "the other transaction's event is not visible")
        self.env.cr.execute("SELECT 1")  # the transaction is still usable

    def _delete_committed_event(self, key):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM marketing_webhook_event WHERE dedupe_key = %s", [key]
            )

    def test_cursor_get_set(self):
        Cursor = self.env["marketing.sync.cursor"]
        self.assertIsNone(Cursor._get(self.backend, "contacts"))
        Cursor._set(self.backend, "contacts", {"since": "2026-01-01"})
        Cursor._set(self.backend, "contacts", {"since": "2026-02-01"})
        self.assertEqual(Cursor._get(self.backend, "contacts"), {"since": "2026-02-01"})
        self.assertEqual(Cursor.search_count(self.backend._scope_domain()), 1)

    def test_retention_cleanup(self):
        old = fields.Datetime.now() - timedelta(days=40)
        Activity = self.env["marketing.activity"]
        recent, ancient = Activity._record(
            self.backend,
            [
                {
                    "external_id": f"a{i}",
                    "activity_type": "open",
                    "occurred_at": fields.Datetime.now(),
                }
                for i in range(2)
            ],
        )
        done_old, _created = self.env["marketing.webhook.event"]._receive(
            self.backend, "old", "t", {}
        )
        pending_old, _created = self.env["marketing.webhook.event"]._receive(
            self.backend, "pending", "t", {}
        )
        done_old.state = "done"
        issue = self.Issue._report(self.backend, "import", "x", "y", external_id="1")
        issue.action_ignore()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE marketing_activity SET create_date = %s WHERE id = %s",
            (old, ancient.id),
        )
        self.env.cr.execute(
            "UPDATE marketing_webhook_event SET create_date = %s WHERE id IN %s",
            (old, (done_old.id, pending_old.id)),
        )
        self.env.cr.execute(
            "UPDATE marketing_sync_issue SET write_date = %s WHERE id = %s",
            (old, issue.id),
        )
        self.env.invalidate_all()
        message = self.backend.cleanup_old_records()
        self.assertIn("Deleted 1 activities, 1 webhook events, 1 issues", message)
        self.assertTrue(recent.exists())
        self.assertFalse(ancient.exists())
        self.assertTrue(pending_old.exists(), "unprocessed events are kept")
        self.assertFalse(issue.exists())

    def test_archived_backend_refuses_to_sync(self):
        self.backend.active = False
        with self.assertRaisesRegex(Exception, "archived"):
            self.backend.action_import_contacts()
