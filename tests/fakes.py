"""Fake yfinance module and fake HTTP getter for the live-data tests (no network).

``FakeYF`` mimics the parts of yfinance the live backend uses: ``download``
(with the column layouts yfinance has used across versions, tz-aware or naive
dates, per-ticker gaps, rate limits raised or only logged) and ``Ticker``
statements. ``FakeHTTP`` serves FRED CSVs (honouring ``cosd``) and canned pages,
and records every URL so tests can count requests.
"""
from __future__ import annotations

import logging
import types
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd


class YFRateLimitError(Exception):
    def __init__(self):
        super().__init__("Too Many Requests. Rate limited. Try after a while.")


def synthetic_closes(tickers, start="2020-01-01", end="2020-03-31", seed=0) -> dict[str, pd.Series]:
    """Deterministic business-day closes per ticker (synthetic; unit tests only)."""
    days = pd.bdate_range(start, end)
    rng = np.random.default_rng(seed)
    out = {}
    for i, t in enumerate(tickers):
        steps = rng.normal(0.0003, 0.01, len(days))
        out[t] = pd.Series(100.0 * (i + 1) * np.exp(np.cumsum(steps)), index=days)
    return out


class FakeYF:
    """Stands in for the ``yfinance`` module."""

    def __init__(self, closes: dict[str, pd.Series] | None = None, layout: str = "field_ticker",
                 tz: str | None = None, rate_limit_raises: int = 0, rate_limit_logs: int = 0,
                 fail: bool = False, statements: dict | None = None):
        self.closes = closes or {}
        self.layout = layout            # field_ticker | ticker_field | flat
        self.tz = tz
        self.rate_limit_raises = rate_limit_raises
        self.rate_limit_logs = rate_limit_logs
        self.fail = fail
        self.statements = statements or {}
        self.calls: list[dict] = []
        self.ticker_calls: list[str] = []
        self.exceptions = types.SimpleNamespace(YFRateLimitError=YFRateLimitError)

    # ---- yf.download -------------------------------------------------------
    def download(self, tickers, start=None, end=None, **kw):
        tickers = [tickers] if isinstance(tickers, str) else list(tickers)
        self.calls.append({"tickers": tickers, "start": start, "end": end, **kw})
        if self.fail:
            raise ConnectionError("network is unreachable")
        if self.rate_limit_raises > 0:
            self.rate_limit_raises -= 1
            raise YFRateLimitError()
        if self.rate_limit_logs > 0:  # yfinance >= 0.2.5x: logs, returns NaN columns
            self.rate_limit_logs -= 1
            logging.getLogger("yfinance").error("%s: YFRateLimitError('Too Many Requests. Rate limited.')",
                                                tickers)
            return self._frame({}, tickers)
        served = {}
        for t in tickers:
            s = self.closes.get(t)
            if s is None:
                continue
            if start is not None:
                s = s[s.index >= pd.Timestamp(start)]
            if end is not None:
                s = s[s.index < pd.Timestamp(end)]  # Yahoo's end is exclusive
            served[t] = s
        return self._frame(served, tickers)

    def _frame(self, served: dict, tickers) -> pd.DataFrame:
        idx = pd.DatetimeIndex(sorted(set().union(*[s.index for s in served.values()]))
                               if served else [], name="Date")
        if self.tz:
            idx = idx.tz_localize(self.tz)
        if not served and self.layout != "flat":
            return pd.DataFrame(index=idx)
        cols, data = [], []
        for t in tickers:  # unknown tickers: all-NaN columns, as yfinance returns them
            s = served.get(t, pd.Series(dtype="float64"))
            s = pd.Series(s.values, index=(s.index.tz_localize(self.tz) if self.tz and len(s) else s.index))
            s = s.reindex(idx)
            for field, mult in (("Close", 1.0), ("High", 1.01), ("Low", 0.99), ("Open", 1.0)):
                cols.append((field, t))
                data.append(s * mult)
        if self.layout == "flat":
            frame = pd.DataFrame({f: d for (f, _), d in zip(cols, data)}, index=idx)
            return frame
        frame = pd.DataFrame(dict(zip(range(len(data)), data)), index=idx)
        mi = pd.MultiIndex.from_tuples(cols, names=["Price", "Ticker"])
        if self.layout == "ticker_field":
            mi = pd.MultiIndex.from_tuples([(t, f) for f, t in cols], names=["Ticker", "Price"])
        frame.columns = mi
        return frame

    # ---- yf.Ticker -----------------------------------------------------------
    def Ticker(self, symbol):  # noqa: N802 (yfinance's name)
        self.ticker_calls.append(symbol)
        if self.fail:
            raise ConnectionError("network is unreachable")
        if self.rate_limit_raises > 0:
            self.rate_limit_raises -= 1
            raise YFRateLimitError()
        return types.SimpleNamespace(**self.statements.get(symbol, {}))


