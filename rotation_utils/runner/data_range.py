"""What dates the data has, known before any kernel starts.

Why: a window the data cannot serve (after its last date, before its first,
or with no trading day in it) used to pass validation and then crash or
silently run another window in four notebooks. The runner checks every window
against this range instead, and its messages name the range the data really
has (the snapshot's prices and as-of date when the snapshot is what will be
read; today when live data will be).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..dates import iso
from ..errors import BadInputError

#: windows with fewer trading days than this cannot give a single return
MIN_TRADING_DAYS = 2
#: a window with this many weekdays surely has MIN_TRADING_DAYS trading days (no calendar read)
SURE_WEEKDAYS = 10
CALENDAR_TICKER = "SPY"


@dataclass
class DataRange:
    """First and last date the data has (``first`` None when unknown, as for live data)."""

    first: str | None
    last: str
    source: str  # 'the snapshot' or 'live data'
    snapshot: Path | None = None  # the folder whose calendar can be read, when it serves the data

    def describe(self) -> str:
        """'the snapshot has prices from 1995-01-03 to 2026-07-13' (for messages)."""
        if self.first:
            return f"{self.source} has prices from {self.first} to {self.last}"
        return f"{self.source} runs to {self.last}"


def _manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def snapshot_range(folder: Path) -> tuple[str | None, str | None]:
    """(first price date, as-of date) of a snapshot folder; None where it does not say."""
    manifest = _manifest(folder)
    files = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    coverage = (files.get("prices.parquet") or {}).get("coverage") or {}
    first = coverage.get("min") if isinstance(coverage, dict) else None
    return first, manifest.get("as_of") or (coverage.get("max") if isinstance(coverage, dict) else None)


def _offline(source: str) -> bool:
    """True when ``auto`` will be served by the cache and the snapshot (no network)."""
    if source != "auto":
        return False
    if config.offline_forced():
        return True
    from ..data.live import probe_network  # imported only when it is needed: it pulls in the live sources

    return not probe_network()


def data_range(source: str, snapshot: Path | None) -> DataRange:
    """The range the run's data will have: the snapshot's when it is the source (or ``auto``
    is offline), else up to today."""
    today = _dt.date.today().isoformat()
    if source == "snapshot" or _offline(source):
        folder = snapshot or config.snapshot_dir()
        first, last = snapshot_range(folder)
        if last:
            return DataRange(first, last, "the snapshot", folder)
    return DataRange(None, today, "live data")


def _calendar(folder: Path, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray | None:
    """Trading dates of the calendar ticker in the snapshot between start and end (None if unreadable)."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(
            folder / "prices.parquet",
            columns=["date"],
            filters=[("ticker", "==", CALENDAR_TICKER), ("date", ">=", start), ("date", "<=", end)],
        )
    except Exception:  # an unreadable price file is reported by the notebooks, with its name
        return None
    return table.column("date").to_numpy() if table.num_rows else None


def trading_days(rng: DataRange, start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Trading days from ``start`` to ``end`` (inclusive): the snapshot's own calendar for short
    windows it covers, else weekdays (exact enough: only short windows are in doubt)."""
    weekdays = int(np.busday_count(start.date(), (end + pd.Timedelta(days=1)).date()))
    if weekdays >= SURE_WEEKDAYS or rng.snapshot is None or weekdays == 0:
        return weekdays
    dates = _calendar(rng.snapshot, start, end)
    return weekdays if dates is None else len(dates)


def check_window(rng: DataRange, start, end, who: str | None, given: dict) -> str | None:
    """Raise a one-line BadInputError unless the window ``start``..``end`` can be served.

    ``end`` None means the data's last date; ``who`` names the notebook whose
    window it is (None: the window typed on the command line); ``given`` holds the dates the user
    typed (so the message blames the option, not a notebook default). Returns a
    note when the window starts before the data (the reports then start at the
    first date they have) and None otherwise.
    """
    last, first = pd.Timestamp(rng.last), pd.Timestamp(rng.first) if rng.first else None
    s = pd.Timestamp(start) if start is not None else None
    e = pd.Timestamp(end) if end is not None else last
    end_name = "--end" if "end" in given else f"{who}'s end"
    start_name = "--start" if "start" in given else f"{who}'s start"
    if e > last:
        raise BadInputError(f"{end_name} {iso(e)} is after the last date the data has: {rng.describe()}")
    if first is not None and e < first:
        raise BadInputError(f"{end_name} {iso(e)} is before the first date the data has: {rng.describe()}")
    if s is None:
        return None
    if s >= e:
        which = end_name if "end" in given else "the last date the data has"
        raise BadInputError(f"{start_name} {iso(s)} is not before {which} ({iso(e)}); {rng.describe()}")
    if trading_days(rng, s, e) < MIN_TRADING_DAYS:
        owner = f" ({who})" if who else ""
        raise BadInputError(
            f"the window {iso(s)} to {iso(e)}{owner} has fewer than {MIN_TRADING_DAYS} "
            f"trading days; widen it ({rng.describe()})"
        )
    if first is not None and s < first and "start" in given:
        return f"--start {iso(s)} is before the first date the data has ({rng.first}): the reports start there"
    return None
