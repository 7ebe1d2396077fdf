# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reading collections: ids in chunks, pages by a "next" link, and the
list a collection answer holds."""

import urllib.parse

from odoo.addons.component.core import AbstractComponent


class MarketingAdapterPaging(AbstractComponent):
    """The ways a provider splits a collection, written once.

    A provider declares where its answers keep the records (the ``key`` of
    each call) and, for link paging, where the next link is
    (``next_link_path``); the loops, their stop rules and the reading of an
    empty answer (a 204, ``None``) are here.
    """

    _name = "marketing.adapter.paging"

    #: keys leading to the next page's URL in a link-paged answer
    #: (``("_links", "next", "href")``: HAL-style links); None: not link-paged
    next_link_path = None

    @staticmethod
    def _items(body, key):
        """The list ``body`` holds under ``key``; an empty answer (``None``,
        a 204) or a missing key reads as no records."""
        return (body or {}).get(key) or []

    @staticmethod
    def _chunks(ids, size):
        """``ids`` as text, in lists of at most ``size``: the most one request
        of a provider takes (a filter value, a URL, a batch)."""
        ids = [str(i) for i in ids]
        for start in range(0, len(ids), size):
            yield ids[start : start + size]

    # ------------------------------------------------------------------
    # link paging: the answer names the URL of the next page
    # ------------------------------------------------------------------
    def _next_link(self, body):
        """The next page's URL in ``body`` (see ``next_link_path``), or None."""
        value = body or {}
        for key in self.next_link_path:
            value = value.get(key) if isinstance(value, dict) else None
        return value or None

    def _path_of(self, href):
        """A next link relative to the host (``/v3/contacts?...``) as the
        path :meth:`_call` takes, below the base URL's own path."""
        base_path = urllib.parse.urlsplit(self._base_url()).path.rstrip("/")
        if base_path and href.startswith(base_path + "/"):
            return href[len(base_path) :]
        return href

    def _linked_page(self, key, path, params=None, next_href=None):
        """One page of a link-paged collection: ``(records, next_href)``.

        The first page is ``path`` with ``params``; the next ones are what
        the previous answer named (its query holds the filters already).
        """
        if next_href:
            body = self._call("GET", self._path_of(next_href))
        else:
            body = self._call("GET", path, params=params)
        return self._items(body, key), self._next_link(body)

    def _linked_all(self, key, path, params=None):
        """Every record of a link-paged collection, page after page."""
        records, href = self._linked_page(key, path, params)
        while href:
            page, href = self._linked_page(key, path, next_href=href)
            records += page
        return records
