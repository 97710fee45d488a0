"""Report 04's words (rotation_utils.story.tax): sentences, display tables, claim records,
headline metrics and caveats, on small frames and typed results; numbers must appear as
computed and direction words (a tie included) must follow them."""

import re

import numpy as np
import pandas as pd
import pytest

from rotation_utils import tax_model as tm
from rotation_utils.analytics import tax_claims, tax_effects, tax_firms, tax_verdicts
from rotation_utils.analytics.tax_effects import EffectsSummary
from rotation_utils.analytics.tax_verdicts import ThesisCell
from rotation_utils.reference_data import obbba_provisions
from rotation_utils.story import tax as story
from rotation_utils.tables import formatted
from tests.display_checks import assert_readable, column, rendered
from tests.test_tax_effects import effects_frame
from tests.test_tax_firms import M, firm, statements


def summary(**kw) -> EffectsSummary:
    base = dict(
        firms=10,
        binds_prior=0.3,
        binds_obbba=0.1,
        median_saving=2.5e6,
        total=80e6,
        permanent=20e6,
        timing=60e6,
        expensing=50e6,
        carryforward=10e6,
        paying_less=7,
        paying_more=2,
        sized=10,
        with_cap=10,
    )
    return EffectsSummary(**(base | kw))


def cell(**kw) -> ThesisCell:
    base = dict(
        cell_firms=16,
        cell_median=0.0123,
        overall=0.0045,
        best_cell="mid ($2-10bn), high intensity",
        best_median=0.0123,
        best_ties=1,
        vs_overall=1,
    )
    return ThesisCell(**(base | kw))


BEST_SIZE = pd.Series({"size_bucket": "small (<$2bn)", "median_pct_pretax": 0.0938, "firms": 17})


def test_tax_year_sentence_marks_a_counterfactual_year():
    assert story.tax_year_sentence(2025) == "Tax year modelled: **2025**."
    s = story.tax_year_sentence(2024)
    assert s.startswith("Tax year modelled: **2024**.") and "so for 2024 its rules are applied as if" in s
    assert story.Captions(2024).firm_table == "Model per firm, tax year 2024"
    assert story.Captions(2026).window == "tax year 2026"


def test_data_sentence_and_sample_note():
    fund = statements(
        [firm("AAA", y) for y in (2024, 2025)] + [firm("BBB", 2024), firm("CCC", 2025, filed="2026-09-01")]
    )
    firms = tax_firms.prepare_firms(fund, None, None, None, 2025)
    s = tax_firms.sample_facts(fund, firms, 2025)
    text = story.data_sentence(s)
    assert text.startswith("3 companies have annual statements; 1 firm have a fiscal year from 2024 to 2025")
    assert "(fiscal years used: FY2025: 1)" in text and "duplicate listings of one statement: CCC." in text
    note = story.sample_note(s)
    assert note.startswith("1 firm-year excluded: their fiscal year began on or before 2024-12-31") and "BBB" in note
    cut = tax_firms.prepare_firms(fund, None, None, None, 2025, end="2026-06-30")
    note = story.sample_note(tax_firms.sample_facts(fund, cut, 2025, end="2026-06-30"))
    assert "The end date changes the sample: 2 firms have tax-year-2025 statements in the data, 1 with" in note
    assert note.endswith("filed by 2026-06-30.")
    only_2025 = statements([firm("AAA", 2025)])
    assert (
        story.sample_note(
            tax_firms.sample_facts(only_2025, tax_firms.prepare_firms(only_2025, None, None, None, 2025), 2025)
        )
        == ""
    )


