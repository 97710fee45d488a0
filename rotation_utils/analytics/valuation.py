"""Aggregate valuation of groups of companies: the P/E gap between the Magnificent 7,
the "Other 493", the S&P 500 and its sectors, how it moved, and Shiller's long history.

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

Related modules: :mod:`.valuation_versions` (which dated version is summed),
:mod:`.valuation_small_caps` (named companies, IWM, the ^RUT/^GSPC ratio),
:mod:`.valuation_verdicts` (claim tests and the verdict logic) and
:mod:`.valuation_data` (the report's inputs, read once). The words are in
:mod:`rotation_utils.story.valuation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import BadInputError
from ..universes import MAG7, SECOND_CLASSES

MAG7_GROUP = "Magnificent 7"
OTHER_GROUP = "Other 493"
ALL_GROUP = "S&P 500"
STANDARD_GROUPS = (MAG7_GROUP, OTHER_GROUP, ALL_GROUP)
UNCLASSIFIED = "Unclassified"
PE_COLUMNS = ["companies", "with_data", "loss_makers", "market_cap", "earnings", "pe", "median_pe", "mean_pe"]
HISTORY_COLUMNS = ["as_of", "group", "market_cap", "earnings", "pe", "with_data", "loss_makers"]
PE_TABLE_COLUMNS = ["group", "companies", "loss_makers", "cap_share", "pe_all", "pe_ex_losses", "median_pe"]
#: the two bases of the P/E: (loss-makers included, tag of the headline rows)
BASES = ((True, "all"), (False, "ex_losses"))


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


def pe_column(include_loss_makers: bool) -> str:
    """The :func:`pe_table` column of the headline basis: ``pe_all`` with loss-makers, else ``pe_ex_losses``."""
    return "pe_all" if include_loss_makers else "pe_ex_losses"


def groups_now(version: pd.DataFrame, include_losses: bool = True) -> pd.DataFrame:
    """:func:`group_pe` of one version indexed by group (empty rows without a version)."""
    return group_pe(version, include_losses).set_index("group")


@dataclass(frozen=True)
class GroupFigures:
    """The three groups' aggregate P/E on one version (NaN when absent).

    Attributes:
        mag7, other493, sp500: the Magnificent 7's, the Other 493's and the S&P 500's P/E.
    """

    mag7: float
    other493: float
    sp500: float

    @property
    def ratio(self) -> float:
        """Magnificent 7 P/E over the Other 493's."""
        return self.mag7 / self.other493

    @property
    def measured(self) -> bool:
        """True when all three P/Es exist (the window has a usable version)."""
        return all(math.isfinite(x) for x in (self.mag7, self.other493, self.sp500))


def group_values(now: pd.DataFrame, col: str = "pe") -> tuple[float, float, float]:
    """(Magnificent 7, Other 493, S&P 500) figures from :func:`groups_now`; NaN when absent."""
    v = now[col].reindex(list(STANDARD_GROUPS)) if col in now else pd.Series(np.nan, index=list(STANDARD_GROUPS))
    return tuple(float(x) for x in v.astype("float64"))


def group_figures(now: pd.DataFrame) -> GroupFigures:
    """The three groups' P/E of a :func:`groups_now` frame as a :class:`GroupFigures`."""
    return GroupFigures(*group_values(now))


def group_values_at(hist: pd.DataFrame, day) -> tuple[list, list]:
    """(groups, P/Es) of a :func:`pe_history` frame on one version (empty lists when absent)."""
    if day is None or hist.empty:
        return [], []
    h = hist[hist["as_of"] == pd.Timestamp(day)]
    return list(h["group"]), [float(x) for x in h["pe"]]


@dataclass(frozen=True)
class GroupComparison:
    """What Finding 1 reports on one version (see :func:`group_comparison`).

    Attributes:
        figures: the three groups' P/E on the headline basis.
        other_loss_makers: loss-makers among the Other 493.
        other_pe_all, other_pe_ex_losses: the Other 493's P/E with and without them.
        other_median, other_mean: the median and the plain mean of the Other 493's P/Es.
        dearest, cheapest: ``(sector, P/E)`` of the most and least expensive GICS sector.
    """

    figures: GroupFigures
    other_loss_makers: int
    other_pe_all: float
    other_pe_ex_losses: float
    other_median: float
    other_mean: float
    dearest: tuple
    cheapest: tuple

    @property
    def premium(self) -> float:
        """How far the Magnificent 7 P/E is above (+) or below (-) the Other 493's, a fraction."""
        return self.figures.ratio - 1


def group_comparison(now: pd.DataFrame, pe_tab: pd.DataFrame, pe_col: str) -> GroupComparison:
    """The groups' P/E, the Other 493's loss-makers and the sector extremes of one version.

    Args:
        now: :func:`groups_now` on the headline basis.
        pe_tab: :func:`pe_table` of the same version.
        pe_col: the headline basis column of ``pe_tab`` (:func:`pe_column`).
    """
    sec = (
        pe_tab.iloc[3:][lambda t: t["group"] != UNCLASSIFIED]
        .dropna(subset=[pe_col])
        .sort_values(pe_col, ascending=False)
    )
    o493 = pe_tab.set_index("group").loc[OTHER_GROUP]
    return GroupComparison(
        group_figures(now),
        int(o493["loss_makers"]),
        float(o493["pe_all"]),
        float(o493["pe_ex_losses"]),
        float(now.loc[OTHER_GROUP, "median_pe"]),
        float(now.loc[OTHER_GROUP, "mean_pe"]),
        (sec.iloc[0]["group"], float(sec.iloc[0][pe_col])),
        (sec.iloc[-1]["group"], float(sec.iloc[-1][pe_col])),
    )


