"""Every report notebook follows the shape of the notebook standard (checked statically)."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
THESES = [p for p in NOTEBOOKS if not p.stem.startswith("00_")]


def _nb(path):
    return nbformat.read(path, as_version=4)


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    for cell in _nb(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_title_purpose_and_one_parameters_cell(path):
    nb = _nb(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert [ln for ln in first.source.splitlines()[1:] if ln.strip()], "purpose line missing"
    params = [c for c in nb.cells if "parameters" in _tags(c)]
    assert len(params) == 1
    names = {
        t.id
        for node in ast.parse(params[0].source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    if path in THESES:
        assert {"data_source", "snapshot_dir"} <= names
        assert 'data_source = "auto"' in params[0].source
    assert any("slide" in _tags(c) for c in nb.cells)


@pytest.mark.parametrize("path", THESES, ids=lambda p: p.stem)
def test_memo_sections_in_order(path):
    heads = [
        ln.lstrip("#").strip().lower()
        for c in _nb(path).cells
        if c.cell_type == "markdown"
        for ln in c.source.splitlines()
        if ln.startswith("## ")
    ]
    wanted = ["question", "data", "method", "finding", "verdict", "caveats"]
    positions = [next((i for i, h in enumerate(heads) if h.startswith(w)), None) for w in wanted]
    assert None not in positions, f"missing sections in {heads}"
    assert positions == sorted(positions)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_last_cell_writes_results(path):
    last = [c for c in _nb(path).cells if c.cell_type == "code"][-1]
    assert ".write()" in last.source
