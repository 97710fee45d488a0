"""A corporate tax model of the 2025 tax law (OBBBA, Public Law 119-21) against prior law.

Why: article B credits the law with three catalysts for mid-sized firms (a
bigger 199A deduction, $2.5M Section 179 expensing, and a business-interest
limit computed on EBITDA again). Whether a firm gains, and by how much, depends
on its leverage and capital intensity, so the rules are written out here as pure
functions and applied to company statements in
:mod:`rotation_utils.analytics.tax_effects`.

Every function takes scalars or numpy arrays / pandas Series (element-wise),
so the same code runs a worked example, a sensitivity grid and 600 firms.

Laws compared for a tax year ``year``
-------------------------------------
``prior``  the 2017 law as it stood before OBBBA: 163(j) ATI on an EBIT basis
           (from tax years 2022), bonus depreciation phasing down, the Section
           179 limits of Rev. Proc. 2024-40, domestic R&E amortised over five
           years (174 as amended in 2017, from 2022).
``obbba``  OBBBA: ATI on an EBITDA basis (sec. 70303, tax years beginning after
           2024-12-31), 100% bonus depreciation (sec. 70301, property acquired
           after 2025-01-19), Section 179 of $2.5M with phase-out from $4.0M
           (sec. 70306), domestic R&E expensed under new 174A (sec. 70302).
           For a ``year`` before 2025 the OBBBA rules are applied *as if* they
           had been in force (a counterfactual, said so in the report).

Simplifications (stated so a reader can judge the numbers)
---------------------------------------------------------
- Book figures stand in for tax figures: EBITDA for tentative taxable income
  before interest and depreciation, book D&A for the tax depreciation of
  earlier vintages, capex for property placed in service, revenue for gross
  receipts.
- Tax depreciation is the first-year view ``D + e*C*(1-r)``: book D&A ``D``
  for earlier vintages and intangibles (the rule change does not touch them),
  plus the share ``e`` of this year's capex ``C`` expensed at once (179, then
  bonus) net of the share ``r`` regular depreciation would deduct anyway.
  Bonus depreciation shifts timing: later years deduct less, so the
  expensing saving is a deferral, not a permanent gain.
- No NOLs, credits, state taxes, foreign income or minimum tax: cash tax is
  ``21% * max(taxable income, 0)``, so it is never negative.
- The 2025 split between property acquired before and after 2025-01-19 is
  ignored: the OBBBA column uses 100% bonus for the whole year.
- Prior law's bonus rate is the one of the year the property is placed in service
  (60% in 2024, 40% in 2025, 20% in 2026): callers pass it per firm
  (:func:`placed_in_service_year`, ``prior_bonus`` of :func:`compare_laws`).

Permanent and timing effects
----------------------------
:func:`compare_laws` splits the saving three ways that add up to the total:
the 163(j) saving on the year's own interest with nothing carried in (the
*permanent* effect of the EBITDA basis, in this model), the release of interest
carried forward from earlier years (*timing*: that interest would have been
deducted later anyway) and expensing (*timing*: bonus, 179 and 174A deduct now
what later years would have deducted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import BadInputError

#: Section 11(b) corporate rate; unchanged by OBBBA (obbba_provisions.csv, row "11").
CORPORATE_RATE = 0.21
#: Section 163(j)(1)(B): 30% of adjusted taxable income (unchanged by OBBBA).
INTEREST_LIMIT_RATE = 0.30
#: Top individual rate, Section 1(j); made permanent by OBBBA sec. 70101.
TOP_INDIVIDUAL_RATE = 0.37
#: Section 199A deduction rate in the final law (kept at 20%, made permanent, OBBBA sec. 70105).
QBI_RATE_FINAL = 0.20
#: The House-passed bill's 199A rate (H.R. 1 as passed by the House, sec. 110005), dropped in conference.
QBI_RATE_HOUSE_BILL = 0.23

#: Section 448(c) gross-receipts test for the 163(j) small-business exemption
#: (163(j)(3)): $25M in the 2017 law, indexed for inflation. Figures by tax year
#: from the IRS inflation adjustments: Rev. Proc. 2021-45 ($27M, 2022),
#: 2022-38 ($29M, 2023), 2023-34 ($30M, 2024), 2024-40 ($31M, 2025),
#: 2025-32 ($32M, 2026). Later years use the last published figure.
GROSS_RECEIPTS_THRESHOLD = {2022: 27e6, 2023: 29e6, 2024: 30e6, 2025: 31e6, 2026: 32e6}

#: Bonus depreciation under the 2017 law (168(k)(6)): 100% to 2022, then -20 pp a year.
BONUS_PRIOR = {2022: 1.0, 2023: 0.8, 2024: 0.6, 2025: 0.4, 2026: 0.2}
#: OBBBA sec. 70301: 100% permanently for property acquired after 2025-01-19.
BONUS_OBBBA = 1.0

#: Section 179 (dollar limit, phase-out threshold) before OBBBA: Rev. Proc. 2021-45
#: (2022), 2022-38 (2023), 2023-34 (2024: $1.22M / $3.05M), 2024-40 (2025: $1.25M / $3.13M).
SEC179_PRIOR = {2022: (1.08e6, 2.70e6), 2023: (1.16e6, 2.89e6), 2024: (1.22e6, 3.05e6), 2025: (1.25e6, 3.13e6)}
#: OBBBA sec. 70306: $2.5M / $4.0M for 2025, indexed after 2025 (Rev. Proc. 2025-32: 2026
#: $2.56M / $4.09M).
SEC179_OBBBA = {2025: (2.5e6, 4.0e6), 2026: (2.56e6, 4.09e6)}

#: Share of a year's capex that regular (non-bonus) depreciation deducts in its first year:
#: MACRS half-year convention gives 20% for 5-year and 14.29% for 7-year property, and
#: less for longer lives; 10% is a round figure for a mixed, partly long-lived capex.
FIRST_YEAR_REGULAR = 0.10

LAWS = ("prior", "obbba")
ATI_BASES = ("EBIT", "EBITDA")


def _nearest_year(table: dict, year: int):
    """Value for ``year``; before the first key the first, after the last the last."""
    keys = sorted(table)
    if year <= keys[0]:
        return table[keys[0]]
    return table[max(k for k in keys if k <= year)]


def law_parameters(year: int, law: str) -> dict:
    """The rule set of ``law`` (``prior`` or ``obbba``) for tax year ``year``.

    Keys: ``ati_basis`` (EBIT/EBITDA), ``bonus_rate``, ``s179_limit``,
    ``s179_phaseout``, ``re_expensing`` (bool), ``gross_receipts_threshold``.
    Before 2022 the 2017 law already used an EBITDA basis and full R&E
    expensing; ``prior`` follows that history.
    """
    year = int(year)
    if law not in LAWS:
        raise BadInputError(f"law must be one of {LAWS}, not {law!r}")
    if law == "prior":
        basis = "EBIT" if year >= 2022 else "EBITDA"
        bonus = BONUS_PRIOR.get(year, 1.0 if year < 2022 else 0.0)
        limit, phase = _nearest_year(SEC179_PRIOR, year)
        re_exp = year < 2022
    else:
        basis, bonus, re_exp = "EBITDA", BONUS_OBBBA, True
        limit, phase = _nearest_year(SEC179_OBBBA, year)
    return {
        "ati_basis": basis,
        "bonus_rate": bonus,
        "s179_limit": limit,
        "s179_phaseout": phase,
        "re_expensing": re_exp,
        "gross_receipts_threshold": _nearest_year(GROSS_RECEIPTS_THRESHOLD, year),
    }


# ---- Section 163(j) ---------------------------------------------------------
def small_business_exempt(avg_gross_receipts, year: int):
    """163(j)(3): exempt when the 3-prior-year average gross receipts are at most the
    448(c) threshold ($31M for 2025, Rev. Proc. 2024-40). NaN receipts -> not exempt."""
    thr = _nearest_year(GROSS_RECEIPTS_THRESHOLD, int(year))
    r = np.asarray(avg_gross_receipts, dtype="float64")
    out = np.where(np.isnan(r), False, r <= thr)
    return bool(out) if out.ndim == 0 else out


def adjusted_taxable_income(ebitda, interest_income, tax_depreciation, basis: str):
    """163(j)(8) ATI: taxable income before business interest (expense and income).

    EBIT basis (tax years 2022-2024 under the 2017 law): depreciation is deducted.
    EBITDA basis (before 2022 and under OBBBA from 2025): it is added back.
    Not floored here; :func:`interest_limit` treats negative ATI as zero.
    """
    if basis not in ATI_BASES:
        raise BadInputError(f"ATI basis must be one of {ATI_BASES}, not {basis!r}")
    ati = ebitda - interest_income
    return ati - tax_depreciation if basis == "EBIT" else ati


def interest_limit(ati, interest_income):
    """163(j)(1): business interest income plus 30% of ATI (ATI below zero counts as zero)."""
    return interest_income + INTEREST_LIMIT_RATE * np.maximum(ati, 0.0)


def deductible_interest(interest_expense, interest_income, ati, carryforward_in=0.0, exempt=False):
    """Deductible business interest and the disallowed amount carried forward (163(j)(2)).

    ``deductible = min(interest expense + carryforward, limit)``; the rest is
    carried forward indefinitely. Exempt small businesses deduct everything.
    Returns ``(deductible, carryforward_out)``.
    """
    total = interest_expense + carryforward_in
    allowed = np.minimum(total, interest_limit(ati, interest_income))
    allowed = np.where(exempt, total, allowed)
    allowed = np.maximum(allowed, 0.0)
    if np.ndim(allowed) == 0:
        allowed = float(allowed)
    elif isinstance(total, pd.Series):
        allowed = pd.Series(allowed, index=total.index)
    return allowed, total - allowed


# ---- Depreciation: 179 and 168(k) ------------------------------------------
def section179_deduction(cost, limit, phaseout):
    """Section 179(b): the limit falls dollar for dollar once qualifying property placed
    in service exceeds the phase-out threshold; never more than the cost. (The taxable
    income limit of 179(b)(3) is ignored: the excess would carry forward.)"""
    cost = np.maximum(cost, 0.0)
    cap = np.maximum(limit - np.maximum(cost - phaseout, 0.0), 0.0)
    return np.minimum(cost, cap)


def expensed_share(capex, bonus_rate, s179_limit, s179_phaseout, eligible_share=1.0):
    """Share of this year's capex deducted at once: Section 179 first, then bonus
    depreciation on the rest of the eligible property. Capex is spending (positive)."""
    c = np.maximum(capex, 0.0)
    eligible = eligible_share * c
    s179 = section179_deduction(eligible, s179_limit, s179_phaseout)
    expensed = s179 + bonus_rate * (eligible - s179)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(c > 0, expensed / np.where(c > 0, c, 1.0), 0.0)
    return float(share) if np.ndim(share) == 0 else share


def tax_depreciation(capex, book_da, bonus_rate, s179_limit, s179_phaseout, eligible_share=1.0):
    """Tax depreciation in the year the rules change: ``D + e * C * (1 - r)``.

    ``D`` (book D&A) stands in for the deductions on earlier vintages and
    intangibles, which a change in this year's rules does not touch; ``e`` is the
    share of this year's capex ``C`` expensed at once (179, then bonus) and ``r``
    (:data:`FIRST_YEAR_REGULAR`) the part of it that regular depreciation would
    have deducted this year anyway. Missing capex (NaN) means nothing is added:
    the data cannot say more.
    """
    c = np.asarray(capex, dtype="float64")
    c = np.where(np.isnan(c), 0.0, np.maximum(c, 0.0))
    e = expensed_share(c, bonus_rate, s179_limit, s179_phaseout, eligible_share)
    out = np.asarray(book_da, dtype="float64") + e * c * (1.0 - FIRST_YEAR_REGULAR)
    return float(out) if np.ndim(out) == 0 else out


# ---- Research and experimental costs: 174 / 174A ---------------------------
def re_deduction(spend_by_year: dict, year: int, expensing: bool) -> float:
    """Domestic R&E deduction in ``year``.

    174A (OBBBA sec. 70302, from 2025): this year's spend is expensed.
    174 (2017 law, spend in tax years 2022-2024): amortised over five years with a
    mid-year convention (10%, 20%, 20%, 20%, 20%, 10%). Spend before 2022 was
    expensed when incurred, so it adds nothing later.
    """
    year = int(year)
    if expensing:
        return float(spend_by_year.get(year, 0.0))
    schedule = {0: 0.1, 1: 0.2, 2: 0.2, 3: 0.2, 4: 0.2, 5: 0.1}
    return float(
        sum(amount * schedule.get(year - v, 0.0) for v, amount in spend_by_year.items() if v >= 2022 and v <= year)
    )


# ---- One firm-year under one rule set ---------------------------------------
def firm_tax(
    ebitda,
    book_da,
    interest_expense,
    interest_income,
    capex,
    params: dict,
    carryforward_in=0.0,
    avg_gross_receipts=np.nan,
    year: int = 2025,
    eligible_share=1.0,
    re_spend=0.0,
    re_deducted=None,
) -> dict:
    """Taxable income and cash tax of a firm-year under the rule set ``params``
    (from :func:`law_parameters`, possibly with ``ati_basis`` overridden).

    ``ebitda`` includes interest income (as in the statements); ``re_spend`` is
    this year's domestic R&E (already expensed in book EBITDA) and
    ``re_deducted`` its tax deduction under ``params`` (default: the spend, i.e.
    expensing). Returns a dict of: ``tax_depreciation, ati, limit, deductible,
    carryforward_out, binds`` (current-year interest above the limit, for a
    non-exempt firm), ``taxable_income, tax``.
    """
    depr = tax_depreciation(
        capex, book_da, params["bonus_rate"], params["s179_limit"], params["s179_phaseout"], eligible_share
    )
    re_ded = re_spend if re_deducted is None else re_deducted
    pre_interest = ebitda - depr + (re_spend - re_ded)  # taxable income before interest
    ati = adjusted_taxable_income(pre_interest + depr, interest_income, depr, params["ati_basis"])
    exempt = small_business_exempt(avg_gross_receipts, year)
    limit = interest_limit(ati, interest_income)
    ded, cf_out = deductible_interest(interest_expense, interest_income, ati, carryforward_in, exempt)
    binds = np.logical_and(~np.asarray(exempt), np.asarray(interest_expense > limit + 1e-9))
    ti = pre_interest - ded
    tax = CORPORATE_RATE * np.maximum(ti, 0.0)
    return {
        "tax_depreciation": depr,
        "ati": ati,
        "limit": limit,
        "deductible": ded,
        "carryforward_out": cf_out,
        "binds": binds,
        "taxable_income": ti,
        "tax": tax,
    }


def placed_in_service_year(period_end) -> pd.Series:
    """Calendar year in which a fiscal year's capex is taken to be placed in service: the
    year of the fiscal year's midpoint (half a year before ``period_end``)."""
    d = pd.to_datetime(pd.Series(period_end)) - pd.Timedelta(days=182)
    return d.dt.year.astype("int64")


