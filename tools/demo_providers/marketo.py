"""``make demo`` for Marketo: ``connector_marketo`` against the Marketo sandbox."""

from . import DemoProvider


class MarketoDemo(DemoProvider):
    name = "marketo"
    label = "Marketo"
    addon = "connector_marketo"
    backend_model = "marketo.backend"
    binding_model = "marketo.res.partner"
    emulator = "marketo"
    records_attribute = "leads"
    record_noun = "lead"
    created_counter = "leads_created"
    updated_counter = "leads_updated"
    limits = "Marketo's limits (100 calls/20 s, 10 concurrent, 50,000/day)"
    menu = "Connectors > Marketing > Backends > Marketo"

    def backend_values(self, sandbox_url):
        return {
            "rest_url": sandbox_url,
            "identity_url": f"{sandbox_url}/identity",
            "client_id": "mkto-client",
            "client_secret": "mkto-secret",
            "import_since": "2000-01-01 00:00:00",
        }

    def describe_backend(self, sandbox_url):
        return (
            f"REST {sandbox_url}, identity {sandbox_url}/identity, client mkto-client"
        )

    def describe_binding(self, binding):
        return f"score {binding.lead_score}"


PROVIDER = MarketoDemo()
