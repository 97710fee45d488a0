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


# ---- windows that passed validation but broke or lied ---------------------------------------
def _snapshot_range() -> str:
    m = json.loads((Path(os.environ["ROTATION_SNAPSHOT"]) / "manifest.json").read_text())
    return f"from {m['files']['prices.parquet']['coverage']['min']} to {m['as_of']}"


BAD_WINDOWS = {
    "year below 1000": (["--start", "0024-01-01", "--end", "0024-12-31"], "'0024-01-01' is not a plain date"),
    "no trading days": (["--start", "2024-01-06", "--end", "2024-01-07"], "fewer than 2 trading days"),
    "one trading day before the data's end": (["--start", "2026-07-11"], "fewer than 2 trading days"),
    "end beyond the data": (["--end", "2999-12-31"], "--end 2999-12-31 is after the last date the data has"),
    "window before the data": (["--start", "1900-01-01", "--end", "1900-12-31"],
                               "--end 1900-12-31 is before the first date the data has"),
    "time and zone": (["--start", "2024-01-01T23:30-05:00"], "without a time or time zone"),
    "time only": (["--end", "2024-06-01 12:00"], "without a time or time zone"),
}


@pytest.mark.parametrize("case", sorted(BAD_WINDOWS))
@pytest.mark.parametrize("source", ["snapshot", "auto"])
def test_bad_window_is_one_line_exit_2_before_any_kernel(case, source, tmp_path, capsys):
    from rotation_utils import cli
    args, expected = BAD_WINDOWS[case]
    out = tmp_path / "out"
    code = cli.main(["run", "--notebooks", str(FIXTURES), "--out", str(out), "--data", source, *args])
    stdout, err = capsys.readouterr()
    assert code == 2 and stdout == "" and not out.exists()
    assert len(err.strip().splitlines()) == 1 and expected in err, err
    assert "internet" not in err and "out of bounds" not in err
    if "data has" in expected:
        assert _snapshot_range() in err  # the data's real range, not today or a guess


def test_auto_without_network_uses_the_snapshot_as_of(tmp_path, capsys, monkeypatch):
    """Offline without ROTATION_OFFLINE: the last date the data has is the snapshot's as-of, not today."""
    from rotation_utils import cli
    from rotation_utils.data import live
    monkeypatch.setenv("ROTATION_OFFLINE", "0")
    monkeypatch.setattr(live, "probe_network", lambda *a, **k: False)
    as_of = json.loads((Path(os.environ["ROTATION_SNAPSHOT"]) / "manifest.json").read_text())["as_of"]
    code = cli.main(["run", "--notebooks", str(FIXTURES), "--out", str(tmp_path / "o"), "--start", "2026-08-01"])
    err = capsys.readouterr().err
    assert code == 2 and f"is not before the last date the data has ({as_of})" in err


def test_start_before_the_data_is_a_note_and_the_window_kept(tmp_path):
    from rotation_utils.cli import build_parser
    from rotation_utils.runner.validate import build_plan
    args = build_parser().parse_args(["run", "--notebooks", str(FIXTURES), "--out", str(tmp_path / "o"),
                                      "--data", "snapshot", "--start", "1990-01-01", "--end", "1999-12-31"])
    plan = build_plan(args)
    assert plan.notes[0].startswith("--start 1990-01-01 is before the first date the data has (1995-01-03)")
    assert plan.parameters["01_good"]["start"] == "1990-01-01"


def test_iso_pads_years_below_1000():
    from rotation_utils.dates import iso
    assert iso(pd.Timestamp("0024-01-31")) == "0024-01-31"


def _folder_with_a_broken_notebook(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for nb in FIXTURES.glob("*.ipynb"):
        (folder / nb.name).write_bytes(nb.read_bytes())
    (folder / "03_half_saved.ipynb").write_text('{"cells": [')
    return folder


def test_a_broken_notebook_does_not_block_only_for_the_others(tmp_path, capsys):
    from rotation_utils import cli
    from rotation_utils.runner.validate import build_plan
    folder = _folder_with_a_broken_notebook(tmp_path)
    args = cli.build_parser().parse_args(["run", "--notebooks", str(folder), "--out", str(tmp_path / "o"),
                                          "--only", "01_good", "--data", "snapshot"])
    assert [nb.name for nb in build_plan(args).notebooks] == ["01_good"]
    code = cli.main(["run", "--notebooks", str(folder), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "03_half_saved.ipynb" in err and len(err.strip().splitlines()) == 1
    assert cli.main(["list", "--notebooks", str(folder)]) == 0
    assert "03_half_saved  (unreadable: cannot read notebook" in capsys.readouterr().out


def test_run_line_prints_the_workers_actually_used(tmp_path):
    proc = rotation("run", "--notebooks", FIXTURES, "--out", tmp_path, "--only", "02_broken", "--jobs", "4")
    assert proc.returncode == 1
    assert "1 notebooks, 1 at a time" in proc.stdout.splitlines()[0]
