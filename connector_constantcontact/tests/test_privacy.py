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
        """Not deleted: a deleted contact stays in the account, marked with
        its ``deleted_at`` ("Delete a Contact")."""
        contact = self.emulator.contacts.get(external_id)
        return bool(contact) and not contact.get("deleted_at")
