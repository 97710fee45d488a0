"""The ledger notebook end to end on a synthetic run folder (reports' results.json files)."""

import pytest

from rotation_utils import reference_data
from rotation_utils.results import Report
from rotation_utils.verdicts import Rule
from tests.nbrun import notebook_text, run_notebook

NB = "00_claims_ledger"


def _fake_run(run_dir, b4_verdict):
    out = run_dir / "01_rotation_breadth"
    out.mkdir(parents=True)
    rep = Report("01_rotation_breadth", "Rotation", {"start": "2025-01-01"})
    rep.claim("B4", b4_verdict, f"evidence for {b4_verdict}")
    rep.claim("A1", "forecast pending", "RUT below target", claimed=2825, measured=2600, unit="index")
    rep.verdict("mixed", Rule("rule", lambda: "mixed"))
    rep.write(out / "results.json")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    runs = {}
    for verdict in ("confirmed", "contradicted"):
        base = tmp_path_factory.mktemp(f"run-{verdict}")
        _fake_run(base / "run", verdict)
        res = run_notebook(NB, base / "out", run_dir=str(base / "run"))
        runs[verdict] = (res, base / "out")
    return runs


def test_ledger_results_list_every_claim_once(two_runs):
    res, _ = two_runs["confirmed"]
    ids = [r["id"] for r in res["extra"]["ledger"]]
    assert sorted(ids) == sorted(reference_data.claims()["id"])
    assert len(ids) == len(set(ids))


def test_ledger_copies_the_reports_verdict(two_runs):
    for verdict, (res, _) in two_runs.items():
        row = next(r for r in res["extra"]["ledger"] if r["id"] == "B4")
        assert row["verdict"] == verdict
        assert row["evidence"] == f"evidence for {verdict}"


def test_reports_not_in_the_run_are_marked_not_run(two_runs):
    res, _ = two_runs["confirmed"]
    rows = {r["id"]: r for r in res["extra"]["ledger"]}
    assert rows["A7"]["verdict"] == "not run"
    assert rows["A8"]["verdict"] == "contradicted"  # legal fact, settled from the register
    assert sum(res["extra"]["counts"].values()) == 21
    metric = {m["name"]: m["value"] for m in res["headline"]}
    assert metric["claims_not_run"] == res["extra"]["counts"]["not run"]


def test_summary_sentence_follows_the_run(two_runs):
    text_a = notebook_text(two_runs["confirmed"][1], NB)
    text_b = notebook_text(two_runs["contradicted"][1], NB)
    assert "2 claims confirmed" in text_a and "3 claims contradicted" in text_b
    assert text_a != text_b


def test_ledger_records_what_it_read(two_runs):
    res, _ = two_runs["confirmed"]
    assert res["data"]["sources"] == ["claims register", "results.json of 01_rotation_breadth"]
