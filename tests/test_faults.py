"""Fault injection: hostile text, broken windows, damaged files, full disks, killed processes.

Each test builds its broken input (a damaged copy of the snapshot, a corrupt
cache, an unwritable folder) in a temporary directory and checks the promise
the README's reliability section makes: markup from the data is shown as text,
bad input is one line and exit 2 before any kernel starts, no output is ever
half-written, and an interrupted run says so.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import psutil
import pytest

from rotation_utils import narrative, tables
from rotation_utils.runner import render
from rotation_utils.runner.records import Task
from tests.builders import probe_task
from tests.faults import (
    FULL_DISK_ON,
    MARKUP,
    SHOWN_TAG,
    copy_snapshot,
    hostile_snapshot,
    inject,
    notebook,
    scan,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def rotation(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    """The CLI in a fresh interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "rotation_utils.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


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
    record = {
        "notebook": "x",
        "run_id": tag,
        "status": "failed",
        "executed_at": "2026-01-01T00:00",
        "duration_seconds": 1.0,
        "parameters": {"snapshot_dir": f"/tmp/{tag}", "start": "2024-01-01"},
        "passed_parameters": {"snapshot_dir": f"/tmp/{tag}"},
        "error": {"cell": 2, "line": f"ValueError: {tag}"},
        "data": {"as_of": tag, "sources": [tag]},
        "git": {"commit": tag},
        "packages": {"python": tag},
    }
    results = {"title": f"Title {tag}", "tables": [{"file": "a.csv", "title": tag}]}
    page = render.report_html(nb, record, results, Task(name="n", input="", dir="", title="T", purpose=tag))
    live, _ = scan(page)
    assert live == []
    _, header = scan(page[page.index('<header class="rt-header">') : page.index("</header>")])
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
    proc = rotation(
        "run",
        "--data",
        "snapshot",
        "--snapshot",
        snap,
        "--out",
        out,
        "--jobs",
        "2",
        "--slides",
        "--only",
        "01",
        "03",
        "04",
        "06",
        "00",
    )
    return proc, (out / "latest").resolve(), fields


def test_markup_in_the_data_is_escaped_on_every_page(hostile_run):
    proc, run_dir, fields = hostile_run
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    pages = sorted(run_dir.rglob("*.html"))
    assert len([p for p in pages if not p.name.endswith(".slides.html")]) >= 6  # five reports, the index
    assert [p for p in pages if p.name.endswith(".slides.html")]  # and slide decks
    texts = {}
    for page in pages:
        live, texts[page.name] = scan(page.read_text())
        leaked = sorted({fields.get(n, "the --snapshot path") for n in live})
        assert leaked == [], f"{page.name}: markup from {leaked} would run"
    for name in ("01_rotation_breadth", "03_valuation_gap", "04_obbba_tax", "06_sector_leadership"):
        shown = set(re.findall(r"<img src=x onerror=alert\((\d+)\)>", texts[f"{name}.html"]))
        assert shown - {"99"}, f"{name}: the hostile data did not reach the page"
        assert "99" in shown  # the --snapshot path, in the header
    assert SHOWN_TAG + "99)" in texts["index.html"]


# ---- windows that passed validation but broke or lied ---------------------------------------
def _snapshot_range() -> str:
    m = json.loads((Path(os.environ["ROTATION_SNAPSHOT"]) / "manifest.json").read_text())
    return f"from {m['files']['prices.parquet']['coverage']['min']} to {m['as_of']}"


