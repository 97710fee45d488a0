"""The words of report 03 (the valuation gap): sentences, display tables, captions, caveats,
claim evidence, headline-metric labels and the verdict rule's text.

Every function here words results computed in :mod:`rotation_utils.analytics.valuation`,
:mod:`~rotation_utils.analytics.valuation_versions`,
:mod:`~rotation_utils.analytics.valuation_small_caps` and
:mod:`~rotation_utils.analytics.valuation_verdicts`; none computes a figure of the report.
Direction words ("above"/"below", "rose"/"fell") are chosen from the sign of the number
they describe.

The verdict rule lives here (:data:`VERDICT_RULE`): its text is wording, printed on the
page, while the logic it applies is :func:`rotation_utils.analytics.valuation_verdicts.thesis_verdict`,
so the rule object joins the two and the printed rule cannot drift from the applied one.

Display tables (``*_table``) return ``(frame, formats)``: the frame has the headers a
reader sees, the formats are keyword arguments for ``rotation_utils.tables.formatted``
(``notebook.show`` displays the pair). The CSVs a report saves keep machine-readable columns.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..analytics.valuation import GroupComparison, GroupFigures, ShillerSummary
from ..analytics.valuation_small_caps import EMPTY, FAILED, NOT_QUERIED, IwmValuation
from ..analytics.valuation_verdicts import ARTICLE_R2000_PE, ARTICLE_SP500_PE, ClaimFigures, ClaimTests, thesis_verdict
from ..analytics.valuation_versions import MissingMembers, VersionChoice
from ..claim_values import Shown
from ..dates import iso
from ..narrative import direction, listing, num, pct, plural, usd
from ..verdicts import ClaimVerdict, Rule

#: chart footnote sources
NAMED_SOURCE = "Nasdaq screener caps; annual statements (FMP via public repositories)"
RATIO_SOURCE = "Yahoo/FRED index levels (^RUT, ^GSPC)"
SHILLER_SOURCE = "Robert Shiller via datahub (PDDL)"


def basis_words(include_loss_makers: bool) -> str:
    """The headline P/E basis in words, for every sentence and metric label."""
    return "loss-makers included" if include_loss_makers else "loss-makers excluded"


def ordinal_percentile(p: float) -> str:
    """0.16 -> '16th', 0.01 -> '1st', 0.22 -> '22nd' ('n/a' when missing)."""
    if p is None or not math.isfinite(p):
        return "n/a"
    n = int(round(p * 100))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---- the version used, or why there is none ----------------------------------------
def version_gap(choice: VersionChoice) -> str:
    """Why the window has no usable version, as a clause for sections, claims and labels
    ('' when it has one)."""
    m = choice.missing
    if m is None:
        return ""
    when = iso(m.end) or "the end of the data"
    if m.versions:
        return (
            f"no usable S&P 500 fundamentals version on or before {when}: all {m.versions} versions up to then, "
            f"{iso(m.first)} to {iso(m.last)}, fail the completeness check"
        )
    return f"no S&P 500 fundamentals version on or before {when}"


def no_version_reason(choice: VersionChoice) -> str:
    """Why no fundamentals version can be summed, as the Data section's sentence ('' with a version)."""
    m = choice.missing
    if m is None:
        return ""
    end = iso(m.end) or "the end of the data"
    if not m.versions:
        why = f" (data layer: {m.note.rstrip('.')})" if m.note else ""
        return f"The S&P 500 fundamentals have no dated version on or before {end}{why}."
    causes = [
        (m.mag7_blank, "some of the Magnificent 7 without data"),
        (m.priced_no_cap, "priced companies without a market cap"),
        (m.low_coverage, "over 1% fewer companies with data than nearby versions"),
    ]
    counted = "; ".join(f"{text}: {n}" for n, text in causes if n)
    joined = [f"{t} joined the S&P 500 on {iso(day)}" for t, day in m.joined_later]
    lacks = (
        (
            f"; the latest, {iso(m.last)}, has no data for {', '.join(m.missing_mag7)}"
            + (f" ({'; '.join(joined)})" if joined else "")
        )
        if m.missing_mag7
        else ""
    )
    return (
        f"None of the {m.versions} S&P 500 fundamentals version{'' if m.versions == 1 else 's'} on or before {end} "
        f"({iso(m.first)} to {iso(m.last)}) passes the completeness check (versions failing it with "
        f"{counted}){lacks}, so no aggregate P/E of the Magnificent 7, the Other 493 or the S&P 500 can be "
        "computed for this window."
    )


