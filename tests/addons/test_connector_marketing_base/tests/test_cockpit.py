"""Sync health of a backend, its jobs' links and failure messages."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.connector_marketing_base.exceptions import (
    HINT_SEPARATOR,
    RETRIES_SPENT_HINT,
    UNEXPECTED_HINT,
    ConfigurationError,
)
from odoo.addons.connector_marketing_base.models.marketing_throttle import Limits
from odoo.addons.queue_job.job import Job

from .common import BACKEND_MODEL, BINDING_MODEL, BackendMixin, purge_shared_state

CONFIGURATION_ERROR = (
    "odoo.addons.connector_marketing_base.exceptions.ConfigurationError"
)


class CockpitCase(BackendMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.backend = cls._create_backend(cls.env, daily_quota=20)
        partners = cls.env["res.partner"].create(
            [{"name": f"P{i}", "email": f"p{i}@example.com"} for i in range(2)]
        )
        cls.bindings = (
            cls.env[BINDING_MODEL]
            .with_context(connector_no_export=True)
            .create(
                [
                    {"backend_id": cls.backend.id, "odoo_id": partner.id}
                    for partner in partners
                ]
            )
        )

    def setUp(self):
        super().setUp()
        self.addCleanup(purge_shared_state, self.registry)

    def job(self, delayable_call):
        """The queue.job record of the Job ``delayable_call`` returned."""
        return delayable_call.db_record()

    def fail(self, job, exc_name=CONFIGURATION_ERROR, message="Bad API key"):
        loaded = Job.load(self.env, job.uuid)
        loaded.set_failed(exc_name=exc_name, exc_message=message, exc_info="tb")
        loaded.store()
        job.invalidate_recordset()
        return job

    def shared_row(self, table, columns):
        """A row written in its own transaction, read from another one (the
        test transaction's snapshot predates it)."""
        with self.registry.cursor() as cr:
            cr.execute(
                f"SELECT {columns} FROM {table} "
                "WHERE backend_model = %s AND backend_id = %s",
                (BACKEND_MODEL, self.backend.id),
            )
            return cr.fetchall()


class TestJobLinks(CockpitCase):
    def test_jobs_know_their_backend(self):
        backend_job = self.job(self.backend.with_delay().import_contacts_page())
        binding_job = self.job(self.bindings.with_delay().export_batch())
        other_job = self.job(self.env["res.partner"].with_delay().search([]))
        ref = f"{BACKEND_MODEL},{self.backend.id}"
        self.assertEqual(backend_job.marketing_backend_ref, ref)
        self.assertEqual(binding_job.marketing_backend_ref, ref)
        self.assertFalse(other_job.marketing_backend_ref)

    def test_related_action_opens_backend_partners_or_argument(self):
        backend_job = self.job(self.backend.with_delay().import_contacts_page())
        action = backend_job.open_related_action()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (BACKEND_MODEL, self.backend.id)
        )
        batch_job = self.job(self.bindings.with_delay().export_batch())
        action = batch_job.open_related_action()
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(action["domain"], [("id", "in", self.bindings.odoo_id.ids)])
        single = self.job(self.bindings[0].with_delay().export_record())
        action = single.open_related_action()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("res.partner", self.bindings[0].odoo_id.id),
        )
        event, _created = self.env["marketing.webhook.event"]._receive(
            self.backend, "k1", "contact.updated", {}, "c_1"
        )
        event_job = self.job(self.backend.with_delay().process_webhook_event(event))
        action = event_job.open_related_action()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("marketing.webhook.event", event.id),
        )

    def test_failed_job_says_what_to_do(self):
        job = self.fail(self.job(self.backend.with_delay().import_contacts_page()))
        message, hint = job.exc_message.split(HINT_SEPARATOR)
        self.assertEqual(message, "Bad API key")
        self.assertEqual(hint, ConfigurationError.operator_hint)
        # failing again (requeued, same cause) does not repeat the hint
        self.fail(job, message=job.exc_message)
        self.assertEqual(job.exc_message.count(HINT_SEPARATOR), 1)

    def test_failure_hints_by_kind(self):
        spent = self.fail(
            self.job(self.backend.with_delay().export_contacts()),
            exc_name="odoo.addons.queue_job.exception.FailedJobError",
            message="Max. retries (5) reached: 503",
        )
        self.assertTrue(spent.exc_message.endswith(RETRIES_SPENT_HINT))
        bug = self.fail(
            self.job(self.backend.with_delay().export_contacts(after_id=1)),
            exc_name="builtins.KeyError",
            message="'email'",
        )
        self.assertTrue(bug.exc_message.endswith(UNEXPECTED_HINT))
        other = self.fail(
            self.job(self.env["res.partner"].with_delay().search([])),
            exc_name="builtins.KeyError",
            message="'email'",
        )
        self.assertEqual(other.exc_message, "'email'")


