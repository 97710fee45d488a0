"""The tax model applied to firms: who gains from OBBBA, and by how much.

Why a module of its own: :mod:`rotation_utils.tax_model` holds the law (pure rules) and
:mod:`rotation_utils.analytics.tax_firms` the firm-years to model; this module runs the
model over them and sums the result per firm, per group (size bucket, sector), for the
named companies and for the caveats. The archetype grid (where the interest limit binds)
is summarised here too. The sentences and display tables are in
:mod:`rotation_utils.story.tax`, the charts in :mod:`rotation_utils.charts.tax_effects`.

All functions take frames and return frames or small typed results; an empty frame (no
firm modelled in the window) gives empty results, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import tax_model as tm

#: the archetype grid's axes: interest / EBITDA (leverage) and D&A / EBITDA (capital intensity)
GRID_LEVERAGE = tuple(i / 100 for i in range(0, 61, 2))
GRID_INTENSITY = tuple(i / 100 for i in range(0, 81, 2))
#: columns of the per-firm table that are not saved with the report (the statements' source)
UNSAVED_COLUMNS = ["source"]


def firm_effects(
    rows: pd.DataFrame, tax_year: int, capex_treatment: str = "bonus", eligible_share: float = 1.0
) -> pd.DataFrame:
    """Per firm: taxable income and cash tax under prior law and OBBBA for ``tax_year``
    (prior law's bonus rate of the placed-in-service year, ``service_year``), the saving
    split into 163(j) and expensing and into permanent and timing parts
    (:func:`tax_model.compare_laws`), as shares of pre-tax income (when
    positive) and market cap, plus leverage (interest / EBITDA) and capital
    intensity (D&A / EBITDA) where EBITDA is positive. Rows without EBITDA are
    dropped (``attrs['dropped']`` lists them); missing interest counts as zero."""
    ok = rows["ebitda"].notna()
    r = rows[ok].copy()
    ie = r["interest_expense"].fillna(0.0)
    ii = r["interest_income"].fillna(0.0)
    da = r["depreciation_amortization"].fillna(0.0)
    spend = -r["capex"]  # capex is negative for spending in the source
    service = (
        tm.placed_in_service_year(r["period_end"]).to_numpy() if "period_end" in r else np.full(len(r), int(tax_year))
    )
    res = tm.compare_laws(
        r["ebitda"],
        da,
        ie,
        ii,
        spend,
        int(tax_year),
        carryforward_prior=r.get("carryforward_prior", 0.0),
        carryforward_obbba=r.get("carryforward_obbba", 0.0),
        avg_gross_receipts=r["avg_gross_receipts"],
        capex_treatment=capex_treatment,
        eligible_share=eligible_share,
        prior_bonus=pd.Series(tm.prior_bonus_rate(service), index=r.index),
    )
    pos = r["ebitda"] > 0
    out = r.assign(
        leverage=(ie / r["ebitda"]).where(pos),
        intensity=(da / r["ebitda"]).where(pos),
        exempt=tm.small_business_exempt(r["avg_gross_receipts"], int(tax_year)),
        ti_prior=res["prior"]["taxable_income"],
        ti_obbba=res["obbba"]["taxable_income"],
        tax_prior=res["prior"]["tax"],
        tax_obbba=res["obbba"]["tax"],
        deductible_prior=res["prior"]["deductible"],
        deductible_obbba=res["obbba"]["deductible"],
        binds_prior=res["prior"]["binds"],
        binds_obbba=res["obbba"]["binds"],
        saving_163j=res["saving_163j"],
        saving_expensing=res["saving_expensing"],
        saving_carryforward=res["saving_carryforward"],
        saving_permanent=res["saving_permanent"],
        saving_timing=res["saving_timing"],
        saving=res["saving"],
        service_year=service,
        prior_bonus_rate=tm.prior_bonus_rate(service),
    )
    profit = out["pretax_income"] > 0
    out = out.assign(
        saving_pct_pretax=(out["saving"] / out["pretax_income"]).where(profit),
        saving_163j_pct_pretax=(out["saving_163j"] / out["pretax_income"]).where(profit),
        permanent_pct_pretax=(out["saving_permanent"] / out["pretax_income"]).where(profit),
        timing_pct_pretax=(out["saving_timing"] / out["pretax_income"]).where(profit),
        saving_pct_cap=out["saving"] / out["market_cap"] if "market_cap" in out else np.nan,
    )
    out.attrs["dropped"] = sorted(rows.loc[~ok, "symbol"])
    return out.reset_index(drop=True)


def binding_shares(effects: pd.DataFrame) -> dict:
    """Share of firms (with positive interest expense or not) for which the limit binds."""
    n = len(effects)
    return {
        "prior": float(effects["binds_prior"].mean()) if n else np.nan,
        "obbba": float(effects["binds_obbba"].mean()) if n else np.nan,
        "firms": n,
    }


def group_summary(effects: pd.DataFrame, by: str) -> pd.DataFrame:
    """Firms, share bound by 163(j) under each law, median and total saving, median saving
    as a share of pre-tax income and of market cap, per group; sorted by median share."""
    g = effects.groupby(by, observed=True)
    out = g.agg(
        firms=("symbol", "size"),
        binds_prior=("binds_prior", "mean"),
        binds_obbba=("binds_obbba", "mean"),
        median_saving=("saving", "median"),
        total_saving=("saving", "sum"),
        median_pct_pretax=("saving_pct_pretax", "median"),
        median_pct_cap=("saving_pct_cap", "median"),
    ).reset_index()
    out[by] = out[by].astype("string")
    return out.sort_values("median_pct_pretax", ascending=False, na_position="last").reset_index(drop=True)


def top_gainers(effects: pd.DataFrame, n: int = 15, by: str = "saving_pct_cap") -> pd.DataFrame:
    """The ``n`` firms with the largest ``by`` (positive savings with a ``by`` value only:
    without a market cap a firm cannot be ranked relative to its size)."""
    cols = [
        "symbol",
        "sector",
        "size_bucket",
        "fiscal_year",
        "saving",
        "saving_163j",
        "saving_expensing",
        "saving_pct_pretax",
        "saving_pct_cap",
        "leverage",
        "intensity",
    ]
    pos = effects[(effects["saving"] > 0) & effects[by].notna()]
    return pos.nlargest(n, by)[[c for c in cols if c in pos]].reset_index(drop=True)


def corporations(effects: pd.DataFrame) -> pd.DataFrame:
    """The firms that are not REITs: REITs distribute their income and pay little corporate
    tax, so they are shown but left out of rankings and group tests."""
    return effects[~effects["reit"]]


def saved_table(effects: pd.DataFrame) -> pd.DataFrame:
    """:func:`firm_effects` as the report saves it (without :data:`UNSAVED_COLUMNS`)."""
    return effects.drop(columns=UNSAVED_COLUMNS, errors="ignore")


@dataclass(frozen=True)
class EffectsSummary:
    """What the model's saving adds up to over the non-REIT firms (USD; shares as fractions).

    Attributes:
        firms: firms modelled.
        binds_prior, binds_obbba: share of them bound by 163(j) under each law (NaN without firms).
        median_saving: median saving per firm.
        total, permanent, timing: summed saving, and its permanent (163(j) on the year's own
            interest) and timing (given back later) parts; NaN without firms.
        expensing, carryforward: the timing part's sources (bonus, 179, 174A; released interest).
        paying_less, paying_more: firms whose tax falls / rises under OBBBA.
        sized: firms with a size bucket (a market cap near their year end).
        with_cap: firms with a market cap (needed to rank gainers relative to size).
    """

    firms: int
    binds_prior: float
    binds_obbba: float
    median_saving: float
    total: float
    permanent: float
    timing: float
    expensing: float
    carryforward: float
    paying_less: int
    paying_more: int
    sized: int
    with_cap: int


def effects_summary(corp: pd.DataFrame) -> EffectsSummary:
    """Sum :func:`firm_effects` over the non-REIT firms (:func:`corporations`).

    Args:
        corp: per-firm effects without REITs.
    Returns:
        An :class:`EffectsSummary`.
    """
    bind = binding_shares(corp)

    def total(col):
        return float(corp[col].sum(min_count=1)) if len(corp) else np.nan

    return EffectsSummary(
        firms=len(corp),
        binds_prior=bind["prior"],
        binds_obbba=bind["obbba"],
        median_saving=float(corp["saving"].median()) if len(corp) else np.nan,
        total=total("saving"),
        permanent=total("saving_permanent"),
        timing=total("saving_timing"),
        expensing=total("saving_expensing"),
        carryforward=total("saving_carryforward"),
        paying_less=int((corp["saving"] > 0).sum()),
        paying_more=int((corp["saving"] < 0).sum()),
        sized=int(corp["size_bucket"].notna().sum()),
        with_cap=int(corp["market_cap"].notna().sum()),
    )


def top_bucket(by_size: pd.DataFrame):
    """The size-bucket row of :func:`group_summary` with the largest median saving share of
    pre-tax income (None if no bucket has one)."""
    ok = by_size.dropna(subset=["median_pct_pretax"])
    return ok.iloc[0] if len(ok) else None


# ---- the archetype firm --------------------------------------------------------
def archetype_grid(tax_year: int) -> pd.DataFrame:
    """:func:`tax_model.sensitivity_grid` on :data:`GRID_LEVERAGE` x :data:`GRID_INTENSITY` for ``tax_year``."""
    return tm.sensitivity_grid(list(GRID_LEVERAGE), list(GRID_INTENSITY), tax_year)


@dataclass(frozen=True)
class GridSummary:
    """Where the EBITDA basis saves tax on the archetype grid.

    Attributes:
        tax_year: the rules' year.
        saves: the change saves tax somewhere on the grid.
        prior_basis: prior law's ATI basis that year ("EBIT" or "EBITDA").
        share_saving: share of grid points with a saving.
        peak, peak_leverage, peak_intensity: the largest saving (% of EBITDA, a fraction)
            and where it is (NaN when nothing is saved).
    """

    tax_year: int
    saves: bool
    prior_basis: str
    share_saving: float
    peak: float
    peak_leverage: float
    peak_intensity: float


def grid_summary(grid: pd.DataFrame, tax_year: int) -> GridSummary:
    """Summarise :func:`archetype_grid`: the share of points with a saving and the peak."""
    saves = bool((grid["saving"] > 0).any())
    best = grid.loc[grid["saving_pct_ebitda"].idxmax()] if saves else None
    return GridSummary(
        tax_year=int(tax_year),
        saves=saves,
        prior_basis=tm.law_parameters(tax_year, "prior")["ati_basis"],
        share_saving=float((grid["saving"] > 0).mean()),
        peak=np.nan if best is None else float(best["saving_pct_ebitda"]),
        peak_leverage=np.nan if best is None else float(best["leverage"]),
        peak_intensity=np.nan if best is None else float(best["intensity"]),
    )


def s179_reach_share(firms: pd.DataFrame, reach: float) -> float | None:
    """Share of modelled firms whose capex stays under ``reach`` (the Section 179 phase-out
    end); None without firms."""
    if firms.empty:
        return None
    return float((-firms["capex"] < reach).mean())


# ---- named companies ---------------------------------------------------------
#: per named company: what the model found, and the facts that explain it (see :func:`named_status`)
NAMED_COLUMNS = ["ticker", "name", "fiscal_year", "interest_expense", "saving", "saving_pct_pretax", "status"]


def named_status(effects: pd.DataFrame, named: pd.DataFrame, with_statements) -> pd.DataFrame:
    """What the law changes for each named company, and the facts that explain it.

    Args:
        effects: :func:`firm_effects` (REITs included).
        named: ``ticker, name`` of the named companies.
        with_statements: symbols with annual statements in the data.
    Returns:
        :data:`NAMED_COLUMNS` (``status``: "gains", "no change" or "not modelled") plus the
        reasons as facts: ``has_statements`` (for a firm not modelled), ``reit``,
        ``zero_interest``, ``binds_neither`` and ``interest_share_ebitda`` (interest / EBITDA,
        EBITDA floored at 1), ``binds_prior_only``, ``no_capex``, ``pretax_loss``.
    """
    have = set(with_statements)
    rows = []
    for t, name in zip(named["ticker"], named["name"]):
        e = effects[effects["symbol"] == t]
        rec = dict.fromkeys(NAMED_COLUMNS[2:6], np.nan) | {"ticker": t, "name": name}
        flags = dict.fromkeys(["reit", "zero_interest", "binds_neither", "binds_prior_only", "no_capex"], False)
        flags |= {"pretax_loss": False, "interest_share_ebitda": np.nan, "has_statements": t in have}
        if e.empty:
            rows.append({**rec, "status": "not modelled", **flags})
            continue
        x = e.iloc[0]
        rec.update(
            fiscal_year=x["fiscal_year"],
            interest_expense=x["interest_expense"],
            saving=x["saving"],
            saving_pct_pretax=x["saving_pct_pretax"],
        )
        zero = not x["interest_expense"] > 0
        neither = not zero and not (x["binds_prior"] or x["binds_obbba"])
        flags.update(
            reit=bool(x.get("reit", False)),
            zero_interest=zero,
            binds_neither=neither,
            interest_share_ebitda=x["interest_expense"] / max(x["ebitda"], 1) if neither else np.nan,
            binds_prior_only=not zero and not neither and bool(x["binds_prior"] and not x["binds_obbba"]),
            no_capex=bool(pd.isna(x["capex"])),
            pretax_loss=bool(x["pretax_income"] <= 0),
        )
        rows.append({**rec, "status": "gains" if x["saving"] > 0 else "no change", **flags})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class NamedGroups:
    """The named companies by outcome.

    Attributes:
        companies: named companies.
        modelled: those the model covers.
        gaining: ``(ticker, is a REIT)`` of those that gain.
        not_modelled: tickers the model cannot cover.
    """

    companies: int
    modelled: int
    gaining: list
    not_modelled: list


def named_groups(named: pd.DataFrame) -> NamedGroups:
    """Group :func:`named_status` by outcome."""
    gains = named[named["status"] == "gains"]
    return NamedGroups(
        companies=len(named),
        modelled=int((named["status"] != "not modelled").sum()),
        gaining=list(zip(gains["ticker"], gains["reit"].astype(bool))),
        not_modelled=list(named.loc[named["status"] == "not modelled", "ticker"]),
    )


# ---- caveats computed from the data ----------------------------------------
@dataclass(frozen=True)
class DataCaveats:
    """Figures for the caveats (shares are fractions).

    Attributes:
        firms: firms modelled.
        book_rate_median: median reported income tax / pre-tax income of profitable firms.
        book_rate_off_share: share of those more than 5 pp away from the corporate rate.
        zero_interest_share, zero_interest_examples: firms reporting zero interest expense.
        ebit_gap_share: share whose EBIT differs from operating income by more than 2% of revenue.
        s179_reach_share: share whose capex stays under the Section 179 phase-out end.
        capex_missing: firms without capex.
        model_vs_reported: the model's prior-law tax / reported tax expense (profitable firms).
        dropped: firms without EBITDA (not modelled).
        eligible_share: share of capex treated as bonus/179-eligible.
        timing_share: timing part of the total saving (None without a net saving).
        size_counts: ``(size bucket, firms)`` in the order of :func:`group_summary`.
        no_size: firms without a market cap near their year end.
    """

    firms: int
    book_rate_median: float
    book_rate_off_share: float
    zero_interest_share: float
    zero_interest_examples: list
    ebit_gap_share: float
    s179_reach_share: float
    capex_missing: list
    model_vs_reported: float
    dropped: list
    eligible_share: float
    timing_share: float | None
    size_counts: list
    no_size: int


def data_caveats(effects: pd.DataFrame, tax_year: int, eligible_share: float = 1.0) -> DataCaveats:
    """Figures for the caveats: book vs tax, zero interest, EBIT vs operating income,
    Section 179 reach, how the model's tax compares with the reported tax line, the timing
    share of the saving and the size buckets' firm counts.

    Args:
        effects: :func:`firm_effects` of the non-REIT firms.
        tax_year: the modelled tax year (Section 179 limits).
        eligible_share: the share of capex treated as eligible property.
    Returns:
        A :class:`DataCaveats`.
    """
    e = effects
    pos = e[e["pretax_income"] > 0]
    book_rate = pos["income_tax"] / pos["pretax_income"]
    gap = (e["ebit"] - e["operating_income"]).abs() / e["revenue"].where(e["revenue"] > 0)
    lim, phase = (
        tm.law_parameters(tax_year, "obbba")["s179_limit"],
        tm.law_parameters(tax_year, "obbba")["s179_phaseout"],
    )
    spend = -e["capex"]
    total = e["saving"].sum()
    by_size = group_summary(e, "size_bucket")
    return DataCaveats(
        firms=len(e),
        book_rate_median=float(book_rate.median()),
        book_rate_off_share=float(((book_rate - tm.CORPORATE_RATE).abs() > 0.05).mean()),
        zero_interest_share=float((e["interest_expense"].fillna(0) <= 0).mean()),
        zero_interest_examples=e.loc[e["interest_expense"].fillna(0) <= 0, "symbol"].head(8).tolist(),
        ebit_gap_share=float((gap > 0.02).mean()),
        s179_reach_share=float((spend < lim + phase).mean()),
        capex_missing=e.loc[e["capex"].isna(), "symbol"].tolist(),
        model_vs_reported=float(pos["tax_prior"].sum() / pos["income_tax"].sum())
        if pos["income_tax"].sum() > 0
        else np.nan,
        dropped=list(e.attrs.get("dropped", [])),
        eligible_share=float(eligible_share),
        timing_share=float(e["saving_timing"].sum() / total) if total > 0 else None,
        size_counts=list(zip(by_size["size_bucket"], by_size["firms"])),
        no_size=int(e["size_bucket"].isna().sum()),
    )
