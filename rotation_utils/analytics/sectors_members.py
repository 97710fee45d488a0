"""Russell 2000 members in the sector report: suspect prints, coverage, breadth, baskets, weights.

Why a module of its own: the member sections of report 06 work on a few thousand
single-name price series from one IWM holdings file, with problems the fund prices
do not have (names listed after the start or gone before the end, bad prints that
a day later reverse). The functions here count and flag those problems, rank the
members without being fooled by them, build equal-weighted sector baskets and read
the sector weights of the holdings files. All are pure functions of frames; the
fund-level computations are in :mod:`rotation_utils.analytics.sectors`.

Conventions follow :mod:`rotation_utils.analytics.returns`: prices are adjusted
closes, returns are fractions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .baskets import drifting_basket, equal_weights, rebalance_dates
from .returns import rebase
from .sectors import full_window_returns

#: a daily move beyond SUSPECT_MOVE whose next day undoes at least SUSPECT_UNDO of it
#: (in log terms) is a suspect print. Why not the snapshot's looser "reversed by >30%":
#: that also catches genuine biotech news days (a +249% day followed by -37%).
SUSPECT_MOVE = 0.50
SUSPECT_UNDO = 0.80
#: gains are "broad" when at least this share of the members beat the index
BROAD_SHARE = 0.5


# ---- bad prints -------------------------------------------------------------
def suspect_prints(prices: pd.DataFrame, move: float = SUSPECT_MOVE, undo: float = SUSPECT_UNDO) -> pd.DataFrame:
    """Daily moves beyond ``move`` that the next day undoes by at least ``undo`` (log terms).

    These are the likely bad prints the snapshot caveats describe (e.g. -92%
    then +1050%: the price is back where it was). Returns ``ticker, date,
    move, next_move`` (simple returns); nothing is changed.
    """
    r = prices.sort_index().pct_change(fill_method=None)
    nxt = r.shift(-1)
    lr, lnxt = np.log1p(r), np.log1p(nxt)
    hit = (r.abs() > move) & (np.sign(lr) == -np.sign(lnxt)) & (lnxt.abs() >= undo * lr.abs())
    if not hit.to_numpy().any():
        return pd.DataFrame(
            {
                "ticker": pd.Series(dtype="str"),
                "date": pd.Series(dtype="datetime64[ns]"),
                "move": pd.Series(dtype="float64"),
                "next_move": pd.Series(dtype="float64"),
            }
        )
    stacked = hit.stack()
    idx = stacked[stacked].index
    out = pd.DataFrame({"date": idx.get_level_values(0), "ticker": idx.get_level_values(1)})
    out["move"] = [r.at[d, t] for d, t in idx]
    out["next_move"] = [nxt.at[d, t] for d, t in idx]
    return out[["ticker", "date", "move", "next_move"]].sort_values(["ticker", "date"]).reset_index(drop=True)


def unconfirmed_last_moves(prices: pd.DataFrame, move: float = SUSPECT_MOVE) -> list[str]:
    """Tickers whose move on the last day exceeds ``move`` (no next day to check a reversal)."""
    r = prices.sort_index().pct_change(fill_method=None)
    if len(r) < 2:
        return []
    last = r.iloc[-1]
    return sorted(last[last.abs() > move].index)


def neutralise_prints(prices: pd.DataFrame, prints: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``prices`` with each suspect print replaced by the previous close.

    Used only for a robustness view next to the figures as in the source; the
    source data are never altered.
    """
    out = prices.copy()
    for t, d in zip(prints["ticker"], prints["date"]):
        if t in out.columns:
            prev = out[t].loc[: d - pd.Timedelta(days=1)].dropna()
            out.loc[d, t] = prev.iloc[-1] if len(prev) else np.nan
    return out


# ---- members, breadth and baskets -------------------------------------------
def member_returns(prices: pd.DataFrame, start, end=None) -> pd.Series:
    """Window return per member, only for members priced on or before ``start``.

    A name listed after the start has no return over the full window, so it is
    left out (counted in coverage) instead of being measured over a shorter span.
    """
    return full_window_returns(prices, start, end).dropna()


