# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from ..tools.normalize import nfc, truncate


class MarketingRemoteTag(models.Model):
    """A partner category ⇄ a tag (or list) on the platform, per backend.

    Both directions go through this table: an export turns the partner's
    categories into remote tag ids (creating missing tags on the platform
    through the adapter's ``create_tag(name)``), an import turns remote tags
    into categories (creating missing categories).  The lookup is by id when
    known, by case-insensitive name otherwise, so a tag renamed on one side
    keeps its link.
    """

    _name = "marketing.remote.tag"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Platform Tag"
    _order = "name, id"

    name = fields.Char(required=True, readonly=True)
    remote_id = fields.Char(required=True, readonly=True, index=True)
    kind = fields.Char(default="tag", required=True, readonly=True)
    category_id = fields.Many2one(
        "res.partner.category", ondelete="cascade", index=True
    )

    _sql_constraints = [
        (
            "remote_uniq",
            "unique(backend_model, backend_id, kind, remote_id)",
            "A remote tag is linked once per backend.",
        )
    ]

    @api.model
    def _scope(self, backend, kind):
        return backend._scope_domain() + [("kind", "=", kind)]

    @api.model
    def _remote_ids(self, backend, categories, create, kind="tag", max_length=255):
        """Remote ids of ``categories`` (``{category_id: remote_id}``).

        A category without a link is matched by name among the known remote
        tags; when still unknown, ``create(name)`` makes the tag on the
        platform and returns its id.  The advisory lock serializes concurrent
        creations of one name (two jobs would create the tag twice).
        """
        links = {
            t.category_id.id: t
            for t in self.search(
                self._scope(backend, kind) + [("category_id", "in", categories.ids)]
            )
        }
        result = {}
        for category in categories:
            link = links.get(category.id)
            if not link:
                link = self._link_by_name(backend, category, create, kind, max_length)
            result[category.id] = link.remote_id
        return result

    def _link_by_name(self, backend, category, create, kind, max_length):
        name = truncate(nfc(category.name), max_length)
        link = self.search(
            self._scope(backend, kind)
            + [("name", "=ilike", name), ("category_id", "=", False)],
            limit=1,
        )
        if link:
            link.category_id = category
            return link
        return self._ensure(backend, name, create, kind, category=category)

    @api.model
    def _ensure(self, backend, name, create, kind="tag", category=None):
        """The link of the remote tag ``name``, created on the platform (by
        ``create(name)``, which returns its id) when this backend knows none.

        Two jobs may create one tag at once: the advisory lock makes the
        second wait, and if it still collides (its snapshot predates the
        first one's commit) it is retried shortly instead of failing.
        """
        scope = self._scope(backend, kind)
        link = self.search(scope + [("name", "=ilike", name)], limit=1)
        if link and (category is None or not link.category_id):
            if category is not None:
                link.category_id = category
            return link
        self.env.cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                f"marketing-tag-{backend._name}-{backend.id}-{kind}-{name.lower()}",
            )
        )
        remote_id = str(create(name))
        link = self.search(scope + [("remote_id", "=", remote_id)], limit=1)
        if link:
            if category is not None:
                link.category_id = category
            return link
        link = self._insert_unique(
            backend,
            {
                "name": name,
                "remote_id": remote_id,
                "kind": kind,
                "category_id": category.id if category else False,
            },
            ("backend_model", "backend_id", "kind", "remote_id"),
        )
        if not link:
            raise RetryableJobError(
                self.env._("Tag %s is being linked by another job", name),
                seconds=5,
            )
        return link

    @api.model
    def _categories(self, backend, remote_tags, kind="tag"):
        """Categories of remote tags given as ``{remote_id: name}``.

        Unknown tags are recorded and get a category of the same name (an
        existing category of that name is reused).
        """
        Category = self.env["res.partner.category"]
        links = {
            t.remote_id: t
            for t in self.search(
                self._scope(backend, kind)
                + [("remote_id", "in", [str(k) for k in remote_tags])]
            )
        }
        categories = Category.browse()
        for remote_id, remote_name in remote_tags.items():
            link = links.get(str(remote_id))
            if link and link.category_id:
                categories |= link.category_id
                continue
            name = nfc(remote_name or "")
            if not name:
                continue
            category = Category.search([("name", "=ilike", name)], limit=1)
            category = category or Category.create({"name": name})
            if link:
                link.category_id = category
            else:
                self.create(
                    dict(
                        self._scope_vals(backend),
                        name=name,
                        remote_id=str(remote_id),
                        kind=kind,
                        category_id=category.id,
                    )
                )
            categories |= category
        return categories

    @api.model
    def _known(self, backend, remote_tags, kind="tag"):
        """Record remote tags (``{remote_id: name}``) without categories yet,
        so exports find them by name instead of creating duplicates."""
        known = set(
            self.search(
                self._scope(backend, kind)
                + [("remote_id", "in", [str(k) for k in remote_tags])]
            ).mapped("remote_id")
        )
        self.create(
            [
                dict(
                    self._scope_vals(backend),
                    name=nfc(name or remote_id),
                    remote_id=str(remote_id),
                    kind=kind,
                )
                for remote_id, name in remote_tags.items()
                if str(remote_id) not in known
            ]
        )

    @api.model
    def _set_partner_categories(self, partner, categories, managed):
        """Make the ``managed`` categories of ``partner`` be ``categories``.

        An import applies the remote tags or lists of a contact this way:
        missing categories are added, managed ones the contact no longer has
        are removed, and categories the connector does not manage stay.
        Written without export (it comes from the platform).
        """
        categories = categories & managed
        current = partner.category_id
        add, remove = categories - current, (current & managed) - categories
        if add or remove:
            partner.with_context(connector_no_export=True).write(
                {
                    "category_id": [fields.Command.link(c.id) for c in add]
                    + [fields.Command.unlink(c.id) for c in remove]
                }
            )
        return bool(add or remove)

    @staticmethod
    def _changes(current, wanted):
        """Ids to add and to remove to go from ``current`` to ``wanted``."""
        current, wanted = set(map(str, current)), set(map(str, wanted))
        return sorted(wanted - current), sorted(current - wanted)
