from odoo.addons.queue_job.exception import RetryableJobError

from .common import BINDING, ConstantContactCase


class TestConstantContactSync(ConstantContactCase):
    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()
        self.emulator.by_email.clear()
        self.emulator.refused_domains.clear()
        self.emulator.campaigns.clear()
        self.emulator.tracking.clear()
        self.emulator.reset()
        self.connect()

    def partners(self, count, prefix="p", **vals):
        return self.env["res.partner"].create(
            [
                dict(
                    {"name": f"Jane {prefix}{i}", "email": f"{prefix}{i}@example.com"},
                    **vals,
                )
                for i in range(count)
            ]
        )

    # -- export -----------------------------------------------------------
    def test_bulk_export_binds_ids_by_reading_back_and_files_bad_rows(self):
        self.backend.partner_domain = "[('email', 'ilike', '@example.com')]"
        good = self.partners(30)
        self.emulator.refused_domains.add("refused.example.com")
        bad = self.env["res.partner"].create(
            {"name": "No Way", "email": "no@refused.example.com"}
        )
        self.backend.partner_domain = (
            "['|', ('email', 'ilike', '@example.com'), "
            "('email', 'ilike', 'refused.example.com')]"
        )
        self.run_jobs(self.backend.export_contacts)
        self.assertEqual(self.calls("POST /v3/activities/contacts_json_import"), 1)
        self.assertEqual(self.calls("GET /v3/activities/<activity_id>"), 1)
        self.assertEqual(self.calls("GET /v3/contacts"), 1, "one read-back page")
        for partner in good:
            binding = self.binding_for(partner)
            contact = self.emulator.find(partner.email)
            self.assertEqual(binding.external_id, contact["contact_id"])
            self.assertIn(self.list_id, contact["list_memberships"])
        self.assertFalse(self.binding_for(bad).external_id)
        issue = self.issues(reason_code="constantcontact_import")
        self.assertEqual(issue.partner_id, bad)
        self.assertIn("not allowed", issue.reason)
        # nothing changed: a second export sends nothing
        self.emulator.reset()
        self.run_jobs(self.backend.export_contacts)
        self.assertEqual(self.calls("POST /v3/activities/contacts_json_import"), 1)

    def test_bad_input_partner_without_email_and_long_names(self):
        self.backend.partner_domain = "[('name', 'ilike', 'Bad input')]"
        no_email = self.env["res.partner"].create({"name": "Bad input none"})
        long_name = self.env["res.partner"].create(
            {"name": "Bad input " + "x" * 80, "email": "long@example.com"}
        )
        binding = self.bind(no_email)
        binding.export_batch()
        self.assertEqual(self.issues(reason_code="invalid_email").partner_id, no_email)
        self.run_jobs(self.bind(long_name).export_batch)
        contact = self.emulator.find("long@example.com")
        self.assertEqual(len(contact["last_name"]), 50)

    def test_update_is_read_modify_write(self):
        partner = self.partners(1, prefix="rmw")
        self.run_jobs(self.bind(partner).export_batch)
        binding = self.binding_for(partner)
        contact = self.emulator.contacts[binding.external_id]
        field_id = self.emulator.add_custom_field("Shoe size")
        contact.update(
            phone_numbers=[{"phone_number": "+33 1 23 45 67 89", "kind": "work"}],
            street_addresses=[
                {"kind": "home", "street": "1 rue", "city": "Paris"},
                {"kind": "work", "street": "2 avenue", "city": "Lyon"},
            ],
            custom_fields=[{"custom_field_id": field_id, "value": "42"}],
            taggings=["tag-1"],
        )
        other_list = self.emulator.add_list("Other")
        contact["list_memberships"].append(other_list)
        partner.write({"name": "Jane Renamed", "city": "Nantes", "street": "3 quai"})
        result = self.run_jobs(self.binding_for(partner).export_record)
        self.assertEqual(result, "1 partners: 1 updated", "the base's outcomes")
        # the same payload again: the hash skips it
        self.assertEqual(
            self.binding_for(partner).export_record(), "1 partners: 1 unchanged"
        )
        contact = self.emulator.contacts[binding.external_id]
        self.assertEqual(contact["last_name"], "Renamed")
        self.assertEqual(
            contact["phone_numbers"],
            [{"phone_number": "+33 1 23 45 67 89", "kind": "work"}],
        )
        self.assertEqual(contact["street_addresses"][0]["city"], "Nantes")
        self.assertEqual(contact["street_addresses"][1]["city"], "Lyon")
        self.assertEqual(contact["custom_fields"][0]["value"], "42")
        self.assertEqual(contact["taggings"], ["tag-1"])
        self.assertEqual(set(contact["list_memberships"]), {self.list_id, other_list})
        self.assertEqual(self.emulator.stats["puts"], 1)

    # -- import -----------------------------------------------------------
    def test_delta_import_pages_and_consent(self):
        self.backend.conflict_rule = "remote_wins"
        self.backend.import_since = "2000-01-01 00:00:00"
        self.emulator.seed(1100, start=5000)
        gone = self.emulator.find("person5001@example.com")
        gone["email_address"].update(
            permission_to_send="unsubscribed", opt_out_reason="too many emails"
        )
        message = self.run_jobs(self.backend.import_contacts_page)
        self.assertIn("500 contacts read", message)
        self.assertEqual(self.calls("GET /v3/contacts"), 3, "3 pages of 500")
        partner = (
            self.env[BINDING].search([("external_id", "=", gone["contact_id"])]).odoo_id
        )
        self.assertEqual(partner.name, "Person N5001")
        entry = self.env["mail.blacklist"].search(
            [("email", "=", "person5001@example.com")]
        )
        self.assertTrue(entry)
        self.assertIn("too many emails", entry.message_ids[:1].body or "")
        # delta: nothing changed since
        self.emulator.reset()
        self.run_jobs(self.backend.import_contacts_page)
        self.emulator.touch(gone["contact_id"], first_name="Changed")
        message = self.run_jobs(self.backend.import_contacts_page)
        self.assertIn("Changed", partner.name)

    def test_reconcile_counts_contacts(self):
        self.emulator.seed(7, start=9000)
        self.assertEqual(self.adapter().count(), 7)
        self.run_jobs(self.backend.reconcile_contacts_page)
        issue = self.issues(reason_code="count_mismatch")
        self.assertIn("7 contacts on the platform, 0 bound", issue.reason)

    def test_remote_email_change_is_reviewed(self):
        partner = self.partners(1, prefix="mail")
        self.run_jobs(self.bind(partner).export_batch)
        binding = self.binding_for(partner)
        self.emulator.touch(binding.external_id, email="other@example.com")
        self.backend.import_contact(binding.external_id)
        self.assertEqual(partner.email, "mail0@example.com")
        self.assertTrue(self.issues(reason_code="email_changed"))

    def test_odoo_email_change_is_reviewed_not_sent(self):
        partner = self.partners(1, prefix="newmail")
        self.run_jobs(self.bind(partner).export_batch)
        contact = self.emulator.find(partner.email)
        partner.email = "changed@example.com"
        self.run_jobs(self.binding_for(partner).export_record)
        self.assertEqual(contact["email_address"]["address"], "newmail0@example.com")
        self.assertEqual(self.emulator.stats["puts"], 0)
        self.assertEqual(self.issues(reason_code="email_changed").partner_id, partner)

    def test_blacklist_unsubscribes_remotely_never_resubscribes(self):
        partner = self.partners(1, prefix="bl")
        self.run_jobs(self.bind(partner).export_batch)
        contact = self.emulator.find(partner.email)
        self.run_jobs(self.env["mail.blacklist"]._add, partner.email)
        self.assertEqual(self.binding_for(partner).permission_to_send, "unsubscribed")
        self.assertEqual(contact["email_address"]["permission_to_send"], "unsubscribed")
        puts = self.emulator.stats["puts"]
        entry = self.env["mail.blacklist"].search([("email", "=", partner.email)])
        self.run_jobs(self.env["mail.blacklist"]._remove, partner.email)
        self.assertFalse(entry.active)
        self.assertEqual(self.emulator.stats["puts"], puts)
        self.assertEqual(contact["email_address"]["permission_to_send"], "unsubscribed")
        self.assertTrue(any("never re-subscribes" in m.body for m in entry.message_ids))
        # and a later update keeps the contact unsubscribed
        partner.name = "Jane Still Out"
        self.run_jobs(self.binding_for(partner).export_record)
        self.assertEqual(contact["email_address"]["permission_to_send"], "unsubscribed")
        self.assertEqual(self.emulator.stats["resubscribe_attempts"], 0)

    # -- lists ------------------------------------------------------------
    def test_list_memberships_both_ways(self):
        vip = self.env["res.partner.category"].create({"name": "VIP"})
        self.backend.list_category_ids = vip
        partners = self.partners(3, prefix="list")
        for partner in partners:
            self.bind(partner)
        partners[0].category_id = vip
        self.run_jobs(self.backend.export_contacts)
        vip_list = next(
            lst["list_id"]
            for lst in self.emulator.lists.values()
            if lst["name"] == "VIP"
        )
        self.assertIn(
            vip_list, self.emulator.find(partners[0].email)["list_memberships"]
        )
        self.assertNotIn(
            vip_list, self.emulator.find(partners[1].email)["list_memberships"]
        )
        # out of the category → out of the list
        self.run_jobs(partners[0].write, {"category_id": [(5,)]})
        self.assertNotIn(
            vip_list, self.emulator.find(partners[0].email)["list_memberships"]
        )
        # in from Constant Contact → category in Odoo
        contact = self.emulator.find(partners[2].email)
        self.emulator.touch(
            contact["contact_id"],
            list_memberships=[*contact["list_memberships"], vip_list],
        )
        self.backend.import_contact(contact["contact_id"])
        self.assertIn(vip, partners[2].category_id)

    def test_unknown_list_is_reviewed(self):
        self.backend.create_lists = False
        cat = self.env["res.partner.category"].create({"name": "No list here"})
        self.backend.list_category_ids = cat
        partner = self.partners(1, prefix="nolist", category_id=[(6, 0, cat.ids)])
        self.run_jobs(self.bind(partner).export_batch)
        self.assertTrue(self.issues(reason_code="unknown_list"))

    # -- custom fields ----------------------------------------------------
    def test_custom_field_dates_both_ways(self):
        field_id = self.emulator.add_custom_field("Signup date", kind="date")
        self.backend.refresh_remote_fields()
        # res.partner has no date field of its own: the reference holds it
        date_field = self.env["ir.model.fields"]._get("res.partner", "ref")
        self.env["marketing.field.mapping"].create(
            {
                "backend_model": self.backend._name,
                "backend_id": self.backend.id,
                "field_id": date_field.id,
                "remote_field": field_id,
                "conflict_rule": "remote_wins",
            }
        )
        partner = self.partners(1, prefix="cf", ref="2026-03-01")
        self.run_jobs(self.bind(partner).export_batch)
        contact = self.emulator.find(partner.email)
        self.assertEqual(contact["custom_fields"], [])  # remote wins: not exported
        self.emulator.touch(
            contact["contact_id"],
            custom_fields=[{"custom_field_id": field_id, "value": "04/05/2026"}],
        )
        self.backend.import_contact(contact["contact_id"])
        self.assertEqual(partner.ref, "2026-04-05")
        self.emulator.touch(
            contact["contact_id"],
            custom_fields=[{"custom_field_id": field_id, "value": "31/31/2026"}],
        )
        self.backend.import_contact(contact["contact_id"])
        self.assertTrue(self.issues(reason_code="invalid_date"))

    def test_custom_field_choices_are_checked(self):
        field_id = self.emulator.add_custom_field("Plan", kind="single_select")
        self.emulator.custom_fields[field_id]["choices"] = ["Gold", "Silver"]
        self.backend.refresh_remote_fields()
        self.env["marketing.field.mapping"].create(
            {
                "backend_model": self.backend._name,
                "backend_id": self.backend.id,
                "field_id": self.env["ir.model.fields"]._get("res.partner", "ref").id,
                "remote_field": field_id,
                "direction": "export",
            }
        )
        good, bad = self.partners(2, prefix="plan")
        good.ref, bad.ref = "Gold", "Bronze"
        self.run_jobs((self.bind(good) | self.bind(bad)).export_batch)
        self.assertEqual(
            self.emulator.find(good.email)["custom_fields"],
            [{"custom_field_id": field_id, "value": "Gold"}],
        )
        self.assertIsNone(self.emulator.find(bad.email))
        self.assertEqual(self.issues(reason_code="invalid_choice").partner_id, bad)

    # -- engagement -------------------------------------------------------
    def test_engagement_twice_no_duplicates(self):
        partner = self.partners(1, prefix="eng")
        self.run_jobs(self.bind(partner).export_batch)
        contact_id = self.binding_for(partner).external_id
        __, (activity_id,) = self.emulator.add_campaign("Spring news")
        self.emulator.track(activity_id, "opens", contact_id)
        self.emulator.track(
            activity_id, "clicks", contact_id, link_url="https://example.com/x"
        )
        self.run_jobs(self.backend.import_engagement)
        activities = self.env["marketing.activity"].search(
            [("partner_id", "=", partner.id)]
        )
        self.assertEqual(sorted(activities.mapped("activity_type")), ["click", "open"])
        route = "GET /v3/reports/email_reports/<campaign_activity_id>/tracking/<kind>"
        self.assertEqual(self.calls(route), 2, "only reports with rows are read")
        self.emulator.reset()
        self.run_jobs(self.backend.import_engagement)
        self.assertEqual(
            self.env["marketing.activity"].search_count(
                [("partner_id", "=", partner.id)]
            ),
            2,
        )
        self.assertEqual(self.calls(route), 0, "nothing new: no report read")
        self.assertEqual(self.calls("GET /v3/emails/<campaign_id>"), 0)
        self.assertEqual(self.emulator.stats["total"], 2, "campaigns + stats")
        self.emulator.track(
            activity_id, "optouts", contact_id, when=self.emulator.now() + 5
        )
        self.run_jobs(self.backend.import_engagement)
        self.assertTrue(
            self.env["mail.blacklist"].search([("email", "=", partner.email)])
        )

    # -- limits and authorization ----------------------------------------
    def test_quota_postpones_until_midnight_utc(self):
        self.emulator.faults.configure(
            burst={"status": 429, "count": 1, "error": "quota_exceeded"}
        )
        with self.assertRaises(RetryableJobError) as caught:
            self.backend.import_contacts_page()
        self.assertTrue(caught.exception.ignore_retry)
        self.assertIn("00:00 UTC", str(caught.exception))
        # every job of the backend is postponed, without calling
        before = self.emulator.stats["total"]
        with self.assertRaises(RetryableJobError):
            self.backend.import_contacts_page()
        self.assertEqual(self.emulator.stats["total"], before)

    def test_throttled_is_retried_shortly(self):
        self.emulator.faults.configure(
            burst={"status": 429, "count": 1, "error": "throttled"}
        )
        self.assertIn("Connected", self.adapter().check_connection())

    def test_invalid_grant_needs_reauthorization_and_postpones(self):
        self.emulator.revoke_grant()
        # no assertRaises: its savepoint would roll back what a job keeps
        try:
            self.backend.import_contacts_page()
        except RetryableJobError as err:
            caught = err
        self.assertIn("refused the refresh token", str(caught))
        self.assertTrue(caught.ignore_retry)
        self.assertEqual(self.backend.state, "reauth")
        self.assertTrue(self.backend.activity_ids)
        before = self.emulator.stats["total"]
        with self.assertRaises(RetryableJobError):
            self.backend.import_contacts_page()
        self.assertEqual(self.emulator.stats["total"], before, "postponed, no call")
        self.assertEqual(self.emulator.stats["invalid_grants"], 1)
        self.backend.action_check_connection()
        self.assertEqual(self.backend.state, "reauth", "a check cannot repair it")
        # connecting again clears it
        self.connect()
        self.assertEqual(self.backend.state, "ok")
        self.assertFalse(self.backend.activity_ids)
        self.backend.import_contacts_page()

    def test_field_changed_on_both_sides_is_reviewed(self):
        partner = self.partners(1, prefix="both")
        self.run_jobs(self.bind(partner).export_batch)
        binding = self.binding_for(partner)
        # the last sync was long ago; both sides changed the job title since
        binding.write(
            {
                "sync_date": "2001-01-01 00:00:00",
                "remote_updated_at": "2001-01-01 00:00:00",
            }
        )
        partner.with_context(connector_no_export=True).function = "Odoo title"
        self.emulator.touch(binding.external_id, job_title="Remote title")
        self.backend.import_contact(binding.external_id)
        self.assertEqual(partner.function, "Odoo title", "Odoo owns it (odoo_wins)")
        issue = self.issues(reason_code="both_changed")
        self.assertIn("function: Odoo kept (odoo_wins)", issue.reason)

    def test_imports_stay_under_the_size_limit(self):
        from unittest import mock

        from ..components import exporter

        partners = self.partners(20, prefix="size")
        bindings = self.env[BINDING]
        for partner in partners:
            bindings |= self.bind(partner)
        # a small limit instead of 4 MB: the batch is split by bytes
        with mock.patch.object(exporter, "IMPORT_MAX_BYTES", 1500):
            self.run_jobs(bindings.export_batch)
        self.assertGreaterEqual(
            self.calls("POST /v3/activities/contacts_json_import"), 3
        )
        self.assertTrue(all(bindings.mapped("external_id")))
        self.assertEqual(self.emulator.stats["rows_imported"], 20)

    def test_engagement_stops_at_the_newest_stored_row(self):
        partner = self.partners(1, prefix="page")
        self.run_jobs(self.bind(partner).export_batch)
        contact_id = self.binding_for(partner).external_id
        __, (activity_id,) = self.emulator.add_campaign("Big send")
        start = self.emulator.now() - 1000
        for i in range(600):
            self.emulator.track(activity_id, "opens", contact_id, when=start + i)
        route = "GET /v3/reports/email_reports/<campaign_activity_id>/tracking/<kind>"
        self.run_jobs(self.backend.import_tracking, activity_id, "opens", "Big send")
        self.assertEqual(self.calls(route), 2, "two pages of 500")
        self.assertEqual(
            self.env["marketing.activity"].search_count(
                [("partner_id", "=", partner.id), ("activity_type", "=", "open")]
            ),
            600,
        )
        self.emulator.track(activity_id, "opens", contact_id, when=start + 700)
        self.run_jobs(self.backend.import_tracking, activity_id, "opens", "Big send")
        self.assertEqual(self.calls(route), 3, "stopped on the first page")
        self.assertEqual(
            self.env["marketing.activity"].search_count(
                [("partner_id", "=", partner.id), ("activity_type", "=", "open")]
            ),
            601,
        )


class TestConstantContactLimits(ConstantContactCase):
    """With Constant Contact's real 4 calls per second on both sides."""

    emulator_options = {"calls_per_window": 4, "daily_quota": None}

    def test_four_per_second_without_a_violation(self):
        self.backend.write({"rate_limit_calls": 4, "max_inline_wait": 10})
        self.connect()
        adapter = self.adapter()
        for __ in range(10):
            adapter.lists()
        self.assertEqual(self.calls("GET /v3/contact_lists"), 10)
        self.assertEqual(self.emulator.stats["rate_limit_violations"], 0)
