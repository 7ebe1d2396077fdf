# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from typing import NamedTuple

from odoo import api, fields, models


class BulkItem(NamedTuple):
    """What was sent for one email (stored as a JSON list in ``items``)."""

    binding_id: int
    export_hash: str
    payload: dict


class MarketingBulkImport(models.Model):
    """A bulk import sent to the platform and not yet fully answered.

    Bulk endpoints (ActiveCampaign's ``import/bulk_import``, Constant
    Contact's import activities) answer with an id and work in the
    background; their per-contact outcome is known later.  This record keeps
    what was sent (binding, payload hash and payload per email) so the
    follow-up job can bind the remote ids, store the hashes and turn each
    refused contact into a review item, however late the answer comes.
    The follow-up is a job that re-enqueues itself with an ``eta``: nothing
    sleeps in a worker.
    """

    _name = "marketing.bulk.import"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Bulk Import"
    _order = "id desc"
    _rec_name = "remote_id"

    remote_id = fields.Char(string="Remote import id", required=True, readonly=True)
    binding_model = fields.Char(required=True, readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
        readonly=True,
        index=True,
    )
    items = fields.Json(
        readonly=True,
        help="Per email: binding id, payload hash and payload as sent.",
    )
    contact_count = fields.Integer(readonly=True)
    polls = fields.Integer(readonly=True)
    result = fields.Text(readonly=True)

    @api.model
    def _start(self, backend, binding_model, remote_id, sent):
        """Record an import of ``sent``, the exporter's ``Outgoing`` records
        (binding, payload, digest), keyed by the binding's email."""
        return self.create(
            dict(
                self._scope_vals(backend),
                remote_id=str(remote_id),
                binding_model=binding_model,
                contact_count=len(sent),
                items={
                    binding.email_normalized: list(
                        BulkItem(binding.id, digest, payload)
                    )
                    for binding, payload, digest in sent
                },
            )
        )

    def _items(self):
        """``{email: BulkItem}`` of this import (empty once purged)."""
        self.ensure_one()
        return {email: BulkItem(*item) for email, item in (self.items or {}).items()}

    def _enqueue_follow(self, delay):
        for tracker in self:
            backend = tracker._backend()
            backend.with_delay(
                priority=20,
                eta=max(1, int(delay)),
                description=backend._job_description(
                    self.env._(
                        "Follow bulk import %(id)s (%(n)s contacts)",
                        id=tracker.remote_id,
                        n=tracker.contact_count,
                    )
                ),
            ).follow_bulk_import(tracker)
