"""Where things live: repository root, snapshot folder, cache folder.

Paths are resolved from environment variables first so tests, CI and users can
redirect them without editing code:

- ``ROTATION_SNAPSHOT``: a ``rotation-snapshot/1`` folder (default
  ``../shared/data/snapshot`` next to the repository root).
- ``ROTATION_CACHE``: the live-data cache folder (default: the user cache
  directory from ``platformdirs``).
- ``ROTATION_OFFLINE=1``: never try the network (``auto`` goes straight to the
  cache and the snapshot).
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
OUTPUTS_DIR = REPO_ROOT / "outputs"

SOURCES = ("auto", "live", "snapshot")


def snapshot_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The snapshot folder: explicit argument, else $ROTATION_SNAPSHOT, else ../shared/data/snapshot."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("ROTATION_SNAPSHOT")
    if env:
        return Path(env).expanduser().resolve()
    return (REPO_ROOT.parent / "shared" / "data" / "snapshot").resolve()


def cache_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The live-data cache folder (created on demand by the cache module)."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("ROTATION_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_cache_dir("rotation-utils"))


def offline_forced() -> bool:
    """True when $ROTATION_OFFLINE asks us never to touch the network."""
    return os.environ.get("ROTATION_OFFLINE", "").strip().lower() in {"1", "true", "yes"}
