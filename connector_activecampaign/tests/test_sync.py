from odoo.addons.queue_job.tests.common import trap_jobs

from .common import BINDING, ActivecampaignCase


class TestContactSync(ActivecampaignCase):
    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.emulator.reset()
        self.backend.refresh_remote_fields()
        self.Partner = self.env["res.partner"]

    def map_field(self, field_name, remote_field, direction="both", **vals):
        Mapping = self.env["marketing.field.mapping"]
        return Mapping.create(
            dict(
                Mapping._scope_vals(self.backend),
                field_id=self.env["ir.model.fields"]._get("res.partner", field_name).id,
                remote_field=remote_field,
                direction=direction,
                **vals,
            )
        )

    def test_field_definitions_are_cached(self):
        fields = self.env["marketing.remote.field"].search(self.backend._scope_domain())
        self.assertEqual(
            sorted(fields.mapped("remote_id")), ["1", "2"], "the sandbox's two fields"
        )
        interests = fields.filtered(lambda f: f.remote_id == "2")
        self.assertTrue(interests.multiple)
        self.assertEqual(interests.options, ["News", "Events", "Offers"])
        self.assertEqual(self.backend.remote_field_count, 2)

    def test_partner_to_contact_with_tags_fields_and_account(self):
        self.map_field("ref", "1", "export")
        self.map_field("comment", "2", "export", transform="text")
        vip = self.env["res.partner.category"].create({"name": "VIP"})
        company = self.Partner.create({"name": "Acme", "is_company": True})
        partner = self.Partner.create(
            {
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "ref": "Retail",
                "comment": "News, Offers",
                "function": "CTO",
                "parent_id": company.id,
                "category_id": [(6, 0, vip.ids)],
            }
        )
        binding = self.bind(partner)
        message = binding.export_record()
        self.assertIn("1 created", message)
        contact_id = binding.external_id
        contact = self.emulator.contacts[contact_id]
        self.assertEqual(
            (contact["firstName"], contact["lastName"]), ("Ada", "Lovelace")
        )
        self.assertEqual(self.emulator.field_values[(contact_id, "1")], "Retail")
        self.assertEqual(
            self.emulator.field_values[(contact_id, "2")], "||News||Offers||"
        )
        self.assertEqual(
            self.emulator.contact_tag_names(contact_id), ["Odoo-Lead", "VIP"]
        )
        self.assertEqual(self.emulator.contact_lists[(contact_id, "1")], 1)
        [link] = self.emulator.account_contacts.values()
        self.assertEqual(link["jobTitle"], "CTO")
        self.assertEqual(self.emulator.accounts[link["account"]]["name"], "Acme")
        # a category removed in Odoo: its tag goes, ActiveCampaign's own stay
        own = self.emulator._create_tag("Webinar 2026")
        self.emulator._add_contact_tag(contact_id, own["id"])
        partner.category_id = False
        binding.export_record()
        self.assertEqual(
            self.emulator.contact_tag_names(contact_id), ["Odoo-Lead", "Webinar 2026"]
        )
        # unchanged: nothing sent
        before = self.calls("POST /api/3/contact/sync")
        binding.export_record()
        self.assertEqual(self.calls("POST /api/3/contact/sync"), before)

    def test_bulk_import_for_batches_with_per_contact_failures(self):
        partners = self.Partner.create(
            [{"name": f"Bulk {i}", "email": f"bulk{i}@example.com"} for i in range(260)]
        )
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        # valid for Odoo, skipped by ActiveCampaign (exclusion list)
        self.emulator.excluded = {
            "bulk0@example.com",
            "bulk1@example.com",
            "bulk2@example.com",
        }
        self.addCleanup(setattr, self.emulator, "excluded", set())
        before = self.calls("POST /api/3/contact/sync")
        lists_before = self.calls("POST /api/3/contactLists")
        message = self.run_jobs(bindings.export_batch)
        self.assertIn("260 sent in bulk", message)
        # two imports, each followed by the subscription of its contacts
        # found on no list (an import never carries "subscribe" blindly):
        # one more import for 247, one call each for the other ten
        self.assertEqual(self.calls("POST /api/3/import/bulk_import"), 3)
        self.assertEqual(self.calls("POST /api/3/contactLists") - lists_before, 10)
        self.assertEqual(self.calls("POST /api/3/contact/sync"), before)
        trackers = self.env["marketing.bulk.import"].search(
            self.backend._scope_domain()
        )
        self.assertEqual(set(trackers.mapped("state")), {"done"})
        self.assertEqual(len(bindings.filtered("external_id")), 257)
        refused = self.issues(reason_code="ac_bulk_failure")
        self.assertEqual(refused.mapped("partner_id"), partners[:3])
        self.assertIn("exclusion list", refused[0].reason)
        # the imported contacts carry the origin tag and the list
        contact_id = bindings[5].external_id
        self.assertEqual(self.emulator.contact_tag_names(contact_id), ["Odoo-Lead"])
        self.assertEqual(self.emulator.contact_lists[(contact_id, "1")], 1)

    def test_bulk_import_then_lost_categories_lose_their_tags(self):
        vip, press = self.env["res.partner.category"].create(
            [{"name": "VIP"}, {"name": "Press"}]
        )
        partners = self.Partner.create(
            [
                {
                    "name": f"Tagged {i}",
                    "email": f"tagged{i}@example.com",
                    "category_id": [(6, 0, (vip | press).ids)],
                }
                for i in range(24)
            ]
        )
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        self.run_jobs(bindings.export_batch)
        contact = bindings[0].external_id
        self.assertEqual(
            self.emulator.contact_tag_names(contact), ["Odoo-Lead", "Press", "VIP"]
        )
        self.assertEqual(self.calls("DELETE /api/3/contactTags/<id>"), 0)
        # ActiveCampaign's own tag stays; VIP leaves twelve partners in Odoo
        # (more than ten changed: a bulk import again)
        own = self.emulator._create_tag("Webinar 2026")
        self.emulator._add_contact_tag(contact, own["id"])
        partners[:12].write({"category_id": [(3, vip.id)]})
        reads = self.calls("GET /api/3/contacts")
        message = self.run_jobs(bindings.export_batch)
        self.assertIn("12 sent in bulk", message)
        # the first export's import and its subscription step, then this one
        self.assertEqual(self.calls("POST /api/3/import/bulk_import"), 3)
        # one read checks the bound contacts still exist (a deleted one would
        # be created again), one confirms the known contacts (the status
        # lists new ones only), one reads their tags
        self.assertEqual(self.calls("GET /api/3/contacts") - reads, 3)
        self.assertEqual(self.calls("DELETE /api/3/contactTags/<id>"), 12)
        self.assertEqual(
            self.emulator.contact_tag_names(contact),
            ["Odoo-Lead", "Press", "Webinar 2026"],
        )
        self.assertEqual(
            self.emulator.contact_tag_names(bindings[12].external_id),
            ["Odoo-Lead", "Press", "VIP"],
        )
        tracker = self.env["marketing.bulk.import"].search(
            self.backend._scope_domain(), order="id desc", limit=1
        )
        self.assertEqual(tracker.state, "done")

    def test_bulk_import_followed_until_done_without_sleeping(self):
        self.emulator.bulk_polls = 3
        self.addCleanup(setattr, self.emulator, "bulk_polls", 1)
        partners = self.Partner.create(
            [{"name": f"Slow {i}", "email": f"slow{i}@example.com"} for i in range(12)]
        )
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        with trap_jobs() as trap:
            bindings.export_batch()
            follow = trap.enqueued_jobs
            self.assertEqual(len(follow), 1)
            self.assertEqual(follow[0].method_name, "follow_bulk_import")
            self.assertTrue(follow[0].eta, "the next check is scheduled, not awaited")
            rounds = 0
            while trap.enqueued_jobs:
                rounds += 1
                trap.perform_enqueued_jobs()
        # three checks of the import, three of its subscription step
        self.assertEqual(rounds, 6)
        self.assertTrue(all(bindings.mapped("external_id")))

    def test_partner_without_email_and_oversized_name(self):
        nobody = self.bind(self.Partner.create({"name": "No Mail"}))
        long = self.bind(
            self.Partner.create(
                {"name": "Ann " + "x" * 400, "email": "long@example.com"}
            )
        )
        message = (nobody | long).export_batch()
        self.assertIn("1 created", message)
        self.assertEqual(
            self.issues(reason_code="invalid_email").partner_id, nobody.odoo_id
        )
        contact = self.emulator.contacts[long.external_id]
        self.assertEqual(len(contact["lastName"]), 255, "cut, not refused")

    def test_422_goes_to_review_with_activecampaigns_message(self):
        self.map_field("ref", "99", "export")
        binding = self.bind(
            self.Partner.create({"name": "Odd", "email": "odd@example.com", "ref": "r"})
        )
        binding.export_record()
        issue = self.issues(reason_code="ac_invalid")
        self.assertEqual(issue.partner_id, binding.odoo_id)
        self.assertIn("Field 99 does not exist", issue.reason)
        self.assertFalse(binding.external_id)

    def test_delta_import_deep_paging(self):
        self.backend.import_since = "2000-01-01 00:00:00"
        self.emulator.seed(230)
        self.run_jobs(self.backend.import_contacts_page)
        self.assertEqual(
            self.env[BINDING].search_count([("backend_id", "=", self.backend.id)]), 230
        )
        self.assertEqual(self.calls("GET /api/3/contacts"), 3)
        cursor = self.env["marketing.sync.cursor"]._get(self.backend, "contacts")
        self.assertEqual(cursor["last_id"], 0)
        self.assertTrue(cursor["since"])

    def test_contact_reread_brings_tags_and_consent(self):
        contact_id = self.emulator.seed(1)[0]
        tag = self.emulator._create_tag("Prospect")
        self.emulator._add_contact_tag(contact_id, tag["id"])
        self.emulator.unsubscribe(contact_id, emit=False)
        self.backend.import_contact(contact_id)
        partner = self.binding_of(contact_id).odoo_id
        self.assertEqual(partner.category_id.mapped("name"), ["Prospect"])
        self.assertTrue(
            self.env["mail.blacklist"].search([("email", "=", "person0@example.com")])
        )
        # consent is never given back by the connector
        before = dict(self.emulator.contact_lists)
        self.binding_of(contact_id).export_record()
        self.assertEqual(self.emulator.contact_lists, before)
        # a tag removed on ActiveCampaign takes the category off
        self.emulator.contact_tags.clear()
        self.backend.import_contact(contact_id)
        self.assertFalse(partner.category_id)

    def test_rate_limited_answers_postpone_with_retry_after(self):
        from odoo.addons.queue_job.exception import RetryableJobError

        self.emulator.faults.configure(
            burst={"status": 429, "count": 10, "retry_after": 30}
        )
        with self.assertRaises(RetryableJobError) as caught:
            self.adapter().check_connection()
        self.assertGreaterEqual(caught.exception.seconds, 25)

    def test_bulk_import_never_done_goes_to_review(self):
        from unittest.mock import patch

        self.emulator.bulk_polls = 10
        self.addCleanup(setattr, self.emulator, "bulk_polls", 1)
        adapter_class = type(self.adapter(BINDING))
        patcher = patch.object(adapter_class, "bulk_max_polls", 2)
        patcher.start()
        self.addCleanup(patcher.stop)
        partners = self.Partner.create(
            [
                {"name": f"Stuck {i}", "email": f"stuck{i}@example.com"}
                for i in range(11)
            ]
        )
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        self.run_jobs(bindings.export_batch)
        tracker = self.env["marketing.bulk.import"].search(self.backend._scope_domain())
        self.assertEqual((tracker.state, tracker.polls), ("failed", 2))
        self.assertEqual(self.issues(reason_code="bulk_timeout").partner_id, partners)
        self.assertFalse(any(bindings.mapped("external_id")))

    def test_account_becomes_the_company_with_the_job_title(self):
        contact_id = self.emulator.seed(1)[0]
        self.emulator.accounts["900"] = {
            "id": "900",
            "name": "Initech",
            "accountUrl": "",
        }
        self.emulator.account_contacts["901"] = {
            "id": "901",
            "account": "900",
            "contact": contact_id,
            "jobTitle": "Buyer",
        }
        self.backend.import_contact(contact_id)
        binding = self.binding_of(contact_id)
        self.assertEqual(binding.parent_id.name, "Initech")
        self.assertTrue(binding.parent_id.is_company)
        self.assertEqual(binding.function, "Buyer")
        self.assertEqual(binding.account_contact_id, "901")
        account = self.env["activecampaign.account"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", "900")]
        )
        self.assertEqual(account.odoo_id, binding.parent_id)
        # exported back: the same account and link are updated, not duplicated
        binding.odoo_id.function = "Head of purchasing"
        binding.export_record()
        self.assertEqual(len(self.emulator.accounts), 1)
        self.assertEqual(
            self.emulator.account_contacts["901"]["jobTitle"], "Head of purchasing"
        )
