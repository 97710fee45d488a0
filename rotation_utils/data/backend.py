"""The interface every data source implements, so the data layer can ask any of them.

Why a protocol: the layer asks its backends in order (live, then the
snapshot) and must call the same method on each; spelled as a typed
:class:`MarketDataBackend`, a backend that misses a method or changes a
signature is caught by a type checker and by ``tests/test_data_backends.py``,
not at run time by a failed name lookup.

Conventions shared by all backends:

- frames follow :mod:`.schemas` (the layer conforms them and treats a
  mismatch like a failed source);
- ``None`` or an empty frame means "this source has none";
  :class:`~rotation_utils.errors.DataUnavailableError` means "it failed" (the
  message goes into the provenance); ``NotImplementedError`` means "this kind
  of source never has it" (the live backend for market caps, for example);
- itemised frames may carry ``attrs["served_by"]`` (item -> provenance label)
  and ``attrs["notes"]`` (item -> why stale or missing); whole tables may carry
  ``attrs["source"]`` (the label for the table).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import pandas as pd

Day = pd.Timestamp | None


@runtime_checkable
class MarketDataBackend(Protocol):
    """A source of the datasets in :mod:`.schemas`; ``name`` labels its provenance."""

    name: str

    def prices(self, tickers: list[str], start: Day = None, end: Day = None) -> pd.DataFrame | None:
        """Long adjusted closes (:data:`.schemas.PRICES`) of the tickers it has."""
        ...

    def rates(self, series: list[str], start: Day = None, end: Day = None) -> pd.DataFrame | None:
        """Long FRED series in percent (:data:`.schemas.RATES`)."""
        ...

    def market_caps(self, start: Day = None, end: Day = None, tickers: list[str] | None = None) -> pd.DataFrame | None:
        """Month-end market caps (:data:`.schemas.MARKET_CAPS`)."""
        ...

    def sp500_financials(self, start: Day = None, end: Day = None) -> pd.DataFrame | None:
        """Dated S&P 500 financials versions (:data:`.schemas.SP500_FINANCIALS`)."""
        ...

    def fundamentals(self, frequency: str = "annual", symbols: list[str] | None = None) -> pd.DataFrame | None:
        """Company statements (:func:`.schemas.fundamentals`); ``symbols=None`` = the whole table."""
        ...

    def shiller_monthly(self) -> pd.DataFrame | None:
        """Shiller's monthly series (:data:`.schemas.SHILLER_MONTHLY`)."""
        ...

    def sp500_constituents(self) -> pd.DataFrame | None:
        """The latest S&P 500 list (:data:`.schemas.SP500_CONSTITUENTS`)."""
        ...

    def sp500_changes(self) -> pd.DataFrame | None:
        """The S&P 500 change log (:data:`.schemas.SP500_CHANGES`)."""
        ...

    def iwm_holdings_dates(self) -> list[pd.Timestamp]:
        """Dates of the IWM holdings files it has (sorted)."""
        ...

    def iwm_holdings(self, as_of: pd.Timestamp) -> pd.DataFrame | None:
        """The IWM holdings file of ``as_of`` (:data:`.schemas.IWM_HOLDINGS`)."""
        ...

    def coverage(self, dataset: str) -> tuple[str, str] | None:
        """First and last date (ISO) it has of a dated table, when known (for messages)."""
        ...


#: how the layer asks a backend for part of an itemised dataset: (backend, items, start, end)
ItemisedRead = Callable[[MarketDataBackend, list[str], Day, Day], "pd.DataFrame | None"]
#: how the layer asks a backend for a whole table
TableRead = Callable[[MarketDataBackend], "pd.DataFrame | None"]
