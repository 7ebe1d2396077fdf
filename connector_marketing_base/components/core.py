# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import AbstractComponent


class MarketingConnectorComponent(AbstractComponent):
    """Root of the marketing components.

    Abstract and without ``_collection``: each provider declares
    ``<provider>.base`` with ``_collection = "<provider>.backend"`` and its
    concrete components inherit both that and the base component of their
    role (``marketing.adapter``, ``marketing.batch.importer``...).
    """

    _name = "marketing.base"
    _inherit = "base.connector"

    def _issue(self, direction, reason_code, reason, **kwargs):
        """File a review item for the current backend (see marketing.sync.issue)."""
        return (
            self.env["marketing.sync.issue"]
            .sudo()
            ._report(self.backend_record, direction, reason_code, reason, **kwargs)
        )

    def _issue_refused(self, result, record, payload, default):
        """File the export review item of a record the platform refused:
        the platform's own code and message from its per-record ``result``
        (``default``: the message when it gave none)."""
        return self._issue(
            "export",
            result.get("code") or "rejected",
            result.get("message") or default,
            record=record,
            payload=payload,
        )

    def _issue_many(self, direction, reason_code, items):
        """File review items of one reason in one go (see ``_report_many``)."""
        return (
            self.env["marketing.sync.issue"]
            .sudo()
            ._report_many(self.backend_record, direction, reason_code, items)
        )

    def _text(self, label, values):
        """``label``, a lazy translation a component declares (``_feed_result``,
        ``_job_label``...), in the user's language with its placeholders
        filled from ``values``.

        Why a helper: ``env._`` translates a lazy term but takes no
        arguments with it; the term is translated first, then filled.
        """
        text = self.env._(label)
        return text % values

    def _memo(self, name):
        """A dict that lives as long as this component instance.

        Why: a component is built for one unit of work (a page, a batch), so
        what it looks up once (mapping lines, countries, companies, custom
        field definitions) is kept for that unit and no longer; the next page
        gets a fresh component and reads again what may have changed.
        """
        memos = vars(self).setdefault("_memos", {})
        return memos.setdefault(name, {})

    def _once(self, name, compute):
        """``compute()``, called once for this component instance (a memo of
        one value, see :meth:`_memo`)."""
        memo = self._memo("once")
        if name not in memo:
            memo[name] = compute()
        return memo[name]

    def _forget_memo(self, name):
        """Drop one memo, e.g. after a rollback that may have undone records
        it holds."""
        vars(self).get("_memos", {}).pop(name, None)

    def _isolated(self):
        """Savepoint for one record of a batch: its failure stays its own."""
        return self.env.cr.savepoint()

    def _remote_opt_out(self, email, detail="", binding=None):
        """The person unsubscribed on the platform: the address goes on
        Odoo's blacklist (see ``mail.blacklist._marketing_remote_unsubscribe``
        for the guards; the opt-out then reaches the other platforms).
        ``binding``, the contact just read, is marked as holding the opt-out
        (with the hash of a payload that says it): nothing is echoed back.
        Returns whether the address was blacklisted now."""
        if binding:
            # is_blacklisted of this partner may be cached from the import
            binding.odoo_id.invalidate_recordset(["is_blacklisted"])
        added = bool(
            self.env["mail.blacklist"]._marketing_remote_unsubscribe(
                [email], self._unsubscribe_message(detail)
            )
        )
        if binding:
            values = {"opt_out_sent": True}
            if added:
                exporter = self.component(
                    usage="batch.exporter", model_name=binding._name
                )
                values["export_hash"] = exporter._payload_hash(binding)
            binding._write_sync_columns({binding.id: values})
        return added

    def _export_dependency(self, record, binding_model, usage="record.exporter"):
        """The binding of ``record`` on ``binding_model``, exported first
        when it has no remote id yet (found or created: ``_bind``).

        For a record that links to another one on the platform (a deal to
        its contact, a contact to its account): the exporters of both sides
        use it, so a dependency is bound and sent the same way everywhere.
        """
        backend = self.backend_record
        dependency = self.env[binding_model]._bind(backend, record)
        if not dependency.external_id:
            with backend.work_on(binding_model) as work:
                work.component(usage=usage).run(dependency)
        return dependency

    def _unsubscribe_message(self, detail=""):
        """The blacklist note of an unsubscribe read from this backend."""
        return self.env._(
            "Unsubscribed on %(provider)s (%(backend)s)%(detail)s",
            provider=self.backend_record._provider_label,
            backend=self.backend_record.display_name,
            detail=f": {detail}" if detail else "",
        )

    def _remote_deleted(self, bindings):
        """``bindings`` whose contacts the platform deleted: unbound, each
        with a review item and a tombstone (see
        ``marketing.backend._remote_contacts_deleted``); returns them."""
        if not bindings:
            return bindings
        return self.backend_record._remote_contacts_deleted(bindings)
