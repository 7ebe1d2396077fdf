# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..tools.normalize import strip_nul


def humanize_code(code):
    """A readable label for a reason code nobody declared a label for:
    ``marketo_1003`` → "Marketo 1003", ``weird_thing`` → "Weird thing"."""
    text = " ".join(str(code or "").replace("_", " ").split())
    return text[:1].upper() + text[1:] if text else ""


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
    _rec_name = "reason_label"

    direction = fields.Selection(
        [("import", "Import"), ("export", "Export"), ("reconcile", "Reconciliation")],
        required=True,
        readonly=True,
    )
    reason_code = fields.Char(
        string="Reason",
        required=True,
        readonly=True,
        index=True,
        help="Machine code of the reason; grouped by, it shows as its label.",
    )
    reason_label = fields.Char(
        string="Reason label",
        compute="_compute_reason_label",
        search="_search_reason_label",
    )
    reason = fields.Text(string="Details", readonly=True)
    backend_ref = fields.Char(
        string="Backend (grouping)",
        compute="_compute_backend_ref",
        store=True,
        index=True,
        help="The backend as one groupable value (model,id); shown as its name.",
    )
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

    # ------------------------------------------------------------------
    # reason labels: one registry, extended by providers
    # ------------------------------------------------------------------
    @api.model
    def _reason_labels(self):
        """Reason code → label shown to the reviewer.

        The base declares the codes its components file; a provider declares
        its own on its backend (``_issue_reasons``, see
        :meth:`_provider_reason_labels`).  Labels are built on each call, in
        the reader's language; a code nobody declared is still shown
        readably (:func:`humanize_code`).
        """
        return {
            # matching and conflicts
            "ambiguous_match": self.env._("Several partners match"),
            "duplicate_remote": self.env._("Bound to another remote contact"),
            "duplicate_email": self.env._("Two partners share an email"),
            "email_changed": self.env._("Email changed on the platform"),
            "both_changed": self.env._("Changed on both sides"),
            "field_mismatch": self.env._("Differs from the platform"),
            "count_mismatch": self.env._("Contact counts differ"),
            # the remote record
            "remote_missing": self.env._("Not found on the platform"),
            "not_found": self.env._("Not found on the platform"),
            "remote_deleted": self.env._("Deleted on the platform"),
            "malformed_record": self.env._("Malformed record"),
            "create_uncertain": self.env._("Creation not confirmed"),
            # data refused
            "rejected_by_odoo": self.env._("Refused by Odoo"),
            "rejected": self.env._("Refused by the platform"),
            "invalid_data": self.env._("Invalid data"),
            "invalid_email": self.env._("Invalid email"),
            "invalid_phone": self.env._("Invalid phone number"),
            "invalid_country": self.env._("Unknown country"),
            "invalid_state": self.env._("Unknown state"),
            "invalid_value": self.env._("Invalid value"),
            "invalid_date": self.env._("Invalid date"),
            "invalid_choice": self.env._("Value not among the choices"),
            "field_too_long": self.env._("Value too long"),
            # bulk imports
            "bulk_rows_refused": self.env._("Rows refused by a bulk import"),
            "bulk_no_result": self.env._("Bulk import gave no result"),
            "bulk_timeout": self.env._("Bulk import timed out"),
        } | self._provider_reason_labels()

    @api.model
    def _provider_reason_labels(self):
        """The labels every installed provider declares on its backend:
        ``_issue_reasons = {code: _lt("label")}`` (``odoo.tools.LazyTranslate``
        of the provider's module, translated here in the reader's language).
        Why on the backend: a provider is a form of declarations; its codes
        sit with its other tables instead of in an override of this model."""
        labels = {}
        for name in self.env.registry.descendants(["marketing.backend"], "_inherit"):
            for code, label in self.env[name]._issue_reasons.items():
                labels[code] = label._translate(self.env.lang)
        return labels

    @api.model
    def _reason_label_of(self, code):
        return self._reason_labels().get(code) or humanize_code(code)

    @api.depends("reason_code")
    def _compute_reason_label(self):
        labels = self._reason_labels()
        for issue in self:
            code = issue.reason_code
            issue.reason_label = labels.get(code) or humanize_code(code)

    def _search_reason_label(self, operator, value):
        """Search a label as the reviewer reads it: the codes whose label
        (or the code itself) matches."""
        if operator not in ("ilike", "=", "not ilike", "!="):
            raise UserError(self.env._("Unsupported search on the reason."))
        labels = self._reason_labels()
        codes = {
            row[0] for row in self._read_group([], ["reason_code"]) if row[0]
        } | set(labels)
        text = str(value or "").lower()

        def hit(code):
            label = labels.get(code) or humanize_code(code)
            if operator in ("=", "!="):
                return text in (label.lower(), code.lower())
            return text in label.lower() or text in code.lower()

        matching = [code for code in codes if hit(code)]
        positive = operator in ("ilike", "=")
        return [("reason_code", "in" if positive else "not in", matching)]

    @api.depends("backend_model", "backend_id")
    def _compute_backend_ref(self):
        for issue in self:
            issue.backend_ref = (
                f"{issue.backend_model},{issue.backend_id}"
                if issue.backend_model and issue.backend_id
                else False
            )

    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """Groups by reason or backend are headed by their label and name.

        Both are plain stored values (a code, ``model,id``) so grouping is
        one SQL ``GROUP BY``; the header is swapped after the group's domain
        was built from the stored value, so opening a group still filters on
        it.  (A selection could not hold the codes providers invent.)
        """
        result = super()._read_group_format_result(rows_dict, lazy_groupby)
        names = {}
        labels = None
        for group in lazy_groupby:
            if group == "reason_code":
                labels = labels if labels is not None else self._reason_labels()
                for row in rows_dict:
                    if row.get(group):
                        row[group] = labels.get(row[group]) or humanize_code(row[group])
            elif group == "backend_ref":
                for row in rows_dict:
                    ref = row.get(group)
                    if ref and ref not in names:
                        names[ref] = self._backend_name_of_ref(ref)
                    if ref:
                        row[group] = names[ref]
        return result

    @api.model
    def _backend_name_of_ref(self, ref):
        model, __, res_id = ref.rpartition(",")
        if model not in self.env or not res_id.isdigit():
            return ref
        backend = self.env[model].sudo().browse(int(res_id)).exists()
        return backend.display_name if backend else ref

    @api.model
    def _report(self, backend, direction, reason_code, reason, **vals):
        """File (or refresh) an open issue and return it.

        ``vals`` may hold external_id, record (an Odoo record), partner,
        candidates (partners), payload (any JSON-serializable value) and
        mismatches (see ``marketing_sync_issue_mismatch``).
        """
        return self._report_many(
            backend, direction, reason_code, [dict(vals, reason=reason)]
        )

    @api.model
    def _report_many(self, backend, direction, reason_code, items):
        """File (or refresh) one open issue per item; return them.

        Each item holds ``reason`` and what :meth:`_report` takes.  Why a
        batch: a bulk export can file an issue for each of its 10,000
        contacts; one search for the open ones and one ``create`` cost a
        fraction of 10,000 of each (and no "created" note is logged in each
        item's chatter: its dates say as much).
        """
        issues, new = self.browse(), {}
        if not items:
            return issues
        values = [
            self._issue_values(backend, direction, reason_code, **item)
            for item in items
        ]
        existing = self._open_issues_by_key(backend, direction, reason_code, values)
        for vals in values:
            key = self._issue_key(vals)
            issue = existing.get(key)
            if issue:
                vals["occurrences"] = issue.occurrences + 1
                issue.write(vals)
                issues |= issue
            elif key in new:  # twice in one batch: the later one wins
                vals["occurrences"] = new[key].get("occurrences", 1) + 1
                new[key] = vals
            else:
                new[key] = vals
        created = self.with_context(mail_create_nolog=True).create(list(new.values()))
        return issues | created

    @api.model
    def _issue_values(self, backend, direction, reason_code, reason, **vals):
        reason, reason_code = strip_nul([reason, reason_code])
        record = vals.pop("record", None)
        partner = vals.pop("partner", None)
        candidates = vals.pop("candidates", None)
        payload = vals.pop("payload", None)
        mismatches = vals.pop("mismatches", None)
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
        if mismatches is not None:
            values["mismatch_values"] = strip_nul(mismatches) or False
        if payload is not None:
            values["payload"] = (
                strip_nul(payload)
                if isinstance(payload, str)
                else json.dumps(payload, indent=2, default=str, ensure_ascii=False)
            )
        return values

    @api.model
    def _issue_key(self, values):
        """What makes two reports of one reason the same issue: the remote
        id when there is one, else the Odoo record, else nothing (one issue
        per backend and reason)."""
        if values.get("external_id"):
            return ("external_id", values["external_id"])
        if values.get("res_model"):
            return ("record", values["res_model"], values["res_id"])
        return ("backend",)

    @api.model
    def _open_issues_by_key(self, backend, direction, reason_code, values):
        keys = {self._issue_key(vals) for vals in values}
        external_ids = [key[1] for key in keys if key[0] == "external_id"]
        records = {}
        for key in keys:
            if key[0] == "record":
                records.setdefault(key[1], []).append(key[2])
        alternatives = [[("external_id", "in", external_ids)]] if external_ids else []
        alternatives += [
            [("res_model", "=", model), ("res_id", "in", ids)]
            for model, ids in records.items()
        ]
        if ("backend",) in keys:
            alternatives.append(
                [("external_id", "=", False), ("res_model", "=", False)]
            )
        domain = backend._scope_domain() + [
            ("state", "=", "open"),
            ("direction", "=", direction),
            ("reason_code", "=", strip_nul(reason_code)),
        ]
        found = {}
        for issue in self.search(expression.AND([domain, expression.OR(alternatives)])):
            for key in (
                ("external_id", issue.external_id),
                ("record", issue.res_model, issue.res_id),
                ("backend",),
            ):
                if key in keys and (
                    key[0] != "backend" or not (issue.res_model or issue.external_id)
                ):
                    found.setdefault(key, issue)
        return found

    @api.model
    def _resolve(
        self, backend, external_id=None, record=None, directions=None, keep=()
    ):
        """Close the open issues of records that just synced successfully.

        ``external_id`` may be one id or a list, ``record`` a recordset;
        ``keep``: issues the same sync filed (a conflict it reported) and
        that stay open.
        """
        domain = backend._scope_domain() + [("state", "=", "open")]
        kept_ids = [issue.id for issue in keep if issue]
        if kept_ids:
            domain.append(("id", "not in", kept_ids))
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
