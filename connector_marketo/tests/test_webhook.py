import json

from odoo.tests import tagged
from odoo.tests.common import HttpCase

from .common import MarketoBackendMixin

URL = "/connector_marketo/webhook/%s"
HEADER = "X-Marketo-Webhook-Secret"


@tagged("post_install", "-at_install")
class TestMarketoWebhook(MarketoBackendMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls._create_backend(cls.env)

    def post(self, body, secret="mkto-hook-secret"):
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[HEADER] = secret
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.opener.post(
            self.base_url() + URL % self.backend.id,
            data=data.encode() if isinstance(data, str) else data,
            headers=headers,
            timeout=10,
        )

    def events(self):
        return self.env["marketing.webhook.event"].search(self.backend._scope_domain())

    def test_template_call_enqueues_a_lead_refresh(self):
        body = {
            "leadId": "318581",
            "trigger": "score_change",
            "sentAt": "2026-11-23 10:00:00",
        }
        response = self.post(body)
        self.assertEqual(response.status_code, 200, response.text)
        event = self.events()
        self.assertEqual(
            (event.external_id, event.event_type), ("318581", "score_change")
        )
        job = self.env["queue.job"].search([("uuid", "=", event.job_uuid)])
        self.assertEqual(job.priority, 5)
        self.assertEqual(job.channel, "root.marketing.marketo.webhook")
        self.assertEqual(self.post(body).json()["duplicates"], 1, "a retried call")
        body["sentAt"] = "2026-11-23 10:05:00"
        self.assertEqual(self.post(body).json()["accepted"], 1, "a new trigger")

    def test_secret_is_required(self):
        for secret in (None, "", "wrong"):
            self.assertEqual(self.post({"leadId": "1"}, secret=secret).status_code, 403)
        self.assertFalse(self.events())

    def test_garbage_is_refused(self):
        for body in (
            "nope",
            "[]",
            json.dumps({"leadId": "{{lead.Id}}"}),
            json.dumps({"trigger": "x"}),
        ):
            self.assertEqual(self.post(body).status_code, 400, body)
        self.assertFalse(self.events())

    def test_readme_template_rendered_as_marketo_does_is_accepted(self):
        """The template of readme/CONFIGURE.rst, its tokens replaced the way
        Marketo does under JSON encoding (string tokens quoted by Marketo),
        is valid JSON the controller accepts, whichever type lead.Id has."""
        from tests.sandbox.marketo import render_webhook_template
        from tests.tier1.contract_marketo import WEBHOOK_TOKENS, webhook_template

        for lead_id in (318581, "318582"):
            tokens = dict(WEBHOOK_TOKENS, **{"lead.Id": lead_id})
            body = render_webhook_template(webhook_template(), tokens)
            response = self.post(body)
            self.assertEqual(response.status_code, 200, (body, response.text))
            self.assertEqual(response.json()["accepted"], 1)
        self.assertEqual(
            sorted(self.events().mapped("external_id")), ["318581", "318582"]
        )
