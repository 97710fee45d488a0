"""Fault injection: hostile text, broken windows, damaged files, full disks, killed processes.

Each test builds its broken input (a damaged copy of the snapshot, a corrupt
cache, an unwritable folder) in a temporary directory and checks the promise
the README's reliability section makes: markup from the data is shown as text,
bad input is one line and exit 2 before any kernel starts, no output is ever
half-written, and an interrupted run says so.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from rotation_utils import narrative, tables
from rotation_utils.runner import render
from tests.faults import MARKUP, SHOWN_TAG, hostile_snapshot, scan

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def rotation(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    """The CLI in a fresh interpreter, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "rotation_utils.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


# ---- script injection ----------------------------------------------------------------------
def test_styled_tables_escape_cells_and_headers():
    tag = MARKUP.format(n=1)
    df = pd.DataFrame({tag: ["x"], "Sector": [tag], "Return": [0.1234]})
    for styler in (tables.formatted(df, pct=["Return"]), tables.plain(df)):
        live, text = scan(styler.to_html())
        assert live == [] and text.count(SHOWN_TAG) == 2
    assert "12.3%" in tables.formatted(df, pct=["Return"]).to_html()


def test_house_style_makes_every_styler_escape_its_cells():
    from rotation_utils import style
    try:
        style.apply()
        page = pd.DataFrame({"evidence": [MARKUP.format(n=2)]}).style.hide(axis="index").to_html()
    finally:
        pd.reset_option("styler.format.escape")
    live, text = scan(page)
    assert live == [] and SHOWN_TAG in text


def test_provenance_table_escapes_notes(monkeypatch):
    from rotation_utils import notebook
    from rotation_utils.data.provenance import Provenance

    shown = []
    monkeypatch.setattr(notebook, "display", shown.append)
    monkeypatch.setattr(notebook, "say", lambda text: None)

    class Layer:
        provenance = Provenance()

        def describe(self):
            return ""
    Layer.provenance.add("prices", MARKUP.format(n=3), None, status="missing", note=MARKUP.format(n=4))
    notebook.show_provenance(Layer())
    live, text = scan(shown[0].to_html())
    assert live == [] and SHOWN_TAG + "3)" in text


def test_prose_shows_tags_as_text(monkeypatch):
    shown = []
    monkeypatch.setattr(narrative, "display", shown.append)
    narrative.say(f"**Sector** {MARKUP.format(n=5)} led S&P 500")
    source = shown[0].data
    assert "S&P 500" in source
    from nbconvert.filters.markdown import markdown2html
    live, text = scan(markdown2html(source))
    assert live == [] and SHOWN_TAG in text


def test_report_header_escapes_title_parameters_and_error(tmp_path):
    tag = MARKUP.format(n=6)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\nP.")])
    record = {"notebook": "x", "run_id": tag, "status": "failed", "executed_at": "2026-01-01T00:00",
              "duration_seconds": 1.0, "parameters": {"snapshot_dir": f"/tmp/{tag}", "start": "2024-01-01"},
              "passed_parameters": {"snapshot_dir": f"/tmp/{tag}"},
              "error": {"cell": 2, "line": f"ValueError: {tag}"},
              "data": {"as_of": tag, "sources": [tag]}, "git": {"commit": tag}, "packages": {"python": tag}}
    results = {"title": f"Title {tag}", "tables": [{"file": "a.csv", "title": tag}]}
    page = render.report_html(nb, record, results, {"title": "T", "purpose": tag})
    live, _ = scan(page)
    assert live == []
    _, header = scan(page[page.index('<header class="rt-header">'):page.index("</header>")])
    assert header.count(SHOWN_TAG) >= 8  # title, purpose, error, run id, data, parameter, table, code


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """The reports that show company, sector and holdings text, run on a snapshot full of markup.

    The snapshot folder's own name is markup too: it reaches the pages as the
    ``snapshot_dir`` parameter.
    """
    base = tmp_path_factory.mktemp("hostile")
    snap, fields = hostile_snapshot(base / MARKUP.format(n=99))
    out = base / "out"
    proc = rotation("run", "--data", "snapshot", "--snapshot", snap, "--out", out, "--jobs", "2",
                    "--only", "01", "03", "04", "06", "00")
    return proc, (out / "latest").resolve(), fields


def test_markup_in_the_data_is_escaped_on_every_page(hostile_run):
    proc, run_dir, fields = hostile_run
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    pages = sorted(run_dir.rglob("*.html"))
    assert len(pages) == 6  # five reports and the index
    texts = {}
    for page in pages:
        live, texts[page.stem] = scan(page.read_text())
        leaked = sorted({fields.get(n, "the --snapshot path") for n in live})
        assert leaked == [], f"{page.name}: markup from {leaked} would run"
    for name in ("01_rotation_breadth", "03_valuation_gap", "04_obbba_tax", "06_sector_leadership"):
        shown = set(re.findall(r"<img src=x onerror=alert\((\d+)\)>", texts[name]))
        assert shown - {"99"}, f"{name}: the hostile data did not reach the page"
        assert "99" in shown  # the --snapshot path, in the header
    assert SHOWN_TAG + "99)" in texts["index"]