def prior_bonus_rate(service_year) -> np.ndarray:
    """Prior-law bonus depreciation (168(k)(6)) for property placed in service in each year."""
    years = np.asarray(service_year, dtype="int64")
    return np.array(
        [BONUS_PRIOR.get(int(y), 1.0 if y < 2022 else 0.0) for y in years.ravel()], dtype="float64"
    ).reshape(years.shape)


def tax_year_begins_under_obbba(period_end) -> pd.Series:
    """True when the fiscal year ending ``period_end`` began after 2024-12-31: OBBBA's 163(j)
    EBITDA basis (sec. 70303) and 174A (sec. 70302) apply to tax years beginning after that date."""
    d = pd.to_datetime(pd.Series(period_end))
    began = d - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    return began > pd.Timestamp(OBBBA_FIRST_TAX_YEAR_AFTER)


#: OBBBA's business rules apply to tax years beginning after this date
OBBBA_FIRST_TAX_YEAR_AFTER = "2024-12-31"


def compare_laws(
    ebitda,
    book_da,
    interest_expense,
    interest_income,
    capex,
    year: int = 2025,
    carryforward_prior=0.0,
    carryforward_obbba=0.0,
    avg_gross_receipts=np.nan,
    capex_treatment: str = "bonus",
    eligible_share=1.0,
    prior_bonus=None,
) -> dict:
    """Tax under prior law and under OBBBA, and the saving split in two steps.

    Three runs: ``prior``; ``ebitda_only`` (prior law but ATI on the EBITDA
    basis); ``obbba`` (EBITDA basis plus OBBBA expensing). The 163(j) saving is
    ``prior - ebitda_only``, the expensing saving ``ebitda_only - obbba``; they
    add up to the total. ``capex_treatment='book'`` holds tax depreciation at book
    D&A under every law (only the 163(j) basis changes). ``prior_bonus`` (scalar or per
    firm) overrides prior law's bonus rate with that of the placed-in-service year.

    The 163(j) saving is split again: ``saving_163j_permanent`` (the same two runs with
    nothing carried in: the year's own interest) and ``saving_carryforward`` (the rest:
    carried-forward interest released, a timing item). ``saving_permanent`` and
    ``saving_timing`` (released carryforward + expensing) add up to ``saving``.
    """
    if capex_treatment not in ("bonus", "book"):
        raise BadInputError(f"capex_treatment must be 'bonus' or 'book', not {capex_treatment!r}")
    prior = law_parameters(year, "prior")
    obbba = law_parameters(year, "obbba")
    if capex_treatment == "book":  # tax depreciation = book D&A: nothing expensed, no 179
        for p in (prior, obbba):
            p.update(bonus_rate=0.0, s179_limit=0.0, s179_phaseout=0.0)
    if prior_bonus is not None and capex_treatment == "bonus":
        prior["bonus_rate"] = prior_bonus
    mid = dict(prior, ati_basis="EBITDA")
    common = dict(avg_gross_receipts=avg_gross_receipts, year=year, eligible_share=eligible_share)
    args = (ebitda, book_da, interest_expense, interest_income, capex)
    r_prior = firm_tax(*args, prior, carryforward_in=carryforward_prior, **common)
    r_mid = firm_tax(*args, mid, carryforward_in=carryforward_obbba, **common)
    r_new = firm_tax(*args, obbba, carryforward_in=carryforward_obbba, **common)
    own = (
        firm_tax(*args, prior, carryforward_in=0.0, **common)["tax"]
        - firm_tax(*args, mid, carryforward_in=0.0, **common)["tax"]
    )
    s163j, s_exp = r_prior["tax"] - r_mid["tax"], r_mid["tax"] - r_new["tax"]
    return {
        "prior": r_prior,
        "ebitda_only": r_mid,
        "obbba": r_new,
        "saving_163j": s163j,
        "saving_expensing": s_exp,
        "saving_163j_permanent": own,
        "saving_carryforward": s163j - own,
        "saving_permanent": own,
        "saving_timing": (s163j - own) + s_exp,
        "saving": r_prior["tax"] - r_new["tax"],
    }


