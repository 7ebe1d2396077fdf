from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.common import assert_job_data
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ActivecampaignMixin
from .job_data import CRONS, JOB_FUNCTIONS

MODELS = [
    "activecampaign.backend",
    "activecampaign.res.partner",
    "activecampaign.account",
    "activecampaign.sale.order",
]


class TestActivecampaignJobs(ActivecampaignMixin, TransactionCase):
    def test_job_data_is_as_declared_in_xml(self):
        assert_job_data(self, "connector_activecampaign", JOB_FUNCTIONS, CRONS)

    def test_every_job_method_is_declared_on_its_concrete_model(self):
        functions = self.env["queue.job.function"].search(
            [("model_id.model", "in", MODELS)]
        )
        for function in functions:
            model = self.env[function.model_id.model]
            self.assertFalse(model._abstract)
            self.assertTrue(callable(getattr(model, function.method, None)))
            self.assertTrue(
                function.channel.startswith("root.marketing.activecampaign.")
            )
            self.assertTrue(function.retry_pattern)
        declared = {(f.model_id.model, f.method) for f in functions}
        for needed in (
            ("activecampaign.backend", "process_webhook_event"),
            ("activecampaign.backend", "follow_bulk_import"),
            ("activecampaign.backend", "export_accounts"),
            ("activecampaign.sale.order", "export_record"),
            ("activecampaign.res.partner", "export_batch"),
            ("activecampaign.backend", "import_unsubscribes_page"),
            ("activecampaign.backend", "export_opt_outs"),
            ("activecampaign.res.partner", "unsubscribe_remote"),
            ("activecampaign.backend", "forget_remote_contacts"),
        ):
            self.assertIn(needed, declared)

    def test_jobs_land_in_their_channels_with_priorities(self):
        backend = self._create_backend(self.env, deal_pipeline_id="1")
        with trap_jobs() as trap:
            backend.action_export_contacts()
            backend.action_import_contacts()
            backend.action_export_orders()
            backend.action_import_unsubscribes()
        channels = {
            job.method_name: (job.channel, job.priority) for job in trap.enqueued_jobs
        }
        self.assertEqual(
            channels,
            {
                "export_contacts": ("root.marketing.activecampaign.batch", 30),
                "import_contacts_page": ("root.marketing.activecampaign.batch", 30),
                "export_deals": ("root.marketing.activecampaign.batch", 30),
                "import_unsubscribes_page": ("root.marketing.activecampaign.batch", 20),
            },
        )
