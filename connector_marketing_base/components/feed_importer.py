# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import AbstractComponent


class MarketingFeedImporter(AbstractComponent):
    """One page of a paged remote feed per job: the skeleton every feed shares.

    :meth:`run` reads the feed's cursor (``marketing.sync.cursor``), fetches
    the page after it (:meth:`_fetch_page`), applies the page
    (:meth:`_apply_page`), stores the cursor that follows the page and, when
    the platform has more, enqueues the next page as a new job.

    Why in this order and in one transaction: delivery is at-least-once.  The
    cursor is written after the page is applied, in the same transaction, so
    it commits with the page or not at all: a job that dies between the two
    rolls both back and the next run reads the same page again, never skips
    it.  Every apply is therefore idempotent (rows are kept by their
    external id: a page read twice stores nothing twice).  The next page is a
    job of its own so a feed of a million rows is many short jobs, each
    retried alone, not one long one.

    A concrete feed says what it reads: its cursor (``_feed_cursor`` or
    :meth:`_cursor_name`), how a page is fetched and applied, and the job of
    its next page: the backend method ``_feed_job`` called with the same
    arguments as this run, at ``_feed_priority``, in the chain
    ``_feed_chain`` (its identity key: one pending page per chain), with
    :meth:`_feed_description` in Queue > Jobs.  Its texts are declarations
    too (``_feed_label``, ``_feed_result``): a feed's job reads the same on
    every provider, and a provider writes no method to say it.
    """

    _name = "marketing.feed.importer"
    _inherit = "marketing.base"

    #: name of the feed's cursor (see :meth:`_cursor_name`)
    _feed_cursor = None
    #: backend job method that reads the next page
    _feed_job = None
    _feed_priority = 20
    #: chain of the next-page job (its identity key); None: no identity key
    _feed_chain = None
    #: what the next-page job does, as operators read it in Queue > Jobs (a
    #: lazy translation, ``LazyTranslate(__name__)`` of the provider's module)
    _feed_label = None
    #: the job's result text (lazy translation): ``%(read)s`` is the number
    #: of records the page held, ``%(applied)s`` the number of what
    #: :meth:`_apply_page` returned (activities stored, partners unbound...)
    _feed_result = None

    def run(self, *args):
        """Read one page of the feed; return the job's result text."""
        self._feed_args = args
        cursors = self.env["marketing.sync.cursor"].sudo()
        name = self._cursor_name()
        state = cursors._get(self.backend_record, name)
        if state is None:
            state = self._initial_state()
        page = self._fetch_page(state)
        applied = self._apply_page(page, state)
        cursors._set(self.backend_record, name, self._next_state(page))
        if page.has_more:
            self._enqueue_next()
        return self._summary(page, applied)

    def _cursor_name(self):
        """Name of the cursor, given the job's arguments (``_feed_args``)."""
        return self._feed_cursor

    def _chain_name(self):
        """Chain of the next-page job, given the job's arguments."""
        return self._feed_chain

    def _initial_state(self):
        """Cursor state of a feed never read: the adapter's first state."""
        return self.component(usage="backend.adapter").initial_state()

    def _fetch_page(self, state):
        """Hook: the :class:`~.adapter.Page` after ``state`` (its ``state``
        is the cursor that follows it)."""
        raise NotImplementedError

    def _apply_page(self, page, state):
        """Hook: store what the page says (idempotently: it may be read
        twice); returns what :meth:`_summary` reports."""
        raise NotImplementedError

    def _next_state(self, page):
        """The cursor stored with the page (a feed that restarts after its
        last page returns None there)."""
        return page.state

    def _feed_description(self):
        """What the next-page job does, as operators read it (``_feed_label``)."""
        return self.env._(self._feed_label)

    def _enqueue_next(self):
        backend = self.backend_record
        options = {
            "priority": self._feed_priority,
            "description": backend._job_description(self._feed_description()),
        }
        chain = self._chain_name()
        if chain:
            options["identity_key"] = backend._chain_key(chain)
        job = getattr(backend.with_delay(**options), self._feed_job)
        return job(*self._feed_args)

    def _summary(self, page, applied):
        """The job's result text: ``_feed_result`` with the records read and
        what was applied, counted."""
        return self._text(
            self._feed_result, {"read": len(page.records), "applied": len(applied)}
        )
