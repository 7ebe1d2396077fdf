"""``make demo`` for Constant Contact: ``connector_constantcontact`` against
the Constant Contact sandbox, connected through the OAuth2 code flow."""

from . import DemoProvider


class ConstantContactDemo(DemoProvider):
    name = "constantcontact"
    label = "Constant Contact"
    addon = "connector_constantcontact"
    backend_model = "constantcontact.backend"
    binding_model = "constantcontact.res.partner"
    emulator = "constantcontact"
    records_attribute = "contacts"
    record_noun = "contact"
    created_counter = None
    updated_counter = "rows_imported"
    limits = "Constant Contact's limits (4 calls/s, 10,000/day)"
    menu = "Connectors > Marketing > Backends > Constant Contact backends"

    def backend_values(self, sandbox_url):
        return {
            "api_url": f"{sandbox_url}/v3",
            "oauth_authorize_url": f"{sandbox_url}/oauth2/default/v1/authorize",
            "oauth_token_url": f"{sandbox_url}/oauth2/default/v1/token",
            "oauth_revoke_url": f"{sandbox_url}/oauth2/default/v1/revoke",
            "client_id": "cc-client",
            "client_secret": "cc-secret",
            "import_since": "2000-01-01 00:00:00",
        }

    def describe_backend(self, sandbox_url):
        return (
            f"API {sandbox_url}/v3, OAuth2 at {sandbox_url}/oauth2/default/v1, "
            "client cc-client"
        )

    def seed(self, emulator, count):
        emulator.add_list("General Interest")
        emulator.seed(count, list_id=next(iter(emulator.lists)))

    def first_email(self, emulator):
        for contact in emulator.contacts.values():
            return contact["email_address"]["address"]
        return None

    def connect(self, env, backend, emulator):
        """Press Connect, let the sandbox consent, complete the callback."""
        backend.default_list_id = next(iter(emulator.lists))
        url = backend.action_oauth_connect()["url"]
        code, state = emulator.authorize_url_code(url)
        pending = env["marketing.oauth.state"].sudo()._consume(state)
        backend._oauth_exchange_code(code, pending[3])
        return ["connected through the OAuth2 code flow (PKCE S256)"]

    def describe_binding(self, binding):
        return f"permission {binding.permission_to_send or '-'}"


PROVIDER = ConstantContactDemo()
