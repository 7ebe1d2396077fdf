import threading
import time

from odoo.tests.common import TransactionCase

from .common import BackendMixin, purge_shared_state


class TestTokenStore(BackendMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        self.backend = self._create_backend(self.env)
        self.Token = self.env["marketing.token"].sudo()
        self.fetches = []
        purge_shared_state(self.registry)
        self.addCleanup(purge_shared_state, self.registry)

    def stored_expiry(self):
        """As another connection sees it (the test transaction's snapshot
        predates the store's own commits)."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT expires_at FROM marketing_token WHERE backend_model = %s "
                "AND backend_id = %s",
                (self.backend._name, self.backend.id),
            )
            row = cr.fetchone()
            return row and row[0]

    def fetch(self, refresh_token, delay=0.0):
        time.sleep(delay)
        self.fetches.append(refresh_token)
        n = len(self.fetches)
        return {
            "access_token": f"access-{n}",
            "refresh_token": f"refresh-{n}",
            "expires_in": 3600,
        }

    def test_token_is_fetched_once_and_reused(self):
        self.assertEqual(
            self.Token._get_access_token(self.backend, self.fetch), "access-1"
        )
        self.assertEqual(
            self.Token._get_access_token(self.backend, self.fetch), "access-1"
        )
        self.assertEqual(self.fetches, [None])

    def test_expired_token_is_refreshed_with_the_rotated_refresh_token(self):
        self.Token._get_access_token(self.backend, self.fetch)
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE marketing_token SET expires_at = now() at time zone 'UTC' "
                "+ interval '30 seconds' WHERE backend_id = %s",
                (self.backend.id,),
            )
        self.assertEqual(
            self.Token._get_access_token(self.backend, self.fetch), "access-2"
        )
        self.assertEqual(self.fetches, [None, "refresh-1"])

    def test_invalidate_is_compare_and_set(self):
        self.Token._get_access_token(self.backend, self.fetch)
        self.Token._invalidate(self.backend, "some-older-token")
        self.assertEqual(
            self.Token._get_access_token(self.backend, self.fetch), "access-1"
        )
        self.Token._invalidate(self.backend, "access-1")
        self.assertEqual(
            self.Token._get_access_token(self.backend, self.fetch), "access-2"
        )

    def test_token_survives_a_rolled_back_job(self):
        with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
            self.Token._get_access_token(self.backend, self.fetch)
            raise ZeroDivisionError
        self.assertEqual(
            self.Token._get_access_token(self.backend, self.fetch), "access-1"
        )
        self.assertEqual(len(self.fetches), 1)

    def test_concurrent_refresh_happens_once(self):
        results = []

        def worker():
            results.append(
                self.Token._get_access_token(
                    self.backend, lambda r: self.fetch(r, delay=0.3)
                )
            )

        threads = [threading.Thread(target=worker) for _i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(results, ["access-1"] * 3)
        self.assertEqual(len(self.fetches), 1)

    def test_failed_fetch_stores_nothing(self):
        def broken(refresh_token):
            raise RuntimeError("identity down")

        with self.assertRaises(RuntimeError):
            self.Token._get_access_token(self.backend, broken)
        self.assertFalse(self.stored_expiry())
        self.assertEqual(
            self.Token._get_access_token(self.backend, self.fetch), "access-1"
        )

    def test_store_and_clear(self):
        self.Token._store(
            self.backend, {"access_token": "a", "refresh_token": "r", "expires_in": 100}
        )
        self.assertTrue(self.stored_expiry())
        self.Token._clear(self.backend)
        self.assertFalse(self.stored_expiry())
