# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MarketoCompany(models.Model):
    """A company partner as a Marketo company, linked by ``externalCompanyId``.

    Companies Odoo sends to Marketo need no record here: their key is
    derived from the partner (``odoo-<id>``).  A company that exists in
    Marketo under another key (created there, or by a CRM sync) gets one when
    the import meets a lead linked to it, so the partner made from it keeps
    that key both ways.

    The provider's company binding (``_company_binding_model``), and an
    ``external.binding`` only, not a ``marketing.binding``: the record is
    a key, never exported on its own (the companies go with the lead
    export), so it has no payload hash and no export job.
    """

    _name = "marketo.company"
    _inherit = "external.binding"
    _description = "Marketo Company"

    odoo_id = fields.Many2one(
        "res.partner",
        string="Company",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("is_company", "=", True)],
    )
    backend_id = fields.Many2one(
        "marketo.backend", required=True, ondelete="cascade", index=True
    )
    external_id = fields.Char(string="externalCompanyId", required=True, index=True)

    _sql_constraints = [
        (
            "external_uniq",
            "unique(backend_id, external_id)",
            "A Marketo company can only be linked once per backend.",
        ),
        (
            "odoo_uniq",
            "unique(backend_id, odoo_id)",
            "A company can only be linked to one Marketo company per backend.",
        ),
    ]


class ResPartner(models.Model):
    _inherit = "res.partner"

    marketo_company_bind_ids = fields.One2many(
        "marketo.company", "odoo_id", string="Marketo companies"
    )
