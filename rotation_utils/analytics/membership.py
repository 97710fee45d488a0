"""Membership facts from the dated files a run actually read: which IWM holdings files
were served, where the S&P 500 change log has gaps, which additions it shows late.

Index membership comes from dated files (the iShares IWM holdings files and the
S&P 500 change log); whether a caveat about them applies depends on the run's
window, so the facts are computed here from what the data layer served and
:mod:`rotation_utils.story.membership` words them (reports 01, 03, 05 and 06).
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

#: provenance dataset prefix of one IWM holdings file (``iwm_holdings_2025-05-13``)
HOLDINGS_PREFIX = "iwm_holdings_"
#: a stretch of the S&P 500 change log without any entry longer than this many days
#: means versions of the list are missing (the index changes every few weeks)
CHANGE_LOG_GAP_DAYS = 180
#: the same for the stretch from the last entry to the run's as-of date: a quarterly
#: rebalance without any entry already says the log has not caught up
CHANGE_LOG_TAIL_DAYS = 90


def day(value) -> pd.Timestamp | None:
    """``value`` as a midnight Timestamp (None for a missing value)."""
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
    t = day(through)
    rows = [
        {"start": a, "end": b, "days": (b - a).days, "open": False}
        for a, b in zip(dates[:-1], dates[1:])
        if (b - a).days > min_days
    ]
    if len(dates) and t is not None and (t - dates.iloc[-1]).days > tail_days:
        rows.append({"start": dates.iloc[-1], "end": t, "days": (t - dates.iloc[-1]).days, "open": True})
    return pd.DataFrame(rows, columns=["start", "end", "days", "open"])


class Lag(NamedTuple):
    """An S&P 500 addition the change log shows late: the ticker, the day it was added
    (constituents list), and its first entry in the log (None when not in it by the end)."""

    ticker: str
    added: pd.Timestamp
    first: pd.Timestamp | None


def change_log_lags(changes: pd.DataFrame, date_added: dict, tickers, end, min_lag_days: int = 7) -> list[Lag]:
    """For ``tickers`` added to the S&P 500 by ``end`` (``date_added`` from the constituents
    list): those the change log shows more than ``min_lag_days`` late, or not yet by ``end``
    (an empty list when none)."""
    e = day(end)
    ch = changes[(changes["action"] == "added") & (pd.to_datetime(changes["date"]) <= e)]
    out = []
    for t in tickers:
        added = day(date_added.get(t))
        if added is None or added > e:
            continue
        seen = ch.loc[ch["symbol"] == t, "date"]
        first = pd.Timestamp(seen.max()) if len(seen) else None
        if first is None or (first - added).days > min_lag_days:
            out.append(Lag(t, added, first))
    return out
