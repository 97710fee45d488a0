"""Rotation analytics: leadership timing rules, the long view of a ratio, index targets.

Why these: "the rotation is under way" is a statement about a relative-strength
line (small caps / large caps). A stated, mechanical rule on that line says
*when* leadership flipped, the long history says how unusual today's level is,
and the Russell 2000 target is checked against the level it was set from.

All functions are pure: they take price series/frames (adjusted closes, so a
ratio of two is a ratio of total-return indices) and return numbers or frames.
Relative returns are fractions (show them as pp). The claim and report verdicts
built on these are in :mod:`rotation_utils.analytics.rotation_verdicts`; what a window
lacks (series and baskets without data from its start) in
:mod:`rotation_utils.analytics.rotation_coverage`; the inputs are read by
:mod:`rotation_utils.analytics.rotation_data`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import BadInputError
from .returns import calendar_year_returns, covers, period_return, rebase, risk_table, window_returns

LEAD = "numerator leads"
LAG = "benchmark leads"


def ratio_series(num: pd.Series, den: pd.Series) -> pd.Series:
    """Price ratio on common dates (not rebased): rising means ``num`` outperforms."""
    both = pd.concat([num, den], axis=1, keys=["n", "d"]).dropna()
    return (both["n"] / both["d"]).rename(None)


def ma_regime(ratio: pd.Series, fast: int = 50, slow: int = 200) -> pd.DataFrame:
    """Moving-average rule on a ratio: ``state`` +1 when the fast average is above the slow one.

    Columns ``ratio, fast, slow, state``; ``state`` is NaN until ``slow`` days exist.
    A cross of two averages ignores day-to-day noise, which is why it is the main rule.
    """
    if fast >= slow:
        raise ValueError(f"fast window {fast} must be shorter than slow window {slow}")
    f = ratio.rolling(fast, min_periods=fast).mean()
    s = ratio.rolling(slow, min_periods=slow).mean()
    state = np.sign(f - s).where(s.notna())
    state = state.replace(0.0, np.nan).ffill().where(s.notna())
    return pd.DataFrame({"ratio": ratio, "fast": f, "slow": s, "state": state})


def relative_return_regime(num: pd.Series, den: pd.Series, window: int = 63) -> pd.DataFrame:
    """Rolling ``window``-day relative return (num minus den) and its sign as ``state``."""
    both = pd.concat([num, den], axis=1, keys=["n", "d"]).dropna()
    rel = both["n"].pct_change(window) - both["d"].pct_change(window)
    state = np.sign(rel).replace(0.0, np.nan).ffill().where(rel.notna())
    return pd.DataFrame({"relative": rel, "state": state})


def regime_flips(
    state: pd.Series, since=None, until=None, confirm: int = 1, up: str = LEAD, down: str = LAG
) -> pd.DataFrame:
    """Dates a +1/-1 state changed, keeping only changes that held ``confirm`` days.

    Returns ``date, to`` (``up`` or ``down`` label) and ``held_days`` (trading days the
    new state lasted, up to the end of the data). The first state of the series is
    not a flip. ``since``/``until`` filter the listed dates only.
    """
    s = state.dropna()
    cols = ["date", "to", "held_days"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    change = (s != s.shift()).to_numpy()
    starts = np.flatnonzero(change)
    sizes = np.diff(np.append(starts, len(s)))
    confirmed, flip_pos = None, []
    for pos, size in zip(starts, sizes):
        if size < max(confirm, 1):
            continue  # a whipsaw (or a run cut short by the end of the data)
        if confirmed is None:
            confirmed = s.iloc[pos]
        elif s.iloc[pos] != confirmed:
            flip_pos.append(pos)
            confirmed = s.iloc[pos]
    held = np.diff(np.append(flip_pos, len(s))) if flip_pos else np.array([], dtype=int)
    out = pd.DataFrame(
        {
            "date": s.index[flip_pos],
            "to": [up if s.iloc[p] > 0 else down for p in flip_pos],
            "held_days": held.astype("int64"),
        },
        columns=cols,
    )
    if since is not None:
        out = out[out["date"] >= pd.Timestamp(since)]
    if until is not None:
        out = out[out["date"] <= pd.Timestamp(until)]
    return out.reset_index(drop=True)


def state_on(state: pd.Series, day) -> float:
    """The rule's state at the last date on or before ``day`` (NaN if none)."""
    s = state.dropna().loc[: pd.Timestamp(day)]
    return float(s.iloc[-1]) if len(s) else np.nan


