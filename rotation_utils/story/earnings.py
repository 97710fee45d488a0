"""The words of report 05 (AI earnings): sentences, display tables, caveats, claim evidence.

Every function here words results computed in :mod:`rotation_utils.analytics.earnings`
and :mod:`~rotation_utils.analytics.earnings_verdicts`; none computes a figure of the report.
The named companies' returns, membership and claim B9 are worded in
:mod:`rotation_utils.story.named_companies`.
Direction words ("grew"/"fell", "widened"/"narrowed") are chosen from the sign of the
number they describe.

The verdict rule lives here (:func:`thesis_rule`): its text is wording, printed on the
page, while the logic it applies is :func:`rotation_utils.analytics.earnings_verdicts.thesis_test`,
so the rule object joins the two and the printed rule cannot drift from the applied one.

Display tables (``*_for_display``) return ``(frame, formats)``: the frame has the headers
a reader sees, the formats are keyword arguments for ``rotation_utils.tables.formatted``
(``notebook.show`` displays the pair). The CSVs a report saves keep machine-readable columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import narrative as nv
from ..analytics.earnings import EARLY_YEAR_END_MONTHS, calendar_year, group_value
from ..analytics.earnings_verdicts import ForecastTests, ThesisTest, thesis_test
from ..claim_values import Shown
from ..verdicts import ClaimVerdict, Rule


# ---- data ----------------------------------------------------------------------
def data_sentence(window: str, no_prices, no_statements, quarterly_sources: dict) -> str:
    """What the run reads: the price window, the named companies without prices or annual
    statements, and who served their quarterly statements (``quarterly_sources``: the note
    of ``earnings_data.quarterly_statements``, keys 'live', 'data layer', 'none')."""
    q = quarterly_sources
    return (
        f"Window {window}. Named companies without prices: {nv.listing(no_prices)}; without annual "
        f"statements: {nv.listing(no_statements)}. Quarterly statements served live for "
        f"{nv.listing(q['live'])}, by the data layer for {nv.listing(q['data layer'])}, "
        f"by nobody for {nv.listing(q['none'])}."
    )


def gaps_sentence(gaps: list[str]) -> str:
    """'**Not available in this window:** ...' from :func:`window_gaps` (empty when nothing is missing)."""
    return "**Not available in this window:** " + "; ".join(gaps) + "." if gaps else ""


def window_gaps(end, members, log_start, annual: pd.DataFrame, years, notes=()) -> list[str]:
    """What the window lacks, one computed phrase each, for the report's Data section.

    - S&P 500 membership: the change log replayed to ``end`` gives no members
      (it starts later, on ``log_start``: ``DataLayer.sp500_log_start``), so the
      Other 493 is empty;
    - annual statements: none of the selected fiscal ``years`` has a statement
      filed by ``end`` for it and the year before (growth needs both);
    - ``notes``: the data layer's reasons for optional datasets (see
      ``earnings.optional_table``); None entries are skipped.
    """
    end = pd.Timestamp(end)
    out = []
    if not len(members):
        out.append(
            f"S&P 500 membership on {end:%Y-%m-%d}: the change log "
            + (f"starts on {pd.Timestamp(log_start):%Y-%m-%d}" if log_start is not None else "is empty")
            + ", so the Other 493 group is empty"
        )
    have = set(calendar_year(annual["period_end"])) if len(annual) else set()
    years = sorted(int(y) for y in years)
    if years and not have:
        out.append(f"annual statements: none filed by {end:%Y-%m-%d}, so no fiscal year can be compared")
    elif years and not any(y in have and y - 1 in have for y in years):
        out.append(
            f"annual statements: those filed by {end:%Y-%m-%d} reach calendar year {max(have)}, so none "
            f"of the selected fiscal years ({years[0]}-{years[-1]}) has two consecutive years to compare "
            "(pass earlier fiscal_years)"
        )
    return out + [n for n in notes if n]


# ---- the earnings race and margins ------------------------------------------
def race_sentence(growth: pd.DataFrame, years, min_coverage: float | None = None) -> str:
    """The earnings race in the given (complete) years, from the growth table; without
    any, why not (the best coverage reached, or no company with two years at all)."""
    if not years:
        has = growth[growth["companies"] > 0] if len(growth) else growth
        if has.empty:
            return (
                "No company of either group has statements for two consecutive selected fiscal "
                "years filed in this window, so the earnings race cannot be measured here."
            )
        if "coverage" not in has:
            return (
                "No fiscal year in the selection has a same-company sample covering enough of both "
                "groups in this window, so the earnings race cannot be measured here."
            )
        worst = has.groupby("year")["coverage"].min().fillna(0.0)
        y = int(worst.idxmax())
        need = f" (it needs {nv.pct(min_coverage, 0, sign=False)})" if min_coverage is not None else ""
        return (
            f"No fiscal year in the selection has a same-company sample covering enough of both "
            f"groups in this window: the best is {y}, where the thinner group is covered "
            f"{nv.pct(worst[y], sign=False)}{need}, so the earnings race cannot be measured here."
        )
    parts = []
    for y in years:
        m, o = group_value(growth, "Mag 7", y), group_value(growth, "Other 493", y)
        n = int(group_value(growth, "Other 493", y, "companies"))
        gap = m - o
        lead = nv.direction(gap, "outgrew", "grew more slowly than", "grew as fast as")
        parts.append(
            f"In {y} the Mag 7's summed net income {nv.direction(m, 'grew', 'fell')} "
            f"{nv.pct(abs(m), sign=False)} and the Other 493's ({n} companies in both years) "
            f"{nv.direction(o, 'grew', 'fell')} {nv.pct(abs(o), sign=False)}: the Mag 7 {lead} "
            f"the rest ({nv.pp(gap)})."
        )
    if len(years) >= 2:
        g0 = group_value(growth, "Mag 7", years[-2]) - group_value(growth, "Other 493", years[-2])
        g1 = group_value(growth, "Mag 7", years[-1]) - group_value(growth, "Other 493", years[-1])
        parts.append(
            f"The Mag 7's growth lead {nv.direction(abs(g1) - abs(g0), 'widened', 'narrowed', 'held')} "
            f"from {nv.pp(g0)} to {nv.pp(g1)}" + (" (the sign changed)." if np.sign(g0) != np.sign(g1) else ".")
        )
    return " ".join(parts)


def factset_sentence(growth: pd.DataFrame, year: int = 2025, mag7: float = 0.184, other: float = 0.119) -> str:
    """How our annual figures compare with FactSet's Q3 2025 growth rates (and why they differ)."""
    basis = (
        "FactSet's figures are year-on-year growth of one quarter's blended (reported plus "
        "estimated) EPS; ours are annual GAAP net income summed over fiscal years ending in a "
        "calendar year, so only the direction is comparable, not the size."
    )
    sub = growth[(growth["year"] == year)]
    if sub.empty or not sub["complete"].all():
        return f"This window has no complete {year} sample, so FactSet's Q3 2025 figures cannot be checked. {basis}"
    m, o = group_value(growth, "Mag 7", year), group_value(growth, "Other 493", year)
    agree = np.sign(m - o) == np.sign(mag7 - other)
    return (
        f"FactSet published Q3 2025 growth of {nv.pct(mag7)} for the Mag 7 and {nv.pct(other)} for "
        f"the other 493; our {year} figures are {nv.pct(m)} and {nv.pct(o)}, which "
        f"{'agree' if agree else 'disagree'} on which group grew faster. {basis}"
    )


