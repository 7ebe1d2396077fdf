# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

#: seconds to wait from the n-th try on, by channel: a webhook is retried
#: soon (a person waits for it), a batch later, maintenance the next hour
RETRY_PATTERNS = {
    "webhook": {1: 5, 5: 30, 10: 300},
    "export": {1: 10, 5: 60, 10: 600},
    "batch": {1: 30, 5: 300, 10: 1800},
    "maintenance": {1: 600},
}
#: the sub-channels of ``root.marketing.<provider>``, in the order made
CHANNEL_KINDS = tuple(RETRY_PATTERNS)


def job(kind, retry_pattern=None):
    """A job's ``(channel kind, retry pattern)``; the pattern of its
    channel unless the job needs another."""
    return kind, dict(retry_pattern or RETRY_PATTERNS[kind])


class MarketingBackend(models.AbstractModel):
    """The ``queue.job.function`` records, job channels and crons of a
    provider, declared once here and loaded by the provider's data file.

    Why not XML in each provider: the same dozen records were written three
    times with their channels and retry patterns, and a fix in one was
    missed in the others.  Why this is safe for Odoo: the records are loaded
    through ``_load_records``, as the XML loader does, with the provider
    module's XML ids (``<module>.job_function_<model>_<method>``,
    ``channel_<provider>_<kind>``, ``ir_cron_<provider>_<key>``) marked
    ``noupdate``; so an update creates what is missing and keeps what an
    administrator changed, and uninstalling the provider deletes them with
    its other data.  The provider calls the loaders from a data file that is
    *not* ``noupdate`` (a ``<function>`` there runs on install and on every
    update), e.g.::

        <function model="marketo.backend" name="_load_job_functions" />
        <function model="marketo.backend" name="_load_crons" />
    """

    _inherit = "marketing.backend"

    #: what the sync cron exports, in its name ("<label>: import changes,
    #: export pending <...>"); a provider whose scheduled buttons export
    #: more says so
    _sync_exports = "partners"

    @api.model
    def _job_functions(self):
        """``{(model, method): (channel kind, retry pattern)}`` of every job
        of the provider; a provider adds its own jobs, or moves one, with
        ``dict(super()._job_functions(), ...)``.

        Jobs are looked up on the concrete model, so each is declared on the
        provider's backend or binding model, never on the abstract one.
        """
        backend, binding = self._name, self._partner_binding_model
        return {
            (backend, "process_webhook_event"): job("webhook"),
            (backend, "import_contact"): job("webhook"),
            (backend, "import_contacts_page"): job("batch"),
            (backend, "export_contacts"): job("batch"),
            (backend, "delete_remote_contact"): job("export"),
            (backend, "forget_remote_contacts"): job("export"),
            (backend, "export_opt_outs"): job("export"),
            (backend, "reconcile_contacts_page"): job("maintenance"),
            (backend, "cleanup_old_records"): job("maintenance"),
            (binding, "export_record"): job("export"),
            (binding, "export_batch"): job("batch"),
            (binding, "unsubscribe_remote"): job("export"),
        }

    @api.model
    def _job_channel_name(self):
        """The provider's channel under ``root.marketing``: the first part of
        the backend model's name (``marketo.backend`` → ``marketo``)."""
        return self._name.split(".")[0]

    @api.model
    def _crons(self):
        """``{key: (name, method, interval number, interval type)}`` of the
        provider's scheduled actions (``ir_cron_<provider>_<key>``)."""
        label = self._provider_label
        return {
            "sync": (
                f"{label}: import changes, export pending {self._sync_exports}",
                "_scheduler_sync",
                15,
                "minutes",
            ),
            "maintenance": (
                f"{label}: reconciliation and retention",
                "_scheduler_maintenance",
                1,
                "days",
            ),
        }

    @api.model
    def _load_job_functions(self):
        """Create the provider's job channels and job functions that are
        missing (from its data file; see the class docstring)."""
        functions = self._job_functions()
        channels = self._load_job_channels(
            [
                kind
                for kind in CHANNEL_KINDS
                if kind in {k for k, __ in functions.values()}
            ]
        )
        IrModel = self.env["ir.model"]
        self._load_noupdate(
            "queue.job.function",
            {
                f"job_function_{model.replace('.', '_')}_{method}": {
                    "model_id": IrModel._get_id(model),
                    "method": method,
                    "channel_id": channels[kind].id,
                    "retry_pattern": retry_pattern,
                }
                for (model, method), (kind, retry_pattern) in functions.items()
            },
        )

    @api.model
    def _load_job_channels(self, kinds):
        """``root.marketing.<provider>`` and its sub-channels ``kinds``:
        ``{kind: channel}``."""
        name = self._job_channel_name()
        root = self._load_noupdate(
            "queue.job.channel",
            {
                f"channel_{name}": {
                    "name": name,
                    "parent_id": self.env.ref(
                        "connector_marketing_base.channel_marketing"
                    ).id,
                }
            },
        )
        channels = self._load_noupdate(
            "queue.job.channel",
            {
                f"channel_{name}_{kind}": {"name": kind, "parent_id": root.id}
                for kind in kinds
            },
        )
        return dict(zip(kinds, channels, strict=True))

    @api.model
    def _load_crons(self):
        """Create the provider's scheduled actions that are missing (from
        its data file; see the class docstring)."""
        model_id = self.env["ir.model"]._get_id(self._name)
        name = self._job_channel_name()
        self._load_noupdate(
            "ir.cron",
            {
                f"ir_cron_{name}_{key}": {
                    "name": label,
                    "model_id": model_id,
                    "state": "code",
                    "code": f"model.{method}()",
                    "interval_number": number,
                    "interval_type": interval,
                    "active": True,
                }
                for key, (label, method, number, interval) in self._crons().items()
            },
        )

    @api.model
    def _load_noupdate(self, model, values_by_xmlid):
        """Load records as a ``noupdate`` XML file of the provider module
        would: create those whose XML id is missing, leave the others as
        they are; the records, in order."""
        module = self._original_module
        return (
            self.env[model]
            .with_context(install_module=module)
            ._load_records(
                [
                    {"xml_id": f"{module}.{xmlid}", "values": values, "noupdate": True}
                    for xmlid, values in values_by_xmlid.items()
                ],
                update=True,
            )
        )
