from odoo.tests.common import TransactionCase

from odoo.addons.connector_marketing_base.tests.common import post_install


@post_install
class TestMarketoReviewLabels(TransactionCase):
    def test_marketo_reasons_read_as_labels(self):
        Issue = self.env["marketing.sync.issue"]
        self.assertEqual(
            Issue._reason_label_of("marketo_1004"), "Marketo: lead not found"
        )
        self.assertEqual(
            Issue._reason_label_of("marketo_9999"), "Marketo 9999", "undeclared code"
        )
        self.assertEqual(
            Issue._reason_label_of("ambiguous_match"),
            "Several partners match",
            "the base's labels stay",
        )
