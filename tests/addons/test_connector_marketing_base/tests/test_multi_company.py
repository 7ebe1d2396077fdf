from .common import BINDING_MODEL, MarketingCase


class TestMultiCompany(MarketingCase):
    """Two companies, each with its backend; partners of each with the same
    email: a backend sees its company's partners and the shared ones."""

    def setUp(self):
        super().setUp()
        Partner = self.env["res.partner"]
        self.company_a = self.backend.company_id
        self.company_b = self.env["res.company"].create({"name": "Company B"})
        self.backend_b = self._create_backend(
            self.env, url=self.server.url, name="B", company_id=self.company_b.id
        )
        self.twin_a = Partner.create(
            {
                "name": "Twin A",
                "email": "twin@example.com",
                "company_id": self.company_a.id,
            }
        )
        self.twin_b = Partner.create(
            {
                "name": "Twin B",
                "email": "twin@example.com",
                "company_id": self.company_b.id,
            }
        )
        self.shared = Partner.create({"name": "Shared", "email": "shared@example.com"})

    def binding(self, backend, external_id):
        return self.env[BINDING_MODEL].search(
            [("backend_id", "=", backend.id), ("external_id", "=", external_id)]
        )

    def remote(self, email):
        contact_id = self.emulator.seed(1)[0]
        self.emulator.touch(contact_id, email=email)
        return contact_id

    def test_export_domain_is_the_company_plus_shared_partners(self):
        Partner = self.env["res.partner"]
        mine = Partner.search(self.backend._partner_domain())
        theirs = Partner.search(self.backend_b._partner_domain())
        self.assertIn(self.twin_a, mine)
        self.assertNotIn(self.twin_b, mine)
        self.assertIn(self.twin_b, theirs)
        self.assertNotIn(self.twin_a, theirs)
        self.assertIn(self.shared, mine & theirs)
        with self.trap() as trap:
            self.backend_b.export_contacts()
            bound = (
                self.env[BINDING_MODEL]
                .search([("backend_id", "=", self.backend_b.id)])
                .odoo_id
            )
            self.assertIn(self.twin_b, bound)
            self.assertNotIn(self.twin_a, bound)
            self.assertTrue(trap.enqueued_jobs)

    def test_import_and_webhooks_match_within_the_company(self):
        contact_id = self.remote("twin@example.com")
        self.backend.import_contact(contact_id)
        self.assertEqual(self.binding(self.backend, contact_id).odoo_id, self.twin_a)
        event, __ = self.env["marketing.webhook.event"]._receive(
            self.backend_b, f"mc-{contact_id}", "contact.updated", {}, contact_id
        )
        self.backend_b.process_webhook_event(event)
        self.assertEqual(event.state, "done", event.result)
        self.assertEqual(self.binding(self.backend_b, contact_id).odoo_id, self.twin_b)
        self.assertFalse(self.issues(reason_code="ambiguous_match"))

    def test_new_contacts_are_created_in_the_backend_company(self):
        # known to company B only: for backend A it is a new contact
        self.env["res.partner"].create(
            {
                "name": "Only B",
                "email": "only-b@example.com",
                "company_id": self.company_b.id,
            }
        )
        page = [self.emulator.contacts[self.remote("only-b@example.com")]]
        self.backend._import_records(page)
        created = self.binding(self.backend, page[0]["id"]).odoo_id
        self.assertTrue(created)
        self.assertEqual(created.company_id, self.company_a)
        single = self.remote("single-a@example.com")
        self.backend.import_contact(single)
        self.assertEqual(self.binding(self.backend, single).company_id, self.company_a)
