# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class MarketingSyncIssue(models.Model):
    """What a reviewer does with a review item: retry the sync, link the
    remote record to a partner, import it as a new partner, ignore or reopen
    it.  Each action checks the reviewer's right to the issue first."""

    _inherit = "marketing.sync.issue"

    def _backend_or_raise(self):
        backend = self._backend()
        if not backend:
            raise UserError(self.env._("The backend of this issue no longer exists."))
        return backend

    def action_retry(self):
        """Run the failed syncs again in jobs; success resolves each issue.

        From the list, many at once: items with nothing to retry (a count
        mismatch, a record gone) are skipped and said so; none retryable
        is an error.
        """
        self.check_access("write")
        retried = self.browse()
        for issue in self.filtered(lambda i: i.state == "open"):
            backend = issue._backend_or_raise()
            record = issue._record()
            if issue.direction == "export" and record is not None:
                record.sudo().with_delay(
                    priority=10,
                    description=backend._job_description(self.env._("Export"), record),
                ).export_record()
            elif issue.external_id:
                backend.sudo().with_delay(
                    priority=10,
                    description=backend._job_description(
                        self.env._("Import contact %s", issue.external_id)
                    ),
                ).import_contact(issue.external_id)
            else:
                continue
            retried |= issue
        skipped = self - retried
        if not retried:
            raise UserError(
                self.env._(
                    "Nothing to retry in %s: fix the data and ignore it.",
                    ", ".join(skipped.mapped("display_name")),
                )
            )
        retried.message_post(body=self.env._("Retry enqueued."))
        if len(self) == 1:
            return True
        return _notification(
            self.env._(
                "%(n)s retried, %(skipped)s with nothing to retry.",
                n=len(retried),
                skipped=len(skipped),
            )
        )

    def action_link_partner(self):
        """Bind the remote record to the partner chosen by the reviewer.

        Reviewers may link (it is their decision to make) but not create
        bindings at will: the binding is written with sudo once the
        reviewer's right to work this issue is checked.
        """
        self.check_access("write")
        for issue in self:
            if not issue.link_partner_id or not issue.external_id:
                raise UserError(self.env._("Choose a partner to link to first."))
            issue.link_partner_id.check_access("read")
            backend = issue._backend_or_raise()
            binding_model = self.env[backend._partner_binding_model].sudo()
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
            backend.sudo().with_delay(
                priority=10,
                description=backend._job_description(
                    self.env._("Import contact %s", issue.external_id)
                ),
            ).import_contact(issue.external_id)
        return True

    def action_open_link_wizard(self):
        """Mass 'Link': one line per item, each with the partner to bind."""
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to partners"),
            "res_model": "marketing.sync.issue.link",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

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
        self.check_access("write")
        self.filtered(lambda i: i.state == "open").write({"state": "ignored"})
        return True

    def action_reopen(self):
        self.check_access("write")
        self.write({"state": "open"})
        return True


def _notification(message, kind="success"):
    """A toast after a mass action, the list reloaded under it."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "message": message,
            "type": kind,
            "next": {"type": "ir.actions.act_window_close"},
        },
    }