def trailing_sentence(te: pd.DataFrame) -> str:
    """Trailing-earnings growth between two dated versions, with the span."""
    m = te.set_index("group")
    b, f = m["base_as_of"].iloc[0], m["final_as_of"].iloc[0]
    return (
        f"Between the fundamentals versions of {b:%Y-%m-%d} and {f:%Y-%m-%d} "
        f"({m['months'].iloc[0]:.1f} months), summed trailing earnings (EPS x shares) of the Mag 7 "
        f"{nv.direction(m.at['Mag 7', 'growth'], 'rose', 'fell')} {nv.pct(m.at['Mag 7', 'growth'])} "
        f"({nv.pct(m.at['Mag 7', 'annualised'])} a year) and those of the Other 493 "
        f"({int(m.at['Other 493', 'companies'])} companies in both versions) "
        f"{nv.direction(m.at['Other 493', 'growth'], 'rose', 'fell')} {nv.pct(m.at['Other 493', 'growth'])} "
        f"({nv.pct(m.at['Other 493', 'annualised'])} a year). Trailing EPS is realised, not forward."
    )


def harvest_sentence(table: pd.DataFrame, basket_changes: pd.DataFrame, year: int) -> str:
    """How many named companies show an 'efficiency harvest' (operating margin up) in ``year``."""
    t = table.dropna(subset=["operating_margin_change"])
    if t.empty:
        return (
            f"No named company has annual statements for both {year - 1} and {year} filed in this "
            "window, so their margin changes (the efficiency harvest) cannot be measured here."
        )
    up = t.loc[t["harvest"], "symbol"].tolist()
    btl = t.loc[t["below_the_line"], "symbol"].tolist()
    med = "; ".join(
        f"{r['basket']} {nv.pp(r['median_operating_margin_change'])}"
        for _, r in basket_changes.iterrows()
        if pd.notna(r["median_operating_margin_change"])
    )
    out = (
        f"From {year - 1} to {year}, {len(up)} of {len(t)} named companies with statements widened "
        f"their operating margin (their operating-cost ratio fell): {nv.listing(up)}. "
        f"Median operating-margin change: {med or 'n/a'}."
    )
    if btl:
        out += (
            f" For {nv.listing(btl)} the net margin rose by more than twice the operating margin: "
            "that gain came from below the operating line (tax, interest, one-offs), not efficiency."
        )
    return out


