# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The classification of an answer: a result, or one of the error kinds
(retry later, re-authenticate, bad data, configuration, quota spent)."""

from odoo.addons.component.core import AbstractComponent
from odoo.addons.queue_job.exception import RetryableJobError

from ...exceptions import (
    BadDataError,
    ConfigurationError,
    RateLimited,
    ReauthRequired,
    TransientError,
)
from ...tools.dates import seconds_until


class MarketingAdapterErrors(AbstractComponent):
    """Plain HTTP status codes, read the same for every provider.

    A provider declares how its error bodies are written
    (``error_list_key``, ``error_text_keys``) and how it answers a rate
    limit (``rate_limit_statuses``, ``rate_limit_wait``); it overrides
    :meth:`_classify` only for what its dialect says otherwise (error
    envelopes in a 200, a 429 that means the daily quota).
    """

    _name = "marketing.adapter.errors"

    #: key of the list of errors in an error body (None: the body is one
    #: error); a body that is itself a list is always read as such a list
    error_list_key = None
    #: keys of an error's text, the first one set wins
    error_text_keys = ("message", "error_message", "error", "errors")
    #: statuses other than 429 with which the provider signals its rate limit
    #: (a 5xx among them does not prove that a create was not carried out)
    rate_limit_statuses = ()
    #: seconds to wait after a rate-limit answer without ``Retry-After``
    rate_limit_wait = None

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
        if status == 429 or status in self.rate_limit_statuses:
            raise RateLimited(
                f"HTTP {status}: {message}",
                retry_after=self._retry_after(response) or self.rate_limit_wait,
                maybe_applied=status != 429,
            )
        if status == 408 or status >= 500:
            raise TransientError(
                f"HTTP {status}: {message}", retry_after=self._retry_after(response)
            )
        if status == 404:
            raise BadDataError(message, code="not_found")
        if status in (413, 414):
            # the provider's own words may be a page of HTML: ours say it
            raise BadDataError(
                self.env._(
                    "%(provider)s refused the request size (HTTP %(status)s)",
                    provider=self.backend_record._provider_label,
                    status=status,
                ),
                code=f"http_{status}",
            )
        raise BadDataError(f"HTTP {status}: {message}", code=f"http_{status}")

    def _quota_exhausted(self, seconds, reason):
        """Postpone every job of the backend until the quota resets."""
        self.env["marketing.throttle"].sudo()._block(
            self.backend_record, seconds, reason
        )
        raise RetryableJobError(reason, seconds=max(1, int(seconds)), ignore_retry=True)

    def _quota_reset_seconds(self):
        """Seconds until the provider's daily quota resets: midnight in the
        backend's quota time zone (a provider whose day ends otherwise says
        how)."""
        return seconds_until(self.backend_record._quota_timezone)

    @staticmethod
    def _retry_after(response):
        value = response.headers.get("Retry-After")
        try:
            return max(0.0, float(value)) if value else None
        except ValueError:
            return None

    @staticmethod
    def _json_body(response):
        """The parsed body of an answer, or None when it is not JSON."""
        try:
            return response.json()
        except ValueError:
            return None

    def _error_entries(self, body):
        """The errors an error body lists (see ``error_list_key``): each a
        dict; a body that lists none is one error itself."""
        if isinstance(body, dict) and self.error_list_key:
            listed = body.get(self.error_list_key)
            if isinstance(listed, list) and listed:
                body = listed
        if isinstance(body, list):
            return [entry for entry in body if isinstance(entry, dict)]
        return [body] if isinstance(body, dict) else []

    def _error_message(self, response):
        """The provider's own words, never our request (it holds secrets):
        the text of every error the body lists, joined."""
        try:
            body = response.json()
        except ValueError:
            return response.text[:200] or response.reason
        texts = [self._error_text(entry) for entry in self._error_entries(body)]
        if texts:
            return "; ".join(texts)[:500]
        return str(body)[:500]

    def _error_text(self, entry):
        for key in self.error_text_keys:
            if entry.get(key):
                return str(entry[key])
        return str(entry)
