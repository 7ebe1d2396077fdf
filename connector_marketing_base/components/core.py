# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import AbstractComponent


class MarketingConnectorComponent(AbstractComponent):
    """Root of the marketing components.

    Abstract and without ``_collection``: each provider declares
    ``<provider>.base`` with ``_collection = "<provider>.backend"`` and its
    concrete components inherit both that and the base component of their
    role (``marketing.adapter``, ``marketing.batch.importer``...).
    """

    _name = "marketing.base"
    _inherit = "base.connector"

    def _issue(self, direction, reason_code, reason, **kwargs):
        """File a review item for the current backend (see marketing.sync.issue)."""
        return (
            self.env["marketing.sync.issue"]
            .sudo()
            ._report(self.backend_record, direction, reason_code, reason, **kwargs)
        )

    def _isolated(self):
        """Savepoint for one record of a batch: its failure stays its own."""
        return self.env.cr.savepoint()
