"""results.json: the machine-readable summary every report writes last.

Schema (version 1), shared by all notebooks and read by the runner's index
page and by the claims ledger::

    {
      "schema": "rotation-results/1",
      "notebook": "01_rotation_breadth",        # file stem
      "title": "...",
      "parameters": {...},                       # as the notebook received them
      "data": {"sources": [...], "as_of": "YYYY-MM-DD", "datasets": [...], "missing": [...]},
      "headline": [{"name", "value", "unit", "label"}],   # value in display units (4.2 with
                                                 # unit "pp", not 0.042): number, string or null
      "claims": [{"id", "verdict", "evidence", "values": {...},    # values: every number, for programs
                  "shown": [{"name", "label", "value", "unit"}],    # what the ledger prints (display units)
                  "period": {...}, "provisional"}],
      "window": {"start", "end", "label"},       # the window the verdict is judged on: the first and
                                                 # last date of the data it uses
      "key_metrics": ["name", ...],              # the (up to three) headline names the verdict
                                                 # rests on, in reading order: the summary box,
                                                 # the index scorecard and the deck show them
      "verdict": {"value": "supported|mixed|not supported|inconclusive", "rule": "..."},
      "tables": [{"name", "file", "title"}],     # CSVs written next to results.json
      "extra": {...},                            # report-specific blocks (e.g. the ledger rows)
      "written_at": "ISO timestamp"
    }

Notebooks never build this by hand: they create a :class:`Report`, pass values
to it while they go, and call :meth:`Report.write` in the last cell. Files go to
``$ROTATION_REPORT_DIR`` when the runner sets it, else the working directory (see :mod:`.config`).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import atomic, config
from .verdicts import REPORTED_CLAIM_VERDICTS, ReportVerdict, Rule

SCHEMA = "rotation-results/1"
#: report verdicts and the claim verdicts a report may write, from :mod:`rotation_utils.verdicts`
OVERALL_VERDICTS = tuple(ReportVerdict)
CLAIM_VERDICTS = REPORTED_CLAIM_VERDICTS


def output_dir() -> Path:
    """Folder for results.json and tables: $ROTATION_REPORT_DIR, else the working directory."""
    return config.report_dir()


def _jsonable(v):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, (pd.Timestamp, _dt.date, _dt.datetime)):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, np.ndarray, pd.Index, pd.Series)):
        return [_jsonable(x) for x in list(v)]
    if isinstance(v, (bool, int, str)):
        return v
    if pd.isna(v):
        return None
    return str(v)


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_-]+", "_", name.strip()).strip("_").lower()
    if not s:
        raise ValueError("table name must contain letters or digits")
    return s


class Report:
    """Collects a report's headline metrics, claim verdicts, verdict and tables."""

    def __init__(self, notebook: str, title: str, parameters: dict, data=None, window=None):
        self.notebook = notebook
        #: (start, end) of the run's window; claims are judged on their period inside it
        self.window = tuple(window) if window else (None, None)
        self.thesis_window: dict | None = None
        self.title = title
        self.parameters = dict(parameters)
        self.data = data  # a DataLayer (its provenance is recorded), a ready provenance dict, or None
        self.headline: list[dict] = []
        self.claims: list[dict] = []
        self.tables: list[dict] = []
        self.overall: dict | None = None
        self.key: list[str] = []
        self.extra: dict = {}

    def metric(self, name: str, value, unit: str = "", label: str = "") -> None:
        """Record one headline number (``value`` may be None when the data cannot say)."""
        self.headline = [m for m in self.headline if m["name"] != name]
        self.headline.append({"name": name, "value": _jsonable(value), "unit": unit, "label": label or name})

    def window_end(self):
        """Last day the run's data can speak for: the window's end capped by the data's as-of date."""
        end = self.window[1]
        as_of = getattr(self.data, "as_of", None) if self.data is not None and not isinstance(self.data, dict) else None
        days = [pd.Timestamp(d) for d in (end, as_of) if d is not None]
        return min(days) if days else None

    def coverage(self, claim_id: str):
        """How much of the claim's register period lies inside this run's window
        (a :class:`rotation_utils.periods.Coverage`): the part a report should measure on."""
        from .periods import ClaimPeriod, coverage, register_periods

        period = register_periods().get(claim_id) or ClaimPeriod(claim_id, None, None, "none", "")
        sessions = (
            getattr(self.data, "sessions", None) if self.data is not None and not isinstance(self.data, dict) else None
        )
        return coverage(
            period, self.window[0], self.window_end(), sessions if sessions is not None and len(sessions) else None
        )

    def key_metrics(self, *names: str) -> None:
        """Name the headline metrics the verdict rests on (at most three are shown).

        The report's summary box, the index scorecard and the meeting deck show these
        numbers next to the verdict, in this order; they may be recorded before or after.

        Args:
            names: names given to :meth:`metric`.
        """
        self.key = list(dict.fromkeys(str(n) for n in names))

    def claim(self, claim_id: str, verdict: str, evidence: str, **values) -> None:
        """Record the verdict on one claim of the register, with its evidence sentence.

        The verdict goes through the period rule (:func:`rotation_utils.periods.judge`):
        outside the claim's period it becomes "unverifiable" with the reason; on part
        of a forward claim's period it is marked provisional.

        ``values`` are the numbers behind the verdict: the ones a reader should see are given
        as :class:`rotation_utils.claim_values.Shown` (display units, label, unit), and
        ``claimed``/``measured`` with ``unit`` are shown as they are; the ledger prints those.
        """
        from .claim_values import split
        from .periods import judge

        if verdict not in CLAIM_VERDICTS:
            raise ValueError(f"claim verdict {verdict!r} is not one of {CLAIM_VERDICTS}")
        plain, shown = split(values)
        j = judge(verdict, evidence, self.coverage(claim_id), plain)
        self.claims = [c for c in self.claims if c["id"] != claim_id]
        self.claims.append(
            {
                "id": claim_id,
                "verdict": j["verdict"],
                "evidence": j["evidence"],
                "values": _jsonable(j["values"]),
                "shown": _jsonable([s for s in shown if s["name"] in j["values"]]),
                "period": _jsonable(j["period"]),
                "provisional": bool(j["period"].get("provisional")),
            }
        )

    def set_window(self, start, end, label: str = "") -> None:
        """Record the window the report's verdict is judged on (the summary box and the index show it).

        Args:
            start, end: the first and last date of the data the verdict uses, as the report's
                own text and charts show them (e.g. the base close a return runs from).
            label: how the window reads (default: those two dates).
        """
        self.thesis_window = {
            "start": _jsonable(start),
            "end": _jsonable(end),
            "label": label or f"{_jsonable(start) or 'start of data'} to {_jsonable(end) or 'latest data'}",
        }

    def data_window(self) -> tuple:
        """The run's window as the data has it: the first and last trading day of the report's
        prices inside ``[start, end]`` (the window a report that records none is shown with).

        Why: a window asked for as 2025-01-01 starts on the first day with data (2025-01-02);
        the summary box and the index must show the dates the report's charts and text show.
        Without prices (a report reading statements or other reports) the bounds are kept.

        Returns:
            ``(first, last)`` as ISO dates (None where a bound is open and no price is served).
        """
        lo, hi = (pd.Timestamp(d) if d is not None else None for d in (self.window[0], self.window_end()))
        sessions = (
            getattr(self.data, "sessions", None) if self.data is not None and not isinstance(self.data, dict) else None
        )
        if sessions is not None and len(sessions):
            inside = pd.DatetimeIndex(sessions)
            inside = inside[
                (inside >= (lo if lo is not None else inside.min()))
                & (inside <= (hi if hi is not None else inside.max()))
            ]
            if len(inside):
                lo, hi = inside.min(), inside.max()
        return _jsonable(lo), _jsonable(hi)

    def _window_record(self) -> dict:
        if self.thesis_window is not None:
            return dict(self.thesis_window)
        start, end = self.data_window()
        return {"start": start, "end": end, "label": f"{start or 'start of data'} to {end or 'latest data'}"}

    def verdict(self, value: str, rule: Rule, evidence: str = "") -> None:
        """Record the overall verdict on the report's thesis and the rule that produced it.

        Args:
            value: a :class:`~rotation_utils.verdicts.ReportVerdict` (or its word).
            rule: the :class:`~rotation_utils.verdicts.Rule` applied (its text is stored).
            evidence: the sentence with the numbers the rule was applied to.
        """
        if value not in OVERALL_VERDICTS:
            raise ValueError(f"verdict {value!r} is not one of {tuple(map(str, OVERALL_VERDICTS))}")
        if not isinstance(rule, Rule):  # a bare sentence could drift from the logic that was applied
            raise TypeError(f"the rule must be a verdicts.Rule (the object applied), got {type(rule).__name__}")
        self.overall = {"value": str(ReportVerdict(value)), "rule": str(rule), "evidence": evidence}

    def table(self, df: pd.DataFrame, name: str, title: str = "", index: bool = False) -> pd.DataFrame:
        """Save a key table as CSV next to results.json; returns ``df`` unchanged for display."""
        slug = _slug(name)
        path = output_dir() / f"{slug}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic.replacing(path) as tmp:  # never a half-written table
            df.to_csv(tmp, index=index)
        self.tables = [t for t in self.tables if t["name"] != slug]
        self.tables.append({"name": slug, "file": path.name, "title": title or name})
        return df

    def to_dict(self) -> dict:
        if isinstance(self.data, dict):  # a report that reads other reports, not market data
            prov = dict(self.data)
        elif self.data is not None:
            prov = self.data.provenance.to_json()
            prov["source_setting"] = self.data.source
            prov["as_of"] = self.data.as_of
        else:
            prov = {}
        return {
            "schema": SCHEMA,
            "notebook": self.notebook,
            "title": self.title,
            "parameters": _jsonable(self.parameters),
            "data": _jsonable(prov),
            "headline": self.headline,
            "key_metrics": self.key,
            "claims": self.claims,
            "window": self._window_record(),
            "verdict": self.overall
            or {"value": str(ReportVerdict.INCONCLUSIVE), "rule": "no verdict recorded", "evidence": ""},
            "tables": self.tables,
            "extra": _jsonable(self.extra),
            "written_at": _dt.datetime.now().isoformat(timespec="seconds"),
        }

    def write(self, path=None) -> Path:
        """Check results.json against the schema (:func:`validate_results`), then write it atomically.

        Raises:
            ValueError: naming every problem, so a report never writes a file the
                runner, the index or the ledger would have to second-guess.
        """
        data = self.to_dict()
        problems = validate_results(data)
        if problems:
            raise ValueError("results.json not written: " + "; ".join(problems))
        path = Path(path) if path else output_dir() / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        return atomic.write_json(path, data, allow_nan=False)


