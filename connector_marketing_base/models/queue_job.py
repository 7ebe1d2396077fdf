# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..exceptions import operator_message


class QueueJob(models.Model):
    """Jobs of the marketing connectors: linked to their backend, opening
    their record, stamping the backend's health when they succeed and saying
    what to do when they fail.

    Done here rather than in each job method so that every job of every
    provider (and those a provider adds later) gets it without a line of its
    own.
    """

    _inherit = "queue.job"

    marketing_backend_ref = fields.Char(
        string="Marketing backend",
        compute="_compute_marketing_backend_ref",
        store=True,
        index=True,
        help="'<backend model>,<id>' of the marketing backend the job works "
        "for: the backend's health counts and opens its jobs with it.",
    )

    @api.depends("model_name", "records")
    def _compute_marketing_backend_ref(self):
        for job in self:
            backend = job._marketing_backend()
            job.marketing_backend_ref = (
                f"{backend._name},{backend.id}" if backend else False
            )

    def _marketing_backend(self):
        """The backend of a job on a backend or on its bindings, or None."""
        self.ensure_one()
        if not self.model_name or self.model_name not in self.env:
            return None
        records = self.records
        backend_class = type(self.env["marketing.backend"])
        if isinstance(records, backend_class):
            return records[:1] or None
        backend_field = records._fields.get("backend_id")
        if backend_field and backend_field.type == "many2one":
            backend = records[:1].backend_id
            if isinstance(backend, backend_class):
                return backend or None
        return None

    def _marketing_kind(self):
        """``import``, ``export`` or ``engagement``: what a success of this
        job stamps on its backend's health (None: nothing)."""
        backend = self._marketing_backend()
        return backend._health_job_kind(self.method_name) if backend else None

    # ------------------------------------------------------------------
    # related action
    # ------------------------------------------------------------------
    def related_action_open_record(self):
        """Open what a marketing job works on: the record it was given (a
        webhook event, a bulk import), the partners of the bindings it
        exports, or its backend; other jobs keep queue_job's default."""
        self.ensure_one()
        backend = self._marketing_backend()
        if not backend:
            return super().related_action_open_record()
        target = self._marketing_related_records(backend)
        action = {
            "name": self.env._("Related Record"),
            "type": "ir.actions.act_window",
            "res_model": target._name,
        }
        if len(target) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=target.id)
        else:
            action.update(
                view_mode="list,form",
                views=[(False, "list"), (False, "form")],
                domain=[("id", "in", target.ids)],
            )
        return action

    def _marketing_related_records(self, backend):
        records = self.records.exists()
        if records and records._name != backend._name:
            partners = records.mapped("odoo_id") if "odoo_id" in records else None
            return partners or records
        for arg in list(self.args or []) + list((self.kwargs or {}).values()):
            if isinstance(arg, models.BaseModel) and arg.exists():
                return arg.exists()
        return backend

    # ------------------------------------------------------------------
    # dead letters: sync steps that failed for good
    # ------------------------------------------------------------------
    def action_marketing_replay(self):
        """Replay failed sync steps once their cause is fixed.

        Only failed jobs of a marketing backend are requeued: a step that
        already succeeded, or is waiting or running, is left as it is, so a
        replay pressed twice (or on a mixed selection) never runs a step a
        second time.  queue_job's own *Requeue* would run a done job again.
        Marketing managers may replay without being queue_job managers.
        """
        if not self.env.user.has_group(
            "connector_marketing_base.group_marketing_manager"
        ):
            raise AccessError(
                self.env._("Only marketing managers replay failed sync steps.")
            )
        failed = self.filtered(
            lambda job: job.state == "failed" and job.marketing_backend_ref
        )
        failed.sudo().requeue()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if failed else "info",
                "message": self.env._(
                    "%(n)s failed step(s) replayed; %(m)s left as they were "
                    "(not failed, or not a marketing step).",
                    n=len(failed),
                    m=len(self) - len(failed),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------
    # success stamps and failure messages
    # ------------------------------------------------------------------
    def write(self, vals):
        if vals.get("state") == "failed" and vals.get("exc_name"):
            marketing = self.filtered("marketing_backend_ref")
            if marketing:
                for job in marketing:
                    super(QueueJob, job).write(
                        dict(
                            vals,
                            exc_message=operator_message(
                                vals["exc_name"], vals.get("exc_message")
                            ),
                        )
                    )
                return super(QueueJob, self - marketing).write(vals)
        result = super().write(vals)
        if vals.get("state") == "done":
            # a job that ran (one set to done by hand never started)
            for job in self.filtered(
                lambda j: j.marketing_backend_ref and j.date_started
            ):
                kind = job._marketing_kind()
                if kind:
                    self.env["marketing.backend.health"]._stamp(
                        job._marketing_backend(), kind, job.date_done
                    )
        return result
