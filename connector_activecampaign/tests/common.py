"""An ActiveCampaign backend talking to the ActiveCampaign sandbox on 127.0.0.1."""

from odoo.addons.connector_marketing_base.tests import common

BACKEND = "activecampaign.backend"
BINDING = "activecampaign.res.partner"


def purge_shared_state(registry):
    common.purge_shared_state(registry, BACKEND)


class ActivecampaignMixin(common.MarketingBackendMixin):
    backend_model = BACKEND
    binding_model = BINDING

    @classmethod
    def _emulator(cls, **options):
        from tests.sandbox.activecampaign import ActiveCampaignEmulator

        return ActiveCampaignEmulator(**options)

    @classmethod
    def _backend_values(cls, url):
        return {
            "api_url": url,
            "api_key": "ac-sandbox-key",
            "webhook_secret": "ac-hook-secret",
            "list_id": "1",
        }


class ActivecampaignCase(ActivecampaignMixin, common.MarketingSandboxCase):
    emulator_options = {"calls_per_window": None}
