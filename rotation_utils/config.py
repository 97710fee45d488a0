"""Where things live, and every environment variable the project reads.

Each setting is looked up the same way: an explicit argument (a command-line
option or a function argument), else its environment variable, else its
default. :data:`SETTINGS` is the one table of them; the README prints the same
table, and a test checks that no module outside this one reads ``ROTATION_*``
variables from the environment.

| variable | what it points at | default |
|---|---|---|
| ``ROTATION_SNAPSHOT`` | a ``rotation-snapshot/1`` data folder | ``../shared/data/snapshot`` beside the repository |
| ``ROTATION_CACHE`` | the live-data cache folder | the user cache folder (``platformdirs``) |
| ``ROTATION_OFFLINE`` | ``1``: never touch the network | unset (try the network) |
| ``ROTATION_OUTPUTS`` | the root that holds every run folder | ``outputs/`` in the repository |
| ``ROTATION_RUN_DIR`` | the one run folder being written (set by the runner for its kernels) | unset |
| ``ROTATION_REPORT_DIR`` | the one notebook's folder inside a run, where results.json goes (set by the runner) | the working directory |
| ``ROTATION_NOTEBOOKS`` | the folder of report notebooks | ``notebooks/`` in the repository |
| ``ROTATION_CHROMIUM`` | the Chromium/Chrome executable for ``--pdf`` and the browser tests | the first on ``PATH`` |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
OUTPUTS_DIR = REPO_ROOT / "outputs"
#: the snapshot that ships beside a clone of the repository (../shared/data/snapshot)
DEFAULT_SNAPSHOT = REPO_ROOT.parent / "shared" / "data" / "snapshot"

SOURCES = ("auto", "live", "snapshot")


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, what it holds, and what applies when it is unset."""

    env: str
    meaning: str
    default: str


#: every environment variable the project reads, by the name the code uses for it
SETTINGS = {
    "snapshot": Setting(
        "ROTATION_SNAPSHOT", "a rotation-snapshot/1 data folder", "../shared/data/snapshot beside the repository"
    ),
    "cache": Setting("ROTATION_CACHE", "the live-data cache folder", "the user cache folder"),
    "offline": Setting("ROTATION_OFFLINE", "1: never touch the network", "unset (try the network)"),
    "outputs": Setting("ROTATION_OUTPUTS", "the root that holds every run folder", "outputs/ in the repository"),
    "run_dir": Setting("ROTATION_RUN_DIR", "the one run folder being written (set by the runner)", "unset"),
    "report_dir": Setting(
        "ROTATION_REPORT_DIR",
        "one notebook's folder inside a run, where results.json goes (set by the runner)",
        "the working directory",
    ),
    "notebooks": Setting("ROTATION_NOTEBOOKS", "the folder of report notebooks", "notebooks/ in the repository"),
    "chromium": Setting("ROTATION_CHROMIUM", "the Chromium/Chrome executable for --pdf", "the first on PATH"),
}

#: the settings a worker process needs to read the same data as the process that sent it the task
DATA_SETTINGS = ("snapshot", "cache", "offline")


def setting(name: str, explicit=None) -> str | None:
    """The value of a setting: ``explicit`` when given, else its environment variable, else None.

    Args:
        name: a key of :data:`SETTINGS` (``"snapshot"``, ``"outputs"``...).
        explicit: a value given on the command line or by the caller; wins when not empty.
    Returns:
        The value as text (stripped), or None when neither is set.

    Example:
        >>> setting("outputs", "/tmp/runs")
        '/tmp/runs'
    """
    if explicit is not None and str(explicit).strip():
        return str(explicit)
    value = os.environ.get(SETTINGS[name].env, "").strip()
    return value or None


def environment_for(*names: str) -> dict[str, str]:
    """``{VARIABLE: value}`` of the named settings that are set (to pass on to a worker process)."""
    return {SETTINGS[n].env: v for n in names if (v := setting(n)) is not None}


def _path(name: str, explicit, default: Path) -> Path:
    value = setting(name, explicit)
    return Path(value).expanduser().resolve() if value else default


def snapshot_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The snapshot folder: explicit argument, else $ROTATION_SNAPSHOT, else ../shared/data/snapshot."""
    return _path("snapshot", explicit, DEFAULT_SNAPSHOT.resolve())


def cache_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The live-data cache folder (created on demand by the cache module)."""
    value = setting("cache", explicit)
    if value:
        return Path(value).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("rotation-utils"))


def offline_forced() -> bool:
    """True when $ROTATION_OFFLINE asks us never to touch the network."""
    return (setting("offline") or "").lower() in {"1", "true", "yes"}


def outputs_root(explicit=None) -> Path:
    """Root of the run folders: explicit --out, else $ROTATION_OUTPUTS, else outputs/ in the repository."""
    return _path("outputs", explicit, OUTPUTS_DIR)


def notebooks_dir(explicit=None) -> Path:
    """The folder of report notebooks: explicit argument, else $ROTATION_NOTEBOOKS, else notebooks/."""
    return _path("notebooks", explicit, NOTEBOOKS_DIR)


def run_dir() -> Path | None:
    """The run folder the runner is writing ($ROTATION_RUN_DIR), or None outside a run."""
    value = setting("run_dir")
    return Path(value) if value else None


def report_dir() -> Path:
    """One notebook's output folder (results.json, tables): $ROTATION_REPORT_DIR, else the working directory."""
    return _path("report_dir", None, Path(".").resolve())


def chromium() -> str | None:
    """An explicit Chromium/Chrome executable ($ROTATION_CHROMIUM), or None to search PATH."""
    return setting("chromium")
