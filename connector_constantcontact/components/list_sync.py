# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo.addons.component.core import Component
from odoo.addons.queue_job.job import identity_exact

KIND = "list"


class ConstantContactListExporter(Component):
    """Partner categories ⇄ contact lists (``marketing.remote.tag``, kind list).

    Only the categories chosen on the backend are synced.  Out: for each
    bound partner, the lists of its categories are compared with the lists
    the contact was in at the last sync; the differences go out grouped by
    list through ``add_list_memberships`` / ``remove_list_memberships``
    (500 contacts per call).  In: a contact's lists set or clear the linked
    categories.  Lists Odoo does not manage are never touched.
    """

    _name = "constantcontact.list.exporter"
    _inherit = "constantcontact.base"
    _usage = "list.exporter"
    _apply_on = ["constantcontact.res.partner"]

    def _links(self):
        return self.env["marketing.remote.tag"].sudo()

    def enqueue(self, bindings):
        backend = self.backend_record
        if not backend.list_category_ids or not bindings:
            return
        backend.with_delay(
            priority=20,
            identity_key=identity_exact,
            description=backend._job_description(
                self.env._("Sync list memberships of %s contacts", len(bindings))
            ),
        ).export_list_memberships(bindings.ids)

    def _managed(self):
        """``{category_id: list_id}`` of the synced categories, creating the
        missing lists when the backend allows it."""
        backend = self.backend_record
        adapter = self.component(usage="backend.adapter")
        links = self._links()
        categories = backend.list_category_ids
        linked = links.search(
            links._scope(backend, KIND) + [("category_id", "in", categories.ids)]
        )
        missing = categories - linked.category_id
        if missing:
            links._known(
                backend,
                {lst["list_id"]: lst["name"] for lst in adapter.lists()},
                kind=KIND,
            )

            def create(name):
                if not backend.create_lists:
                    raise LookupError(name)
                return adapter.create_list(name)["list_id"]

            for category in missing:
                try:
                    links._remote_ids(backend, category, create, kind=KIND)
                except LookupError:
                    self._issue(
                        "export",
                        "unknown_list",
                        self.env._(
                            "No Constant Contact list is linked to category "
                            "%s, and creating lists is off.",
                            category.display_name,
                        ),
                    )
            linked = links.search(
                links._scope(backend, KIND) + [("category_id", "in", categories.ids)]
            )
        return {link.category_id.id: link.remote_id for link in linked}

    def run(self, bindings):
        managed = self._managed()
        managed_lists = set(managed.values())
        adds, removes = defaultdict(list), defaultdict(list)
        for binding in bindings.filtered("external_id"):
            wanted = {
                managed[c.id] for c in binding.odoo_id.category_id if c.id in managed
            }
            current = set(binding.remote_list_ids or []) & managed_lists
            to_add, to_remove = self._links()._changes(current, wanted)
            for list_id in to_add:
                adds[list_id].append(binding)
            for list_id in to_remove:
                removes[list_id].append(binding)
        adapter = self.component(usage="backend.adapter")
        calls = 0
        for changes, add in ((adds, True), (removes, False)):
            for list_id, members in changes.items():
                calls += len(
                    adapter.list_memberships(
                        [list_id], [b.external_id for b in members], add=add
                    )
                )
                for binding in members:
                    lists = set(binding.remote_list_ids or [])
                    lists = lists | {list_id} if add else lists - {list_id}
                    binding.remote_list_ids = sorted(lists)
        return self.env._(
            "%(a)s additions, %(r)s removals in %(c)s calls",
            a=sum(len(v) for v in adds.values()),
            r=sum(len(v) for v in removes.values()),
            c=calls,
        )

    def import_memberships(self, binding, record):
        """The contact's lists → the linked synced categories of its partner."""
        backend = self.backend_record
        if not backend.list_category_ids:
            return
        links = self._links().search(
            self._links()._scope(backend, KIND)
            + [("category_id", "in", backend.list_category_ids.ids)]
        )
        lists = set(record.get("list_memberships") or [])
        self._links()._set_partner_categories(
            binding.odoo_id,
            links.filtered(lambda t: t.remote_id in lists).category_id,
            links.category_id,
        )
