"""What produced a report: code version, package versions, parameters, data, timing.

Collected once per run in the parent process (git is asked once, not per
notebook) and stamped into each executed notebook's ``metadata.rotation`` so an
.ipynb found on its own still says how it was made; the HTML header shows it.
"""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

from .. import config

PACKAGES = (
    "rotation-utils",
    "pandas",
    "numpy",
    "matplotlib",
    "statsmodels",
    "yfinance",
    "pyarrow",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
)


def git_info(repo: Path = config.REPO_ROOT) -> dict:
    """Commit hash and whether the work tree had uncommitted changes (None when not a git checkout)."""

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def package_versions(names=PACKAGES) -> dict:
    """Installed versions of the packages a report depends on (None when not installed)."""
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def data_block(results: dict | None) -> dict:
    """Source setting, sources used and as-of date from a results.json ``data`` block."""
    data = (results or {}).get("data") or {}
    return {
        "source_setting": data.get("source_setting"),
        "sources": data.get("sources") or [],
        "as_of": data.get("as_of"),
        "missing": len(data.get("missing") or []),
    }


def stamp(nb, record: dict) -> None:
    """Store the provenance record in ``nb.metadata['rotation']`` (replacing an older stamp)."""
    nb.metadata["rotation"] = record
