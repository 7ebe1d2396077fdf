"""Tier-1 tests of ``connector_marketing_base/tools/dates.py``.

Loaded from its file path (the addon package imports Odoo).  Cases: the
offsets ActiveCampaign and Constant Contact send, a date already in UTC,
empty and unreadable values.

Run: ``python -m pytest -p no:odoo tests/tier1/test_dates.py``.
"""

import importlib.util
from datetime import datetime, time
from pathlib import Path

import pytest

MODULE_PATH = (
    Path(__file__).resolve().parents[2]
    / "connector_marketing_base"
    / "tools"
    / "dates.py"
)


@pytest.fixture(scope="module")
def dates():
    spec = importlib.util.spec_from_file_location("marketing_dates", MODULE_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "value, expected",
    [
        # ActiveCampaign's documented udate (account in US Central, -05:00)
        ("2018-10-01T12:30:49-05:00", "2018-10-01 17:30:49"),
        # Constant Contact's documented updated_at (-04:00)
        ("2016-01-27T12:47:00-04:00", "2016-01-27 16:47:00"),
        # an offset east of UTC crossing midnight backwards
        ("2024-03-01T01:15:00+02:00", "2024-02-29 23:15:00"),
        ("2024-03-01T01:15:00Z", "2024-03-01 01:15:00"),
        # no offset: already UTC; fractions dropped
        ("2024-03-01 01:15:00.987", "2024-03-01 01:15:00"),
    ],
)
def test_utc_text(dates, value, expected):
    assert dates.utc_text(value) == expected


@pytest.mark.parametrize("value", [None, "", "not a date", "2024-13-45"])
def test_empty_or_unreadable_is_none(dates, value):
    assert dates.utc_text(value) is None
    assert dates.utc_naive(value) is None


def test_utc_naive_is_naive(dates):
    moment = dates.utc_naive("2016-01-27T12:47:00-04:00")
    assert moment == datetime(2016, 1, 27, 16, 47)
    assert moment.tzinfo is None


def test_other_format(dates):
    assert (
        dates.utc_text("2016-01-27T12:47:00-04:00", "%Y-%m-%dT%H:%M:%SZ")
        == "2016-01-27T16:47:00Z"
    )


def _aware(text):
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    "tz, now, at, expected",
    [
        ("UTC", "2026-03-01T23:00:00+00:00", None, 3600),
        ("UTC", "2026-03-01T00:00:00+00:00", None, 86400),
        # 22:00 in Chicago (CST, UTC-6) is 04:00 UTC: two hours to midnight
        ("America/Chicago", "2026-01-15T04:00:00+00:00", None, 7200),
        # the day clocks go forward (8 March 2026, 02:00): from 00:30 CST to
        # the next midnight (CDT) is 22.5 hours, not the 23.5 the wall clocks
        # suggest
        ("America/Chicago", "2026-03-08T06:30:00+00:00", None, 81000),
        # Marketo's first-hour rule: at 00:30 the next 01:05 is 35 min away
        ("America/Chicago", "2026-01-15T06:30:00+00:00", (1, 5), 2100),
    ],
)
def test_seconds_until_a_local_time(dates, tz, now, at, expected):
    kwargs = {"at": time(*at)} if at else {}
    assert dates.seconds_until(tz, now=_aware(now), **kwargs) == expected


def test_local_day_is_the_providers_day(dates):
    # 03:00 UTC on the 2nd is still the 1st in Chicago
    now = _aware("2026-01-02T03:00:00+00:00")
    assert dates.local_day("UTC", now).isoformat() == "2026-01-02"
    assert dates.local_day("America/Chicago", now).isoformat() == "2026-01-01"


@pytest.mark.parametrize(
    "value, expected",
    [
        # a platform's text with an offset: UTC, with Z
        ("2016-01-27T12:47:00-04:00", "2016-01-27T16:47:00Z"),
        # a naive UTC datetime (Odoo's)
        (datetime(2026, 3, 1, 8, 5, 9), "2026-03-01T08:05:09Z"),
        # unreadable text is kept, empty is None
        ("soon", "soon"),
        ("", None),
        (None, None),
    ],
)
def test_iso_z(dates, value, expected):
    assert dates.iso_z(value) == expected