def history_gap(choice: VersionChoice) -> str:
    """Why the window has no P/E change to decompose ('' when it has): no version, or only one.

    One usable version (e.g. an end date just after the first complete one)
    would give a 0% change that reads like a finding; it is reported as missing.
    """
    if choice.version is None:
        return version_gap(choice)
    if not choice.has_history:
        return (
            f"only one usable S&P 500 fundamentals version, {iso(choice.version)}, from the history start to the "
            "window end: no change to measure"
        )
    return ""


def unavailable(section: str, reason: str) -> str:
    """The message a section prints instead of its chart and table when the window lacks its data."""
    return f"**{section}: not available in this window** ({reason}; see Data)."


def versions_sentence(quality: pd.DataFrame, choice: VersionChoice, as_of=None) -> str:
    """The Data section's sentence on the dated versions and the one this run uses."""
    if choice.version is None:
        return no_version_reason(choice)
    head = (
        f"The fundamentals hold {len(quality)} dated version{'' if len(quality) == 1 else 's'} from "
        f"{iso(quality['as_of'].min())} to {iso(quality['as_of'].max())}"
    )
    n = len(choice.usable)
    return (
        f"{head}; up to {iso(choice.version)}, {n} pass{'es' if n == 1 else ''} the completeness check and "
        f"{choice.skipped} fail{'s' if choice.skipped == 1 else ''} it (caps missing for priced companies, a Magnificent 7 name blank, or over 1% fewer "
        f"companies with data than nearby versions). This run uses the version of **{iso(choice.version)}**, the latest "
        f"usable one on or before {iso(as_of) or 'the end of the data'}; the history starts at {iso(choice.earliest)}."
    )


# ---- Finding 1: groups and sectors --------------------------------------------------
def pe_table_title(version) -> str:
    """Title of the saved P/E table."""
    return f"Aggregate trailing P/E on {iso(version)}"


def pe_chart_title(version) -> str:
    """Title of the P/E-by-group-and-sector chart."""
    return f"Aggregate trailing P/E by group and sector, {iso(version)}"


def sp500_line_label(sp500_pe: float) -> str:
    """Legend label of the S&P 500 line on the named-company chart."""
    return f"S&P 500 aggregate ({num(sp500_pe)}x)"


def shiller_line_label(version, today_pe: float) -> str:
    """Legend label of the run's aggregate P/E on Shiller's chart."""
    return f"Aggregate trailing P/E on {iso(version)} ({num(today_pe)}x)"


