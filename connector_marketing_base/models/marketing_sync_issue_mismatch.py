# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..exceptions import BadDataError


class MarketingSyncIssue(models.Model):
    """A mismatch in the review queue: both values side by side, one click.

    The reconciler (``field_mismatch``) and the importer (``both_changed``,
    ``email_changed``) file, besides their text, one entry per field in
    ``mismatch_values``::

        {"key": "first_name", "label": "First name",
         "odoo": "Jane", "platform": "Janet", "fields": ["name"]}

    ``fields`` are the partner fields the platform's value lands in, and the
    issue's payload is the platform's record as read.  So the reviewer
    decides from what both sides hold, and either choice is applied the way
    a sync would: *Keep Odoo's* exports the partner again (the export job,
    with its rules, limits and consent), *Take the platform's* maps the
    stored record with the import mapper and writes only those fields, as
    an import does (no export back: ``connector_no_export`` and the export
    hash of what Odoo now holds).
    """

    _inherit = "marketing.sync.issue"

    mismatch_values = fields.Json(
        readonly=True, help="Per field: Odoo's value and the platform's value."
    )
    mismatch_html = fields.Html(
        string="Odoo and the platform",
        compute="_compute_mismatch_html",
        sanitize=False,
    )
    has_mismatch = fields.Boolean(compute="_compute_has_mismatch", store=True)

    @api.depends("mismatch_values")
    def _compute_has_mismatch(self):
        for issue in self:
            issue.has_mismatch = bool(issue.mismatch_values)

    @api.depends("mismatch_values")
    def _compute_mismatch_html(self):
        head = Markup(
            "<table class='table table-sm o_marketing_mismatch'><thead><tr>"
            "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>"
        ) % (self.env._("Field"), self.env._("In Odoo"), self.env._("On the platform"))
        for issue in self:
            entries = issue.mismatch_values or []
            if not entries:
                issue.mismatch_html = False
                continue
            rows = Markup("").join(
                Markup(
                    "<tr><td class='fw-bold'>%s</td>"
                    "<td class='o_marketing_odoo_value'>%s</td>"
                    "<td class='o_marketing_platform_value'>%s</td></tr>"
                )
                % (
                    entry.get("label") or entry.get("key") or "",
                    _shown(entry.get("odoo")),
                    _shown(entry.get("platform")),
                )
                for entry in entries
            )
            issue.mismatch_html = head + rows + Markup("</tbody></table>")

    def _mismatch_binding(self):
        """The binding a mismatch is about, or a clear error."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("%s is already closed.", self.display_name))
        if not self.mismatch_values:
            raise UserError(
                self.env._(
                    "%s is not a mismatch between two values.", self.display_name
                )
            )
        binding = self._record()
        if binding is None or "odoo_id" not in binding._fields:
            raise UserError(
                self.env._(
                    "The partner of %s is no longer bound to the platform.",
                    self.display_name,
                )
            )
        return binding

    def action_keep_odoo(self):
        """Odoo's values win: export the partner again, now.

        The export hash is cleared so the exporter does not skip a payload
        it believes the platform already holds (the reconciler found it does
        not); the export job itself applies every rule of an export.
        """
        self.check_access("write")
        for issue in self:
            binding = issue._mismatch_binding().sudo()
            backend = issue._backend_or_raise()
            binding._write_sync_columns({binding.id: {"export_hash": False}})
            binding.with_delay(
                priority=10,
                description=backend._job_description(
                    self.env._("Export (Odoo's values kept)"), binding.odoo_id
                ),
            ).export_record()
            issue._close_mismatch(self.env._("Odoo's values kept; export enqueued."))
        return True

    def action_take_platform(self):
        """The platform's values win: write them into the partner.

        Only the fields of the mismatch are written, as the reviewer's own
        write (their rights on partners apply), with ``connector_no_export``
        and the export hash of what Odoo then holds: nothing is echoed back.
        """
        self.check_access("write")
        for issue in self:
            binding = issue._mismatch_binding()
            backend = issue._backend_or_raise()
            record = issue._platform_record()
            names = {
                name
                for entry in issue.mismatch_values
                for name in entry.get("fields") or ()
            }
            with backend.work_on(binding._name) as work:
                mapper = work.component(usage="import.mapper")
                try:
                    values = mapper.map_record(record).values()
                except BadDataError as err:
                    raise UserError(
                        self.env._("The platform's values cannot be taken: %s", err)
                    ) from err
                values = {key: value for key, value in values.items() if key in names}
                if values:
                    binding.odoo_id.with_context(connector_no_export=True).write(values)
                exporter = work.component(usage="batch.exporter")
                binding.sudo()._write_sync_columns(
                    {
                        binding.id: {
                            "export_hash": exporter._payload_hash(binding.sudo()),
                            "sync_date": fields.Datetime.now(),
                        }
                    }
                )
            issue._close_mismatch(self.env._("The platform's values taken."))
        return True

    def _platform_record(self):
        """The platform's record stored with the mismatch (its payload)."""
        self.ensure_one()
        try:
            record = json.loads(self.payload or "")
        except ValueError:
            record = None
        if not isinstance(record, dict):
            raise UserError(
                self.env._(
                    "%s holds no record of the platform to take values from.",
                    self.display_name,
                )
            )
        return record

    def _close_mismatch(self, note):
        self.write({"state": "resolved"})
        self.message_post(body=note)


def _shown(value):
    """A value as the reviewer reads it (empty is said, not blank)."""
    if value in (None, False, ""):
        return Markup("<em class='text-muted'>%s</em>") % "—"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return escape(str(value))