def long_view(ratio: pd.Series) -> dict:
    """Where the latest ratio sits in its own history.

    ``percentile``: share of days the ratio closed at or below the latest level
    (0.03 = lower than 97% of history); ``drawdown``: latest / running peak - 1.
    """
    r = ratio.dropna()
    if r.empty:
        return {k: np.nan for k in ("latest", "percentile", "drawdown", "peak")} | {
            "latest_date": None,
            "peak_date": None,
            "trough_date": None,
            "first_date": None,
            "trough": np.nan,
            "change_since_first": np.nan,
        }
    latest = float(r.iloc[-1])
    return {
        "first_date": r.index[0],
        "latest_date": r.index[-1],
        "latest": latest,
        "percentile": float((r <= latest).mean()),
        "peak": float(r.max()),
        "peak_date": r.idxmax(),
        "trough": float(r.min()),
        "trough_date": r.idxmin(),
        "drawdown": latest / float(r.max()) - 1.0,
        "change_since_first": latest / float(r.iloc[0]) - 1.0,
    }


def year_end_close(levels: pd.Series, year: int) -> tuple[float, pd.Timestamp | None]:
    """Last close of calendar ``year`` (NaN/None if the data do not reach into that year's
    last week: a close from mid-December is not a year-end close)."""
    s = levels.dropna()
    s = s[s.index.year == year]
    if s.empty or s.index[-1] < pd.Timestamp(year, 12, 24):
        return np.nan, None
    return float(s.iloc[-1]), s.index[-1]


def index_target(levels: pd.Series, target: float, implied_gain: float, base_year: int) -> dict:
    """Progress of an index towards a target set as "``implied_gain`` above the ``base_year`` level".

    Returns the latest level, the gain still needed (target / latest - 1), how far
    the latest level is above (+) or below (-) the target (``vs_target`` = latest / target - 1), the
    actual ``base_year`` close against the base the article implies
    (target / (1 + implied_gain)), the gain the target really implies from that
    close, and the share of the way covered since it (1.0 = target reached).
    """
    s = levels.dropna()
    base, base_day = year_end_close(s, base_year)
    implied_base = target / (1.0 + implied_gain)
    latest = float(s.iloc[-1]) if len(s) else np.nan
    out = {
        "target": target,
        "implied_gain": implied_gain,
        "implied_base": implied_base,
        "latest": latest,
        "latest_date": s.index[-1] if len(s) else None,
        "gain_needed": target / latest - 1.0 if len(s) else np.nan,
        "vs_target": latest / target - 1.0 if len(s) else np.nan,
        "base_close": base,
        "base_date": base_day,
        "base_vs_implied": base / implied_base - 1.0,
        "gain_implied_by_actual_base": target / base - 1.0,
        "change_since_base": latest / base - 1.0,
        "progress": (latest - base) / (target - base) if base == base and target != base else np.nan,
    }
    return out


def relative_return(num: pd.Series, den: pd.Series, since, until=None) -> float:
    """Total return of ``num`` minus that of ``den`` between two dates (a fraction; pp).
    NaN when either series starts after ``since``."""
    return period_return(num, since, until, full_window=True) - period_return(den, since, until, full_window=True)


def rolling_relative_percentile(
    num: pd.Series, den: pd.Series, value: float, days: int, before, years: int = 5
) -> float:
    """Share of ``days``-day relative returns in the ``years`` before ``before`` that were
    at or below ``value``: how unusual a burst of outperformance is."""
    both = pd.concat([num, den], axis=1, keys=["n", "d"]).dropna()
    before = pd.Timestamp(before)
    hist = both.loc[before - pd.DateOffset(years=years) : before]
    rel = (hist["n"].pct_change(days) - hist["d"].pct_change(days)).dropna()
    if rel.empty or value != value:
        return np.nan
    return float((rel <= value).mean())


