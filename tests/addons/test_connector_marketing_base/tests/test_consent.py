"""The base's consent rules, through the test provider and the demo sandbox."""

from odoo.addons.connector_marketing_base.tests.common import run_jobs

from .common import BINDING_MODEL, MarketingCase


class TestConsent(MarketingCase):
    def setUp(self):
        super().setUp()
        self.attempts = self.emulator.stats["resubscribe_attempts"]

    def tearDown(self):
        self.assertEqual(self.emulator.stats["resubscribe_attempts"], self.attempts)
        super().tearDown()

    def exported(self, email):
        partner = self.make_partner(email=email)
        binding = self.bind(partner)
        run_jobs(binding.export_record)
        self.assertTrue(binding.external_id)
        return binding

    def remote(self, email):
        return self.emulator.find_by_email(email)

    def test_the_mapper_says_the_one_opt_out_rule(self):
        out, kept = (
            self.bind(self.make_partner(email=e))
            for e in ("no@example.com", "yes@example.com")
        )
        self.env["mail.blacklist"]._add("no@example.com")
        mapper = self.component("export.mapper")
        self.assertTrue(out.odoo_id._marketing_opted_out())
        self.assertFalse(kept.odoo_id._marketing_opted_out())
        self.assertIs(mapper.map_record(out).values()["unsubscribed"], True)
        self.assertNotIn("unsubscribed", mapper.map_record(kept).values())

    def test_scheduler_carries_an_opt_out_no_listener_heard(self):
        binding = self.exported("quiet@example.com")
        self.assertFalse(self.remote("quiet@example.com").get("unsubscribed"))
        # an entry written straight into the table (a data migration...)
        self.env.flush_all()
        self.env.cr.execute(
            "INSERT INTO mail_blacklist (email, active, create_date, write_date)"
            " VALUES ('quiet@example.com', true, now(), now())"
        )
        self.env["res.partner"].invalidate_model(["is_blacklisted"])
        run_jobs(self.env["test.marketing.backend"]._scheduler_sync)
        self.assertIs(self.remote("quiet@example.com")["unsubscribed"], True)
        self.assertTrue(binding.opt_out_sent)
        # told once: the next cycle sends nothing for it
        calls = self.emulator.stats["per_route"].get("POST /v1/contacts/batch", 0)
        run_jobs(self.backend.export_opt_outs)
        self.assertEqual(
            self.emulator.stats["per_route"]["POST /v1/contacts/batch"], calls
        )

    def test_listener_enqueues_one_job_per_backend_holding_the_address(self):
        self.exported("both@example.com")
        other = self._create_backend(self.env, name="Other", url=self.server.url)
        partner = (
            self.env[BINDING_MODEL]
            .search([("external_id", "!=", False), ("email", "=", "both@example.com")])
            .odoo_id
        )
        self.env[BINDING_MODEL].with_context(connector_no_export=True).create(
            {"backend_id": other.id, "odoo_id": partner.id, "external_id": "x-1"}
        )
        idle = self._create_backend(self.env, name="Idle", url=self.server.url)
        with self.trap() as trap:
            # an import's context does not stop an opt-out reaching the others
            self.env["mail.blacklist"].with_context(connector_no_export=True)._add(
                "both@example.com"
            )
            self.env["mail.blacklist"]._add("both@example.com")
            jobs = [j for j in trap.enqueued_jobs if j.method_name == "export_opt_outs"]
        self.assertEqual({j.recordset for j in jobs}, {self.backend, other})
        self.assertNotIn(idle, {j.recordset for j in jobs})
        self.assertEqual(len(jobs), 2, "identical pending jobs fold into one")

    def test_remote_unsubscribe_is_kept_and_not_echoed(self):
        binding = self.exported("remote@example.com")
        with self.work() as work:
            importer = work.component(usage="record.importer")
            self.assertTrue(importer._remote_opt_out("remote@example.com", "", binding))
        self.assertTrue(binding.odoo_id.is_blacklisted)
        self.assertTrue(binding.opt_out_sent)
        calls = self.emulator.stats["total"]
        run_jobs(self.backend.export_opt_outs)
        self.assertEqual(self.emulator.stats["total"], calls, "nothing echoed back")
        # read again: no second note, still not lifted
        with self.work() as work:
            importer = work.component(usage="record.importer")
            self.assertFalse(importer._remote_opt_out("remote@example.com"))

    def test_lifting_changes_nothing_remotely_and_says_so(self):
        binding = self.exported("lift@example.com")
        run_jobs(self.env["mail.blacklist"]._add, "lift@example.com")
        self.assertIs(self.remote("lift@example.com")["unsubscribed"], True)
        calls = self.emulator.stats["total"]
        with self.trap() as trap:
            self.env["mail.blacklist"]._remove("lift@example.com")
            self.assertFalse(trap.enqueued_jobs)
        self.assertEqual(self.emulator.stats["total"], calls)
        bodies = binding.odoo_id.message_ids.mapped("body")
        self.assertTrue(any("never re-subscribes" in b for b in bodies))
        # the partner changes and is exported: the sandbox keeps the opt-out
        binding.odoo_id.name = "Lifted Later"
        run_jobs(binding.export_record)
        self.assertEqual(self.remote("lift@example.com")["first_name"], "Lifted")
        self.assertIs(self.remote("lift@example.com")["unsubscribed"], True)
        self.assertFalse(binding.opt_out_sent)
