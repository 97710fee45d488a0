"""Fake Yahoo HTTP answers for the real yfinance code (no network is ever used).

yfinance 1.7 sends every data request through one method,
``yfinance.data.YfData._make_request`` (``get``, ``post``, ``cache_get`` and
``get_raw_json`` all call it). :class:`FakeYahoo` replaces that method and
answers like Yahoo's endpoints, so yfinance's own download, chart parsing,
adjustment and statement code runs unchanged:

- ``/v8/finance/chart/SYM``: chart JSON (timestamps at the session open,
  ``close`` and ``adjclose``, dividend events). While the NYSE session of the
  (time-machine) clock is open, the answer ends with today's unfinished bar, as
  Yahoo's does. Adjusted closes are computed from the dividends known *now*, so
  a dividend added between two refreshes re-bases the older history.
- ``/ws/fundamentals-timeseries/...``: statement JSON (``quarterlyTotalRevenue``...).
- ``/v10/finance/quoteSummary/SYM`` and ``/v7/finance/quote``: quote figures.

Failures are Yahoo's: HTTP 429 (the real ``_make_request`` raises
``YFRateLimitError`` after its retry, and so does the fake), HTTP 404 with
Yahoo's "No data found, symbol may be delisted", and empty statement results.
Every request is recorded (:attr:`FakeYahoo.requests`).

The FRED, Wikipedia and iShares fakes are HTTP-level too (``responses`` mocks
``requests``): :func:`serve_fred` and :func:`serve_page`.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest
import responses

from rotation_utils.data import market_hours, network

NY = "America/New_York"


class FakeResponse:
    """What yfinance reads from a curl_cffi response."""

    def __init__(self, url: str, status: int, payload):
        self.url = url
        self.status_code = status
        self.text = payload if isinstance(payload, str) else json.dumps(payload)
        self.content = self.text.encode()

    def json(self):
        return json.loads(self.text)

    def raise_for_status(self):
        if self.status_code >= 400:
            from yfinance._http import HTTPError

            err = HTTPError(f"HTTP Error {self.status_code}: {self.url}")
            err.response = self
            raise err


def _sessions() -> pd.DataFrame:
    """NYSE session open and close times (UTC, naive) by session date."""
    import exchange_calendars as xcals

    cal = xcals.get_calendar("XNYS")
    out = pd.DataFrame(
        {
            "open": cal.opens.dt.tz_convert("UTC").dt.tz_localize(None),
            "close": cal.closes.dt.tz_convert("UTC").dt.tz_localize(None),
        }
    )
    out.index = pd.DatetimeIndex(out.index).tz_localize(None).normalize()
    return out


SESSIONS = _sessions()


def _session_bounds(day) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(open, close) in UTC of the NYSE session on ``day``, None on a holiday/weekend."""
    d = pd.Timestamp(day).normalize()
    if d not in SESSIONS.index:
        return None
    return SESSIONS.at[d, "open"], SESSIONS.at[d, "close"]


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").tz_localize(None)


def adjusted(closes: pd.Series, dividends: dict) -> pd.Series:
    """Yahoo's adjusted close: each dividend multiplies every earlier close by (1 - div / prior close)."""
    factor = pd.Series(1.0, index=closes.index)
    for day, amount in dividends.items():
        day = pd.Timestamp(day)
        prior = closes[closes.index < day]
        if len(prior):
            factor[factor.index < day] *= 1 - amount / prior.iloc[-1]
    return closes * factor


