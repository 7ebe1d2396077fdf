# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from typing import NamedTuple

#: a lease lives this much longer than the HTTP timeout: a worker that dies
#: mid-call frees its concurrency slot by itself
LEASE_GRACE = 10.0


class Limits(NamedTuple):
    """A snapshot of a backend's limits: plain values, safe to use in threads."""

    key: tuple
    label: str
    calls: int
    window: float
    concurrency: int
    daily_quota: int
    lease_seconds: float
    circuit_threshold: int
    circuit_cooldown: int
    quota_timezone: str

    @classmethod
    def of(cls, backend, bucket=None):
        """Limits of the backend, or of one of its named buckets.

        A bucket is a second window some endpoints also count against (e.g.
        ActiveCampaign's 100 bulk imports per minute on top of 5 calls per
        second): its own row, keyed ``<backend model>/<bucket>``, with no
        concurrency cap, quota or circuit of its own.
        """
        if bucket:
            calls, window = backend._rate_limit_buckets()[bucket]
            return cls(
                key=(f"{backend._name}/{bucket}", backend.id),
                label=f"{backend.display_name} ({bucket})",
                calls=calls,
                window=window,
                concurrency=0,
                daily_quota=0,
                lease_seconds=(backend.request_timeout or 30.0) + LEASE_GRACE,
                circuit_threshold=0,
                circuit_cooldown=0,
                quota_timezone=backend._quota_timezone,
            )
        return cls(
            key=(backend._name, backend.id),
            label=backend.display_name,
            calls=backend.rate_limit_calls,
            window=backend.rate_limit_window or 1.0,
            concurrency=backend.rate_limit_concurrency,
            daily_quota=backend.daily_quota,
            lease_seconds=(backend.request_timeout or 30.0) + LEASE_GRACE,
            circuit_threshold=backend.circuit_threshold or 1,
            circuit_cooldown=backend.circuit_cooldown or 60,
            quota_timezone=backend._quota_timezone,
        )
