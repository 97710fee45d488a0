"""Event study: how tickers moved against a benchmark around dated events (FOMC decisions).

Conventions (stated once, used everywhere):
- Event day 0 is the first trading day on or after the event date on the price
  calendar. FOMC statements come out at 14:00 ET, so day 0's close already holds
  the reaction.
- A window ``(a, b)`` in trading days covers the returns of days a..b: it runs
  from the close of day ``a - 1`` to the close of day ``b``. So ``(0, 5)`` includes
  the announcement day and ``(-5, 1)`` the run-up plus the day after.
- The relative return is the ticker's cumulative return minus the benchmark's
  over the same window (a difference of fractions, shown as pp).
- An event whose window runs past the last price (or starts before the first)
  is not measured: it is kept with a ``status`` so reports can count it.

Computation only (frames and small typed results); the sentences, display tables
and caveats of report 02 are in :mod:`rotation_utils.story.rates`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import BadInputError
from .row_access import RowAccess

DECISION_ORDER = ("cut", "hold", "hike")  # one colour per decision across charts
STATUS_OK = "ok"
STATUS_PAST_END = "window past data end"
STATUS_BEFORE_START = "window before data start"
STATUS_NO_DAY0 = "no trading day on or after the event"


def window_label(window) -> str:
    """'[-5,+1]' for (-5, 1): the label reports use for a window."""
    a, b = (int(w) for w in window)
    return f"[{a:+d},{b:+d}]".replace("[+0", "[0").replace(",+0]", ",0]")


def _check_windows(windows) -> list[tuple[int, int]]:
    out = []
    for w in windows:
        try:
            a, b = (int(x) for x in w)
        except (TypeError, ValueError):
            raise BadInputError(f"event window {w!r} must be a pair of trading-day offsets like [0, 5]") from None
        if a > b:
            raise BadInputError(f"event window {w!r}: the first offset must not exceed the second")
        out.append((a, b))
    if not out:
        raise BadInputError("event windows: the list is empty")
    return out


def day_zero_positions(calendar: pd.DatetimeIndex, dates) -> pd.Series:
    """Position on ``calendar`` of day 0 for each event date (-1 if none on/after it)."""
    cal = pd.DatetimeIndex(calendar).sort_values()
    d = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    pos = cal.searchsorted(d, side="left")
    pos = np.where(pos >= len(cal), -1, pos)
    return pd.Series(pos, index=d, dtype="int64")


def event_returns(
    prices: pd.DataFrame,
    events: pd.DataFrame,
    windows,
    benchmark: str,
    tickers=None,
    date_col: str = "announcement_date",
) -> pd.DataFrame:
    """Cumulative returns of each ticker and the benchmark over each window of each event.

    ``prices``: wide adjusted closes (DatetimeIndex); ``events``: one row per event
    with ``date_col`` and any label columns (e.g. ``decision``), which are carried
    through. Returns a long frame: the event's columns, ``day0``, ``ticker``,
    ``window``, ``start_offset``, ``end_offset``, ``ticker_return``,
    ``benchmark_return``, ``relative_return`` and ``status`` (NaN returns unless
    ``status == 'ok'``).
    """
    windows = _check_windows(windows)
    if benchmark not in prices.columns:
        raise BadInputError(f"benchmark {benchmark!r} is not among the price columns")
    tickers = [t for t in (tickers or prices.columns) if t != benchmark and t in prices.columns]
    px = prices.sort_index()
    pos0 = day_zero_positions(px.index, events[date_col])
    rows = []
    for (_, ev), p0 in zip(events.iterrows(), pos0.to_numpy()):
        for t in tickers:
            both = px[[t, benchmark]]
            for a, b in windows:
                rec = ev.to_dict()
                rec.update(
                    ticker=t,
                    window=window_label((a, b)),
                    start_offset=a,
                    end_offset=b,
                    day0=px.index[p0] if p0 >= 0 else pd.NaT,
                    ticker_return=np.nan,
                    benchmark_return=np.nan,
                    relative_return=np.nan,
                )
                lo, hi = p0 + a - 1, p0 + b
                if p0 < 0:
                    rec["status"] = STATUS_NO_DAY0
                elif hi >= len(px):
                    rec["status"] = STATUS_PAST_END
                elif lo < 0:
                    rec["status"] = STATUS_BEFORE_START
                else:
                    base, last = both.iloc[lo], both.iloc[hi]
                    r = last / base - 1.0
                    rec.update(
                        ticker_return=r[t],
                        benchmark_return=r[benchmark],
                        relative_return=r[t] - r[benchmark],
                        status=STATUS_OK if r.notna().all() else "price missing",
                    )
                rows.append(rec)
    cols = list(events.columns) + [
        "ticker",
        "window",
        "start_offset",
        "end_offset",
        "day0",
        "ticker_return",
        "benchmark_return",
        "relative_return",
        "status",
    ]
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class MeanCI(RowAccess):
    """Mean of a sample with its t-based and bootstrap intervals (:func:`mean_ci`);
    subscript access (``m["mean"]``) works as on a :func:`summarise` row."""

    n: int
    mean: float = np.nan
    median: float = np.nan
    share_positive: float = np.nan
    t_stat: float = np.nan
    ci_low: float = np.nan
    ci_high: float = np.nan
    boot_low: float = np.nan
    boot_high: float = np.nan


def mean_ci(x, level: float = 0.95, n_boot: int = 2000, seed: int = 0) -> MeanCI:
    """Mean with a t-based and a bootstrap confidence interval.

    With a handful of events the t interval is wide and the bootstrap too
    narrow (it cannot see tails it never sampled); both are shown so a reader
    sees the spread. Fewer than 2 observations give NaN intervals.
    """
    x = pd.Series(x, dtype="float64").dropna().to_numpy()
    n = len(x)
    if not n:
        return MeanCI(0)
    mean = float(x.mean())
    point = dict(n=n, mean=mean, median=float(np.median(x)), share_positive=float((x > 0).mean()))
    if n < 2:
        return MeanCI(**point)
    se = x.std(ddof=1) / np.sqrt(n)
    q = stats.t.ppf(0.5 + level / 2, n - 1)
    band = dict(t_stat=mean / se if se > 0 else np.nan, ci_low=mean - q * se, ci_high=mean + q * se)
    if n >= 3 and np.ptp(x) > 0:
        res = stats.bootstrap(
            (x,),
            np.mean,
            confidence_level=level,
            n_resamples=n_boot,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
        band.update(boot_low=float(res.confidence_interval.low), boot_high=float(res.confidence_interval.high))
    return MeanCI(**point, **band)


def summarise(event_rets: pd.DataFrame, by=("ticker", "window", "decision"), level: float = 0.95) -> pd.DataFrame:
    """Mean relative return per group with the number of events and confidence bands.

    Only events with ``status == 'ok'`` enter the statistics; ``excluded`` counts
    the others in each group (e.g. windows running past the data end).
    """
    by = list(by)
    rows = []
    for key, g in event_rets.groupby(by, sort=False):
        ok = g[g["status"] == STATUS_OK]
        rec = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        rec.update(asdict(mean_ci(ok["relative_return"], level)))
        rec["excluded"] = int(len(g) - len(ok))
        rows.append(rec)
    stat_cols = [
        "n",
        "mean",
        "median",
        "share_positive",
        "t_stat",
        "ci_low",
        "ci_high",
        "boot_low",
        "boot_high",
        "excluded",
    ]
    return pd.DataFrame(rows, columns=by + stat_cols)


def exclusions(event_rets: pd.DataFrame, date_col: str = "announcement_date") -> pd.DataFrame:
    """Events not measured, one row per (event, window, status), for the caveats."""
    bad = event_rets[event_rets["status"] != STATUS_OK]
    if bad.empty:
        return pd.DataFrame(columns=[date_col, "window", "status"])
    return bad[[date_col, "window", "status"]].drop_duplicates().reset_index(drop=True)


def event_paths(
    prices: pd.DataFrame,
    events: pd.DataFrame,
    ticker: str,
    benchmark: str,
    first: int = -5,
    last: int = 20,
    date_col: str = "announcement_date",
) -> pd.DataFrame:
    """Cumulative relative return (ticker minus benchmark) on each day first..last.

    Rows are event days (``first``..``last``), columns the event dates; the base is
    the close of day ``first - 1``. Events without the full path are dropped.
    """
    px = prices[[ticker, benchmark]].sort_index()
    pos0 = day_zero_positions(px.index, events[date_col])
    days = np.arange(first, last + 1)
    cols = {}
    for d, p0 in pos0.items():
        lo, hi = p0 + first - 1, p0 + last
        if p0 < 0 or lo < 0 or hi >= len(px):
            continue
        seg = px.iloc[lo : hi + 1]
        cum = seg / seg.iloc[0] - 1.0
        cols[d] = (cum[ticker] - cum[benchmark]).iloc[1:].to_numpy()
    out = pd.DataFrame(cols, index=pd.Index(days, name="event_day"))
    return out


# ---- tables saved with a report ------------------------------------------------
def per_event_table(event_rets: pd.DataFrame, windows) -> pd.DataFrame:
    """Relative return per event and ticker (rows) and window (columns)."""
    labels = [window_label(w) for w in windows]
    if event_rets.empty:
        return pd.DataFrame(columns=["Date", "Ticker"] + labels)
    t = event_rets.pivot_table(
        index=["announcement_date", "ticker"], columns="window", values="relative_return", sort=False, dropna=False
    )
    t = t.reindex(columns=labels).reset_index()
    t["announcement_date"] = t["announcement_date"].dt.strftime("%Y-%m-%d")
    return t.rename(columns={"announcement_date": "Date", "ticker": "Ticker"})


def stats_for(summary: pd.DataFrame, ticker: str, window, decision: str | None = None) -> pd.Series:
    """The summary row of one (ticker, window[, decision]); NaNs and n = 0 when absent."""
    hw = window_label(window)
    sel = (summary["ticker"] == ticker) & (summary["window"] == hw)
    if decision is not None:
        sel &= summary["decision"] == decision
    if not sel.any():
        return pd.Series({"n": 0, "mean": np.nan, "ci_low": np.nan, "ci_high": np.nan, "t_stat": np.nan})
    return summary[sel].iloc[0]


def require_listed_window(headline_window, windows) -> None:
    """Stop with a one-line error unless ``headline_window`` is one of ``windows``: the
    headline figures are read from the event study, which measures only those windows."""
    if list(headline_window) not in [list(w) for w in windows]:
        raise BadInputError(f"headline_window {headline_window} must be one of event_windows {windows}")


def stats_by(summary: pd.DataFrame, tickers, window, decisions) -> dict:
    """:func:`stats_for` of every (ticker, decision) pair, keyed by the pair, tickers first."""
    return {(t, g): stats_for(summary, t, window, g) for t in tickers for g in decisions}


def stats_per_ticker(summary: pd.DataFrame, tickers, window) -> dict:
    """:func:`stats_for` of each ticker over ``window`` (all decisions of ``summary``), keyed by ticker."""
    return {t: stats_for(summary, t, window) for t in tickers}


def decision_types(decisions: pd.DataFrame) -> list[str]:
    """The decision types present in ``decisions``, in :data:`DECISION_ORDER`."""
    present = set(decisions["decision"])
    return [g for g in DECISION_ORDER if g in present]


def paths_by_decision(
    prices: pd.DataFrame, decisions: pd.DataFrame, ticker: str, benchmark: str, first: int = -5, last: int = 20
) -> dict[str, pd.DataFrame]:
    """:func:`event_paths` per decision type present, keyed 'after cuts', 'after holds', ..."""
    return {
        f"after {g}s": event_paths(prices, decisions[decisions["decision"] == g], ticker, benchmark, first, last)
        for g in decision_types(decisions)
    }


def has_paths(paths: dict) -> bool:
    """True when at least one event of :func:`paths_by_decision` has a complete path."""
    return any(p.shape[1] for p in paths.values())


@dataclass(frozen=True)
class HoldStudy:
    """The event study around hold decisions of some years: the holds, the event returns,
    their summary (decision 'hold') and the per-event table the report saves."""

    holds: pd.DataFrame
    returns: pd.DataFrame
    summary: pd.DataFrame
    table: pd.DataFrame


def hold_study(prices: pd.DataFrame, decisions: pd.DataFrame, years, windows, benchmark: str, tickers) -> HoldStudy:
    """:func:`event_returns` of ``tickers`` around the hold decisions announced in ``years``."""
    holds = decisions[(decisions["decision"] == "hold") & decisions["announcement_date"].dt.year.isin(years)]
    rets = event_returns(prices, holds, windows, benchmark, tickers)
    return HoldStudy(holds, rets, summarise(rets.assign(decision="hold")), per_event_table(rets, windows))
