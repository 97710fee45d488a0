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

import numpy as np
import pandas as pd

from ..narrative import compare, pct
from ..verdicts import ClaimVerdict, ReportVerdict, Rule
from .rotation import LEAD, regime_flips, relative_return, rolling_relative_percentile, state_on, year_end_close


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


def rotation_verdict(
    spreads: dict, sub_spreads: pd.Series, min_days: int, days: int, reasons: dict | None = None
) -> tuple[str, str]:
    """Overall verdict on "the rotation is under way" over a window.

    ``spreads``: window relative returns (e.g. IWM-SPY, IJH-SPY, Other 493 - Mag 7);
    ``sub_spreads``: the lead spread in equal sub-windows. Returns (value, reason).
    Rule: inconclusive if the window is shorter than ``min_days`` trading days or a
    spread is missing; supported if every spread is positive and the lead spread is
    positive in at least two thirds of the sub-windows; not supported if at most one
    spread is positive; mixed otherwise. ``reasons`` (spread -> why it is missing)
    are appended to the inconclusive reason so the reader learns what the data lack.
    """
    vals = list(spreads.values())
    if days < min_days:
        return ReportVerdict.INCONCLUSIVE, f"the window has {days} trading days, fewer than {min_days}"
    gaps = [k for k, v in spreads.items() if v is None or v != v]
    if not vals or gaps:
        why = "; ".join(dict.fromkeys((reasons or {})[k] for k in gaps if (reasons or {}).get(k)))
        return ReportVerdict.INCONCLUSIVE, (
            f"no data for {', '.join(gaps) or 'any spread'} over the window" + (f": {why}" if why else "")
        )
    positive = sum(v > 0 for v in vals)
    sub_pos = int((sub_spreads > 0).sum())
    need = int(np.ceil(len(sub_spreads) * 2 / 3))
    if positive == len(vals) and sub_pos >= need:
        return (
            ReportVerdict.SUPPORTED,
            f"all {len(vals)} spreads positive; lead spread positive in {sub_pos} of {len(sub_spreads)} sub-windows",
        )
    if positive <= 1:
        return ReportVerdict.NOT_SUPPORTED, f"{positive} of {len(vals)} spreads positive"
    return ReportVerdict.MIXED, (
        f"{positive} of {len(vals)} spreads positive; lead spread positive in "
        f"{sub_pos} of {len(sub_spreads)} sub-windows"
    )


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


def describe_target(tgt: dict, target: float, implied_gain: float, name: str = "^RUT") -> str:
    """Claim A1's evidence sentence from an :func:`~rotation_utils.analytics.rotation.index_target` result.

    Above the target it says "already above the target by x%" with x = level / target - 1;
    below, "x% short of the target" with x = target / level - 1 (the gain still needed).
    """
    text = f"On {tgt['latest_date']:%Y-%m-%d} {name} closed at {tgt['latest']:,.2f}, "
    if tgt["latest"] >= target:
        text += f"already above the {target:,.0f} target by {pct(tgt['vs_target'], sign=False)}"
    else:
        text += f"{pct(tgt['gain_needed'], sign=False)} short of the {target:,.0f} target (the gain still needed)"
    if tgt["base_date"] is not None:
        text += (
            f"; its 2025 year-end close {tgt['base_close']:,.0f} is {pct(abs(tgt['base_vs_implied']), sign=False)} "
            f"{'above' if tgt['base_vs_implied'] > 0 else 'below'} the implied base {tgt['implied_base']:,.0f}, "
            f"so the target implies {pct(tgt['gain_implied_by_actual_base'])} for 2026 "
            f"(article: about {pct(implied_gain)})."
        )
    else:
        text += "; the window does not reach the 2025 year-end close, so the implied base cannot be checked."
    return text


def target_caveat(a1: dict) -> str | None:
    """The caveat on claim A1 as recorded (a results.json claim): while its verdict is
    provisional, say it holds only until the year-end close; None once the year is
    complete in the data or when the window cannot test the claim (its evidence says why)."""
    if not a1.get("provisional"):
        return None
    period = a1.get("period") or {}
    target = (a1.get("values") or {}).get("target")
    what = f"the {target:,.0f} target" if isinstance(target, (int, float)) else "the index target"
    return (
        f"A1 is judged so far on {period.get('covered_start')} to {period.get('covered_end')}: {what} is for "
        f"the close of {period.get('end')}, so its {a1['verdict']} verdict is provisional until then."
    )


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


