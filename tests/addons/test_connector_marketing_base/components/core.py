"""The whole demo provider: as thin as a real one should be."""

from odoo.addons.component.core import AbstractComponent, Component
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
)

#: canonical contact key -> demo API key
REMOTE_KEYS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
    "company": "company",
    "country_code": "country",
}


class TestMarketingBase(AbstractComponent):
    _name = "test.marketing.base"
    _inherit = "marketing.base"
    _collection = "test.marketing.backend"


class TestMarketingAdapter(Component):
    _name = "test.marketing.adapter"
    _inherit = ["marketing.adapter", "test.marketing.base"]
    _apply_on = ["test.marketing.backend", "test.marketing.res.partner"]

    batch_size = 100
    page_size = 100

    def _base_url(self):
        return self.backend_record.api_url

    credentials_where = "the demo's settings"

    def _token_url(self):
        """The client-credentials grant of the base, at the demo's URL."""
        return self._base_url().rstrip("/") + "/oauth/token"

    def _classify(self, response, raw=False):
        """The demo tells a spent daily quota apart from the per-second limit."""
        if response.status_code == 429:
            body = self._json_body(response) or {}
            if body.get("error") == "quota_exceeded":
                self._quota_exhausted(
                    self._retry_after(response) or 3600,
                    self.env._(
                        "Demo daily quota exhausted until %s", body.get("reset_at")
                    ),
                )
        return super()._classify(response, raw=raw)

    def check_connection(self):
        count = self._call("GET", "/v1/contacts/count")["count"]
        return self.env._("Connected: %s contacts on the platform", count)

    def initial_state(self, full=False):
        return {"updated_after": None, "cursor": None, "max_seen": None}

    def search_page(self, state):
        params = {"limit": self.page_size}
        if state.get("cursor"):
            params["cursor"] = state["cursor"]
        if state.get("updated_after"):
            params["updated_after"] = state["updated_after"]
        body = self._call("GET", "/v1/contacts", params=params)
        records = body["contacts"]
        seen = [state.get("max_seen") or ""] + [r["updated_at"] for r in records]
        max_seen = max(seen) or None
        if body.get("next_cursor"):
            return Page(
                records,
                dict(state, cursor=body["next_cursor"], max_seen=max_seen),
                True,
            )
        since = max_seen or state.get("updated_after")
        return Page(
            records, {"updated_after": since, "cursor": None, "max_seen": None}, False
        )

    def fetch(self, external_id):
        return self._call("GET", f"/v1/contacts/{external_id}")

    def upsert(self, payloads):
        body = self._call("POST", "/v1/contacts/batch", json={"contacts": payloads})
        return [
            {
                "status": item["status"],
                "external_id": item.get("id"),
                "code": (item.get("error") or {}).get("code"),
                "message": (item.get("error") or {}).get("message"),
            }
            for item in body["results"]
        ]

    def delete(self, external_id):
        return self._call("DELETE", f"/v1/contacts/{external_id}")

    def count(self):
        return self._call("GET", "/v1/contacts/count")["count"]


class TestMarketingBinder(Component):
    _name = "test.marketing.binder"
    _inherit = ["marketing.binder", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]


class TestMarketingExportMapper(Component):
    _name = "test.marketing.res.partner.export.mapper"
    _inherit = ["marketing.export.mapper", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]
    _remote_keys = REMOTE_KEYS
    # last_name is left without a limit on purpose: the sandbox refuses more
    # than 40 characters, which exercises per-record errors of a batch
    _length_limits = {"first_name": 40, "company": 80}

    def _consent_values(self, record, opted_out):
        return {"unsubscribed": True} if opted_out else {}


class TestMarketingImportMapper(Component):
    _name = "test.marketing.res.partner.import.mapper"
    _inherit = ["marketing.import.mapper", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]
    _remote_keys = REMOTE_KEYS


class TestMarketingRecordImporter(Component):
    _name = "test.marketing.res.partner.record.importer"
    _inherit = ["marketing.record.importer", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]


class TestMarketingBatchImporter(Component):
    _name = "test.marketing.res.partner.batch.importer"
    _inherit = ["marketing.batch.importer", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]


class TestMarketingBatchExporter(Component):
    _name = "test.marketing.res.partner.batch.exporter"
    _inherit = ["marketing.batch.exporter", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]


class TestMarketingRecordExporter(Component):
    _name = "test.marketing.res.partner.record.exporter"
    _inherit = ["marketing.record.exporter", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]


class TestMarketingSingleExporter(Component):
    """Contacts one call each, the contact of their company first: the base's
    single-record exporter on the demo platform (which has no accounts nor
    deals, the records it serves in real providers)."""

    _name = "test.marketing.res.partner.single.exporter"
    _inherit = ["marketing.single.exporter", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]
    _usage = "single.exporter"

    def _export_dependencies(self, binding):
        company = binding.odoo_id.parent_id
        if company:
            self._export_dependency(company, self.model._name, self._usage)

    def _send(self, binding, payload):
        result = self.backend_adapter.upsert([payload])[0]
        if result["status"] not in ("created", "updated"):
            raise BadDataError(result["message"], code=result["code"])
        return result["external_id"]


class TestMarketingReconciler(Component):
    _name = "test.marketing.res.partner.reconciler"
    _inherit = ["marketing.reconciler", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]


class TestMarketingWebhookHandler(Component):
    _name = "test.marketing.res.partner.webhook.handler"
    _inherit = ["marketing.webhook.handler", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]


class TestMarketingConsentExporter(Component):
    _name = "test.marketing.consent.exporter"
    _inherit = ["marketing.consent.exporter", "test.marketing.base"]
    _apply_on = ["test.marketing.res.partner"]
