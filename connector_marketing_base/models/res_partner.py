# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    """The partner's marketing side: a smart button, a Marketing tab and an
    Engagement tab.

    The smart button opens one line per backend (bound or not, consent,
    last sync, open review items); provider addons add their
    ``<provider>_bind_ids`` to the Marketing tab.

    Engagement is shown as a timeline on its own tab, a list of
    ``marketing.activity`` newest first, rather than as chatter messages
    posted by the importer.  Why: activities arrive by the thousand per
    campaign (one open and several clicks per contact per email); a
    message per activity would write a ``mail.message`` and notify the
    partner's followers for each one, make the chatter unreadable for what
    it is for (people talking), and weigh on every mail table for a million
    contacts.  The tab reads the activity table directly, paged, and the
    erasure of a person removes it with the activities.
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

    marketing_binding_count = fields.Integer(
        string="Marketing platforms", compute="_compute_marketing_counts"
    )
    marketing_issue_count = fields.Integer(
        string="Open marketing review items", compute="_compute_marketing_counts"
    )

    def _compute_marketing_counts(self):
        bound = dict.fromkeys(self.ids, 0)
        for binding_model in self._marketing_binding_models():
            for partner, count in binding_model.sudo()._read_group(
                [("odoo_id", "in", self.ids), ("external_id", "!=", False)],
                ["odoo_id"],
                ["__count"],
            ):
                bound[partner.id] += count
        groups = (
            self.env["marketing.sync.issue"]
            .sudo()
            ._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "open")],
                ["partner_id"],
                ["__count"],
            )
        )
        issues = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.marketing_binding_count = bound.get(partner.id, 0)
            partner.marketing_issue_count = issues.get(partner.id, 0)

    def action_open_marketing_status(self):
        """Smart button: the partner on every backend, in a popup."""
        self.ensure_one()
        self.env["marketing.sync.issue"].check_access("read")
        lines = self.env["marketing.partner.status"]._build(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("%s on marketing platforms", self.display_name),
            "res_model": "marketing.partner.status",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": [("id", "in", lines.ids)],
            "target": "new",
            "context": {"create": False, "delete": False, "edit": False},
        }

    def _marketing_binding_models(self):
        """The contact binding model of every installed provider (one per
        provider: its backend's ``_partner_binding_model``).

        Only contacts: what works on people (consent, erasure, tombstones,
        the status popup, the remote deletion of an unlinked partner) must
        not take a company binding (an ActiveCampaign account) for a
        contact, whose remote id means something else on the platform.
        """
        return self._marketing_provider_models("_partner_binding_model")

    def _marketing_company_binding_models(self):
        """The company binding model of every installed provider that has
        one (its backend's ``_company_binding_model``)."""
        return self._marketing_provider_models("_company_binding_model")

    def _marketing_provider_models(self, attribute):
        backends = self.env.registry.descendants(["marketing.backend"], "_inherit")
        names = {
            getattr(self.env[name], attribute)
            for name in backends
            if not self.env[name]._abstract
        }
        return [self.env[name] for name in sorted(names - {None})]

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