def sub_window_spreads(num: pd.Series, den: pd.Series, start, end, n: int = 3) -> pd.DataFrame:
    """Relative return of ``num`` over ``den`` in ``n`` consecutive, equal (in trading days)
    sub-windows of [start, end]: is an outperformance steady or one burst?"""
    both = pd.concat([num, den], axis=1, keys=["n", "d"]).dropna()
    base = both.loc[: pd.Timestamp(start)]
    first = base.index[-1] if len(base) else both.index[0]
    days = both.loc[first : pd.Timestamp(end)].index
    if len(days) < n + 1:
        return pd.DataFrame(columns=["from", "to", "spread"])
    edges = np.linspace(0, len(days) - 1, n + 1).round().astype(int)
    rows = []
    for a, b in zip(edges[:-1], edges[1:]):
        d0, d1 = days[a], days[b]
        rows.append({"from": d0, "to": d1, "spread": relative_return(both["n"], both["d"], d0, d1)})
    return pd.DataFrame(rows)


def tracking(basket: pd.Series, etf: pd.Series, start, end=None) -> dict:
    """How closely a rebuilt basket follows a fund over [start, end].

    ``difference``: basket total return minus the fund's; ``error``: annualised
    standard deviation of daily return differences; ``correlation`` of daily returns.
    """
    both = pd.concat([basket, etf], axis=1, keys=["b", "e"]).dropna()
    before = both.loc[: pd.Timestamp(start)]
    first = before.index[-1] if len(before) else (both.index[0] if len(both) else None)
    both = both.loc[first : (pd.Timestamp(end) if end is not None else None)]
    if len(both) < 3:
        return {
            "basket": np.nan,
            "fund": np.nan,
            "difference": np.nan,
            "error": np.nan,
            "correlation": np.nan,
            "first": None,
            "days": len(both),
        }
    r = both.pct_change().iloc[1:]
    b_ret = both["b"].iloc[-1] / both["b"].iloc[0] - 1.0
    e_ret = both["e"].iloc[-1] / both["e"].iloc[0] - 1.0
    return {
        "basket": b_ret,
        "fund": e_ret,
        "difference": b_ret - e_ret,
        "error": float((r["b"] - r["e"]).std(ddof=1) * np.sqrt(252)),
        "correlation": float(r["b"].corr(r["e"])),
        "first": both.index[0],
        "days": len(both),
    }


def scoreboard(prices: pd.DataFrame, start, end, event_date=None, rf_percent=None) -> pd.DataFrame:
    """Window returns plus risk over [start, end], one row per column of ``prices``.

    Columns: ``Name``, the standard windows of :func:`returns.window_returns`
    (``Since event`` only when the event falls before ``end``), then
    ``Volatility``, ``Max drawdown`` and ``Sharpe`` measured from the last close
    on or before ``start`` to ``end``. Sorted by the since-start return.
    """
    end = pd.Timestamp(end)
    px = prices.loc[:end]
    ev = pd.Timestamp(event_date) if event_date is not None and pd.Timestamp(event_date) < end else None
    rets = window_returns(px, end=end, start=start, event_date=ev)
    base = px.loc[: pd.Timestamp(start)]
    first = base.index[-1] if len(base) else px.index[0]
    risk = risk_table(px.loc[first:], rf_percent)
    # a series that starts after a window's anchor has no genuine return for it
    anchors = {
        "1M": end - pd.DateOffset(months=1),
        "3M": end - pd.DateOffset(months=3),
        "1Y": end - pd.DateOffset(years=1),
        "YTD": pd.Timestamp(end.year - 1, 12, 31),
        "Since start": pd.Timestamp(start),
        "Since event": ev,
    }
    for col, day in anchors.items():
        if col in rets.columns:
            short = [c for c in px.columns if not covers(px[c], day)]
            rets.loc[short, col] = np.nan
    risk.loc[[c for c in px.columns if not covers(px[c], first)]] = np.nan
    out = rets.join(risk)
    out = out.sort_values("Since start", ascending=False)
    out.index.name = "Name"
    return out.reset_index()


def require_columns(frame: pd.DataFrame, names, what: str) -> None:
    """One-line BadInputError when a requested ticker was not served (e.g. a typo)."""
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise BadInputError(f"{what}: no prices for {', '.join(missing)} in the data source")


# ---- tables over several relative-strength lines ----------------------------------
def rotation_pairs(benchmark: str = "SPY") -> dict:
    """The report's relative-strength lines: label -> (numerator, denominator) columns."""
    return {
        pair_label("IWM", benchmark): ("IWM", benchmark),
        pair_label("IJH", benchmark): ("IJH", benchmark),
        pair_label("RSP", benchmark): ("RSP", benchmark),
        "Other 493 / Mag 7 (cap)": ("Other 493 (cap)", "Mag 7 (cap)"),
    }


