# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.addons.component.core import AbstractComponent


class MarketingWebhookHandler(AbstractComponent):
    """Process one stored webhook event inside its job.

    The default treats the webhook as a hint: it re-reads the contact named by
    the event through the API and imports it, which is idempotent and never
    trusts an unsigned body for data.  Providers override :meth:`_handle`
    for events that carry something else (activities, deals).
    """

    _name = "marketing.webhook.handler"
    _inherit = "marketing.base"
    _usage = "webhook.handler"

    def run(self, event):
        if event.state == "done":
            return self.env._("Already processed")
        state, result = self._handle(event)
        return event._mark(state, result)

    def _handle(self, event):
        if not event.external_id:
            return "ignored", self.env._("No contact in this event")
        outcome = self.component(usage="record.importer").run(event.external_id)
        return "done", self.env._(
            "Contact %(id)s: %(outcome)s", id=event.external_id, outcome=outcome
        )
