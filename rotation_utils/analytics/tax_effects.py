"""Applying the tax model to company statements: who gains from OBBBA, and by how much.

Why a separate module: :mod:`rotation_utils.tax_model` holds the law (pure
rules); this module turns the data layer's annual statements into model inputs
(the firm-year to use, 3-year gross receipts, interest carried forward from
2022), attaches size and sector, and summarises the result by size bucket,
sector and capital intensity to test article B's claim that capital-intensive
mid-sized firms gain most. It also settles the legal claims (A8, B5, B6, B7)
from the transcribed provisions file and the article statements file.

All functions take frames and return frames; the charts are drawn in
:mod:`rotation_utils.charts.tax_effects`. A window the data does not cover (no
statements for the tax year filed by ``end``; no market caps before 2021 in the
snapshot) gives empty frames, and the sentence helpers at the end say what is
missing instead of printing empty figures.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import tax_model as tm
from ..config import REFERENCE_DIR
from ..data import optional, schemas
from ..errors import BadInputError
from ..universes import SECOND_CLASSES
from ..verdicts import ClaimVerdict, ReportVerdict, Rule

#: Nasdaq screener sectors mapped to the GICS names used elsewhere (fallback only)
NASDAQ_TO_GICS = {
    "Finance": "Financials",
    "Technology": "Information Technology",
    "Basic Materials": "Materials",
    "Telecommunications": "Communication Services",
    "Communication": "Communication Services",
    "Real Estate": "Real Estate",
    "Health Care": "Health Care",
    "Energy": "Energy",
    "Utilities": "Utilities",
    "Industrials": "Industrials",
    "Consumer Discretionary": "Consumer Discretionary",
    "Consumer Staples": "Consumer Staples",
}


def check_parameters(tax_year, size_edges_bn, capex_treatment: str, eligible_share, max_staleness) -> int:
    """Validate the notebook's knobs with one-line errors; returns ``tax_year`` as int."""
    try:
        year = int(tax_year)
    except (TypeError, ValueError):
        raise BadInputError(f"tax_year must be a year such as 2025, not {tax_year!r}") from None
    if not 2018 <= year <= 2030:
        raise BadInputError(
            f"tax_year {year} is outside 2018-2030 (the model holds rules for 2017-law years and OBBBA)"
        )
    if capex_treatment not in ("bonus", "book"):
        raise BadInputError(f"capex_treatment must be 'bonus' or 'book', not {capex_treatment!r}")
    if not 0.0 <= float(eligible_share) <= 1.0:
        raise BadInputError(f"bonus_eligible_share must be between 0 and 1, not {eligible_share!r}")
    if int(max_staleness) < 0:
        raise BadInputError("max_staleness_years must be 0 or more")
    edges = list(size_edges_bn)
    if len(edges) < 1 or sorted(edges) != edges or len(set(edges)) != len(edges):
        raise BadInputError(f"size_edges_bn must be increasing USD bn values, got {size_edges_bn!r}")
    return year


# ---- inputs that a window may lack ---------------------------------------------
def optional_market_caps(dl, tax_year: int, max_staleness: int, symbols) -> tuple[pd.DataFrame, str | None]:
    """Month-end market caps around the statements' year ends (from January of
    ``tax_year - max_staleness - 1`` to December of ``tax_year + 1``), or an empty
    frame and the data layer's reason when it has none for that span (the
    snapshot's caps start in 2021): size is optional, the tax model is not."""
    y, s = int(tax_year), int(max_staleness)
    caps, why = optional(
        dl.market_caps, f"{y - s - 1}-01-01", f"{y + 1}-12-31", tickers=symbols, schema=schemas.MARKET_CAPS
    )
    return caps, why and f"month-end market caps: {why}"


def window_gaps(
    fundamentals: pd.DataFrame,
    firms: pd.DataFrame,
    tax_year: int,
    end=None,
    max_staleness: int = 1,
    caps_note: str | None = None,
) -> list[str]:
    """What the run lacks, one computed phrase each, for the Data section: no
    statements for the tax year (with the tax year that would fit the window),
    no market cap near any firm's year end (so no size buckets), or the data
    layer's note on market caps."""
    y, s = int(tax_year), int(max_staleness)
    out = []
    if firms.empty:
        f = fundamentals
        if end is not None:
            f = f[f["filing_date"].notna() & (f["filing_date"] <= pd.Timestamp(end))]
        filed = f"filed by {pd.Timestamp(end):%Y-%m-%d}" if end is not None else "in the data"
        if len(f):
            last = int(f["fiscal_year"].max())
            fits = last + s if last < y else None
            hint = (
                ""
                if fits is None
                else f"; a tax_year of {fits} or earlier fits this window"
                if fits >= 2018
                else "; the model holds rules from tax year 2018 on, so this window cannot be modelled"
            )
            out.append(
                f"statements: none {filed} for fiscal years {y - s} to {y} (the latest is "
                f"FY{last}), so no firm can be modelled for tax year {y}{hint}"
            )
        else:
            first = fundamentals["filing_date"].min() if len(fundamentals) else pd.NaT
            since = f" (the first was filed on {first:%Y-%m-%d})" if pd.notna(first) else ""
            out.append(f"statements: none {filed}{since}, so no firm can be modelled")
    elif firms["market_cap"].isna().all():
        out.append(
            "size: no firm has a month-end market cap within 45 days of its fiscal year end, "
            "so size buckets and savings relative to market cap are not available"
        )
    if caps_note:
        out.append(caps_note)
    return out


