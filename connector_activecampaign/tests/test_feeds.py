"""What the delta import reads besides contact fields, and the unsubscribe poll."""

from odoo.addons.queue_job.exception import RetryableJobError

from .common import BINDING, ActivecampaignCase


class TestDeltaFeeds(ActivecampaignCase):
    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.emulator.reset()
        self.backend.refresh_remote_fields()
        self.backend.import_since = "2000-01-01 00:00:00"
        self.Blacklist = self.env["mail.blacklist"]
        self.Cursor = self.env["marketing.sync.cursor"]

    def blacklisted(self):
        return sorted(
            self.Blacklist.search([("email", "like", "person%@example.com")]).mapped(
                "email"
            )
        )

    def test_delta_page_brings_field_values_tags_and_consent(self):
        Mapping = self.env["marketing.field.mapping"]
        Mapping.create(
            dict(
                Mapping._scope_vals(self.backend),
                field_id=self.env["ir.model.fields"]._get("res.partner", "ref").id,
                remote_field="1",
                direction="import",
            )
        )
        first, second, third = self.emulator.seed(3)
        tag = self.emulator._create_tag("Prospect")
        self.emulator._add_contact_tag(first, tag["id"])
        self.emulator._set_field(second, "1", "Retail")
        self.emulator.unsubscribe(third, emit=False)
        self.run_jobs(self.backend.import_contacts_page)
        partner = {c: self.binding_of(c).odoo_id for c in (first, second, third)}
        self.assertEqual(partner[first].category_id.mapped("name"), ["Prospect"])
        self.assertFalse(partner[second].category_id)
        self.assertEqual(partner[second].ref, "Retail")
        self.assertEqual(self.blacklisted(), ["person2@example.com"])
        self.assertTrue(partner[third].is_blacklisted)
        # one page, side-loaded: no read per contact
        self.assertEqual(self.calls("GET /api/3/contacts"), 1)
        self.assertEqual(self.calls("GET /api/3/contacts/<id>"), 0)
        # a tag removed on ActiveCampaign: the next delta takes the category off
        self.emulator.contact_tags.clear()
        # a second later than the cursor (ActiveCampaign dates are in seconds)
        self.emulator.contacts[first]["udate"] = "2099-01-01T00:00:00+00:00"
        self.run_jobs(self.backend.import_contacts_page)
        self.assertFalse(partner[first].category_id)

    def test_answer_without_side_loads_keeps_categories(self):
        """A page whose answer lacks the side-loaded collections reads them
        through the documented endpoints: no category is taken off for
        "no tags"."""
        contact_id = self.emulator.seed(1)[0]
        tag = self.emulator._create_tag("Prospect")
        self.emulator._add_contact_tag(contact_id, tag["id"])
        self.backend.import_contact(contact_id)
        partner = self.binding_of(contact_id).odoo_id
        self.assertEqual(partner.category_id.mapped("name"), ["Prospect"])
        page = self.adapter(BINDING)._page_records(
            {"contacts": [dict(self.emulator.contacts[contact_id])]}
        )
        self.assertEqual(page[0]["_tags"], {tag["id"]: "Prospect"})
        self.assertEqual(page[0]["_lists"], {})

    def test_unsubscribes_polled_without_webhook(self):
        ids = self.emulator.seed(4)
        for contact_id in ids:
            self.emulator.contact_lists[(contact_id, "1")] = 1
        self.emulator.contact_lists[(ids[3], "7")] = 2  # another list: not read
        self.emulator.unsubscribe(ids[0], emit=False)
        self.emulator.unsubscribe(ids[2], emit=False)
        self.run_jobs(self.backend.import_unsubscribes_page)
        self.assertEqual(
            self.blacklisted(), ["person0@example.com", "person2@example.com"]
        )
        self.assertFalse(self.emulator.webhook_log, "no webhook involved")
        cursor = self.Cursor._get(self.backend, "unsubscribes")
        self.assertTrue(cursor["since"])
        # the next poll reads what changed since: the later unsubscribe only
        self.emulator.unsubscribe(ids[1], emit=False)
        # a second later than the cursor (ActiveCampaign dates are in seconds)
        self.emulator.contacts[ids[1]]["udate"] = "2099-01-01T00:00:00+00:00"
        message = self.backend.import_unsubscribes_page()
        self.assertIn("1 addresses blacklisted", message)
        self.assertEqual(len(self.blacklisted()), 3)

    def test_unsubscribe_poll_pages_and_cursor_moves_with_stored_pages(self):
        ids = self.emulator.seed(150)
        for contact_id in ids:
            self.emulator.contact_lists[(contact_id, "1")] = 2
        self.emulator.faults.configure(
            burst={"status": 429, "count": 1, "retry_after": 30}
        )
        with self.assertRaises(RetryableJobError):
            self.backend.import_unsubscribes_page()
        self.assertIsNone(self.Cursor._get(self.backend, "unsubscribes"))
        self.assertFalse(self.blacklisted())
        self.emulator.faults.reset()
        self.env["marketing.throttle"]._reset(self.backend)
        self.run_jobs(self.backend.import_unsubscribes_page)
        self.assertEqual(len(self.blacklisted()), 150)
        self.assertEqual(self.calls("GET /api/3/contacts"), 3, "429, then 2 pages")

    def test_no_default_list_no_poll(self):
        self.backend.list_id = False
        message = self.backend.import_unsubscribes_page()
        self.assertIn("No default list", message)
        self.assertEqual(self.calls("GET /api/3/contacts"), 0)
        self.backend.list_id = "1"
