"""Refreshing an existing snapshot folder without losing what the live sources cannot give again.

Why: ``rotation snapshot --out DIR`` over a full 14-file snapshot, run offline,
used to replace it with the two files the cache could serve (exit 0, folder
mode 0700). A refresh now needs ``--force``; every file of the previous snapshot
that the new build did not write (month-end caps, dated financials, Shiller, the
change log, older IWM files: none has a live source) is carried over, and so is
every ticker or series the live sources did not serve this time; the folder
keeps its permissions; and the result lists what changed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import BadInputError
from .snapshot import FORMAT


@dataclass
class Previous:
    """The snapshot being refreshed: its folder, manifest and permission bits."""

    folder: Path
    manifest: dict
    mode: int

    def files(self) -> list[str]:
        """Every file in the folder, relative (manifest entries and others, e.g. README.md)."""
        return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*") if p.is_file())


@dataclass
class Changes:
    """What a refresh did, file by file and item by item."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    carried_over: list[str] = field(default_factory=list)
    kept_items: dict = field(default_factory=dict)  # file -> items kept from the previous snapshot

    def to_json(self) -> dict:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "carried_over": self.carried_over,
            "kept_items": self.kept_items,
        }


def change_lines(refresh: dict) -> list[str]:
    """What a refresh changed (a manifest's ``refresh`` block), one line per kind of change."""
    out = [f"refreshed the snapshot as of {refresh.get('previous_as_of')}:"]
    for key, label in (
        ("new", "new"),
        ("updated", "updated"),
        ("unchanged", "unchanged"),
        ("carried_over", "carried over (no new data)"),
    ):
        if refresh.get(key):
            out.append(f"  {label}: {', '.join(refresh[key])}")
    for rel, items in (refresh.get("kept_items") or {}).items():
        shown = ", ".join(items[:10]) + (" ..." if len(items) > 10 else "")
        out.append(f"  {rel}: kept {len(items)} items the live sources did not serve: {shown}")
    return out


def check_target(out: Path, force: bool) -> Previous | None:
    """Refuse a target that would lose data; return the snapshot to refresh (None for a new folder).

    Raises BadInputError (one line) for a file, a non-empty folder that is not a
    snapshot, or a snapshot without ``force``.
    """
    if out.exists() and not out.is_dir():
        raise BadInputError(f"--out {out} is a file, not a folder")
    if not out.is_dir() or not any(out.iterdir()):
        return None
    try:
        manifest = json.loads((out / "manifest.json").read_text())
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadInputError(f"--out {out} is not empty and not a {FORMAT} folder; choose an empty or new folder")
    if not force:
        count = sum(1 for p in out.rglob("*") if p.is_file())
        raise BadInputError(
            f"--out {out} already holds a snapshot (as of {manifest.get('as_of')}, {count} files); "
            "pass --force to refresh it (files and items with no new data are kept)"
        )
    return Previous(out, manifest, stat.S_IMODE(out.stat().st_mode))


def folder_mode(previous: Previous | None) -> int:
    """Permission bits for the new folder: the previous snapshot's, else what mkdir would give."""
    if previous is not None:
        return previous.mode
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o777 & ~umask


def keep_items(
    new: pd.DataFrame | None, previous: Previous | None, rel: str, key: str, start, end, changes: Changes
) -> pd.DataFrame | None:
    """``new`` plus the rows of items (tickers, series) only the previous snapshot has, within start..end."""
    path = previous.folder / rel if previous else None
    if path is None or not path.is_file():
        return new
    old = pd.read_parquet(path)
    served = set(new[key]) if new is not None and len(new) else set()
    old = old[~old[key].isin(served)]
    if start is not None:
        old = old[old["date"] >= pd.Timestamp(start)]
    if end is not None:
        old = old[old["date"] <= pd.Timestamp(end)]
    if old.empty:
        return new
    changes.kept_items[rel] = sorted(old[key].unique())
    if new is None or not len(new):
        return old.reset_index(drop=True)
    return pd.concat([new, old[new.columns]], ignore_index=True)


def carry_over(previous: Previous | None, tmp: Path, files: dict, changes: Changes) -> None:
    """Copy every file of the previous snapshot that the new build did not write; sort the rest
    into new / updated / unchanged by checksum."""
    old_entries = (previous.manifest.get("files") or {}) if previous else {}
    if not isinstance(old_entries, dict):
        old_entries = {}
    for rel, entry in files.items():
        before = old_entries.get(rel) if isinstance(old_entries.get(rel), dict) else None
        if before is None:
            changes.new.append(rel)
        else:
            (changes.unchanged if before.get("sha256") == entry.get("sha256") else changes.updated).append(rel)
    if previous is None:
        return
    for rel in previous.files():
        if rel in files or rel == "manifest.json":
            continue
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(previous.folder / rel, tmp / rel)
        if isinstance(old_entries.get(rel), dict):
            files[rel] = old_entries[rel]
        changes.carried_over.append(rel)
