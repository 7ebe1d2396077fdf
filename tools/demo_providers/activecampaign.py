"""``make demo PROVIDER=activecampaign``: ``connector_activecampaign`` against
the ActiveCampaign sandbox (Api-Token header, 5 requests per second)."""

from . import DemoProvider


class ActiveCampaignDemo(DemoProvider):
    name = "activecampaign"
    label = "ActiveCampaign"
    addon = "connector_activecampaign"
    backend_model = "activecampaign.backend"
    binding_model = "activecampaign.res.partner"
    emulator = "activecampaign"
    records_attribute = "contacts"
    record_noun = "contact"
    created_counter = None
    updated_counter = None
    limits = "ActiveCampaign's limits (5 calls/s, bulk imports 100/min)"
    menu = "Connectors > Marketing > Backends > ActiveCampaign backends"

    def backend_values(self, sandbox_url):
        return {
            "api_url": sandbox_url,
            "api_key": "ac-sandbox-key",  # the sandbox's fixed demo key
            "list_id": "1",
            "import_since": "2000-01-01 00:00:00",
        }

    def describe_backend(self, sandbox_url):
        return f"API {sandbox_url}/api/3, Api-Token of the sandbox"

    def connect(self, env, backend, emulator):
        backend.refresh_remote_fields()
        return ["custom field definitions read"]


PROVIDER = ActiveCampaignDemo()
