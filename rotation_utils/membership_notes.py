"""Membership statements and caveats computed from the dated files a run actually read.

Index membership in the data comes from dated files: the iShares IWM holdings files
(three in the snapshot: 2025-05-13, 2025-11-05, 2026-05-05) and the S&P 500 change
log (one entry per version of the list that showed a change). A sentence such as
"IWM membership comes from the holdings file of 2025-05-13" or "the change log has
a gap from 2025-08-12 to 2026-03-04" is true of one run and false of another, so
every such sentence is built here from the dates the data layer served in this run
(its provenance knows them) and the run's window, and a caveat is returned only
when it applies to that window (None otherwise).

Why one module: reports 01, 03, 05 and 06 all state membership; written once, the
file date is named the same way everywhere and no report can keep a caveat that
another window made false.
"""

from __future__ import annotations

import pandas as pd

from .dates import iso

#: provenance dataset prefix of one IWM holdings file (``iwm_holdings_2025-05-13``)
HOLDINGS_PREFIX = "iwm_holdings_"
#: a stretch of the S&P 500 change log without any entry longer than this many days
#: means versions of the list are missing (the index changes every few weeks)
CHANGE_LOG_GAP_DAYS = 180
#: the same for the stretch from the last entry to the run's as-of date: a quarterly
#: rebalance without any entry already says the log has not caught up
CHANGE_LOG_TAIL_DAYS = 90


def _day(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).normalize()


def holdings_dates_read(provenance) -> list[pd.Timestamp]:
    """Dates of the IWM holdings files served in this run (sorted), from a
    :class:`~rotation_utils.data.provenance.Provenance` or a DataLayer (its provenance)."""
    prov = getattr(provenance, "provenance", provenance)
    days = {
        r.dataset[len(HOLDINGS_PREFIX) :]
        for r in prov.records
        if r.dataset.startswith(HOLDINGS_PREFIX) and r.status != "missing"
    }
    return sorted(pd.Timestamp(d) for d in days)


def holdings_phrase(holdings_date, start=None, end=None) -> str:
    """'IWM holdings as of 2025-05-13', with where that date lies against the window when
    it matters: ', after the window end 2024-12-31' or ', 863 days after the window start
    2023-01-01' (nothing when the file lies on or before the start)."""
    h, s, e = _day(holdings_date), _day(start), _day(end)
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
    dates = sorted(_day(d) for d in dates_read if d is not None)
    if not dates:
        return None
    s, e = _day(start), _day(end)
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


def change_log_gaps(
    changes: pd.DataFrame, through=None, min_days: int = CHANGE_LOG_GAP_DAYS, tail_days: int = CHANGE_LOG_TAIL_DAYS
) -> pd.DataFrame:
    """Stretches of the S&P 500 change log with no entry for more than ``min_days`` days.

    ``changes``: ``date, symbol, action`` as the data layer serves it (read up to the
    run's as-of date). ``through``: that as-of date; a stretch of more than ``tail_days``
    from the last entry to it counts too (the log may resume only after the run's data end). Returns ``start``
    (last entry before the gap), ``end`` (next entry, or ``through``), ``days`` and
    ``open`` (True when no entry follows inside the data).
    """
    dates = pd.Series(sorted(pd.to_datetime(changes["date"]).dt.normalize().unique()))
    t = _day(through)
    rows = [
        {"start": a, "end": b, "days": (b - a).days, "open": False}
        for a, b in zip(dates[:-1], dates[1:])
        if (b - a).days > min_days
    ]
    if len(dates) and t is not None and (t - dates.iloc[-1]).days > tail_days:
        rows.append({"start": dates.iloc[-1], "end": t, "days": (t - dates.iloc[-1]).days, "open": True})
    return pd.DataFrame(rows, columns=["start", "end", "days", "open"])


def change_log_caveat(
    changes: pd.DataFrame, start=None, end=None, through=None, min_days: int = CHANGE_LOG_GAP_DAYS
) -> str | None:
    """The caveat on gaps of the S&P 500 change log that overlap ``[start, end]`` (the dates
    the report uses membership on), naming the log's dates; None when no gap overlaps."""
    gaps = change_log_gaps(changes, through if through is not None else end, min_days)
    s, e = _day(start), _day(end)
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


def change_log_lags(changes: pd.DataFrame, date_added: dict, tickers, end, min_lag_days: int = 7) -> list[str]:
    """For ``tickers`` added to the S&P 500 by ``end`` (``date_added`` from the constituents
    list): those the change log shows more than ``min_lag_days`` late, or not yet by ``end``
    ('FIX added 2025-12-22, first in the change log 2026-03-04'); an empty list otherwise."""
    e = _day(end)
    ch = changes[(changes["action"] == "added") & (pd.to_datetime(changes["date"]) <= e)]
    out = []
    for t in tickers:
        added = _day(date_added.get(t))
        if added is None or added > e:
            continue
        seen = ch.loc[ch["symbol"] == t, "date"]
        first = pd.Timestamp(seen.max()) if len(seen) else None
        if first is None:
            out.append(f"{t} added {iso(added)}, not in the change log by {iso(e)}")
        elif (first - added).days > min_lag_days:
            out.append(f"{t} added {iso(added)}, first in the change log {iso(first)}")
    return out


def change_log_lag_note(changes: pd.DataFrame, date_added: dict, tickers, end) -> str | None:
    """One caveat sentence from :func:`change_log_lags` ('The change log shows FIX late: ...'),
    or None when every listed name added by ``end`` appears in the log on time."""
    lags = change_log_lags(changes, date_added, tickers, end)
    if not lags:
        return None
    return (
        "The S&P 500 change log shows "
        + ("this addition" if len(lags) == 1 else "these additions")
        + f" late, so membership on those days is understated: {'; '.join(lags)}."
    )
