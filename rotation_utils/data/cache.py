"""Local parquet cache for live data: one file per (dataset, item).

Why a cache at all: Yahoo and FRED are slow and rate-limited, and a report
re-run on the same day must not hit them again. Each file holds the rows
fetched so far plus a small JSON stamp in the parquet schema metadata
(``fetched_at``, ``requested_from``, ...), so data and stamp are replaced
together, atomically.

Guarantees:

- writes go to a temporary file in the same folder, then ``os.replace``: a
  reader sees the old file or the new one, never half a file;
- read-modify-write (:meth:`ParquetCache.update`) holds a per-item
  ``filelock`` so two processes refreshing the same item cannot lose rows;
- an unreadable (corrupt) file, one with a broken stamp or without the
  columns its dataset needs (``REQUIRED_COLUMNS``), is logged and treated as
  absent, never raised to a report; so is an item under a dated dataset whose
  name is not a date (:meth:`ParquetCache.dates`);
- the caller decides what to write: an update function returning ``None``
  leaves the cached file untouched (a failed fetch never replaces good data).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock

from . import schemas

log = logging.getLogger(__name__)

META_KEY = b"rotation_cache"
LOCK_TIMEOUT_S = 60
#: columns a cached item of these datasets must have to be used (others: any frame); one
#: file per item, so the item column (ticker, series) is not stored
REQUIRED_COLUMNS = {s.name: tuple(c for c in s.columns if c != s.item) for s in (schemas.PRICES, schemas.RATES)}


@dataclass
class Entry:
    """A cached frame and its stamp (``meta``: JSON-safe dict)."""

    frame: pd.DataFrame
    meta: dict = field(default_factory=dict)

    @property
    def fetched_at(self) -> pd.Timestamp | None:
        v = self.meta.get("fetched_at")
        return pd.Timestamp(v) if v else None


def _naive_ns(df: pd.DataFrame) -> pd.DataFrame:
    """Date columns back to tz-naive datetime64[ns] (parquet may round-trip as us)."""
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            s = df[col]
            if getattr(s.dt, "tz", None) is not None:
                s = s.dt.tz_convert(None)
            df[col] = s.astype("datetime64[ns]")
    return df


def _stamp(metadata) -> dict:
    """The JSON stamp from parquet schema metadata (ValueError when it is not a JSON object)."""
    meta = json.loads((metadata or {}).get(META_KEY, b"{}"))
    if not isinstance(meta, dict):
        raise ValueError("the stamp is not a JSON object")
    return meta


class ParquetCache:
    """Parquet files under ``root/<dataset>/<item>.parquet`` (item names URL-quoted)."""

    def __init__(self, root):
        self.root = Path(root)

    def path(self, dataset: str, item: str) -> Path:
        return self.root / dataset / f"{quote(str(item), safe='')}.parquet"

    def items(self, dataset: str) -> list[str]:
        """Names of the items cached for ``dataset`` (sorted)."""
        folder = self.root / dataset
        if not folder.is_dir():
            return []
        return sorted(unquote(p.stem) for p in folder.glob("*.parquet"))

    def lock(self, dataset: str, item: str) -> FileLock:
        p = self.path(dataset, item)
        p.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(str(p) + ".lock", timeout=LOCK_TIMEOUT_S)

    def dates(self, dataset: str) -> list[pd.Timestamp]:
        """Items of a dataset keyed by date (e.g. IWM holdings), as dates; other names are logged and skipped."""
        out = []
        for item in self.items(dataset):
            try:
                out.append(pd.Timestamp(date.fromisoformat(item)))
            except ValueError:
                log.warning("cache: ignoring %s (not a YYYY-MM-DD item)", self.path(dataset, item))
        return sorted(out)

    def meta(self, dataset: str, item: str) -> dict | None:
        """The stamp alone (reads only the file footer)."""
        p = self.path(dataset, item)
        if not p.is_file():
            return None
        try:
            return _stamp(pq.read_schema(p).metadata)
        except Exception as exc:  # corrupt footer or stamp: behave as if absent
            log.warning("cache: ignoring unreadable %s (%s)", p, exc.__class__.__name__)
            return None

    def read(self, dataset: str, item: str) -> Entry | None:
        """The cached frame and stamp, or None when absent or unreadable."""
        p = self.path(dataset, item)
        if not p.is_file():
            return None
        try:
            table = pq.read_table(p)
            meta = _stamp(table.schema.metadata)
        except Exception as exc:  # corrupt file or stamp: behave as if absent
            log.warning("cache: ignoring unreadable %s (%s)", p, exc.__class__.__name__)
            return None
        lost = [c for c in REQUIRED_COLUMNS.get(dataset, ()) if c not in table.column_names]
        if lost:
            log.warning("cache: ignoring %s (no %s column)", p, ", ".join(lost))
            return None
        return Entry(_naive_ns(table.to_pandas()), meta)

    def write(self, dataset: str, item: str, frame: pd.DataFrame, meta: dict) -> Path:
        """Atomically replace the item's file (callers hold :meth:`lock` when merging)."""
        p = self.path(dataset, item)
        p.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        md = dict(table.schema.metadata or {})
        md[META_KEY] = json.dumps(meta, default=str).encode()
        table = table.replace_schema_metadata(md)
        fd, tmp = tempfile.mkstemp(prefix=p.name + ".", suffix=".tmp", dir=p.parent)
        os.close(fd)
        try:
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return p

    def update(
        self, dataset: str, item: str, fn: Callable[[Entry | None], tuple[pd.DataFrame, dict] | None]
    ) -> Entry | None:
        """Locked read-modify-write: ``fn(old_entry)`` returns ``(frame, meta)`` to store,
        or ``None`` to keep the file as it is. Returns the entry now in the cache."""
        with self.lock(dataset, item):
            old = self.read(dataset, item)
            new = fn(old)
            if new is None:
                return old
            frame, meta = new
            self.write(dataset, item, frame, meta)
            return Entry(frame, meta)