def headline_figures(now: pd.DataFrame, hist: pd.DataFrame, earliest, measure_change: bool) -> dict:
    """The headline values: each group's P/E, the Magnificent 7 / Other 493 ratio and each
    group's P/E change since ``earliest`` (NaN when absent; no change unless ``measure_change``).

    Returns:
        ``{"mag7_pe", "other493_pe", "sp500_pe", "mag7_to_other493", "mag7_pe_change",
        "other493_pe_change", "sp500_pe_change"}`` -> float.
    """
    mag, oth, spx = group_values(now)
    first = dict(zip(*group_values_at(hist, earliest))) if measure_change else {}
    out = {"mag7_pe": mag, "other493_pe": oth, "sp500_pe": spx, "mag7_to_other493": mag / oth}
    for g, key, v in zip(STANDARD_GROUPS, ("mag7", "other493", "sp500"), (mag, oth, spx)):
        out[f"{key}_pe_change"] = v / first.get(g, np.nan) - 1
    return out


def both_bases(current: pd.DataFrame) -> dict:
    """The three groups' P/E on both bases, so figures are compared like with like.

    Returns:
        ``{tag: GroupFigures}`` for the tags of :data:`BASES` (``all``: loss-makers
        included, ``ex_losses``: excluded); NaN figures without a version.
    """
    return {tag: group_figures(groups_now(current, inc)) for inc, tag in BASES}


def check_groups(groups, constituents: pd.DataFrame) -> list[str]:
    """Validate the notebook's ``groups`` parameter against the standard groups and the GICS
    sectors of ``constituents`` (one-line error on an unknown name).

    Returns:
        The groups as a list without repeats.
    Raises:
        BadInputError: an unknown name or an empty list.
    """
    allowed = STANDARD_GROUPS + tuple(constituents["gics_sector"].dropna().unique())
    if isinstance(groups, str):
        groups = [groups]
    groups = list(dict.fromkeys(groups or []))
    bad = [g for g in groups if g not in set(allowed)]
    if bad or not groups:
        raise BadInputError(f"groups: {bad or 'empty list'} not among {', '.join(sorted(allowed))}")
    return groups


# ---- history ------------------------------------------------------------------
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


def mag7_earnings_movers(companies: pd.DataFrame, start, end, top: int = 3) -> pd.DataFrame:
    """The Magnificent 7 names whose trailing earnings changed most between two versions
    (:func:`earnings_contributors`; empty without both versions)."""
    return earnings_contributors(companies, start, end, MAG7, top=top)


def groups_and_sectors(history: pd.DataFrame, sector_history: pd.DataFrame) -> pd.DataFrame:
    """The group and sector P/E histories in one long frame, for the chart of chosen groups."""
    return pd.concat([history, sector_history])


# ---- long history -----------------------------------------------------------
def shiller_pe(shiller: pd.DataFrame, up_to=None) -> pd.DataFrame:
    """Monthly trailing P/E (price / 12-month reported earnings) and CAPE where either exists.

    Args:
        shiller: Shiller's monthly series (``date, sp500, earnings, cape``).
        up_to: the last month kept (the window end: nothing after it is shown); None keeps all.
    Returns:
        ``date, pe, cape``.
    """
    s = shiller[["date", "sp500", "earnings", "cape"]].copy()
    s["pe"] = (s["sp500"] / s["earnings"]).where(s["earnings"] > 0)
    out = s.dropna(subset=["pe", "cape"], how="all")[["date", "pe", "cape"]].reset_index(drop=True)
    return out if up_to is None else out[out["date"] <= pd.Timestamp(up_to)]


def percentile_of(series: pd.Series, value: float) -> float:
    """Share of the history at or below ``value`` (fraction); NaN when either is missing."""
    s = series.dropna()
    if s.empty or value is None or not math.isfinite(value):
        return np.nan
    return float((s <= value).mean())


@dataclass(frozen=True)
class ShillerSummary:
    """Where Shiller's series end and where a P/E sits in them (see :func:`shiller_summary`).

    Attributes:
        pe_month, pe: the last month with a trailing P/E and its value.
        cape_month, cape: the last month with a CAPE and its value.
        median_pe, median_cape: the medians of the whole series shown.
        percentile: the share of the monthly trailing P/Es at or below the run's aggregate
            P/E (NaN without one).
    """

    pe_month: pd.Timestamp
    pe: float
    cape_month: pd.Timestamp
    cape: float
    median_pe: float
    median_cape: float
    percentile: float


def shiller_summary(sh: pd.DataFrame, today_pe: float) -> ShillerSummary:
    """The last values and medians of a :func:`shiller_pe` frame and where ``today_pe`` sits in it."""
    last_pe, last_cape = sh.dropna(subset=["pe"]).iloc[-1], sh.dropna(subset=["cape"]).iloc[-1]
    return ShillerSummary(
        pd.Timestamp(last_pe["date"]),
        float(last_pe["pe"]),
        pd.Timestamp(last_cape["date"]),
        float(last_cape["cape"]),
        float(sh["pe"].median()),
        float(sh["cape"].median()),
        percentile_of(sh["pe"], today_pe),
    )
