# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.connector_marketing_base.controllers.webhook import (
    MarketingWebhookController,
    WebhookRejected,
    body_hash,
    webhook_route,
)

#: longest event type accepted (ActiveCampaign's are short words)
MAX_TYPE_LENGTH = 64


def parse_activecampaign_webhook(data, httprequest):
    """ActiveCampaign's form-encoded post: ``type``, ``contact[id]``...

    Deliveries carry no event id and are never retried by ActiveCampaign;
    the same event posted twice (a replay, a proxy retry) has the same
    body, so the body hash is the dedupe key.
    """
    content_type = (httprequest.mimetype or "").lower()
    if content_type != "application/x-www-form-urlencoded":
        raise WebhookRejected("expected a form-encoded body")
    form = httprequest.form.to_dict()
    kind = (form.get("type") or "").strip()
    if not kind or len(kind) > MAX_TYPE_LENGTH or not kind.replace("_", "").isalnum():
        raise WebhookRejected("missing or invalid 'type'")
    contact_id = (form.get("contact[id]") or "").strip()
    if contact_id and not contact_id.isdigit():
        raise WebhookRejected("contact[id] must be ActiveCampaign's numeric id")
    if not contact_id and not kind.startswith("deal_"):
        raise WebhookRejected("contact[id] is missing")
    canonical = "&".join(f"{k}={form[k]}" for k in sorted(form))
    return [
        {
            "key": body_hash(canonical.encode()),
            "type": kind,
            "payload": form,
            "external_id": contact_id or None,
        }
    ]


class ActivecampaignWebhook(MarketingWebhookController):
    @webhook_route("/connector_activecampaign/webhook/<int:backend_id>/<string:secret>")
    def activecampaign_webhook(self, backend_id, secret, **kwargs):
        return self._accept(
            "activecampaign.backend",
            backend_id,
            secret,
            parse_activecampaign_webhook,
        )
