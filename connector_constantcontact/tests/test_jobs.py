from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.common import assert_job_data
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import BACKEND, BINDING, ConstantContactBackendMixin
from .job_data import CRONS, JOB_FUNCTIONS

CHANNELS = {
    "import_contacts_page": "batch",
    "import_contact": "export",
    "export_contacts": "batch",
    "follow_bulk_import": "batch",
    "export_list_memberships": "batch",
    "import_engagement": "batch",
    "import_tracking": "batch",
    "delete_remote_contact": "export",
    "forget_remote_contacts": "export",
    "refresh_remote_fields": "maintenance",
    "reconcile_contacts_page": "maintenance",
    "cleanup_old_records": "maintenance",
    "export_record": "export",
    "export_batch": "batch",
    "unsubscribe_remote": "export",
    "export_opt_outs": "export",
}


class TestConstantContactJobs(ConstantContactBackendMixin, TransactionCase):
    def test_job_data_is_as_declared_in_xml(self):
        assert_job_data(self, "connector_constantcontact", JOB_FUNCTIONS, CRONS)

    def test_every_job_is_declared_on_a_concrete_model(self):
        functions = self.env["queue.job.function"].search(
            [("model_id.model", "in", [BACKEND, BINDING])]
        )
        self.assertEqual(set(functions.mapped("method")), set(CHANNELS))
        for function in functions:
            self.assertFalse(self.env[function.model_id.model]._abstract)
            self.assertEqual(
                function.channel,
                f"root.marketing.constantcontact.{CHANNELS[function.method]}",
            )
            self.assertTrue(function.retry_pattern)
            self.assertFalse(function.allow_commit)
            self.assertTrue(
                callable(getattr(self.env[function.model_id.model], function.method))
            )

    def test_buttons_enqueue_with_priorities_and_channels(self):
        backend = self._create_backend(self.env)
        with trap_jobs() as trap:
            backend.action_import_contacts()
            backend.action_export_contacts()
            backend.action_import_engagement()
            jobs = {job.method_name: job for job in trap.enqueued_jobs}
        self.assertEqual(
            {name: job.priority for name, job in jobs.items()},
            {
                "import_contacts_page": 30,
                "export_contacts": 30,
                "import_engagement": 20,
            },
        )
        self.assertEqual(
            jobs["import_engagement"].channel, "root.marketing.constantcontact.batch"
        )
        self.assertIn("Constant Contact backend", jobs["export_contacts"].description)

    def test_defaults_are_constant_contacts(self):
        backend = self.env[BACKEND].create({"name": "Defaults"})
        self.assertEqual(backend.api_url, "https://api.cc.email/v3")
        self.assertTrue(backend.oauth_token_url.startswith("https://authz."))
        self.assertEqual(
            backend.oauth_scopes, "contact_data campaign_data offline_access"
        )
        self.assertEqual((backend.rate_limit_calls, backend.daily_quota), (4, 10000))
        self.assertGreater(backend.rate_limit_window, 1.0, "4/s with a margin")
        self.assertTrue(
            backend.oauth_redirect_uri.endswith("/connector_marketing/oauth/callback")
        )
        self.assertEqual(backend.connection_status, "Not connected")
