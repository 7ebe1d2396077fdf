from unittest import mock

from odoo.exceptions import ValidationError

from odoo.addons.connector_marketing_base.components.importer import (
    MarketingRecordImporter,
)

from .common import BINDING_MODEL, MarketingCase


class TestImport(MarketingCase):
    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()

    def remote(self, email, **values):
        """Create a contact on the sandbox through its own API."""
        contact = dict(
            {"email": email, "first_name": "Ann", "last_name": "Remote"}, **values
        )
        results = self.component("backend.adapter").upsert([contact])
        self.assertEqual(results[0]["status"], "created", results)
        return results[0]["external_id"]

    def run_import(self):
        with self.trap() as trap:
            message = self.backend.import_contacts_page()
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        return message

    def binding_of(self, external_id):
        return self.env[BINDING_MODEL].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", external_id)]
        )

    def test_initial_import_pages_and_cursor(self):
        self.emulator.seed(250)
        with self.trap() as trap:
            message = self.backend.import_contacts_page()
            self.assertIn("100 contacts read", message)
            self.assertIn("next page enqueued", message)
            trap.assert_jobs_count(1, only=self.backend.import_contacts_page)
            trap.assert_enqueued_job(
                self.backend.import_contacts_page,
                args=("contacts",),
                properties={"priority": 20},
            )
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        bindings = self.env[BINDING_MODEL].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(bindings), 250)
        cursor = self.env["marketing.sync.cursor"]._get(self.backend, "contacts")
        self.assertTrue(cursor["updated_after"])
        self.assertIsNone(cursor["cursor"])
        # delta: only the contact changed since is read again
        some_id = bindings[0].external_id
        self.emulator.touch(some_id, first_name="Changed")
        message = self.run_import()
        self.assertIn("1 contacts read", message)

    def test_mapping_of_a_contact(self):
        external_id = self.remote(
            "Ann.Lee@Example.com",
            first_name="Ann",
            last_name="Lee",
            phone="06 12 34 56 78",
            country="FR",
            company="ACME",
        )
        self.run_import()
        partner = self.binding_of(external_id).odoo_id
        self.assertEqual(partner.name, "Ann Lee")
        self.assertEqual(partner.email, "ann.lee@example.com")
        self.assertEqual(partner.phone, "+33612345678")
        self.assertEqual(partner.country_id.code, "FR")
        self.assertEqual(partner.parent_id.name, "ACME")
        self.assertTrue(partner.parent_id.is_company)

    def test_matches_existing_partner_by_normalized_email(self):
        partner = self.make_partner("Bob Odoo", "bob@example.com", phone=False)
        external_id = self.remote(
            "BOB@example.com",
            first_name="Bob",
            last_name="Remote",
            phone="+44 20 7946 0958",
        )
        self.run_import()
        binding = self.binding_of(external_id)
        self.assertEqual(binding.odoo_id, partner)
        self.assertEqual(partner.name, "Bob Odoo", "odoo_wins keeps Odoo's name")
        self.assertEqual(partner.phone, "+442079460958", "empty fields are filled")

    def test_ambiguous_email_goes_to_review(self):
        a = self.make_partner("Twin A", "twin@example.com")
        b = self.make_partner("Twin B", "twin@example.com")
        external_id = self.remote("twin@example.com")
        self.run_import()
        self.assertFalse(self.binding_of(external_id))
        issue = self.issues(reason_code="ambiguous_match")
        self.assertEqual(issue.external_id, external_id)
        self.assertEqual(issue.candidate_partner_ids, a | b)

    def test_bad_record_goes_to_review_and_the_rest_lands(self):
        good = [self.remote(f"good{i}@example.com") for i in range(3)]
        bad = self.remote("bad@example.com", country="XX")
        self.run_import()
        for external_id in good:
            self.assertTrue(self.binding_of(external_id))
        self.assertFalse(self.binding_of(bad))
        issue = self.issues(reason_code="invalid_country")
        self.assertEqual(issue.external_id, bad)
        self.assertIn('"country": "XX"', issue.payload)

    def test_odoo_rejection_is_isolated(self):
        """The bulk create fails: each record is retried alone, one fails."""
        ids = [self.remote(f"p{i}@example.com") for i in range(3)]
        original = MarketingRecordImporter._after_import

        def failing(importer, binding, record):
            if binding.external_id == ids[1]:
                importer.env["res.partner"].create({"name": "half written"})
                raise ValidationError(importer.env._("constraint says no"))
            return original(importer, binding, record)

        with mock.patch.object(MarketingRecordImporter, "_after_import", failing):
            self.run_import()
        self.assertTrue(self.binding_of(ids[0]))
        self.assertTrue(self.binding_of(ids[2]))
        self.assertFalse(self.binding_of(ids[1]))
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "half written")])
        )
        self.assertEqual(
            self.issues(reason_code="rejected_by_odoo").external_id, ids[1]
        )

    def test_cursor_does_not_move_when_the_page_fails(self):
        self.emulator.seed(5)
        with (
            mock.patch.object(
                MarketingRecordImporter, "run_many", side_effect=RuntimeError("crash")
            ),
            self.assertRaises(RuntimeError),
            self.env.cr.savepoint(),
        ):
            self.backend.import_contacts_page()
        self.assertIsNone(
            self.env["marketing.sync.cursor"]._get(self.backend, "contacts")
        )
        self.assertIn("5 contacts read", self.run_import())

    def test_import_does_not_echo_back(self):
        partner = self.make_partner("Echo Test", "echo@example.com")
        binding = self.bind(partner)
        with self.trap() as trap:
            binding.export_record()
            external_id = binding.external_id
            self.emulator.touch(external_id, first_name="Remote", last_name="Change")
            self.backend.import_contacts_page()
            self.backend.import_contact(external_id)
            trap.assert_jobs_count(0, only=binding.export_record)
        # the hash stored by the import makes the next export a no-op
        calls = self.emulator.stats["total"]
        self.assertIn("1 unchanged", binding.export_record())
        self.assertEqual(self.emulator.stats["total"], calls)

    def test_what_the_follow_ups_change_is_not_echoed_back(self):
        """The export hash is taken after the provider's follow-ups
        (``_after_import``), on the page path (new contacts) and the
        record path (a bound contact) alike."""

        def follow_up(phone):
            def after_import(importer, binding, record):
                partner = binding.odoo_id.with_context(connector_no_export=True)
                partner.phone = phone

            return mock.patch.object(
                MarketingRecordImporter, "_after_import", after_import
            )

        new_id = self.remote("followup.new@example.com")
        with follow_up("+33 6 12 34 56 78"):
            self.run_import()
        bound = self.binding_of(new_id)
        self.assertEqual(bound.phone, "+33 6 12 34 56 78")
        calls = self.emulator.stats["total"]
        self.assertIn("1 unchanged", bound.export_record(), "page path")
        self.emulator.touch(new_id, first_name="Again")
        with follow_up("+33 6 98 76 54 32"), self.trap():
            self.backend.import_contact(new_id)
        self.assertEqual(bound.phone, "+33 6 98 76 54 32")
        self.assertIn("1 unchanged", bound.export_record(), "record path")
        self.assertEqual(self.emulator.stats["total"], calls + 1, "the one read")

    def test_conflict_rules(self):
        partner = self.make_partner("Carl Odoo", "carl@example.com", city="Paris")
        external_id = self.remote(
            "carl@example.com", first_name="Carl", last_name="Remote"
        )
        self.run_import()
        self.assertEqual(partner.name, "Carl Odoo")
        self.backend.conflict_rule = "remote_wins"
        self.emulator.touch(external_id, last_name="Platform")
        self.run_import()
        self.assertEqual(partner.name, "Carl Platform")
        # latest_wins: an older remote change loses against a newer Odoo edit
        self.backend.conflict_rule = "latest_wins"
        self.emulator.touch(external_id, last_name="Older")
        partner.with_context(connector_no_export=True).name = "Carl Newer"
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = now() at time zone 'UTC' "
            "+ interval '1 hour' WHERE id = %s",
            (partner.id,),
        )
        self.env.invalidate_all()
        self.run_import()
        self.assertEqual(partner.name, "Carl Newer")

    def test_mapping_line_conflict_rule_overrides_backend(self):
        field = self.env["ir.model.fields"]._get("res.partner", "ref")
        Mapping = self.env["marketing.field.mapping"]
        Mapping.create(
            dict(
                Mapping._scope_vals(self.backend),
                field_id=field.id,
                remote_field="last_name",
                direction="import",
                conflict_rule="remote_wins",
            )
        )
        partner = self.make_partner("Dan Odoo", "dan@example.com", ref="OLD")
        self.remote("dan@example.com", last_name="REF-42")
        self.run_import()
        self.assertEqual(partner.ref, "REF-42")

    def test_changed_email_is_reviewed_not_overwritten(self):
        partner = self.make_partner("Eve", "eve@example.com")
        binding = self.bind(partner)
        binding.export_record()
        self.emulator.touch(binding.external_id, email="eve.new@example.com")
        self.run_import()
        self.assertEqual(partner.email, "eve@example.com")
        self.assertEqual(self.issues(reason_code="email_changed").partner_id, partner)

    def test_invalid_email_from_the_platform(self):
        record = {
            "id": "c_bad",
            "email": "not-an-email",
            "updated_at": "2026-01-01T00:00:00Z",
        }
        outcome = self.component("record.importer").run(record=record)
        self.assertEqual(outcome, "sent to review")
        self.assertEqual(self.issues(reason_code="invalid_email").external_id, "c_bad")

    def test_record_without_id(self):
        self.component("record.importer").run(record={"email": "x@example.com"})
        self.assertTrue(self.issues(reason_code="malformed_record"))

    def test_missing_remote_contact(self):
        self.backend.import_contact("c_404404")
        self.assertEqual(
            self.issues(reason_code="remote_missing").external_id, "c_404404"
        )

    def test_import_of_records_read_elsewhere(self):
        records = [
            {
                "id": "c_x1",
                "email": "bulk1@example.com",
                "first_name": "Bulk",
                "last_name": "One",
                "updated_at": "2026-01-01T00:00:00Z",
            },
            {"id": "c_x2", "email": "broken", "updated_at": "2026-01-01T00:00:00Z"},
        ]
        message = self.backend._import_records(records)
        self.assertIn("1 created", message)
        self.assertIn("1 sent to review", message)
        self.assertEqual(self.binding_of("c_x1").name, "Bulk One")

    def test_page_mixing_new_known_and_duplicate_contacts(self):
        known = self.make_partner("Known Person", "known@example.com")
        records = [
            {
                "id": f"c_m{i}",
                "email": f"new{i}@example.com",
                "first_name": "New",
                "last_name": str(i),
                "updated_at": "2026-01-01T00:00:00Z",
            }
            for i in range(20)
        ]
        records += [
            {
                "id": "c_known",
                "email": "KNOWN@example.com",
                "first_name": "K",
                "updated_at": "2026-01-01T00:00:00Z",
            },
            {
                "id": "c_dup",
                "email": "new3@example.com",
                "first_name": "Twin",
                "updated_at": "2026-01-01T00:00:00Z",
            },
        ]
        message = self.backend._import_records(records)
        self.assertIn("20 created", message)
        self.assertIn("1 linked", message)
        self.assertIn("1 sent to review", message)
        self.assertEqual(self.binding_of("c_known").odoo_id, known)
        self.assertEqual(self.binding_of("c_m3").odoo_id.name, "New 3")
        self.assertTrue(self.binding_of("c_m3").export_hash, "echo suppressed")
        self.assertEqual(
            self.issues(reason_code="duplicate_remote").external_id, "c_dup"
        )

    def test_page_companies_are_looked_up_and_created_in_bulk(self):
        existing = self.env["res.partner"].create(
            {"name": "Known Corp", "is_company": True}
        )
        records = [
            {
                "id": f"c_co{i}",
                "email": f"staff{i}@example.com",
                "first_name": "Staff",
                "last_name": str(i),
                "company": company,
                "updated_at": "2026-01-01T00:00:00Z",
            }
            for i, company in enumerate(
                ["Known Corp", "New Corp", "New Corp", "  New   Corp ", None]
            )
        ]
        companies_before = self.env["res.partner"].search_count(
            [("is_company", "=", True)]
        )
        message = self.backend._import_records(records)
        self.assertIn("5 created", message)
        parents = [self.binding_of(f"c_co{i}").odoo_id.parent_id for i in range(5)]
        self.assertEqual(parents[0], existing)
        self.assertEqual(parents[1].name, "New Corp")
        self.assertTrue(parents[1].is_company)
        # one company per name, blanks folded as the one-record path does
        self.assertEqual(parents[2], parents[1])
        self.assertEqual(parents[3], parents[1])
        self.assertFalse(parents[4])
        self.assertEqual(
            self.env["res.partner"].search_count([("is_company", "=", True)]),
            companies_before + 1,
        )
        # the one-record path finds the company the page created
        single = self.component("import.mapper").map_record(
            dict(records[1], id="c_co9", email="staff9@example.com")
        )
        self.assertEqual(single.values(for_create=True)["parent_id"], parents[1].id)
