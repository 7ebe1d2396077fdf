# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib

from odoo import api, fields, models
from odoo.tools import SQL, email_normalize

from ..tools.normalize import plain_email

KINDS = [
    ("forgotten", "Person forgotten (erasure request)"),
    ("remote_deleted", "Deleted on the platform"),
    ("odoo_deleted", "Deleted in Odoo"),
]


def email_hash(email):
    """SHA-256 of the normalized email, or False for no valid email.

    The same function as PostgreSQL's ``encode(sha256(...), 'hex')`` on the
    UTF-8 text, so a query can compare partners' emails with tombstones
    without reading them into Python.
    """
    # not strict: as ``email_normalized`` of partners (first address kept)
    normalized = plain_email(email) or email_normalize(email or "", strict=False)
    if not normalized:
        return False
    return hashlib.sha256(normalized.encode()).hexdigest()


class MarketingTombstone(models.Model):
    """What the connector keeps of something it must never bring back.

    - ``forgotten``: a person erased on request; only the hash of the
      normalized email, who asked and when.  Import and export paths of
      every backend refuse a contact with that email.
    - ``remote_deleted``: a contact deleted on the platform; its partner
      stays in Odoo, unbound, and is not sent again as a new contact on
      that backend until someone decides (review item "remote_deleted").
    - ``odoo_deleted``: a bound partner deleted in Odoo; the remote contact
      (backend, external id) is not imported again as a new partner.
    """

    _name = "marketing.tombstone"
    _description = "Marketing Tombstone"
    _order = "id desc"
    _rec_name = "kind"

    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    email_hash = fields.Char(readonly=True, index=True)
    backend_model = fields.Char(readonly=True, index=True)
    backend_id = fields.Many2oneReference(
        string="Backend ID", model_field="backend_model", readonly=True
    )
    external_id = fields.Char(readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", readonly=True, index=True, ondelete="cascade"
    )
    requested_by = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )
    note = fields.Text(readonly=True)

    @api.model
    def _forget_email(self, email, note):
        """Tombstone of an erased person (one per email)."""
        digest = email_hash(email)
        existing = self.search(
            [("kind", "=", "forgotten"), ("email_hash", "=", digest)], limit=1
        )
        if existing:
            existing.note = f"{existing.note or ''}\n{note}".strip()
            return existing
        return self.create({"kind": "forgotten", "email_hash": digest, "note": note})

    @api.model
    def _forgotten(self, emails):
        """Which of these emails belong to forgotten people."""
        hashes = {e: email_hash(e) for e in emails if e}
        wanted = {h for h in hashes.values() if h}
        if not wanted:
            return set()
        found = {
            row["email_hash"]
            for row in self.search_read(
                [("kind", "=", "forgotten"), ("email_hash", "in", list(wanted))],
                ["email_hash"],
            )
        }
        return {e for e, h in hashes.items() if h in found}

    @api.model
    def _mark(self, kind, backend, external_id=None, partner=None, note=None):
        scope = [
            ("kind", "=", kind),
            ("backend_model", "=", backend._name),
            ("backend_id", "=", backend.id),
        ]
        if external_id:
            scope.append(("external_id", "=", str(external_id)))
        if partner:
            scope.append(("partner_id", "=", partner.id))
        if self.search_count(scope, limit=1):
            return self.browse()
        return self.create(
            {
                "kind": kind,
                "backend_model": backend._name,
                "backend_id": backend.id,
                "external_id": external_id and str(external_id),
                "partner_id": partner.id if partner else False,
                "note": note,
            }
        )

    @api.model
    def _not_importable(self, backend, records):
        """External ids of ``records`` (``{external id: email}``) that must
        not be imported: forgotten people, contacts deleted in Odoo."""
        blocked = set(
            self.search(
                [
                    ("kind", "=", "odoo_deleted"),
                    ("backend_model", "=", backend._name),
                    ("backend_id", "=", backend.id),
                    ("external_id", "in", [str(k) for k in records]),
                ]
            ).mapped("external_id")
        )
        forgotten = self._forgotten(set(records.values()))
        return blocked | {k for k, email in records.items() if email in forgotten}

    @api.model
    def _exportable_partner_ids(self, backend, binding_table, partner_ids):
        """``partner_ids`` without forgotten people and without partners
        whose contact was deleted on ``backend`` and that are not bound to
        it again (the review item decides)."""
        if not partner_ids:
            return []
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id FROM res_partner p
                 WHERE p.id = ANY(%(ids)s)
                   AND NOT EXISTS (
                       SELECT 1 FROM marketing_tombstone t
                        WHERE t.kind = 'forgotten' AND p.email_normalized IS NOT NULL
                          AND t.email_hash = encode(
                              sha256(convert_to(p.email_normalized, 'UTF8')), 'hex'))
                   AND NOT EXISTS (
                       SELECT 1 FROM marketing_tombstone t
                        WHERE t.kind = 'remote_deleted' AND t.partner_id = p.id
                          AND t.backend_model = %(model)s AND t.backend_id = %(bid)s
                          AND NOT EXISTS (
                              SELECT 1 FROM %(bindings)s b
                               WHERE b.odoo_id = p.id AND b.backend_id = %(bid)s))
                 ORDER BY p.id
                """,
                ids=list(partner_ids),
                model=backend._name,
                bid=backend.id,
                bindings=SQL.identifier(binding_table),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]
