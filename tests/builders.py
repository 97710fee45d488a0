"""Builders the tests share: what a report writes into a run folder, and a runner task for a
probe notebook, written through the real helpers."""

from __future__ import annotations

from pathlib import Path

from rotation_utils.results import Report
from rotation_utils.runner.records import Task
from rotation_utils.verdicts import Rule
from tests.faults import notebook


def write_results(run_dir, notebook, claims, verdict="mixed", window=None):
    """A report's results.json in ``run_dir/notebook``, written through ``Report`` as a notebook would.

    Args:
        run_dir: the run folder.
        notebook: the report's stem (its folder in the run).
        claims: ``(id, verdict, evidence)`` or ``(id, verdict, evidence, values)`` tuples.
        verdict: the report's verdict.
        window: ``(first, last)`` dates the report records as its window, or None.
    """
    out = run_dir / notebook
    out.mkdir(parents=True)
    rep = Report(notebook, f"Title of {notebook}", {"start": "2025-01-01", "end": None})
    for c in claims:
        rep.claim(*c[:3], **(c[3] if len(c) > 3 else {}))
    if window:
        rep.set_window(*window)
    rep.verdict(verdict, Rule("test rule", lambda: verdict))
    rep.write(out / "results.json")


def probe_task(tmp_path: Path, name: str, cells: list[str], **kw) -> Task:
    """A runner task for a minimal notebook ``tmp_path/<name>.ipynb`` (a title cell, then ``cells``).

    Args:
        tmp_path: where the notebook is written; the task's output goes to ``tmp_path/out/<name>``.
        name: the notebook's stem.
        cells: the code cells' sources.
        **kw: task fields that differ from the defaults (``timeout``, ``retries``, ...).
    """
    src = notebook(tmp_path / f"{name}.ipynb", *cells)
    return Task(
        **{
            "name": name,
            "input": str(src),
            "dir": str(tmp_path / "out" / name),
            "title": name,
            "purpose": "A probe.",
            "timeout": 600,
            "env": {"ROTATION_RUN_DIR": str(tmp_path / "out")},
            "run_id": "test",
            "git": {"commit": None, "dirty": None},
            **kw,
        }
    )
