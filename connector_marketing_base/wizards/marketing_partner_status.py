# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MarketingPartnerStatus(models.TransientModel):
    """One line per backend for the partner's Marketing smart button.

    Bindings live in one model per provider, and a partner not bound to a
    backend has no binding at all: no stored model lists "this partner on
    every platform, bound or not".  These lines are built when the button
    is pressed, from the backends the user can see, and shown in a popup.
    """

    _name = "marketing.partner.status"
    _description = "Partner on a marketing platform"
    _order = "provider, backend_name"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    provider = fields.Char(readonly=True)
    backend_ref = fields.Char(readonly=True)
    backend_name = fields.Char(string="Backend", readonly=True)
    bound = fields.Boolean(readonly=True)
    external_id = fields.Char(string="ID on the platform", readonly=True)
    subscription = fields.Char(readonly=True)
    last_sync = fields.Datetime(readonly=True)
    open_issue_count = fields.Integer(string="Open review items", readonly=True)

    @api.model
    def _build(self, partner):
        """The lines of ``partner``: every active backend, bound or not."""
        partner.ensure_one()
        Issue = self.env["marketing.sync.issue"]
        counts = dict(
            Issue._read_group(
                [("partner_id", "=", partner.id), ("state", "=", "open")],
                ["backend_ref"],
                ["__count"],
            )
        )
        values = []
        for binding_model in partner._marketing_binding_models():
            backend_model = binding_model._fields["backend_id"].comodel_name
            if not self.env[backend_model].has_access("read"):
                continue
            bindings = {
                binding.backend_id.id: binding
                for binding in binding_model.sudo()._bindings_of(partner)
            }
            for backend in self.env[backend_model].search([]):
                binding = bindings.get(backend.id)
                ref = f"{backend._name},{backend.id}"
                values.append(
                    {
                        "partner_id": partner.id,
                        "provider": backend._provider_label,
                        "backend_ref": ref,
                        "backend_name": backend.display_name,
                        "bound": bool(binding and binding.external_id),
                        "external_id": binding.external_id if binding else False,
                        "subscription": self._subscription(partner, binding),
                        "last_sync": binding.sync_date if binding else False,
                        "open_issue_count": counts.get(ref, 0),
                    }
                )
        return self.create(values)

    @api.model
    def _subscription(self, partner, binding):
        """What the platform is told of the person's consent, in words."""
        if not binding or not binding.external_id:
            return self.env._("Not on the platform")
        if partner._marketing_opted_out():
            if binding.opt_out_sent:
                return self.env._("Unsubscribed")
            return self.env._("Unsubscribed in Odoo, not yet on the platform")
        return binding._subscription_label()

    def action_open_issues(self):
        """The open review items of this partner on this backend."""
        self.ensure_one()
        model, __, res_id = self.backend_ref.rpartition(",")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "connector_marketing_base.action_marketing_sync_issue"
        )
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("backend_model", "=", model),
            ("backend_id", "=", int(res_id)),
        ]
        action["context"] = {"search_default_open": 1}
        return action
