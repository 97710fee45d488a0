"""Parsing and validating user-supplied dates with one-line errors."""
from __future__ import annotations

import pandas as pd

from .errors import BadInputError


def parse_date(value, name: str = "date", allow_none: bool = True) -> pd.Timestamp | None:
    """Turn an ISO string (or date-like) into a tz-naive Timestamp.

    ``None`` and ``""`` mean "not given" and return ``None`` when ``allow_none``.
    Anything unparseable raises ``BadInputError`` naming the parameter.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise BadInputError(f"{name}: a date is required (use YYYY-MM-DD)")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise BadInputError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)") from None
    if ts is pd.NaT or pd.isna(ts):
        raise BadInputError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)")
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return ts.normalize()


def parse_window(start, end, start_name: str = "start", end_name: str = "end"):
    """Parse a (start, end) pair and check that start comes before end."""
    s = parse_date(start, start_name)
    e = parse_date(end, end_name)
    if s is not None and e is not None and s >= e:
        raise BadInputError(
            f"{start_name} {s.date()} must be before {end_name} {e.date()}"
        )
    return s, e


def iso(ts) -> str | None:
    """ISO date string of a Timestamp (or None)."""
    if ts is None or pd.isna(ts):
        return None
    return pd.Timestamp(ts).strftime("%Y-%m-%d")
