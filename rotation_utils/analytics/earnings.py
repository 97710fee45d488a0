"""Earnings and margins by group: the "earnings race" between the Magnificent 7,
the Other 493 and the companies the articles name.

Why this module: prices say what investors expect; the articles' AI thesis is
about realised profits ("efficiency harvest", the Other 493 catching up). These
functions turn company statements into group aggregates with rules stated once:

- **Fiscal-year alignment.** Companies close their years in different months
  (Apple in September, Microsoft in June, Nvidia and UiPath in January). A
  statement is assigned to the calendar year in which its period ends, except
  that years ending January to May count in the previous calendar year, where
  most of their months fall (``calendar_year``, the usual convention): Nvidia's
  year ending 2025-01-26 counts as 2024.
- **Point in time.** With a window ``end``, only statements filed by that date
  are used (``known_by``), so a 2024 window cannot see 2025 results.
- **Alphabet once.** Second share classes (GOOG for GOOGL, ...) are dropped when
  the primary listing is present, so a company's profit is not counted twice.
- **Same-company growth.** Growth from year t-1 to t sums net income over the
  companies that report in both years only; losses are included in the sums
  (aggregate earnings), and growth is undefined when the base sum is not positive.
- **Coverage.** A year whose same-company sample covers less than
  ``min_coverage`` of the group is flagged partial and kept out of headlines.

Quarterly statements come through the data layer (read by
:mod:`rotation_utils.analytics.earnings_data`), which merges live quarters onto the stored history. The claim
verdicts built on these tables are in :mod:`rotation_utils.analytics.earnings_verdicts`;
their sentences, display tables and caveats in :mod:`rotation_utils.story.earnings`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import BadInputError
from ..universes import MAG7, SECOND_CLASSES

FLOW_FIELDS = ["revenue", "operating_income", "net_income"]
GROUP_ORDER = ["Mag 7", "Other 493"]


# ---- alignment ---------------------------------------------------------------
def fiscal_year_list(fiscal_years) -> list[int]:
    """The ``fiscal_years`` parameter as sorted, distinct integers.

    Why: papermill may pass the years as strings or with repeats; every table
    is keyed by int year, and an empty list leaves nothing to compare, which
    must be a one-line input error rather than empty sections.
    """
    years = sorted({int(y) for y in fiscal_years})
    if not years:
        raise BadInputError("fiscal_years: give at least one year")
    return years


#: fiscal years ending in these months are assigned to the previous calendar year
EARLY_YEAR_END_MONTHS = 5


def calendar_year(period_end) -> pd.Series:
    """The year label used everywhere here: the calendar year of ``period_end``, minus one
    for years ending January to May (most of such a year lies in the previous calendar year)."""
    d = pd.to_datetime(pd.Series(period_end))
    return (d.dt.year - (d.dt.month <= EARLY_YEAR_END_MONTHS).astype("int64")).astype("int64")


def known_by(statements: pd.DataFrame, end=None) -> pd.DataFrame:
    """Statements filed on or before ``end`` (all when ``end`` is None).

    Rows without a filing date are kept only if their period ended 90 days
    before ``end`` (a conservative stand-in for the filing lag).
    """
    if end is None:
        return statements.copy()
    end = pd.Timestamp(end)
    filed = statements["filing_date"]
    ok = filed.le(end) | (filed.isna() & statements["period_end"].le(end - pd.Timedelta(days=90)))
    return statements[ok].copy()


def drop_second_classes(df: pd.DataFrame, col: str = "symbol") -> pd.DataFrame:
    """Drop second share-class rows (GOOG) whose primary listing (GOOGL) is present."""
    present = set(df[col])
    drop = {second for second, primary in SECOND_CLASSES.items() if primary in present}
    return df[~df[col].isin(drop)].copy()


def assign_groups(symbols, members) -> pd.Series:
    """'Mag 7' for the seven, 'Other 493' for other S&P 500 ``members``; others dropped.

    Returns a Series indexed by symbol. GOOG counts as Alphabet only when GOOGL
    is absent from ``symbols`` (see :func:`drop_second_classes`).
    """
    members = set(members)
    out = {}
    for s in symbols:
        if s in MAG7 or (s == "GOOG" and "GOOGL" not in symbols):
            out[s] = "Mag 7"
        elif s in members and s not in SECOND_CLASSES:
            out[s] = "Other 493"
    return pd.Series(out, dtype="string", name="group")


def annual_panel(statements: pd.DataFrame, groups: pd.Series | dict) -> pd.DataFrame:
    """One row per (symbol, year) for the grouped symbols: ``symbol, group, year,
    period_end, revenue, operating_income, net_income`` plus the two margins.

    ``groups`` maps symbol -> group label. When a company has two statements
    ending in the same calendar year (a fiscal-year change), the later one is kept.
    """
    groups = pd.Series(groups, dtype="string")
    df = drop_second_classes(statements)
    df = df[df["symbol"].isin(groups.index)]
    df = df.assign(year=calendar_year(df["period_end"]).to_numpy(), group=df["symbol"].map(groups).to_numpy())
    df = df.sort_values(["symbol", "period_end"]).drop_duplicates(["symbol", "year"], keep="last")
    rev = df["revenue"].where(df["revenue"] > 0)
    df = df.assign(operating_margin=df["operating_income"] / rev, net_margin=df["net_income"] / rev)
    cols = ["symbol", "group", "year", "period_end", *FLOW_FIELDS, "operating_margin", "net_margin"]
    return df[cols].reset_index(drop=True)


# ---- aggregates --------------------------------------------------------------
def aggregate_growth(
    panel: pd.DataFrame, years, group_sizes: dict | None = None, value: str = "net_income", min_coverage: float = 0.8
) -> pd.DataFrame:
    """Same-company growth of the summed ``value`` per group and year.

    Columns: ``group, year, companies`` (in both years), ``group_size``,
    ``coverage`` (companies / group size), ``base`` and ``current`` (sums, USD),
    ``growth`` (fraction; NaN when the base sum is not positive), ``complete``
    (coverage >= ``min_coverage``). ``group_sizes`` defaults to the number of
    companies of the group seen anywhere in ``panel``.
    """
    rows = []
    sizes = group_sizes or panel.groupby("group")["symbol"].nunique().to_dict()
    for group, g in panel.groupby("group", sort=False):
        wide = g.pivot_table(index="symbol", columns="year", values=value, aggfunc="last")
        for y in years:
            if y not in wide.columns or (y - 1) not in wide.columns:
                both = pd.DataFrame(columns=["b", "c"])
            else:
                both = wide[[y - 1, y]].dropna().set_axis(["b", "c"], axis=1)
            base, cur = float(both["b"].sum()), float(both["c"].sum())
            n, size = len(both), int(sizes.get(group, 0))
            cov = n / size if size else np.nan
            rows.append(
                {
                    "group": group,
                    "year": int(y),
                    "companies": n,
                    "group_size": size,
                    "coverage": cov,
                    "base": base if n else np.nan,
                    "current": cur if n else np.nan,
                    "growth": cur / base - 1.0 if n and base > 0 else np.nan,
                    "complete": bool(n and cov >= min_coverage),
                }
            )
    out = pd.DataFrame(rows)
    if out.empty:  # no group has statements in the window: the columns, no rows
        return pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in (
                    ("group", "string"),
                    ("year", "int64"),
                    ("companies", "int64"),
                    ("group_size", "int64"),
                    ("coverage", "float64"),
                    ("base", "float64"),
                    ("current", "float64"),
                    ("growth", "float64"),
                    ("complete", "bool"),
                )
            }
        )
    out["order"] = out["group"].map({g: i for i, g in enumerate(GROUP_ORDER)}).fillna(9)
    return out.sort_values(["order", "year"]).drop(columns="order").reset_index(drop=True)


def latest_complete_years(growth: pd.DataFrame, n: int = 2) -> list[int]:
    """The last ``n`` years that are complete for every group in ``growth``."""
    if growth.empty:
        return []
    ok = growth.groupby("year")["complete"].all()
    return sorted(int(y) for y in ok[ok].index)[-n:]


def group_margins(panel: pd.DataFrame, years) -> pd.DataFrame:
    """Aggregate (sum over sum) and median operating and net margins per group and year.

    The aggregate margin is what the group earns on a dollar of its combined
    revenue; the median shows the typical company. ``cost_ratio`` is operating
    costs over revenue (1 - aggregate operating margin): with revenue and
    operating income only, that is the cost measure the statements allow.
    """
    p = panel[panel["year"].isin(list(years)) & panel["revenue"].gt(0)]
    rows = []
    for (group, year), g in p.groupby(["group", "year"], sort=False):
        rev = g["revenue"].sum()
        op = g["operating_income"].sum(min_count=1)
        rows.append(
            {
                "group": group,
                "year": int(year),
                "companies": len(g),
                "operating_margin": op / rev,
                "net_margin": g["net_income"].sum(min_count=1) / rev,
                "median_operating_margin": g["operating_margin"].median(),
                "median_net_margin": g["net_margin"].median(),
                "cost_ratio": 1.0 - op / rev,
            }
        )
    cols = [
        "group",
        "year",
        "companies",
        "operating_margin",
        "net_margin",
        "median_operating_margin",
        "median_net_margin",
        "cost_ratio",
    ]
    return pd.DataFrame(rows, columns=cols).sort_values(["group", "year"]).reset_index(drop=True)


def company_changes(panel: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per company: revenue growth and margin changes from ``year - 1`` to ``year``.

    Columns ``symbol, group, revenue_growth`` (fraction), ``operating_margin``
    (in ``year``), ``operating_margin_change`` and ``net_margin_change``
    (fractions; shown as pp). Companies missing either year are left out.
    """
    a = panel[panel["year"] == year - 1].set_index("symbol")
    b = panel[panel["year"] == year].set_index("symbol")
    both = b.index.intersection(a.index)
    a, b = a.loc[both], b.loc[both]
    rev_growth = b["revenue"] / a["revenue"].where(a["revenue"] > 0) - 1.0
    out = pd.DataFrame(
        {
            "symbol": both,
            "group": b["group"].to_numpy(),
            "revenue_growth": rev_growth.to_numpy(),
            "operating_margin": b["operating_margin"].to_numpy(),
            "operating_margin_change": (b["operating_margin"] - a["operating_margin"]).to_numpy(),
            "net_margin_change": (b["net_margin"] - a["net_margin"]).to_numpy(),
        }
    )
    return out.reset_index(drop=True)


