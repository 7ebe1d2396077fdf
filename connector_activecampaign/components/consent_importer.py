# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import email_normalize

from odoo.addons.component.core import Component

#: the sync cursor of the unsubscribe poll
CURSOR = "unsubscribes"


class ActivecampaignConsentImporter(Component):
    """Unsubscribes read by polling, so none depends on a webhook.

    ActiveCampaign posts an ``unsubscribe`` webhook once and never retries
    it: an Odoo that was down, a webhook never registered, or an unsubscribe
    made before the connector was installed would be missed.  This feed
    pages ``GET /contacts?listid=<default list>&status=2`` (the contacts
    unsubscribed from the default list; ``status`` and ``listid`` are
    documented filters of that endpoint) changed since its own cursor, and
    puts every address on Odoo's blacklist (never the reverse).  The cursor
    is written in the page's transaction, after the blacklist: a failed page
    is read again.  Addresses of contacts Odoo does not know are
    blacklisted too: Odoo must not mail them either.
    """

    _name = "activecampaign.consent.importer"
    _inherit = "activecampaign.base"
    _usage = "consent.importer"
    _apply_on = ["activecampaign.res.partner"]

    def run(self):
        backend = self.backend_record
        if not backend.list_id:
            return self.env._("No default list: unsubscribes are not polled")
        adapter = self.component(usage="backend.adapter")
        cursors = self.env["marketing.sync.cursor"].sudo()
        state = cursors._get(backend, CURSOR)
        if state is None:
            state = adapter.initial_state()
        page = adapter.unsubscribed_page(state)
        emails = {email_normalize(r["email"] or "") for r in page.records} - {False}
        Blacklist = self.env["mail.blacklist"].sudo()
        known = set(Blacklist.search([("email", "in", list(emails))]).mapped("email"))
        message = self.env._("Unsubscribed on ActiveCampaign (%s)", backend.name)
        for email in sorted(emails - known):
            Blacklist._add(email, message=message)
        # their contacts here hold the opt-out already: not sent back
        bound = self.model.search(
            [("backend_id", "=", backend.id), ("email_normalized", "in", list(emails))]
        )
        bound._write_sync_columns({b.id: {"opt_out_sent": True} for b in bound})
        cursors._set(backend, CURSOR, page.state)
        if page.has_more:
            backend.with_delay(
                priority=20,
                description=backend._job_description(
                    self.env._("Import next page of unsubscribes")
                ),
                identity_key=backend._chain_key("import:unsubscribes"),
            ).import_unsubscribes_page()
        return self.env._(
            "%(read)s unsubscribed contacts read, %(added)s addresses blacklisted",
            read=len(page.records),
            added=len(emails - known),
        )
