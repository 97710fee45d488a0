"""Yield betas: how relative returns (ticker minus benchmark) move with rate changes.

Why relative returns: the thesis is that small caps gain *against* large caps when
rates fall, so the market's own move is taken out by subtracting the benchmark.

Conventions:
- Prices and FRED series are joined on the dates both have, BEFORE differencing,
  so a bond-market holiday never pairs a one-day return with a two-day yield change.
- Yield changes are in percentage points (FRED series are in percent), so a beta
  is the relative return (fraction) per +1 pp (= +100 bp) move; -0.05 means the
  ticker lags the benchmark by 5 pp when the yield rises 100 bp.
- Weekly data are Friday (or last trading day) closes; standard errors are
  Newey-West (HAC) with the usual lag rule floor(4 (n/100)^(2/9)).

This module computes (frames and small typed results such as :class:`BetaFit`)
and holds the verdict *logic* (:func:`evidence_class`, :func:`combine_grades`,
:func:`thesis_verdict`); the words of report 02 -- sentences, display tables,
the verdict :class:`~rotation_utils.verdicts.Rule` whose text is printed -- are
in :mod:`rotation_utils.story.rates`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

# the two estimators only: statsmodels.api imports every model family (about twice the start-up time)
from statsmodels.regression.linear_model import OLS
from statsmodels.regression.rolling import RollingOLS
from statsmodels.tools.tools import add_constant

from ..errors import BadInputError
from ..verdicts import ClaimVerdict, ReportVerdict
from .row_access import RowAccess

FREQUENCIES = {"daily": None, "weekly": "W-FRI"}
#: FRED ids of the 10y-2y Treasury slope and the high-yield option-adjusted spread
SLOPE, CREDIT = "T10Y2Y", "BAMLH0A0HYM2"


@dataclass(frozen=True)
class BetaFit(RowAccess):
    """One HAC regression of a relative return on a rate change (:func:`hac_beta`).

    ``beta``, ``se``, ``ci_low``/``ci_high`` are fractions of relative return per
    +1 pp; NaN when the sample is too short. Subscript access (``fit["beta"]``)
    works too, so code written for a :func:`beta_table` row reads a fit alike.
    """

    beta: float = np.nan
    se: float = np.nan
    t: float = np.nan
    p: float = np.nan
    ci_low: float = np.nan
    ci_high: float = np.nan
    alpha: float = np.nan
    r2: float = np.nan
    n: int = 0
    lags: float = np.nan
    first: pd.Timestamp = pd.NaT
    last: pd.Timestamp = pd.NaT


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) rule of thumb for the HAC lag length."""
    return max(1, int(math.floor(4 * (n / 100.0) ** (2.0 / 9.0))))


