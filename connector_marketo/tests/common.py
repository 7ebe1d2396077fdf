"""A Marketo backend talking to the Marketo sandbox on 127.0.0.1."""

from odoo.addons.connector_marketing_base.tests import common

BACKEND = "marketo.backend"
BINDING = "marketo.res.partner"


def purge_shared_state(registry):
    """Own-transaction rows of the Marketo backends (see the base helper)."""
    common.purge_shared_state(registry, BACKEND)


class MarketoBackendMixin(common.MarketingBackendMixin):
    backend_model = BACKEND
    binding_model = BINDING

    @classmethod
    def _emulator(cls, **options):
        from tests.sandbox.marketo import MarketoEmulator

        return MarketoEmulator(**options)

    @classmethod
    def _backend_values(cls, url):
        return {
            "rest_url": url,
            "identity_url": f"{url}/identity",
            "client_id": "mkto-client",
            "client_secret": "mkto-secret",
            "webhook_secret": "mkto-hook-secret",
            "daily_quota": 0,
        }


class MarketoCase(MarketoBackendMixin, common.MarketingSandboxCase):
    """Every request a test sends to the sandbox is checked, at its end,
    against the shapes of Marketo's reference (tests/tier1/
    test_contract_marketo.py): the requests the adapter really builds."""

    emulator_options = {"calls_per_window": None, "max_concurrent": None}

    def setUp(self):
        super().setUp()
        self.emulator.journal = []
        self.addCleanup(self._check_requests)

    def _check_requests(self):
        from tests.tier1.contract_marketo import check_request

        journal, self.emulator.journal = self.emulator.journal, None
        for entry in journal:
            check_request(entry)


def recorder(cassette_dir, record_mode="none"):
    """vcrpy recorder that keeps every secret out of cassettes.

    Tokens and credentials travel in the Authorization header, in the
    identity call's form body and (in old clients) in query strings: the
    base recorder filters them all; the identity answer's token is replaced.
    """
    return common.vcr_recorder(
        cassette_dir, record_mode, before_record_response=common.scrub_tokens
    )
