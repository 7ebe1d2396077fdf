from odoo.addons.queue_job.exception import RetryableJobError

from .common import BINDING_MODEL, MarketingCase

ROUTE = "POST /v1/contacts/batch"


class TestSingleExporter(MarketingCase):
    """The base's single-record exporter (``marketing.single.exporter``),
    through the demo provider's ``single.exporter``: hash skip, dependency
    first, lock contention."""

    def exporter(self):
        return self.component("single.exporter")

    def calls(self):
        return self.emulator.stats["per_route"].get(ROUTE, 0)

    def test_unchanged_payload_is_not_sent_again(self):
        binding = self.bind(self.make_partner("Hash Skip", "hash.skip@example.com"))
        self.assertEqual(self.exporter().run(binding), "1 records: 1 created")
        self.assertTrue(binding.external_id)
        self.assertTrue(binding.export_hash)
        before = self.calls()
        self.assertEqual(self.exporter().run(binding), "1 records: 1 unchanged")
        self.assertEqual(self.calls(), before, "nothing sent")
        binding.odoo_id.name = "Hash Changed"
        self.assertEqual(self.exporter().run(binding), "1 records: 1 updated")
        self.assertEqual(self.calls(), before + 1)
        remote = self.emulator.find_by_email("hash.skip@example.com")
        self.assertEqual(remote["id"], binding.external_id)
        self.assertEqual(remote["first_name"], "Hash")
        self.assertEqual(remote["last_name"], "Changed")

    def test_dependency_is_exported_first(self):
        company = self.make_partner(
            "Dependency Corp", "dependency.corp@example.com", is_company=True
        )
        person = self.make_partner(
            "Dee Pendent", "dee.pendent@example.com", parent_id=company.id
        )
        binding = self.bind(person)
        self.assertEqual(self.exporter().run(binding), "1 records: 1 created")
        company_binding = self.env[BINDING_MODEL].search(
            [("backend_id", "=", self.backend.id), ("odoo_id", "=", company.id)]
        )
        self.assertTrue(company_binding.external_id, "bound and exported")
        self.assertLess(
            company_binding.external_id,
            binding.external_id,
            "the platform created the company's contact before the person's",
        )
        # exported dependencies are not sent again
        before = self.calls()
        binding.odoo_id.name = "Dee Changed"
        self.exporter().run(binding)
        self.assertEqual(self.calls(), before + 1)

    def test_refused_record_goes_to_review(self):
        # the platform refuses a last name over 40 characters
        binding = self.bind(self.make_partner("Refused " + "y" * 50, "no@example.com"))
        self.assertEqual(self.exporter().run(binding), "1 records: 1 sent to review")
        self.assertFalse(binding.external_id)
        self.assertTrue(self.issues(direction="export", res_id=binding.id))

    def test_lock_contention_postpones(self):
        binding = self.bind(self.make_partner("Lock Ed", "lock.ed@example.com"))
        before = self.calls()
        with self.registry.cursor() as other_cr:
            # a concurrent job exporting the same binding holds its lock
            other = self.backend.with_env(self.env(cr=other_cr))
            with other.work_on(BINDING_MODEL) as work:
                work.component(usage="single.exporter")._lock_binding(binding)
            with self.assertRaises(RetryableJobError), self.env.cr.savepoint():
                self.exporter().run(binding)
        self.assertEqual(self.calls(), before, "nothing sent while locked")
        self.assertFalse(binding.external_id)
        # the lock ends with the other transaction: the retry goes through
        self.assertEqual(self.exporter().run(binding), "1 records: 1 created")
