# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import email_normalize


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

    @api.model
    def _marketing_remote_unsubscribe(self, emails, message):
        """People who unsubscribed on a platform → Odoo's blacklist; the one
        way every provider path (record import, unsubscribe feed, webhook
        or engagement activity) applies a remote unsubscribe.

        Returns the normalized addresses put on the blacklist now.  Guards,
        each for a reason:

        - consent is sacred: nothing here ever takes an address off, and an
          address Odoo had lifted is blacklisted again (the platform still
          says the person opted out);
        - idempotent: an address already blacklisted is left alone (no note
          on every re-read of the same contact or page);
        - a forgotten person (erased, only a hash tombstone left) stores
          nothing personal: their address is not written back into Odoo;
          the platforms drop them already and Odoo no longer holds them;
        - addresses Odoo does not know are blacklisted too: Odoo must not
          mail them either.
        """
        normalized = {email_normalize(email or "") for email in emails} - {False}
        if not normalized:
            return set()
        forgotten = self.env["marketing.tombstone"].sudo()._forgotten(normalized)
        already = set(
            self.sudo()
            .search([("email", "in", list(normalized - forgotten))])
            .mapped("email")
        )
        added = normalized - forgotten - already
        for email in sorted(added):
            self.sudo()._add(email, message=message)
        return added
