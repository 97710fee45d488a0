"""``rotation diff`` and the index's "Changed since" section.

Unit tests build two small run folders by hand; the end-to-end test runs
report 02 twice with different ``--end`` (a claim verdict flips between them
and headline numbers move) and checks the diff against both runs' results.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rotation_utils.cli import main
from rotation_utils.errors import BadInputError
from rotation_utils.runner import diff as D
from rotation_utils.runner.history import complete_runs, load_run, resolve
from tests.test_runner import rotation


def _results(name, verdict, claims, headline):
    return {
        "schema": "rotation-results/1",
        "notebook": name,
        "title": name.title(),
        "parameters": {},
        "data": {"as_of": "2026-01-30"},
        "headline": [{"name": n, "value": v, "unit": u, "label": n.upper()} for n, v, u in headline],
        "claims": [{"id": i, "verdict": cv, "evidence": f"evidence <{i}>"} for i, cv in claims],
        "verdict": {"value": verdict, "rule": "r"},
        "tables": [],
    }


def make_run(root: Path, name: str, started: str, reports: dict, given=None, status=None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    run = {
        "run_id": name,
        "started_at": started,
        "parameters": given or {},
        "notebooks": [
            {"notebook": nb, "status": "ok", "parameters": {"end": (given or {}).get("end")}} for nb in reports
        ],
        "git": {"commit": "abc"},
    }
    if status:
        run["status"] = status
    (folder / "run.json").write_text(json.dumps(run))
    for nb, res in reports.items():
        (folder / nb).mkdir()
        (folder / nb / "results.json").write_text(json.dumps(res))
    return folder


@pytest.fixture
def two_runs(tmp_path):
    a = make_run(
        tmp_path,
        "20260101-000000-aaaaaa",
        "2026-01-01T00:00:00",
        {
            "01_x": _results(
                "01_x",
                "supported",
                [("A1", "confirmed"), ("A2", "mixed")],
                [("ret", 4.2, "%"), ("same", 1.0, "x"), ("tiny", 0.591, "pp"), ("name", "XLK", "")],
            ),
            "02_y": _results("02_y", "mixed", [("B1", "mixed")], [("pe", 20.0, "x")]),
        },
        given={"end": "2025-12-31"},
    )
    b = make_run(
        tmp_path,
        "20260102-000000-bbbbbb",
        "2026-01-02T00:00:00",
        {
            "01_x": _results(
                "01_x",
                "not supported",
                [("A1", "contradicted"), ("A2", "mixed")],
                [("ret", 1.0, "%"), ("same", 1.0, "x"), ("tiny", 0.592, "pp"), ("name", "XLC", "")],
            ),
            "02_y": _results("02_y", "mixed", [("B1", "mixed")], [("pe", 20.0, "x")]),
        },
    )
    return tmp_path, a, b


def test_compare_lists_flips_and_moves_only(two_runs):
    root, a, b = two_runs
    diff = D.compare(load_run(a), load_run(b))
    assert [(c["id"], c["a"], c["b"]) for c in diff["claims"]] == [("A1", "confirmed", "contradicted")]
    assert [r["notebook"] for r in diff["reports"]] == ["01_x"]  # 02_y unchanged: not listed
    report = diff["reports"][0]
    assert (report["verdict_a"], report["verdict_b"], report["verdict_changed"]) == ("supported", "not supported", True)
    moves = {m["name"]: m for m in report["moves"]}
    assert set(moves) == {"ret", "name"}  # 'same' equal, 'tiny' equal in display units (0.59 pp)
    assert (moves["ret"]["a_text"], moves["ret"]["b_text"], moves["ret"]["change"]) == ("4.2%", "1.0%", "-3.2 pp")
    assert (moves["name"]["a_text"], moves["name"]["b_text"], moves["name"]["change"]) == ("XLK", "XLC", "")
    assert diff["parameters"][0] == {"what": "--end", "a": "2025-12-31", "b": "(default)"}
    assert diff["comparable"] is True


def test_format_change_units():
    assert D.format_change(4.2, 5.0, "%") == "+0.8 pp"  # pp rounded as the reports round them
    assert D.format_change(13, 11, "events") == "-2 events"
    assert D.format_change(20.0, 23.5, "x") == "+3.5x"
    assert D.format_change("a", "b", "") == ""


def test_terminal_text_and_files(two_runs):
    root, a, b = two_runs
    text, html_path = D.run_diff([], root)
    assert html_path == b / "diff.html" and (b / "diff.json").is_file()
    lines = text.splitlines()
    assert lines[0].startswith("A  20260101-000000-aaaaaa") and lines[1].startswith("B  20260102-000000-bbbbbb")
    assert text.index("Data and parameters") < text.index("Claim verdicts")
    assert re.search(r"A1\s+01_x\s+confirmed\s+->\s+contradicted", text)
    assert "B1" not in text and "SAME" not in text
    page = html_path.read_text()
    assert "evidence &lt;A1&gt;" in page and "evidence <A1>" not in page  # escaped
    assert "<script src" not in page and "<link" not in page  # self-contained
    assert json.loads((b / "diff.json").read_text())["claims"][0]["id"] == "A1"


def test_run_names_latest_folder_and_path(two_runs):
    root, a, b = two_runs
    (root / "latest").symlink_to(b.name)
    assert resolve("latest", root) == b.resolve()
    assert resolve(a.name, root) == a.resolve()
    assert resolve(str(a), root) == a.resolve()
    pa, pb = D.pick_runs([a.name, "latest"], root)
    assert (pa.run_id, pb.run_id) == (a.name, b.name)


def test_incomplete_runs_are_not_compared(two_runs):
    root, a, b = two_runs
    c = make_run(
        root,
        "20260103-000000-cccccc",
        "2026-01-03T00:00:00",
        {"01_x": _results("01_x", "mixed", [], [])},
        status="interrupted",
    )
    assert [p.name for p in complete_runs(root)] == [a.name, b.name]
    with pytest.raises(BadInputError, match="incomplete"):
        D.pick_runs([a.name, c.name], root)


@pytest.mark.parametrize(
    "args, message",
    [
        (["no-such-run"], "unknown run 'no-such-run'"),
        (["empty-folder"], "is not a run folder"),
        (["no-results"], "has no results.json"),
        (["half-done"], "is incomplete"),
        (["a", "b", "c"], "at most two runs"),
    ],
)
def test_bad_arguments_one_line_exit_2(two_runs, args, message, capsys):
    root, a, b = two_runs
    (root / "empty-folder").mkdir()
    make_run(root, "no-results", "2025-01-01T00:00:00", {})
    make_run(
        root, "half-done", "2025-01-01T00:00:00", {"01_x": _results("01_x", "mixed", [], [])}, status="interrupted"
    )
    assert main(["diff", *args, "--out", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_bad_argument_from_the_command_line(tmp_path):
    proc = rotation("diff", "nope", "--out", tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "unknown run 'nope'" in proc.stderr


def test_index_block_first_run_and_previous(two_runs):
    root, a, b = two_runs
    assert D.changes_since_previous(root, a, json.loads((a / "run.json").read_text())) == {"first": True}
    block = D.changes_since_previous(root, b, json.loads((b / "run.json").read_text()))
    assert block["previous"]["run_id"] == a.name and block["href"] == "diff-previous.html"
    kinds = [it["kind"] for it in block["items"]]
    assert kinds == ["claim", "verdict", "move", "move"]  # verdict flips first, then the largest moves
    assert (b / "diff-previous.html").is_file() and not (b / "diff.html").exists()


def test_runs_with_other_notebooks_are_not_the_previous_comparable_run(two_runs):
    root, a, b = two_runs
    c = make_run(root, "20260103-000000-cccccc", "2026-01-03T00:00:00", {"01_x": _results("01_x", "mixed", [], [])})
    assert D.changes_since_previous(root, c, json.loads((c / "run.json").read_text())) == {"first": True}


# --- end to end: two real runs of report 02 with different --end ---------------------------


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("diff-runs")
    for end in ("2026-07-13", "2026-02-20"):  # no 2026 hold has its 20 days by 2026-02-20: B10 flips
        proc = rotation("run", "--only", "02", "--data", "snapshot", "--end", end, "--out", root, "--jobs", "1")
        assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = complete_runs(root)
    assert len(runs) == 2
    return root, runs


def test_diff_of_two_real_runs(real_runs):
    root, (a, b) = real_runs
    proc = rotation("diff", "--out", root)
    assert proc.returncode == 0, proc.stderr
    ra = json.loads((a / "02_rate_sensitivity" / "results.json").read_text())
    rb = json.loads((b / "02_rate_sensitivity" / "results.json").read_text())
    va = {c["id"]: c["verdict"] for c in ra["claims"]}
    vb = {c["id"]: c["verdict"] for c in rb["claims"]}
    flipped = {i for i in va if va[i] != vb.get(i)}
    assert flipped, "the two windows were chosen so that a claim verdict flips"
    diff = json.loads((b / "diff.json").read_text())
    assert {c["id"] for c in diff["claims"]} == flipped
    for cid in flipped:
        assert re.search(rf"{cid}\s+02_rate_sensitivity\s+{va[cid]}\s+->\s+{vb[cid]}", proc.stdout)
    for cid in set(va) - flipped:
        assert not re.search(rf"^\s+{cid}\s", proc.stdout, re.M)  # unchanged claims not listed
    moves = {m["name"]: m for r in diff["reports"] for m in r["moves"]}
    ha = {m["name"]: m["value"] for m in ra["headline"]}
    hb = {m["name"]: m["value"] for m in rb["headline"]}
    assert moves, "headline numbers move between the windows"
    for name, m in moves.items():
        assert (m["a"], m["b"]) == (ha[name], hb[name]) and ha[name] != hb[name]
        if isinstance(ha[name], float) and isinstance(hb[name], float):
            assert m["delta"] == pytest.approx(hb[name] - ha[name])
    assert set(moves) < set(ha), "numbers equal in both runs are not listed"
    assert "--end       2026-07-13  ->  2026-02-20" in proc.stdout


def test_second_real_run_index_shows_changes(real_runs):
    root, (a, b) = real_runs
    page = (b / "index.html").read_text()
    assert f"Changed since {a.name}" in page and 'href="diff-previous.html"' in page
    assert "window each report default to 2026-07-13" in page and "window each report default to 2026-02-20" in page
    assert "First run" in (a / "index.html").read_text()