def validate_results(data: dict) -> list[str]:
    """Problems with a results.json dict (empty list when it follows rotation-results/1).

    Used by :meth:`Report.write` before writing and by the runner when it reads one back.
    """
    problems = []
    if not isinstance(data, dict):
        return ["results.json is not an object"]
    if data.get("schema") != SCHEMA:
        problems.append(f"schema is {data.get('schema')!r}, expected {SCHEMA!r}")
    for key, kind in (
        ("notebook", str),
        ("title", str),
        ("parameters", dict),
        ("data", dict),
        ("headline", list),
        ("claims", list),
        ("verdict", dict),
        ("tables", list),
    ):
        if not isinstance(data.get(key), kind):
            problems.append(f"'{key}' is missing or not a {kind.__name__}")
    verdict = data.get("verdict") if isinstance(data.get("verdict"), dict) else {}
    if verdict and verdict.get("value") not in OVERALL_VERDICTS:
        problems.append(f"verdict {verdict.get('value')!r} is not one of {tuple(map(str, OVERALL_VERDICTS))}")
    for m in data.get("headline") or []:
        if not isinstance(m, dict) or not {"name", "value"} <= set(m):
            problems.append(f"headline entry {m!r} lacks name/value")
    for c in data.get("claims") or []:
        if not isinstance(c, dict) or c.get("verdict") not in CLAIM_VERDICTS:
            label = c.get("id") if isinstance(c, dict) else repr(c)
            problems.append(f"claim {label} has no valid verdict")
    for t in data.get("tables") or []:
        if not isinstance(t, dict) or not t.get("file"):
            problems.append(f"table entry {t!r} lacks a file")
    return problems


def read_results(path) -> dict:
    """Load a results.json and check its schema tag (ValueError if it is not one of ours)."""
    data = json.loads(Path(path).read_text())
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{path} is not a {SCHEMA} file")
    return data
