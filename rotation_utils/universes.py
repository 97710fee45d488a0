"""Universes and baskets, defined once for every report.

The Magnificent 7 count Alphabet once (GOOGL stands for the company; GOOG,
its second listed share class, is dropped). The "Other 493" is the S&P 500
membership minus the Magnificent 7 (and minus GOOG), so on any date it has as
many names as the index has companies outside the seven, not exactly 493.
"""

from __future__ import annotations

import pandas as pd

MAG7 = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA"]
#: listings of the same company beyond the one we keep (second share classes)
SECOND_CLASSES = {"GOOG": "GOOGL", "FOX": "FOXA", "NWS": "NWSA", "BRK-A": "BRK-B"}

BENCHMARKS = ["SPY", "RSP", "IWM", "IJH", "IJR", "QQQ", "MAGS"]
INDEX_LEVELS = {"^GSPC": "S&P 500 (price level)", "^RUT": "Russell 2000 (price level)"}
SECTOR_ETFS = {
    "XLB": "Materials",
    "XLC": "Communication Services",
    "XLE": "Energy",
    "XLF": "Financials",
    "XLI": "Industrials",
    "XLK": "Information Technology",
    "XLP": "Consumer Staples",
    "XLRE": "Real Estate",
    "XLU": "Utilities",
    "XLV": "Health Care",
    "XLY": "Consumer Discretionary",
}
INDUSTRY_ETFS = {
    "KRE": "Regional banks",
    "KBWB": "KBW Nasdaq Bank",
    "XBI": "Biotech (equal weight)",
    "IBB": "Biotech (cap weight)",
}
SIZE_STYLE_ETFS = {
    "IWN": "Russell 2000 Value",
    "IWO": "Russell 2000 Growth",
    "IJR": "S&P SmallCap 600",
    "IJH": "S&P MidCap 400",
    "IWM": "Russell 2000",
    "RSP": "S&P 500 equal weight",
    "SPY": "S&P 500",
    "QQQ": "Nasdaq 100",
    "MAGS": "Magnificent 7 ETF",
}

#: companies the articles name, with the theme the articles give them
NAMED_COMPANIES = pd.DataFrame(
    [
        ("APPF", "AppFolio", "AI implementer"),
        ("INOD", "Innodata", "AI implementer"),
        ("PATH", "UiPath", "AI implementer"),
        ("COMM", "CommScope", "AI implementer"),
        ("FIX", "Comfort Systems USA", "industrial services"),
        ("BAH", "Booz Allen Hamilton", "government services"),
        ("ULS", "UL Solutions", "industrial services"),
        ("HCI", "HCI Group", "insurance"),
        ("PSTL", "Postal Realty Trust", "REIT"),
    ],
    columns=["ticker", "name", "theme"],
)

BASKETS = {
    "AI implementers": ["APPF", "INOD", "PATH", "COMM"],
    "Industrial and government services": ["FIX", "BAH", "ULS"],
    "Insurance": ["HCI"],
    "REIT": ["PSTL"],
}


def other493(members) -> list[str]:
    """S&P 500 members minus the Magnificent 7 and second share classes."""
    drop = set(MAG7) | set(SECOND_CLASSES)
    return sorted(m for m in members if m not in drop)


def dedupe_companies(caps: pd.DataFrame, ticker_col: str = "ticker") -> pd.DataFrame:
    """Drop second share-class listings so each company's cap is counted once.

    Market-cap sources list multi-class companies once per listing with the
    whole company's cap (GOOG and GOOGL both carry Alphabet's); summing them
    would double-count. Keeps the primary listing named in ``SECOND_CLASSES``.
    """
    return caps[~caps[ticker_col].isin(SECOND_CLASSES)].copy()


def named_company_table() -> pd.DataFrame:
    """The named companies with their theme (copy, safe to modify)."""
    return NAMED_COMPANIES.copy()
