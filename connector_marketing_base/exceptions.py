"""Errors the adapter raises after classifying a provider answer.

Every failure of a provider call ends in one of four outcomes:

* retry later: :class:`odoo.addons.queue_job.exception.RetryableJobError`
  (rate limit, quota, 5xx, timeout, open circuit), raised as is;
* re-authenticate: :class:`ReauthRequired`, handled inside the adapter (the
  token is dropped and the call repeated once);
* bad data: :class:`BadDataError`, turned into a ``marketing.sync.issue`` by the
  importer/exporter; the job itself succeeds;
* configuration error: :class:`ConfigurationError`, the job fails with a message
  an operator can act on (wrong credentials, missing permission, bad URL).
"""

from odoo.addons.queue_job.exception import FailedJobError


class TransientError(Exception):
    """A failure that may pass by itself: network error, timeout, 5xx, 429.

    Retried inside the job with tenacity; when the attempts are spent the job
    is postponed with ``RetryableJobError``.  ``retry_after`` is the provider's
    hint in seconds, when it gave one.  ``maybe_applied``: the request may
    have been carried out although no answer says so (timeout, 5xx), which
    forbids repeating a create blindly.
    """

    maybe_applied = True

    def __init__(self, message, retry_after=None, maybe_applied=None):
        super().__init__(message)
        self.retry_after = retry_after
        if maybe_applied is not None:
            self.maybe_applied = maybe_applied


class RateLimited(TransientError):
    """The provider refused the call because of its rate limit.

    Not a sign of bad health: it does not count for the circuit breaker.
    A refusal: nothing was applied (unless the provider says it with a 5xx).
    """

    maybe_applied = False


class ReauthRequired(Exception):
    """The provider rejected the access token; a fresh one may succeed."""


class BadDataError(Exception):
    """One record was refused by validation (ours or the provider's).

    ``code`` is a short machine code shown in the review queue (``invalid_email``,
    ``field_too_long``...), ``field`` the offending field when known.
    """

    def __init__(self, message, code="invalid_data", field=None, payload=None):
        super().__init__(message)
        self.code = code
        self.field = field
        self.payload = payload


class ConfigurationError(FailedJobError):
    """The backend is misconfigured; retrying cannot help until a human acts."""


class BulkRowsRefused(BadDataError):
    """A bulk request refused as a whole because of some of its rows.

    ``rows`` maps the position of each row the platform named (in the
    request as sent) to its reason: nothing was queued, and the rows it
    did not name can be sent again.
    """

    def __init__(self, message, rows, code="bulk_rows_refused"):
        super().__init__(message, code=code)
        self.rows = dict(rows)
