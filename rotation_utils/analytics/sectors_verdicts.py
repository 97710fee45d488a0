"""Claim and report verdicts for sector leadership: the stated rules that turn the
calendar-year and window returns of :mod:`rotation_utils.analytics.sectors` into
verdicts on claims A7 (banks beat the market in 2023-2025) and A9 (healthcare and
banks lead in 2026), and on the report's thesis that the named sectors lead.

Why a module of its own: the measurements stay in ``sectors``; each rule here is
written once in its docstring, returns a small typed result with the facts its
verdict rests on, and is tested on small frames. The evidence sentences and the
thesis rule's text are in :mod:`rotation_utils.story.sectors` (``thesis_rule`` joins
the text to :func:`named_sector_verdict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..verdicts import ClaimVerdict, ReportVerdict

#: status of a claimed year in claim A7's table (also the CSV's ``Status`` column)
COMPLETE, YEAR_TO_DATE, NOT_IN_DATA, OUTSIDE = "complete", "year to date only", "not in the data", "outside the window"


def window_years(start, end, years) -> list[int]:
    """Calendar years of ``years`` whose whole span lies inside [start, end] (None = open):
    a claim about calendar years is judged only on the years the window covers."""
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    return [
        int(y)
        for y in years
        if (lo is None or lo <= pd.Timestamp(int(y), 1, 1) + pd.Timedelta(days=3))
        and (hi is None or hi >= pd.Timestamp(int(y), 12, 24))
    ]


@dataclass(frozen=True)
class A7Test:
    """Claim A7 measured: the bank fund against the market in each claimed year.

    Attributes:
        verdict: the claim verdict (see :func:`a7_assessment`).
        table: one row per claimed year: ``year``, the bank's and the market's return,
            ``difference`` and ``status`` (:data:`COMPLETE`, :data:`YEAR_TO_DATE`,
            :data:`NOT_IN_DATA` or :data:`OUTSIDE`).
        beaten, lagged: complete years the bank beat / did not beat the market.
        complete_years: complete claimed years inside the window.
        bank, market: the two tickers.
        claim_years: the years the claim names.
        last_day: the window's last day (why later years are not in the data).
        gaps: ticker -> why it has no prices (``rotation_coverage.history_gaps``).
    """

    verdict: ClaimVerdict
    table: pd.DataFrame
    beaten: int
    lagged: int
    complete_years: int
    bank: str
    market: str
    claim_years: tuple
    last_day: pd.Timestamp | None = None
    gaps: dict = field(default_factory=dict)

    @property
    def measured(self) -> int | None:
        """Years the bank beat the market, when every claimed year is complete (else None)."""
        return self.beaten if self.complete_years == len(self.claim_years) else None

    def year_differences(self) -> dict:
        """year -> bank minus market (fraction) for the years with a full-year figure, None otherwise."""
        t = self.table.set_index("year")
        return {int(y): (t.at[y, "difference"] if t.at[y, "status"] in (COMPLETE, OUTSIDE) else None) for y in t.index}


def a7_assessment(
    years: pd.DataFrame,
    complete: pd.Series,
    bank: str = "KBWB",
    market: str = "SPY",
    claim_years=(2023, 2024, 2025),
    last_day=None,
    gaps: dict | None = None,
    inside=None,
) -> A7Test:
    """Did the bank index beat the market in each of ``claim_years``?

    Rule: contradicted if the bank ETF lagged in any complete year; confirmed
    if it beat in every claimed year and all are complete; otherwise
    unverifiable (years missing or only year to date). ``last_day`` (the window's
    last date) and ``gaps`` (ticker -> why it has no prices, from ``history_gaps``)
    are kept to explain years that are not in the data. ``inside`` (years inside the
    run's window, from :func:`window_years`; None = all): a claimed year outside it is
    marked "outside the window" and never counted, so the claim is judged on its own
    period inside the window.

    Returns:
        An :class:`A7Test`.
    """
    rows = []
    for y in claim_years:
        have = y in years.index and bank in years.columns and market in years.columns
        b = years.at[y, bank] if have else np.nan
        m = years.at[y, market] if have else np.nan
        if (
            inside is not None
            and y not in inside
            and have
            and pd.notna(b)
            and pd.notna(m)
            and bool(complete.get(y, False))
        ):
            status = OUTSIDE
        elif not have or pd.isna(b) or pd.isna(m):
            status = NOT_IN_DATA
        else:
            status = COMPLETE if bool(complete.get(y, False)) else YEAR_TO_DATE
        rows.append({"year": y, bank: b, market: m, "difference": b - m, "status": status})
    t = pd.DataFrame(rows)
    full = t[t["status"] == COMPLETE]
    beaten = int((full["difference"] > 0).sum())
    lagged = int((full["difference"] <= 0).sum())
    if lagged:
        verdict = ClaimVerdict.CONTRADICTED
    elif len(full) == len(claim_years):
        verdict = ClaimVerdict.CONFIRMED
    else:
        verdict = ClaimVerdict.UNVERIFIABLE
    return A7Test(
        verdict,
        t,
        beaten,
        lagged,
        int(len(full)),
        bank,
        market,
        tuple(claim_years),
        None if last_day is None else pd.Timestamp(last_day),
        dict(gaps or {}),
    )


#: measures of the segments claim A9 names: small-cap healthcare is XBI (equal-weighted biotech,
#: mostly small and mid caps), not XLV or IBB (cap-weighted large caps); mid-cap banks is KRE
#: (equal-weighted regional banks), not KBWB (the large money-centre banks)
A9_LEGS = {"Small-cap healthcare": ["XBI"], "Mid-cap banks": ["KRE"]}

#: the groups the thesis names (article A's two segments and article B's industrials)
THESIS_GROUPS = {"Mid-cap banks": ["KRE"], "Small-cap healthcare": ["XBI"], "Industrials": ["XLI"]}


@dataclass(frozen=True)
class A9Test:
    """Claim A9 measured: each leg's return in the claim's year against the benchmarks.

    Attributes:
        verdict: the claim verdict (see :func:`a9_assessment`).
        table: one row per ETF plus one per leg average (``leg, ticker, return, minus <b>``);
            empty when the claim cannot be tested.
        leads: leg -> whether its average beat every benchmark.
        complete: the year is over in the data.
        year, legs, benchmarks: what was tested.
        trading_days, min_days: sessions of ``year`` in the window and the minimum to test.
        in_data: the year has a row in the calendar table.
        missing: tickers without a return for the year (benchmarks first).
    """

    verdict: ClaimVerdict
    table: pd.DataFrame
    leads: dict
    complete: bool
    year: int
    legs: dict
    benchmarks: tuple
    trading_days: int
    min_days: int
    in_data: bool
    missing: list

    @property
    def base_year(self) -> int:
        """The year whose year-end close the returns run from."""
        return self.year - 1

    @property
    def too_few_days(self) -> bool:
        """The year is in the data but with fewer sessions than :attr:`min_days`."""
        return self.in_data and self.trading_days < self.min_days

    def leg_average(self, leg: str) -> pd.Series:
        """The table's average row of one leg (``return`` and ``minus <benchmark>``)."""
        t = self.table
        return t[(t["leg"] == leg) & (t["ticker"] == f"{leg} average")].iloc[0]


def a9_assessment(
    years: pd.DataFrame,
    complete: pd.Series,
    year: int = 2026,
    legs: dict | None = None,
    benchmarks=("SPY", "IWM"),
    trading_days: int = 0,
    min_days: int = 21,
) -> A9Test:
    """Do healthcare and banks lead in ``year`` (year to date if it is still running)?

    A leg leads when the equal average of its ETFs' returns for the year beats
    every benchmark. Rule: confirmed if every leg leads, contradicted if none
    does, mixed otherwise; unverifiable if the year is not in the data, has
    fewer than ``min_days`` trading days, or a benchmark has no return for it.

    Returns:
        An :class:`A9Test`.
    """
    legs = legs or A9_LEGS
    benchmarks = tuple(benchmarks)
    facts = dict(
        year=year,
        legs=legs,
        benchmarks=benchmarks,
        trading_days=trading_days,
        min_days=min_days,
        in_data=year in years.index,
    )
    untested = dict(verdict=ClaimVerdict.UNVERIFIABLE, table=pd.DataFrame(), leads={}, complete=False, **facts)
    if year not in years.index or trading_days < min_days:
        return A9Test(**untested, missing=[])
    row = years.loc[year]
    missing = [t for t in list(benchmarks) + [t for v in legs.values() for t in v] if pd.isna(row.get(t, np.nan))]
    if any(b in missing for b in benchmarks):
        return A9Test(**untested, missing=missing)
    recs, leads = [], {}
    for leg, tickers in legs.items():
        have = [t for t in tickers if t not in missing]
        for t in have:
            recs.append(
                {"leg": leg, "ticker": t, "return": row[t], **{f"minus {b}": row[t] - row[b] for b in benchmarks}}
            )
        avg = float(np.mean([row[t] for t in have])) if have else np.nan
        recs.append(
            {"leg": leg, "ticker": f"{leg} average", "return": avg, **{f"minus {b}": avg - row[b] for b in benchmarks}}
        )
        leads[leg] = bool(have) and all(avg > row[b] for b in benchmarks)
    n_lead = sum(leads.values())
    verdict = (
        ClaimVerdict.CONFIRMED
        if n_lead == len(legs)
        else ClaimVerdict.CONTRADICTED
        if n_lead == 0
        else ClaimVerdict.MIXED
    )
    return A9Test(verdict, pd.DataFrame(recs), leads, bool(complete.get(year, False)), **facts, missing=missing)


#: shortest window (trading days) on which a leadership verdict is given; the same
#: default as report 01's ``min_window_days``: about two months of sessions
MIN_WINDOW_DAYS = 42


class GroupsTest(NamedTuple):
    """The thesis measured: each named group's return against the market over the thesis window.

    A tuple whose first item is the verdict, so a :class:`~rotation_utils.verdicts.Rule`
    checks it. ``table``: ``group, tickers, return, minus market``; ``unpriced``: the
    market and the groups' funds without a window return (market first); ``gaps``:
    ticker -> why it has no prices.
    """

    value: ReportVerdict
    table: pd.DataFrame
    market: str
    days: int | None
    min_days: int
    unpriced: list
    gaps: dict

    @property
    def too_short(self) -> bool:
        """The window has fewer trading days than :attr:`min_days` (no day count: never)."""
        return self.days is not None and self.days < self.min_days

    @property
    def beat(self) -> list[str]:
        """Groups that beat the market."""
        return self.table.loc[self.table["minus market"] > 0, "group"].tolist()

    @property
    def lagged(self) -> list[str]:
        """Groups that did not beat the market (groups without a return are in neither list)."""
        return self.table.loc[self.table["minus market"] <= 0, "group"].tolist()

    @property
    def unmeasured(self) -> list[str]:
        """Groups without a return, then the market when it has none."""
        lost = self.table.loc[self.table["return"].isna(), "group"].tolist()
        return lost + ([self.market] if self.market in self.unpriced else [])


def named_sector_verdict(
    window: pd.Series,
    market: str = "SPY",
    groups: dict | None = None,
    gaps: dict | None = None,
    days: int | None = None,
    min_days: int = MIN_WINDOW_DAYS,
) -> GroupsTest:
    """Overall verdict: did the sectors the articles name beat the market over the window?

    ``window``: return per ticker over the thesis window (2026 to date: the calls are
    about 2026). Groups (:data:`THESIS_GROUPS`, averaged ETFs): mid-cap banks (KRE),
    small-cap healthcare (XBI), industrials (XLI). Rule:
    inconclusive if the window has fewer than ``min_days`` trading days (``days``;
    None skips the check): a few weeks of relative returns are noise, not leadership;
    supported if every group beat ``market``, not supported if none did, mixed
    otherwise; inconclusive if a group or the market has no return. A group with
    some of its ETFs missing is averaged over the others. The measured returns are
    kept in the table whatever the verdict.

    Returns:
        A :class:`GroupsTest`.
    """
    groups = groups or THESIS_GROUPS
    m = window.get(market, np.nan)
    rows = []
    for g, tickers in groups.items():
        vals = [window.get(t, np.nan) for t in tickers]
        vals = [v for v in vals if pd.notna(v)]
        avg = float(np.mean(vals)) if vals else np.nan
        rows.append({"group": g, "tickers": ", ".join(tickers), "return": avg, "minus market": avg - m})
    t = pd.DataFrame(rows)
    if days is not None and days < min_days:
        value = ReportVerdict.INCONCLUSIVE
    elif pd.isna(m) or t["return"].isna().any():
        value = ReportVerdict.INCONCLUSIVE
    else:
        k = int((t["minus market"] > 0).sum())
        value = (
            ReportVerdict.SUPPORTED if k == len(t) else ReportVerdict.NOT_SUPPORTED if k == 0 else ReportVerdict.MIXED
        )
    unpriced = [
        x for x in dict.fromkeys([market] + [y for v in groups.values() for y in v]) if pd.isna(window.get(x, np.nan))
    ]
    return GroupsTest(value, t, market, days, int(min_days), unpriced, dict(gaps or {}))


@dataclass(frozen=True)
class ThesisWindow:
    """The window the sector thesis is judged on (see :func:`thesis_window`).

    Attributes:
        start: the later of the run's start and the claims' period start (None: the run
            does not reach that period).
        base: the last close on or before ``start``: the returns run from it.
        end: the last covered day of the period inside the run.
        days: trading days of returns (after ``base``, up to ``end``).
        period: the period's name ("2026").
        so_far: the period is only partly inside the run (it runs on).
        reason: why the run does not reach the period ('' when it does).
    """

    start: pd.Timestamp | None
    base: pd.Timestamp | None
    end: pd.Timestamp | None
    days: int
    period: str
    so_far: bool
    reason: str = ""


def thesis_window(px_index: pd.DatetimeIndex, start, cov) -> ThesisWindow:
    """The window the sector thesis is judged on: the part of the claims' year (2026, from
    ``cov``, the run's :class:`~rotation_utils.periods.Coverage` of claim A9) inside the run.

    Returns:
        A :class:`ThesisWindow`; ``start`` and ``base`` are None with the ``reason`` when the
        run does not reach that year.
    """
    p = cov.period
    name = p.label.split(" (")[0]
    if cov.status == "none":
        return ThesisWindow(None, None, None, 0, name, False, cov.reason())
    lo = max(d for d in (p.start, pd.Timestamp(start) if start is not None else None) if d is not None)
    hi = cov.covered_end
    before = px_index[px_index <= lo]
    base = before.max() if len(before) else lo  # returns run from the last close on or before ``lo``
    days = int(((px_index > base) & (px_index <= hi)).sum())
    return ThesisWindow(lo, base, hi, days, name, cov.status != "full")


__all__ = [
    "A7Test",
    "A9Test",
    "A9_LEGS",
    "GroupsTest",
    "MIN_WINDOW_DAYS",
    "THESIS_GROUPS",
    "ThesisWindow",
    "a7_assessment",
    "a9_assessment",
    "named_sector_verdict",
    "thesis_window",
    "window_years",
]
