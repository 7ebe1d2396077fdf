# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component

from .adapter.api import UNSUBSCRIBED


class ActivecampaignRecordImporter(Component):
    """A contact: the base import, then its tags, list statuses, field
    values and account.

    Pages of the delta import side-load the field values, tags and list
    statuses of their contacts; contacts read one by one (webhooks, review
    retries) also bring their account.  Tags become partner categories
    (categories of tags removed on ActiveCampaign are taken off), an
    unsubscribe from any list puts the address on Odoo's blacklist (never
    the reverse), the account becomes the partner's company with the job
    title (the base stores the export hash after all this, so none of it is
    echoed back).  A record without side-loaded details changes fields
    only.
    """

    _name = "activecampaign.res.partner.record.importer"
    _inherit = ["marketing.record.importer", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]

    def _after_import(self, binding, record):
        if "_tags" not in record and "_lists" not in record:
            return
        # a collection the answer did not bring is unknown, never "none"
        if "_tags" in record:
            self._import_tags(binding, record["_tags"])
        if "_lists" in record:
            self._import_consent(binding, record["_lists"])
        if record.get("_account"):
            self._import_account(binding, record["_account"])

    def _import_tags(self, binding, remote_tags):
        backend = self.backend_record
        origin = {backend.tag_customer, backend.tag_lead} - {False, None, ""}
        tags = {k: v for k, v in remote_tags.items() if v and v not in origin}
        Tag = self.env["marketing.remote.tag"].sudo()
        categories = Tag._categories(backend, tags)
        # the categories linked to a tag, read once per page; a link made in
        # this page is added as it comes (one that is rolled back with its
        # record stays harmless: only categories a partner has are compared)
        memo = self._memo("linked_categories")
        if "all" not in memo:
            memo["all"] = Tag.search(
                backend._scope_domain()
                + [("kind", "=", "tag"), ("category_id", "!=", False)]
            ).mapped("category_id")
        linked = memo["all"] = memo["all"] | categories
        Tag._set_partner_categories(binding.odoo_id, categories, linked)

    def _import_account(self, binding, link):
        """The account becomes the partner's company (found by its binding,
        else by name, else created) and the job title its function."""
        backend = self.backend_record
        Account = self.env["activecampaign.account"].with_context(
            connector_no_export=True
        )
        account = Account.search(
            [("backend_id", "=", backend.id), ("external_id", "=", link["id"])]
        )
        company = account.odoo_id
        if not company:
            name = self.backend_adapter.account_name(link["id"])
            if not name:
                return
            company = self.mapper._company_partner(name)
            Account._bind(backend, company).write({"external_id": link["id"]})
        values = {"parent_id": company.id}
        if link["job_title"]:
            values["function"] = link["job_title"]
        binding.odoo_id.with_context(connector_no_export=True).write(values)
        binding.account_contact_id = link["link_id"]

    def _import_consent(self, binding, lists):
        if UNSUBSCRIBED in lists.values():
            self._remote_opt_out(binding.email_normalized, binding=binding)
