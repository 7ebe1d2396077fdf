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
    """Every call goes through :meth:`_call`; a provider whose dialect
    differs from plain HTTP status codes overrides :meth:`_classify`."""

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
