"""The claims ledger's logic (analytics.ledger, analytics.ledger_data): one row per claim,
verdicts copied from the reports of the run; its words are tested in test_story_ledger."""

import json

import pandas as pd
import pytest

from rotation_utils import reference_data
from rotation_utils.analytics import ledger, ledger_data
from rotation_utils.analytics.ledger_data import load_run_results
from tests.builders import write_results


@pytest.fixture
def register():
    return reference_data.claims()


def test_every_register_claim_appears_exactly_once(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("B4", "mixed", "IWM led after the event.")])
    led = ledger.build_ledger(register, load_run_results(tmp_path))
    assert sorted(led["id"]) == sorted(register["id"])
    assert led["id"].is_unique
    assert len(led) == 21


def test_covered_claim_takes_the_reports_verdict_and_evidence(register, tmp_path):
    write_results(
        tmp_path,
        "06_sector_leadership",
        [("A7", "contradicted", "KBWB lagged SPY in 2023 by 27.0 pp.", {"claimed": 3, "measured": 2, "unit": "years"})],
    )
    led = ledger.build_ledger(register, load_run_results(tmp_path)).set_index("id")
    assert led.loc["A7", "verdict"] == "contradicted"
    assert led.loc["A7", "evidence"] == "KBWB lagged SPY in 2023 by 27.0 pp."
    assert led.loc["A7", "source_report"] == "06_sector_leadership"
    assert led.loc["A7", "values"] == {"claimed": 3, "measured": 2, "unit": "years"}
    assert [(v["label"], v["value"], v["unit"]) for v in led.loc["A7", "shown"]] == [
        ("Article", 3, "years"),
        ("This run", 2, "years"),
    ]


def test_missing_report_marks_its_claims_not_run_and_fact_claims_settle_from_register(register, tmp_path):
    led = ledger.build_ledger(register, load_run_results(tmp_path)).set_index("id")
    assert led.loc["B4", "verdict"] == ledger.NOT_RUN
    assert led.loc["B4", "expected_report"] == "01_rotation_breadth" and not led.loc["B4", "expected_ran"]
    assert led.loc["B4", "evidence"] == "" and led.loc["B4", "source_report"] == ""
    # A8 (the law's name) and B5 (199A rate) are legal facts the data cannot test
    assert led.loc["A8", "verdict"] == "contradicted"
    assert led.loc["A8", "source_report"] == "register"
    assert led.loc["B6", "verdict"] == "confirmed"


def test_report_verdict_wins_over_register_for_fact_claims(register, tmp_path):
    write_results(tmp_path, "04_obbba_tax", [("B6", "mixed", "made-up evidence for the test")])
    led = ledger.build_ledger(register, load_run_results(tmp_path)).set_index("id")
    assert led.loc["B6", "verdict"] == "mixed"
    assert led.loc["B6", "source_report"] == "04_obbba_tax"


def test_disagreement_with_public_record_is_flagged_not_hidden(register, tmp_path):
    # register: A4 publicly confirmed; a report finding otherwise must be shown as a disagreement
    write_results(tmp_path, "05_ai_earnings", [("A4", "contradicted", "our data disagrees")])
    led = ledger.build_ledger(register, load_run_results(tmp_path)).set_index("id")
    assert led.loc["A4", "verdict"] == "contradicted"
    assert led.loc["A4", "public_verdict"] == "confirmed"
    assert bool(led.loc["A4", "disagrees"])
    assert not bool(led.loc["A8", "disagrees"])


def test_data_that_cannot_say_is_not_a_disagreement(register, tmp_path):
    # A1 is publicly "confirmed (as a forecast)"; a pending forecast is not a contradiction
    write_results(tmp_path, "01_rotation_breadth", [("A1", "forecast pending", "RUT not at year end yet")])
    write_results(tmp_path, "03_valuation_gap", [("A6", "unverifiable", "no small-cap P/E offline")])
    led = ledger.build_ledger(register, load_run_results(tmp_path)).set_index("id")
    assert not led.loc[["A1", "A6"], "disagrees"].any()