def basket_margin_change(changes: pd.DataFrame, baskets: dict) -> pd.DataFrame:
    """Median operating- and net-margin change of each basket (dict name -> tickers),
    with how many members had both years."""
    rows = []
    for name, members in baskets.items():
        sub = changes[changes["symbol"].isin(members)]
        rows.append(
            {
                "basket": name,
                "members": len(members),
                "with_data": len(sub),
                "median_operating_margin_change": sub["operating_margin_change"].median(),
                "median_net_margin_change": sub["net_margin_change"].median(),
                "median_revenue_growth": sub["revenue_growth"].median(),
            }
        )
    return pd.DataFrame(rows)


def efficiency_harvest(changes: pd.DataFrame) -> pd.DataFrame:
    """Flag companies whose operating margin rose (their operating-cost ratio fell)
    and whose net-margin change is not mostly explained by below-the-line items.

    ``harvest`` is True when the operating margin rose; ``below_the_line`` is True
    when the net margin rose by more than twice the operating margin (tax
    releases, one-offs), which is not an efficiency gain.
    """
    op, net = changes["operating_margin_change"], changes["net_margin_change"]
    return changes.assign(harvest=op.gt(0), below_the_line=net.gt(0) & net.gt(2 * op.clip(lower=0)))


# ---- trailing EPS between dated versions ------------------------------------
def pick_versions(
    as_of_dates, start, end=None, max_base_gap_days: int = 92, min_span_days: int = 180
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The pair of dated fundamentals versions that frames the window.

    Base: the last version on or before ``start`` if it is at most
    ``max_base_gap_days`` old, else the first version after ``start``. Final: the
    last version on or before ``end``. None when the two are under
    ``min_span_days`` apart (growth over a few weeks says nothing).
    """
    d = pd.DatetimeIndex(sorted(set(pd.to_datetime(list(as_of_dates)))))
    start = pd.Timestamp(start)
    d_end = d if end is None else d[d <= pd.Timestamp(end)]
    if d_end.empty:
        return None
    before = d[d <= start]
    if len(before) and (start - before[-1]).days <= max_base_gap_days:
        base = before[-1]
    else:
        after = d[d > start]
        if after.empty:
            return None
        base = after[0]
    final = d_end[-1]
    if (final - base).days < min_span_days:
        return None
    return base, final


def trailing_earnings(fin: pd.DataFrame, groups: pd.Series | dict) -> pd.DataFrame:
    """Company trailing earnings per version: ``eps * market_cap / price`` (= EPS x shares).

    Signed, so loss-makers count (a P/E would drop them). Second share classes
    are dropped first (their rows carry the whole company's cap).
    """
    groups = pd.Series(groups, dtype="string")
    f = drop_second_classes(fin)
    f = f[f["symbol"].isin(groups.index)]
    earn = f["eps"] * f["market_cap"] / f["price"].where(f["price"] > 0)
    return pd.DataFrame(
        {
            "as_of": f["as_of"].to_numpy(),
            "symbol": f["symbol"].to_numpy(),
            "group": f["symbol"].map(groups).to_numpy(),
            "earnings": earn.to_numpy(),
        }
    ).dropna(subset=["earnings"])


def trailing_eps_growth(fin: pd.DataFrame, groups, base, final) -> pd.DataFrame:
    """Same-company growth of summed trailing earnings between two versions, per group.

    Columns ``group, base_as_of, final_as_of, months, companies, growth``
    (fraction over the span) and ``annualised``.
    """
    te = trailing_earnings(fin, groups)
    a = te[te["as_of"] == pd.Timestamp(base)].set_index("symbol")
    b = te[te["as_of"] == pd.Timestamp(final)].set_index("symbol")
    both = a.index.intersection(b.index)
    months = (pd.Timestamp(final) - pd.Timestamp(base)).days / 30.4375
    rows = []
    for group in GROUP_ORDER:
        syms = [s for s in both if a.at[s, "group"] == group]
        s0, s1 = a.loc[syms, "earnings"].sum(), b.loc[syms, "earnings"].sum()
        g = s1 / s0 - 1.0 if syms and s0 > 0 else np.nan
        rows.append(
            {
                "group": group,
                "base_as_of": pd.Timestamp(base),
                "final_as_of": pd.Timestamp(final),
                "months": months,
                "companies": len(syms),
                "growth": g,
                "annualised": (1 + g) ** (12 / months) - 1 if np.isfinite(g) and g > -1 else np.nan,
            }
        )
    return pd.DataFrame(rows)


# ---- quarterly statements ------------------------------------------------------
def ttm_margins(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Trailing-four-quarter margins: the latest four quarters against the four before.

    Needs eight consecutive quarters per symbol (quarter ends about three months
    apart); symbols with fewer get NaN changes. Columns ``symbol, last_quarter,
    ttm_revenue_growth, ttm_operating_margin, ttm_operating_margin_change,
    ttm_net_margin, ttm_net_margin_change``.
    """
    rows = []
    for sym, g in quarterly.sort_values("period_end").groupby("symbol", sort=True):
        g = g.drop_duplicates("period_end", keep="last").tail(8)
        gaps = g["period_end"].diff().dt.days.dropna()
        ok = len(g) == 8 and gaps.between(80, 100).all()
        last4 = g.tail(4)[FLOW_FIELDS].sum(min_count=4)
        prev4 = g.head(4)[FLOW_FIELDS].sum(min_count=4) if ok else pd.Series(np.nan, index=FLOW_FIELDS)
        om1 = last4["operating_income"] / last4["revenue"] if len(g) >= 4 else np.nan
        nm1 = last4["net_income"] / last4["revenue"] if len(g) >= 4 else np.nan
        om0 = prev4["operating_income"] / prev4["revenue"]
        nm0 = prev4["net_income"] / prev4["revenue"]
        rows.append(
            {
                "symbol": sym,
                "last_quarter": g["period_end"].iloc[-1],
                "ttm_revenue_growth": last4["revenue"] / prev4["revenue"] - 1.0,
                "ttm_operating_margin": om1,
                "ttm_operating_margin_change": om1 - om0,
                "ttm_net_margin": nm1,
                "ttm_net_margin_change": nm1 - nm0,
            }
        )
    cols = [
        "symbol",
        "last_quarter",
        "ttm_revenue_growth",
        "ttm_operating_margin",
        "ttm_operating_margin_change",
        "ttm_net_margin",
        "ttm_net_margin_change",
    ]
    return pd.DataFrame(rows, columns=cols)


# ---- Russell 2000 coverage (the input to the forecast claims) ------------------
def russell_coverage(holdings: pd.DataFrame, panel_all: pd.DataFrame, year: int) -> dict:
    """How much of the Russell 2000 (IWM holdings) has a statement for ``year``.

    ``panel_all``: an annual panel of any symbols (``symbol, year, revenue,
    net_income``). Returns the IWM weight share and count covered and, for the
    covered names, their aggregate net margin and same-company net income growth
    from the year before (partial figures, not the index's), and the date of the
    holdings file (``holdings_date``, None when the frame has no such column).
    """
    have = panel_all[panel_all["year"] == year]
    covered = holdings[holdings["ticker"].isin(have["symbol"])]
    sub = have[have["symbol"].isin(covered["ticker"]) & have["revenue"].gt(0)]
    prev = panel_all[(panel_all["year"] == year - 1) & panel_all["symbol"].isin(sub["symbol"])]
    cur = sub[sub["symbol"].isin(prev["symbol"])]
    base = prev["net_income"].sum()
    total_w = holdings["weight_pct"].sum()
    held = holdings["holdings_date"].iloc[0] if "holdings_date" in holdings and len(holdings) else None
    return {
        "year": year,
        "names": int(holdings["ticker"].nunique()),
        "holdings_date": held,
        "covered": int(covered["ticker"].nunique()),
        "weight_share": float(covered["weight_pct"].sum() / total_w) if total_w else np.nan,
        "net_margin_covered": (float(sub["net_income"].sum() / sub["revenue"].sum()) if len(sub) else np.nan),
        "growth_covered": float(cur["net_income"].sum() / base - 1) if len(cur) and base > 0 else np.nan,
    }


# ---- lookups -------------------------------------------------------------------
def group_value(growth: pd.DataFrame, group: str, year, col: str = "growth"):
    """One cell of the growth table (NaN when the group or year is absent)."""
    sub = growth[(growth["group"] == group) & (growth["year"] == year)]
    return sub[col].iloc[0] if len(sub) else np.nan


# ---- report inputs ---------------------------------------------------------------
def verdict_year(latest: list, years) -> int:
    """The year the margin tables compare with the year before: the latest complete
    year, else the last selected fiscal year."""
    return latest[-1] if latest else max(years)


def shown_years(years, latest: list) -> list[int]:
    """The selected years up to the latest complete one (partial years would mislead)."""
    return [y for y in years if not latest or y <= latest[-1]]


def group_members(groups: pd.Series) -> dict:
    """``{group: [symbols]}`` for the groups of ``GROUP_ORDER`` (``groups``: from :func:`assign_groups`)."""
    return {g: list(groups.index[groups == g]) for g in GROUP_ORDER}


def named_margin_table(named: pd.DataFrame, changes: pd.DataFrame, ttm: pd.DataFrame) -> pd.DataFrame:
    """One row per named company: its basket, annual margin changes (:func:`efficiency_harvest`
    of :func:`company_changes`) and trailing-quarter margins (:func:`ttm_margins`)."""
    return (
        named[["ticker", "basket"]]
        .rename(columns={"ticker": "symbol"})
        .merge(changes.drop(columns="group"), on="symbol", how="left")
        .merge(ttm, on="symbol", how="left")
    )


def scatter_frame(changes_groups: pd.DataFrame, changes_named: pd.DataFrame) -> pd.DataFrame:
    """Company changes of the two groups plus the named companies outside them (once each)."""
    extra = changes_named[~changes_named["symbol"].isin(changes_groups["symbol"])]
    return pd.concat([changes_groups, extra.drop(columns=["harvest", "below_the_line"])], ignore_index=True)


def russell_by_year(iwm: dict, annual: pd.DataFrame, end, years=(2025, 2026)) -> dict:
    """``{year: russell_coverage(...)}`` from the last IWM holdings file up to ``end``
    (the first file when none is that early), over all companies' statements."""
    ref = max([d for d in iwm if d <= pd.Timestamp(end)] or [min(iwm)])
    panel = annual_panel(annual, pd.Series("all", index=sorted(set(annual["symbol"]))))
    return {y: russell_coverage(iwm[ref], panel, y) for y in years}


def members_without_statements(groups: pd.Series, panel: pd.DataFrame) -> list[str]:
    """S&P 500 members (``groups``' index) with no annual statement in ``panel`` (sorted)."""
    return sorted(set(groups.index) - set(panel["symbol"]))


def sp500_groups(annual: pd.DataFrame, members) -> pd.Series:
    """:func:`assign_groups` over every company with statements or S&P 500 membership."""
    return assign_groups(sorted(set(annual["symbol"]) | set(members)), members)


def margins_table(panels, years) -> pd.DataFrame:
    """:func:`group_margins` of several panels (the groups', the named baskets') stacked."""
    return pd.concat([group_margins(p, years) for p in panels], ignore_index=True)


def group_sizes(groups: pd.Series) -> dict:
    """Companies per group of a :func:`sp500_groups` series (the denominators of coverage)."""
    return groups.value_counts().to_dict()


def versions_of(fin: pd.DataFrame) -> list[pd.Timestamp]:
    """The dated versions (``as_of``) of an S&P 500 financials table, oldest first."""
    return sorted(pd.to_datetime(fin["as_of"].unique()))


def basket_changes_table(
    changes_named: pd.DataFrame, baskets: dict, changes_groups: pd.DataFrame, groups: pd.Series
) -> pd.DataFrame:
    """Median margin changes of the named baskets, then of the Mag 7 and the Other 493
    (:func:`basket_margin_change` of each, stacked in that order)."""
    return pd.concat(
        [basket_margin_change(changes_named, baskets), basket_margin_change(changes_groups, group_members(groups))],
        ignore_index=True,
    )
