"""Report 05's words (rotation_utils.story.earnings): data and caveat sentences, claim
records, the verdict rule and headline metrics, on small frames; words and branches must
follow the numbers given."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import earnings_verdicts as EV
from rotation_utils.story import earnings as story
from rotation_utils.verdicts import ClaimVerdict, ReportVerdict
from tests.test_earnings import growth_table

T = pd.Timestamp


def basket_changes(change, basket="AI implementers", with_data=3):
    return pd.DataFrame(
        {
            "basket": [basket],
            "members": [4],
            "with_data": [with_data],
            "median_operating_margin_change": [change],
            "median_net_margin_change": [np.nan],
            "median_revenue_growth": [np.nan],
        }
    )


def test_data_and_gaps_sentences_name_what_is_missing():
    q = {"live": [], "data layer": ["APPF", "PATH"], "none": ["PSTL"]}
    text = story.data_sentence("2025-01-02 to 2026-07-13", ["COMM"], [], q)
    assert text.startswith("Window 2025-01-02 to 2026-07-13. Named companies without prices: COMM;")
    assert "by the data layer for APPF and PATH, by nobody for PSTL." in text
    assert story.gaps_sentence([]) == ""
    assert story.gaps_sentence(["a", "b"]) == "**Not available in this window:** a; b."


def test_ttm_sentence_counts_only_companies_with_eight_quarters():
    t = pd.DataFrame({"symbol": ["A", "B", "C"], "ttm_operating_margin_change": [0.02, -0.01, np.nan]})
    assert "1 of 2 named companies with eight quarters widened their operating margin (A)" in story.ttm_sentence(t)
    assert story.ttm_sentence(t.iloc[2:]).startswith("No named company has eight consecutive quarters")


def test_interim_and_forecast_paragraph_follow_the_trailing_table():
    trailing = pd.DataFrame(
        {"group": ["Mag 7", "Other 493"], "annualised": [0.25, 0.08], "final_as_of": [T("2026-06-30")] * 2}
    )
    text = story.interim_sentence(trailing)
    assert "to 2026-06-30 grew +8.0% a year for the Other 493 against +25.0% for the Mag 7" in text
    assert story.interim_sentence(None) == ""
    forecasts = pd.DataFrame(
        {"claim": ["A5"], "forecast": ["x"], "in the data": ["y"], "verdict": [ClaimVerdict.FORECAST_PENDING]}
    )
    alone = story.forecast_paragraph(forecasts, 0.3, None)
    assert alone == story.forecast_sentence(forecasts, 0.3) and "Still pending" in alone
    assert story.forecast_paragraph(forecasts, 0.3, trailing) == f"{alone} {text}"


def test_a4_record_carries_the_measured_values_in_percent():
    rec = story.a4_record({"mag7": 0.2, "other493": 0.1})
    assert (rec["claim_id"], rec["verdict"], rec["claimed"].value, rec["other493_claimed"].value) == (
        "A4",
        "unverifiable",
        18.4,
        11.9,
    )
    assert rec["mag7_annual_net_income_growth"].value == pytest.approx(20.0)
    assert "the same ordering" in rec["evidence"]
    empty = story.a4_record({})
    assert empty["mag7_annual_net_income_growth"].value is None and "For context only" not in empty["evidence"]


def test_thesis_rule_text_and_logic_are_one_object():
    rule = story.thesis_rule("AI implementers")
    assert "median operating margin of the AI implementers basket rose" in str(rule)
    verdict, evidence = rule.apply(growth_table(0.1, 0.2), [2025], basket_changes(0.01))
    assert verdict == ReportVerdict.SUPPORTED
    assert evidence == (
        "In 2025 the Other 493's net income growth (+20.0%) was above the Mag 7's (+10.0%), "
        "and the AI implementers' median operating margin rose (+1.0 pp)."
    )
    test = EV.thesis_test(growth_table(0.3, 0.2), [2025], basket_changes(-0.01), "AI implementers")
    assert test.verdict == ReportVerdict.NOT_SUPPORTED
    assert "not above" in story.thesis_evidence(test, "AI implementers")
    assert "margin fell (-1.0 pp)" in story.thesis_evidence(test, "AI implementers")


def test_thesis_evidence_says_which_test_cannot_be_measured():
    test = EV.thesis_test(growth_table(0.3, 0.2), [], basket_changes(np.nan, with_data=1), "AI implementers")
    assert test.verdict == ReportVerdict.INCONCLUSIVE and not test.race_measured and not test.margin_measured
    text = story.thesis_evidence(test, "AI implementers")
    assert "earnings race cannot be measured and the AI implementers' median" in text
    assert "(1 member with statements for both years)" in text
    assert story.verdict_sentence("mixed", "Ev.", story.thesis_rule()) == (
        f"**Verdict: mixed.** Ev. Rule: {story.thesis_rule()}."
    )


def test_caveats_are_bullets_with_the_run_figures():
    panel = pd.DataFrame(
        {
            "symbol": ["A", "B"],
            "year": [2025, 2025],
            "group": ["Mag 7", "Other 493"],
            "period_end": [T("2025-12-31"), T("2026-01-31")],
        }
    )
    text = story.caveats(
        panel,
        2025,
        T("2026-07-13"),
        ["X", "Y"],
        ["COMM"],
        [],
        ["PSTL"],
        ["lag text.", None],
        pd.DataFrame({"as_of": [T("2025-01-01"), T("2025-06-01")]}),
    )
    lines = text.split("\n")
    assert len(lines) == 7 and all(line.startswith("- ") for line in lines)  # the None note is left out
    assert "membership seen on 2026-07-13" in text and "2 members without annual statements: X and Y" in text
    assert "without prices: COMM; without annual statements: none; quarterly statements missing for PSTL" in text
    assert "- lag text.\n" in text and "1 of 2 statements assigned to 2025 end in another month" in text


def test_headline_metrics_name_missing_years_and_convert_to_percent():
    growth = pd.concat([growth_table(0.1, 0.2, year=2024), growth_table(0.3, np.nan, year=2025)])
    perf = pd.DataFrame(
        {"kind": ["company", "company", "benchmark"], "ticker": ["A", "B", "IWM"], "since_event": [0.05, np.nan, 0.01]}
    )
    rows = story.headline_metrics(growth, [2024, 2025], basket_changes(0.02), 2025, perf, "2026-01-13")
    by = {r[0]: r for r in rows}
    assert [r[0] for r in rows][:3] == [
        "mag7_earnings_growth_latest",
        "other493_earnings_growth_latest",
        "median_op_margin_change_ai_implementers",
    ]
    assert by["mag7_earnings_growth_latest"][1] == pytest.approx(30.0)
    assert by["other493_earnings_growth_latest"][1] is None
    assert by["mag7_earnings_growth_prior"][1:] == (pytest.approx(10.0), "%", "Mag 7 net income growth 2024")
    assert by["median_op_margin_change_ai_implementers"][1] == pytest.approx(2.0)
    assert by["return_since_event_A"][1] == pytest.approx(5.0) and by["return_since_event_B"][1] is None
    assert "return_since_event_IWM" not in by
    none = story.headline_metrics(growth, [], basket_changes(0.02), 2025, perf, "2026-01-13")
    assert dict((r[0], r[1:]) for r in none)["mag7_earnings_growth_latest"] == (
        None,
        "%",
        "Mag 7 net income growth (no complete year in this window)",
    )
