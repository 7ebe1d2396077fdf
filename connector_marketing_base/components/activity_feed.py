# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.addons.component.core import AbstractComponent


class MarketingActivityFeedImporter(AbstractComponent):
    """A feed of what people did on the platform (sends, opens, clicks,
    bounces, unsubscribes...) stored in ``marketing.activity``.

    Every such feed names the person by the platform's contact id: the
    partners of a page are found in one query (the binder of
    ``_activity_contact_model``), then each row becomes an activity
    (:meth:`_activity_values`, the provider's reading of its row) with its
    partner and the row itself as payload.  ``marketing.activity._record``
    keeps activities by their id, so a page read twice stores nothing twice,
    and puts the unsubscribes on the blacklist.
    """

    _name = "marketing.activity.feed.importer"
    _inherit = "marketing.feed.importer"

    #: binding model of the contacts the rows name
    _activity_contact_model = None
    #: key of a row holding the contact's remote id
    _activity_contact_key = None

    def _apply_page(self, page, state):
        return self._store_activities(page.records)

    def _store_activities(self, rows):
        """Store ``rows`` as activities; returns those created."""
        key = self._activity_contact_key
        bindings = self.binder_for(self._activity_contact_model).to_internal_many(
            {row[key] for row in rows if row.get(key)}
        )
        partners = {contact_id: b.odoo_id for contact_id, b in bindings.items()}
        self._before_activities(rows, partners)
        no_partner = self.env["res.partner"]
        values = []
        for row in rows:
            partner = partners.get(str(row.get(key)), no_partner)
            values.append(
                dict(
                    self._activity_values(row, partner),
                    partner_id=partner.id,
                    payload=row,
                )
            )
        return (
            self.env["marketing.activity"].sudo()._record(self.backend_record, values)
        )

    def _before_activities(self, rows, partners):
        """Hook: read what the rows of a page need at once, before each is
        read (``partners``: ``{contact id: partner}`` of the known ones)."""

    def _activity_values(self, row, partner):
        """Hook: the activity's ``external_id``, ``activity_type``,
        ``occurred_at``, ``email``, ``campaign`` and ``detail`` read from
        ``row`` (``partner``: its known partner, or an empty recordset)."""
        raise NotImplementedError
