"""The outputs/ folder: one new folder per run, and ``latest`` pointing at the newest complete one.

Runs are never overwritten: the run id is the local time plus a short hash of
the parameters, and the folder is created with ``exist_ok=False`` (a suffix is
added when two runs start in the same second with the same parameters).
``latest`` is a relative symlink, replaced atomically; where symlinks are not
allowed, ``latest.txt`` and ``latest.html`` (a redirect) name the run instead.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import os
from pathlib import Path

from .. import atomic

LATEST = "latest"
#: present in a run folder until the run has finished (kept when it was interrupted or the disk filled)
INCOMPLETE = "INCOMPLETE"


def params_hash(given: dict, notebooks: list[str]) -> str:
    """Six hex digits identifying the run's parameters and notebook selection."""
    blob = json.dumps({"given": given, "notebooks": sorted(notebooks)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:6]


def new_run_dir(root: Path, given: dict, notebooks: list[str], now=None) -> Path:
    """Create and return outputs/<YYYYmmdd-HHMMSS>-<hash>[-N]/ (never an existing folder)."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{stamp}-{params_hash(given, notebooks)}"
    for n in range(1, 1000):
        candidate = root / (base if n == 1 else f"{base}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise RuntimeError(f"could not create a new run folder under {root}")


def mark_incomplete(run_dir: Path, why: str) -> Path:
    """Write (or rewrite) the run folder's ``INCOMPLETE`` marker with one line saying why."""
    return atomic.write_text(Path(run_dir) / INCOMPLETE, why + "\n")


def point_latest(root: Path, run_dir: Path) -> str:
    """Make outputs/latest name ``run_dir``; returns 'symlink' or 'file' (the fallback used)."""
    link = root / LATEST
    tmp = root / f".{LATEST}.{os.getpid()}.tmp"
    try:
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(run_dir.name, tmp, target_is_directory=True)
        if link.exists() and not link.is_symlink():
            raise IsADirectoryError(f"{link} is a real folder; not replacing it")
        os.replace(tmp, link)
        return "symlink"
    except (OSError, NotImplementedError):
        if tmp.is_symlink():
            tmp.unlink()
        atomic.write_text(root / "latest.txt", run_dir.name + "\n")
        target = html.escape(f"{run_dir.name}/index.html", quote=True)
        atomic.write_text(
            root / "latest.html",
            f'<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={target}">'
            f'<title>Latest reports</title><a href="{target}">Latest reports: {html.escape(run_dir.name)}</a>\n',
        )
        return "file"
