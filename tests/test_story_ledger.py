"""The claims ledger's words (story.ledger): evidence for claims no report recorded, values as a
reader reads them, the tables, sentences and caveats worded from what analytics.ledger returns."""

import json

import pandas as pd
import pytest

from rotation_utils import reference_data
from rotation_utils.analytics import ledger
from rotation_utils.analytics.ledger_data import load_run_results
from rotation_utils.claim_values import Shown
from rotation_utils.story import ledger as story
from rotation_utils.tables import formatted
from rotation_utils.verdicts import ClaimVerdict
from tests.builders import write_results


@pytest.fixture
def register():
    return reference_data.claims()


def _ledger(register, tmp_path):
    results = load_run_results(tmp_path)
    return ledger.build_ledger(register, results), results


def test_claims_no_report_recorded_say_why(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("B4", "mixed", "IWM led after the event.")])
    shown = story.display_table(_ledger(register, tmp_path)[0]).set_index("Claim")
    assert shown.loc["B4", "Evidence from this run"] == "IWM led after the event."
    # 01 ran but did not record B3; 02 did not run at all
    assert shown.loc["B3", "Evidence from this run"] == (
        "01_rotation_breadth did not record it in this run, so the data verdict is missing."
    )
    assert shown.loc["A3", "Evidence from this run"] == (
        "02_rate_sensitivity was not run or failed in this run, so the data verdict is missing."
    )
    # a legal fact settled from the register quotes the register's fact and source
    fact = register.set_index("id").loc["A8"]
    assert shown.loc["A8", "Evidence from this run"] == (
        f"Settled from the public record: {fact['known_fact']} ({fact['known_source']})."
    )
    assert shown.loc["A8", "Tested in"] == "public record" and shown.loc["B4", "Tested in"] == "report 01"
    assert shown.loc["A3", "Tested in"] == ""


def test_ledger_values_are_the_reports_labelled_values_in_display_units(register, tmp_path):
    write_results(
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
    shown = story.display_table(_ledger(register, tmp_path)[0]).set_index("Claim")
    assert shown.loc["A7", "Values"] == "Article: 3 years; This run: 2 years; KBWB minus SPY, 2023: -27.4 pp"
    assert shown.loc["A7", "Tested in"] == "report 06" and "complete_years" not in shown.loc["A7", "Values"]


def test_values_text_of_a_claim_without_values_is_empty():
    assert story.values_text([]) == "" and story.values_text(None) == ""
    assert story.values_text([{"label": "Gap", "value": 0.5, "unit": "%"}]).startswith("Gap: ")


def test_a_file_written_before_shown_existed_shows_its_claimed_and_measured_values(register, tmp_path):
    write_results(
        tmp_path, "03_valuation_gap", [("B1", "mixed", "b1", {"claimed": 30.0, "measured": 27.0, "unit": "x"})]
    )
    path = tmp_path / "03_valuation_gap" / "results.json"
    old = json.loads(path.read_text())
    del old["claims"][0]["shown"]
    path.write_text(json.dumps(old))
    shown = story.display_table(_ledger(register, tmp_path)[0]).set_index("Claim")
    assert shown.loc["B1", "Values"] == "Article: 30x; This run: 27x"


def test_provisional_verdicts_are_marked_in_the_table(register, tmp_path):
    write_results(tmp_path, "05_ai_earnings", [("A5", "contradicted", "so far", {})])
    path = tmp_path / "05_ai_earnings" / "results.json"
    res = json.loads(path.read_text())
    res["claims"][0]["provisional"] = True
    path.write_text(json.dumps(res))
    shown = story.display_table(_ledger(register, tmp_path)[0]).set_index("Claim")
    assert shown.loc["A5", "Verdict"] == "contradicted (provisional)" and shown.loc["A4", "Verdict"] == "not run"


def test_ledger_table_gives_the_long_texts_room_and_escapes_the_reports_text(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("B4", "mixed", "IWM <b>led</b> & SPY lagged")])
    frame, formats = story.ledger_table(_ledger(register, tmp_path)[0])
    html = formatted(frame, **formats).to_html()
    assert "min-width: 18em" in html and '<th class="blank level0"' not in html
    assert "IWM &lt;b&gt;led&lt;/b&gt; &amp; SPY lagged" in html and "<b>led</b>" not in html


