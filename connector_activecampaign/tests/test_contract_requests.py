"""Every request the adapter builds, checked against the published contract.

The emulator records each request it receives (``journal``) while the
connector exports in bulk (with a refused row and a rate limit), imports a
delta with and without side-loads, reads one contact and every custom
field; each recorded request must match its schema in
``tests/tier1/activecampaign_schemas.py`` (written from
developers.activecampaign.com), and every documented route there must have
been exercised.
"""

from odoo.addons.queue_job.exception import RetryableJobError

from tests.tier1.activecampaign_schemas import REQUESTS, request_errors

from .common import BINDING, ActivecampaignCase


class TestRequestContract(ActivecampaignCase):
    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.emulator.reset()
        self.emulator.journal = []
        self.addCleanup(setattr, self.emulator, "journal", None)

    def export(self, prefix, n):
        partners = self.env["res.partner"].create(
            [
                {"name": f"{prefix} {i}", "email": f"{prefix}{i}@example.com"}
                for i in range(n)
            ]
        )
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        self.run_jobs(bindings.export_batch)
        return partners, bindings

    def test_every_request_matches_the_reference(self):
        fields = dict(self.emulator.fields)
        self.addCleanup(setattr, self.emulator, "fields", fields)
        for n in range(120):
            self.emulator.add_field(f"Extra {n}")
        self.backend.refresh_remote_fields()
        self.emulator.refused_emails = {"contract3@example.com"}
        partners, bindings = self.export("contract", 14)
        for partner in partners:
            partner.name += " Junior"
        self.run_jobs(bindings.export_batch)
        self.addCleanup(self.emulator.bulk_multi.configure, calls=100)
        self.emulator.bulk_multi.configure(calls=1)
        with self.assertRaises(RetryableJobError):
            self.export("limited", 12)
        self.backend.import_since = "2000-01-01 00:00:00"
        tag = self.emulator._create_tag("Prospect")
        self.emulator._add_contact_tag(bindings[0].external_id, tag["id"])
        self.run_jobs(self.backend.import_contacts_page)
        self.emulator.ignore_include = True
        self.addCleanup(setattr, self.emulator, "ignore_include", False)
        self.env["marketing.sync.cursor"]._set(self.backend, "contacts", None)
        self.run_jobs(self.backend.import_contacts_page)
        self.backend.import_contact(bindings[1].external_id)
        journal = self.emulator.journal
        errors = [error for entry in journal for error in request_errors(entry)]
        self.assertEqual(errors, [])
        seen = {entry["route"] for entry in journal}
        self.assertEqual(set(REQUESTS) - seen, set(), "every documented route used")
        statuses = {(e["route"], e["status"]) for e in journal}
        self.assertIn(("POST /api/3/import/bulk_import", 400), statuses)
