"""The words of report 04 (OBBBA tax effects): sentences, display tables, captions, caveats,
claim records, headline metrics and the verdict rule's text.

Every function here words results computed in :mod:`rotation_utils.analytics.tax_firms`,
:mod:`~rotation_utils.analytics.tax_effects`, :mod:`~rotation_utils.analytics.tax_verdicts`
and :mod:`~rotation_utils.analytics.tax_claims`; none computes a figure of the report. A
comparison is worded as the analytics made it: a median equal to another is a tie, not
"above" or "below" (:attr:`~rotation_utils.analytics.tax_verdicts.ThesisCell.vs_overall`).

The verdict rule lives here (:func:`thesis_rule`): its text is wording, printed on the
page, while the logic it applies is :func:`rotation_utils.analytics.tax_verdicts.thesis_verdict`,
so the rule object joins the two and the printed rule cannot drift from the applied one.

Display tables (``*_table``) return ``(frame, formats)``: the frame has the headers a reader
sees, the formats are keyword arguments for ``rotation_utils.tables.formatted``
(``notebook.show`` displays the pair). The CSVs a report saves keep machine-readable columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import tax_model as tm
from ..analytics.tax_claims import B7Test, LawFacts
from ..analytics.tax_effects import NAMED_COLUMNS, DataCaveats, EffectsSummary, GridSummary, NamedGroups
from ..analytics.tax_firms import Sample, WindowGaps, counterfactual
from ..analytics.tax_verdicts import ThesisCell, thesis_verdict
from ..claim_values import Shown
from ..narrative import listing, num, pct, plural, usd
from ..verdicts import Rule

#: how the report names the saving measures
MEASURE_WORDS = {
    "saving_pct_pretax": "total saving (permanent and timing), % of pre-tax income",
    "saving_163j_pct_pretax": "163(j) saving, % of pre-tax income",
    "permanent_pct_pretax": "permanent saving, % of pre-tax income",
}
#: per-firm savings are shown in millions of dollars: in USD bn most would read $0.0bn
PER_FIRM_USD_M = 1e6
#: the claims settled by the law's text alone, in the order the verdict line lists them
LAW_CLAIMS = ("A8", "B5", "B6")


def measure_words(measure: str) -> str:
    """A measure's name as the report words it."""
    return MEASURE_WORDS.get(measure, measure.replace("_", " "))


@dataclass(frozen=True)
class Captions:
    """Chart titles, table captions and the window label, worded for the tax year."""

    year: int

    @property
    def firm_table(self) -> str:
        """Caption of the saved per-firm table."""
        return f"Model per firm, tax year {self.year}"

    @property
    def sensitivity(self) -> str:
        """Title of the archetype heat map."""
        return f"163(j) tax saving from the EBITDA basis, tax year {self.year}"

    @property
    def gainers(self) -> str:
        """Title of the gainers chart."""
        return f"Largest gainers relative to size, tax year {self.year}"

    @property
    def groups(self) -> str:
        """Title of the saving-by-size chart."""
        return f"Median tax saving by size, tax year {self.year}"

    @property
    def verdict(self) -> str:
        """Title of the key chart (what the verdict compares)."""
        return f"What the verdict compares: median saving, tax year {self.year}"

    @property
    def named(self) -> str:
        """Title of the named companies' chart."""
        return f"Named companies: tax saving, tax year {self.year}"

    @property
    def window(self) -> str:
        """How the report's window reads (the summary box)."""
        return f"tax year {self.year}"


# ---- question and data ------------------------------------------------------------
def tax_year_sentence(year: int) -> str:
    """The tax year modelled, and for a year before OBBBA applies, that it is a counterfactual."""
    out = f"Tax year modelled: **{year}**."
    if counterfactual(year):
        out += (
            f" OBBBA applies to tax years beginning after {tm.OBBBA_FIRST_TAX_YEAR_AFTER}, so for {year} its "
            "rules are applied as if they had been in force (a counterfactual)."
        )
    return out


def data_sentence(sample: Sample) -> str:
    """How many companies have statements, how many firm-years are modelled and from which
    fiscal years, and the duplicate listings dropped."""
    years = ", ".join(f"FY{k}: {v}" for k, v in sample.fiscal_years.items()) or "none"
    return (
        f"{plural(sample.companies, 'company', 'companies')} have annual statements; "
        f"{plural(sample.firms, 'firm')} have a fiscal year from {sample.first_year} to {sample.last_year} "
        f"(fiscal years used: {years}); dropped as duplicate listings of one statement: "
        f"{listing(sample.duplicates)}."
    )