def test_window_gaps_phrases():
    fund = statements([firm("OLD", 2019), firm("AAA", 2025)])
    none = tax_firms.prepare_firms(fund, None, None, None, 2025, end="2020-12-31")
    (gap,) = story.window_gaps(tax_firms.window_gaps(fund, none, 2025, "2020-12-31", 1))
    assert "none filed by 2020-12-31 for fiscal years 2024 to 2025 (the latest is FY2019)" in gap
    assert gap.endswith("so no firm can be modelled for tax year 2025; a tax_year of 2020 or earlier fits this window")
    (gap,) = story.window_gaps(tax_firms.window_gaps(fund, none, 2025, "2016-12-31", 1))
    assert gap == "statements: none filed by 2016-12-31 (the first was filed on 2020-02-15), so no firm can be modelled"
    old = statements([firm("OLD", 2008)])
    (gap,) = story.window_gaps(tax_firms.window_gaps(old, none, 2025, "2009-12-31", 1))
    assert "the model holds rules from tax year 2018 on" in gap
    firms = tax_firms.prepare_firms(fund, None, None, None, 2025)
    gaps = story.window_gaps(tax_firms.window_gaps(fund, firms, 2025, None, 1, "month-end market caps: none"))
    assert gaps[0].startswith("size: no firm has a month-end market cap") and gaps[1] == "month-end market caps: none"
    assert story.gaps_sentence(gaps).startswith("**Not available in this window:** size:")
    assert story.gaps_sentence([]) == ""


def test_law_sentence_reads_the_law_facts():
    facts = tax_claims.legal_verdicts(obbba_provisions(), tax_claims.article_statements())
    law = tax_claims.law_facts(facts, 2025, effects_frame())
    text = story.law_sentence(law).replace("\\$", "$")
    assert text.startswith("Of the 4 statements about the law, 2 match the transcribed text and 2 do not.")
    assert "199A deduction at 20% (article B: 23%)" in text and "by 1.11 pp ($11.1k per $1M)" in text
    assert "Section 179 in 2025: $1.25m before, $2.50m under OBBBA, gone once purchases pass $6.5m" in text
    assert text.endswith("only 33.3% of the modelled firms spend less than that, so 179 is a small-buyer provision.")
    empty = story.law_sentence(tax_claims.law_facts(facts, 2024, effects_frame().iloc[0:0]))
    assert "Section 179 in 2024: $1.22m before" in empty
    assert empty.endswith("no firm is modelled in this window to compare with.")


def test_grid_sentence_for_a_year_when_prior_law_already_used_ebitda():
    levels = [i / 10 for i in range(6)]
    g19, g25 = tm.sensitivity_grid(levels, levels, 2019), tm.sensitivity_grid(levels, levels, 2025)
    s19 = story.grid_sentence(tax_effects.grid_summary(g19, 2019))
    assert s19.startswith("For tax year 2019 prior law already computes ATI on an EBITDA basis")
    s = tax_effects.grid_summary(g25, 2025)
    s25 = story.grid_sentence(s)
    assert s25.startswith("The change matters only where prior law's limit binds")
    assert f"peaks at {s.peak * 100:.1f}% of EBITDA (leverage {s.peak_leverage:.0%}" in s25


def test_effects_sentence_numbers_and_no_firms():
    text = story.effects_sentence(summary(), 2025)
    assert text.startswith("Under prior law for 2025 the interest limit binds for 30.0% of 10 non-REIT firms")
    assert "under OBBBA for 10.0%" in text and "median $2.5m per firm, total $80.0m" in text
    assert "**$20.0m permanent**" in text and "**$60.0m timing**" in text
    assert text.endswith("7 firms pay less, 2 pay more.")
    assert story.effects_sentence(summary(firms=0), 2024).startswith("No non-REIT firm is modelled for tax year 2024")


def test_gainers_sentence_branches():
    e = effects_frame()
    top = tax_effects.top_gainers(e)
    lead = top.iloc[0]
    text = story.gainers_sentence(top, tax_effects.effects_summary(e))
    assert text.startswith(f"{lead['symbol']} (X) gains most relative to its size")
    assert f"{lead['saving_pct_cap'] * 100:.2f}% of market cap" in text
    empty = top.iloc[0:0]
    assert story.gainers_sentence(empty, summary(firms=0)).startswith("No firm is modelled")
    no_caps = story.gainers_sentence(empty, summary(paying_less=3, with_cap=0))
    assert no_caps.startswith("3 firms pay less tax under OBBBA") and "not ranked" in no_caps
    assert story.gainers_sentence(empty, summary(paying_less=0)) == "No firm gains."