def member_coverage(tickers, prices: pd.DataFrame, start) -> dict:
    """How many holdings have prices: over the whole window, only after the start, or none,
    and how many stop trading more than a week before the last date.

    Names without any price are mostly delisted or acquired since the file
    date, so the priced set is survivor-biased; the counts make that visible.
    """
    tickers = list(dict.fromkeys(tickers))
    priced = prices.notna()  # whole-frame masks: one pass instead of one per holding
    any_price = priced.any()
    have = [t for t in tickers if t in prices.columns and any_price[t]]
    before = priced.loc[: pd.Timestamp(start)].any()
    full = [t for t in have if before[t]]
    stopped = []
    if len(prices):
        recent = priced.loc[prices.index.max() - pd.Timedelta(days=7) :].any()
        stopped = [t for t in have if not recent[t]]  # last close more than a week before the last date
    return {
        "holdings": len(tickers),
        "with_prices": len(have),
        "full_window": len(full),
        "listed_later": len(have) - len(full),
        "no_prices": len(tickers) - len(have),
        "stopped_early": len(stopped),
        "stopped_early_tickers": sorted(stopped),
        "no_price_tickers": sorted(set(tickers) - set(have)),
    }


def members_cover_window(cov: dict, min_share: float = 0.5) -> bool:
    """True when at least ``min_share`` of the holdings are priced over the whole window.

    Why: below that, equal-weight baskets and breadth would describe a
    survivor subset, not the Russell 2000; those sections are skipped.
    """
    return cov["full_window"] >= min_share * cov["holdings"]


def breadth(returns: pd.Series, index_return: float) -> dict:
    """How broad the gains were: share of members beating the index, median member return."""
    r = returns.dropna()
    n = int(len(r))
    beat = int((r > index_return).sum())
    return {
        "members": n,
        "beat": beat,
        "share_beat": beat / n if n else np.nan,
        "median": float(r.median()) if n else np.nan,
        "index_return": index_return,
    }


def sector_breadth(returns: pd.Series, sectors: pd.Series, index_return: float) -> pd.DataFrame:
    """Per sector: members with a return, median return and share beating the index
    (sorted by that share, highest first)."""
    df = pd.DataFrame({"ret": returns}).join(sectors.rename("sector"), how="left")
    df["sector"] = df["sector"].fillna("Unknown")
    g = df.groupby("sector")["ret"]
    out = pd.DataFrame(
        {"members": g.size(), "median": g.median(), "share_beat": g.apply(lambda s: float((s > index_return).mean()))}
    )
    return out.reset_index().sort_values(["share_beat", "median"], ascending=False).reset_index(drop=True)