def test_same_claim_in_two_reports_is_an_error(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("B4", "mixed", "x")])
    write_results(tmp_path, "06_sector_leadership", [("B4", "confirmed", "y")])
    with pytest.raises(ValueError, match="B4"):
        ledger.build_ledger(register, load_run_results(tmp_path))


def test_ledgers_own_results_and_foreign_json_are_ignored(tmp_path):
    write_results(tmp_path, ledger_data.LEDGER_NOTEBOOK, [("B4", "mixed", "x")])
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "results.json").write_text(json.dumps({"schema": "other"}))
    assert load_run_results(tmp_path) == {}


def test_counts_cover_every_verdict_and_sum_to_claims(register, tmp_path):
    write_results(tmp_path, "02_rate_sensitivity", [("A3", "mixed", "a"), ("B11", "mixed", "b")])
    led = ledger.build_ledger(register, load_run_results(tmp_path))
    counts = ledger.verdict_counts(led)
    assert list(counts.index) == ledger.VERDICT_ORDER
    assert counts.sum() == len(register)
    assert counts["mixed"] == 2


def test_top_claims_rank_by_relative_gap_then_fill_with_contradicted(register, tmp_path):
    write_results(
        tmp_path,
        "03_valuation_gap",
        [
            ("B1", "mixed", "b1", {"claimed": 30.0, "measured": 27.0}),  # gap 10%
            ("A6", "confirmed", "a6", {"claimed": 18.0, "measured": 9.0}),  # gap 50%
            ("B2", "unverifiable", "b2"),
        ],
    )
    write_results(tmp_path, "06_sector_leadership", [("A7", "contradicted", "a7")])
    top = ledger.top_claims(ledger.build_ledger(register, load_run_results(tmp_path)), 3)
    assert list(top["id"]) == ["A6", "B1", "A7"]
    assert top.loc[0, "gap"] == pytest.approx(0.5)


def test_a4_whose_measure_is_not_the_claims_is_never_ranked(register, tmp_path):
    # A4 (Q3 2025 EPS growth) has only annual net income to compare with: unverifiable, so
    # the top-claims rule never ranks it, however large its number's gap
    write_results(
        tmp_path,
        "05_ai_earnings",
        [
            ("A4", "unverifiable", "a4", {"claimed": 18.4, "measured": 25.7}),
            ("A5", "contradicted", "a5", {"claimed": 33.0, "measured": 30.0}),
        ],
    )
    top = ledger.top_claims(ledger.build_ledger(register, load_run_results(tmp_path)), 3)
    assert "A4" not in set(top["id"]) and list(top["id"]) == ["A5"]


@pytest.mark.parametrize(
    "status,expected",
    [
        ("confirmed", "confirmed"),
        ("contradicted for 2023-2025", "contradicted"),
        ("partly contradicted", "mixed"),
        ("unverifiable (forecast)", "unverifiable"),
        ("test with data (12.8% is not sideways)", None),
        ("", None),
        ("confirmed (as a forecast)", "confirmed"),
    ],
)
def test_register_status_mapping(status, expected):
    assert ledger.register_verdict(status) == expected


def test_overall_verdict_rule():
    s = lambda **k: pd.Series(k)
    assert ledger.overall_verdict(s(confirmed=4, contradicted=0, mixed=0)) == "inconclusive"
    assert ledger.overall_verdict(s(confirmed=4, contradicted=1, mixed=1)) == "supported"
    assert ledger.overall_verdict(s(confirmed=1, contradicted=5, mixed=1)) == "not supported"
    assert ledger.overall_verdict(s(confirmed=3, contradicted=3, mixed=0)) == "mixed"


