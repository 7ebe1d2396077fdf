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
    _refresh_events = REFRESH_TYPES
    _activity_events = ACTIVITY_TYPES

    def _ignore_reason(self, event):
        if (
            self.backend_record.webhook_ignore_api
            and (event.payload or {}).get("initiated_by") == "api"
        ):
            return self.env._("Initiated by the API: our own write")
        if (event.event_type or "").startswith("deal_"):
            return self.env._("Deals follow Odoo's orders")
        return super()._ignore_reason(event)

    def _event_activity(self, event):
        payload = event.payload or {}
        return {
            "occurred_at": utc_text(payload.get("date_time")) or fields.Datetime.now(),
            "email": payload.get("contact[email]"),
            "campaign": payload.get("campaign[name]") or payload.get("list"),
            "detail": payload.get("link[url]") or payload.get("bounce[description]"),
        }
