"""Contacts as Constant Contact's reference shapes them.

Street addresses say ``postal_code`` in contacts and ``zip`` only in bulk
import rows; the bulk import takes no international phone number.  Every
request these tests make is also checked against the reference's schemas
(``ConstantContactCase.check_requests``).
"""

from .common import ConstantContactCase


class TestContactShapes(ConstantContactCase):
    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()
        self.emulator.by_email.clear()
        self.emulator.reset()
        self.connect()
        self.us = self.env.ref("base.us")
        self.fr = self.env.ref("base.fr")

    def partner(self, email, **vals):
        return self.env["res.partner"].create(
            dict({"name": f"Jane {email.split('@')[0]}", "email": email}, **vals)
        )

    def export(self, partner):
        self.run_jobs(self.bind(partner).export_batch)
        return self.binding_for(partner)

    def journal(self, route):
        return [e for e in self.emulator.journal or [] if e["route"] == route]

    # -- 1. postal_code / zip ---------------------------------------------
    def test_import_reads_the_postal_code_of_contacts(self):
        partner = self.partner("zip-in@example.com", zip="75001", city="Paris")
        binding = self.export(partner)
        contact = self.emulator.contacts[binding.external_id]
        self.assertEqual(contact["street_addresses"][0]["postal_code"], "75001")
        self.emulator.touch(
            binding.external_id,
            street_addresses=[
                {"kind": "home", "city": "Paris", "postal_code": "75002"}
            ],
        )
        self.backend.conflict_rule = "remote_wins"
        self.backend.import_contact(binding.external_id)
        self.assertEqual(partner.zip, "75002")

    def test_import_of_a_contact_keeps_the_partners_zip(self):
        partner = self.partner("zip-keep@example.com", zip="94105", city="SF")
        binding = self.export(partner)
        self.emulator.touch(binding.external_id, first_name="Janet")
        self.backend.conflict_rule = "remote_wins"
        self.backend.import_contact(binding.external_id)
        self.assertEqual(partner.zip, "94105", "not blanked by the import")
        self.assertIn("Janet", partner.name)

    def test_update_writes_the_postal_code(self):
        partner = self.partner("zip-out@example.com", zip="10001", city="NYC")
        binding = self.export(partner)
        rows = self.journal("POST /v3/activities/contacts_json_import")
        self.assertEqual(rows[0]["json"]["import_data"][0]["zip"], "10001")
        partner.write({"zip": "10002", "city": "New York"})
        self.run_jobs(binding.export_record)
        address = self.emulator.contacts[binding.external_id]["street_addresses"][0]
        self.assertEqual(address["postal_code"], "10002")
        self.assertEqual(address["city"], "New York")
        (put,) = self.journal("PUT /v3/contacts/<contact_id>")
        self.assertNotIn("zip", put["json"]["street_addresses"][0])
        self.assertEqual(self.emulator.stats["puts"], 1)

    # -- 5. phones the bulk import takes -----------------------------------
    def test_us_phones_are_sent_as_the_import_takes_them(self):
        partner = self.partner(
            "us-phone@example.com", phone="+1 415 555 0100", country_id=self.us.id
        )
        binding = self.export(partner)
        (row,) = self.journal("POST /v3/activities/contacts_json_import")[0]["json"][
            "import_data"
        ]
        self.assertEqual(row["phone"], "415-555-0100")
        contact = self.emulator.contacts[binding.external_id]
        self.assertEqual(
            contact["phone_numbers"],
            [{"phone_number": "415-555-0100", "kind": "other"}],
        )
        self.assertFalse(self.issues(reason_code="phone_not_imported"))
        # read back, the national number is the partner's number again
        record = self.adapter().fetch(binding.external_id)
        self.assertEqual(record["phone"], "+14155550100")

    def test_international_phone_is_left_out_with_a_review_note(self):
        french = self.partner(
            "fr-phone@example.com",
            phone="+33 1 23 45 67 89",
            mobile="+1 212 555 0199",
            country_id=self.fr.id,
        )
        other = self.partner("plain@example.com", zip="12345")
        bindings = self.bind(french) | self.bind(other)
        self.run_jobs(bindings.export_batch)
        rows = self.journal("POST /v3/activities/contacts_json_import")[0]["json"][
            "import_data"
        ]
        sent = {row["email"]: row for row in rows}
        self.assertNotIn("phone", sent["fr-phone@example.com"])
        self.assertEqual(sent["fr-phone@example.com"]["mobile_phone"], "212-555-0199")
        self.assertFalse(any(key.startswith("_") for row in rows for key in row))
        # the contact landed (bound), with the phone it could take
        binding = self.binding_for(french)
        self.assertTrue(binding.external_id)
        contact = self.emulator.contacts[binding.external_id]
        self.assertEqual(
            [p["kind"] for p in contact["phone_numbers"]], ["mobile"], "no other"
        )
        self.assertEqual(self.emulator.stats["rows_rejected"], 0)
        issue = self.issues(reason_code="phone_not_imported")
        self.assertEqual(issue.partner_id, french)
        self.assertIn("+33123456789", issue.reason)
        self.assertIn("international phone numbers", issue.reason)
        self.assertTrue(self.binding_for(other).external_id)

    def test_update_keeps_an_international_phone(self):
        """A single update (PUT) is not the bulk import: the reference
        states no such limit for it, so the number is sent."""
        partner = self.partner("fr-put@example.com", country_id=self.fr.id)
        binding = self.export(partner)
        partner.phone = "+33 1 23 45 67 89"
        self.run_jobs(binding.export_record)
        contact = self.emulator.contacts[binding.external_id]
        self.assertEqual(
            contact["phone_numbers"],
            [{"phone_number": "+33123456789", "kind": "other"}],
        )
