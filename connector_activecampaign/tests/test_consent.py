from odoo.addons.connector_marketing_base.tests.consent import ConsentScenarios

from .common import ActivecampaignCase

LIST = "1"


class TestActivecampaignConsent(ConsentScenarios, ActivecampaignCase):
    """An opt-out is status 2 on the default list; subscribed is status 1."""

    def _status(self, email):
        contact_id = self.emulator.contacts.id_by_email(email)
        if contact_id is None:
            return None
        return self.emulator.contact_lists.get((contact_id, LIST))

    def remote_unsubscribed(self, email):
        return self._status(email) == 2

    def remote_marketable(self, email):
        return self._status(email) == 1

    def remote_delete(self, email):
        contact_id = self.emulator.contacts.id_by_email(email)
        del self.emulator.contacts[contact_id]
        for key in [k for k in self.emulator.contact_lists if k[0] == contact_id]:
            del self.emulator.contact_lists[key]
