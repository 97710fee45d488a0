"""Live data (Yahoo via yfinance, FRED, Wikipedia, iShares) through the parquet cache.

:class:`LiveBackend` has the same methods and returns the same long frames as
:class:`~rotation_utils.data.snapshot.SnapshotBackend`, so the data layer can
ask either. Datasets with no sensible free live source (month-end market caps,
the dated S&P 500 financials, the S&P 500 change log, Shiller's monthly
series) raise ``NotImplementedError`` and the layer falls back to the snapshot.

Refresh rules (so a re-run is fast, Yahoo is asked as little as possible, and
the cache is never corrupted):

- prices: only bars of sessions that have closed (NYSE calendar,
  :mod:`.market_hours`) are fetched, cached or served. An item fetched after
  the latest close makes no request; otherwise the last ``OVERLAP_DAYS`` are
  re-fetched and joined by :func:`.merge.splice_adjusted` (rescale only for a
  plausible dividend; never for ``^`` index levels and yields; an implausible
  seam refetches the item's full history).
- rates: each FRED series is refreshed once a day, from the day after its
  last cached observation; revisions replace cached values.
- an earlier ``start`` than ever requested, or no ``start`` after a windowed
  fetch, refetches the older years. Fetches run to the latest date (whatever
  the window's end), so the cached history of an item has no holes.
- success is per item: a ticker that failed inside a good batch keeps its old
  stamp, is served from the cache labelled ``cache`` with the reason
  (``frame.attrs["notes"]``), and is retried on the next call. An item the
  source answered "no data" for (delisted, unknown) is remembered for the day.
- tables (fundamentals, quote figures, S&P 500 list, IWM holdings): refetched
  when older than ``TABLE_MAX_AGE_DAYS``; live statements are merged onto the
  quarters cached before (Yahoo serves only about five).

Network: ``network="probe"`` checks connectivity once per process
(:func:`.network.probe`, DNS included, proxy-aware); ``ROTATION_OFFLINE=1``
always means cache only; a source that timed out is not asked again in the run
(:data:`.network.GUARD`). :attr:`LiveBackend.offline_reason` and
:meth:`LiveBackend.notices` say why. ``strict=True`` (source ``live``) raises a
one-line DataUnavailableError when nothing can be served.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from .. import config
from ..errors import DataUnavailableError
from . import fred, market_hours, merge, network, schemas, statements, yahoo
from .cache import Entry, ParquetCache
from .web_tables import IWM_CSV, SP500_WIKI, parse_ishares_holdings, parse_sp500_wikipedia

log = logging.getLogger(__name__)

FULL_HISTORY_START = pd.Timestamp("1970-01-01")  # yfinance needs a start (else: one month)
#: names in a row answered empty (after retries) before Yahoo is treated as throttled
GIVE_UP_AFTER = 3
OVERLAP_DAYS = 10  # calendar days re-fetched to check the seam (about a week of sessions)
TABLE_MAX_AGE_DAYS = {
    "fundamentals_annual": 7,
    "fundamentals_quarterly": 7,
    "quote_info": 1,
    "sp500_constituents": 1,
    "iwm_holdings": 1,
}
#: which guarded source serves each whole table
TABLE_SOURCES = {"sp500_constituents": "wikipedia", "iwm_holdings": "ishares"}
USER_AGENT = "Mozilla/5.0 (rotation-utils research notebooks)"
#: Yahoo's quote fields -> the quote_info columns (:data:`.schemas.QUOTE_INFO`)
INFO_FIELDS = {
    "marketCap": "market_cap",
    "trailingPE": "trailing_pe",
    "forwardPE": "forward_pe",
    "netIncomeToCommon": "net_income_to_common",
}


def probe_network() -> bool:
    """Yes/no form of :func:`.network.probe` (the run's window check asks it before any kernel starts)."""
    return network.probe().ok


def http_get(url: str, timeout=network.HTTP_TIMEOUT_S) -> str:
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


class LiveBackend:
    """Live sources behind a parquet cache; a :class:`~.backend.MarketDataBackend` like
    ``SnapshotBackend``."""

    name = "live"

    def __init__(
        self,
        cache_dir=None,
        network=None,
        strict: bool = False,
        *,
        yf=None,
        http_get=http_get,
        probe=None,
        sleep=time.sleep,
        now=_utc_now,
        batch_size: int = 50,
        retries: int = 4,
        backoff_s: float = 2.0,
        pace_s: float = 0.0,
    ):
        self.cache = ParquetCache(config.cache_dir(cache_dir))
        self.network = network
        self.strict = strict
        self._yf_module = yf
        self._session = None
        self._http_get = http_get
        self._probe = probe
        self._sleep = sleep
        self._now = now
        self.batch_size, self.retries, self.backoff_s, self.pace_s = batch_size, retries, backoff_s, pace_s
        self._offline: str | None = None
        self._notes: dict[tuple[str, str], str] = {}
        self._empty_streak = 0

    # ---- plumbing ----------------------------------------------------------
    @property
    def offline_reason(self) -> str:
        """Why the network is not tried at all ("" when it is); decided once per backend."""
        if self._offline is None:
            if config.offline_forced():
                self._offline = "ROTATION_OFFLINE=1 is set"
            elif self.network in (False, "off"):
                self._offline = "the network is switched off for this backend"
            elif self.network == "probe":
                res = (self._probe or network.probe)()
                ok = res.ok if hasattr(res, "ok") else bool(res)
                self._offline = "" if ok else (getattr(res, "reason", "") or "network probe failed")
            else:
                self._offline = ""
        return self._offline

    @property
    def online(self) -> bool:
        """Whether to try the network at all."""
        return not self.offline_reason

    def notices(self) -> list[str]:
        """Run-level reasons a reader needs: offline, sources down, yfinance's warnings."""
        out = [f"live sources not used: {self.offline_reason}"] if self.offline_reason else []
        for src in ("yahoo", "fred", "wikipedia", "ishares"):
            why = network.GUARD.down(src)
            if why:
                out.append(f"{src} treated as down for this run: {why}")
        return out + [f"yfinance: {m}" for m in yahoo.yf_messages()]

    @property
    def yf(self):
        if self._yf_module is None:
            return yahoo.load_yfinance()  # slow first import: only when a fetch is needed
        return self._yf_module

    @property
    def session(self):
        """The capped, guarded HTTP session handed to yfinance (built on first use)."""
        if self._session is None:
            self.yf  # noqa: B018 - configure yfinance before building its session
            self._session = network.bounded_session("yahoo")
        return self._session

    def _today(self) -> pd.Timestamp:
        return self._now().normalize()

    def _fresh(self, entry: Entry | None, dataset: str, max_age_days: int = 1) -> bool:
        """Fetched recently enough that the source cannot have anything newer."""
        at = entry.fetched_at if entry else None
        if at is None:
            return False
        if dataset == "prices":
            at = at.tz_convert("UTC").tz_localize(None) if at.tz is not None else at
            return at >= market_hours.close_time(market_hours.last_closed_session(self._now()))
        return (self._today() - at.normalize()).days < max_age_days

    def _stamp(self, requested_from, source: str, label: str = "live", note: str = "") -> dict:
        """Cache stamp: when fetched, from which start ("" = full history), and how to label it."""
        req = (
            "" if requested_from is None or requested_from == "" else pd.Timestamp(requested_from).strftime("%Y-%m-%d")
        )
        return {
            "fetched_at": self._now().isoformat(),
            "source": source,
            "requested_from": req,
            "label": label,
            "note": note,
        }

    def _unavailable(self, what: str, items) -> DataUnavailableError:
        items = list(items)
        names = ", ".join(items[:5]) + (" ..." if len(items) > 5 else "")
        why = (
            f"offline ({self.offline_reason})"
            if not self.online
            else "; ".join(dict.fromkeys(v for (d, i), v in self._notes.items() if d == what and i in items))
            or "the live source returned nothing"
        )
        return DataUnavailableError(f"live {what} for {names}: {why[:200]} and nothing cached in {self.cache.root}")

    # ---- itemised datasets -------------------------------------------------
    def _plan(self, dataset: str, entry: Entry | None, start, end, overlap: bool):
        """When to fetch one item from: ``(fetch_from, requested_from)``; fetch_from None = no fetch.

        ``requested_from`` is the stamp's new value ("" = full history).
        """
        first = (FULL_HISTORY_START if start is None else pd.Timestamp(start)), start
        if entry is None:
            return first
        if entry.frame.empty:  # the source had nothing for it today: don't ask again today
            return (None, start) if self._fresh(entry, "day") else first
        req = entry.meta.get("requested_from", "")
        if req and (start is None or pd.Timestamp(start) < pd.Timestamp(req)):
            return first  # older years than ever fetched: backfill from start (or full history)
        last = entry.frame["date"].max()
        if (end is not None and pd.Timestamp(end) <= last) or self._fresh(entry, dataset):
            return None, req
        return (last - pd.Timedelta(days=OVERLAP_DAYS) if overlap else last + pd.Timedelta(days=1)), req

    def _store(self, dataset: str, it: str, rows, outcome, stamp_args, merge_fn) -> tuple[Entry | None, str, str, bool]:
        """Write one item's fetch result; returns (entry, label, note, needs_full_refetch).

        ``stamp_args`` is ``(requested_from, source, value column)``. A failed fetch
        leaves the file (and its stamp) untouched, so the item is retried next call.
        """
        req, source, value = stamp_args
        if outcome.status == "ok" and rows is not None and len(rows):
            bad = []

            def update(cur):
                joined = merge_fn(cur.frame if cur else None, rows)
                if joined is None:
                    bad.append(True)
                    return None
                return joined, self._stamp(req, source)

            entry = self.cache.update(dataset, it, update)
            if bad:
                return entry, "cache", "stored and new data disagree on the overlap", True
            return entry, "live", "", False
        if outcome.status == "empty":
            note = f"the source answered without data: {outcome.reason}"

            def keep(cur):
                frame = cur.frame if cur else schemas.SCHEMAS[dataset].empty()[["date", value]]
                label = "cache" if cur is not None and len(cur.frame) else "live"
                return frame, self._stamp(cur.meta.get("requested_from", req) if cur else req, source, label, note)

            entry = self.cache.update(dataset, it, keep)
            return entry, "cache", note, False
        return self.cache.read(dataset, it), "cache", f"live fetch failed: {outcome.reason}", False

    def _serve(
        self, dataset: str, key: str, value: str, items, start, end, fetch_group, merge_for, source: str, overlap: bool
    ) -> pd.DataFrame:
        """Shared refresh-and-serve loop for prices and rates."""
        with ThreadPoolExecutor(max_workers=8) as pool:  # parquet reads release the GIL
            entries = dict(zip(items, pool.map(lambda it: self.cache.read(dataset, it), items)))
        labels, notes = {}, {}
        if self.online:
            groups: dict = {}
            for it, entry in entries.items():
                fetch_from, req = self._plan(dataset, entry, start, end, overlap)
                if fetch_from is None:
                    meta = entry.meta if entry else {}
                    labels[it], notes[it] = meta.get("label", "live"), meta.get("note", "")
                else:
                    groups.setdefault((fetch_from, req), []).append(it)
            refetch: dict = {}
            for (fetch_from, req), group in groups.items():
                new, outcomes = fetch_group(group, fetch_from)
                by_item = dict(tuple(new.groupby(key, sort=False))) if len(new) else {}
                for it in group:
                    rows = by_item.get(it)
                    rows = rows[["date", value]].reset_index(drop=True) if rows is not None else None
                    entry, labels[it], notes[it], full = self._store(
                        dataset,
                        it,
                        rows,
                        outcomes.get(it, yahoo.Outcome("failed", "no answer")),
                        (req, source, value),
                        merge_for(it),
                    )
                    entries[it] = entry
                    if full:
                        refetch.setdefault(entry.meta.get("requested_from", "") if entry else "", []).append(it)
            for req, group in refetch.items():  # the seam failed its checks: take the full history
                new, outcomes = fetch_group(group, pd.Timestamp(req) if req else FULL_HISTORY_START)
                by_item = dict(tuple(new.groupby(key, sort=False))) if len(new) else {}
                for it in group:
                    rows = by_item.get(it)
                    rows = rows[["date", value]].reset_index(drop=True) if rows is not None else None
                    oc = outcomes.get(it, yahoo.Outcome("failed", "no answer"))
                    if oc.status != "ok":
                        oc = yahoo.Outcome("failed", f"full refetch after a failed seam check: {oc.reason}")
                    entries[it], labels[it], notes[it], _ = self._store(
                        dataset, it, rows, oc, (req, source, value), lambda cur, new: new
                    )
        elif self.offline_reason:
            notes = {it: f"offline: {self.offline_reason}" for it in items}
        for it, n in notes.items():
            if n:
                self._notes[(dataset, it)] = n
        return self._assemble(dataset, key, value, entries, start, end, labels, notes)

    def _assemble(self, dataset, key, value, entries, start, end, labels, notes) -> pd.DataFrame:
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
                raise self._unavailable(dataset, list(entries))
            out = schemas.SCHEMAS[dataset].empty()
            out.attrs.update(served_by={}, notes={k: v for k, v in notes.items() if v})
            return out
        out = schemas.SCHEMAS[dataset].conform(pd.concat(parts, ignore_index=True), self.name)
        out.attrs["served_by"] = {it: labels[it] for it in out[key].unique()}
        out.attrs["notes"] = {k: v for k, v in notes.items() if v}
        return out

    def prices(self, tickers, start=None, end=None) -> pd.DataFrame:
        """Long ``date, ticker, close`` (adjusted closes) from Yahoo, via the cache.

        Only sessions that have closed are fetched and served.
        """

        def fetch(group, fetch_from):
            last_final = market_hours.last_closed_session(self._now())
            new, outcomes = yahoo.download_closes(
                self.yf,
                group,
                fetch_from,
                last_final,
                session=self.session,
                batch_size=self.batch_size,
                retries=self.retries,
                backoff_s=self.backoff_s,
                pace_s=self.pace_s,
                sleep=self._sleep,
            )
            return new[new["date"] <= last_final], outcomes

        def merge_for(ticker):
            return merge.splice_levels if ticker.startswith("^") else merge.splice_adjusted

        return self._serve(
            "prices", "ticker", "close", list(tickers), start, end, fetch, merge_for, "yfinance", overlap=True
        )

    def rates(self, series, start=None, end=None) -> pd.DataFrame:
        """Long ``date, series, value`` (percent) from FRED's CSV endpoint, via the cache."""

        def fetch(group, fetch_from):
            parts, outcomes = [], {}
            for sid in group:
                down = network.GUARD.down("fred")
                if down:
                    outcomes[sid] = yahoo.Outcome("failed", down)
                    continue
                try:
                    got = fred.fetch_series(
                        self._http_get,
                        sid,
                        None if fetch_from <= FULL_HISTORY_START else fetch_from,
                        timeout=network.HTTP_TIMEOUT_S,
                    )
                except Exception as exc:  # network, HTTP 404 for unknown ids, error pages
                    log.warning("FRED %s: %s: %s", sid, exc.__class__.__name__, str(exc)[:120])
                    if network.is_timeout(exc):
                        network.GUARD.mark_down("fred", f"FRED did not answer within {network.HTTP_TIMEOUT_S[1]:g} s")
                    outcomes[sid] = (
                        yahoo.Outcome("empty", "FRED has no such series (HTTP 404)")
                        if _is_not_found(exc)
                        else yahoo.Outcome("failed", f"{exc.__class__.__name__}: {str(exc)[:120]}")
                    )
                    continue
                outcomes[sid] = yahoo.Outcome("ok") if len(got) else yahoo.Outcome("empty", "no new observations")
                parts.append(got)
            return (pd.concat(parts, ignore_index=True) if parts else fred.empty_rates()), outcomes

        return self._serve(
            "rates",
            "series",
            "value",
            list(series),
            start,
            end,
            fetch,
            lambda sid: merge.append_rows,
            "fred",
            overlap=False,
        )

    # ---- whole tables ------------------------------------------------------
    def _table(self, dataset: str, item: str, fetch, max_age_days: int, join=None):
        """(frame, label, note) from a fresh cache, a fetch, or a stale cache; frame None if none.

        ``join(old, new)`` merges a fetched frame onto the cached one (default: replace).
        """
        entry = self.cache.read(dataset, item)
        if self._fresh(entry, dataset, max_age_days):
            return entry.frame, entry.meta.get("label", "live"), entry.meta.get("note", "")
        note = f"offline: {self.offline_reason}" if not self.online else ""
        source = TABLE_SOURCES.get(dataset, "yahoo")
        down = network.GUARD.down(source) if self.online else None
        if down:
            note = f"live fetch failed: {down}"
        if self.online and not down:
            try:
                new = fetch()
            except Exception as exc:
                note = f"live fetch failed: {yahoo.classify(exc, 0).reason}"
                log.warning("live %s/%s: %s", dataset, item, note)
                if network.is_timeout(exc) and source != "yahoo":  # yahoo: its session marks it
                    network.GUARD.mark_down(source, f"{source} did not answer in time ({note})")
                new = None
            if new is not None and len(new):
                frame = join(entry.frame if entry else None, new) if join else new
                self.cache.write(dataset, item, frame, self._stamp(None, dataset))
                return frame, "live", ""
        return (entry.frame, "cache", note) if entry is not None else (None, None, note)

    def _retrying(self, fn, what: str):
        """Call ``fn`` with exponential backoff on rate limits and on empty answers.

        An empty answer for a name that should have data is how a throttled
        Yahoo often replies, so it is retried too before giving up. A rate limit
        that outlasts the retries, or ``GIVE_UP_AFTER`` names in a row answered
        empty, marks Yahoo down for the run: the remaining names fail at once
        with that reason instead of each waiting through the backoff.
        """
        for attempt in range(self.retries + 1):
            try:
                out = fn()
                self._empty_streak = 0
                return out
            except Exception as exc:
                limited, empty = yahoo.is_rate_limit(exc), statements.is_empty_answer(exc)
                if attempt < self.retries and (limited or empty):
                    log.info("%s: %s; retry %d", what, exc.__class__.__name__, attempt + 1)
                    self._sleep(self.backoff_s * 2**attempt)
                    yahoo.forget_responses()
                    continue
                self._empty_streak = self._empty_streak + 1 if empty else 0
                if limited or self._empty_streak >= GIVE_UP_AFTER:
                    network.GUARD.mark_down(
                        "yahoo",
                        (
                            f"rate-limited by Yahoo (HTTP 429) after {self.retries} retries"
                            if limited
                            else f"Yahoo answered empty for {self._empty_streak} names in a row after retries (throttled)"
                        ),
                    )
                raise

    def fundamentals(self, frequency: str = "annual", symbols=None) -> pd.DataFrame | None:
        """yfinance statements for ``symbols`` in the snapshot's columns, merged onto the
        quarters/years cached before (Yahoo serves only the latest ~5 quarters / 4 years).

        ``frame.attrs["served_by"]`` labels each symbol live/cache; ``attrs["notes"]``
        says why a symbol is stale or missing.
        """
        if symbols is None:
            raise NotImplementedError("live fundamentals need an explicit symbol list")
        dataset = f"fundamentals_{frequency}"
        parts, labels, notes = [], {}, {}
        for sym in symbols:
            frame, label, note = self._table(
                dataset,
                sym,
                lambda sym=sym: self._retrying(
                    lambda: statements.fetch_statements(self.yf, sym, frequency, self.session), f"{sym} statements"
                ),
                TABLE_MAX_AGE_DAYS[dataset],
                join=lambda old, new: merge.merge_statements(new, old, frequency),
            )
            if note:
                notes[sym] = self._notes[(dataset, sym)] = note
            if frame is not None and len(frame):
                parts.append(frame)
                labels[sym] = label
        if not parts:
            if self.strict:
                raise self._unavailable(dataset, symbols)
            return None
        out = statements.typed_fundamentals(pd.concat(parts, ignore_index=True), frequency)
        kinds = set(labels.values())
        out.attrs.update(
            source="live" if kinds == {"live"} else "cache" if kinds == {"cache"} else "live+cache",
            served_by=labels,
            notes=notes,
        )
        return out

    def quote_info(self, symbols) -> pd.DataFrame:
        """Yahoo's quote figures per symbol (cached one day): ``symbol, market_cap,
        trailing_pe, forward_pe, net_income_to_common, status, note``.

        ``status`` is ``live``/``cache`` when figures were served, ``missing`` (with the
        reason in ``note``) when a rate limit or an empty answer survived the retries.
        """
        rows = []
        for sym in symbols:

            def fetch(sym=sym):
                def once():
                    info = yahoo.fetch_info(self.yf, sym, self.session)
                    got = {v: info.get(k) for k, v in INFO_FIELDS.items()}
                    if all(x is None for x in got.values()):
                        raise ValueError("Empty fundamentals answer (no quote figures)")
                    return pd.DataFrame([got])

                return self._retrying(once, f"{sym} quote")

            frame, label, note = self._table("quote_info", sym, fetch, TABLE_MAX_AGE_DAYS["quote_info"])
            base = {"symbol": sym, "status": label or "missing", "note": note}
            rows.append({**base, **(frame.iloc[0].to_dict() if frame is not None and len(frame) else {})})
        out = pd.DataFrame(rows, columns=schemas.QUOTE_INFO.names)
        for col in INFO_FIELDS.values():
            out[col] = pd.to_numeric(out[col], errors="coerce")
        return schemas.QUOTE_INFO.conform(out, self.name)

    def sp500_constituents(self) -> pd.DataFrame | None:
        """Current S&P 500 list from Wikipedia (cached one day)."""
        frame, label, _ = self._table(
            "sp500_constituents",
            "latest",
            lambda: parse_sp500_wikipedia(self._http_get(SP500_WIKI, network.HTTP_TIMEOUT_S)),
            TABLE_MAX_AGE_DAYS["sp500_constituents"],
        )
        if frame is None:
            if self.strict:
                raise self._unavailable("sp500_constituents", ["S&P 500 list"])
            return None
        frame = schemas.SP500_CONSTITUENTS.conform(frame, self.name)
        frame.attrs["source"] = label
        return frame

    def _refresh_iwm(self) -> None:
        """Fetch today's iShares IWM file once a day and cache it under its as-of date."""
        metas = [self.cache.meta("iwm_holdings", d) for d in self.cache.items("iwm_holdings")]
        if (
            not self.online
            or network.GUARD.down("ishares")
            or any(self._fresh(Entry(pd.DataFrame(), m), "iwm_holdings") for m in metas if m)
        ):
            return
        try:
            as_of, frame = parse_ishares_holdings(self._http_get(IWM_CSV, network.HTTP_TIMEOUT_S))
        except Exception as exc:
            log.warning("live IWM holdings: %s: %s", exc.__class__.__name__, str(exc)[:120])
            if network.is_timeout(exc):
                network.GUARD.mark_down("ishares", "ishares did not answer in time")
            return
        if len(frame):
            self.cache.write("iwm_holdings", f"{as_of:%Y-%m-%d}", frame, self._stamp(None, "ishares"))

    def iwm_holdings_dates(self) -> list[pd.Timestamp]:
        """As-of dates of the IWM files fetched so far (today's fetched first when online)."""
        self._refresh_iwm()
        return self.cache.dates("iwm_holdings")

    def iwm_holdings(self, as_of) -> pd.DataFrame | None:
        entry = self.cache.read("iwm_holdings", f"{pd.Timestamp(as_of):%Y-%m-%d}")
        if entry is None:
            return None
        frame = entry.frame
        frame.attrs["source"] = "live" if self.online else "cache"
        return frame

    def coverage(self, dataset: str) -> None:
        """Live tables have no fixed date range to quote in messages."""
        return None

    # ---- no free live source: the layer falls back to the snapshot ----------
    def market_caps(self, start=None, end=None, tickers=None):
        raise NotImplementedError("no free live source for month-end market caps")

    def sp500_financials(self, start=None, end=None):
        raise NotImplementedError("no live source for dated S&P 500 financials versions")

    def sp500_changes(self):
        raise NotImplementedError("no live S&P 500 change log with an initial list")

    def shiller_monthly(self):
        raise NotImplementedError("Shiller's monthly series has no maintained live source")
