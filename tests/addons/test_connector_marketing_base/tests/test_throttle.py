import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from unittest.mock import patch
from zoneinfo import ZoneInfo

from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.models.marketing_throttle import Limits
from odoo.addons.queue_job.exception import RetryableJobError

from .common import BackendMixin, purge_shared_state


class TestThrottle(BackendMixin, TransactionCase):
    """The limiter row is shared state: each call takes its own transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Throttle = cls.env["marketing.throttle"]

    def setUp(self):
        super().setUp()
        self.backend = self._create_backend(
            self.env,
            rate_limit_calls=3,
            rate_limit_window=60,
            rate_limit_concurrency=2,
            max_inline_wait=0.2,
        )
        purge_shared_state(self.registry)
        self.addCleanup(purge_shared_state, self.registry)

    def committed_row(self):
        """The row as another connection sees it (committed state only)."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT jsonb_array_length(calls), quota_used, failures "
                "FROM marketing_throttle WHERE backend_model=%s AND backend_id=%s",
                (self.backend._name, self.backend.id),
            )
            return cr.fetchone()

    def test_sliding_window_refuses_the_call_over_the_limit(self):
        for _i in range(3):
            self.Throttle._release(self.backend, self.Throttle._acquire(self.backend))
        lease, wait, reason = self.Throttle._try_acquire(Limits.of(self.backend))
        self.assertIsNone(lease)
        self.assertGreater(wait, 59)
        self.assertIn("Rate limit: 3 calls per 60", reason)
        with self.assertRaises(RetryableJobError) as ctx:
            self.Throttle._acquire(self.backend)
        self.assertTrue(ctx.exception.ignore_retry, "waiting is not a job failure")
        self.assertGreaterEqual(ctx.exception.seconds, 59)

    def call_times(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT calls FROM marketing_throttle "
                "WHERE backend_model=%s AND backend_id=%s",
                (self.backend._name, self.backend.id),
            )
            return cr.fetchone()[0]

    def test_a_call_counts_from_its_answer(self):
        """The provider counted the call on arrival, at the latest when it
        answered: a slow call must not let the next window start early."""
        first = self.Throttle._acquire(self.backend)
        second = self.Throttle._acquire(self.backend)
        taken = self.call_times()
        time.sleep(0.3)
        self.Throttle._release(self.backend, first)
        released = self.call_times()
        self.assertEqual(len(released), 2, "one entry per call, moved not added")
        self.assertIn(taken[1], released, "the call still running keeps its time")
        self.assertGreaterEqual(max(released) - taken[0], 0.3)
        self.Throttle._release(self.backend, second)
        self.assertGreaterEqual(min(self.call_times()) - taken[1], 0.3)

    def test_short_wait_is_spent_inside_the_job(self):
        self.backend.write(
            {"rate_limit_calls": 2, "rate_limit_window": 0.3, "max_inline_wait": 5}
        )
        start = time.monotonic()
        for _i in range(4):
            self.Throttle._release(self.backend, self.Throttle._acquire(self.backend))
        # 4 calls at 2 per 0.3 s need at least one full window of waiting
        self.assertGreater(time.monotonic() - start, 0.3)

    def test_concurrency_leases(self):
        first = self.Throttle._acquire(self.backend)
        self.Throttle._acquire(self.backend)
        lease, __, reason = self.Throttle._try_acquire(Limits.of(self.backend))
        self.assertIsNone(lease)
        self.assertIn("concurrent", reason)
        self.Throttle._release(self.backend, first)
        self.assertTrue(self.Throttle._try_acquire(Limits.of(self.backend))[0])

    def test_expired_lease_frees_its_slot(self):
        self.Throttle._acquire(self.backend)
        self.Throttle._acquire(self.backend)
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE marketing_throttle SET leases = "
                "(SELECT jsonb_object_agg(key, 0) FROM jsonb_each(leases)) "
                "WHERE backend_model=%s AND backend_id=%s",
                (self.backend._name, self.backend.id),
            )
        self.assertTrue(self.Throttle._try_acquire(Limits.of(self.backend))[0])

    def test_daily_quota_postpones_until_midnight_utc(self):
        self.backend.write({"daily_quota": 2, "rate_limit_calls": 0})
        for _i in range(2):
            self.Throttle._release(self.backend, self.Throttle._acquire(self.backend))
        with self.assertRaises(RetryableJobError) as ctx:
            self.Throttle._acquire(self.backend)
        self.assertIn("Daily quota of 2 calls", str(ctx.exception))
        now = time.gmtime()
        to_midnight = 86400 - (now.tm_hour * 3600 + now.tm_min * 60 + now.tm_sec)
        self.assertAlmostEqual(ctx.exception.seconds, to_midnight, delta=5)
        self.assertEqual(self.committed_row()[1], 2)

    def test_daily_quota_counts_and_resets_on_the_providers_day(self):
        """A provider whose day is not UTC's (Marketo: Central Time): the
        quota counts by its day and the wait ends at its midnight."""
        chicago = ZoneInfo("America/Chicago")
        self.backend.write({"daily_quota": 1, "rate_limit_calls": 0})
        with patch.object(type(self.backend), "_quota_timezone", chicago.key):
            self.Throttle._release(self.backend, self.Throttle._acquire(self.backend))
            with self.assertRaises(RetryableJobError) as ctx:
                self.Throttle._acquire(self.backend)
        self.assertIn("00:00 (America/Chicago)", str(ctx.exception))
        now = datetime.now(chicago)
        midnight = datetime.combine(now.date() + timedelta(days=1), dtime(), chicago)
        to_midnight = (midnight.astimezone(UTC) - now.astimezone(UTC)).total_seconds()
        self.assertAlmostEqual(ctx.exception.seconds, to_midnight, delta=5)
        # the day the count belongs to is Chicago's, not UTC's
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT quota_day FROM marketing_throttle "
                "WHERE backend_model=%s AND backend_id=%s",
                (self.backend._name, self.backend.id),
            )
            self.assertEqual(cr.fetchone()[0], now.date())

    def test_provider_signal_wins(self):
        self.Throttle._block(self.backend, 30, "Demo said 429: retry after 30 s")
        lease, wait, reason = self.Throttle._try_acquire(Limits.of(self.backend))
        self.assertIsNone(lease)
        self.assertAlmostEqual(wait, 30, delta=2)
        self.assertEqual(reason, "Demo said 429: retry after 30 s")
        self.Throttle._reset(self.backend)
        self.assertTrue(self.Throttle._try_acquire(Limits.of(self.backend))[0])

    def test_circuit_breaker_opens_and_recovers(self):
        self.backend.write(
            {
                "circuit_threshold": 2,
                "circuit_cooldown": 1,
                "rate_limit_calls": 0,
                "rate_limit_concurrency": 0,
            }
        )
        for _i in range(2):
            self.Throttle._release(
                self.backend, self.Throttle._acquire(self.backend), success=False
            )
        lease, wait, reason = self.Throttle._try_acquire(Limits.of(self.backend))
        self.assertIsNone(lease)
        self.assertIn("Circuit open after 2 consecutive failures", reason)
        time.sleep(wait + 0.05)
        probe = self.Throttle._acquire(self.backend)
        self.assertTrue(probe, "after the cooldown one probe call goes through")
        self.Throttle._release(self.backend, probe, success=False)
        self.assertIsNone(
            self.Throttle._try_acquire(Limits.of(self.backend))[0],
            "a failed probe opens the circuit again",
        )
        time.sleep(1.1)
        self.Throttle._release(self.backend, self.Throttle._acquire(self.backend), True)
        self.assertEqual(self.committed_row()[2], 0, "a success closes the circuit")

    def test_calls_survive_a_rolled_back_job(self):
        with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
            self.Throttle._release(self.backend, self.Throttle._acquire(self.backend))
            raise ZeroDivisionError
        self.assertEqual(self.committed_row()[:2], (1, 1))

    def test_two_connections_never_exceed_the_limit(self):
        """Threads = workers: each attempt runs in its own DB connection."""
        limits = Limits.of(self.backend)._replace(concurrency=0)
        granted = []
        lock = threading.Lock()

        def worker():
            for _i in range(6):
                lease = self.Throttle._try_acquire(limits)[0]
                if lease:
                    with lock:
                        granted.append(lease)

        threads = [threading.Thread(target=worker) for _i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(len(granted), 3, "24 attempts, limit 3 per window")
        self.assertEqual(self.committed_row()[0], 3)

    def test_row_lock_serializes_connections(self):
        limits = Limits.of(self.backend)
        order = []
        holder = self.registry.cursor()
        try:
            self.Throttle._locked_row(holder, limits.key)
            thread = threading.Thread(
                target=lambda: order.append(
                    ("other", self.Throttle._try_acquire(limits)[0])
                )
            )
            thread.start()
            time.sleep(0.3)
            order.append(("holder", None))
            holder.commit()
        finally:
            holder.close()
        thread.join(timeout=10)
        self.assertEqual(order[0][0], "holder", "the second connection waited")
        self.assertTrue(order[1][1])
