"""The companies the articles name: price performance, index membership and size.

Why: article B lists "winners" (FIX, BAH, ULS, HCI, APPF, INOD, PATH, COMM, and
PSTL as a rate-sensitive REIT) as if they were small caps riding the rotation.
Whether they are small caps at all is checkable (index membership, market cap),
and so is whether they beat the benchmarks after the article's date.

Conventions: a basket's return is the equal-weighted buy-and-hold return of the
members that have prices at the anchor date (the mean of their returns, which
is exactly an equal-weighted basket bought at the anchor and held). Size classes
use fixed market-cap bands stated in ``SIZE_BANDS``. Sentences and display tables
on these results are in :mod:`rotation_utils.story.named_companies`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..verdicts import ClaimVerdict
from .returns import returns_since

#: an IWM holdings file dated up to this long after the window end still stands in for
#: Russell 2000 membership at the end; a later one says nothing about the window
MAX_IWM_LAG_DAYS = 366

#: (upper bound in USD, label): a common convention, not an index rule
SIZE_BANDS = [
    (2e9, "small cap (< $2bn)"),
    (10e9, "mid cap ($2-10bn)"),
    (200e9, "large cap ($10-200bn)"),
    (np.inf, "mega cap (>= $200bn)"),
]


def size_class(cap) -> str:
    """The ``SIZE_BANDS`` label of a market cap in USD ('unknown' when missing)."""
    if cap is None or pd.isna(cap):
        return "unknown"
    for upper, label in SIZE_BANDS:
        if cap < upper:
            return label
    return SIZE_BANDS[-1][1]


def basket_returns(ticker_returns: pd.Series, baskets: dict) -> pd.DataFrame:
    """Equal-weighted return of each basket from its members' returns (NaN members skipped).

    Columns ``basket, return, members, with_prices, missing`` (names without a return).
    """
    rows = []
    for name, members in baskets.items():
        r = ticker_returns.reindex(list(members))
        have = r.dropna()
        rows.append(
            {
                "basket": name,
                "return": have.mean() if len(have) else np.nan,
                "members": len(members),
                "with_prices": len(have),
                "missing": ", ".join(r.index[r.isna()]),
            }
        )
    return pd.DataFrame(rows)


def performance_table(
    prices: pd.DataFrame, named: pd.DataFrame, baskets: dict, benchmarks: pd.DataFrame, start, event_date, end=None
) -> pd.DataFrame:
    """Returns since ``start`` and since ``event_date`` for names, baskets and benchmarks.

    ``prices``: wide closes of the named tickers; ``benchmarks``: wide levels
    (e.g. IWM, SPY and the Mag 7 basket index). Rows have ``kind`` (company /
    basket / benchmark), ``name``, ``ticker``, ``since_start``, ``since_event``
    and, for the event window, the differences ``vs_IWM``/``vs_SPY``/``vs_Mag7``
    when those benchmark columns exist. An event date on or after the window
    end, or before its ``start``, gives NaN for the event columns: a return
    "since the event" must start at the event, not at the first price of a
    window that begins later (see :func:`event_outside_window`).
    """
    end = pd.Timestamp(end) if end is not None else max(prices.index.max(), benchmarks.index.max())
    ev = pd.Timestamp(event_date)
    event_ok = event_outside_window(ev, start, end) is None

    def both(frame):
        s = returns_since(frame, start, end)
        e = returns_since(frame, ev, end) if event_ok else pd.Series(np.nan, index=frame.columns)
        return s, e

    s_px, e_px = both(prices) if not prices.empty else (pd.Series(dtype=float), pd.Series(dtype=float))
    s_bm, e_bm = both(benchmarks)
    rows = []
    for _, r in named.iterrows():
        rows.append(
            {
                "kind": "company",
                "name": r["name"],
                "ticker": r["ticker"],
                "since_start": s_px.get(r["ticker"], np.nan),
                "since_event": e_px.get(r["ticker"], np.nan),
            }
        )
    bs, be = basket_returns(s_px, baskets), basket_returns(e_px, baskets)
    for (_, a), (_, b) in zip(bs.iterrows(), be.iterrows()):
        rows.append(
            {
                "kind": "basket",
                "name": a["basket"],
                "ticker": "+".join(baskets[a["basket"]]),
                "since_start": a["return"],
                "since_event": b["return"],
            }
        )
    for col in benchmarks.columns:
        rows.append(
            {"kind": "benchmark", "name": col, "ticker": col, "since_start": s_bm[col], "since_event": e_bm[col]}
        )
    out = pd.DataFrame(rows)
    for col, label in (("IWM", "vs_IWM"), ("SPY", "vs_SPY"), ("Mag 7 (cap)", "vs_Mag7")):
        if col in benchmarks.columns:
            out[label] = out["since_event"] - e_bm[col]
    return out


def event_outside_window(event_date, start, end) -> str | None:
    """Why returns since ``event_date`` cannot be measured in the window [start, end]
    (None when they can): the event must fall on or after the start and before the end."""
    ev, end = pd.Timestamp(event_date), pd.Timestamp(end)
    if ev >= end:
        return f"the window ends on {end:%Y-%m-%d}, before the event date {ev:%Y-%m-%d}"
    if start is not None and ev < pd.Timestamp(start):
        return f"the event date {ev:%Y-%m-%d} is before the window start {pd.Timestamp(start):%Y-%m-%d}"
    return None


def iwm_reference_date(dates, end, max_lag_days: int = MAX_IWM_LAG_DAYS):
    """The IWM holdings file that stands for Russell 2000 membership at ``end``: the last
    on or before ``end``, else the first if it is at most ``max_lag_days`` later, else None
    (the files say nothing about a window years before them)."""
    dates, end = sorted(dates), pd.Timestamp(end)
    ref = [d for d in dates if d <= end]
    if ref:
        return ref[-1]
    if dates and (dates[0] - end).days <= max_lag_days:
        return dates[0]
    return None


def sp400_from_claims(claims: pd.DataFrame, claim_id: str = "B9") -> dict:
    """S&P MidCap 400 additions stated in the claims register's ``known_fact``.

    The data has no S&P 400 membership; the register records (from S&P DJI's
    press release) which named companies joined it. Parses sentences like
    "BAH and ULS joined the S&P 400 on 2025-12-22" into ``{ticker: date}``.
    """
    row = claims[claims["id"] == claim_id]
    if row.empty:
        return {}
    text = str(row["known_fact"].iloc[0])
    out = {}
    for m in re.finditer(r"((?:[A-Z]{2,5}(?:,\s*|\s+and\s+)?)+)\s+joined the S&P 400 on (\d{4}-\d{2}-\d{2})", text):
        for t in re.findall(r"[A-Z]{2,5}", m.group(1)):
            out[t] = pd.Timestamp(m.group(2))
    return out


def membership_table(
    named: pd.DataFrame,
    sp500_added: dict,
    sp500_at_end: set,
    iwm_by_date: dict,
    sp400_added: dict,
    caps: pd.DataFrame,
    end,
) -> pd.DataFrame:
    """Index membership and size of each named company.

    ``sp500_added``: ticker -> date added (latest constituents list);
    ``sp500_at_end``: S&P 500 members seen on ``end``; ``iwm_by_date``:
    holdings date -> set of IWM tickers; ``sp400_added``: ticker -> date (from
    the claims register); ``caps``: long month-end caps (``date, ticker,
    market_cap``), the last snapshot on or before ``end`` is used.
    ``small_cap`` is True only for names in the IWM file of
    :func:`iwm_reference_date` and in neither the S&P 500 nor the S&P 400 at
    ``end``; without such a file it is False for all and ``attrs['iwm_date']``
    is None (``attrs['iwm_dates']`` lists the files there are).
    """
    end = pd.Timestamp(end)
    c = caps[caps["date"] <= end].sort_values("date")
    last_cap = c.groupby("ticker")[["date", "market_cap"]].last()
    dates = sorted(iwm_by_date)
    ref_date = iwm_reference_date(dates, end)
    rows = []
    for _, r in named.iterrows():
        t = r["ticker"]
        added = sp500_added.get(t)
        in400 = t in sp400_added and sp400_added[t] <= end
        row = {
            "ticker": t,
            "name": r["name"],
            "theme": r["theme"],
            "S&P 500 at end": t in sp500_at_end,
            "S&P 500 date added": pd.Timestamp(added) if added is not None and pd.notna(added) else pd.NaT,
            "S&P 400 at end": in400,
            "S&P 400 date added": sp400_added.get(t, pd.NaT),
        }
        for d in dates:
            row[f"Russell 2000 (IWM {d:%Y-%m-%d})"] = t in iwm_by_date[d]
        cap = last_cap["market_cap"].get(t, np.nan)
        row["market_cap"] = cap
        row["cap_date"] = last_cap["date"].get(t, pd.NaT)
        row["size"] = size_class(cap)
        in_iwm = ref_date is not None and t in iwm_by_date[ref_date]
        row["small_cap"] = bool(in_iwm and t not in sp500_at_end and not in400)
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(iwm_date=ref_date, iwm_dates=dates)
    return out


def named_verdict(perf: pd.DataFrame) -> tuple[str, dict]:
    """Claim verdict on 'the named companies lead' from the event-window returns.

    Rule: confirmed if the equal-weighted basket of all named names with prices
    beat both IWM and SPY since the event date and most names beat IWM;
    contradicted if it lagged both and most names lagged IWM; mixed otherwise;
    unverifiable when there is no event window or no prices.
    """
    comp = perf[perf["kind"] == "company"].dropna(subset=["since_event"])
    bm = perf[perf["kind"] == "benchmark"].set_index("name")["since_event"]
    if comp.empty or "IWM" not in bm or "SPY" not in bm or pd.isna(bm["IWM"]):
        return ClaimVerdict.UNVERIFIABLE, {}
    basket = comp["since_event"].mean()
    beat_iwm = int((comp["since_event"] > bm["IWM"]).sum())
    vals = {"basket": basket, "iwm": bm["IWM"], "spy": bm["SPY"], "beat_iwm": beat_iwm, "names": len(comp)}
    if basket > bm["IWM"] and basket > bm["SPY"] and beat_iwm > len(comp) / 2:
        return ClaimVerdict.CONFIRMED, vals
    if basket < bm["IWM"] and basket < bm["SPY"] and beat_iwm < len(comp) / 2:
        return ClaimVerdict.CONTRADICTED, vals
    return ClaimVerdict.MIXED, vals


class Ranked(NamedTuple):
    """A named company and the figure it is ranked on (a return, a market cap)."""

    ticker: str
    value: float


@dataclass(frozen=True)
class EventReturns:
    """The named companies' returns since the event, as the report states them.

    verdict, vals: :func:`named_verdict` (``vals`` empty when nothing could be measured).
    best, worst: the companies with the highest and lowest return since the event (None without any).
    mag7: the cap-weighted Mag 7 basket's return, None when the table has no such row.
    """

    verdict: str
    vals: dict
    best: Ranked | None = None
    worst: Ranked | None = None
    mag7: float | None = None


def event_returns(perf: pd.DataFrame) -> EventReturns:
    """The verdict, the basket against IWM and SPY, and the best and worst named company since the event.

    Args:
        perf: :func:`performance_table`.
    """
    verdict, vals = named_verdict(perf)
    comp = perf[perf["kind"] == "company"].dropna(subset=["since_event"]).sort_values("since_event")
    bm = perf[perf["kind"] == "benchmark"].set_index("name")["since_event"]
    if comp.empty:
        return EventReturns(verdict, vals)
    return EventReturns(
        verdict,
        vals,
        best=Ranked(comp["ticker"].iloc[-1], comp["since_event"].iloc[-1]),
        worst=Ranked(comp["ticker"].iloc[0], comp["since_event"].iloc[0]),
        mag7=bm["Mag 7 (cap)"] if "Mag 7 (cap)" in bm else None,
    )


@dataclass(frozen=True)
class MembershipFacts:
    """What the membership table says about the named companies, as the report states it.

    names: how many named companies the table holds.
    small_caps: tickers in the IWM holdings and in neither the S&P 500 nor the S&P 400.
    no_iwm_file: True when no IWM holdings file is near enough the window end to tell.
    iwm_date: the holdings file used (None without one, or for a table built without it).
    first_iwm_file: the earliest holdings file in the data (None without any).
    sp500: ``(ticker, date added or NaT)`` of the names in the S&P 500 at the end.
    sp400: tickers in the S&P 400 at the end.
    smallest, largest: the smallest and largest last market cap (None when no name has one).
    """

    names: int
    small_caps: list[str]
    no_iwm_file: bool = False
    iwm_date: pd.Timestamp | None = None
    first_iwm_file: pd.Timestamp | None = None
    sp500: list[tuple[str, pd.Timestamp]] = field(default_factory=list)
    sp400: list[str] = field(default_factory=list)
    smallest: Ranked | None = None
    largest: Ranked | None = None


def membership_facts(mem: pd.DataFrame) -> MembershipFacts:
    """The facts the report states from :func:`membership_table` (its ``attrs`` name the IWM file used)."""
    dates = mem.attrs.get("iwm_dates", [])
    caps = mem.dropna(subset=["market_cap"]).sort_values("market_cap") if "market_cap" in mem else mem.iloc[:0]
    sp5 = mem[mem["S&P 500 at end"]] if "S&P 500 at end" in mem else mem.iloc[:0]
    sp4 = mem[mem["S&P 400 at end"]] if "S&P 400 at end" in mem else mem.iloc[:0]
    return MembershipFacts(
        names=len(mem),
        small_caps=mem.loc[mem["small_cap"], "ticker"].tolist(),
        no_iwm_file="iwm_date" in mem.attrs and mem.attrs["iwm_date"] is None,
        iwm_date=mem.attrs.get("iwm_date"),
        first_iwm_file=min(dates) if len(dates) else None,
        sp500=list(zip(sp5["ticker"], sp5["S&P 500 date added"])) if len(sp5) else [],
        sp400=list(sp4["ticker"]),
        smallest=Ranked(caps["ticker"].iloc[0], caps["market_cap"].iloc[0]) if len(caps) else None,
        largest=Ranked(caps["ticker"].iloc[-1], caps["market_cap"].iloc[-1]) if len(caps) else None,
    )


def named_frame(baskets: dict, known: pd.DataFrame | None = None) -> pd.DataFrame:
    """``ticker, name, theme, basket`` for every ticker of ``baskets`` (in basket order).

    Names and themes come from ``universes.NAMED_COMPANIES``; a ticker not listed
    there keeps its ticker as name and the basket name as theme.
    """
    from ..universes import NAMED_COMPANIES

    known = (NAMED_COMPANIES if known is None else known).set_index("ticker")
    rows = []
    for basket, members in baskets.items():
        for t in members:
            if any(r["ticker"] == t for r in rows):
                continue
            rows.append(
                {"ticker": t, "name": known["name"].get(t, t), "theme": known["theme"].get(t, basket), "basket": basket}
            )
    if not rows:
        from ..errors import BadInputError

        raise BadInputError("baskets: no tickers given")
    return pd.DataFrame(rows)


def basket_levels(prices: pd.DataFrame, baskets: dict) -> pd.DataFrame:
    """Equal-weighted buy-and-hold basket levels (start = 1.0) from wide closes.

    Each member is bought with an equal amount at the first date on which it has
    a price in the frame's first row; members without a first price are left out
    (a basket with none is omitted).
    """
    first = prices.iloc[0] if len(prices) else pd.Series(dtype=float)
    out = {}
    for name, members in baskets.items():
        have = [t for t in members if t in prices.columns and pd.notna(first.get(t))]
        if have:
            out[name] = (prices[have].ffill() / first[have]).mean(axis=1)
    return pd.DataFrame(out, index=prices.index)


def missing_prices(prices: pd.DataFrame, tickers) -> list[str]:
    """The named tickers with no price in ``prices`` (left out of every basket)."""
    return [t for t in tickers if t not in prices.columns or prices[t].dropna().empty]


def missing_statements(statements: pd.DataFrame, tickers) -> list[str]:
    """The named tickers without any statement in ``statements`` (sorted)."""
    return sorted(set(tickers) - set(statements["symbol"]))


def benchmark_levels(bench: pd.DataFrame, group_levels: pd.DataFrame, start, end) -> pd.DataFrame:
    """IWM/SPY closes next to the cap-weighted Mag 7 and Other 493 basket levels, ``start`` to ``end``."""
    return pd.concat([bench, group_levels[["Mag 7 (cap)", "Other 493 (cap)"]]], axis=1).loc[start:end]


def chart_levels(prices: pd.DataFrame, baskets: dict, benchmarks: pd.DataFrame, start, end) -> pd.DataFrame:
    """The named baskets' levels (:func:`basket_levels` from ``start``) beside ``benchmarks``."""
    return pd.concat([basket_levels(prices.loc[start:end], baskets), benchmarks], axis=1)


def sp500_added(constituents: pd.DataFrame) -> dict:
    """``{symbol: date added}`` from the S&P 500 constituents list."""
    return constituents.set_index("symbol")["date_added"].to_dict()


def holdings_sets(holdings: dict) -> dict:
    """``{date: set of tickers}`` from ``{date: IWM holdings frame}``."""
    return {d: set(h["ticker"]) for d, h in holdings.items()}


def basket_of(named: pd.DataFrame) -> pd.Series:
    """Each named ticker's basket (``named``: from :func:`named_frame`), indexed by ticker."""
    return named.set_index("ticker")["basket"]


def tickers_of(named: pd.DataFrame) -> list[str]:
    """The tickers of a :func:`named_frame`, in basket order."""
    return named["ticker"].tolist()
