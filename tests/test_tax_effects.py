"""Unit tests for the tax model applied to firms (rotation_utils.analytics.tax_effects), the
verdict's cells and rule logic (tax_verdicts) and the legal claims (tax_claims), on small
synthetic frames and the reference files."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils import tax_model as tm
from rotation_utils.analytics import tax_claims, tax_effects, tax_firms, tax_verdicts
from rotation_utils.errors import BadInputError
from rotation_utils.reference_data import obbba_provisions
from rotation_utils.verdicts import ClaimVerdict
from tests.test_tax_firms import M, firm, statements


def effects_frame():
    f = statements(
        [
            firm("LEV", 2025, ebitda=100 * M, da=60 * M, ie=30 * M, pretax=10 * M, capex=-50 * M),
            firm("CASH", 2025, ebitda=100 * M, da=10 * M, ie=0.0, ii=5 * M, pretax=95 * M, capex=-5 * M),
            firm("LOSS", 2025, ebitda=-10 * M, da=5 * M, ie=1 * M, pretax=-16 * M, capex=np.nan),
            firm("NOEB", 2025, ebitda=np.nan),
        ]
    )
    rows = tax_firms.select_statements(f, 2025)
    caps = {"LEV": 5e9, "CASH": 1e9, "LOSS": 2e9, "NOEB": 1e9}
    rows = rows.assign(market_cap=rows["symbol"].map(caps), sector="X", reit=False)
    rows = rows.assign(size_bucket=tax_firms.size_bucket(rows["market_cap"], [2, 10, 200]))
    return tax_effects.firm_effects(rows, 2025)


def test_firm_effects_values_and_shares():
    e = effects_frame().set_index("symbol")
    assert "NOEB" not in e.index
    # LEV: capex 50 (sign flipped); prior depr = 60 + 0.4*50*0.9 = 78 -> ATI 22 -> limit 6.6 -> TI 15.4
    #      OBBBA depr = 60 + 45 = 105 -> TI = 100 - 105 - 30 < 0 -> tax 0; saving = 0.21 * 15.4 = 3.234
    assert e.at["LEV", "tax_prior"] == pytest.approx(0.21 * 15.4 * M)
    assert e.at["LEV", "tax_obbba"] == 0.0
    assert e.at["LEV", "saving_pct_pretax"] == pytest.approx(3.234 * M / (10 * M))
    assert e.at["LEV", "saving_pct_cap"] == pytest.approx(3.234 * M / 5e9)
    assert e.at["LEV", "leverage"] == pytest.approx(0.3) and e.at["LEV", "intensity"] == pytest.approx(0.6)
    assert bool(e.at["LEV", "binds_prior"]) and not bool(e.at["LEV", "binds_obbba"])
    assert not bool(e.at["CASH", "binds_prior"])
    assert np.isnan(e.at["LOSS", "saving_pct_pretax"]) and np.isnan(e.at["LOSS", "leverage"])
    assert effects_frame().attrs["dropped"] == ["NOEB"]
    sh = tax_effects.binding_shares(effects_frame())
    # LEV binds and so does LOSS (negative ATI: limit 0 < interest 1); CASH has no interest
    assert sh["prior"] == pytest.approx(2 / 3) and sh["firms"] == 3


def test_group_summary_and_top_gainers():
    e = effects_frame()
    g = tax_effects.group_summary(e, "size_bucket")
    assert g["firms"].sum() == 3
    mid = g[g["size_bucket"].str.startswith("mid")].iloc[0]
    assert mid["firms"] == 2 and mid["total_saving"] == pytest.approx(e.loc[e["market_cap"] >= 2e9, "saving"].sum())
    top = tax_effects.top_gainers(e, 1)
    assert list(top["symbol"]) == [e.loc[e["saving"] > 0].sort_values("saving_pct_cap").iloc[-1]["symbol"]]


def test_intensity_cells_and_verdict_rule():
    sizes = ["small", "mid", "large"] * 6
    inten = [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9]
    value = [0.01, 0.01, 0.01] * 4 + [0.02, 0.09, 0.03, 0.02, 0.08, 0.03]
    e = pd.DataFrame(
        {"symbol": [f"S{i}" for i in range(18)], "size_bucket": sizes, "intensity": inten, "saving_pct_pretax": value}
    )
    med, cnt = tax_verdicts.intensity_cells(e)
    assert med.at["mid", "high"] == pytest.approx(0.085) and cnt.at["mid", "high"] == 2
    v, info = tax_verdicts.thesis_verdict(med, cnt, "mid", 0.01, min_firms=2)
    assert v == "supported" and info.best_cell == "mid, high intensity"
    assert tax_verdicts.thesis_verdict(med, cnt, "mid", 0.01, min_firms=3)[0] == "inconclusive"
    med2 = med.copy()
    med2.loc["large", "high"] = 0.2
    assert tax_verdicts.thesis_verdict(med2, cnt, "mid", 0.01, min_firms=2)[0] == "mixed"
    assert tax_verdicts.thesis_verdict(med2, cnt, "mid", 0.5, min_firms=2)[0] == "not supported"


def test_thesis_cell_words_ties_as_ties():
    idx = pd.Index(["small", "mid"], name="size_bucket")
    cols = pd.Index(["low", "high"], name="intensity_group")
    cnt = pd.DataFrame([[9, 9], [9, 9]], index=idx, columns=cols)
    zeros = pd.DataFrame([[0.0, 0.0], [0.0, 0.0]], index=idx, columns=cols)
    v, cell = tax_verdicts.thesis_verdict(zeros, cnt, "mid", 0.0)
    assert v == "not supported" and cell.vs_overall == 0 and cell.best_ties == 4
    assert cell.is_best and not cell.best_positive and cell.overall == 0.0
    assert cell.best_cell == "small, low intensity" and cell.rival is None  # a tie: no other cell is higher
    v, cell = tax_verdicts.thesis_verdict(zeros.assign(high=[0.0, 0.01]), cnt, "mid", 0.0)
    assert v == "supported" and cell.vs_overall == 1 and cell.best_ties == 1 and cell.best_cell == "mid, high intensity"
    v, cell = tax_verdicts.thesis_verdict(zeros.assign(high=[0.02, -0.01]), cnt, "mid", 0.0)
    assert v == "not supported" and cell.vs_overall == -1 and not cell.is_best
    assert cell.rival == "small, high intensity"
    v, cell = tax_verdicts.thesis_verdict(zeros, cnt, "mid", 0.0, min_firms=10)
    assert v == "inconclusive" and cell.best_cell is None and cell.vs_overall is None and cell.best_ties == 0


def test_cell_medians_feed_the_rule_and_measures_are_checked():
    e = effects_frame()
    cells = tax_verdicts.cell_medians(e, "saving_pct_pretax")
    assert cells.overall == pytest.approx(e["saving_pct_pretax"].median())
    assert not cells.any  # two firms with a share of pre-tax income: fewer than three intensity groups
    med, cnt, overall = cells
    assert med.empty and cnt.empty
    assert tax_verdicts.thesis_measures("permanent_pct_pretax") == ("permanent_pct_pretax", "saving_pct_pretax")
    assert tax_verdicts.thesis_measures("saving_pct_pretax") == ("saving_pct_pretax", "permanent_pct_pretax")
    with pytest.raises(BadInputError):
        tax_verdicts.thesis_measures("nonsense")


def test_effects_summary_adds_up_and_counts():
    e = effects_frame()
    s = tax_effects.effects_summary(e)
    assert s.firms == 3 and s.total == pytest.approx(e["saving"].sum())
    assert s.permanent + s.timing == pytest.approx(s.total)
    assert s.expensing + s.carryforward == pytest.approx(s.timing)
    assert s.paying_less == int((e["saving"] > 0).sum()) and s.paying_more == 0
    assert s.binds_prior == pytest.approx(2 / 3) and s.sized == 3 and s.with_cap == 3
    assert s.median_saving == pytest.approx(e["saving"].median())
    none = tax_effects.effects_summary(e.iloc[0:0])
    assert none.firms == 0 and np.isnan(none.total) and np.isnan(none.binds_prior) and none.paying_less == 0
    assert tax_effects.corporations(e.assign(reit=e["symbol"] == "LEV"))["symbol"].tolist() == ["CASH", "LOSS"]
    assert "source" not in tax_effects.saved_table(e.assign(source="fmp")).columns


def test_named_status_facts():
    e = effects_frame().assign(reit=lambda d: d["symbol"] == "LEV")
    named = pd.DataFrame({"ticker": ["LEV", "CASH", "LOSS", "GONE", "NOEB"], "name": list("abcde")})
    out = tax_effects.named_status(e, named, ["LEV", "CASH", "LOSS", "NOEB"]).set_index("ticker")
    assert out.at["LEV", "status"] == "gains" and out.at["LEV", "reit"]
    assert out.at["CASH", "zero_interest"] and not out.at["CASH", "binds_neither"]
    assert out.at["LOSS", "no_capex"] and out.at["LOSS", "pretax_loss"]
    assert out.at["GONE", "status"] == "not modelled" and not out.at["GONE", "has_statements"]
    assert out.at["NOEB", "status"] == "not modelled" and out.at["NOEB", "has_statements"]
    groups = tax_effects.named_groups(out.reset_index())
    assert groups.companies == 5 and groups.modelled == 3
    assert groups.gaining == [("LEV", True), ("CASH", False)] and groups.not_modelled == ["GONE", "NOEB"]


def test_named_status_interest_below_the_limit():
    f = statements([firm("LOW", 2025, ebitda=100 * M, da=10 * M, ie=2 * M, pretax=80 * M)])
    rows = tax_firms.select_statements(f, 2025).assign(market_cap=1e9, reit=False)
    e = tax_effects.firm_effects(rows, 2025)
    out = tax_effects.named_status(e, pd.DataFrame({"ticker": ["LOW"], "name": ["x"]}), ["LOW"]).iloc[0]
    assert out["binds_neither"] and out["interest_share_ebitda"] == pytest.approx(0.02)


def test_grid_summary_for_years_with_and_without_a_saving():
    g25 = tax_effects.archetype_grid(2025)
    assert sorted(g25["leverage"].unique()) == pytest.approx(list(tax_effects.GRID_LEVERAGE))
    s = tax_effects.grid_summary(g25, 2025)
    best = g25.loc[g25["saving_pct_ebitda"].idxmax()]
    assert s.saves and s.peak == pytest.approx(best["saving_pct_ebitda"]) and s.peak_leverage == best["leverage"]
    assert s.share_saving == pytest.approx((g25["saving"] > 0).mean()) and s.prior_basis == "EBIT"
    s19 = tax_effects.grid_summary(tm.sensitivity_grid([0.1, 0.5], [0.2, 0.6], 2019), 2019)
    assert not s19.saves and s19.prior_basis == "EBITDA" and np.isnan(s19.peak)


def test_number_parsers():
    assert tax_claims.first_percent("20%, made permanent; 23% dropped") == 20.0
    assert np.isnan(tax_claims.first_percent("none"))
    assert tax_claims.first_dollars("$2.5M limit, phase-out from $4.0M") == 2.5e6
    assert tax_claims.first_dollars("$1,000") == 1.0  # a comma ends the figure: only the leading digits
    assert np.isnan(tax_claims.first_dollars("no amount"))


def test_legal_verdicts_from_the_reference_files():
    out = tax_claims.legal_verdicts(obbba_provisions(), tax_claims.article_statements()).set_index("claim")
    assert out.at["B5", "measured"] == 20.0 and out.at["B5", "verdict"] == "contradicted"
    assert out.at["B6", "measured"] == 2.5e6 and out.at["B6", "verdict"] == "confirmed"
    assert out.at["B7", "verdict"] == "confirmed"
    assert out.at["A8", "verdict"] == "contradicted" and "One Big Beautiful Bill Act" in out.at["A8", "measured"]


def test_legal_verdicts_react_to_the_text():
    prov = pd.DataFrame(
        {
            "code_section": ["199A", "179", "163(j)"],
            "before_obbba": ["20%", "$1M", "EBITDA basis"],
            "after_obbba": ["23% from 2026", "$2.0M", "EBITDA basis"],
        }
    )
    st = pd.DataFrame(
        {
            "claim_id": ["B5", "B6", "B7", "A8"],
            "code_section": ["199A", "179", "163(j)", "title"],
            "article_says": [""] * 4,
            "article_figure": ["23", "2500000", "EBITDA", "Big Act"],
            "unit": ["%", "USD", "basis", "name"],
            "official": ["", "", "", "Big Act (PL 1)"],
        }
    )
    out = tax_claims.legal_verdicts(prov, st).set_index("claim")["verdict"]
    assert out.to_dict() == {"B5": "confirmed", "B6": "contradicted", "B7": "contradicted", "A8": "confirmed"}
    with pytest.raises(BadInputError):
        tax_claims.legal_verdicts(prov, st.assign(unit="furlongs"))


def test_data_caveats_figures():
    e = effects_frame()
    cv = tax_effects.data_caveats(e, 2025)
    assert cv.firms == 3
    assert cv.zero_interest_share == pytest.approx(1 / 3) and cv.zero_interest_examples == ["CASH"]
    assert cv.capex_missing == ["LOSS"]
    # 179 reaches firms spending under 2.5M + 4.0M: CASH spends 5M (yes), LEV 50M (no), LOSS NaN (no)
    assert cv.s179_reach_share == pytest.approx(1 / 3)
    assert cv.dropped == ["NOEB"]


def test_data_caveats_timing_share_and_sizes():
    e = effects_frame()
    cv = tax_effects.data_caveats(e, 2025)
    assert cv.timing_share == pytest.approx(e["saving_timing"].sum() / e["saving"].sum())
    by_size = tax_effects.group_summary(e, "size_bucket")
    assert cv.size_counts == list(zip(by_size["size_bucket"], by_size["firms"])) and cv.no_size == 0
    assert tax_effects.data_caveats(e.assign(saving=0.0), 2025).timing_share is None
    assert tax_effects.data_caveats(e.iloc[0:0], 2025).size_counts == []


def test_b7_follows_the_law_and_the_model():
    facts = tax_claims.legal_verdicts(obbba_provisions(), tax_claims.article_statements())
    e = effects_frame()
    b7 = tax_claims.b7_test(facts, e)
    assert b7.verdict == ClaimVerdict.CONFIRMED and b7.firms == 3 and b7.fewer == 0
    assert b7.share_more == pytest.approx((e["saving_163j"] > 0).mean())
    worse = e.assign(deductible_obbba=e["deductible_prior"] - 1.0)
    b7 = tax_claims.b7_test(facts, worse)
    assert b7.verdict == ClaimVerdict.MIXED and b7.fewer == 3
    b7 = tax_claims.b7_test(facts, e.iloc[0:0])
    assert b7.verdict == ClaimVerdict.CONFIRMED and b7.firms == 0 and b7.share_more is None


def test_law_facts_and_qbi_rates():
    facts = tax_claims.legal_verdicts(obbba_provisions(), tax_claims.article_statements())
    e = effects_frame()
    law = tax_claims.law_facts(facts, 2025, e)
    assert (law.statements, law.confirmed, law.contradicted) == (4, 2, 2)
    assert law.qbi_deduction == 20.0 and law.s179_prior == 1.25e6 and law.s179_obbba == 2.5e6
    assert law.s179_reach == 2.5e6 + 4.0e6
    assert law.s179_reach_share == pytest.approx(1 / 3)  # CASH spends 5M; LEV 50M; LOSS has no capex
    assert law.house_bill_cut == pytest.approx(0.37 * 0.03)
    assert tax_claims.law_facts(facts, 2024, e.iloc[0:0]).s179_reach_share is None
    q = tax_claims.qbi_rates()
    assert q["top_rate"].tolist() == pytest.approx([0.37, 0.296, 0.2849])
    assert q["tax_per_1m"].tolist() == pytest.approx([370e3, 296e3, 284.9e3])


def test_charts_are_skipped_when_there_is_nothing_to_draw():
    import matplotlib.pyplot as plt

    from rotation_utils.charts import tax_effects as charts

    e = effects_frame()
    empty = e.iloc[0:0]
    assert charts.plot_groups(tax_effects.group_summary(empty, "size_bucket"), "size_bucket", "t") == (None, None)
    assert charts.plot_gainers(tax_effects.top_gainers(empty), "t") == (None, None)
    assert charts.plot_named(pd.DataFrame({"ticker": ["A"], "saving_pct_pretax": [np.nan]}), "t") == (None, None)
    levels = [i / 10 for i in range(6)]
    assert charts.plot_sensitivity(tm.sensitivity_grid(levels, levels, 2019), "t") == (None, None)
    fig, ax = charts.plot_gainers(tax_effects.top_gainers(e), "t")
    assert len(ax.patches) == len(tax_effects.top_gainers(e))
    plt.close(fig)


def test_prior_bonus_is_that_of_the_placed_in_service_year():
    firms = tax_firms.prepare_firms(statements([firm("AAA", 2025, capex=-10 * M)]), None, None, None, 2025)
    corp = tax_effects.firm_effects(firms, 2025)
    assert (corp["service_year"] == 2025).all() and (corp["prior_bonus_rate"] == 0.4).all()


def test_verdict_comparison_shows_permanent_and_timing_of_the_cells_the_rule_compares():
    import matplotlib.pyplot as plt

    from rotation_utils.charts import tax_effects as charts

    sizes = ["small", "mid", "large"] * 6
    inten = [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9]
    perm = [0.0] * 12 + [0.0, 0.01, 0.0, 0.0, 0.03, 0.0]
    timing = [0.02] * 12 + [0.05, 0.06, 0.07, 0.05, 0.08, 0.07]
    e = pd.DataFrame(
        {
            "symbol": [f"S{i}" for i in range(18)],
            "size_bucket": sizes,
            "intensity": inten,
            "permanent_pct_pretax": perm,
            "timing_pct_pretax": timing,
        }
    )
    got = tax_verdicts.verdict_comparison(e, ("mid", "high"), "small, low intensity").set_index("group")
    assert list(got.index) == ["Thesis cell: mid, high intensity", "Best cell: small, low intensity", "All firms"]
    assert got.loc["Thesis cell: mid, high intensity", ["firms", "permanent", "timing"]].tolist() == pytest.approx(
        [2, 0.02, 0.07]
    )
    assert got.loc["All firms", "permanent"] == 0.0 and got.loc["All firms", "firms"] == 18
    assert got["thesis"].tolist() == [True, False, False]
    # the best cell is the thesis cell: shown once
    assert len(tax_verdicts.verdict_comparison(e, ("mid", "high"), "mid, high intensity")) == 2
    fig, ax = charts.plot_verdict_comparison(tax_verdicts.verdict_comparison(e, ("mid", "high"), None), "t")
    assert len(ax.patches) == 4  # two groups x (permanent, timing)
    assert [t.get_text() for t in ax.texts].count("0.0%") == 1  # the zero permanent bar still reads
    assert [p.get_label() for p in ax.get_legend().get_patches()] == [
        "permanent (the verdict's measure)",
        "timing (given back in later years)",
    ]
    plt.close(fig)
    assert charts.plot_verdict_comparison(tax_verdicts.verdict_comparison(e.iloc[0:0], ("mid", "high"), None), "t") == (
        None,
        None,
    )