def scatter_sentence(changes: pd.DataFrame, named: list, year: int | None = None) -> str:
    """Correlation and quadrant counts for the revenue-growth vs margin-change scatter."""
    c = changes.dropna(subset=["revenue_growth", "operating_margin_change"])
    if c.empty:
        span = f"{year - 1} and {year}" if year is not None else "two consecutive years"
        return (
            f"No company has revenue and operating income for both {span} filed in this window: the scatter is skipped."
        )
    o = c[c["group"] == "Other 493"]
    r = o["revenue_growth"].corr(o["operating_margin_change"], method="spearman") if len(o) > 2 else np.nan
    nm = c[c["symbol"].isin(named)]
    both_up = nm[(nm["revenue_growth"] > 0) & (nm["operating_margin_change"] > 0)]["symbol"].tolist()
    share = ((o["revenue_growth"] > 0) & (o["operating_margin_change"] > 0)).mean() if len(o) else np.nan
    med = c.groupby("group")["revenue_growth"].median()
    return (
        f"Among the Other 493, revenue growth and operating-margin change have a rank correlation of "
        f"{nv.num(r, 2)}, and {nv.pct(share, sign=False)} grew revenue while widening margins. "
        f"{len(both_up)} of {len(nm)} named companies did both ({nv.listing(both_up)}). Median revenue "
        f"growth: Mag 7 {nv.pct(med.get('Mag 7', np.nan))}, Other 493 {nv.pct(med.get('Other 493', np.nan))}."
    )


def ttm_sentence(named_table: pd.DataFrame) -> str:
    """How many named companies widened their operating margin over the last four quarters
    against the four before (``named_table``: ``earnings.named_margin_table``)."""
    t = named_table.dropna(subset=["ttm_operating_margin_change"])
    if not len(t):
        return "No named company has eight consecutive quarters filed in this window: no trailing-quarter margins."
    up = t.loc[t["ttm_operating_margin_change"] > 0, "symbol"]
    return (
        f"Over the last four reported quarters against the four before, {len(up)} "
        f"of {len(t)} named companies with eight quarters widened their operating margin ({nv.listing(up)})."
    )


def interim_sentence(trailing: pd.DataFrame | None) -> str:
    """Realised trailing earnings growth a year of each group as an interim check on the
    forecasts (empty without a trailing measurement)."""
    if trailing is None:
        return ""
    t = trailing.set_index("group")
    return (
        f"Interim, realised trailing earnings to {trailing['final_as_of'].iloc[0]:%Y-%m-%d} grew "
        f"{nv.pct(t.at['Other 493', 'annualised'])} a year for the Other 493 against "
        f"{nv.pct(t.at['Mag 7', 'annualised'])} for the Mag 7."
    )


