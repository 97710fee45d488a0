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
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
# the two estimators only: statsmodels.api imports every model family (about twice the start-up time)
from statsmodels.regression.linear_model import OLS
from statsmodels.regression.rolling import RollingOLS
from statsmodels.tools.tools import add_constant

from ..errors import BadInputError
from ..verdicts import ClaimVerdict, ReportVerdict, Rule

FREQUENCIES = {"daily": None, "weekly": "W-FRI"}


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) rule of thumb for the HAC lag length."""
    return max(1, int(math.floor(4 * (n / 100.0) ** (2.0 / 9.0))))


def relative_and_changes(prices: pd.DataFrame, rates: pd.DataFrame, benchmark: str,
                         frequency: str = "daily") -> tuple[pd.DataFrame, pd.DataFrame]:
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


def hac_beta(y: pd.Series, x: pd.Series, maxlags: int | None = None) -> dict:
    """OLS of ``y`` on a constant and ``x`` with Newey-West standard errors.

    Returns beta, its HAC standard error, t-statistic, p-value and 95% interval,
    the intercept, R squared, observations, lags and the first/last date used.
    """
    both = pd.concat([y.rename("y"), x.rename("x")], axis=1).dropna()
    n = len(both)
    out = {"beta": np.nan, "se": np.nan, "t": np.nan, "p": np.nan, "ci_low": np.nan,
           "ci_high": np.nan, "alpha": np.nan, "r2": np.nan, "n": n, "lags": np.nan,
           "first": both.index.min() if n else pd.NaT, "last": both.index.max() if n else pd.NaT}
    if n < 10 or both["x"].std() == 0:
        return out
    lags = newey_west_lags(n) if maxlags is None else int(maxlags)
    fit = OLS(both["y"], add_constant(both["x"])).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    ci = fit.conf_int().loc["x"]
    out.update(beta=float(fit.params["x"]), se=float(fit.bse["x"]), t=float(fit.tvalues["x"]),
               p=float(fit.pvalues["x"]), ci_low=float(ci.iloc[0]), ci_high=float(ci.iloc[1]),
               alpha=float(fit.params["const"]), r2=float(fit.rsquared), lags=lags)
    return out


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
            rec.update(hac_beta(relative[t], changes[s]))
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


def regime_betas(relative: pd.DataFrame, changes: pd.DataFrame, regimes,
                 min_obs: int = 20) -> pd.DataFrame:
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


def wide_table(betas: pd.DataFrame) -> pd.DataFrame:
    """One row per ticker: beta and t for each (frequency, series) pair."""
    if betas.empty:
        return pd.DataFrame(columns=["Ticker"])
    b = betas.copy()
    b["key"] = (b["frequency"] + " " + b["series"]) if "frequency" in b else b["series"]
    order = list(dict.fromkeys(b["key"]))
    beta = b.pivot_table(index="ticker", columns="key", values="beta", sort=False, dropna=False)
    t = b.pivot_table(index="ticker", columns="key", values="t", sort=False, dropna=False)
    cols = {}
    for k in order:
        cols[f"{k} beta"] = beta[k]
        cols[f"{k} t"] = t[k]
    out = pd.DataFrame(cols).reindex(list(dict.fromkeys(b["ticker"])))
    return out.rename_axis("Ticker").reset_index()


def beta_sentence(row, ticker: str, benchmark: str, series_label: str, unit_bp: int = 100) -> str:
    """'IWM lagged SPY by 0.8 pp per +100 bp in DGS2 (HAC SE 0.6 pp, t = -1.3, 1,126 days ...)'."""
    from ..narrative import num
    if row is None or not np.isfinite(row["beta"]):
        return f"The beta of {ticker} against {benchmark} on {series_label} could not be estimated in this window."
    word = "gained on" if row["beta"] > 0 else "lagged"
    scale = unit_bp / 100.0
    return (f"For every +{unit_bp} bp move in {series_label}, {ticker} {word} {benchmark} by "
            f"{abs(row['beta']) * 100 * scale:.1f} pp on average (HAC standard error "
            f"{row['se'] * 100 * scale:.1f} pp, t = {num(row['t'], 2)}, {int(row['n']):,} observations "
            f"from {row['first']:%Y-%m-%d} to {row['last']:%Y-%m-%d}).")


def short_beta(row) -> str:
    """'-0.8 pp per +100 bp (t = -1.34)' for evidence sentences."""
    from ..narrative import num, pp
    if row is None or not np.isfinite(row["beta"]):
        return "n/a (not estimable)"
    return f"{pp(row['beta'])} per +100 bp (t = {num(row['t'], 2)})"


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


#: plain words for the grades of :func:`evidence_class`, used in report prose
GRADE_WORDS = {"for": "significant support", "weak": "the right direction but not significant",
               "against": "the wrong direction", "missing": "no estimate"}

#: how grades combine (:func:`combine_grades`), stated as a table a reader can check
GRADE_TABLE = ("any estimate missing: inconclusive; significant support and the wrong direction together: mixed; "
               "otherwise any significant support (the rest in the right direction): supported; any wrong "
               "direction (the rest not significant): not supported; only right-direction estimates that are "
               "not significant: inconclusive")


def combine_grades(grades) -> str:
    """Combine evidence grades by :data:`GRADE_TABLE`.

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


