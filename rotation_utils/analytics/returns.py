"""Return maths shared by the reports: window returns, calendar years, risk figures.

Conventions (stated once, used everywhere):
- Prices are adjusted closes (total-return style), so a price ratio is a total return.
- The return "since D" is measured from the last close on or before D to the last
  close on or before the window end; if D precedes the first price, the first price
  is the base (and the window is shorter than asked: callers can check ``base_date``).
- Differences between two returns are in percentage points (fractions here, shown as pp).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TRADING_DAYS = 252
WINDOW_OFFSETS = {"1M": pd.DateOffset(months=1), "3M": pd.DateOffset(months=3), "1Y": pd.DateOffset(years=1)}


def _price_on_or_before(s: pd.Series, day) -> tuple[float, pd.Timestamp | None]:
    s = s.dropna()
    if s.empty:
        return np.nan, None
    sub = s.loc[: pd.Timestamp(day)]
    if sub.empty:
        return float(s.iloc[0]), s.index[0]
    return float(sub.iloc[-1]), sub.index[-1]


def covers(s: pd.Series, day) -> bool:
    """True if the series has a price on or before ``day`` (it was listed by then)."""
    first = s.first_valid_index()
    return first is not None and first <= pd.Timestamp(day)


def period_return(s: pd.Series, since, until=None, full_window: bool = False) -> float:
    """Total return of one price series from the close on/before ``since`` to ``until``.

    With ``full_window`` a series that starts after ``since`` gives NaN instead of
    a return over a shorter span (so a fund listed mid-window is not ranked
    against funds measured over the whole window).
    """
    s = s.dropna()
    if s.empty or (full_window and not covers(s, since)):
        return np.nan
    until = s.index[-1] if until is None else pd.Timestamp(until)
    end_px, end_day = _price_on_or_before(s, until)
    base_px, base_day = _price_on_or_before(s, since)
    if end_day is None or base_day is None or base_day >= end_day:
        return np.nan
    return end_px / base_px - 1.0


def returns_since(prices: pd.DataFrame, since, until=None, full_window: bool = False) -> pd.Series:
    """:func:`period_return` for every column of a wide price frame, computed on whole arrays.

    Same rules as :func:`period_return` column by column (a test checks it on
    random frames); done with array positions because a report asks it for
    about 1,700 constituent columns at a time, where a loop over columns cost
    seconds per report.

    Args:
        prices: wide frame of closes, dates ascending, one column per ticker.
        since: base date (the close on or before it).
        until: end date (the close on or before it); None: each column's last close.
        full_window: NaN for a column with no close on or before ``since``.
    Returns:
        Series of returns (fractions) indexed by the columns.

    Example:
        >>> px = pd.DataFrame({"A": [100.0, 110.0]}, index=pd.to_datetime(["2025-01-02", "2025-01-03"]))
        >>> float(returns_since(px, "2025-01-02")["A"])
        0.1
    """
    if not prices.index.is_monotonic_increasing:
        prices = prices.sort_index()
    values = prices.to_numpy(dtype="float64", na_value=np.nan)
    if values.size == 0:
        return pd.Series(np.nan, index=prices.columns, dtype="float64")
    rows = np.arange(len(values))[:, None]
    last_valid = np.maximum.accumulate(np.where(~np.isnan(values), rows, -1), axis=0)  # row of the last close so far
    any_valid = last_valid[-1] >= 0
    first_valid = np.where(any_valid, np.argmax(~np.isnan(values), axis=0), -1)

    def last_row(day) -> int:
        """Row of the last date on or before ``day`` (-1 when ``day`` precedes the frame)."""
        return int(np.searchsorted(prices.index.values, np.datetime64(pd.Timestamp(day)), side="right")) - 1

    def on_or_before(day) -> np.ndarray:
        row = last_row(day)
        found = last_valid[row] if row >= 0 else np.full(values.shape[1], -1)
        return np.where(found >= 0, found, first_valid)  # before the first close: the first close

    base = on_or_before(since)
    end = last_valid[-1] if until is None else on_or_before(until)
    cols = np.arange(values.shape[1])
    ok = any_valid & (base < end)
    if full_window:  # listed by ``since``: a close on or before it
        since_row = last_row(since)
        ok &= last_valid[since_row] >= 0 if since_row >= 0 else False
    out = np.full(values.shape[1], np.nan)
    out[ok] = values[end[ok], cols[ok]] / values[base[ok], cols[ok]] - 1.0
    return pd.Series(out, index=prices.columns, dtype="float64")


def window_returns(prices: pd.DataFrame, end=None, start=None, event_date=None) -> pd.DataFrame:
    """Standard windows per ticker: 1M, 3M, YTD, 1Y, since start, since event date.

    Rows are tickers, columns the windows (fractions). ``end`` defaults to the
    last date in ``prices``; a window whose anchor is missing is NaN.
    """
    end = prices.index.max() if end is None else pd.Timestamp(end)
    cols = {}
    for name, off in WINDOW_OFFSETS.items():
        cols[name] = returns_since(prices, end - off, end)
    cols["YTD"] = returns_since(prices, pd.Timestamp(end.year - 1, 12, 31), end)
    if start is not None:
        cols["Since start"] = returns_since(prices, start, end)
    if event_date is not None:
        ev = pd.Timestamp(event_date)
        cols["Since event"] = returns_since(prices, ev, end) if ev < end else pd.Series(np.nan, index=prices.columns)
    order = ["1M", "3M", "YTD", "1Y", "Since start", "Since event"]
    return pd.DataFrame(cols)[[c for c in order if c in cols]]


def calendar_year_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Calendar-year total returns (rows: year, columns: tickers).

    A year's base is the previous year's last close; for the first year in the
    data the first close of the year is used. The last year is year-to-date.
    """
    yearly_last = prices.groupby(prices.index.year).last()
    yearly_first = prices.groupby(prices.index.year).first()
    base = yearly_last.shift(1).fillna(yearly_first)
    out = yearly_last / base - 1.0
    out.index.name = "year"
    return out


