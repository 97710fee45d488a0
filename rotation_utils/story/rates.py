"""The words of report 02 (rate sensitivity): sentences, display tables, captions, caveats.

Every function here words results computed in :mod:`rotation_utils.analytics.events`,
:mod:`~rotation_utils.analytics.rate_beta`, :mod:`~rotation_utils.analytics.fomc` and
:mod:`~rotation_utils.analytics.rate_data`; none computes a figure. Direction words
("beat"/"lagged", "gained on") are chosen from the sign of the number they describe.

The verdict rule lives here (:func:`thesis_rule`): its text is wording, printed on the
page, while the logic it applies is :func:`rotation_utils.analytics.rate_beta.thesis_verdict`,
so the rule object joins the two and the printed rule cannot drift from the applied one.

Display tables (``*_table``) return ``(frame, formats)``: the frame has the headers a
reader sees, the formats are keyword arguments for ``rotation_utils.tables.formatted``
(``notebook.show`` displays the pair). The CSVs a report saves keep machine-readable columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analytics.events import window_label
from ..analytics.rate_beta import CREDIT, SLOPE, combine_grades, thesis_verdict
from ..dates import iso
from ..narrative import compare, listing, num, plural, pp
from ..verdicts import ClaimVerdict, ReportVerdict, Rule

#: how the report names the spread series in sentences and tables
SERIES_WORDS = {SLOPE: "the 10y-2y slope", CREDIT: "the high-yield spread"}
BETA_HEADER = "Beta (pp per +100 bp)"
SE_HEADER = "HAC SE (pp per +100 bp)"

#: plain words for the evidence grades of ``rate_beta.evidence_class``
GRADE_WORDS = {
    "for": "significant support",
    "weak": "the right direction but not significant",
    "against": "the wrong direction",
    "missing": "no estimate",
}

#: how grades combine (``rate_beta.combine_grades``), stated as a table a reader can check
GRADE_TABLE = (
    "any estimate missing: inconclusive; significant support and the wrong direction together: mixed; "
    "otherwise any significant support (the rest in the right direction): supported; any wrong "
    "direction (the rest not significant): not supported; only right-direction estimates that are "
    "not significant: inconclusive"
)


# ---- captions ----------------------------------------------------------------------
def source_line(data_layer) -> str:
    """The chart footnote's source: the data layer's sources and the decisions file."""
    return f"{', '.join(data_layer.provenance.sources())} via the project data layer; FOMC decisions file"


@dataclass(frozen=True)
class Captions:
    """Chart and table titles of the report, worded from its parameters.

    Args:
        focus, benchmark: the fund tested and what it is measured against.
        yield_series: the headline Treasury yield.
        window: the headline event window as labelled (``'[0,+20]'``).
        rolling_days: trailing window of the rolling beta.
        pause_years: the years whose holds the pause question reads.
    """

    focus: str
    benchmark: str
    yield_series: str
    window: str
    rolling_days: int
    pause_years: tuple

    @property
    def means(self) -> str:
        return f"Mean {self.window} return against {self.benchmark} after FOMC decisions"

    @property
    def paths(self) -> str:
        return f"{self.focus} against {self.benchmark} from 5 days before to 20 days after a decision"

    @property
    def rolling(self) -> str:
        return f"{self.focus} minus {self.benchmark}: rolling {self.rolling_days}-day beta to {self.yield_series}"

    @property
    def rolling_axis(self) -> str:
        return f"Beta (pp per +100 bp in {self.yield_series})"

    @property
    def regimes(self) -> str:
        return f"{self.focus} minus {self.benchmark}: beta to {self.yield_series} by regime"

    @property
    def banks(self) -> str:
        return f"Banks against {self.benchmark} and the 10y-2y Treasury slope"

    @property
    def credit(self) -> str:
        return f"{self.focus} against {self.benchmark} and the high-yield spread"

    @property
    def pause(self) -> str:
        return f"REITs against {self.benchmark}: {self.window} return after each hold of {listing(self.pause_years)}"


# ---- data ----------------------------------------------------------------------------
def data_sentence(data) -> str:
    """What the run reads: the price span, the decisions file and how much of it falls in the
    window, and whether FRED's target range was served for the cross-check (``data``: a ``RateData``)."""
    px, all_, inside = data.px, data.decisions_all["announcement_date"], data.decisions
    counts = inside["decision"].value_counts()
    check = (
        "FRED's target-range series DFEDTARU/DFEDTARL were served, so the file is cross-checked below."
        if data.fred_ok
        else "FRED's target-range series DFEDTARU/DFEDTARL were requested but are not available "
        "from this source (listed as missing above), so the file cannot be cross-checked in this run."
    )
    return (
        f"Prices run from {px.index.min():%Y-%m-%d} to {px.index.max():%Y-%m-%d} ({len(px):,} trading days); "
        f"the FOMC decisions file holds {len(all_)} meetings from {all_.min():%Y-%m-%d} to {all_.max():%Y-%m-%d}, "
        f"of which {len(inside)} fall inside the price window "
        f"({listing([plural(int(n), k) for k, n in counts.items()])}). " + check
    )