def test_thesis_sentence_words_a_tie_as_a_tie():
    tie = cell(
        cell_median=0.0,
        overall=0.0,
        best_cell="mid ($2-10bn), low intensity",
        best_median=0.0,
        best_ties=9,
        vs_overall=0,
    )
    text = story.thesis_sentence(summary(), BEST_SIZE, tie, "permanent_pct_pretax", "saving_pct_pretax", "supported", 5)
    assert "have a median of 0.00%, the same as all firms (0.00%): a tie, not above them" in text
    assert (
        "is shared by 9 cells, this one among them, but the rule counts a highest median only when it is positive"
        in text
    )
    assert "against" not in text and "the highest cell with" not in text
    assert text.startswith("Measure: permanent saving, % of pre-tax income. The **small (<$2bn)** bucket")
    assert "(9.38%, n=17)" in text and text.endswith("the same rule gives: supported.")


def test_thesis_sentence_above_and_below():
    above = story.thesis_sentence(summary(), BEST_SIZE, cell(), "saving_pct_pretax", "permanent_pct_pretax", "mixed", 5)
    assert "have a median of 1.23%, above the 0.45% of all firms" in above
    assert "the highest cell with at least 5 firms is mid ($2-10bn), high intensity (1.23%)" in above
    below = cell(cell_median=-0.002, vs_overall=-1, best_cell="large ($10-200bn), low intensity", best_median=0.03)
    text = story.thesis_sentence(summary(), BEST_SIZE, below, "permanent_pct_pretax", "saving_pct_pretax", "x", 5)
    assert "have a median of -0.20%, below the 0.45% of all firms" in text
    shared = cell(best_ties=2, cell_median=0.01, best_median=0.03, vs_overall=1)
    text = story.thesis_sentence(summary(), BEST_SIZE, shared, "permanent_pct_pretax", "saving_pct_pretax", "x", 5)
    assert "(3.00%) is shared by 2 cells." in text  # the thesis cell is not among them


def test_thesis_sentence_without_cells_and_the_evidence():
    few = cell(cell_firms=3, cell_median=np.nan, best_cell=None, best_median=np.nan, best_ties=0, vs_overall=None)
    text = story.thesis_sentence(
        summary(), BEST_SIZE, few, "permanent_pct_pretax", "saving_pct_pretax", "inconclusive", 5
    )
    assert "number 3, fewer than 5, so the rule cannot rank them" in text
    empty = story.thesis_sentence(
        summary(firms=0), None, few, "saving_pct_pretax", "permanent_pct_pretax", "inconclusive", 5
    )
    assert "cells are empty: no firm is modelled in this window" in empty and "inconclusive" in empty
    no_size = story.thesis_sentence(summary(sized=0), None, few, "saving_pct_pretax", "permanent_pct_pretax", "x", 5)
    assert "none of the 10 modelled firms has a month-end market cap" in no_size
    ev = story.verdict_evidence(summary(firms=0), few, 5, "saving_pct_pretax", "inconclusive")
    assert (
        ev
        == "No firm is modelled in this window; by total saving (permanent and timing), % of pre-tax income the same rule gives: inconclusive"
    )
    ev = story.verdict_evidence(summary(), few, 5, "permanent_pct_pretax", "inconclusive")
    assert ev.startswith("the capital-intensive mid-sized cell has 3 firms, fewer than 5;")
    ev = story.verdict_evidence(summary(), cell(), 5, "saving_pct_pretax", "mixed")
    assert ev.startswith("cell median 1.23% vs all firms 0.45%; best cell mid ($2-10bn), high intensity; by total")


def test_thesis_rule_text_and_logic_are_one_object():
    rule = story.thesis_rule("permanent_pct_pretax", "mid ($2-10bn)", 4)
    assert rule.text.startswith("measured by permanent saving, % of pre-tax income: supported if capital-intensive")
    assert "(mid ($2-10bn), top third" in rule.text and ">= 4 firms" in rule.text and "has < 4 firms" in rule.text
    idx = pd.Index(["mid ($2-10bn)"], name="size_bucket")
    cols = pd.Index(["low", "high"], name="intensity_group")
    med = pd.DataFrame([[0.01, 0.05]], index=idx, columns=cols)
    cnt = pd.DataFrame([[4, 4]], index=idx, columns=cols)
    verdict, c = rule.apply(med, cnt, 0.02)
    assert verdict == "supported" and c.cell_median == 0.05 and c.vs_overall == 1
    assert rule.apply(med, cnt.assign(high=3), 0.02)[0] == "inconclusive"


