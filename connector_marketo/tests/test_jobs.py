from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.common import assert_job_data
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import BINDING, MarketoBackendMixin
from .job_data import CRONS, JOB_FUNCTIONS

CHANNELS = {
    "process_webhook_event": "webhook",
    "import_contact": "webhook",
    "import_contacts_page": "batch",
    "import_contacts_chunk": "batch",
    "import_activities_page": "batch",
    "import_deleted_leads_page": "batch",
    "bulk_extract_step": "batch",
    "export_contacts": "batch",
    "export_companies": "batch",
    "export_batch": "batch",
    "delete_remote_contact": "export",
    "forget_remote_contacts": "export",
    "export_record": "export",
    "export_stage": "export",
    "export_opt_outs": "export",
    "unsubscribe_remote": "export",
    "reconcile_contacts_page": "maintenance",
    "cleanup_old_records": "maintenance",
}


class TestMarketoJobs(MarketoBackendMixin, TransactionCase):
    def test_job_data_is_as_declared_in_xml(self):
        assert_job_data(self, "connector_marketo", JOB_FUNCTIONS, CRONS)

    def test_every_job_is_declared_on_a_concrete_model(self):
        functions = self.env["queue.job.function"].search(
            [("model_id.model", "in", ["marketo.backend", BINDING, "marketo.crm.lead"])]
        )
        self.assertEqual(set(functions.mapped("method")), set(CHANNELS))
        for function in functions:
            self.assertEqual(
                function.channel, f"root.marketing.marketo.{CHANNELS[function.method]}"
            )
            self.assertTrue(function.retry_pattern)
            self.assertFalse(function.allow_commit)

    def test_buttons_enqueue_with_priorities(self):
        self.backend = self._create_backend(self.env)
        with trap_jobs() as trap:
            self.backend.action_import_contacts()
            self.backend.action_export_contacts()
            self.backend.action_import_activities()
            self.backend.action_import_deleted_leads()
            self.backend.action_initial_load()
            priorities = {job.method_name: job.priority for job in trap.enqueued_jobs}
            channels = {job.method_name: job.channel for job in trap.enqueued_jobs}
        self.assertEqual(
            priorities,
            {
                "import_contacts_page": 30,
                "export_contacts": 30,
                "import_activities_page": 20,
                "import_deleted_leads_page": 20,
                "bulk_extract_step": 30,
            },
        )
        self.assertEqual(
            channels["import_activities_page"], "root.marketing.marketo.batch"
        )

    def test_resync_one_partner(self):
        self.backend = self._create_backend(self.env)
        partner = self.env["res.partner"].create(
            {"name": "Re Sync", "email": "re@example.com"}
        )
        with trap_jobs() as trap:
            self.backend.action_resync_partner(partner)
            self.assertEqual(
                [j.method_name for j in trap.enqueued_jobs], ["export_record"]
            )
        binding = self.env[BINDING].search([("odoo_id", "=", partner.id)])
        binding.external_id = "42"
        with trap_jobs() as trap:
            self.backend.action_resync_partner(partner)
            self.assertEqual(
                sorted(j.method_name for j in trap.enqueued_jobs),
                ["export_record", "import_contact"],
            )

    def test_cron_does_not_double_running_activity_chains(self):
        backend = self._create_backend(self.env)
        Job = self.env["queue.job"]
        chains = ("import:activities", "import:deleted_leads", "import:contacts")
        self.env["marketo.backend"]._scheduler_sync()
        first = Job.search(
            [("identity_key", "in", [backend._chain_key(c) for c in chains])]
        )
        self.assertEqual(len(first), 3)
        first.write({"state": "started"})
        self.env["marketo.backend"]._scheduler_sync()
        again = Job.search(
            [("identity_key", "in", [backend._chain_key(c) for c in chains])]
        )
        self.assertEqual(again, first, "running chains are not started twice")
