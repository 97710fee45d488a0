"""Date parsing: tz-naive normalised Timestamps, one-line errors naming the parameter."""

import datetime as dt

import pandas as pd
import pytest

from rotation_utils.dates import iso, parse_date, parse_window
from rotation_utils.errors import BadInputError


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2025-03-04", "2025-03-04"),
        ("2025-03-04 15:30", "2025-03-04"),  # normalised to midnight
        (dt.date(2025, 3, 4), "2025-03-04"),
        (pd.Timestamp("2025-03-04 23:30", tz="US/Eastern"), "2025-03-05"),  # converted to UTC, then naive
    ],
)
def test_parse_date_values(value, expected):
    ts = parse_date(value)
    assert ts == pd.Timestamp(expected) and ts.tzinfo is None


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_date_blank(value):
    assert parse_date(value) is None
    with pytest.raises(BadInputError, match="start: a date is required"):
        parse_date(value, "start", allow_none=False)


@pytest.mark.parametrize("value", ["2025-02-30", "next week", "20xx-01-01", [2025]])
def test_parse_date_rejects_with_one_line_naming_parameter(value):
    with pytest.raises(BadInputError) as exc:
        parse_date(value, "event_date")
    msg = str(exc.value)
    assert msg.startswith("event_date:") and "YYYY-MM-DD" in msg and "\n" not in msg


def test_parse_window_order():
    assert parse_window("2024-01-01", "2024-12-31") == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert parse_window(None, "2024-12-31") == (None, pd.Timestamp("2024-12-31"))
    for start, end in (("2025-01-01", "2024-01-01"), ("2024-01-01", "2024-01-01")):
        with pytest.raises(BadInputError, match="must be before"):
            parse_window(start, end)
    with pytest.raises(BadInputError, match="^from 2025-01-01 must be before to"):
        parse_window("2025-01-01", "2024-01-01", start_name="from", end_name="to")


def test_iso():
    assert iso(pd.Timestamp("2024-02-29 13:00")) == "2024-02-29"
    assert iso(None) is None and iso(pd.NaT) is None