def test_b7_evidence_and_claim_records():
    facts = tax_claims.legal_verdicts(obbba_provisions(), tax_claims.article_statements())
    e = effects_frame()
    b7 = tax_claims.b7_test(facts, e)
    assert story.b7_evidence(b7).endswith(
        f"in the model {b7.share_more * 100:.1f}% of 3 firms deduct more interest and none less."
    )
    worse = tax_claims.b7_test(facts, e.assign(deductible_obbba=e["deductible_prior"] - 1.0))
    assert story.b7_evidence(worse).endswith("and 3 less.")
    none = tax_claims.b7_test(facts, e.iloc[0:0])
    assert "no firm is modelled" in story.b7_evidence(none)
    records = {r["claim_id"]: r for r in story.claim_records(facts, b7)}
    assert list(records) == ["A8", "B5", "B6", "B7"]
    assert records["B5"]["evidence"] == "The final law's 199A deduction is 20%, not 23%."
    assert records["B5"]["measured"].value == 20.0 and records["B6"]["measured"].value == 2.5
    assert (
        records["B7"]["measured"].value == pytest.approx(b7.share_more * 100)
        and records["B7"]["verdict"] == "confirmed"
    )
    assert story.claim_records(facts, none)[3]["measured"].value is None
    line = story.verdict_sentence(
        "mixed", "supported", "saving_pct_pretax", story.thesis_rule("permanent_pct_pretax", "mid", 5), facts, worse
    )
    assert line.startswith("**Verdict on 'capital-intensive mid-sized firms gain most': mixed** (by total saving")
    assert "instead: supported). Rule: measured by permanent saving" in line
    assert line.endswith("Legal claims: A8 contradicted, B5 contradicted, B6 confirmed, B7 mixed.")


def test_named_reasons_table_and_sentence():
    e = effects_frame().assign(reit=lambda d: d["symbol"] == "LEV")
    named = pd.DataFrame({"ticker": ["LEV", "CASH", "LOSS", "GONE", "NOEB"], "name": ["<b>Lev</b>", *"bcde"]})
    facts = tax_effects.named_status(e, named, ["LEV", "CASH", "LOSS", "NOEB"])
    out = story.named_with_reasons(facts, 2025).set_index("ticker")
    assert list(out.reset_index().columns) == [*tax_effects.NAMED_COLUMNS, "why"]
    assert "REIT" in out.at["LEV", "why"]
    assert "zero interest expense" in out.at["CASH", "why"]
    assert "capex not in the source" in out.at["LOSS", "why"] and "pre-tax loss" in out.at["LOSS", "why"]
    assert out.at["GONE", "why"] == "no annual statements in the data layer"
    assert out.at["NOEB", "why"] == "no statements for a fiscal year close enough to 2025"
    html = formatted(*story.named_table(facts, 2025)[:1], **story.named_table(facts, 2025)[1]).to_html()
    assert "&lt;b&gt;Lev&lt;/b&gt;" in html and "<b>Lev</b>" not in html  # a data string is escaped
    text = story.named_sentence(tax_effects.named_groups(facts))
    assert (
        text == "Of the 5 named companies, 3 are modelled; gaining: LEV (a REIT) and CASH; not modelled: GONE and NOEB."
    )
    f = statements([firm("LOW", 2025, ebitda=100 * M, da=10 * M, ie=2 * M, pretax=80 * M)])
    rows = tax_firms.select_statements(f, 2025).assign(market_cap=1e9, reit=False)
    low = tax_effects.named_status(
        tax_effects.firm_effects(rows, 2025), pd.DataFrame({"ticker": ["LOW"], "name": ["x"]}), ["LOW"]
    )
    assert (
        story.named_with_reasons(low, 2025)["why"].iloc[0]
        == "interest 2.0% of EBITDA: the limit binds under neither law"
    )


