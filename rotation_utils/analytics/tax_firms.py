"""The firm-years report 04 models: statements chosen per firm, with size and sector attached.

Why a module of its own: :mod:`rotation_utils.tax_model` holds the law (pure rules) and
:mod:`rotation_utils.analytics.tax_effects` applies it; between the two, the data layer's
annual statements must become model inputs (the firm-year to use, 3-year gross receipts,
interest carried forward from 2022), and each firm needs a market cap near its year end
(size bucket), a sector and a REIT flag. This module does that and counts what shaped the
sample (:class:`Sample`) and what the window lacks (:class:`WindowGaps`), so the report can
say it; the sentences are in :mod:`rotation_utils.story.tax`.

All functions take frames and return frames or small typed results. A window the data does
not cover (no statements for the tax year filed by ``end``; no market caps before 2021 in
the snapshot) gives empty frames, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import tax_model as tm
from ..errors import BadInputError
from ..universes import SECOND_CLASSES

#: the first tax year the model holds rules for
FIRST_MODEL_YEAR = 2018
#: largest gap between a statement's year end and the month-end market cap used for its size
MAX_CAP_GAP_DAYS = 45

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
    f = _filed_by(fundamentals, end)
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


def attach_market_caps(rows: pd.DataFrame, caps: pd.DataFrame, max_gap_days: int = MAX_CAP_GAP_DAYS) -> pd.DataFrame:
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


def counterfactual(tax_year: int) -> bool:
    """True for a tax year before OBBBA's rules apply (they apply to tax years beginning after
    2024-12-31): the report then applies them as if they had been in force."""
    return int(tax_year) < 2025


def obbba_years_only(rows: pd.DataFrame, tax_year: int) -> tuple[pd.DataFrame, list[str]]:
    """For a tax year from 2025 on, keep the firm-years whose fiscal year began after
    2024-12-31 (OBBBA's rules apply only to those); returns ``(kept, excluded symbols)``.
    Earlier tax years are a counterfactual (OBBBA applied as if in force): nothing is dropped."""
    if counterfactual(tax_year) or rows.empty:
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


def mid_label(edges_bn) -> str:
    """The mid-size bucket's label (the second of :func:`size_labels`): the thesis's size."""
    return size_labels(edges_bn)[1]


def _filed_by(fundamentals: pd.DataFrame, end) -> pd.DataFrame:
    """Statements filed by ``end`` (all when ``end`` is None)."""
    if end is None:
        return fundamentals
    return fundamentals[fundamentals["filing_date"].notna() & (fundamentals["filing_date"] <= pd.Timestamp(end))]


@dataclass(frozen=True)
class Sample:
    """What shaped the sample of firm-years (for the Data section).

    Attributes:
        companies: companies with annual statements in the data.
        firms: firm-years modelled.
        first_year, last_year: the fiscal years a statement may have (``tax_year - max_staleness`` to ``tax_year``).
        fiscal_years: firm-years per fiscal year used, in year order.
        duplicates: symbols dropped as a second listing of one statement.
        pre_obbba: symbols whose tax year began before OBBBA's rules apply (left out).
        end: the filing cut-off, or None.
        without_end: firm-years the data have without the cut-off, when the cut-off changes
            the sample (else None).
    """

    companies: int
    firms: int
    first_year: int
    last_year: int
    fiscal_years: dict
    duplicates: list
    pre_obbba: list
    end: pd.Timestamp | None
    without_end: int | None


def sample_facts(
    fundamentals: pd.DataFrame, firms: pd.DataFrame, tax_year: int, end=None, max_staleness: int = 1
) -> Sample:
    """Count what shaped the sample :func:`prepare_firms` returned.

    Args:
        fundamentals: the annual statements it was given.
        firms: its result (``attrs['duplicates']`` and ``attrs['pre_obbba']`` are read).
        tax_year, end, max_staleness: as given to it.
    Returns:
        A :class:`Sample`.
    """
    y, s = int(tax_year), int(max_staleness)
    dups = list(firms.attrs.get("duplicates", []))
    without_end = None
    if end is not None:
        everything, _ = obbba_years_only(select_statements(fundamentals, y, None, s), y)
        if len(everything) != len(firms) + len(dups):
            without_end = len(everything)
    return Sample(
        companies=int(fundamentals["symbol"].nunique()),
        firms=len(firms),
        first_year=y - s,
        last_year=y,
        fiscal_years={int(k): int(v) for k, v in firms["fiscal_year"].value_counts().sort_index().items()},
        duplicates=dups,
        pre_obbba=list(firms.attrs.get("pre_obbba", [])),
        end=None if end is None else pd.Timestamp(end),
        without_end=without_end,
    )


@dataclass(frozen=True)
class WindowGaps:
    """What the run lacks, for the Data section.

    Attributes:
        tax_year, first_year: the modelled tax year and the oldest fiscal year allowed.
        end: the filing cut-off, or None.
        no_firms: no firm can be modelled.
        latest_fy: when no firm can be modelled but statements were filed, the latest fiscal
            year among them (else None).
        fits_year: the latest tax year that would fit this window (``latest_fy + max_staleness``),
            when that is earlier than ``tax_year``; None otherwise.
        fits_model: ``fits_year`` is one the model holds rules for (:data:`FIRST_MODEL_YEAR` on).
        first_filed: when nothing was filed by ``end``, the first filing date in the data (or None).
        no_caps: firms are modelled but none has a market cap near its year end.
        caps_note: the data layer's reason for missing market caps, or None.
    """

    tax_year: int
    first_year: int
    end: pd.Timestamp | None
    no_firms: bool
    latest_fy: int | None
    fits_year: int | None
    fits_model: bool
    first_filed: pd.Timestamp | None
    no_caps: bool
    caps_note: str | None

    @property
    def any(self) -> bool:
        """True when something is missing."""
        return self.no_firms or self.no_caps or bool(self.caps_note)


def window_gaps(
    fundamentals: pd.DataFrame,
    firms: pd.DataFrame,
    tax_year: int,
    end=None,
    max_staleness: int = 1,
    caps_note: str | None = None,
) -> WindowGaps:
    """What the run lacks: no statements for the tax year (and the tax year that would fit
    the window), no market cap near any firm's year end (so no size buckets), or the data
    layer's note on market caps.

    Args:
        fundamentals: the annual statements.
        firms: :func:`prepare_firms`'s result.
        tax_year, end, max_staleness: as given to it.
        caps_note: :attr:`~rotation_utils.analytics.tax_data.TaxData.caps_gap`.
    Returns:
        A :class:`WindowGaps`.
    """
    y, s = int(tax_year), int(max_staleness)
    latest = fits = first = None
    if firms.empty:
        f = _filed_by(fundamentals, end)
        if len(f):
            latest = int(f["fiscal_year"].max())
            fits = latest + s if latest < y else None
        elif len(fundamentals) and pd.notna(fundamentals["filing_date"].min()):
            first = pd.Timestamp(fundamentals["filing_date"].min())
    return WindowGaps(
        tax_year=y,
        first_year=y - s,
        end=None if end is None else pd.Timestamp(end),
        no_firms=firms.empty,
        latest_fy=latest,
        fits_year=fits,
        fits_model=fits is not None and fits >= FIRST_MODEL_YEAR,
        first_filed=first,
        no_caps=not firms.empty and bool(firms["market_cap"].isna().all()),
        caps_note=caps_note,
    )
