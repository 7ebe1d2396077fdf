# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
import math
import time
import uuid
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

from ..tools.dates import local_day, seconds_until
from .marketing_throttle_limits import Limits

_logger = logging.getLogger(__name__)

#: a call is timed when its slot is taken and timed again when its answer
#: comes back (the provider timed it on arrival, somewhere in between);
#: this margin absorbs clock jitter on top of that
WINDOW_MARGIN_RATIO = 0.02
WINDOW_MARGIN_MIN = 0.05
#: how long to back off when all concurrency slots are taken
CONCURRENCY_BACKOFF = 0.1


class MarketingThrottle(models.Model):
    """Rate limiter, quota counter and circuit breaker of one backend.

    Odoo runs many workers on many servers: a limiter in process memory would
    let each of them spend the provider's whole budget.  This row is the
    single source of truth.  It is always read and written in its own short
    transaction under ``SELECT ... FOR UPDATE`` and timed with the database
    clock, so every process sees the same window, and a job that rolls back
    cannot give back calls it really made.

    * sliding window: the start times of the calls of the current window;
    * concurrency: leases with an expiry (a crashed worker cannot leak a slot);
    * daily quota: a counter reset at midnight of the provider's day
      (``_quota_timezone`` of the backend);
    * provider signals (429 Retry-After, quota exhausted) set ``blocked_until``
      and win over our own estimate;
    * circuit breaker: after N consecutive transient failures no call is made
      for the cooldown; the first call after it probes the provider, a success
      closes the circuit, a failure opens it again.
    """

    _name = "marketing.throttle"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Rate Limiter State"

    calls = fields.Json(readonly=True, help="Start times of the calls in window.")
    leases = fields.Json(readonly=True, help="Running calls and their expiry.")
    quota_day = fields.Date(readonly=True)
    quota_used = fields.Integer(readonly=True)
    blocked_until = fields.Datetime(readonly=True)
    blocked_reason = fields.Char(readonly=True)
    failures = fields.Integer(readonly=True)
    circuit_open_until = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "backend_uniq",
            "unique(backend_model, backend_id)",
            "One rate limiter per backend.",
        )
    ]

    # ------------------------------------------------------------------
    # own-transaction plumbing
    # ------------------------------------------------------------------
    @api.model
    def _locked_row(self, cr, key):
        """Lock (creating if needed) the row of backend ``key``; return it."""
        cr.execute(
            """
            INSERT INTO marketing_throttle
                (backend_model, backend_id, calls, leases, quota_used, failures,
                 create_date, write_date)
            VALUES (%s, %s, '[]'::jsonb, '{}'::jsonb, 0, 0,
                    now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (backend_model, backend_id) DO NOTHING
            """,
            key,
        )
        cr.execute(
            """
            SELECT id, calls, leases, quota_day, quota_used, blocked_until,
                   blocked_reason, failures, circuit_open_until,
                   extract(epoch from clock_timestamp())
              FROM marketing_throttle
             WHERE backend_model = %s AND backend_id = %s
               FOR UPDATE
            """,
            key,
        )
        row = cr.fetchone()
        keys = [
            "id",
            "calls",
            "leases",
            "quota_day",
            "quota_used",
            "blocked_until",
            "blocked_reason",
            "failures",
            "circuit_open_until",
            "now",
        ]
        state = dict(zip(keys, row, strict=True))
        state["now"] = float(state["now"])
        return state

    @api.model
    def _write_row(self, cr, state, **values):
        assignments = [
            SQL("%s = %s::jsonb", SQL.identifier(key), json.dumps(value))
            if key in ("calls", "leases")
            else SQL("%s = %s", SQL.identifier(key), value)
            for key, value in values.items()
        ]
        cr.execute(
            SQL(
                "UPDATE marketing_throttle SET %s, "
                "write_date = now() at time zone 'UTC' WHERE id = %s",
                SQL(", ").join(assignments),
                state["id"],
            )
        )

    @staticmethod
    def _epoch(dt):
        return dt.replace(tzinfo=UTC).timestamp() if dt else 0.0

    @staticmethod
    def _utc(epoch):
        return datetime.fromtimestamp(epoch, tz=UTC).replace(tzinfo=None)

    # ------------------------------------------------------------------
    # API used by the adapter
    # ------------------------------------------------------------------
    @api.model
    def _acquire(self, backend, bucket=None):
        """Take a call slot, waiting up to ``backend.max_inline_wait``.

        Returns a lease id to give back to :meth:`_release`.  When the wait
        would be longer, the job is postponed (``RetryableJobError`` with
        ``ignore_retry``: waiting for a limit is not a failure of the job).
        """
        limits = Limits.of(backend, bucket)
        deadline = time.monotonic() + (backend.max_inline_wait or 0.0)
        while True:
            lease, wait, reason = self._try_acquire(limits)
            if lease:
                return lease
            if time.monotonic() + wait > deadline:
                raise RetryableJobError(
                    reason, seconds=max(1, math.ceil(wait)), ignore_retry=True
                )
            time.sleep(wait)

    @api.model
    def _try_acquire(self, limits):
        """One attempt: ``(lease_id, 0, None)`` or ``(None, wait, reason)``.

        The refusals are checked from the hardest to the softest: an open
        circuit, the provider's own block, the daily quota, the rate window,
        the concurrency slots.
        """
        with self._own_transaction() as cr:
            state = self._locked_row(cr, limits.key)
            now = state["now"]
            calls, margin = self._recent_calls(state, limits, now)
            leases = self._live_leases(state, now)
            refusal = (
                self._circuit_refusal(state, limits, now)
                or self._block_refusal(state, now)
                or self._quota_refusal(state, limits, now)
                or self._rate_refusal(calls, margin, limits, now)
                or self._concurrency_refusal(leases, limits)
            )
            if refusal:
                return (None, *refusal)
            return self._grant(cr, state, limits, now, calls, leases), 0.0, None

    def _circuit_refusal(self, state, limits, now):
        open_until = self._epoch(state["circuit_open_until"])
        if now >= open_until:
            return None
        return (
            open_until - now,
            self.env._(
                "Circuit open after %(n)s consecutive failures of %(b)s; "
                "next attempt at %(t)s UTC",
                n=state["failures"],
                b=limits.label,
                t=state["circuit_open_until"].strftime("%H:%M:%S"),
            ),
        )

    def _block_refusal(self, state, now):
        blocked_until = self._epoch(state["blocked_until"])
        if now >= blocked_until:
            return None
        return (
            blocked_until - now,
            state["blocked_reason"] or self.env._("Provider asked to wait"),
        )

    @staticmethod
    def _quota_used(state, limits, now):
        """Calls counted on the provider's day, ``(day, count)``."""
        today = local_day(limits.quota_timezone, datetime.fromtimestamp(now, UTC))
        return today, state["quota_used"] if state["quota_day"] == today else 0

    def _quota_refusal(self, state, limits, now):
        __, quota_used = self._quota_used(state, limits, now)
        if not limits.daily_quota or quota_used < limits.daily_quota:
            return None
        return (
            seconds_until(limits.quota_timezone, now=datetime.fromtimestamp(now, UTC)),
            self.env._(
                "Daily quota of %(q)s calls used up; resumes at 00:00 (%(tz)s)",
                q=limits.daily_quota,
                tz=limits.quota_timezone,
            ),
        )

    @staticmethod
    def _recent_calls(state, limits, now):
        """Call times still inside the window (with its safety margin)."""
        window = limits.window
        margin = max(WINDOW_MARGIN_MIN, window * WINDOW_MARGIN_RATIO)
        return [t for t in state["calls"] or [] if t > now - window - margin], margin

    def _rate_refusal(self, calls, margin, limits, now):
        """``calls``: the window's call times (:meth:`_recent_calls`)."""
        if not limits.calls or len(calls) < limits.calls:
            return None
        oldest = calls[-limits.calls]
        return (
            oldest + limits.window + margin - now,
            self.env._(
                "Rate limit: %(n)s calls per %(w)s s",
                n=limits.calls,
                w=limits.window,
            ),
        )

    @staticmethod
    def _live_leases(state, now):
        return {k: v for k, v in (state["leases"] or {}).items() if v > now}

    def _concurrency_refusal(self, leases, limits):
        """``leases``: the unexpired leases (:meth:`_live_leases`)."""
        if not limits.concurrency or len(leases) < limits.concurrency:
            return None
        return (
            CONCURRENCY_BACKOFF,
            self.env._(
                "All %(n)s concurrent call slots are busy",
                n=limits.concurrency,
            ),
        )

    def _grant(self, cr, state, limits, now, calls, leases):
        """Take the slot: the call is counted, its lease recorded.

        ``calls`` and ``leases`` are the window and the live leases
        :meth:`_try_acquire` checked, extended here: read once per attempt.
        """
        today, quota_used = self._quota_used(state, limits, now)
        self.env["marketing.throttle.day"]._count_call(
            cr, limits.key, today, new_day=state["quota_day"] != today
        )
        lease = uuid.uuid4().hex
        calls.append(now)
        leases[lease] = now + limits.lease_seconds
        self._write_row(
            cr,
            state,
            calls=calls,
            leases=leases,
            quota_day=today,
            quota_used=quota_used + 1,
        )
        return lease

    @api.model
    def _release(self, backend, lease, success=None, bucket=None):
        """Give back a concurrency slot and feed the circuit breaker.

        ``success`` is True after a good answer, False after a transient
        failure (5xx, timeout), None when the answer says nothing about the
        provider's health (a 4xx for bad data).
        """
        limits = Limits.of(backend, bucket)
        with self._own_transaction() as cr:
            state = self._locked_row(cr, limits.key)
            leases = dict(state["leases"] or {})
            expiry = leases.pop(lease, None)
            values = {"leases": leases}
            if expiry is not None:
                values["calls"] = self._restamp(
                    state["calls"] or [], expiry - limits.lease_seconds, state["now"]
                )
            if success:
                values.update(failures=0, circuit_open_until=None)
            elif success is False:
                failures = state["failures"] + 1
                values["failures"] = failures
                if failures >= limits.circuit_threshold:
                    values["circuit_open_until"] = self._utc(
                        state["now"] + limits.circuit_cooldown
                    )
                    _logger.warning(
                        "%s: circuit opened for %ss after %s failures",
                        limits.label,
                        limits.circuit_cooldown,
                        failures,
                    )
            self._write_row(cr, state, **values)

    @staticmethod
    def _restamp(calls, started, ended):
        """The window's call times with the call taken at ``started`` moved
        to ``ended``: the provider counted it when it arrived, which may be
        late on a loaded machine or for a large body, but never after its
        answer came back; counting it from there keeps the next window from
        starting early (Constant Contact's 4 calls/s saw a fifth call in one
        second otherwise)."""
        if not calls:
            return calls
        index = min(range(len(calls)), key=lambda i: abs(calls[i] - started))
        if abs(calls[index] - started) > 1e-3:
            return calls
        return sorted(calls[:index] + calls[index + 1 :] + [ended])

    @api.model
    def _block(self, backend, seconds, reason, bucket=None):
        """Honour a provider signal: no call before ``seconds`` from now."""
        with self._own_transaction() as cr:
            state = self._locked_row(cr, Limits.of(backend, bucket).key)
            until = state["now"] + seconds
            if until > self._epoch(state["blocked_until"]):
                self._write_row(
                    cr, state, blocked_until=self._utc(until), blocked_reason=reason
                )
        return until

    @api.model
    def _reset(self, backend):
        with self._own_transaction() as cr:
            state = self._locked_row(cr, (backend._name, backend.id))
            self._write_row(
                cr,
                state,
                failures=0,
                circuit_open_until=None,
                blocked_until=None,
                blocked_reason=None,
            )
