"""Reader for a ``rotation-snapshot/1`` folder (offline market data).

The folder layout and column meanings are documented in the snapshot's own
README.md. Only ``manifest.json`` and ``prices.parquet`` are required; every
other file is optional and a missing one yields ``None`` (the data layer then
records it as missing instead of failing).

All methods return *long* tidy frames with the snapshot's own column names and
dtypes (dates as naive ``datetime64[ns]``, numbers as ``float64``), as :mod:`.schemas` states.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import BadInputError, DataUnavailableError
from . import schemas

log = logging.getLogger(__name__)

FORMAT = "rotation-snapshot/1"
IWM_PREFIX = "iwm_holdings_"
_IWM_NAME = re.compile(rf"{IWM_PREFIX}(\d{{4}}-\d{{2}}-\d{{2}})\.csv")
#: the file that holds each dataset (IWM holdings: one ``universe/iwm_holdings_<date>.csv`` per date)
FILES = {
    "prices": "prices.parquet",
    "rates": "rates.parquet",
    "market_caps": "market_caps.parquet",
    "sp500_financials": "fundamentals/sp500_financials.parquet",
    "fundamentals_annual": "fundamentals/annual.parquet",
    "fundamentals_quarterly": "fundamentals/quarterly.parquet",
    "shiller_monthly": "macro/shiller_monthly.parquet",
    "sp500_constituents": "universe/sp500_constituents.csv",
    "sp500_changes": "universe/sp500_changes.csv",
}
#: columns each file must have: its dataset's schema (a file may have more)
REQUIRED_COLUMNS = {rel: tuple(schemas.SCHEMAS[dataset].columns) for dataset, rel in FILES.items()}
IWM_COLUMNS = tuple(schemas.IWM_HOLDINGS.columns)
#: requests for at least this many tickers decode the whole price file once per process
MEMO_MIN_TICKERS = 30
_PRICE_MEMO: dict = {}


class _PriceColumns:
    """``prices.parquet`` decoded once: date and close arrays plus each ticker's rows.

    Why: the file has 5M rows in five 1M-row groups, so a filtered read of a
    constituent panel decompresses and string-matches nearly all of it on every
    call (~0.3-1 s). Decoded once (~0.4 s, ~80 MB), later loads are array slices.
    """

    def __init__(self, path: Path):
        table = pq.read_table(path, columns=schemas.PRICES.names, read_dictionary=["ticker"])
        col = table.column("ticker")
        if not pa.types.is_dictionary(col.type):  # not a plain string column: encode it here
            col = pa.chunked_array([pc.dictionary_encode(col.combine_chunks())])
        col = col.unify_dictionaries()
        self.names = (col.chunk(0).dictionary if col.num_chunks else pa.array([])).cast(pa.string())
        codes = (
            np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in col.chunks])
            if col.num_chunks
            else np.array([], dtype=np.int32)
        )
        self.dates = np.asarray(table.column("date").to_numpy()).astype("datetime64[ns]", copy=False)
        self.close = np.asarray(table.column("close").to_numpy(), dtype="float64")
        # a file sorted by ticker (the format's rule) needs no row-order array
        self.order = None if bool(np.all(np.diff(codes) >= 0)) else np.argsort(codes, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(self.names)))])
        self.rows = {name: (i, int(bounds[i]), int(bounds[i + 1])) for i, name in enumerate(self.names.to_pylist())}

    def _positions(self, lo: int, hi: int) -> np.ndarray:
        return np.arange(lo, hi) if self.order is None else self.order[lo:hi]

    def frame(self, tickers, start, end) -> pd.DataFrame:
        got = sorted(self.rows[t] for t in dict.fromkeys(tickers) if t in self.rows)  # file order
        idx = np.concatenate([self._positions(lo, hi) for _, lo, hi in got]) if got else np.array([], dtype=np.int64)
        codes = np.repeat(np.array([c for c, _, _ in got], dtype=np.int32), [hi - lo for _, lo, hi in got])
        dates, close = self.dates[idx], self.close[idx]
        keep = np.ones(len(idx), dtype=bool)
        if start is not None:
            keep &= dates >= np.datetime64(pd.Timestamp(start))
        if end is not None:
            keep &= dates <= np.datetime64(pd.Timestamp(end))
        ticker = pa.DictionaryArray.from_arrays(pa.array(codes[keep]), self.names).cast(pa.string())
        return pd.DataFrame({"date": dates[keep], "ticker": pd.Series(ticker, dtype="str"), "close": close[keep]})


def _price_columns(path: Path) -> _PriceColumns:
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _PRICE_MEMO:
        _PRICE_MEMO.clear()  # one snapshot per process is the normal case
        _PRICE_MEMO[key] = _PriceColumns(path)
    return _PRICE_MEMO[key]


def check_snapshot_dir(folder: Path) -> Path:
    """Raise a one-line ``BadInputError`` unless ``folder`` is a rotation-snapshot/1 folder.

    Cheap checks only (the folder, manifest.json, prices.parquet present); see
    :func:`check_snapshot_files` for the per-file checks the runner adds.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInputError(
            f"snapshot folder {folder} does not exist "
            "(set --snapshot or ROTATION_SNAPSHOT to a rotation-snapshot/1 folder)"
        )
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise BadInputError(f"{folder} is not a rotation-snapshot/1 folder (no manifest.json)")
    try:
        data = json.loads(manifest.read_text())
    except (ValueError, OSError) as exc:
        raise BadInputError(f"{manifest} is not valid JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise BadInputError(f"{manifest} holds a JSON {type(data).__name__}, not an object with 'format' and 'as_of'")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise BadInputError(f"{folder} has format {fmt!r}, expected {FORMAT!r}")
    as_of = data.get("as_of")
    if as_of is not None and _iso_day(as_of) is None:
        raise BadInputError(f"{manifest}: as_of {as_of!r} is not a date (YYYY-MM-DD)")
    if not (folder / "prices.parquet").is_file():
        raise BadInputError(f"{folder} is not a rotation-snapshot/1 folder (no prices.parquet)")
    return folder


def _iso_day(value) -> pd.Timestamp | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return pd.Timestamp(value)
    except ValueError:
        return None


def _columns(path: Path) -> list[str]:
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as fh:
            return next(csv.reader(fh), [])
    return list(pq.read_schema(path).names)


def _missing_columns(path: Path, required) -> str | None:
    """'column 'close' is missing (has date, ticker, price)' or None when all are there."""
    have = _columns(path)
    lost = [c for c in required if c not in have]
    if not lost:
        return None
    names = ", ".join(repr(c) for c in lost)
    return f"column{'s' if len(lost) > 1 else ''} {names} missing (has {', '.join(have) or 'none'})"


def check_snapshot_files(folder: Path) -> Path:
    """Check every file the reports read (before any kernel starts): one line naming the bad file.

    A file's footer or header must be readable and hold the columns the readers
    use; an ``iwm_holdings_*.csv`` must be named after its date; the manifest
    must give the as-of date.
    """
    folder = check_snapshot_dir(folder)
    if _iso_day(json.loads((folder / "manifest.json").read_text()).get("as_of")) is None:
        raise BadInputError(f"{folder / 'manifest.json'}: as_of is missing (the snapshot's last date)")
    universe = folder / "universe"
    iwm = sorted(universe.glob(f"{IWM_PREFIX}*")) if universe.is_dir() else []
    for path in iwm:
        if not _IWM_NAME.fullmatch(path.name) or _iso_day(path.stem[len(IWM_PREFIX) :]) is None:
            raise BadInputError(
                f"{path}: not an IWM holdings file name (expected {IWM_PREFIX}YYYY-MM-DD.csv); "
                "move it out of the snapshot"
            )
    files = [(folder / rel, cols) for rel, cols in REQUIRED_COLUMNS.items() if (folder / rel).is_file()]
    for path, required in files + [(p, IWM_COLUMNS) for p in iwm]:
        try:
            problem = _missing_columns(path, required)
        except Exception as exc:  # an unreadable footer or header
            raise BadInputError(
                f"cannot read {path}: {exc.__class__.__name__}: {' '.join(str(exc).split())[:160]}"
            ) from None
        if problem:
            raise BadInputError(f"{path}: {problem}")
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
    """Serves every dataset from a snapshot folder (a :class:`~.backend.MarketDataBackend`);
    ``name`` labels provenance."""

    name = "snapshot"

    def __init__(self, folder):
        self.folder = check_snapshot_dir(Path(folder))
        self._whole_tables: dict[str, pd.DataFrame | None] = {}

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.folder / "manifest.json").read_text())

    @property
    def as_of(self) -> pd.Timestamp | None:
        v = self.manifest.get("as_of")
        return pd.Timestamp(v) if v else None

    def coverage(self, dataset: str) -> tuple[str, str] | None:
        """First and last date of a dated table as the manifest records them (None if unknown)."""
        cov = self.manifest.get("files", {}).get(FILES.get(dataset, ""), {}).get("coverage") or {}
        return (cov["min"], cov["max"]) if cov.get("min") and cov.get("max") else None

    def _path(self, rel: str) -> Path | None:
        p = self.folder / rel
        return p if p.is_file() else None

    def _parquet(self, rel: str, **kw) -> pd.DataFrame | None:
        p = self._path(rel)
        if p is None:
            return None
        try:
            problem = _missing_columns(p, REQUIRED_COLUMNS.get(rel, ()))
            if problem is None:
                return pd.read_parquet(p, **kw)
        except Exception as exc:  # corrupt file: say which, in one line
            raise DataUnavailableError(f"cannot read {p}: {exc.__class__.__name__}: {exc}") from None
        raise DataUnavailableError(f"{p}: {problem}")

    def _whole(self, rel: str, read, key: str | None = None, items=None) -> pd.DataFrame | None:
        """The file ``rel`` as ``read()`` returns it, read once per backend; each call gets its
        own frame: a copy, or the rows whose ``key`` is in ``items`` when those are given.

        Why: a report asks for the same whole table many times (membership on each of
        40 rebalance dates replays the change log 40 times); the files do not change
        while a report runs, so parsing them once saves most of that.
        """
        if rel not in self._whole_tables:
            self._whole_tables[rel] = read()
        df = self._whole_tables[rel]
        if df is None:
            return None
        return df.copy() if items is None else df[df[key].isin(list(items))]

    # ---- itemised datasets -------------------------------------------------
    def prices(self, tickers, start=None, end=None) -> pd.DataFrame:
        """Long frame ``date, ticker, close`` for the tickers the snapshot has."""
        path = self.folder / FILES["prices"]
        if len(tickers) >= MEMO_MIN_TICKERS or any(k[0] == str(path) for k in _PRICE_MEMO):
            try:
                problem = _missing_columns(path, REQUIRED_COLUMNS[FILES["prices"]])
                if problem is None:
                    return _price_columns(path).frame(tickers, start, end)
            except Exception as exc:  # corrupt file: say which, in one line
                raise DataUnavailableError(f"cannot read {path}: {exc.__class__.__name__}: {exc}") from None
            raise DataUnavailableError(f"{path}: {problem}")
        df = self._parquet(FILES["prices"], filters=_filters("ticker", tickers, "date", start, end))
        return df.reset_index(drop=True)

    def rates(self, series, start=None, end=None) -> pd.DataFrame | None:
        """Long frame ``date, series, value`` (percent)."""
        df = self._parquet(FILES["rates"], filters=_filters("series", series, "date", start, end))
        return None if df is None else df.reset_index(drop=True)

    def available_tickers(self) -> list[str]:
        col = pq.read_table(self.folder / FILES["prices"], columns=["ticker"]).column("ticker")
        return sorted(set(col.unique().to_pylist()))

    # ---- whole tables ------------------------------------------------------
    def _whole_parquet(self, rel: str, key: str | None = None, items=None) -> pd.DataFrame | None:
        """A whole parquet file (read once), keeping the rows whose ``key`` is in ``items`` when given."""
        return self._whole(rel, lambda: self._parquet(rel), key, items)

    def market_caps(self, start=None, end=None, tickers=None) -> pd.DataFrame | None:
        df = self._whole_parquet(FILES["market_caps"], "ticker", tickers)
        return None if df is None else _between(df, "date", start, end).reset_index(drop=True)

    def sp500_financials(self, start=None, end=None) -> pd.DataFrame | None:
        df = self._whole_parquet(FILES["sp500_financials"])
        return None if df is None else _between(df, "as_of", start, end).reset_index(drop=True)

    def fundamentals(self, frequency: str = "annual", symbols=None) -> pd.DataFrame | None:
        df = self._whole_parquet(FILES[f"fundamentals_{frequency}"], "symbol", symbols)
        return None if df is None else df.reset_index(drop=True)

    def shiller_monthly(self) -> pd.DataFrame | None:
        return self._whole_parquet(FILES["shiller_monthly"])

    def sp500_constituents(self) -> pd.DataFrame | None:
        return self._whole(FILES["sp500_constituents"], self._read_constituents)

    def _read_constituents(self) -> pd.DataFrame | None:
        p = self._path(FILES["sp500_constituents"])
        if p is None:
            return None
        df = pd.read_csv(p, dtype={"symbol": str, "cik": "Int64"}, parse_dates=["date_added"])
        return schemas.SP500_CONSTITUENTS.conform(df, str(p))  # CSV dates parse as [us] in pandas 3

    def sp500_changes(self) -> pd.DataFrame | None:
        return self._whole(FILES["sp500_changes"], self._read_changes)

    def _read_changes(self) -> pd.DataFrame | None:
        p = self._path(FILES["sp500_changes"])
        if p is None:
            return None
        df = pd.read_csv(p, parse_dates=["date"], dtype={"symbol": str})
        return schemas.SP500_CHANGES.conform(df, str(p))

    def iwm_holdings_dates(self) -> list[pd.Timestamp]:
        folder = self.folder / "universe"
        if not folder.is_dir():
            return []
        dates = []
        for p in folder.glob(f"{IWM_PREFIX}*.csv"):
            day = _iso_day(p.stem[len(IWM_PREFIX) :])
            if day is None:  # a stray file (a backup copy...): not a holdings date
                log.warning("snapshot: ignoring %s (not named %sYYYY-MM-DD.csv)", p, IWM_PREFIX)
            else:
                dates.append(day)
        return sorted(dates)

    def iwm_holdings(self, as_of) -> pd.DataFrame | None:
        p = self._path(f"universe/{IWM_PREFIX}{pd.Timestamp(as_of):%Y-%m-%d}.csv")
        if p is None:
            return None
        return schemas.IWM_HOLDINGS.conform(pd.read_csv(p, dtype={"ticker": str}), str(p))