# ---- event study ---------------------------------------------------------------------
def no_decisions_sentence(data) -> str:
    """Said instead of the event chart when no decision falls inside the price window."""
    return (
        f"**No FOMC decision in the file falls inside {data.px.index.min():%Y-%m-%d} to "
        f"{data.px.index.max():%Y-%m-%d}**: the event study has nothing to measure in this window."
    )


def no_paths_sentence(first: int = -5, last: int = 20) -> str:
    """Said instead of the path chart when no decision has a complete path."""
    return f"No decision in the window has a complete {first}..+{last} day path, so the path chart is omitted."


def compact_table(summary: pd.DataFrame, windows, headline) -> pd.DataFrame:
    """One row per (ticker, decision): events, mean per window, and the headline
    window's 95% interval and t-statistic (fractions; show as pp)."""
    labels = [window_label(w) for w in windows]
    hw = window_label(headline)
    if summary.empty:
        return pd.DataFrame(columns=["Ticker", "Decision", "Events"] + labels)
    means = summary.pivot_table(index=["ticker", "decision"], columns="window", values="mean", sort=False)
    head = summary[summary["window"] == hw].set_index(["ticker", "decision"])
    out = pd.DataFrame({"Events": head["n"]}).join(means.reindex(columns=labels))
    out = out.join(
        head[["ci_low", "ci_high", "t_stat"]].rename(
            columns={"ci_low": f"{hw} 95% low", "ci_high": f"{hw} 95% high", "t_stat": f"{hw} t"}
        )
    )
    out = out.reset_index().rename(columns={"ticker": "Ticker", "decision": "Decision"})
    rank = {t: i for i, t in enumerate(dict.fromkeys(summary["ticker"]))}
    out = out.assign(_rank=out["Ticker"].map(rank)).sort_values(["Decision", "_rank"], kind="stable")
    return out.drop(columns="_rank").reset_index(drop=True)


def _interval_text(low, high) -> str:
    """'-1.7 to +2.8 pp' (empty when the interval is missing)."""
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{pp(low)[:-3]} to {pp(high)}"


def event_table(summary: pd.DataFrame, windows, headline, benchmark: str) -> tuple[pd.DataFrame, dict]:
    """:func:`compact_table` with reader's headers: the mean relative return per window,
    the headline window's 95% interval as one column and its t-statistic."""
    tab = compact_table(summary, windows, headline)
    hw = window_label(headline)
    means = {window_label(w): f"Mean vs {benchmark} over {window_label(w)}" for w in windows}
    out = tab[["Ticker", "Decision", "Events", *means]].rename(columns=means)
    if not tab.empty:
        out = out.assign(
            **{
                f"95% interval over {hw}": [
                    _interval_text(lo, hi) for lo, hi in zip(tab[f"{hw} 95% low"], tab[f"{hw} 95% high"])
                ],
                f"t-stat over {hw}": tab[f"{hw} t"],
            }
        )
    return out, {"pp": list(means.values()), "num": [f"t-stat over {hw}"], "digits": 1}


def short_stats(st) -> str:
    """'+0.6 pp (95% interval -1.7 to +2.8 pp, n = 6)' for evidence sentences."""
    n = int(st["n"])
    if n == 0:
        return "n/a (no event)"
    if n < 2 or not np.isfinite(st["ci_low"]):
        return f"{pp(st['mean'])} (n = {n}, no interval)"
    return f"{pp(st['mean'])} (95% interval {pp(st['ci_low'])[:-3]} to {pp(st['ci_high'])}, n = {n})"


