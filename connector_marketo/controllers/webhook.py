# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.http import request

from odoo.addons.connector_marketing_base.controllers.webhook import (
    MarketingWebhookController,
    WebhookRejected,
    webhook_route,
)

SECRET_HEADER = "X-Marketo-Webhook-Secret"  # noqa: S105 (a header name)


def parse_marketo_webhook(data, httprequest):
    """The JSON template of README: leadId, trigger and a timestamp.

    Marketo neither signs nor numbers its calls; the dedupe key is the lead,
    the trigger and ``{{system.dateTime}}``, so a retried call is a no-op
    while the next real trigger of the same lead is not.
    """
    body = json.loads(data or b"null")
    if not isinstance(body, dict):
        raise WebhookRejected("expected a JSON object")
    lead_id = str(body.get("leadId") or "").strip()
    if not lead_id.isdigit():
        raise WebhookRejected("leadId must be the Marketo lead id ({{lead.Id}})")
    trigger = str(body.get("trigger") or "lead.changed")[:64]
    sent_at = str(body.get("sentAt") or "")[:64]
    return [
        {
            "key": f"{lead_id}:{trigger}:{sent_at}",
            "type": trigger,
            "payload": body,
            "external_id": lead_id,
        }
    ]


class MarketoWebhook(MarketingWebhookController):
    @webhook_route("/connector_marketo/webhook/<int:backend_id>")
    def marketo_webhook(self, backend_id, **kwargs):
        return self._accept(
            "marketo.backend",
            backend_id,
            request.httprequest.headers.get(SECRET_HEADER),
            parse_marketo_webhook,
        )
