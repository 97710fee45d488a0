"""Claim and report verdicts for the earnings race: the stated rules that turn the
growth and margin tables of :mod:`rotation_utils.analytics.earnings` into verdicts on
claim A4 (Q3 2025 growth, Mag 7 vs Other 493), the forecast claims A5, B8 and A2, and
the report's overall verdict. The rules' text and the evidence sentences are in
:mod:`rotation_utils.story.earnings` (``thesis_rule`` joins the text to :func:`thesis_test`).

Why a module of its own: the aggregates stay in ``earnings``; each rule here is
written once in its docstring and tested on small frames, so a reader checking a
verdict finds the rule without the statement handling around it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..verdicts import ClaimVerdict, ReportVerdict
from .earnings import group_value


@dataclass(frozen=True)
class ForecastTests:
    """What the data says on the forecast claims A5, B8 and A2 (worded by
    :func:`rotation_utils.story.earnings.forecast_table`).

    Attributes:
        year: the forecast year.
        window_end: the run's last day (None: the latest data).
        before_year: True when the window ends before ``year`` begins (nothing measurable).
        complete: ``year`` is complete for both groups (same-company coverage).
        mag7, other493: their growth in ``year`` (NaN when not measured).
        prev, cur: ``russell_coverage`` of ``year - 1`` and ``year`` ({} when not read).
        min_coverage: IWM weight share the statements must cover.
        coverage_ok: the ``year - 1`` statements cover at least ``min_coverage``.
        verdicts: ``{"A5": ..., "B8": ..., "A2": ...}``.
    """

    year: int
    window_end: pd.Timestamp | None
    before_year: bool
    complete: bool
    mag7: float
    other493: float
    prev: dict
    cur: dict
    min_coverage: float
    coverage_ok: bool
    verdicts: dict


def forecast_tests(
    growth: pd.DataFrame, russell: dict, min_coverage: float = 0.8, year: int = 2026, window_end=None
) -> ForecastTests:
    """Status of the forecast claims A5, B8 and A2 against what the data now holds.

    ``russell``: ``{year: russell_coverage(...)}`` for ``year - 1`` and ``year``.
    A5 (Other 493 earnings growth far above the Mag 7's in ``year``) is checked
    on the ordering once ``year`` is complete for both groups. B8 (Russell 2000
    earnings +22% to +35%) and A2 (net margin from 3% to 5%) need Russell 2000
    statements: unverifiable when those cover less than ``min_coverage`` of IWM's
    weight, pending while ``year`` is incomplete. A window that ends before
    ``year`` begins (``window_end``) cannot measure any of them: all three are
    unverifiable.
    """
    end = None if window_end is None else pd.Timestamp(window_end)
    if end is not None and end < pd.Timestamp(year, 1, 1):
        none = dict.fromkeys(("A5", "B8", "A2"), ClaimVerdict.UNVERIFIABLE)
        return ForecastTests(year, end, True, False, np.nan, np.nan, {}, {}, min_coverage, False, none)
    g = growth[growth["year"] == year]
    complete = bool(len(g)) and bool(g["complete"].all())
    m, o = group_value(growth, "Mag 7", year), group_value(growth, "Other 493", year)
    a5_ok = (o > m) if complete and np.isfinite(m) and np.isfinite(o) else None
    prev, cur = russell.get(year - 1, {}), russell.get(year, {})
    cov_ok = prev.get("weight_share", 0) >= min_coverage
    cur_ok = cov_ok and cur.get("weight_share", 0) >= min_coverage
    b8_ok = (0.22 <= cur.get("growth_covered", np.nan) <= 0.35) if cur_ok else None
    a2_ok = (cur.get("net_margin_covered", 0) >= 0.05) if cur_ok else None
    verdicts = {
        "A5": forecast_verdict(complete, True, a5_ok),
        "B8": forecast_verdict(cur_ok, cov_ok, b8_ok),
        "A2": forecast_verdict(cur_ok, cov_ok, a2_ok),
    }
    return ForecastTests(year, end, False, complete, m, o, prev, cur, min_coverage, cov_ok, verdicts)


def earnings_race_verdict(
    growth: pd.DataFrame, year: int, claimed_mag7: float, claimed_other: float, tol: float = 0.05
) -> tuple[str, dict]:
    """Verdict on a realised growth claim for the Mag 7 and the Other 493 in ``year``.

    Rule: unverifiable when ``year`` is not complete for both groups; contradicted
    when the ordering (which group grew faster) differs from the claim's;
    confirmed when the ordering matches and both growth rates are within ``tol``
    (5 pp) of the claimed ones; mixed when the ordering matches but a size differs.
    """
    g = growth[(growth["year"] == year)].set_index("group")
    if not {"Mag 7", "Other 493"} <= set(g.index) or not g.loc[["Mag 7", "Other 493"], "complete"].all():
        return ClaimVerdict.UNVERIFIABLE, {}
    m, o = float(g.at["Mag 7", "growth"]), float(g.at["Other 493", "growth"])
    if not (np.isfinite(m) and np.isfinite(o)):
        return ClaimVerdict.UNVERIFIABLE, {}
    vals = {"mag7": m, "other493": o}
    if np.sign(m - o) != np.sign(claimed_mag7 - claimed_other):
        return ClaimVerdict.CONTRADICTED, vals
    close = abs(m - claimed_mag7) <= tol and abs(o - claimed_other) <= tol
    return (ClaimVerdict.CONFIRMED if close else ClaimVerdict.MIXED), vals


def forecast_verdict(year_complete: bool, coverage_ok: bool = True, realised_ok=None) -> str:
    """Verdict on a forecast: 'unverifiable' when the data cannot ever measure it
    (coverage too thin), 'forecast pending' while the forecast year is incomplete,
    else confirmed/contradicted by ``realised_ok``."""
    if not coverage_ok:
        return ClaimVerdict.UNVERIFIABLE
    if not year_complete or realised_ok is None:
        return ClaimVerdict.FORECAST_PENDING
    return ClaimVerdict.CONFIRMED if realised_ok else ClaimVerdict.CONTRADICTED


@dataclass(frozen=True)
class ThesisTest:
    """What the report's verdict rests on (see :func:`thesis_test`).

    Attributes:
        year: the latest complete fiscal year (None without one).
        mag7, other493: same-company net income growth of the two groups in ``year`` (NaN if absent).
        margin_change: the basket's median operating-margin change (NaN if not measurable).
        with_data: the basket's members with statements for both years.
        verdict: the :class:`ReportVerdict` the rule gives.
    """

    year: int | None
    mag7: float
    other493: float
    margin_change: float
    with_data: int
    verdict: ReportVerdict

    @property
    def race_measured(self) -> bool:
        return bool(np.isfinite(self.mag7) and np.isfinite(self.other493))

    @property
    def margin_measured(self) -> bool:
        return bool(np.isfinite(self.margin_change))


def thesis_test(growth: pd.DataFrame, latest: list, basket_changes: pd.DataFrame, basket: str) -> ThesisTest:
    """The logic of the report's verdict rule (worded in ``story.earnings.thesis_rule``).

    Rule: inconclusive if the earnings race in the latest complete year or the
    basket's median operating-margin change cannot be measured; otherwise one
    point for the Other 493 outgrowing the Mag 7 and one for a rising median
    margin: 2 supported, 1 mixed, 0 not supported.
    """
    y = latest[-1] if latest else None
    m, o = (group_value(growth, "Mag 7", y), group_value(growth, "Other 493", y)) if y else (np.nan, np.nan)
    row = basket_changes[basket_changes["basket"] == basket]
    h = row["median_operating_margin_change"].iloc[0] if len(row) else np.nan
    n = int(row["with_data"].iloc[0]) if len(row) and "with_data" in row else 0
    if not (np.isfinite(m) and np.isfinite(o) and np.isfinite(h)):
        value = ReportVerdict.INCONCLUSIVE
    else:
        score = int(o > m) + int(h > 0)
        value = {2: ReportVerdict.SUPPORTED, 1: ReportVerdict.MIXED, 0: ReportVerdict.NOT_SUPPORTED}[score]
    return ThesisTest(y, float(m), float(o), float(h), n, value)
