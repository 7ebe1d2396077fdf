from odoo.addons.connector_marketing_base.tests.consent import ConsentScenarios

from .common import ConstantContactCase


class TestConstantContactConsent(ConsentScenarios, ConstantContactCase):
    """An opt-out is ``permission_to_send: unsubscribed``; a contact can be
    mailed when it is not, and is on a list."""

    def setUp(self):
        super().setUp()
        self.connect()

    def remote_unsubscribed(self, email):
        contact = self.emulator.find(email)
        return bool(contact) and (
            contact["email_address"]["permission_to_send"] == "unsubscribed"
        )

    def remote_marketable(self, email):
        contact = self.emulator.find(email)
        return bool(contact and contact["list_memberships"]) and not (
            self.remote_unsubscribed(email)
        )

    def remote_delete(self, email):
        contact = self.emulator.find(email)
        del self.emulator.contacts[contact["contact_id"]]
        del self.emulator.by_email[email.lower()]