BAD_WINDOWS = {
    "year below 1000": (["--start", "0024-01-01", "--end", "0024-12-31"], "'0024-01-01' is not a plain date"),
    "no trading days": (["--start", "2024-01-06", "--end", "2024-01-07"], "fewer than 2 trading days"),
    "one trading day before the data's end": (["--start", "2026-07-11"], "fewer than 2 trading days"),
    "end beyond the data": (["--end", "2999-12-31"], "--end 2999-12-31 is after the last date the data has"),
    "window before the data": (
        ["--start", "1900-01-01", "--end", "1900-12-31"],
        "--end 1900-12-31 is before the first date the data has",
    ),
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

    args = build_parser().parse_args(
        [
            "run",
            "--notebooks",
            str(FIXTURES),
            "--out",
            str(tmp_path / "o"),
            "--data",
            "snapshot",
            "--start",
            "1990-01-01",
            "--end",
            "1999-12-31",
        ]
    )
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
    args = cli.build_parser().parse_args(
        ["run", "--notebooks", str(folder), "--out", str(tmp_path / "o"), "--only", "01_good", "--data", "snapshot"]
    )
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


# ---- full disk: atomic outputs, one line, run marked failed ---------------------------------
def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_atomic_write_on_a_full_disk_keeps_the_old_file_and_names_the_path(tmp_path, monkeypatch):
    from rotation_utils import atomic

    target = tmp_path / "run.json"
    atomic.write_json(target, {"v": 1})
    monkeypatch.setattr(atomic.os, "fsync", _enospc)
    with pytest.raises(atomic.DiskFullError) as exc:
        atomic.write_json(target, {"v": 2})
    assert str(exc.value) == f"no space left on {target}"
    assert json.loads(target.read_text()) == {"v": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]  # no temporary file left


def test_disk_full_while_saving_the_notebook_is_one_line_and_no_truncated_file(tmp_path, monkeypatch):
    from rotation_utils.runner import execute

    task = probe_task(tmp_path, "probe", ["x = 1"])
    monkeypatch.setattr(execute.nbformat, "write", _enospc)
    rec = execute.run_task(task)
    out = Path(task.dir) / "probe.ipynb"
    assert rec["status"] == "failed" and rec["error"]["line"] == f"no space left on {out}"
    assert not out.exists()  # never half a notebook under the real name
    assert not [p for p in Path(task.dir).iterdir() if p.name.endswith(".tmp")]


def test_disk_full_while_papermill_saves_is_one_line(tmp_path, monkeypatch):
    import papermill.iorw

    from rotation_utils.runner import execute

    monkeypatch.setattr(papermill.iorw.PapermillIO, "write", _enospc)
    rec = execute.run_task(probe_task(tmp_path, "probe", ["x = 1"]))
    assert rec["status"] == "failed" and rec["error"]["line"].startswith("no space left on ")
    assert "NotJSONError" not in json.dumps(rec)


def test_full_disk_at_the_end_of_a_run_is_one_line_exit_1_and_the_run_stays_marked(tmp_path):
    out = tmp_path / "out"
    env = inject(tmp_path / "fault", FULL_DISK_ON)
    proc = rotation(
        "run",
        "--notebooks",
        FIXTURES,
        "--out",
        out,
        "--only",
        "01_good",
        "--data",
        "snapshot",
        env={**env, "FAULT_FULL_DISK": "run.json"},
    )
    [run_dir] = [p for p in out.iterdir() if p.is_dir()]
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"rotation: error: no space left on {run_dir / 'run.json'}; the run is marked failed (INCOMPLETE kept)"
    ]
    assert not (run_dir / "run.json").exists() and (run_dir / "INCOMPLETE").is_file()
    assert not (out / "latest").exists()  # latest never points at a run that did not finish


def test_full_disk_for_a_report_fails_that_report_in_one_line(tmp_path):
    out = tmp_path / "out"
    env = inject(tmp_path / "fault", FULL_DISK_ON)
    proc = rotation(
        "run",
        "--notebooks",
        FIXTURES,
        "--out",
        out,
        "--only",
        "01_good",
        "--data",
        "snapshot",
        env={**env, "FAULT_FULL_DISK": "01_good.html"},
    )
    run_dir = (out / "latest").resolve()
    html = run_dir / "01_good" / "01_good.html"
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert f"FAILED 01_good no space left on {html}" in proc.stdout
    run = json.loads((run_dir / "run.json").read_text())
    assert run["ok"] is False and run["notebooks"][0]["error"]["line"] == f"no space left on {html}"
    assert not html.exists()
    nb = nbformat.read(run_dir / "01_good" / "01_good.ipynb", as_version=4)  # whole, valid JSON
    assert nb.metadata["rotation"]["notebook"] == "01_good"


# ---- processes: signals, orphans, interrupted runs, kernels that fail to start ---------------
def _slow_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    notebook(folder / "01_slow.ipynb", "open('started.txt', 'w').write('1')", "import time; time.sleep(300)")
    notebook(folder / "02_quick.ipynb", "x = 1")
    return folder


