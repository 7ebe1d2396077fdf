# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Non-idempotent creates, made at most once per marker."""

import logging

from odoo.addons.component.core import AbstractComponent
from odoo.addons.queue_job.exception import RetryableJobError

from ...exceptions import BadDataError, TransientError

_logger = logging.getLogger(__name__)


class MarketingAdapterCreateOnce(AbstractComponent):
    """A ``POST`` that creates is never repeated blindly (see
    :meth:`_create_once`)."""

    _name = "marketing.adapter.create.once"

    def _create_once(self, kind, marker, create, lookup=None):
        """Run ``create()`` (a non-idempotent ``POST``) at most once per marker.

        queue_job may run a job twice and an answer may be lost after the
        provider applied the write, so a create is never repeated blindly:
        the journal (``marketing.remote.create``, own transactions) keeps
        the remote id as soon as it exists, a retried job gets it from there,
        and after a lost answer ``lookup()`` (the remote id of the record
        carrying the marker, or None) is asked before posting again.
        ``create`` must call :meth:`_call` with ``create=True`` (no blind
        retry inside the call either).
        Without ``lookup`` a lost answer becomes a review item: a person
        checks the platform (see ``create_uncertain``).
        """
        journal = self.env["marketing.remote.create"].sudo()
        backend = self.backend_record
        external_id, uncertain = journal._begin(backend, kind, marker)
        if external_id:
            return external_id
        for attempt in range(1, self.transient_attempts + 1):
            if uncertain:
                external_id = self._look_up_created(kind, marker, lookup)
                if external_id:
                    journal._settle(backend, kind, marker, external_id)
                    return external_id
            try:
                external_id = create()
            except RetryableJobError as err:
                cause = err.__cause__
                lost = isinstance(cause, TransientError) and cause.maybe_applied
                if not lost:
                    journal._forget(backend, kind, marker)
                    raise
                uncertain = True
                if attempt == self.transient_attempts:
                    raise
                _logger.info("%s: %s %s: answer lost (%s)", backend, kind, marker, err)
                continue
            except Exception:
                # a refusal (4xx) or our own error before sending: not created
                journal._forget(backend, kind, marker)
                raise
            journal._settle(backend, kind, marker, external_id)
            return external_id

    def _look_up_created(self, kind, marker, lookup):
        if lookup is None:
            raise BadDataError(
                self.env._(
                    "The creation of %(kind)s %(marker)s on %(provider)s was sent "
                    "but its answer was lost: check whether it exists there "
                    "before creating it again.",
                    kind=kind,
                    marker=marker,
                    provider=self.backend_record._provider_label,
                ),
                code="create_uncertain",
            )
        found = lookup()
        return str(found) if found else None