def test_headline_metrics_order_units_and_values():
    rows = story.headline_metrics(summary(), BEST_SIZE, cell(), "mid ($2-10bn)", "mixed", 2025)
    names = [r[0] for r in rows]
    assert names == [
        "permanent_saving_bn",
        "timing_saving_bn",
        "total_saving_bn",
        "binds_prior",
        "binds_obbba",
        "median_saving_m",
        "top_size_bucket",
        "thesis_cell_median_pct",
        "best_cell_median_pct",
        "all_firms_median_pct",
        "thesis_verdict",
    ]
    m = {r[0]: r for r in rows}
    assert m["permanent_saving_bn"][1] + m["timing_saving_bn"][1] == pytest.approx(m["total_saving_bn"][1])
    assert m["total_saving_bn"][1:3] == (pytest.approx(0.08), "USD bn")
    assert m["binds_prior"][1] == pytest.approx(30.0) and m["binds_prior"][3] == "Firms bound by 163(j), prior law 2025"
    assert m["median_saving_m"][1] == pytest.approx(2.5) and m["top_size_bucket"][1] == "small (<$2bn)"
    assert [round(m[k][1], 2) for k in ("thesis_cell_median_pct", "best_cell_median_pct", "all_firms_median_pct")] == [
        1.23,
        1.23,
        0.45,
    ]
    assert "(16 firms)" in m["thesis_cell_median_pct"][3] and m["thesis_verdict"][1] == "mixed"
    few = cell(cell_firms=2, cell_median=np.nan, best_cell=None, best_median=np.nan)
    empty = {
        r[0]: r
        for r in story.headline_metrics(
            summary(firms=0, total=np.nan, permanent=np.nan, timing=np.nan), None, few, "mid", "inconclusive", 2025
        )
    }
    assert empty["total_saving_bn"][1] is None and empty["top_size_bucket"][1] is None
    assert empty["thesis_cell_median_pct"][1] is None and "no cell" in empty["best_cell_median_pct"][3]


def test_caveats_follow_the_figures():
    e = effects_frame()
    cv = tax_effects.data_caveats(e, 2025)
    lines = story.caveats(cv, tax_effects.effects_summary(e), 2025)
    assert "so few true small or mid caps: " in lines and "No capex for LOSS" in lines
    assert f"- **Timing.** {cv.timing_share * 100:.1f}% of the total saving is timing" in lines
    assert "- **Upper bound.**" in lines
    half = story.caveats(tax_effects.data_caveats(e, 2025, 0.5), tax_effects.effects_summary(e), 2025)
    assert "- **Eligible share.** 50.0% of capex" in half and "Upper bound" not in half
    no_caps = e.assign(size_bucket=pd.NA)
    lines = story.caveats(tax_effects.data_caveats(no_caps, 2025), tax_effects.effects_summary(no_caps), 2025)
    assert "their size is unknown here: none of the 3 modelled firms has a month-end market cap" in lines
    flat = e.assign(saving=0.0)
    assert "no net saving for 2025" in story.caveats(
        tax_effects.data_caveats(flat, 2025), tax_effects.effects_summary(flat), 2025
    )
    empty = e.iloc[0:0]
    lines = story.caveats(tax_effects.data_caveats(empty, 2025), tax_effects.effects_summary(empty), 2025)
    assert lines.startswith("- **No firms.**") and "n/a" not in lines
    assert re.search(r"Beyond the window: no R&D line", lines)


def test_groups_gap_sentence():
    assert story.groups_gap_sentence(summary()) == ""
    assert story.groups_gap_sentence(summary(sized=0)).startswith(
        "Saving by size: not available, none of the 10 modelled"
    )
    assert story.groups_gap_sentence(summary(sized=0)).endswith("; the saving by sector is shown.")
    assert (
        story.groups_gap_sentence(summary(firms=0))
        == "Saving by size: not available, no firm is modelled in this window."
    )
    e = effects_frame()
    tables = story.group_tables(
        tax_effects.group_summary(e, "size_bucket"), tax_effects.group_summary(e.iloc[0:0], "sector")
    )
    assert len(tables) == 1 and "Size bucket" in tables[0][0].columns