def test_summary_sentence_lists_only_verdicts_reached(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("B4", "confirmed", "x"), ("B3", "contradicted", "y")])
    led, _ = _ledger(register, tmp_path)
    counts = ledger.verdict_counts(led)
    text = story.summary_sentence(led, counts)
    # 01's B4 and the register's settled facts are confirmed, 01's B3 and A8 contradicted
    assert text == (
        f"Of 21 claims: {counts['confirmed']} claims confirmed, {counts['contradicted']} claims contradicted "
        f"and {counts['not run']} claims not run."
    )
    one = pd.Series({"confirmed": 1, "mixed": 0, "not run": 2})
    assert story.summary_sentence(led.iloc[:3], one) == "Of 3 claims: 1 claim confirmed and 2 claims not run."


def test_top_claims_are_worded_with_their_reason(register, tmp_path):
    write_results(
        tmp_path,
        "03_valuation_gap",
        [("A6", "confirmed", "a6 <evidence>", {"claimed": 18.0, "measured": 9.0, "unit": "x"})],
    )
    write_results(tmp_path, "06_sector_leadership", [("A7", "contradicted", "a7")])
    led, _ = _ledger(register, tmp_path)
    top = ledger.top_claims(led, 3)
    assert story.top_lines(top) == [
        f"- **A6** ({top.loc[0, 'topic']}, confirmed): a6 <evidence>",
        f"- **A7** ({top.loc[1, 'topic']}, contradicted): a7",
    ]
    frame, formats = story.top_table(top)
    assert list(frame["Why it is listed"]) == ["gap between claim and data", "verdict: contradicted"]
    assert frame.loc[0, "Values"] == "Article: 18x; This run: 9x"
    assert formats == {"pct": ["Gap between claim and data"]}
    html = formatted(frame, **formats).to_html()
    assert "50.0%" in html and "a6 &lt;evidence&gt;" in html
    extra = story.results_extra(led, ledger.verdict_counts(led), top)
    assert extra["top"] == [
        {"id": "A6", "verdict": "confirmed", "why": "gap between claim and data"},
        {"id": "A7", "verdict": "contradicted", "why": "verdict: contradicted"},
    ]
    assert sum(extra["counts"].values()) == 21
    rows = {r["id"]: r for r in extra["ledger"]}
    assert rows["A7"]["evidence"] == "a7" and "was not run or failed" in rows["B4"]["evidence"]
    assert story.results_extra(led, ledger.verdict_counts(led), top.iloc[:0])["top"] == []


def test_disagreements_are_worded_one_or_many_or_none(register, tmp_path):
    write_results(tmp_path, "05_ai_earnings", [("A4", "contradicted", "our data disagrees")])
    led, _ = _ledger(register, tmp_path)
    dis = ledger.disagreements(led)
    assert story.disagreement_sentence(dis) == (
        "1 claim (A4) reaches a different verdict from the data than the public record states; both are shown below."
    )
    frame, _ = story.disagreement_table(dis)
    assert list(frame.columns) == list(story.DISAGREEMENT_COLUMNS.values())
    assert frame.iloc[0]["Data verdict"] == "contradicted" and frame.iloc[0]["Public verdict"] == "confirmed"
    assert story.disagreement_sentence(dis.iloc[:0]) == story.NO_DISAGREEMENT_SENTENCE
    two = pd.DataFrame({"id": ["A4", "B9"]})
    assert story.disagreement_sentence(two).startswith("2 claims (A4 and B9) reach a different verdict")


def test_overall_verdict_sentence_carries_the_counts_and_the_rule():
    counts = pd.Series({v: 0 for v in ledger.VERDICT_ORDER}) + pd.Series(
        {"confirmed": 6, "contradicted": 2, "mixed": 1, "not run": 3, "unverifiable": 4, "forecast pending": 5}
    )
    evidence = story.overall_evidence(counts, ledger.decided_claims(counts))
    assert evidence == (
        "6 confirmed, 2 contradicted and 1 mixed of 9 decided claims; 3 not run, 4 unverifiable, 5 forecasts pending."
    )
    overall = story.OVERALL_RULE.apply(counts)
    assert overall == "supported"
    text = story.verdict_sentence(overall, evidence)
    assert text.startswith("**Verdict on the articles' claims: supported.** 6 confirmed")
    assert text.endswith(f"*Rule:* {story.OVERALL_RULE.text}")
    flipped = counts.copy()
    flipped[["confirmed", "contradicted"]] = [1, 6]
    assert story.OVERALL_RULE.apply(flipped) == "not supported"