# The report verdict's rule as printed and stored in results.json, and the logic it applies.
ROTATION_RULE = Rule(
    "supported if IWM, IJH and the Other 493 (cap) all beat their comparators over the window and "
    "IWM beat the benchmark in at least 2 of 3 sub-windows; not supported if at most one does; else "
    "mixed; inconclusive for a window too short or a spread without data",
    rotation_verdict,
)


def verdict_spreads(
    core: pd.DataFrame,
    panel: pd.DataFrame,
    basket_names,
    benchmark: str,
    start,
    end,
    iwm_start: float,
    o_m_start: float,
) -> tuple[dict, dict]:
    """The three spreads the report verdict weighs, and the series behind each.

    Returns ``(spreads, legs)``: ``spreads`` maps 'IWM - benchmark', 'IJH - benchmark' and
    the Other 493 - Mag 7 line to a relative return (fraction); ``legs`` maps the same
    labels to the series they need (to explain a missing spread). Without market caps
    (``o_m_start`` is NaN) the Other 493 line falls back to the equal-weighted baskets of
    ``panel``, labelled as such, rather than dropping out of the verdict.
    """
    o_m_label, o_m_v = "Other 493 - Mag 7 (cap)", o_m_start
    if o_m_v != o_m_v:
        o_m_label = "Other 493 - Mag 7 (equal; no caps)"
        o_m_v = relative_return(panel["Other 493 (equal)"], panel["Mag 7 (equal)"], start, end)
    spreads = {
        f"IWM - {benchmark}": iwm_start,
        f"IJH - {benchmark}": relative_return(core["IJH"], core[benchmark], start, end),
        o_m_label: o_m_v,
    }
    legs = {
        f"IWM - {benchmark}": ["IWM", benchmark],
        f"IJH - {benchmark}": ["IJH", benchmark],
        o_m_label: list(basket_names),
    }
    return spreads, legs


def describe_mega_cap_year(check: dict, year_returns: pd.Series, benchmark: str) -> str:
    """Claim B3's evidence sentence from a :func:`mega_cap_year_check` result and the
    calendar-2025 returns (``year_returns``: fractions by series, with RSP, IWM, IJH and
    ^GSPC), set against royceinvest's published 2025 figures (Russell 2000 total return
    +12.8%, S&P 500 price return +16.4%) so a reader can compare the two sources."""
    y = year_returns
    return (
        f"In 2025 {compare('the Mag 7 (cap)', check['mag7_lead'], b_name='the Other 493 (cap)')} "
        f"and {benchmark} {'set' if check['record'] else 'did not set'} a record close; the median Other 493 member returned "
        f"{pct(check['median_member'])} ({check['members']} members with prices), RSP {pct(y['RSP'])}, "
        f"IWM {pct(y['IWM'])} and IJH {pct(y['IJH'])}: "
        f"{'sideways' if check['sideways'] else 'not sideways'} by the ±5% rule. For reference, royceinvest reports a Russell 2000 "
        f"total return of +12.8% and an S&P 500 price return of +16.4% for 2025; here IWM {pct(y['IWM'])} and ^GSPC {pct(y['^GSPC'])}."
    )


def verdict_metric_rows(spreads: dict) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``: the spreads the verdict weighs.

    Args:
        spreads: label -> relative return (fraction), as returned by :func:`verdict_spreads`.

    Returns:
        One row per spread in percentage points (None when it could not be measured),
        named ``verdict_<label>_pp``, so the summary box shows the verdict's own numbers.
    """
    rows = []
    for label, value in spreads.items():
        slug = "_".join("".join(ch if ch.isalnum() else " " for ch in label.lower()).split())
        measured = value is not None and value == value
        rows.append(
            (
                f"verdict_{slug}_pp",
                value * 100 if measured else None,
                "pp",
                f"{label.replace(' - ', ' minus ')} over the window",
            )
        )
    return rows
