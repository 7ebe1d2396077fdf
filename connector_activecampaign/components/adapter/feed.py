# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The delta feed: contacts changed since a cursor, in pages."""

from datetime import UTC, datetime, timedelta

from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.tools.dates import utc_naive, utc_text

from .api import ACCOUNT_TZ, PAGE_INCLUDE, SIDELOADED, UNSUBSCRIBED


class ActivecampaignAdapterFeed(AbstractComponent):
    """Reading contacts in pages: the delta scan, the unsubscribes, and the
    side-loaded details a page may lack."""

    _name = "activecampaign.adapter.feed"

    def initial_state(self, full=False):
        if full:
            return {"since": None, "last_id": 0}
        since = self.backend_record.import_since
        return {"since": self._account_time(since) if since else None, "last_id": 0}

    @staticmethod
    def _account_time(moment):
        """A naive UTC datetime as ActiveCampaign writes its own dates: US
        Central with its offset.  Read with or without the offset, or as a
        bare date, it never names a later moment than ``moment``."""
        local = moment.replace(tzinfo=UTC).astimezone(ACCOUNT_TZ)
        return local.isoformat(timespec="seconds")

    def search_page(self, state):
        """Contacts changed since the cursor, 100 at a time by ascending id,
        with their field values, tags and list statuses (side-loaded, or read
        through documented endpoints where the answer lacks them).

        ``id_greater`` with ``orders[id]=ASC`` rather than a growing offset:
        deep offsets are slow on ActiveCampaign's side and skip or repeat
        records when contacts change during the scan.
        """
        return self._changed_page(state, {"include": PAGE_INCLUDE}, details=True)

    def unsubscribed_page(self, state):
        """Contacts unsubscribed from the default list (``listid`` with
        ``status=2``), changed since the cursor, paged like ``search_page``.
        """
        params = {"listid": self.backend_record.list_id, "status": UNSUBSCRIBED}
        return self._changed_page(state, params)

    def _changed_page(self, state, params, details=False):
        """One page of a scan; the next scan starts where this one *began*.

        A contact changed during a scan of several pages may already be
        behind the ``id_greater`` position, and its ``udate`` may be older
        than that of a contact read later: the newest ``udate`` seen would
        skip it.  So the next ``filters[updated_after]`` is the start of this
        scan less ``delta_overlap`` (clock skew, and the reference types the
        filter as a date), and the contacts the overlap reads again with an
        unchanged ``udate`` are dropped (``seen``).
        """
        started = state.get("started")
        if not started and state.get("last_id") and state.get("since"):
            started = utc_text(state["since"])  # a scan begun before this rule
        started = started or utc_text(datetime.now(UTC).isoformat())
        floor = utc_text(
            (utc_naive(started) - timedelta(seconds=self.delta_overlap)).isoformat()
        )
        query = dict(
            params,
            limit=self.page_size,
            id_greater=state.get("last_id") or 0,
            **{"orders[id]": "ASC"},
        )
        if state.get("since"):
            query["filters[updated_after]"] = state["since"]
        body = self._call("GET", "/contacts", params=query) or {}
        contacts = body.get("contacts") or []
        seen = state.get("seen") or {}
        fresh = [
            c
            for c in contacts
            if str(c["id"]) not in seen
            or seen[str(c["id"])] != utc_text(c.get("udate"))
        ]
        body = dict(body, contacts=fresh)
        records = self._page_records(body) if details else self._contacts(fresh)
        upcoming = dict(state.get("upcoming") or {})
        for contact in contacts:
            udate = utc_text(contact.get("udate"))
            if udate and udate >= floor:
                upcoming[str(contact["id"])] = udate
        if len(contacts) == self.page_size:
            last_id = int(contacts[-1]["id"])
            following = dict(state, last_id=last_id, started=started, upcoming=upcoming)
            return Page(records, following, True)
        following = {
            "since": self._account_time(utc_naive(floor)),
            "last_id": 0,
            "seen": upcoming,
        }
        return Page(records, following, False)

    def _contacts(self, contacts):
        return [self._contact(c) for c in contacts]

    def _page_records(self, body):
        """The page's contacts, each with its share of the side-loaded
        collections; what the answer did not side-load (``include`` is not
        in the published reference) is read per contact, never taken for
        "none"."""
        shares = self._shares(body, SIDELOADED)
        for contact_id, share in shares.items():
            self._complete(contact_id, share)
        return [
            self._contact(c, details=shares[str(c["id"])])
            for c in body.get("contacts") or []
        ]

    @staticmethod
    def _shares(body, keys):
        """Each contact's share of the side-loaded collections ``keys`` the
        answer has (with every side-loaded tag, for their names)."""
        contacts = body.get("contacts") or []
        shares = {
            str(c["id"]): {"tags": list(body.get("tags") or [])} for c in contacts
        }
        for key in keys:
            if key not in body:
                continue
            for share in shares.values():
                share[key] = []
            for item in body[key] or []:
                share = shares.get(str(item.get("contact")))
                if share is not None:
                    share[key].append(item)
        return shares

    def _complete(self, contact_id, details):
        """Fill ``details`` of one contact through documented endpoints:
        ``GET /contacts/{id}`` side-loads field values and list statuses
        (not tags), ``GET /contacts/{id}/contactTags`` the tags."""
        if any(key not in details for key in ("fieldValues", "contactLists")):
            body = self._call("GET", f"/contacts/{contact_id}") or {}
            for key in ("fieldValues", "contactLists"):
                if key not in details and isinstance(body.get(key), list):
                    details[key] = [
                        item
                        for item in body[key]
                        if str(item.get("contact", contact_id)) == str(contact_id)
                    ]
            details["tags"] = details.get("tags", []) + list(body.get("tags") or [])
            if isinstance(body.get("contactTags"), list):
                details.setdefault("contactTags", body["contactTags"])
        if "contactTags" not in details:
            body = self._call("GET", f"/contacts/{contact_id}/contactTags") or {}
            details["contactTags"] = body.get("contactTags") or []
        self._name_tags(details)
        return details

    def _name_tags(self, details):
        """Names of the contact's tags: side-loaded, else ``GET /tags/{id}``
        (an unnamed tag would read as a removed category)."""
        names = {str(t["id"]): t.get("tag") for t in details.get("tags") or []}
        cache = self._memo("tag_names")
        for link in details.get("contactTags") or []:
            tag_id = str(link.get("tag"))
            if names.get(tag_id) or not tag_id:
                continue
            if tag_id not in cache:
                body = self._call("GET", f"/tags/{tag_id}") or {}
                cache[tag_id] = (body.get("tag") or {}).get("tag")
            names[tag_id] = cache[tag_id]
        details["tags"] = [{"id": k, "tag": v} for k, v in names.items()]

    def _contact(self, contact, details=None):
        """A contact as the mappers read it (UTC ``udate``, fields by id);
        ``_tags``/``_lists`` only when known."""
        record = {
            "id": str(contact["id"]),
            "email": contact.get("email"),
            "firstName": contact.get("firstName"),
            "lastName": contact.get("lastName"),
            "phone": contact.get("phone"),
            "udate": utc_text(contact.get("udate")),
        }
        if details is None:
            return record
        # the definitions once per adapter (a search per contact was a tenth
        # of an import page)
        remote = self._once(
            "remote_fields",
            lambda: self.env["marketing.remote.field"]._by_remote_id(
                self.backend_record
            ),
        )
        for value in details.get("fieldValues") or []:
            field = remote.get(str(value.get("field")))
            text = value.get("value")
            if field and field.multiple and isinstance(text, str):
                text = ", ".join(v for v in text.split("||") if v)
            record[str(value.get("field"))] = text
        if "contactTags" in details:
            names = {str(t["id"]): t.get("tag") for t in details.get("tags") or []}
            links = details["contactTags"]
            record["_tags"] = {
                str(ct["tag"]): names.get(str(ct["tag"])) for ct in links
            }
            record["_contact_tags"] = {str(ct["tag"]): str(ct["id"]) for ct in links}
        if "contactLists" in details:
            record["_lists"] = {
                str(cl["list"]): str(cl.get("status")) for cl in details["contactLists"]
            }
        return record

    def _contacts_by_ids(self, ids, limit=None, **params):
        """``GET /contacts`` with the documented ``ids[]`` filter, 100 ids a
        call (``limit``: the page size asked, else the number of ids):
        ``(ids, answer)`` of each call."""
        for chunk in self._chunks(ids, self.page_size):
            query = {"ids[]": chunk, "limit": limit or len(chunk), **params}
            yield chunk, self._call("GET", "/contacts", params=query) or {}

    def contact_tags_of(self, contact_ids):
        """``{contact id: {contactTag id: tag name}}`` of up to 100 contacts
        (the documented ``ids[]`` filter, tags side-loaded when the answer
        has them, else read per contact)."""
        links = {}
        for __, body in self._contacts_by_ids(
            contact_ids, self.page_size, include="contactTags.tag"
        ):
            for contact_id, details in self._shares(body, ["contactTags"]).items():
                details.update(fieldValues=[], contactLists=[])
                self._complete(contact_id, details)
                names = {str(t["id"]): t.get("tag") for t in details["tags"]}
                links[contact_id] = {
                    str(ct["id"]): names.get(str(ct["tag"]))
                    for ct in details["contactTags"]
                }
        return links

    def list_statuses_of(self, contact_ids):
        """``{contact id: {list id: status}}`` of up to 100 contacts in one
        call (``ids[]`` with ``contactLists`` side-loaded)."""
        statuses = {}
        for __, body in self._contacts_by_ids(
            contact_ids, self.page_size, include="contactLists"
        ):
            statuses.update({str(c["id"]): {} for c in body.get("contacts") or []})
            for link in body.get("contactLists") or []:
                if str(link.get("contact")) in statuses:
                    statuses[str(link["contact"])][str(link["list"])] = str(
                        link.get("status")
                    )
        return statuses