def statement(rows: dict[str, list], dates) -> pd.DataFrame:
    """A yfinance-style statement: row labels x period-end columns (newest first)."""
    cols = pd.DatetimeIndex(pd.to_datetime(dates))
    return pd.DataFrame(rows, index=cols).T


def fred_csv(series: str, values: pd.Series, date_col: str = "observation_date") -> str:
    """FRED CSV text; NaN values are written as '.' like FRED does."""
    lines = [f"{date_col},{series}"]
    for d, v in values.items():
        lines.append(f"{pd.Timestamp(d):%Y-%m-%d},{'.' if pd.isna(v) else v}")
    return "\n".join(lines) + "\n"


class FakeHTTP:
    """``http_get(url, timeout) -> text`` serving FRED series and canned pages."""

    def __init__(self, fred: dict[str, pd.Series] | None = None, pages: dict[str, str] | None = None,
                 fail: bool = False):
        self.fred = fred or {}
        self.pages = pages or {}
        self.fail = fail
        self.urls: list[str] = []

    def __call__(self, url: str, timeout: float = 20.0) -> str:
        self.urls.append(url)
        if self.fail:
            raise ConnectionError("network is unreachable")
        for prefix, text in self.pages.items():
            if url.startswith(prefix):
                return text
        q = parse_qs(urlparse(url).query)
        sid = q.get("id", [None])[0]
        if sid not in self.fred:
            raise OSError(f"404 Client Error: Not Found for url: {url}")
        s = self.fred[sid]
        if "cosd" in q:
            s = s[s.index >= pd.Timestamp(q["cosd"][0])]
        return fred_csv(sid, s)

    def fred_requests(self, series: str | None = None) -> list[str]:
        return [u for u in self.urls if "fredgraph" in u and (series is None or f"id={series}" in u)]


class Clock:
    """Injectable ``now`` for the live backend (UTC, tz-naive)."""

    def __init__(self, now="2020-03-31 22:00"):
        self.now = pd.Timestamp(now)

    def __call__(self) -> pd.Timestamp:
        return self.now


def wiki_page(n=410):
    """A Wikipedia-like S&P 500 page with ``n`` synthetic constituents."""
    rows = "".join(f"<tr><td>T{i}.B</td><td>Company {i}</td><td>Industrials</td><td>Machinery</td>"
                   f"<td>Town</td><td>2010-01-0{1 + i % 9}</td><td>{1000 + i}</td><td>1950</td></tr>"
                   for i in range(n))
    head = ("<tr><th>Symbol</th><th>Security</th><th>GICS Sector</th><th>GICS Sub-Industry</th>"
            "<th>Headquarters Location</th><th>Date added</th><th>CIK</th><th>Founded</th></tr>")
    return f"<html><body><table id='constituents'>{head}{rows}</table></body></html>"


#: an iShares IWM holdings CSV: preamble, quoted rows, cash and '-' rows, footer prose
ISHARES = ('iShares Russell 2000 ETF\nFund Holdings as of,"Nov 18, 2026"\nInception Date,"May 22, 2000"\n'
           'Shares Outstanding,"271,350,000.00"\nStock,"-"\n\n'
           "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,Location,"
           "Exchange,Currency,FX Rate,Market Currency,Accrual Date\n"
           '"BE","BLOOM ENERGY CLASS A CORP","Industrials","Equity","1,532,594,919.50","1.93","1","1","1",'
           '"United States","NYSE","USD","1.00","USD","-"\n'
           '"MOGA","MOOG INC CLASS A","Industrials","Equity","2,000.00","0.10","1","1","1","United States",'
           '"NYSE","USD","1.00","USD","-"\n'
           '"XTSLA","BLK CSH FND TREASURY SL AGENCY","Cash and/or Derivatives","Money Market","9,999","0.99",'
           '"1","1","1","United States","-","USD","1.00","USD","-"\n'
           '"-","SOME RIGHT","Health Care","Equity","10","0.00","1","1","1","United States","-","USD","1.00","USD","-"\n'
           ' \n"The content contained herein is owned or licensed by BlackRock."\n')
