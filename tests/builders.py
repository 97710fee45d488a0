"""Builders the tests share: what a report writes into a run folder, written through the real helpers."""

from __future__ import annotations

from rotation_utils.results import Report
from rotation_utils.verdicts import Rule


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
