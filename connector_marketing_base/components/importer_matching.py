# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import email_normalize

from odoo.addons.component.core import AbstractComponent

from ..tools.normalize import plain_email


class MarketingImportMatching(AbstractComponent):
    """Which partner an imported contact is: part of the record importer.

    After the binding (external id), the normalized email; several partners
    with the email, or a partner already bound to another contact, is a
    review item, never a guess.
    """

    _name = "marketing.import.matching"
    _inherit = "marketing.base"

    def _email_of(self, record):
        key = self.mapper._remote_keys.get("email", "email")
        text = record.get(key) or ""
        return plain_email(text) or email_normalize(text, strict=True) or None

    def _emails_in_odoo(self, emails):
        """Which of these normalized emails some partner has."""
        if not emails:
            return set()
        partners = self.env["res.partner"].search_read(
            [("email_normalized", "in", list(emails))]
            + self.backend_record._company_partner_domain(),
            ["email_normalized"],
        )
        return {p["email_normalized"] for p in partners}

    def _match_partner(self, email, external_id, record):
        """The one partner with this email, None for none, False if ambiguous."""
        partners = self.env["res.partner"].search(
            [("email_normalized", "=", email)]
            + self.backend_record._company_partner_domain(),
            limit=10,
        )
        if len(partners) > 1:
            self._issue(
                "import",
                "ambiguous_match",
                self.env._(
                    "%(n)s partners have the email %(email)s: choose the one to "
                    "link, or create a new partner.",
                    n=len(partners),
                    email=email,
                ),
                external_id=external_id,
                candidates=partners,
                payload=record,
            )
            return False
        if partners and self.model.search_count(
            [("backend_id", "=", self.backend_record.id), ("odoo_id", "=", partners.id)]
        ):
            self._issue(
                "import",
                "duplicate_remote",
                self.env._(
                    "%(partner)s is already bound to another remote contact with "
                    "the same email %(email)s.",
                    partner=partners.display_name,
                    email=email,
                ),
                external_id=external_id,
                partner=partners,
                payload=record,
            )
            return False
        return partners or None
