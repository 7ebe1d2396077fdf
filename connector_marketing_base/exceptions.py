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

A job that fails for good shows, after its message, what to do next
(:func:`operator_message`): the exception's ``operator_hint``, else the hint
of the nearest kind of failure below.
"""

import sys

from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError

#: what separates a failed job's own message from the operator's next step
HINT_SEPARATOR = "\nWhat to do: "

#: next steps of failures raised outside this module (queue_job's own)
RETRIES_SPENT_HINT = (
    "The platform kept refusing or failing (outage, rate limit, daily "
    "quota, open circuit). Check the backend's Sync health; once it is "
    "good again, select the job and Requeue it."
)
UNEXPECTED_HINT = (
    "This is not a known platform answer (a bug or a data case the "
    "connector does not handle). Read the traceback under Exception Info, "
    "fix the cause or report it with the traceback, then Requeue the job."
)


class TransientError(Exception):
    """A failure that may pass by itself: network error, timeout, 5xx, 429.

    Retried inside the job with tenacity; when the attempts are spent the job
    is postponed with ``RetryableJobError``.  ``retry_after`` is the provider's
    hint in seconds, when it gave one.  ``maybe_applied``: the request may
    have been carried out although no answer says so (timeout, 5xx), which
    forbids repeating a create blindly.
    """

    maybe_applied = True
    operator_hint = RETRIES_SPENT_HINT

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

    operator_hint = (
        "The platform refused the connector's token twice in a row. Check "
        "the credentials (or authorize again) on the backend, press Check "
        "connection, then Requeue the job."
    )


class BadDataError(Exception):
    """One record was refused by validation (ours or the provider's).

    ``code`` is a short machine code shown in the review queue (``invalid_email``,
    ``field_too_long``...), ``field`` the offending field when known.
    """

    operator_hint = (
        "The platform refused the data of a record. Correct the record "
        "(the message names the field), then Requeue the job; the Review "
        "queue lists such records when the sync could go on without them."
    )

    def __init__(self, message, code="invalid_data", field=None, payload=None):
        super().__init__(message)
        self.code = code
        self.field = field
        self.payload = payload


class ConfigurationError(FailedJobError):
    """The backend is misconfigured; retrying cannot help until a human acts."""

    operator_hint = (
        "The backend's settings (credentials, permissions, URL, an archived "
        "backend) stop the sync. Fix them on the backend form, press Check "
        "connection, then Requeue the job."
    )


class BulkRowsRefused(BadDataError):
    """A bulk request refused as a whole because of some of its rows.

    ``rows`` maps the position of each row the platform named (in the
    request as sent) to its reason: nothing was queued, and the rows it
    did not name can be sent again.
    """

    def __init__(self, message, rows, code="bulk_rows_refused"):
        super().__init__(message, code=code)
        self.rows = dict(rows)


def _exception_class(exc_name):
    """The class named ``module.Class`` by a job's ``exc_name``, if loaded."""
    module, __, name = (exc_name or "").rpartition(".")
    cls = getattr(sys.modules.get(module), name, None)
    return cls if isinstance(cls, type) else None


def operator_message(exc_name, message):
    """A failed job's message followed by what to do next.

    Idempotent: queue_job stores a job again (with the message read back)
    when it is requeued and fails anew.
    """
    message = message or ""
    if HINT_SEPARATOR in message:
        return message
    cls = _exception_class(exc_name)
    hint = getattr(cls, "operator_hint", None)
    if not hint:
        retries_spent = cls and issubclass(cls, FailedJobError | RetryableJobError)
        hint = RETRIES_SPENT_HINT if retries_spent else UNEXPECTED_HINT
    return f"{message}{HINT_SEPARATOR}{hint}"
