"""End-to-end tests of ``rotation run`` on the tiny fixture notebooks in tests/fixtures/notebooks.

One run (module-scoped) executes three fixtures: 01_good (writes results.json,
a CSV table and a chart), 02_broken (raises in its fourth cell) and
00_claims_ledger (must run after the others and see their results.json).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import probe_task
from tests.page_text import VisibleText

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
SNAPSHOT = Path(os.environ["ROTATION_SNAPSHOT"])


def rotation(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "rotation_utils.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def out_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("outputs")


@pytest.fixture(scope="module")
def run(out_root):
    # a shell with a non-interactive matplotlib backend must still get charts in the reports
    proc = rotation(
        "run",
        "--notebooks",
        FIXTURES,
        "--out",
        out_root,
        "--data",
        "snapshot",
        "--slides",
        "--jobs",
        "2",
        env={"MPLBACKEND": "Agg"},
    )
    run_dirs = [p for p in out_root.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(run_dirs) == 1, (proc.stdout, proc.stderr)
    return proc, run_dirs[0]


def test_exit_code_is_1_when_a_notebook_fails(run):
    proc, _ = run
    assert proc.returncode == 1, proc.stderr


def test_failure_message_names_notebook_cell_and_error(run):
    proc, _ = run
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("FAILED")]
    assert lines == ["FAILED 02_broken at cell 4 (In [3]): ValueError: fixture failure on purpose"]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_progress_lines_for_start_and_end_of_each_notebook(run):
    proc, run_dir = run
    for name in ("01_good", "02_broken", "00_claims_ledger"):
        assert f"start  {name}" in proc.stdout
        assert any(ln.startswith(f"end    {name}") for ln in proc.stdout.splitlines())
    log = (run_dir / "run.log").read_text()
    assert "start  01_good" in log and "FAILED 02_broken" in log


def test_files_per_notebook(run):
    _, run_dir = run
    good, broken = run_dir / "01_good", run_dir / "02_broken"
    for f in ("01_good.ipynb", "01_good.html", "results.json", "last_days.csv", "01_good.slides.html"):
        assert (good / f).is_file(), f
    assert (broken / "02_broken.ipynb").is_file() and (broken / "02_broken.html").is_file()
    assert not (broken / "results.json").exists()
    assert (run_dir / "run.json").is_file() and (run_dir / "index.html").is_file()
    assert not list(run_dir.rglob("kernel.log")), "routine kernel warnings should not be kept"


def test_failed_notebook_keeps_papermill_error_banner(run):
    _, run_dir = run
    html = (run_dir / "02_broken" / "02_broken.html").read_text()
    assert "An Exception was encountered" in html
    assert "papermill-error-cell" in html
    assert "at cell 4 (In [3]): ValueError: fixture failure on purpose" in html


def test_run_json_records_every_notebook(run):
    _, run_dir = run
    data = json.loads((run_dir / "run.json").read_text())
    status = {nb["notebook"]: nb for nb in data["notebooks"]}
    assert set(status) == {"00_claims_ledger", "01_good", "02_broken"}
    assert status["01_good"]["status"] == "ok" and status["00_claims_ledger"]["status"] == "ok"
    assert status["02_broken"]["status"] == "failed"
    assert status["02_broken"]["error"]["cell"] == 4
    assert data["ok"] is False and data["counts"] == {"ok": 2, "failed": 1, "reused": 0}
    assert all(nb["duration_seconds"] > 0 for nb in data["notebooks"])


def test_parameters_reach_the_kernel_typed_with_output_and_run_dirs(run):
    _, run_dir = run
    got = json.loads((run_dir / "01_good" / "received.json").read_text())
    assert got["tickers"] == ["SPY", "IWM"] and got["tickers_type"] == "list"
    assert got["data_source"] == "snapshot"  # from --data
    assert got["end"] is None  # not given: the notebook's "latest"
    assert Path(got["cwd"]).resolve() == (run_dir / "01_good").resolve()
    assert Path(got["output_dir"]).resolve() == (run_dir / "01_good").resolve()
    assert Path(got["run_dir"]).resolve() == run_dir.resolve()


def test_only_declared_parameters_are_injected(run):
    _, run_dir = run
    nb = json.loads((run_dir / "02_broken" / "02_broken.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {}
    assert not any("injected-parameters" in c["metadata"].get("tags", []) for c in nb["cells"])
    good = json.loads((run_dir / "01_good" / "01_good.ipynb").read_text())
    assert good["metadata"]["papermill"]["parameters"] == {"data_source": "snapshot"}


def test_ledger_runs_after_the_others(run):
    _, run_dir = run
    found = json.loads((run_dir / "00_claims_ledger" / "found.json").read_text())
    assert found == ["01_good"]  # 01_good finished (02_broken wrote none) before the ledger started


def test_provenance_stamped_in_executed_notebook(run):
    _, run_dir = run
    meta = json.loads((run_dir / "01_good" / "01_good.ipynb").read_text())["metadata"]["rotation"]
    manifest = json.loads((SNAPSHOT / "manifest.json").read_text())
    assert meta["run_id"] == run_dir.name
    assert meta["parameters"]["data_source"] == "snapshot"
    assert meta["parameters"]["tickers"] == ["SPY", "IWM"]
    assert meta["data"]["source_setting"] == "snapshot"
    assert meta["data"]["as_of"] <= manifest["as_of"]
    commit = meta["git"]["commit"]
    assert len(commit) == 40
    # others may commit while the tests run: the stamped commit must be HEAD or an ancestor of it
    assert (
        subprocess.run(["git", "merge-base", "--is-ancestor", commit, "HEAD"], cwd=Path(__file__).parents[1]).returncode
        == 0
    )
    assert meta["packages"]["papermill"] and meta["packages"]["python"]
    assert meta["executed_at"] and meta["duration_seconds"] > 0


def test_html_hides_code_by_default_and_embeds_images(run):
    _, run_dir = run
    html = (run_dir / "01_good" / "01_good.html").read_text()
    parser = VisibleText()
    parser.feed(html)
    visible = "".join(parser.text)
    assert "DataLayer(data_source, snapshot_dir)" in "".join(parser.all)  # there, for the toggle...
    assert "DataLayer(data_source" not in visible  # ...but only inside hidden input wrappers
    assert "rep.write()" not in visible
    assert "body.rt-report:not(.rt-show-code) .jp-CodeCell .jp-Cell-inputWrapper { display: none; }" in html
    assert 'id="rt-code-toggle"' in html
    assert 'src="data:image/png;base64,' in html  # the chart itself, embedded
    assert "<script src=" not in html  # opens offline: nothing fetched


def test_html_header_toc_and_csv_links(run):
    _, run_dir = run
    html = (run_dir / "01_good" / "01_good.html").read_text()
    as_of = json.loads((run_dir / "01_good" / "results.json").read_text())["data"]["as_of"]
    assert f"latest data ({as_of})" in html
    assert 'href="last_days.csv"' in html
    assert '<nav class="rt-toc">' in html and 'href="#Findings"' in html
    verdict = json.loads((run_dir / "01_good" / "results.json").read_text())["verdict"]["value"]
    box = html[html.index('id="rt-summary"') : html.index("Run details")]
    assert f"rt-v-{verdict.replace(' ', '-')}" in box and run_dir.name in html


def test_slides_only_from_tagged_cells(run):
    _, run_dir = run
    deck = (run_dir / "01_good" / "01_good.slides.html").read_text()
    assert 'class="rt-slide' in deck and 'src="data:image/png;base64,' in deck
    assert "<script src=" not in deck and "cdn" not in deck.lower()  # presents offline
    assert "Last days of the window" not in deck  # untagged cell skipped
    assert "mathjax/" not in deck.lower()  # MathJax not loaded: "$" in prose stays text
    assert not (run_dir / "00_claims_ledger" / "00_claims_ledger.slides.html").exists()


def test_index_links_reports_and_shows_status(run):
    _, run_dir = run
    index = (run_dir / "index.html").read_text()
    assert 'href="01_good/01_good.html"' in index
    assert 'href="02_broken/02_broken.html"' in index
    assert 'href="00_claims_ledger/00_claims_ledger.html"' in index
    assert "ValueError: fixture failure on purpose" in index
    verdict = json.loads((run_dir / "01_good" / "results.json").read_text())["verdict"]["value"]
    assert f"rt-v-{verdict.replace(' ', '-')}" in index
    assert "1 distinct claim recorded by the reports of this run" in index


def test_latest_points_at_the_run(run, out_root):
    _, run_dir = run
    latest = out_root / "latest"
    assert latest.is_symlink()
    assert latest.resolve() == run_dir.resolve()


def test_two_runs_never_overwrite(run, out_root):
    """Two runs with the same parameters, started together, get two folders; the first run is untouched."""
    _, first = run
    before = {p: p.stat().st_mtime_ns for p in first.rglob("*") if p.is_file()}
    cmd = [
        sys.executable,
        "-m",
        "rotation_utils.cli",
        "run",
        "--notebooks",
        str(FIXTURES),
        "--out",
        str(out_root),
        "--only",
        "02_broken",
    ]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(timeout=300) for p in procs] == [1, 1]
    dirs = sorted(p.name for p in out_root.iterdir() if p.is_dir() and not p.is_symlink())
    assert len(dirs) == 3 and first.name in dirs
    new = [out_root / d for d in dirs if d != first.name]
    assert all((d / "02_broken" / "02_broken.html").is_file() and (d / "run.json").is_file() for d in new)
    assert {p: p.stat().st_mtime_ns for p in first.rglob("*") if p.is_file()} == before
    assert (out_root / "latest").resolve() in {d.resolve() for d in new}


def test_cell_timeout_names_the_cell(tmp_path):
    from rotation_utils.runner.execute import run_task

    rec = run_task(probe_task(tmp_path, "slow", ["x = 1", "import time; time.sleep(60)"], timeout=2))
    assert rec["status"] == "failed" and rec["error"]["ename"] == "CellTimeoutError"
    assert rec["error"]["cell"] == 3
    assert (tmp_path / "out" / "slow" / "slow.html").is_file()  # still rendered


def test_kernel_death_is_retried_when_asked(tmp_path):
    from rotation_utils.runner.execute import run_task

    rec = run_task(probe_task(tmp_path, "dies", ["import os; os._exit(1)"], retries=1))
    assert rec["status"] == "failed" and rec["error"]["ename"] == "DeadKernelError"
    assert rec["attempts"] == 2
    assert rec["error"]["cell"] == 2
    assert (tmp_path / "out" / "dies" / "dies.ipynb").is_file()
