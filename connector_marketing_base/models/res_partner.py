# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    """The Marketing tab: engagement and open review items of a partner.

    Provider addons add their ``<provider>_bind_ids`` to the same tab.
    """

    _inherit = "res.partner"

    marketing_activity_ids = fields.One2many(
        "marketing.activity", "partner_id", string="Marketing activities"
    )
    marketing_issue_ids = fields.One2many(
        "marketing.sync.issue",
        "partner_id",
        string="Marketing review items",
        domain=[("state", "=", "open")],
    )

    def _marketing_binding_models(self):
        """Every installed binding model of partners (one per provider)."""
        names = self.env.registry.descendants(["marketing.binding"], "_inherit")
        return [
            self.env[name]
            for name in sorted(names)
            if not self.env[name]._abstract
            and self.env[name]._inherits.get("res.partner")
        ]

    def _marketing_opted_out(self):
        """Whether this person said no to marketing: the one rule every
        provider applies, on export and when an opt-out is carried out.

        Core Odoo keeps opt-outs on ``mail.blacklist``, which the partner's
        own opt-out field, ``is_blacklisted``, shows (mass mailing's
        unsubscribe page writes the same blacklist).  Read through sudo: an
        export job may run as a user who cannot see that field.
        """
        self.ensure_one()
        return bool(self.sudo().is_blacklisted)
