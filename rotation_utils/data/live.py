"""Live data (Yahoo via yfinance, FRED, Wikipedia, iShares) through the parquet cache.

:class:`LiveBackend` has the same methods and returns the same long frames as
:class:`~rotation_utils.data.snapshot.SnapshotBackend`, so the data layer can
ask either. Datasets with no sensible free live source (month-end market caps,
the dated S&P 500 financials, the S&P 500 change log, Shiller's monthly
series) raise ``NotImplementedError`` and the layer falls back to the snapshot.

Refresh rules (so a re-run is fast and Yahoo is asked as little as possible):

- prices/rates: each ticker/series is cached with a ``fetched_at`` stamp. A
  cache refreshed today, or a window that ends inside the cached dates, makes
  no request. Otherwise only newer dates are requested: prices from the last
  cached session (one overlapping day, used to rescale older adjusted closes
  when a dividend or split has been applied since), rates from the day after.
  An earlier ``start`` than ever requested refetches the item from ``start``.
  Fetches always run to the latest date (whatever the window's end), so the
  cached history of an item never has holes.
- tables (fundamentals, S&P 500 list, IWM holdings): refetched when older than
  ``TABLE_MAX_AGE_DAYS``.
- a failed or partial fetch never overwrites cached data; cached data is then
  served and labelled ``cache`` in provenance (``frame.attrs["served_by"]`` for
  tickers/series, ``frame.attrs["source"]`` for tables).

Network: ``network=None`` tries the sources directly; ``"probe"`` first checks
connectivity once per process (2 s socket connect) and uses the cache only if
it is down; ``ROTATION_OFFLINE=1`` always means cache only. ``strict=True``
(source ``live``) raises a one-line DataUnavailableError when nothing can be
served.
"""
from __future__ import annotations

import io
import logging
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from .. import config
from ..errors import DataUnavailableError
from . import fred, yahoo
from .cache import Entry, ParquetCache

log = logging.getLogger(__name__)

PROBE_HOSTS = (("query1.finance.yahoo.com", 443), ("fred.stlouisfed.org", 443))
PROBE_TIMEOUT_S = 2.0
FULL_HISTORY_START = pd.Timestamp("1970-01-01")  # yfinance needs a start (else: one month)
TABLE_MAX_AGE_DAYS = {"fundamentals_annual": 7, "fundamentals_quarterly": 7,
                      "sp500_constituents": 1, "iwm_holdings": 1}
SP500_WIKI = "https://en.wikipedia.org/wiki/List_of_S%26P_500_companies"
IWM_CSV = ("https://www.ishares.com/us/products/239710/ishares-russell-2000-etf/"
           "1467271812596.ajax?fileType=csv&fileName=IWM_holdings&dataType=fund")
USER_AGENT = "Mozilla/5.0 (rotation-utils research notebooks)"
#: iShares writes share classes without a separator; Yahoo uses a dash
ISHARES_CLASS_TICKERS = {"MOGA": "MOG-A", "GEFB": "GEF-B", "CRDA": "CRD-A", "BRKB": "BRK-B",
                         "BFB": "BF-B", "LGFA": "LGF-A", "LGFB": "LGF-B", "HEIA": "HEI-A"}

_PROBE_RESULT: dict[tuple, bool] = {}