def sample_note(sample: Sample) -> str:
    """The sentences on what shapes the sample: firm-years excluded because OBBBA does not
    apply to them, and, when the end date changes the sample, how many firms the data have
    without it ('' when neither applies)."""
    out = []
    pre = sample.pre_obbba
    if pre:
        out.append(
            f"{plural(len(pre), 'firm-year')} excluded: their fiscal year began on or before "
            f"{tm.OBBBA_FIRST_TAX_YEAR_AFTER}, and OBBBA's rules (163(j) on EBITDA, 174A) apply only to tax "
            f"years beginning after it (e.g. {listing(pre[:5])})."
        )
    if sample.without_end is not None:
        out.append(
            f"The end date changes the sample: {plural(sample.without_end, 'firm')} have "
            f"tax-year-{sample.last_year} statements in the data, {sample.firms} with statements filed by "
            f"{sample.end:%Y-%m-%d}."
        )
    return " ".join(out)


def window_gaps(gaps: WindowGaps) -> list[str]:
    """What the run lacks, one phrase each, for the Data section (empty when nothing is)."""
    out = []
    y = gaps.tax_year
    filed = f"filed by {gaps.end:%Y-%m-%d}" if gaps.end is not None else "in the data"
    if gaps.no_firms and gaps.latest_fy is not None:
        hint = (
            ""
            if gaps.fits_year is None
            else f"; a tax_year of {gaps.fits_year} or earlier fits this window"
            if gaps.fits_model
            else "; the model holds rules from tax year 2018 on, so this window cannot be modelled"
        )
        out.append(
            f"statements: none {filed} for fiscal years {gaps.first_year} to {y} (the latest is "
            f"FY{gaps.latest_fy}), so no firm can be modelled for tax year {y}{hint}"
        )
    elif gaps.no_firms:
        since = f" (the first was filed on {gaps.first_filed:%Y-%m-%d})" if gaps.first_filed is not None else ""
        out.append(f"statements: none {filed}{since}, so no firm can be modelled")
    elif gaps.no_caps:
        out.append(
            "size: no firm has a month-end market cap within 45 days of its fiscal year end, "
            "so size buckets and savings relative to market cap are not available"
        )
    if gaps.caps_note:
        out.append(gaps.caps_note)
    return out


def gaps_sentence(gaps: list[str]) -> str:
    """'**Not available in this window:** ...' from :func:`window_gaps` ('' when nothing is missing)."""
    return "**Not available in this window:** " + "; ".join(gaps) + "." if gaps else ""


# ---- Finding 1: the law's text ------------------------------------------------------
def law_sentence(law: LawFacts) -> str:
    """How many article statements the law confirms, the 199A and Section 179 figures, and
    how many modelled firms Section 179 reaches."""
    if law.s179_reach_share is None:
        reach = "no firm is modelled in this window to compare with."
    else:
        reach = (
            f"only {pct(law.s179_reach_share, sign=False)} of the modelled firms spend less than that, so 179 is a "
            "small-buyer provision."
        )
    return (
        f"Of the {law.statements} statements about the law, {law.confirmed} match the transcribed text and "
        f"{law.contradicted} do not. The final law kept the 199A deduction at {law.qbi_deduction:.0f}% "
        f"(article B: 23%); at the {law.top_rate:.0%} top rate the House bill's 23% would have cut the rate on "
        f"pass-through income by {law.house_bill_cut * 100:.2f} pp ({usd(law.house_bill_cut * 1e6)} per $1M). "
        f"Section 179 in {law.tax_year}: {usd(law.s179_prior, 2)} before, {usd(law.s179_obbba, 2)} under OBBBA, "
        f"gone once purchases pass {usd(law.s179_reach)}; " + reach
    )


