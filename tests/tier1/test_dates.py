"""Tier-1 tests of ``connector_marketing_base/tools/dates.py``.

Loaded from its file path (the addon package imports Odoo).  Cases: the
offsets ActiveCampaign and Constant Contact send, a date already in UTC,
empty and unreadable values.

Run: ``python -m pytest -p no:odoo tests/tier1/test_dates.py``.
"""

import importlib.util
from datetime import datetime
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
