"""Breadth and concentration: how many stocks take part, and how much the top seven weigh.

Why: a rotation out of the mega caps should show up as more members of the
S&P 500 (and of the Russell 2000, via IWM's holdings) trading above their
200-day averages, and as a falling Magnificent 7 share of the index's market
cap. Both are computed from one wide price frame per universe (fast: a rolling
mean over a few thousand columns), restricted to the names that were members
on each date.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

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
    rows = pd.DataFrame([cols.isin(list(members_by_date[k])) for k in keys], index=pd.DatetimeIndex(keys), columns=cols)
    pos = np.searchsorted(rows.index.to_numpy(), index.to_numpy(), side="right") - 1
    pos = np.clip(pos, 0, len(rows) - 1)
    return pd.DataFrame(rows.to_numpy()[pos], index=index, columns=cols)


def share_above_average(
    prices: pd.DataFrame, window: int = 200, mask: pd.DataFrame | None = None, min_names: int = 20
) -> pd.DataFrame:
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
        rows.append(
            {
                "date": d,
                "mag7_cap": mag,
                "index_cap": c.sum(),
                "share": mag / c.sum() if c.sum() > 0 else np.nan,
                "members": len(members),
                "with_cap": len(c),
                "mag7_with_cap": int(c.reindex(MAG7).notna().sum()),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def coverage(members_by_date: dict, priced) -> pd.DataFrame:
    """Per membership date: members, members with prices, share covered (survivor-bias check)."""
    priced = set(priced)
    rows = [
        {"date": d, "members": len(m), "with_prices": len(set(m) & priced)} for d, m in sorted(members_by_date.items())
    ]
    out = pd.DataFrame(rows, columns=["date", "members", "with_prices"])
    out["coverage"] = out["with_prices"] / out["members"].where(out["members"] > 0)
    return out


class BreadthGap(NamedTuple):
    """Why the breadth line of a universe is missing or starts late (``story.rotation`` words it).

    Attributes:
        universe: the universe's name.
        missing: ``members`` (none known), ``prices`` (no member priced), ``history`` (too
            few members with ``window`` days of prices on any day) or ``late`` (the first
            reading comes after the window start).
        date: the membership source's first date (``members``), the window end
            (``prices``, ``history``) or the first reading (``late``).
        priced, names: members with prices and members listed (``history``).
        window: the moving-average length in trading days.
    """

    universe: str
    missing: str
    date: pd.Timestamp | None = None
    priced: int = 0
    names: int = 0
    window: int = 200


def breadth_gap(
    universe: str,
    members_by_date: dict,
    prices: pd.DataFrame,
    share: pd.Series,
    base_day,
    last_day,
    window: int = 200,
    members_from=None,
) -> BreadthGap | None:
    """Why the breadth line of ``universe`` is missing or starts late in [base_day, last_day]
    (None when it has a reading from the window start on).

    Checks in order: no members known (``members_from``: first date of the
    membership source), no member prices, too few members with ``window`` days of
    prices on any day, a first reading later than the window start.
    """
    base_day, last_day = pd.Timestamp(base_day), pd.Timestamp(last_day)
    if not any(len(m) for m in members_by_date.values()):
        return BreadthGap(
            universe, "members", None if members_from is None else pd.Timestamp(members_from), window=window
        )
    if prices.empty or not prices.notna().any().any():
        return BreadthGap(universe, "prices", last_day, window=window)
    names = set().union(*members_by_date.values())
    priced = int(prices.reindex(columns=sorted(names)).notna().any().sum())
    s = share.loc[base_day:last_day].dropna()
    if s.empty:
        return BreadthGap(universe, "history", last_day, priced, len(names), window)
    if s.index[0] > base_day + pd.Timedelta(days=7):
        return BreadthGap(universe, "late", s.index[0], window=window)
    return None


def breadth_panel(universes: dict, window: int, base_day, last_day) -> tuple[pd.DataFrame, dict]:
    """Share of members above their ``window``-day average per universe over [base_day, last_day].

    ``universes``: name -> (members_by_date, prices, members_from). Returns the
    shares (one column per universe, fractions) and the gaps (universe -> :class:`BreadthGap`,
    from :func:`breadth_gap`) for universes the window does not cover fully.
    """
    shares, gaps = {}, {}
    for name, (members, px, members_from) in universes.items():
        mask = membership_mask(px.index, px.columns, members)
        shares[name] = share_above_average(px, window, mask)["share"]
        why = breadth_gap(name, members, px, shares[name], base_day, last_day, window, members_from)
        if why:
            gaps[name] = why
    return pd.DataFrame(shares).loc[pd.Timestamp(base_day) : pd.Timestamp(last_day)], gaps


def breadth_summary(shares: pd.DataFrame) -> pd.DataFrame:
    """Per universe: share at the start (first reading), latest, low and high (NaN without readings)."""
    first = shares.bfill().iloc[0].values if len(shares) else np.full(shares.shape[1], np.nan)
    last = shares.ffill().iloc[-1].values if len(shares) else np.full(shares.shape[1], np.nan)
    return pd.DataFrame(
        {
            "Universe": shares.columns,
            "At start": first,
            "Latest": last,
            "Low": shares.min().values,
            "High": shares.max().values,
        }
    )


# ---- named steps of the report's cells -------------------------------------------
def concentration(caps: pd.DataFrame | None, members_by_date: dict | None, last_day) -> pd.DataFrame:
    """:func:`mag7_cap_share` per month-end snapshot up to ``last_day`` (empty without caps)."""
    conc = mag7_cap_share(caps, members_by_date)
    return conc[conc["date"] <= pd.Timestamp(last_day)]


class ShareChange(NamedTuple):
    """The Magnificent 7's share of S&P 500 cap at the window start and at its end (fractions)."""

    start_share: float
    start_date: pd.Timestamp
    end_share: float
    end_date: pd.Timestamp

    @property
    def change(self) -> float:
        return self.end_share - self.start_share


def concentration_change(conc: pd.DataFrame, base_day) -> ShareChange | None:
    """The share at the last snapshot on or before ``base_day`` (the first within a month
    before it when none) and at the last snapshot; None with fewer than two snapshots
    from a month before the window start."""
    in_win = conc[conc["date"] >= pd.Timestamp(base_day) - pd.Timedelta(days=31)]
    if len(in_win) < 2:
        return None
    before = in_win[in_win["date"] <= pd.Timestamp(base_day)]
    c0 = before.iloc[-1] if len(before) else in_win.iloc[0]
    c1 = in_win.iloc[-1]
    return ShareChange(c0["share"], c0["date"], c1["share"], c1["date"])


def latest_share(conc: pd.DataFrame) -> float | None:
    """The Magnificent 7's share at the last snapshot (None without snapshots)."""
    return conc["share"].iloc[-1] if len(conc) else None


def snapshots_without_full_mag7(conc: pd.DataFrame) -> int:
    """Snapshots in which one of the seven has no market cap (the share is understated then)."""
    return int((conc["mag7_with_cap"] < len(MAG7)).sum())


class CoverageRange(NamedTuple):
    """Share of members with prices across membership dates (:func:`coverage`): lowest,
    highest and how many dates have a share (0: none with known members and prices)."""

    low: float
    high: float
    dates: int


def coverage_range(cov: pd.DataFrame) -> CoverageRange:
    """:class:`CoverageRange` of a :func:`coverage` frame."""
    c = cov["coverage"].dropna()
    return CoverageRange(c.min() if len(c) else np.nan, c.max() if len(c) else np.nan, len(c))
