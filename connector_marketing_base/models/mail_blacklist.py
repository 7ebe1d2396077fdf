# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MailBlacklist(models.Model):
    """Keep the partners' ``is_blacklisted`` true to the blacklist.

    Odoo computes it from ``mail.blacklist`` without depending on it, so a
    value read earlier in the same transaction (an import that blacklists,
    then exports) stays stale; exports decide consent on it.
    """

    _inherit = "mail.blacklist"

    def _forget_partner_consent(self):
        self.env["res.partner"].invalidate_model(["is_blacklisted"])

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._forget_partner_consent()
        return records

    def write(self, vals):
        result = super().write(vals)
        self._forget_partner_consent()
        return result

    def unlink(self):
        result = super().unlink()
        self._forget_partner_consent()
        return result
