# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import Component

_lt = LazyTranslate(__name__)


class MarketoDeletedLeadImporter(Component):
    """Leads deleted in Marketo: their partners are unbound, never deleted.

    Marketo's deleted-leads feed (Delete Lead activities, by paging token)
    is read page by page like the other feeds.  Odoo is the system of record
    for customers, so a lead deleted in Marketo (a clean-up, a merge, a
    privacy request handled there) does not delete a customer: the binding
    goes, the partner stays, and a review item says so; a tombstone keeps
    the next full export from sending the partner again as a new lead until
    the reviewer decides (see ``marketing.backend._remote_contacts_deleted``).
    """

    _name = "marketo.deleted.lead.importer"
    _inherit = "marketo.token.feed.importer"
    _usage = "deletion.feed.importer"
    _apply_on = ["marketo.res.partner"]
    _feed_cursor = "deleted_leads"
    _feed_job = "import_deleted_leads_page"
    _feed_chain = "import:deleted_leads"
    _feed_label = _lt("Import next page of deleted leads")
    _feed_result = _lt("%(read)s deleted leads read, %(applied)s partners unbound")

    def _fetch_page(self, state):
        adapter = self.component(usage="backend.adapter")
        page = self._token_page(state, adapter.deleted_leads_page)
        return page._replace(records=page.records or [])

    def _apply_page(self, page, state):
        bindings = self.binder_for().to_internal_many(
            {r["leadId"] for r in page.records}
        )
        return self.backend_record._remote_contacts_deleted(
            self.model.browse([b.id for b in bindings.values()]),
            lambda binding: self.env._(
                "Lead %(id)s was deleted in Marketo: %(partner)s stays in Odoo, "
                "no longer linked to it, and is not sent again as a new lead "
                "until you decide: 'Send again to the platform', or ignore "
                "this item.",
                id=binding.external_id,
                partner=binding.odoo_id.display_name,
            ),
        )
