"""Incremental reruns: reuse a notebook's outputs when none of its inputs changed.

A notebook's *reuse key* is a hash of everything its outputs depend on:

- the notebook's content (cell types, sources and tags; outputs ignored);
- its effective parameters (defaults overlaid with what the run passed) and
  whether slides were asked for;
- the data fingerprint: the snapshot's manifest (it lists every file's
  sha256), the live-data cache (each cached series' row count, last dates
  from the parquet footer and fetch stamp), the run's as-of date (the
  snapshot's as-of offline, today's date when live data is used, so live data
  that moved on a new day invalidates the key) and whether the network is
  allowed;
- for a notebook that reads the other reports (the claims ledger): the
  content of this run's results.json files, so it re-runs when any of them changed;
- the code version: a hash of the ``rotation_utils`` source files, and the
  versions of the packages the reports use.

When an earlier complete run in the same output root has a successful record
with the same key, the notebook's folder is hard-linked (copied where links
are not possible) into the new run and its record is marked ``reused_from``.
Failed notebooks are never reused; ``--force`` re-executes everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import Task

import functools
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from .. import config

KEY_SCHEMA = "rotation-reuse/1"
#: files of the package whose content makes up the code version
CODE_SUFFIXES = (".py", ".j2", ".css", ".js", ".csv", ".json", ".md", ".txt")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=4)
def code_version(package_dir: Path = config.PACKAGE_DIR) -> str:
    """sha256 over the package's source files (path and content), computed once per process."""
    h = hashlib.sha256()
    for path in sorted(Path(package_dir).rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            h.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def notebook_digest(path: Path) -> str:
    """sha256 of a notebook's cells (type, source, tags) and its ``rotation`` metadata; outputs ignored."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [
        [
            c.get("cell_type"),
            "".join(c.get("source") or []) if isinstance(c.get("source"), list) else c.get("source") or "",
            sorted((c.get("metadata") or {}).get("tags") or []),
        ]
        for c in nb.get("cells") or []
    ]
    meta = (nb.get("metadata") or {}).get("rotation") or {}
    return _sha(json.dumps([cells, meta], sort_keys=True).encode())


def _cache_entry(path: Path) -> dict:
    """Row count, last date of each date column (from the footer statistics) and stamp of one cached file."""
    import pyarrow.parquet as pq

    try:
        md = pq.read_metadata(path)
    except Exception:  # unreadable: the data layer ignores it too, but its presence is recorded
        return {"unreadable": path.stat().st_size}
    last = {}
    schema = md.schema.to_arrow_schema()
    for j, fld in enumerate(schema):
        if "timestamp" in str(fld.type) or "date" in str(fld.type):
            highs = [md.row_group(i).column(j).statistics for i in range(md.num_row_groups)]
            highs = [str(s.max) for s in highs if s is not None and s.has_min_max]
            if highs:
                last[fld.name] = max(highs)
    stamp = (schema.metadata or {}).get(b"rotation_cache", b"").decode(errors="replace")
    return {"rows": md.num_rows, "last": last, "stamp": stamp}


def cache_fingerprint(root: Path | None = None) -> str:
    """sha256 over every cached series: its name, rows, last dates and fetch stamp ('' when no cache)."""
    root = Path(root) if root else config.cache_dir()
    if not root.is_dir():
        return ""
    entries = {p.relative_to(root).as_posix(): _cache_entry(p) for p in sorted(root.rglob("*.parquet"))}
    return _sha(json.dumps(entries, sort_keys=True, default=str).encode()) if entries else ""


def snapshot_fingerprint(folder: Path) -> str:
    """sha256 of the snapshot's manifest.json ('missing' when there is none)."""
    try:
        return _sha((Path(folder) / "manifest.json").read_bytes())
    except OSError:
        return "missing"


def data_fingerprint(parameters: dict, as_of: str | None) -> dict:
    """What the data a notebook reads depends on, given its effective parameters."""
    source = parameters.get("data_source") or "auto"
    out = {"as_of": as_of, "source": source, "offline": config.offline_forced()}
    if source != "live":
        out["snapshot"] = snapshot_fingerprint(config.snapshot_dir(parameters.get("snapshot_dir")))
    if source != "snapshot":
        out["cache"] = cache_fingerprint()
    return out


def sibling_results(run_dir: Path, own: str) -> dict:
    """sha256 of each other notebook's results.json in the run (its write time left out)."""
    out = {}
    for path in sorted(Path(run_dir).glob("*/results.json")):
        if path.parent.name == own:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            out[path.parent.name] = "unreadable"
            continue
        data.pop("written_at", None)
        out[path.parent.name] = _sha(json.dumps(data, sort_keys=True).encode())
    return out


def key_inputs(task: Task) -> dict:
    """The inputs that make up a task's reuse key (kept in run.json so a reader can see why it re-ran)."""
    from .execute import effective_parameters

    parameters = effective_parameters(task.defaults, task.parameters)
    inputs = {
        "schema": KEY_SCHEMA,
        "notebook": notebook_digest(task.input),
        "parameters": parameters,
        "slides": bool(task.slides),
        "data": data_fingerprint(parameters, task.data_end),
        "code": code_version(),
        "packages": task.packages or {},
    }
    if task.run_last:
        inputs["reports"] = sibling_results(Path(task.dir).parent, task.name)
    return inputs


def reuse_key(inputs: dict) -> str:
    """The key: sha256 of the inputs as canonical JSON."""
    return _sha(json.dumps(inputs, sort_keys=True, default=str).encode())


def find_reusable(out_root: Path, name: str, key: str, exclude: Path | None = None) -> tuple[Path, dict] | None:
    """(run folder, record) of the newest complete run whose ``name`` succeeded with ``key``."""
    from .history import complete_runs, read_run_json

    for folder in reversed(complete_runs(out_root)):
        if exclude is not None and folder.resolve() == Path(exclude).resolve():
            continue
        run = read_run_json(folder) or {}
        for rec in run.get("notebooks") or []:
            if rec.get("notebook") != name or rec.get("reuse_key") != key or rec.get("status") != "ok":
                continue
            files = (rec.get("files") or {}).values()
            if all((folder / name / f).is_file() for f in files):
                return folder, rec
    return None


def link_tree(src: Path, dst: Path) -> None:
    """Hard-link every file of ``src`` into ``dst`` (copy when linking is not possible)."""
    for path in Path(src).rglob("*"):
        target = Path(dst) / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def reuse(task: Task, key: str) -> dict | None:
    """Link an earlier run's outputs of ``task`` into this run; its status record, or None."""
    found = find_reusable(Path(task.out_root), task.name, key, exclude=Path(task.dir).parent)
    if found is None:
        return None
    folder, rec = found
    t0 = time.perf_counter()
    link_tree(folder / task.name, Path(task.dir))
    rec = dict(rec)
    rec.update(
        run_id=task.run_id,
        reused_from=folder.name,
        reused_origin=rec.get("reused_origin") or rec.get("run_id") or folder.name,
        executed_seconds=rec.get("executed_seconds", rec.get("duration_seconds")),
        duration_seconds=round(time.perf_counter() - t0, 2),
    )
    return rec


def run_or_reuse(task: Task) -> dict:
    """Reuse the notebook's outputs when its key matches an earlier run, else execute it (never raises)."""
    from .execute import run_task

    try:
        inputs = key_inputs(task)
    except Exception as exc:  # noqa: BLE001  (no key: run it; reuse must never hide a result)
        inputs = {"error": f"{exc.__class__.__name__}: {exc}"}
    key = reuse_key(inputs) if "error" not in inputs else None
    rec = None
    if key and not task.force and task.out_root:
        rec = reuse(task, key)
    if rec is None:
        rec = run_task(task)
    rec["reuse_key"] = key
    rec["reuse_inputs"] = inputs
    return rec
