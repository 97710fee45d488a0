"""Sector leadership: who led the market, when, and how broad the small-cap gains were.

Why a module of its own: the articles name the sectors leading the rotation
(banks, small-cap healthcare, industrials). Testing that needs calendar-year
tables with an explicit "complete or year-to-date" flag, relative returns by
month and quarter, equal-weighted baskets of Russell 2000 members by sector,
and a leaders/laggards list that is not fooled by the known bad prints in the
small-cap price panel. Everything here is a pure function of frames, so it is
testable without the data layer.

Conventions follow :mod:`rotation_utils.analytics.returns`: prices are adjusted
closes, returns are fractions, differences of returns are percentage points. The
claim and report verdicts are in :mod:`rotation_utils.analytics.sectors_verdicts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import BadInputError, DataUnavailableError
from ..membership_notes import holdings_caveat, holdings_phrase
from ..narrative import compare, direction, listing, pct, plural, pp
from ..universes import INDUSTRY_ETFS, SECTOR_ETFS, SIZE_STYLE_ETFS
from .baskets import drifting_basket, equal_weights, rebalance_dates
from .returns import calendar_year_returns, returns_since
from .rotation import gap_note, history_gaps

#: a daily move beyond SUSPECT_MOVE whose next day undoes at least SUSPECT_UNDO of it
#: (in log terms) is a suspect print. Why not the snapshot's looser "reversed by >30%":
#: that also catches genuine biotech news days (a +249% day followed by -37%).
SUSPECT_MOVE = 0.50
SUSPECT_UNDO = 0.80

#: display names of every fund the report can chart (sector, industry, size/style ETFs)
ETF_LABELS = {**SECTOR_ETFS, **INDUSTRY_ETFS, **SIZE_STYLE_ETFS}
#: source line of the price charts' footnotes
PRICE_SOURCE = "adjusted closes (Yahoo style) via the rotation_utils data layer"


def sector_set(sectors, *always) -> list[str]:
    """The requested tickers as a clean, de-duplicated list (plus ``always``, appended).

    A string is accepted as one ticker; an empty list is a one-line error.
    """
    if isinstance(sectors, str):
        sectors = [sectors]
    try:
        out = [str(t).strip().upper() for t in sectors if str(t).strip()]
    except TypeError:
        raise BadInputError(f"sectors: expected a list of tickers, got {sectors!r}") from None
    if not out:
        raise BadInputError("sectors: the list is empty")
    return list(dict.fromkeys(out + [str(t).upper() for t in always]))


# ---- calendar years ---------------------------------------------------------
def last_trading_day_of_year(year: int) -> pd.Timestamp:
    """Last weekday of ``year`` (the US market never closes on a weekday 31 December)."""
    return pd.offsets.BYearEnd().rollforward(pd.Timestamp(year, 1, 1))


def year_is_complete(year: int, last_date) -> bool:
    """True when the data reach the last trading day of ``year``."""
    return pd.Timestamp(last_date) >= last_trading_day_of_year(year)


def calendar_table(prices: pd.DataFrame, first_year: int, end=None) -> tuple[pd.DataFrame, pd.Series]:
    """Calendar-year returns from ``first_year`` to the year of ``end``, and a completeness flag.

    Returns ``(returns, complete)``: ``returns`` has one row per year (index
    ``year``) and one column per ticker; ``complete`` is a boolean Series per
    year (False for the last year when the data stop before its last trading
    day: that row is year to date). A year's base is the previous year-end close,
    so ``prices`` must start before ``first_year``; a ticker's first year of
    trading (no prior year-end close) is left NaN rather than shown as a partial year.
    """
    px = prices.sort_index()
    if end is not None:
        px = px.loc[: pd.Timestamp(end)]
    px = px.loc[:, px.notna().any()]
    if px.empty:
        return pd.DataFrame(index=pd.Index([], name="year"), dtype="float64"), pd.Series(dtype=bool)
    if px.index[0].year >= first_year:
        raise BadInputError(
            f"calendar_table: prices must start before {first_year} "
            f"(first date {px.index[0]:%Y-%m-%d}) to give {first_year} a base"
        )
    years = calendar_year_returns(px)
    first_seen = px.apply(lambda c: c.first_valid_index())
    for t, day in first_seen.items():  # listing year: no prior year-end close
        if day.year in years.index and day > px.index[0]:
            years.loc[day.year, t] = np.nan
    years = years.loc[first_year:]
    last = px.index.max()
    complete = pd.Series({y: year_is_complete(y, last) for y in years.index}, dtype=bool)
    complete.index.name = "year"
    return years, complete


def year_labels(complete: pd.Series) -> list[str]:
    """'2024' for complete years, '2026 YTD' for the year still running."""
    return [str(y) if ok else f"{y} YTD" for y, ok in complete.items()]


# ---- relative returns by period ---------------------------------------------
def period_returns(prices: pd.DataFrame, start, end=None, freq: str = "ME") -> pd.DataFrame:
    """Returns per calendar period (``"ME"`` months, ``"QE"`` quarters) inside the window.

    The first period is measured from the last close on or before ``start``
    (so it may be partial); the last from the previous period end to ``end``.
    Index: a PeriodIndex (``M`` or ``Q``).
    """
    px = prices.sort_index()
    end = px.index.max() if end is None else pd.Timestamp(end)
    px = px.loc[:end]
    start = pd.Timestamp(start)
    before = px.loc[:start]
    base = before.iloc[[-1]] if len(before) else px.iloc[[0]]
    inside = px.loc[px.index > base.index[0]]
    if inside.empty:
        return pd.DataFrame(columns=px.columns, dtype="float64")
    ends = inside.resample(freq).last()
    levels = pd.concat([base, ends])
    out = levels.pct_change(fill_method=None).iloc[1:]
    out.index = ends.index.to_period(freq.rstrip("E") or "M")
    out.index.name = "period"
    return out


def relative_to(returns: pd.DataFrame, benchmark: str) -> pd.DataFrame:
    """Each column's return minus the benchmark's in the same period (pp as fractions)."""
    if benchmark not in returns.columns:
        raise BadInputError(f"benchmark {benchmark!r} is not among the loaded prices")
    return returns.drop(columns=benchmark).sub(returns[benchmark], axis=0)


def leaders_by_period(relative: pd.DataFrame) -> pd.DataFrame:
    """Per period: the column with the highest and the lowest relative return."""
    rel = relative.dropna(how="all")
    if rel.empty:
        return pd.DataFrame(columns=["period", "leader", "leader_rel", "laggard", "laggard_rel"])
    out = pd.DataFrame(
        {
            "period": rel.index.astype(str),
            "leader": rel.idxmax(axis=1).to_numpy(),
            "leader_rel": rel.max(axis=1).to_numpy(),
            "laggard": rel.idxmin(axis=1).to_numpy(),
            "laggard_rel": rel.min(axis=1).to_numpy(),
        }
    )
    return out


def leadership_changes(leaders: pd.DataFrame) -> int:
    """How many times the leading column changed from one period to the next."""
    lead = leaders["leader"].tolist()
    return int(sum(a != b for a, b in zip(lead, lead[1:])))


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


def member_caveats(cov: dict, holdings_date, start, prints: pd.DataFrame, late, end=None) -> list[str]:
    """Computed caveat sentences on the member universe: point-in-time, survivors, bad prints.

    ``cov`` comes from :func:`member_coverage`; ``prints`` are the suspect prints
    inside the window and ``late`` the unconfirmed last-day moves. The membership
    sentence names the holdings file and says whether it lies after the window start
    or even after the window end ``end`` (:func:`rotation_utils.membership_notes.holdings_caveat`).
    """
    look_ahead = holdings_caveat([holdings_date], start, end)
    member = (
        "Membership (baskets and breadth): " + look_ahead
        if look_ahead
        else f"Membership: {holdings_phrase(holdings_date)}, on or before the start (point-in-time)."
    )
    tail = (
        ". Every priced member still trades on the last date: the price panel holds survivors only."
        if cov["stopped_early"] == 0
        else f"; {cov['stopped_early']} stop trading early (held at their last price)."
    )
    survivors = (
        f"Survivor bias: {cov['no_prices']} of {cov['holdings']} holdings have no prices in this "
        f"window (mostly delisted or acquired names) and {cov['listed_later']} listed after the "
        f"start; neither is in the breadth figures{tail}"
    )
    names = sorted(set(prints["ticker"]))
    bad = (
        f"Suspect prints: {len(prints)} in the window ({listing(names[:8])}"
        f"{' ...' if len(names) > 8 else ''}); {len(late)} unconfirmed moves beyond "
        f"{SUSPECT_MOVE:.0%} on the last day ({listing(list(late)[:8])}). They are flagged in the "
        "tables, not deleted."
    )
    return [member, survivors, bad]


# ---- coverage: funds the window predates ------------------------------------
def covered(tickers, gaps: dict) -> list[str]:
    """``tickers`` without a gap (from :func:`history_gaps`): those priced from the window start."""
    return [t for t in dict.fromkeys(tickers) if t not in gaps]


def full_window_returns(prices: pd.DataFrame, start, end=None) -> pd.Series:
    """Return over [start, end] per column, NaN for a column with no close on or before ``start``.

    Why: a fund listed inside the window would otherwise be measured from its first
    close and ranked on a shorter span than the others.
    """
    return returns_since(prices, start, end, full_window=True)


def versus_benchmarks(growth: pd.DataFrame, benchmarks) -> pd.DataFrame:
    """Return over the window of each growth line (rebased to 100) minus each benchmark's.

    Rows: the non-benchmark lines, highest return first (``Series, Return, minus <b>``);
    a benchmark missing from ``growth`` leaves its column NaN instead of failing.
    """
    last = (growth.iloc[-1] / 100 - 1) if len(growth) else pd.Series(np.nan, index=growth.columns)
    g = last.rename("Return").to_frame()
    for b in benchmarks:
        g[f"minus {b}"] = g["Return"] - (g.loc[b, "Return"] if b in g.index else np.nan)
    g = g.drop(index=[b for b in benchmarks if b in g.index])
    return g.sort_values("Return", ascending=False).rename_axis("Series").reset_index()


__all__ = [
    "covered",
    "full_window_returns",
    "versus_benchmarks",
    "history_gaps",
    "gap_note",
    "SUSPECT_MOVE",
    "SUSPECT_UNDO",
    "last_trading_day_of_year",
    "year_is_complete",
    "calendar_table",
    "year_labels",
    "period_returns",
    "relative_to",
    "leaders_by_period",
    "leadership_changes",
    "suspect_prints",
    "unconfirmed_last_moves",
    "neutralise_prints",
    "sector_set",
    "member_coverage",
    "member_returns",
    "breadth",
    "sector_breadth",
    "leaders_laggards",
    "sector_members",
    "member_caveats",
    "equal_weight_basket",
    "sector_weights",
]


def first_calendar_year(start, calendar_from) -> int:
    """First year of the calendar-year table: ``calendar_from`` or the window's start year, whichever is earlier.

    Why: the calendar table gives the claims' years (2023 on) context even for
    a short window, and a window starting before ``calendar_from`` must still
    show its own years. A missing start is a one-line input error.
    """
    if start is None:
        raise BadInputError("start: a start date is required (YYYY-MM-DD)")
    return min(int(calendar_from), pd.Timestamp(start).year)


def member_prices(dl, tickers, start, end=None, lead_days: int = 15) -> pd.DataFrame:
    """Prices of the IWM members from ``lead_days`` before ``start``; an empty frame when none exist.

    Why: the lead gives each member a close on or before the start (holidays,
    thin trading); a window with no member prices at all must run on, with the
    constituent sections saying so, instead of raising.
    """
    try:
        return dl.prices(pd.Series(tickers).unique().tolist(), pd.Timestamp(start) - pd.Timedelta(days=lead_days), end)
    except DataUnavailableError:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"), dtype="float64")


def sector_columns(sectors, columns, benchmark: str) -> list[str]:
    """The sector funds to rank: the requested sectors that have prices, without size/style funds.

    Why: leaders and laggards compare sectors, so IWM or RSP must not win a
    quarter; if only size/style funds were asked for, they are ranked instead
    (all but the benchmark) so the section still has something to compare.
    """
    have = [t for t in sector_set(sectors) if t in columns]
    return [t for t in have if t not in SIZE_STYLE_ETFS] or [t for t in have if t != benchmark]


def membership_sentence(window: str, start, holdings_date, cov: dict, end=None) -> str:
    """The Data-section sentence on the window and the IWM holdings file behind the member baskets.

    Why: membership is point-in-time only when the file predates the start;
    the sentence says how far off it is and how many members are priced, so
    the reader can judge the survivor bias of the constituent sections.
    """
    start, holdings_date = pd.Timestamp(start), pd.Timestamp(holdings_date)
    lag = (holdings_date - start).days
    if end is not None and holdings_date > pd.Timestamp(end):
        when = (
            f"**after the window end {pd.Timestamp(end):%Y-%m-%d}**: no file on or before the window end "
            "exists, so membership is look-ahead"
        )
    elif lag > 0:
        when = f"**{lag} days after the start**: no earlier file exists, so membership is not point-in-time"
    else:
        when = "the latest file on or before the start"
    return (
        f"Window: {window} (base = last close on or before {start:%Y-%m-%d}). "
        f"IWM members come from the holdings file of **{holdings_date:%Y-%m-%d}**, {when}. Of its "
        f"{cov['holdings']} equity lines, {cov['full_window']} have prices over the whole window, "
        f"{cov['listed_later']} start trading after the start, {cov['stopped_early']} stop trading "
        f"before the end, and {cov['no_prices']} have no prices in this window (delisted or acquired since, "
        f"or not yet in the price panel)."
    )


def members_cover_window(cov: dict, min_share: float = 0.5) -> bool:
    """True when at least ``min_share`` of the holdings are priced over the whole window.

    Why: below that, equal-weight baskets and breadth would describe a
    survivor subset, not the Russell 2000; those sections are skipped.
    """
    return cov["full_window"] >= min_share * cov["holdings"]


def leadership_sentence(window: str, sector_rel: pd.Series, leaders: pd.DataFrame, benchmark: str, labels: dict) -> str:
    """The computed sentence under the quarterly leaders table.

    ``sector_rel``: window return minus the benchmark's per sector fund,
    sorted best first; ``leaders``: ``leaders_by_period`` of the quarters.
    Why: best and worst fund, how often the lead changed hands, who led most
    often and who leads the latest quarter all come from the run's data.
    """
    best, worst = sector_rel.index[0], sector_rel.index[-1]
    often = leaders["leader"].value_counts()
    return (
        f"Over {window}, {compare(f'{best}, {labels.get(best, best)},', sector_rel[best], b_name=benchmark)} "
        f"(best sector ETF) and {compare(f'{worst}, {labels.get(worst, worst)},', sector_rel[worst], b_name=benchmark)} (worst). "
        f"Quarter by quarter the lead changed hands {plural(leadership_changes(leaders), 'time')} in "
        f"{len(leaders)} quarters; {often.index[0]} led most often ({plural(int(often.iloc[0]), 'quarter')}), and "
        f"the latest quarter ({leaders['period'].iloc[-1]}, to date) is led by {leaders['leader'].iloc[-1]} "
        f"({pp(leaders['leader_rel'].iloc[-1])}). {plural(int((sector_rel > 0).sum()), 'sector ETF')} of "
        f"{len(sector_rel)} beat {benchmark} over the window."
    )


def weights_sentence(weights: pd.DataFrame, end=None) -> str:
    """The computed sentence under the IWM sector-weights table (``sector_weights`` output).

    Why: the largest sector and the biggest gain and loss of weight from the
    first to the last holdings file are read from the files, not written in; the
    files are those known at the run's as-of date, each named by its date (and said to
    lie after the window end ``end`` when it does).
    """
    files = list(weights.columns)
    largest = f"{weights.index[0]} is the largest sector at {pct(weights.iloc[0, -1], sign=False)}"
    if len(files) == 1:
        return (
            f"One holdings file is known at the run's as-of date: {holdings_phrase(files[0], end=end)}. "
            f"{largest}; with one file there is no change of weight to show."
        )
    change = weights.iloc[:, -1] - weights.iloc[:, 0]
    up, down = change.idxmax(), change.idxmin()
    late = [f for f in files if end is not None and pd.Timestamp(f) > pd.Timestamp(end)]
    after = f" ({listing([str(f) for f in late])} after the window end {pd.Timestamp(end):%Y-%m-%d})" if late else ""
    return (
        f"The {len(files)} holdings files known at the run's as-of date are shown whatever the window "
        f"({files[0]} to {files[-1]}){after}. {largest}. "
        f"From the first to the last file, {up} {direction(change[up], 'gained', 'lost', 'held')} the most "
        f"({pp(change[up])}) and {down} {direction(change[down], 'gained', 'lost', 'held')} the most "
        f"({pp(change[down])})."
    )
