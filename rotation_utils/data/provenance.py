"""Provenance: which source served each ticker/series, over which dates.

Every load through :class:`rotation_utils.data.DataLayer` appends records here;
reports print the table so a reader can see where each number came from and
what was requested but is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..dates import iso

COLUMNS = ["dataset", "item", "source", "first", "last", "rows", "status", "note"]


@dataclass
class Record:
    """One requested item (ticker, series, file) and what served it.

    status: ``ok`` (served), ``partial`` (served but shorter than requested),
    ``missing`` (requested, nothing served).
    """

    dataset: str
    item: str
    source: str | None
    first: str | None = None
    last: str | None = None
    rows: int = 0
    status: str = "ok"
    note: str = ""


@dataclass
class Provenance:
    """A log of :class:`Record`, one per (dataset, item), with a tidy-table view."""

    #: run-level facts a reader needs (why live sources were not used, rate limits...)
    notices: list[str] = field(default_factory=list)
    #: (dataset, item) -> its latest record; a dict keeps ``add`` constant-time (a panel logs ~3,000 items)
    _by_key: dict = field(default_factory=dict, repr=False)

    @property
    def records(self) -> list[Record]:
        """Every record, oldest first (an item loaded again moves to the end)."""
        return list(self._by_key.values())

    def add(
        self,
        dataset: str,
        item: str,
        source: str | None,
        dates=None,
        rows: int | None = None,
        status: str | None = None,
        note: str = "",
        first=None,
        last=None,
    ) -> Record:
        """Log one item; give its served ``dates`` or, when already known, ``first``/``last``/``rows``."""
        first, last = iso(first), iso(last)
        n = 0
        if dates is not None and len(dates):
            d = pd.to_datetime(pd.Series(dates)).dropna()
            if len(d):
                first, last = iso(d.min()), iso(d.max())
            n = int(len(d))
        if rows is not None:
            n = int(rows)
        if status is None:
            status = "ok" if n > 0 else "missing"
        rec = Record(dataset, str(item), source if n > 0 or status != "missing" else None, first, last, n, status, note)
        # one row per (dataset, item): a later load of the same item replaces it
        self._by_key.pop((rec.dataset, rec.item), None)
        self._by_key[(rec.dataset, rec.item)] = rec
        return rec

    def table(self) -> pd.DataFrame:
        """Tidy frame with columns ``dataset, item, source, first, last, rows, status, note``."""
        if not self.records:
            return pd.DataFrame(columns=COLUMNS)
        # attribute tuples, not dataclasses.asdict (which deep-copies: 0.1 s per call on a 3,000-item panel)
        return pd.DataFrame([tuple(getattr(r, c) for c in COLUMNS) for r in self.records], columns=COLUMNS)

    def summary(self) -> pd.DataFrame:
        """One row per (dataset, source, status): item count and date span, for reports."""
        t = self.table()
        if t.empty:
            return pd.DataFrame(columns=["dataset", "source", "status", "items", "first", "last", "examples"])
        t = t.assign(source=t["source"].fillna("-"))
        g = t.groupby(["dataset", "source", "status"], sort=True)
        out = g.agg(
            items=("item", "size"),
            first=("first", "min"),
            last=("last", "max"),
            examples=("item", lambda s: ", ".join(sorted(map(str, s))[:8]) + (" ..." if len(s) > 8 else "")),
        )
        out[["first", "last"]] = out[["first", "last"]].fillna("")  # undated tables show blanks
        return out.reset_index()

    def missing(self) -> list[str]:
        """Items requested but not served (``dataset:item``)."""
        return [f"{r.dataset}:{r.item}" for r in self.records if r.status == "missing"]

    def sources(self) -> list[str]:
        return sorted({r.source for r in self.records if r.source})

    def to_json(self) -> dict:
        """Compact, JSON-safe summary for results.json."""
        t = self.table()
        return {
            "sources": self.sources(),
            "as_of": max((r.last for r in self.records if r.last and r.dataset == "prices"), default=None),
            "datasets": self.summary().to_dict(orient="records"),
            "missing": self.missing(),
            "notices": list(self.notices),
            "items": int(len(t)),
        }
