"""Claim and report verdicts for the earnings race: the stated rules that turn the
growth and margin tables of :mod:`rotation_utils.analytics.earnings` into verdicts on
claim A4 (Q3 2025 growth, Mag 7 vs Other 493), the forecast claims A5, B8 and A2, and
the report's overall verdict, each with its computed evidence sentence.

Why a module of its own: the aggregates stay in ``earnings``; each rule here is
written once in its docstring and tested on small frames, so a reader checking a
verdict finds the rule without the statement handling around it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import narrative as nr
from ..verdicts import ClaimVerdict, ReportVerdict, Rule
from .earnings import group_value


def forecast_claims(
    growth: pd.DataFrame, russell: dict, min_coverage: float = 0.8, year: int = 2026, window_end=None
) -> pd.DataFrame:
    """Status of the forecast claims A5, B8 and A2 against what the data now holds.

    ``russell``: ``{year: russell_coverage(...)}`` for ``year - 1`` and ``year``.
    A5 (Other 493 earnings growth far above the Mag 7's in ``year``) is checked
    on the ordering once ``year`` is complete for both groups. B8 (Russell 2000
    earnings +22% to +35%) and A2 (net margin from 3% to 5%) need Russell 2000
    statements: unverifiable when those cover less than ``min_coverage`` of IWM's
    weight, pending while ``year`` is incomplete. A window that ends before
    ``year`` begins (``window_end``) cannot measure any of them: all three are
    unverifiable here, and the row says so.
    """
    if window_end is not None and pd.Timestamp(window_end) < pd.Timestamp(year, 1, 1):
        why = f"the window ends on {pd.Timestamp(window_end):%Y-%m-%d}, before the forecast year {year} begins"
        return pd.DataFrame(
            [
                {"claim": c, "forecast": f, "in the data": why, "verdict": ClaimVerdict.UNVERIFIABLE}
                for c, f in (
                    ("A5", f"{year} earnings: Other 493 +33%, Mag 7 +2%"),
                    ("B8", f"Russell 2000 earnings +22% to +35% in {year}"),
                    ("A2", f"Russell 2000 net margin 3% ({year - 1}) to 5% ({year})"),
                )
            ]
        )
    g = growth[growth["year"] == year]
    complete = bool(len(g)) and bool(g["complete"].all())
    m, o = group_value(growth, "Mag 7", year), group_value(growth, "Other 493", year)
    a5_ok = (o > m) if complete and np.isfinite(m) and np.isfinite(o) else None
    prev, cur = russell.get(year - 1, {}), russell.get(year, {})
    cov_ok = prev.get("weight_share", 0) >= min_coverage
    cur_ok = cov_ok and cur.get("weight_share", 0) >= min_coverage
    b8_ok = (0.22 <= cur.get("growth_covered", np.nan) <= 0.35) if cur_ok else None
    a2_ok = (cur.get("net_margin_covered", 0) >= 0.05) if cur_ok else None
    held = prev.get("holdings_date")
    cov_text = (
        f"IWM names with {year - 1} statements: {prev.get('covered', 0)} of {prev.get('names', 0)}"
        + (f" in the holdings file of {pd.Timestamp(held):%Y-%m-%d}" if held is not None else "")
        + f" ({nr.pct(prev.get('weight_share'), sign=False)} of the fund's weight)"
    )
    if not cov_ok:  # the reason the data can never settle B8 and A2, stated with the figures
        cov_text += (
            f", below the {nr.pct(min_coverage, 0, False)} of the fund's weight needed to measure "
            "Russell 2000 earnings, so the data cannot settle it"
        )
    rows = [
        {
            "claim": "A5",
            "forecast": f"{year} earnings: Other 493 +33%, Mag 7 +2%",
            "in the data": (
                f"{year} complete: Mag 7 {nr.pct(m)}, Other 493 {nr.pct(o)}"
                if complete
                else f"{year} not complete (same-company sample below {nr.pct(min_coverage, 0, False)})"
            ),
            "verdict": forecast_verdict(complete, True, a5_ok),
        },
        {
            "claim": "B8",
            "forecast": f"Russell 2000 earnings +22% to +35% in {year}",
            "in the data": cov_text,
            "verdict": forecast_verdict(cur_ok, cov_ok, b8_ok),
        },
        {
            "claim": "A2",
            "forecast": f"Russell 2000 net margin 3% ({year - 1}) to 5% ({year})",
            "in the data": cov_text
            + f"; their {year - 1} net margin {nr.pct(prev.get('net_margin_covered'), sign=False)}",
            "verdict": forecast_verdict(cur_ok, cov_ok, a2_ok),
        },
    ]
    return pd.DataFrame(rows)


FORECAST_CLAIMED = {"A5": 33.0, "B8": 22.0, "A2": 5.0}


def forecast_claim_records(forecasts: pd.DataFrame, claimed: dict | None = None) -> list[dict]:
    """Keyword arguments of ``Report.claim`` for each row of ``forecast_claims``.

    Why: the ledger ranks claims by their gap to the data, so each forecast
    carries the article's number (``claimed``, in %, ``FORECAST_CLAIMED`` by
    default) and ``measured=None``: a forecast has no measured value yet.
    """
    claimed = FORECAST_CLAIMED if claimed is None else claimed
    return [
        dict(
            claim_id=f["claim"],
            verdict=f["verdict"],
            evidence=f"Forecast: {f['forecast']}; in the data: {f['in the data']}.",
            claimed=claimed[f["claim"]],
            measured=None,
            unit="%",
        )
        for _, f in forecasts.iterrows()
    ]


def forecast_sentence(forecasts: pd.DataFrame, russell_weight_share: float) -> str:
    """What the forecast table says, by verdict: pending, unverifiable (and why), settled."""
    by = {v: forecasts.loc[forecasts["verdict"] == v, "claim"].tolist() for v in forecasts["verdict"].unique()}
    parts = ["These are forecasts, not results."]
    if by.get(ClaimVerdict.FORECAST_PENDING):
        parts.append(
            f"Still pending (the forecast year is not complete in the data): {nr.listing(by['forecast pending'])}."
        )
    unver = forecasts[forecasts["verdict"] == ClaimVerdict.UNVERIFIABLE]
    if len(unver):
        whys = unver.groupby("in the data", sort=False)["claim"].apply(list)
        window = [w for w in whys.index if w.startswith("the window ends")]
        for w in window:
            parts.append(f"Unverifiable in this window ({w}): {nr.listing(whys[w])}.")
        rest = [c for w, cs in whys.items() if w not in window for c in cs]
        if rest:
            parts.append(
                f"Unverifiable with this data (Russell 2000 statements cover "
                f"{nr.pct(russell_weight_share, sign=False)} of IWM's weight): {nr.listing(rest)}."
            )
    settled = forecasts[forecasts["verdict"].isin([ClaimVerdict.CONFIRMED, ClaimVerdict.CONTRADICTED])]
    if len(settled):
        parts.append(
            "Settled by the data: "
            + nr.listing([f"{c} {v}" for c, v in zip(settled["claim"], settled["verdict"])])
            + "."
        )
    return " ".join(parts)


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


def a4_evidence(verdict: str, vals: dict, year: int = 2025, window_end=None) -> str:
    """The one-sentence evidence for claim A4 (Q3 2025 growth, Mag 7 18.4% vs Other 493 11.9%)."""
    if not vals:
        filed = f" (statements filed by {pd.Timestamp(window_end):%Y-%m-%d})" if window_end is not None else ""
        return (
            f"This window{filed} has no complete {year} same-company sample, so the Q3 2025 growth "
            "figures cannot be compared with realised statements."
        )
    m, o = vals["mag7"], vals["other493"]
    return (
        f"Calendar-{year} same-company net income grew {nr.pct(m)} for the Mag 7 and {nr.pct(o)} for "
        f"the Other 493 (annual GAAP, not FactSet's quarterly EPS): the Mag 7 "
        f"{nr.direction(m - o, 'grew faster than', 'grew more slowly than', 'grew as fast as')} the rest, "
        f"{'as' if verdict != 'contradicted' else 'unlike'} in the claim's 18.4% vs 11.9%"
        f"{'; the sizes differ by more than 5 pp' if verdict == 'mixed' else ''}."
    )


#: what the data would need to test claim A4 on its own measure
A4_SETTLE = (
    "Q3 2025 and Q3 2024 EPS for every S&P 500 member on FactSet's basis (quarterly, blended "
    "operating EPS), to recompute each group's year-on-year growth"
)


def a4_claim(vals: dict, year: int = 2025) -> tuple[str, str]:
    """Claim A4 (Q3 2025 EPS growth: Mag 7 18.4%, Other 493 11.9%) against the data's measure.

    Rule: the data has annual GAAP net income, not quarterly EPS growth, so it can
    neither confirm nor contradict the claim's figures: "unverifiable", with what
    the annual figures show (as context only) and what would settle it. Returns
    ``(verdict, evidence)``.
    """
    context = ""
    if vals:
        m, o = vals["mag7"], vals["other493"]
        same = (m > o) == (0.184 > 0.119)
        context = (
            f" For context only, calendar-{year} same-company net income grew {nr.pct(m)} for the Mag 7 and "
            f"{nr.pct(o)} for the Other 493 ({'the same' if same else 'the opposite'} ordering)."
        )
    return (
        ClaimVerdict.UNVERIFIABLE,
        f"The claim is about Q{3} {year} EPS growth; the data has annual GAAP net income, a different "
        f"measure that cannot confirm or contradict 18.4% vs 11.9%.{context} What would settle it: {A4_SETTLE}.",
    )


def thesis_rule(basket: str = "AI implementers") -> Rule:
    """The report's verdict rule for ``basket``: ``rule.apply(growth, latest, basket_changes)`` gives (verdict, evidence)."""
    text = (
        f"supported if, in the latest complete fiscal year, the Other 493's same-company net income grew "
        f"faster than the Mag 7's AND the median operating margin of the {basket} basket rose; "
        "not supported if neither; mixed if one; inconclusive if either cannot be measured"
    )
    return Rule(text, lambda growth, latest, basket_changes: _race_and_margin(growth, latest, basket_changes, basket))


