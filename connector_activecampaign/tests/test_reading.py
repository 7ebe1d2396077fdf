"""Reading contacts as the reference documents them: side-loads that may be
absent, a delta cursor that loses nothing changed during a scan, and every
custom field however many there are."""

import datetime as dt

from odoo.addons.connector_marketing_base.tools.dates import utc_naive
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import BINDING, ActivecampaignCase


class TestReading(ActivecampaignCase):
    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.emulator.reset()
        self.backend.refresh_remote_fields()
        self.backend.import_since = "2000-01-01 00:00:00"
        self.Cursor = self.env["marketing.sync.cursor"]

    def ignore_include(self):
        self.emulator.ignore_include = True
        self.addCleanup(setattr, self.emulator, "ignore_include", False)

    def map_ref(self):
        Mapping = self.env["marketing.field.mapping"]
        Mapping.create(
            dict(
                Mapping._scope_vals(self.backend),
                field_id=self.env["ir.model.fields"]._get("res.partner", "ref").id,
                remote_field="1",
                direction="import",
            )
        )

    def blacklisted(self, email):
        return bool(self.env["mail.blacklist"].search([("email", "=", email)]))

    def test_delta_without_side_loads_reads_documented_endpoints(self):
        """``include`` ignored: tags, list statuses and field values are read
        per contact; categories stay, the unsubscribe is seen."""
        self.map_ref()
        first, second = self.emulator.seed(2)
        tag = self.emulator._create_tag("Prospect")
        self.emulator._add_contact_tag(first, tag["id"])
        self.emulator._set_field(first, "1", "Retail")
        self.emulator.unsubscribe(second, emit=False)
        for ignored in (True, False):
            with self.subTest(include_ignored=ignored):
                self.emulator.ignore_include = ignored
                self.addCleanup(setattr, self.emulator, "ignore_include", False)
                self.Cursor._set(self.backend, "contacts", None)
                before = self.calls("GET /api/3/contacts/<id>/contactTags")
                self.run_jobs(self.backend.import_contacts_page)
                partner = self.binding_of(first).odoo_id
                self.assertEqual(partner.category_id.mapped("name"), ["Prospect"])
                self.assertEqual(partner.ref, "Retail")
                self.assertTrue(self.blacklisted("person1@example.com"))
                tag_reads = self.calls("GET /api/3/contacts/<id>/contactTags") - before
                self.assertEqual(tag_reads, 2 if ignored else 0)

    def test_links_without_tag_names_keep_categories(self):
        """``contactTags`` side-loaded without their ``tags``: the names are
        read, an unnamed tag is never taken for a removed category."""
        contact_id = self.emulator.seed(1)[0]
        tag = self.emulator._create_tag("Prospect")
        link = self.emulator._add_contact_tag(contact_id, tag["id"])
        body = {
            "contacts": [dict(self.emulator.contacts[contact_id])],
            "contactTags": [{"contact": contact_id, "tag": tag["id"], "id": link}],
            "contactLists": [],
            "fieldValues": [],
        }
        [record] = self.adapter(BINDING)._page_records(body)
        self.assertEqual(record["_tags"], {tag["id"]: "Prospect"})

    def test_absent_tags_never_strip_categories_on_a_bulk_export(self):
        self.ignore_include()
        vip = self.env["res.partner.category"].create({"name": "VIP"})
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Tagged {i}",
                    "email": f"tagged{i}@example.com",
                    "category_id": [(6, 0, vip.ids)],
                }
                for i in range(12)
            ]
        )
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        self.run_jobs(bindings.export_batch)
        contact = bindings[0].external_id
        own = self.emulator._create_tag("Webinar")
        self.emulator._add_contact_tag(contact, own["id"])
        partners.write({"category_id": [(5,)]})
        self.run_jobs(bindings.export_batch)
        self.assertEqual(
            self.emulator.contact_tag_names(contact), ["Odoo-Lead", "Webinar"]
        )

    def test_one_contact_read_takes_its_tags_from_their_own_endpoint(self):
        contact_id = self.emulator.seed(1)[0]
        tag = self.emulator._create_tag("Prospect")
        self.emulator._add_contact_tag(contact_id, tag["id"])
        self.backend.import_contact(contact_id)
        partner = self.binding_of(contact_id).odoo_id
        self.assertEqual(partner.category_id.mapped("name"), ["Prospect"])
        self.assertEqual(self.calls("GET /api/3/contacts/<id>/contactTags"), 1)
        self.assertEqual(self.calls("GET /api/3/tags/<id>"), 1, "the tag's name")

    def test_change_during_a_multi_page_scan_is_read_by_the_next_scan(self):
        ids = self.emulator.seed(150)
        soon = dt.datetime.now(dt.UTC).replace(microsecond=0)
        with trap_jobs() as trap:
            self.backend.import_contacts_page()  # page 1: ids 1..100
            # meanwhile on ActiveCampaign: a contact already read unsubscribes
            # and is renamed, then a contact further on changes
            early, late = ids[5], ids[120]
            self.emulator.touch(early, firstName="Renamed")
            self.emulator.unsubscribe(early, emit=False)
            moment_of = {
                contact_id: (soon + dt.timedelta(seconds=seconds)).isoformat()
                for contact_id, seconds in ((early, 120), (late, 240))
            }
            for contact_id, moment in moment_of.items():
                self.emulator.contacts[contact_id]["udate"] = moment
            while trap.enqueued_jobs:
                trap.perform_enqueued_jobs()
        self.assertFalse(self.blacklisted(self.emulator.contacts[early]["email"]))
        cursor = self.Cursor._get(self.backend, "contacts")
        self.assertEqual(cursor["last_id"], 0)
        self.assertRegex(cursor["since"], r"T\d\d:\d\d:\d\d[-+]0[56]:00$", "US Central")
        message = self.run_jobs(self.backend.import_contacts_page)
        binding = self.binding_of(early)
        self.assertEqual(binding.remote_updated_at, utc_naive(moment_of[early]))
        self.assertTrue(self.blacklisted(self.emulator.contacts[early]["email"]))
        # the overlap reads every contact again: those unchanged since the
        # scan read them are dropped, only the renamed one is imported
        self.assertIn("1 contacts read", message)

    def test_every_custom_field_is_read_page_by_page(self):
        fields = dict(self.emulator.fields)
        self.addCleanup(setattr, self.emulator, "fields", fields)
        for n in range(150):
            self.emulator.add_field(f"Extra {n}", "dropdown", options=[f"o{n}"])
        reads = self.calls("GET /api/3/fields")
        self.backend.refresh_remote_fields()
        self.assertEqual(self.calls("GET /api/3/fields") - reads, 2)
        remote = self.env["marketing.remote.field"].search(self.backend._scope_domain())
        self.assertEqual(len(remote), 152)
        last = remote.filtered(lambda f: f.label == "Extra 149")
        self.assertEqual(last.options, ["o149"])