#: the row of :data:`GRADE_TABLE` that decides each combined verdict, in the table's own words
GRADE_TABLE_ROWS = {
    "missing": "an estimate is missing: inconclusive",
    ReportVerdict.MIXED: "significant support and the wrong direction together: mixed",
    ReportVerdict.SUPPORTED: "significant support with the rest in the right direction: supported",
    ReportVerdict.NOT_SUPPORTED: "the wrong direction with nothing significant in support: not supported",
    ReportVerdict.INCONCLUSIVE: "only right-direction estimates that are not significant: inconclusive"}


def graded_reading(named_grades: dict) -> str:
    """Each test's grade in plain words and the row of :data:`GRADE_TABLE` that combines them:
    'DGS2 beta: the right direction but not significant; high-yield spread beta: significant
    support; by the grade table, significant support with the rest in the right direction: supported'.

    Why: a claim's evidence must show how its verdict follows from the tests, with the
    same table the report's verdict rule states (never a rule of its own, such as
    "both significant would confirm", that the verdict then contradicts).
    """
    grades = list(named_grades.values())
    row = "missing" if not grades or "missing" in grades else combine_grades(grades)
    tests = "; ".join(f"{name}: {GRADE_WORDS.get(g, g)}" for name, g in named_grades.items())
    return f"{tests}; by the grade table, {GRADE_TABLE_ROWS[row]}"


def a3_claim(cuts_in_period: int, event_grade: str | None = None, n_events: int = 0,
             min_events: int = 3) -> str:
    """Claim A3 ("2026 cuts favour small caps"), judged on the cuts of its own period only:
    forecast pending while the part of 2026 in the window has no cut (the claim's condition
    has not happened); unverifiable with fewer than ``min_events`` measurable 2026 cuts;
    else the event test's grade by :data:`GRADE_TABLE` as a claim verdict."""
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


def thesis_rule(focus: str, benchmark: str, horizon: str, yield_series: str, min_events: int = 3) -> Rule:
    """The report's verdict rule on "small caps benefit from cuts", worded for this run's parameters.

    Args:
        focus, benchmark: the fund tested and what it is measured against.
        horizon: the event window, as the reader sees it ("20 trading days").
        yield_series: the Treasury yield of the beta test.
        min_events: fewer measurable cuts than this: inconclusive.
    Returns:
        A :class:`~rotation_utils.verdicts.Rule`; ``rule.apply(event_grade, beta_grade, n_events)``.
    """
    text = (f"supported if {focus} beats {benchmark} on average over {horizon} after cuts with a 95% interval above "
            f"zero AND its daily HAC beta to {yield_series} is negative with a 95% interval below zero; not "
            f"supported if both point the other way; inconclusive with fewer than {min_events} measurable cuts; "
            f"otherwise the two tests combine by this table: {GRADE_TABLE}")
    return Rule(text, lambda event_grade, beta_grade, n_events: thesis_verdict(event_grade, beta_grade, n_events,
                                                                               min_events))


CLAIM_FROM_VERDICT = {ReportVerdict.SUPPORTED: ClaimVerdict.CONFIRMED, ReportVerdict.NOT_SUPPORTED: ClaimVerdict.CONTRADICTED,
                      ReportVerdict.MIXED: ClaimVerdict.MIXED, ReportVerdict.INCONCLUSIVE: ClaimVerdict.UNVERIFIABLE}


# ---- tables as shown in a report ---------------------------------------------
# ``*_for_display`` helpers return (frame, formats): reader's headers with units, and
# keyword arguments for ``rotation_utils.tables.formatted``. Saved CSVs keep raw columns.
BETA_HEADER = "Beta (pp per +100 bp)"
SE_HEADER = "HAC SE (pp per +100 bp)"


