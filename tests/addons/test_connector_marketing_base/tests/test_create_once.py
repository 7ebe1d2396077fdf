from odoo.addons.connector_marketing_base.exceptions import BadDataError
from odoo.addons.queue_job.exception import RetryableJobError

from .common import BACKEND_MODEL, MarketingCase

ROUTE = "POST /v1/contacts/batch"


class TestCreateOnce(MarketingCase):
    """``marketing.adapter._create_once``: a non-idempotent create is never
    repeated blindly (journal in its own transactions, look-up first)."""

    def adapter(self):
        return self.component("backend.adapter", model=BACKEND_MODEL)

    def post(self, email):
        """A create through the demo API, as a provider's create would be."""
        body = self.adapter()._call(
            "POST",
            "/v1/contacts/batch",
            json={"contacts": [{"email": email}]},
            create=True,
        )
        return body["results"][0]["id"]

    def setUp(self):
        super().setUp()
        self.sent_before = 0
        self.sent_before = self.posts()

    def posts(self):
        """POSTs of contacts since the test started."""
        per_route = self.emulator.stats.snapshot()["per_route"]
        return per_route.get(ROUTE, 0) - self.sent_before

    def journal(self, marker):
        """``(state, external_id)`` of the entry, as another worker sees it
        (its own transactions committed after this test's snapshot)."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, external_id FROM marketing_remote_create "
                "WHERE backend_model = %s AND backend_id = %s AND marker = %s",
                (self.backend._name, self.backend.id, marker),
            )
            return cr.fetchone()

    def test_a_settled_create_is_never_sent_again(self):
        adapter = self.adapter()
        first = adapter._create_once("contact", "m1", lambda: self.post("m1@x.com"))
        self.assertTrue(first)
        sent = self.posts()

        def must_not_run():
            raise AssertionError("created twice")

        again = adapter._create_once("contact", "m1", must_not_run)
        self.assertEqual(again, first)
        self.assertEqual(self.posts(), sent)
        self.assertEqual(self.journal("m1"), ("done", first))

    def test_a_refusal_is_forgotten(self):
        adapter = self.adapter()

        def refused():
            raise BadDataError("no", code="invalid_email")

        with self.assertRaises(BadDataError):
            adapter._create_once("contact", "m2", refused)
        self.assertFalse(self.journal("m2"), "nothing was created: no trace")
        created = adapter._create_once("contact", "m2", lambda: self.post("m2@x.com"))
        self.assertTrue(created)

    def test_a_5xx_is_not_retried_blindly_and_without_lookup_goes_to_review(self):
        self.emulator.faults.configure(
            paths=["/v1/contacts/batch"],
            burst={"status": 503, "count": 1, "applied": True},
        )
        adapter = self.adapter()
        with self.assertRaisesRegex(BadDataError, "answer was lost") as caught:
            adapter._create_once("contact", "m3", lambda: self.post("m3@x.com"))
        self.assertEqual(caught.exception.code, "create_uncertain")
        self.assertEqual(self.posts(), 1, "one POST: no automatic retry after a 5xx")
        self.assertEqual(self.journal("m3"), ("sending", None))

    def test_a_lost_answer_is_looked_up_before_creating_again(self):
        self.emulator.faults.configure(
            paths=["/v1/contacts/batch"],
            burst={"status": 502, "count": 1, "applied": True},
        )
        adapter = self.adapter()
        looked_up = []

        def lookup():
            looked_up.append(True)
            return self.emulator.contacts.ids_by_email("m4@x.com")[0]

        created = adapter._create_once(
            "contact", "m4", lambda: self.post("m4@x.com"), lookup
        )
        self.assertEqual(looked_up, [True])
        self.assertEqual(self.posts(), 1)
        self.assertEqual([created], self.emulator.contacts.ids_by_email("m4@x.com"))
        self.assertEqual(self.journal("m4"), ("done", created))

    def test_a_lost_answer_of_an_unapplied_write_creates_after_the_lookup(self):
        self.emulator.faults.configure(
            paths=["/v1/contacts/batch"], burst={"status": 500, "count": 1}
        )
        adapter = self.adapter()
        created = adapter._create_once(
            "contact", "m5", lambda: self.post("m5@x.com"), lambda: None
        )
        self.assertTrue(created)
        self.assertEqual(self.posts(), 2, "posted again only after the look-up")
        self.assertEqual([created], self.emulator.contacts.ids_by_email("m5@x.com"))

    def test_a_429_proves_nothing_was_done_and_is_retried(self):
        self.emulator.faults.configure(
            paths=["/v1/contacts/batch"],
            burst={"status": 429, "count": 1, "retry_after": 0.1},
        )
        created = self.adapter()._create_once(
            "contact", "m6", lambda: self.post("m6@x.com")
        )
        self.assertTrue(created)
        self.assertEqual(self.posts(), 2)

    def test_lost_answers_every_time_postpone_the_job(self):
        self.emulator.faults.configure(
            paths=["/v1/contacts/batch"], burst={"status": 500, "count": 5}
        )
        adapter = self.adapter()
        lookups = []
        with self.assertRaises(RetryableJobError):
            adapter._create_once(
                "contact",
                "m7",
                lambda: self.post("m7@x.com"),
                lambda: lookups.append(1),
            )
        self.assertEqual(self.posts(), adapter.transient_attempts)
        self.assertEqual(len(lookups), adapter.transient_attempts - 1)
        self.assertEqual(self.journal("m7"), ("sending", None))
