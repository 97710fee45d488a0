"""Yahoo Finance through yfinance: adjusted closes per ticker, with a reason for each failure.

Why per ticker: yfinance fails ticker by ticker (in a batch the failed one gets
empty columns and no exception), so success is decided from what each ticker
actually returned. :func:`download_closes` calls ``Ticker.history`` for each
ticker in a small thread pool, with yfinance's ``hide_exceptions`` off so every
failure arrives as an exception we can classify (:func:`classify`):

- ``ok``: rows came back;
- ``empty``: Yahoo answered that it has no data (delisted, unknown symbol, or
  nothing in the requested dates) -- remembered for the day;
- ``failed``: rate limit, timeout, network error... -- the cache keeps its old
  stamp and the ticker is retried on the next call.

yfinance's own log lines go to the run log (``$ROTATION_RUN_DIR/run.log``),
never into a report; its warnings and errors are collected
(:func:`yf_messages`) so the provenance can list them. The yfinance module is
imported lazily (:func:`load_yfinance`): importing it is slow.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd

from .. import config
from . import network, schemas

log = logging.getLogger(__name__)

RATE_LIMIT_MARKERS = ("ratelimit", "rate limit", "too many requests")
EMPTY_ERRORS = ("YFPricesMissingError", "YFTzMissingError")
WORKERS = 8
MAX_MESSAGES = 50


@dataclass(frozen=True)
class Outcome:
    """What one ticker's request gave: ``status`` ok | empty | failed, and why."""

    status: str
    reason: str = ""
    rate_limited: bool = False


def empty_prices() -> pd.DataFrame:
    return schemas.PRICES.empty()


def naive_dates(values) -> pd.DatetimeIndex:
    """Any date-like index/column -> tz-naive, midnight-normalised datetime64[ns]."""
    idx = pd.DatetimeIndex(pd.to_datetime(values))
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    return idx.normalize().astype("datetime64[ns]")


# ---- yfinance set-up: exceptions on, log lines to the run log -------------------
class _Router(logging.Handler):
    """Sends yfinance's records to the run log and keeps its warnings for the provenance."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []
        self._lock_msgs = threading.Lock()

    def emit(self, record):
        try:
            msg = record.getMessage().strip()
        except Exception:  # a malformed record must not break a download
            return
        run_dir = config.run_dir()
        if run_dir and os.path.isdir(run_dir):
            try:
                with open(os.path.join(run_dir, "run.log"), "a", encoding="utf-8") as fh:
                    fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} yfinance {record.levelname}: {msg[:300]}\n")
            except OSError:
                pass
        else:
            log.debug("yfinance %s: %s", record.levelname, msg[:300])
        if record.levelno >= logging.WARNING and msg:
            with self._lock_msgs:
                if msg not in self.messages and len(self.messages) < MAX_MESSAGES:
                    self.messages.append(msg[:200])


_ROUTER = _Router()


def load_yfinance():
    """Import yfinance (cached by Python) with exceptions raised, not hidden, and its
    logger routed to the run log; cheap enough to call before every fetch."""
    import yfinance as yf

    yf.config.debug.hide_exceptions = False
    yf_log = logging.getLogger("yfinance")
    if _ROUTER not in yf_log.handlers:  # re-checked on every call: logging set-ups elsewhere
        yf_log.addHandler(_ROUTER)  # (dictConfig) may have reset the logger since
    yf_log.propagate = False  # never printed under a report cell
    if yf_log.level == logging.NOTSET or yf_log.level > logging.WARNING:
        yf_log.setLevel(logging.WARNING)
    return yf


def yf_messages() -> list[str]:
    """yfinance's warnings and errors in this process (deduplicated, at most ``MAX_MESSAGES``)."""
    return list(_ROUTER.messages)


# ---- classifying one ticker's result --------------------------------------------
def is_rate_limit(exc: BaseException | None) -> bool:
    """yfinance's ``YFRateLimitError`` or an HTTP 429 message."""
    if exc is None:
        return False
    return any(m in f"{exc.__class__.__name__} {exc}".lower() for m in RATE_LIMIT_MARKERS)


