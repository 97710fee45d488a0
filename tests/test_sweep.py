"""``rotation sweep`` on an embedded LocalCluster with 2 workers, and its bad inputs.

The sweep runs the fixture notebooks (one of them fails on purpose) over the
calendar years 2016 and 2017 plus the default run; the matrix, sweep.csv and
the stability column are checked against the member runs' own results.json.
"""

from __future__ import annotations

import csv
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rotation_utils.cli import main
from rotation_utils.runner.windows import Window, end_windows, rolling_windows, year_windows
from tests.test_runner import FIXTURES, rotation


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep-out")
    proc = rotation(
        "sweep", "--notebooks", FIXTURES, "--years", "2016-2017", "--workers", "2", "--data", "snapshot", "--out", out
    )
    sweeps = list((out / "sweeps").iterdir())
    assert len(sweeps) == 1, proc.stdout + proc.stderr
    return proc, out, sweeps[0]


def _members(sweep_dir: Path) -> list[dict]:
    return json.loads((sweep_dir / "sweep.json").read_text())["windows"]


def _verdict(run_dir: str, notebook: str, claim: str | None = None):
    path = Path(run_dir) / notebook / "results.json"
    if not path.exists():
        return None
    res = json.loads(path.read_text())
    if claim is None:
        return res["verdict"]["value"]
    return next((c["verdict"] for c in res["claims"] if c["id"] == claim), None)


