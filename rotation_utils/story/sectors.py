"""The words of report 06 (sector leadership): sentences, display tables, captions, caveats.

Every function here words results computed in :mod:`rotation_utils.analytics.sectors`,
:mod:`~rotation_utils.analytics.sectors_members`, :mod:`~rotation_utils.analytics.sectors_data`
and :mod:`~rotation_utils.analytics.sectors_verdicts`; none computes a figure. Direction
words ("beat"/"lagged", "gained"/"lost", "broad"/"narrow", "led"/"did not lead") are
chosen from the number or the flag they describe.

The verdict rule lives here (:func:`thesis_rule`): its text is wording, printed on the
page, while the logic it applies is
:func:`rotation_utils.analytics.sectors_verdicts.named_sector_verdict`, so the rule object
joins the two and the printed rule cannot drift from the applied one.

Display tables return a :class:`DisplayTable` ``(frame, formats)``: the frame has the
headers a reader sees, the formats are keyword arguments for
``rotation_utils.tables.formatted`` (``notebook.show`` displays the pair). Report 06
saves these same frames as its CSVs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from ..analytics.sectors import HEALTHCARE_BANK_FUNDS, Leadership
from ..analytics.sectors_members import BROAD_SHARE, SUSPECT_MOVE, FileTiming, MemberBreadth, WeightShift
from ..analytics.sectors_verdicts import (
    A9_LEGS,
    COMPLETE,
    MIN_WINDOW_DAYS,
    NOT_IN_DATA,
    OUTSIDE,
    THESIS_GROUPS,
    A7Test,
    A9Test,
    GroupsTest,
    ThesisWindow,
    named_sector_verdict,
)
from ..claim_values import Shown
from ..narrative import compare, direction, listing, pct, plural, pp
from ..universes import INDUSTRY_ETFS, SECTOR_ETFS, SIZE_STYLE_ETFS
from ..verdicts import ClaimVerdict, Rule
from .coverage import gap_note, reason
from .membership import holdings_caveat, holdings_phrase

#: display names of every fund the report can chart (sector, industry, size/style ETFs)
ETF_LABELS = {**SECTOR_ETFS, **INDUSTRY_ETFS, **SIZE_STYLE_ETFS}
#: source line of the price charts' footnotes
PRICE_SOURCE = "adjusted closes (Yahoo style) via the rotation_utils data layer"
#: the constituent baskets of section 3: holdings sector -> the basket's name in the chart and table
BASKET_LABELS = {
    "Health Care": "IWM healthcare members (equal weight)",
    "Financials": "IWM financials members (equal weight)",
}
#: claim A7's rule as the report states it
A7_RULE = (
    "contradicted if KBWB lagged SPY in any complete year of 2023-2025 inside the window, "
    "confirmed if it beat in all three, else unverifiable"
)


class DisplayTable(NamedTuple):
    """A table as a reader sees it: the frame (reader's headers) and its formats for ``tables.formatted``."""

    frame: pd.DataFrame
    formats: dict


# ---- labels and captions ------------------------------------------------------------
def fund_label(ticker: str) -> str:
    """'XLF Financial Select Sector SPDR' (the ticker and a space when the fund has no name here)."""
    return f"{ticker} {ETF_LABELS.get(ticker, '')}"


def heatmap_frame(relative: pd.DataFrame) -> pd.DataFrame:
    """A funds x periods frame of fractions as the heat map shows it: rows named, values in pp."""
    out = relative * 100
    out.index = [fund_label(t) for t in relative.index]
    out.columns = [str(c) for c in relative.columns]
    return out


@dataclass(frozen=True)
class Captions:
    """Chart titles and source lines worded from the run's parameters and holdings file.

    Args:
        benchmark: what the monthly and quarterly returns are measured against.
        holdings_date: the IWM holdings file the member baskets and breadth use.
    """

    benchmark: str
    holdings_date: pd.Timestamp

    @property
    def monthly(self) -> str:
        return f"Monthly return minus {self.benchmark}"

    @property
    def monthly_scale(self) -> str:
        return f"percentage points vs {self.benchmark}"

    @property
    def baskets_source(self) -> str:
        return PRICE_SOURCE + f"; IWM holdings file {pd.Timestamp(self.holdings_date):%Y-%m-%d}"

    @property
    def breadth_source(self) -> str:
        return (
            PRICE_SOURCE
            + f"; members from IWM holdings {pd.Timestamp(self.holdings_date):%Y-%m-%d}, priced at the start"
        )


def calendar_note(complete: pd.Series) -> str:
    """The calendar heat map's footnote: whether its last column is year to date."""
    return "last column is year to date" if not complete.iloc[-1] else ""


# ---- data ---------------------------------------------------------------------------
def membership_sentence(window: str, start, timing: FileTiming, cov: dict) -> str:
    """The Data-section sentence on the window and the IWM holdings file behind the member baskets.

    Why: membership is point-in-time only when the file predates the start;
    the sentence says how far off it is (``timing``: ``sectors_members.file_timing``,
    with the window end) and how many members are priced (``cov``:
    ``sectors_members.member_coverage``), so the reader can judge the survivor bias
    of the constituent sections.
    """
    if timing.after_end:
        when = (
            f"**after the window end {timing.window_end:%Y-%m-%d}**: no file on or before the window end "
            "exists, so membership is look-ahead"
        )
    elif timing.lag_days > 0:
        when = f"**{timing.lag_days} days after the start**: no earlier file exists, so membership is not point-in-time"
    else:
        when = "the latest file on or before the start"
    return (
        f"Window: {window} (base = last close on or before {pd.Timestamp(start):%Y-%m-%d}). "
        f"IWM members come from the holdings file of **{timing.date:%Y-%m-%d}**, {when}. Of its "
        f"{cov['holdings']} equity lines, {cov['full_window']} have prices over the whole window, "
        f"{cov['listed_later']} start trading after the start, {cov['stopped_early']} stop trading "
        f"before the end, and {cov['no_prices']} have no prices in this window (delisted or acquired since, "
        f"or not yet in the price panel)."
    )


def gaps_sentence(gaps: dict) -> str:
    """Which funds the window predates (``gaps``: ``rotation_coverage.history_gaps``, worded by ``coverage.reason``), and what that means."""
    return (
        f"**Not covered from the window start:** {gap_note(gaps)}. Full-window figures leave them out; "
        "calendar years they do cover still count."
    )


def members_gap_sentence(cov: dict) -> str:
    """Said when member prices do not cover the window: the member sections are skipped."""
    return (
        f"**Member prices do not cover this window** (only {cov['full_window']} of {cov['holdings']} "
        f"holdings are priced at the start): the constituent baskets and the breadth section are skipped."
    )


# ---- 1. calendar years ----------------------------------------------------------------
def calendar_table(cal: pd.DataFrame) -> DisplayTable:
    """Calendar-year returns (rows: year labels, columns: tickers) as one row per fund with its name."""
    out = cal.T.rename_axis("Ticker").reset_index()
    out.insert(1, "Name", [ETF_LABELS.get(t, "") for t in out["Ticker"]])
    return DisplayTable(out, {"pct": list(cal.index)})


def a7_table(a7: A7Test) -> DisplayTable:
    """Claim A7's year-by-year table with reader's headers."""
    diff = f"{a7.bank} minus {a7.market}"
    out = a7.table.rename(columns={"year": "Year", "difference": diff, "status": "Status"})
    return DisplayTable(out, {"pct": [a7.bank, a7.market], "pp": [diff]})


def calendar_sentence(years: pd.DataFrame, start, a7: A7Test) -> str:
    """The years the calendar table covers, and claim A7 as read from it (:func:`a7_evidence`)."""
    shown = f"{years.index.min()}-{years.index.max()}" if len(years) else "none"
    return (
        f"The calendar table covers {shown} whatever the window start ({pd.Timestamp(start):%Y-%m-%d}). "
        f"**A7 read from it:** {a7_evidence(a7)}"
    )


# ---- 2. rotation by period ------------------------------------------------------------
def leaders_table(leaders: pd.DataFrame, benchmark: str) -> DisplayTable:
    """The quarterly leaders and laggards (``sectors.leaders_by_period``) with reader's headers."""
    lead, lag = f"Leader vs {benchmark}", f"Laggard vs {benchmark}"
    out = leaders.rename(
        columns={"period": "Quarter", "leader": "Leader", "leader_rel": lead, "laggard": "Laggard", "laggard_rel": lag}
    )
    return DisplayTable(out, {"pp": [lead, lag]})


def leadership_sentence(window: str, lead: Leadership, benchmark: str) -> str:
    """The sentence under the quarterly leaders table: best and worst sector fund over the
    window, how often the lead changed hands, who led most often and who leads the latest
    quarter (``lead``: ``sectors.leadership_summary``)."""
    best = compare(f"{lead.best}, {ETF_LABELS.get(lead.best, lead.best)},", lead.best_rel, b_name=benchmark)
    worst = compare(f"{lead.worst}, {ETF_LABELS.get(lead.worst, lead.worst)},", lead.worst_rel, b_name=benchmark)
    return (
        f"Over {window}, {best} (best sector ETF) and {worst} (worst). "
        f"Quarter by quarter the lead changed hands {plural(lead.changes, 'time')} in {lead.quarters} quarters; "
        f"{lead.most_often} led most often ({plural(lead.most_often_count, 'quarter')}), and the latest quarter "
        f"({lead.latest_quarter}, to date) is led by {lead.latest_leader} ({pp(lead.latest_rel)}). "
        f"{plural(lead.beat, 'sector ETF')} of {lead.funds} beat {benchmark} over the window."
    )


# ---- 3. healthcare and banks ------------------------------------------------------------
def no_lines_sentence(gaps: dict) -> str:
    """Said instead of the growth chart when no healthcare or bank series covers the window."""
    return (
        f"No healthcare or bank series covers the window: {gap_note(gaps, HEALTHCARE_BANK_FUNDS)}; "
        "the constituent baskets need member prices (see Data)."
    )


def versus_table(table: pd.DataFrame, benchmarks) -> DisplayTable:
    """A ``sectors.versus_benchmarks`` table with its formats."""
    return DisplayTable(table, {"pct": ["Return"], "pp": [f"minus {b}" for b in benchmarks]})


def healthcare_banks_sentence(
    base_day, window: pd.Series, small_cap_index: str, beat: list, n_series: int, n_prints: int, shifts: dict, gaps
) -> str:
    """Both indexes' returns since the base day, which series beat both, how much the suspect
    prints move the baskets (``shifts``: ``sectors_members.print_shifts``, healthcare first)
    and which funds the window predates."""
    text = (
        f"Since {pd.Timestamp(base_day):%Y-%m-%d}, {small_cap_index} returned {pct(window[small_cap_index])} and SPY "
        f"{pct(window['SPY'])}. Beat both: {listing(beat)} ({len(beat)} of {n_series}). "
    )
    if n_prints and shifts:
        moves = list(shifts.values())
        text += (
            f"Replacing the {plural(n_prints, 'suspect print')} in member prices moves the healthcare "
            f"basket by {pp(moves[0])} and the financials basket by {pp(moves[1])}."
        )
    elif not shifts:
        text += "The constituent baskets are skipped (no member prices)."
    left_out = gap_note(gaps, [*HEALTHCARE_BANK_FUNDS, small_cap_index, "SPY"])
    return text + (f" Left out: {left_out}." if left_out else "")


def a9_table(a9: A9Test) -> DisplayTable:
    """Claim A9's table with reader's headers."""
    out = a9.table.rename(columns={"leg": "Group", "ticker": "ETF", "return": f"{a9.year} return"})
    return DisplayTable(out, {"pct": [f"{a9.year} return"], "pp": [f"minus {b}" for b in a9.benchmarks]})


def a9_sentence(a9: A9Test, end_day, small_cap_index: str) -> str:
    """Claim A9 as read in section 3: the evidence, and how to test it when the window cannot."""
    if a9.table.empty:
        return (
            f"**A9:** {a9_evidence(a9)} The window ends {pd.Timestamp(end_day):%Y-%m-%d}; run with an end date "
            f"in {a9.year} (or no end date) to test it."
        )
    return (
        f"**A9:** {a9_evidence(a9)} Measured from the {a9.base_year} year-end close whatever the window start; "
        f"a group leads when the average of its ETFs beats both SPY and {small_cap_index}."
    )


# ---- 4. composition ----------------------------------------------------------------------
def weights_table(weights: pd.DataFrame, change: pd.Series) -> DisplayTable:
    """Sector weights per holdings file with the change from the first to the last file."""
    out = weights.assign(**{"Change (pp)": change}).rename_axis("Sector").reset_index()
    return DisplayTable(out, {"pct": list(weights.columns), "pp": ["Change (pp)"]})


def weights_sentence(shift: WeightShift, end=None) -> str:
    """The sentence under the IWM sector-weights table (``shift``: ``sectors_members.weight_shift``).

    Why: the largest sector and the biggest gain and loss of weight from the
    first to the last holdings file are read from the files, not written in; the
    files are those known at the run's as-of date, each named by its date (and said to
    lie after the window end ``end`` when it does).
    """
    files = shift.files
    largest = f"{shift.largest} is the largest sector at {pct(shift.largest_weight, sign=False)}"
    if len(files) == 1:
        return (
            f"One holdings file is known at the run's as-of date: {holdings_phrase(files[0], end=end)}. "
            f"{largest}; with one file there is no change of weight to show."
        )
    after = (
        f" ({listing([str(f) for f in shift.after_end])} after the window end {pd.Timestamp(end):%Y-%m-%d})"
        if shift.after_end
        else ""
    )
    return (
        f"The {len(files)} holdings files known at the run's as-of date are shown whatever the window "
        f"({files[0]} to {files[-1]}){after}. {largest}. "
        f"From the first to the last file, {shift.up} {direction(shift.up_change, 'gained', 'lost', 'held')} the most "
        f"({pp(shift.up_change)}) and {shift.down} {direction(shift.down_change, 'gained', 'lost', 'held')} the most "
        f"({pp(shift.down_change)})."
    )


# ---- 5. members ----------------------------------------------------------------------------
def members_skipped_sentence(cov: dict) -> str:
    """Said instead of section 5 when member prices do not cover the window."""
    return (
        f"Skipped: only {cov['full_window']} of {cov['holdings']} IWM holdings have prices from the window "
        "start (see Data)."
    )


def member_lists(breadth: MemberBreadth) -> list[tuple[str, str, str, DisplayTable]]:
    """The leaders and the laggards: ``(heading, CSV name, CSV title, table)`` for each."""
    out = []
    for frame, name in ((breadth.top, "Leaders"), (breadth.bottom, "Laggards")):
        heading = f"**{name}** (return over the window; ranking uses prices with suspect prints neutralised)"
        table = DisplayTable(frame, {"pct": ["Return", "Return as in source"]})
        out.append((heading, f"iwm_{name.lower()}", f"IWM {name.lower()} over the window", table))
    return out


def breadth_sentence(breadth: MemberBreadth, small_cap_index: str) -> str:
    """How many members beat the index, the median member, broad or narrow, and where the leaders sit."""
    b = breadth.summary
    return (
        f"{b['beat']} of {b['members']} members ({pct(b['share_beat'], sign=False)}) beat {small_cap_index}'s "
        f"{pct(b['index_return'])}; the median member returned {pct(b['median'])}, so leadership was "
        f"**{'broad' if breadth.broad else 'narrow'}** (broad when at least {_share_words(BROAD_SHARE)} the members "
        f"beat the index). The top {len(breadth.top)} averaged {pct(breadth.top_mean)}, the bottom "
        f"{len(breadth.bottom)} {pct(breadth.bottom_mean)}. Leaders sit in {listing(breadth.leader_sectors)}."
    )


def _share_words(share: float) -> str:
    """'half' for 0.5, else the percentage ('60%')."""
    return "half" if share == 0.5 else pct(share, 0, sign=False)


# ---- claims --------------------------------------------------------------------------------
def _missing_year_reasons(years, tickers, last_day=None, gaps: dict | None = None) -> dict:
    """year -> reasons the data have no return for it (the window ends first; a ticker has no prices)."""
    out = {}
    for y in sorted(years):
        why = []
        if last_day is not None and pd.Timestamp(last_day).year < y:
            why.append(f"the window ends {pd.Timestamp(last_day):%Y-%m-%d}, before {y}")
        why += [reason((gaps or {})[t]) for t in tickers if (gaps or {}).get(t)]
        if why:
            out[y] = why
    return out


def a7_evidence(a7: A7Test) -> str:
    """Claim A7's evidence: each claimed year's bank and market returns with "beat"/"lagged"
    from the difference's sign, or why a year is not judged; an unverifiable verdict's
    evidence starts with its reason."""
    bank, market, years, t = a7.bank, a7.market, a7.claim_years, a7.table
    why = _missing_year_reasons(t[t["status"] == NOT_IN_DATA]["year"], (bank, market), a7.last_day, a7.gaps)
    parts = []
    for _, r in t.iterrows():
        if r["status"] == NOT_IN_DATA:
            parts.append(
                f"{r['year']}: not in the data" + (f" ({'; '.join(why[r['year']])})" if why.get(r["year"]) else "")
            )
        elif r["status"] == OUTSIDE:  # the claim is judged inside the window: no figure
            parts.append(f"{r['year']}: outside the window, not judged")
        else:
            word = "beat" if r["difference"] > 0 else "lagged"
            tail = "" if r["status"] == COMPLETE else " (year to date only, not counted)"
            parts.append(
                f"{r['year']}: {bank} {pct(r[bank])} vs {market} {pct(r[market])}, "
                f"{word} by {abs(r['difference']) * 100:.1f} pp{tail}"
            )
    full = a7.complete_years
    evidence = f"{bank} beat {market} in {a7.beaten} of {full} complete claimed years ({'; '.join(parts)})."
    if a7.verdict == ClaimVerdict.UNVERIFIABLE:  # the reason first: too few years to judge "every year"
        evidence = (
            f"Unverifiable on this window: {full} of the {len(years)} claimed years "
            f"{'is' if full == 1 else 'are'} complete inside it and none lagged, too few to judge "
            f"all {len(years)}. " + evidence
        )
    if len(t) and (t["status"] == NOT_IN_DATA).all() and why:
        first = [v[0] for v in why.values() if v][:1]  # the earliest year's first reason covers the later ones
        rest = [x for v in why.values() for x in v if not x.startswith("the window ends")]
        evidence = (
            f"None of the claimed years {min(years)}-{max(years)} can be measured on this window: "
            f"{'; '.join(dict.fromkeys(first + rest))}."
        )
    return evidence


def a9_evidence(a9: A9Test) -> str:
    """Claim A9's evidence: why it cannot be tested, or each leg's return against the
    benchmarks and whether it led, for the year or the year to date."""
    year, days = a9.year, a9.trading_days
    if not a9.in_data:
        return f"Cannot be tested on this window: the window has no {year} data."
    if a9.too_few_days:
        return (
            f"Cannot be tested on this window: only {days} trading days of {year} are in the window "
            f"(fewer than {a9.min_days})."
        )
    if a9.table.empty:
        return f"Cannot be tested: no {year} return for {listing(a9.missing)}."
    span = f"in {year}" if a9.complete else f"in {year} to date ({days} trading days; the year is not over)"
    bits = []
    for leg, tickers in a9.legs.items():
        a = a9.leg_average(leg)
        vs = ", ".join(f"{pp(a[f'minus {b}'])} vs {b}" for b in a9.benchmarks)
        bits.append(
            f"{leg.lower()} ({', '.join(tickers)}) returned {pct(a['return'])} ({vs}) and "
            f"{'led' if a9.leads[leg] else 'did not lead'}"
        )
    return f"{span[0].upper()}{span[1:]}, {'; '.join(bits)}."


def a7_record(a7: A7Test) -> dict:
    """Keyword arguments of ``Report.claim`` for claim A7: the verdict, its evidence, the years
    beaten (when all are complete) and each year's difference in pp."""
    return dict(
        claim_id="A7",
        verdict=a7.verdict,
        evidence=a7_evidence(a7),
        claimed=len(a7.claim_years),
        measured=a7.measured,
        unit="years",
        complete_years=a7.complete_years,
        **{
            f"kbwb_minus_spy_{r.year}": Shown(r.difference * 100, "pp", f"{a7.bank} minus {a7.market}, {r.year}")
            for r in a7.table.itertuples()
        },
    )


def a9_record(a9: A9Test) -> dict:
    """Keyword arguments of ``Report.claim`` for claim A9: the verdict, its evidence, the year's
    trading days and each ETF's (and leg average's) return minus each benchmark in pp."""
    values = {
        f"{r['ticker']} minus {b}": Shown(r[f"minus {b}"] * 100, "pp", f"{r['ticker']} minus {b}, {a9.year}")
        for _, r in a9.table.iterrows()
        for b in a9.benchmarks
    }
    return dict(
        claim_id="A9",
        verdict=a9.verdict,
        evidence=a9_evidence(a9),
        trading_days_2026=a9.trading_days,
        year_complete=a9.complete,
        **values,
    )


def claims_sentence(claims, small_cap_index: str) -> str:
    """Claims A7 and A9 as recorded (``Report.claims``, with any period note), each with its rule."""
    c = {x["id"]: x for x in claims}
    return (
        f"**A7: {c['A7']['verdict']}.** Rule: {A7_RULE}. {c['A7']['evidence']}\n\n"
        f"**A9: {c['A9']['verdict']}.** Rule: confirmed if both {_groups_words(A9_LEGS)} lead SPY and "
        f"{small_cap_index} in 2026, contradicted if neither does, mixed if one does; provisional while 2026 runs. "
        f"{c['A9']['evidence']}"
    )


def _groups_words(groups: dict) -> str:
    """'mid-cap banks (KRE), small-cap healthcare (XBI) and industrials (XLI)': the groups a rule
    names, worded from the same mapping its logic averages, so the text cannot drift from it."""
    return listing([f"{name.lower()} ({', '.join(tickers)})" for name, tickers in groups.items()])


# ---- the verdict ----------------------------------------------------------------------------
def thesis_rule(market: str = "SPY", min_days: int = MIN_WINDOW_DAYS) -> Rule:
    """The report's verdict rule, worded for this run's benchmark and minimum window.

    Returns:
        A :class:`~rotation_utils.verdicts.Rule`; ``rule.apply(window, gaps=..., days=...)`` runs
        ``sectors_verdicts.named_sector_verdict`` and returns its ``GroupsTest``
        (worded by :func:`thesis_evidence`).
    """
    text = (
        f"over 2026 to date inside the run's window (the articles' calls are about 2026): supported if "
        f"{_groups_words(THESIS_GROUPS)} all beat {market}; not supported if none does; mixed otherwise; "
        f"inconclusive without 2026 data or for windows shorter than {int(min_days)} trading days"
    )
    return Rule(
        text,
        lambda window, gaps=None, days=None: named_sector_verdict(
            window, market, gaps=gaps, days=days, min_days=int(min_days)
        ),
    )


def thesis_label(thesis: ThesisWindow) -> str:
    """'2025-12-31 to 2026-07-13 (131 trading days of 2026 so far)', or 'none: <reason>'."""
    if thesis.start is None:
        return f"none: {thesis.reason}"
    so_far = " so far" if thesis.so_far else ""
    return f"{thesis.base:%Y-%m-%d} to {thesis.end:%Y-%m-%d} ({thesis.days} trading days of {thesis.period}{so_far})"


def groups_evidence(test: GroupsTest) -> str:
    """The thesis verdict's evidence: which named groups beat the market and which did not,
    the funds without a window return and why, and first, when the window is too short, that it is."""
    evidence = f"Beat {test.market} over the window: {listing(test.beat)}; did not: {listing(test.lagged)}."
    if test.unpriced:
        reasons = [reason(test.gaps[x]) for x in test.unpriced if test.gaps.get(x)]
        lost = test.unmeasured
        evidence += f" No window return for {listing(test.unpriced)}" + (f" ({'; '.join(reasons)})" if reasons else "")
        evidence += (
            f", so {listing(lost)} cannot be measured."
            if lost
            else "; each group is averaged over the ETFs that have one."
        )
    if test.too_short:
        evidence = (
            f"Too short to call leadership: the window has {test.days} trading days, fewer than {test.min_days}. "
            + evidence
        )
    return evidence


def thesis_evidence(test: GroupsTest, thesis: ThesisWindow) -> str:
    """The verdict's evidence: :func:`groups_evidence`, or that the run has none of the thesis period."""
    if thesis.start is None:
        return f"The calls are about {thesis.period} and this run has none of it ({thesis.reason})."
    return groups_evidence(test)


def verdict_table(table: pd.DataFrame) -> DisplayTable:
    """The named groups' returns over the thesis window (``GroupsTest.table``)."""
    return DisplayTable(table, {"pct": ["return"], "pp": ["minus market"]})


def verdict_sentence(value, thesis: ThesisWindow, rule: Rule, evidence: str) -> str:
    """'**Overall: supported.** Thesis window: ... Rule: ... <evidence>'."""
    return f"**Overall: {value}.** Thesis window: {thesis_label(thesis)}. Rule: {rule}. {evidence}"


# ---- headline metrics ----------------------------------------------------------------------
def verdict_metric_rows(table: pd.DataFrame, market: str = "SPY") -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``: each named group minus the market.

    Args:
        table: ``GroupsTest.table`` (group, tickers, return, minus market).
        market: the benchmark's ticker, for the labels.

    Returns:
        One row per group in percentage points over the window (None when not measured).
    """
    rows = []
    for r in table.to_dict(orient="records"):
        diff = r["minus market"]
        slug = "_".join(str(r["group"]).lower().replace("-", " ").split())
        rows.append(
            (
                f"{slug}_minus_market_pp",
                None if pd.isna(diff) else float(diff) * 100,
                "pp",
                f"{r['group']} ({r['tickers']}) minus {market} over the window",
            )
        )
    return rows


def metric_names(rows: list[tuple]) -> list[str]:
    """The names of metric rows (for ``Report.key_metrics``)."""
    return [row[0] for row in rows]


def window_metric_rows(
    a7: A7Test, lead: Leadership, benchmark: str, breadth: MemberBreadth, small_cap_index: str
) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``: KBWB minus SPY per claimed year
    (a full-year figure only), the best and worst sector fund over the window and the share
    of members beating the small-cap index."""
    rows = [
        (f"kbwb_minus_spy_{y}", None if v is None else v * 100, "pp", f"KBWB minus SPY, {y}")
        for y, v in a7.year_differences().items()
    ]
    return rows + [
        ("best_sector", lead.best, "", f"Best sector ETF over the window ({pp(lead.best_rel)} vs {benchmark})"),
        ("best_sector_minus_benchmark", lead.best_rel * 100, "pp", f"{lead.best} minus {benchmark} over the window"),
        ("worst_sector", lead.worst, "", f"Worst sector ETF over the window ({pp(lead.worst_rel)} vs {benchmark})"),
        ("worst_sector_minus_benchmark", lead.worst_rel * 100, "pp", f"{lead.worst} minus {benchmark} over the window"),
        (
            "share_members_beat_iwm",
            breadth.summary["share_beat"] * 100,
            "%",
            f"Share of IWM members beating {small_cap_index}",
        ),
    ]


# ---- caveats ------------------------------------------------------------------------------------
def member_caveats(cov: dict, holdings_date, start, prints: pd.DataFrame, late, end=None) -> list[str]:
    """Caveat sentences on the member universe: point-in-time, survivors, bad prints.

    ``cov`` comes from ``sectors_members.member_coverage``; ``prints`` are the suspect
    prints inside the window and ``late`` the unconfirmed last-day moves. The membership
    sentence names the holdings file and says whether it lies after the window start
    or even after the window end ``end`` (:func:`rotation_utils.story.membership.holdings_caveat`).
    """
    look_ahead = holdings_caveat([holdings_date], start, end)
    member = (
        "Membership (baskets and breadth): " + look_ahead
        if look_ahead
        else f"Membership: {holdings_phrase(holdings_date)}, on or before the start (point-in-time)."
    )
    tail = (
        ". Every priced member still trades on the last date: the price panel holds survivors only."
        if cov["stopped_early"] == 0
        else f"; {cov['stopped_early']} stop trading early (held at their last price)."
    )
    survivors = (
        f"Survivor bias: {cov['no_prices']} of {cov['holdings']} holdings have no prices in this "
        f"window (mostly delisted or acquired names) and {cov['listed_later']} listed after the "
        f"start; neither is in the breadth figures{tail}"
    )
    names = sorted(set(prints["ticker"]))
    bad = (
        f"Suspect prints: {len(prints)} in the window ({listing(names[:8])}"
        f"{' ...' if len(names) > 8 else ''}); {len(late)} unconfirmed moves beyond "
        f"{SUSPECT_MOVE:.0%} on the last day ({listing(list(late)[:8])}). They are flagged in the "
        "tables, not deleted."
    )
    return [member, survivors, bad]


def missing_note(missing) -> str:
    """How many requested items the data layer could not serve, the first ten named."""
    if not missing:
        return f"{plural(0, 'requested item')} missing from the data."
    names = listing([m.split(":", 1)[1] for m in missing[:10]]) + (" ..." if len(missing) > 10 else "")
    return f"{plural(len(missing), 'requested item')} missing from the data: {names}"


def year_to_date_note(complete: pd.Series, end_day) -> str:
    """Whether the last calendar year shown is year to date."""
    if len(complete) and not complete.iloc[-1]:
        return (
            f"The last calendar year is year to date ({pd.Timestamp(end_day):%Y-%m-%d}); it is not a full-year result."
        )
    return "Every calendar year shown is complete."


def caveats(cov: dict, holdings_date, start, breadth: MemberBreadth, end_day, missing, complete: pd.Series) -> str:
    """The report's computed caveats as a Markdown bullet list (the fixed ones are in the notebook's markdown).

    Args:
        cov: ``sectors_members.member_coverage``.
        holdings_date: the IWM holdings file's date.
        start, end_day: the window start and its last day.
        breadth: ``sectors_members.member_breadth`` (suspect prints in the window, unconfirmed last moves).
        missing: what the data layer could not serve (``provenance.missing()``).
        complete: the calendar table's completeness flags.
    """
    notes = member_caveats(cov, holdings_date, start, breadth.prints_in_window, breadth.late, end_day)
    notes += [missing_note(missing), year_to_date_note(complete, end_day)]
    return "\n".join(f"- {n}" for n in notes)
