from odoo import fields

from .common import ActivecampaignCase


class TestDeals(ActivecampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.deal_pipeline_id = "1"
        cls.backend.action_read_pipeline()
        stages = {s.name: s for s in cls.backend.deal_stage_ids}
        stages["Proposal"].order_state = "draft"
        stages["Won"].write({"order_state": "sale", "deal_status": "1"})
        stages["Lost"].write({"order_state": "cancel", "deal_status": "2"})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Grace Hopper", "email": "grace@example.com"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Consulting", "list_price": 100.0}
        )

    def setUp(self):
        super().setUp()
        self.emulator.clear()

    def deal_of(self, order):
        binding = order.activecampaign_bind_ids
        self.assertTrue(binding.external_id, "the order has its deal")
        return self.emulator.deals[binding.external_id]

    def order(self, price=123.45, **vals):
        values = {
            "partner_id": self.customer.id,
            "order_line": [
                (0, 0, {"product_id": self.product.id, "price_unit": price})
            ],
        }
        values.update(vals)
        return self.env["sale.order"].create(values)

    def test_pipeline_read(self):
        self.assertEqual(self.backend.deal_currency_id.name, "USD")
        self.assertEqual(
            self.backend.deal_stage_ids.mapped("name"),
            ["Qualified", "Proposal", "Won", "Lost"],
        )

    def test_order_follows_its_stages(self):
        order = self.run_jobs(
            self.order, commitment_date=fields.Datetime.now(), price=123.45
        )
        deal = self.deal_of(order)
        self.assertEqual(deal["stage"], "2", "a quotation is a proposal")
        self.assertEqual(deal["value"], str(round(order.amount_total * 100)))
        self.assertEqual(deal["currency"], "usd")
        self.assertEqual(deal["group"], "1")
        contact = self.emulator.contacts[deal["contact"]]
        self.assertEqual(contact["email"], "grace@example.com")
        self.assertTrue(deal["title"].startswith(order.name))
        self.run_jobs(order.action_confirm)
        deal = self.deal_of(order)
        self.assertEqual((deal["stage"], deal["status"]), ("3", 1))
        self.run_jobs(order._action_cancel)
        self.assertEqual(self.deal_of(order)["status"], 2)
        self.assertEqual(len(self.emulator.deals), 1, "one deal, updated")

    def test_value_converted_to_pipeline_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 0.5, "name": "2020-01-01"}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        order = self.run_jobs(self.order, pricelist_id=pricelist.id, price=100.0)
        self.assertEqual(order.currency_id, eur)
        expected = order.currency_id._convert(
            order.amount_total,
            self.backend.deal_currency_id,
            order.company_id,
            order.date_order.date(),
        )
        self.assertEqual(self.deal_of(order)["value"], str(round(expected * 100)))
        self.assertNotEqual(round(expected, 2), round(order.amount_total, 2))

    def test_unknown_stage_goes_to_review(self):
        self.backend.deal_stage_ids.filtered(
            lambda s: s.order_state == "draft"
        ).order_state = False
        order = self.order()
        binding = self.env["activecampaign.sale.order"]._bind(self.backend, order)
        binding.export_record()
        issue = self.issues(reason_code="unknown_stage")
        self.assertEqual(issue.res_id, binding.id)
        self.assertFalse(binding.external_id)

    def test_customer_without_email(self):
        nomail = self.env["res.partner"].create({"name": "No Mail Ltd"})
        order = self.order(partner_id=nomail.id)
        binding = self.env["activecampaign.sale.order"]._bind(self.backend, order)
        binding.export_record()
        self.assertTrue(self.issues(reason_code="contact_missing"))
        self.assertTrue(self.issues(reason_code="invalid_email"))
        self.assertFalse(binding.external_id)

    def test_long_deal_title_is_cut(self):
        self.customer.name = "G" * 300
        order = self.run_jobs(self.order)
        self.assertEqual(len(self.deal_of(order)["title"]), 255)