def carryforward_path(ebitda_by_year, da_by_year, ie_by_year, ii_by_year, law: str):
    """Disallowed interest carried into the year after the last column, under ``law``'s
    actual history (``obbba`` follows prior law before 2025, when OBBBA took effect).

    Inputs are frames (rows = firms, columns = consecutive tax years, oldest
    first). Years before 2022 are skipped (the EBIT basis began in 2022; earlier
    carryforwards are not tracked). Book D&A stands in for tax depreciation.
    NaN years add nothing and keep what was carried.
    """
    cf = pd.Series(0.0, index=ebitda_by_year.index)
    for y in ebitda_by_year.columns:
        if int(y) < 2022:
            continue
        p = law_parameters(int(y), law if int(y) >= 2025 else "prior")  # OBBBA began in 2025
        e, d = ebitda_by_year[y], da_by_year[y]
        ie, ii = ie_by_year[y].fillna(0.0), ii_by_year[y].fillna(0.0)
        ati = adjusted_taxable_income(e, ii, d.fillna(0.0), p["ati_basis"])
        _, out = deductible_interest(ie, ii, ati, cf)
        cf = out.where(e.notna(), cf)
    return cf


# ---- Section 199A (pass-through owners) ------------------------------------
def qbi_deduction(qbi, taxable_income, rate=QBI_RATE_FINAL):
    """199A(a) simplified: ``rate * min(QBI, taxable income)``, for an owner below the
    wage/property-limit thresholds (the W-2 wage and SSTB limits are not modelled)."""
    return rate * np.maximum(np.minimum(qbi, taxable_income), 0.0)


