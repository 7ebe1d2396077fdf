# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

import psycopg2

from odoo import fields

from odoo.addons.component.core import AbstractComponent

from ..tools import outcomes as oc


class MarketingExportBinding(AbstractComponent):
    """Bind what the platform accepted: the last step of a batch export.

    Kept apart from the sending (``marketing.batch.exporter`` inherits it)
    so each reads on its own: the remote ids and hashes of a chunk are
    written in one go, and only a chunk the platform answered with one
    contact for two of our partners is bound record by record, the second
    partner going to review.  ``_says_opt_out`` is the exporter's.
    """

    _name = "marketing.export.binding"
    _inherit = "marketing.base"

    def _bind_accepted(self, accepted, payloads):
        """Bind the remote ids of a chunk in one go; per record if that fails.

        A failure here means the platform gave two of our partners one
        contact id (it merged them by email): found out record by record.
        """
        now = fields.Datetime.now()
        try:
            with self._isolated():
                self.model._write_sync_columns(
                    {
                        binding.id: {
                            "external_id": str(result["external_id"]),
                            "export_hash": digest,
                            "sync_date": now,
                            "opt_out_sent": self._says_opt_out(
                                binding, payloads[binding.id]
                            ),
                        }
                        for binding, digest, result in accepted
                    }
                )
        except psycopg2.IntegrityError:
            self.env.invalidate_all()
            return Counter(
                self._apply_result(binding, payloads[binding.id], digest, result)
                for binding, digest, result in accepted
            )
        bindings = self.model.browse([binding.id for binding, __, __ in accepted])
        self.env["marketing.sync.issue"].sudo()._resolve(
            self.backend_record, record=bindings, directions=("export",)
        )
        return Counter(result["status"] for __, __, result in accepted)

    def _apply_result(self, binding, payload, digest, result):
        status = result["status"]
        try:
            with self._isolated():
                self.binder.bind(result["external_id"], binding)
                binding.write(
                    {
                        "export_hash": digest,
                        "sync_date": fields.Datetime.now(),
                        "opt_out_sent": self._says_opt_out(binding, payload),
                    }
                )
        except psycopg2.IntegrityError:
            self.env.invalidate_all()
            other = self.binder.to_internal(result["external_id"])
            self._issue(
                "export",
                "duplicate_remote",
                self.env._(
                    "The platform merged %(a)s into the contact of %(b)s "
                    "(remote id %(id)s): they share an email.",
                    a=binding.display_name,
                    b=other.display_name,
                    id=result["external_id"],
                ),
                record=binding,
                payload=payload,
            )
            return oc.REVIEW
        self.env["marketing.sync.issue"].sudo()._resolve(
            self.backend_record, record=binding, directions=("export",)
        )
        return status
