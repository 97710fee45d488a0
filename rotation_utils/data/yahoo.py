"""Yahoo Finance through yfinance: adjusted closes and company statements.

yfinance changes its output shape between versions (column MultiIndex as
``(field, ticker)`` or ``(ticker, field)``, flat columns for one ticker,
tz-aware or naive index) and reports failures in different ways (raising,
or logging and returning empty columns). The functions here absorb those
differences and return the snapshot's long shapes, so the rest of the
package never sees yfinance objects.

The yfinance module itself is passed in (``yf``), never imported at module
level: importing it is slow, and tests pass a fake.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

PRICE_COLUMNS = ["date", "ticker", "close"]
RATE_LIMIT_MARKERS = ("ratelimit", "rate limit", "too many requests")


def empty_prices() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"),
                         "ticker": pd.Series(dtype="str"),
                         "close": pd.Series(dtype="float64")})


def naive_dates(values) -> pd.DatetimeIndex:
    """Any date-like index/column -> tz-naive, midnight-normalised datetime64[ns]."""
    idx = pd.DatetimeIndex(pd.to_datetime(values))
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    return idx.normalize().astype("datetime64[ns]")


def _close_field(names) -> str | None:
    names = set(map(str, names))
    for f in ("Close", "Adj Close", "close", "adjclose"):
        if f in names:
            return f
    return None


def closes_long(raw, tickers) -> pd.DataFrame:
    """Adjusted closes from a ``yf.download`` frame, long ``date, ticker, close``.

    Accepts MultiIndex columns in either order and flat columns (one ticker).
    Tickers come back in the caller's spelling; NaN rows are dropped, so a
    ticker Yahoo did not serve is simply absent.
    """
    tickers = list(tickers)
    if raw is None or not isinstance(raw, pd.DataFrame) or raw.empty:
        return empty_prices()
    by_upper = {t.upper(): t for t in tickers}
    cols = raw.columns
    if isinstance(cols, pd.MultiIndex):
        level = next((i for i in range(cols.nlevels) if _close_field(cols.get_level_values(i))), None)
        if level is None:
            return empty_prices()
        wide = raw.xs(_close_field(cols.get_level_values(level)), axis=1, level=level)
        if isinstance(wide, pd.Series):
            wide = wide.to_frame()
        if isinstance(wide.columns, pd.MultiIndex):  # extra levels (rare): keep the ticker level
            wide.columns = wide.columns.get_level_values(-1)
    else:
        field = _close_field(cols)
        if field is None or len(tickers) != 1:
            return empty_prices()
        wide = raw[[field]].set_axis([tickers[0]], axis=1)
    wide = wide.rename(columns=lambda c: by_upper.get(str(c).upper(), str(c)))
    wide = wide[[c for c in wide.columns if c in tickers]]
    if wide.empty:
        return empty_prices()
    wide.index = naive_dates(wide.index)
    wide.index.name = "date"
    long = wide.stack().rename("close").reset_index()
    long.columns = PRICE_COLUMNS
    long["close"] = pd.to_numeric(long["close"], errors="coerce").astype("float64")
    long = long.dropna(subset=["close"])
    long["ticker"] = long["ticker"].astype("str")
    long = long.drop_duplicates(["ticker", "date"], keep="last")
    return long.sort_values(["ticker", "date"]).reset_index(drop=True)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        try:
            self.messages.append(record.getMessage())
        except Exception:  # a malformed log record must not break a download
            pass


@contextmanager
def _yf_log_messages():
    """yfinance >= 0.2.5x logs per-ticker failures (incl. rate limits) instead of raising."""
    logger = logging.getLogger("yfinance")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def _is_rate_limit(exc: BaseException | None, yf) -> bool:
    if exc is None:
        return False
    cls = getattr(getattr(yf, "exceptions", None), "YFRateLimitError", None)
    if cls is not None and isinstance(exc, cls):
        return True
    return any(m in f"{exc.__class__.__name__} {exc}".lower() for m in RATE_LIMIT_MARKERS)


def download_closes(yf, tickers, start=None, end=None, *, batch_size: int = 50,
                    retries: int = 4, backoff_s: float = 2.0, sleep=time.sleep):
    """Download adjusted closes for ``tickers`` in batches; returns ``(long, answered)``.

    ``answered`` is the set of tickers whose batch got *any* data back: for
    those, an absent ticker means "Yahoo has nothing new", not "the network
    failed" (the cache uses this to decide whether to stamp them fresh).
    Rate-limited tickers are retried with exponential backoff
    (``backoff_s * 2**attempt``; ``sleep`` is injectable for tests).
    ``end`` is inclusive (Yahoo's is exclusive, so one day is added).
    """
    tickers = list(dict.fromkeys(tickers))
    yend = None if end is None else (pd.Timestamp(end) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    ystart = None if start is None else pd.Timestamp(start).strftime("%Y-%m-%d")
    parts, answered = [], set()
    for i in range(0, len(tickers), batch_size):
        todo = tickers[i:i + batch_size]
        batch = list(todo)
        for attempt in range(retries + 1):
            exc = None
            with _yf_log_messages() as messages:
                try:
                    raw = yf.download(todo, start=ystart, end=yend, auto_adjust=True,
                                      threads=True, progress=False, group_by="column",
                                      actions=False)
                except Exception as e:  # network down, Yahoo error page, rate limit...
                    raw, exc = None, e
            got = closes_long(raw, todo)
            if not got.empty:
                parts.append(got)
                answered.update(batch)
            limited = _is_rate_limit(exc, yf) or any(
                m in msg.lower() for msg in messages for m in RATE_LIMIT_MARKERS)
            if exc is not None and not limited:
                log.warning("yfinance download failed for %d tickers: %s: %s",
                            len(todo), exc.__class__.__name__, str(exc)[:120])
            served = set(got["ticker"])
            todo = [t for t in todo if t not in served]
            if not (limited and todo) or attempt == retries:
                break
            wait = backoff_s * 2 ** attempt
            log.info("yfinance rate-limited; retrying %d tickers in %.1f s", len(todo), wait)
            sleep(wait)
    long = pd.concat(parts, ignore_index=True) if parts else empty_prices()
    return long, answered


# ---- company statements ------------------------------------------------------
#: snapshot column -> yfinance row labels, first found wins
INCOME_ROWS = {
    "revenue": ["Total Revenue", "Operating Revenue"],
    "operating_income": ["Operating Income", "Total Operating Income As Reported"],
    "ebit": ["EBIT"],
    "ebitda": ["EBITDA", "Normalized EBITDA"],
    "depreciation_amortization": ["Reconciled Depreciation",
                                  "Depreciation And Amortization In Income Statement",
                                  "Depreciation Amortization Depletion Income Statement"],
    "interest_expense": ["Interest Expense", "Interest Expense Non Operating"],
    "interest_income": ["Interest Income", "Interest Income Non Operating"],
    "pretax_income": ["Pretax Income"],
    "income_tax": ["Tax Provision"],
    "net_income": ["Net Income", "Net Income Common Stockholders"],
    "eps_diluted": ["Diluted EPS"],
    "shares_diluted": ["Diluted Average Shares"],
}
CASHFLOW_ROWS = {"operating_cash_flow": ["Operating Cash Flow",
                                         "Cash Flow From Continuing Operating Activities"],
                 "capex": ["Capital Expenditure"]}
BALANCE_ROWS = {"total_debt": ["Total Debt"],
                "cash": ["Cash And Cash Equivalents",
                         "Cash Cash Equivalents And Short Term Investments"]}
VALUE_COLUMNS = list(INCOME_ROWS) + list(CASHFLOW_ROWS) + list(BALANCE_ROWS)
ATTACH_WITHIN = pd.Timedelta(days=7)  # 52/53-week years date statements a few days apart
STATEMENTS = {"annual": ("income_stmt", "cashflow", "balance_sheet"),
              "quarterly": ("quarterly_income_stmt", "quarterly_cashflow", "quarterly_balance_sheet")}


def fundamentals_columns(frequency: str) -> list[str]:
    key = ["symbol", "fiscal_year"] + (["fiscal_period"] if frequency == "quarterly" else [])
    return key + ["period_end", "filing_date"] + VALUE_COLUMNS + ["source"]


def empty_fundamentals(frequency: str) -> pd.DataFrame:
    return typed_fundamentals(pd.DataFrame(columns=fundamentals_columns(frequency)), frequency)


def typed_fundamentals(df: pd.DataFrame, frequency: str) -> pd.DataFrame:
    """The snapshot's dtypes: strings, int64 fiscal_year, datetime64[ns] dates, float64 values."""
    df = df.reindex(columns=fundamentals_columns(frequency))
    out = {"symbol": df["symbol"].astype("str"),
           "fiscal_year": pd.to_numeric(df["fiscal_year"]).astype("int64")}
    if frequency == "quarterly":
        out["fiscal_period"] = df["fiscal_period"].astype("str")
    for col in ("period_end", "filing_date"):
        out[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    for col in VALUE_COLUMNS:
        out[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    out["source"] = df["source"].astype("str")
    return pd.DataFrame(out, index=df.index)


def _statement_by_date(stmt, rows: dict) -> pd.DataFrame:
    """A yfinance statement (rows = labels, columns = period ends) -> one row per date."""
    if stmt is None or not isinstance(stmt, pd.DataFrame) or stmt.empty:
        return pd.DataFrame(columns=list(rows), index=pd.DatetimeIndex([], name="period_end"))
    stmt = stmt.copy()
    stmt.columns = naive_dates(stmt.columns)
    out = {}
    for col, labels in rows.items():
        label = next((lab for lab in labels if lab in stmt.index), None)
        out[col] = (pd.to_numeric(stmt.loc[label], errors="coerce") if label is not None
                    else pd.Series(np.nan, index=stmt.columns))
    df = pd.DataFrame(out)
    df.index.name = "period_end"
    return df[~df.index.duplicated()].sort_index()


def _attach(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Join ``other`` onto ``base`` by nearest period end within ATTACH_WITHIN."""
    if base.empty:
        return base.assign(**{c: np.nan for c in other.columns})
    if other.empty:
        return base.assign(**{c: np.nan for c in other.columns})
    left = base.reset_index().sort_values("period_end")
    right = other.reset_index().rename(columns={"period_end": "_other_end"}).sort_values("_other_end")
    merged = pd.merge_asof(left, right, left_on="period_end", right_on="_other_end",
                           direction="nearest", tolerance=ATTACH_WITHIN)
    return merged.drop(columns="_other_end").set_index("period_end")


def fiscal_labels(period_end: pd.Series, fy_end_month: int) -> tuple[pd.Series, pd.Series]:
    """(fiscal_year, fiscal_period) for quarter ends, given the fiscal year's last month.

    The fiscal year is labelled by the calendar year in which it ends (Yahoo
    gives no label; the snapshot's FMP labels can differ for Jan/Feb year-ends).
    """
    months_after = (period_end.dt.month - fy_end_month) % 12
    quarter = np.where(months_after == 0, 4, np.ceil(months_after / 3)).astype(int)
    fy = period_end.dt.year + np.where((months_after != 0) & (period_end.dt.month > fy_end_month), 1, 0)
    return pd.Series(fy, index=period_end.index), pd.Series([f"Q{q}" for q in quarter],
                                                            index=period_end.index)


def statements_frame(symbol: str, ticker, frequency: str, fy_end_month: int | None = None) -> pd.DataFrame:
    """One yfinance ``Ticker`` -> snapshot-shaped fundamentals rows for ``frequency``."""
    inc_name, cf_name, bs_name = STATEMENTS[frequency]
    income = _statement_by_date(getattr(ticker, inc_name, None), INCOME_ROWS)
    if income.empty:
        return empty_fundamentals(frequency)
    df = _attach(income, _statement_by_date(getattr(ticker, cf_name, None), CASHFLOW_ROWS))
    df = _attach(df, _statement_by_date(getattr(ticker, bs_name, None), BALANCE_ROWS))
    df = df.reset_index()
    df = df[df[list(INCOME_ROWS)].notna().any(axis=1)]  # Yahoo pads older columns with NaN
    if df.empty:
        return empty_fundamentals(frequency)
    if frequency == "annual":
        df["fiscal_year"] = df["period_end"].dt.year
    else:
        df["fiscal_year"], df["fiscal_period"] = fiscal_labels(df["period_end"], fy_end_month or 12)
    df["symbol"] = symbol
    df["filing_date"] = pd.NaT
    df["source"] = "yfinance"
    return typed_fundamentals(df, frequency).reset_index(drop=True)


def fetch_statements(yf, symbol: str, frequency: str) -> pd.DataFrame:
    """Statements for one symbol; raises whatever yfinance raises (the caller decides)."""
    t = yf.Ticker(symbol)
    fy_end = None
    if frequency == "quarterly":
        annual = _statement_by_date(getattr(t, "income_stmt", None), {"revenue": ["Total Revenue"]})
        fy_end = int(annual.index.max().month) if len(annual.index) else None
    return statements_frame(symbol, t, frequency, fy_end)
