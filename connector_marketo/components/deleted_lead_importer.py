# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component


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
    _inherit = "marketo.base"
    _usage = "deleted.lead.importer"
    _apply_on = ["marketo.res.partner"]

    def run(self):
        backend = self.backend_record
        adapter = self.component(usage="backend.adapter")
        cursors = self.env["marketing.sync.cursor"].sudo()
        state = cursors._get(backend, "deleted_leads") or {}
        token = state.get("token") or adapter.paging_token(
            adapter.initial_state()["since"]
        )
        body = adapter.deleted_leads_page(token)
        records = body.get("result") or []
        bindings = self.binder_for().to_internal_many({r["leadId"] for r in records})
        unbound = backend._remote_contacts_deleted(
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
        cursors._set(
            backend, "deleted_leads", {"token": body.get("nextPageToken") or token}
        )
        if body.get("moreResult"):
            backend.with_delay(
                priority=20,
                description=backend._job_description(
                    self.env._("Import next page of deleted leads")
                ),
                identity_key=backend._chain_key("import:deleted_leads"),
            ).import_deleted_leads_page()
        return self.env._(
            "%(read)s deleted leads read, %(unbound)s partners unbound",
            read=len(records),
            unbound=len(unbound),
        )
