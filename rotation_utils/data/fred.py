"""FRED series from the public CSV endpoint (no API key needed).

``https://fred.stlouisfed.org/graph/fredgraph.csv?id=SERIES`` returns two
columns: the date (``observation_date`` today, ``DATE`` in older responses)
and the series id; ``.`` marks a missing observation. Values are served as
FRED publishes them (yields and spreads in percent).
"""

from __future__ import annotations

import io

import pandas as pd

from . import schemas

FRED_CSV = "https://fred.stlouisfed.org/graph/fredgraph.csv"
DATE_COLUMNS = ("observation_date", "DATE", "date")


class FredFormatError(ValueError):
    """The response is not a FRED CSV (an error page, a renamed column...)."""


def empty_rates() -> pd.DataFrame:
    return schemas.RATES.empty()


def csv_url(series: str, start=None) -> str:
    """Endpoint URL; ``start`` (inclusive) asks FRED only for later observations."""
    url = f"{FRED_CSV}?id={series}"
    if start is not None:
        url += f"&cosd={pd.Timestamp(start):%Y-%m-%d}"
    return url


def parse_csv(text: str, series: str) -> pd.DataFrame:
    """FRED CSV text -> long ``date, series, value`` (missing observations dropped)."""
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str)
    except Exception as exc:
        raise FredFormatError(f"{series}: unreadable CSV ({exc.__class__.__name__})") from None
    date_col = next((c for c in DATE_COLUMNS if c in raw.columns), None)
    value_col = series if series in raw.columns else None
    if value_col is None and date_col is not None and len(raw.columns) == 2:
        value_col = next(c for c in raw.columns if c != date_col)
    if date_col is None or value_col is None:
        raise FredFormatError(f"{series}: not a FRED CSV (columns {list(raw.columns)[:4]})")
    dates = pd.to_datetime(raw[date_col], errors="coerce")
    values = pd.to_numeric(raw[value_col].str.strip().replace(".", None), errors="coerce")
    out = pd.DataFrame(
        {
            "date": dates.astype("datetime64[ns]"),
            "series": pd.Series(series, index=raw.index, dtype="str"),
            "value": values.astype("float64"),
        }
    )
    return out.dropna(subset=["date", "value"]).sort_values("date").reset_index(drop=True)


def fetch_series(http_get, series: str, start=None, timeout: float = 20.0) -> pd.DataFrame:
    """Download one series with ``http_get(url, timeout) -> text``; raises on failure."""
    return parse_csv(http_get(csv_url(series, start), timeout), series)
