"""Worked examples (arithmetic written out) and property tests for rotation_utils.tax_model."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rotation_utils import tax_model as tm
from rotation_utils.analytics.tax_claims import first_dollars, first_percent
from rotation_utils.errors import BadInputError
from rotation_utils.reference_data import obbba_provisions

M = 1e6


# ---- 163(j) worked examples ------------------------------------------------------
def test_ebit_versus_ebitda_basis_worked_example():
    # EBITDA 100, D&A 40, interest 25, no interest income, tax depreciation = D&A.
    # prior: ATI = 100 - 40 = 60; limit = 0.3 * 60 = 18; deductible 18, carried 7;
    #        taxable = 100 - 40 - 18 = 42; tax = 0.21 * 42 = 8.82
    # OBBBA: ATI = 100; limit 30; deductible 25; taxable = 35; tax = 7.35; saving 1.47
    r = tm.compare_laws(100 * M, 40 * M, 25 * M, 0.0, np.nan, 2025, capex_treatment="book")
    assert r["prior"]["ati"] == pytest.approx(60 * M)
    assert r["prior"]["deductible"] == pytest.approx(18 * M)
    assert r["prior"]["carryforward_out"] == pytest.approx(7 * M)
    assert r["prior"]["tax"] == pytest.approx(8.82 * M)
    assert bool(r["prior"]["binds"])
    assert r["obbba"]["deductible"] == pytest.approx(25 * M)
    assert r["obbba"]["tax"] == pytest.approx(7.35 * M)
    assert not bool(r["obbba"]["binds"])
    assert r["saving"] == pytest.approx(1.47 * M)
    assert r["saving_163j"] == pytest.approx(1.47 * M)
    assert r["saving_expensing"] == pytest.approx(0.0)


def test_interest_income_raises_the_limit_and_leaves_ati():
    # EBITDA 100 includes interest income 10; ATI = 100 - 10 = 90 (EBITDA basis)
    # limit = 10 + 0.3 * 90 = 37; interest 40 -> deductible 37, carried 3
    ati = tm.adjusted_taxable_income(100.0, 10.0, 0.0, "EBITDA")
    assert ati == pytest.approx(90.0)
    ded, cf = tm.deductible_interest(40.0, 10.0, ati)
    assert (ded, cf) == (pytest.approx(37.0), pytest.approx(3.0))


def test_carryforward_is_used_up_to_the_limit():
    # interest 10 + carried 20 = 30; ATI 60 -> limit 18; deductible 18, carried out 12
    ded, cf = tm.deductible_interest(10.0, 0.0, 60.0, carryforward_in=20.0)
    assert ded == pytest.approx(18.0) and cf == pytest.approx(12.0)


def test_negative_ati_counts_as_zero():
    # ATI -50 -> limit = interest income 5 + 0.3 * 0 = 5
    assert tm.interest_limit(-50.0, 5.0) == pytest.approx(5.0)


def test_small_business_exemption_by_gross_receipts():
    # 2025 threshold $31M (Rev. Proc. 2024-40); 2026 $32M (Rev. Proc. 2025-32)
    assert tm.small_business_exempt(31 * M, 2025)
    assert not tm.small_business_exempt(31.5 * M, 2025)
    assert tm.small_business_exempt(31.5 * M, 2026)
    assert not tm.small_business_exempt(np.nan, 2025)
    # exempt firm deducts all 25 of interest although 30% of ATI 60 is 18
    ded, cf = tm.deductible_interest(25.0, 0.0, 60.0, exempt=True)
    assert ded == 25.0 and cf == 0.0


def test_exempt_firm_is_not_bound_in_firm_tax():
    p = tm.law_parameters(2025, "prior")
    r = tm.firm_tax(100.0, 40.0, 25.0, 0.0, np.nan, p, avg_gross_receipts=20 * M, year=2025)
    assert not bool(r["binds"]) and r["deductible"] == pytest.approx(25.0)


# ---- expensing worked examples -----------------------------------------------------
def test_section179_limit_and_phase_out():
    # OBBBA 2025: limit 2.5M, phase-out from 4.0M
    assert tm.section179_deduction(3 * M, 2.5 * M, 4.0 * M) == pytest.approx(2.5 * M)
    # 5M of purchases: 2.5M - (5M - 4M) = 1.5M
    assert tm.section179_deduction(5 * M, 2.5 * M, 4.0 * M) == pytest.approx(1.5 * M)
    # 7M: 2.5M - 3M < 0 -> 0
    assert tm.section179_deduction(7 * M, 2.5 * M, 4.0 * M) == 0.0
    # prior law 2025 (1.25M / 3.13M), 3.5M of purchases: 1.25M - 0.37M = 0.88M
    assert tm.section179_deduction(3.5 * M, 1.25 * M, 3.13 * M) == pytest.approx(0.88 * M)
    # never more than the cost
    assert tm.section179_deduction(1 * M, 2.5 * M, 4.0 * M) == pytest.approx(1 * M)


def test_expensed_share_combines_179_and_bonus():
    # prior 2025, capex 3M: 179 = 1.25M (3M < 3.13M); bonus 40% of 1.75M = 0.7M
    # expensed 1.95M -> share 0.65
    p = tm.law_parameters(2025, "prior")
    share = tm.expensed_share(3 * M, p["bonus_rate"], p["s179_limit"], p["s179_phaseout"])
    assert share == pytest.approx(0.65)
    # half the capex eligible: 179 on 1.5M = 1.25M, bonus 40% of 0.25M = 0.1M -> 1.35M / 3M = 0.45
    share = tm.expensed_share(3 * M, p["bonus_rate"], p["s179_limit"], p["s179_phaseout"], 0.5)
    assert share == pytest.approx(0.45)


def test_tax_depreciation_first_year_view():
    # capex 100M, book D&A 50M, tax year 2025; 179 is phased out at this size
    # prior: 50 + 0.4 * 100 * (1 - 0.10) = 86;  OBBBA: 50 + 1.0 * 100 * 0.9 = 140
    pr, ob = tm.law_parameters(2025, "prior"), tm.law_parameters(2025, "obbba")
    assert tm.tax_depreciation(
        100 * M, 50 * M, pr["bonus_rate"], pr["s179_limit"], pr["s179_phaseout"]
    ) == pytest.approx(86 * M)
    assert tm.tax_depreciation(
        100 * M, 50 * M, ob["bonus_rate"], ob["s179_limit"], ob["s179_phaseout"]
    ) == pytest.approx(140 * M)
    # missing capex: book D&A only
    assert tm.tax_depreciation(np.nan, 50 * M, 1.0, 0, 0) == pytest.approx(50 * M)


def test_compare_laws_splits_the_saving():
    # EBITDA 200M, D&A 50M, interest 60M, capex 100M, tax year 2025
    # prior: depr 86 -> ATI 114 -> limit 34.2 -> TI = 200 - 86 - 34.2 = 79.8 -> tax 16.758
    # EBITDA basis, prior expensing: limit 60 -> TI = 200 - 86 - 60 = 54 -> tax 11.34
    # OBBBA: depr 140 -> TI = 200 - 140 - 60 = 0 -> tax 0
    r = tm.compare_laws(200 * M, 50 * M, 60 * M, 0.0, 100 * M, 2025)
    assert r["prior"]["tax"] == pytest.approx(16.758 * M)
    assert r["ebitda_only"]["tax"] == pytest.approx(11.34 * M)
    assert r["obbba"]["tax"] == pytest.approx(0.0)
    assert r["saving_163j"] == pytest.approx(5.418 * M)
    assert r["saving_expensing"] == pytest.approx(11.34 * M)
    assert r["saving"] == pytest.approx(r["saving_163j"] + r["saving_expensing"])


def test_research_costs_amortised_versus_expensed():
    spend = {2021: 100.0, 2022: 100.0, 2023: 100.0, 2024: 100.0, 2025: 100.0}
    # prior law in 2025: 2022 vintage 20% + 2023 20% + 2024 20% + 2025 10% = 70 (2021 was expensed)
    assert tm.re_deduction(spend, 2025, expensing=False) == pytest.approx(70.0)
    # 2022, first year: 10% of 100
    assert tm.re_deduction(spend, 2022, expensing=False) == pytest.approx(10.0)
    # 174A: this year's spend
    assert tm.re_deduction(spend, 2025, expensing=True) == pytest.approx(100.0)


def test_re_amortisation_raises_taxable_income():
    # EBITDA 100 after expensing R&E 30 in the books; prior law deducts only 3 (10%)
    # taxable = 100 + 30 - 3 = 127 -> tax 26.67
    p = dict(tm.law_parameters(2022, "prior"), bonus_rate=0.0, s179_limit=0.0, s179_phaseout=0.0)
    r = tm.firm_tax(100.0, 0.0, 0.0, 0.0, np.nan, p, year=2022, re_spend=30.0, re_deducted=3.0)
    assert r["taxable_income"] == pytest.approx(127.0)
    assert r["tax"] == pytest.approx(26.67)


def test_qbi_deduction_and_effective_rates():
    # 20% of min(QBI 100, taxable 80) = 16
    assert tm.qbi_deduction(100.0, 80.0) == pytest.approx(16.0)
    assert tm.qbi_deduction(100.0, 80.0, tm.QBI_RATE_HOUSE_BILL) == pytest.approx(18.4)
    # 37% * (1 - 0.20) = 29.6%; 37% * (1 - 0.23) = 28.49%
    assert tm.qbi_effective_rate(0.20) == pytest.approx(0.296)
    assert tm.qbi_effective_rate(0.23) == pytest.approx(0.2849)


def test_carryforward_path_over_years():
    # 2021 is skipped; 2022: EBITDA 100, D&A 40, interest 25 -> limit 18 -> carried 7
    # 2023: EBITDA 100, D&A 40, interest 15 -> 15 + 7 = 22 vs limit 18 -> carried 4
    cols = [2021, 2022, 2023]
    e = pd.DataFrame([[100.0, 100.0, 100.0]], columns=cols)
    d = pd.DataFrame([[40.0, 40.0, 40.0]], columns=cols)
    ie = pd.DataFrame([[90.0, 25.0, 15.0]], columns=cols)
    ii = pd.DataFrame([[0.0, 0.0, 0.0]], columns=cols)
    assert tm.carryforward_path(e, d, ie, ii, "prior").iloc[0] == pytest.approx(4.0)
    # in 2025 OBBBA's EBITDA basis absorbs the carried amount: limit 30 >= 10 + 4
    cols2 = [2022, 2023, 2024, 2025]
    e2 = pd.DataFrame([[100.0] * 4], columns=cols2)
    d2 = pd.DataFrame([[40.0] * 4], columns=cols2)
    ie2 = pd.DataFrame([[25.0, 15.0, 18.0, 10.0]], columns=cols2)
    ii2 = pd.DataFrame([[0.0] * 4], columns=cols2)
    # 2022: 7; 2023: 22 -> 4; 2024: 18 + 4 = 22 -> 4; 2025 prior: 14 vs 18 -> 0; obbba: 0
    assert tm.carryforward_path(e2, d2, ie2, ii2, "prior").iloc[0] == pytest.approx(0.0)
    assert tm.carryforward_path(e2.iloc[:, :3], d2.iloc[:, :3], ie2.iloc[:, :3], ii2.iloc[:, :3], "obbba").iloc[
        0
    ] == pytest.approx(4.0)


def test_law_parameters_history_and_errors():
    assert tm.law_parameters(2021, "prior")["ati_basis"] == "EBITDA"
    assert tm.law_parameters(2024, "prior")["ati_basis"] == "EBIT"
    assert tm.law_parameters(2025, "obbba")["ati_basis"] == "EBITDA"
    assert [tm.law_parameters(y, "prior")["bonus_rate"] for y in (2023, 2024, 2025, 2026, 2027)] == [
        0.8,
        0.6,
        0.4,
        0.2,
        0.0,
    ]
    with pytest.raises(BadInputError):
        tm.law_parameters(2025, "house")
    with pytest.raises(BadInputError):
        tm.adjusted_taxable_income(1.0, 0.0, 0.0, "EBT")
    with pytest.raises(BadInputError):
        tm.compare_laws(1.0, 0.0, 0.0, 0.0, 0.0, capex_treatment="cash")


def test_model_figures_match_the_transcribed_provisions():
    prov = obbba_provisions().set_index("code_section")
    # 179 before: "$1.22M limit (2024 ...) with phase-out from $3.05M"; after "$2.5M ..., phase-out from $4.0M"
    before = prov.at["179", "before_obbba"]
    assert first_dollars(before) == pytest.approx(tm.law_parameters(2024, "prior")["s179_limit"])
    assert "$3.05M" in before and tm.law_parameters(2024, "prior")["s179_phaseout"] == 3.05e6
    after = prov.at["179", "after_obbba"]
    assert first_dollars(after) == pytest.approx(tm.law_parameters(2025, "obbba")["s179_limit"])
    assert "$4.0M" in after and tm.law_parameters(2025, "obbba")["s179_phaseout"] == 4.0e6
    # bonus phase-down "40% in 2025, 20% in 2026, 0% from 2027"
    text = prov.at["168(k)", "before_obbba"]
    for pct, year in ((40, 2025), (20, 2026), (0, 2027)):
        assert f"{pct}% " in text and tm.law_parameters(year, "prior")["bonus_rate"] == pct / 100
    assert first_percent(prov.at["199A", "after_obbba"]) / 100 == tm.QBI_RATE_FINAL
    assert first_percent(prov.at["11", "after_obbba"]) / 100 == tm.CORPORATE_RATE
    assert "$31M" in prov.at["174A", "after_obbba"] and tm.GROSS_RECEIPTS_THRESHOLD[2025] == 31e6


def test_sensitivity_grid_boundaries():
    g = tm.sensitivity_grid([0.1, 0.25, 0.4], [0.0, 0.5], 2025).set_index(["leverage", "intensity"])
    # leverage 0.25, intensity 0.5: prior limit 0.3 * (100 - 50) = 15 < 25 -> binds; OBBBA 30 -> not
    assert bool(g.at[(0.25, 0.5), "binds_prior"]) and not bool(g.at[(0.25, 0.5), "binds_obbba"])
    # saving = 0.21 * (25 - 15) = 2.1 per 100 of EBITDA
    assert g.at[(0.25, 0.5), "saving"] == pytest.approx(2.1)
    # no D&A: both bases equal, no saving
    assert (g.xs(0.0, level="intensity")["saving"] == 0).all()
    assert bool(g.at[(0.4, 0.0), "binds_obbba"])


# ---- property tests ----------------------------------------------------------------
money = st.floats(min_value=0.0, max_value=1e10, allow_nan=False, allow_infinity=False)
signed = st.floats(min_value=-1e10, max_value=1e10, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=2022, max_value=2027)


@settings(max_examples=300, deadline=None)
@given(ebitda=signed, da=money, ie=money, ii=money, cf=money)
def test_ebitda_basis_deduction_never_below_ebit_basis(ebitda, da, ie, ii, cf):
    ebit_ati = tm.adjusted_taxable_income(ebitda, ii, da, "EBIT")
    ebitda_ati = tm.adjusted_taxable_income(ebitda, ii, da, "EBITDA")
    d_ebit, _ = tm.deductible_interest(ie, ii, ebit_ati, cf)
    d_ebitda, _ = tm.deductible_interest(ie, ii, ebitda_ati, cf)
    assert d_ebitda >= d_ebit - 1e-6 * max(1.0, abs(d_ebit))


@settings(max_examples=300, deadline=None)
@given(
    ebitda=signed, da=money, ie=money, ii=money, capex=money, year=years, treatment=st.sampled_from(["bonus", "book"])
)
def test_tax_is_never_negative(ebitda, da, ie, ii, capex, year, treatment):
    r = tm.compare_laws(ebitda, da, ie, ii, capex, year, capex_treatment=treatment)
    for law in ("prior", "ebitda_only", "obbba"):
        assert r[law]["tax"] >= 0.0
        assert r[law]["deductible"] >= 0.0


@settings(max_examples=300, deadline=None)
@given(
    ebitda=st.floats(min_value=1e6, max_value=1e10),
    da=money,
    extra=st.floats(min_value=0, max_value=1e9),
    ie=money,
    ii=money,
    capex=money,
    year=years,
    treatment=st.sampled_from(["bonus", "book"]),
)
def test_saving_never_falls_as_da_rises(ebitda, da, extra, ie, ii, capex, year, treatment):
    """With everything else fixed, more D&A never lowers the saving while the firm still
    has taxable income under OBBBA (below zero the 21% floor, i.e. no NOL, caps the tax)."""
    lo = tm.compare_laws(ebitda, da, ie, ii, capex, year, capex_treatment=treatment)
    hi = tm.compare_laws(ebitda, da + extra, ie, ii, capex, year, capex_treatment=treatment)
    assume(hi["obbba"]["taxable_income"] >= 0)
    tol = 1e-6 * max(1.0, ebitda)
    assert hi["saving"] >= lo["saving"] - tol
    assert hi["saving_163j"] >= lo["saving_163j"] - tol
    # the deduction gain itself never falls, with or without taxable income
    gain_lo = lo["ebitda_only"]["deductible"] - lo["prior"]["deductible"]
    gain_hi = hi["ebitda_only"]["deductible"] - hi["prior"]["deductible"]
    assert gain_hi >= gain_lo - tol


def test_cash_saving_can_fall_once_taxable_income_turns_negative():
    # documents the limit of the property above: EBITDA 100, interest 40
    # D&A 60: prior TI = 100 - 60 - 12 = 28 -> 5.88; OBBBA TI = 100 - 60 - 30 = 10 -> 2.1; saving 3.78
    # D&A 90: prior TI = 100 - 90 - 3 = 7 -> 1.47; OBBBA TI = -20 -> 0; saving 1.47
    a = tm.compare_laws(100.0, 60.0, 40.0, 0.0, np.nan, 2025, capex_treatment="book")
    b = tm.compare_laws(100.0, 90.0, 40.0, 0.0, np.nan, 2025, capex_treatment="book")
    assert a["saving"] == pytest.approx(3.78)
    assert b["saving"] == pytest.approx(1.47)


@settings(max_examples=200, deadline=None)
@given(ebitda=signed, da=money, ie=money, ii=money, capex=money, year=years)
def test_saving_parts_add_up_and_scalar_matches_vector(ebitda, da, ie, ii, capex, year):
    r = tm.compare_laws(ebitda, da, ie, ii, capex, year)
    assert math.isclose(r["saving"], r["saving_163j"] + r["saving_expensing"], rel_tol=1e-9, abs_tol=1e-3)
    v = tm.compare_laws(
        pd.Series([ebitda, 1.0]),
        pd.Series([da, 0.0]),
        pd.Series([ie, 0.0]),
        pd.Series([ii, 0.0]),
        pd.Series([capex, 0.0]),
        year,
    )
    assert math.isclose(float(np.asarray(v["saving"])[0]), r["saving"], rel_tol=1e-9, abs_tol=1e-3)


def test_permanent_and_timing_parts_add_up_to_the_total():
    # a leveraged, capital-intensive firm with interest carried in: all three parts are non-zero
    B = 1e9  # large enough that Section 179's $2.5M does not expense everything under both laws
    res = tm.compare_laws(
        100 * B,
        40 * B,
        20 * B,
        0.0,
        60 * B,
        2025,
        carryforward_prior=10 * B,
        carryforward_obbba=10 * B,
        avg_gross_receipts=1e12,
    )
    assert res["saving_permanent"] + res["saving_timing"] == pytest.approx(res["saving"])
    assert res["saving_163j_permanent"] + res["saving_carryforward"] == pytest.approx(res["saving_163j"])
    assert res["saving_timing"] == pytest.approx(res["saving_carryforward"] + res["saving_expensing"])
    assert res["saving_permanent"] > 0 and res["saving_carryforward"] > 0 and res["saving_expensing"] > 0
    # nothing carried in: no released carryforward, the 163(j) saving is all permanent
    flat = tm.compare_laws(100 * B, 40 * B, 20 * B, 0.0, 60 * B, 2025, avg_gross_receipts=1e12)
    assert flat["saving_carryforward"] == pytest.approx(0.0)


def test_prior_bonus_follows_the_placed_in_service_year():
    ends = pd.Series(pd.to_datetime(["2024-12-31", "2025-12-31", "2026-06-30", "2026-12-31", "2025-01-31"]))
    years = tm.placed_in_service_year(ends)
    assert years.tolist() == [2024, 2025, 2025, 2026, 2024]
    assert tm.prior_bonus_rate(years).tolist() == [0.6, 0.4, 0.4, 0.2, 0.6]
    B = 1e9
    lo = tm.compare_laws(100 * B, 10 * B, 0.0, 0.0, 50 * B, 2025, avg_gross_receipts=1e12, prior_bonus=0.2)
    hi = tm.compare_laws(100 * B, 10 * B, 0.0, 0.0, 50 * B, 2025, avg_gross_receipts=1e12, prior_bonus=0.6)
    assert lo["saving_expensing"] > hi["saving_expensing"] > 0  # a lower prior rate: more to gain from 100%


def test_obbba_applies_to_tax_years_beginning_after_2024():
    ends = pd.Series(pd.to_datetime(["2025-12-31", "2025-06-30", "2025-12-27", "2026-01-31", "2024-12-31"]))
    assert tm.tax_year_begins_under_obbba(ends).tolist() == [True, False, False, True, False]
