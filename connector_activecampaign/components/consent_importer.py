# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import email_normalize
from odoo.tools.translate import LazyTranslate

from odoo.addons.component.core import Component

_lt = LazyTranslate(__name__)

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
    puts every address on Odoo's blacklist (never the reverse), through the
    base's one remote-unsubscribe path.  A feed (``marketing.feed.importer``):
    the cursor commits with the page's blacklist, so a failed page is read
    again.
    """

    _name = "activecampaign.consent.importer"
    _inherit = ["marketing.feed.importer", "activecampaign.base"]
    _usage = "unsubscribe.feed.importer"
    _apply_on = ["activecampaign.res.partner"]
    _feed_cursor = CURSOR
    _feed_job = "import_unsubscribes_page"
    _feed_chain = "import:unsubscribes"
    _feed_label = _lt("Import next page of unsubscribes")
    _feed_result = _lt(
        "%(read)s unsubscribed contacts read, %(applied)s addresses blacklisted"
    )

    def run(self):
        if not self.backend_record.list_id:
            return self.env._("No default list: unsubscribes are not polled")
        return super().run()

    def _fetch_page(self, state):
        return self.component(usage="backend.adapter").unsubscribed_page(state)

    def _apply_page(self, page, state):
        backend = self.backend_record
        emails = {email_normalize(r["email"] or "") for r in page.records} - {False}
        added = self.env["mail.blacklist"]._marketing_remote_unsubscribe(
            emails, self._unsubscribe_message()
        )
        # their contacts here hold the opt-out already: not sent back
        bound = self.model.search(
            [
                ("backend_id", "=", backend.id),
                ("email_normalized", "in", list(emails)),
            ]
        )
        bound._write_sync_columns({b.id: {"opt_out_sent": True} for b in bound})
        return added
