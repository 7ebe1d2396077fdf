# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""HTTP calls: the limiter's slot, timeouts, retries inside the job, one
re-authentication, and the classification of the answer."""

import logging

import requests
import tenacity

from odoo.addons.component.core import AbstractComponent
from odoo.addons.queue_job.exception import RetryableJobError

from ...exceptions import (
    BadDataError,
    ConfigurationError,
    RateLimited,
    ReauthRequired,
    TransientError,
)

_logger = logging.getLogger(__name__)


class MarketingAdapterHttp(AbstractComponent):
    """Every call goes through :meth:`_call`; the answer is classified by
    ``marketing.adapter.errors`` (:meth:`_classify`)."""

    _name = "marketing.adapter.http"

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
