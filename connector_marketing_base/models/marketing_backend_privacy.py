# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..exceptions import BadDataError
from .marketing_privacy import EXPORT_DESCRIPTION

#: codes meaning "no such contact": an erasure finds it already gone
GONE = ("not_found", "marketo_1004")


class MarketingBackend(models.AbstractModel):
    """Erasure at the platform, person reads, and retention of personal data."""

    _inherit = "marketing.backend"

    @api.private
    def forget_remote_contacts(self, external_ids):
        """Job: delete these contacts through the platform's documented
        delete (a data-subject erasure); a contact already gone is fine.

        It carries remote ids only: the person's email is not in the job.
        """
        self.ensure_one()
        deleted, gone = 0, 0
        with self.work_on(self._partner_binding_model) as work:
            adapter = work.component(usage="backend.adapter")
            for external_id in external_ids:
                try:
                    adapter.delete(external_id)
                    deleted += 1
                except BadDataError as err:
                    if err.code not in GONE:
                        raise
                    gone += 1
        return self.env._(
            "%(deleted)s contacts deleted, %(gone)s already gone",
            deleted=deleted,
            gone=gone,
        )

    def _remote_contacts_deleted(self, bindings, reason=None):
        """Contacts deleted on the platform: their partners stay in Odoo,
        unbound, each with a review item and a tombstone that keeps the next
        export from sending them again as new contacts until the reviewer
        decides (``action_export_again``, or ignore the item).

        Odoo is the system of record for customers: a deletion on the
        platform (a clean-up, a merge, a privacy request handled there)
        does not delete a customer, and an export by email must not quietly
        bring the contact back either.  ``reason(binding)`` is the review
        item's text (a generic one by default)."""
        self.ensure_one()
        reason = reason or self._remote_deleted_reason
        Tombstone = self.env["marketing.tombstone"].sudo()
        Issue = self.env["marketing.sync.issue"].sudo()
        for binding in bindings:
            Issue._report(
                self,
                "import",
                "remote_deleted",
                reason(binding),
                external_id=binding.external_id,
                partner=binding.odoo_id,
            )
            Tombstone._mark(
                "remote_deleted",
                self,
                external_id=binding.external_id,
                partner=binding.odoo_id,
            )
        # the partner (the _inherits parent) is not deleted with its binding
        bindings.with_context(connector_no_export=True).unlink()
        return bindings

    def _remote_deleted_reason(self, binding):
        return self.env._(
            "Contact %(id)s was deleted on %(provider)s: %(partner)s stays in "
            "Odoo, no longer linked to it, and is not sent again as a new "
            "contact until you decide: 'Send again to the platform', or ignore "
            "this item.",
            id=binding.external_id,
            provider=self._provider_label,
            partner=binding.odoo_id.display_name,
        )

    @api.private
    def import_contacts_chunk(self, chunk):
        """Job: import contacts staged in a ``marketing.import.chunk`` (the
        job carries the chunk's id, not the contacts), then drop them."""
        self.ensure_one()
        if not chunk.exists():
            return self.env._("Nothing left to import")
        result = self._import_records(chunk.records or [])
        chunk.unlink()
        return result

    @api.private
    def read_remote_contact(self, external_id):
        """What the platform holds on one contact, read through its API."""
        self.ensure_one()
        with self.work_on(self._partner_binding_model) as work:
            return work.component(usage="backend.adapter").read_contact(external_id)

    @api.private
    def cleanup_old_records(self):
        """Retention also covers personal data the records keep longer:
        payloads of failed webhook events (pending ones still have to be
        applied: an unsubscribe must not be lost), payloads of review items
        still open, and what finished bulk imports sent; export files of
        data-subject requests live one day."""
        message = super().cleanup_old_records()
        self.ensure_one()
        limit = fields.Datetime.now() - timedelta(days=self.retention_days or 30)
        purged = {
            "evt": self._purge_failed_event_payloads(limit),
            "iss": self._purge_open_issue_payloads(limit),
            "imp": self._purge_sent_bulk_rows(limit),
            "chk": self._drop_unimported_chunks(limit),
        }
        self._drop_old_privacy_exports()
        return message + self.env._(
            "; personal data purged from %(evt)s webhook events, %(iss)s "
            "review items, %(imp)s bulk imports, %(chk)s unimported chunks",
            **purged,
        )

    def _blank_old(self, model, domain, field):
        """Empty ``field`` on this backend's records of ``model`` matching
        ``domain`` that still hold it; return how many.  The records stay:
        they still say what happened, only the personal data goes."""
        records = (
            self.env[model]
            .sudo()
            .search(self._scope_domain() + domain + [(field, "!=", False)])
        )
        records.write({field: False})
        return len(records)

    def _purge_failed_event_payloads(self, limit):
        """Failed webhook events are kept for the operator, not their
        payload; pending ones are left whole (an unsubscribe must still be
        applied)."""
        return self._blank_old(
            "marketing.webhook.event",
            [("create_date", "<", limit), ("state", "=", "failed")],
            "payload",
        )

    def _purge_open_issue_payloads(self, limit):
        """A review item open for longer than the retention keeps its
        reason, not the record's data."""
        return self._blank_old(
            "marketing.sync.issue",
            [("last_seen", "<", limit), ("state", "=", "open")],
            "payload",
        )

    def _purge_sent_bulk_rows(self, limit):
        """A finished bulk import no longer needs the rows it sent."""
        return self._blank_old(
            "marketing.bulk.import",
            [("write_date", "<", limit), ("state", "in", ("done", "failed"))],
            "items",
        )

    def _drop_unimported_chunks(self, limit):
        """Staged extract chunks nobody imported within the retention are
        personal data with no further use: deleted."""
        chunks = (
            self.env["marketing.import.chunk"]
            .sudo()
            .search(self._scope_domain() + [("create_date", "<", limit)])
        )
        chunks.unlink()
        return len(chunks)

    def _drop_old_privacy_exports(self):
        """Export files of data-subject requests live one day."""
        self.env["ir.attachment"].sudo().search(
            [
                ("description", "=", EXPORT_DESCRIPTION),
                ("res_model", "=", False),
                ("create_date", "<", fields.Datetime.now() - timedelta(days=1)),
            ]
        ).unlink()


