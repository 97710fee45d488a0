"""Test-session environment, shared by tests/ and the nbval run over notebooks/.

Tests read the offline snapshot (``ROTATION_SNAPSHOT``, default
../shared/data/snapshot), never touch the network, use a private cache, and send
every report output (results.json, CSV tables) to a temporary folder so the
work tree stays clean.
"""

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
os.environ.setdefault("ROTATION_SNAPSHOT", str((ROOT.parent / "shared" / "data" / "snapshot").resolve()))
os.environ["ROTATION_OFFLINE"] = "1"
_tmp = Path(tempfile.mkdtemp(prefix="rotation-test-"))
os.environ.setdefault("ROTATION_CACHE", str(_tmp / "cache"))
os.environ.setdefault("ROTATION_REPORT_DIR", str(_tmp / "nbval-outputs"))