def probe_network(hosts=PROBE_HOSTS, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """True if a TCP connection to the first data host succeeds; cached per process."""
    key = tuple(hosts)
    if key not in _PROBE_RESULT:
        ok = False
        for host, port in hosts[:1]:
            try:
                with socket.create_connection((host, port), timeout=timeout):
                    ok = True
            except OSError:
                ok = False
        _PROBE_RESULT[key] = ok
    return _PROBE_RESULT[key]


def http_get(url: str, timeout: float = 20.0) -> str:
    """GET ``url`` and return its text; raises on HTTP errors (the default getter)."""
    import requests
    resp = requests.get(url, timeout=timeout, headers={"User-Agent": USER_AGENT})
    resp.raise_for_status()
    return resp.text


def _is_not_found(exc: BaseException) -> bool:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return status == 404 or "404" in str(exc)[:40]


def _utc_now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").tz_localize(None)


# ---- parsers for the web tables (pure: text in, frame out) -------------------
def parse_sp500_wikipedia(html: str) -> pd.DataFrame:
    """The constituents table of Wikipedia's S&P 500 list -> snapshot columns."""
    tables = pd.read_html(io.StringIO(html), flavor="lxml", match="Symbol")
    raw = next((t for t in tables if {"Symbol", "GICS Sector"} <= set(map(str, t.columns))), None)
    if raw is None or len(raw) < 400:
        raise ValueError("Wikipedia S&P 500 page: constituents table not found")
    return pd.DataFrame({
        "symbol": raw["Symbol"].astype("str").str.strip().str.replace(".", "-", regex=False),
        "name": raw["Security"].astype("str"),
        "gics_sector": raw["GICS Sector"].astype("str"),
        "gics_sub_industry": raw["GICS Sub-Industry"].astype("str"),
        "date_added": pd.to_datetime(raw.get("Date added"), errors="coerce").astype("datetime64[ns]"),
        "cik": pd.to_numeric(raw.get("CIK"), errors="coerce").astype("Int64"),
    })


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype("str").str.replace(",", "", regex=False).str.strip(),
                         errors="coerce").astype("float64")


def parse_ishares_holdings(text: str) -> tuple[pd.Timestamp, pd.DataFrame]:
    """An iShares holdings CSV -> (as-of date, equity rows in the snapshot's columns)."""
    m = re.search(r'Fund Holdings as of,\s*"([^"]+)"', text[:2000])
    as_of = pd.to_datetime(m.group(1), errors="coerce") if m else pd.NaT
    if pd.isna(as_of):
        raise ValueError("iShares CSV: no 'Fund Holdings as of' date")
    lines = text.splitlines()
    head = next((i for i, ln in enumerate(lines) if ln.lstrip('"').startswith("Ticker,")
                 or ln.startswith('"Ticker"')), None)
    if head is None:
        raise ValueError("iShares CSV: no 'Ticker,...' header")
    body = "\n".join(ln for ln in lines[head:] if ln.count(",") >= 3)  # drops footer prose
    raw = pd.read_csv(io.StringIO(body), dtype=str)
    raw = raw[(raw["Asset Class"].str.strip() == "Equity") & (raw["Ticker"].str.strip() != "-")]
    ticker = raw["Ticker"].str.strip().str.replace(".", "-", regex=False).str.replace(" ", "-", regex=False)
    out = pd.DataFrame({
        "ticker": ticker.replace(ISHARES_CLASS_TICKERS).astype("str"),
        "name": raw["Name"].astype("str"),
        "sector": raw["Sector"].astype("str"),
        "market_value": _number(raw["Market Value"]),
        "weight_pct": _number(raw["Weight (%)"]),
        "asset_class": raw["Asset Class"].str.strip().astype("str"),
    })
    return pd.Timestamp(as_of).normalize(), out.reset_index(drop=True)


