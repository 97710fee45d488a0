"""Reader for a ``rotation-snapshot/1`` folder (offline market data).

The folder layout and column meanings are documented in the snapshot's own
README.md. Only ``manifest.json`` and ``prices.parquet`` are required; every
other file is optional and a missing one yields ``None`` (the data layer then
records it as missing instead of failing).

All methods return *long* tidy frames with the snapshot's own column names and
dtypes (dates as naive ``datetime64[ns]``, numbers as ``float64``).
"""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..errors import BadInputError, DataUnavailableError

FORMAT = "rotation-snapshot/1"
IWM_PREFIX = "iwm_holdings_"


def check_snapshot_dir(folder: Path) -> Path:
    """Raise a one-line ``BadInputError`` unless ``folder`` is a rotation-snapshot/1 folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInputError(
            f"snapshot folder {folder} does not exist "
            "(set --snapshot or ROTATION_SNAPSHOT to a rotation-snapshot/1 folder)")
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise BadInputError(f"{folder} is not a rotation-snapshot/1 folder (no manifest.json)")
    try:
        fmt = json.loads(manifest.read_text()).get("format")
    except (ValueError, OSError) as exc:
        raise BadInputError(f"{manifest} is not valid JSON ({exc.__class__.__name__})") from None
    if fmt != FORMAT:
        raise BadInputError(f"{folder} has format {fmt!r}, expected {FORMAT!r}")
    if not (folder / "prices.parquet").is_file():
        raise BadInputError(f"{folder} is not a rotation-snapshot/1 folder (no prices.parquet)")
    return folder


def _filters(key: str, items, col: str, start, end) -> list[tuple]:
    """pyarrow filters for ``key in items`` and ``start <= col <= end``: the reader skips
    row groups and rows before pandas sees them (the price file has 5M rows)."""
    out = [(key, "in", list(items))]
    if start is not None:
        out.append((col, ">=", pd.Timestamp(start)))
    if end is not None:
        out.append((col, "<=", pd.Timestamp(end)))
    return out


def _between(df: pd.DataFrame, col: str, start, end) -> pd.DataFrame:
    if start is not None:
        df = df[df[col] >= pd.Timestamp(start)]
    if end is not None:
        df = df[df[col] <= pd.Timestamp(end)]
    return df


class SnapshotBackend:
    """Serves every dataset from a snapshot folder; ``name`` labels provenance."""

    name = "snapshot"

    def __init__(self, folder):
        self.folder = check_snapshot_dir(Path(folder))

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.folder / "manifest.json").read_text())

    @property
    def as_of(self) -> pd.Timestamp | None:
        v = self.manifest.get("as_of")
        return pd.Timestamp(v) if v else None

    def _path(self, rel: str) -> Path | None:
        p = self.folder / rel
        return p if p.is_file() else None

    def _parquet(self, rel: str, **kw) -> pd.DataFrame | None:
        p = self._path(rel)
        if p is None:
            return None
        try:
            return pd.read_parquet(p, **kw)
        except Exception as exc:  # corrupt file: say which, in one line
            raise DataUnavailableError(f"cannot read {p}: {exc.__class__.__name__}: {exc}") from None

    # ---- itemised datasets -------------------------------------------------
    def prices(self, tickers, start=None, end=None) -> pd.DataFrame:
        """Long frame ``date, ticker, close`` for the tickers the snapshot has."""
        df = self._parquet("prices.parquet", filters=_filters("ticker", tickers, "date", start, end))
        return df.reset_index(drop=True)

    def rates(self, series, start=None, end=None) -> pd.DataFrame | None:
        """Long frame ``date, series, value`` (percent)."""
        df = self._parquet("rates.parquet", filters=_filters("series", series, "date", start, end))
        return None if df is None else df.reset_index(drop=True)

    def available_tickers(self) -> list[str]:
        import pyarrow.parquet as pq
        col = pq.read_table(self.folder / "prices.parquet", columns=["ticker"]).column("ticker")
        return sorted(set(col.unique().to_pylist()))

    # ---- whole tables ------------------------------------------------------
    def market_caps(self, start=None, end=None, tickers=None) -> pd.DataFrame | None:
        kw = {"filters": [("ticker", "in", list(tickers))]} if tickers is not None else {}
        df = self._parquet("market_caps.parquet", **kw)
        return None if df is None else _between(df, "date", start, end).reset_index(drop=True)

    def sp500_financials(self, start=None, end=None) -> pd.DataFrame | None:
        df = self._parquet("fundamentals/sp500_financials.parquet")
        return None if df is None else _between(df, "as_of", start, end).reset_index(drop=True)

    def fundamentals(self, frequency: str = "annual", symbols=None) -> pd.DataFrame | None:
        kw = {"filters": [("symbol", "in", list(symbols))]} if symbols is not None else {}
        df = self._parquet(f"fundamentals/{frequency}.parquet", **kw)
        return None if df is None else df.reset_index(drop=True)

    def shiller_monthly(self) -> pd.DataFrame | None:
        return self._parquet("macro/shiller_monthly.parquet")

    def sp500_constituents(self) -> pd.DataFrame | None:
        p = self._path("universe/sp500_constituents.csv")
        if p is None:
            return None
        df = pd.read_csv(p, dtype={"symbol": str, "cik": "Int64"}, parse_dates=["date_added"])
        return df.astype({"date_added": "datetime64[ns]"})  # CSV parsing infers [us] in pandas 3

    def sp500_changes(self) -> pd.DataFrame | None:
        p = self._path("universe/sp500_changes.csv")
        if p is None:
            return None
        return pd.read_csv(p, parse_dates=["date"], dtype={"symbol": str}).astype({"date": "datetime64[ns]"})

    def iwm_holdings_dates(self) -> list[pd.Timestamp]:
        folder = self.folder / "universe"
        if not folder.is_dir():
            return []
        return sorted(pd.Timestamp(p.stem[len(IWM_PREFIX):])
                      for p in folder.glob(f"{IWM_PREFIX}*.csv"))

    def iwm_holdings(self, as_of) -> pd.DataFrame | None:
        p = self._path(f"universe/{IWM_PREFIX}{pd.Timestamp(as_of):%Y-%m-%d}.csv")
        if p is None:
            return None
        return pd.read_csv(p, dtype={"ticker": str})
