from odoo.addons.queue_job.exception import RetryableJobError

from .common import ActivecampaignCase

POST_DEALS = "POST /api/3/deals"
POST_ACCOUNTS = "POST /api/3/accounts"


class TestIdempotentCreates(ActivecampaignCase):
    """Deals, accounts and account links are created once whatever fails:
    a job retried after a failure, or an answer lost after the write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.deal_pipeline_id = "1"
        cls.backend.action_read_pipeline()
        stages = {s.name: s for s in cls.backend.deal_stage_ids}
        stages["Proposal"].order_state = "draft"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Ada Lovelace", "email": "ada@example.com"}
        )
        cls.product = cls.env["product.product"].create({"name": "Audit"})

    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.emulator.stats.reset()

    def orders(self, count):
        return self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        (0, 0, {"product_id": self.product.id, "price_unit": n + 1})
                    ],
                }
                for n in range(count)
            ]
        )

    def deal_bindings(self, orders):
        return self.env["activecampaign.sale.order"]._bind(self.backend, orders)

    def test_a_job_retried_after_deal_30_does_not_post_deals_1_to_29_again(self):
        bindings = self.deal_bindings(self.orders(50))
        # deal 30: a 500, then its look-up fails too: the job gives up
        self.emulator.faults.configure(
            paths=["/api/3/deals"], burst={"status": 500, "count": 4, "after": 29}
        )
        with self.assertRaises(RetryableJobError):
            with self.env.cr.savepoint():
                bindings.export_batch()
        self.env.invalidate_all()
        self.assertFalse(any(bindings.mapped("external_id")), "the job rolled back")
        self.assertEqual(len(self.emulator.deals), 29, "deals 1-29 exist remotely")
        posted = self.calls(POST_DEALS)
        self.backend.action_reset_throttle()  # the circuit's cooldown is over
        bindings.export_batch()  # queue_job's retry
        self.assertEqual(self.calls(POST_DEALS) - posted, 21, "deals 30-50 only")
        self.assertEqual(len(self.emulator.deals), 50)
        titles = [d["title"] for d in self.emulator.deals.values()]
        self.assertEqual(len(set(titles)), 50, "no deal twice")
        self.assertEqual(set(bindings.mapped("external_id")), set(self.emulator.deals))
        for binding in bindings:
            deal = self.emulator.deals[binding.external_id]
            self.assertTrue(deal["title"].startswith(binding.odoo_id.name))

    def test_a_timeout_after_the_deal_was_created_does_not_create_a_second(self):
        binding = self.deal_bindings(self.orders(1))
        self.backend.request_timeout = 0.5
        self.emulator.faults.configure(
            paths=["/api/3/deals"],
            burst={"status": 504, "count": 1, "applied": True, "hold_ms": 1500},
        )
        binding.export_batch()
        self.assertEqual(self.calls(POST_DEALS), 1, "never posted again")
        self.assertEqual(list(self.emulator.deals), [binding.external_id])
        self.assertFalse(self.issues())

    def test_a_5xx_before_the_write_creates_the_deal_after_a_look_up(self):
        binding = self.deal_bindings(self.orders(1))
        self.emulator.faults.configure(
            paths=["/api/3/deals"], burst={"status": 502, "count": 1}
        )
        binding.export_batch()
        self.assertEqual(self.calls(POST_DEALS), 2)
        self.assertEqual(self.calls("GET /api/3/deals"), 1, "looked up in between")
        self.assertEqual(list(self.emulator.deals), [binding.external_id])

    def test_account_and_its_link_survive_lost_answers(self):
        company = self.env["res.partner"].create(
            {"name": "Analytical Engines", "is_company": True}
        )
        self.customer.parent_id = company
        self.emulator.faults.configure(
            paths=["/api/3/accounts", "/api/3/accountContacts"],
            burst={"status": 504, "count": 2, "applied": True},
        )
        contact = self.bind(self.customer)
        contact.export_record()
        self.assertEqual(self.calls(POST_ACCOUNTS), 1)
        self.assertEqual(self.calls("POST /api/3/accountContacts"), 1)
        self.assertEqual(len(self.emulator.accounts), 1)
        self.assertEqual(len(self.emulator.account_contacts), 1)
        link = next(iter(self.emulator.account_contacts.values()))
        self.assertEqual(contact.account_contact_id, link["id"])
        self.assertEqual(link["contact"], contact.external_id)
