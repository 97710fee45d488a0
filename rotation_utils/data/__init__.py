"""Data access for the reports: prices, rates, market caps, fundamentals, universes.

Use one :class:`DataLayer` per report so provenance is collected in one place::

    from rotation_utils.data import DataLayer
    dl = DataLayer("auto")                # or "snapshot" / "live"
    px = dl.prices(["SPY", "IWM"], "2025-01-01")
    dl.provenance.summary()

The columns and dtypes of every dataset are in :mod:`.schemas`; the sources
(snapshot, live) implement :class:`~.backend.MarketDataBackend`. The
module-level functions below are shortcuts that build a fresh layer each call.
"""

from __future__ import annotations

from . import schemas
from .backend import MarketDataBackend
from .layer import DataLayer, optional
from .provenance import Provenance
from .schemas import Schema, SchemaError, empty_frame
from .snapshot import SnapshotBackend, check_snapshot_dir

__all__ = [
    "DataLayer",
    "empty_frame",
    "optional",
    "Provenance",
    "SnapshotBackend",
    "check_snapshot_dir",
    "MarketDataBackend",
    "Schema",
    "SchemaError",
    "schemas",
    "prices",
    "rates",
    "market_caps",
    "fundamentals",
    "sp500_members",
    "iwm_holdings",
]


def prices(tickers, start=None, end=None, source="auto", snapshot=None):
    """Wide adjusted closes (see :meth:`DataLayer.prices`)."""
    return DataLayer(source, snapshot).prices(tickers, start, end)


def rates(series, start=None, end=None, source="auto", snapshot=None):
    """Wide FRED series in percent (see :meth:`DataLayer.rates`)."""
    return DataLayer(source, snapshot).rates(series, start, end)


def market_caps(start=None, end=None, tickers=None, source="auto", snapshot=None):
    """Month-end market caps, long (see :meth:`DataLayer.market_caps`)."""
    return DataLayer(source, snapshot).market_caps(start, end, tickers)


def fundamentals(frequency="annual", symbols=None, source="auto", snapshot=None):
    """Company statements (see :meth:`DataLayer.fundamentals`)."""
    return DataLayer(source, snapshot).fundamentals(frequency, symbols)


def sp500_members(on=None, source="auto", snapshot=None):
    """S&P 500 members seen on a date (see :meth:`DataLayer.sp500_members`)."""
    return DataLayer(source, snapshot).sp500_members(on)


def iwm_holdings(as_of=None, source="auto", snapshot=None):
    """IWM holdings on or before a date (see :meth:`DataLayer.iwm_holdings`)."""
    return DataLayer(source, snapshot).iwm_holdings(as_of)