def test_failed_task_reported_by_window_and_notebook(sweep):
    proc, out, sweep_dir = sweep
    assert proc.returncode == 1, proc.stderr
    failed = [ln for ln in proc.stdout.splitlines() if ln.startswith("FAILED")]
    assert sorted(re.sub(r"In \[\d+\]", "In [n]", ln) for ln in failed) == sorted(
        f"FAILED {w} 02_broken at cell 4 (In [n]): ValueError: fixture failure on purpose"
        for w in ("default", "2016", "2017")
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    assert (sweep_dir / "sweep.html").is_file() and (sweep_dir / "sweep.csv").is_file()


def test_progress_counts_tasks_with_an_eta(sweep):
    proc, _, _ = sweep
    progress = [ln for ln in proc.stdout.splitlines() if ln.startswith("[")]
    assert len(progress) == 9  # 3 notebooks x 3 windows
    assert [int(re.match(r"\[\s*(\d+)/9\]", ln).group(1)) for ln in progress] == list(range(1, 10))
    assert all(re.search(r"ETA \d+:\d\d", ln) for ln in progress)
    assert "on embedded LocalCluster, 2 workers" in proc.stdout


def test_each_window_is_a_normal_run_linking_to_the_sweep(sweep):
    _, out, sweep_dir = sweep
    windows = _members(sweep_dir)
    assert [w["label"] for w in windows] == ["default", "2016", "2017"]
    assert [(w["start"], w["end"]) for w in windows[1:]] == [("2016-01-01", "2016-12-31"), ("2017-01-01", "2017-12-31")]
    for w in windows:
        run = json.loads((Path(w["run_dir"]) / "run.json").read_text())
        assert run["sweep"]["id"] == sweep_dir.name
        assert run["parameters"].get("start") == w["start"] and run["parameters"].get("end") == w["end"]
        index = (Path(w["run_dir"]) / "index.html").read_text()
        assert f'href="../sweeps/{sweep_dir.name}/sweep.html"' in index
        found = json.loads((Path(w["run_dir"]) / "00_claims_ledger" / "found.json").read_text())
        assert found == ["01_good"], "the ledger of a window ran after that window's reports"


def test_csv_matrix_and_stability_match_the_member_runs(sweep):
    _, _, sweep_dir = sweep
    windows = _members(sweep_dir)
    rows = list(csv.DictReader(open(sweep_dir / "sweep.csv", encoding="utf-8")))
    a1 = next(r for r in rows if r["kind"] == "claim" and r["id"] == "A1")
    truth = [_verdict(w["run_dir"], "01_good", "A1") for w in windows]
    assert [a1[w["label"]] for w in windows] == truth
    assert len(set(truth)) > 1, "the windows were chosen so that the verdict depends on the window"
    others = truth[1:]
    assert a1["windows_compared"] == str(len(others))
    assert float(a1["stability"]) == pytest.approx(sum(v == truth[0] for v in others) / len(others))
    good = next(r for r in rows if r["kind"] == "report verdict" and r["id"] == "01_good")
    assert [good[w["label"]] for w in windows] == [_verdict(w["run_dir"], "01_good") for w in windows]
    days = next(r for r in rows if r["kind"] == "headline" and r["id"] == "days")
    for w in windows:
        res = json.loads((Path(w["run_dir"]) / "01_good" / "results.json").read_text())
        assert float(days[w["label"]]) == next(m["value"] for m in res["headline"] if m["name"] == "days")
    assert not any(r["id"] == "02_broken" for r in rows)  # no results: no row, the window table says it failed


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.classes, self.titles, self.svg = [], [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.classes += (a.get("class") or "").split()
        if tag == "details":
            self.titles.append(a.get("title"))
        self.svg += tag == "svg"


def test_html_matrix_colours_evidence_and_charts(sweep):
    _, _, sweep_dir = sweep
    page = (sweep_dir / "sweep.html").read_text()
    parser = _Cells()
    parser.feed(page)
    windows = _members(sweep_dir)
    verdicts = {_verdict(w["run_dir"], "01_good", "A1") for w in windows}
    for v in verdicts:
        assert f"rt-c-{v}" in parser.classes
    res = json.loads((Path(windows[0]["run_dir"]) / "01_good" / "results.json").read_text())
    evidence = next(c["evidence"] for c in res["claims"] if c["id"] == "A1")
    assert evidence in parser.titles  # the evidence, on hover (title) and click (details)
    assert html.escape(evidence) in page
    assert parser.svg >= 2  # one small chart per numeric headline number
    assert "<script src" not in page and "<link " not in page
    assert "failed: 02_broken" in page


# --- windows and bad inputs (no cluster) ----------------------------------------------------


def test_windows():
    assert year_windows("2024-2026", "2026-07-13") == [
        Window("2024", "2024-01-01", "2024-12-31"),
        Window("2025", "2025-01-01", "2025-12-31"),
        Window("2026", "2026-01-01", "2026-07-13"),
    ]
    assert end_windows(["2026-03-31", "2025-12-31"], "2026-07-13") == [
        Window("to 2025-12-31", None, "2025-12-31"),
        Window("to 2026-03-31", None, "2026-03-31"),
    ]
    rolled = rolling_windows(12, 6, "2024-07-01", "2026-07-13")
    assert [(w.start, w.end) for w in rolled] == [
        ("2024-07-13", "2025-07-13"),
        ("2025-01-13", "2026-01-13"),
        ("2025-07-13", "2026-07-13"),
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give exactly one of --years, --rolling or --ends"),
        (["--years", "2019-2020", "--ends", "2024-01-31"], "give exactly one of"),
        (["--years", "20x9"], "expected YYYY or YYYY-YYYY"),
        (["--years", "2026-2024"], "the first year is after the last"),
        (["--years", "2027"], "the data ends on 2026-07-13, before 2027 starts"),
        (["--ends", "2030-01-31"], "after the last date the data has"),
        (["--ends", "not-a-date"], "--ends"),
        (["--rolling", "0"], "at least 1 month"),
        (["--years", "2024", "--only", "nope"], "unknown notebook 'nope'"),
        (["--years", "2024", "--workers", "0"], "--workers must be at least 1"),
        (["--years", "2024", "--scheduler", "tcp://127.0.0.1:9", "--workers", "2"], "cannot be used with --scheduler"),
    ],
)
def test_bad_inputs_one_line_exit_2(tmp_path, capsys, args, message):
    code = main(["sweep", "--notebooks", str(FIXTURES), "--data", "snapshot", "--out", str(tmp_path), *args])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert not any(tmp_path.iterdir()), "nothing is written on bad input"


def test_not_run_is_no_verdict_in_the_stability_share(tmp_path):
    from types import SimpleNamespace

    from rotation_utils.runner.sweep_report import sweep_data

    def member(label, start, rows):
        run_dir = tmp_path / label
        (run_dir / "00_claims_ledger").mkdir(parents=True)
        (run_dir / "00_claims_ledger" / "results.json").write_text(
            json.dumps(
                {
                    "notebook": "00_claims_ledger",
                    "title": "Ledger",
                    "headline": [],
                    "claims": [],
                    "verdict": {"value": "mixed", "rule": "r"},
                    "data": {},
                    "extra": {"ledger": [{"id": i, "verdict": v, "evidence": "e"} for i, v in rows]},
                }
            )
        )
        run = {"notebooks": [{"notebook": "00_claims_ledger", "status": "ok"}]}
        return SimpleNamespace(
            window=Window(label, start, None if start is None else "2025-12-31"), run_dir=run_dir, run=run, records={}
        )

    data = sweep_data(
        [
            member("default", None, [("A1", "confirmed"), ("B1", "not run")]),
            member("w1", "2025-01-01", [("A1", "confirmed"), ("B1", "not run")]),
            member("w2", "2025-06-01", [("A1", "not run"), ("B1", "not run")]),
        ]
    )
    claims = {c["id"]: c for c in data["claims"]}
    assert (claims["A1"]["agree"], claims["A1"]["of"], claims["A1"]["share"]) == (1, 1, 1.0)
    assert claims["B1"]["share"] is None and claims["B1"]["of"] == 0
