from odoo.tests.common import TransactionCase
from odoo.tools import email_normalize

from odoo.addons.connector_marketing_base.exceptions import BadDataError
from odoo.addons.connector_marketing_base.tools.normalize import plain_email

from .common import BINDING_MODEL, BackendMixin


class TestMappers(BackendMixin, TransactionCase):
    """Partner ⇄ contact through the shared mappers, no HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend = cls._create_backend(cls.env)
        cls.france = cls.env.ref("base.fr")

    def export(self, **vals):
        partner = self.env["res.partner"].create(
            dict({"name": "Jane Doe", "email": "jane@example.com"}, **vals)
        )
        binding = (
            self.env[BINDING_MODEL]
            .with_context(connector_no_export=True)
            .create({"backend_id": self.backend.id, "odoo_id": partner.id})
        )
        return self.component("export.mapper").map_record(binding).values()

    def import_(self, record):
        return (
            self.component("import.mapper").map_record(record).values(for_create=True)
        )

    def test_name_split_edge_cases(self):
        cases = {
            "Jane Doe": ("Jane", "Doe"),
            "Madonna": ("Madonna", ""),
            "Mary Ann van der Berg": ("Mary", "Ann van der Berg"),
            "  José   García  ": ("José", "García"),
        }
        for name, (first, last) in cases.items():
            payload = self.export(name=name)
            self.assertEqual(
                (payload["first_name"], payload["last_name"]), (first, last), name
            )

    def test_company_partner_keeps_its_name_whole(self):
        payload = self.export(name="ACME Widgets Ltd", is_company=True)
        self.assertEqual(
            (payload["first_name"], payload["last_name"]), ("", "ACME Widgets Ltd")
        )

    def test_email_phone_country_text(self):
        parent = self.env["res.partner"].create(
            {"name": "<b>Big</b> Corp", "is_company": True}
        )
        payload = self.export(
            email=" Jane.Doe@Example.COM ",
            phone="06 12 34 56 78",
            country_id=self.france.id,
            parent_id=parent.id,
        )
        self.assertEqual(payload["email"], "jane.doe@example.com")
        self.assertEqual(payload["phone"], "+33612345678")
        self.assertEqual(payload["country"], "FR")
        self.assertEqual(payload["company"], "<b>Big</b> Corp", "names are not HTML")

    def test_nfc_and_length_limit(self):
        decomposed = "Jose\u0301 " + "Z" * 10
        payload = self.export(name=decomposed)
        self.assertEqual(payload["first_name"], "José")
        payload = self.export(name="A" * 60 + " Smith")
        self.assertEqual(len(payload["first_name"]), 40, "provider limit")

    def test_invalid_data_is_refused_with_a_code(self):
        for vals, code in (
            ({"email": "not-an-email"}, "invalid_email"),
            ({"email": False}, "invalid_email"),
            ({"email": "a@example.com, b@example.com"}, "invalid_email"),
            ({"phone": "12"}, "invalid_phone"),
        ):
            with self.assertRaises(BadDataError) as ctx:
                self.export(**vals)
            self.assertEqual(ctx.exception.code, code, vals)

    def test_mapping_lines_add_fields_both_ways(self):
        Mapping = self.env["marketing.field.mapping"]
        scope = Mapping._scope_vals(self.backend)
        Mapping.create(
            dict(
                scope,
                field_id=self.env["ir.model.fields"]._get("res.partner", "comment").id,
                remote_field="notes",
                transform="text",
                max_length=10,
            )
        )
        Mapping.create(
            dict(
                scope,
                field_id=self.env["ir.model.fields"]._get("res.partner", "ref").id,
                remote_field="score",
                direction="import",
            )
        )
        payload = self.export(comment="<p>Hello <b>big</b> world</p>", ref="R1")
        self.assertEqual(payload["notes"], "Hello big")
        self.assertNotIn("score", payload, "import-only line is not exported")
        values = self.import_(
            {"id": "c1", "email": "x@example.com", "score": 42, "notes": "<i>hi</i>"}
        )
        self.assertEqual(values["ref"], "42", "cast to the Char field")
        self.assertEqual(values["comment"], "hi")

    def test_mapping_line_type_errors_are_bad_data(self):
        Mapping = self.env["marketing.field.mapping"]
        Mapping.create(
            dict(
                Mapping._scope_vals(self.backend),
                field_id=self.env["ir.model.fields"]._get("res.partner", "color").id,
                remote_field="colour",
                direction="import",
            )
        )
        self.assertEqual(
            self.import_({"id": "c", "email": "a@example.com", "colour": "3"})["color"],
            3,
        )
        with self.assertRaises(BadDataError) as ctx:
            self.import_({"id": "c", "email": "a@example.com", "colour": "red"})
        self.assertEqual(ctx.exception.code, "invalid_value")

    def test_remote_owned_lines_are_not_exported(self):
        Mapping = self.env["marketing.field.mapping"]
        Mapping.create(
            dict(
                Mapping._scope_vals(self.backend),
                field_id=self.env["ir.model.fields"]._get("res.partner", "ref").id,
                remote_field="ref",
                conflict_rule="remote_wins",
            )
        )
        self.assertNotIn("ref", self.export(ref="R1"))

    def test_import_mapping(self):
        values = self.import_(
            {
                "id": "c1",
                "email": "ANN@Example.com",
                "first_name": "Ann",
                "last_name": "de la Cruz",
                "phone": "0612345678",
                "country": "fr",
                "company": "Newco",
            }
        )
        self.assertEqual(values["name"], "Ann de la Cruz")
        self.assertEqual(values["email"], "ann@example.com")
        self.assertEqual(values["phone"], "+33612345678")
        self.assertEqual(values["country_id"], self.france.id)
        company = self.env["res.partner"].browse(values["parent_id"])
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, "Newco")
        again = self.import_({"id": "c2", "email": "b@example.com", "company": "Newco"})
        self.assertEqual(again["parent_id"], company.id, "company partner reused")

    def test_import_country_by_name(self):
        values = self.import_(
            {"id": "c1", "email": "a@example.com", "country": "france"}
        )
        self.assertEqual(values["country_id"], self.france.id)

    def test_import_keeps_unparseable_phone_as_text(self):
        values = self.import_(
            {"id": "c1", "email": "a@example.com", "phone": "call reception"}
        )
        self.assertEqual(values["phone"], "call reception")

    def test_import_without_name_uses_email(self):
        values = self.import_({"id": "c1", "email": "solo@example.com"})
        self.assertEqual(values["name"], "solo@example.com")

    def test_import_rejects_bad_country_and_email(self):
        with self.assertRaises(BadDataError) as ctx:
            self.import_({"id": "c1", "email": "a@example.com", "country": "Atlantis"})
        self.assertEqual(ctx.exception.code, "invalid_country")
        with self.assertRaises(BadDataError):
            self.import_({"id": "c1", "email": "a@"})

    def test_plain_email_fast_path_agrees_with_odoo(self):
        """Where ``plain_email`` answers, Odoo's ``email_normalize`` gives the
        same address, strict or not (the mappers and tombstones use the fast
        path first)."""
        samples = [
            "jane@example.com",
            "Jane.Doe+News@Sub.Example.CO.UK",
            "a_b%c-d@x-y.io",
            "-a@x.com",
            "a@-x.com",
            "1@2.io",
            "UPPER@CASE.ORG",
        ]
        for text in samples:
            with self.subTest(text=text):
                self.assertTrue(plain_email(text))
                for strict in (True, False):
                    self.assertEqual(plain_email(text), email_normalize(text, strict))
        for text in ("Jane <jane@x.com>", "a@x.com, b@y.com", "josé@x.com", " a@x.com"):
            with self.subTest(text=text):
                self.assertIsNone(plain_email(text), "left to Odoo's parser")
