# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
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
    documented filters of that endpoint) changed since its own cursor; the
    base's unsubscribe feed (``marketing.unsubscribe.feed.importer``) puts
    every address on Odoo's blacklist, never the reverse.
    """

    _name = "activecampaign.consent.importer"
    _inherit = ["marketing.unsubscribe.feed.importer", "activecampaign.base"]
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