def test_the_rule_text_names_the_threshold_the_logic_applies():
    words = {5: "five"}
    assert f"fewer than {words[ledger.MIN_DECIDED]} claims" in story.OVERALL_RULE.text
    below = pd.Series({"confirmed": ledger.MIN_DECIDED - 1, "contradicted": 0, "mixed": 0})
    assert story.OVERALL_RULE.apply(below) == "inconclusive"


def test_caveats_follow_the_run(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("A1", "forecast pending", "not at year end")])
    led, results = _ledger(register, tmp_path)
    notes = story.caveats(ledger.gaps(led, register, results))
    n_not_run = int((led["verdict"] == ledger.NOT_RUN).sum())
    assert notes[0].startswith(f"{n_not_run} claims could not be checked because")
    assert "report 02" in notes[0]  # 01 ran but did not record B3 and B4: listed too
    assert "report 01" in notes[0] and "_" not in notes[0]  # reports by number, no file names in prose
    assert "A1 is a forecast; its realised value is not yet in the data." in notes
    assert not any("different windows" in n for n in notes)  # one report, one window
    assert story.caveats_text(ledger.gaps(led, register, results)) == "\n".join(f"- {n}" for n in notes)


def test_counts_agree_with_their_verbs(register, tmp_path):
    gaps = ledger.LedgerGaps(
        not_run=["B4"],
        missing_reports=["01_rotation_breadth"],
        secondary=["A1"],
        windows=1,
        provisional=[],
        forecasts=["A1", "B3"],
    )
    notes = story.caveats(gaps)
    assert "1 claim could not be checked because report 01 did not run or did not record it." in notes
    assert any(n.startswith("1 public fact in the register comes from news reprints") for n in notes)
    assert "A1 and B3 are forecasts; their realised values are not yet in the data." in notes
    many = gaps._replace(not_run=["B3", "B4"], secondary=["A1", "A2"], provisional=["A5", "B8"], windows=3)
    notes = story.caveats(many)
    assert any(n.endswith("did not record them.") for n in notes)
    assert any(n.startswith("2 public facts in the register come from") for n in notes)
    assert (
        "The reports read use 3 different windows (see the Data table): each verdict holds for its own report's window."
        in notes
    )
    assert any(n.startswith("A5 and B8 are forward claims judged on the part of their period") for n in notes)
    assert story.caveats(gaps._replace(not_run=[], secondary=[], forecasts=[])) == []


def test_unknown_report_is_named_as_a_question_mark():
    gaps = ledger.LedgerGaps(["Z9"], ["?"], [], 0, [], [])
    assert story.caveats(gaps) == ["1 claim could not be checked because ? did not run or did not record it."]


def test_data_sentences_and_sources_table(register, tmp_path):
    write_results(tmp_path, "01_rotation_breadth", [("B4", "mixed", "x")], window=("2025-01-02", "2026-07-13"))
    _, results = _ledger(register, tmp_path)
    assert story.run_sentence(tmp_path) == f"**Run folder read:** `{tmp_path.name}`"
    assert "none found" in story.run_sentence(None) and "*not run*" in story.run_sentence(None)
    assert story.reports_sentence(results) == "Reports found in this run: 1 report."
    assert story.reports_sentence({}) == "Reports found in this run: 0 reports."
    assert story.register_sentence(register).startswith("Claims register: 21 claims transcribed")
    frame, formats = story.sources_table(results)
    row = frame.iloc[0]
    assert (row["Report"], row["Title"], row["Verdict"], row["Claims"]) == (
        "report 01",
        "Title of 01_rotation_breadth",
        "mixed",
        "B4",
    )
    assert row["Window"] == "2025-01-02 to 2026-07-13" and formats == {}
    assert list(story.sources_table({}).frame.columns) == story.SOURCE_COLUMNS
    assert story.window_label(results) == "each report\u2019s own window, 2025-01-02 to 2026-07-13"


def test_headline_metrics_name_every_verdict():
    counts = pd.Series({ClaimVerdict.CONFIRMED: 2, ClaimVerdict.NOT_RUN: 3, ClaimVerdict.FORECAST_PENDING: 0})
    assert story.headline_metrics(counts) == [
        ("claims_confirmed", 2, "claims", "Claims confirmed"),
        ("claims_not_run", 3, "claims", "Claims not run"),
        ("claims_forecast_pending", 0, "claims", "Claims forecast pending"),
    ]


def test_report_name_reads_like_prose():
    assert story.report_name("06_sector_leadership") == "report 06"
    assert story.report_name(ledger.REGISTER) == "public record"
    assert story.report_name("") == "" and story.report_name("?") == "?"