class FakeYahoo:
    """Yahoo's endpoints as seen by yfinance; install with :meth:`install` (a pytest fixture does)."""

    def __init__(self):
        self.closes: dict[str, pd.Series] = {}
        self.dividends: dict[str, dict] = {}
        self.live_price: dict[str, float] = {}
        self.kind: dict[str, str] = {}
        self.rate_limited: dict[str, int] = {}  # symbol -> 429 answers left (-1: always)
        self.gone: set[str] = set()  # symbols answered with 404 "delisted"
        self.statements: dict[tuple[str, str], dict] = {}
        self.info: dict[str, dict] = {}
        self.empty_statements: dict[str, int] = {}  # symbol -> empty answers left
        self.requests: list[tuple[str, dict]] = []
        self._lock = threading.Lock()

    # ---- set-up -------------------------------------------------------------
    def add(
        self,
        symbol: str,
        closes: pd.Series,
        kind: str = "ETF",
        dividends: dict | None = None,
        live_price: float | None = None,
    ) -> None:
        """Serve ``closes`` (final daily closes by date) for ``symbol``; ``live_price`` is the
        unfinished bar shown while today's session is open."""
        self.closes[symbol] = closes.astype("float64").sort_index()
        self.kind[symbol] = kind
        self.dividends[symbol] = dict(dividends or {})
        if live_price is not None:
            self.live_price[symbol] = live_price

    def add_statement(self, symbol: str, frequency: str, rows: dict[str, dict]) -> None:
        """``rows``: Yahoo key (``TotalRevenue``...) -> {period end: value}; frequency annual|quarterly."""
        self.statements[(symbol, frequency)] = rows

    def chart_requests(self, symbol: str | None = None) -> list[dict]:
        """Params of the history requests (not the one-day time-zone look-ups)."""
        return [
            p
            for u, p in self.requests
            if "/v8/finance/chart/" in u and "range" not in p and (symbol is None or u.endswith(f"/{symbol}"))
        ]

    def count(self, fragment: str) -> int:
        return sum(fragment in u for u, _ in self.requests)

    # ---- the patched method -----------------------------------------------------
    def make_request(self, yfdata, url, request_method=None, body=None, params=None, timeout=30, data=None):
        """Stands in for ``YfData._make_request``: returns a response or raises like it."""
        from yfinance.exceptions import YFRateLimitError

        params = dict(params or {})
        full = url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in params.items())
        with self._lock:
            self.requests.append((url, params))
        symbol = self._symbol(url, params)
        with self._lock:
            left = self.rate_limited.get(symbol, 0)
            if left:
                self.rate_limited[symbol] = left - 1 if left > 0 else left
                raise YFRateLimitError()
        unknown = "/v8/finance/chart/" in url and symbol not in self.closes
        if symbol in self.gone or unknown:
            return FakeResponse(
                full,
                404,
                {
                    "chart": {
                        "result": None,
                        "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
                    },
                    "quoteSummary": {"result": None, "error": {"code": "Not Found", "description": "Quote not found"}},
                },
            )
        if "/v8/finance/chart/" in url:
            return FakeResponse(full, 200, self._chart(symbol, params))
        if "fundamentals-timeseries" in url:
            return FakeResponse(full, 200, self._timeseries(symbol, full))
        if "quoteSummary" in url:
            return FakeResponse(
                full, 200, {"quoteSummary": {"result": [{"summaryDetail": self.info.get(symbol, {})}], "error": None}}
            )
        if "/v7/finance/quote" in url:
            return FakeResponse(full, 200, {"quoteResponse": {"result": [], "error": None}})
        return FakeResponse(full, 404, {"error": "not faked"})

    @staticmethod
    def _symbol(url: str, params: dict) -> str:
        path = urlparse(url).path
        if "/v7/finance/quote" in path:
            return params.get("symbols", "")
        return path.rstrip("/").split("/")[-1]

    def _bars(self, symbol: str) -> pd.DataFrame:
        """Final bars (sessions closed by now) plus today's unfinished one while the session is open."""
        closes = self.closes.get(symbol, pd.Series(dtype="float64"))
        now = _now()
        when = SESSIONS.reindex(closes.index)
        final = when["close"].notna() & (when["close"] <= now)
        closes, when = closes[final.to_numpy()], when[final.to_numpy()]
        adj = adjusted(closes, {d: a for d, a in self.dividends.get(symbol, {}).items() if pd.Timestamp(d) <= now})
        bars = pd.DataFrame({"ts": when["open"].to_numpy(), "close": closes.to_numpy(), "adjclose": adj.to_numpy()})
        session = _session_bounds(now)
        if session and session[0] <= now < session[1] and symbol in self.live_price:
            price = self.live_price[symbol]
            bars = pd.concat([bars, pd.DataFrame({"ts": [now], "close": [price], "adjclose": [price]})])
        return bars.reset_index(drop=True)

    def _chart(self, symbol: str, params: dict) -> dict:
        bars = self._bars(symbol)
        if "period1" in params:
            lo = pd.Timestamp(int(params["period1"]), unit="s")
            hi = pd.Timestamp(int(params["period2"]), unit="s") if params.get("period2") else _now()
            live = bars.iloc[-1:] if len(bars) and bars["ts"].iloc[-1] == _now() else bars.iloc[:0]
            bars = bars[(bars["ts"] >= lo) & (bars["ts"] < hi)]
            if len(live) and not len(bars[bars["ts"] == live["ts"].iloc[0]]):
                bars = pd.concat([bars, live])  # Yahoo appends the latest price past period2
        elif len(bars):
            bars = bars.iloc[-1:]
        secs = [int(t.timestamp()) for t in bars["ts"].map(lambda t: pd.Timestamp(t).tz_localize("UTC"))]
        divs = {
            str(int(pd.Timestamp(d).tz_localize(NY).replace(hour=9, minute=30).timestamp())): {
                "amount": a,
                "date": int(pd.Timestamp(d).tz_localize(NY).replace(hour=9, minute=30).timestamp()),
            }
            for d, a in self.dividends.get(symbol, {}).items()
            if pd.Timestamp(d) <= _now()
        }
        kind = self.kind.get(symbol, "ETF")
        meta = {
            "currency": "USD",
            "symbol": symbol,
            "exchangeName": "PCX",
            "instrumentType": kind,
            "firstTradeDate": 0,
            "regularMarketTime": int(_now().timestamp()),
            "gmtoffset": -14400,
            "timezone": "EDT",
            "exchangeTimezoneName": NY,
            "priceHint": 2,
            "dataGranularity": "1d",
            "range": params.get("range", ""),
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
        }
        if not secs and "range" not in params:
            return {
                "chart": {
                    "result": None,
                    "error": {"code": "Not Found", "description": "No data found for this date range"},
                }
            }
        closes = [float(x) for x in bars["close"]]
        quote = {"open": closes, "high": closes, "low": closes, "close": closes, "volume": [1000] * len(closes)}
        result = {
            "meta": meta,
            "timestamp": secs,
            "indicators": {"quote": [quote], "adjclose": [{"adjclose": [float(x) for x in bars["adjclose"]]}]},
        }
        if divs:
            result["events"] = {"dividends": divs}
        return {"chart": {"result": [result], "error": None}}

    def _timeseries(self, symbol: str, url: str) -> dict:
        with self._lock:
            left = self.empty_statements.get(symbol, 0)
            if left:
                self.empty_statements[symbol] = left - 1 if left > 0 else left
                return {"timeseries": {"result": [], "error": None}}
        types = parse_qs(urlparse(url).query).get("type", [""])[0].split(",")
        out = []
        for t in types:
            freq = "annual" if t.startswith("annual") else "quarterly" if t.startswith("quarterly") else None
            key = t[len(freq) :] if freq else None
            rows = self.statements.get((symbol, freq), {}).get(key) if freq else None
            if not rows:
                continue
            days = sorted(pd.Timestamp(d) for d in rows)
            out.append(
                {
                    "meta": {"symbol": [symbol], "type": [t]},
                    "timestamp": [int(d.tz_localize("UTC").timestamp()) for d in days],
                    t: [
                        {
                            "asOfDate": f"{d:%Y-%m-%d}",
                            "periodType": "3M" if freq == "quarterly" else "12M",
                            "currencyCode": "USD",
                            "reportedValue": {
                                "raw": float(
                                    rows[d.strftime("%Y-%m-%d")] if d.strftime("%Y-%m-%d") in rows else rows[d]
                                ),
                                "fmt": "",
                            },
                        }
                        for d in days
                    ],
                }
            )
        return {"timeseries": {"result": out, "error": None}}


