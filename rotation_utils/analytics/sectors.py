"""Sector leadership: who led the market, when, and how broad the small-cap gains were.

Why a module of its own: the articles name the sectors leading the rotation
(banks, small-cap healthcare, industrials). Testing that needs calendar-year
tables with an explicit "complete or year-to-date" flag, relative returns by
month and quarter, who led each period and over the whole window, measured only
on funds that have a close at the window start. Everything here is a pure
function of frames, so it is testable without the data layer.

Conventions follow :mod:`rotation_utils.analytics.returns`: prices are adjusted
closes, returns are fractions, differences of returns are percentage points. The
Russell 2000 members (prints, breadth, baskets, weights) are in
:mod:`~rotation_utils.analytics.sectors_members`, the inputs are read by
:mod:`~rotation_utils.analytics.sectors_data`, the claim and report verdicts are in
:mod:`~rotation_utils.analytics.sectors_verdicts`, and the words in
:mod:`rotation_utils.story.sectors`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import BadInputError
from ..universes import SIZE_STYLE_ETFS
from .returns import calendar_year_returns, returns_since


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


def with_year_labels(years: pd.DataFrame, complete: pd.Series) -> pd.DataFrame:
    """:func:`calendar_table`'s returns indexed by :func:`year_labels` (the last year marked YTD when running)."""
    return years.set_axis(year_labels(complete))


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


def first_calendar_year(start, calendar_from) -> int:
    """First year of the calendar-year table: ``calendar_from`` or the window's start year, whichever is earlier.

    Why: the calendar table gives the claims' years (2023 on) context even for
    a short window, and a window starting before ``calendar_from`` must still
    show its own years. A missing start is a one-line input error.
    """
    if start is None:
        raise BadInputError("start: a start date is required (YYYY-MM-DD)")
    return min(int(calendar_from), pd.Timestamp(start).year)


def sector_columns(sectors, columns, benchmark: str) -> list[str]:
    """The sector funds to rank: the requested sectors that have prices, without size/style funds.

    Why: leaders and laggards compare sectors, so IWM or RSP must not win a
    quarter; if only size/style funds were asked for, they are ranked instead
    (all but the benchmark) so the section still has something to compare.
    """
    have = [t for t in sector_set(sectors) if t in columns]
    return [t for t in have if t not in SIZE_STYLE_ETFS] or [t for t in have if t != benchmark]


def beat_all(table: pd.DataFrame, benchmarks) -> list[str]:
    """Series of a :func:`versus_benchmarks` table that beat every benchmark."""
    ahead = pd.Series(True, index=table.index)
    for b in benchmarks:
        ahead &= table[f"minus {b}"] > 0
    return table.loc[ahead, "Series"].tolist()


#: the healthcare and bank funds of section 3 (small caps: XBI, KRE; large caps: IBB, KBWB)
HEALTHCARE_BANK_FUNDS = ("XBI", "IBB", "KRE", "KBWB")


# ---- the window: relative returns and who led -------------------------------
def calendar_minus(cal: pd.DataFrame, market: str = "SPY") -> pd.DataFrame:
    """Each fund's calendar-year return minus ``market``'s: funds as rows, years as columns (fractions)."""
    funds = [t for t in cal.columns if t != market]
    return cal[funds].sub(cal[market], axis=0).T


def window_minus_benchmark(window: pd.Series, benchmark: str) -> pd.Series:
    """Window return minus the benchmark's per fund, best first (the benchmark itself left out)."""
    return (window - window[benchmark]).drop(benchmark).sort_values(ascending=False)


def sector_ranking(window_rel: pd.Series, sector_cols) -> pd.Series:
    """The sector funds' window return minus the benchmark's, best first (funds without one left out)."""
    return window_rel.reindex(sector_cols).dropna().sort_values(ascending=False)


def by_fund(relative: pd.DataFrame, order) -> pd.DataFrame:
    """A periods x funds frame turned funds x periods, funds in ``order`` (a heat map's rows)."""
    return relative[list(order)].T


def periods_as_text(relative: pd.DataFrame) -> pd.DataFrame:
    """A :func:`period_returns`-style frame with its periods as a text column (the CSV's shape)."""
    return relative.reset_index().assign(period=lambda d: d["period"].astype(str))


@dataclass(frozen=True)
class Leadership:
    """Who led over the window and quarter by quarter (see :func:`leadership_summary`).

    Attributes:
        best, best_rel, worst, worst_rel: best and worst sector fund and their return minus the benchmark.
        beat, funds: sector funds that beat the benchmark over the window, and how many were ranked.
        quarters, changes: quarters ranked and how often the leader changed.
        most_often, most_often_count: the fund that led most quarters, and how many.
        latest_quarter, latest_leader, latest_rel: the last quarter (to date), its leader and its lead.
    """

    best: str
    best_rel: float
    worst: str
    worst_rel: float
    beat: int
    funds: int
    quarters: int
    changes: int
    most_often: str
    most_often_count: int
    latest_quarter: str
    latest_leader: str
    latest_rel: float


def leadership_summary(sector_rel: pd.Series, leaders: pd.DataFrame) -> Leadership:
    """The figures the leadership sentence reads, picked from the run's data.

    Args:
        sector_rel: :func:`sector_ranking` (best first).
        leaders: :func:`leaders_by_period` of the quarters.
    Returns:
        A :class:`Leadership`.
    """
    often = leaders["leader"].value_counts()
    return Leadership(
        best=sector_rel.index[0],
        best_rel=sector_rel.iloc[0],
        worst=sector_rel.index[-1],
        worst_rel=sector_rel.iloc[-1],
        beat=int((sector_rel > 0).sum()),
        funds=len(sector_rel),
        quarters=len(leaders),
        changes=leadership_changes(leaders),
        most_often=often.index[0],
        most_often_count=int(often.iloc[0]),
        latest_quarter=leaders["period"].iloc[-1],
        latest_leader=leaders["leader"].iloc[-1],
        latest_rel=leaders["leader_rel"].iloc[-1],
    )


def trading_days_in_year(index: pd.DatetimeIndex, year: int) -> int:
    """Trading days of ``year`` in ``index`` (the claim-A9 test needs enough of the year)."""
    return int((index.year == year).sum())


def thesis_returns(prices: pd.DataFrame, start, end) -> pd.Series:
    """Return per fund over the thesis window (:func:`full_window_returns`); all NaN when the
    run does not reach the thesis period (``start`` None)."""
    if start is None:
        return pd.Series(float("nan"), index=prices.columns)
    return full_window_returns(prices.loc[:end], start, end)
