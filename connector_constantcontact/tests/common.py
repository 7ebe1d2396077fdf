"""A Constant Contact backend talking to the Constant Contact sandbox."""

from odoo.addons.connector_marketing_base.tests import common

BACKEND = "constantcontact.backend"
BINDING = "constantcontact.res.partner"


def purge_shared_state(registry):
    """Own-transaction rows of the Constant Contact backends."""
    common.purge_shared_state(registry, BACKEND)


class ConstantContactBackendMixin(common.MarketingBackendMixin):
    backend_model = BACKEND
    binding_model = BINDING

    @classmethod
    def _emulator(cls, **options):
        from tests.sandbox.constantcontact import ConstantContactEmulator

        # imports complete at once unless a test asks otherwise
        return ConstantContactEmulator(**{"import_seconds": 0, **options})

    @classmethod
    def _backend_values(cls, url):
        return {
            "api_url": f"{url}/v3",
            "oauth_authorize_url": f"{url}/oauth2/default/v1/authorize",
            "oauth_token_url": f"{url}/oauth2/default/v1/token",
            "oauth_revoke_url": f"{url}/oauth2/default/v1/revoke",
            "client_id": "cc-client",
            "client_secret": "cc-secret",
            "daily_quota": 0,
        }


class ConstantContactCase(ConstantContactBackendMixin, common.MarketingSandboxCase):
    emulator_options = {"calls_per_window": None, "daily_quota": None}

    @classmethod
    def _start_sandbox(cls):
        result = super()._start_sandbox()
        cls.list_id = cls.emulator.add_list("General Interest")
        cls.backend.default_list_id = cls.list_id
        return result

    def setUp(self):
        super().setUp()
        # tokens left by another class's backend would be reused otherwise
        purge_shared_state(self.registry)
        self.emulator.journal = []
        self.addCleanup(self.check_requests)

    def check_requests(self):
        """Every request the adapter sent during the test is one Constant
        Contact documents (tests/tier1/contract_constantcontact.py)."""
        from tests.tier1.contract_constantcontact import check_request

        journal, self.emulator.journal = self.emulator.journal or [], None
        for entry in journal:
            check_request(entry)

    def connect(self, backend=None):
        """Run the authorization code flow without a browser."""
        backend = backend or self.backend
        url = backend.action_oauth_connect()["url"]
        code, state = self.emulator.authorize_url_code(url)
        pending = self.env["marketing.oauth.state"].sudo()._consume(state)
        backend._oauth_exchange_code(code, pending[3])
        return backend

    def binding_for(self, partner):
        """The partner's binding (Constant Contact ids are bound late)."""
        return self.env[BINDING].search(
            [("backend_id", "=", self.backend.id), ("odoo_id", "=", partner.id)]
        )