# ---- display tables: reader's headers, formatted values ----------------------------
def test_legal_facts_and_qbi_tables_for_display():
    facts = tax_claims.legal_verdicts(obbba_provisions(), tax_claims.article_statements())
    show, fmt = story.legal_facts_table(facts)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert "Article says" in headers and "measured" not in headers
    assert column(headers, rows, "Claim") == list(facts["claim"])
    show, fmt = story.qbi_rates_table(tax_claims.qbi_rates())
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Top federal rate on QBI") == ["37.0%", "29.6%", "28.5%"]
    assert column(headers, rows, "Tax on $1M of QBI (USD thousands)") == ["370.0", "296.0", "284.9"]


def test_sensitivity_for_display_picks_the_grid_points():
    grid = tm.sensitivity_grid([i / 100 for i in range(0, 61, 2)], [i / 100 for i in range(0, 81, 2)], 2025)
    show, fmt = story.sensitivity_table(grid)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Interest / EBITDA") == ["10.0%", "20.0%", "30.0%", "40.0%", "50.0%"]
    cell = grid[np.isclose(grid["leverage"], 0.3) & np.isclose(grid["intensity"], 0.6)]["saving_pct_ebitda"].iloc[0]
    assert column(headers, rows, "Saving, % of EBITDA, at D&A/EBITDA 60%")[2] == f"{cell * 100:.1f}%"


def test_gainers_group_and_named_tables_for_display():
    e = effects_frame()
    top = tax_effects.top_gainers(e, 5)
    top.loc[top["symbol"] == "LEV", "fiscal_year"] = 2024  # an older statement is marked
    show, fmt = story.gainers_table(top, 2025)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    lev = top.set_index("symbol").loc["LEV"]
    row = dict(zip(headers, rows[list(top["symbol"]).index("LEV")]))
    assert row["Company"] == "LEV (FY2024)"
    assert [c for c in column(headers, rows, "Company") if c != "LEV (FY2024)"] == [
        s for s in top["symbol"] if s != "LEV"
    ]
    assert row["Tax saving (USD m)"] == f"{lev['saving'] / 1e6:,.1f}" == "3.2"
    assert row["Saving, % of pre-tax income"] == "32.3%" and row["Interest / EBITDA"] == "30.0%"
    g = tax_effects.group_summary(e, "size_bucket")
    show, fmt = story.group_table(g, "size_bucket")
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    mid = dict(zip(headers, rows[list(g["size_bucket"].str.startswith("mid")).index(True)]))
    m = g[g["size_bucket"].str.startswith("mid")].iloc[0]
    assert mid["Interest limit binds (prior law), % of firms"] == f"{m['binds_prior'] * 100:.1f}%"
    assert mid["Total saving (USD bn)"] == f"${m['total_saving'] / 1e9:,.1f}bn"
    assert mid["Median saving (bp of market cap)"] == f"{m['median_pct_cap'] * 1e4:.0f}"
    named = tax_effects.named_status(e, pd.DataFrame({"ticker": ["LEV", "GONE"], "name": ["a", "b"]}), ["LEV"])
    show, fmt = story.named_table(named, 2025)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Fiscal year") == ["2025", ""]
    assert column(headers, rows, "Tax saving (USD m)") == ["3.2", "n/a"]


def test_intensity_cells_for_display_pairs_medians_with_counts():
    e = pd.DataFrame(
        {
            "symbol": [f"S{i}" for i in range(6)],
            "size_bucket": ["mid"] * 3 + ["large"] * 3,
            "intensity": [0.1, 0.5, 0.9, 0.2, 0.6, 0.95],
            "saving_pct_pretax": [0.01, 0.02, 0.123, 0.0, 0.01, 0.05],
        }
    )
    med, cnt = tax_verdicts.intensity_cells(e)
    show, fmt = story.cells_table(med, cnt, "saving_pct_pretax")
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    mid = dict(zip(headers, rows[list(show["Size bucket"]).index("mid")]))
    assert mid["High intensity: median total saving (permanent and timing), % of pre-tax income"] == "12.3%"
    assert mid["High intensity: firms"] == "1"
