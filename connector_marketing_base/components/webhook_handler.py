# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.addons.component.core import AbstractComponent


class MarketingWebhookHandler(AbstractComponent):
    """Process one stored webhook event inside its job.

    The default treats the webhook as a hint: it re-reads the contact named by
    the event through the API and imports it, which is idempotent and never
    trusts an unsigned body for data.  A provider whose webhooks carry more
    declares it: which event types make the contact be read again
    (``_refresh_events``), which ones are engagement stored as
    ``marketing.activity`` (``_activity_events``, the activity's fields
    read from the body by :meth:`_event_activity`), and which events are not
    applied at all (:meth:`_ignore_reason`).  So every provider's events go
    through the same steps, in the same order: a contact Odoo does not know
    yet gets its partner before its activity is stored.
    """

    _name = "marketing.webhook.handler"
    _inherit = "marketing.base"
    _usage = "webhook.handler"

    #: event types after which the contact is read again (None: every event
    #: that names a contact)
    _refresh_events = None
    #: event type → ``marketing.activity`` type, for the events stored as
    #: activities
    _activity_events = {}

    def run(self, event):
        if event.state == "done":
            return self.env._("Already processed")
        state, result = self._handle(event)
        return event._mark(state, result)

    def _handle(self, event):
        """``(state, result)`` of the event: see the class."""
        reason = self._ignore_reason(event)
        if reason:
            return "ignored", reason
        kind = event.event_type or ""
        results = []
        refresh = self._refresh_events is None or kind in self._refresh_events
        if refresh and event.external_id:
            results.append(self._refresh(event))
        if kind in self._activity_events:
            results.append(self._record_activity(event))
        if results:
            return "done", "; ".join(results)
        if self._refresh_events is None:
            return "ignored", self.env._("No contact in this event")
        return "ignored", self.env._("Event type %s is not used", kind)

    def _ignore_reason(self, event):
        """Hook: why ``event`` is not applied at all (e.g. our own write
        coming back), or an empty text."""
        return ""

    def _refresh(self, event):
        """Read the contact of ``event`` again through the API and import it."""
        outcome = self.component(usage="record.importer").run(event.external_id)
        return self.env._(
            "Contact %(id)s: %(outcome)s", id=event.external_id, outcome=outcome
        )

    def _record_activity(self, event):
        """Store ``event`` as an activity (kept by its dedupe key: an event
        delivered twice is stored once) of the partner it names, if known."""
        binding = (
            self.binder_for().to_internal(event.external_id)
            if event.external_id
            else None
        )
        values = dict(
            self._event_activity(event),
            external_id=event.dedupe_key,
            activity_type=self._activity_events[event.event_type],
            partner_id=binding.odoo_id.id if binding else False,
            payload=event.payload or {},
        )
        activities = (
            self.env["marketing.activity"].sudo()._record(self.backend_record, [values])
        )
        return self.env._("%s activity stored", len(activities))

    def _event_activity(self, event):
        """Hook: the activity's ``occurred_at``, ``email``, ``campaign`` and
        ``detail`` read from the event's body."""
        raise NotImplementedError
