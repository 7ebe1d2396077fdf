# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Provider dates read into Odoo's naive UTC.

Providers send ISO 8601 dates with the account's offset
(``2018-10-01T13:30:49-04:00``); Odoo stores naive UTC.  One reading for
every provider, so that a remote change time compares the same whichever
provider sent it.  No ``odoo`` import: tier 1 loads this file by path.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "ISO_UTC_FORMAT",
    "ODOO_FORMAT",
    "iso_utc",
    "local_day",
    "seconds_until",
    "utc_naive",
    "utc_text",
]

#: Odoo's datetime text (``fields.Datetime.to_string``), second precision
ODOO_FORMAT = "%Y-%m-%d %H:%M:%S"
#: ISO 8601 in UTC with ``Z``: how the platforms take a date-time parameter
ISO_UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_naive(value):
    """``value`` (ISO 8601 text, with or without offset) as a naive UTC
    datetime; ``None`` when empty or unreadable.  A value without offset is
    taken as UTC already."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def utc_text(value, fmt=ODOO_FORMAT):
    """``value`` as naive UTC text in ``fmt`` (Odoo's by default);
    ``None`` when empty or unreadable."""
    moment = utc_naive(value)
    return moment.strftime(fmt) if moment else None


def iso_utc(moment):
    """A naive UTC datetime (Odoo's) as a platform's date-time parameter."""
    return moment.strftime(ISO_UTC_FORMAT)


def local_day(tz_name, now=None):
    """The calendar day it is in ``tz_name`` (``now``: an aware datetime,
    default the present).  A provider's daily quota counts in its own day."""
    now = now or datetime.now(UTC)
    return now.astimezone(ZoneInfo(tz_name)).date()


def seconds_until(tz_name, at=time(), now=None):
    """Seconds from ``now`` (aware, default the present) to the next time the
    clock in ``tz_name`` shows ``at`` (default midnight): when a provider's
    daily quota resets.

    Computed in UTC: two times of one zone subtract naively, an hour off on
    the days daylight saving time starts or ends.
    """
    zone = ZoneInfo(tz_name)
    now = (now or datetime.now(UTC)).astimezone(zone)
    target = datetime.combine(now.date(), at, zone)
    if target <= now:
        target = datetime.combine(now.date() + timedelta(days=1), at, zone)
    return (target.astimezone(UTC) - now.astimezone(UTC)).total_seconds()
