import json

from odoo.http import request

from odoo.addons.connector_marketing_base.controllers.webhook import (
    MarketingWebhookController,
    WebhookRejected,
    body_hash,
    webhook_route,
)


def parse_demo_webhook(data, httprequest):
    """Demo webhooks: a JSON object with an optional event id and a contact."""
    body = json.loads(data or b"null")
    if not isinstance(body, dict) or not body.get("contact_id"):
        raise WebhookRejected("expected a JSON object with a contact_id")
    return [
        {
            "key": str(body.get("event_id") or body_hash(data)),
            "type": str(body.get("type") or "contact.updated"),
            "payload": body,
            "external_id": str(body["contact_id"]),
        }
    ]


class TestMarketingWebhook(MarketingWebhookController):
    @webhook_route("/test_connector_marketing_base/webhook/<int:backend_id>")
    def webhook(self, backend_id, **kwargs):
        secret = request.httprequest.headers.get("X-Webhook-Secret")
        return self._accept(
            "test.marketing.backend", backend_id, secret, parse_demo_webhook
        )