def relative_and_changes(
    prices: pd.DataFrame, rates: pd.DataFrame, benchmark: str, frequency: str = "daily"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Relative returns (each ticker minus ``benchmark``) and rate changes (pp) on one calendar.

    Returns ``(relative, changes)`` with the same DatetimeIndex; rows with any
    missing value in the joined levels are dropped first.
    """
    if frequency not in FREQUENCIES:
        raise BadInputError(f"frequency must be one of {', '.join(FREQUENCIES)}, not {frequency!r}")
    if benchmark not in prices.columns:
        raise BadInputError(f"benchmark {benchmark!r} is not among the price columns")
    levels = prices.join(rates, how="inner").dropna()
    if FREQUENCIES[frequency]:  # keep the real last trading day of each week as its date
        levels = levels.groupby(levels.index.to_period(FREQUENCIES[frequency])).tail(1)
    px, rt = levels[prices.columns], levels[rates.columns]
    ret = px.pct_change(fill_method=None).iloc[1:]
    rel = ret.drop(columns=[benchmark]).sub(ret[benchmark], axis=0)
    chg = rt.diff().iloc[1:]
    return rel, chg


def hac_beta(y: pd.Series, x: pd.Series, maxlags: int | None = None) -> BetaFit:
    """OLS of ``y`` on a constant and ``x`` with Newey-West standard errors.

    Returns a :class:`BetaFit`: beta, its HAC standard error, t-statistic, p-value
    and 95% interval, the intercept, R squared, observations, lags and the
    first/last date used (NaN estimates below 10 observations or with a constant ``x``).
    """
    both = pd.concat([y.rename("y"), x.rename("x")], axis=1).dropna()
    n = len(both)
    span = dict(n=n, first=both.index.min() if n else pd.NaT, last=both.index.max() if n else pd.NaT)
    if n < 10 or both["x"].std() == 0:
        return BetaFit(**span)
    lags = newey_west_lags(n) if maxlags is None else int(maxlags)
    fit = OLS(both["y"], add_constant(both["x"])).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    ci = fit.conf_int().loc["x"]
    return BetaFit(
        beta=float(fit.params["x"]),
        se=float(fit.bse["x"]),
        t=float(fit.tvalues["x"]),
        p=float(fit.pvalues["x"]),
        ci_low=float(ci.iloc[0]),
        ci_high=float(ci.iloc[1]),
        alpha=float(fit.params["const"]),
        r2=float(fit.rsquared),
        lags=lags,
        **span,
    )


def days_between(index: pd.DatetimeIndex, start, end) -> np.ndarray:
    """Boolean mask of ``index`` dates in [start, end]; all False when either is None
    (a claim period the window does not reach)."""
    if start is None or end is None:
        return np.zeros(len(index), dtype=bool)
    return np.asarray((index >= pd.Timestamp(start)) & (index <= pd.Timestamp(end)))


def beta_table(relative: pd.DataFrame, changes: pd.DataFrame, label: str = "") -> pd.DataFrame:
    """``hac_beta`` of every relative-return column on every rate-change column (long)."""
    rows = []
    for t in relative.columns:
        for s in changes.columns:
            rec = {"ticker": t, "series": s}
            if label:
                rec["frequency"] = label
            rec.update(asdict(hac_beta(relative[t], changes[s])))
            rows.append(rec)
    return pd.DataFrame(rows)


def rolling_beta(y: pd.Series, x: pd.Series, window: int = 126) -> pd.Series:
    """Beta of ``y`` on ``x`` over a trailing window of ``window`` observations."""
    both = pd.concat([y.rename("y"), x.rename("x")], axis=1).dropna()
    if len(both) < window:
        return pd.Series(dtype="float64", name="beta")
    res = RollingOLS(both["y"], add_constant(both["x"]), window=window).fit()
    return res.params["x"].dropna().rename("beta")


def parse_regimes(regimes) -> list[tuple[str, pd.Timestamp | None, pd.Timestamp | None]]:
    """``[[name, start, end], ...]`` (ISO strings, None = open) -> typed tuples."""
    out = []
    for r in regimes:
        try:
            name, s, e = r
        except (TypeError, ValueError):
            raise BadInputError(f"regime {r!r} must be [name, start, end]") from None
        s = pd.Timestamp(s) if s else None
        e = pd.Timestamp(e) if e else None
        if s is not None and e is not None and s > e:
            raise BadInputError(f"regime {name!r}: start {s.date()} is after end {e.date()}")
        out.append((str(name), s, e))
    return out


def regime_betas(relative: pd.DataFrame, changes: pd.DataFrame, regimes, min_obs: int = 20) -> pd.DataFrame:
    """``beta_table`` within each regime's dates; regimes with < ``min_obs`` rows are
    listed with NaN betas so a report can say the window leaves them out."""
    rows = []
    for name, s, e in parse_regimes(regimes):
        sel = relative.index.to_series().between(s or pd.Timestamp.min, e or pd.Timestamp.max)
        rel, chg = relative[sel.to_numpy()], changes[sel.to_numpy()]
        if len(rel) < min_obs:
            rel, chg = rel.iloc[0:0], chg.iloc[0:0]
        tab = beta_table(rel, chg)
        tab.insert(0, "regime", name)
        rows.append(tab)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


@dataclass(frozen=True)
class YieldBetas:
    """The yield-beta finding: the long table, the daily series behind it and the focus fits.

    ``table``: :func:`beta_table` rows for daily and weekly data (``frequency`` column);
    ``relative``/``changes``: the daily relative returns and yield changes (for the
    rolling and regime betas); ``headline``/``weekly``: the focus ticker's fit on the
    headline yield, daily and weekly.
    """

    table: pd.DataFrame
    relative: pd.DataFrame
    changes: pd.DataFrame
    headline: BetaFit
    weekly: BetaFit


def yield_betas(
    prices: pd.DataFrame, yields: pd.DataFrame, tickers, focus: str, benchmark: str, yield_series: str
) -> YieldBetas:
    """HAC betas of each ticker's return relative to ``benchmark`` on each yield's change.

    Args:
        prices: closes of ``tickers``, ``focus`` and ``benchmark`` (other columns ignored).
        yields: one column per yield (percent), e.g. DGS2 and DGS10.
        tickers: the tickers of the table (present in ``prices``).
        focus, yield_series: the headline fit (``focus`` need not be in ``tickers``).
        benchmark: subtracted from every return.
    Returns:
        A :class:`YieldBetas`; prices and yields are joined on common dates once, for all columns.
    """
    tickers = list(tickers)
    cols = list(dict.fromkeys([*tickers, focus, benchmark]))
    rel_d, chg_d = relative_and_changes(prices[cols], yields, benchmark, "daily")
    rel_w, chg_w = relative_and_changes(prices[cols], yields, benchmark, "weekly")
    table = pd.concat(
        [beta_table(rel_d[tickers], chg_d, "daily"), beta_table(rel_w[tickers], chg_w, "weekly")], ignore_index=True
    )
    return YieldBetas(
        table, rel_d, chg_d, hac_beta(rel_d[focus], chg_d[yield_series]), hac_beta(rel_w[focus], chg_w[yield_series])
    )


@dataclass(frozen=True)
class SpreadBetas:
    """Betas of bank tickers to the 10y-2y slope and of the focus ticker to the high-yield
    spread (``table``), with the daily relative returns and spread changes behind them."""

    table: pd.DataFrame
    relative: pd.DataFrame
    changes: pd.DataFrame


def spread_betas(prices: pd.DataFrame, rates: pd.DataFrame, banks, focus: str, benchmark: str) -> SpreadBetas:
    """Daily HAC betas: each of ``banks`` on :data:`SLOPE`, ``focus`` on :data:`CREDIT`
    (a series missing from ``rates`` leaves its rows out; neither: an empty table)."""
    banks = list(banks)
    src = rates[[c for c in (SLOPE, CREDIT) if c in rates.columns]]
    rel, chg = relative_and_changes(prices[list(dict.fromkeys([*banks, focus, benchmark]))], src, benchmark, "daily")
    parts = [
        beta_table(rel[banks], chg[[SLOPE]], "daily") if SLOPE in chg else None,
        beta_table(rel[[focus]], chg[[CREDIT]], "daily") if CREDIT in chg else None,
    ]
    parts = [p for p in parts if p is not None]
    return SpreadBetas(pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(), rel, chg)


def relative_strength(prices: pd.DataFrame, tickers, benchmark: str, label: str = "{ticker}") -> pd.DataFrame:
    """Price ratio of each ticker to ``benchmark``, rebased to 100 on the first day;
    columns named by ``label`` (``{ticker}``, ``{benchmark}`` placeholders)."""
    ratios = prices[list(tickers)].div(prices[benchmark], axis=0)
    ratios = ratios.rename(columns=lambda t: label.format(ticker=t, benchmark=benchmark))
    return ratios / ratios.iloc[0] * 100


# ---- verdict rules ----------------------------------------------------------
def evidence_class(estimate, low, high, favourable_sign: int) -> str:
    """Grade one estimate for a thesis that predicts ``favourable_sign`` (+1 or -1).

    ``for``: right sign and the interval excludes zero; ``against``: wrong sign
    (significant or not); ``weak``: right sign, interval includes zero;
    ``missing``: no estimate.
    """
    if estimate is None or not np.isfinite(estimate):
        return "missing"
    if np.sign(estimate) != favourable_sign:
        return "against"
    excludes_zero = np.isfinite(low) and np.isfinite(high) and (low > 0 or high < 0)
    return "for" if excludes_zero else "weak"


def combine_grades(grades) -> str:
    """Combine evidence grades (the table a report prints is ``story.rates.GRADE_TABLE``).

    Why not "mixed" for two weak results: two estimates in the right direction that
    are not significant do not disagree, they fail to decide (inconclusive); a
    wrong-direction estimate with a weak one leans against (not supported).
    """
    grades = list(grades)
    if not grades or "missing" in grades:
        return ReportVerdict.INCONCLUSIVE
    n_for, n_against = grades.count("for"), grades.count("against")
    if n_for and n_against:
        return ReportVerdict.MIXED
    if n_for:
        return ReportVerdict.SUPPORTED
    if n_against:
        return ReportVerdict.NOT_SUPPORTED
    return ReportVerdict.INCONCLUSIVE


def a3_claim(cuts_in_period: int, event_grade: str | None = None, n_events: int = 0, min_events: int = 3) -> str:
    """Claim A3 ("2026 cuts favour small caps"), judged on the cuts of its own period only:
    forecast pending while the part of 2026 in the window has no cut (the claim's condition
    has not happened); unverifiable with fewer than ``min_events`` measurable 2026 cuts;
    else the event test's grade by the grade table (:func:`combine_grades`) as a claim verdict."""
    if cuts_in_period == 0:
        return ClaimVerdict.FORECAST_PENDING
    if n_events < min_events or event_grade is None:
        return ClaimVerdict.UNVERIFIABLE
    return CLAIM_FROM_VERDICT[combine_grades([event_grade])]


def thesis_verdict(event_grade: str, beta_grade: str, n_events: int, min_events: int = 3) -> str:
    """Overall verdict on "small caps benefit from cuts": :func:`combine_grades` of the
    event-study grade and the yield-beta grade, inconclusive below ``min_events`` cuts."""
    if n_events < min_events:
        return ReportVerdict.INCONCLUSIVE
    return combine_grades([event_grade, beta_grade])


CLAIM_FROM_VERDICT = {
    ReportVerdict.SUPPORTED: ClaimVerdict.CONFIRMED,
    ReportVerdict.NOT_SUPPORTED: ClaimVerdict.CONTRADICTED,
    ReportVerdict.MIXED: ClaimVerdict.MIXED,
    ReportVerdict.INCONCLUSIVE: ClaimVerdict.UNVERIFIABLE,
}


def require_series(prices: pd.DataFrame, rates: pd.DataFrame, benchmark: str, focus: str, yield_series: str) -> None:
    """Stop with a one-line error when the headline inputs are missing: without the
    benchmark, the focus ticker or the yield series there is no relative return to
    regress and no headline beta (the provenance table shows what was served)."""
    if benchmark not in prices.columns or focus not in prices.columns or yield_series not in rates.columns:
        raise BadInputError(f"the data have no {benchmark}, {focus} or {yield_series}: see the table below")


class ThesisGrades(NamedTuple):
    """The evidence behind report 02's verdict: the event-study grade, the yield-beta grade
    and the number of measured cuts (``rule.apply(*grades)``)."""

    event: str
    beta: str
    n_events: int


def thesis_grades(cut_stats, headline: BetaFit) -> ThesisGrades:
    """Grade the two tests of "small caps benefit from cuts": the focus ticker's mean relative
    return after cuts (should be positive) and its yield beta (should be negative).

    Args:
        cut_stats: the ``events.stats_for`` row of the focus ticker after cuts.
        headline: the focus ticker's daily yield beta.
    """
    return ThesisGrades(
        evidence_class(cut_stats["mean"], cut_stats["ci_low"], cut_stats["ci_high"], +1),
        evidence_class(headline.beta, headline.ci_low, headline.ci_high, -1),
        int(cut_stats["n"]),
    )


@dataclass(frozen=True)
class BorrowingCostTest:
    """Claim B12 ("higher rates weighed on small caps"): the focus ticker's betas to the
    headline yield and to the high-yield spread over the claim's period, graded and combined."""

    rates: BetaFit
    credit: BetaFit
    grades: tuple
    verdict: ClaimVerdict


def borrowing_cost_test(
    yields: YieldBetas, spreads: SpreadBetas, focus: str, yield_series: str, start, end
) -> BorrowingCostTest:
    """Both betas on the days in [start, end] only (None: no day); each should be negative
    and significant (:func:`evidence_class`), combined by :func:`combine_grades`."""
    days = days_between(yields.relative.index, start, end)
    fit_rates = hac_beta(yields.relative.loc[days, focus], yields.changes.loc[days, yield_series])
    days_c = days_between(spreads.relative.index, start, end)
    fit_credit = (
        hac_beta(spreads.relative.loc[days_c, focus], spreads.changes.loc[days_c, CREDIT])
        if CREDIT in spreads.changes
        else BetaFit()
    )
    grades = tuple(evidence_class(b.beta, b.ci_low, b.ci_high, -1) for b in (fit_rates, fit_credit))
    return BorrowingCostTest(fit_rates, fit_credit, grades, CLAIM_FROM_VERDICT[combine_grades(grades)])


@dataclass(frozen=True)
class PauseTest:
    """Claim B10 ("a pause hurts rate-sensitive stocks"): per ticker the summary row after
    the holds (``stats``), each graded for a fall, and the combined claim verdict."""

    stats: dict
    grades: tuple
    verdict: ClaimVerdict

    def means(self) -> dict:
        """``{'<ticker>_mean_after_holds': mean}``: the values the claim records."""
        return {f"{t}_mean_after_holds": st["mean"] for t, st in self.stats.items()}


def pause_test(stats: dict) -> PauseTest:
    """Grade each ticker's mean relative return after holds (``events.stats_for`` rows by
    ticker) for a significant fall, combined by :func:`combine_grades`."""
    grades = tuple(evidence_class(st["mean"], st["ci_low"], st["ci_high"], -1) for st in stats.values())
    return PauseTest(dict(stats), grades, CLAIM_FROM_VERDICT[combine_grades(grades)])
