from odoo.addons.connector_marketing_base.tests.common import ForgetPersonMixin

from .common import ConstantContactCase


class TestConstantContactPrivacy(ForgetPersonMixin, ConstantContactCase):
    def setUp(self):
        super().setUp()
        self.emulator.contacts.clear()
        self.emulator.by_email.clear()
        self.emulator.reset()
        self.connect()

    def remote_create(self, email):
        """A contact added on Constant Contact (a sign-up form, a user)."""
        with self.emulator.lock:
            contact = self.emulator._new_contact(email)
            contact.update(first_name="Dsr", last_name="Person")
        return contact["contact_id"]

    def remote_exists(self, external_id):
        return external_id in self.emulator.contacts