def pair_label(numerator: str, denominator: str) -> str:
    """The name of a relative-strength line ('IWM / SPY'), as tables and charts list it."""
    return f"{numerator} / {denominator}"


def event_in_window(event_date, last_day) -> bool:
    """True when the event date falls strictly before the last date of the window."""
    return event_date is not None and pd.Timestamp(event_date) < pd.Timestamp(last_day)


def relative_lines(prices: pd.DataFrame, pairs: dict, start, end) -> pd.DataFrame:
    """Each pair's ratio over [start, end], rebased to 100 at the last close on or before start
    (pairs whose data start after ``start`` are left out)."""
    out = {}
    for label, (n, d) in pairs.items():
        r = ratio_series(prices[n], prices[d]).loc[: pd.Timestamp(end)]
        base = r.loc[: pd.Timestamp(start)]
        if r.empty or base.empty:
            continue  # the line does not reach back to the window start
        first = base.index[-1] if len(base) else r.index[0]
        r = r.loc[first:]
        out[label] = r / r.iloc[0] * 100.0
    return pd.DataFrame(out)


def spread_table(prices: pd.DataFrame, pairs: dict, start, end, event_date=None) -> pd.DataFrame:
    """Per pair: numerator minus denominator total return since start and since the event."""
    rows = []
    ev = event_in_window(event_date, end)
    for label, (n, d) in pairs.items():
        row = {"Line": label, "Since start": relative_return(prices[n], prices[d], start, end)}
        if ev:
            row["Since event"] = relative_return(prices[n], prices[d], event_date, end)
        rows.append(row)
    return pd.DataFrame(rows)