# ---- the firm-year to model --------------------------------------------------
def select_statements(fundamentals: pd.DataFrame, tax_year: int, end=None, max_staleness: int = 1) -> pd.DataFrame:
    """One row per symbol: the latest fiscal year up to ``tax_year`` (filed by ``end``
    when given), dropped if older than ``tax_year - max_staleness``.

    Adds ``avg_gross_receipts`` (mean revenue of the up to three prior fiscal
    years, the 448(c) test; NaN without history) and ``carryforward_prior`` /
    ``carryforward_obbba`` (163(j) interest disallowed from 2022 up to the year
    before, under each law's history; see :func:`tax_model.carryforward_path`).
    """
    if fundamentals is None or fundamentals.empty:
        raise BadInputError("no annual statements to model")
    f = fundamentals
    if end is not None:
        f = f[f["filing_date"].notna() & (f["filing_date"] <= pd.Timestamp(end))]
    f = f[f["fiscal_year"] <= int(tax_year)].sort_values(["symbol", "fiscal_year"])
    latest = f.groupby("symbol", sort=True).tail(1)
    latest = latest[latest["fiscal_year"] >= int(tax_year) - int(max_staleness)].copy()
    if latest.empty:
        return latest.assign(avg_gross_receipts=[], carryforward_prior=[], carryforward_obbba=[])
    hist = f[f["symbol"].isin(latest["symbol"])]
    wide = {
        c: hist.pivot_table(index="symbol", columns="fiscal_year", values=c, aggfunc="last")
        for c in ("revenue", "ebitda", "depreciation_amortization", "interest_expense", "interest_income")
    }
    fy = latest.set_index("symbol")["fiscal_year"]
    receipts, cf_prior, cf_new = {}, {}, {}
    for year, syms in fy.groupby(fy).groups.items():
        prev = [y for y in range(year - 3, year) if y in wide["revenue"].columns]
        rev = wide["revenue"].reindex(index=syms, columns=prev)
        receipts.update(rev.mean(axis=1).to_dict())
        years = [y for y in wide["ebitda"].columns if 2022 <= y < year]
        if not years:
            cf_prior.update(dict.fromkeys(syms, 0.0))
            cf_new.update(dict.fromkeys(syms, 0.0))
            continue
        parts = [
            wide[c].reindex(index=syms, columns=years)
            for c in ("ebitda", "depreciation_amortization", "interest_expense", "interest_income")
        ]
        cf_prior.update(tm.carryforward_path(*parts, law="prior").to_dict())
        cf_new.update(tm.carryforward_path(*parts, law="obbba").to_dict())
    s = latest["symbol"]
    return latest.assign(
        avg_gross_receipts=s.map(receipts).astype("float64"),
        carryforward_prior=s.map(cf_prior).astype("float64"),
        carryforward_obbba=s.map(cf_new).astype("float64"),
    ).reset_index(drop=True)


def attach_market_caps(rows: pd.DataFrame, caps: pd.DataFrame, max_gap_days: int = 45) -> pd.DataFrame:
    """Add ``market_cap`` and ``cap_date``: the month-end snapshot nearest the statement's
    ``period_end`` within ``max_gap_days`` (NaN otherwise). Second share classes are
    dropped first, so each company is counted once."""
    out = rows.copy()
    if caps is None or caps.empty:
        return out.assign(market_cap=np.nan, cap_date=pd.NaT)
    c = caps[~caps["ticker"].isin(SECOND_CLASSES) & (caps["market_cap"] > 0)]
    c = c[["date", "ticker", "market_cap"]].rename(columns={"ticker": "symbol", "date": "cap_date"})
    left = out[["symbol", "period_end"]].reset_index().sort_values("period_end")
    m = pd.merge_asof(
        left,
        c.sort_values("cap_date"),
        left_on="period_end",
        right_on="cap_date",
        by="symbol",
        direction="nearest",
        tolerance=pd.Timedelta(days=max_gap_days),
    )
    m = m.set_index("index").reindex(out.index)
    return out.assign(market_cap=m["market_cap"].astype("float64"), cap_date=m["cap_date"])


def attach_sectors(rows: pd.DataFrame, constituents=None, iwm=None, caps=None) -> pd.DataFrame:
    """Add ``sector`` and ``sector_source``: GICS from the S&P 500 list first, then the
    IWM holdings' sector, then the Nasdaq screener sector (mapped to GICS names where
    they match); ``reit`` is True for GICS Real Estate or a screener REIT industry."""
    out = rows.copy()
    sector = pd.Series(pd.NA, index=out.index, dtype="string")
    source = pd.Series(pd.NA, index=out.index, dtype="string")
    lookups = []
    if constituents is not None and len(constituents):
        lookups.append(("S&P 500 GICS", constituents.set_index("symbol")["gics_sector"]))
    if iwm is not None and len(iwm):
        s = iwm.drop_duplicates("ticker").set_index("ticker")["sector"].replace(NASDAQ_TO_GICS)
        lookups.append(("IWM holdings", s))
    reit_industry = pd.Series(False, index=out.index)
    if caps is not None and len(caps):
        last = caps.sort_values("date").drop_duplicates("ticker", keep="last").set_index("ticker")
        lookups.append(("Nasdaq screener", last["sector"].replace(NASDAQ_TO_GICS)))
        ind = out["symbol"].map(last["industry"]).astype("string").fillna("")
        reit_industry = ind.str.contains("Real Estate Investment Trust", case=False)
    for label, table in lookups:
        got = out["symbol"].map(table.dropna()).astype("string")
        fill = sector.isna() & got.notna()
        sector = sector.mask(fill, got)
        source = source.mask(fill, label)
    return out.assign(
        sector=sector.fillna("Unknown"),
        sector_source=source.fillna("none"),
        reit=(sector == "Real Estate").fillna(False) | reit_industry,
    )


def size_labels(edges_bn) -> list[str]:
    """Bucket names for market-cap edges in USD bn: small/mid/large/mega for three edges."""
    edges = list(edges_bn)
    if len(edges) == 3:
        names = ["small", "mid", "large", "mega"]
    else:
        names = [f"bucket {i + 1}" for i in range(len(edges) + 1)]
    bounds = [f"<${edges[0]:g}bn"] + [f"${a:g}-{b:g}bn" for a, b in zip(edges, edges[1:])] + [f">${edges[-1]:g}bn"]
    return [f"{n} ({b})" for n, b in zip(names, bounds)]


def size_bucket(market_cap: pd.Series, edges_bn) -> pd.Series:
    """Ordered categorical size bucket from market cap (USD) and edges in USD bn."""
    edges = sorted(float(e) for e in edges_bn)
    if not edges or any(e <= 0 for e in edges):
        raise BadInputError(f"size bucket edges must be positive USD bn, got {edges_bn!r}")
    bins = [0.0] + [e * 1e9 for e in edges] + [np.inf]
    return pd.cut(market_cap, bins=bins, labels=size_labels(edges), right=False)