# ---- merging new rows into cached ones ----------------------------------------
def splice_adjusted(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Append newly fetched adjusted closes to cached ones (``date, close`` frames).

    Yahoo re-bases the whole adjusted history at each dividend/split. On the
    overlapping session the new and old closes must agree; if they don't, the
    old history is rescaled by the ratio so returns across the seam stay right.
    """
    if old is None or old.empty:
        return new.sort_values("date").reset_index(drop=True)
    both = old.merge(new, on="date", suffixes=("_old", "_new"))
    if len(both):
        last = both.iloc[both["date"].argmax()]
        ratio = last["close_new"] / last["close_old"]
        if pd.notna(ratio) and ratio > 0 and abs(ratio - 1) > 1e-9:
            old = old.assign(close=old["close"] * ratio)
    out = pd.concat([old[~old["date"].isin(new["date"])], new], ignore_index=True)
    return out.sort_values("date").reset_index(drop=True)


def append_rows(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """New observations replace cached ones on the same date (FRED revisions)."""
    if old is None or old.empty:
        return new.sort_values("date").reset_index(drop=True)
    out = pd.concat([old[~old["date"].isin(new["date"])], new], ignore_index=True)
    return out.sort_values("date").reset_index(drop=True)


class LiveBackend:
    """Live sources behind a parquet cache; same interface as ``SnapshotBackend``."""

    name = "live"

    def __init__(self, cache_dir=None, network=None, strict: bool = False, *, yf=None,
                 http_get=http_get, probe=probe_network, sleep=time.sleep, now=_utc_now,
                 batch_size: int = 50, retries: int = 4, backoff_s: float = 2.0):
        self.cache = ParquetCache(config.cache_dir(cache_dir))
        self.network = network
        self.strict = strict
        self._yf_module = yf
        self._http_get = http_get
        self._probe = probe
        self._sleep = sleep
        self._now = now
        self.batch_size, self.retries, self.backoff_s = batch_size, retries, backoff_s
        self._online: bool | None = None

    # ---- plumbing ----------------------------------------------------------
    @property
    def online(self) -> bool:
        """Whether to try the network at all (decided once per backend)."""
        if self._online is None:
            if config.offline_forced() or self.network in (False, "off"):
                self._online = False
            elif self.network == "probe":
                self._online = bool(self._probe())
            else:
                self._online = True
        return self._online

    @property
    def yf(self):
        if self._yf_module is None:
            import yfinance  # slow import: only when a fetch is needed
            self._yf_module = yfinance
        return self._yf_module

    def _today(self) -> pd.Timestamp:
        return self._now().normalize()

    def _fresh(self, entry: Entry | None, max_age_days: int = 1) -> bool:
        at = entry.fetched_at if entry else None
        return at is not None and (self._today() - at.normalize()).days < max_age_days

    def _stamp(self, requested_from, source: str) -> dict:
        """Cache stamp: when fetched and from which start ("" = full history)."""
        req = "" if requested_from is None or requested_from == "" else pd.Timestamp(requested_from).strftime("%Y-%m-%d")
        return {"fetched_at": self._now().isoformat(), "source": source, "requested_from": req}

    def _unavailable(self, what: str, items) -> DataUnavailableError:
        items = list(items)
        names = ", ".join(items[:5]) + (" ..." if len(items) > 5 else "")
        why = ("offline (ROTATION_OFFLINE=1 or no network)" if not self.online
               else "the live source returned nothing")
        return DataUnavailableError(f"live {what} for {names}: {why} and nothing cached in {self.cache.root}")

    # ---- itemised datasets -------------------------------------------------
    def _plan(self, entry: Entry | None, start, end, overlap: bool):
        """When to fetch one item from: ``(fetch_from, requested_from)``; fetch_from None = no fetch.

        ``requested_from`` is the stamp's new value ("" = full history).
        """
        first = (FULL_HISTORY_START if start is None else pd.Timestamp(start)), start
        if entry is None:
            return first
        if entry.frame.empty:  # the source had nothing for it today: don't ask again today
            return (None, start) if self._fresh(entry) else first
        req = entry.meta.get("requested_from", "")
        if start is not None and req and pd.Timestamp(start) < pd.Timestamp(req):
            return pd.Timestamp(start), start  # earlier than ever fetched: refetch from start
        last = entry.frame["date"].max()
        if (end is not None and pd.Timestamp(end) <= last) or self._fresh(entry):
            return None, req
        return (last if overlap else last + pd.Timedelta(days=1)), req

    def _serve(self, dataset: str, key: str, value: str, items, start, end, fetch_group, merge,
               source: str, overlap: bool) -> pd.DataFrame:
        """Shared refresh-and-serve loop for prices and rates."""
        with ThreadPoolExecutor(max_workers=8) as pool:  # parquet reads release the GIL
            entries = dict(zip(items, pool.map(lambda it: self.cache.read(dataset, it), items)))
        labels = {}
        if self.online:
            groups: dict = {}
            for it, entry in entries.items():
                fetch_from, req = self._plan(entry, start, end, overlap)
                if fetch_from is None:
                    labels[it] = "live"
                else:
                    groups.setdefault((fetch_from, req), []).append(it)
            for (fetch_from, req), group in groups.items():
                new, answered = fetch_group(group, fetch_from)
                by_item = dict(tuple(new.groupby(key, sort=False))) if len(new) else {}
                stamp = self._stamp(req, source)
                for it in group:
                    rows = by_item.get(it)
                    if rows is not None and len(rows):
                        rows = rows[["date", value]].reset_index(drop=True)
                        entries[it] = self.cache.update(
                            dataset, it, lambda cur, rows=rows: (
                                merge(cur.frame if cur else None, rows), stamp))
                        labels[it] = "live"
                    elif it in answered:  # the source answered: nothing (new) for this item
                        empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"),
                                              value: pd.Series(dtype="float64")})
                        entries[it] = self.cache.update(
                            dataset, it, lambda cur, empty=empty: (cur.frame if cur else empty, stamp))
                        labels[it] = "live"
        parts = []
        for it, entry in entries.items():
            if entry is None or entry.frame.empty:
                continue
            f = entry.frame
            if start is not None:
                f = f[f["date"] >= pd.Timestamp(start)]
            if end is not None:
                f = f[f["date"] <= pd.Timestamp(end)]
            if len(f):
                parts.append(f.assign(**{key: it})[["date", key, value]])
                labels.setdefault(it, "cache")
        if not parts:
            if self.strict:
                raise self._unavailable(dataset, items)
            out = (yahoo.empty_prices() if dataset == "prices" else fred.empty_rates())
            out.attrs["served_by"] = {}
            return out
        out = pd.concat(parts, ignore_index=True)
        out[key] = out[key].astype("str")
        out["date"] = out["date"].astype("datetime64[ns]")
        out[value] = out[value].astype("float64")
        out.attrs["served_by"] = {it: labels[it] for it in out[key].unique()}
        return out

    def prices(self, tickers, start=None, end=None) -> pd.DataFrame:
        """Long ``date, ticker, close`` (adjusted closes) from Yahoo, via the cache."""
        def fetch(group, fetch_from):
            return yahoo.download_closes(self.yf, group, fetch_from, None, batch_size=self.batch_size,
                                         retries=self.retries, backoff_s=self.backoff_s,
                                         sleep=self._sleep)
        return self._serve("prices", "ticker", "close", list(tickers), start, end, fetch,
                           splice_adjusted, "yfinance", overlap=True)

    def rates(self, series, start=None, end=None) -> pd.DataFrame:
        """Long ``date, series, value`` (percent) from FRED's CSV endpoint, via the cache."""
        def fetch(group, fetch_from):
            parts, answered = [], set()
            for sid in group:
                try:
                    got = fred.fetch_series(self._http_get, sid,
                                            None if fetch_from <= FULL_HISTORY_START else fetch_from)
                except Exception as exc:  # network, HTTP 404 for unknown ids, error pages
                    log.warning("FRED %s: %s: %s", sid, exc.__class__.__name__, str(exc)[:120])
                    if _is_not_found(exc):
                        answered.add(sid)  # FRED answered: no such series (don't ask again today)
                    continue
                answered.add(sid)
                parts.append(got)
            return (pd.concat(parts, ignore_index=True) if parts else fred.empty_rates()), answered
        return self._serve("rates", "series", "value", list(series), start, end, fetch,
                           append_rows, "fred", overlap=False)

    # ---- whole tables ------------------------------------------------------
    def _table(self, dataset: str, item: str, fetch, max_age_days: int):
        """(frame, label) from a fresh cache, a fetch, or a stale cache; (None, None) if none."""
        entry = self.cache.read(dataset, item)
        if self._fresh(entry, max_age_days):
            return entry.frame, "live"
        if self.online:
            try:
                new = fetch()
            except Exception as exc:
                log.warning("live %s/%s: %s: %s", dataset, item, exc.__class__.__name__, str(exc)[:120])
                new = None
            if new is not None and len(new):
                self.cache.write(dataset, item, new, self._stamp(None, dataset))
                return new, "live"
        return (entry.frame, "cache") if entry is not None else (None, None)

    def _retrying(self, fn):
        """Call ``fn`` with exponential backoff on rate-limit errors only."""
        for attempt in range(self.retries + 1):
            try:
                return fn()
            except Exception as exc:
                if attempt == self.retries or not yahoo._is_rate_limit(exc, self.yf):
                    raise
                self._sleep(self.backoff_s * 2 ** attempt)

    def fundamentals(self, frequency: str = "annual", symbols=None) -> pd.DataFrame | None:
        """yfinance statements for ``symbols`` in the snapshot's columns (no full-universe list)."""
        if symbols is None:
            raise NotImplementedError("live fundamentals need an explicit symbol list")
        dataset = f"fundamentals_{frequency}"
        parts, labels = [], set()
        for sym in symbols:
            frame, label = self._table(
                dataset, sym, lambda sym=sym: self._retrying(
                    lambda: yahoo.fetch_statements(self.yf, sym, frequency)),
                TABLE_MAX_AGE_DAYS[dataset])
            if frame is not None and len(frame):
                parts.append(frame)
                labels.add(label)
        if not parts:
            if self.strict:
                raise self._unavailable(dataset, symbols)
            return None
        out = yahoo.typed_fundamentals(pd.concat(parts, ignore_index=True), frequency)
        out.attrs["source"] = "live" if labels == {"live"} else "cache" if labels == {"cache"} else "live+cache"
        return out

    def sp500_constituents(self) -> pd.DataFrame | None:
        """Current S&P 500 list from Wikipedia (cached one day)."""
        frame, label = self._table(
            "sp500_constituents", "latest",
            lambda: parse_sp500_wikipedia(self._http_get(SP500_WIKI, 30.0)),
            TABLE_MAX_AGE_DAYS["sp500_constituents"])
        if frame is None:
            if self.strict:
                raise self._unavailable("sp500_constituents", ["S&P 500 list"])
            return None
        frame["date_added"] = frame["date_added"].astype("datetime64[ns]")
        frame.attrs["source"] = label
        return frame

    def _refresh_iwm(self) -> None:
        """Fetch today's iShares IWM file once a day and cache it under its as-of date."""
        metas = [self.cache.meta("iwm_holdings", d) for d in self.cache.items("iwm_holdings")]
        if not self.online or any(self._fresh(Entry(pd.DataFrame(), m)) for m in metas if m):
            return
        try:
            as_of, frame = parse_ishares_holdings(self._http_get(IWM_CSV, 30.0))
        except Exception as exc:
            log.warning("live IWM holdings: %s: %s", exc.__class__.__name__, str(exc)[:120])
            return
        if len(frame):
            self.cache.write("iwm_holdings", f"{as_of:%Y-%m-%d}", frame, self._stamp(None, "ishares"))

    def iwm_holdings_dates(self) -> list[pd.Timestamp]:
        """As-of dates of the IWM files fetched so far (today's fetched first when online)."""
        self._refresh_iwm()
        return sorted(pd.Timestamp(d) for d in self.cache.items("iwm_holdings"))

    def iwm_holdings(self, as_of) -> pd.DataFrame | None:
        entry = self.cache.read("iwm_holdings", f"{pd.Timestamp(as_of):%Y-%m-%d}")
        if entry is None:
            return None
        frame = entry.frame
        frame.attrs["source"] = "live" if self.online else "cache"
        return frame

    # ---- no free live source: the layer falls back to the snapshot ----------
    def market_caps(self, start=None, end=None, tickers=None):
        raise NotImplementedError("no free live source for month-end market caps")

    def sp500_financials(self, start=None, end=None):
        raise NotImplementedError("no live source for dated S&P 500 financials versions")

    def sp500_changes(self):
        raise NotImplementedError("no live S&P 500 change log with an initial list")

    def shiller_monthly(self):
        raise NotImplementedError("Shiller's monthly series has no maintained live source")