def group_sentence(summary: pd.DataFrame, ticker: str, benchmark: str, window, decision: str) -> str:
    """'After 6 cuts, IWM beat SPY by 0.6 pp on average over [0,+20] (95% interval ...).'"""
    hw = window_label(window)
    row = summary[(summary["ticker"] == ticker) & (summary["window"] == hw) & (summary["decision"] == decision)]
    if row.empty or int(row["n"].iloc[0]) == 0:
        return f"No {decision} decision in the window has a complete {hw} window for {ticker}."
    r = row.iloc[0]
    band = (
        f" (95% interval {pp(r['ci_low'])} to {pp(r['ci_high'])}, t = {num(r['t_stat'], 2)})"
        if int(r["n"]) >= 2
        else " (one event: no interval)"
    )
    return (
        f"After {plural(int(r['n']), decision)}, {compare(ticker, r['mean'], b_name=benchmark)} "
        f"on average over {hw}{band}."
    )


def event_sentences(summary: pd.DataFrame, decision_types, focus: str, benchmark: str, window, n_cuts: int) -> str:
    """One :func:`group_sentence` per decision type present, and how few cuts the mean rests on."""
    sentences = [group_sentence(summary, focus, benchmark, window, g) for g in decision_types]
    if not sentences:
        return "No decision to describe."
    return (
        " ".join(sentences)
        + f" Only {plural(n_cuts, 'cut')} can be measured here, so one large move can swing the mean."
    )


# ---- yield betas ---------------------------------------------------------------------
def wide_table(betas: pd.DataFrame) -> pd.DataFrame:
    """One row per ticker: beta and t for each (frequency, series) pair of a ``beta_table``."""
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


