"""The operator cockpit in a browser: a Marketo backend's health, its failed
jobs and back (tour in connector_marketing_base/static/tests/tours)."""

from datetime import timedelta

from odoo import fields
from odoo.tests.common import HttpCase

from odoo.addons.queue_job.job import Job

from .common import MarketoBackendMixin, purge_shared_state


class TestCockpitTour(MarketoBackendMixin, HttpCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(purge_shared_state, self.registry)
        self.env.ref("base.user_admin").groups_id = [
            (4, self.env.ref(xmlid).id)
            for xmlid in (
                "connector_marketing_base.group_marketing_manager",
                "queue_job.group_queue_job_manager",
            )
        ]
        self.backend = self._create_backend(
            self.env, name="Cockpit tour", daily_quota=1000
        )
        self.fail_export(self.backend, "Cockpit tour failing export")
        # a failed job of another backend stays out of this backend's list
        other = self._create_backend(self.env, name="Other backend")
        self.fail_export(other, "Other failing export")
        self.env["marketing.backend.health"]._stamp(
            self.backend, "import", fields.Datetime.now() - timedelta(minutes=12)
        )

    def fail_export(self, backend, description):
        job = Job.load(
            self.env,
            backend.with_delay(description=description).export_contacts().uuid,
        )
        job.set_failed(
            exc_name="odoo.addons.connector_marketing_base.exceptions."
            "ConfigurationError",
            exc_message="Marketo refused the API key",
        )
        job.store()

    def test_backend_health_tour(self):
        self.start_tour(
            "/odoo/action-connector_marketo.action_marketo_backend",
            "marketing_backend_health_tour",
            login="admin",
        )
