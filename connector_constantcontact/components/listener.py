# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.component_event import skip_if
from odoo.addons.queue_job.job import identity_exact


class ConstantContactBlacklistListener(Component):
    """Consent set in Odoo reaches Constant Contact; lifting it does not.

    Blacklisting an address unsubscribes its bound contacts.  Removing it
    from the blacklist changes nothing remotely (only the contact can opt in
    again on Constant Contact, through a sign-up form): the blacklist entry
    says so in its chatter.  Entries written by an import (the contact
    unsubscribed there) carry ``connector_no_export`` and are skipped.
    """

    _name = "constantcontact.mail.blacklist.listener"
    _inherit = "base.connector.listener"
    _apply_on = ["mail.blacklist"]

    def _bindings(self, entry):
        return (
            self.env["constantcontact.res.partner"]
            .sudo()
            .search(
                [
                    ("email_normalized", "=", entry.email),
                    ("external_id", "!=", False),
                    ("backend_id.active", "=", True),
                ]
            )
        )

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_create(self, record, fields=None):
        for entry in record.filtered("active"):
            self._unsubscribe(entry)

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_write(self, record, fields=None):
        if fields and "active" not in fields:
            return
        for entry in record:
            if entry.active:
                self._unsubscribe(entry)
            elif self._bindings(entry):
                entry.message_post(
                    body=self.env._(
                        "Removed from the blacklist in Odoo only: Constant "
                        "Contact keeps this address unsubscribed. Only the "
                        "contact can subscribe again (a sign-up form); the "
                        "connector never re-subscribes anyone."
                    )
                )

    def _unsubscribe(self, entry):
        for binding in self._bindings(entry):
            binding.with_delay(
                priority=10,
                identity_key=identity_exact,
                description=binding._job_description(
                    self.env._("Unsubscribe on Constant Contact")
                ),
            ).unsubscribe_remote()


class ConstantContactCategoryListener(Component):
    """A bound partner's categories changed: sync its list memberships."""

    _name = "constantcontact.res.partner.category.listener"
    _inherit = "base.connector.listener"
    _apply_on = ["res.partner"]

    @skip_if(lambda self, record, **kwargs: self.no_connector_export(record))
    def on_record_write(self, record, fields=None):
        if fields and "category_id" not in fields:
            return
        bindings = (
            self.env["constantcontact.res.partner"]
            .sudo()
            .search([("odoo_id", "in", record.ids), ("external_id", "!=", False)])
        )
        for backend in bindings.backend_id.filtered(
            lambda b: b.active and b.list_category_ids
        ):
            mine = bindings.filtered(lambda b, backend=backend: b.backend_id == backend)
            with backend.work_on("constantcontact.res.partner") as work:
                work.component(usage="list.exporter").enqueue(mine)
