import io

from odoo import fields

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import BINDING, MarketoCase


class TestMarketoSync(MarketoCase):
    def setUp(self):
        super().setUp()
        self.emulator.leads.clear()

    def binding_of(self, lead_id):
        return self.env[BINDING].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", str(lead_id))]
        )

    def upsert_remote(self, **lead):
        result = self.adapter().upsert([lead])[0]
        self.assertIn(result["status"], ("created", "updated"), result)
        return int(result["external_id"])

    # -- import ---------------------------------------------------------
    def test_delta_import_through_lead_changes(self):
        self.backend.import_since = "2000-01-01 00:00:00"
        ids = [
            self.upsert_remote(
                email=f"lead{i}@example.com",
                firstName="Lead",
                lastName=f"N{i}",
                country="France",
                title="CTO",
                company="Acme",
                leadScore=i,
            )
            for i in range(5)
        ]
        message = self.run_jobs(self.backend.import_contacts_page)
        self.assertIn("5 created", message)
        partner = self.binding_of(ids[0]).odoo_id
        self.assertEqual(partner.name, "Lead N0")
        self.assertEqual(partner.country_id.code, "FR")
        self.assertEqual(partner.function, "CTO")
        self.assertEqual(partner.parent_id.name, "Acme")
        self.assertEqual(self.binding_of(ids[3]).lead_score, 3)
        # delta: only what changed since
        self.emulator.touch(ids[1], firstName="Changed")
        message = self.run_jobs(self.backend.import_contacts_page)
        self.assertIn("1 contacts read", message)

    def test_invalid_lead_goes_to_review_rest_lands(self):
        self.backend.import_since = "2000-01-01 00:00:00"
        good = self.upsert_remote(email="ok@example.com", firstName="Ok")
        bad = self.upsert_remote(email="odd@example.com", country="Atlantis")
        self.run_jobs(self.backend.import_contacts_page)
        self.assertTrue(self.binding_of(good))
        self.assertFalse(self.binding_of(bad))
        self.assertEqual(
            self.issues(reason_code="invalid_country").external_id, str(bad)
        )

    def test_persona_and_segment_become_tags(self):
        self.backend.import_fields = "persona,segment"
        lead = self.upsert_remote(
            email="tag@example.com", persona="Buyer", segment="SMB"
        )
        self.backend.import_contact(str(lead))
        tags = self.binding_of(lead).odoo_id.category_id.mapped("name")
        self.assertEqual(sorted(tags), ["Persona: Buyer", "Segment: SMB"])

    def test_score_threshold_creates_one_opportunity(self):
        team = self.env["crm.team"].create({"name": "Inside sales"})
        self.backend.write({"score_threshold": 50, "opportunity_team_id": team.id})
        lead = self.upsert_remote(
            email="hot@example.com", firstName="Hot", leadScore=40
        )
        self.backend.import_contact(str(lead))
        Opportunity = self.env["marketo.crm.lead"]
        self.assertFalse(Opportunity.search([("external_id", "=", str(lead))]))
        self.emulator.touch(lead, leadScore=60)
        self.backend.import_contact(str(lead))
        self.emulator.touch(lead, leadScore=80)
        self.backend.import_contact(str(lead))
        opportunity = Opportunity.search([("external_id", "=", str(lead))])
        self.assertEqual(len(opportunity), 1)
        self.assertEqual(opportunity.team_id, team)
        self.assertEqual(opportunity.type, "opportunity")
        self.assertEqual(opportunity.partner_id, self.binding_of(lead).odoo_id)

    # -- export ---------------------------------------------------------
    def test_export_batches_of_300_with_statuses(self):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Export {i}", "email": f"export{i}@example.com"}
                for i in range(610)
            ]
        )
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        before = self.calls("POST /rest/v1/leads.json")
        message = bindings.export_batch()
        self.assertIn("610 created", message)
        self.assertEqual(self.calls("POST /rest/v1/leads.json") - before, 3)
        self.assertTrue(all(bindings.mapped("external_id")))
        # unchanged: nothing sent
        bindings.export_batch()
        self.assertEqual(self.calls("POST /rest/v1/leads.json") - before, 3)

    def test_skipped_record_becomes_review_item(self):
        ok = self.bind(
            self.env["res.partner"].create(
                {"name": "Fine", "email": "fine@example.com"}
            )
        )
        field = self.env["ir.model.fields"]._get("res.partner", "ref")
        Mapping = self.env["marketing.field.mapping"]
        Mapping.create(
            dict(
                Mapping._scope_vals(self.backend),
                field_id=field.id,
                remote_field="leadScore",
                direction="export",
            )
        )
        odd = self.bind(
            self.env["res.partner"].create(
                {"name": "Odd", "email": "odd@example.com", "ref": "R"}
            )
        )
        message = (ok | odd).export_batch()
        self.assertIn("sent to review", message)
        # "R" is no integer: Marketo skips that record alone (1001)
        issue = self.issues(reason_code="marketo_1001")
        self.assertEqual(issue.res_id, odd.id, self.issues().mapped("reason_code"))
        self.assertTrue(ok.external_id)

    def test_companies_are_exported_with_the_leads(self):
        company = self.env["res.partner"].create({"name": "Globex", "is_company": True})
        self.env["res.partner"].create(
            {
                "name": "Hank Scorpio",
                "email": "hank@globex.example",
                "parent_id": company.id,
            }
        )
        self.backend.partner_domain = "[('email', '=', 'hank@globex.example')]"
        self.run_jobs(self.backend.export_contacts)
        lead = self.emulator.find_by_email("hank@globex.example")
        self.assertEqual(lead["externalCompanyId"], f"odoo-{company.id}")
        self.assertIn(f"odoo-{company.id}", str(self.emulator.companies))

    # -- activities -----------------------------------------------------
    def test_activities_and_unsubscribe(self):
        self.backend.import_since = "2000-01-01 00:00:00"
        partner = self.env["res.partner"].create(
            {"name": "Reader", "email": "reader@example.com"}
        )
        binding = self.bind(partner)
        binding.export_record()
        lead = int(binding.external_id)
        stranger = self.upsert_remote(email="stranger@example.com")
        self.emulator.add_activity(lead, 10, primaryAttributeValue="Newsletter")
        self.emulator.add_activity(lead, 11, primaryAttributeValue="Newsletter")
        self.emulator.add_activity(stranger, 9, primaryAttributeValue="Newsletter")
        message = self.run_jobs(self.backend.import_activities_page)
        self.assertIn("new", message)
        activities = partner.marketing_activity_ids
        self.assertEqual(sorted(activities.mapped("activity_type")), ["click", "open"])
        self.assertTrue(
            self.env["mail.blacklist"].search([("email", "=", "stranger@example.com")])
        )
        # a second read of the same page stores nothing twice
        self.env["marketing.sync.cursor"]._set(self.backend, "activities", None)
        self.run_jobs(self.backend.import_activities_page)
        self.assertEqual(len(partner.marketing_activity_ids), 2)

    # -- pipeline -------------------------------------------------------
    def test_stage_change_updates_lead_and_programs(self):
        self.backend.write(
            {
                "score_threshold": 10,
                "nurture_program_id": 1001,
                "post_sale_program_id": 1002,
                "deal_status_field": "dealStatus",
            }
        )
        lead = self.upsert_remote(
            email="buyer@example.com", firstName="Buy", leadScore=20
        )
        self.emulator.add_program(1001, "Nurture")
        self.emulator.add_program(1002, "Customers")
        self.emulator.set_program_status(1001, [lead], "Member")
        self.backend.import_contact(str(lead))
        opportunity = self.env["marketo.crm.lead"].search(
            [("external_id", "=", str(lead))]
        )
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        with trap_jobs() as trap:
            opportunity.odoo_id.write({"stage_id": won.id})
            trap.assert_jobs_count(1, only=opportunity.export_stage)
            trap.perform_enqueued_jobs()
        remote = self.emulator.leads[lead]
        self.assertEqual(remote["leadStatus"], won.name)
        self.assertEqual(remote["dealStatus"], "won")
        self.assertNotIn(lead, self.emulator.program_members(1001))
        self.assertIn(lead, self.emulator.program_members(1002))

    # -- initial load ---------------------------------------------------
    def test_initial_load_through_bulk_extract(self):
        self.emulator.seed(700)
        self.backend.initial_load_since = fields.Datetime.subtract(
            fields.Datetime.now(), days=40
        )
        self.run_jobs_tolerant(self.backend.action_initial_load)
        bound = self.env[BINDING].search_count([("backend_id", "=", self.backend.id)])
        self.assertEqual(bound, 700)
        cursor = self.env["marketing.sync.cursor"]._get(self.backend, "contacts")
        self.assertTrue(cursor["since"], "delta import starts where the load began")

    def test_initial_load_streams_the_bulk_file(self):
        from unittest import mock

        from odoo.addons.connector_marketing_base.components.adapter import (
            MarketingAdapter,
        )

        self.emulator.seed(700)
        self.backend.initial_load_since = fields.Datetime.subtract(
            fields.Datetime.now(), days=40
        )
        original = MarketingAdapter._text_stream
        streamed = []

        def spy(response):
            streamed.append(response)
            return original(response)

        with mock.patch.object(MarketingAdapter, "_text_stream", staticmethod(spy)):
            self.run_jobs_tolerant(self.backend.action_initial_load)
        self.assertTrue(streamed, "the file went through the stream")
        for response in streamed:
            self.assertIs(response._content, False, "the body was never loaded whole")
            self.assertTrue(response.raw.closed, "and closed after use")
        bound = self.env[BINDING].search_count([("backend_id", "=", self.backend.id)])
        self.assertEqual(bound, 700)

    def test_initial_load_rows_keep_quoted_newlines(self):
        text = 'id,email,address\n1,a@example.com,"1 Main St\nFloor 2"\n2,b@x.com,\n'
        with self.backend.work_on(BINDING) as work:
            importer = work.component(usage="extract.importer")
            rows = list(importer._rows(io.StringIO(text, newline="")))
        self.assertEqual(rows[0]["address"], "1 Main St\nFloor 2")
        self.assertEqual(rows[1], {"id": "2", "email": "b@x.com"})

    def run_jobs_tolerant(self, func):
        """Perform jobs; a job postponed (bulk export not ready) runs again."""
        from odoo.addons.queue_job.exception import RetryableJobError

        with trap_jobs() as trap:
            func()
            for _round in range(200):
                if not trap.enqueued_jobs:
                    break
                jobs, trap.enqueued_jobs = trap.enqueued_jobs, []
                for job in jobs:
                    try:
                        job.perform()
                    except RetryableJobError:
                        trap.enqueued_jobs.append(job)
            self.assertFalse(trap.enqueued_jobs, "the load finished")

    def test_malformed_lead_records(self):
        message = self.backend._import_records(
            [
                {"email": "no-id@example.com", "firstName": "NoId"},
                {"id": 71, "email": "not-an-email", "firstName": "Bad"},
                {"id": 72, "email": "fine@example.com", "leadScore": "high"},
            ]
        )
        self.assertIn("1 created", message)
        self.assertIn("2 sent to review", message)
        self.assertTrue(self.issues(reason_code="malformed_record"))
        self.assertEqual(self.issues(reason_code="invalid_email").external_id, "71")
        self.assertEqual(self.binding_of(72).lead_score, 0, "a non-numeric score")

    def test_score_change_activity_refreshes_the_lead(self):
        self.backend.write({"score_threshold": 50, "import_since": "2000-01-01"})
        lead = self.upsert_remote(email="scored@example.com", leadScore=10)
        self.backend.import_contact(str(lead))
        self.emulator.touch(lead, leadScore=75)  # logged as Change Score (22)
        self.env["marketing.sync.cursor"]._set(self.backend, "activities", None)
        self.run_jobs(self.backend.import_activities_page)
        self.assertEqual(self.binding_of(lead).lead_score, 75)
        self.assertTrue(
            self.env["marketo.crm.lead"].search([("external_id", "=", str(lead))])
        )

    def test_company_fields_come_from_the_company(self):
        company = self.env["res.partner"].create(
            {"name": "Initech", "is_company": True}
        )
        partner = self.env["res.partner"].create(
            {
                "name": "Peter Gibbons",
                "email": "peter@initech.example",
                "parent_id": company.id,
            }
        )
        with self.backend.work_on(BINDING) as work:
            payload = (
                work.component(usage="export.mapper")
                .map_record(self.bind(partner))
                .values()
            )
        self.assertEqual(payload["externalCompanyId"], f"odoo-{company.id}")
        self.assertNotIn("company", payload)

    # -- companies, import direction ------------------------------------
    def sync_remote_company(self, **values):
        result = self.adapter().sync_companies([values])[0]
        self.assertIn(result["status"], ("created", "updated"), result)

    def test_leads_of_a_marketo_company_join_its_company_partner(self):
        self.sync_remote_company(
            externalCompanyId="crm-42",
            company="Globex Corporation",
            website="https://globex.example",
            mainPhone="+49 30 1234567",
            billingCity="Berlin",
            billingPostalCode="10115",
            billingCountry="Germany",
        )
        ids = [
            self.upsert_remote(
                email=f"staff{i}@globex.example",
                firstName="Staff",
                lastName=f"N{i}",
                externalCompanyId="crm-42",
            )
            for i in range(3)
        ]
        before = self.calls("POST /rest/v1/companies.json")
        leads = self.adapter(BINDING).fetch_many(ids)
        self.assertEqual(leads[0]["company"], "Globex Corporation")
        self.backend._import_records(leads)
        parents = {self.binding_of(i).odoo_id.parent_id for i in ids}
        self.assertEqual(len(parents), 1, "one company partner for the company")
        company = parents.pop()
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, "Globex Corporation")
        self.assertEqual(company.city, "Berlin")
        self.assertEqual(company.zip, "10115")
        self.assertEqual(company.country_id.code, "DE")
        self.assertEqual(company.website, "https://globex.example")
        self.assertEqual(
            self.calls("POST /rest/v1/companies.json") - before,
            1,
            "the page's companies are read in one call",
        )
        link = self.env["marketo.company"].search(
            [("backend_id", "=", self.backend.id), ("odoo_id", "=", company.id)]
        )
        self.assertEqual(link.external_id, "crm-42")
        # a later lead of the company: the link is known, Marketo not asked
        later = self.upsert_remote(
            email="late@globex.example", firstName="Late", externalCompanyId="crm-42"
        )
        self.backend._import_records(self.adapter(BINDING).fetch_many([later]))
        self.assertEqual(self.binding_of(later).odoo_id.parent_id, company)
        self.assertEqual(self.calls("POST /rest/v1/companies.json") - before, 1)
        # back to Marketo: the company keeps its Marketo key, not odoo-<id>
        with self.backend.work_on(BINDING) as work:
            payload = (
                work.component(usage="export.mapper")
                .map_record(self.binding_of(later))
                .values()
            )
        self.assertEqual(payload["externalCompanyId"], "crm-42")

    def test_lead_linked_to_an_odoo_company_joins_it(self):
        company = self.env["res.partner"].create(
            {"name": "Initech", "is_company": True}
        )
        self.sync_remote_company(
            externalCompanyId=f"odoo-{company.id}", company="Initech"
        )
        lead = self.upsert_remote(
            email="peter@initech.example",
            firstName="Peter",
            externalCompanyId=f"odoo-{company.id}",
        )
        before = self.calls("POST /rest/v1/companies.json")
        self.backend._import_records(self.adapter(BINDING).fetch_many([lead]))
        self.assertEqual(self.binding_of(lead).odoo_id.parent_id, company)
        self.assertEqual(self.calls("POST /rest/v1/companies.json"), before)
        self.assertFalse(
            self.env["marketo.company"].search([("odoo_id", "=", company.id)])
        )

    def test_unknown_company_key_falls_back_to_the_company_name(self):
        lead = self.upsert_remote(
            email="solo@acme.example",
            firstName="Solo",
            company="Acme Widgets",
            externalCompanyId="gone-7",
        )
        self.backend._import_records(self.adapter(BINDING).fetch_many([lead]))
        parent = self.binding_of(lead).odoo_id.parent_id
        self.assertEqual(parent.name, "Acme Widgets")
        self.assertFalse(
            self.env["marketo.company"].search([("odoo_id", "=", parent.id)])
        )

    # -- deleted leads --------------------------------------------------
    def test_deleted_leads_unbind_and_keep_the_partner(self):
        self.backend.import_since = "2000-01-01 00:00:00"
        ids = [
            self.upsert_remote(email=f"gone{i}@example.com", firstName=f"Gone {i}")
            for i in range(3)
        ]
        self.backend._import_records(self.adapter(BINDING).fetch_many(ids))
        partners = [self.binding_of(i).odoo_id for i in ids]
        self.emulator.delete_lead(ids[0])
        self.emulator.delete_lead(ids[1])
        # a lead Odoo never knew is deleted too: nothing to do for it
        self.emulator.delete_lead(
            self.upsert_remote(email="stranger@example.com", firstName="Stranger")
        )
        message = self.run_jobs(self.backend.import_deleted_leads_page)
        self.assertFalse(self.binding_of(ids[0]))
        self.assertFalse(self.binding_of(ids[1]))
        self.assertTrue(self.binding_of(ids[2]), "a living lead stays bound")
        self.assertTrue(all(p.exists() for p in partners), "no partner is deleted")
        issues = self.issues(reason_code="remote_deleted")
        self.assertEqual(set(issues.partner_id.ids), {partners[0].id, partners[1].id})
        self.assertIn("3 deleted leads read, 2 partners unbound", str(message))
        # the feed goes on from its token: read again, nothing new
        again = self.run_jobs(self.backend.import_deleted_leads_page)
        self.assertIn("0 deleted leads read", str(again))

    def test_malformed_activities_go_to_review_and_the_feed_moves_on(self):
        self.backend.import_since = "2000-01-01 00:00:00"
        partner = self.env["res.partner"].create(
            {"name": "Careful Reader", "email": "careful@example.com"}
        )
        binding = self.bind(partner)
        binding.export_record()
        lead = int(binding.external_id)
        added = [
            self.emulator.add_activity(lead, 10, primaryAttributeValue=f"News {n}")
            for n in range(4)
        ]
        stored = [self.emulator._log.get(a["id"]) for a in added]
        del stored[0]["marketoGUID"]
        del stored[1]["activityDate"]
        stored[2]["primaryAttributeValue"] = "Bad\x00Campaign"
        self.run_jobs(self.backend.import_activities_page)
        activities = partner.marketing_activity_ids
        self.assertEqual(len(activities), 2, "the valid ones landed")
        self.assertIn("BadCampaign", activities.mapped("campaign"), "NUL dropped")
        issues = self.issues(reason_code="invalid_activity")
        self.assertEqual(len(issues), 2)
        self.assertIn("marketoGUID", " ".join(issues.mapped("reason")))
        self.assertIn("activityDate", " ".join(issues.mapped("reason")))
        cursor = self.env["marketing.sync.cursor"]._get(self.backend, "activities")
        self.assertTrue(cursor and cursor.get("token"), "the paging token moved on")
        # the next page read starts after them: nothing loops
        self.run_jobs(self.backend.import_activities_page)
        self.assertEqual(len(partner.marketing_activity_ids), 2)
        self.assertEqual(len(self.issues(reason_code="invalid_activity")), 2)