def fiscal_year_end_caveat(panel: pd.DataFrame, year: int) -> str:
    """Which companies' fiscal years do not end in December (the alignment rule matters for them)."""
    p = panel[panel["year"] == year]
    if p.empty:
        return (
            f"Fiscal years: no statement in this window is assigned to {year}, so the "
            "fiscal-year rule does not affect the figures."
        )
    off = p[p["period_end"].dt.month != 12]
    mag = off[off["group"] == "Mag 7"]["symbol"].tolist()
    early = p[p["period_end"].dt.month <= EARLY_YEAR_END_MONTHS]
    return (
        f"Fiscal years: {len(off)} of {len(p)} statements assigned to {year} end in another month than "
        f"December (Mag 7: {nv.listing(mag)}); {len(early)} of them end in January to May of {year + 1} and "
        f"count as {year} (e.g. {nv.listing(early['symbol'].head(3))}); the others end in June to November, "
        f"so their '{year}' covers part of {year - 1}."
    )


def trailing_gap_sentence(fin: pd.DataFrame, start, end, note: str | None = None) -> str:
    """Why trailing EPS growth is not measured: no dated fundamentals version up to ``end``
    (with the data layer's ``note``), or none framing the window at least six months apart."""
    end = pd.Timestamp(end)
    if fin.empty:
        return (
            f"The dated S&P 500 fundamentals have no version up to {end:%Y-%m-%d}, so trailing "
            "EPS growth is not measured here." + (f" Data layer: {note.split(': ', 1)[-1]}." if note else "")
        )
    d = pd.DatetimeIndex(sorted(fin["as_of"].unique()))
    inside = d[(d >= pd.Timestamp(start)) & (d <= end)]
    span = (
        f"{len(inside)} version{'' if len(inside) == 1 else 's'} in the window, dated "
        f"{inside[0]:%Y-%m-%d} to {inside[-1]:%Y-%m-%d}"
        if len(inside)
        else "no version inside the window"
    )
    return (
        f"No two dated fundamentals versions at least six months apart frame this window ({span}), "
        "so trailing EPS growth is not measured here."
    )


def versions_caveat(fin: pd.DataFrame, end) -> str:
    """The caveat on the sparse dated fundamentals versions up to ``end``."""
    end = pd.Timestamp(end)
    versions = pd.DatetimeIndex(sorted(fin["as_of"].unique())) if len(fin) else pd.DatetimeIndex([])
    versions = versions[versions <= end]
    tail = "; offline statements are FMP-derived (for testing only)."
    if len(versions) < 2:
        return (
            f"Dated fundamentals versions: {len(versions)} up to {end:%Y-%m-%d}, so trailing EPS "
            "cannot be measured" + tail
        )
    gaps = versions.diff()
    return (
        f"Dated fundamentals versions are sparse: the longest gap between versions up to {end:%Y-%m-%d} is "
        f"{gaps.max().days} days (from {versions[gaps.argmax() - 1]:%Y-%m-%d}), so trailing EPS spans "
        "uneven periods" + tail
    )


# ---- claims and the verdict -----------------------------------------------------
FORECAST_CLAIMED = {"A5": 33.0, "B8": 22.0, "A2": 5.0}


