# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.tools.dates import utc_text

#: webhook event type → marketing.activity type (engagement events)
ACTIVITY_TYPES = {
    "sent": "send",
    "open": "open",
    "click": "click",
    "bounce": "bounce",
    "forward": "forward",
    "reply": "reply",
    "unsubscribe": "unsubscribe",
}
#: events after which the contact is read again
REFRESH_TYPES = {
    "subscribe",
    "unsubscribe",
    "update",
    "contact_tag_added",
    "contact_tag_removed",
}


class ActivecampaignWebhookHandler(Component):
    """One stored webhook event, in its job.

    Engagement events are stored as activities (an unsubscribe also writes
    the blacklist); contact events make the contact be read again through
    the API, since the unsigned body is only a hint.  Events ActiveCampaign
    says the API initiated are our own writes coming back: not applied.
    Deal events are not applied either: deals follow Odoo's orders.
    """

    _name = "activecampaign.res.partner.webhook.handler"
    _inherit = ["marketing.webhook.handler", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]

    def _handle(self, event):
        payload = event.payload or {}
        kind = event.event_type or ""
        if (
            self.backend_record.webhook_ignore_api
            and payload.get("initiated_by") == "api"
        ):
            return "ignored", self.env._("Initiated by the API: our own write")
        if kind.startswith("deal_"):
            return "ignored", self.env._("Deals follow Odoo's orders")
        results = []
        if kind in REFRESH_TYPES and event.external_id:
            # first: a contact Odoo does not know yet gets its partner
            __, result = super()._handle(event)
            results.append(result)
        if kind in ACTIVITY_TYPES:
            results.append(self._record_activity(event, payload))
        if not results:
            return "ignored", self.env._("Event type %s is not used", kind)
        return "done", "; ".join(results)

    def _record_activity(self, event, payload):
        binding = (
            self.binder_for().to_internal(event.external_id)
            if event.external_id
            else None
        )
        moment = utc_text(payload.get("date_time")) or fields.Datetime.now()
        activities = (
            self.env["marketing.activity"]
            .sudo()
            ._record(
                self.backend_record,
                [
                    {
                        "external_id": event.dedupe_key,
                        "activity_type": ACTIVITY_TYPES[event.event_type],
                        "occurred_at": moment,
                        "partner_id": binding.odoo_id.id if binding else False,
                        "email": payload.get("contact[email]"),
                        "campaign": payload.get("campaign[name]")
                        or payload.get("list"),
                        "detail": payload.get("link[url]")
                        or payload.get("bounce[description]"),
                        "payload": payload,
                    }
                ],
            )
        )
        return self.env._("%s activity stored", len(activities))