def test_gaps_follow_the_run(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("A1", "forecast pending", "not at year end")])
    results = load_run_results(tmp_path)
    led = ledger.build_ledger(register, results)
    gaps = ledger.gaps(led, register, results)
    assert gaps.not_run == list(led.loc[led["verdict"] == ledger.NOT_RUN, "id"])
    # 01 ran but did not record B3 and B4: it is listed with the reports that did not run
    assert "01_rotation_breadth" in gaps.missing_reports and "02_rate_sensitivity" in gaps.missing_reports
    assert gaps.forecasts == ["A1"] and gaps.provisional == []
    assert gaps.windows == 1
    assert set(gaps.secondary) == set(register.loc[register["known_source"].str.contains("reprint|via|news"), "id"])


def test_gaps_count_the_reports_windows(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("B4", "mixed", "x")])
    write_results(tmp_path, "06_sector_leadership", [("A7", "mixed", "y")])
    results = load_run_results(tmp_path)
    assert ledger.gaps(ledger.build_ledger(register, results), register, results).windows == 1
    results["06_sector_leadership"]["window"] = {"start": "2024-01-02", "end": "2024-12-31"}
    assert ledger.gaps(ledger.build_ledger(register, results), register, results).windows == 2


def test_a_claim_no_report_is_expected_to_test_is_listed_as_unknown(register):
    one = register.iloc[:1].assign(id="Z9")
    gaps = ledger.gaps(ledger.build_ledger(one, {}), one, {})
    assert gaps.not_run == ["Z9"] and gaps.missing_reports == ["?"]


def test_counts_frame_and_decided_claims(register, tmp_path):
    write_results(tmp_path, "02_rate_sensitivity", [("A3", "mixed", "a"), ("B11", "contradicted", "b")])
    counts = ledger.verdict_counts(ledger.build_ledger(register, load_run_results(tmp_path)))
    frame = ledger.counts_frame(counts)
    assert list(frame.columns) == ["verdict", "claims"] and frame["claims"].sum() == len(register)
    assert ledger.decided_claims(counts) == counts["confirmed"] + counts["contradicted"] + counts["mixed"]
    assert ledger.decided_claims(pd.Series({"confirmed": 2, "unverifiable": 4})) == 2


def test_disagreements_are_the_flagged_rows(register, tmp_path):
    write_results(tmp_path, "05_ai_earnings", [("A4", "contradicted", "our data disagrees")])
    dis = ledger.disagreements(ledger.build_ledger(register, load_run_results(tmp_path)))
    assert list(dis["id"]) == ["A4"]


def test_load_reads_the_register_and_the_runs_results(tmp_path, monkeypatch):
    write_results(tmp_path, "01_rotation_breadth", [("B4", "mixed", "x")])
    data = ledger_data.load(tmp_path)
    assert data.run == tmp_path.resolve() and list(data.results) == ["01_rotation_breadth"]
    assert len(data.register) == 21
    assert ledger_data.provenance(data.results)["sources"] == ["claims register", "results.json of 01_rotation_breadth"]


def test_without_a_run_folder_every_report_is_missing(tmp_path, monkeypatch):
    from rotation_utils import config

    monkeypatch.delenv("ROTATION_RUN_DIR", raising=False)
    monkeypatch.setattr(config, "OUTPUTS_DIR", tmp_path / "no-outputs")
    data = ledger_data.load(None)
    assert data.run is None and data.results == {}
    monkeypatch.setenv("ROTATION_RUN_DIR", str(tmp_path))
    assert ledger_data.load(None).run == tmp_path.resolve()


def test_verdict_count_chart_has_whole_number_ticks():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    from rotation_utils.charts import ledger as ledger_charts

    counts = pd.Series([1, 2, 0, 0, 0, 18], index=["a", "b", "c", "d", "e", "f"])
    fig = ledger_charts.plot_verdict_counts(counts, 0)
    fig.canvas.draw()
    ticks = fig.axes[0].get_xticks()
    assert len(ticks) >= 3 and all(float(t).is_integer() for t in ticks)
    plt.close(fig)
