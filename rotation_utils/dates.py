"""Parsing and validating user-supplied dates with one-line errors."""

from __future__ import annotations

import re

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


#: a calendar date as typed by a user: four-digit year from 1000, no time, no zone
_DAY = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}")


def parse_day(value, name: str = "date") -> pd.Timestamp | None:
    """A user-typed calendar date (``YYYY-MM-DD``) as a Timestamp; None when not given.

    Stricter than :func:`parse_date`: a time or time zone (``2024-01-01T23:30-05:00``)
    would be shifted to another day, and a year below 1000 is not zero-padded by
    ``strftime`` (``0024`` would reach a notebook as ``24-01-01``), so both are rejected.

    Args:
        value: the text given on the command line (or None).
        name: the option's name for the message.
    Returns:
        the date at midnight, or None for a blank value.
    Raises:
        BadInputError: one line naming ``name`` and the value.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    ts = parse_date(value, name)  # not a date at all: the usual message
    if not isinstance(value, str) or not _DAY.fullmatch(value.strip()):
        raise BadInputError(
            f"{name}: {value!r} is not a plain date (use YYYY-MM-DD: a day from the "
            "year 1000 on, without a time or time zone)"
        )
    return ts


def parse_window(start, end, start_name: str = "start", end_name: str = "end"):
    """Parse a (start, end) pair and check that start comes before end."""
    s = parse_date(start, start_name)
    e = parse_date(end, end_name)
    if s is not None and e is not None and s >= e:
        raise BadInputError(f"{start_name} {s.date()} must be before {end_name} {e.date()}")
    return s, e


def iso(ts) -> str | None:
    """ISO date string of a Timestamp (or None)."""
    if ts is None or pd.isna(ts):
        return None
    ts = pd.Timestamp(ts)
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"  # strftime drops the zeros of years < 1000
