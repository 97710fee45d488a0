"""Runner building blocks that need no kernel: discovery, run ids, latest, results check, HTML parts."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import nbformat
import pytest

from rotation_utils.errors import BadInputError
from rotation_utils.results import Report
from rotation_utils.runner import discover as disc
from rotation_utils.runner import index, outputs, render
from rotation_utils.runner.execute import failed_cell_number
from rotation_utils.runner.records import describe_failure
from rotation_utils.runner.validate import validate_results
from rotation_utils.verdicts import Rule

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def _info(name):
    return disc.NotebookInfo(name=name, path=Path(f"/x/{name}.ipynb"), title=name, purpose="")


# ---- discovery ---------------------------------------------------------------------------
def test_title_and_purpose_skip_blank_lines_and_stop_at_code():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("\n# The title #\n\nThe purpose line.\n\nMore text."),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_markdown_cell("# Not this"),
        ]
    )
    assert disc.title_and_purpose(nb) == ("The title", "The purpose line.")
    late = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x"), nbformat.v4.new_markdown_cell("# T")])
    assert disc.title_and_purpose(late) == ("", "")


def test_defaults_are_python_values():
    info = disc.read_notebook(FIXTURES / "01_good.ipynb")
    assert info.default("tickers") == ["SPY", "IWM"] and info.default("end") is None
    assert info.default("window") == 3
    assert info.parameters["start"]["help"] == "first day of the window"
    assert not info.run_last and disc.read_notebook(FIXTURES / "00_claims_ledger.ipynb").run_last


def test_select_accepts_stem_slug_and_number():
    infos = [_info("01_alpha"), _info("02_beta"), _info("00_claims_ledger")]
    assert [i.name for i in disc.select(infos, ["beta", "01"])] == ["01_alpha", "02_beta"]
    assert [i.name for i in disc.select(infos, ["00_claims_ledger"])] == ["00_claims_ledger"]
    assert disc.select(infos, None) == infos
    with pytest.raises(BadInputError, match="unknown notebook 'gamma'"):
        disc.select(infos, ["gamma"])
    with pytest.raises(BadInputError, match="ambiguous"):
        disc.select(infos + [_info("01_other")], ["01"])


def test_unreadable_notebook_is_a_one_line_error(tmp_path):
    (tmp_path / "01_bad.ipynb").write_text("{not a notebook")
    with pytest.raises(BadInputError, match="cannot read notebook"):
        disc.select(disc.discover(tmp_path), None)


# ---- run folders and latest --------------------------------------------------------------
def test_run_id_is_time_plus_parameter_hash_and_never_reused(tmp_path):
    now = dt.datetime(2026, 7, 13, 9, 30, 5)
    a = outputs.new_run_dir(tmp_path, {"start": "2025-01-01"}, ["01_x"], now=now)
    b = outputs.new_run_dir(tmp_path, {"start": "2025-01-01"}, ["01_x"], now=now)
    c = outputs.new_run_dir(tmp_path, {"start": "2024-01-01"}, ["01_x"], now=now)
    assert a.name.startswith("20260713-093005-") and b.name == a.name + "-2"
    assert c.name != a.name and c.name[:16] == a.name[:16]
    assert outputs.params_hash({"a": 1}, ["x", "y"]) == outputs.params_hash({"a": 1}, ["y", "x"])


def test_latest_symlink_is_replaced(tmp_path):
    one, two = (tmp_path / "r1"), (tmp_path / "r2")
    one.mkdir(), two.mkdir()
    assert outputs.point_latest(tmp_path, one) == "symlink"
    assert outputs.point_latest(tmp_path, two) == "symlink"
    assert os.readlink(tmp_path / "latest") == "r2"  # relative: the folder can be moved


def test_latest_falls_back_to_files_where_symlinks_fail(tmp_path, monkeypatch):
    run = tmp_path / "20260101-000000-abcdef"
    run.mkdir()

    def no_symlinks(*a, **k):
        raise OSError("symlinks not allowed")

    monkeypatch.setattr(outputs.os, "symlink", no_symlinks)
    assert outputs.point_latest(tmp_path, run) == "file"
    assert (tmp_path / "latest.txt").read_text().strip() == run.name
    assert f"url={run.name}/index.html" in (tmp_path / "latest.html").read_text()
    assert not (tmp_path / "latest").exists()


# ---- results.json check ------------------------------------------------------------------
def test_validate_results_accepts_what_report_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("ROTATION_REPORT_DIR", str(tmp_path))
    rep = Report("01_x", "X", {"start": "2025-01-01"})
    rep.metric("spread", 1.5, "pp")
    rep.claim("A1", "mixed", "evidence")
    rep.verdict("mixed", Rule("rule", lambda: "mixed"))
    import pandas as pd

    rep.table(pd.DataFrame({"a": [1]}), "t")
    assert validate_results(json.loads(rep.write().read_text())) == []


def test_validate_results_names_each_problem():
    problems = validate_results(
        {
            "schema": "other/1",
            "notebook": "x",
            "title": "t",
            "parameters": {},
            "data": {},
            "headline": [{"name": "a"}],
            "claims": [{"id": "A1", "verdict": "maybe"}],
            "verdict": {"value": "great"},
        }
    )
    text = " | ".join(problems)
    for part in (
        "schema is 'other/1'",
        "'tables' is missing",
        "verdict 'great'",
        "lacks name/value",
        "claim A1 has no valid verdict",
    ):
        assert part in text
    assert validate_results([]) == ["results.json is not an object"]


# ---- failure description -----------------------------------------------------------------
def test_failed_cell_is_found_by_id_despite_injected_and_banner_cells():
    src = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# t"),
            nbformat.v4.new_code_cell("a = 1"),
            nbformat.v4.new_code_cell("1/0"),
        ]
    )
    executed = nbformat.from_dict(json.loads(nbformat.writes(src)))
    executed.cells[2].outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])
    ]
    executed.cells.insert(0, nbformat.v4.new_markdown_cell("banner"))
    executed.cells.insert(2, nbformat.v4.new_code_cell("injected"))
    assert failed_cell_number(src, executed) == 3
    assert failed_cell_number(src, None) is None


def test_describe_failure():
    err = {"cell": 4, "execution_count": 3, "line": "ValueError: boom"}
    assert describe_failure(err) == "at cell 4 (In [3]): ValueError: boom"
    assert (
        describe_failure({"cell": None, "execution_count": None, "line": "DeadKernelError: died"})
        == "DeadKernelError: died"
    )
    assert describe_failure(None) == ""


# ---- HTML pieces -------------------------------------------------------------------------
def test_table_of_contents_lists_h2_and_h3_only():
    body = (
        '<h1 id="T">T</h1><h2 id="Findings">Findings<a class="anchor-link" href="#Findings">¶</a></h2>'
        '<h3 id="A-&amp;-B">A &amp; B</h3>'
    )
    toc = render.table_of_contents(body)
    assert 'href="#Findings">Findings</a>' in toc and 'href="#A-&amp;-B">A &amp; B</a>' in toc
    assert 'href="#T"' not in toc and "¶" not in toc
    assert render.table_of_contents("<p>none</p>") == ""


def test_parameter_rows_show_latest_end_with_as_of():
    rows = render.parameter_rows(
        {
            "parameters": {"start": "2025-01-01", "end": None, "tickers": ["A", "B"]},
            "passed_parameters": {"start": "2025-01-01"},
            "data": {"as_of": "2026-07-13"},
        }
    )
    assert rows == [
        {"name": "start", "value": "2025-01-01", "origin": "set for this run"},
        {"name": "end", "value": "latest data (2026-07-13)", "origin": "notebook default"},
        {"name": "tickers", "value": "A, B", "origin": "notebook default"},
    ]


def test_slide_notebook_keeps_only_tagged_cells():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("x")])
    assert render.slide_notebook(nb) is None
    nb.cells[1].metadata["tags"] = ["slide"]
    deck = render.slide_notebook(nb)
    assert [c.source for c in deck.cells] == ["x"] and len(nb.cells) == 2  # the original is untouched


def test_title_cell_hidden_only_when_it_holds_just_title_and_purpose():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\nWhy."), nbformat.v4.new_code_cell("x")])
    view = render.without_title_cell(nb, "T", "Why.")
    assert render.TITLE_TAG in view.cells[0].metadata["tags"] and "tags" not in nb.cells[0].metadata
    longer = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\nWhy.\n\nArticle B says more.")])
    assert render.without_title_cell(longer, "T", "Why.") is longer


# ---- index page --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value,unit,text",
    [
        (4.873, "pp", "+4.9 pp"),
        (-0.795, "pp", "-0.8 pp"),
        (-0.795, "pp per +100 bp", "-0.8 pp per +100 bp"),
        (-12.34, "%", "-12.3%"),
        (0.585, "%", "0.6%"),
        (1234.5, "bp", "1,234 bp"),
        (None, "pp", "n/a"),
        (float("nan"), "", "n/a"),
        (7, "", "7"),
        ("mixed", "", "mixed"),
        (0.5, "x", "0.50x"),
        (26.89, "x", "26.9x"),
    ],
)
def test_format_value(value, unit, text):
    assert index.format_value(value, unit) == text


def _nb(name, status, results=None, error=None, run_last=False):
    return {
        "notebook": name,
        "title": name,
        "status": status,
        "results": results,
        "error": error,
        "run_last": run_last,
        "duration_seconds": 1.0,
        "data": {"as_of": "2026-07-13", "sources": ["snapshot"]},
        "files": {"html": f"{name}.html", "ipynb": f"{name}.ipynb"},
        "warnings": [],
    }


def test_index_renders_with_failures_and_counts_claims(tmp_path):
    ok = _nb(
        "01_a",
        "ok",
        {
            "title": "A thesis",
            "verdict": {"value": "mixed", "rule": "r"},
            "headline": [{"name": "x", "value": 1.0, "unit": "pp", "label": "spread"}] * 4,
            "claims": [{"id": "A1", "verdict": "confirmed"}, {"id": "B2", "verdict": "mixed"}],
        },
    )
    other = _nb("02_b", "ok", {"claims": [{"id": "A1", "verdict": "contradicted"}]})
    failed = _nb("03_c", "failed", None, {"cell": 2, "execution_count": 1, "line": "KeyError: 'x'"})
    ledger = _nb("00_claims_ledger", "ok", {"claims": [{"id": "A1", "verdict": "confirmed"}]}, run_last=True)
    run = {
        "run_id": "r",
        "started_at": "2026-07-13T10:00:00",
        "duration_seconds": 3,
        "parameters": {},
        "git": {"commit": "abc", "dirty": False},
        "packages": {"python": "3.11"},
        "notebooks": [ledger, ok, other, failed],
    }
    ctx = index.index_context(run)
    counts = {r["verdict"]: r["count"] for r in ctx["claims"]["rows"]}
    assert counts["confirmed"] == 1 and counts["mixed"] == 1 and counts["contradicted"] == 1
    assert ctx["claims"]["distinct"] == 2 and ctx["claims"]["ledger_href"] == "00_claims_ledger/00_claims_ledger.html"
    assert [r["name"] for r in ctx["scorecard"]] == ["01_a", "02_b", "03_c"]
    assert len(ctx["scorecard"][0]["headline"]) == index.HEADLINES
    assert ctx["scorecard"][2]["verdict"] == "failed"
    page = index.write_index(tmp_path, run).read_text()
    assert "at cell 2 (In [1]): KeyError: &#39;x&#39;" in page  # escaped, shown
    assert 'href="01_a/01_a.html"' in page and "1 of 4 notebooks failed: 03_c" in page


def test_index_scorecard_shows_each_reports_thesis_window(tmp_path):
    label = "2026-01-01 to 2026-07-13 (131 trading days of 2026 so far)"
    sectors = _nb(
        "06_s",
        "ok",
        {
            "title": "Sectors",
            "verdict": {"value": "supported", "rule": "r"},
            "window": {"start": "2026-01-01", "end": "2026-07-13", "label": label},
        },
    )
    old = _nb("01_a", "ok", {"title": "No window recorded", "verdict": {"value": "mixed", "rule": "r"}})
    run = {"run_id": "r", "notebooks": [sectors, old]}
    rows = {r["name"]: r for r in index.index_context(run)["scorecard"]}
    assert rows["06_s"]["window"] == label and rows["01_a"]["window"] == "n/a"
    page = index.write_index(tmp_path, run).read_text()
    assert "<th>Window judged</th>" in page and label in page


def test_index_uses_the_ledgers_counts_when_the_ledger_ran(tmp_path):
    report = _nb("01_a", "ok", {"claims": [{"id": "B4", "verdict": "mixed"}]})
    counts = {"confirmed": 2, "contradicted": 2, "mixed": 1, "unverifiable": 0, "forecast pending": 0, "not run": 16}
    ledger = _nb("00_claims_ledger", "ok", {"claims": [], "extra": {"counts": counts}}, run_last=True)
    ctx = index.index_context({"run_id": "r", "notebooks": [ledger, report]})
    shown = {r["verdict"]: r["count"] for r in ctx["claims"]["rows"]}
    assert shown["not run"] == 16 and shown["mixed"] == 1 and ctx["claims"]["total"] == 21
    assert ctx["claims"]["source"] == "ledger"
    page = index.write_index(tmp_path, {"run_id": "r", "notebooks": [ledger, report]}).read_text()
    assert page.index('id="claims"') < page.index('id="scorecard"')  # the ledger is the front page
    # a failed ledger falls back to the reports' own claims
    ledger["status"] = "failed"
    ctx = index.index_context({"run_id": "r", "notebooks": [ledger, report]})
    assert ctx["claims"]["source"] == "reports" and ctx["claims"]["total"] == 1


def test_declared_parameters_survive_comments_with_equals_and_annotations():
    cell = nbformat.v4.new_code_cell(
        'start = "2025-01-01"\nend = None   # None = latest data\n'
        'window: int = 20  # trading days\nnames = [\n    "A",\n    "B",\n]  # list\n'
        "import os\nx = y = 1"
    )
    cell.metadata["tags"] = ["parameters"]
    params = disc.declared_parameters(nbformat.v4.new_notebook(cells=[cell]))
    assert list(params) == ["start", "end", "window", "names", "x", "y"]
    assert params["end"] == {"default": "None", "help": "None = latest data"}
    assert params["window"] == {"default": "20", "help": "trading days"}
    assert params["names"]["help"] == "list" and "B" in params["names"]["default"]
    assert disc.declared_parameters(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1")])) == {}


def test_longest_first_uses_the_previous_run(tmp_path):
    from rotation_utils.runner.run import longest_first

    names = ["01_a", "02_b", "03_c", "04_new"]
    assert longest_first(names, tmp_path) == names  # no history: folder order
    prev = tmp_path / "r1"
    prev.mkdir()
    (prev / "run.json").write_text(
        json.dumps(
            {
                "notebooks": [
                    {"notebook": "01_a", "duration_seconds": 5},
                    {"notebook": "02_b", "duration_seconds": 40},
                    {"notebook": "03_c", "duration_seconds": 12},
                ]
            }
        )
    )
    (tmp_path / "latest").symlink_to("r1")
    assert longest_first(names, tmp_path) == ["04_new", "02_b", "03_c", "01_a"]


def test_kernels_start_with_one_thread_per_numeric_library_unless_the_user_set_one():
    from rotation_utils.runner.kernel import THREAD_VARS, kernel_environment

    env = kernel_environment({"PATH": "/bin", "OMP_NUM_THREADS": "4"})
    assert env["PATH"] == "/bin" and env["OMP_NUM_THREADS"] == "4"
    assert all(env[v] == "1" for v in THREAD_VARS if v != "OMP_NUM_THREADS")


def test_warm_up_leaves_the_report_exporter_compiled_for_forked_workers():
    render.exporter.cache_clear()
    render.warm_up()
    assert render.exporter.cache_info().currsize == 1  # the report template, built once
    built = render.exporter("report.html.j2")
    render.warm_up()
    assert render.exporter("report.html.j2") is built


def test_the_runner_declines_the_slow_iri_checker_and_still_validates_notebooks():
    import subprocess
    import sys

    code = (
        "import sys, nbformat, rotation_utils.runner.execute\n"
        "assert sys.modules.get('rfc3987_syntax') is None, 'IRI checker imported'\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x = 1')])\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'not a cell type'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid notebook refused')\n"
    )
    # the runner package first, as the rotation command imports it
    out = subprocess.run(
        [sys.executable, "-c", "import rotation_utils.runner\n" + code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "invalid notebook refused"