class TestHealthStamps(CockpitCase):
    def test_a_finished_job_stamps_its_kind(self):
        import_job = Job.load(
            self.env,
            self.job(self.backend.with_delay().import_contacts_page()).uuid,
        )
        import_job.set_started()
        import_job.set_done()
        import_job.store()
        export_job = Job.load(
            self.env, self.job(self.bindings.with_delay().export_batch()).uuid
        )
        export_job.set_failed(exc_name="builtins.KeyError", exc_message="x")
        export_job.store()
        rows = self.shared_row(
            "marketing_backend_health",
            "last_import_at, last_export_at, last_engagement_at",
        )
        self.assertEqual(len(rows), 1)
        last_import, last_export, last_engagement = rows[0]
        self.assertEqual(last_import, import_job.db_record().date_done)
        self.assertIsNone(last_export, "a failed export is no success")
        self.assertIsNone(last_engagement)

    def test_a_job_set_to_done_by_hand_stamps_nothing(self):
        self.job(self.bindings.with_delay().export_batch()).button_done()
        self.assertEqual(self.shared_row("marketing_backend_health", "id"), [])

    def test_stamps_never_go_back(self):
        Health = self.env["marketing.backend.health"]
        later = fields.Datetime.now()
        Health._stamp(self.backend, "export", later)
        Health._stamp(self.backend, "export", later - timedelta(hours=1))
        [(last_export,)] = self.shared_row("marketing_backend_health", "last_export_at")
        self.assertEqual(last_export, later)

    def test_job_kinds(self):
        kind = self.backend._health_job_kind
        self.assertEqual(kind("import_contacts_page"), "import")
        self.assertEqual(kind("follow_bulk_import"), "import")
        self.assertEqual(kind("export_batch"), "export")
        self.assertEqual(kind("unsubscribe_remote"), "export")
        self.assertIsNone(kind("cleanup_old_records"))
        with patch.object(
            type(self.backend), "_health_engagement_methods", ("import_activities",)
        ):
            self.assertEqual(kind("import_activities"), "engagement")


class TestCallsPerDay(CockpitCase):
    def test_limiter_counts_calls_per_day_and_prunes(self):
        Day = self.env["marketing.throttle.day"]
        Throttle = self.env["marketing.throttle"]
        limits = Limits.of(self.backend)
        today = fields.Date.today()
        with self.registry.cursor() as cr:
            for day, calls in ((today - timedelta(days=30), 9), (today, 0)):
                Day._count_call(cr, limits.key, day, new_day=False)
                cr.execute(
                    "UPDATE marketing_throttle_day SET calls = %s "
                    "WHERE backend_id = %s AND day = %s",
                    (calls, self.backend.id, day),
                )
        for _i in range(3):
            lease, _wait, _reason = Throttle._try_acquire(limits)
            Throttle._release(self.backend, lease, success=True)
        rows = dict(self.shared_row("marketing_throttle_day", "day, calls"))
        # the first call of the day (no quota day on the limiter yet) pruned
        # the day older than the chart keeps
        self.assertEqual(rows, {today: 3})