def daily_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Simple daily returns (first row dropped; gaps are not filled)."""
    return prices.pct_change(fill_method=None).iloc[1:]


def annualised_vol(returns: pd.DataFrame | pd.Series, periods: int = TRADING_DAYS):
    """Standard deviation of periodic returns scaled by sqrt(periods per year)."""
    return returns.std(ddof=1) * np.sqrt(periods)


def drawdown(prices: pd.DataFrame | pd.Series):
    """Fall from the running peak at every date (0 at a new high, negative below)."""
    return prices / prices.cummax() - 1.0


def max_drawdown(prices: pd.DataFrame | pd.Series):
    """Deepest drawdown over the frame (a negative fraction)."""
    return drawdown(prices).min()


def sharpe_ratio(returns: pd.DataFrame, rf_percent: pd.Series | None = None, periods: int = TRADING_DAYS) -> pd.Series:
    """Annualised Sharpe ratio of daily returns over a risk-free yield in percent.

    ``rf_percent`` (e.g. FRED DGS3MO) is aligned to the return dates, forward-
    filled over holidays, and converted to a per-period rate (yield/100/periods).
    """
    if rf_percent is None:
        excess = returns
    else:
        rf = rf_percent.reindex(returns.index.union(rf_percent.index)).ffill()
        rf = rf.reindex(returns.index) / 100.0 / periods
        excess = returns.sub(rf, axis=0)
    return excess.mean() / excess.std(ddof=1) * np.sqrt(periods)


def risk_table(prices: pd.DataFrame, rf_percent: pd.Series | None = None) -> pd.DataFrame:
    """Annualised volatility, maximum drawdown and Sharpe ratio per column."""
    r = daily_returns(prices)
    return pd.DataFrame(
        {
            "Volatility": annualised_vol(r),
            "Max drawdown": max_drawdown(prices),
            "Sharpe": sharpe_ratio(r, rf_percent),
        }
    )


def rebase(prices: pd.DataFrame | pd.Series, base: float = 100.0):
    """Scale each series so its first valid value equals ``base``."""
    if isinstance(prices, pd.Series):
        s = prices.dropna()
        return prices / s.iloc[0] * base if len(s) else prices
    return prices.apply(lambda c: rebase(c, base))


def relative_strength(numerator: pd.Series, denominator: pd.Series, base: float = 1.0) -> pd.Series:
    """Ratio of two price series, rebased to ``base`` at the first common date.

    Rising means the numerator outperforms.
    """
    both = pd.concat([numerator, denominator], axis=1, keys=["n", "d"]).dropna()
    if both.empty:
        return pd.Series(dtype="float64")
    ratio = both["n"] / both["d"]
    return ratio / ratio.iloc[0] * base
