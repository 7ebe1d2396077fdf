"""Dead letters: webhook events that failed for good, and their replay."""

from odoo.exceptions import AccessError
from odoo.tests.common import new_test_user
from odoo.tools.safe_eval import safe_eval

from .common import BINDING_MODEL, MarketingCase


class TestDeadLetters(MarketingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["marketing.webhook.event"]
        cls.manager = new_test_user(
            cls.env,
            "mkt_dead_manager",
            groups="base.group_user,connector_marketing_base.group_marketing_manager",
        )
        cls.reviewer = new_test_user(
            cls.env,
            "mkt_dead_reviewer",
            groups="base.group_user,connector_marketing_base.group_marketing_user",
        )

    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()

    def receive(self, key, external_id):
        event, created = self.Event._receive(
            self.backend,
            key,
            "contact.updated",
            {"contact_id": external_id},
            external_id,
        )
        self.assertTrue(created)
        return event

    def failed_event(self, key="dead-1", external_id="c_missing"):
        """An event whose job failed for good (retries spent)."""
        event = self.receive(key, external_id)
        event._enqueue()  # a real job record, not run
        job = self.env["queue.job"].search([("uuid", "=", event.job_uuid)])
        self.assertEqual(len(job), 1)
        job.write(
            {
                "state": "failed",
                "exc_name": "ConfigurationError",
                "exc_message": "Demo rejected the client id / secret of Demo",
            }
        )
        return event, job

    def dead_letters(self):
        return self.Event.search(
            self.backend._scope_domain() + [("dead_letter", "=", True)]
        )

    def test_failed_event_is_a_dead_letter_with_its_reason(self):
        event, __ = self.failed_event()
        done = self.receive("done-1", "c_done")
        done._mark("done", "Contact c_done: updated")
        marked = self.receive("marked-1", "c_marked")
        marked._mark("failed", "The event names no known list")
        self.assertEqual(self.dead_letters(), event | marked)
        self.assertIn("rejected the client id", event.dead_letter_reason)
        self.assertEqual(marked.dead_letter_reason, "The event names no known list")
        self.assertFalse(done.dead_letter)
        alive = self.Event.search(
            self.backend._scope_domain() + [("dead_letter", "!=", True)]
        )
        self.assertIn(done, alive)
        self.assertNotIn(event, alive)

    def test_manager_replays_a_dead_letter_once_the_cause_is_fixed(self):
        event, job = self.failed_event()
        result = event.with_user(self.manager).action_replay()
        self.assertIn("1 events replayed", result["params"]["message"])
        self.assertEqual(job.state, "pending", "the same job runs again")
        self.assertEqual((event.state, event.result), ("pending", False))
        self.assertFalse(event.dead_letter)
        self.assertFalse(self.dead_letters())

    def test_bulk_replay_processes_the_events_and_a_second_replay_is_a_noop(self):
        external_id = self.emulator.seed(1)[0]
        marked = self.receive("bulk-1", external_id)
        marked._mark("failed", "the backend was archived")
        other = self.receive("bulk-2", "c_other")
        other._mark("failed", "the backend was archived")
        with self.trap() as trap:
            (marked | other).with_user(self.manager).action_replay()
            trap.assert_jobs_count(2, only=self.backend.process_webhook_event)
            trap.perform_enqueued_jobs()
        self.assertEqual(marked.state, "done")
        binding = self.env[BINDING_MODEL].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", external_id)]
        )
        self.assertTrue(binding, "the replayed event imported its contact")
        result_before = marked.result
        write_before = binding.odoo_id.write_date
        with self.trap() as trap:
            result = marked.with_user(self.manager).action_replay()
            trap.assert_jobs_count(0)
        self.assertIn("0 events replayed", result["params"]["message"])
        self.assertEqual((marked.state, marked.result), ("done", result_before))
        self.assertEqual(binding.odoo_id.write_date, write_before)

    def test_replaying_a_processed_event_is_a_noop(self):
        event = self.receive("noop-1", "c_1")
        event._mark("done", "Contact c_1: updated")
        jobs_before = self.env["queue.job"].search_count([])
        with self.trap() as trap:
            event.with_user(self.manager).action_replay()
            trap.assert_jobs_count(0)
        self.assertEqual(self.env["queue.job"].search_count([]), jobs_before)
        self.assertEqual((event.state, event.result), ("done", "Contact c_1: updated"))
        self.assertFalse(event.job_uuid)
        # the job of an already processed event does not apply it again
        self.assertEqual(self.backend.process_webhook_event(event), "Already processed")

    def test_only_managers_replay(self):
        event, job = self.failed_event()
        with self.assertRaises(AccessError):
            event.with_user(self.reviewer).action_replay()
        self.assertEqual(job.state, "failed")
        self.assertTrue(event.dead_letter)
        self.assertTrue(
            event.with_user(self.reviewer).dead_letter, "reviewers see them"
        )


class TestFailedSyncSteps(MarketingCase):
    """Sync steps (jobs) that failed for good are dead letters too: listed
    for marketing managers with their reason, replayed once the cause is
    fixed, and a replay never runs a step that already succeeded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "mkt_step_manager",
            groups="base.group_user,connector_marketing_base.group_marketing_manager",
        )
        cls.reviewer = new_test_user(
            cls.env,
            "mkt_step_reviewer",
            groups="base.group_user,connector_marketing_base.group_marketing_user",
        )

    def step(self, state):
        """A real export job of the backend, left in ``state``."""
        self.backend.with_delay().export_contacts()
        job = self.env["queue.job"].search(
            [("model_name", "=", self.backend._name)], order="id desc", limit=1
        )
        values = {"state": state}
        if state == "failed":
            values.update(exc_name="ConfigurationError", exc_message="Bad URL")
        job.write(values)
        return job

    def failed_steps(self, user):
        action = self.env.ref("connector_marketing_base.action_marketing_failed_step")
        Job = self.env["queue.job"].with_user(user)
        return Job.search(safe_eval(action.domain))

    def test_failed_step_is_listed_for_marketing_managers_with_what_to_do(self):
        failed = self.step("failed")
        done = self.step("done")
        other = self.env["res.partner"].with_delay().exists()  # not marketing
        other_job = self.env["queue.job"].search([("uuid", "=", other.uuid)])
        other_job.write({"state": "failed", "exc_name": "X", "exc_message": "x"})
        listed = self.failed_steps(self.manager)
        self.assertIn(failed, listed)
        self.assertNotIn(done, listed)
        self.assertIn("What to do", failed.exc_message)
        # a marketing manager reads marketing jobs only, not the others
        self.assertFalse(
            self.env["queue.job"]
            .with_user(self.manager)
            .search([("id", "=", other_job.id)])
        )

    def test_replay_requeues_failed_steps_and_leaves_done_ones(self):
        failed = self.step("failed")
        done = self.step("done")
        jobs = (failed | done).with_user(self.manager)
        jobs.action_marketing_replay()
        self.assertEqual(failed.state, "pending")
        self.assertEqual(done.state, "done", "a succeeded step is never run again")
        # pressed again: nothing failed any more, nothing changes
        jobs.action_marketing_replay()
        self.assertEqual((failed.state, done.state), ("pending", "done"))

    def test_only_managers_replay(self):
        failed = self.step("failed")
        with self.assertRaises(AccessError):
            failed.with_user(self.reviewer).action_marketing_replay()
        self.assertEqual(failed.state, "failed")