def leaders_laggards(
    returns: pd.Series, info: pd.DataFrame, n: int = 10, source_returns: pd.Series | None = None, flagged=()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Top and bottom ``n`` members by ``returns``, with name, sector and flags.

    ``info``: indexed by ticker with ``name`` and ``sector``. ``source_returns``
    (optional) are the returns as in the source, shown next to the ranking
    returns when those are computed with suspect prints neutralised;
    ``flagged`` lists tickers with a suspect print in the window.
    """
    r = returns.dropna().sort_values(ascending=False)
    flagged = set(flagged)

    def frame(sel: pd.Series) -> pd.DataFrame:
        out = pd.DataFrame({"Ticker": sel.index})
        out["Name"] = [str(info["name"].get(t, "")).title() for t in sel.index]
        out["Sector"] = [info["sector"].get(t, "") for t in sel.index]
        out["Return"] = sel.to_numpy()
        if source_returns is not None:
            out["Return as in source"] = source_returns.reindex(sel.index).to_numpy()
        out["Suspect print"] = ["yes" if t in flagged else "" for t in sel.index]
        return out

    return frame(r.head(n)), frame(r.tail(n).sort_values())


def sector_members(holdings: pd.DataFrame, sector: str) -> list[str]:
    """Tickers of one sector in a holdings frame (``ticker``, ``sector``), de-duplicated."""
    sel = holdings.loc[holdings["sector"] == sector, "ticker"]
    return list(dict.fromkeys(sel.astype(str)))


def equal_weight_basket(prices: pd.DataFrame, tickers, start, end=None, freq: str = "ME") -> pd.Series:
    """Equal-weighted basket of ``tickers`` from ``start``, rebalanced each period end.

    Built with the shared :func:`drifting_basket`; at each rebalance only names
    with a price that day are held (the rest join when they list). Level 1.0 at start.
    """
    cols = [t for t in dict.fromkeys(tickers) if t in prices.columns]
    if not cols:
        return pd.Series(dtype="float64")
    px = prices[cols].sort_index()
    if end is not None:
        px = px.loc[: pd.Timestamp(end)]
    before = px.loc[: pd.Timestamp(start)]
    t0 = before.index[-1] if len(before) else px.index[0]
    px = px.loc[t0:]
    dates = rebalance_dates(px.index, freq)
    first = px.notna().idxmax().where(px.notna().any())  # first priced day per name
    members = {d: first.index[first <= d].tolist() for d in dates}
    return drifting_basket(px, equal_weights(members))


def sector_weights(holdings: pd.DataFrame) -> pd.DataFrame:
    """Sector weights per holdings file, as fractions of the fund's equities.

    ``holdings`` (long) needs ``holdings_date``, ``sector``, ``weight_pct``.
    Rows: sectors sorted by the latest weight; columns: file dates (ISO); each
    column sums to 1 (cash and futures are not in the files).
    """
    w = holdings.pivot_table(
        index="sector", columns="holdings_date", values="weight_pct", aggfunc="sum", fill_value=0.0
    )
    w = w / w.sum()
    w.columns = [pd.Timestamp(c).strftime("%Y-%m-%d") for c in w.columns]
    w.columns.name = None
    return w.sort_values(w.columns[-1], ascending=False)


def member_baskets(prices: pd.DataFrame, holdings: pd.DataFrame, groups: dict, start, end, index) -> pd.DataFrame:
    """One equal-weighted basket per holdings sector (:func:`equal_weight_basket`), on ``index``.

    Args:
        prices: member closes.
        holdings: the holdings file (``ticker``, ``sector``).
        groups: holdings sector -> basket name (the column it gets); empty when the
            member prices do not cover the window (no baskets, only the index).
        start, end: the window.
        index: the dates of the frame (the fund prices' window dates).
    Returns:
        Levels from 1.0 at the start, one column per basket.
    """
    return pd.DataFrame(
        {name: equal_weight_basket(prices, sector_members(holdings, sec), start, end) for sec, name in groups.items()},
        index=index,
    )


def print_shifts(
    baskets: pd.DataFrame, clean_prices: pd.DataFrame, holdings: pd.DataFrame, groups: dict, start, end
) -> dict:
    """How much neutralising the suspect prints moves each basket's return over the window.

    Args:
        baskets: :func:`member_baskets` on the prices as in the source.
        clean_prices: the same prices with suspect prints neutralised (:func:`neutralise_prints`).
        holdings, groups, start, end: as for :func:`member_baskets`.
    Returns:
        basket name -> return with prints neutralised minus return as in the source (fractions).
    """
    robust = {
        name: equal_weight_basket(clean_prices, sector_members(holdings, sec), start, end).iloc[-1]
        for sec, name in groups.items()
    }
    return {name: robust[name] - 1 - (baskets[name].iloc[-1] - 1) for name in groups.values()}


def growth_lines(px: pd.DataFrame, funds, baskets: pd.DataFrame, base_day, end_day) -> pd.DataFrame:
    """Growth of 100 from ``base_day`` of the ``funds`` and the member ``baskets`` (gaps carried forward)."""
    return rebase(pd.concat([px.loc[base_day:end_day, list(funds)], baskets], axis=1).ffill())


@dataclass(frozen=True)
class MemberBreadth:
    """How broad the small-cap gains were, member by member.

    Attributes:
        summary: :func:`breadth` of the ranking returns (members, beat, share_beat, median, index_return).
        by_sector: :func:`sector_breadth`.
        top, bottom: :func:`leaders_laggards`.
        prints_in_window: suspect prints after the base day.
        late: tickers with an unconfirmed move beyond :data:`SUSPECT_MOVE` on the last day.
        top_mean, bottom_mean: average ranking return of the top and the bottom list.
        leader_sectors: the sectors most frequent among the top list (up to three, most first).
        broad: at least :data:`BROAD_SHARE` of the members beat the index.
    """

    summary: dict
    by_sector: pd.DataFrame
    top: pd.DataFrame
    bottom: pd.DataFrame
    prints_in_window: pd.DataFrame
    late: list
    top_mean: float
    bottom_mean: float
    leader_sectors: list
    broad: bool


def member_breadth(
    prices: pd.DataFrame,
    clean_prices: pd.DataFrame,
    prints: pd.DataFrame,
    info: pd.DataFrame,
    start,
    base_day,
    end_day,
    index_return: float,
    members_ok: bool,
    n: int = 10,
) -> MemberBreadth:
    """Breadth of the members' returns over the window against the index.

    Rankings use ``clean_prices`` (suspect prints neutralised); the returns as in the
    source are shown next to them. When the member prices do not cover the window
    (``members_ok`` False) nothing is ranked and the counts are empty.

    Args:
        prices: member closes as in the source.
        clean_prices: the same with suspect prints neutralised (up to ``end_day``).
        prints: :func:`suspect_prints` of the member closes.
        info: the holdings file indexed by ticker (``name``, ``sector``).
        start, base_day, end_day: the window start, its base close and its last day.
        index_return: the index's return over the window.
        members_ok: member prices cover the window.
        n: members in each of the top and bottom lists.
    Returns:
        A :class:`MemberBreadth`.
    """
    source = member_returns(prices, start, end_day)
    ranked = member_returns(clean_prices, start, end_day) if members_ok else source.iloc[:0]
    late = unconfirmed_last_moves(prices.loc[:end_day])
    in_window = prints[prints["date"] > base_day]
    top, bottom = leaders_laggards(ranked, info, int(n), source, flagged=set(in_window["ticker"]) | set(late))
    index_return = float(index_return)
    summary = breadth(ranked, index_return)
    return MemberBreadth(
        summary=summary,
        by_sector=sector_breadth(ranked, info["sector"], index_return),
        top=top,
        bottom=bottom,
        prints_in_window=in_window,
        late=late,
        top_mean=top["Return"].mean(),
        bottom_mean=bottom["Return"].mean(),
        leader_sectors=list(top["Sector"].value_counts().index[:3]),
        broad=bool(summary["share_beat"] >= BROAD_SHARE),
    )


def weight_change(weights: pd.DataFrame) -> pd.Series:
    """Per sector: weight in the last holdings file minus weight in the first (fractions)."""
    return weights.iloc[:, -1] - weights.iloc[:, 0]


@dataclass(frozen=True)
class WeightShift:
    """What the sector-weights table shows, picked out (see :func:`weight_shift`).

    Attributes:
        files: the holdings files' dates (ISO), oldest first.
        largest, largest_weight: the largest sector in the last file and its weight.
        up, up_change: the sector that gained the most weight and the change (None with one file).
        down, down_change: the sector that lost the most (None with one file).
        after_end: files dated after the window end.
    """

    files: list
    largest: str
    largest_weight: float
    up: str | None
    up_change: float | None
    down: str | None
    down_change: float | None
    after_end: list


def weight_shift(weights: pd.DataFrame, end=None) -> WeightShift:
    """The largest sector and the biggest gain and loss of weight from the first to the last file.

    Args:
        weights: :func:`sector_weights` (sectors sorted by the last file's weight).
        end: the window end (files after it are listed in ``after_end``).
    Returns:
        A :class:`WeightShift`.
    """
    files = list(weights.columns)
    late = [f for f in files if end is not None and pd.Timestamp(f) > pd.Timestamp(end)]
    largest, largest_weight = weights.index[0], weights.iloc[0, -1]
    if len(files) == 1:
        return WeightShift(files, largest, largest_weight, None, None, None, None, late)
    change = weight_change(weights)
    up, down = change.idxmax(), change.idxmin()
    return WeightShift(files, largest, largest_weight, up, change[up], down, change[down], late)


@dataclass(frozen=True)
class FileTiming:
    """Where the holdings file lies against the window.

    Attributes:
        date: the file's date.
        lag_days: days from the window start to the file (<= 0: on or before the start).
        window_end: the window end (None: open).
        after_end: the file is dated after the window end.
    """

    date: pd.Timestamp
    lag_days: int
    window_end: pd.Timestamp | None
    after_end: bool


def file_timing(holdings_date, start, end=None) -> FileTiming:
    """:class:`FileTiming` of the holdings file ``holdings_date`` for the window ``start``..``end``."""
    day, end = pd.Timestamp(holdings_date), None if end is None else pd.Timestamp(end)
    return FileTiming(day, (day - pd.Timestamp(start)).days, end, end is not None and day > end)
