from odoo.tests.common import TransactionCase

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import BINDING_MODEL, BackendMixin

EXPECTED = {
    # (model, method): (channel, retry pattern)
    ("test.marketing.backend", "process_webhook_event"): (
        "root.marketing.test.webhook",
        {1: 5, 5: 30, 10: 300},
    ),
    ("test.marketing.backend", "import_contact"): (
        "root.marketing.test.webhook",
        {1: 5, 5: 30, 10: 300},
    ),
    ("test.marketing.res.partner", "export_record"): (
        "root.marketing.test.export",
        {1: 10, 5: 60, 10: 600},
    ),
    ("test.marketing.backend", "export_opt_outs"): (
        "root.marketing.test.export",
        {1: 10, 5: 60, 10: 600},
    ),
    ("test.marketing.res.partner", "unsubscribe_remote"): (
        "root.marketing.test.export",
        {1: 10, 5: 60, 10: 600},
    ),
    ("test.marketing.backend", "delete_remote_contact"): (
        "root.marketing.test.export",
        {1: 10, 5: 60, 10: 600},
    ),
    ("test.marketing.backend", "forget_remote_contacts"): (
        "root.marketing.test.export",
        {1: 10, 5: 60, 10: 600},
    ),
    ("test.marketing.res.partner", "export_batch"): (
        "root.marketing.test.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    ("test.marketing.backend", "import_contacts_page"): (
        "root.marketing.test.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    ("test.marketing.backend", "export_contacts"): (
        "root.marketing.test.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    ("test.marketing.backend", "reconcile_contacts_page"): (
        "root.marketing.test.maintenance",
        {1: 600},
    ),
    ("test.marketing.backend", "cleanup_old_records"): (
        "root.marketing.test.maintenance",
        {1: 600},
    ),
}


