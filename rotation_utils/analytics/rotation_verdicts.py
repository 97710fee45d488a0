"""Claim and report verdicts for the rotation report: the stated rules that turn the
measurements of :mod:`rotation_utils.analytics.rotation` into verdicts.

- ``timing_check``: did leadership turn late in 2025 and accelerate in early 2026 (B4)?
- ``target_verdict``: the Russell 2000 target for the end of 2026 (A1);
- ``mega_cap_year_check``: were 2025's gains carried by the mega caps (B3)?
- ``rotation_verdict``: the report's overall verdict; ``claim_from_parts`` combines checks.

Why a module of its own: the measurements stay in ``rotation``; each rule here is
written once in its docstring and tested on small frames, so a reader checking a
verdict finds the rule without the maths around it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..verdicts import ClaimVerdict, ReportVerdict
from .rotation import (
    LEAD,
    CalendarYear,
    HeadlineSpreads,
    pair_regime,
    regime_flips,
    relative_return,
    rolling_relative_percentile,
    state_on,
    year_end_close,
)


def timing_check(
    num: pd.Series,
    den: pd.Series,
    state: pd.Series,
    late=("2025-10-01", "2025-12-31"),
    burst=("2025-12-31", "2026-01-16"),
    pace_window=("2025-09-30", "2025-12-31"),
    percentile_cut: float = 0.9,
) -> dict:
    """Did leadership turn to ``num`` late in 2025, and did it accelerate in early January 2026?

    Rule (stated in the report):
    - *began late*: the timing rule's state turned to +1 inside ``late`` and was
      still +1 at its end (or was +1 at the end of ``late`` after a flip in it);
    - *accelerated*: the relative return over ``burst`` (close to close) is
      positive, its pace per trading day beats the pace over ``pace_window``, and it
      ranks at or above ``percentile_cut`` among same-length windows of the prior
      five years.
    Parts are ``None`` when the data do not cover the dates.
    """
    both = pd.concat([num, den], axis=1, keys=["n", "d"]).dropna()
    l0, l1 = pd.Timestamp(late[0]), pd.Timestamp(late[1])
    b0, b1 = pd.Timestamp(burst[0]), pd.Timestamp(burst[1])
    p0, p1 = pd.Timestamp(pace_window[0]), pd.Timestamp(pace_window[1])
    out = {
        "began_late": None,
        "accelerated": None,
        "flip_date": None,
        "burst_relative": np.nan,
        "burst_days": 0,
        "pace_relative": np.nan,
        "pace_days": 0,
        "burst_percentile": np.nan,
    }
    if both.empty:
        return out
    last = both.index[-1]
    if last >= l1:
        flips = regime_flips(state.loc[:l1], since=l0, until=l1)
        ups = flips[flips["to"] == LEAD]
        out["flip_date"] = ups["date"].iloc[-1] if len(ups) else None
        out["began_late"] = bool(len(ups) > 0 and state_on(state, l1) > 0)
    if last >= b1:
        out["burst_relative"] = relative_return(both["n"], both["d"], b0, b1)
        out["burst_days"] = int(len(both.loc[b0:b1]) - 1)
        out["pace_relative"] = relative_return(both["n"], both["d"], p0, p1)
        out["pace_days"] = int(len(both.loc[p0:p1]) - 1)
        out["burst_percentile"] = rolling_relative_percentile(
            both["n"], both["d"], out["burst_relative"], out["burst_days"], b0
        )
        faster = out["burst_relative"] / max(out["burst_days"], 1) > out["pace_relative"] / max(out["pace_days"], 1)
        out["accelerated"] = bool(out["burst_relative"] > 0 and faster and out["burst_percentile"] >= percentile_cut)
    return out


def claim_from_parts(parts: list) -> str:
    """Claim verdict from a list of True/False/None checks: all True -> confirmed,
    all False -> contradicted, any None -> unverifiable, otherwise mixed."""
    if not parts or any(p is None for p in parts):
        return ClaimVerdict.UNVERIFIABLE
    if all(parts):
        return ClaimVerdict.CONFIRMED
    if not any(parts):
        return ClaimVerdict.CONTRADICTED
    return ClaimVerdict.MIXED


class VerdictTally(NamedTuple):
    """What the report verdict was decided on (``story.rotation`` words it as the reason).

    Attributes:
        days, min_days: trading days in the window and the minimum the rule needs.
        missing: the spreads without a figure (empty when all were measured).
        positive, spreads: spreads above zero, and how many were weighed.
        sub_positive, sub_windows: sub-windows in which the lead spread was positive, of how many.
    """

    days: int
    min_days: int
    missing: list
    positive: int
    spreads: int
    sub_positive: int
    sub_windows: int


def rotation_verdict(spreads: dict, sub_spreads: pd.Series, min_days: int, days: int) -> tuple[str, VerdictTally]:
    """Overall verdict on "the rotation is under way" over a window.

    Args:
        spreads: window relative returns (e.g. IWM-SPY, IJH-SPY, Other 493 - Mag 7).
        sub_spreads: the lead spread in equal sub-windows.
        min_days: the shortest window the rule judges; days: the window's trading days.
    Returns:
        ``(verdict, tally)``. Rule: inconclusive if the window is shorter than ``min_days``
        trading days or a spread is missing; supported if every spread is positive and the
        lead spread is positive in at least two thirds of the sub-windows; not supported if
        at most one spread is positive; mixed otherwise.
    """
    vals = list(spreads.values())
    missing = [k for k, v in spreads.items() if v is None or v != v]
    positive = sum(v > 0 for v in vals) if not missing else 0
    sub_pos = int((sub_spreads > 0).sum())
    tally = VerdictTally(days, min_days, missing, positive, len(vals), sub_pos, len(sub_spreads))
    if days < min_days or not vals or missing:
        return ReportVerdict.INCONCLUSIVE, tally
    need = int(np.ceil(len(sub_spreads) * 2 / 3))
    if positive == len(vals) and sub_pos >= need:
        return ReportVerdict.SUPPORTED, tally
    if positive <= 1:
        return ReportVerdict.NOT_SUPPORTED, tally
    return ReportVerdict.MIXED, tally


def target_verdict(levels: pd.Series, target: float, base_year: int = 2025, target_year: int = 2026) -> str:
    """Claim verdict for "the index reaches ``target`` by the end of ``target_year``".

    Rule: unverifiable without the ``base_year`` close; once a ``target_year`` close
    exists, confirmed if the latest close is at or above ``target``, else
    contradicted (the report marks it provisional until the ``target_year``
    year-end close, like every forward claim judged on part of its year); forecast
    pending before ``target_year`` starts."""
    s = levels.dropna()
    if year_end_close(s, base_year)[1] is None:
        return ClaimVerdict.UNVERIFIABLE
    close, day = year_end_close(s, target_year)
    if day is None:
        in_year = s[s.index.year == target_year]
        if in_year.empty:
            return ClaimVerdict.FORECAST_PENDING
        close = float(in_year.iloc[-1])
    return ClaimVerdict.CONFIRMED if close >= target else ClaimVerdict.CONTRADICTED


def mega_cap_year_check(
    year_returns: pd.Series, member_returns: pd.Series, benchmark: pd.Series, year: int = 2025, band: float = 0.05
) -> dict:
    """Claim B3's rule for one calendar year.

    *carried*: the Mag 7 (cap) basket beat the Other 493 (cap) basket and the
    benchmark closed at a record during the year; *sideways*: the median Other
    493 member's total return for the year lies within +/- ``band``.
    ``year_returns`` is indexed by name (needs ``Mag 7 (cap)``, ``Other 493 (cap)``).
    """
    b = benchmark.dropna()
    prior = b[b.index.year < year]
    record = bool(len(prior) and b[b.index.year == year].max() > prior.max())
    lead = year_returns.get("Mag 7 (cap)", np.nan) - year_returns.get("Other 493 (cap)", np.nan)
    carried = bool(lead > 0 and record) if lead == lead else None
    median = float(member_returns.median()) if len(member_returns) else np.nan
    sideways = bool(abs(median) <= band) if median == median else None
    return {
        "record": record,
        "mag7_lead": lead,
        "carried": carried,
        "median_member": median,
        "members": int(member_returns.notna().sum()),
        "sideways": sideways,
        "verdict": claim_from_parts([carried, sideways]),
    }


class VerdictSpreads(NamedTuple):
    """The spreads the report verdict weighs (label -> fraction) and the series behind each."""

    spreads: dict
    legs: dict


def verdict_spreads(
    core: pd.DataFrame,
    panel: pd.DataFrame,
    basket_names,
    benchmark: str,
    start,
    end,
    heads: HeadlineSpreads,
) -> VerdictSpreads:
    """The three spreads the report verdict weighs, and the series behind each.

    Returns :class:`VerdictSpreads` ``(spreads, legs)``: ``spreads`` maps 'IWM - benchmark', 'IJH - benchmark' and
    the Other 493 - Mag 7 line to a relative return (fraction); ``legs`` maps the same
    labels to the series they need (to explain a missing spread). Without market caps
    (``heads.other_mag7_start`` is NaN) the Other 493 line falls back to the equal-weighted baskets of
    ``panel``, labelled as such, rather than dropping out of the verdict.
    """
    o_m_label, o_m_v = "Other 493 - Mag 7 (cap)", heads.other_mag7_start
    if o_m_v != o_m_v:
        o_m_label = "Other 493 - Mag 7 (equal; no caps)"
        o_m_v = relative_return(panel["Other 493 (equal)"], panel["Mag 7 (equal)"], start, end)
    spreads = {
        f"IWM - {benchmark}": heads.iwm_start,
        f"IJH - {benchmark}": relative_return(core["IJH"], core[benchmark], start, end),
        o_m_label: o_m_v,
    }
    legs = {
        f"IWM - {benchmark}": ["IWM", benchmark],
        f"IJH - {benchmark}": ["IJH", benchmark],
        o_m_label: list(basket_names),
    }
    return VerdictSpreads(spreads, legs)


# ---- named steps of the report's cells -------------------------------------------
#: the funds whose timing claim B4 is about (RSP is shown beside them)
TIMING_FUNDS = ("IWM", "IJH")
TIMING_SHOWN = ("IWM", "IJH", "RSP")


def timing_checks(core: pd.DataFrame, benchmark: str, fast: int, slow: int, last_day, funds=TIMING_SHOWN) -> dict:
    """:func:`timing_check` of each fund against ``benchmark`` with the moving-average rule's state."""
    return {
        f: timing_check(core[f], core[benchmark], pair_regime(core[f], core[benchmark], fast, slow, last_day)["state"])
        for f in funds
    }


