"""`rotation run` over the real report notebooks on the snapshot: what `make reports` does.

One module-scoped run; the checks are about the run as a whole: every report
succeeds and embeds its charts, results.json files are valid, the index links
every report, and the claims ledger shows exactly the verdicts the reports wrote.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rotation_utils import reference_data
from rotation_utils.runner.validate import validate_results

ROOT = Path(__file__).resolve().parents[1]
REPORTS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("full-run")
    proc = subprocess.run([sys.executable, "-m", "rotation_utils.cli", "run", "--data", "snapshot",
                           "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, timeout=900)
    run_dir = (out / "latest").resolve()
    return proc, run_dir


def test_every_report_runs(run):
    proc, run_dir = run
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    status = {nb["notebook"]: nb["status"] for nb in json.loads((run_dir / "run.json").read_text())["notebooks"]}
    assert status == {name: "ok" for name in REPORTS}


@pytest.mark.parametrize("name", REPORTS)
def test_report_html_embeds_its_charts_and_valid_results(run, name):
    _, run_dir = run
    html = (run_dir / name / f"{name}.html").read_text()
    assert html.count('src="data:image/png;base64,') >= 1
    results = json.loads((run_dir / name / "results.json").read_text())
    assert validate_results(results) == []
    assert results["verdict"]["value"] in ("supported", "mixed", "not supported", "inconclusive")
    for table in results["tables"]:
        assert (run_dir / name / table["file"]).is_file()


def test_index_links_every_report(run):
    _, run_dir = run
    index = (run_dir / "index.html").read_text()
    for name in REPORTS:
        assert f'href="{name}/{name}.html"' in index
    assert "The articles' 21 claims, by verdict in this run." in index  # the ledger's own counts
    as_of = json.loads((run_dir / "01_rotation_breadth" / "results.json").read_text())["data"]["as_of"]
    assert f"data as of {as_of} (snapshot)" in index  # the header names market data sources only


def test_ledger_shows_the_reports_verdicts_for_every_claim(run):
    _, run_dir = run
    ledger = json.loads((run_dir / "00_claims_ledger" / "results.json").read_text())
    rows = {r["id"]: r for r in ledger["extra"]["ledger"]}
    assert sorted(rows) == sorted(reference_data.claims()["id"])
    recorded = {}
    for name in REPORTS:
        if name == "00_claims_ledger":
            continue
        for c in json.loads((run_dir / name / "results.json").read_text())["claims"]:
            recorded[c["id"]] = (name, c)
    assert len(recorded) == len(rows)  # every claim is tested by some report in a full run
    for cid, (name, claim) in recorded.items():
        assert rows[cid]["verdict"] == claim["verdict"], cid
        assert rows[cid]["evidence"] == claim["evidence"], cid
        assert rows[cid]["source_report"] == name
    assert ledger["extra"]["counts"]["not run"] == 0