def drop_duplicate_filers(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep one symbol per identical statement (same fiscal year, revenue, EBITDA and
    pre-tax income), preferring one with a market cap: the source lists some companies
    under an old and a new ticker (DISCK and WBD). ``attrs['duplicates']`` lists the dropped."""
    key = ["fiscal_year", "revenue", "ebitda", "pretax_income"]
    order = rows.assign(_nocap=rows.get("market_cap", pd.Series(np.nan, index=rows.index)).isna())
    order = order.sort_values(["_nocap", "symbol"], kind="stable")
    dup = order.duplicated(subset=key, keep="first") & order[key].notna().all(axis=1)
    out = order[~dup].drop(columns="_nocap").sort_values("symbol").reset_index(drop=True)
    out.attrs["duplicates"] = sorted(order.loc[dup, "symbol"])
    return out


def obbba_years_only(rows: pd.DataFrame, tax_year: int) -> tuple[pd.DataFrame, list[str]]:
    """For a tax year from 2025 on, keep the firm-years whose fiscal year began after
    2024-12-31 (OBBBA's rules apply only to those); returns ``(kept, excluded symbols)``.
    Earlier tax years are a counterfactual (OBBBA applied as if in force): nothing is dropped."""
    if int(tax_year) < 2025 or rows.empty:
        return rows, []
    ok = tm.tax_year_begins_under_obbba(rows["period_end"]).to_numpy()
    return rows[ok].reset_index(drop=True), sorted(rows.loc[~ok, "symbol"])


def prepare_firms(
    fundamentals: pd.DataFrame,
    caps,
    constituents,
    iwm,
    tax_year: int,
    size_edges_bn=(2, 10, 200),
    end=None,
    max_staleness: int = 1,
) -> pd.DataFrame:
    """Statements to model with market cap, size bucket, sector and REIT flag attached
    (the steps above in order; ``attrs['duplicates']`` from :func:`drop_duplicate_filers`;
    ``attrs['pre_obbba']``: firm-years left out because their tax year began before OBBBA's
    rules apply, see :func:`obbba_years_only`)."""
    rows, pre = obbba_years_only(
        select_statements(fundamentals, tax_year, end=end, max_staleness=max_staleness), tax_year
    )
    rows = attach_sectors(attach_market_caps(rows, caps), constituents, iwm, caps)
    rows = drop_duplicate_filers(rows)
    dups = rows.attrs.get("duplicates", [])
    rows = rows.assign(size_bucket=size_bucket(rows["market_cap"], size_edges_bn))
    rows.attrs["duplicates"] = dups
    rows.attrs["pre_obbba"] = pre
    return rows


def sample_note(
    fundamentals: pd.DataFrame, firms: pd.DataFrame, tax_year: int, end=None, max_staleness: int = 1
) -> str:
    """The sentences on what shapes the sample: firm-years excluded because OBBBA does not
    apply to them, and, when the end date changes the sample, how many firms the data have
    without it ('' when neither applies)."""
    nr = _nr()
    out = []
    pre = firms.attrs.get("pre_obbba", [])
    if pre:
        out.append(
            f"{nr.plural(len(pre), 'firm-year')} excluded: their fiscal year began on or before "
            f"{tm.OBBBA_FIRST_TAX_YEAR_AFTER}, and OBBBA's rules (163(j) on EBITDA, 174A) apply only to tax "
            f"years beginning after it (e.g. {nr.listing(pre[:5])})."
        )
    if end is not None:
        everything, _ = obbba_years_only(select_statements(fundamentals, tax_year, None, max_staleness), tax_year)
        if len(everything) != len(firms) + len(firms.attrs.get("duplicates", [])):
            out.append(
                f"The end date changes the sample: {nr.plural(len(everything), 'firm')} have tax-year-{tax_year} "
                f"statements in the data, {len(firms)} with statements filed by {pd.Timestamp(end):%Y-%m-%d}."
            )
    return " ".join(out)


# ---- the model over firms ----------------------------------------------------
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


def intensity_cells(
    effects: pd.DataFrame, n_groups: int = 3, value: str = "saving_pct_pretax"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Median ``value`` (a saving as a share of pre-tax income) and firm counts by size
    bucket x capital intensity group (quantiles of D&A / EBITDA over all firms with the
    value; 'high' is the top group)."""
    e = effects.dropna(subset=["intensity", value, "size_bucket"])
    names = ["low", "middle", "high"] if n_groups == 3 else [f"q{i + 1}" for i in range(n_groups)]
    if len(e) < n_groups:  # no size buckets (no market caps) or too few firms: no cells
        empty = pd.DataFrame(
            index=pd.Index([], name="size_bucket"), columns=pd.Index(names, name="intensity_group"), dtype="float64"
        )
        return empty, empty.copy()
    grp = pd.qcut(e["intensity"].rank(method="first"), n_groups, labels=names)
    e = e.assign(intensity_group=grp)
    med = e.pivot_table(index="size_bucket", columns="intensity_group", values=value, aggfunc="median", observed=True)
    cnt = e.pivot_table(index="size_bucket", columns="intensity_group", values="symbol", aggfunc="count", observed=True)
    return med, cnt


def permanent_and_timing_cells(effects: pd.DataFrame, n_groups: int = 3) -> pd.DataFrame:
    """What the verdict compares, cell by cell: per size bucket x capital-intensity group
    (as in :func:`intensity_cells`), the firms and the median permanent and timing saving,
    each as a share of pre-tax income.

    Why both: the verdict is judged on the permanent saving by default; a deferral (timing)
    is paid back later, so a cell can look large on the total and gain nothing for good.

    Returns:
        Columns ``size_bucket, intensity_group, firms, permanent, timing`` (fractions), in
        size order then low to high intensity; empty when no cell can be formed.
    """
    perm, cnt = intensity_cells(effects, n_groups, value="permanent_pct_pretax")
    timing, _ = intensity_cells(effects, n_groups, value="timing_pct_pretax")
    if perm.empty:
        return pd.DataFrame(columns=["size_bucket", "intensity_group", "firms", "permanent", "timing"])
    long = pd.DataFrame(
        {
            "firms": cnt.stack(),
            "permanent": perm.stack(),
            "timing": timing.reindex(index=perm.index, columns=perm.columns).stack(),
        }
    )
    long = long.reset_index().rename(columns={"level_0": "size_bucket", "level_1": "intensity_group"})
    long["firms"] = long["firms"].fillna(0).astype(int)
    return long[long["firms"] > 0].reset_index(drop=True)


def verdict_comparison(effects: pd.DataFrame, thesis_cell: tuple, best_cell: str | None) -> pd.DataFrame:
    """The three groups the verdict compares, each with its median permanent and timing saving.

    Args:
        effects: :func:`firm_effects` of the corporations (REITs left out).
        thesis_cell: ``(size bucket, intensity group)`` the thesis names, e.g. ``("mid ($2-10bn)", "high")``.
        best_cell: the rule's best cell as :func:`thesis_verdict` names it ("<size>, <group> intensity"),
            or None.

    Returns:
        Columns ``group, firms, permanent, timing, thesis`` (fractions of pre-tax income): the
        thesis cell, the best cell when it is another one, and all firms; the thesis cell is
        left out when it has no firm.
    """
    cells = permanent_and_timing_cells(effects)
    names = cells["size_bucket"].astype(str) + ", " + cells["intensity_group"].astype(str) + " intensity"
    wanted = f"{thesis_cell[0]}, {thesis_cell[1]} intensity"
    rows = [
        dict(r, group=f"{'Thesis' if n == wanted else 'Best'} cell: {n}", thesis=n == wanted)
        for n, r in zip(names, cells.to_dict("records"))
        if n == wanted or (n == best_cell and best_cell != wanted)
    ]
    rows.sort(key=lambda r: not r["thesis"])
    profit = effects.dropna(subset=["permanent_pct_pretax"])
    rows.append(
        {
            "group": "All firms",
            "firms": len(profit),
            "thesis": False,
            "permanent": profit["permanent_pct_pretax"].median(),
            "timing": profit["timing_pct_pretax"].median(),
        }
    )
    return pd.DataFrame(rows, columns=["group", "firms", "permanent", "timing", "thesis"])


def thesis_verdict(
    med: pd.DataFrame, cnt: pd.DataFrame, mid_label: str, overall_median: float, high: str = "high", min_firms: int = 5
) -> tuple[str, dict]:
    """Verdict on 'capital-intensive mid-sized firms gain most' from the cells.

    Rule: inconclusive if the (mid, high) cell has fewer than ``min_firms`` firms;
    supported if its median saving share is the largest of all cells with at least
    ``min_firms`` firms and positive; mixed if it is above the all-firm median; else
    not supported (so a tax year in which no one gains, such as 2018-2021 when prior
    law already used the EBITDA basis and full bonus, is not a tie won by the cell).
    """
    n = (
        int(cnt.at[mid_label, high])
        if mid_label in cnt.index and high in cnt.columns and pd.notna(cnt.at[mid_label, high])
        else 0
    )
    if n < min_firms:
        return ReportVerdict.INCONCLUSIVE, {
            "cell_firms": n,
            "cell_median": np.nan,
            "best_cell": None,
            "best_median": np.nan,
        }
    value = float(med.at[mid_label, high])
    eligible = med.where(cnt >= min_firms).stack().dropna()
    best = eligible.idxmax()
    best_v = float(eligible.max())
    if value >= best_v and value > 0:
        v = ReportVerdict.SUPPORTED
    elif value > overall_median:
        v = ReportVerdict.MIXED
    else:
        v = ReportVerdict.NOT_SUPPORTED
    return v, {
        "cell_firms": n,
        "cell_median": value,
        "best_cell": f"{best[0]}, {best[1]} intensity",
        "best_median": best_v,
    }


def thesis_rule(measure: str, mid_label: str, min_firms: int = 5) -> Rule:
    """The report's verdict rule on 'capital-intensive mid-sized firms gain most', worded for this run.

    Args:
        measure: the column the cells are measured on (a key of :data:`MEASURE_WORDS`).
        mid_label: the mid-size bucket's label ("$10-200bn").
        min_firms: the smallest cell the rule may use.
    Returns:
        A :class:`~rotation_utils.verdicts.Rule`; ``rule.apply(medians, counts, overall_median)``
        gives ``(verdict, cell facts)`` by :func:`thesis_verdict`.
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


# ---- named companies ---------------------------------------------------------
def named_status(effects: pd.DataFrame, named: pd.DataFrame, with_statements, tax_year: int) -> pd.DataFrame:
    """What the law changes for each named company, or why the data cannot say."""
    have = set(with_statements)
    rows = []
    for t, name in zip(named["ticker"], named["name"]):
        e = effects[effects["symbol"] == t]
        rec = {
            "ticker": t,
            "name": name,
            "fiscal_year": np.nan,
            "interest_expense": np.nan,
            "saving": np.nan,
            "saving_pct_pretax": np.nan,
        }
        if e.empty:
            why = (
                "no annual statements in the data layer"
                if t not in have
                else f"no statements for a fiscal year close enough to {tax_year}"
            )
            rows.append({**rec, "status": "not modelled", "why": why})
            continue
        x = e.iloc[0]
        rec.update(
            fiscal_year=x["fiscal_year"],
            interest_expense=x["interest_expense"],
            saving=x["saving"],
            saving_pct_pretax=x["saving_pct_pretax"],
        )
        notes = []
        if bool(x.get("reit", False)):
            notes.append(
                "REIT: distributes its income, so corporate tax savings barely reach it; "
                "a real-property business may elect out of 163(j)"
            )
        if not x["interest_expense"] > 0:
            notes.append("reports zero interest expense, so 163(j) cannot bind")
        elif not (x["binds_prior"] or x["binds_obbba"]):
            notes.append(
                f"interest {x['interest_expense'] / max(x['ebitda'], 1):.1%} of EBITDA: "
                "the limit binds under neither law"
            )
        elif x["binds_prior"] and not x["binds_obbba"]:
            notes.append("the limit binds under prior law only")
        if pd.isna(x["capex"]):
            notes.append("capex not in the source: depreciation held at book D&A")
        if x["pretax_income"] <= 0:
            notes.append("pre-tax loss: no cash tax under either law")
        status = "gains" if x["saving"] > 0 else "no change"
        rows.append({**rec, "status": status, "why": "; ".join(notes) or "gains from the model's rules"})
    return pd.DataFrame(rows)


# ---- the legal claims ----------------------------------------------------------
def article_statements() -> pd.DataFrame:
    """The articles' statements about the law (paraphrased), one per claim id."""
    return pd.read_csv(REFERENCE_DIR / "obbba_article_statements.csv", dtype=str).fillna("")


def first_percent(text: str) -> float:
    """First percentage in a text, as a number (``'20%, made permanent'`` -> 20.0)."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*%", text or "")
    return float(m.group(1)) if m else np.nan


def first_dollars(text: str) -> float:
    """First dollar amount in a text, in USD (``'$2.5M limit'`` -> 2.5e6)."""
    m = re.search(r"\$\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)", text or "")
    if not m:
        return np.nan
    scale = {"k": 1e3, "m": 1e6, "b": 1e9}.get(m.group(2).lower(), 1.0)
    return float(m.group(1)) * scale


def legal_verdicts(provisions: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Compare each article statement with the transcribed law and give a verdict.

    - name rows (unit ``name``): the article's name against the official title
      (words and acronym): contradicted unless they match.
    - ``%`` rows: the article's figure against the first percentage of the
      provision's ``after_obbba`` text.
    - ``USD`` rows: against its first dollar amount.
    - ``basis`` rows: confirmed if ``after_obbba`` names the article's basis and
      ``before_obbba`` does not.
    """
    prov = provisions.set_index("code_section")
    out = []
    for s in statements.itertuples(index=False):
        before = after = ""
        if s.code_section in prov.index:
            before, after = prov.at[s.code_section, "before_obbba"], prov.at[s.code_section, "after_obbba"]
        if s.unit == "name":
            law = s.official
            same = re.sub(r"\W+", " ", s.article_figure).strip().lower() == re.sub(r"\s*\(.*", "", law).strip().lower()
            measured = law
            verdict = ClaimVerdict.CONFIRMED if same else ClaimVerdict.CONTRADICTED
        elif s.unit == "%":
            measured = first_percent(after)
            verdict = (
                ClaimVerdict.CONFIRMED if np.isclose(float(s.article_figure), measured) else ClaimVerdict.CONTRADICTED
            )
        elif s.unit == "USD":
            measured = first_dollars(after)
            verdict = (
                ClaimVerdict.CONFIRMED if np.isclose(float(s.article_figure), measured) else ClaimVerdict.CONTRADICTED
            )
        elif s.unit == "basis":
            fig = s.article_figure
            named_after = re.search(rf"\b{fig}\b", after) is not None
            named_before = re.search(rf"\b{fig}\b", before) is not None
            measured = f"{fig} basis" if named_after and not named_before else after
            verdict = ClaimVerdict.CONFIRMED if named_after and not named_before else ClaimVerdict.CONTRADICTED
        else:
            raise BadInputError(f"unknown unit {s.unit!r} in the article statements file")
        out.append(
            {
                "claim": s.claim_id,
                "section": s.code_section,
                "article_says": s.article_says,
                "article_figure": s.article_figure,
                "before": before,
                "after": after,
                "measured": measured,
                "unit": s.unit,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(out)


# ---- caveats computed from the data ----------------------------------------
def data_caveats(effects: pd.DataFrame, tax_year: int, eligible_share: float = 1.0) -> dict:
    """Figures for the caveats: book vs tax, zero interest, EBIT vs operating income,
    Section 179 reach, and how the model's tax compares with the reported tax line."""
    e = effects
    pos = e[e["pretax_income"] > 0]
    book_rate = pos["income_tax"] / pos["pretax_income"]
    gap = (e["ebit"] - e["operating_income"]).abs() / e["revenue"].where(e["revenue"] > 0)
    lim, phase = (
        tm.law_parameters(tax_year, "obbba")["s179_limit"],
        tm.law_parameters(tax_year, "obbba")["s179_phaseout"],
    )
    spend = -e["capex"]
    return {
        "firms": len(e),
        "book_rate_median": float(book_rate.median()),
        "book_rate_off_share": float(((book_rate - tm.CORPORATE_RATE).abs() > 0.05).mean()),
        "zero_interest_share": float((e["interest_expense"].fillna(0) <= 0).mean()),
        "zero_interest_examples": e.loc[e["interest_expense"].fillna(0) <= 0, "symbol"].head(8).tolist(),
        "ebit_gap_share": float((gap > 0.02).mean()),
        "s179_reach_share": float((spend < lim + phase).mean()),
        "capex_missing": e.loc[e["capex"].isna(), "symbol"].tolist(),
        "model_vs_reported": float(pos["tax_prior"].sum() / pos["income_tax"].sum())
        if pos["income_tax"].sum() > 0
        else np.nan,
        "dropped": list(e.attrs.get("dropped", [])),
        "eligible_share": float(eligible_share),
    }


# ---- computed prose (every number from this run; what is missing when it is) ----
def _nr():
    from .. import narrative as nr  # imported late: narrative pulls in IPython display

    return nr


def size_gap(corp: pd.DataFrame) -> str | None:
    """Why no firm has a size bucket (None when some do)."""
    if corp.empty:
        return "no firm is modelled in this window"
    if corp["size_bucket"].isna().all():
        return (
            f"none of the {len(corp)} modelled firms has a month-end market cap near its fiscal year "
            "end, so size buckets are not available"
        )
    return None


def grid_sentence(grid: pd.DataFrame, tax_year: int) -> str:
    """Where the EBITDA basis saves tax on the archetype grid, or why it saves nothing that year."""
    nr = _nr()
    if not (grid["saving"] > 0).any():
        basis = tm.law_parameters(tax_year, "prior")["ati_basis"]
        return (
            f"For tax year {tax_year} prior law already computes ATI on an {basis} basis, as OBBBA does, so "
            "the change saves nothing on the archetype grid: the chart is skipped."
        )
    best = grid.loc[grid["saving_pct_ebitda"].idxmax()]
    return (
        f"The change matters only where prior law's limit binds (interest above 30% of EBITDA minus D&A): "
        f"{nr.pct((grid['saving'] > 0).mean(), sign=False)} of the grid. The saving grows with D&A and peaks at "
        f"{nr.pct(best['saving_pct_ebitda'], sign=False)} of EBITDA (leverage {best['leverage']:.0%}, D&A "
        f"{best['intensity']:.0%} of EBITDA); above {tm.INTEREST_LIMIT_RATE:.0%} leverage the limit still binds "
        "under OBBBA."
    )


def s179_reach_text(firms: pd.DataFrame, reach: float) -> str:
    """The share of modelled firms whose capex stays under the Section 179 phase-out end."""
    if firms.empty:
        return "no firm is modelled in this window to compare with."
    share = (-firms["capex"] < reach).mean()
    return (
        f"only {_nr().pct(share, sign=False)} of the modelled firms spend less than that, so 179 is a "
        "small-buyer provision."
    )


def effects_sentence(corp: pd.DataFrame, bind: dict, tax_year: int) -> str:
    """Where the 163(j) limit binds under each law and what the model's saving adds up to."""
    nr = _nr()
    if corp.empty:
        return (
            f"No non-REIT firm is modelled for tax year {tax_year} in this window, so where the interest "
            "limit binds and what the law saves are not measured here."
        )
    return (
        f"Under prior law for {tax_year} the interest limit binds for {nr.pct(bind['prior'], sign=False)} of "
        f"{bind['firms']} non-REIT firms, under OBBBA for {nr.pct(bind['obbba'], sign=False)}. The model's saving: "
        f"median {nr.usd(corp['saving'].median())} per firm, total {nr.usd(corp['saving'].sum())}: "
        f"**{nr.usd(corp['saving_permanent'].sum())} permanent** (163(j) on the year's own interest) and "
        f"**{nr.usd(corp['saving_timing'].sum())} timing**, deductions moved earlier that later years give back "
        f"({nr.usd(corp['saving_expensing'].sum())} from expensing: bonus, 179 and 174A; "
        f"{nr.usd(corp['saving_carryforward'].sum())} from releasing interest carried forward). "
        f"{nr.plural(int((corp['saving'] > 0).sum()), 'firm')} pay less, {int((corp['saving'] < 0).sum())} pay more."
    )


def gainers_sentence(top: pd.DataFrame, corp: pd.DataFrame) -> str:
    """The largest gainer relative to its size, or why there is none to rank."""
    nr = _nr()
    if top.empty:
        if corp.empty:
            return "No firm is modelled in this window: there are no gainers to rank."
        gaining = int((corp["saving"] > 0).sum())
        if gaining and corp["market_cap"].isna().all():
            return (
                f"{nr.plural(gaining, 'firm')} pay less tax under OBBBA, but none has a month-end market cap "
                "near its fiscal year end, so gainers relative to size are not ranked."
            )
        return "No firm gains."
    lead = top.iloc[0]
    return (
        f"{lead['symbol']} ({lead['sector']}) gains most relative to its size: {nr.usd(lead['saving'])}, "
        f"{nr.pct(lead['saving_pct_cap'], 2, sign=False)} of market cap"
        + (
            " (a pre-tax loss in its books)."
            if pd.isna(lead["saving_pct_pretax"])
            else f" and {nr.pct(lead['saving_pct_pretax'], sign=False)} of pre-tax income."
        )
    )


def groups_gap_sentence(corp: pd.DataFrame) -> str | None:
    """Why the saving-by-size summary (and chart) is missing; None when it is there."""
    gap = size_gap(corp)
    if gap is None:
        return None
    tail = "" if corp.empty else "; the saving by sector is shown"
    return f"Saving by size: not available, {gap}{tail}."


def top_bucket(by_size: pd.DataFrame):
    """The size-bucket row with the largest median saving share of pre-tax income (None if none)."""
    ok = by_size.dropna(subset=["median_pct_pretax"])
    return ok.iloc[0] if len(ok) else None


def thesis_sentence(
    corp: pd.DataFrame,
    by_size: pd.DataFrame,
    cell: dict,
    overall: float,
    measure: str,
    other: str,
    alt: str,
    min_firms: int,
) -> str:
    """The size x capital-intensity finding behind the verdict, or why it cannot be measured."""
    nr = _nr()
    best = top_bucket(by_size)
    if best is None:
        gap = size_gap(corp) or "no size bucket has a firm with a saving share of pre-tax income"
        return (
            f"Measure: {MEASURE_WORDS.get(measure, measure)}. The size x capital-intensity cells are empty: {gap}. The rule cannot "
            "rank capital-intensive mid-sized firms, so the verdict is inconclusive."
        )
    head = (
        f"Measure: {MEASURE_WORDS.get(measure, measure)}. The **{best['size_bucket']}** bucket has the largest median saving relative to "
        f"pre-tax income ({nr.pct(best['median_pct_pretax'], 2, sign=False)}, n={best['firms']}). "
    )
    if cell["best_cell"] is None:
        body = (
            f"Capital-intensive mid-sized firms (top third by D&A/EBITDA) number {cell['cell_firms']}, fewer "
            f"than {min_firms}, so the rule cannot rank them."
        )
    else:
        body = (
            f"Capital-intensive mid-sized firms (top third by D&A/EBITDA, n={cell['cell_firms']}) have a median of "
            f"{nr.pct(cell['cell_median'], 2, sign=False)} against {nr.pct(overall, 2, sign=False)} for all firms; "
            f"the highest cell with at least {min_firms} firms is {cell['best_cell']} "
            f"({nr.pct(cell['best_median'], 2, sign=False)})."
        )
    return head + body + f" Measured by {MEASURE_WORDS.get(other, other)} instead, the same rule gives: {alt}."


def thesis_evidence(corp: pd.DataFrame, cell: dict, overall: float, min_firms: int) -> str:
    """The verdict's one-line evidence: the cell against all firms, or why it is inconclusive."""
    nr = _nr()
    if cell["best_cell"] is None:
        gap = size_gap(corp)
        return (
            gap[0].upper() + gap[1:]
            if gap
            else f"the capital-intensive mid-sized cell has {cell['cell_firms']} firms, fewer than {min_firms}"
        )
    return (
        f"cell median {nr.pct(cell['cell_median'], 2, sign=False)} vs all firms {nr.pct(overall, 2, sign=False)}; "
        f"best cell {cell['best_cell']}"
    )


def b7_claim(law_verdict: str, corp: pd.DataFrame) -> tuple[str, str, float | None]:
    """Claim B7 (interest limit on EBITDA again): the law text settles it; the model adds
    how many firms deduct more interest. ``mixed`` if any firm deducts less.
    Returns ``(verdict, evidence, measured share in %)``."""
    nr = _nr()
    if corp.empty:
        return (
            law_verdict,
            "The law text moves ATI to an EBITDA basis; no firm is modelled in this window, "
            "so how many firms deduct more interest is not measured.",
            None,
        )
    lower = int((corp["deductible_obbba"] < corp["deductible_prior"] - 1e-6).sum())
    share = float((corp["saving_163j"] > 0).mean())
    verdict = law_verdict if lower == 0 else ClaimVerdict.MIXED
    return (
        verdict,
        f"The law text moves ATI to an EBITDA basis; in the model {nr.pct(share, sign=False)} "
        f"of {len(corp)} firms deduct more interest and {'none' if lower == 0 else lower} less.",
        share * 100,
    )


def caveat_lines(cv: dict, by_size: pd.DataFrame, corp: pd.DataFrame, tax_year: int) -> str:
    """The Caveats section as Markdown bullets, from :func:`data_caveats` and the summaries."""
    nr = _nr()
    rnd = (
        "no R&D line in the data, so the 174A change is in the model but not applied to firms; no "
        "firm-level NOLs, credits or foreign income."
    )
    if corp.empty:
        return (
            "- **No firms.** No firm is modelled in this window, so the data caveats (book vs tax, zero "
            "interest, EBIT, missing capex, size) do not apply.\n"
            f"- **Missing inputs.** Beyond the window: {rnd}"
        )
    total = corp["saving"].sum()
    timing = (
        f"- **Timing.** {nr.pct(corp['saving_timing'].sum() / total, sign=False)} of the total saving is timing "
        f"(expensing and released carried-forward interest), which later years give back; 100% bonus for all of "
        f"{tax_year} overstates 2025, when property acquired before 2025-01-20 kept the old rate."
        if total > 0
        else f"- **Timing.** The model finds no net saving for {tax_year}, so there is no timing share to give back."
    )
    share = float(cv.get("eligible_share", 1.0))
    timing += (
        "\n- **Upper bound.** All capex is treated as bonus- and 179-eligible property; buildings and other "
        "long-lived property are not, so the expensing (timing) figures are an upper bound."
        if share >= 1.0
        else f"\n- **Eligible share.** {nr.pct(share, sign=False)} of capex is treated as bonus- and 179-eligible."
    )
    universe = "- **Universe.** S&P 500 current and former members plus the named companies"
    if len(by_size):
        universe += (
            ", so few true small or mid caps: "
            + ", ".join(f"{b}: {n}" for b, n in zip(by_size["size_bucket"], by_size["firms"]))
            + f" firms ({int(corp['size_bucket'].isna().sum())} without a market cap near their year end)."
        )
    else:
        universe += f"; their size is unknown here: {size_gap(corp).split(', so ')[0]}."
    return (
        f"- **Book is not tax.** Reported income tax / pre-tax income has a median of {nr.pct(cv['book_rate_median'], sign=False)} "
        f"and is more than 5 pp away from 21% for {nr.pct(cv['book_rate_off_share'], sign=False)} of profitable firms; the model's "
        f"prior-law tax is {nr.num(cv['model_vs_reported'], 2)}x their reported tax expense.\n"
        f"- **Zero interest.** {nr.pct(cv['zero_interest_share'], sign=False)} of firms report zero interest expense "
        f"(e.g. {nr.listing(cv['zero_interest_examples'])}); the source nets or omits it, so 163(j) cannot show for them.\n"
        f"- **EBIT includes non-operating items.** For {nr.pct(cv['ebit_gap_share'], sign=False)} of firms EBIT differs from "
        f"operating income by more than 2% of revenue; the model's ATI inherits that.\n"
        + (
            f"- **Missing inputs.** No capex for {nr.listing(cv['capex_missing'])} (expensing not modelled); "
            if cv["capex_missing"]
            else "- **Missing inputs.** Every modelled firm reports capex; "
        )
        + f"{rnd}\n"
        + universe
        + "\n"
        + timing
    )


# ---- tables as shown in the report --------------------------------------------
# ``*_for_display`` helpers return (frame, formats): headers a reader understands, with
# units, and keyword arguments for ``rotation_utils.tables.formatted``. The CSVs the
# report saves keep the machine-readable columns; only what is displayed changes.
#: per-firm savings are millions of dollars: in USD bn most would show as $0.0bn
PER_FIRM_USD_M = 1e6
MEASURE_WORDS = {
    "saving_pct_pretax": "total saving (permanent and timing), % of pre-tax income",
    "saving_163j_pct_pretax": "163(j) saving, % of pre-tax income",
    "permanent_pct_pretax": "permanent saving, % of pre-tax income",
}
#: the measures the thesis verdict may use; the first is the default (a deferral is not a saving)
THESIS_MEASURES = ("permanent_pct_pretax", "saving_pct_pretax", "saving_163j_pct_pretax")


def thesis_measures(measure: str) -> tuple[str, str]:
    """``(measure, other)``: the verdict's measure (checked) and the one shown beside it."""
    if measure not in THESIS_MEASURES:
        raise BadInputError(f"thesis_measure must be one of {', '.join(THESIS_MEASURES)}, not {measure!r}")
    return measure, ("saving_pct_pretax" if measure != "saving_pct_pretax" else "permanent_pct_pretax")


def saving_metrics(corp: pd.DataFrame) -> list[tuple]:
    """Headline ``(name, value, unit, label)`` rows: permanent, timing and total saving (USD bn),
    permanent + timing = total."""

    def bn(col):
        v = corp[col].sum(min_count=1) / 1e9 if len(corp) else np.nan
        return None if not np.isfinite(v) else float(v)

    return [
        (
            "permanent_saving_bn",
            bn("saving_permanent"),
            "USD bn",
            "Permanent saving: 163(j) on the year's own interest",
        ),
        (
            "timing_saving_bn",
            bn("saving_timing"),
            "USD bn",
            "Timing saving: expensing and released carried-forward interest (given back later)",
        ),
        ("total_saving_bn", bn("saving"), "USD bn", "Total modelled tax saving (permanent + timing)"),
    ]


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


def legal_facts_for_display(facts: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """:func:`legal_verdicts` as the reader's table: claim, section, what the article says,
    the law before and after OBBBA, verdict (the computed ``measured`` column stays in the CSV)."""
    names = {
        "claim": "Claim",
        "section": "Code section",
        "article_says": "Article says",
        "before": "Law before OBBBA",
        "after": "Law under OBBBA",
        "verdict": "Verdict",
    }
    return facts[list(names)].rename(columns=names), {}


def qbi_rates_for_display() -> tuple[pd.DataFrame, dict]:
    """The top rate on a dollar of pass-through income (QBI) with no 199A deduction, the
    final law's 20% and the House bill's 23%, and the tax on $1M of QBI in USD thousands."""
    rate = pd.Series([0.0, tm.QBI_RATE_FINAL, tm.QBI_RATE_HOUSE_BILL])
    top = tm.qbi_effective_rate(rate)
    out = pd.DataFrame(
        {
            "199A deduction": ["none", "20% (final law)", "23% (House bill)"],
            "Deduction, % of QBI": rate,
            "Top federal rate on QBI": top,
            "Tax on $1M of QBI (USD thousands)": 1e6 * top / 1e3,
        }
    )
    return out, {
        "pct": ["Deduction, % of QBI", "Top federal rate on QBI"],
        "num": ["Tax on $1M of QBI (USD thousands)"],
        "digits": 1,
    }


def sensitivity_for_display(
    grid: pd.DataFrame, leverage=(0.1, 0.2, 0.3, 0.4, 0.5), intensity=(0.2, 0.4, 0.6)
) -> tuple[pd.DataFrame, dict]:
    """A few rows and columns of :func:`tax_model.sensitivity_grid`: the archetype's
    163(j) saving as a share of EBITDA, by interest / EBITDA (rows) and D&A / EBITDA."""
    g = grid[
        grid["leverage"].round(6).isin([round(v, 6) for v in leverage])
        & grid["intensity"].round(6).isin([round(v, 6) for v in intensity])
    ]
    wide = g.pivot(index="leverage", columns="intensity", values="saving_pct_ebitda")
    heads = {c: f"Saving, % of EBITDA, at D&A/EBITDA {c:.0%}" for c in wide.columns}
    out = wide.rename(columns=heads).rename_axis(index="Interest / EBITDA", columns=None).reset_index()
    return out, {"pct": ["Interest / EBITDA", *heads.values()], "digits": 1}


def gainers_for_display(top: pd.DataFrame, tax_year: int) -> tuple[pd.DataFrame, dict]:
    """:func:`top_gainers` as the reader's table: savings in USD m, shares in %, and the
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


def group_summary_for_display(summary: pd.DataFrame, by: str) -> tuple[pd.DataFrame, dict]:
    """:func:`group_summary` as the reader's table: shares bound in % of firms, median
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


def intensity_cells_for_display(
    med: pd.DataFrame, cnt: pd.DataFrame, measure: str = "saving_pct_pretax"
) -> tuple[pd.DataFrame, dict]:
    """The size x capital-intensity cells of :func:`intensity_cells` in one table: per
    intensity group, the median ``measure`` and the number of firms behind it."""
    words = MEASURE_WORDS.get(measure, measure.replace("_", " "))
    out = pd.DataFrame({"Size bucket": med.index.astype(str)})
    pct = []
    for g in med.columns:
        head = f"{str(g).capitalize()} intensity: median {words}"
        out[head] = med[g].to_numpy()
        out[f"{str(g).capitalize()} intensity: firms"] = (
            cnt[g].reindex(med.index).fillna(0).astype(int).to_numpy() if g in cnt else 0
        )
        pct.append(head)
    return out, {"pct": pct, "digits": 1}


def named_for_display(named: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """:func:`named_status` as the reader's table (amounts in USD m, fiscal year as text)."""
    out = named.assign(
        fiscal_year=_text(named["fiscal_year"], "{:.0f}"),
        interest_expense=named["interest_expense"] / PER_FIRM_USD_M,
        saving=named["saving"] / PER_FIRM_USD_M,
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


def thesis_metric_rows(cell: dict, overall: float, mid_label: str) -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``: the numbers the verdict compares.

    Args:
        cell: the second result of :func:`thesis_verdict`.
        overall: the all-firm median of the thesis measure (fraction).
        mid_label: the mid-size bucket's label, e.g. "mid ($2-10bn)".

    Returns:
        The capital-intensive mid-sized cell's median, the best cell's median and the
        all-firm median, each in % of pre-tax income (None when not measured).
    """

    def pct(v):
        return None if v is None or pd.isna(v) else float(v) * 100

    best = cell.get("best_cell") or "no cell with enough firms"
    return [
        (
            "thesis_cell_median_pct",
            pct(cell.get("cell_median")),
            "%",
            f"Median saving, % of pre-tax income: {mid_label}, high capital intensity ({cell.get('cell_firms', 0)} firms)",
        ),
        ("best_cell_median_pct", pct(cell.get("best_median")), "%", f"Best cell's median ({best})"),
        ("all_firms_median_pct", pct(overall), "%", "Median saving, % of pre-tax income: all firms"),
    ]
