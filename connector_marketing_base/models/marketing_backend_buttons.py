# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.queue_job.exception import RetryableJobError

from ..exceptions import BadDataError, ConfigurationError


class MarketingBackend(models.AbstractModel):
    """The backend form's buttons: each checks the manager's right, then
    acts now (check the connection) or enqueues the job that does the work."""

    _inherit = "marketing.backend"

    def action_check_connection(self):
        """Ask the provider who we are; keep and show the verdict.

        A failure is a result, not an exception: the backend keeps the
        message (bad credentials, unreachable, missing permission) so the
        next person who opens it sees it too.
        """
        self._check_manager_access()
        self.ensure_one()
        with self.work_on(self._name) as work:
            adapter = work.component(usage="backend.adapter")
            try:
                message, state = adapter.check_connection(), "ok"
            except (ConfigurationError, RetryableJobError, BadDataError) as err:
                message, state = str(err), "error"
        self.write(
            {
                "state": state,
                "health_message": message,
                "health_checked_at": fields.Datetime.now(),
            }
        )
        return self._notification(
            message,
            "success" if state == "ok" else "danger",
            title=self.env._("Connection to %s", self._provider_label),
        )

    def _notification(self, message, kind="success", title=None):
        """What a button that acted now answers: a notification saying what
        it did (a failure stays on screen until read)."""
        params = {"message": message, "type": kind, "sticky": kind == "danger"}
        if title:
            params["title"] = title
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }

    def _button_enqueue(
        self, job_method, label, priority, chain_key=None, check_sync=True
    ):
        """What every "now" button does: check the manager's right, refuse a
        backend that may not sync, then enqueue ``job_method`` on each
        backend, as a chain keyed ``chain_key`` when one still running must
        not be doubled (see :meth:`_start_chain`)."""
        self._check_manager_access()
        for backend in self:
            if check_sync:
                backend._check_can_sync()
            description = backend._job_description(label)
            if chain_key:
                delayable = backend._start_chain(chain_key, priority, description)
            else:
                delayable = backend.with_delay(
                    priority=priority, description=description
                )
            if delayable:
                getattr(delayable, job_method)()
        return True

    def action_import_contacts(self):
        """Start a delta import now (one job per page)."""
        return self._button_enqueue(
            "import_contacts_page",
            self.env._("Import contacts"),
            30,
            chain_key="import:contacts",
        )

    def action_export_contacts(self):
        """Export every partner of the sync domain (unchanged ones are skipped)."""
        return self._button_enqueue(
            "export_contacts",
            self.env._("Export contacts"),
            30,
            chain_key="export:contacts",
        )

    def action_reconcile(self):
        """Compare Odoo and the platform now (read only: allowed even when
        the backend may not sync)."""
        return self._button_enqueue(
            "reconcile_contacts_page",
            self.env._("Reconcile contacts"),
            50,
            chain_key="reconcile",
            check_sync=False,
        )

    def _open_scoped(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = self._scope_domain()
        action["context"] = {
            "default_backend_model": self._name,
            "default_backend_id": self.id,
        }
        return action

    def action_open_issues(self):
        return self._open_scoped("connector_marketing_base.action_marketing_sync_issue")

    def action_open_field_mapping(self):
        return self._open_scoped(
            "connector_marketing_base.action_marketing_field_mapping"
        )

    def action_reset_throttle(self):
        """Close the circuit and clear provider blocks (after fixing the cause)."""
        self._check_manager_access()
        for backend in self:
            self.env["marketing.throttle"]._reset(backend)
        return True

    def action_refresh_remote_fields(self):
        """Button: refresh the cached custom field definitions now."""
        self._check_manager_access()
        for backend in self:
            backend._check_can_sync()
            message = backend.refresh_remote_fields()
        return self._notification(message)

    def action_open_remote_fields(self):
        return self._open_scoped(
            "connector_marketing_base.action_marketing_remote_field"
        )