class TestHealthData(CockpitCase):
    def health(self):
        self.backend.invalidate_recordset(["health_data"])
        return self.backend.health_data

    def test_all_good_once_synced(self):
        self.env["marketing.backend.health"].sudo().create(
            {
                "backend_model": BACKEND_MODEL,
                "backend_id": self.backend.id,
                "last_import_at": fields.Datetime.now() - timedelta(minutes=5),
            }
        )
        data = self.health()
        self.assertEqual(data["attention"]["text"], "All good")
        self.assertEqual(data["attention"]["level"], "success")
        syncs = {sync["kind"]: sync["lag"] for sync in data["syncs"]}
        self.assertEqual(syncs, {"import": "5 min ago", "export": "never"})

    def test_nothing_synchronized_yet(self):
        self.assertEqual(
            self.health()["attention"]["text"],
            "Nothing synchronized yet — press Import or Export",
        )

    def test_failed_jobs_come_first_and_open_filtered(self):
        failed = self.fail(self.job(self.bindings.with_delay().export_batch()))
        self.job(self.bindings[:1].with_delay().export_batch())
        self.job(self.backend.with_delay().import_contacts_page())
        data = self.health()
        self.assertEqual(data["attention"]["text"], "1 failed export job — open it")
        self.assertEqual(data["attention"]["open"], {"jobs": "failed"})
        jobs = {job["method"]: job for job in data["jobs"]}
        self.assertEqual(
            (jobs["export_batch"]["waiting"], jobs["export_batch"]["failed"]), (1, 1)
        )
        self.assertEqual(jobs["import_contacts_page"]["waiting"], 1)
        action = self.backend.action_open_jobs("export_batch", "failed")
        self.assertEqual(action["res_model"], "queue.job")
        self.assertEqual(self.env["queue.job"].search(action["domain"]), failed)
        waiting = self.env["queue.job"].search(
            self.backend.action_open_jobs(state="waiting")["domain"]
        )
        self.assertEqual(len(waiting), 2)

    def test_circuit_quota_and_review_items(self):
        now = fields.Datetime.now()
        self.env["marketing.throttle"].sudo().create(
            {
                "backend_model": BACKEND_MODEL,
                "backend_id": self.backend.id,
                "failures": 3,
                "circuit_open_until": now + timedelta(minutes=5),
            }
        )
        self.env["marketing.throttle.day"].sudo().create(
            [
                {
                    "backend_model": BACKEND_MODEL,
                    "backend_id": self.backend.id,
                    "day": now.date() - timedelta(days=back),
                    "calls": calls,
                }
                for back, calls in ((0, 19), (2, 7), (8, 50))
            ]
        )
        Issue = self.env["marketing.sync.issue"]
        for external_id in ("c_1", "c_2"):
            Issue._report(
                self.backend, "import", "invalid_email", "bad", external_id=external_id
            )
        Issue._report(self.backend, "export", "field_too_long", "long", external_id="c")
        data = self.health()
        self.assertEqual(
            data["attention"]["text"],
            f"Circuit open until {(now + timedelta(minutes=5)):%H:%M} UTC",
        )
        self.assertEqual(data["attention"]["level"], "danger")
        self.assertEqual(data["attention"]["more"], 3)
        self.assertEqual(
            [day["calls"] for day in data["quota"]["days"]], [0, 0, 0, 0, 7, 0, 19]
        )
        self.assertEqual((data["quota"]["used"], data["quota"]["ratio"]), (19, 0.95))
        items = self.backend._health_attention_items(data)
        self.assertEqual(
            [item["text"] for item in items[1:]],
            [
                "Quota 95% used today",
                "3 records to review — open the queue",
                "Nothing synchronized yet — press Import or Export",
            ],
        )
        counts = {issue["reason_code"]: issue["count"] for issue in data["issues"]}
        self.assertEqual(counts, {"invalid_email": 2, "field_too_long": 1})
        action = self.backend.action_open_issues_reason("invalid_email")
        self.assertEqual(len(Issue.search(action["domain"])), 2)

    def test_overview_card_per_backend(self):
        other = self._create_backend(self.env, name="Second")
        action = self.env["marketing.backend.health"].action_overview()
        rows = self.env["marketing.backend.health"].search(
            [("backend_model", "=", BACKEND_MODEL)]
        )
        self.assertEqual(action["res_model"], "marketing.backend.health")
        self.assertEqual(set(rows.mapped("backend_id")), {self.backend.id, other.id})
        row = rows.filtered(lambda r: r.backend_id == other.id)
        self.assertEqual(
            row.health_attention, "Nothing synchronized yet — press Import or Export"
        )
        self.assertEqual(row.action_open_backend()["res_id"], other.id)

    def test_a_marketing_user_reads_the_overview(self):
        """Counts come from the limiter, calls and jobs, which a marketing
        user may not read: the health reads them for him."""
        user = new_test_user(
            self.env,
            login="cockpit-user",
            groups="base.group_user,connector_marketing_base.group_marketing_user",
        )
        self.fail(self.job(self.backend.with_delay().import_contacts_page()))
        Health = self.env["marketing.backend.health"].with_user(user)
        Health.action_overview()
        row = Health.search(
            [
                ("backend_model", "=", BACKEND_MODEL),
                ("backend_id", "=", self.backend.id),
            ]
        )
        self.assertEqual(row.health_attention, "1 failed import job — open it")