def flips_by_pair(
    prices: pd.DataFrame, pairs: dict, fast: int, slow: int, since, until, confirm: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Moving-average rule on every pair: (flips listed since ``since``, state at ``until``)."""
    flips, states = [], []
    until = pd.Timestamp(until)
    for label, (n, d) in pairs.items():
        reg = ma_regime(ratio_series(prices[n], prices[d]).loc[:until], fast, slow)
        f = regime_flips(reg["state"], since=since, until=until, confirm=confirm, up=f"{n} leads", down=f"{d} leads")
        flips.append(f.assign(Line=label))
        st = state_on(reg["state"], until)
        last = regime_flips(reg["state"], until=until, confirm=confirm)
        states.append(
            {
                "Line": label,
                "Leader at end": (f"{n}" if st > 0 else f"{d}") if st == st else "n/a",
                "Since": last["date"].iloc[-1] if len(last) else None,
            }
        )
    out = pd.concat(flips, ignore_index=True) if flips else pd.DataFrame()
    cols = ["Line", "date", "to", "held_days"]
    return out.reindex(columns=cols), pd.DataFrame(states)


def tracking_table(prices: pd.DataFrame, checks, start, end) -> pd.DataFrame:
    """:func:`tracking` for (basket, fund) pairs; rows without overlapping data are dropped.
    ``Days`` counts daily returns (trading days after the base close)."""
    rows = []
    for basket, fund in checks:
        if basket not in prices or fund not in prices:
            continue
        t = tracking(prices[basket], prices[fund], start, end)
        if t["days"] >= 3:
            rows.append(
                {
                    "Basket": basket,
                    "Fund": fund,
                    "From": t["first"],
                    "Days": t["days"] - 1,
                    "Basket return": t["basket"],
                    "Fund return": t["fund"],
                    "Tracking difference": t["difference"],
                    "Tracking error": t["error"],
                    "Correlation": t["correlation"],
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "Basket",
            "Fund",
            "From",
            "Days",
            "Basket return",
            "Fund return",
            "Tracking difference",
            "Tracking error",
            "Correlation",
        ],
    )


def require_start(start) -> None:
    """Stop with a one-line error when the window has no start date: every figure of the
    rotation report is measured from it, so there is no sensible default to fall back on."""
    if start is None:
        raise BadInputError("start: a window start date is required (YYYY-MM-DD)")


def load_starts(start, breadth_window: int, ma_slow: int, flips_since) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First dates to load so that moving averages are full on the window's first day.

    Returns ``(lookback, basket_from)``: ``lookback`` leaves about 1.5 calendar days per
    trading day of ``breadth_window`` (plus 15 days) before ``start`` for the breadth
    averages; ``basket_from`` does the same for the ``ma_slow``-day timing rule before the
    earliest of ``start``, ``flips_since`` and 2024-12-01 (the Q4 2025 timing claim needs it).
    """
    start = pd.Timestamp(start)
    lookback = start - pd.Timedelta(days=int(breadth_window * 1.5) + 15)
    earliest = min(start, pd.Timestamp(flips_since), pd.Timestamp("2024-12-01"))
    return lookback, earliest - pd.Timedelta(days=int(ma_slow * 1.5) + 15)


class HeadlineSpreads(NamedTuple):
    """The scoreboard's three headline gaps (fractions): IWM minus the benchmark since the
    start, the Other 493 (cap) minus the Mag 7 (cap) since the start, and IWM minus the
    benchmark since the event (None when the event is outside the window)."""

    iwm_start: float
    other_mag7_start: float
    iwm_event: float | None


def headline_spreads(board: pd.DataFrame, benchmark: str, has_event: bool) -> HeadlineSpreads:
    """The three headline gaps read from a :func:`scoreboard` frame (fractions).

    Returns ``(IWM - benchmark since start, Other 493 (cap) - Mag 7 (cap) since start,
    IWM - benchmark since the event or None when the event is outside the window)``.
    """
    sb = board.set_index("Name")
    iwm_start = sb.loc["IWM", "Since start"] - sb.loc[benchmark, "Since start"]
    o_m_start = sb.loc["Other 493 (cap)", "Since start"] - sb.loc["Mag 7 (cap)", "Since start"]
    iwm_event = sb.loc["IWM", "Since event"] - sb.loc[benchmark, "Since event"] if has_event else None
    return HeadlineSpreads(iwm_start, o_m_start, iwm_event)


# ---- named steps of the report's cells -------------------------------------------
#: the rebuilt baskets checked against a fund that resembles them
TRACKING_CHECKS = (("Mag 7 (equal)", "MAGS"), ("Mag 7 (cap)", "MAGS"), ("Other 493 (equal)", "RSP"))
#: the funds shown beside the rebuilt baskets
BASKET_FUNDS = ("MAGS", "RSP")
#: series of the calendar-year table (claim B3)
CALENDAR_SERIES = ["SPY", "RSP", "IWM", "IJH", "Mag 7 (cap)", "Other 493 (cap)", "Other 493 (equal)", "^GSPC", "^RUT"]
#: royceinvest's published 2025 figures, shown beside the measured ones for comparison
PUBLISHED_2025 = {"Russell 2000 total return (royceinvest)": 0.128, "S&P 500 price return (royceinvest)": 0.164}
#: the first day the Russell 2000 target chart shows at the latest
TARGET_CHART_FROM = pd.Timestamp("2025-01-01")


def event_inside(event_date, last_day) -> pd.Timestamp | None:
    """The event date when it falls before the window's last day (:func:`event_in_window`), else None."""
    return pd.Timestamp(event_date) if event_in_window(event_date, last_day) else None


def basket_lines(panel: pd.DataFrame, basket_names, base_day, last_day) -> pd.DataFrame:
    """The rebuilt baskets and :data:`BASKET_FUNDS` over [base_day, last_day], rebased to 100
    (series without any close in the window left out)."""
    cols = [c for c in [*basket_names, *BASKET_FUNDS] if c in panel]
    return rebase(panel.loc[base_day:last_day, cols].dropna(axis=1, how="all"))


class SpreadDirections(NamedTuple):
    """Which relative-strength lines rose and fell (from :func:`spread_table`).

    ``up``/``down``: since the start; ``gone``: lines without a since-start figure;
    ``event_up``: lines that rose since the event (empty without it); ``lines``: how many
    lines the table has.
    """

    up: list
    down: list
    gone: list
    event_up: list
    lines: int


def spread_directions(spreads: pd.DataFrame, pairs: dict) -> SpreadDirections:
    """:class:`SpreadDirections` of a :func:`spread_table` frame over ``pairs``."""
    sp_ = spreads.set_index("Line")
    start = sp_["Since start"] if "Since start" in sp_ else pd.Series(dtype="float64")
    gone = [line for line in pairs if line not in sp_.index or start[line] != start[line]]
    up = [line for line in sp_.index if start[line] > 0]
    down = [line for line in sp_.index if start[line] <= 0 and line not in gone]
    event_up = [line for line in sp_.index if sp_.loc[line, "Since event"] > 0] if "Since event" in sp_ else []
    return SpreadDirections(up, down, gone, event_up, len(sp_))


def cuts_between(cuts: pd.Series, first, last) -> list[pd.Timestamp]:
    """The cut dates inside [first, last]."""
    return [d for d in cuts if pd.Timestamp(first) <= d <= pd.Timestamp(last)]


def long_ratio(core: pd.DataFrame, numerator: str, benchmark: str, since) -> pd.Series:
    """The ``numerator`` / ``benchmark`` ratio from ``since`` (the long view)."""
    return ratio_series(core[numerator], core[benchmark]).loc[pd.Timestamp(since) :]


def flip_start(flips_since, start) -> pd.Timestamp:
    """The first date flips are listed from: the earlier of the parameter and the window start."""
    return min(pd.Timestamp(flips_since), pd.Timestamp(start))


def pair_regime(num: pd.Series, den: pd.Series, fast: int, slow: int, last_day, since=None) -> pd.DataFrame:
    """:func:`ma_regime` of the ``num``/``den`` ratio up to ``last_day``, shown from ``since``."""
    reg = ma_regime(ratio_series(num, den).loc[: pd.Timestamp(last_day)], fast, slow)
    return reg.loc[pd.Timestamp(since) :] if since is not None else reg


def flips_of(flips: pd.DataFrame, line: str) -> pd.DataFrame:
    """The rows of a :func:`flips_by_pair` frame for one line."""
    return flips[flips["Line"] == line]


class FlipSummary(NamedTuple):
    """The timing rule's flips on one line and across all lines (from :func:`flips_by_pair`).

    Attributes:
        line: the line; flips: its flips; last_date, last_to: its latest flip (None without one).
        leader: who leads the line at the window end; lines: how many lines;
        all_flips: flips across every line; numerator_leads: lines their numerator leads at the end.
    """

    line: str
    flips: int
    last_date: pd.Timestamp | None
    last_to: str | None
    leader: str
    lines: int
    all_flips: int
    numerator_leads: list


def flip_summary(flips: pd.DataFrame, states: pd.DataFrame, pairs: dict, line: str) -> FlipSummary:
    """:class:`FlipSummary` of ``line`` from :func:`flips_by_pair`'s ``(flips, states)`` over ``pairs``."""
    mine = flips_of(flips, line)
    by_line = states.set_index("Line")
    leads = [name for name, r in by_line.iterrows() if r["Leader at end"] == pairs[name][0]]
    last = mine.iloc[-1] if len(mine) else None
    return FlipSummary(
        line,
        len(mine),
        None if last is None else last["date"],
        None if last is None else last["to"],
        by_line.loc[line, "Leader at end"],
        len(by_line),
        len(flips),
        leads,
    )


def closes(core: pd.DataFrame, name: str) -> pd.Series:
    """One series' closes without missing days."""
    return core[name].dropna()


def target_chart_levels(levels: pd.Series, base_day) -> pd.Series:
    """The index levels the target chart shows: from the window start, or from
    :data:`TARGET_CHART_FROM` when that is earlier (the base year must show)."""
    return levels.loc[min(pd.Timestamp(base_day), TARGET_CHART_FROM) :]


def calendar_returns(panel: pd.DataFrame, last_day) -> pd.DataFrame:
    """Calendar-year total returns of :data:`CALENDAR_SERIES` up to ``last_day``."""
    return calendar_year_returns(panel.loc[: pd.Timestamp(last_day), CALENDAR_SERIES])


class CalendarYear(NamedTuple):
    """One calendar year's total returns: by series (``series``) and by member (``members``)."""

    year: int
    series: pd.Series
    members: pd.Series


def calendar_year(returns: pd.DataFrame, member_prices: pd.DataFrame | None, year: int) -> CalendarYear | None:
    """:class:`CalendarYear` of ``year`` from :func:`calendar_returns` and the members' closes
    (None when the members' closes were not read: the window does not reach the year's close)."""
    if member_prices is None:
        return None
    members = calendar_year_returns(member_prices).loc[year].dropna()
    return CalendarYear(year, returns.loc[year], members)


def calendar_year_table(cy: CalendarYear) -> pd.DataFrame:
    """The year's returns by series, the median member's and :data:`PUBLISHED_2025`, one row
    each (columns ``Series`` and ``<year> total return``)."""
    table = cy.series.rename(f"{cy.year} total return").to_frame()
    table.loc["Median Other 493 member"] = cy.members.median()
    for label, value in PUBLISHED_2025.items():
        table.loc[label] = value
    return table.reset_index(names="Series")
