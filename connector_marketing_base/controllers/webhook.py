# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhook plumbing the provider routes reuse.

A provider controller declares its route with :func:`webhook_route` (the
route options every webhook needs) and calls
:meth:`MarketingWebhookController._accept` with the secret it received (URL
part or header) and a parser for its body format.  The controller only
authenticates, stores and enqueues: it answers in milliseconds, whatever
the platform sends.  A new delivery costs four
statements of its own (the backend's secret, the event's ``INSERT``, the
job's ``INSERT`` and the event's link to it); ``tests/bench/bench_webhooks.py``
measures it against Odoo's JSON-RPC ``create``.
"""

import hashlib
import hmac
import logging
import re

from werkzeug.exceptions import RequestEntityTooLarge

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

#: larger bodies are refused with 413 before they are read
MAX_BODY_BYTES = 256 * 1024
_SECRET_IN_PATH = re.compile(r"(/webhook/\d+/)[^/\s?\"]+")


class RedactWebhookSecrets(logging.Filter):
    """Keep secrets that travel in webhook URLs out of the request log.

    Installed on the ``werkzeug`` logger by the addon's ``post_load`` hook.
    """

    def filter(self, record):
        if record.args:
            record.args = tuple(
                _SECRET_IN_PATH.sub(r"\1***", a) if isinstance(a, str) else a
                for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _SECRET_IN_PATH.sub(r"\1***", record.msg)
        return True


def webhook_route(path):
    """The route of a provider's webhook: ``type="http"`` (platforms post
    JSON or forms, not JSON-RPC), no user, no CSRF token, no session, and
    ``max_content_length``: Odoo parses a form-encoded body before the
    controller runs, and only that route option caps it in time (werkzeug
    answers 413)."""
    return http.route(
        path,
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        max_content_length=MAX_BODY_BYTES,
    )


class WebhookRejected(Exception):
    """A body the parser cannot read: answered with 400, nothing stored."""


def body_hash(data):
    """Dedupe key for providers whose events carry no id of their own."""
    return hashlib.sha256(data).hexdigest()


class MarketingWebhookController(http.Controller):
    def _answer(self, status, message, **extra):
        return request.make_json_response(dict(extra, status=message), status=status)

    #: what a delivery reads of its backend (authenticate, then scope the
    #: event and describe its job), in the one query that finds it
    _BACKEND_FIELDS = ["active", "webhook_secret", "company_id", "name"]

    def _backend(self, backend_model, backend_id):
        """The backend, inactive ones included, with the fields a delivery
        reads already fetched: one query.  (``browse().exists()`` then a
        field costs two, the second fetching every column of the backend.)
        """
        return (
            request.env[backend_model]
            .sudo()
            .search_fetch(
                [("id", "=", backend_id), ("active", "in", [True, False])],
                self._BACKEND_FIELDS,
                limit=1,
            )
        )

    def _accept(self, backend_model, backend_id, secret, parse):
        """Authenticate, cap, parse, store (deduplicated) and enqueue.

        ``parse(data, httprequest)`` returns a list of events, each a dict
        with ``key`` (dedupe key), ``type``, ``payload`` and optionally
        ``external_id``; it raises :class:`WebhookRejected` (or ValueError)
        for garbage.
        """
        backend = self._backend(backend_model, backend_id)
        expected = (backend.webhook_secret or "") if backend else ""
        if (
            not backend
            or not backend.active
            or not expected
            or not hmac.compare_digest((secret or "").encode(), expected.encode())
        ):
            return self._answer(403, "forbidden")
        httprequest = request.httprequest
        length = httprequest.content_length
        if length is not None and length > MAX_BODY_BYTES:
            return self._answer(413, "body too large", limit=MAX_BODY_BYTES)
        httprequest.max_content_length = MAX_BODY_BYTES
        try:
            # form-encoded bodies were already parsed by Odoo (empty here):
            # their parsers read ``httprequest.form``
            data = httprequest.get_data(cache=True)
        except RequestEntityTooLarge:
            return self._answer(413, "body too large", limit=MAX_BODY_BYTES)
        try:
            events = parse(data, httprequest)
        except (WebhookRejected, ValueError, KeyError, TypeError) as err:
            _logger.info("%s: rejected webhook body: %s", backend.display_name, err)
            return self._answer(400, "malformed body", error=str(err)[:200])
        if not events:
            return self._answer(400, "no event in body")
        Event = request.env["marketing.webhook.event"].sudo()
        accepted = duplicates = 0
        for item in events:
            event, created = Event._receive(
                backend,
                item["key"],
                item.get("type"),
                item.get("payload"),
                external_id=item.get("external_id"),
            )
            if created:
                event._enqueue(backend)
                accepted += 1
            else:
                duplicates += 1
        return self._answer(200, "accepted", accepted=accepted, duplicates=duplicates)
