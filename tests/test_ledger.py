"""The claims ledger: one row per claim, verdicts copied from the reports of the run."""

import json

import pandas as pd
import pytest

from rotation_utils import ledger, reference_data
from rotation_utils.results import Report
from rotation_utils.verdicts import Rule


def _write(run_dir, notebook, claims, verdict="mixed"):
    """A report's results.json written through the real helper, as a notebook would."""
    out = run_dir / notebook
    out.mkdir(parents=True)
    rep = Report(notebook, f"Title of {notebook}", {"start": "2025-01-01", "end": None})
    for c in claims:
        rep.claim(*c[:3], **(c[3] if len(c) > 3 else {}))
    rep.verdict(verdict, Rule("test rule", lambda: verdict))
    rep.write(out / "results.json")


@pytest.fixture
def register():
    return reference_data.claims()


def test_every_register_claim_appears_exactly_once(register, tmp_path):
    _write(tmp_path, "01_rotation_breadth", [("B4", "mixed", "IWM led after the event.")])
    led = ledger.build_ledger(register, ledger.load_run_results(tmp_path))
    assert sorted(led["id"]) == sorted(register["id"])
    assert led["id"].is_unique
    assert len(led) == 21


def test_covered_claim_takes_the_reports_verdict_and_evidence(register, tmp_path):
    _write(
        tmp_path,
        "06_sector_leadership",
        [("A7", "contradicted", "KBWB lagged SPY in 2023 by 27.0 pp.", {"claimed": 3, "measured": 2, "unit": "years"})],
    )
    led = ledger.build_ledger(register, ledger.load_run_results(tmp_path)).set_index("id")
    assert led.loc["A7", "verdict"] == "contradicted"
    assert led.loc["A7", "evidence"] == "KBWB lagged SPY in 2023 by 27.0 pp."
    assert led.loc["A7", "source_report"] == "06_sector_leadership"
    assert led.loc["A7", "values"] == "Article: 3 years; This run: 2 years"  # labelled, with units


def test_missing_report_marks_its_claims_not_run_and_fact_claims_settle_from_register(register, tmp_path):
    led = ledger.build_ledger(register, ledger.load_run_results(tmp_path)).set_index("id")
    assert led.loc["B4", "verdict"] == ledger.NOT_RUN
    assert "01_rotation_breadth" in led.loc["B4", "evidence"]
    # A8 (the law's name) and B5 (199A rate) are legal facts the data cannot test
    assert led.loc["A8", "verdict"] == "contradicted"
    assert led.loc["A8", "source_report"] == "register"
    assert led.loc["B6", "verdict"] == "confirmed"


def test_report_verdict_wins_over_register_for_fact_claims(register, tmp_path):
    _write(tmp_path, "04_obbba_tax", [("B6", "mixed", "made-up evidence for the test")])
    led = ledger.build_ledger(register, ledger.load_run_results(tmp_path)).set_index("id")
    assert led.loc["B6", "verdict"] == "mixed"
    assert led.loc["B6", "source_report"] == "04_obbba_tax"


def test_disagreement_with_public_record_is_flagged_not_hidden(register, tmp_path):
    # register: A4 publicly confirmed; a report finding otherwise must be shown as a disagreement
    _write(tmp_path, "05_ai_earnings", [("A4", "contradicted", "our data disagrees")])
    led = ledger.build_ledger(register, ledger.load_run_results(tmp_path)).set_index("id")
    assert led.loc["A4", "verdict"] == "contradicted"
    assert led.loc["A4", "public_verdict"] == "confirmed"
    assert bool(led.loc["A4", "disagrees"])
    assert not bool(led.loc["A8", "disagrees"])


def test_data_that_cannot_say_is_not_a_disagreement(register, tmp_path):
    # A1 is publicly "confirmed (as a forecast)"; a pending forecast is not a contradiction
    _write(tmp_path, "01_rotation_breadth", [("A1", "forecast pending", "RUT not at year end yet")])
    _write(tmp_path, "03_valuation_gap", [("A6", "unverifiable", "no small-cap P/E offline")])
    led = ledger.build_ledger(register, ledger.load_run_results(tmp_path)).set_index("id")
    assert not led.loc[["A1", "A6"], "disagrees"].any()


def test_same_claim_in_two_reports_is_an_error(register, tmp_path):
    _write(tmp_path, "01_rotation_breadth", [("B4", "mixed", "x")])
    _write(tmp_path, "06_sector_leadership", [("B4", "confirmed", "y")])
    with pytest.raises(ValueError, match="B4"):
        ledger.build_ledger(register, ledger.load_run_results(tmp_path))


def test_ledgers_own_results_and_foreign_json_are_ignored(tmp_path):
    _write(tmp_path, ledger.LEDGER_NOTEBOOK, [("B4", "mixed", "x")])
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "results.json").write_text(json.dumps({"schema": "other"}))
    assert ledger.load_run_results(tmp_path) == {}


