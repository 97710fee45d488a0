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

Quarterly statements come through the data layer (``quarterly_statements``),
which merges live quarters onto the stored history. The claim
verdicts built on these tables are in :mod:`rotation_utils.analytics.earnings_verdicts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import optional, schemas
from ..errors import BadInputError, DataUnavailableError
from ..universes import MAG7, SECOND_CLASSES

FLOW_FIELDS = ["revenue", "operating_income", "net_income"]
GROUP_ORDER = ["Mag 7", "Other 493"]


# ---- optional inputs -----------------------------------------------------------
#: the data layer's optional tables (their schemas give the empty stand-in's columns)
OPTIONAL_TABLES = {s.name: s for s in (schemas.MARKET_CAPS, schemas.SP500_FINANCIALS)}


#: how the reports name those tables
OPTIONAL_LABELS = {"market_caps": "month-end market caps", "sp500_financials": "dated S&P 500 fundamentals"}


def empty_table(dataset: str) -> pd.DataFrame:
    """A frame with no rows and the columns/dtypes of one of ``OPTIONAL_TABLES``."""
    return OPTIONAL_TABLES[dataset].empty()


def optional_table(fetch, *args, dataset: str, **kw) -> tuple[pd.DataFrame, str | None]:
    """Load an optional dataset: ``(frame, None)``, or ``(empty frame, note)`` when the data
    layer has none for the window (see :func:`rotation_utils.data.optional`); the note
    names the dataset and carries the data layer's reason.
    """
    frame, why = optional(fetch, *args, schema=OPTIONAL_TABLES[dataset], **kw)
    return frame, why and f"{OPTIONAL_LABELS.get(dataset, dataset)}: {why}"


def window_gaps(end, members, log_start, annual: pd.DataFrame, years, notes=()) -> list[str]:
    """What the window lacks, one computed phrase each, for the report's Data section.

    - S&P 500 membership: the change log replayed to ``end`` gives no members
      (it starts later, on ``log_start``: ``DataLayer.sp500_log_start``), so the
      Other 493 is empty;
    - annual statements: none of the selected fiscal ``years`` has a statement
      filed by ``end`` for it and the year before (growth needs both);
    - ``notes``: the data layer's reasons for optional datasets (see
      :func:`optional_table`); None entries are skipped.
    """
    end = pd.Timestamp(end)
    out = []
    if not len(members):
        out.append(
            f"S&P 500 membership on {end:%Y-%m-%d}: the change log "
            + (f"starts on {pd.Timestamp(log_start):%Y-%m-%d}" if log_start is not None else "is empty")
            + ", so the Other 493 group is empty"
        )
    have = set(calendar_year(annual["period_end"])) if len(annual) else set()
    years = sorted(int(y) for y in years)
    if years and not have:
        out.append(f"annual statements: none filed by {end:%Y-%m-%d}, so no fiscal year can be compared")
    elif years and not any(y in have and y - 1 in have for y in years):
        out.append(
            f"annual statements: those filed by {end:%Y-%m-%d} reach calendar year {max(have)}, so none "
            f"of the selected fiscal years ({years[0]}-{years[-1]}) has two consecutive years to compare "
            "(pass earlier fiscal_years)"
        )
    return out + [n for n in notes if n]


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


#: a quarter without a filing date (live Yahoo rows) counts this long after it ends
LIVE_FILING_LAG = pd.Timedelta(days=45)


def quarterly_statements(dl, tickers, end=None):
    """Quarterly statements for ``tickers`` from the data layer.

    In ``auto`` the layer merges Yahoo's live quarters (about five) onto the
    stored history period by period, so trailing-four-quarter margins work
    online. Returns ``(frame, note)``: the quarterly schema's ``symbol,
    period_end, filing_date, revenue, operating_income, net_income, source``
    and which names have live quarters (``note["live"]``), only stored ones
    (``note["data layer"]``) or none. Point in time by ``end``: a row counts
    once filed, or ``LIVE_FILING_LAG`` after its quarter ended when it has no
    filing date.
    """
    tickers = list(tickers)
    cols = ["symbol", "period_end", "filing_date", *FLOW_FIELDS, "source"]
    try:
        q = dl.fundamentals("quarterly", tickers)[cols]
    except DataUnavailableError:
        q = schemas.FUNDAMENTALS_QUARTERLY.subset(cols).empty()
    if end is not None and len(q):
        end = pd.Timestamp(end)
        filed = q["filing_date"]
        q = q[filed.le(end) | (filed.isna() & q["period_end"].le(end - LIVE_FILING_LAG))]
    live = q["source"].astype("str").str.contains("yfinance")
    got_live = sorted(set(q.loc[live, "symbol"]))
    stored = sorted(set(q["symbol"]) - set(got_live))
    none = [t for t in tickers if t not in got_live and t not in stored]
    note = {"live": got_live, "data layer": stored, "none": none}
    return q.sort_values(["symbol", "period_end"]).reset_index(drop=True), note


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


# ---- computed prose ------------------------------------------------------------
def group_value(growth: pd.DataFrame, group: str, year, col: str = "growth"):
    """One cell of the growth table (NaN when the group or year is absent)."""
    sub = growth[(growth["group"] == group) & (growth["year"] == year)]
    return sub[col].iloc[0] if len(sub) else np.nan


def race_sentence(growth: pd.DataFrame, years, min_coverage: float | None = None) -> str:
    """The earnings race in the given (complete) years, from the growth table; without
    any, why not (the best coverage reached, or no company with two years at all)."""
    from .. import narrative as nr

    if not years:
        has = growth[growth["companies"] > 0] if len(growth) else growth
        if has.empty:
            return (
                "No company of either group has statements for two consecutive selected fiscal "
                "years filed in this window, so the earnings race cannot be measured here."
            )
        if "coverage" not in has:
            return (
                "No fiscal year in the selection has a same-company sample covering enough of both "
                "groups in this window, so the earnings race cannot be measured here."
            )
        worst = has.groupby("year")["coverage"].min().fillna(0.0)
        y = int(worst.idxmax())
        need = f" (it needs {nr.pct(min_coverage, 0, sign=False)})" if min_coverage is not None else ""
        return (
            f"No fiscal year in the selection has a same-company sample covering enough of both "
            f"groups in this window: the best is {y}, where the thinner group is covered "
            f"{nr.pct(worst[y], sign=False)}{need}, so the earnings race cannot be measured here."
        )
    parts = []
    for y in years:
        m, o = group_value(growth, "Mag 7", y), group_value(growth, "Other 493", y)
        n = int(group_value(growth, "Other 493", y, "companies"))
        gap = m - o
        lead = nr.direction(gap, "outgrew", "grew more slowly than", "grew as fast as")
        parts.append(
            f"In {y} the Mag 7's summed net income {nr.direction(m, 'grew', 'fell')} "
            f"{nr.pct(abs(m), sign=False)} and the Other 493's ({n} companies in both years) "
            f"{nr.direction(o, 'grew', 'fell')} {nr.pct(abs(o), sign=False)}: the Mag 7 {lead} "
            f"the rest ({nr.pp(gap)})."
        )
    if len(years) >= 2:
        g0 = group_value(growth, "Mag 7", years[-2]) - group_value(growth, "Other 493", years[-2])
        g1 = group_value(growth, "Mag 7", years[-1]) - group_value(growth, "Other 493", years[-1])
        parts.append(
            f"The Mag 7's growth lead {nr.direction(abs(g1) - abs(g0), 'widened', 'narrowed', 'held')} "
            f"from {nr.pp(g0)} to {nr.pp(g1)}" + (" (the sign changed)." if np.sign(g0) != np.sign(g1) else ".")
        )
    return " ".join(parts)


def factset_sentence(growth: pd.DataFrame, year: int = 2025, mag7: float = 0.184, other: float = 0.119) -> str:
    """How our annual figures compare with FactSet's Q3 2025 growth rates (and why they differ)."""
    from .. import narrative as nr

    basis = (
        "FactSet's figures are year-on-year growth of one quarter's blended (reported plus "
        "estimated) EPS; ours are annual GAAP net income summed over fiscal years ending in a "
        "calendar year, so only the direction is comparable, not the size."
    )
    sub = growth[(growth["year"] == year)]
    if sub.empty or not sub["complete"].all():
        return f"This window has no complete {year} sample, so FactSet's Q3 2025 figures cannot be checked. {basis}"
    m, o = group_value(growth, "Mag 7", year), group_value(growth, "Other 493", year)
    agree = np.sign(m - o) == np.sign(mag7 - other)
    return (
        f"FactSet published Q3 2025 growth of {nr.pct(mag7)} for the Mag 7 and {nr.pct(other)} for "
        f"the other 493; our {year} figures are {nr.pct(m)} and {nr.pct(o)}, which "
        f"{'agree' if agree else 'disagree'} on which group grew faster. {basis}"
    )


def trailing_sentence(te: pd.DataFrame) -> str:
    """Trailing-earnings growth between two dated versions, with the span."""
    from .. import narrative as nr

    m = te.set_index("group")
    b, f = m["base_as_of"].iloc[0], m["final_as_of"].iloc[0]
    return (
        f"Between the fundamentals versions of {b:%Y-%m-%d} and {f:%Y-%m-%d} "
        f"({m['months'].iloc[0]:.1f} months), summed trailing earnings (EPS x shares) of the Mag 7 "
        f"{nr.direction(m.at['Mag 7', 'growth'], 'rose', 'fell')} {nr.pct(m.at['Mag 7', 'growth'])} "
        f"({nr.pct(m.at['Mag 7', 'annualised'])} a year) and those of the Other 493 "
        f"({int(m.at['Other 493', 'companies'])} companies in both versions) "
        f"{nr.direction(m.at['Other 493', 'growth'], 'rose', 'fell')} {nr.pct(m.at['Other 493', 'growth'])} "
        f"({nr.pct(m.at['Other 493', 'annualised'])} a year). Trailing EPS is realised, not forward."
    )


def harvest_sentence(table: pd.DataFrame, basket_changes: pd.DataFrame, year: int) -> str:
    """How many named companies show an 'efficiency harvest' (operating margin up) in ``year``."""
    from .. import narrative as nr

    t = table.dropna(subset=["operating_margin_change"])
    if t.empty:
        return (
            f"No named company has annual statements for both {year - 1} and {year} filed in this "
            "window, so their margin changes (the efficiency harvest) cannot be measured here."
        )
    up = t.loc[t["harvest"], "symbol"].tolist()
    btl = t.loc[t["below_the_line"], "symbol"].tolist()
    med = "; ".join(
        f"{r['basket']} {nr.pp(r['median_operating_margin_change'])}"
        for _, r in basket_changes.iterrows()
        if pd.notna(r["median_operating_margin_change"])
    )
    out = (
        f"From {year - 1} to {year}, {len(up)} of {len(t)} named companies with statements widened "
        f"their operating margin (their operating-cost ratio fell): {nr.listing(up)}. "
        f"Median operating-margin change: {med or 'n/a'}."
    )
    if btl:
        out += (
            f" For {nr.listing(btl)} the net margin rose by more than twice the operating margin: "
            "that gain came from below the operating line (tax, interest, one-offs), not efficiency."
        )
    return out


def scatter_sentence(changes: pd.DataFrame, named: list, year: int | None = None) -> str:
    """Correlation and quadrant counts for the revenue-growth vs margin-change scatter."""
    from .. import narrative as nr

    c = changes.dropna(subset=["revenue_growth", "operating_margin_change"])
    if c.empty:
        span = f"{year - 1} and {year}" if year is not None else "two consecutive years"
        return (
            f"No company has revenue and operating income for both {span} filed in this window: the scatter is skipped."
        )
    o = c[c["group"] == "Other 493"]
    r = o["revenue_growth"].corr(o["operating_margin_change"], method="spearman") if len(o) > 2 else np.nan
    nm = c[c["symbol"].isin(named)]
    both_up = nm[(nm["revenue_growth"] > 0) & (nm["operating_margin_change"] > 0)]["symbol"].tolist()
    share = ((o["revenue_growth"] > 0) & (o["operating_margin_change"] > 0)).mean() if len(o) else np.nan
    med = c.groupby("group")["revenue_growth"].median()
    return (
        f"Among the Other 493, revenue growth and operating-margin change have a rank correlation of "
        f"{nr.num(r, 2)}, and {nr.pct(share, sign=False)} grew revenue while widening margins. "
        f"{len(both_up)} of {len(nm)} named companies did both ({nr.listing(both_up)}). Median revenue "
        f"growth: Mag 7 {nr.pct(med.get('Mag 7', np.nan))}, Other 493 {nr.pct(med.get('Other 493', np.nan))}."
    )


def fiscal_year_end_caveat(panel: pd.DataFrame, year: int) -> str:
    """Which companies' fiscal years do not end in December (the alignment rule matters for them)."""
    from .. import narrative as nr

    p = panel[panel["year"] == year]
    if p.empty:
        return (
            f"Fiscal years: no statement in this window is assigned to {year}, so the "
            "fiscal-year rule does not affect the figures."
        )
    off = p[p["period_end"].dt.month != 12]
    mag = off[off["group"] == "Mag 7"]["symbol"].tolist()
    early = p[p["period_end"].dt.month <= EARLY_YEAR_END_MONTHS]
    return (
        f"Fiscal years: {len(off)} of {len(p)} statements assigned to {year} end in another month than "
        f"December (Mag 7: {nr.listing(mag)}); {len(early)} of them end in January to May of {year + 1} and "
        f"count as {year} (e.g. {nr.listing(early['symbol'].head(3))}); the others end in June to November, "
        f"so their '{year}' covers part of {year - 1}."
    )


def trailing_gap_sentence(fin: pd.DataFrame, start, end, note: str | None = None) -> str:
    """Why trailing EPS growth is not measured: no dated fundamentals version up to ``end``
    (with the data layer's ``note``), or none framing the window at least six months apart."""
    end = pd.Timestamp(end)
    if fin.empty:
        return (
            f"The dated S&P 500 fundamentals have no version up to {end:%Y-%m-%d}, so trailing "
            "EPS growth is not measured here." + (f" Data layer: {note.split(': ', 1)[-1]}." if note else "")
        )
    d = pd.DatetimeIndex(sorted(fin["as_of"].unique()))
    inside = d[(d >= pd.Timestamp(start)) & (d <= end)]
    span = (
        f"{len(inside)} version{'' if len(inside) == 1 else 's'} in the window, dated "
        f"{inside[0]:%Y-%m-%d} to {inside[-1]:%Y-%m-%d}"
        if len(inside)
        else "no version inside the window"
    )
    return (
        f"No two dated fundamentals versions at least six months apart frame this window ({span}), "
        "so trailing EPS growth is not measured here."
    )


def versions_caveat(fin: pd.DataFrame, end) -> str:
    """The caveat on the sparse dated fundamentals versions up to ``end``."""
    end = pd.Timestamp(end)
    versions = pd.DatetimeIndex(sorted(fin["as_of"].unique())) if len(fin) else pd.DatetimeIndex([])
    versions = versions[versions <= end]
    tail = "; offline statements are FMP-derived (for testing only)."
    if len(versions) < 2:
        return (
            f"Dated fundamentals versions: {len(versions)} up to {end:%Y-%m-%d}, so trailing EPS "
            "cannot be measured" + tail
        )
    gaps = versions.diff()
    return (
        f"Dated fundamentals versions are sparse: the longest gap between versions up to {end:%Y-%m-%d} is "
        f"{gaps.max().days} days (from {versions[gaps.argmax() - 1]:%Y-%m-%d}), so trailing EPS spans "
        "uneven periods" + tail
    )


# ---- tables as shown in the report --------------------------------------------
# ``*_for_display`` helpers return (frame, formats): headers a reader understands, with
# units, and keyword arguments for ``rotation_utils.tables.formatted``. The CSVs the
# report saves keep the machine-readable columns.
def _yes_no(values) -> list[str]:
    """True/False as yes/no; missing as an empty cell."""
    return ["" if v is None or pd.isna(v) else ("yes" if v else "no") for v in values]


def _iso_dates(values) -> list[str]:
    return ["" if pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}" for v in values]


def growth_for_display(growth: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """:func:`aggregate_growth` as the reader's table: same-company sample and coverage,
    growth, whether the year counts as complete, and the two sums in USD bn."""
    out = pd.DataFrame(
        {
            "Group": growth["group"],
            "Year": growth["year"].astype(str),
            "Companies in both years": growth["companies"],
            "Coverage of the group": growth["coverage"],
            "Net income growth": growth["growth"],
            "Complete year": _yes_no(growth["complete"]),
            "Net income, prior year (USD bn)": growth["base"],
            "Net income, year (USD bn)": growth["current"],
        }
    )
    return out, {
        "pct": ["Coverage of the group", "Net income growth"],
        "money": ["Net income, prior year (USD bn)", "Net income, year (USD bn)"],
        "digits": 1,
    }


def trailing_for_display(trailing: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """:func:`trailing_eps_growth` as the reader's table (dates as ISO text)."""
    out = pd.DataFrame(
        {
            "Group": trailing["group"],
            "From version": _iso_dates(trailing["base_as_of"]),
            "To version": _iso_dates(trailing["final_as_of"]),
            "Months": trailing["months"],
            "Companies in both": trailing["companies"],
            "Trailing earnings growth": trailing["growth"],
            "Annualised growth": trailing["annualised"],
        }
    )
    return out, {"pct": ["Trailing earnings growth", "Annualised growth"], "num": ["Months"], "digits": 1}


def basket_changes_for_display(changes: pd.DataFrame, year: int) -> tuple[pd.DataFrame, dict]:
    """:func:`basket_margin_change` with the years in the headers (changes in pp)."""
    span = f"{year - 1}-{year}"
    names = {
        "basket": "Basket",
        "members": "Members",
        "with_data": "Members with both years",
        "median_operating_margin_change": f"Median operating-margin change {span}",
        "median_net_margin_change": f"Median net-margin change {span}",
        "median_revenue_growth": f"Median revenue growth {span}",
    }
    return changes[list(names)].rename(columns=names), {
        "pp": [names["median_operating_margin_change"], names["median_net_margin_change"]],
        "pct": [names["median_revenue_growth"]],
        "digits": 1,
    }


def named_annual_margins_for_display(table: pd.DataFrame, year: int) -> tuple[pd.DataFrame, dict]:
    """The annual half of the named-margins table: growth, margin, margin changes from
    ``year - 1`` to ``year`` and the efficiency-harvest flags as yes/no."""
    span = f"{year - 1}-{year}"
    out = pd.DataFrame(
        {
            "Ticker": table["symbol"],
            "Basket": table["basket"],
            f"Revenue growth {span}": table["revenue_growth"],
            f"Operating margin {year}": table["operating_margin"],
            f"Operating-margin change {span}": table["operating_margin_change"],
            f"Net-margin change {span}": table["net_margin_change"],
            "Efficiency harvest (operating margin up)": _yes_no(table["harvest"]),
            "Net margin up mostly below the line": _yes_no(table["below_the_line"]),
        }
    )
    return out, {
        "pct": [f"Revenue growth {span}", f"Operating margin {year}"],
        "pp": [f"Operating-margin change {span}", f"Net-margin change {span}"],
        "digits": 1,
    }


def named_ttm_margins_for_display(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The trailing-quarters half of the named-margins table: the last four quarters
    against the four before (blank where eight consecutive quarters are not filed)."""
    ttm = "last 4 quarters"
    out = pd.DataFrame(
        {
            "Ticker": table["symbol"],
            "Last quarter": _iso_dates(table["last_quarter"]),
            f"Revenue growth, {ttm} vs 4 before": table["ttm_revenue_growth"],
            f"Operating margin, {ttm}": table["ttm_operating_margin"],
            "Operating-margin change vs 4 before": table["ttm_operating_margin_change"],
            f"Net margin, {ttm}": table["ttm_net_margin"],
            "Net-margin change vs 4 before": table["ttm_net_margin_change"],
        }
    )
    return out, {
        "pct": [f"Revenue growth, {ttm} vs 4 before", f"Operating margin, {ttm}", f"Net margin, {ttm}"],
        "pp": ["Operating-margin change vs 4 before", "Net-margin change vs 4 before"],
        "digits": 1,
    }


def verdicts_for_display(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """A claims or forecasts table with capitalised headers ('id' -> 'Claim')."""
    names = {c: "Claim" if c == "id" else c[:1].upper() + c[1:] for c in table.columns}
    return table.rename(columns=names), {}
