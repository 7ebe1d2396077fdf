"""Consent scenarios every provider runs against its sandbox.

A provider's test class mixes :class:`ConsentScenarios` into its
``MarketingSandboxCase`` and says, from the sandbox's side, whether an
address is held unsubscribed (``remote_unsubscribed``) and whether it could
be mailed (``remote_marketable``); the scenarios are the same for all.
"""

from odoo import fields

DOMAIN = "consent.example.com"


class ConsentScenarios:
    """Opt-outs made in Odoo reach the platform on every path, and nothing
    ever makes an opted-out address mailable again."""

    # Odoo's runner runs only the methods a test class defines itself,
    # unless it allows inherited ones: these scenarios are inherited
    allow_inherited_tests_method = True

    def remote_unsubscribed(self, email):
        """True when the sandbox holds ``email`` as unsubscribed."""
        raise NotImplementedError

    def remote_marketable(self, email):
        """True when the sandbox could mail ``email`` (subscribed, on a list
        where the provider has lists)."""
        raise NotImplementedError

    def remote_delete(self, email):
        """Delete the contact of ``email`` on the sandbox."""
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        # attempts of the other tests of the class (same sandbox) do not count
        self.addCleanup(self._no_new_attempt, self.attempts())

    def attempts(self):
        return self.emulator.stats["resubscribe_attempts"]

    def _no_new_attempt(self, before):
        self.assertEqual(self.attempts(), before, "a re-subscription was tried")

    def consent_partners(self, count, prefix="p"):
        return self.env["res.partner"].create(
            [
                {"name": f"Consent {prefix}{i}", "email": f"{prefix}{i}@{DOMAIN}"}
                for i in range(count)
            ]
        )

    def binding_for(self, partner):
        return self.env[self.binding_model].search(
            [("backend_id", "=", self.backend.id), ("odoo_id", "=", partner.id)]
        )

    def one_scheduler_cycle(self):
        """The provider's cron, its jobs run to the end (its delta imports
        start from now: they are not what is tested here)."""
        self.backend.import_since = fields.Datetime.now()
        self.run_jobs(self.env[self.backend_model]._scheduler_sync)

    def test_consent_thousand_partners_hundred_blacklisted_then_fifty_more(self):
        self.backend.partner_domain = repr([("email", "ilike", f"@{DOMAIN}")])
        partners = self.consent_partners(1000)
        self.env["mail.blacklist"].create(
            [{"email": partner.email} for partner in partners[:100]]
        )
        self.run_jobs(self.backend.export_contacts)
        emails = partners.mapped("email")
        marketable = [email for email in emails if self.remote_marketable(email)]
        self.assertEqual(
            marketable, emails[100:], "exactly the 900 who did not opt out"
        )
        self.assertTrue(all(self.remote_unsubscribed(e) for e in emails[:100]))
        # fifty more opt out in Odoo; one scheduler cycle carries them
        for email in emails[100:150]:
            self.env["mail.blacklist"]._add(email)
        self.one_scheduler_cycle()
        self.assertEqual(
            [e for e in emails[:150] if not self.remote_unsubscribed(e)], []
        )
        self.assertEqual([e for e in emails if self.remote_marketable(e)], emails[150:])

    def test_consent_single_export_and_re_export_after_remote_deletion(self):
        partner = self.consent_partners(1, prefix="single")
        self.env["mail.blacklist"]._add(partner.email)
        binding = self.bind(partner)
        self.run_jobs(binding.export_record)
        self.assertTrue(binding.external_id, "exported, as an opt-out")
        self.assertTrue(self.remote_unsubscribed(partner.email))
        self.assertFalse(self.remote_marketable(partner.email))
        # deleted on the platform, exported again from a binding without id
        self.remote_delete(partner.email)
        binding.external_id = False
        binding.export_hash = False
        self.run_jobs(binding.export_record)
        self.assertTrue(binding.external_id)
        self.assertTrue(self.remote_unsubscribed(partner.email))
        self.assertFalse(self.remote_marketable(partner.email))

    def test_consent_opt_out_of_exported_contact_and_lift(self):
        partner = self.consent_partners(1, prefix="lift")
        binding = self.bind(partner)
        self.run_jobs(binding.export_record)
        self.assertTrue(self.remote_marketable(partner.email))
        self.run_jobs(self.env["mail.blacklist"]._add, partner.email)
        self.assertTrue(self.remote_unsubscribed(partner.email))
        calls = self.emulator.stats["total"]
        self.run_jobs(self.env["mail.blacklist"]._remove, partner.email)
        self.assertEqual(self.emulator.stats["total"], calls, "nothing sent")
        note = partner.message_ids.filtered(
            lambda m: "never re-subscribes" in (m.body or "")
        )
        self.assertTrue(note, "the partner's chatter says it")
        self.assertIn(self.backend.display_name, note[0].body)
        # later changes of the partner are exported; the opt-out stays
        partner.name = "Consent Still Out"
        self.run_jobs(binding.export_record)
        self.run_jobs(self.backend.export_contacts)
        self.assertTrue(self.remote_unsubscribed(partner.email))
        self.assertFalse(self.remote_marketable(partner.email))

    def test_consent_opt_out_with_invalid_partner_data_still_goes_out(self):
        partner = self.consent_partners(1, prefix="bad")
        binding = self.bind(partner)
        self.run_jobs(binding.export_record)
        self.assertTrue(self.remote_marketable(partner.email))
        # the partner cannot be exported any more (a phone that is no phone)
        partner.with_context(connector_no_export=True).phone = "not a phone"
        self.run_jobs(self.env["mail.blacklist"]._add, partner.email)
        self.assertTrue(self.remote_unsubscribed(partner.email))
        self.assertFalse(self.remote_marketable(partner.email))
