import urllib.parse

from odoo.tests import tagged
from odoo.tests.common import HttpCase

from odoo.addons.connector_marketing_base.tests.common import run_jobs

from .common import ActivecampaignMixin, purge_shared_state

URL = "/connector_activecampaign/webhook/%s/%s"


@tagged("post_install", "-at_install")
class TestActivecampaignWebhook(ActivecampaignMixin, HttpCase):
    emulator_options = {"calls_per_window": None}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_sandbox()

    def setUp(self):
        super().setUp()
        self.addCleanup(purge_shared_state, self.registry)

    def post(self, form, secret="ac-hook-secret", content_type=None):
        data = form if isinstance(form, (bytes, str)) else urllib.parse.urlencode(form)
        return self.opener.post(
            self.base_url() + URL % (self.backend.id, secret),
            data=data.encode() if isinstance(data, str) else data,
            headers={
                "Content-Type": content_type or "application/x-www-form-urlencoded"
            },
            timeout=10,
        )

    def events(self):
        return self.env["marketing.webhook.event"].search(self.backend._scope_domain())

    def process(self):
        for event in self.events().filtered(lambda e: e.state == "pending"):
            run_jobs(self.backend.process_webhook_event, event)

    def test_unsubscribe_reaches_the_blacklist_once(self):
        contact_id = self.emulator.seed(1)[0]
        self.emulator.unsubscribe(contact_id, emit=False)
        form = self.emulator.webhook_form("unsubscribe", contact_id, list_id="1")
        response = self.post(form)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["accepted"], 1)
        event = self.events()
        job = self.env["queue.job"].search([("uuid", "=", event.job_uuid)])
        self.assertEqual(job.priority, 5)
        self.assertEqual(job.channel, "root.marketing.activecampaign.webhook")
        self.assertEqual(self.post(form).json()["duplicates"], 1, "replayed")
        self.assertEqual(self.post(form).json()["duplicates"], 1, "replayed twice")
        self.process()
        self.assertEqual(len(self.events()), 1)
        partner = (
            self.env["activecampaign.res.partner"]
            .search([("external_id", "=", contact_id)])
            .odoo_id
        )
        self.assertTrue(partner.is_blacklisted)
        activities = self.env["marketing.activity"].search(
            self.backend._scope_domain() + [("activity_type", "=", "unsubscribe")]
        )
        self.assertEqual(len(activities), 1, "one effect")
        self.assertEqual(activities.partner_id, partner)

    def test_sandbox_posts_to_registered_webhook(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )
        self.backend.action_register_webhook()
        [hook] = self.emulator.webhooks.values()
        self.assertNotIn("api", hook["sources"], "our own writes are not echoed")
        self.assertIn(f"/webhook/{self.backend.id}/", hook["url"])
        contact_id = self.emulator.seed(1)[0]
        self.assertEqual(self.emulator.emit("update", contact_id), [200])
        self.assertEqual(self.events().event_type, "update")

    def test_api_initiated_events_are_not_applied(self):
        contact_id = self.emulator.seed(1)[0]
        form = self.emulator.webhook_form("update", contact_id, initiated_by="api")
        self.assertEqual(self.post(form).status_code, 200)
        self.process()
        self.assertEqual(self.events().state, "ignored")
        self.assertFalse(
            self.env["activecampaign.res.partner"].search(
                [("external_id", "=", contact_id)]
            )
        )

    def test_wrong_secret_is_refused(self):
        form = {"type": "update", "contact[id]": "1"}
        for secret in ("wrong", "x" * 40):
            self.assertEqual(self.post(form, secret=secret).status_code, 403)
        self.assertFalse(self.events())

    def test_malformed_bodies_are_refused(self):
        for body, ctype in (
            ('{"type": "update"}', "application/json"),
            ("contact[id]=1", None),
            ("type=update", None),
            ("type=update&contact[id]=abc", None),
            ("type=up%20date&contact[id]=1", None),
        ):
            self.assertEqual(self.post(body, content_type=ctype).status_code, 400, body)
        self.assertFalse(self.events())

    def test_oversized_form_is_refused_before_odoo_parses_it(self):
        from odoo.addons.connector_marketing_base.controllers.webhook import (
            MAX_BODY_BYTES,
        )

        contact_id = self.emulator.seed(1)[0]
        form = self.emulator.webhook_form("update", contact_id)
        form["contact[fields][notes]"] = "x" * (MAX_BODY_BYTES + 1)
        response = self.post(form)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.events(), "nothing stored")
        # refused by the route, before the controller (which would answer
        # 403 to a wrong secret) and before Odoo read the form
        self.assertEqual(self.post(form, secret="wrong").status_code, 413)
        form["contact[fields][notes]"] = "x" * 1000
        self.assertEqual(self.post(form).status_code, 200, "a normal form passes")
        self.assertEqual(len(self.events()), 1)

    def test_nul_bytes_are_dropped_not_answered_500(self):
        contact_id = self.emulator.seed(1)[0]
        form = self.emulator.webhook_form("update", contact_id)
        form["contact[first_name]"] = "Gr\x00ace"
        response = self.post(form)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.events().payload["contact[first_name]"], "Grace")
        self.assertEqual(self.post(form).json()["duplicates"], 1)