class TestJobConfiguration(BackendMixin, TransactionCase):
    """Channel, priority and retry pattern of every job, as enqueued."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls._create_backend(cls.env)
        partner = cls.env["res.partner"].create(
            {"name": "Jo", "email": "jo@example.com"}
        )
        cls.binding = (
            cls.env[BINDING_MODEL]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": cls.backend.id,
                    "odoo_id": partner.id,
                    "external_id": "c_1",
                }
            )
        )

    def assert_job(self, job, priority):
        key = (job.model_name, job.method_name)
        channel, pattern = EXPECTED[key]
        self.assertEqual(job.channel, channel, key)
        self.assertEqual(job.priority, priority, key)
        self.assertEqual(job.job_config.retry_pattern, pattern, key)
        self.assertIn("Demo backend Demo", job.description, key)

    def test_loading_again_keeps_changes_and_restores_what_is_missing(self):
        """Each update runs the provider's loader again: as for a noupdate
        XML record, an administrator's change stays and a deleted job
        function comes back, once."""
        module = "test_connector_marketing_base"
        prefix = f"{module}.job_function_test_marketing_backend"
        edited = self.env.ref(f"{prefix}_import_contact")
        edited.retry_pattern = {1: 1}
        self.env.ref(f"{prefix}_export_contacts").unlink()
        self.env["test.marketing.backend"]._load_job_functions()
        self.assertEqual(edited._parse_retry_pattern(), {1: 1})
        restored = self.env.ref(f"{prefix}_export_contacts")
        self.assertEqual(
            (restored.channel, restored._parse_retry_pattern()),
            EXPECTED[("test.marketing.backend", "export_contacts")],
        )
        functions = self.env["queue.job.function"].search(
            [("model_id.model", "=", "test.marketing.backend")]
        )
        self.assertEqual(
            len(functions),
            len([key for key in EXPECTED if key[0] == "test.marketing.backend"]),
        )

    def test_every_declared_function_is_on_a_concrete_model(self):
        functions = self.env["queue.job.function"].search(
            [("model_id.model", "in", ["test.marketing.backend", BINDING_MODEL])]
        )
        self.assertEqual(
            {(f.model_id.model, f.method) for f in functions}, set(EXPECTED)
        )
        for function in functions:
            self.assertFalse(
                function.allow_commit, "no sync step commits: rollback is atomic"
            )

    def test_enqueued_jobs_carry_their_configuration(self):
        event, _created = self.env["marketing.webhook.event"]._receive(
            self.backend, "k", "contact.updated", {}, "c_1"
        )
        with trap_jobs() as trap:
            event._enqueue()
            self.backend.action_import_contacts()
            self.backend.action_export_contacts()
            self.backend.action_reconcile()
            self.backend._scheduler_maintenance()
            self.env["res.partner"].browse(self.binding.odoo_id.id).write(
                {"city": "Rome"}
            )
            self.binding.with_delay(
                priority=20, description=self.binding._job_description("Export")
            ).export_batch()
            self.env["marketing.sync.issue"]._report(
                self.backend, "import", "x", "y", external_id="c_1"
            ).action_retry()
            self.backend.delete_remote_on_unlink = True
            # an opt-out: its backend job, then (run here) its batch job
            self.env["mail.blacklist"]._add("jo@example.com")
            self.backend.export_opt_outs()
            expected_priority = {
                "process_webhook_event": 5,
                "import_contact": 10,
                "export_record": 10,
                "export_opt_outs": 10,
                "unsubscribe_remote": 10,
                "export_batch": 20,
                "import_contacts_page": 30,
                "export_contacts": 30,
                "reconcile_contacts_page": 50,
                "cleanup_old_records": 50,
            }
            seen = set()
            for job in trap.enqueued_jobs:
                self.assert_job(job, expected_priority[job.method_name])
                seen.add(job.method_name)
            self.assertEqual(seen, set(expected_priority))
        self.assertTrue(event.job_uuid)


class TestScheduler(BackendMixin, TransactionCase):
    def test_scheduler_starts_import_and_export_of_active_backends(self):
        active = self._create_backend(self.env, name="On")
        archived = self._create_backend(self.env, name="Off", active=False)
        with trap_jobs() as trap:
            self.env["test.marketing.backend"]._scheduler_sync()
            trap.assert_enqueued_job(
                active.import_contacts_page, properties={"priority": 30}
            )
            trap.assert_enqueued_job(
                active.export_contacts, properties={"priority": 30}
            )
            trap.assert_enqueued_job(
                active.export_opt_outs, properties={"priority": 10}
            )
            backends = {job.recordset for job in trap.enqueued_jobs}
        self.assertNotIn(archived, backends)


class TestChains(BackendMixin, TransactionCase):
    """A chain of page jobs carries one ``identity_key``: the cron does not
    start a second chain while the first one waits or runs."""

    def chain_jobs(self, backend, chain):
        return self.env["queue.job"].search(
            [("identity_key", "=", backend._chain_key(chain))]
        )

    def test_a_running_chain_is_not_doubled_by_the_next_cron(self):
        backend = self._create_backend(self.env, name="Chained")
        Backend = self.env["test.marketing.backend"]
        Backend._scheduler_sync()
        for chain in ("import:contacts", "export:contacts"):
            self.assertEqual(len(self.chain_jobs(backend, chain)), 1, chain)
        Backend._scheduler_sync()  # the first jobs still wait
        first = self.chain_jobs(backend, "export:contacts")
        self.assertEqual(len(first), 1, "pending: queue_job's own identity check")
        first.state = "started"  # a worker runs the first slice
        self.chain_jobs(backend, "import:contacts").state = "started"
        Backend._scheduler_sync()
        self.assertEqual(self.chain_jobs(backend, "export:contacts"), first)
        self.assertEqual(len(self.chain_jobs(backend, "import:contacts")), 1)
        first.state = "done"
        Backend._scheduler_sync()
        self.assertEqual(len(self.chain_jobs(backend, "export:contacts")), 2)
        self.assertEqual(len(self.chain_jobs(backend, "import:contacts")), 1)

    def test_the_running_job_enqueues_its_next_slice_under_the_same_key(self):
        backend = self._create_backend(self.env, name="Sliced")
        self.env["res.partner"].create(
            [{"name": f"S{n}", "email": f"s{n}@example.com"} for n in range(3)]
        )
        backend.action_export_contacts()
        running = self.chain_jobs(backend, "export:contacts")
        running.state = "started"
        with backend.work_on(BINDING_MODEL) as work:
            exporter = work.component(usage="batch.exporter")
            exporter.backend_adapter.batch_size = 1
            exporter.slice_batches = 1
            exporter.enqueue_all(after_id=0)
        chain = self.chain_jobs(backend, "export:contacts")
        self.assertEqual(len(chain), 2, "the next slice joined the chain")
        self.assertEqual((chain - running).method_name, "export_contacts")
