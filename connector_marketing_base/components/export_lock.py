# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import struct

from odoo.tools import SQL

from odoo.addons.component.core import AbstractComponent
from odoo.addons.queue_job.exception import RetryableJobError

#: a batch of at most this many emails locks each of them; a larger one
#: locks the whole backend's export instead (PostgreSQL's lock table holds a
#: few thousand locks for all transactions together)
EMAIL_LOCKS_MAX = 1000


def lock_key(name):
    """The advisory lock key of ``name``, as connector's
    ``pg_try_advisory_lock`` computes it (a job locking the same name with
    connector's helper excludes this one)."""
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).digest()
    return struct.unpack("q", digest[:8])[0]


class MarketingExportLock(AbstractComponent):
    """The locks an export takes so two jobs never send one record at once.

    Transaction advisory locks (released at commit or rollback, nothing to
    clean up), never waited for: a job that cannot take one is postponed
    (``RetryableJobError``), the job holding it goes on.  Both the batch and
    the single-record exporters take them, so a record exported alone and
    the same record in a batch exclude each other too.
    """

    _name = "marketing.export.lock"
    _inherit = "marketing.base"

    def _export_lock_name(self):
        backend = self.backend_record
        return f"marketing-export-{backend._name}-{backend.id}"

    def _lock_emails(self, emails):
        """Transaction advisory locks on these emails, or retry the job later.

        Two jobs never upsert one person at once, and batches of different
        people never postpone each other.  A batch of up to
        :data:`EMAIL_LOCKS_MAX` emails locks each email (the key scheme of
        connector's ``advisory_lock_or_retry``) and holds the backend's
        export lock shared; a larger batch takes that lock exclusively
        instead: its emails would fill PostgreSQL's lock table.  (Stripes of
        emails, crc32 modulo 1,024, made any two batches of 300 share a
        stripe: the second one was always postponed.)
        """
        if not emails:
            return
        name = self._export_lock_name()
        if len(emails) > EMAIL_LOCKS_MAX:
            query = SQL("SELECT pg_try_advisory_xact_lock(%s)", lock_key(name))
        else:
            query = SQL(
                "SELECT pg_try_advisory_xact_lock_shared(%s) AND ("
                " SELECT bool_and(pg_try_advisory_xact_lock(k))"
                " FROM unnest(%s::bigint[]) AS k)",
                lock_key(name),
                [lock_key(f"{name}-{email}") for email in emails],
            )
        self._try_lock(
            query, self.env._("Another job is exporting one of these contacts")
        )

    def _lock_binding(self, binding):
        """Transaction advisory lock on one binding (connector's
        ``GenericExporter._lock``, without its row lock: a row lock waits
        for, and fails on, any transaction that merely wrote the binding)."""
        name = f"{self._export_lock_name()}-{binding._name}-{binding.id}"
        self._try_lock(
            SQL("SELECT pg_try_advisory_xact_lock(%s)", lock_key(name)),
            self.env._("Another job is exporting %s", binding.display_name),
        )

    def _try_lock(self, query, message):
        self.env.cr.execute(query)
        if not self.env.cr.fetchone()[0]:
            raise RetryableJobError(message, seconds=5, ignore_retry=True)
