"""A database connection dropped under a connector job postpones the job
instead of failing it (``controllers/runjob.py``; found by the fault
suite's ``pg_drop``: the failed batch never reached the platform)."""

from types import SimpleNamespace
from unittest import mock

from psycopg2 import errors

from odoo.addons.connector_marketing_base.controllers.runjob import (
    MarketingRunJobController,
    connection_lost,
)
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError

from .common import MarketingCase

CONNECTOR_JOB = SimpleNamespace(channel="root.marketing.test.batch")
OTHER_JOB = SimpleNamespace(channel="root.other")


class TestDroppedConnection(MarketingCase):
    def perform(self, job, error):
        with mock.patch.object(RunJobController, "_try_perform_job", side_effect=error):
            MarketingRunJobController._try_perform_job(self.env, job)

    def test_a_terminated_connection_postpones_a_connector_job(self):
        for error in (
            errors.AdminShutdown("terminating connection due to administrator"),
            errors.ConnectionFailure("connection failure"),
        ):
            with self.subTest(error=type(error).__name__):
                with self.assertRaises(RetryableJobError) as caught:
                    self.perform(CONNECTOR_JOB, error)
                self.assertIs(caught.exception.__cause__, error)
                self.assertTrue(caught.exception.seconds)

    def test_other_jobs_and_refused_queries_fail_as_before(self):
        with self.assertRaises(errors.AdminShutdown):
            self.perform(OTHER_JOB, errors.AdminShutdown("x"))
        # a query the database refused (the connection is fine) is the job's
        with self.assertRaises(errors.LockNotAvailable):
            self.perform(CONNECTOR_JOB, errors.LockNotAvailable("x"))
        with self.assertRaises(ValueError):
            self.perform(CONNECTOR_JOB, ValueError("x"))

    def test_a_closed_connection_without_sqlstate_is_lost(self):
        import psycopg2

        error = psycopg2.OperationalError("server closed the connection")
        self.assertFalse(connection_lost(error, self.env.cr), "ours is open")
        self.assertTrue(connection_lost(error, SimpleNamespace(_cnx=None)))
        closed = SimpleNamespace(_cnx=SimpleNamespace(closed=2))
        self.assertTrue(connection_lost(error, closed))

    def test_the_runjob_route_is_served_by_the_connector_controller(self):
        # the rules ir.http builds its routing map from (installed modules)
        modules = sorted(self.env.registry._init_modules)
        endpoints = [
            endpoint
            for url, endpoint in self.env["ir.http"]._generate_routing_rules(
                modules, converters=self.env["ir.http"]._get_converters()
            )
            if url == "/queue_job/runjob"
        ]
        self.assertTrue(endpoints)
        for endpoint in endpoints:
            self.assertIsInstance(endpoint.func.__self__, MarketingRunJobController)