def qbi_effective_rate(rate=QBI_RATE_FINAL, marginal_rate=TOP_INDIVIDUAL_RATE):
    """Top marginal rate on a dollar of QBI after the deduction: ``m * (1 - rate)``
    (37% x 0.80 = 29.6% at 20%; 37% x 0.77 = 28.49% at the House bill's 23%)."""
    return marginal_rate * (1.0 - rate)


# ---- Archetype sensitivity -------------------------------------------------
def sensitivity_grid(leverage, intensity, year: int = 2025, ebitda: float = 100.0) -> pd.DataFrame:
    """163(j) saving of an archetype firm over a grid of leverage (interest / EBITDA)
    and capital intensity (D&A / EBITDA), with tax depreciation = book D&A and no
    interest income or carryforward, so only the ATI basis changes.

    Columns: ``leverage, intensity, saving`` (USD per ``ebitda``), ``saving_pct_ebitda``,
    ``binds_prior``, ``binds_obbba``, ``tax_prior``, ``tax_obbba``.
    """
    lv, it = np.meshgrid(np.asarray(leverage, float), np.asarray(intensity, float), indexing="ij")
    lv, it = lv.ravel(), it.ravel()
    res = compare_laws(
        ebitda, it * ebitda, lv * ebitda, 0.0, np.nan, year, avg_gross_receipts=np.inf, capex_treatment="book"
    )
    return pd.DataFrame(
        {
            "leverage": lv,
            "intensity": it,
            "saving": res["saving_163j"],
            "saving_pct_ebitda": res["saving_163j"] / ebitda,
            "binds_prior": res["prior"]["binds"],
            "binds_obbba": res["ebitda_only"]["binds"],
            "tax_prior": res["prior"]["tax"],
            "tax_obbba": res["ebitda_only"]["tax"],
        }
    )