def business_closes(start: str, end: str, base: float = 100.0, seed: int = 0) -> pd.Series:
    """Deterministic closes on NYSE sessions (synthetic; unit tests only)."""
    import exchange_calendars as xcals

    days = xcals.get_calendar("XNYS").sessions_in_range(start, end)
    rng = np.random.default_rng(seed)
    values = base * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(days))))
    return pd.Series(values, index=pd.DatetimeIndex(days).tz_localize(None))


@pytest.fixture
def yahoo(tmp_path, monkeypatch):
    """A :class:`FakeYahoo` behind the real yfinance; network guard and caches reset."""
    import yfinance as yf
    import yfinance.base
    from yfinance.data import YfData

    fake = FakeYahoo()
    monkeypatch.setattr(
        YfData,
        "_make_request",
        lambda self, url, request_method=None, **kw: fake.make_request(self, url, request_method, **kw),
    )
    yf.set_tz_cache_location(str(tmp_path / "yfinance-cache"))
    YfData.cache_get.cache_clear()
    monkeypatch.setattr(yfinance.base, "_tz_info_fetch_ctr", 0)
    monkeypatch.setenv("ROTATION_OFFLINE", "0")
    monkeypatch.delenv("ROTATION_RUN_DIR", raising=False)
    network.GUARD.reset()
    market_hours._closes()  # build the calendar before any clock travel
    yield fake
    network.GUARD.reset()
    YfData.cache_get.cache_clear()