def timing_table(checks: dict) -> pd.DataFrame:
    """Claim B4's table (saved as CSV): one row per fund of :func:`timing_checks`."""
    return pd.DataFrame(
        [
            {
                "Fund": f,
                "Rule turned in Q4 2025": v["flip_date"],
                "Began late 2025": v["began_late"],
                "Q4 2025 relative": v["pace_relative"],
                "2025-12-31 to 2026-01-16 relative": v["burst_relative"],
                "Percentile vs prior 5 years": v["burst_percentile"],
                "Accelerated": v["accelerated"],
            }
            for f, v in checks.items()
        ]
    )


def timing_verdict(checks: dict, funds=TIMING_FUNDS) -> str:
    """Claim B4's verdict: :func:`claim_from_parts` of *began late* and *accelerated* for ``funds``."""
    return claim_from_parts([checks[f][k] for f in funds for k in ("began_late", "accelerated")])


def mega_cap_year(year: CalendarYear | None, benchmark: pd.Series) -> dict:
    """Claim B3: :func:`mega_cap_year_check` of the calendar year, or an unverifiable verdict
    (``{"verdict": ...}`` only) when the window does not reach the year's close."""
    if year is None:
        return {"verdict": ClaimVerdict.UNVERIFIABLE}
    return mega_cap_year_check(year.series, year.members, benchmark, year.year)
