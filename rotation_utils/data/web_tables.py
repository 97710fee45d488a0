"""Parsers for the two web tables with a live source: Wikipedia's S&P 500 list and
iShares' IWM holdings CSV (pure: text in, frame out, so they are tested on saved text).
"""

from __future__ import annotations

import io
import re

import pandas as pd

SP500_WIKI = "https://en.wikipedia.org/wiki/List_of_S%26P_500_companies"
IWM_CSV = (
    "https://www.ishares.com/us/products/239710/ishares-russell-2000-etf/"
    "1467271812596.ajax?fileType=csv&fileName=IWM_holdings&dataType=fund"
)
#: iShares writes share classes without a separator; Yahoo uses a dash
ISHARES_CLASS_TICKERS = {
    "MOGA": "MOG-A",
    "GEFB": "GEF-B",
    "CRDA": "CRD-A",
    "BRKB": "BRK-B",
    "BFB": "BF-B",
    "LGFA": "LGF-A",
    "LGFB": "LGF-B",
    "HEIA": "HEI-A",
}


# ---- parsers for the web tables (pure: text in, frame out) -------------------
def parse_sp500_wikipedia(html: str) -> pd.DataFrame:
    """The constituents table of Wikipedia's S&P 500 list -> snapshot columns."""
    tables = pd.read_html(io.StringIO(html), flavor="lxml", match="Symbol")
    raw = next((t for t in tables if {"Symbol", "GICS Sector"} <= set(map(str, t.columns))), None)
    if raw is None or len(raw) < 400:
        raise ValueError("Wikipedia S&P 500 page: constituents table not found")
    return pd.DataFrame(
        {
            "symbol": raw["Symbol"].astype("str").str.strip().str.replace(".", "-", regex=False),
            "name": raw["Security"].astype("str"),
            "gics_sector": raw["GICS Sector"].astype("str"),
            "gics_sub_industry": raw["GICS Sub-Industry"].astype("str"),
            "date_added": pd.to_datetime(raw.get("Date added"), errors="coerce").astype("datetime64[ns]"),
            "cik": pd.to_numeric(raw.get("CIK"), errors="coerce").astype("Int64"),
        }
    )


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype("str").str.replace(",", "", regex=False).str.strip(), errors="coerce").astype(
        "float64"
    )


def parse_ishares_holdings(text: str) -> tuple[pd.Timestamp, pd.DataFrame]:
    """An iShares holdings CSV -> (as-of date, equity rows in the snapshot's columns)."""
    m = re.search(r'Fund Holdings as of,\s*"([^"]+)"', text[:2000])
    as_of = pd.to_datetime(m.group(1), errors="coerce") if m else pd.NaT
    if pd.isna(as_of):
        raise ValueError("iShares CSV: no 'Fund Holdings as of' date")
    lines = text.splitlines()
    head = next(
        (i for i, ln in enumerate(lines) if ln.lstrip('"').startswith("Ticker,") or ln.startswith('"Ticker"')), None
    )
    if head is None:
        raise ValueError("iShares CSV: no 'Ticker,...' header")
    body = "\n".join(ln for ln in lines[head:] if ln.count(",") >= 3)  # drops footer prose
    raw = pd.read_csv(io.StringIO(body), dtype=str)
    raw = raw[(raw["Asset Class"].str.strip() == "Equity") & (raw["Ticker"].str.strip() != "-")]
    ticker = raw["Ticker"].str.strip().str.replace(".", "-", regex=False).str.replace(" ", "-", regex=False)
    out = pd.DataFrame(
        {
            "ticker": ticker.replace(ISHARES_CLASS_TICKERS).astype("str"),
            "name": raw["Name"].astype("str"),
            "sector": raw["Sector"].astype("str"),
            "market_value": _number(raw["Market Value"]),
            "weight_pct": _number(raw["Weight (%)"]),
            "asset_class": raw["Asset Class"].str.strip().astype("str"),
        }
    )
    return pd.Timestamp(as_of).normalize(), out.reset_index(drop=True)
