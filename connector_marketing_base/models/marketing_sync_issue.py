# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..tools.normalize import strip_nul


class MarketingSyncIssue(models.Model):
    """The review queue: records a sync could not apply without a human.

    A bad record never blocks its batch: the importer/exporter files an issue
    (with the raw payload and the provider's reason) and moves on.  Filing the
    same problem twice updates the open issue instead of piling up duplicates,
    and a later successful sync of the record resolves it.
    """

    _name = "marketing.sync.issue"
    _inherit = ["marketing.backend.scoped", "mail.thread"]
    _description = "Marketing Sync Review Item"
    _order = "last_seen desc, id desc"
    _rec_name = "reason_code"

    direction = fields.Selection(
        [("import", "Import"), ("export", "Export"), ("reconcile", "Reconciliation")],
        required=True,
        readonly=True,
    )
    reason_code = fields.Char(required=True, readonly=True, index=True)
    reason = fields.Text(readonly=True)
    payload = fields.Text(readonly=True, help="Raw record as received or sent.")
    external_id = fields.Char(readonly=True, index=True)
    res_model = fields.Char(readonly=True, index=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index=True)
    candidate_partner_ids = fields.Many2many(
        "res.partner",
        string="Candidates",
        readonly=True,
        help="Partners that matched the record (ambiguous match).",
    )
    link_partner_id = fields.Many2one(
        "res.partner",
        string="Link to",
        help="Choose the partner to bind this remote record to, then 'Link'.",
    )
    state = fields.Selection(
        [("open", "To review"), ("resolved", "Resolved"), ("ignored", "Ignored")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    occurrences = fields.Integer(default=1, readonly=True)
    last_seen = fields.Datetime(default=fields.Datetime.now, readonly=True)

    @api.model
    def _report(self, backend, direction, reason_code, reason, **vals):
        """File (or refresh) an open issue and return it.

        ``vals`` may hold external_id, record (an Odoo record), partner,
        candidates (partners) and payload (any JSON-serializable value).
        """
        reason, reason_code = strip_nul([reason, reason_code])
        record = vals.pop("record", None)
        partner = vals.pop("partner", None)
        candidates = vals.pop("candidates", None)
        payload = vals.pop("payload", None)
        values = dict(
            self._scope_vals(backend),
            direction=direction,
            reason_code=reason_code,
            reason=reason,
            external_id=strip_nul(vals.pop("external_id", None)) or False,
            last_seen=fields.Datetime.now(),
        )
        if vals:
            raise TypeError(f"unexpected arguments {sorted(vals)}")
        if record is not None:
            values.update(res_model=record._name, res_id=record.id)
            if record._name == "res.partner":
                partner = partner or record
            elif "odoo_id" in record._fields and record.odoo_id._name == "res.partner":
                partner = partner or record.odoo_id
        if partner:
            values["partner_id"] = partner.id
        if candidates:
            values["candidate_partner_ids"] = [fields.Command.set(candidates.ids)]
        if payload is not None:
            values["payload"] = (
                strip_nul(payload)
                if isinstance(payload, str)
                else json.dumps(payload, indent=2, default=str, ensure_ascii=False)
            )
        existing = self.search(self._same_issue_domain(values), limit=1)
        if existing:
            values["occurrences"] = existing.occurrences + 1
            existing.write(values)
            return existing
        return self.create(values)

    @api.model
    def _same_issue_domain(self, values):
        domain = [("state", "=", "open")]
        for key in ("backend_model", "backend_id", "direction", "reason_code"):
            domain.append((key, "=", values[key]))
        if values.get("external_id"):
            domain.append(("external_id", "=", values["external_id"]))
        elif values.get("res_model"):
            domain += [
                ("res_model", "=", values["res_model"]),
                ("res_id", "=", values["res_id"]),
            ]
        else:
            domain.append(("external_id", "=", False))
            domain.append(("res_model", "=", False))
        return domain

    @api.model
    def _resolve(self, backend, external_id=None, record=None, directions=None):
        """Close the open issues of records that just synced successfully.

        ``external_id`` may be one id or a list, ``record`` a recordset.
        """
        domain = backend._scope_domain() + [("state", "=", "open")]
        if directions:
            domain.append(("direction", "in", directions))
        subdomains = []
        if external_id:
            ids = external_id if isinstance(external_id, list) else [external_id]
            subdomains.append([("external_id", "in", ids)])
        if record is not None:
            subdomains.append(
                [("res_model", "=", record._name), ("res_id", "in", record.ids)]
            )
        if not subdomains:
            return self.browse()
        issues = self.search(expression.AND([domain, expression.OR(subdomains)]))
        issues.write({"state": "resolved"})
        return issues

    def _record(self):
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def _backend_or_raise(self):
        backend = self._backend()
        if not backend:
            raise UserError(self.env._("The backend of this issue no longer exists."))
        return backend

    def action_retry(self):
        """Run the failed sync again in a job; success resolves the issue."""
        for issue in self:
            backend = issue._backend_or_raise()
            record = issue._record()
            if issue.direction == "export" and record is not None:
                record.with_delay(
                    priority=10,
                    description=backend._job_description(self.env._("Export"), record),
                ).export_record()
            elif issue.external_id:
                backend.with_delay(
                    priority=10,
                    description=backend._job_description(
                        self.env._("Import contact %s", issue.external_id)
                    ),
                ).import_contact(issue.external_id)
            else:
                raise UserError(
                    self.env._(
                        "Issue %s has no record to retry; fix the data and ignore it.",
                        issue.display_name,
                    )
                )
        return True

    def action_link_partner(self):
        """Bind the remote record to the partner chosen by the reviewer."""
        for issue in self:
            if not issue.link_partner_id or not issue.external_id:
                raise UserError(self.env._("Choose a partner to link to first."))
            backend = issue._backend_or_raise()
            binding_model = self.env[backend._partner_binding_model]
            existing = binding_model.with_context(active_test=False).search(
                [
                    ("backend_id", "=", backend.id),
                    "|",
                    ("external_id", "=", issue.external_id),
                    ("odoo_id", "=", issue.link_partner_id.id),
                ]
            )
            if len(existing) > 1:
                raise UserError(
                    self.env._(
                        "This remote record and this partner are already bound "
                        "to different records; unlink one binding first."
                    )
                )
            if existing:
                existing.write(
                    {
                        "odoo_id": issue.link_partner_id.id,
                        "external_id": issue.external_id,
                    }
                )
            else:
                binding_model.create(
                    {
                        "backend_id": backend.id,
                        "odoo_id": issue.link_partner_id.id,
                        "external_id": issue.external_id,
                    }
                )
            issue.state = "resolved"
            backend.with_delay(
                priority=10,
                description=backend._job_description(
                    self.env._("Import contact %s", issue.external_id)
                ),
            ).import_contact(issue.external_id)
        return True

    def action_create_new(self):
        """Import the remote record as a new partner despite matching ones."""
        for issue in self:
            if not issue.external_id:
                raise UserError(
                    self.env._("Only imported records can create a partner.")
                )
            backend = issue._backend_or_raise()
            issue.state = "resolved"
            backend.with_delay(
                priority=10,
                description=backend._job_description(
                    self.env._("Import contact %s as a new partner", issue.external_id)
                ),
            ).import_contact(issue.external_id, force_create=True)
        return True

    def action_ignore(self):
        self.write({"state": "ignored"})
        return True

    def action_reopen(self):
        self.write({"state": "open"})
        return True