def classify(exc: BaseException | None, rows: int) -> Outcome:
    """The :class:`Outcome` of one request from its exception (or None) and its row count."""
    if exc is None:
        return Outcome("ok") if rows else Outcome("empty", "Yahoo returned no rows")
    text = f"{exc.__class__.__name__}: {str(exc)[:160]}".replace("\n", " ")
    if is_rate_limit(exc):
        return Outcome("failed", "rate-limited by Yahoo (HTTP 429)", rate_limited=True)
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if exc.__class__.__name__ in EMPTY_ERRORS or status == 404:
        return Outcome("empty", f"Yahoo has no data ({text})")
    if network.is_timeout(exc) or isinstance(exc, network.SourceDown):
        return Outcome("failed", str(exc) if isinstance(exc, network.SourceDown) else f"timeout ({text})")
    return Outcome("failed", text)


# ---- prices ---------------------------------------------------------------------
def _one(yf, ticker: str, start, end, session) -> tuple[pd.DataFrame, Outcome]:
    """Adjusted closes of one ticker (long) and what happened."""
    try:
        reason = network.GUARD.down("yahoo")
        if reason:
            raise network.SourceDown(reason)
        raw = yf.Ticker(ticker, session=session).history(
            start=start, end=end, interval="1d", auto_adjust=True, actions=False, timeout=network.YAHOO_TIMEOUT_S
        )
    except Exception as exc:  # classified below: nothing escapes one ticker
        return empty_prices(), classify(exc, 0)
    if raw is None or raw.empty or "Close" not in raw:
        return empty_prices(), classify(None, 0)
    closes = pd.to_numeric(raw["Close"], errors="coerce").dropna()
    out = pd.DataFrame({"date": naive_dates(closes.index), "ticker": ticker, "close": closes.to_numpy(dtype="float64")})
    out["ticker"] = out["ticker"].astype("str")
    out = out.drop_duplicates("date", keep="last")
    return out, classify(None, len(out))


def download_closes(
    yf,
    tickers,
    start=None,
    end=None,
    *,
    session=None,
    batch_size: int = 50,
    retries: int = 4,
    backoff_s: float = 2.0,
    pace_s: float = 0.0,
    sleep=time.sleep,
) -> tuple[pd.DataFrame, dict[str, Outcome]]:
    """Adjusted closes for ``tickers``; returns ``(long frame, {ticker: Outcome})``.

    Args: ``start`` and ``end`` are inclusive dates (``end`` None = latest);
    ``batch_size`` tickers are requested at a time (``pace_s`` seconds apart);
    rate-limited tickers are retried ``retries`` times after
    ``backoff_s * 2**attempt`` seconds (``sleep`` is injectable). When Yahoo
    still refuses, it is marked down for the run (:data:`network.GUARD`).
    """
    tickers = list(dict.fromkeys(tickers))
    ystart = None if start is None else pd.Timestamp(start).strftime("%Y-%m-%d")
    yend = None if end is None else (pd.Timestamp(end) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    parts, outcomes = [], {}
    for i in range(0, len(tickers), batch_size):
        if i and pace_s:
            sleep(pace_s)
        todo = tickers[i : i + batch_size]
        for attempt in range(retries + 1):
            with ThreadPoolExecutor(max_workers=min(WORKERS, len(todo))) as pool:
                results = list(pool.map(lambda t: _one(yf, t, ystart, yend, session), todo))
            for t, (rows, outcome) in zip(todo, results):
                outcomes[t] = outcome
                if len(rows):
                    parts.append(rows)
            todo = [t for t in todo if outcomes[t].rate_limited]
            if not todo:
                break
            if attempt == retries:
                network.GUARD.mark_down("yahoo", f"rate-limited by Yahoo (HTTP 429) after {retries} retries")
                break
            wait = backoff_s * 2**attempt
            log.info("yfinance rate-limited; retrying %d tickers in %.1f s", len(todo), wait)
            sleep(wait)
    long = pd.concat(parts, ignore_index=True) if parts else empty_prices()
    return long.sort_values(["ticker", "date"]).reset_index(drop=True), outcomes


def forget_responses() -> None:
    """Drop yfinance's in-process response cache before a retry.

    yfinance 1.7 memoises ``YfData.cache_get`` (statements, quote figures) per
    URL for the whole process, an empty or throttled answer included, so a
    retry without this would read the same empty answer again.
    """
    from yfinance.data import YfData

    YfData.cache_get.cache_clear()


def fetch_info(yf, symbol: str, session=None) -> dict:
    """``Ticker.info`` of one symbol (quoteSummary); raises what yfinance raises."""
    reason = network.GUARD.down("yahoo")
    if reason:
        raise network.SourceDown(reason)
    return dict(yf.Ticker(symbol, session=session).info or {})