def forecast_table(tests: ForecastTests) -> pd.DataFrame:
    """The forecast claims A5, B8 and A2 as a table: ``claim``, ``forecast`` (what the
    article says), ``in the data`` (what the run's data shows, with its figures) and
    ``verdict``, from :func:`~rotation_utils.analytics.earnings_verdicts.forecast_tests`."""
    year = tests.year
    forecasts = {
        "A5": f"{year} earnings: Other 493 +33%, Mag 7 +2%",
        "B8": f"Russell 2000 earnings +22% to +35% in {year}",
        "A2": f"Russell 2000 net margin 3% ({year - 1}) to 5% ({year})",
    }
    if tests.before_year:
        why = f"the window ends on {tests.window_end:%Y-%m-%d}, before the forecast year {year} begins"
        found = dict.fromkeys(forecasts, why)
    else:
        prev, held = tests.prev, tests.prev.get("holdings_date")
        cov_text = (
            f"IWM names with {year - 1} statements: {prev.get('covered', 0)} of {prev.get('names', 0)}"
            + (f" in the holdings file of {pd.Timestamp(held):%Y-%m-%d}" if held is not None else "")
            + f" ({nv.pct(prev.get('weight_share'), sign=False)} of the fund's weight)"
        )
        if not tests.coverage_ok:  # the reason the data can never settle B8 and A2, stated with the figures
            cov_text += (
                f", below the {nv.pct(tests.min_coverage, 0, False)} of the fund's weight needed to measure "
                "Russell 2000 earnings, so the data cannot settle it"
            )
        found = {
            "A5": (
                f"{year} complete: Mag 7 {nv.pct(tests.mag7)}, Other 493 {nv.pct(tests.other493)}"
                if tests.complete
                else f"{year} not complete (same-company sample below {nv.pct(tests.min_coverage, 0, False)})"
            ),
            "B8": cov_text,
            "A2": cov_text + f"; their {year - 1} net margin {nv.pct(prev.get('net_margin_covered'), sign=False)}",
        }
    return pd.DataFrame(
        [
            {"claim": c, "forecast": forecasts[c], "in the data": found[c], "verdict": tests.verdicts[c]}
            for c in ("A5", "B8", "A2")
        ]
    )


def forecast_claim_records(forecasts: pd.DataFrame, claimed: dict | None = None) -> list[dict]:
    """Keyword arguments of ``Report.claim`` for each row of :func:`forecast_table`.

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
            f"Still pending (the forecast year is not complete in the data): {nv.listing(by['forecast pending'])}."
        )
    unver = forecasts[forecasts["verdict"] == ClaimVerdict.UNVERIFIABLE]
    if len(unver):
        whys = unver.groupby("in the data", sort=False)["claim"].apply(list)
        window = [w for w in whys.index if w.startswith("the window ends")]
        for w in window:
            parts.append(f"Unverifiable in this window ({w}): {nv.listing(whys[w])}.")
        rest = [c for w, cs in whys.items() if w not in window for c in cs]
        if rest:
            parts.append(
                f"Unverifiable with this data (Russell 2000 statements cover "
                f"{nv.pct(russell_weight_share, sign=False)} of IWM's weight): {nv.listing(rest)}."
            )
    settled = forecasts[forecasts["verdict"].isin([ClaimVerdict.CONFIRMED, ClaimVerdict.CONTRADICTED])]
    if len(settled):
        parts.append(
            "Settled by the data: "
            + nv.listing([f"{c} {v}" for c, v in zip(settled["claim"], settled["verdict"])])
            + "."
        )
    return " ".join(parts)


def forecast_paragraph(forecasts: pd.DataFrame, russell_weight_share: float, trailing: pd.DataFrame | None) -> str:
    """:func:`forecast_sentence` followed by the interim trailing-earnings check."""
    return " ".join(filter(None, [forecast_sentence(forecasts, russell_weight_share), interim_sentence(trailing)]))


#: claim A4's figures in % (Q3 2025 EPS growth, FactSet): Mag 7, Other 493
A4_CLAIMED_PCT = (18.4, 11.9)
#: the same as fractions, for ``earnings_verdicts.earnings_race_verdict``
A4_CLAIMED = (0.184, 0.119)


def a4_record(vals: dict) -> dict:
    """Keyword arguments of ``Report.claim`` for claim A4 (``vals``: from
    ``earnings_verdicts.earnings_race_verdict``, annual GAAP growth shown as context)."""
    verdict, text = a4_claim(vals)
    return dict(
        claim_id="A4",
        verdict=verdict,
        evidence=text,
        claimed=Shown(A4_CLAIMED_PCT[0], "%", "Article: Mag 7 earnings growth, Q3 2025"),
        unit="%",
        other493_claimed=Shown(A4_CLAIMED_PCT[1], "%", "Article: Other 493 earnings growth, Q3 2025"),
        mag7_annual_net_income_growth=Shown(
            vals["mag7"] * 100 if vals else None, "%", "Mag 7 net income growth, fiscal 2025 (context)"
        ),
        other493_annual_net_income_growth=Shown(
            vals["other493"] * 100 if vals else None, "%", "Other 493 net income growth, fiscal 2025 (context)"
        ),
    )


def verdict_sentence(verdict, evidence: str, rule: Rule) -> str:
    """'**Verdict: mixed.** <evidence> Rule: <rule text>.'"""
    return f"**Verdict: {verdict}.** {evidence} Rule: {rule}."


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
        f"Calendar-{year} same-company net income grew {nv.pct(m)} for the Mag 7 and {nv.pct(o)} for "
        f"the Other 493 (annual GAAP, not FactSet's quarterly EPS): the Mag 7 "
        f"{nv.direction(m - o, 'grew faster than', 'grew more slowly than', 'grew as fast as')} the rest, "
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
            f" For context only, calendar-{year} same-company net income grew {nv.pct(m)} for the Mag 7 and "
            f"{nv.pct(o)} for the Other 493 ({'the same' if same else 'the opposite'} ordering)."
        )
    return (
        ClaimVerdict.UNVERIFIABLE,
        f"The claim is about Q{3} {year} EPS growth; the data has annual GAAP net income, a different "
        f"measure that cannot confirm or contradict 18.4% vs 11.9%.{context} What would settle it: {A4_SETTLE}.",
    )


def thesis_evidence(test: ThesisTest, basket: str) -> str:
    """The verdict's evidence (``test``: an ``earnings_verdicts.ThesisTest``): the race in the
    latest complete year and the basket's median margin change, or what cannot be measured."""
    if not (test.race_measured and test.margin_measured):
        lacking = []
        if not test.race_measured:
            lacking.append(
                "no fiscal year has a complete same-company sample for both groups, so the "
                "earnings race cannot be measured"
            )
        if not test.margin_measured:
            n = test.with_data
            lacking.append(
                f"the {basket}' median operating-margin change cannot be measured "
                f"({n} member{'' if n == 1 else 's'} with statements for both years)"
            )
        return f"In this window {' and '.join(lacking)}."
    m, o, h = test.mag7, test.other493, test.margin_change
    return (
        f"In {test.year} the Other 493's net income growth ({nv.pct(o)}) was "
        f"{'above' if o > m else 'not above'} the Mag 7's ({nv.pct(m)}), and the {basket}' median "
        f"operating margin {nv.direction(h, 'rose', 'fell', 'was unchanged')} ({nv.pp(h)})."
    )


