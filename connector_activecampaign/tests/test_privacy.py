from odoo.addons.connector_marketing_base.tests.common import ForgetPersonMixin

from .common import ActivecampaignCase


class TestActivecampaignPrivacy(ForgetPersonMixin, ActivecampaignCase):
    def setUp(self):
        super().setUp()
        self.emulator.clear()
        self.emulator.reset()

    def remote_create(self, email):
        """A contact added on ActiveCampaign (a form, a user there)."""
        with self.emulator.lock:
            return self.emulator._upsert({"email": email, "firstName": "Dsr"})[0]

    def remote_exists(self, external_id):
        return str(external_id) in self.emulator.contacts