def wide_table_for_display(betas: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """:func:`wide_table` with headers like 'Daily beta to DGS2 (pp per +100 bp)' and
    'Daily t-stat, DGS2' (without a frequency: 'Beta to DGS2 ...'); rows sorted by the
    first beta column, most negative first."""
    wide = wide_table(betas)
    names, beta_cols, t_cols = {"Ticker": "Ticker"}, [], []
    for c in wide.columns[1:]:
        key, kind = c.rsplit(" ", 1)
        freq, series = key.split(" ", 1) if " " in key else ("", key)
        if kind == "beta":
            names[c] = f"{freq.capitalize() + ' beta' if freq else 'Beta'} to {series} (pp per +100 bp)"
            beta_cols.append(names[c])
        else:
            names[c] = f"{freq.capitalize()} t-stat, {series}".strip()
            t_cols.append(names[c])
    out = wide.rename(columns=names)
    if beta_cols:
        out = out.sort_values(beta_cols[0], kind="stable").reset_index(drop=True)
    return out, {"pp": beta_cols, "num": t_cols, "digits": 1}


def betas_for_display(tab: pd.DataFrame, series_labels: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """A :func:`beta_table` / :func:`regime_betas` frame as a reader's table: regime or
    ticker, what the beta is measured against (``series_labels`` maps FRED ids to the
    words of the report's sentences, e.g. 'the 10y-2y slope'),
    beta and HAC standard error in pp per +100 bp, t-stat, observations and the dates."""
    labels = series_labels or {}
    cols = [c for c in ("regime", "ticker", "series", "beta", "se", "t", "n", "first", "last") if c in tab]
    out = tab[cols].copy()
    if "se" in out:
        out["se"] = out["se"] * 100  # fraction per +1 pp -> pp per +100 bp
    if "series" in out:
        out["series"] = [f"{labels[s].removeprefix('the ')} ({s})" if s in labels else s for s in out["series"]]
    for c in ("first", "last"):
        if c in out:
            out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d").fillna("")
    if "n" in out:
        out["n"] = out["n"].astype("Int64")
    obs = "Weeks" if set(tab.get("frequency", [])) == {"weekly"} else "Trading days"
    out = out.rename(columns={"regime": "Regime", "ticker": "Ticker", "series": "Against",
                              "beta": BETA_HEADER, "se": SE_HEADER, "t": "t-stat", "n": obs,
                              "first": "First day", "last": "Last day"})
    return out, {"pp": [BETA_HEADER], "num": [SE_HEADER, "t-stat"], "digits": 1}


def require_series(prices: pd.DataFrame, rates: pd.DataFrame, benchmark: str, focus: str, yield_series: str) -> None:
    """Stop with a one-line error when the headline inputs are missing: without the
    benchmark, the focus ticker or the yield series there is no relative return to
    regress and no headline beta (the provenance table shows what was served)."""
    if benchmark not in prices.columns or focus not in prices.columns or yield_series not in rates.columns:
        raise BadInputError(f"the data have no {benchmark}, {focus} or {yield_series}: see the table below")


def headline_metric_rows(head_beta, event_stats: dict, focus: str, benchmark: str, yield_series: str,
                         window_label: str) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``, in scorecard order.

    The focus ticker's daily yield beta (pp per +100 bp) and its mean relative returns
    after each decision type come first (the index page shows the first ones), then the
    beta's HAC standard error, the other tickers' means, and the number of events behind
    each mean. ``event_stats`` maps ``(ticker, decision)`` to ``events.stats_for`` rows.
    """
    from ..narrative import plural

    def mean_row(t, g, st):
        return (f"{t}_mean_rel_after_{g}s", st["mean"] * 100, "pp",
                f"{t} minus {benchmark}: mean {window_label} return after {plural(int(st['n']), g)}")
    rows = [(f"{focus}_beta_{yield_series}", head_beta["beta"] * 100, "pp per +100 bp",
             f"{focus} minus {benchmark}: daily beta to {yield_series}, {head_beta['first']:%Y-%m-%d} to {head_beta['last']:%Y-%m-%d}")]
    rows += [mean_row(t, g, st) for (t, g), st in event_stats.items() if t == focus]
    rows.append((f"{focus}_beta_{yield_series}_se", head_beta["se"] * 100, "pp per +100 bp",
                 "HAC (Newey-West) standard error of that beta"))
    rows += [mean_row(t, g, st) for (t, g), st in event_stats.items() if t != focus]
    rows += [(f"{t}_{g}_events", int(st["n"]), "events", f"{g} decisions measured for {t} over {window_label}")
             for (t, g), st in event_stats.items()]
    return rows