def legal_facts_table(facts: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``tax_claims.legal_verdicts`` as the reader's table: claim, section, what the article
    says, the law before and after OBBBA, verdict (the computed ``measured`` column stays in the CSV)."""
    names = {
        "claim": "Claim",
        "section": "Code section",
        "article_says": "Article says",
        "before": "Law before OBBBA",
        "after": "Law under OBBBA",
        "verdict": "Verdict",
    }
    return facts[list(names)].rename(columns=names), {}


def qbi_rates_table(rates: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``tax_claims.qbi_rates`` as the reader's table: the deduction, the top federal rate on
    QBI and the tax on $1M of QBI in USD thousands."""
    out = pd.DataFrame(
        {
            "199A deduction": ["none", "20% (final law)", "23% (House bill)"],
            "Deduction, % of QBI": rates["deduction"],
            "Top federal rate on QBI": rates["top_rate"],
            "Tax on $1M of QBI (USD thousands)": rates["tax_per_1m"] / 1e3,
        }
    )
    return out, {
        "pct": ["Deduction, % of QBI", "Top federal rate on QBI"],
        "num": ["Tax on $1M of QBI (USD thousands)"],
        "digits": 1,
    }


# ---- Finding 2: the archetype grid --------------------------------------------------
def grid_sentence(grid: GridSummary) -> str:
    """Where the EBITDA basis saves tax on the archetype grid, or why it saves nothing that year."""
    if not grid.saves:
        return (
            f"For tax year {grid.tax_year} prior law already computes ATI on an {grid.prior_basis} basis, as OBBBA "
            "does, so the change saves nothing on the archetype grid: the chart is skipped."
        )
    return (
        f"The change matters only where prior law's limit binds (interest above 30% of EBITDA minus D&A): "
        f"{pct(grid.share_saving, sign=False)} of the grid. The saving grows with D&A and peaks at "
        f"{pct(grid.peak, sign=False)} of EBITDA (leverage {grid.peak_leverage:.0%}, D&A "
        f"{grid.peak_intensity:.0%} of EBITDA); above {tm.INTEREST_LIMIT_RATE:.0%} leverage the limit still binds "
        "under OBBBA."
    )


def sensitivity_table(
    grid: pd.DataFrame, leverage=(0.1, 0.2, 0.3, 0.4, 0.5), intensity=(0.2, 0.4, 0.6)
) -> tuple[pd.DataFrame, dict]:
    """A few rows and columns of the archetype grid: the 163(j) saving as a share of EBITDA,
    by interest / EBITDA (rows) and D&A / EBITDA (columns)."""
    g = grid[
        grid["leverage"].round(6).isin([round(v, 6) for v in leverage])
        & grid["intensity"].round(6).isin([round(v, 6) for v in intensity])
    ]
    wide = g.pivot(index="leverage", columns="intensity", values="saving_pct_ebitda")
    heads = {c: f"Saving, % of EBITDA, at D&A/EBITDA {c:.0%}" for c in wide.columns}
    out = wide.rename(columns=heads).rename_axis(index="Interest / EBITDA", columns=None).reset_index()
    return out, {"pct": ["Interest / EBITDA", *heads.values()], "digits": 1}


# ---- Finding 3: real firms ---------------------------------------------------------
def size_gap(summary: EffectsSummary) -> str | None:
    """Why no firm has a size bucket (None when some do)."""
    if summary.firms == 0:
        return "no firm is modelled in this window"
    if summary.sized == 0:
        return (
            f"none of the {summary.firms} modelled firms has a month-end market cap near its fiscal year "
            "end, so size buckets are not available"
        )
    return None


def effects_sentence(summary: EffectsSummary, year: int) -> str:
    """Where the 163(j) limit binds under each law and what the model's saving adds up to."""
    s = summary
    if s.firms == 0:
        return (
            f"No non-REIT firm is modelled for tax year {year} in this window, so where the interest "
            "limit binds and what the law saves are not measured here."
        )
    return (
        f"Under prior law for {year} the interest limit binds for {pct(s.binds_prior, sign=False)} of "
        f"{s.firms} non-REIT firms, under OBBBA for {pct(s.binds_obbba, sign=False)}. The model's saving: "
        f"median {usd(s.median_saving)} per firm, total {usd(s.total)}: "
        f"**{usd(s.permanent)} permanent** (163(j) on the year's own interest) and "
        f"**{usd(s.timing)} timing**, deductions moved earlier that later years give back "
        f"({usd(s.expensing)} from expensing: bonus, 179 and 174A; "
        f"{usd(s.carryforward)} from releasing interest carried forward). "
        f"{plural(s.paying_less, 'firm')} pay less, {s.paying_more} pay more."
    )


def gainers_sentence(top: pd.DataFrame, summary: EffectsSummary) -> str:
    """The largest gainer relative to its size, or why there is none to rank."""
    if top.empty:
        if summary.firms == 0:
            return "No firm is modelled in this window: there are no gainers to rank."
        if summary.paying_less and summary.with_cap == 0:
            return (
                f"{plural(summary.paying_less, 'firm')} pay less tax under OBBBA, but none has a month-end market "
                "cap near its fiscal year end, so gainers relative to size are not ranked."
            )
        return "No firm gains."
    lead = top.iloc[0]
    return (
        f"{lead['symbol']} ({lead['sector']}) gains most relative to its size: {usd(lead['saving'])}, "
        f"{pct(lead['saving_pct_cap'], 2, sign=False)} of market cap"
        + (
            " (a pre-tax loss in its books)."
            if pd.isna(lead["saving_pct_pretax"])
            else f" and {pct(lead['saving_pct_pretax'], sign=False)} of pre-tax income."
        )
    )


def gainers_table(top: pd.DataFrame, tax_year: int) -> tuple[pd.DataFrame, dict]:
    """``tax_effects.top_gainers`` as the reader's table: savings in USD m, shares in %, and the
    fiscal year next to the ticker only when it is not ``tax_year`` (older statements)."""
    fy = top["fiscal_year"] if "fiscal_year" in top else pd.Series(tax_year, index=top.index)
    ticker = [s if pd.isna(y) or int(y) == int(tax_year) else f"{s} (FY{int(y)})" for s, y in zip(top["symbol"], fy)]
    money = {
        "saving": "Tax saving (USD m)",
        "saving_163j": "of which 163(j) (USD m)",
        "saving_expensing": "of which expensing (USD m)",
    }
    shares = {
        "saving_pct_pretax": "Saving, % of pre-tax income",
        "saving_pct_cap": "Saving, % of market cap",
        "leverage": "Interest / EBITDA",
        "intensity": "D&A / EBITDA",
    }
    out = pd.DataFrame({"Company": ticker, "Sector": top.get("sector"), "Size": top.get("size_bucket")})
    for c, h in money.items():
        out[h] = top[c] / PER_FIRM_USD_M
    for c, h in shares.items():
        if c in top:
            out[h] = top[c]
    return out, {"num": list(money.values()), "pct": [h for c, h in shares.items() if c in top], "digits": 1}


GROUP_HEADERS = {
    "firms": "Firms",
    "binds_prior": "Interest limit binds (prior law), % of firms",
    "binds_obbba": "Interest limit binds (OBBBA), % of firms",
    "median_saving": "Median saving (USD m)",
    "total_saving": "Total saving (USD bn)",
    "median_pct_pretax": "Median saving, % of pre-tax income",
    "median_pct_cap": "Median saving (bp of market cap)",
}


def _text(values, fmt: str) -> list[str]:
    """Numbers as text with ``fmt`` ('{:.0f}'); missing values as empty cells."""
    return ["" if pd.isna(v) else fmt.format(v) for v in values]


def group_table(summary: pd.DataFrame, by: str) -> tuple[pd.DataFrame, dict]:
    """``tax_effects.group_summary`` as the reader's table: shares bound in % of firms, median
    saving in USD m, total in USD bn, median share of pre-tax income in %, of market cap
    in bp (medians near 0.1% would all read 0.1% at one decimal)."""
    out = summary.assign(
        median_saving=summary["median_saving"] / PER_FIRM_USD_M,
        median_pct_cap=_text(summary["median_pct_cap"] * 1e4, "{:.0f}"),
    )
    label = {"size_bucket": "Size bucket", "sector": "Sector"}.get(by, by.replace("_", " ").capitalize())
    out = out.rename(columns={by: label, **GROUP_HEADERS})
    return out, {
        "pct": [GROUP_HEADERS[c] for c in ("binds_prior", "binds_obbba", "median_pct_pretax")],
        "num": [GROUP_HEADERS["median_saving"]],
        "money": [GROUP_HEADERS["total_saving"]],
        "digits": 1,
    }


def group_tables(by_size: pd.DataFrame, by_sector: pd.DataFrame) -> list[tuple[pd.DataFrame, dict]]:
    """The reader's tables of the size and sector summaries that have rows."""
    return [group_table(s, by) for s, by in ((by_size, "size_bucket"), (by_sector, "sector")) if len(s)]


def groups_gap_sentence(summary: EffectsSummary) -> str:
    """Why the saving-by-size summary (and chart) is missing; '' when it is there."""
    gap = size_gap(summary)
    if gap is None:
        return ""
    tail = "" if summary.firms == 0 else "; the saving by sector is shown"
    return f"Saving by size: not available, {gap}{tail}."


# ---- the verdict's cells ---------------------------------------------------------------
def thesis_rule(measure: str, mid_label: str, min_firms: int = 5) -> Rule:
    """The report's verdict rule on 'capital-intensive mid-sized firms gain most', worded for this run.

    Args:
        measure: the column the cells are measured on (a key of :data:`MEASURE_WORDS`).
        mid_label: the mid-size bucket's label ("mid ($2-10bn)").
        min_firms: the smallest cell the rule may use.
    Returns:
        A :class:`~rotation_utils.verdicts.Rule`; ``rule.apply(medians, counts, overall_median)``
        (or ``rule.apply(*tax_verdicts.cell_medians(...))``) gives ``(verdict, ThesisCell)`` by
        :func:`~rotation_utils.analytics.tax_verdicts.thesis_verdict`.
    """
    text = (
        f"measured by {MEASURE_WORDS[measure]}: supported if capital-intensive mid-sized firms ({mid_label}, top "
        f"third by D&A/EBITDA) have the highest median among size x intensity cells with >= {min_firms} firms and "
        f"it is positive; mixed if above the all-firm median; not supported otherwise; inconclusive if that cell "
        f"has < {min_firms} firms"
    )
    return Rule(
        text, lambda med, cnt, overall_median: thesis_verdict(med, cnt, mid_label, overall_median, min_firms=min_firms)
    )


def cells_table(med: pd.DataFrame, cnt: pd.DataFrame, measure: str = "saving_pct_pretax") -> tuple[pd.DataFrame, dict]:
    """The size x capital-intensity cells of ``tax_verdicts.intensity_cells`` in one table: per
    intensity group, the median ``measure`` and the number of firms behind it."""
    words = measure_words(measure)
    out = pd.DataFrame({"Size bucket": med.index.astype(str)})
    shares = []
    for g in med.columns:
        head = f"{str(g).capitalize()} intensity: median {words}"
        out[head] = med[g].to_numpy()
        out[f"{str(g).capitalize()} intensity: firms"] = (
            cnt[g].reindex(med.index).fillna(0).astype(int).to_numpy() if g in cnt else 0
        )
        shares.append(head)
    return out, {"pct": shares, "digits": 1}


def _against_all_firms(cell: ThesisCell) -> str:
    """The thesis cell's median against the all-firm median, a tie worded as a tie."""
    mine, all_ = pct(cell.cell_median, 2, sign=False), pct(cell.overall, 2, sign=False)
    if cell.vs_overall == 0:
        return f"a median of {mine}, the same as all firms ({all_}): a tie, not above them"
    word = "above" if cell.vs_overall == 1 else "below"
    return f"a median of {mine}, {word} the {all_} of all firms"


def _best_cell(cell: ThesisCell, min_firms: int) -> str:
    """The highest cell with enough firms; when several share the highest median, how many,
    and whether the thesis cell's tie counts (the rule needs a positive median)."""
    best = pct(cell.best_median, 2, sign=False)
    if cell.best_ties <= 1:
        return f"the highest cell with at least {min_firms} firms is {cell.best_cell} ({best})"
    out = f"the highest median among cells with at least {min_firms} firms ({best}) is shared by {cell.best_ties} cells"
    if cell.is_best and not cell.best_positive:
        out += ", this one among them, but the rule counts a highest median only when it is positive"
    elif cell.is_best:
        out += ", this one among them"
    return out


def thesis_sentence(
    summary: EffectsSummary,
    best_size,
    cell: ThesisCell,
    measure: str,
    other: str,
    alt: str,
    min_firms: int,
) -> str:
    """The size x capital-intensity finding behind the verdict, or why it cannot be measured.

    Args:
        summary: ``tax_effects.effects_summary`` of the non-REIT firms.
        best_size: ``tax_effects.top_bucket`` of the size summary (a row, or None).
        cell: the verdict's :class:`ThesisCell`.
        measure, other: the verdict's measure and the one shown beside it.
        alt: the verdict the same rule gives on ``other``.
        min_firms: the smallest cell the rule may use.
    """
    head = f"Measure: {measure_words(measure)}. "
    if best_size is None:
        gap = size_gap(summary) or "no size bucket has a firm with a saving share of pre-tax income"
        return (
            head + f"The size x capital-intensity cells are empty: {gap}. The rule cannot rank capital-intensive "
            "mid-sized firms, so the verdict is inconclusive."
        )
    head += (
        f"The **{best_size['size_bucket']}** bucket has the largest median total saving (permanent and timing) "
        f"relative to pre-tax income ({pct(best_size['median_pct_pretax'], 2, sign=False)}, n={best_size['firms']}). "
    )
    if cell.best_cell is None:
        body = (
            f"Capital-intensive mid-sized firms (top third by D&A/EBITDA) number {cell.cell_firms}, fewer "
            f"than {min_firms}, so the rule cannot rank them."
        )
    else:
        body = (
            f"Capital-intensive mid-sized firms (top third by D&A/EBITDA, n={cell.cell_firms}) have "
            f"{_against_all_firms(cell)}; {_best_cell(cell, min_firms)}."
        )
    return head + body + f" Measured by {measure_words(other)} instead, the same rule gives: {alt}."


def verdict_evidence(summary: EffectsSummary, cell: ThesisCell, min_firms: int, other: str, alt: str) -> str:
    """The verdict's one-line evidence: the cell against all firms (or why the verdict is
    inconclusive), and what the same rule gives on the other measure."""
    if cell.best_cell is None:
        gap = size_gap(summary)
        head = (
            gap[0].upper() + gap[1:]
            if gap
            else f"the capital-intensive mid-sized cell has {cell.cell_firms} firms, fewer than {min_firms}"
        )
    else:
        head = (
            f"cell median {pct(cell.cell_median, 2, sign=False)} vs all firms {pct(cell.overall, 2, sign=False)}; "
            f"best cell {cell.best_cell}"
        )
    return head + f"; by {MEASURE_WORDS[other]} the same rule gives: {alt}"


# ---- Finding 4: the named companies ---------------------------------------------------
def _named_why(row, tax_year: int) -> str:
    """Why a named company gains, does not, or is not modelled, from ``tax_effects.named_status``'s facts."""
    if row["status"] == "not modelled":
        return (
            f"no statements for a fiscal year close enough to {tax_year}"
            if row["has_statements"]
            else "no annual statements in the data layer"
        )
    notes = []
    if row["reit"]:
        notes.append(
            "REIT: distributes its income, so corporate tax savings barely reach it; "
            "a real-property business may elect out of 163(j)"
        )
    if row["zero_interest"]:
        notes.append("reports zero interest expense, so 163(j) cannot bind")
    elif row["binds_neither"]:
        notes.append(f"interest {row['interest_share_ebitda']:.1%} of EBITDA: the limit binds under neither law")
    elif row["binds_prior_only"]:
        notes.append("the limit binds under prior law only")
    if row["no_capex"]:
        notes.append("capex not in the source: depreciation held at book D&A")
    if row["pretax_loss"]:
        notes.append("pre-tax loss: no cash tax under either law")
    return "; ".join(notes) or "gains from the model's rules"


def named_with_reasons(named: pd.DataFrame, tax_year: int) -> pd.DataFrame:
    """``tax_effects.named_status`` as the report saves it: its outcome columns and ``why``, in words."""
    why = [_named_why(r, tax_year) for _, r in named.iterrows()]
    return named[NAMED_COLUMNS].assign(why=why)


def named_table(named: pd.DataFrame, tax_year: int) -> tuple[pd.DataFrame, dict]:
    """The named companies as the reader's table (amounts in USD m, fiscal year as text)."""
    saved = named_with_reasons(named, tax_year)
    out = saved.assign(
        fiscal_year=_text(saved["fiscal_year"], "{:.0f}"),
        interest_expense=saved["interest_expense"] / PER_FIRM_USD_M,
        saving=saved["saving"] / PER_FIRM_USD_M,
    )
    names = {
        "ticker": "Ticker",
        "name": "Company",
        "fiscal_year": "Fiscal year",
        "interest_expense": "Interest expense (USD m)",
        "saving": "Tax saving (USD m)",
        "saving_pct_pretax": "Saving, % of pre-tax income",
        "status": "Status",
        "why": "Why",
    }
    return out[list(names)].rename(columns=names), {
        "num": ["Interest expense (USD m)", "Tax saving (USD m)"],
        "pct": ["Saving, % of pre-tax income"],
        "digits": 1,
    }


def named_sentence(groups: NamedGroups) -> str:
    """How many named companies are modelled, which gain (REITs marked) and which are not modelled."""
    gaining = [t + (" (a REIT)" if reit else "") for t, reit in groups.gaining]
    return (
        f"Of the {groups.companies} named companies, {plural(groups.modelled, 'is', 'are')} modelled; "
        f"gaining: {listing(gaining)}; not modelled: {listing(groups.not_modelled)}."
    )


# ---- claims and verdict ------------------------------------------------------------------
def b7_evidence(b7: B7Test) -> str:
    """Claim B7's evidence: the law text, and how many modelled firms deduct more (and less) interest."""
    if b7.firms == 0:
        return (
            "The law text moves ATI to an EBITDA basis; no firm is modelled in this window, "
            "so how many firms deduct more interest is not measured."
        )
    return (
        f"The law text moves ATI to an EBITDA basis; in the model {pct(b7.share_more, sign=False)} "
        f"of {b7.firms} firms deduct more interest and {'none' if b7.fewer == 0 else b7.fewer} less."
    )


def claim_records(facts: pd.DataFrame, b7: B7Test) -> list[dict]:
    """Keyword arguments of ``Report.claim`` for A8, B5, B6 (the law's text) and B7 (text and model)."""
    fv = facts.set_index("claim")
    return [
        dict(
            claim_id="A8",
            verdict=fv.at["A8", "verdict"],
            evidence=f"Article A's name does not match the law's title: {fv.at['A8', 'measured']}.",
        ),
        dict(
            claim_id="B5",
            verdict=fv.at["B5", "verdict"],
            evidence=f"The final law's 199A deduction is {fv.at['B5', 'measured']:.0f}%, not 23%.",
            claimed=Shown(23.0, "%", "Article: 199A deduction"),
            measured=Shown(float(fv.at["B5", "measured"]), "%", "Final law: 199A deduction"),
            unit="%",
        ),
        dict(
            claim_id="B6",
            verdict=fv.at["B6", "verdict"],
            evidence=f"The Section 179 limit after OBBBA is {usd(fv.at['B6', 'measured'])}.",
            claimed=Shown(2.5, "USD m", "Article: Section 179 limit"),
            measured=Shown(float(fv.at["B6", "measured"]) / 1e6, "USD m", "Section 179 limit under OBBBA"),
            unit="USD m",
        ),
        dict(
            claim_id="B7",
            verdict=b7.verdict,
            evidence=b7_evidence(b7),
            measured=Shown(
                None if b7.share_more is None else b7.share_more * 100,
                "% of firms",
                "Modelled firms deducting more interest",
            ),
            unit="% of firms",
        ),
    ]


def verdict_sentence(thesis: str, alt: str, other: str, rule: Rule, facts: pd.DataFrame, b7: B7Test) -> str:
    """The verdict, the verdict on the other measure, the rule and the legal claims' verdicts."""
    fv = facts.set_index("claim")
    return (
        f"**Verdict on 'capital-intensive mid-sized firms gain most': {thesis}** (by {MEASURE_WORDS[other]} "
        f"instead: {alt}). Rule: {rule}. Legal claims: "
        + ", ".join(f"{c} {fv.at[c, 'verdict']}" for c in LAW_CLAIMS)
        + f", B7 {b7.verdict}."
    )


def _bn(v: float) -> float | None:
    """USD as USD bn, None when missing."""
    return None if pd.isna(v) else float(v) / 1e9


def _pct_or_none(v) -> float | None:
    """A fraction in %, None when missing."""
    return None if v is None or pd.isna(v) else float(v) * 100


def headline_metrics(
    summary: EffectsSummary, best_size, cell: ThesisCell, mid_label: str, thesis: str, year: int
) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``, in scorecard order.

    The permanent, timing and total saving (USD bn; permanent + timing = total) first, then
    the share of firms bound by 163(j) under each law, the median saving per firm, the size
    bucket with the largest median saving, the numbers the verdict compares (the thesis cell,
    the best cell and all firms, % of pre-tax income) and the verdict.
    """
    best = cell.best_cell or "no cell with enough firms"
    return [
        (
            "permanent_saving_bn",
            _bn(summary.permanent),
            "USD bn",
            "Permanent saving: 163(j) on the year's own interest",
        ),
        (
            "timing_saving_bn",
            _bn(summary.timing),
            "USD bn",
            "Timing saving: expensing and released carried-forward interest (given back later)",
        ),
        ("total_saving_bn", _bn(summary.total), "USD bn", "Total modelled tax saving (permanent + timing)"),
        ("binds_prior", summary.binds_prior * 100, "%", f"Firms bound by 163(j), prior law {year}"),
        ("binds_obbba", summary.binds_obbba * 100, "%", f"Firms bound by 163(j), OBBBA {year}"),
        ("median_saving_m", summary.median_saving / 1e6, "USD m", "Median saving per firm"),
        (
            "top_size_bucket",
            None if best_size is None else str(best_size["size_bucket"]),
            "",
            "Size bucket with the largest median saving / pre-tax income",
        ),
        (
            "thesis_cell_median_pct",
            _pct_or_none(cell.cell_median),
            "%",
            f"Median saving, % of pre-tax income: {mid_label}, high capital intensity ({cell.cell_firms} firms)",
        ),
        ("best_cell_median_pct", _pct_or_none(cell.best_median), "%", f"Best cell's median ({best})"),
        ("all_firms_median_pct", _pct_or_none(cell.overall), "%", "Median saving, % of pre-tax income: all firms"),
        ("thesis_verdict", thesis, "", "Capital-intensive mid-sized firms gain most"),
    ]


# ---- caveats --------------------------------------------------------------------------------
def caveats(cv: DataCaveats, summary: EffectsSummary, year: int) -> str:
    """The Caveats section as Markdown bullets, from ``tax_effects.data_caveats``."""
    rnd = (
        "no R&D line in the data, so the 174A change is in the model but not applied to firms; no "
        "firm-level NOLs, credits or foreign income."
    )
    if summary.firms == 0:
        return (
            "- **No firms.** No firm is modelled in this window, so the data caveats (book vs tax, zero "
            "interest, EBIT, missing capex, size) do not apply.\n"
            f"- **Missing inputs.** Beyond the window: {rnd}"
        )
    timing = (
        f"- **Timing.** {pct(cv.timing_share, sign=False)} of the total saving is timing "
        f"(expensing and released carried-forward interest), which later years give back; 100% bonus for all of "
        f"{year} overstates 2025, when property acquired before 2025-01-20 kept the old rate."
        if cv.timing_share is not None
        else f"- **Timing.** The model finds no net saving for {year}, so there is no timing share to give back."
    )
    timing += (
        "\n- **Upper bound.** All capex is treated as bonus- and 179-eligible property; buildings and other "
        "long-lived property are not, so the expensing (timing) figures are an upper bound."
        if cv.eligible_share >= 1.0
        else f"\n- **Eligible share.** {pct(cv.eligible_share, sign=False)} of capex is treated as bonus- and "
        "179-eligible."
    )
    universe = "- **Universe.** S&P 500 current and former members plus the named companies"
    if cv.size_counts:
        universe += (
            ", so few true small or mid caps: "
            + ", ".join(f"{b}: {n}" for b, n in cv.size_counts)
            + f" firms ({cv.no_size} without a market cap near their year end)."
        )
    else:
        universe += f"; their size is unknown here: {size_gap(summary).split(', so ')[0]}."
    missing = (
        f"- **Missing inputs.** No capex for {listing(cv.capex_missing)} (expensing not modelled); "
        if cv.capex_missing
        else "- **Missing inputs.** Every modelled firm reports capex; "
    )
    return (
        f"- **Book is not tax.** Reported income tax / pre-tax income has a median of "
        f"{pct(cv.book_rate_median, sign=False)} and is more than 5 pp away from 21% for "
        f"{pct(cv.book_rate_off_share, sign=False)} of profitable firms; the model's prior-law tax is "
        f"{num(cv.model_vs_reported, 2)}x their reported tax expense.\n"
        f"- **Zero interest.** {pct(cv.zero_interest_share, sign=False)} of firms report zero interest expense "
        f"(e.g. {listing(cv.zero_interest_examples)}); the source nets or omits it, so 163(j) cannot show for them.\n"
        f"- **EBIT includes non-operating items.** For {pct(cv.ebit_gap_share, sign=False)} of firms EBIT differs "
        f"from operating income by more than 2% of revenue; the model's ATI inherits that.\n"
        + missing
        + f"{rnd}\n"
        + universe
        + "\n"
        + timing
    )