def _start_slow_run(tmp_path: Path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rotation_utils.cli",
            "run",
            "--notebooks",
            str(_slow_folder(tmp_path)),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--timeout",
            "600",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal: a shell's background job (e.g. a suite started with `&`)
        # inherits SIGINT ignored, and Python then keeps it ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("*/01_slow/started.txt")):
        assert proc.poll() is None and time.monotonic() < deadline, "the slow notebook never started"
        time.sleep(0.2)
    family = psutil.Process(proc.pid).children(recursive=True)
    assert len(family) >= 3  # two workers and at least the slow notebook's kernel
    return proc, out, family


def _gone(family, seconds: float) -> list:
    _, alive = psutil.wait_procs(family, timeout=seconds)
    return alive


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_stops_promptly_and_marks_the_run_interrupted(sig, tmp_path):
    proc, out, family = _start_slow_run(tmp_path)
    t0 = time.monotonic()
    proc.send_signal(sig)  # to the main process alone, as `kill` does
    stdout, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 30  # not the 300 s the cell would take
    assert proc.returncode == 130 and "Traceback" not in stderr, stderr
    assert _gone(family, 10) == []  # no worker or kernel left behind
    [run_dir] = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink()]
    run = json.loads((run_dir / "run.json").read_text())
    assert run["status"] == "interrupted" and run["ok"] is False
    status = {nb["notebook"]: nb["status"] for nb in run["notebooks"]}
    assert status["01_slow"] == "interrupted"
    assert (run_dir / "INCOMPLETE").read_text().startswith("this run was interrupted")
    assert not (run_dir / "01_slow" / "01_slow.ipynb").exists()  # no half-written notebook under its name
    assert not (out / "latest").exists()
    assert "interrupted" in stderr.strip().splitlines()[-1]


def test_workers_and_kernels_exit_when_the_run_is_killed(tmp_path):
    proc, _, family = _start_slow_run(tmp_path)
    proc.kill()  # SIGKILL: no handler runs in the main process
    proc.wait(timeout=10)
    assert _gone(family, 15) == []


def test_a_kernel_that_dies_while_starting_is_retried(tmp_path, monkeypatch):
    from rotation_utils.runner import execute

    real, calls = execute._run_papermill, []

    def flaky(task, out_ipynb, nb_dir):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(task, out_ipynb, nb_dir)

    monkeypatch.setattr(execute, "_run_papermill", flaky)
    rec = execute.run_task(probe_task(tmp_path, "probe", ["x = 1"], retries=1))
    assert rec["status"] == "ok" and rec["attempts"] == 2
    calls.clear()
    rec = execute.run_task(probe_task(tmp_path / "again", "probe", ["x = 1"], retries=0))
    assert rec["status"] == "failed" and "Kernel died before replying to kernel_info" in rec["error"]["line"]


# ---- bad files: one line naming the file -----------------------------------------------------
def _damaged(tmp_path: Path, rel: str, damage) -> Path:
    folder = copy_snapshot(tmp_path / "snap", change={rel})
    damage(folder / rel)
    return folder


def _rename_close(path: Path) -> None:
    df = pd.read_parquet(path).rename(columns={"close": "price"})
    path.unlink()
    df.to_parquet(path, index=False)