def test_counts_cover_every_verdict_and_sum_to_claims(register, tmp_path):
    _write(tmp_path, "02_rate_sensitivity", [("A3", "mixed", "a"), ("B11", "mixed", "b")])
    led = ledger.build_ledger(register, ledger.load_run_results(tmp_path))
    counts = ledger.verdict_counts(led)
    assert list(counts.index) == ledger.VERDICT_ORDER
    assert counts.sum() == len(register)
    assert counts["mixed"] == 2


def test_top_claims_rank_by_relative_gap_then_fill_with_contradicted(register, tmp_path):
    _write(
        tmp_path,
        "03_valuation_gap",
        [
            ("B1", "mixed", "b1", {"claimed": 30.0, "measured": 27.0}),  # gap 10%
            ("A6", "confirmed", "a6", {"claimed": 18.0, "measured": 9.0}),  # gap 50%
            ("B2", "unverifiable", "b2"),
        ],
    )
    _write(tmp_path, "06_sector_leadership", [("A7", "contradicted", "a7")])
    top = ledger.top_claims(ledger.build_ledger(register, ledger.load_run_results(tmp_path)), 3)
    assert list(top["id"]) == ["A6", "B1", "A7"]
    assert top.loc[0, "gap"] == pytest.approx(0.5)


def test_a4_whose_measure_is_not_the_claims_is_never_ranked(register, tmp_path):
    # A4 (Q3 2025 EPS growth) has only annual net income to compare with: unverifiable, so
    # the top-claims rule never ranks it, however large its number's gap
    _write(
        tmp_path,
        "05_ai_earnings",
        [
            ("A4", "unverifiable", "a4", {"claimed": 18.4, "measured": 25.7}),
            ("A5", "contradicted", "a5", {"claimed": 33.0, "measured": 30.0}),
        ],
    )
    top = ledger.top_claims(ledger.build_ledger(register, ledger.load_run_results(tmp_path)), 3)
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


def test_caveats_follow_the_run(register, tmp_path):
    _write(tmp_path, "01_rotation_breadth", [("A1", "forecast pending", "not at year end")])
    results = ledger.load_run_results(tmp_path)
    led = ledger.build_ledger(register, results)
    notes = ledger.caveats(led, register, ledger.sources_table(results))
    n_not_run = int((led["verdict"] == ledger.NOT_RUN).sum())
    assert notes[0].startswith(f"{n_not_run} claims could not be checked because")
    assert "report 02" in notes[0]  # 01 ran but did not record B3 and B4: listed too
    assert "report 01" in notes[0] and "_" not in notes[0]  # reports by number, no file names in prose
    assert "A1 is a forecast; its realised value is not yet in the data." in notes
    assert not any("different windows" in n for n in notes)  # one report, one window


def test_counts_agree_with_their_verbs(register, tmp_path):
    _write(
        tmp_path,
        "01_rotation_breadth",
        [("A1", "forecast pending", "not at year end"), ("B3", "forecast pending", "not at year end")],
    )
    results = ledger.load_run_results(tmp_path)
    notes = ledger.caveats(ledger.build_ledger(register, results), register, ledger.sources_table(results))
    assert "A1 and B3 are forecasts; their realised values are not yet in the data." in notes
    one = register.iloc[:1].assign(known_source="a news reprint")
    led = ledger.build_ledger(one, {})
    assert any(
        n.startswith("1 claim could not be checked because") and n.endswith("did not record it.")
        for n in ledger.caveats(led, one, ledger.sources_table({}))
    )
    assert any(
        n.startswith("1 public fact in the register comes from")
        for n in ledger.caveats(led, one, ledger.sources_table({}))
    )


def test_ledger_values_are_the_reports_labelled_values_in_display_units(register, tmp_path):
    from rotation_utils.claim_values import Shown

    _write(
        tmp_path,
        "06_sector_leadership",
        [
            (
                "A7",
                "contradicted",
                "KBWB lagged SPY in 2023.",
                {
                    "claimed": 3,
                    "measured": 2,
                    "unit": "years",
                    "complete_years": 3,
                    "kbwb_minus_spy_2023": Shown(-27.354, "pp", "KBWB minus SPY, 2023"),
                },
            )
        ],
    )
    claim = json.loads((tmp_path / "06_sector_leadership" / "results.json").read_text())["claims"][0]
    assert claim["values"]["kbwb_minus_spy_2023"] == -27.354 and claim["values"]["complete_years"] == 3
    assert [s["label"] for s in claim["shown"]] == ["Article", "This run", "KBWB minus SPY, 2023"]
    led = ledger.build_ledger(register, ledger.load_run_results(tmp_path)).set_index("id")
    assert led.loc["A7", "values"] == "Article: 3 years; This run: 2 years; KBWB minus SPY, 2023: -27.4 pp"
    shown = ledger.display_table(led.reset_index()).set_index("Claim")
    assert shown.loc["A7", "Tested in"] == "report 06" and "complete_years" not in shown.loc["A7", "Values"]


def test_styled_ledger_gives_the_long_texts_room_and_hides_row_numbers(register):
    html = ledger.styled(ledger.display_table(ledger.build_ledger(register, {}))).to_html()
    assert "min-width: 18em" in html and '<th class="blank level0"' not in html
