# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.components.export_slicer import chunks

from .adapter.api import UNSUBSCRIBED


class ActivecampaignBatchExporter(Component):
    """Contacts: ``contact/sync`` for up to ten, ``bulk_import`` beyond.

    The bulk import carries tags and the list subscription of new contacts
    itself but only adds tags: once it is done, the managed tags the
    partners lost are taken off (see ``_remove_lost_tags``).
    ``contact/sync`` carries neither, so a single export then sets the tags
    (added and removed), the consent and the account link in a few more
    calls.  The connector never subscribes a contact again: only new
    contacts never on any list are subscribed to the default list, and a
    partner blacklisted in Odoo is unsubscribed.
    """

    _name = "activecampaign.res.partner.batch.exporter"
    _inherit = ["marketing.batch.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]

    company_export_job = "export_accounts"
    company_chunk_size = 100

    def _after_export_chunk(self, bound, payloads, bulk):
        """After a bulk import: the lost tags of known contacts are taken
        off, new contacts are subscribed for the first time."""
        outcomes = Counter(super()._after_export_chunk(bound, payloads, bulk))
        if not bulk:
            return outcomes
        known = {
            binding.external_id: payloads[binding.id]
            for binding in bound
            if not payloads[binding.id].get("_new")
            and not payloads[binding.id].get("_subscribe")
        }
        outcomes["tags removed"] += self._remove_lost_tags(known)
        outcomes["subscribed"] += self._first_subscriptions(
            bound.filtered(
                lambda b: (
                    payloads[b.id].get("_new")
                    and payloads[b.id].get("consent") == "subscribed"
                )
            ),
            payloads,
        )
        return +outcomes

    def _first_subscriptions(self, bindings, payloads):
        """Subscribe to the default list the contacts a bulk import just
        created, and only those never on any list.

        The import itself carries no ``subscribe``: a partner new to Odoo
        may be a contact ActiveCampaign already has, unsubscribed, and an
        import must not make them mailable again.  Their list statuses are
        read 100 a call; a contact with none is subscribed (a second bulk
        import, or one call each for a handful), the others are left as
        they are.
        """
        list_id = self.backend_record.list_id
        if not list_id or not bindings:
            return 0
        adapter = self.backend_adapter
        by_id = {binding.external_id: binding for binding in bindings}
        fresh = []
        for ids in chunks(list(by_id), adapter.page_size):
            for contact_id, lists in adapter.list_statuses_of(ids).items():
                if str(list_id) in lists or UNSUBSCRIBED in lists.values():
                    continue
                binding = by_id[contact_id]
                payload = dict(payloads[binding.id], _new=False, _subscribe=True)
                fresh.append((binding, payload, binding.export_hash))
        if len(fresh) >= adapter.bulk_min:
            self._send_bulk(fresh)
        else:
            for binding, __, __ in fresh:
                adapter.set_list_status(binding.external_id, list_id, 1)
        return len(fresh)

    def _remove_lost_tags(self, payloads):
        """After a bulk import (which only adds tags): take off the managed
        tags (named after an Odoo category or linked to one, and the origin
        tags) that the partners of already known contacts no longer have.

        Their current tags are read 100 contacts a call (``ids[]`` with the
        tags side-loaded), then one ``DELETE /contactTags`` per tag to take
        off; new contacts have only what the import gave them.  Tags only
        ActiveCampaign knows are kept.
        """
        backend = self.backend_record
        adapter = self.backend_adapter
        # the bulk import sends categories by name, without linking them
        names = self.env["res.partner.category"].sudo().search([]).mapped("name")
        names += (
            self.env["marketing.remote.tag"]
            .sudo()
            .search(backend._scope_domain() + [("category_id", "!=", False)])
            .mapped("name")
        )
        names += [n for n in (backend.tag_customer, backend.tag_lead) if n]
        managed = {name.lower() for name in names}
        removed = 0
        for ids in chunks(list(payloads), adapter.page_size):
            for contact_id, links in adapter.contact_tags_of(ids).items():
                wanted = {t.lower() for t in payloads[contact_id].get("tags") or []}
                for link_id, name in links.items():
                    if name and name.lower() in managed - wanted:
                        adapter.remove_contact_tag(link_id)
                        removed += 1
        return removed

    def _after_export(self, binding, payload, bulk):
        if payload.get("_subscribe"):
            return  # the second step of a first subscription: done before
        adapter = self.backend_adapter
        contact_id = binding.external_id
        if not bulk:
            details = adapter.fetch(contact_id)
            if "tags" in payload:  # not in an opt-out sent alone
                self._sync_tags(binding, payload, details)
            self._sync_consent(payload, details)
        if payload.get("account"):
            self._link_account(binding, payload)

    def _sync_tags(self, binding, payload, details):
        """Tags wanted by Odoo are added; tags of Odoo categories the partner
        no longer has are removed; tags only ActiveCampaign knows are kept."""
        backend = self.backend_record
        adapter = self.backend_adapter
        Tag = self.env["marketing.remote.tag"].sudo()
        partner = binding.odoo_id
        Tag._known(backend, details["_tags"])
        wanted = set(
            Tag._remote_ids(backend, partner.category_id, adapter.create_tag).values()
        )
        for name in (backend.tag_customer, backend.tag_lead):
            if name and name in payload["tags"]:
                wanted.add(self._origin_tag_id(name))
        managed = set(
            Tag.search(backend._scope_domain() + [("category_id", "!=", False)]).mapped(
                "remote_id"
            )
        ) | {
            self._origin_tag_id(n)
            for n in (backend.tag_customer, backend.tag_lead)
            if n
        }
        current = set(details["_contact_tags"])
        add, remove = Tag._changes(current, wanted | (current - managed))
        for tag_id in add:
            adapter.add_contact_tag(binding.external_id, tag_id)
        for tag_id in remove:
            adapter.remove_contact_tag(details["_contact_tags"][tag_id])

    def _origin_tag_id(self, name):
        """Remote id of an origin tag (no category behind it)."""
        return (
            self.env["marketing.remote.tag"]
            .sudo()
            ._ensure(
                self.backend_record, name, self.backend_adapter.create_tag, "origin"
            )
            .remote_id
        )

    def _sync_consent(self, payload, details):
        list_id = self.backend_record.list_id
        if not list_id:
            return
        known = "_lists" in details  # unknown list statuses: never subscribe
        status = details.get("_lists", {}).get(str(list_id))
        if payload["consent"] == "unsubscribed" and status != UNSUBSCRIBED:
            self.backend_adapter.set_list_status(details["id"], list_id, 2)
        elif (
            payload["consent"] == "subscribed"
            and known
            and status is None
            and UNSUBSCRIBED not in details["_lists"].values()
        ):
            # never on the list, never unsubscribed from any: a first
            # subscription, never a re-subscription
            self.backend_adapter.set_list_status(details["id"], list_id, 1)

    def _link_account(self, binding, payload):
        company = self.env["res.partner"].browse(payload["account"])
        account = self._export_dependency(company, "activecampaign.account")
        if not account.external_id:
            return  # the account went to review: its issue says why
        binding.account_contact_id = self.backend_adapter.link_account(
            binding.account_contact_id,
            account.external_id,
            binding.external_id,
            payload.get("jobTitle") or "",
        )


class ActivecampaignConsentExporter(Component):
    """Opted-out contacts: the batch export sets their list status to 2
    (``contact/sync`` then ``contactLists``, or the bulk import's
    ``unsubscribe`` beyond ten)."""

    _name = "activecampaign.res.partner.consent.exporter"
    _inherit = ["marketing.consent.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]
