"""Breadth and concentration: how many stocks take part, and how much the top seven weigh.

Why: a rotation out of the mega caps should show up as more members of the
S&P 500 (and of the Russell 2000, via IWM's holdings) trading above their
200-day averages, and as a falling Magnificent 7 share of the index's market
cap. Both are computed from one wide price frame per universe (fast: a rolling
mean over a few thousand columns), restricted to the names that were members
on each date.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataUnavailableError
from ..universes import MAG7, dedupe_companies


def membership_mask(index: pd.DatetimeIndex, columns, members_by_date: dict) -> pd.DataFrame:
    """Boolean frame (``index`` x ``columns``): was the name a member on that date?

    ``members_by_date`` maps dates to member lists; each list holds from its date
    until the next one. Dates before the first list use the first list (a
    holdings file describes the fund around its date; say so in the report).
    """
    cols = pd.Index(columns)
    if not members_by_date:
        return pd.DataFrame(False, index=index, columns=cols)
    keys = sorted(members_by_date)
    rows = pd.DataFrame([cols.isin(list(members_by_date[k])) for k in keys],
                        index=pd.DatetimeIndex(keys), columns=cols)
    pos = np.searchsorted(rows.index.to_numpy(), index.to_numpy(), side="right") - 1
    pos = np.clip(pos, 0, len(rows) - 1)
    return pd.DataFrame(rows.to_numpy()[pos], index=index, columns=cols)


def share_above_average(prices: pd.DataFrame, window: int = 200, mask: pd.DataFrame | None = None,
                        min_names: int = 20) -> pd.DataFrame:
    """Share of names closing above their ``window``-day moving average, per date.

    Only names with a full ``window`` of prices up to that date (and, when given,
    ``mask`` True) count. Columns ``share`` (fraction; NaN when fewer than
    ``min_names`` names qualify), ``above`` and ``eligible`` (counts).
    A missing close is not carried forward: a name must trade that day to count.
    """
    ma = prices.rolling(window, min_periods=window).mean()
    eligible = ma.notna() & prices.notna()
    if mask is not None:
        eligible &= mask.reindex(index=prices.index, columns=prices.columns, fill_value=False)
    above = (prices > ma) & eligible
    n_el = eligible.sum(axis=1)
    n_up = above.sum(axis=1)
    share = (n_up / n_el).where(n_el >= min_names)
    return pd.DataFrame({"share": share, "above": n_up, "eligible": n_el})


def mag7_cap_share(caps: pd.DataFrame, members_by_date: dict | None = None) -> pd.DataFrame:
    """Magnificent 7 market cap as a share of the S&P 500's, per cap snapshot date.

    ``caps``: long ``date, ticker, market_cap``; second share classes are removed
    so Alphabet counts once. ``members_by_date``: S&P 500 members per date (the
    list on or before each snapshot applies); without it every ticker in
    ``caps`` is summed. Returns ``date, mag7_cap, index_cap, share, members,
    with_cap`` (members with a cap in the snapshot: a low count overstates the share).
    """
    cols = ["date", "mag7_cap", "index_cap", "share", "members", "with_cap", "mag7_with_cap"]
    if caps is None or caps.empty:
        return pd.DataFrame(columns=cols)
    caps = dedupe_companies(caps)
    wide = caps.pivot_table(index="date", columns="ticker", values="market_cap", aggfunc="last")
    rows = []
    keys = sorted(members_by_date) if members_by_date else []
    for d, snap in wide.iterrows():
        if keys:
            k = [x for x in keys if x <= d]
            members = set(members_by_date[k[-1] if k else keys[0]])
        else:
            members = set(snap.dropna().index)
        members |= set(MAG7)
        c = snap.reindex(sorted(members)).dropna()
        c = c[c > 0]
        mag = c.reindex(MAG7).sum()
        rows.append({"date": d, "mag7_cap": mag, "index_cap": c.sum(),
                     "share": mag / c.sum() if c.sum() > 0 else np.nan,
                     "members": len(members), "with_cap": len(c),
                     "mag7_with_cap": int(c.reindex(MAG7).notna().sum())})
    return pd.DataFrame(rows, columns=cols)


def coverage(members_by_date: dict, priced) -> pd.DataFrame:
    """Per membership date: members, members with prices, share covered (survivor-bias check)."""
    priced = set(priced)
    rows = [{"date": d, "members": len(m), "with_prices": len(set(m) & priced)}
            for d, m in sorted(members_by_date.items())]
    out = pd.DataFrame(rows, columns=["date", "members", "with_prices"])
    out["coverage"] = out["with_prices"] / out["members"].where(out["members"] > 0)
    return out


# ---- membership lists from the data layer (the only functions here that read data) ----
def sp500_members_on(dl, dates) -> dict:
    """Point-in-time S&P 500 members on each date, replaying the change log once
    (same rule as ``DataLayer.sp500_members``; one log read instead of one per date)."""
    ch = dl.sp500_changes().sort_values("date", kind="stable")
    out = {}
    for d in dates:
        seen = ch[ch["date"] <= pd.Timestamp(d)].groupby("symbol")["action"].last()
        out[pd.Timestamp(d)] = sorted(seen[seen == "added"].index)
    return out


def sp500_members_monthly(dl, start, end) -> dict:
    """Point-in-time S&P 500 members at ``start`` and at every month end to ``end``
    (replays the change log; it lags reality around gaps in its history)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    dates = [start] + list(pd.date_range(start, end, freq="ME"))
    return sp500_members_on(dl, dict.fromkeys(dates))


def iwm_members_by_file(dl, end=None) -> dict:
    """IWM equity holdings per holdings-file date (files dated after ``end`` are left out,
    except that the earliest file stands in when none precedes ``end``)."""
    dates = dl.iwm_holdings_dates()
    if end is not None:
        early = [d for d in dates if d <= pd.Timestamp(end)]
        dates = early or dates[:1]
    return {d: sorted(set(dl.iwm_holdings(d)["ticker"].dropna())) for d in dates}


def market_caps_until(dl, end):
    """All month-end caps up to ``end``, or None when the source has none for the period
    (the snapshot's caps start in 2021-01): the concentration section then says so."""
    try:
        return dl.market_caps(None, end)
    except DataUnavailableError:
        return None
