# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

#: queue.job states of a job that will not run again by itself
DEAD_JOB_STATES = ("failed",)


class MarketingWebhookEvent(models.Model):
    """Dead letters: events whose processing failed for good, and replay.

    An event's job that raises rolls its transaction back, so the event
    itself stays "pending"; what failed is its job (retries spent, or a
    configuration error).  Such an event, or one a handler marked "failed",
    is a dead letter, listed with the reason its job gave.  Once the cause is
    fixed a manager replays it: a failed job is requeued (same job, its
    history kept), an event without one gets a new job.  An event that was
    processed (done or ignored) is never processed again: replaying it does
    nothing, and the handler itself skips a "done" event.
    """

    _inherit = "marketing.webhook.event"

    dead_letter = fields.Boolean(
        compute="_compute_dead_letter", search="_search_dead_letter"
    )
    dead_letter_reason = fields.Text(
        string="Why it failed", compute="_compute_dead_letter"
    )

    def _jobs(self):
        uuids = [uuid for uuid in self.mapped("job_uuid") if uuid]
        if not uuids:
            return {}
        jobs = self.env["queue.job"].sudo().search([("uuid", "in", uuids)])
        return {job.uuid: job for job in jobs}

    def _compute_dead_letter(self):
        jobs = self._jobs()
        for event in self:
            job = jobs.get(event.job_uuid)
            job_dead = bool(
                event.state == "pending" and job and job.state in DEAD_JOB_STATES
            )
            event.dead_letter = event.state == "failed" or job_dead
            if job_dead:
                event.dead_letter_reason = (
                    job.exc_message or job.exc_name or job.result or ""
                )
            elif event.state == "failed":
                event.dead_letter_reason = event.result
            else:
                event.dead_letter_reason = False

    @api.model
    def _search_dead_letter(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        dead_uuids = (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("state", "in", DEAD_JOB_STATES),
                    ("method_name", "=", "process_webhook_event"),
                ]
            )
            .mapped("uuid")
        )
        domain = [
            "|",
            ("state", "=", "failed"),
            "&",
            ("state", "=", "pending"),
            ("job_uuid", "in", dead_uuids),
        ]
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    def action_replay(self):
        """Process these events again (managers, once the cause is fixed).

        Done or ignored events are left alone: a replay never applies an
        event twice.
        """
        if not self.env.user.has_group(
            "connector_marketing_base.group_marketing_manager"
        ):
            raise AccessError(
                self.env._("Only marketing managers may replay webhook events.")
            )
        self.check_access("write")
        replayable = self.filtered(lambda e: e.state in ("pending", "failed"))
        jobs = replayable._jobs()
        requeued = replayable.browse()
        for event in replayable:
            job = jobs.get(event.job_uuid)
            if job and job.state in ("pending", "enqueued", "started"):
                continue  # still under way: nothing to replay
            event.write({"state": "pending", "result": False})
            if job and job.state in DEAD_JOB_STATES:
                job.requeue()
            else:
                # as the webhook controller enqueues it: the job applies the
                # platform's data, whoever pressed the button
                event.sudo()._enqueue()
            requeued |= event
        message = self.env._(
            "%(n)s events replayed, %(skipped)s left alone (processed or under way).",
            n=len(requeued),
            skipped=len(self) - len(requeued),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success" if requeued else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
