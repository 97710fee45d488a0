"""Run a report notebook through papermill in a temporary folder and return its results.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import papermill as pm

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def run_notebook(name: str, out_dir: Path, **parameters) -> dict:
    """Execute notebooks/<name>.ipynb with ``parameters``; outputs go to ``out_dir``.

    Returns the parsed results.json; the executed notebook is ``out_dir/<name>.ipynb``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    old = os.environ.get("ROTATION_REPORT_DIR")
    os.environ["ROTATION_REPORT_DIR"] = str(out_dir)
    try:
        pm.execute_notebook(
            str(NOTEBOOKS / f"{name}.ipynb"),
            str(out_dir / f"{name}.ipynb"),
            parameters=parameters,
            cwd=str(out_dir),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            execution_timeout=600,
        )
    finally:
        if old is None:
            os.environ.pop("ROTATION_REPORT_DIR", None)
        else:
            os.environ["ROTATION_REPORT_DIR"] = old
    return json.loads((out_dir / "results.json").read_text())


def notebook_text(out_dir: Path, name: str) -> str:
    """All text/markdown and text/plain outputs of an executed notebook, joined."""
    nb = json.loads((Path(out_dir) / f"{name}.ipynb").read_text())
    chunks = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for key in ("text/markdown", "text/plain"):
                if key in data:
                    v = data[key]
                    chunks.append("".join(v) if isinstance(v, list) else v)
            if out.get("name") == "stdout":
                t = out.get("text", "")
                chunks.append("".join(t) if isinstance(t, list) else t)
    return "\n".join(chunks)


def run_windows(name: str, tmp_path_factory, windows: dict) -> dict:
    """Run a notebook once per named (start, end) window: ``{key: (results, out_dir)}``.

    For module-scoped fixtures: each window gets its own temporary output folder.
    """
    out = {}
    for key, (start, end) in windows.items():
        folder = tmp_path_factory.mktemp(key)
        out[key] = (run_notebook(name, folder, start=start, end=end), folder)
    return out
