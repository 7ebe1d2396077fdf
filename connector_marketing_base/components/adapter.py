# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import logging
from typing import NamedTuple

import requests
import tenacity

from odoo.addons.component.core import AbstractComponent
from odoo.addons.queue_job.exception import RetryableJobError

from ..exceptions import (
    BadDataError,
    ConfigurationError,
    RateLimited,
    ReauthRequired,
    TransientError,
)

_logger = logging.getLogger(__name__)


class Page(NamedTuple):
    """One page of remote records and the cursor state that follows it."""

    records: list
    state: dict
    has_more: bool


class MarketingAdapter(AbstractComponent):
    """The only place that speaks HTTP.

    Every call goes through :meth:`_call`: a slot of the shared rate limiter,
    one ``requests.Session`` per job, explicit timeouts, tenacity for transient
    errors inside the job, one re-authentication on an expired token, and the
    classification of the answer into success / retry later / re-auth / bad
    data / configuration error.  A provider adapter implements the contact
    methods below and, where its dialect differs from plain HTTP status codes,
    :meth:`_classify`.
    """

    _name = "marketing.adapter"
    _inherit = ["base.backend.adapter", "marketing.base"]
    _usage = "backend.adapter"

    #: records per write/read request the provider accepts
    batch_size = 100
    #: attempts of one call on transient errors, inside one job
    transient_attempts = 3
    #: asynchronous bulk import: used from this many contacts on (0: never)
    bulk_min = 0
    #: contacts per bulk import request
    bulk_size = 100
    #: seconds between two checks of a running bulk import, and how many
    bulk_poll_seconds = 10
    bulk_max_polls = 360
    #: key of the remote id and last-change time in a contact record
    external_key = "id"
    updated_key = "updated_at"

    # ------------------------------------------------------------------
    # contact API each provider implements
    # ------------------------------------------------------------------
    def check_connection(self):
        """Return a short text describing the account, or raise."""
        raise NotImplementedError

    def initial_state(self, full=False):
        """Cursor state of a first delta import (or of a full scan)."""
        return {}

    def search_page(self, state):
        """Return a :class:`Page` of contacts changed since ``state``."""
        raise NotImplementedError

    def fetch(self, external_id):
        raise NotImplementedError

    def upsert(self, payloads):
        """Create or update contacts; one result per payload, in order.

        A result is a dict: ``status`` (created / updated / error),
        ``external_id``, and for errors ``code`` and ``message``.
        """
        raise NotImplementedError

    def delete(self, external_id):
        """Delete one contact (its documented delete); raise on a refusal,
        ``BadDataError`` with code ``not_found`` when there is no such one."""
        raise NotImplementedError

    def is_deleted(self, record):
        """Whether ``record``, as a scan read it, is a contact the platform
        deleted (a provider whose scans return deleted contacts marked as
        such says how); those are never imported as partners."""
        return False

    def deleted_contacts(self, external_ids):
        """External ids of contacts the platform deleted, among these bound
        ones (a deletion feed may name others too), where it can tell before
        an export sends them again: an export by email would re-create them.
        By default it cannot: an empty set."""
        return set()

    def read_contact(self, external_id):
        """Everything the platform holds on one contact, as it answers
        (data-subject access requests); by default what ``fetch`` reads."""
        return self.fetch(external_id)

    def bulk_upsert(self, payloads):
        """Start an asynchronous import of ``payloads``; return its remote id."""
        raise NotImplementedError

    def bulk_status(self, remote_id, sent):
        """``(done, results)`` of a bulk import (see the bulk.import.follower)."""
        raise NotImplementedError

    def list_fields(self):
        """Custom field definitions (see ``marketing.remote.field._refresh``)."""
        raise NotImplementedError

    def create_tag(self, name):
        """Create a tag on the platform; return its remote id."""
        raise NotImplementedError

    def count(self):
        """Number of remote contacts, or None when the provider cannot tell."""
        raise NotImplementedError

    def external_id_of(self, record):
        return str(record[self.external_key])

    # ------------------------------------------------------------------
    # authentication (providers with tokens override _fetch_token)
    # ------------------------------------------------------------------
    def _auth_headers(self):
        """Headers that authenticate a call (bearer token from the store)."""
        self._current_token = (
            self.env["marketing.token"]
            .sudo()
            ._get_access_token(self.backend_record, self._fetch_token)
        )
        return {"Authorization": f"Bearer {self._current_token}"}

    def _fetch_token(self, refresh_token):
        raise NotImplementedError

    def _drop_token(self):
        token = getattr(self, "_current_token", None)
        if token:
            self.env["marketing.token"].sudo()._invalidate(self.backend_record, token)

    # ------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------
    @property
    def session(self):
        if getattr(self, "_session", None) is None:
            self._session = requests.Session()
        return self._session

    def _base_url(self):
        raise NotImplementedError

    def _timeout(self):
        """One number (connect and read): every call has a deadline."""
        return self.backend_record.request_timeout or 30.0

    def _call(self, method, path, **kwargs):
        """One logical API call; returns the classified answer (parsed body).

        ``create=True`` marks a non-idempotent call: inside the job it is
        repeated only after an answer proving nothing was applied (a 429),
        never after a timeout or a 5xx (see :meth:`_create_once`).
        """
        try:
            return self._call_with_retries(method, path, **kwargs)
        except ReauthRequired:
            # the token may have expired between our check and the call (a
            # 401 means the provider did nothing: calling again is safe)
            self._drop_token()
        try:
            return self._call_with_retries(method, path, **kwargs)
        except ReauthRequired as err:
            raise ConfigurationError(
                self.env._(
                    "%(provider)s refused our credentials twice (%(err)s). "
                    "Check the credentials of backend %(backend)s.",
                    provider=self.backend_record._provider_label,
                    err=err,
                    backend=self.backend_record.name,
                )
            ) from err

    def _call_with_retries(self, method, path, create=False, **kwargs):
        if create:
            retry = tenacity.retry_if_exception(
                lambda err: isinstance(err, TransientError) and not err.maybe_applied
            )
        else:
            retry = tenacity.retry_if_exception_type(TransientError)
        retrying = tenacity.Retrying(
            retry=retry,
            stop=tenacity.stop_after_attempt(self.transient_attempts),
            wait=tenacity.wait_random_exponential(multiplier=0.5, max=8),
            reraise=True,
            before_sleep=self._log_retry,
        )
        try:
            return retrying(self._call_once, method, path, **kwargs)
        except TransientError as err:
            raise RetryableJobError(
                self.env._(
                    "%(provider)s: %(err)s (gave up after %(n)s attempts, "
                    "the job will retry later)",
                    provider=self.backend_record._provider_label,
                    err=err,
                    n=self.transient_attempts,
                ),
                seconds=err.retry_after,
                # the provider's rate limit is a wait, like our own limiter's:
                # it never spends the job's retries (a storm of 429 made jobs
                # fail for good, their records unsent: the fault suite's 429)
                ignore_retry=isinstance(err, RateLimited),
            ) from err

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

    def _log_retry(self, retry_state):
        _logger.info(
            "%s: transient error, attempt %s: %s",
            self.backend_record.display_name,
            retry_state.attempt_number,
            retry_state.outcome.exception(),
        )

    def _call_once(self, method, path, auth=True, raw=False, bucket=None, **kwargs):
        """One HTTP request inside the limiter.

        ``bucket`` names an extra rate-limit window the endpoint also counts
        against (see ``marketing.backend._rate_limit_buckets``); its slot is
        taken first, so a full bucket never holds a slot of the main window.
        """
        throttle = self.env["marketing.throttle"].sudo()
        backend = self.backend_record
        bucket_lease = throttle._acquire(backend, bucket) if bucket else None
        try:
            return self._call_in_slot(method, path, auth, raw, bucket, **kwargs)
        finally:
            if bucket_lease:
                throttle._release(backend, bucket_lease, bucket=bucket)

    def _call_in_slot(self, method, path, auth, raw, bucket, **kwargs):
        throttle = self.env["marketing.throttle"].sudo()
        backend = self.backend_record
        lease = throttle._acquire(backend)
        healthy = None
        try:
            headers = dict(kwargs.pop("headers", None) or {})
            # an endpoint documented as slower than the rest passes its own
            timeout = kwargs.pop("timeout", None) or self._timeout()
            try:
                if auth:
                    headers.update(self._auth_headers())
                response = self.session.request(
                    method,
                    self._base_url().rstrip("/") + path,
                    headers=headers,
                    timeout=timeout,
                    stream=raw == "stream",
                    **kwargs,
                )
            except (requests.ConnectionError, requests.Timeout) as err:
                raise TransientError(
                    self.env._("%s is unreachable", backend._provider_label)
                    + f" ({type(err).__name__})"
                ) from err
            _logger.debug("%s %s -> %s", method, path, response.status_code)
            result = self._classify(response, raw=raw)
            healthy = True
            return result
        except RateLimited as err:
            if err.retry_after:
                throttle._block(backend, err.retry_after, str(err), bucket=bucket)
            raise
        except TransientError as err:
            healthy = False
            if err.retry_after:
                # a 503 with Retry-After is the provider asking to wait too
                throttle._block(backend, err.retry_after, str(err))
            raise
        except (BadDataError, ConfigurationError, ReauthRequired):
            healthy = True
            raise
        finally:
            throttle._release(backend, lease, healthy)

    def _classify(self, response, raw=False):
        """Turn an HTTP answer into a result or one of the four error kinds.

        The result is the parsed JSON body, or the text when ``raw`` (files),
        or, when ``raw == "stream"``, the response itself with its body not
        yet read (large files: see :meth:`_text_stream`).
        """
        status = response.status_code
        if status < 300:
            if raw == "stream":
                return response
            if raw:
                return response.content.decode("utf-8")
            return response.json() if response.content else None
        message = self._error_message(response)
        if status == 401:
            raise ReauthRequired(message)
        if status == 403:
            raise ConfigurationError(
                self.env._(
                    "%(provider)s denied access (%(msg)s): check the permissions "
                    "of the API user of backend %(backend)s.",
                    provider=self.backend_record._provider_label,
                    msg=message,
                    backend=self.backend_record.name,
                )
            )
        if status == 429:
            raise RateLimited(message, retry_after=self._retry_after(response))
        if status == 408 or status >= 500:
            raise TransientError(
                f"HTTP {status}: {message}", retry_after=self._retry_after(response)
            )
        if status == 404:
            raise BadDataError(message, code="not_found")
        raise BadDataError(f"HTTP {status}: {message}", code=f"http_{status}")

    @staticmethod
    def _text_stream(response):
        """The body of a streamed answer as a text file read as it arrives.

        Why not ``iter_lines``: it drops the line ends, and ``csv`` then
        joins a quoted value spanning two lines without its newline.
        """
        response.raw.decode_content = True  # gzip, if the server used it
        response.raw.auto_close = False  # urllib3: EOF, not "closed file"
        return io.TextIOWrapper(
            response.raw, encoding=response.encoding or "utf-8", newline=""
        )

    def _quota_exhausted(self, seconds, reason):
        """Postpone every job of the backend until the quota resets."""
        self.env["marketing.throttle"].sudo()._block(
            self.backend_record, seconds, reason
        )
        raise RetryableJobError(reason, seconds=max(1, int(seconds)), ignore_retry=True)

    @staticmethod
    def _retry_after(response):
        value = response.headers.get("Retry-After")
        try:
            return max(0.0, float(value)) if value else None
        except ValueError:
            return None

    @staticmethod
    def _error_message(response):
        """The provider's own words, never our request (it holds secrets)."""
        try:
            body = response.json()
        except ValueError:
            return response.text[:200] or response.reason
        if isinstance(body, dict):
            for key in ("message", "error_message", "error", "errors"):
                if body.get(key):
                    return str(body[key])[:500]
        return str(body)[:500]
