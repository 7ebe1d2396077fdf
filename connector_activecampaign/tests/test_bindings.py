from odoo.addons.queue_job.tests.common import trap_jobs

from .common import BACKEND, BINDING, ActivecampaignCase

ACCOUNT = "activecampaign.account"


class TestBindingRule(ActivecampaignCase):
    """An account is ActiveCampaign's company binding: exported when its
    company changes, never taken for a contact (readme/DEVELOP.rst,
    *Bindings*)."""

    def setUp(self):
        super().setUp()
        self.company = self.env["res.partner"].create(
            {"name": "Initech", "is_company": True, "email": "hq@initech.example"}
        )
        self.account = (
            self.env[ACCOUNT]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": self.backend.id,
                    "odoo_id": self.company.id,
                    "external_id": "900",
                }
            )
        )

    def test_an_account_is_a_company_binding_not_a_contact_binding(self):
        Partner = self.env["res.partner"]
        contacts = [model._name for model in Partner._marketing_binding_models()]
        companies = [
            model._name for model in Partner._marketing_company_binding_models()
        ]
        self.assertIn(BINDING, contacts)
        self.assertNotIn(ACCOUNT, contacts)
        self.assertIn(ACCOUNT, companies)
        self.assertEqual(self.company.activecampaign_company_bind_ids, self.account)
        self.assertEqual(self.company.marketing_binding_count, 0)

    def test_the_status_popup_shows_one_line_per_backend(self):
        lines = self.env["marketing.partner.status"]._build(self.company)
        ours = lines.filtered(
            lambda line: line.backend_ref == f"{BACKEND},{self.backend.id}"
        )
        self.assertEqual(len(ours), 1)
        self.assertFalse(ours.bound, "an account is not the company's contact")

    def test_a_deleted_company_leaves_no_contact_tombstone(self):
        self.company.unlink()
        tombstones = (
            self.env["marketing.tombstone"]
            .sudo()
            .search(self.backend._scope_domain() + [("external_id", "=", "900")])
        )
        self.assertFalse(tombstones)

    def test_a_changed_company_still_exports_its_account(self):
        with trap_jobs() as trap:
            self.company.name = "Initrode"
        trap.assert_jobs_count(1, only=self.account.export_record)