def thesis_rule(basket: str = "AI implementers") -> Rule:
    """The report's verdict rule for ``basket``, worded for this run.

    Args:
        basket: the named basket whose median operating margin is tested.
    Returns:
        A :class:`~rotation_utils.verdicts.Rule`; ``rule.apply(growth, latest, basket_changes)``
        runs ``earnings_verdicts.thesis_test`` and gives ``(verdict, evidence)``.
    """
    text = (
        f"supported if, in the latest complete fiscal year, the Other 493's same-company net income grew "
        f"faster than the Mag 7's AND the median operating margin of the {basket} basket rose; "
        "not supported if neither; mixed if one; inconclusive if either cannot be measured"
    )

    def decide(growth, latest, basket_changes):
        test = thesis_test(growth, latest, basket_changes, basket)
        return test.verdict, thesis_evidence(test, basket)

    return Rule(text, decide)


def overall_verdict(
    growth: pd.DataFrame, latest: list, basket_changes: pd.DataFrame, basket: str = "AI implementers"
) -> tuple[str, Rule, str]:
    """Overall verdict on the report's thesis, its rule and a computed evidence sentence."""
    rule = thesis_rule(basket)
    value, evidence = rule.apply(growth, latest, basket_changes)
    return value, rule, evidence


# ---- tables as shown in the report --------------------------------------------
def _yes_no(values) -> list[str]:
    """True/False as yes/no; missing as an empty cell."""
    return ["" if v is None or pd.isna(v) else ("yes" if v else "no") for v in values]


def _iso_dates(values) -> list[str]:
    return ["" if pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}" for v in values]