def fred_csv(series: str, values: pd.Series, date_col: str = "observation_date") -> str:
    """FRED CSV text; NaN values are written as '.' like FRED does."""
    lines = [f"{date_col},{series}"]
    for d, v in values.items():
        lines.append(f"{pd.Timestamp(d):%Y-%m-%d},{'.' if pd.isna(v) else v}")
    return "\n".join(lines) + "\n"


def serve_fred(mock: responses.RequestsMock, series: dict[str, pd.Series]) -> None:
    """Answer FRED's CSV endpoint for ``series`` (honouring ``cosd``); other ids get 404."""

    def answer(request):
        q = parse_qs(urlparse(request.url).query)
        sid = q.get("id", [None])[0]
        if sid not in series:
            return 404, {}, "Not Found"
        s = series[sid]
        if "cosd" in q:
            s = s[s.index >= pd.Timestamp(q["cosd"][0])]
        return 200, {}, fred_csv(sid, s)

    mock.add_callback(
        responses.GET, re.compile(r"https://fred\.stlouisfed\.org/graph/fredgraph\.csv.*"), callback=answer
    )


def serve_page(mock: responses.RequestsMock, url: str, text: str, status: int = 200) -> None:
    """Answer ``url`` (query string included) with ``text``."""
    mock.add(responses.GET, re.compile(re.escape(url) + ".*"), body=text, status=status)


def wiki_page(n=410):
    """A Wikipedia-like S&P 500 page with ``n`` synthetic constituents."""
    rows = "".join(
        f"<tr><td>T{i}.B</td><td>Company {i}</td><td>Industrials</td><td>Machinery</td>"
        f"<td>Town</td><td>2010-01-0{1 + i % 9}</td><td>{1000 + i}</td><td>1950</td></tr>"
        for i in range(n)
    )
    head = (
        "<tr><th>Symbol</th><th>Security</th><th>GICS Sector</th><th>GICS Sub-Industry</th>"
        "<th>Headquarters Location</th><th>Date added</th><th>CIK</th><th>Founded</th></tr>"
    )
    return f"<html><body><table id='constituents'>{head}{rows}</table></body></html>"


#: an iShares IWM holdings CSV: preamble, quoted rows, cash and '-' rows, footer prose
ISHARES = (
    'iShares Russell 2000 ETF\nFund Holdings as of,"Nov 18, 2026"\nInception Date,"May 22, 2000"\n'
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
    ' \n"The content contained herein is owned or licensed by BlackRock."\n'
)