class MarketingSyncIssue(models.Model):
    _inherit = "marketing.sync.issue"

    def action_export_again(self):
        """The reviewer decides: the partner whose contact was deleted on the
        platform is sent again (as a new contact) by the next export."""
        for issue in self:
            backend = issue._backend_or_raise()
            if issue.reason_code != "remote_deleted" or not issue.partner_id:
                raise UserError(
                    self.env._(
                        "Only a contact deleted on the platform can be sent again."
                    )
                )
            self.env["marketing.tombstone"].sudo().search(
                [
                    ("kind", "=", "remote_deleted"),
                    ("backend_model", "=", backend._name),
                    ("backend_id", "=", backend.id),
                    ("partner_id", "=", issue.partner_id.id),
                ]
            ).unlink()
            issue.state = "resolved"
        return True


def _strings(value):
    """Every string inside a JSON value (a webhook body)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


class MarketingWebhookEvent(models.Model):
    _inherit = "marketing.webhook.event"

    @api.model
    def _receive(self, backend, dedupe_key, event_type, payload, external_id=None):
        """A webhook about a forgotten person is kept without its body and
        not processed: the person is not brought back by a platform's
        delivery (nor is the body stored until the retention job)."""
        emails = {text for text in _strings(payload) if "@" in text}
        if emails and self.env["marketing.tombstone"].sudo()._forgotten(emails):
            event, created = super()._receive(backend, dedupe_key, event_type, None)
            if created:
                event._mark("ignored", self.env._("About a forgotten person"))
            return event, False
        return super()._receive(
            backend, dedupe_key, event_type, payload, external_id=external_id
        )


class MarketingActivity(models.Model):
    _inherit = "marketing.activity"

    @api.model
    def _record(self, backend, vals_list):
        """Activities of forgotten people are not stored again (a platform
        may keep the activities of a contact it deleted)."""
        partners = self.env["res.partner"].browse(
            [vals["partner_id"] for vals in vals_list if vals.get("partner_id")]
        )
        email_of = {partner.id: partner.email for partner in partners}
        emails = {
            vals.get("email") or email_of.get(vals.get("partner_id")) or ""
            for vals in vals_list
        }
        forgotten = self.env["marketing.tombstone"].sudo()._forgotten(emails)
        if forgotten:
            vals_list = [
                vals
                for vals in vals_list
                if (vals.get("email") or email_of.get(vals.get("partner_id")) or "")
                not in forgotten
            ]
        return super()._record(backend, vals_list)


class ResPartner(models.Model):
    _inherit = "res.partner"

    def unlink(self):
        """A bound partner deleted in Odoo leaves a tombstone per backend
        and remote id: the next import does not bring it back."""
        Tombstone = self.env["marketing.tombstone"].sudo()
        for binding_model in self._marketing_binding_models():
            for binding in binding_model.sudo()._bindings_of(self):
                if binding.external_id:
                    Tombstone._mark(
                        "odoo_deleted",
                        binding.backend_id,
                        external_id=binding.external_id,
                        note=self.env._(
                            "Partner %(id)s deleted by %(user)s",
                            id=binding.odoo_id.id,
                            user=self.env.user.name,
                        ),
                    )
        return super().unlink()

    def action_marketing_privacy_request(self):
        """Open the data-subject request wizard for this partner."""
        self.ensure_one()
        self.env["marketing.privacy"]._check_manager()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "connector_marketing_base.action_marketing_privacy_request"
        )
        action["context"] = {"default_partner_id": self.id}
        return action
