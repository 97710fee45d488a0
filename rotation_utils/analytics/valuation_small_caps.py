"""Small caps in the valuation report: what the data can say without Russell 2000 earnings.

Offline the snapshot has no index-level small-cap earnings, so this module measures
what it can: the named companies' trailing P/E from month-end caps and annual
statements (:func:`named_small_caps`), how much of IWM those statements cover
(:func:`holdings_coverage`), and the price-only ^RUT/^GSPC ratio (:func:`price_ratio`,
:func:`relative_level`). With live data, Yahoo's quote figures for IWM and its largest
holdings (read by :mod:`.valuation_data`) feed the same aggregate as the S&P 500 groups
(:func:`live_iwm_valuation`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..universes import SECOND_CLASSES
from .valuation import aggregate_pe, percentile_of


# ---- named companies from annual statements -------------------------------------
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


@dataclass(frozen=True)
class NamedSmallCaps:
    """The named companies' P/E and the aggregate of those that are IWM holdings.

    Attributes:
        table: :func:`statement_pe` of every named company, with ``in_iwm``.
        small: the rows that are IWM holdings.
        pe: their aggregate P/E (NaN when none has a cap and earnings).
    """

    table: pd.DataFrame
    small: pd.DataFrame
    pe: float


def named_small_caps(
    named: pd.DataFrame, holdings: pd.DataFrame, caps: pd.DataFrame, annual: pd.DataFrame, day, include_losses: bool
) -> NamedSmallCaps:
    """Trailing P/E of the named companies on ``day`` and the aggregate P/E of those IWM holds.

    Args:
        named: ``ticker, name`` of the named companies.
        holdings: IWM's holdings (``ticker``).
        caps, annual: month-end caps and annual statements.
        day: the valuation day; include_losses: the headline basis.
    """
    table = statement_pe(named.assign(in_iwm=named["ticker"].isin(holdings["ticker"])), caps, annual, day)
    small = table[table["in_iwm"]]
    agg = aggregate_pe(small.dropna(subset=["market_cap"]), include_losses=include_losses)
    return NamedSmallCaps(table, small, agg["pe"].iloc[0] if len(agg) else float("nan"))


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


# ---- live figures (Yahoo quote figures read through the data layer) ---------------
@dataclass(frozen=True)
class IwmQuotes:
    """Yahoo's quote figures for an ETF and its largest holdings, or why none were read.

    Attributes:
        info: ``DataLayer.quote_info`` rows (empty when not read).
        queried: False when the source may not go online (offline or snapshot): nothing was asked.
        error: the data layer's message when the read failed ('' otherwise).
        max_holdings: how many of the largest holdings were asked for.
        etf: the fund's ticker.
    """

    info: pd.DataFrame = field(default_factory=pd.DataFrame)
    queried: bool = True
    error: str = ""
    max_holdings: int = 200
    etf: str = "IWM"


def top_holdings(holdings: pd.DataFrame | None, max_holdings: int) -> pd.DataFrame:
    """The ``max_holdings`` largest holdings by weight (``ticker, weight_pct``; empty without holdings)."""
    if holdings is not None and len(holdings):
        return holdings.sort_values("weight_pct", ascending=False).head(max_holdings)
    return pd.DataFrame(columns=["ticker", "weight_pct"])


#: the states of :class:`IwmValuation`
LIVE_OK, NOT_QUERIED, FAILED, EMPTY = "ok", "not queried", "failed", "empty"


@dataclass(frozen=True)
class IwmValuation:
    """IWM's own P/E and the aggregate P/E of its largest holdings (see :func:`live_iwm_valuation`).

    Attributes:
        status: :data:`LIVE_OK`, or why there are no figures: :data:`NOT_QUERIED` (offline),
            :data:`FAILED` (the read failed, ``error`` says how) or :data:`EMPTY` (Yahoo
            answered without a P/E for the fund or its holdings).
        fund: the fund's ticker.
        error: the data layer's message when the read failed.
        etf: ``trailing_pe`` and ``forward_pe`` as the fund reports them.
        constituents: one row per holding used (cap, P/Es, earnings).
        aggregate: ``pe_all``, ``pe_ex_losses``, ``forward_pe_ex_losses``, ``holdings_used``,
            ``weight_covered``, ``left_out`` and ``weight_left_out`` (empty without holdings data).
    """

    status: str
    fund: str = "IWM"
    error: str = ""
    etf: dict = field(default_factory=dict)
    constituents: pd.DataFrame = field(default_factory=pd.DataFrame)
    aggregate: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when Yahoo answered with figures."""
        return self.status == LIVE_OK

    def small_cap_pe(self, include_loss_makers: bool) -> float:
        """The holdings' aggregate P/E on the headline basis (NaN without it)."""
        return self.aggregate.get("pe_all" if include_loss_makers else "pe_ex_losses", float("nan"))


def _num(v) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return np.nan
    return x if math.isfinite(x) else np.nan


def live_iwm_valuation(holdings: pd.DataFrame | None, quotes: IwmQuotes) -> IwmValuation:
    """ETF- and constituent-level P/E of IWM from Yahoo's quote figures.

    The ETF's own ``trailing_pe``/``forward_pe`` are taken as reported; for the
    ``quotes.max_holdings`` largest holdings, earnings = ``net_income_to_common``
    (keeps losses) else ``market_cap / trailing_pe``, forward earnings =
    ``market_cap / forward_pe``, and the same aggregates as for the S&P 500 groups
    are computed. Holdings Yahoo did not answer for (after retries) are listed in
    ``aggregate["left_out"]`` with their share of the fund's weight
    (``weight_left_out``).

    Args:
        holdings: the fund's holdings (``ticker, weight_pct``).
        quotes: :func:`rotation_utils.analytics.valuation_data.read_iwm_quotes`.
    Returns:
        An :class:`IwmValuation`; without figures, one whose ``status`` says why.
    """
    etf = quotes.etf
    if not quotes.queried:
        return IwmValuation(NOT_QUERIED, etf)
    if quotes.error:
        return IwmValuation(FAILED, etf, quotes.error)
    top = top_holdings(holdings, quotes.max_holdings)
    info = quotes.info.set_index("symbol")
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
        return IwmValuation(EMPTY, etf)
    return IwmValuation(LIVE_OK, etf, "", etf_figures, cons, agg)


# ---- the price-only ratio -----------------------------------------------------------
def price_ratio(levels: pd.DataFrame, num: str, den: str, up_to=None) -> pd.Series:
    """One index level over another (e.g. ^RUT / ^GSPC), up to ``up_to`` (None: all)."""
    ratio = levels[num] / levels[den]
    return ratio if up_to is None else ratio.loc[: pd.Timestamp(up_to)]


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


def recent_low(ratio: pd.Series, day, years: int = 2) -> dict:
    """:func:`relative_level` on the ratio's lowest day of the ``years`` before ``day``
    (how long since it was last that low: the 'lowest in N years' check)."""
    day = pd.Timestamp(day)
    return relative_level(ratio, ratio.loc[day - pd.DateOffset(years=years) : day].idxmin())
