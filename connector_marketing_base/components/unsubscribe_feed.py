# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import email_normalize

from odoo.addons.component.core import AbstractComponent


class MarketingUnsubscribeFeedImporter(AbstractComponent):
    """A feed of the contacts unsubscribed on the platform (usage
    ``unsubscribe.feed.importer``), read by polling so that no unsubscribe
    depends on a webhook delivered once.

    Every address of a page goes on Odoo's blacklist (never the reverse),
    through the one remote-unsubscribe path
    (``mail.blacklist._marketing_remote_unsubscribe``), and the contacts of
    those addresses bound here are marked as holding the opt-out already, so
    it is not sent back.  A feed: the cursor commits with the page's
    blacklist, a failed page is read again.  A provider says how a page is
    fetched and where a row keeps the address (``_unsubscribe_email_key``).
    """

    _name = "marketing.unsubscribe.feed.importer"
    _inherit = "marketing.feed.importer"
    _usage = "unsubscribe.feed.importer"

    #: key of a row holding the unsubscribed address
    _unsubscribe_email_key = "email"

    def _apply_page(self, page, state):
        key = self._unsubscribe_email_key
        emails = {email_normalize(r[key] or "") for r in page.records} - {False}
        added = self.env["mail.blacklist"]._marketing_remote_unsubscribe(
            emails, self._unsubscribe_message()
        )
        bound = self.model.search(
            [
                ("backend_id", "=", self.backend_record.id),
                ("email_normalized", "in", list(emails)),
            ]
        )
        bound._write_sync_columns({b.id: {"opt_out_sent": True} for b in bound})
        return added