def pe_display(pe_tab: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``valuation.pe_table`` with a reader's headers: cap share as a percent, P/Es to one decimal."""
    out = pe_tab.rename(
        columns={
            "group": "Group or sector",
            "companies": "Companies",
            "loss_makers": "Loss-makers",
            "cap_share": "Share of cap",
            "pe_all": "P/E (all)",
            "pe_ex_losses": "P/E (ex losses)",
            "median_pe": "Median P/E",
        }
    )
    return out, {"pct": ["Share of cap"], "num": ["P/E (all)", "P/E (ex losses)", "Median P/E"]}


def groups_sentence(c: GroupComparison, version, basis: str) -> str:
    """Finding 1: the three groups' aggregate P/E, the Other 493's loss-makers and the sector extremes."""
    f = c.figures
    return (
        f"On {iso(version)}, with {basis}, the Magnificent 7 traded at **{num(f.mag7)}x** trailing earnings, the "
        f"Other 493 at **{num(f.other493)}x** and the S&P 500 at **{num(f.sp500)}x**: the Magnificent 7 P/E was "
        f"{pct(abs(c.premium), sign=False)} {direction(c.premium, 'above', 'below', 'level with')} the Other 493's "
        f"(ratio {num(f.ratio, 2)}). The Other 493 hold {c.other_loss_makers} loss-makers: their P/E is "
        f"{num(c.other_pe_all)}x with them and {num(c.other_pe_ex_losses)}x without; the median Other 493 company trades at "
        f"{num(c.other_median)}x, and the plain mean of their P/Es would read "
        f"{num(c.other_mean)}x. The most expensive sector was {c.dearest[0]} "
        f"({num(c.dearest[1])}x, {basis}) and the cheapest {c.cheapest[0]} "
        f"({num(c.cheapest[1])}x)."
    )


def missing_members_sentence(miss: MissingMembers, version) -> str:
    """Which members the version lacks and what share of the index's cap they hold."""
    if version is None:
        return ""
    share = (
        f", {pct(miss.cap_share, sign=False)} of the members' market cap on {iso(miss.caps_date)} "
        "(Nasdaq screener caps)"
        if math.isfinite(miss.cap_share)
        else ", their market-cap share unknown here"
    )
    return (
        f"Of the {miss.members} S&P 500 members on the run's as-of date, {len(miss.missing)} have no cap or "
        f"earnings in the {iso(version)} version ({listing(miss.missing[:8])}"
        f"{' ...' if len(miss.missing) > 8 else ''}){share}; they are left out of every aggregate."
    )


# ---- Finding 2: the change, price versus earnings -----------------------------------
def change_table_title(earliest, version) -> str:
    """Title of the saved decomposition table."""
    return f"P/E change {iso(earliest)} to {iso(version)}"


def change_table(move: pd.DataFrame, earliest, version) -> tuple[pd.DataFrame, dict]:
    """``valuation.decompose_change`` for a reader: the two P/Es and the three changes (log points left out)."""
    start, end = f"P/E {iso(earliest)}", f"P/E {iso(version)}"
    out = move.rename(
        columns={
            "group": "Group",
            "pe_start": start,
            "pe_end": end,
            "pe_change": "P/E change",
            "cap_change": "Market cap change",
            "earnings_change": "Earnings change",
        }
    ).drop(columns=["price_logpts", "earnings_logpts", "pe_logpts"])
    return out, {"pct": ["P/E change", "Market cap change", "Earnings change"], "num": [start, end]}


def move_sentences(move: pd.DataFrame) -> str:
    """Finding 2: one Markdown list item per group of ``decompose_change``, naming the bigger driver."""
    lines = []
    for r in move.itertuples():
        driver = "earnings" if abs(r.earnings_logpts) > abs(r.price_logpts) else "price"
        lines.append(
            f"- {r.group}: P/E {direction(r.pe_change, flat='was unchanged')} ({num(r.pe_start)}x to "
            f"{num(r.pe_end)}x, {pct(r.pe_change)}); market cap {direction(r.cap_change)} "
            f"{pct(abs(r.cap_change), sign=False)} and trailing earnings {direction(r.earnings_change)} "
            f"{pct(abs(r.earnings_change), sign=False)}, so {driver} moved the multiple more."
        )
    return "\n".join(lines)


def contributors_sentence(top: pd.DataFrame) -> str:
    """The Magnificent 7 names whose trailing earnings changed most (``valuation.mag7_earnings_movers``)."""
    return (
        "Largest changes in Magnificent 7 trailing earnings over the same span: "
        + listing([f"{r.symbol} {usd(r.earnings_start)} to {usd(r.earnings_end)}" for r in top.itertuples()])
        + "."
    )


# ---- Finding 3: small caps -------------------------------------------------------------
def named_table(named: pd.DataFrame, holdings_date) -> tuple[pd.DataFrame, dict]:
    """The named-company P/E table with readable columns (yes/no, fiscal year, USD m)."""
    out = pd.DataFrame(
        {
            "Ticker": named["ticker"],
            "Name": named["name"],
            f"IWM holding {pd.Timestamp(holdings_date):%Y-%m-%d}": named["in_iwm"].map({True: "yes", False: "no"}),
            "Market cap ($m)": named["market_cap"] / 1e6,
            "Fiscal year": named["fiscal_year"].astype("Int64").astype("string").fillna(""),
            "Net income ($m)": named["earnings"] / 1e6,
            "P/E": named["pe"],
        }
    )
    return out, {"num": ["Market cap ($m)", "Net income ($m)", "P/E"]}


def small_cap_sentence(
    cover: dict, holdings_date, small: pd.DataFrame, small_named_pe: float, spx: float, day, caps_note: str = ""
) -> str:
    """Finding 3: what the offline data can say about small caps on ``day``.

    Says so when the holdings file post-dates ``day`` (membership then is not in
    the data), when no market caps reach back to ``day`` (``caps_note``: the data
    layer's reason) and when there is no S&P 500 P/E to compare with.
    """
    hd = pd.Timestamp(holdings_date)
    later = (
        f" (the earliest file, later than {iso(day)}: membership on {iso(day)} is not in the data)"
        if hd > pd.Timestamp(day)
        else ""
    )
    head = (
        f"The snapshot has no Russell 2000 earnings. Of IWM's {cover['holdings']} equity holdings on "
        f"{iso(hd)}{later}, only {cover['covered']} ({pct(cover['weight_covered'], sign=False)} "
        f"of the fund's weight) have annual statements here (former S&P 500 members and named companies), so no "
        f"index-level small-cap P/E can be computed offline. "
    )
    if not math.isfinite(small_named_pe) and caps_note:
        return head + (
            f"The named companies that are IWM holdings ({listing(small['ticker'])}) have no market cap "
            f"by {iso(day)} (data layer: {caps_note.rstrip('.')}), so not even their P/E can be computed."
        )
    versus = (
        f"against {num(spx)}x for the S&P 500"
        if math.isfinite(spx)
        else "with no S&P 500 aggregate to compare (no usable fundamentals version in the window)"
    )
    return head + (
        f"The named companies that are IWM holdings ({listing(small['ticker'])}) have an aggregate "
        f"trailing P/E of {num(small_named_pe)}x {versus}; {plural(len(small), 'company', 'companies')} "
        "cannot stand for an index."
    )


def live_gap(live: IwmValuation) -> str:
    """Why there are no live IWM figures, a clause ('' when there are)."""
    return {
        NOT_QUERIED: "offline or snapshot source: yfinance not queried",
        FAILED: live.error,
        EMPTY: f"Yahoo returned no P/E for {live.fund} or its holdings",
    }.get(live.status, "")


def live_sentence(live: IwmValuation, max_holdings: int) -> str:
    """Finding 3: IWM's own P/E and its largest holdings' aggregate (live), or why there is none."""
    if not live.ok:
        return (
            f"Live small-cap figures: **not available** ({live_gap(live)}). With a network connection this cell "
            f"reads IWM's own trailing and forward P/E and aggregates its {max_holdings} largest holdings the same way."
        )
    agg = live.aggregate
    return (
        f"Live (yfinance): IWM reports a trailing P/E of {num(live.etf.get('trailing_pe'))}x and a forward "
        f"P/E of {num(live.etf.get('forward_pe'))}x; the aggregate of its {agg.get('holdings_used', 0)} "
        f"largest holdings with data ({pct(agg.get('weight_covered'), sign=False)} of weight) is "
        f"{num(agg.get('pe_all'))}x trailing with loss-makers, "
        f"{num(agg.get('pe_ex_losses'))}x without, and {num(agg.get('forward_pe_ex_losses'))}x forward; "
        f"left out after retries: {listing(agg.get('left_out', []))} "
        f"({pct(agg.get('weight_left_out'), sign=False)} of weight)."
    )


def ratio_sentence(rel_now: dict, recent_low: dict, day) -> str:
    """Finding 3: where the ^RUT/^GSPC price ratio stands and how low its recent low was."""
    return (
        f"As a proxy only, the Russell 2000's price level relative to the S&P 500's stood on {iso(rel_now['date'])} at the "
        f"{ordinal_percentile(rel_now['percentile'])} percentile of its range since {iso(rel_now['first'])}; "
        + (
            f"it was last lower on {iso(rel_now['lower_since'])}"
            if rel_now["lower_since"] is not None
            else "it had never been lower"
        )
        + f". Its low of the two years to {iso(day)}, on {iso(recent_low['date'])}, was "
        + (
            f"the lowest since {iso(recent_low['lower_since'])}"
            if recent_low["lower_since"] is not None
            else f"the lowest since the series starts ({iso(recent_low['first'])})"
        )
        + "."
    )


# ---- Finding 4: Shiller's long history ---------------------------------------------------
def long_run_table(s: ShillerSummary) -> tuple[pd.DataFrame, dict]:
    """Shiller's last trailing P/E and CAPE, their medians and where the run's aggregate sits."""
    out = pd.DataFrame(
        [
            {
                "Measure": "Trailing P/E (Shiller)",
                "Last month": f"{s.pe_month:%Y-%m}",
                "Last value": s.pe,
                "Median since 1881": s.median_pe,
                "Today's aggregate at percentile": s.percentile,
            },
            {
                "Measure": "CAPE (Shiller)",
                "Last month": f"{s.cape_month:%Y-%m}",
                "Last value": s.cape,
                "Median since 1881": s.median_cape,
                "Today's aggregate at percentile": float("nan"),
            },
        ]
    )
    return out, {"num": ["Last value", "Median since 1881"], "pct": ["Today's aggregate at percentile"]}


def shiller_sentence(s: ShillerSummary, spx: float, version, window_end=None, reason: str = "") -> str:
    """Finding 4: where Shiller's series end and where the run's aggregate P/E sits in them.

    ``window_end``: set when the series were cut at the window end (no later
    months shown); ``reason``: why there is no aggregate P/E to place.
    """
    stop = (
        f"Up to the window end ({iso(window_end)}), Shiller's latest month with earnings is {s.pe_month:%Y-%m}"
        if window_end is not None
        else f"Shiller's earnings stop in {s.pe_month:%Y-%m}"
    )
    head = (
        f"{stop}, when the trailing P/E was {num(s.pe)}x (median since 1881: {num(s.median_pe)}x) "
        f"and CAPE {num(s.cape)}x in {s.cape_month:%Y-%m}. "
    )
    if not math.isfinite(spx):
        return head + f"No constituent-based aggregate P/E exists for this window to place in that history ({reason})."
    return head + (
        f"The aggregate trailing P/E of {num(spx)}x on {iso(version)}, from a different source, would sit at the "
        f"{ordinal_percentile(s.percentile)} percentile of Shiller's monthly trailing P/E; "
        f"CAPE cannot be brought up to date from the snapshot."
    )


# ---- Finding 5: trailing versus forward ----------------------------------------------------
def trailing_forward_table(
    sp500_pe: float, basis: str, include_loss_makers: bool, version, live: IwmValuation, register_note: str
) -> tuple[pd.DataFrame, dict]:
    """Our trailing figure beside the articles' figures, the register's and the live fund figures.

    Each row says whether the figure is trailing or forward and where it comes
    from, so a reader never compares a trailing number with a forward one unawares.
    """
    live_src = "yfinance (live)" if live.ok else "not available offline"
    fund_basis = "excluded (fund providers' usual basis)"
    rows = [
        (
            "S&P 500 aggregate P/E (this run)",
            f"trailing, {basis}",
            sp500_pe,
            f"constituent financials {iso(version)}"
            if version is not None
            else "no usable constituent financials in the window",
            "included" if include_loss_makers else "excluded",
        ),
        (
            "S&P 500 'past 30x' (article B)",
            "called forward by the article",
            ARTICLE_SP500_PE,
            "article B",
            "not stated",
        ),
        ("Russell 2000 'near 18x' (article B)", "forward per the article", ARTICLE_R2000_PE, "article B", "not stated"),
        (
            "S&P 500 and Russell 2000 (claims register)",
            "external, see note",
            np.nan,
            register_note,
            "S&P's figures include them; fund-reported figures exclude them",
        ),
        ("IWM trailing P/E", "trailing, fund-reported", live.etf.get("trailing_pe", np.nan), live_src, fund_basis),
        ("IWM forward P/E", "forward, fund-reported", live.etf.get("forward_pe", np.nan), live_src, fund_basis),
    ]
    return pd.DataFrame(rows, columns=["Figure", "Basis", "Value", "Source", "Loss-makers"]), {"num": ["Value"]}


def trailing_sentence(spx: float, version, distance: float, reason: str = "") -> str:
    """Finding 5: our trailing figure against the article's 'past 30x' called forward
    (``distance``: ``valuation_verdicts.distance_from_claim``), or why there is none."""
    if reason:
        return unavailable("Trailing versus forward", reason)
    return (
        f"The S&P 500's aggregate trailing P/E on "
        f"{iso(version)} was {num(spx)}x, {num(abs(distance))} points {direction(distance, 'above', 'below', 'level with')} "
        f"article B's {num(ARTICLE_SP500_PE, 0)}x; the claims register records forward P/Es in the low 20s for late 2025, so a figure near 30x "
        f"can only be a trailing one, not the forward figure the article names."
    )


# ---- the verdict ---------------------------------------------------------------------------
#: the report's verdict rule: the sentence printed and the logic applied, one object;
#: ``VERDICT_RULE.apply(figures, small_pe)`` runs ``valuation_verdicts.thesis_verdict``
VERDICT_RULE = Rule(
    "supported if a measured small-cap (IWM) aggregate P/E is below the S&P 500's and the Other 493's "
    "is below the Magnificent 7's; mixed if one of the two holds; not supported if neither; "
    "inconclusive when no small-cap P/E can be measured (the thesis is about small caps) or when "
    "the window has no usable S&P 500 fundamentals version",
    thesis_verdict,
)


def verdict_evidence(figures: GroupFigures, small_pe: float, version, basis: str, reason: str = "") -> str:
    """The figures the verdict rests on: the two groups' P/E and the small-cap P/E against the S&P 500's."""
    if not figures.measured:
        return f"No S&P 500 group P/E ({reason or 'no usable fundamentals version'})."
    return (
        f"Other 493 {num(figures.other493)}x vs Magnificent 7 {num(figures.mag7)}x on {iso(version)} ({basis}); "
        "small-cap aggregate "
        + (
            f"{num(small_pe)}x vs S&P 500 {num(figures.sp500)}x."
            if math.isfinite(small_pe)
            else "not available offline."
        )
    )


def verdict_sentence(verdict, rule: Rule, evidence: str) -> str:
    """'**Verdict: ...** Rule: ... <evidence>'."""
    return f"**Verdict: {verdict}.** Rule: {rule}. {evidence}"


# ---- claims ----------------------------------------------------------------------------------
def _a6_evidence(verdict, small_pe: float, spx: float, own: ClaimFigures, cover: dict, reason: str) -> str:
    a6 = own.a6
    if math.isfinite(a6.pe):
        spx_text = f"S&P 500 {num(a6.pe)}x on {iso(a6.version)}"
    elif not math.isfinite(spx):
        spx_text = f"no S&P 500 P/E either ({reason})"
    else:
        spx_text = f"no S&P 500 fundamentals version inside the claim's period ({a6.label}) either"
    if verdict != ClaimVerdict.UNVERIFIABLE:
        return f"Small-cap aggregate P/E {num(small_pe)}x against the S&P 500's {num(a6.pe)}x on {iso(a6.version)}."
    held = cover.get("holdings_date")
    held_text = f" as of {iso(held)}" if held is not None else ""
    return (
        f"No Russell 2000 earnings offline ({cover['covered']} of {cover.get('holdings', 0)} IWM holdings"
        f"{held_text}, {pct(cover['weight_covered'], sign=False)} of weight, have statements); {spx_text}"
        + ("" if spx_text.endswith(".") else ".")
    )


def _b1_evidence(spx: float, own: ClaimFigures, reason: str) -> str:
    b1 = own.b1
    in_period = f", the latest version inside the claim's period, {b1.label}," if b1.label else ""
    if math.isfinite(b1.pe):
        return (
            f"The S&P 500 aggregate trailing P/E was {num(b1.pe)}x on {iso(b1.version)}{in_period} against the "
            f"article's 30x called forward; the register's forward figures for late 2025 are in the low 20s."
        )
    if not math.isfinite(spx):
        return f"No S&P 500 aggregate P/E in this window to set against the article's 30x ({reason})."
    return (
        f"No usable S&P 500 fundamentals version inside {b1.label or 'the claim period'} in this window, so the "
        f"article's 30x cannot be set against a figure of its own period."
    )


def _b2_evidence(rel: dict) -> str:
    if rel.get("date") is None:
        return "No small-cap earnings history in the data."
    return (
        f"No small-cap earnings history in the data; the price-only ^RUT/^GSPC ratio was at "
        f"the {ordinal_percentile(rel['percentile'])} percentile since {iso(rel['first'])} on {iso(rel['date'])}."
    )


def claim_records(
    tests: ClaimTests, own: ClaimFigures, small_pe: float, spx: float, cover: dict, reason: str = ""
) -> list[dict]:
    """Keyword arguments of ``Report.claim`` for A6, B1 and B2: verdict, evidence and the values
    to record (the ones the ledger shows as :class:`~rotation_utils.claim_values.Shown`, labelled).

    Args:
        tests: ``valuation_verdicts.claim_tests``; own: ``valuation_verdicts.claim_period_figures``.
        small_pe: the measured small-cap P/E (NaN offline); spx: the run's S&P 500 P/E.
        cover: ``valuation_small_caps.holdings_coverage`` (its holdings file date is named).
        reason: why the window has no S&P 500 P/E, a clause ('' when it has one).
    """
    on = f", {iso(own.a6.version)}" if own.a6.version is not None else ""
    b1 = own.b1
    return [
        dict(
            claim_id="A6",
            verdict=tests.a6,
            evidence=_a6_evidence(tests.a6, small_pe, spx, own, cover, reason),
            measured=Shown(small_pe, "x", f"Small-cap (IWM) aggregate P/E{on}"),
            comparison=Shown(own.a6.pe, "x", f"S&P 500 aggregate P/E{on}"),
            unit="x",
        ),
        dict(
            claim_id="B1",
            verdict=tests.b1,
            evidence=_b1_evidence(spx, own, reason),
            claimed=Shown(ARTICLE_SP500_PE, "x", "Article: S&P 500 P/E"),
            measured=Shown(
                b1.pe,
                "x",
                f"S&P 500 aggregate trailing P/E, {iso(b1.version)}"
                if b1.version is not None
                else "S&P 500 aggregate trailing P/E",
            ),
            unit="x",
        ),
        dict(claim_id="B2", verdict=tests.b2, evidence=_b2_evidence(own.b2), measured=None, unit="x"),
    ]


def claims_table(claims: list) -> tuple[pd.DataFrame, dict]:
    """The recorded claims (``Report.claims``) as a reader's table: claim, verdict, evidence."""
    out = pd.DataFrame(
        {
            "Claim": [c["id"] for c in claims],
            "Verdict": [str(c["verdict"]) for c in claims],
            "Evidence": [c["evidence"] for c in claims],
        }
    )
    return out, {}


# ---- headline metrics -------------------------------------------------------------------------
def _value(v):
    return None if v is None or not math.isfinite(v) else v


def headline_metrics(figures: dict, version, earliest, basis: str, short: str = "", change_gap: str = "") -> list:
    """``(name, value, unit, label)`` of the S&P 500 headline figures; values None with the reason when absent.

    Args:
        figures: ``valuation.headline_figures``.
        short: why there is no version; change_gap: why there is no change (:func:`history_gap`).
    """
    why = f": not available ({short})" if version is None else ""
    why_change = f": not available ({change_gap})" if change_gap else ""
    when = f" {iso(version)} ({basis})" if version is not None else ""
    since = f" since {iso(earliest)}" if not change_gap else ""
    rows = [
        ("mag7_pe", "x", f"Magnificent 7 aggregate P/E{when}{why}"),
        ("other493_pe", "x", f"Other 493 aggregate P/E{when}{why}"),
        ("sp500_pe", "x", f"S&P 500 aggregate trailing P/E{when}{why}"),
        ("mag7_to_other493", "x", f"Magnificent 7 P/E / Other 493 P/E{why}"),
        ("mag7_pe_change", "fraction", f"Magnificent 7 P/E change{since}{why_change}"),
        ("other493_pe_change", "fraction", f"Other 493 P/E change{since}{why_change}"),
        ("sp500_pe_change", "fraction", f"S&P 500 P/E change{since}{why_change}"),
    ]
    return [(name, _value(figures[name]), unit, label) for name, unit, label in rows]


def small_cap_metric(small_pe: float, live: IwmValuation) -> tuple:
    """The small-cap P/E headline row: live IWM holdings' aggregate, or not available offline."""
    label = "IWM holdings aggregate P/E (yfinance, live)" if live.ok else "Russell 2000 P/E: not available offline"
    return ("small_cap_pe", None if pd.isna(small_pe) else small_pe, "x", label)


#: how the two P/E bases of ``valuation.both_bases`` are worded
BASIS_LABELS = {
    "all": "all members, loss-makers included (S&P's own basis)",
    "ex_losses": "positive earnings only (the usual fund-provider basis)",
}


def both_bases_metrics(bases: dict, version) -> list[tuple]:
    """Headline rows of the three groups' P/E on both bases (``valuation.both_bases``);
    values None without a usable version."""
    when = f" on {iso(version)}" if version is not None else " (no usable version)"
    out = []
    for tag, f in bases.items():
        for key, v, g in (
            ("mag7", f.mag7, "Magnificent 7"),
            ("other493", f.other493, "Other 493"),
            ("sp500", f.sp500, "S&P 500"),
        ):
            out.append((f"{key}_pe_{tag}", _value(v), "x", f"{g} P/E, {BASIS_LABELS[tag]}{when}"))
    return out


def missing_members_metric(miss: MissingMembers, reason: str = "") -> tuple:
    """The headline row of the members' cap share without fundamentals (None without a version or caps)."""
    value = None if reason or not math.isfinite(miss.cap_share) else miss.cap_share * 100
    return ("missing_members_cap_share", value, "%", "Share of S&P 500 cap without fundamentals in the version")


def judged_window(choice: VersionChoice, reason: str = "") -> tuple:
    """``(start, end, label)`` for ``Report.set_window``: the fundamentals versions the verdict uses,
    from the first in the history to the one it is judged on.

    Args:
        choice: ``valuation_versions.choose_version``'s result; reason: :func:`version_gap`.
    Returns:
        The first and the chosen version's dates, and an empty label (the dates read as the
        window); without a usable version, two Nones and the reason.
    """
    if choice.version is None:
        return (
            None,
            None,
            f"no usable fundamentals version ({reason})" if reason else "no usable fundamentals version",
        )
    return choice.earliest if choice.earliest is not None else choice.version, choice.version, ""


# ---- caveats ----------------------------------------------------------------------------------
def version_caveats(choice: VersionChoice, facts: dict | None, top_symbols) -> list[str]:
    """The caveats on the fundamentals version (Markdown list items); one line with the reason when there is none.

    ``facts``: ``valuation_versions.coverage_facts`` of the version (None without one).
    """
    if choice.version is None:
        return [f"- No aggregate P/E in this window. {no_version_reason(choice)}"]
    several = len(choice.usable) > 1
    return [
        f"- The {iso(choice.version)} version has no cap or earnings for {plural(len(facts['blank']), 'current member')} "
        f"({listing(facts['blank'][:8])}), left out of every sum"
        + ("; Berkshire Hathaway's absence lowers the Financials' earnings." if "BRK-B" in facts["blank"] else "."),
        f"- The source's list keeps {plural(facts['stale'], 'symbol')} that are not in the latest constituents list "
        f"(departed members or renames); those with data count in the Other 493. {facts['unclassified']} could not be mapped to a sector.",
        f"- {plural(choice.skipped, 'incomplete version')} skipped; "
        + (
            f"versions are irregular ({iso(choice.earliest)} to {iso(choice.version)}, longest gap "
            f"{facts['longest_gap_days']} days after {iso(facts['longest_gap_after'])}), so the history is a set of "
            "dated points, not a series."
            if several
            else f"only one usable version ({iso(choice.version)}) in the history, so no change is measured."
        ),
        "- Earnings are trailing and as reported: one-off gains (e.g. revaluations of stakes in private companies) inflate "
        + (
            f"them; see the largest Magnificent 7 changes in Finding 2 ({listing(list(top_symbols))})."
            if several
            else "them."
        ),
    ]


def caveats(
    choice: VersionChoice,
    facts: dict | None,
    top_symbols,
    live: IwmValuation,
    named_count: int,
    s: ShillerSummary,
    window_end,
) -> str:
    """The report's caveats as a Markdown bullet list.

    Args:
        choice, facts, top_symbols: see :func:`version_caveats`.
        live: the live IWM figures (whether the small-cap P/E was measured).
        named_count: how many named companies the report shows.
        s: the Shiller summary (its last month with earnings); window_end: set when the
            run asked for a window end (Shiller's series were cut there).
    """
    small = "live yfinance figures, fund- and vendor-reported" if live.ok else "not measured offline"
    stop = "stop" if window_end is None else "are shown up to the window end, last"
    return "\n".join(
        version_caveats(choice, facts, top_symbols)
        + [
            f"- Small-cap P/E: {small}; the named companies are {named_count} hand-picked names, not an index.",
            f"- Shiller earnings {stop} in {s.pe_month:%Y-%m}; comparing a constituent-based P/E with "
            "Shiller's history mixes sources.",
        ]
    )
