# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.addons.component.core import AbstractComponent

from ..tools.dates import utc_naive


class MarketingActivityFeedImporter(AbstractComponent):
    """A feed of what people did on the platform (sends, opens, clicks,
    bounces, unsubscribes...) stored in ``marketing.activity``.

    Every such feed names the person by the platform's contact id: the
    partners of a page are found in one query (the binder of
    ``_activity_contact_model``), then each row becomes an activity
    (:meth:`_activity_values`, the provider's reading of its row) with its
    partner and the row itself as payload.  ``marketing.activity._record``
    keeps activities by their id, so a page read twice stores nothing twice,
    and puts the unsubscribes on the blacklist.  A feed whose rows may come
    malformed filters its pages with :meth:`_valid_rows`.
    """

    _name = "marketing.activity.feed.importer"
    _inherit = "marketing.feed.importer"

    #: binding model of the contacts the rows name
    _activity_contact_model = None
    #: key of a row holding the contact's remote id
    _activity_contact_key = None
    #: keys a row must hold, and the key of its date, for :meth:`_valid_rows`
    _activity_required_keys = ()
    _activity_date_key = None

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

    def _valid_rows(self, records):
        """The rows of a page that can be stored; the others become review
        items.

        Why: a row without its id (the dedupe key), its date or its contact,
        or in an unexpected shape, failed the whole page, and the job
        retried it forever without moving the cursor.
        """
        if not isinstance(records, list):
            if records:
                self._issue(
                    "import",
                    "unexpected_shape",
                    self.env._(
                        "%s sent an activity page that is not a list",
                        self.backend_record._provider_label,
                    ),
                    payload=records,
                )
            return []
        valid = []
        for record in records:
            problem = self._row_problem(record)
            if problem:
                external_id = record.get("id") if isinstance(record, dict) else None
                self._issue(
                    "import",
                    "invalid_activity",
                    problem,
                    external_id=str(external_id) if external_id else None,
                    payload=record,
                )
            else:
                valid.append(record)
        return valid

    def _row_problem(self, record):
        """What makes ``record`` unfit to store, or None."""
        if not isinstance(record, dict):
            return self.env._("An activity is not an object")
        for key in self._activity_required_keys:
            if not isinstance(record.get(key), str | int) or record.get(key) in ("", 0):
                return self.env._("An activity has no %s", key)
        date_key = self._activity_date_key
        if date_key and utc_naive(record[date_key]) is None:
            return self.env._("An activity has an unreadable %s", date_key)
        return None

    def _before_activities(self, rows, partners):
        """Hook: read what the rows of a page need at once, before each is
        read (``partners``: ``{contact id: partner}`` of the known ones)."""

    def _activity_values(self, row, partner):
        """Hook: the activity's ``external_id``, ``activity_type``,
        ``occurred_at``, ``email``, ``campaign`` and ``detail`` read from
        ``row`` (``partner``: its known partner, or an empty recordset)."""
        raise NotImplementedError
