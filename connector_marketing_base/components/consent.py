# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Opt-outs made in Odoo reach every platform; nothing ever re-subscribes.

The decision "has this person opted out" is ``res.partner.
_marketing_opted_out`` (Odoo's blacklist); the export mapper says it in
every payload (``_consent_values``).  Here: the one listener that hears an
address being blacklisted or cleared, and the one job that carries opt-outs
to a backend; a provider only says how a contact is unsubscribed (its
``consent.exporter``'s ``run``), when re-exporting is not enough.
"""

from collections import Counter

from markupsafe import Markup, escape

from odoo.tools import SQL

from odoo.addons.component.core import AbstractComponent, Component

from ..exceptions import BadDataError
from ..tools import outcomes as oc

#: bound contacts unsubscribed per job
UNSUBSCRIBE_BATCH = 500


class MarketingConsentExporter(AbstractComponent):
    """Carry the opt-outs made in Odoo to one backend.

    ``enqueue`` finds the bound contacts whose address is blacklisted and
    whose platform was not told yet (one query) and enqueues their unsubscription in
    batches; the scheduler runs it every cycle, the blacklist listener at
    once.  ``run`` unsubscribes a batch: by default through the batch export,
    whose payload already says the opt-out (``_consent_values``) in as few
    calls as the provider allows; a provider whose export cannot say it sets
    ``_unsubscribe_alone``: each contact is unsubscribed by its record
    exporter's ``unsubscribe(binding)`` (an outcome), in a savepoint of its
    own.
    """

    _name = "marketing.consent.exporter"
    _inherit = "marketing.base"
    _usage = "consent.exporter"

    #: whether each contact is unsubscribed alone (see the class)
    _unsubscribe_alone = False

    def _pending(self):
        """Ids of the bound contacts of this backend whose partner opted out
        and whose platform was not told yet (``opt_out_sent``: what the last
        accepted payload said, not a date: no race with a running export)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT b.id FROM %s b
                  JOIN res_partner p ON p.id = b.odoo_id
                  JOIN mail_blacklist bl
                    ON bl.email = p.email_normalized AND bl.active
                 WHERE b.backend_id = %s AND b.external_id IS NOT NULL
                   AND NOT COALESCE(b.opt_out_sent, false)
                 ORDER BY b.id
                """,
                SQL.identifier(self.model._table),
                self.backend_record.id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def enqueue(self):
        backend = self.backend_record
        ids = self._pending()
        for start in range(0, len(ids), UNSUBSCRIBE_BATCH):
            batch = self.model.browse(ids[start : start + UNSUBSCRIBE_BATCH])
            batch.with_delay(
                priority=10,
                description=backend._job_description(
                    self.env._("Unsubscribe %s contacts opted out in Odoo", len(batch))
                ),
            ).unsubscribe_remote()
        return self.env._("%s opted-out contacts to unsubscribe", len(ids))

    def _still_opted_out(self, bindings):
        """Bound contacts still opted out when the job runs (an entry
        lifted meanwhile changes nothing: neither way)."""
        return bindings.exists().filtered(
            lambda b: b.external_id and b.odoo_id._marketing_opted_out()
        )

    def run(self, bindings):
        bindings = self._still_opted_out(bindings)
        if self._unsubscribe_alone:
            return self._unsubscribe_each(bindings)
        if not bindings:
            return self.env._("No contact left to unsubscribe")
        return self.component(usage="batch.exporter").run(bindings)

    def _unsubscribe_each(self, bindings):
        """One call each: a refused contact files a review item, the others
        go on."""
        exporter = self.component(usage="record.exporter")
        outcomes = Counter()
        for binding in bindings:
            try:
                with self._isolated():
                    outcomes[exporter.unsubscribe(binding)] += 1
            except BadDataError as err:
                self._issue("export", err.code, str(err), record=binding)
                outcomes[oc.REVIEW] += 1
        return self.env._(
            "%(n)s contacts to unsubscribe: %(details)s",
            n=len(bindings),
            details=oc.details(outcomes),
        )


class MarketingConsentListener(Component):
    """The blacklist changes → every bound platform hears the opt-out.

    One listener for every provider.  An address blacklisted (by hand, by
    mass mailing's unsubscribe page, by an import of a remote unsubscribe)
    enqueues the opt-out job of each active backend holding a contact with
    that address; identical pending jobs fold into one.  It does not skip
    ``connector_no_export``: an unsubscribe read from one platform must
    reach the others (the platform it came from finds it already done).
    Lifting an entry changes nothing remotely, only the person can opt in
    again there: the partners' chatter says so.
    """

    _name = "marketing.consent.listener"
    _inherit = "base.connector.listener"
    _apply_on = ["mail.blacklist"]

    def on_record_create(self, record, fields=None):
        self._opted_out(record.filtered("active"))

    def on_record_write(self, record, fields=None):
        if fields and not {"active", "email"} & set(fields):
            return
        self._opted_out(record.filtered("active"))
        if not fields or "active" in fields:
            self._lifted(record.filtered(lambda entry: not entry.active))

    def on_record_unlink(self, record):
        self._lifted(record.filtered("active"))

    def _bindings(self, entries):
        """Bound contacts of these addresses, every provider."""
        emails = [email for email in entries.mapped("email") if email]
        if not emails:
            return []
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("email_normalized", "in", emails)])
        )
        found = []
        for model in partners._marketing_binding_models():
            found.append(
                model.sudo().search(
                    [("odoo_id", "in", partners.ids), ("external_id", "!=", False)]
                )
            )
        return [bindings for bindings in found if bindings]

    def _opted_out(self, entries):
        if not entries:
            return
        for bindings in self._bindings(entries):
            bindings.backend_id.filtered("active")._enqueue_opt_outs()

    def _lifted(self, entries):
        """Say in the chatter that the platforms keep the opt-out."""
        for entry in entries:
            bindings = self._bindings(entry)
            if not bindings:
                continue
            names = ", ".join(
                sorted({b.backend_id.display_name for group in bindings for b in group})
            )
            body = Markup("<p>%s</p>") % escape(
                self.env._(
                    "Removed from the blacklist in Odoo only: %(backends)s keep "
                    "this address unsubscribed. Only the person can subscribe "
                    "again there; the connector never re-subscribes anyone.",
                    backends=names,
                )
            )
            partners = self.env["res.partner"].browse()
            for group in bindings:
                partners |= group.odoo_id
            for target in (*partners.sudo(), entry.sudo()):
                target.message_post(body=body, subtype_xmlid="mail.mt_note")
