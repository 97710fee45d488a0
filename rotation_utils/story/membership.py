"""Membership statements and caveats, worded from the facts of
:mod:`rotation_utils.analytics.membership` (the dated files a run actually read).

A sentence such as "IWM membership comes from the holdings file of 2025-05-13" or
"the change log has a gap from 2025-08-12 to 2026-03-04" is true of one run and
false of another, so each is built here from the dates the run served and the
run's window, and a caveat is returned only when it applies (None otherwise).
Reports 01, 03, 05 and 06 all state membership: written once, the file date is
named the same way everywhere.
"""

from __future__ import annotations

import pandas as pd

from ..analytics.membership import CHANGE_LOG_GAP_DAYS, Lag, change_log_gaps, change_log_lags, day
from ..dates import iso


def holdings_phrase(holdings_date, start=None, end=None) -> str:
    """'IWM holdings as of 2025-05-13', with where that date lies against the window when
    it matters: ', after the window end 2024-12-31' or ', 863 days after the window start
    2023-01-01' (nothing when the file lies on or before the start)."""
    h, s, e = day(holdings_date), day(start), day(end)
    text = f"IWM holdings as of {iso(h)}"
    if e is not None and h > e:
        return f"{text}, after the window end {iso(e)}"
    if s is not None and h > s:
        return f"{text}, {(h - s).days} days after the window start {iso(s)}"
    return text


def holdings_caveat(dates_read, start=None, end=None) -> str | None:
    """The look-ahead caveat on Russell 2000 membership, or None when it does not apply.

    It applies when a holdings file read in the run is dated after the window end (no
    file on or before the end exists in the data) or, for the earliest file read,
    after the window start (dates before it use that later file).
    """
    dates = sorted(day(d) for d in dates_read if d is not None)
    if not dates:
        return None
    s, e = day(start), day(end)
    late = [d for d in dates if e is not None and d > e]
    if late:
        return (
            f"{holdings_phrase(late[0], start, end)}: no holdings file on or before the window end is in "
            "the data, so Russell 2000 membership here is look-ahead (names that grew into the index are "
            "included, names that left it before that date are not)."
        )
    if s is not None and dates[0] > s:
        return (
            f"{holdings_phrase(dates[0], start, end)}: dates before it use that file, so membership "
            "there is look-ahead (names that grew into the index are included, names that left it are not)."
        )
    return None


def change_log_caveat(
    changes: pd.DataFrame, start=None, end=None, through=None, min_days: int = CHANGE_LOG_GAP_DAYS
) -> str | None:
    """The caveat on gaps of the S&P 500 change log that overlap ``[start, end]`` (the dates
    the report uses membership on), naming the log's dates; None when no gap overlaps."""
    gaps = change_log_gaps(changes, through if through is not None else end, min_days)
    s, e = day(start), day(end)
    if s is not None:
        gaps = gaps[gaps["end"] > s]
    if e is not None:
        gaps = gaps[gaps["start"] < e]
    if gaps.empty:
        return None
    spans = [
        f"{'after' if g.open else 'from'} {iso(g.start)} "
        + (f"to the data's end {iso(g.end)}" if g.open else f"to {iso(g.end)}")
        + f" ({g.days} days)"
        for g in gaps.itertuples()
    ]
    first, last = pd.to_datetime(changes["date"]).min(), pd.to_datetime(changes["date"]).max()
    return (
        f"S&P 500 membership replays the change log (entries {iso(first)} to {iso(last)} in this run), "
        f"which has no entry {' and '.join(spans)}: members added or removed in that span may be "
        "counted late."
    )


def lag_phrase(lag: Lag, end) -> str:
    """'FIX added 2025-12-22, first in the change log 2026-03-04', or '..., not in the change
    log by <end>' when the log has no entry for it by the window end ``end``."""
    if lag.first is None:
        return f"{lag.ticker} added {iso(lag.added)}, not in the change log by {iso(day(end))}"
    return f"{lag.ticker} added {iso(lag.added)}, first in the change log {iso(lag.first)}"


def change_log_lag_note(changes: pd.DataFrame, date_added: dict, tickers, end) -> str | None:
    """One caveat sentence from :func:`change_log_lags` ('The change log shows FIX late: ...'),
    or None when every listed name added by ``end`` appears in the log on time."""
    lags = [lag_phrase(lag, end) for lag in change_log_lags(changes, date_added, tickers, end)]
    if not lags:
        return None
    return (
        "The S&P 500 change log shows "
        + ("this addition" if len(lags) == 1 else "these additions")
        + f" late, so membership on those days is understated: {'; '.join(lags)}."
    )
