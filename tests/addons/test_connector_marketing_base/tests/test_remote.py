"""Remote field cache, remote tag links and named limiter buckets (no HTTP)."""

from unittest.mock import patch

from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.models.marketing_throttle import Limits
from odoo.addons.queue_job.exception import RetryableJobError

from .common import BackendMixin, purge_shared_state


class TestRemoteDefinitions(BackendMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls._create_backend(cls.env)
        cls.Field = cls.env["marketing.remote.field"]
        cls.Tag = cls.env["marketing.remote.tag"]
        cls.Category = cls.env["res.partner.category"]

    def setUp(self):
        super().setUp()
        self.addCleanup(purge_shared_state, self.registry)
        self.created = []

    def create_remote(self, name):
        self.created.append(name)
        return f"r{len(self.created)}"

    def test_field_cache_is_replaced(self):
        self.Field._refresh(
            self.backend,
            [
                {"remote_id": 1, "label": "Industry", "key": "%INDUSTRY%"},
                {"remote_id": "2", "label": "Interests", "multiple": True},
            ],
        )
        self.assertEqual(self.Field._by_key(self.backend), {"INDUSTRY": "1"})
        self.Field._refresh(self.backend, [{"remote_id": "2", "label": "Topics"}])
        cached = self.Field._by_remote_id(self.backend)
        self.assertEqual(list(cached), ["2"], "a field deleted remotely leaves")
        self.assertEqual(cached["2"].label, "Topics")

    def test_categories_to_remote_tags_created_once(self):
        vip, press = self.Category.create([{"name": "VIP"}, {"name": "Press"}])
        first = self.Tag._remote_ids(self.backend, vip | press, self.create_remote)
        again = self.Tag._remote_ids(self.backend, vip | press, self.create_remote)
        self.assertEqual(first, again)
        self.assertEqual(sorted(self.created), ["Press", "VIP"])

    def test_known_remote_tag_is_reused_by_name(self):
        self.Tag._known(self.backend, {"77": "vip"})
        vip = self.Category.create({"name": "VIP"})
        ids = self.Tag._remote_ids(self.backend, vip, self.create_remote)
        self.assertEqual(ids, {vip.id: "77"})
        self.assertFalse(self.created, "no tag created on the platform")

    def test_remote_tags_to_categories(self):
        existing = self.Category.create({"name": "Webinar"})
        categories = self.Tag._categories(self.backend, {"5": "webinar", "6": "New"})
        self.assertIn(existing, categories)
        self.assertEqual(sorted(categories.mapped("name")), ["New", "Webinar"])
        again = self.Tag._categories(self.backend, {"6": "Renamed remotely"})
        self.assertEqual(again.name, "New", "linked by id, not by name")

    def test_tag_linked_meanwhile_by_another_job_retries_quietly(self):
        """Another job committed the same link after this one's snapshot:
        the job is retried, with no ``bad query`` ERROR in the log."""
        self.env.cr.execute("SELECT 1")  # this transaction's snapshot is taken
        with self.registry.cursor() as other:
            other.execute(
                "INSERT INTO marketing_remote_tag"
                " (backend_model, backend_id, name, remote_id, kind)"
                " VALUES (%s, %s, 'Odoo-Lead', 'r1', 'origin')",
                (self.backend._name, self.backend.id),
            )
        self.addCleanup(self._delete_committed_tag, "r1")
        with (
            self.assertNoLogs("odoo.sql_db", level="ERROR"),
            self.assertRaises(RetryableJobError),
        ):
            self.Tag._ensure(self.backend, "Odoo-Lead", self.create_remote, "origin")
        self.assertEqual(self.created, ["Odoo-Lead"])

    def _delete_committed_tag(self, remote_id):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM marketing_remote_tag WHERE remote_id = %s", [remote_id]
            )

    def test_changes(self):
        self.assertEqual(
            self.Tag._changes(["1", "2", 3], ["2", "3", "4"]), (["4"], ["1"])
        )

    def test_named_bucket_has_its_own_window(self):
        patcher = patch.object(
            type(self.backend), "_rate_limit_buckets", lambda self: {"bulk": (2, 60.0)}
        )
        patcher.start()
        self.addCleanup(patcher.stop)
        Throttle = self.env["marketing.throttle"]
        limits = Limits.of(self.backend, "bulk")
        self.assertEqual(limits.key, (f"{self.backend._name}/bulk", self.backend.id))
        for __ in range(2):
            Throttle._release(
                self.backend, Throttle._acquire(self.backend, "bulk"), bucket="bulk"
            )
        lease, wait, __ = Throttle._try_acquire(limits)
        self.assertIsNone(lease)
        self.assertGreater(wait, 50)
        main = Throttle._try_acquire(Limits.of(self.backend))[0]
        self.assertTrue(main, "the main window is not affected")