def growth_for_display(growth: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``earnings.aggregate_growth`` as the reader's table: same-company sample and coverage,
    growth, whether the year counts as complete, and the two sums in USD bn."""
    out = pd.DataFrame(
        {
            "Group": growth["group"],
            "Year": growth["year"].astype(str),
            "Companies in both years": growth["companies"],
            "Coverage of the group": growth["coverage"],
            "Net income growth": growth["growth"],
            "Complete year": _yes_no(growth["complete"]),
            "Net income, prior year (USD bn)": growth["base"],
            "Net income, year (USD bn)": growth["current"],
        }
    )
    return out, {
        "pct": ["Coverage of the group", "Net income growth"],
        "money": ["Net income, prior year (USD bn)", "Net income, year (USD bn)"],
        "digits": 1,
    }


def trailing_for_display(trailing: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``earnings.trailing_eps_growth`` as the reader's table (dates as ISO text)."""
    out = pd.DataFrame(
        {
            "Group": trailing["group"],
            "From version": _iso_dates(trailing["base_as_of"]),
            "To version": _iso_dates(trailing["final_as_of"]),
            "Months": trailing["months"],
            "Companies in both": trailing["companies"],
            "Trailing earnings growth": trailing["growth"],
            "Annualised growth": trailing["annualised"],
        }
    )
    return out, {"pct": ["Trailing earnings growth", "Annualised growth"], "num": ["Months"], "digits": 1}


def basket_changes_for_display(changes: pd.DataFrame, year: int) -> tuple[pd.DataFrame, dict]:
    """``earnings.basket_margin_change`` with the years in the headers (changes in pp)."""
    span = f"{year - 1}-{year}"
    names = {
        "basket": "Basket",
        "members": "Members",
        "with_data": "Members with both years",
        "median_operating_margin_change": f"Median operating-margin change {span}",
        "median_net_margin_change": f"Median net-margin change {span}",
        "median_revenue_growth": f"Median revenue growth {span}",
    }
    return changes[list(names)].rename(columns=names), {
        "pp": [names["median_operating_margin_change"], names["median_net_margin_change"]],
        "pct": [names["median_revenue_growth"]],
        "digits": 1,
    }


def named_annual_margins_for_display(table: pd.DataFrame, year: int) -> tuple[pd.DataFrame, dict]:
    """The annual half of the named-margins table: growth, margin, margin changes from
    ``year - 1`` to ``year`` and the efficiency-harvest flags as yes/no."""
    span = f"{year - 1}-{year}"
    out = pd.DataFrame(
        {
            "Ticker": table["symbol"],
            "Basket": table["basket"],
            f"Revenue growth {span}": table["revenue_growth"],
            f"Operating margin {year}": table["operating_margin"],
            f"Operating-margin change {span}": table["operating_margin_change"],
            f"Net-margin change {span}": table["net_margin_change"],
            "Efficiency harvest (operating margin up)": _yes_no(table["harvest"]),
            "Net margin up mostly below the line": _yes_no(table["below_the_line"]),
        }
    )
    return out, {
        "pct": [f"Revenue growth {span}", f"Operating margin {year}"],
        "pp": [f"Operating-margin change {span}", f"Net-margin change {span}"],
        "digits": 1,
    }


def named_ttm_margins_for_display(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The trailing-quarters half of the named-margins table: the last four quarters
    against the four before (blank where eight consecutive quarters are not filed)."""
    ttm = "last 4 quarters"
    out = pd.DataFrame(
        {
            "Ticker": table["symbol"],
            "Last quarter": _iso_dates(table["last_quarter"]),
            f"Revenue growth, {ttm} vs 4 before": table["ttm_revenue_growth"],
            f"Operating margin, {ttm}": table["ttm_operating_margin"],
            "Operating-margin change vs 4 before": table["ttm_operating_margin_change"],
            f"Net margin, {ttm}": table["ttm_net_margin"],
            "Net-margin change vs 4 before": table["ttm_net_margin_change"],
        }
    )
    return out, {
        "pct": [f"Revenue growth, {ttm} vs 4 before", f"Operating margin, {ttm}", f"Net margin, {ttm}"],
        "pp": ["Operating-margin change vs 4 before", "Net-margin change vs 4 before"],
        "digits": 1,
    }


def verdicts_for_display(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """A claims or forecasts table with capitalised headers ('id' -> 'Claim')."""
    names = {c: "Claim" if c == "id" else c[:1].upper() + c[1:] for c in table.columns}
    return table.rename(columns=names), {}


# ---- caveats and headline metrics ---------------------------------------------------
def caveats(
    panel: pd.DataFrame,
    year: int,
    end,
    never: list,
    no_prices,
    no_statements,
    no_quarters,
    membership: list,
    fin: pd.DataFrame,
) -> str:
    """The report's caveats as a Markdown bullet list.

    Args:
        panel: the groups' ``annual_panel`` (fiscal-year ends of ``year``).
        year: the year the margin tables compare (``earnings.verdict_year``).
        end: the window's last price date (the membership date of the groups).
        never: members without annual statements (``earnings.members_without_statements``).
        no_prices, no_statements, no_quarters: named tickers lacking each input.
        membership: the caveats of :mod:`rotation_utils.story.membership` on the files the run
            read (holdings after the window, change-log gaps and lags); None where one does not apply.
        fin: the dated S&P 500 fundamentals (for :func:`versions_caveat`).
    """
    notes = [
        fiscal_year_end_caveat(panel, year),
        f"Groups use the S&P 500 membership seen on {pd.Timestamp(end):%Y-%m-%d} for every year (survivor bias); "
        f"{nv.plural(len(never), 'member')} without annual statements: {nv.listing(never[:12])}.",
        "Net income is GAAP and includes one-offs (tax charges, valuation-allowance releases, asset sales); "
        "FactSet's growth figures use operating EPS.",
        f"Named companies without prices: {nv.listing(no_prices)}; without annual statements: "
        f"{nv.listing(no_statements)}; quarterly statements missing for {nv.listing(no_quarters)}.",
        "S&P 400 membership comes from the claims register, not from data.",
        *membership,
        versions_caveat(fin, end),
    ]
    return "\n".join(f"- {c}" for c in notes if c)


def _pct_or_none(v):
    return None if v is None or pd.isna(v) else v * 100


def headline_metrics(
    growth: pd.DataFrame, latest: list, basket_changes: pd.DataFrame, year: int, perf: pd.DataFrame, event_date
) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``, in scorecard order.

    The two groups' net income growth in the latest complete year, each basket's median
    operating-margin change from ``year - 1`` to ``year``, the growth of the year before,
    and each named company's return since ``event_date``. A value the data cannot give is
    None and its label says which year is missing.
    """
    yl = ([None, None] + list(latest))[-2:]
    yt = [y or "(no complete year in this window)" for y in yl]

    def growth_row(key, group, i):
        v = None if yl[i] is None else _pct_or_none(group_value(growth, group, yl[i]))
        return (f"{key}_earnings_growth_{('prior', 'latest')[i]}", v, "%", f"{group} net income growth {yt[i]}")

    rows = [growth_row("mag7", "Mag 7", 1), growth_row("other493", "Other 493", 1)]
    rows += [
        (
            "median_op_margin_change_" + "_".join(b["basket"].lower().split()),
            _pct_or_none(b["median_operating_margin_change"]),
            "pp",
            f"{b['basket']}: median operating-margin change {year - 1}-{year}",
        )
        for _, b in basket_changes.iterrows()
    ]
    rows += [growth_row("mag7", "Mag 7", 0), growth_row("other493", "Other 493", 0)]
    rows += [
        (
            f"return_since_event_{r['ticker']}",
            _pct_or_none(r["since_event"]),
            "%",
            f"{r['ticker']} return since {pd.Timestamp(event_date):%Y-%m-%d}",
        )
        for _, r in perf[perf["kind"] == "company"].iterrows()
    ]
    return rows


def named_margins_caption(year: int) -> str:
    """Caption of the named companies' margins table for the verdict year."""
    return f"Named companies: margins {year - 1} to {year} and trailing quarters"


def scatter_title(year: int) -> str:
    """Title of the revenue-growth vs margin-change chart for the verdict year."""
    return f"Revenue growth vs operating-margin change, {year - 1} to {year}"


def claims_for_display(claims: list[dict]) -> tuple[pd.DataFrame, dict]:
    """The report's claim records (``Report.claims``) as a Claim / Verdict / Evidence table."""
    return verdicts_for_display(pd.DataFrame(claims, columns=["id", "verdict", "evidence"]))