def beta_table(betas: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
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


def fits_table(tab: pd.DataFrame, series_labels: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """A ``beta_table`` / ``regime_betas`` frame as a reader's table: regime or ticker, what
    the beta is measured against (``series_labels`` maps FRED ids to the words of the
    sentences, e.g. 'the 10y-2y slope'), beta and HAC standard error in pp per +100 bp,
    t-stat, observations and the dates (columns the frame lacks are left out)."""
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
    out = out.rename(
        columns={
            "regime": "Regime",
            "ticker": "Ticker",
            "series": "Against",
            "beta": BETA_HEADER,
            "se": SE_HEADER,
            "t": "t-stat",
            "n": obs,
            "first": "First day",
            "last": "Last day",
        }
    )
    return out, {"pp": [BETA_HEADER], "num": [SE_HEADER, "t-stat"], "digits": 1}


def regime_table(regimes: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The regime betas of one ticker on one yield (the title names both): regime, beta, SE, t, days."""
    return fits_table(regimes.drop(columns=["ticker", "series"]))


def spread_table(spreads: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The slope and spread betas, each series named in words, without the dates."""
    return fits_table(spreads.drop(columns=["first", "last"], errors="ignore"), SERIES_WORDS)


def beta_sentence(row, ticker: str, benchmark: str, series_label: str, unit_bp: int = 100) -> str:
    """'For every +100 bp move in the DGS2 yield, IWM lagged SPY by 0.8 pp on average (HAC ...)'.

    ``row``: a ``rate_beta.BetaFit`` or a ``beta_table`` row; "gained on" for a positive beta,
    "lagged" for a negative one.
    """
    if row is None or not np.isfinite(row["beta"]):
        return f"The beta of {ticker} against {benchmark} on {series_label} could not be estimated in this window."
    word = "gained on" if row["beta"] > 0 else "lagged"
    scale = unit_bp / 100.0
    return (
        f"For every +{unit_bp} bp move in {series_label}, {ticker} {word} {benchmark} by "
        f"{abs(row['beta']) * 100 * scale:.1f} pp on average (HAC standard error "
        f"{row['se'] * 100 * scale:.1f} pp, t = {num(row['t'], 2)}, {int(row['n']):,} observations "
        f"from {row['first']:%Y-%m-%d} to {row['last']:%Y-%m-%d})."
    )


def short_beta(row) -> str:
    """'-0.8 pp per +100 bp (t = -1.34)' for evidence sentences."""
    if row is None or not np.isfinite(row["beta"]):
        return "n/a (not estimable)"
    return f"{pp(row['beta'])} per +100 bp (t = {num(row['t'], 2)})"


def yield_beta_sentences(betas, focus: str, benchmark: str, yield_series: str) -> str:
    """The headline daily beta in a sentence, then the weekly one (``betas``: ``rate_beta.YieldBetas``)."""
    week = betas.weekly
    return (
        beta_sentence(betas.headline, focus, benchmark, f"the {yield_series} yield")
        + f" On weekly data the beta is {pp(week['beta'])} per +100 bp (t = {num(week['t'], 2)}, "
        f"{int(week['n'])} weeks)."
    )


def no_rolling_sentence(days: int) -> str:
    """Said instead of the rolling-beta chart when the window is shorter than its trailing window."""
    return f"The window has fewer than {days} days, so no rolling beta is drawn."


def regime_sentence(regimes: pd.DataFrame, focus: str, yield_series: str) -> str:
    """'IWM's beta to DGS2 was -0.6 pp per +100 bp in the hiking regime (t = ...), ...'."""
    ok = regimes.dropna(subset=["beta"])
    if not len(ok):
        return "No regime has enough days inside this window."
    return (
        f"{focus}'s beta to {yield_series} was "
        + listing([f"{pp(r.beta)} per +100 bp in the {r.regime} regime (t = {num(r.t, 2)})" for r in ok.itertuples()])
        + "."
    )


def spread_sentences(spreads: pd.DataFrame, benchmark: str) -> str:
    """One :func:`beta_sentence` per row of the slope and spread betas."""
    return " ".join(beta_sentence(r, r["ticker"], benchmark, SERIES_WORDS[r["series"]]) for _, r in spreads.iterrows())


# ---- the pause question ----------------------------------------------------------------
def pause_table(table: pd.DataFrame, windows, benchmark: str, event: str = "Hold") -> tuple[pd.DataFrame, dict]:
    """An ``events.per_event_table`` with reader's headers ('Hold date', 'vs SPY over [0,+5]')."""
    labels = {window_label(w): f"vs {benchmark} over {window_label(w)}" for w in windows}
    out = table.rename(columns={"Date": f"{event} date", **labels})
    return out, {"pp": list(labels.values()), "digits": 1}


def pause_sentence(summary: pd.DataFrame, tickers, benchmark: str, window, years) -> str:
    """One hold sentence per ticker, or that no hold of ``years`` falls inside the window."""
    if summary.empty:
        return (
            f"No hold decision of {listing(years)} falls inside this window, so the pause question cannot be measured."
        )
    return (
        " ".join(group_sentence(summary, t, benchmark, window, "hold") for t in tickers)
        + f" (holds announced in {listing(years, 'or')})."
    )


# ---- the timeline --------------------------------------------------------------------
def per_year_table(years: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """An ``fomc.per_year`` table for a reader: the net change as signed integer bp, the
    last decision as an ISO date."""
    out = years.assign(
        net_change_bp=[("0" if v == 0 else f"{int(v):+d}") for v in years["net_change_bp"]],
        last_decision=pd.to_datetime(years["last_decision"]).dt.strftime("%Y-%m-%d"),
        year=years["year"].astype(str),
    )
    out = out.rename(
        columns={
            "year": "Year",
            "meetings": "Meetings",
            "cuts": "Cuts",
            "holds": "Holds",
            "hikes": "Hikes",
            "net_change_bp": "Net change in the year (bp)",
            "last_decision": "Last decision",
            "range_after": "Target range after the last decision",
        }
    )
    return out, {}


def timeline_sentence(known: pd.DataFrame, years: pd.DataFrame, b11) -> str:
    """When the easing cycle began, the cuts per year and those of the second half of 2025
    (``b11``: an ``fomc.CuttingStart``), or that the file has no meeting up to the window's end."""
    if known.empty:
        return "**The decisions file has no meeting up to the window's end**, so the timeline is empty."
    start = (
        f"the easing cycle in the file began on {b11.cycle_start:%Y-%m-%d} with a {abs(b11.first_cut_bp)} bp cut"
        if b11.cycle_start is not None
        else "the file shows no cut up to the window's end"
    )
    h2 = (
        f". In the second half of 2025 it made {plural(b11.cuts_in_claimed_period, 'cut')} "
        f"({b11.bp_in_claimed_period:+d} bp)."
        if b11.covers_claimed_period
        else ". The window ends before the second half of 2025, so cuts in that period are not visible here."
    )
    per_year = listing(
        [f"{plural(int(r.cuts), 'cut')} ({int(r.net_change_bp):+d} bp) in {r.year}" for r in years.itertuples()]
    )
    return f"Up to {known['announcement_date'].max():%Y-%m-%d}, {start}; per year the Fed made {per_year}{h2}"


def cross_check_sentence(check: pd.DataFrame) -> str:
    """How many meetings FRED's target range agrees with (``fomc.cross_check_fred``), or why it did not run."""
    if check.empty:
        return (
            "**FRED cross-check not run:** DFEDTARU/DFEDTARL are not available from this data source "
            "(the snapshot does not carry them). With live data this section lists every meeting whose range disagrees with FRED."
        )
    bad = check[check["agrees"] == False]  # noqa: E712  (NaN = FRED has no later date)
    return (
        f"FRED agrees with the file on {int((check['agrees'] == True).sum())} of {len(check)} meetings; "  # noqa: E712
        f"disagreements: {listing(bad['announcement_date'].dt.strftime('%Y-%m-%d')) if len(bad) else 'none'}."
    )


# ---- the verdict -----------------------------------------------------------------------
#: the row of :data:`GRADE_TABLE` that decides each combined verdict, in the table's own words
GRADE_TABLE_ROWS = {
    "missing": "an estimate is missing: inconclusive",
    ReportVerdict.MIXED: "significant support and the wrong direction together: mixed",
    ReportVerdict.SUPPORTED: "significant support with the rest in the right direction: supported",
    ReportVerdict.NOT_SUPPORTED: "the wrong direction with nothing significant in support: not supported",
    ReportVerdict.INCONCLUSIVE: "only right-direction estimates that are not significant: inconclusive",
}


def graded_reading(named_grades: dict) -> str:
    """Each test's grade in plain words and the row of :data:`GRADE_TABLE` that combines them:
    'DGS2 beta: the right direction but not significant; high-yield spread beta: significant
    support; by the grade table, significant support with the rest in the right direction: supported'.

    Why: a claim's evidence must show how its verdict follows from the tests, with the
    same table the report's verdict rule states (never a rule of its own, such as
    "both significant would confirm", that the verdict then contradicts). The row is
    picked by ``rate_beta.combine_grades``, the logic the verdicts apply.
    """
    grades = list(named_grades.values())
    row = "missing" if not grades or "missing" in grades else combine_grades(grades)
    tests = "; ".join(f"{name}: {GRADE_WORDS.get(g, g)}" for name, g in named_grades.items())
    return f"{tests}; by the grade table, {GRADE_TABLE_ROWS[row]}"


def thesis_rule(focus: str, benchmark: str, horizon: str, yield_series: str, min_events: int = 3) -> Rule:
    """The report's verdict rule on "small caps benefit from cuts", worded for this run's parameters.

    Args:
        focus, benchmark: the fund tested and what it is measured against.
        horizon: the event window, as the reader sees it ("[0,+20]").
        yield_series: the Treasury yield of the beta test.
        min_events: fewer measurable cuts than this: inconclusive.
    Returns:
        A :class:`~rotation_utils.verdicts.Rule`; ``rule.apply(event_grade, beta_grade, n_events)``
        runs ``rate_beta.thesis_verdict``.
    """
    text = (
        f"supported if {focus} beats {benchmark} on average over {horizon} after cuts with a 95% interval above "
        f"zero AND its daily HAC beta to {yield_series} is negative with a 95% interval below zero; not "
        f"supported if both point the other way; inconclusive with fewer than {min_events} measurable cuts; "
        f"otherwise the two tests combine by this table: {GRADE_TABLE}"
    )
    return Rule(
        text, lambda event_grade, beta_grade, n_events: thesis_verdict(event_grade, beta_grade, n_events, min_events)
    )


def thesis_evidence(summary: pd.DataFrame, headline, focus: str, benchmark: str, window, yield_series: str) -> str:
    """The two numbers the verdict rests on: the mean after cuts and the daily yield beta."""
    return f"{group_sentence(summary, focus, benchmark, window, 'cut')} " + beta_sentence(
        headline, focus, benchmark, f"the {yield_series} yield"
    )


def verdict_sentence(verdict, rule: Rule, grades, evidence: str) -> str:
    """'**Verdict: ...** Rule: ... The event test shows ...; the yield-beta test shows ... <evidence>'."""
    return (
        f"**Verdict: {verdict}.** Rule: {rule}. The event test shows {GRADE_WORDS[grades.event]}; "
        f"the yield-beta test shows {GRADE_WORDS[grades.beta]}. {evidence}"
    )


# ---- claims ------------------------------------------------------------------------------
def a3_evidence(test, focus: str, benchmark: str, window: str, through) -> str:
    """Claim A3's evidence, on the cuts of its own year only (``test``: a ``rate_claims.A3Test``):
    none yet (the claim's condition has not happened), too few to judge, or the mean relative
    return after them with how its grade decides the verdict."""
    through = pd.Timestamp(through)
    if test.cuts == 0:
        return (
            f"The decisions file shows no cut in {test.year} up to {through:%Y-%m-%d}, so the "
            "claim's condition has not happened yet."
        )
    n = int(test.stats["n"])
    tail = (
        f"; {plural(n, 'measurable cut')}, fewer than 3, too few to judge"
        if test.verdict == ClaimVerdict.UNVERIFIABLE
        else f" ({graded_reading({'the event test': test.grade})})"
    )
    return (
        f"Over {window} after the {plural(test.cuts, 'cut')} of {test.year} up to {through:%Y-%m-%d}, "
        f"{focus} minus {benchmark} averaged {short_stats(test.stats)}{tail}."
    )


def b11_evidence(b11) -> str:
    """Claim B11's evidence: when the easing cycle began and the cuts of the second half of 2025."""
    return (
        f"The easing cycle in the decisions file began on {iso(b11.cycle_start)} and cutting in the second half "
        f"of 2025 came to {b11.bp_in_claimed_period:+d} bp over {plural(b11.cuts_in_claimed_period, 'cut')}."
    )


def b12_evidence(test, focus: str, benchmark: str, yield_series: str, start, end) -> str:
    """Claim B12's evidence: the betas to the yield and to the high-yield spread over the
    claim's period (``test``: a ``rate_beta.BorrowingCostTest``)."""
    named = dict(zip([f"{yield_series} beta", "high-yield spread beta"], test.grades))
    return (
        f"From {iso(start)} to {iso(end)}, {focus} minus {benchmark} had a daily beta of {short_beta(test.rates)} "
        f"to {yield_series} and {short_beta(test.credit)} to the high-yield spread ({graded_reading(named)})."
    )


def b10_evidence(test, benchmark: str, window: str, years) -> str:
    """Claim B10's evidence: each REIT's mean relative return after the holds (``test``: a ``rate_beta.PauseTest``)."""
    return (
        f"Over {window} after the holds of {listing(years)}, "
        + listing([f"{t} minus {benchmark} averaged {short_stats(st)}" for t, st in test.stats.items()])
        + f" ({graded_reading(dict(zip(test.stats, test.grades)))})."
    )


def claims_line(claims) -> str:
    """'**Claims:** A3 forecast pending (provisional); B11 mixed; ...' from the recorded claims."""
    return (
        "**Claims:** "
        + "; ".join(f"{c['id']} {c['verdict']}{' (provisional)' if c['provisional'] else ''}" for c in claims)
        + "."
    )


# ---- headline metrics --------------------------------------------------------------------
def headline_metrics(
    head_beta, event_stats: dict, focus: str, benchmark: str, yield_series: str, window: str
) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``, in scorecard order.

    The focus ticker's daily yield beta (pp per +100 bp) and its mean relative returns
    after each decision type come first (the index page shows the first ones), then the
    beta's HAC standard error, the other tickers' means, and the number of events behind
    each mean. ``event_stats`` maps ``(ticker, decision)`` to ``events.stats_for`` rows.
    """

    def mean_row(t, g, st):
        return (
            f"{t}_mean_rel_after_{g}s",
            st["mean"] * 100,
            "pp",
            f"{t} minus {benchmark}: mean {window} return after {plural(int(st['n']), g)}",
        )

    rows = [
        (
            f"{focus}_beta_{yield_series}",
            head_beta["beta"] * 100,
            "pp per +100 bp",
            f"{focus} minus {benchmark}: daily beta to {yield_series}, {head_beta['first']:%Y-%m-%d} to {head_beta['last']:%Y-%m-%d}",
        )
    ]
    rows += [mean_row(t, g, st) for (t, g), st in event_stats.items() if t == focus]
    rows.append(
        (
            f"{focus}_beta_{yield_series}_se",
            head_beta["se"] * 100,
            "pp per +100 bp",
            "HAC (Newey-West) standard error of that beta",
        )
    )
    rows += [mean_row(t, g, st) for (t, g), st in event_stats.items() if t != focus]
    rows += [
        (f"{t}_{g}_events", int(st["n"]), "events", f"{g} decisions measured for {t} over {window}")
        for (t, g), st in event_stats.items()
    ]
    return rows


def per_year_metrics(years: pd.DataFrame) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``: the number of cuts per
    calendar year of an ``fomc.per_year`` table, labelled with the year's net change in bp."""
    return [
        (f"cuts_{r.year}", int(r.cuts), "cuts", f"FOMC cuts in {r.year} ({int(r.net_change_bp):+d} bp)")
        for r in years.itertuples()
    ]


# ---- caveats -------------------------------------------------------------------------------
def event_study_notes(decisions: pd.DataFrame, flags: pd.Series, excluded: pd.DataFrame, last_price) -> list[str]:
    """Caveat bullets about the event study itself (Markdown strings).

    How few events it rests on (per decision type) and how the hand-transcribed
    decisions file was verified (``flags``: counts per verification mark, e.g. from
    ``fomc.verified_counts``) -- or that the window holds no decision; then the
    event windows left out because they run past ``last_price`` (``excluded``:
    rows with ``announcement_date`` and ``window``, from ``events.exclusions``).
    """
    counts = decisions["decision"].value_counts()
    notes = (
        [
            f"Few events: the event study rests on {listing([plural(int(n), k) for k, n in counts.items()])}; "
            "intervals from so few events are wide and sensitive to one meeting.",
            f"The decisions file is hand-transcribed: of the {len(decisions)} decisions used, "
            f"{listing([f'{n} marked {k!r}' for k, n in flags.items()])} (only 'primary' rows were read from the Fed's own statement).",
        ]
        if len(decisions)
        else ["No FOMC decision of the file falls inside the window, so the event study is empty."]
    )
    if len(excluded):
        notes.append(
            f"Left out for windows past the last price ({pd.Timestamp(last_price):%Y-%m-%d}): "
            + listing([f"{r.announcement_date:%Y-%m-%d} {r.window}" for r in excluded.itertuples()])
            + "."
        )
    return notes


def coverage_notes(file_start, window_start, fred_ok: bool) -> list[str]:
    """Caveat bullets about what the decisions file covers (Markdown strings): a file that
    starts more than 45 days after the window's start (the FOMC meets about every six
    weeks, so meetings are missing from the event study), and a file not cross-checked
    against FRED's target-range series (``fred_ok`` False)."""
    notes = []
    file_start, window_start = pd.Timestamp(file_start), pd.Timestamp(window_start)
    if (file_start - window_start).days > 45:
        notes.append(
            f"The decisions file starts on {file_start:%Y-%m-%d}, {(file_start - window_start).days} days after the window's start "
            f"({window_start:%Y-%m-%d}): meetings in between are not in the event study; only the yield regressions cover them."
        )
    if not fred_ok:
        notes.append("The file was not cross-checked against FRED's DFEDTARU/DFEDTARL (not in this data source).")
    return notes


def caveats(
    data, flags: pd.Series, excluded: pd.DataFrame, regimes: pd.DataFrame, missing, focus: str, benchmark: str
) -> str:
    """The report's caveats as a Markdown bullet list.

    Args:
        data: the run's ``RateData`` (decisions, prices, whether FRED was served).
        flags: ``fomc.verified_counts`` of the decisions used.
        excluded: ``events.exclusions`` of the event study.
        regimes: the ``regime_betas`` table (regimes without a beta are named).
        missing: the series or tickers the data layer could not serve.
        focus, benchmark: the fund tested and what it is measured against.
    """
    notes = event_study_notes(data.decisions, flags, excluded, data.px_all.index.max())
    notes += coverage_notes(data.decisions_all["announcement_date"].min(), data.px.index.min(), data.fred_ok)
    short = list(regimes.loc[regimes["beta"].isna(), "regime"])
    if short:
        notes.append(f"Regimes with too few days in this window: {listing(short)}.")
    if missing:
        notes.append(f"Missing series or tickers: {listing(missing)}.")
    notes.append(
        f"Relative returns of {focus} against {benchmark} also reflect sector mix (banks, biotech, tech weight), "
        "not only debt; a yield beta is an association, not proof of a borrowing-cost channel."
    )
    return "\n".join(f"- {n}" for n in notes)
