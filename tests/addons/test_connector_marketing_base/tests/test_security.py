from odoo.exceptions import AccessError
from odoo.tests.common import TransactionCase, new_test_user

from .common import BackendMixin


class TestSecurity(BackendMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls._create_backend(cls.env)
        cls.manager = new_test_user(
            cls.env,
            "mkt_manager",
            groups="base.group_user,connector_marketing_base.group_marketing_manager",
        )
        cls.reviewer = new_test_user(
            cls.env,
            "mkt_user",
            groups="base.group_user,connector_marketing_base.group_marketing_user",
        )
        cls.admin = new_test_user(
            cls.env,
            "mkt_admin",
            groups="base.group_system,connector_marketing_base.group_marketing_manager",
        )
        cls.issue = cls.env["marketing.sync.issue"]._report(
            cls.backend, "import", "invalid_email", "bad", external_id="c1"
        )

    def test_credentials_are_for_system_administrators_only(self):
        backend = self.backend.with_user(self.manager)
        self.assertEqual(backend.name, "Demo", "managers use the backend")
        for field in ("client_secret", "client_id", "webhook_secret"):
            with self.assertRaises(AccessError, msg=field):
                backend.read([field])
        self.assertNotIn("client_secret", backend.fields_get())
        admin_view = self.backend.with_user(self.admin).read(["client_secret"])
        self.assertEqual(admin_view[0]["client_secret"], "demo-secret")

    def test_tokens_are_for_system_administrators_only(self):
        with self.assertRaises(AccessError):
            self.env["marketing.token"].with_user(self.manager).search([])
        self.assertNotIn(
            "access_token",
            self.env["marketing.token"].with_user(self.manager).fields_get(),
        )

    def test_reviewer_works_the_queue_but_cannot_configure(self):
        issue = self.issue.with_user(self.reviewer)
        issue.action_ignore()
        self.assertEqual(self.issue.state, "ignored")
        with self.assertRaises(AccessError):
            self.env["marketing.sync.issue"].with_user(self.reviewer).create(
                dict(
                    self.issue._scope_vals(self.backend),
                    direction="import",
                    reason_code="x",
                )
            )
        with self.assertRaises(AccessError):
            self.backend.with_user(self.reviewer).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["marketing.field.mapping"].with_user(self.reviewer).create(
                dict(
                    self.issue._scope_vals(self.backend),
                    field_id=self.env["ir.model.fields"]._get("res.partner", "ref").id,
                    remote_field="r",
                )
            )

    def test_multi_company_isolation(self):
        other_company = self.env["res.company"].create({"name": "Elsewhere"})
        other_backend = self._create_backend(
            self.env, name="Other", company_id=other_company.id
        )
        other_issue = self.env["marketing.sync.issue"]._report(
            other_backend, "import", "invalid_email", "bad", external_id="c2"
        )
        visible = self.env["marketing.sync.issue"].with_user(self.reviewer).search([])
        self.assertIn(self.issue, visible)
        self.assertNotIn(other_issue, visible)
        backends = self.env["test.marketing.backend"].with_user(self.manager).search([])
        self.assertIn(self.backend, backends)
        self.assertNotIn(other_backend, backends)
