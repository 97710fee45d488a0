"""Claim tests and the verdict logic of the valuation report (claims A6, B1, B2 and the thesis).

Why a module of its own: each rule is written once here, in its docstring, and
tested on small inputs; the rule's printed text and the evidence sentences are in
:mod:`rotation_utils.story.valuation` (``VERDICT_RULE`` joins the text to
:func:`thesis_verdict`). Each claim is judged on the figure of its own period
inside the window (:func:`claim_period_figures`), never on the run's latest version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..verdicts import ClaimVerdict, ReportVerdict
from .valuation import ALL_GROUP, GroupFigures
from .valuation_small_caps import relative_level

#: article B's figures (claim B1): the S&P 500 "past 30x", the Russell 2000 "near 18x"
ARTICLE_SP500_PE = 30.0
ARTICLE_R2000_PE = 18.0


# ---- the report's thesis ----------------------------------------------------------
def thesis_verdict(figures: GroupFigures, small_pe: float) -> ReportVerdict:
    """The logic of the report's verdict rule (worded in ``story.valuation.VERDICT_RULE``).

    Rule: inconclusive without the three S&P 500 group P/Es or without a measured
    small-cap P/E (the thesis is about small caps); otherwise one leg for the
    small-cap P/E below the S&P 500's and one for the Other 493's below the
    Magnificent 7's: both supported, one mixed, neither not supported.
    """
    if not figures.measured:
        return ReportVerdict.INCONCLUSIVE
    b_leg = figures.other493 < figures.mag7  # the Other 493 cheaper than the Magnificent 7
    if not math.isfinite(small_pe):
        return ReportVerdict.INCONCLUSIVE
    a_leg = small_pe < figures.sp500
    if a_leg and b_leg:
        return ReportVerdict.SUPPORTED
    return ReportVerdict.MIXED if (a_leg or b_leg) else ReportVerdict.NOT_SUPPORTED


# ---- claim rules ----------------------------------------------------------------
def small_cap_claim(small_pe: float, large_pe: float) -> str:
    """A6: small caps cheaper than large caps. Unverifiable without a measured small-cap P/E."""
    if not (small_pe is not None and math.isfinite(small_pe) and math.isfinite(large_pe)):
        return ClaimVerdict.UNVERIFIABLE
    return ClaimVerdict.CONFIRMED if small_pe < large_pe else ClaimVerdict.CONTRADICTED


def trailing_30x_claim(sp500_trailing_pe: float, claimed: float = ARTICLE_SP500_PE, tol: float = 0.1) -> str:
    """B1's S&P 500 side: 'past 30x' labelled forward.

    Our figure is trailing; if it is within ``tol`` of (or above) the claimed level
    the number fits a trailing measure but not the forward one the article names
    ('mixed'); if it is well below, neither reading fits ('contradicted').
    """
    if sp500_trailing_pe is None or not math.isfinite(sp500_trailing_pe):
        return ClaimVerdict.UNVERIFIABLE
    return ClaimVerdict.MIXED if sp500_trailing_pe >= claimed * (1 - tol) else ClaimVerdict.CONTRADICTED


def distance_from_claim(sp500_pe: float, claimed: float = ARTICLE_SP500_PE) -> float:
    """How many P/E points the run's trailing S&P 500 figure is above (+) or below (-) the article's."""
    return sp500_pe - claimed


# ---- each claim on its own period -------------------------------------------------
@dataclass(frozen=True)
class PeriodPe:
    """The S&P 500 P/E on the latest version inside one claim's covered period.

    Attributes:
        version: that version (None when the period holds none in the window).
        pe: its aggregate P/E (NaN without one).
        label: the claim period's label (``periods.Period.label``).
    """

    version: pd.Timestamp | None
    pe: float
    label: str = ""


@dataclass(frozen=True)
class ClaimFigures:
    """The figures claims A6, B1 and B2 are judged on.

    Attributes:
        a6, b1: :class:`PeriodPe` of each claim's period.
        b2: :func:`~.valuation_small_caps.relative_level` of ^RUT/^GSPC on the last day of
            B2's covered part ({} when the window has none of B2's period).
    """

    a6: PeriodPe
    b1: PeriodPe
    b2: dict


def pe_in_period(hist: pd.DataFrame, start, end, group: str = ALL_GROUP) -> tuple:
    """``(version, P/E)`` of ``group`` on the latest version of a ``pe_history`` frame inside
    [start, end] (a claim's period inside the window); ``(None, NaN)`` when there is none."""
    if start is None or end is None or hist.empty:
        return None, np.nan
    h = hist[(hist["group"] == group) & hist["as_of"].between(pd.Timestamp(start), pd.Timestamp(end))]
    h = h.dropna(subset=["pe"])
    if h.empty:
        return None, np.nan
    last = h.sort_values("as_of").iloc[-1]
    return last["as_of"], float(last["pe"])


def claim_period_figures(hist: pd.DataFrame, ratio: pd.Series, coverage) -> ClaimFigures:
    """The S&P 500 P/E on the latest version inside A6's and B1's covered parts, and the
    ^RUT/^GSPC ratio on the last day of B2's covered part.

    Args:
        hist: ``valuation.pe_history`` of the run.
        ratio: the ^RUT/^GSPC ratio (``valuation_small_caps.price_ratio``).
        coverage: claim id -> :class:`rotation_utils.periods.Coverage` (``Report.coverage``).
    Why: the run's latest version or day would judge a claim about 2025 or the
    article's date on a figure from outside its period.
    """
    own = {}
    for cid in ("A6", "B1"):
        cov = coverage(cid)
        own[cid] = PeriodPe(*pe_in_period(hist, cov.covered_start, cov.covered_end), cov.period.label)
    end = coverage("B2").covered_end
    return ClaimFigures(own["A6"], own["B1"], relative_level(ratio, end) if end is not None else {})


@dataclass(frozen=True)
class ClaimTests:
    """The verdicts on A6 (small caps cheaper, on A6's period) and B1 (the S&P 500's 'past 30x')."""

    a6: ClaimVerdict
    b1: ClaimVerdict
    b2: ClaimVerdict = ClaimVerdict.UNVERIFIABLE  # no small-cap earnings history in the data


def claim_tests(small_pe: float, own: ClaimFigures, claimed_sp500: float = ARTICLE_SP500_PE) -> ClaimTests:
    """A6 and B1 judged on the figures of their own periods (:func:`claim_period_figures`)."""
    return ClaimTests(small_cap_claim(small_pe, own.a6.pe), trailing_30x_claim(own.b1.pe, claimed_sp500))
