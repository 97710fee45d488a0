"""Which daily bar is final: the New York Stock Exchange calendar (``exchange-calendars``).

Why: during US trading hours Yahoo's daily series ends with today's unfinished
bar. Cached as a close it poisoned the history (the next refresh read the
final close / mid-day price as a dividend adjustment). A bar is final only
once its session has closed, holidays and early closes included, plus
``SETTLE`` for Yahoo to publish the closing prints.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

CALENDAR = "XNYS"
SETTLE = pd.Timedelta(minutes=30)


@lru_cache(maxsize=1)
def _closes() -> pd.Series:
    """Session date (naive) -> close time (UTC, naive) of the exchange calendar."""
    import exchange_calendars as xcals  # imported lazily: building the calendar takes a moment

    cal = xcals.get_calendar(CALENDAR)
    closes = cal.closes
    return pd.Series(
        closes.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(),
        index=pd.DatetimeIndex(closes.index).tz_localize(None).normalize(),
    )


def last_closed_session(now_utc) -> pd.Timestamp:
    """The latest session whose close (plus ``SETTLE``) is at or before ``now_utc`` (naive UTC).

    Returns the session date (midnight, tz-naive).
    """
    now = pd.Timestamp(now_utc)
    now = now.tz_convert("UTC").tz_localize(None) if now.tz is not None else now
    closes = _closes()
    done = closes[closes + SETTLE <= now]
    if done.empty:
        raise ValueError(f"{now} is before the first session of the {CALENDAR} calendar")
    return pd.Timestamp(done.index[-1])


def close_time(session) -> pd.Timestamp:
    """When ``session``'s bar became final: its close plus ``SETTLE`` (naive UTC)."""
    return pd.Timestamp(_closes().loc[pd.Timestamp(session).normalize()]) + SETTLE
