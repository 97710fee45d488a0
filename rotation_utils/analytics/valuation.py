"""Aggregate valuation of groups of companies: the P/E gap between small caps, the
"Other 493" and the Magnificent 7.

Why aggregate P/E and not the mean of P/Es: an index's P/E is what you pay for
its earnings, total market cap over total earnings. That equals the cap-weighted
*harmonic* mean of the companies' P/Es; the plain mean of P/Es is pulled up by a
few tiny-earnings names (a firm earning almost nothing has a P/E in the
hundreds) and cannot include loss-makers at all.

Conventions:
- Company earnings (USD, trailing) = market_cap x eps / price, i.e. the share
  count times trailing EPS, so loss-makers keep their negative earnings; when
  EPS is blank, market_cap / pe is used (the source's P/E is price / EPS, so the
  two agree where both exist).
- A company enters a group's sums only when both its cap and its earnings are
  known (a missing value drops the company from numerator and denominator).
- "Excluding loss-makers" drops companies with earnings <= 0 from both sums, as
  index providers do; the median P/E is always taken over companies with
  positive earnings (a negative P/E is not a valuation).
- Second share classes (GOOG, FOX, NWS, BRK-A) are dropped first: both listings
  carry the whole company's cap and earnings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import narrative as nv
from ..claim_values import Shown
from ..data import empty_frame, network, optional, schemas  # noqa: F401  (empty_frame: part of this module's API)
from ..dates import iso
from ..errors import BadInputError, DataUnavailableError
from ..universes import MAG7, SECOND_CLASSES
from ..verdicts import ClaimVerdict, ReportVerdict, Rule

MAG7_GROUP = "Magnificent 7"
OTHER_GROUP = "Other 493"
ALL_GROUP = "S&P 500"
STANDARD_GROUPS = (MAG7_GROUP, OTHER_GROUP, ALL_GROUP)
UNCLASSIFIED = "Unclassified"
PE_COLUMNS = ["companies", "with_data", "loss_makers", "market_cap", "earnings", "pe", "median_pe", "mean_pe"]
HISTORY_COLUMNS = ["as_of", "group", "market_cap", "earnings", "pe", "with_data", "loss_makers"]
PE_TABLE_COLUMNS = ["group", "companies", "loss_makers", "cap_share", "pe_all", "pe_ex_losses", "median_pe"]


# ---- company-level inputs ---------------------------------------------------
def company_earnings(fin: pd.DataFrame) -> pd.DataFrame:
    """Add ``earnings`` (USD, trailing) to a fundamentals version and drop second classes.

    ``fin`` needs ``symbol, price, pe, eps, market_cap``. Earnings are
    ``market_cap * eps / price`` (negative for loss-makers), else
    ``market_cap / pe`` when EPS is blank.
    """
    out = fin[~fin["symbol"].isin(SECOND_CLASSES)].copy()
    price = out["price"].where(out["price"] > 0)
    from_eps = out["market_cap"] * out["eps"] / price
    pe = out["pe"].where(out["pe"] != 0)
    from_pe = out["market_cap"] / pe
    out["earnings"] = from_eps.where(from_eps.notna(), from_pe)
    return out


def sector_lookup(constituents: pd.DataFrame) -> tuple[dict, dict]:
    """(symbol -> GICS sector, GICS sub-industry -> GICS sector) from the constituents list."""
    by_symbol = dict(zip(constituents["symbol"], constituents["gics_sector"]))
    by_sub = (
        constituents.dropna(subset=["gics_sub_industry", "gics_sector"])
        .groupby("gics_sub_industry")["gics_sector"]
        .agg(lambda s: s.mode().iloc[0])
    )
    return by_symbol, by_sub.to_dict()


def label_companies(fin: pd.DataFrame, constituents: pd.DataFrame) -> pd.DataFrame:
    """Add ``group`` (Magnificent 7 / Other 493) and ``gics_sector``.

    From 2024-10 the source's ``sector`` field holds the GICS sub-industry, before
    that the sector itself: the symbol's sector in the constituents list wins,
    then the sub-industry's sector, then the field itself if it is a sector name.
    """
    by_symbol, by_sub = sector_lookup(constituents)
    sectors = set(constituents["gics_sector"].dropna())
    field = fin["sector"].astype("object")
    sector = fin["symbol"].map(by_symbol)
    sector = sector.where(sector.notna(), field.map(by_sub))
    sector = sector.where(sector.notna(), field.where(field.isin(sectors)))
    out = fin.copy()
    out["gics_sector"] = sector.fillna(UNCLASSIFIED).astype("str")
    out["group"] = np.where(out["symbol"].isin(MAG7), MAG7_GROUP, OTHER_GROUP)
    return out


# ---- the aggregate ----------------------------------------------------------
def aggregate_pe(
    df: pd.DataFrame,
    by: str | None = None,
    include_losses: bool = True,
    cap: str = "market_cap",
    earnings: str = "earnings",
) -> pd.DataFrame:
    """Aggregate P/E (total cap / total earnings) per group, with the median beside it.

    Returns one row per group (or one row when ``by`` is None) with ``companies``
    (rows), ``with_data`` (cap and earnings known), ``loss_makers`` (earnings <= 0),
    ``market_cap`` and ``earnings`` (USD, the sums used), ``pe`` (NaN when total
    earnings are not positive), ``median_pe`` and ``mean_pe`` (companies with
    positive earnings; the mean is kept only to show how far it strays).
    """
    d = df.assign(_cap=df[cap].astype("float64"), _earn=df[earnings].astype("float64"))
    d["_ok"] = d["_cap"].notna() & d["_earn"].notna() & (d["_cap"] > 0)
    d["_pos"] = d["_ok"] & (d["_earn"] > 0)
    d["_use"] = d["_ok"] if include_losses else d["_pos"]
    d["_pe_pos"] = (d["_cap"] / d["_earn"]).where(d["_pos"])
    keys = [by] if by else (lambda _: 0)
    rows = []
    for key, g in d.groupby(keys, sort=True):
        used = g[g["_use"]]
        c, e = used["_cap"].sum(), used["_earn"].sum()
        row = {} if by is None else {by: key[0] if isinstance(key, tuple) else key}
        row.update(
            companies=len(g),
            with_data=int(g["_ok"].sum()),
            loss_makers=int((g["_ok"] & ~g["_pos"]).sum()),
            market_cap=float(c),
            earnings=float(e),
            pe=float(c / e) if e > 0 else np.nan,
            median_pe=float(g["_pe_pos"].median()) if g["_pos"].any() else np.nan,
            mean_pe=float(g["_pe_pos"].mean()) if g["_pos"].any() else np.nan,
        )
        rows.append(row)
    return pd.DataFrame(rows)


def harmonic_pe(pe: pd.Series, weights: pd.Series) -> float:
    """Weighted harmonic mean of P/Es: 1 / sum(w_i / PE_i) with weights normalised.

    With cap weights this equals :func:`aggregate_pe` for positive earnings;
    kept to show (and test) that equivalence.
    """
    ok = pe.notna() & weights.notna() & (pe > 0)
    w = weights[ok] / weights[ok].sum()
    return float(1.0 / (w / pe[ok]).sum()) if ok.any() else np.nan


def group_pe(version: pd.DataFrame, include_losses: bool = True) -> pd.DataFrame:
    """Aggregate P/E of the Magnificent 7, the Other 493 and the S&P 500 for one version.

    ``version``: one dated version after :func:`company_earnings` and
    :func:`label_companies`. Columns as :func:`aggregate_pe` plus ``group``.
    """
    if version.empty:  # no usable version in the window: no rows, same columns
        return pd.DataFrame(columns=["group", *PE_COLUMNS])
    parts = aggregate_pe(version, "group", include_losses)
    whole = aggregate_pe(version, None, include_losses).assign(group=ALL_GROUP)
    out = pd.concat([parts, whole], ignore_index=True)
    out["group"] = pd.Categorical(out["group"], STANDARD_GROUPS, ordered=True)
    out = out.sort_values("group").reset_index(drop=True)
    out["group"] = out["group"].astype("str")
    return out[["group"] + [c for c in out.columns if c != "group"]]


def pe_table(version: pd.DataFrame) -> pd.DataFrame:
    """Groups and GICS sectors side by side: P/E with and without loss-makers, median P/E.

    Columns ``group, companies, loss_makers, cap_share`` (of the S&P 500 cap with
    data), ``pe_all, pe_ex_losses, median_pe``; groups first, sectors by P/E.
    """

    def both(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        a = frame(True).rename(columns={key: "group", "pe": "pe_all"})
        b = frame(False).rename(columns={key: "group", "pe": "pe_ex_losses"})
        return a.merge(b[["group", "pe_ex_losses"]], on="group")

    if version.empty:  # no usable version in the window: an empty table, not an error
        return pd.DataFrame(columns=PE_TABLE_COLUMNS)
    groups = both(lambda inc: group_pe(version, inc), "group")
    sectors = both(lambda inc: aggregate_pe(version, "gics_sector", inc), "gics_sector")
    sectors = sectors.sort_values("pe_all", ascending=False, na_position="last")
    out = pd.concat([groups, sectors], ignore_index=True)
    total = groups.loc[groups["group"] == ALL_GROUP, "market_cap"].iloc[0]
    out["cap_share"] = out["market_cap"] / total
    return out[PE_TABLE_COLUMNS]


# ---- versions ---------------------------------------------------------------
def version_quality(fin: pd.DataFrame, min_coverage: float = 0.99, neighbourhood_days: int = 45) -> pd.DataFrame:
    """Which dated versions can be summed: one row per ``as_of``.

    A version is ``usable`` when every priced company has a market cap, all
    Magnificent 7 have cap and earnings, and the companies with cap and earnings
    are at least ``min_coverage`` of the best version within
    ``neighbourhood_days`` (some versions blank a few large names for a day,
    which would move the sums, not the market; the source's list also keeps
    departed members as blank rows, so only nearby versions are comparable).
    """
    f = company_earnings(fin)
    f["priced"] = f["price"].notna() & (f["eps"].notna() | f["pe"].notna())
    f["with_data"] = f["market_cap"].notna() & f["earnings"].notna()
    f["priced_no_cap"] = f["priced"] & f["market_cap"].isna()
    f["mag7_ok"] = f["symbol"].isin(MAG7) & f["with_data"]
    q = f.groupby("as_of").agg(
        listed=("symbol", "size"),
        with_data=("with_data", "sum"),
        priced_no_cap=("priced_no_cap", "sum"),
        mag7=("mag7_ok", "sum"),
    )
    days = q.index.to_numpy()
    win = np.timedelta64(neighbourhood_days, "D")
    best = [q["with_data"][(days >= d - win) & (days <= d + win)].max() for d in days]
    q["coverage"] = q["with_data"] / np.asarray(best, dtype="float64")
    q["usable"] = (q["priced_no_cap"] == 0) & (q["mag7"] == len(MAG7)) & (q["coverage"] >= min_coverage)
    return q.reset_index()


def pick_version(quality: pd.DataFrame, as_of=None) -> pd.Timestamp:
    """The latest usable version on or before ``as_of`` (latest usable when None)."""
    ok = quality.loc[quality["usable"], "as_of"]
    if as_of is not None:
        ok = ok[ok <= pd.Timestamp(as_of)]
    if ok.empty:
        first = quality["as_of"].min() if len(quality) else None
        raise DataUnavailableError(
            f"no usable S&P 500 fundamentals version on or before "
            f"{'the end of the data' if as_of is None else pd.Timestamp(as_of).date()} "
            f"(versions in the source start {None if first is None else pd.Timestamp(first).date()}; "
            "choose a later window)"
        )
    return pd.Timestamp(ok.max())


# ---- windows without a usable version ---------------------------------------------
#: the data layer's schema of the dated S&P 500 financials, for the empty frame that stands
#: in when a window has no rows (:mod:`rotation_utils.data.schemas`)
FIN_COLUMNS = schemas.SP500_FINANCIALS


def optional_frame(fetch, *args, columns: schemas.Schema, **kw) -> tuple[pd.DataFrame, str]:
    """``(frame, "")``, or ``(empty frame of the schema ``columns``, the data layer's reason)``
    when it has no rows (see :func:`rotation_utils.data.optional`): an early window still
    runs the sections that do not need the table."""
    frame, why = optional(fetch, *args, schema=columns, **kw)
    return frame, why or ""


def pe_basis(include_loss_makers: bool) -> tuple[str, str]:
    """``(basis label, P/E table column)`` for the headline P/E.

    Why: the basis is a parameter; the label goes into every sentence and
    metric label and the column picks the matching P/E of ``pe_table``, so the
    two must never disagree.
    """
    if include_loss_makers:
        return "loss-makers included", "pe_all"
    return "loss-makers excluded", "pe_ex_losses"


def recent_caps(fetch, day, tickers, days: int = 45) -> tuple[pd.DataFrame, str]:
    """Market caps of ``tickers`` over the ``days`` calendar days up to ``day``, via ``optional_frame``.

    Why: the named-company P/E needs the latest cap on or before the
    valuation day; a short look-back keeps the read small and covers holidays
    and late prints, and an early window (no caps yet) still runs.
    """
    day = pd.Timestamp(day)
    return optional_frame(fetch, day - pd.Timedelta(days=days), day, tickers=tickers, columns=schemas.MARKET_CAPS)


def companies_by_version(fin: pd.DataFrame, constituents: pd.DataFrame, version) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(companies of every version, companies of ``version``)``, labelled with group and sector.

    Why: the history sections need every version and the level sections the
    chosen one; without a version the second frame is empty (same columns),
    so those sections can say what is missing instead of raising.
    """
    companies = label_companies(company_earnings(fin), constituents)
    current = companies[companies["as_of"] == version] if version is not None else companies.iloc[0:0]
    return companies, current


@dataclass(frozen=True)
class VersionChoice:
    """The fundamentals version a run uses, or why there is none.

    ``usable``: quality rows of the usable versions from the history start to
    the version; ``skipped``: versions up to the version (or the window end)
    that fail the completeness check; ``day``: the version, else the window end
    (the date of the sections that do not need a version: small caps, Shiller);
    ``reason``: '' when a version exists, else one computed sentence (for the
    Data section); ``short``: the same in a clause, for the other sections,
    the claims and the metric labels.
    """

    version: pd.Timestamp | None
    usable: pd.DataFrame
    earliest: pd.Timestamp | None
    skipped: int
    day: pd.Timestamp
    reason: str = ""
    short: str = ""


def choose_version(
    fin: pd.DataFrame,
    quality: pd.DataFrame,
    as_of=None,
    history_start=None,
    note: str = "",
    constituents: pd.DataFrame | None = None,
) -> VersionChoice:
    """Like :func:`pick_version` but never raises: without a usable version the choice says why.

    ``note``: the data layer's message when it had no versions at all (see
    :func:`optional_frame`); ``constituents`` lets the reason say when a
    missing Magnificent 7 name joined the index.
    """
    end = None if as_of is None else pd.Timestamp(as_of)
    upto = quality if end is None else quality[quality["as_of"] <= end]
    ok = upto.loc[upto["usable"], "as_of"]
    if ok.empty:
        day = end if end is not None else (upto["as_of"].max() if len(upto) else pd.Timestamp.today().normalize())
        when = iso(end) or "the end of the data"
        short = (
            f"no usable S&P 500 fundamentals version on or before {when}: all {len(upto)} versions up to then, "
            f"{iso(upto['as_of'].min())} to {iso(upto['as_of'].max())}, fail the completeness check"
            if len(upto)
            else f"no S&P 500 fundamentals version on or before {when}"
        )
        return VersionChoice(
            None,
            upto.iloc[0:0],
            None,
            int(len(upto)),
            pd.Timestamp(day),
            no_version_reason(fin, upto, end, note, constituents),
            short,
        )
    version = pd.Timestamp(ok.max())
    lo = version if history_start is None else min(pd.Timestamp(history_start), version)
    usable = upto[upto["usable"] & upto["as_of"].between(lo, version)]
    skipped = int((~upto["usable"] & (upto["as_of"] <= version)).sum())
    return VersionChoice(version, usable, pd.Timestamp(usable["as_of"].min()), skipped, version)


def no_version_reason(
    fin: pd.DataFrame, quality: pd.DataFrame, as_of=None, note: str = "", constituents: pd.DataFrame | None = None
) -> str:
    """Why no fundamentals version up to ``as_of`` can be summed, as one sentence.

    Either the source has no version that early (``note``: the data layer's
    words), or each version fails the completeness check of
    :func:`version_quality`: the failures are counted by cause and the
    Magnificent 7 names missing from the latest version are named (with the
    date they joined the S&P 500 when the constituents list says it is later).
    """
    end = iso(as_of) or "the end of the data"
    if quality.empty:
        why = f" (data layer: {note.rstrip('.')})" if note else ""
        return f"The S&P 500 fundamentals have no dated version on or before {end}{why}."
    last = pd.Timestamp(quality["as_of"].max())
    causes = [
        (int((quality["mag7"] < len(MAG7)).sum()), "some of the Magnificent 7 without data"),
        (int((quality["priced_no_cap"] > 0).sum()), "priced companies without a market cap"),
        (int((quality["coverage"] < 0.99).sum()), "over 1% fewer companies with data than nearby versions"),
    ]
    counted = "; ".join(f"{text}: {n}" for n, text in causes if n)
    latest = company_earnings(fin[fin["as_of"] == last])
    have = set(latest.loc[latest["market_cap"].notna() & latest["earnings"].notna(), "symbol"])
    missing = [t for t in MAG7 if t not in have]
    joined = []
    if constituents is not None and "date_added" in constituents:
        added = constituents.set_index("symbol")["date_added"]
        joined = [
            f"{t} joined the S&P 500 on {iso(added[t])}"
            for t in missing
            if t in added.index and pd.notna(added[t]) and added[t] > last
        ]
    lacks = (
        (
            f"; the latest, {iso(last)}, has no data for {', '.join(missing)}"
            + (f" ({'; '.join(joined)})" if joined else "")
        )
        if missing
        else ""
    )
    n = len(quality)
    return (
        f"None of the {n} S&P 500 fundamentals version{'' if n == 1 else 's'} on or before {end} "
        f"({iso(quality['as_of'].min())} to {iso(last)}) passes the completeness check (versions failing it with "
        f"{counted}){lacks}, so no aggregate P/E of the Magnificent 7, the Other 493 or the S&P 500 can be "
        "computed for this window."
    )


def history_gap(choice: VersionChoice) -> str:
    """Why the window has no P/E change to decompose ('' when it has): no version, or only one.

    One usable version (e.g. an end date just after the first complete one)
    would give a 0% change that reads like a finding; it is reported as missing.
    """
    if choice.version is None:
        return choice.short
    if len(choice.usable) < 2:
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
        return choice.reason
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


def group_values(now: pd.DataFrame, col: str = "pe") -> tuple[float, float, float]:
    """(Magnificent 7, Other 493, S&P 500) figures from :func:`group_pe` indexed by group; NaN when absent."""
    v = now[col].reindex(list(STANDARD_GROUPS)) if col in now else pd.Series(np.nan, index=list(STANDARD_GROUPS))
    return tuple(float(x) for x in v.astype("float64"))


def pe_history(fin: pd.DataFrame, constituents: pd.DataFrame, versions, include_losses: bool = True) -> pd.DataFrame:
    """Group P/E on each version: long ``as_of, group, market_cap, earnings, pe, with_data``.

    No versions give an empty frame with those columns (the chart is then skipped).
    """
    f = label_companies(company_earnings(fin[fin["as_of"].isin(list(versions))]), constituents)
    parts = [group_pe(g, include_losses).assign(as_of=d) for d, g in f.groupby("as_of")]
    if not parts:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out[HISTORY_COLUMNS]


def pe_history_sectors(
    fin: pd.DataFrame, constituents: pd.DataFrame, versions, include_losses: bool = True
) -> pd.DataFrame:
    """GICS-sector P/E on each version, in the same long shape as :func:`pe_history`."""
    f = label_companies(company_earnings(fin[fin["as_of"].isin(list(versions))]), constituents)
    parts = [aggregate_pe(g, "gics_sector", include_losses).assign(as_of=d) for d, g in f.groupby("as_of")]
    if not parts:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    out = pd.concat(parts, ignore_index=True).rename(columns={"gics_sector": "group"})
    return out[HISTORY_COLUMNS]


def decompose_change(history: pd.DataFrame, start, end) -> pd.DataFrame:
    """How much of each group's P/E move came from price (cap) and from earnings.

    P/E = cap / earnings, so ``1 + pe_change = (1 + cap_change) / (1 + earnings_change)``
    exactly; in logs the P/E move is the cap move minus the earnings move
    (``price_logpts`` and ``earnings_logpts`` add up to ``pe_logpts``). Cap changes
    include membership changes between the two versions.
    """
    h = history.set_index(["as_of", "group"])
    a, b = h.loc[pd.Timestamp(start)], h.loc[pd.Timestamp(end)]
    out = pd.DataFrame({"pe_start": a["pe"], "pe_end": b["pe"]})
    out["pe_change"] = out["pe_end"] / out["pe_start"] - 1
    out["cap_change"] = b["market_cap"] / a["market_cap"] - 1
    out["earnings_change"] = b["earnings"] / a["earnings"] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        out["price_logpts"] = np.log1p(out["cap_change"])
        out["earnings_logpts"] = -np.log1p(out["earnings_change"])
    out["pe_logpts"] = out["price_logpts"] + out["earnings_logpts"]
    return out.reset_index()


def earnings_contributors(fin: pd.DataFrame, start, end, symbols=None, top: int = 3) -> pd.DataFrame:
    """Companies whose trailing earnings changed most (USD) between two versions.

    ``fin``: versions after :func:`company_earnings`. Returns ``symbol, name,
    earnings_start, earnings_end, change`` sorted by absolute change: one-off gains
    (e.g. revaluations of stakes in private companies) show up here.
    """
    f = fin if symbols is None else fin[fin["symbol"].isin(list(symbols))]
    a = f[f["as_of"] == pd.Timestamp(start)].set_index("symbol")
    b = f[f["as_of"] == pd.Timestamp(end)].set_index("symbol")
    out = pd.DataFrame(
        {
            "name": b["name"].reindex(a.index.union(b.index)),
            "earnings_start": a["earnings"],
            "earnings_end": b["earnings"],
        }
    )
    out["change"] = out["earnings_end"] - out["earnings_start"]
    out = out.dropna(subset=["change"])
    out = out.reindex(out["change"].abs().sort_values(ascending=False).index).head(top)
    return out.rename_axis("symbol").reset_index()


def relative_level(ratio: pd.Series, on=None) -> dict:
    """Where a ratio series stands on a date: value, percentile, and since when it was last lower.

    ``lower_since``: the last earlier date with a lower value (None = lowest of
    the whole series so far); used for 'lowest in N years' checks.
    """
    r = ratio.dropna()
    if on is not None:
        r = r.loc[: pd.Timestamp(on)]
    if r.empty:
        return {"date": None, "value": np.nan, "percentile": np.nan, "lower_since": None}
    last = float(r.iloc[-1])
    lower = r.iloc[:-1][r.iloc[:-1] < last]
    return {
        "date": r.index[-1],
        "value": last,
        "percentile": percentile_of(r, last),
        "lower_since": lower.index[-1] if len(lower) else None,
        "first": r.index[0],
        "min_date": r.idxmin(),
        "min_value": float(r.min()),
    }


def group_ratio(groups: pd.DataFrame, num: str = MAG7_GROUP, den: str = OTHER_GROUP, col: str = "pe") -> float:
    """Ratio of two groups' aggregate P/E (e.g. Magnificent 7 over Other 493)."""
    g = groups.set_index("group")[col]
    if num not in g.index or den not in g.index:
        return np.nan
    return float(g[num] / g[den])


# ---- small caps -------------------------------------------------------------
def latest_statements(annual: pd.DataFrame, as_of, max_age_days: int = 550) -> pd.DataFrame:
    """Each symbol's latest annual statement filed by ``as_of`` (point in time).

    Statements whose fiscal year ended more than ``max_age_days`` before
    ``as_of`` are dropped (too stale to call trailing).
    """
    day = pd.Timestamp(as_of)
    known = annual[(annual["filing_date"] <= day) & (annual["period_end"] >= day - pd.Timedelta(days=max_age_days))]
    return known.sort_values("period_end").groupby("symbol").tail(1).reset_index(drop=True)


def latest_caps(caps: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each ticker's latest month-end cap on or before ``as_of`` (second classes dropped)."""
    c = caps[(caps["date"] <= pd.Timestamp(as_of)) & ~caps["ticker"].isin(SECOND_CLASSES)]
    return c.sort_values("date").groupby("ticker").tail(1).reset_index(drop=True)


def statement_pe(companies: pd.DataFrame, caps: pd.DataFrame, annual: pd.DataFrame, as_of) -> pd.DataFrame:
    """Trailing P/E from month-end caps and the latest annual net income filed by ``as_of``.

    ``companies``: ``ticker, name`` (and any extra columns, kept). Returns those
    columns plus ``cap_date, market_cap, fiscal_year, period_end, earnings``
    (net income, USD) and ``pe`` (NaN for losses or missing values).
    """
    c = latest_caps(caps, as_of)[["ticker", "date", "market_cap"]].rename(columns={"date": "cap_date"})
    s = latest_statements(annual, as_of)[["symbol", "fiscal_year", "period_end", "net_income"]]
    s = s.rename(columns={"symbol": "ticker", "net_income": "earnings"})
    out = companies.merge(c, on="ticker", how="left").merge(s, on="ticker", how="left")
    out["pe"] = (out["market_cap"] / out["earnings"]).where(out["earnings"] > 0)
    return out


def named_display(named: pd.DataFrame, holdings_date) -> pd.DataFrame:
    """The named-company P/E table with readable columns (yes/no, fiscal year, USD m)."""
    return pd.DataFrame(
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


def holdings_coverage(holdings: pd.DataFrame, symbols) -> dict:
    """How much of a fund's holdings a set of symbols (e.g. those with statements) covers,
    with the date of the holdings file (``holdings_date``, None without that column)."""
    have = holdings["ticker"].isin(set(symbols))
    total = holdings["weight_pct"].sum()
    held = holdings["holdings_date"].iloc[0] if "holdings_date" in holdings and len(holdings) else None
    return {
        "holdings": int(len(holdings)),
        "covered": int(have.sum()),
        "holdings_date": held,
        "weight_covered": float(holdings.loc[have, "weight_pct"].sum() / total) if total else np.nan,
    }


# ---- long history -----------------------------------------------------------
def shiller_pe(shiller: pd.DataFrame) -> pd.DataFrame:
    """Monthly trailing P/E (price / 12-month reported earnings) and CAPE where both exist."""
    s = shiller[["date", "sp500", "earnings", "cape"]].copy()
    s["pe"] = (s["sp500"] / s["earnings"]).where(s["earnings"] > 0)
    return s.dropna(subset=["pe", "cape"], how="all")[["date", "pe", "cape"]].reset_index(drop=True)


def percentile_of(series: pd.Series, value: float) -> float:
    """Share of the history at or below ``value`` (fraction); NaN when either is missing."""
    s = series.dropna()
    if s.empty or value is None or not math.isfinite(value):
        return np.nan
    return float((s <= value).mean())


def ordinal_percentile(p: float) -> str:
    """0.16 -> '16th', 0.01 -> '1st', 0.22 -> '22nd' ('n/a' when missing)."""
    if p is None or not math.isfinite(p):
        return "n/a"
    n = int(round(p * 100))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---- live path (Yahoo quote figures through the data layer) -------------------
def live_allowed(source: str) -> bool:
    """Live look-ups only when the data layer may go online: not 'snapshot', not
    offline, and the network probe answers (decided in :mod:`rotation_utils.data.network`)."""
    return network.live_allowed(source)


def _num(v) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return np.nan
    return x if math.isfinite(x) else np.nan


def not_available(reason: str) -> dict:
    """The live result when nothing could be fetched: the report prints ``reason``."""
    return {"status": "not available", "reason": reason, "etf": {}, "constituents": pd.DataFrame(), "aggregate": {}}


def live_iwm_valuation(holdings: pd.DataFrame | None, dl, max_holdings: int = 200, etf: str = "IWM") -> dict:
    """ETF- and constituent-level P/E of IWM from Yahoo's quote figures (``dl.quote_info``).

    ``dl`` is the report's DataLayer (it fetches, caches, retries and logs
    provenance). The ETF's own ``trailing_pe``/``forward_pe`` are taken as
    reported; for the ``max_holdings`` largest holdings, earnings =
    ``net_income_to_common`` (keeps losses) else ``market_cap / trailing_pe``,
    forward earnings = ``market_cap / forward_pe``, and the same aggregates as
    for the S&P 500 groups are computed. Holdings Yahoo did not answer for
    (after retries) are listed in ``aggregate["left_out"]`` with their share of
    the fund's weight (``weight_left_out``). Any failure returns
    :func:`not_available` with the reason instead of raising.
    """
    top = (
        holdings.sort_values("weight_pct", ascending=False).head(max_holdings)
        if holdings is not None and len(holdings)
        else pd.DataFrame(columns=["ticker", "weight_pct"])
    )
    try:
        info = dl.quote_info([etf, *top["ticker"]]).set_index("symbol")
    except DataUnavailableError as exc:
        return not_available(str(exc))
    etf_figures = {"trailing_pe": _num(info.at[etf, "trailing_pe"]), "forward_pe": _num(info.at[etf, "forward_pe"])}
    rows = []
    for t, w in zip(top["ticker"], top["weight_pct"]):
        i = info.loc[t] if t in info.index else None
        if i is None or i["status"] == "missing":
            continue
        cap, tpe, fpe, ni = (_num(i[c]) for c in ("market_cap", "trailing_pe", "forward_pe", "net_income_to_common"))
        earn = ni if math.isfinite(ni) else (cap / tpe if tpe and math.isfinite(tpe) else np.nan)
        fwd = cap / fpe if fpe and math.isfinite(fpe) else np.nan
        rows.append(
            {
                "ticker": t,
                "weight_pct": w,
                "market_cap": cap,
                "trailing_pe": tpe,
                "forward_pe": fpe,
                "earnings": earn,
                "forward_earnings": fwd,
            }
        )
    cons = pd.DataFrame(rows)
    agg = {}
    if len(cons):
        ok = cons["market_cap"].notna() & cons["earnings"].notna()
        left = top[~top["ticker"].isin(cons["ticker"])]
        total = holdings["weight_pct"].sum()
        agg = {
            "pe_all": aggregate_pe(cons, include_losses=True)["pe"].iloc[0],
            "pe_ex_losses": aggregate_pe(cons, include_losses=False)["pe"].iloc[0],
            "forward_pe_ex_losses": aggregate_pe(cons, include_losses=False, earnings="forward_earnings")["pe"].iloc[0],
            "holdings_used": int(ok.sum()),
            "weight_covered": float(cons.loc[ok, "weight_pct"].sum() / total),
            "left_out": list(left["ticker"]),
            "weight_left_out": float(left["weight_pct"].sum() / total),
        }
    if all(np.isnan(v) for v in etf_figures.values()) and not agg:
        return not_available(f"Yahoo returned no P/E for {etf} or its holdings")
    return {"status": "ok", "reason": "", "etf": etf_figures, "constituents": cons, "aggregate": agg}


def trailing_forward_table(
    sp500_pe: float, basis: str, version, live: dict, register_note: str, article_sp500: float, article_small: float
) -> pd.DataFrame:
    """Our trailing figure beside the articles' figures, the register's and the live fund figures.

    Each row says whether the figure is trailing or forward and where it comes
    from, so a reader never compares a trailing number with a forward one unawares.
    """
    live_src = "yfinance (live)" if live.get("status") == "ok" else "not available offline"
    etf = live.get("etf", {})
    ours = "included" if "with" in basis and "without" not in basis else "excluded"
    rows = [
        (
            "S&P 500 aggregate P/E (this run)",
            f"trailing, {basis}",
            sp500_pe,
            f"constituent financials {iso(version)}"
            if version is not None
            else "no usable constituent financials in the window",
            ours,
        ),
        ("S&P 500 'past 30x' (article B)", "called forward by the article", article_sp500, "article B", "not stated"),
        ("Russell 2000 'near 18x' (article B)", "forward per the article", article_small, "article B", "not stated"),
        (
            "S&P 500 and Russell 2000 (claims register)",
            "external, see note",
            np.nan,
            register_note,
            "S&P's figures include them; fund-reported figures exclude them",
        ),
        (
            "IWM trailing P/E",
            "trailing, fund-reported",
            etf.get("trailing_pe", np.nan),
            live_src,
            "excluded (fund providers' usual basis)",
        ),
        (
            "IWM forward P/E",
            "forward, fund-reported",
            etf.get("forward_pe", np.nan),
            live_src,
            "excluded (fund providers' usual basis)",
        ),
    ]
    return pd.DataFrame(rows, columns=["Figure", "Basis", "Value", "Source", "Loss-makers"])


def coverage_facts(version: pd.DataFrame, constituents: pd.DataFrame, versions) -> dict:
    """Computed caveats for one version: members without data, stale rows, unmapped sectors, gaps.

    ``version``: one labelled version; ``versions``: the usable version dates of the history.
    """
    members = set(constituents["symbol"])
    blank = version[version["symbol"].isin(members) & (version["market_cap"].isna() | version["earnings"].isna())]
    days = pd.Series(sorted(pd.to_datetime(pd.Series(list(versions)))))
    gaps = days.diff()
    longest = (gaps.max(), days.shift()[gaps.idxmax()]) if len(days) > 1 else (pd.Timedelta(0), days.min())
    return {
        "blank": sorted(blank["symbol"]),
        "stale": int((~version["symbol"].isin(members)).sum()),
        "unclassified": int((version["gics_sector"] == UNCLASSIFIED).sum()),
        "longest_gap_days": int(longest[0].days) if pd.notna(longest[0]) else 0,
        "longest_gap_after": longest[1],
    }


# ---- report sentences ---------------------------------------------------------------
# Built here, not in the notebook, so each section has one sentence per case (a
# version exists or not) and the cells stay short; every number comes from the run.
def groups_sentence(now: pd.DataFrame, pe_tab: pd.DataFrame, version, basis: str, pe_col: str) -> str:
    """Finding 1: the three groups' aggregate P/E, the Other 493's loss-makers and the sector extremes."""
    mag, oth, spx = group_values(now)
    ratio = mag / oth
    sec = (
        pe_tab.iloc[3:][lambda t: t["group"] != UNCLASSIFIED]
        .dropna(subset=[pe_col])
        .sort_values(pe_col, ascending=False)
    )
    o493 = pe_tab.set_index("group").loc[OTHER_GROUP]
    return (
        f"On {iso(version)}, with {basis}, the Magnificent 7 traded at **{nv.num(mag)}x** trailing earnings, the "
        f"Other 493 at **{nv.num(oth)}x** and the S&P 500 at **{nv.num(spx)}x**: the Magnificent 7 P/E was "
        f"{nv.pct(abs(ratio - 1), sign=False)} {nv.direction(ratio - 1, 'above', 'below', 'level with')} the Other 493's "
        f"(ratio {nv.num(ratio, 2)}). The Other 493 hold {int(o493['loss_makers'])} loss-makers: their P/E is "
        f"{nv.num(o493['pe_all'])}x with them and {nv.num(o493['pe_ex_losses'])}x without; the median Other 493 company trades at "
        f"{nv.num(now.loc[OTHER_GROUP, 'median_pe'])}x, and the plain mean of their P/Es would read "
        f"{nv.num(now.loc[OTHER_GROUP, 'mean_pe'])}x. The most expensive sector was {sec.iloc[0]['group']} "
        f"({nv.num(sec.iloc[0][pe_col])}x, {basis}) and the cheapest {sec.iloc[-1]['group']} "
        f"({nv.num(sec.iloc[-1][pe_col])}x)."
    )


def move_sentences(move: pd.DataFrame) -> str:
    """Finding 2: one Markdown list item per group from :func:`decompose_change`, naming the bigger driver."""
    lines = []
    for r in move.itertuples():
        driver = "earnings" if abs(r.earnings_logpts) > abs(r.price_logpts) else "price"
        lines.append(
            f"- {r.group}: P/E {nv.direction(r.pe_change, flat='was unchanged')} ({nv.num(r.pe_start)}x to "
            f"{nv.num(r.pe_end)}x, {nv.pct(r.pe_change)}); market cap {nv.direction(r.cap_change)} "
            f"{nv.pct(abs(r.cap_change), sign=False)} and trailing earnings {nv.direction(r.earnings_change)} "
            f"{nv.pct(abs(r.earnings_change), sign=False)}, so {driver} moved the multiple more."
        )
    return "\n".join(lines)


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
    n = len(small)
    head = (
        f"The snapshot has no Russell 2000 earnings. Of IWM's {cover['holdings']} equity holdings on "
        f"{iso(hd)}{later}, only {cover['covered']} ({nv.pct(cover['weight_covered'], sign=False)} "
        f"of the fund's weight) have annual statements here (former S&P 500 members and named companies), so no "
        f"index-level small-cap P/E can be computed offline. "
    )
    if not math.isfinite(small_named_pe) and caps_note:
        return head + (
            f"The named companies that are IWM holdings ({nv.listing(small['ticker'])}) have no market cap "
            f"by {iso(day)} (data layer: {caps_note.rstrip('.')}), so not even their P/E can be computed."
        )
    versus = (
        f"against {nv.num(spx)}x for the S&P 500"
        if math.isfinite(spx)
        else "with no S&P 500 aggregate to compare (no usable fundamentals version in the window)"
    )
    return head + (
        f"The named companies that are IWM holdings ({nv.listing(small['ticker'])}) have an aggregate "
        f"trailing P/E of {nv.num(small_named_pe)}x {versus}; {nv.plural(n, 'company', 'companies')} "
        "cannot stand for an index."
    )


def shiller_sentence(sh: pd.DataFrame, spx: float, version, window_end=None, reason: str = "") -> str:
    """Finding 4: where Shiller's series end and where the run's aggregate P/E sits in them.

    ``window_end``: set when the series were cut at the window end (no later
    months shown); ``reason``: why there is no aggregate P/E to place.
    """
    last_pe, last_cape = sh.dropna(subset=["pe"]).iloc[-1], sh.dropna(subset=["cape"]).iloc[-1]
    stop = (
        f"Up to the window end ({iso(window_end)}), Shiller's latest month with earnings is {last_pe['date']:%Y-%m}"
        if window_end is not None
        else f"Shiller's earnings stop in {last_pe['date']:%Y-%m}"
    )
    head = (
        f"{stop}, when the trailing P/E was {nv.num(last_pe['pe'])}x (median since 1881: {nv.num(sh['pe'].median())}x) "
        f"and CAPE {nv.num(last_cape['cape'])}x in {last_cape['date']:%Y-%m}. "
    )
    if not math.isfinite(spx):
        return head + (
            f"No constituent-based aggregate P/E exists for this window to place in that history ({reason})."
        )
    return head + (
        f"The aggregate trailing P/E of {nv.num(spx)}x on {iso(version)}, from a different source, would sit at the "
        f"{ordinal_percentile(percentile_of(sh['pe'], spx))} percentile of Shiller's monthly trailing P/E; "
        f"CAPE cannot be brought up to date from the snapshot."
    )


def trailing_sentence(spx: float, version, claimed: float) -> str:
    """Finding 5: our trailing figure against the article's 'past 30x' called forward."""
    gap = spx - claimed
    return (
        f"Our figures are **trailing** (last twelve months' reported earnings). The S&P 500's aggregate trailing P/E on "
        f"{iso(version)} was {nv.num(spx)}x, {nv.num(abs(gap))} points {nv.direction(gap, 'above', 'below', 'level with')} "
        f"article B's {nv.num(claimed, 0)}x; the claims register records forward P/Es in the low 20s for late 2025, so a figure near 30x "
        f"can only be a trailing one, not the forward figure the article names."
    )


def _pe_gap_verdict(
    mag: float, oth: float, spx: float, small_pe: float, version, basis: str, short: str = ""
) -> tuple[str, str]:
    """(verdict, evidence): the logic of :data:`VERDICT_RULE`."""
    if not all(math.isfinite(x) for x in (mag, oth, spx)):
        return ReportVerdict.INCONCLUSIVE, f"No S&P 500 group P/E ({short or 'no usable fundamentals version'})."
    b_leg = oth < mag  # the Other 493 cheaper than the Magnificent 7
    a_leg = None if not math.isfinite(small_pe) else small_pe < spx
    verdict = (
        ReportVerdict.INCONCLUSIVE
        if a_leg is None
        else ReportVerdict.SUPPORTED
        if (a_leg and b_leg)
        else ReportVerdict.MIXED
        if (a_leg or b_leg)
        else ReportVerdict.NOT_SUPPORTED
    )
    evidence = (
        f"Other 493 {nv.num(oth)}x vs Magnificent 7 {nv.num(mag)}x on {iso(version)} ({basis}); small-cap aggregate "
        + (f"{nv.num(small_pe)}x vs S&P 500 {nv.num(spx)}x." if a_leg is not None else "not available offline.")
    )
    return verdict, evidence


#: the report's verdict rule: the sentence printed and the logic applied, one object
VERDICT_RULE = Rule(
    "supported if a measured small-cap (IWM) aggregate P/E is below the S&P 500's and the Other 493's "
    "is below the Magnificent 7's; mixed if one of the two holds; not supported if neither; "
    "inconclusive when no small-cap P/E can be measured (the thesis is about small caps) or when "
    "the window has no usable S&P 500 fundamentals version",
    _pe_gap_verdict,
)


def overall_verdict(
    mag: float, oth: float, spx: float, small_pe: float, version, basis: str, short: str = ""
) -> tuple[str, Rule, str]:
    """(verdict, rule, evidence) for the report's thesis: :data:`VERDICT_RULE` applied."""
    verdict, evidence = VERDICT_RULE.apply(mag, oth, spx, small_pe, version, basis, short)
    return verdict, VERDICT_RULE, evidence


def pe_in_period(hist: pd.DataFrame, start, end, group: str = ALL_GROUP) -> tuple:
    """``(version, P/E)`` of ``group`` on the latest version of a :func:`pe_history` frame inside
    [start, end] (a claim's period inside the window); ``(None, NaN)`` when there is none."""
    if start is None or end is None or hist.empty:
        return None, np.nan
    h = hist[(hist["group"] == group) & hist["as_of"].between(pd.Timestamp(start), pd.Timestamp(end))]
    h = h.dropna(subset=["pe"])
    if h.empty:
        return None, np.nan
    last = h.sort_values("as_of").iloc[-1]
    return last["as_of"], float(last["pe"])


def claim_period_figures(hist: pd.DataFrame, ratio: pd.Series, coverages: dict) -> dict:
    """The figures claims A6, B1 and B2 are judged on, each on its own period inside the window.

    ``coverages``: claim id -> :class:`rotation_utils.periods.Coverage` (``Report.coverage``).
    Returns ``{"A6": (version, P/E, label), "B1": (version, P/E, label), "B2": relative_level}``:
    the S&P 500 P/E on the latest version inside each claim's covered part, and the ^RUT/^GSPC
    ratio on the last day of B2's covered part ({} when the window has none of B2's period).
    Why: the run's latest version or day would judge a claim about 2025 or the article's date
    on a figure from outside its period.
    """
    out = {}
    for cid in ("A6", "B1"):
        cov = coverages[cid]
        out[cid] = (*pe_in_period(hist, cov.covered_start, cov.covered_end), cov.period.label)
    end = coverages["B2"].covered_end
    out["B2"] = relative_level(ratio, end) if end is not None else {}
    return out


def claim_records(
    small_pe: float,
    spx: float,
    version,
    cover: dict,
    rel_now: dict,
    claimed_sp500: float,
    reason: str = "",
    b1=None,
    a6=None,
) -> list[dict]:
    """The A6, B1 and B2 ledger entries: ``id, verdict, evidence`` plus the values to record
    (the ones the ledger shows as :class:`~rotation_utils.claim_values.Shown`, labelled).

    ``reason``: why the window has no S&P 500 P/E, a clause (A6 and B1 are then unverifiable and say so).
    ``b1`` and ``a6``: ``(version, P/E, period label)`` of the S&P 500 measured on each claim's own
    period (:func:`pe_in_period`; B1 "through 2025", A6 at the article's date); None uses the run's
    version. ``rel_now``: :func:`relative_level` of ^RUT/^GSPC on the last day of B2's period inside
    the window (the claim is about the article's date, not the run's). ``cover``:
    :func:`holdings_coverage`, whose holdings file date the A6 evidence names.
    """

    def own_period(spec):
        return spec if spec is not None else (version, spx, "")

    b1_version, b1_pe, b1_label = own_period(b1)
    a6_version, a6_pe, a6_label = own_period(a6)
    no_spx = not math.isfinite(spx)
    if math.isfinite(a6_pe):
        spx_text = f"S&P 500 {nv.num(a6_pe)}x on {iso(a6_version)}"
    elif no_spx:
        spx_text = f"no S&P 500 P/E either ({reason})"
    else:
        spx_text = f"no S&P 500 fundamentals version inside the claim's period ({a6_label}) either"
    a6_verdict = small_cap_claim(small_pe, a6_pe)
    held = cover.get("holdings_date")
    held_text = f" as of {iso(held)}" if held is not None else ""
    a6_text = (
        f"Small-cap aggregate P/E {nv.num(small_pe)}x against the S&P 500's {nv.num(a6_pe)}x on {iso(a6_version)}."
        if a6_verdict != ClaimVerdict.UNVERIFIABLE
        else f"No Russell 2000 earnings offline ({cover['covered']} of {cover.get('holdings', 0)} IWM holdings"
        f"{held_text}, {nv.pct(cover['weight_covered'], sign=False)} of weight, have statements); {spx_text}"
        + ("" if spx_text.endswith(".") else ".")
    )
    b1_verdict = trailing_30x_claim(b1_pe, claimed_sp500)
    in_period = f", the latest version inside the claim's period, {b1_label}," if b1_label else ""
    if math.isfinite(b1_pe):
        b1_text = (
            f"The S&P 500 aggregate trailing P/E was {nv.num(b1_pe)}x on {iso(b1_version)}{in_period} against the "
            f"article's 30x called forward; the register's forward figures for late 2025 are in the low 20s."
        )
    elif no_spx:
        b1_text = f"No S&P 500 aggregate P/E in this window to set against the article's 30x ({reason})."
    else:
        b1_text = (
            f"No usable S&P 500 fundamentals version inside {b1_label or 'the claim period'} in this window, so the "
            f"article's 30x cannot be set against a figure of its own period."
        )
    b2_text = (
        f"No small-cap earnings history in the data; the price-only ^RUT/^GSPC ratio was at "
        f"the {ordinal_percentile(rel_now['percentile'])} percentile since {iso(rel_now['first'])} on {iso(rel_now['date'])}."
        if rel_now.get("date") is not None
        else "No small-cap earnings history in the data."
    )
    on = f", {iso(a6_version)}" if a6_version is not None else ""
    return [
        dict(
            id="A6",
            verdict=a6_verdict,
            evidence=a6_text,
            measured=Shown(small_pe, "x", f"Small-cap (IWM) aggregate P/E{on}"),
            comparison=Shown(a6_pe, "x", f"S&P 500 aggregate P/E{on}"),
            unit="x",
        ),
        dict(
            id="B1",
            verdict=b1_verdict,
            evidence=b1_text,
            claimed=Shown(claimed_sp500, "x", "Article: S&P 500 P/E"),
            measured=Shown(
                b1_pe,
                "x",
                f"S&P 500 aggregate trailing P/E, {iso(b1_version)}"
                if b1_version is not None
                else "S&P 500 aggregate trailing P/E",
            ),
            unit="x",
        ),
        dict(id="B2", verdict=ClaimVerdict.UNVERIFIABLE, evidence=b2_text, measured=None, unit="x"),
    ]


def judged_window(choice: VersionChoice) -> tuple:
    """``(start, end, label)`` for ``Report.set_window``: the fundamentals versions the verdict uses,
    from the first in the history to the one it is judged on (or why there is none).

    Args:
        choice: :func:`choose_version`'s result.

    Returns:
        The first and the chosen version's dates, and an empty label (the dates read as the
        window); without a usable version, two Nones and the reason.
    """
    if choice.version is None:
        return (
            None,
            None,
            f"no usable fundamentals version ({choice.short})" if choice.short else "no usable fundamentals version",
        )
    return choice.earliest if choice.earliest is not None else choice.version, choice.version, ""


def headline_metrics(
    now: pd.DataFrame, hist: pd.DataFrame, earliest, version, basis: str, short: str = "", change_gap: str = ""
) -> list[tuple]:
    """``(name, value, unit, label)`` of the S&P 500 headline figures; values None with the reason when absent.

    ``short``: why there is no version; ``change_gap``: why there is no change
    (see :func:`history_gap`).
    """
    mag, oth, spx = group_values(now)
    first = {} if change_gap else dict(zip(*group_values_at(hist, earliest)))
    why = f": not available ({short})" if version is None else ""
    why_change = f": not available ({change_gap})" if change_gap else ""
    when = f" {iso(version)} ({basis})" if version is not None else ""
    out = [
        ("mag7_pe", mag, "x", f"Magnificent 7 aggregate P/E{when}{why}"),
        ("other493_pe", oth, "x", f"Other 493 aggregate P/E{when}{why}"),
        ("sp500_pe", spx, "x", f"S&P 500 aggregate trailing P/E{when}{why}"),
        ("mag7_to_other493", mag / oth, "x", f"Magnificent 7 P/E / Other 493 P/E{why}"),
    ]
    for g, key, v in zip(STANDARD_GROUPS, ("mag7", "other493", "sp500"), (mag, oth, spx)):
        since = f" since {iso(earliest)}" if not change_gap else ""
        out.append((f"{key}_pe_change", v / first.get(g, np.nan) - 1, "fraction", f"{g} P/E change{since}{why_change}"))
    return [(n, None if not math.isfinite(v) else v, u, lab) for n, v, u, lab in out]


BASES = (
    (True, "all", "all members, loss-makers included (S&P's own basis)"),
    (False, "ex_losses", "positive earnings only (the usual fund-provider basis)"),
)


def both_bases_metrics(current: pd.DataFrame, version) -> list[tuple]:
    """Headline rows of the three groups' P/E on both bases (with and without loss-makers),
    so figures are compared like with like; values None without a usable version."""
    out = []
    for inc, tag, words in BASES:
        now = group_pe(current, inc).set_index("group")
        mag, oth, spx = group_values(now)
        when = f" on {iso(version)}" if version is not None else " (no usable version)"
        for key, v, g in (("mag7", mag, MAG7_GROUP), ("other493", oth, OTHER_GROUP), ("sp500", spx, ALL_GROUP)):
            out.append((f"{key}_pe_{tag}", None if not math.isfinite(v) else v, "x", f"{g} P/E, {words}{when}"))
    return out


def missing_members(current: pd.DataFrame, members, caps: pd.DataFrame) -> dict:
    """Members on the run's as-of date that the fundamentals version lacks (no cap or earnings),
    and their share of the members' market cap from the month-end caps (``caps``: ``ticker,
    market_cap``, latest row per ticker used). ``cap_share`` NaN without caps."""
    members = sorted(set(members))
    ok = current.dropna(subset=["market_cap", "earnings"]) if len(current) else current
    have = set(ok["symbol"]) if len(ok) else set()
    missing = [m for m in members if m not in have]
    share, day = np.nan, None
    if caps is not None and len(caps):
        last = caps.sort_values("date").groupby("ticker").tail(1).set_index("ticker")["market_cap"]
        total = last.reindex(members).sum(min_count=1)
        share = float(last.reindex(missing).sum() / total) if total and np.isfinite(total) else np.nan
        day = caps["date"].max()
    return {"members": len(members), "missing": missing, "cap_share": share, "caps_date": day}


def missing_members_sentence(miss: dict, version) -> str:
    """Which members the version lacks and what share of the index's cap they hold."""
    if version is None:
        return ""
    share = (
        f", {nv.pct(miss['cap_share'], sign=False)} of the members' market cap on {iso(miss['caps_date'])} "
        "(Nasdaq screener caps)"
        if math.isfinite(miss["cap_share"])
        else ", their market-cap share unknown here"
    )
    return (
        f"Of the {miss['members']} S&P 500 members on the run's as-of date, {len(miss['missing'])} have no cap or "
        f"earnings in the {iso(version)} version ({nv.listing(miss['missing'][:8])}"
        f"{' ...' if len(miss['missing']) > 8 else ''}){share}; they are left out of every aggregate."
    )


def group_values_at(hist: pd.DataFrame, day) -> tuple[list, list]:
    """(groups, P/Es) of a :func:`pe_history` frame on one version (empty lists when absent)."""
    if day is None or hist.empty:
        return [], []
    h = hist[hist["as_of"] == pd.Timestamp(day)]
    return list(h["group"]), [float(x) for x in h["pe"]]


def version_caveats(current: pd.DataFrame, constituents: pd.DataFrame, choice: VersionChoice, top_symbols) -> list[str]:
    """The caveats on the fundamentals version (Markdown list items); one line with the reason when there is none."""
    if choice.version is None:
        return [f"- No aggregate P/E in this window. {choice.reason}"]
    facts = coverage_facts(current, constituents, choice.usable["as_of"])
    return [
        f"- The {iso(choice.version)} version has no cap or earnings for {nv.plural(len(facts['blank']), 'current member')} "
        f"({nv.listing(facts['blank'][:8])}), left out of every sum"
        + ("; Berkshire Hathaway's absence lowers the Financials' earnings." if "BRK-B" in facts["blank"] else "."),
        f"- The source's list keeps {nv.plural(facts['stale'], 'symbol')} that are not in the latest constituents list "
        f"(departed members or renames); those with data count in the Other 493. {facts['unclassified']} could not be mapped to a sector.",
        f"- {nv.plural(choice.skipped, 'incomplete version')} skipped; "
        + (
            f"versions are irregular ({iso(choice.earliest)} to {iso(choice.version)}, longest gap "
            f"{facts['longest_gap_days']} days after {iso(facts['longest_gap_after'])}), so the history is a set of "
            "dated points, not a series."
            if len(choice.usable) > 1
            else f"only one usable version ({iso(choice.version)}) in the history, so no change is measured."
        ),
        "- Earnings are trailing and as reported: one-off gains (e.g. revaluations of stakes in private companies) inflate "
        + (
            f"them; see the largest Magnificent 7 changes in Finding 2 ({nv.listing(list(top_symbols))})."
            if len(choice.usable) > 1
            else "them."
        ),
    ]


# ---- claim rules ----------------------------------------------------------------
def small_cap_claim(small_pe: float, large_pe: float) -> str:
    """A6: small caps cheaper than large caps. Unverifiable without a measured small-cap P/E."""
    if not (small_pe is not None and math.isfinite(small_pe) and math.isfinite(large_pe)):
        return ClaimVerdict.UNVERIFIABLE
    return ClaimVerdict.CONFIRMED if small_pe < large_pe else ClaimVerdict.CONTRADICTED


def trailing_30x_claim(sp500_trailing_pe: float, claimed: float = 30.0, tol: float = 0.1) -> str:
    """B1's S&P 500 side: 'past 30x' labelled forward.

    Our figure is trailing; if it is within ``tol`` of (or above) the claimed level
    the number fits a trailing measure but not the forward one the article names
    ('mixed'); if it is well below, neither reading fits ('contradicted').
    """
    if sp500_trailing_pe is None or not math.isfinite(sp500_trailing_pe):
        return ClaimVerdict.UNVERIFIABLE
    return ClaimVerdict.MIXED if sp500_trailing_pe >= claimed * (1 - tol) else ClaimVerdict.CONTRADICTED


def check_groups(groups, allowed) -> list[str]:
    """Validate the notebook's ``groups`` parameter (one-line error on an unknown name)."""
    if isinstance(groups, str):
        groups = [groups]
    groups = list(dict.fromkeys(groups or []))
    bad = [g for g in groups if g not in set(allowed)]
    if bad or not groups:
        raise BadInputError(f"groups: {bad or 'empty list'} not among {', '.join(sorted(allowed))}")
    return groups
