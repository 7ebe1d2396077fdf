# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MarketingFieldMapping(models.Model):
    """One configurable line: an Odoo partner field ⇄ a remote field.

    The provider mappers handle the standard contact fields; these lines add
    the customer's own fields (a custom field id on the platform, an extra
    partner field) without code.  The conflict rule decides who wins when an
    import brings a value that differs from Odoo's.
    """

    _name = "marketing.field.mapping"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Field Mapping"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Odoo field",
        required=True,
        ondelete="cascade",
        domain=[("model", "=", "res.partner"), ("store", "=", True)],
    )
    field_name = fields.Char(related="field_id.name")
    remote_field = fields.Char(
        required=True,
        help="Key or id of the field on the platform (e.g. a custom field id).",
    )
    direction = fields.Selection(
        [
            ("export", "Odoo → platform"),
            ("import", "Platform → Odoo"),
            ("both", "Both"),
        ],
        default="both",
        required=True,
    )
    conflict_rule = fields.Selection(
        [
            ("default", "Backend default"),
            ("odoo_wins", "Odoo wins"),
            ("remote_wins", "Remote wins"),
            ("latest_wins", "Latest change wins"),
            ("only_if_empty", "Only fill empty Odoo fields"),
        ],
        default="default",
        required=True,
    )
    transform = fields.Selection(
        [
            ("none", "None"),
            ("text", "Plain text (NFC, HTML stripped)"),
            ("lower", "Lower case"),
            ("upper", "Upper case"),
            ("phone", "Phone (E.164)"),
            ("bool", "Boolean"),
        ],
        default="none",
        required=True,
    )
    max_length = fields.Integer(help="Provider length limit; 0 for none.")

    _sql_constraints = [
        (
            "remote_field_uniq",
            "unique(backend_model, backend_id, remote_field, direction)",
            "A remote field can only be mapped once per direction.",
        )
    ]

    @api.depends("field_id", "remote_field")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.field_id.name} ⇄ {line.remote_field}"

    def _effective_rule(self, backend):
        self.ensure_one()
        if self.conflict_rule == "default":
            return backend.conflict_rule
        return self.conflict_rule
