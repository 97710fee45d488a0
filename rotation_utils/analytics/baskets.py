"""Baskets built from constituents: the Magnificent 7 and the "Other 493".

Why build them: no fund tracks "the S&P 500 minus the seven", and MAGS only
exists from 2023, so both groups are rebuilt from member prices and checked
against MAGS and RSP where those exist.

Method: a buy-and-hold basket between rebalance dates. At each rebalance date
the weights are reset (equal, or proportional to the latest month-end market
cap with Alphabet counted once); between rebalances each holding drifts with its
own price. A name whose prices stop (delisted) is held at its last price until
the next rebalance. Membership of the Other 493 is point-in-time where the
change log allows (see the data layer caveats), intersected with names that
have prices (the constituent panel is survivor-biased; coverage is reported).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..data import optional, schemas
from ..universes import MAG7, SECOND_CLASSES, dedupe_companies, other493


def _valid_span(prices: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """First and last date with a price, per column (NaT for an empty column); vectorised
    because a per-column apply costs ~0.5 s on a 600-name panel."""
    ok = prices.notna().to_numpy()
    has = ok.any(axis=0)
    idx = prices.index.to_numpy()
    first = np.where(has, idx[ok.argmax(axis=0)], np.datetime64("NaT"))
    last = np.where(has, idx[len(idx) - 1 - ok[::-1].argmax(axis=0)], np.datetime64("NaT"))
    return (
        pd.Series(pd.to_datetime(first), index=prices.columns),
        pd.Series(pd.to_datetime(last), index=prices.columns),
    )


def drifting_basket(prices: pd.DataFrame, weights: pd.DataFrame) -> pd.Series:
    """Index level (starts at 1.0) of a basket rebalanced to ``weights`` on its index dates.

    ``weights``: rows = rebalance dates, columns = tickers (NaN/0 = not held).
    Each period runs from one rebalance date's close to the next; weights of
    names without a price at the rebalance close are dropped and the rest
    renormalised.
    """
    prices = prices.sort_index()
    filled = prices.ffill()
    last_traded = _valid_span(prices)[1] if len(prices) else pd.Series(dtype="datetime64[ns]")
    dates = [d for d in weights.index.sort_values() if d <= prices.index[-1]]
    if not dates:
        return pd.Series(dtype="float64", index=prices.index[:0])
    # positions and arrays, not label slices: a monthly basket of ~500 names rebalances ~20 times per report
    index, closes, held = prices.index, filled.to_numpy(dtype="float64"), prices.notna().to_numpy()
    traded_after = last_traded.reindex(prices.columns).to_numpy()
    level = 1.0
    pieces = []
    for i, d0 in enumerate(dates):
        d1 = dates[i + 1] if i + 1 < len(dates) else index[-1]
        r0 = int(index.searchsorted(d0, side="right")) - 1
        if r0 < 0:
            continue
        t0, p0 = index[r0], closes[r0]
        w = weights.loc[d0].reindex(prices.columns).fillna(0.0).to_numpy()
        # a name still trading (priced at t0, or again after a gap) can be held; one whose
        # prices stopped before t0 (delisted) is dropped here and its weight renormalised
        alive = held[r0] | (traded_after > np.datetime64(t0))
        keep = (w > 0) & ~np.isnan(p0) & alive
        if w[keep].sum() <= 0:
            continue
        w = w[keep] / w[keep].sum()
        r1 = int(index.searchsorted(d1, side="right")) - 1
        seg = closes[r0 : r1 + 1, keep]
        value = pd.Series(np.nansum(seg / p0[keep] * w, axis=1) * level, index=index[r0 : r1 + 1])
        pieces.append(value if not pieces else value.iloc[1:])
        level = float(value.iloc[-1])
    if not pieces:
        return pd.Series(dtype="float64", index=prices.index[:0])
    out = pd.concat(pieces)
    return out[~out.index.duplicated(keep="last")]


def rebalance_dates(index: pd.DatetimeIndex, freq: str = "ME") -> list[pd.Timestamp]:
    """The first trading day of the index and the last trading day of each period."""
    if len(index) == 0:
        return []
    s = pd.Series(index, index=index)
    ends = s.groupby(index.to_period(freq.rstrip("E") or "M")).last().tolist()
    return sorted(set([index[0]] + ends[:-1]))


def equal_weights(members_by_date: dict) -> pd.DataFrame:
    """Equal weights for ``{date: [tickers]}``."""
    rows = {d: pd.Series(1.0 / len(m), index=list(m)) for d, m in members_by_date.items() if m}
    return pd.DataFrame(rows).T.sort_index()


def cap_weights(members_by_date: dict, caps: pd.DataFrame) -> pd.DataFrame:
    """Market-cap weights for ``{date: [tickers]}`` from long month-end caps.

    Uses, for each rebalance date, the latest cap snapshot on or before it;
    second share classes are removed first so a company's cap counts once.
    Members without a cap that month get no weight.
    """
    caps = dedupe_companies(caps)
    wide = (
        caps.drop_duplicates(["date", "ticker"], keep="last")
        .pivot(index="date", columns="ticker", values="market_cap")
        .sort_index()
    )
    rows = {}
    for d, members in members_by_date.items():
        snap = wide.loc[:d]
        if snap.empty:
            continue
        c = snap.iloc[-1].reindex(list(members)).dropna()
        c = c[c > 0]
        if len(c):
            rows[d] = c / c.sum()
    return pd.DataFrame(rows).T.sort_index()


def group_members(sp500_by_date: dict) -> dict:
    """Point-in-time Magnificent 7 and Other 493 membership on each date.

    Args:
        sp500_by_date: ``{date: [S&P 500 members on that date]}``.
    Returns:
        ``{"Mag 7": {date: [...]}, "Other 493": {date: [...]}}``.
    """
    mag, rest = {}, {}
    for d, members in sp500_by_date.items():
        mag[d] = [t for t in MAG7]
        rest[d] = other493(members)
    return {"Mag 7": mag, "Other 493": rest}


class GroupInputs(NamedTuple):
    """What the Mag 7 / Other 493 baskets are built from (``build_group_baskets(*inputs)``).

    Attributes:
        prices: closes of every name that is a member on some rebalance date (columns
            without any price dropped).
        sp500_by_date: S&P 500 members on each rebalance date.
        caps: long month-end market caps ``date, ticker, market_cap`` (empty when the
            source has none for the period).
        calendar: the trading days of the benchmark over the window (the rebalance calendar).
    """

    prices: pd.DataFrame
    sp500_by_date: dict
    caps: pd.DataFrame
    calendar: pd.DatetimeIndex


def load_group_inputs(dl, start, end=None, freq: str = "ME", calendar_ticker: str = "SPY") -> GroupInputs:
    """Read what :func:`build_group_baskets` needs from the data layer, in the order the
    provenance log has always shown: the calendar fund, membership, member prices, caps.

    Args:
        dl: the run's :class:`~rotation_utils.data.DataLayer`.
        start, end: the window of the baskets (end None: the latest data).
        freq: rebalance frequency (month ends).
        calendar_ticker: the fund whose trading days set the calendar.
    Returns:
        A :class:`GroupInputs`.
    """
    calendar = dl.prices([calendar_ticker], start, end).index
    sp500_by_date = {d: dl.sp500_members(on=d) for d in rebalance_dates(calendar, freq)}
    groups = group_members(sp500_by_date)
    universe = sorted({t for g in groups.values() for m in g.values() for t in m})
    px = dl.prices(universe, pd.Timestamp(calendar[0]) - pd.Timedelta(days=10), end)
    px = px.loc[:, px.notna().any()]
    # market caps start in 2021 in the snapshot: earlier windows get equal weights only
    caps, _ = optional(
        dl.market_caps, pd.Timestamp(calendar[0]) - pd.Timedelta(days=45), end, schema=schemas.MARKET_CAPS
    )
    return GroupInputs(px, sp500_by_date, caps, calendar)


def build_group_baskets(
    prices: pd.DataFrame, sp500_by_date: dict, caps: pd.DataFrame, calendar: pd.DatetimeIndex
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cap- and equal-weighted Mag 7 and Other 493 baskets, rebalanced on the dates of
    ``sp500_by_date`` (month ends from :func:`load_group_inputs`).

    Args:
        prices: member closes (columns: tickers).
        sp500_by_date: S&P 500 members on each rebalance date.
        caps: long month-end market caps (may be empty).
        calendar: the window's trading days; the levels start on its first day.
    Returns:
        ``(levels, coverage)``: ``levels`` has columns ``Mag 7 (cap)``,
        ``Mag 7 (equal)``, ``Other 493 (cap)``, ``Other 493 (equal)`` (index starting
        at 1.0); ``coverage`` lists, per rebalance date and group, the members, how
        many had prices and the share of the group's cap that had prices. Without
        any market caps for the period the ``(cap)`` columns are all NaN.
    """
    groups = group_members(sp500_by_date)
    dates = list(sp500_by_date)
    first, last = (s.dropna().to_dict() for s in _valid_span(prices))
    levels, cover = {}, []
    for name, members in groups.items():
        # priced on d: listed by d and still trading on or after d (not delisted before it)
        priced = {d: [t for t in m if t in first and first[t] <= d <= last[t]] for d, m in members.items()}
        levels[f"{name} (cap)"] = drifting_basket(prices, cap_weights(priced, caps))
        levels[f"{name} (equal)"] = drifting_basket(prices, equal_weights(priced))
        full_caps = cap_weights(members, caps)
        for d in dates:
            covered = full_caps.loc[d].reindex(priced[d]).sum() if d in full_caps.index else float("nan")
            cover.append(
                {
                    "date": d,
                    "group": name,
                    "members": len(members[d]),
                    "with_prices": len(priced[d]),
                    "cap_share_with_prices": covered,
                }
            )
    out = pd.DataFrame(levels).loc[calendar[0] :]
    return out, pd.DataFrame(cover)


__all__ = [
    "drifting_basket",
    "rebalance_dates",
    "equal_weights",
    "cap_weights",
    "group_members",
    "GroupInputs",
    "load_group_inputs",
    "build_group_baskets",
    "SECOND_CLASSES",
]
