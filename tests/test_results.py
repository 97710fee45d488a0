"""results.json writer: schema, vocabulary checks, JSON safety, tables next to the file."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from rotation_utils.data import DataLayer
from rotation_utils.results import SCHEMA, Report, read_results
from rotation_utils.verdicts import Rule


def test_report_writes_the_documented_schema(tmp_path, monkeypatch):
    monkeypatch.setenv("ROTATION_REPORT_DIR", str(tmp_path))
    dl = DataLayer("snapshot")
    dl.prices(["SPY", "NOT_A_TICKER"], "2026-01-02", "2026-01-31")
    rep = Report("01_x", "A title", {"start": pd.Timestamp("2026-01-02"), "tickers": ["SPY"]}, data=dl)
    rep.metric("spread", np.float64(0.0123), "pp", "IWM minus SPY")
    rep.metric("missing_value", float("nan"), "x")
    rep.claim("B4", "mixed", "One sentence.", claimed=2825, measured=np.int64(2500))
    rep.verdict("supported", Rule("a stated rule", lambda: "supported"))
    rep.table(pd.DataFrame({"a": [1, 2]}), "Key table!", "The key table")
    path = rep.write()
    data = read_results(path)
    assert data["schema"] == SCHEMA and data["notebook"] == "01_x"
    assert data["parameters"] == {"start": "2026-01-02", "tickers": ["SPY"]}
    assert data["headline"][0] == {"name": "spread", "value": 0.0123, "unit": "pp", "label": "IWM minus SPY"}
    assert data["headline"][1]["value"] is None  # NaN becomes null, never invalid JSON
    assert data["claims"][0]["values"] == {"claimed": 2825, "measured": 2500}
    assert data["verdict"]["value"] == "supported"
    assert data["data"]["source_setting"] == "snapshot"
    assert data["data"]["as_of"] == "2026-01-30"
    assert "prices:NOT_A_TICKER" in data["data"]["missing"]
    assert data["tables"] == [{"name": "key_table", "file": "key_table.csv", "title": "The key table"}]
    assert (tmp_path / "key_table.csv").read_text().splitlines() == ["a", "1", "2"]


def test_vocabulary_is_enforced(tmp_path):
    rep = Report("n", "t", {})
    with pytest.raises(ValueError):
        rep.claim("A1", "true-ish", "x")
    with pytest.raises(ValueError):
        rep.verdict("probably", Rule("rule", lambda: "mixed"))


def test_a_report_without_verdict_says_inconclusive(tmp_path):
    path = Report("n", "t", {}).write(tmp_path / "results.json")
    assert json.loads(path.read_text())["verdict"]["value"] == "inconclusive"


def test_recording_a_metric_twice_keeps_the_last(tmp_path):
    rep = Report("n", "t", {})
    rep.metric("m", 1)
    rep.metric("m", 2)
    assert [m["value"] for m in rep.headline] == [2]


def test_read_results_rejects_foreign_json(tmp_path):
    p = tmp_path / "results.json"
    p.write_text(json.dumps({"schema": "something-else"}))
    with pytest.raises(ValueError):
        read_results(p)


def test_write_refuses_a_results_file_that_breaks_the_schema(tmp_path, monkeypatch):
    """The writer validates what it writes: a bad claim verdict never reaches the runner or the ledger."""
    from rotation_utils.results import Report

    monkeypatch.setenv("ROTATION_REPORT_DIR", str(tmp_path))
    rep = Report("n", "t", {})
    rep.claims.append({"id": "X1", "verdict": "probably", "evidence": ""})  # bypassing claim()
    with pytest.raises(ValueError, match="claim X1 has no valid verdict"):
        rep.write()
    assert not (tmp_path / "results.json").exists()


def test_verdict_vocabulary_is_one_enum_and_rules_check_their_output():
    from rotation_utils.results import CLAIM_VERDICTS, OVERALL_VERDICTS
    from rotation_utils.verdicts import ClaimVerdict, ReportVerdict, Rule

    assert set(OVERALL_VERDICTS) == set(ReportVerdict)
    assert ClaimVerdict.NOT_RUN not in CLAIM_VERDICTS and "forecast pending" in CLAIM_VERDICTS
    good = Rule("always supported", lambda: (ReportVerdict.SUPPORTED, "because"))
    assert good.apply() == ("supported", "because") and str(good) == "always supported"
    with pytest.raises(ValueError):
        Rule("bad", lambda: "probably").apply()


def test_report_verdict_takes_the_rule_object_not_a_sentence(tmp_path, monkeypatch):
    """A bare string could say one thing while the code applied another: only a Rule is accepted."""
    from rotation_utils.results import Report

    rep = Report("n", "t", {})
    with pytest.raises(TypeError, match="verdicts.Rule"):
        rep.verdict("mixed", "supported if everything beats")


def test_every_report_prints_the_rule_it_applies():
    """Each report's verdict cell builds its rule object once and both applies and records it."""
    import json

    from rotation_utils import config

    for path in sorted(config.NOTEBOOKS_DIR.glob("0*.ipynb")):
        cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        code = "\n".join(cells)
        assert re.search(r"\.verdict\(\s*\w+(\[\"value\"\]|\.value)?,\s*(rule|\w+\.\w+_RULE)\b", code), path.name
        assert "RULE = (" not in code and "rule = (f" not in code, path.name  # no rule text typed in a cell


def test_no_module_spells_a_verdict_word_as_a_string_literal():
    """The vocabulary lives in verdicts.py; elsewhere a verdict is an enum member, never a typed word."""
    import ast

    from rotation_utils import config
    from rotation_utils.verdicts import ClaimVerdict, ReportVerdict

    words = {str(v) for v in (*ClaimVerdict, *ReportVerdict)}
    found = []
    for path in (config.PACKAGE_DIR).rglob("*.py"):
        if path.name == "verdicts.py":
            continue
        tree = ast.parse(path.read_text())
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        f_parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in ast.walk(n)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in words and id(node) not in docstrings | f_parts:
                found.append(f"{path.relative_to(config.PACKAGE_DIR)}:{node.lineno} {node.value!r}")
    assert found == []