def overall_verdict(
    growth: pd.DataFrame, latest: list, basket_changes: pd.DataFrame, basket: str = "AI implementers"
) -> tuple[str, Rule, str]:
    """Overall verdict on the report's thesis, its rule and a computed evidence sentence."""
    rule = thesis_rule(basket)
    value, evidence = rule.apply(growth, latest, basket_changes)
    return value, rule, evidence


def _race_and_margin(growth: pd.DataFrame, latest: list, basket_changes: pd.DataFrame, basket: str) -> tuple[str, str]:
    """(verdict, evidence): the logic of :func:`thesis_rule`."""
    y = latest[-1] if latest else None
    m, o = (group_value(growth, "Mag 7", y), group_value(growth, "Other 493", y)) if y else (np.nan, np.nan)
    row = basket_changes[basket_changes["basket"] == basket]
    h = row["median_operating_margin_change"].iloc[0] if len(row) else np.nan
    if not (np.isfinite(m) and np.isfinite(o) and np.isfinite(h)):
        lacking = []
        if not (np.isfinite(m) and np.isfinite(o)):
            lacking.append(
                "no fiscal year has a complete same-company sample for both groups, so the "
                "earnings race cannot be measured"
            )
        if not np.isfinite(h):
            n = int(row["with_data"].iloc[0]) if len(row) and "with_data" in row else 0
            lacking.append(
                f"the {basket}' median operating-margin change cannot be measured "
                f"({n} member{'' if n == 1 else 's'} with statements for both years)"
            )
        return ReportVerdict.INCONCLUSIVE, f"In this window {' and '.join(lacking)}."
    score = int(o > m) + int(h > 0)
    value = {2: ReportVerdict.SUPPORTED, 1: ReportVerdict.MIXED, 0: ReportVerdict.NOT_SUPPORTED}[score]
    ev = (
        f"In {y} the Other 493's net income growth ({nr.pct(o)}) was "
        f"{'above' if o > m else 'not above'} the Mag 7's ({nr.pct(m)}), and the {basket}' median "
        f"operating margin {nr.direction(h, 'rose', 'fell', 'was unchanged')} ({nr.pp(h)})."
    )
    return value, ev
