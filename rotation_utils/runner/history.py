"""The runs already in an output root: find them, name them, load their results.

A run folder is complete when its ``run.json`` was written and does not say
the run was interrupted or is still going; only complete runs are compared,
reused from or used as a sweep's reference. ``diff``, ``sweep`` and the
incremental rerun all read earlier runs through this module so they agree on
what "the newest complete run" is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInputError

LATEST = "latest"
#: run.json ``status`` values of a run that did not finish (older runs have no status field)
UNFINISHED = ("interrupted", "running", "incomplete")
#: marker file the runner keeps in a run folder until the run has finished (see outputs.py)
INCOMPLETE_MARKER = "INCOMPLETE"


@dataclass
class PastRun:
    """One run folder with its run.json and every notebook's results.json."""

    path: Path
    run: dict
    results: dict = field(default_factory=dict)  # notebook -> results.json contents

    @property
    def run_id(self) -> str:
        return self.run.get("run_id") or self.path.name

    @property
    def notebooks(self) -> list[str]:
        return [nb.get("notebook") for nb in self.run.get("notebooks") or []]

    def window(self) -> dict:
        """The window the run asked for and the data's as-of date(s), for headers and comparisons."""
        given = self.run.get("parameters") or {}
        return {
            "start": given.get("start"),
            "end": given.get("end"),
            "data_end": self.run.get("data_end"),
            "as_of": as_of(self),
        }


def read_run_json(folder: Path) -> dict | None:
    """run.json of ``folder`` as a dict, or None when it is missing or unreadable."""
    try:
        data = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_complete(run: dict | None, folder: Path | None = None) -> bool:
    """True for a run that finished (its notebooks may have failed): run.json says so, no INCOMPLETE marker."""
    if folder is not None and (Path(folder) / INCOMPLETE_MARKER).exists():
        return False
    return bool(run) and isinstance(run.get("notebooks"), list) and run.get("status") not in UNFINISHED


def complete_runs(root: Path) -> list[Path]:
    """Complete run folders under ``root``, oldest first (by start time, then folder name)."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        if child.is_symlink() or not child.is_dir():
            continue
        run = read_run_json(child)
        if is_complete(run, child):
            found.append((str(run.get("started_at") or ""), child.name, child))
    return [p for _, _, p in sorted(found)]


def load_results(folder: Path, run: dict) -> dict:
    """``{notebook: results.json}`` of a run (notebooks without a readable file are left out)."""
    out = {}
    for nb in run.get("notebooks") or []:
        name = nb.get("notebook")
        path = Path(folder) / str(name) / "results.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            out[name] = data
    return out


def load_run(folder: Path) -> PastRun:
    """A complete run with its results (BadInputError, one line, when it is not usable)."""
    folder = Path(folder)
    run = read_run_json(folder)
    if run is None:
        raise BadInputError(f"{folder} is not a run folder (no readable run.json)")
    if not is_complete(run, folder):
        raise BadInputError(
            f"run {folder.name} is incomplete (status {run.get('status')!r}"
            f"{', ' + INCOMPLETE_MARKER + ' marker present' if (folder / INCOMPLETE_MARKER).exists() else ''})"
        )
    results = load_results(folder, run)
    if not results:
        raise BadInputError(f"run {folder.name} has no results.json (every notebook failed?)")
    return PastRun(folder.resolve(), run, results)


def resolve(spec: str, root: Path) -> Path:
    """A run named by ``latest``, a folder name under ``root``, or a path (BadInputError if none)."""
    root = Path(root)
    if spec == LATEST:
        target = root / LATEST
        if not target.exists():
            raise BadInputError(f"no 'latest' run under {root}")
        return target.resolve()
    for cand in (root / spec, Path(spec).expanduser()):
        if cand.is_dir():
            return cand.resolve()
    raise BadInputError(f"unknown run {spec!r} (not a folder under {root} nor a path)")


def previous_comparable(root: Path, current: PastRun) -> PastRun | None:
    """The newest complete run before ``current`` with the same notebook set (None: first run)."""
    wanted = sorted(current.notebooks)
    for folder in reversed(complete_runs(root)):
        if folder.resolve() == current.path.resolve():
            continue
        run = read_run_json(folder)
        if str(run.get("started_at") or "") > str(current.run.get("started_at") or ""):
            continue
        if sorted(nb.get("notebook") for nb in run["notebooks"]) != wanted:
            continue
        results = load_results(folder, run)
        if results:
            return PastRun(folder.resolve(), run, results)
    return None


def as_of(past: PastRun) -> str | None:
    """The data as-of date of a run's market-data reports (several joined by ', ')."""
    dates = sorted(
        {(res.get("data") or {}).get("as_of") for res in past.results.values() if (res.get("data") or {}).get("as_of")}
    )
    return ", ".join(dates) or None