BAD_FILES = {
    "manifest is a list": ("manifest.json", lambda p: p.write_text("[]"), "manifest.json holds a JSON list"),
    "manifest is a string": (
        "manifest.json",
        lambda p: p.write_text('"rotation-snapshot/1"'),
        "manifest.json holds a JSON str",
    ),
    "as_of not a date": (
        "manifest.json",
        lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "as_of": "not-a-date"})),
        "manifest.json: as_of 'not-a-date' is not a date",
    ),
    "close column renamed": ("prices.parquet", _rename_close, "prices.parquet: column 'close' missing"),
    "stray holdings file": (
        "universe/iwm_holdings_2026-05-05.csv",
        lambda p: p.rename(p.with_name("iwm_holdings_backup.csv")),
        "iwm_holdings_backup.csv: not an IWM holdings file name",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_snapshot_file_is_one_line_naming_it_before_any_kernel(case, tmp_path, capsys):
    from rotation_utils import cli

    rel, damage, expected = BAD_FILES[case]
    folder = _damaged(tmp_path, rel, damage)
    out = tmp_path / "out"
    code = cli.main(["run", "--notebooks", str(FIXTURES), "--out", str(out), "--snapshot", str(folder)])
    stdout, err = capsys.readouterr()
    assert code == 2 and stdout == "" and not out.exists()
    assert len(err.strip().splitlines()) == 1 and expected in err and str(folder) in err, err


def test_renamed_column_is_a_one_line_data_error_in_a_notebook(tmp_path):
    from rotation_utils.data import DataLayer
    from rotation_utils.errors import DataUnavailableError

    folder = _damaged(tmp_path, "prices.parquet", _rename_close)
    dl = DataLayer("snapshot", snapshot=folder)
    for tickers in (["SPY"], [f"T{i}" for i in range(40)]):  # the filtered read and the whole-file read
        with pytest.raises(DataUnavailableError) as exc:
            dl.prices(tickers)
        assert "prices.parquet: column 'close' missing (has date, ticker, price)" in str(exc.value)


def test_stray_holdings_file_is_skipped_by_the_reader(tmp_path):
    from rotation_utils.data.snapshot import SnapshotBackend

    folder = copy_snapshot(tmp_path / "snap")
    (folder / "universe" / "iwm_holdings_backup.csv").write_text("ticker\nX\n")
    assert [d.year for d in SnapshotBackend(folder).iwm_holdings_dates()] == [2025, 2025, 2026]


@pytest.mark.parametrize("where", ["under a file", "under /proc"])
def test_out_that_cannot_be_written_is_one_line_exit_2(where, tmp_path, capsys):
    from rotation_utils import cli

    afile = tmp_path / "file.txt"
    afile.write_text("x")
    out = afile / "outputs" if where == "under a file" else Path("/proc/rotation-outputs")
    code = cli.main(["run", "--notebooks", str(FIXTURES), "--out", str(out), "--data", "snapshot"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and f"--out {out}" in err, err
    assert "Traceback" not in err and afile.read_text() == "x"


# ---- the cache keeps its promise: a bad entry is logged and ignored --------------------------
def _cache_entry(cache_root: Path, dataset: str, item: str, frame: pd.DataFrame, stamp: bytes) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from rotation_utils.data.cache import META_KEY, ParquetCache

    path = ParquetCache(cache_root).path(dataset, item)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table.replace_schema_metadata({META_KEY: stamp}), path)
    return path


PRICES = pd.DataFrame({"date": pd.to_datetime(["2026-07-10", "2026-07-13"]), "close": [1.0, 2.0]})
BAD_ENTRIES = {
    "broken stamp JSON": (PRICES, b"{not json"),
    "stamp not an object": (PRICES, b"[1, 2]"),
    "no date column": (PRICES.rename(columns={"date": "day"}), b'{"fetched_at": "2026-07-13T00:00:00"}'),
}


@pytest.mark.parametrize("case", sorted(BAD_ENTRIES))
def test_bad_cache_entry_is_logged_ignored_and_the_snapshot_serves(case, tmp_path, caplog):
    from rotation_utils.data import DataLayer
    from rotation_utils.data.cache import ParquetCache

    frame, stamp = BAD_ENTRIES[case]
    path = _cache_entry(tmp_path / "cache", "prices", "SPY", frame, stamp)
    assert ParquetCache(tmp_path / "cache").read("prices", "SPY") is None
    assert str(path) in caplog.text
    dl = DataLayer("auto", cache=tmp_path / "cache")
    px = dl.prices(["SPY"], "2026-01-01")
    assert len(px) > 100 and dl.provenance.records[0].source == "snapshot"


def test_non_date_item_under_iwm_holdings_is_ignored(tmp_path, caplog):
    from rotation_utils.data import DataLayer

    holdings = pd.DataFrame(
        {
            "ticker": ["X"],
            "name": ["X"],
            "sector": ["Y"],
            "market_value": [1.0],
            "weight_pct": [1.0],
            "asset_class": ["Equity"],
        }
    )
    _cache_entry(tmp_path / "cache", "iwm_holdings", "backup", holdings, b"{}")
    dl = DataLayer("auto", cache=tmp_path / "cache")
    assert len(dl.iwm_holdings()) > 1000  # the snapshot's latest file
    assert "backup" in caplog.text


def test_code_cells_are_escaped_and_a_reused_exporter_keeps_no_trace_of_the_last_report(tmp_path):
    """Code is highlighted without bleach: pygments must still escape markup in the source."""
    tag = MARKUP.format(n=7)
    code = nbformat.v4.new_code_cell(f"label = '{tag}'  # first report")
    first = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\nP."), code])
    second = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# U\nQ."), nbformat.v4.new_code_cell("x = 1")]
    )
    record = {
        "notebook": "x",
        "run_id": "r",
        "status": "ok",
        "executed_at": "2026-01-01T00:00",
        "duration_seconds": 1.0,
    }
    task = Task(name="n", input="", dir="", title="T", purpose="P.")
    page = render.report_html(first, record, None, task)
    live, text = scan(page)
    assert live == [] and SHOWN_TAG in text
    again = render.report_html(second, record, None, Task(name="m", input="", dir="", title="U", purpose="Q."))
    assert "first report" not in again and '<span class="n">x</span>' in again
