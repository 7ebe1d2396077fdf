from odoo.addons.connector_marketing_base.tests.consent import ConsentScenarios

from .common import MarketoCase


class TestMarketoConsent(ConsentScenarios, MarketoCase):
    """An opt-out is ``unsubscribed: true`` on the lead."""

    def remote_unsubscribed(self, email):
        lead = self.emulator.find_by_email(email)
        return bool(lead and lead.get("unsubscribed"))

    def remote_marketable(self, email):
        lead = self.emulator.find_by_email(email)
        return bool(lead) and not lead.get("unsubscribed")

    def remote_delete(self, email):
        self.emulator.delete_lead(self.emulator.find_by_email(email)["id"])
