# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models

from ..tools.normalize import strip_nul

_logger = logging.getLogger(__name__)


class MarketingWebhookEvent(models.Model):
    """Every inbound webhook accepted, raw, once.

    Providers deliver at least once (ActiveCampaign never retries, others may
    repeat): the dedupe key (the provider's event id, or a hash of the body)
    is unique per backend, so a replayed delivery is a no-op.  The controller
    only stores the event and enqueues its job; the job re-reads the
    authoritative data through the API.
    """

    _name = "marketing.webhook.event"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Webhook Event"
    _order = "id desc"
    _rec_name = "event_type"

    dedupe_key = fields.Char(required=True, readonly=True)
    event_type = fields.Char(readonly=True)
    external_id = fields.Char(readonly=True, index=True, help="Remote contact id.")
    payload = fields.Json(readonly=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("done", "Done"),
            ("ignored", "Ignored"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        index=True,
    )
    result = fields.Text(readonly=True)
    job_uuid = fields.Char(readonly=True, index=True)

    _sql_constraints = [
        (
            "dedupe_uniq",
            "unique(backend_model, backend_id, dedupe_key)",
            "This webhook event was already received.",
        )
    ]

    @api.model
    def _receive(self, backend, dedupe_key, event_type, payload, external_id=None):
        """Store an event; return ``(event, created)``.

        A concurrent duplicate delivery is a quiet no-op (no ``bad query``
        ERROR in the log, see ``_insert_unique``); when it was committed after
        this request's snapshot it is not visible here and the event returned
        is empty, with ``created`` false.
        """
        dedupe_key, event_type, payload, external_id = strip_nul(
            [dedupe_key, event_type, payload, external_id]
        )
        # the INSERT is the duplicate check (its unique key): a new event,
        # the common case, costs no search
        event = self._insert_unique(
            backend,
            {
                "dedupe_key": dedupe_key,
                "event_type": event_type or False,
                "payload": payload,
                "external_id": external_id or False,
                "state": "pending",
            },
            ("backend_model", "backend_id", "dedupe_key"),
        )
        if not event:
            domain = backend._scope_domain() + [("dedupe_key", "=", dedupe_key)]
            return self.search(domain, limit=1), False
        return event, True

    def _enqueue(self, backend=None):
        """One high-priority job per event; remember it for the operator.

        ``backend``: the events' backend when the caller has it (the
        webhook controller), which saves reading it again per event.
        ``tracking_disable``: a job is a ``mail.thread``; its creation
        tracks nothing anyone reads (and the context is not stored with
        the job, so it does not reach the job's run).
        """
        for event in self:
            target = backend or event._backend()
            job = (
                target.with_context(tracking_disable=True)
                .with_delay(
                    priority=5,
                    description=target._job_description(
                        self.env._(
                            "Process %(type)s webhook", type=event.event_type or ""
                        )
                    ),
                )
                .process_webhook_event(event)
            )
            event.job_uuid = job.uuid

    def _mark(self, state, result):
        self.write({"state": state, "result": result})
        return result
