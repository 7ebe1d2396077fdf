# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.queue_job.job import identity_exact


class MarketingBackend(models.AbstractModel):
    """The jobs every backend runs and the scheduler that enqueues them.

    They are declared on the abstract model once, but run on the concrete
    ``<provider>.backend`` so that provider's ``queue.job.function`` records
    (channel, retry pattern) apply.
    """

    _inherit = "marketing.backend"

    #: the provider's own buttons the sync cron presses too, each on the
    #: backends of a domain: ``{button: domain}``
    _scheduled_buttons = {}

    def _run_component(
        self, usage, *args, model=None, method="run", check_sync=True, **kwargs
    ):
        """What a job does: on this one backend (one that may sync, unless
        ``check_sync`` is off for a read-only job), call ``method`` of the
        component of ``usage`` working on ``model`` (the partner binding
        model by default).  Why one helper: every job of the base and of the
        providers is these lines, and the checks must not differ by job.
        """
        self.ensure_one()
        if check_sync:
            self._check_can_sync()
        with self.work_on(model or self._partner_binding_model) as work:
            return getattr(work.component(usage=usage), method)(*args, **kwargs)

    @api.private
    def import_contacts_page(self, cursor_name="contacts"):
        """Import one page of changed contacts; enqueue the next page."""
        return self._run_component("batch.importer", cursor_name)

    def _import_records(self, records):
        """Import contacts already read elsewhere (a staged bulk extract
        chunk).  Not a job: a job carries the chunk's id
        (``import_contacts_chunk``), never the contacts themselves."""
        return self._run_component("batch.importer", records, method="run_records")

    @api.private
    def import_contact(self, external_id, force_create=False):
        """Import one contact by id (webhook refresh, review-queue retry)."""
        return self._run_component(
            "record.importer", external_id, force_create=force_create
        )

    @api.private
    def export_contacts(self, after_id=0):
        """Bind the partners of the sync domain and export them in batches
        (a slice of partners after ``after_id`` per job; see
        ``marketing.batch.exporter.enqueue_all``)."""
        return self._run_component(
            "batch.exporter", method="enqueue_all", after_id=after_id
        )

    @api.private
    def export_opt_outs(self):
        """Job: carry the opt-outs made in Odoo since the last sync to the
        platform (the contacts are unsubscribed in batches)."""
        return self._run_component("consent.exporter", method="enqueue")

    def _enqueue_opt_outs(self):
        for backend in self:
            backend.with_delay(
                priority=10,
                identity_key=identity_exact,
                description=backend._job_description(
                    self.env._("Carry opt-outs made in Odoo")
                ),
            ).export_opt_outs()

    @api.private
    def delete_remote_contact(self, external_id):
        self.ensure_one()
        with self.work_on(self._partner_binding_model) as work:
            work.component(usage="backend.adapter").delete(external_id)
        return self.env._("Deleted remote contact %s", external_id)

    @api.private
    def follow_bulk_import(self, tracker):
        """Check a running bulk import; re-enqueues itself until it is done."""
        return self._run_component(
            "bulk.import.follower",
            tracker,
            model=tracker.binding_model,
            check_sync=False,
        )

    @api.private
    def refresh_remote_fields(self):
        """Read the platform's custom field definitions into the cache."""
        self.ensure_one()
        with self.work_on(self._name) as work:
            definitions = work.component(usage="backend.adapter").list_fields()
        count = self.env["marketing.remote.field"].sudo()._refresh(self, definitions)
        return self.env._("%s custom fields read", count)

    @api.private
    def process_webhook_event(self, event):
        """Apply one stored webhook event (see the provider's webhook.handler)."""
        return self._run_component("webhook.handler", event, check_sync=False)

    @api.private
    def reconcile_contacts_page(self, cursor_name="reconcile"):
        """Compare counts and field hashes with the remote side, page by page."""
        return self._run_component("reconciler", cursor_name, check_sync=False)

    @api.private
    def cleanup_old_records(self):
        """Retention: drop old activities, processed events, resolved issues."""
        self.ensure_one()
        limit = fields.Datetime.now() - timedelta(days=self.retention_days or 30)
        scope = self._scope_domain()
        counts = {}
        for model, domain in (
            ("marketing.activity", [("create_date", "<", limit)]),
            (
                "marketing.webhook.event",
                [("create_date", "<", limit), ("state", "in", ("done", "ignored"))],
            ),
            (
                "marketing.sync.issue",
                [("write_date", "<", limit), ("state", "in", ("resolved", "ignored"))],
            ),
        ):
            records = self.env[model].sudo().search(scope + domain)
            counts[model] = len(records)
            records.unlink()
        self.env["marketing.remote.create"].sudo()._cleanup(self)
        return self.env._(
            "Deleted %(act)s activities, %(evt)s webhook events, %(iss)s issues",
            act=counts["marketing.activity"],
            evt=counts["marketing.webhook.event"],
            iss=counts["marketing.sync.issue"],
        )

    # ------------------------------------------------------------------
    # scheduler (one ir.cron per provider calls these on its model)
    # ------------------------------------------------------------------
    @api.model
    def _scheduler_sync(self):
        """Delta import and export of pending changes for every active
        backend, then the provider's :attr:`_scheduled_buttons`."""
        for backend in self.search([]):
            backend.action_import_contacts()
            backend.action_export_contacts()
            backend._enqueue_opt_outs()
        for button, domain in self._scheduled_buttons.items():
            getattr(self.search(domain), button)()

    @api.model
    def _scheduler_maintenance(self):
        for backend in self.search([]):
            backend.with_delay(
                priority=50,
                description=backend._job_description(
                    self.env._("Clean up old records")
                ),
            ).cleanup_old_records()
            backend.action_reconcile()
