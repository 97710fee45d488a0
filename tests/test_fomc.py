"""Timeline facts, consistency checks and the FRED cross-check on small decision tables."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import fomc


def _table(rows):
    """rows: (date, decision, change_bp, low) with a 25 bp range."""
    df = pd.DataFrame(rows, columns=["announcement_date", "decision", "change_bp", "target_low"])
    df["announcement_date"] = pd.to_datetime(df["announcement_date"])
    df["target_high"] = df["target_low"] + 0.25
    df["verified"] = "secondary"
    return df


CYCLE = _table(
    [
        ("2023-07-26", "hike", 25, 5.25),
        ("2024-06-12", "hold", 0, 5.25),
        ("2024-09-18", "cut", -50, 4.75),
        ("2024-12-18", "cut", -25, 4.50),
        ("2025-03-19", "hold", 0, 4.50),
        ("2025-09-17", "cut", -25, 4.25),
        ("2025-10-29", "cut", -25, 4.00),
        ("2026-01-28", "hold", 0, 4.00),
    ]
)


def test_consistent_table_has_no_problems():
    assert fomc.check_decisions(CYCLE) == []


def test_checks_catch_each_kind_of_error():
    bad = CYCLE.copy()
    bad.loc[3, "target_low"] = 4.25  # range moved -50 while change_bp says -25
    bad.loc[3, "target_high"] = 4.50
    bad.loc[4, "decision"] = "cut"  # word does not match change 0
    bad.loc[6, "target_high"] = 4.50  # 50 bp wide
    bad = pd.concat([bad, bad.iloc[[1]]])  # duplicate and out of order
    problems = " | ".join(fomc.check_decisions(bad))
    for text in (
        "duplicate dates",
        "not in increasing order",
        "decision cut but change 0",
        "not 25 bp wide",
        "range moved -50 bp but change_bp is -25",
    ):
        assert text in problems


def test_cycle_start_ignores_pauses_and_restarts_after_a_hike():
    assert fomc.easing_cycle_start(CYCLE)["announcement_date"] == pd.Timestamp("2024-09-18")
    later = pd.concat([CYCLE, _table([("2026-03-18", "hike", 25, 4.25), ("2026-06-17", "cut", -25, 4.00)])])
    assert fomc.easing_cycle_start(later)["announcement_date"] == pd.Timestamp("2026-06-17")
    assert fomc.easing_cycle_start(CYCLE[CYCLE["decision"] != "cut"]) is None


def test_per_year_counts_and_net_change():
    y = fomc.per_year(CYCLE).set_index("year")
    assert y.loc[2024, "cuts"] == 2 and y.loc[2024, "net_change_bp"] == -75
    assert y.loc[2025, "holds"] == 1 and y.loc[2025, "net_change_bp"] == -50
    assert y.loc[2023, "hikes"] == 1
    assert y.loc[2025, "range_after"] == "4.00-4.25%"


@pytest.mark.parametrize(
    "rows, through, verdict",
    [
        (CYCLE, None, "mixed"),  # began 2024, resumed H2 2025
        (CYCLE[CYCLE["announcement_date"] < "2025-01-01"], "2024-12-31", "contradicted"),
        (CYCLE[CYCLE["announcement_date"] >= "2025-01-01"], None, "confirmed"),  # table starts mid-pause
        (CYCLE[CYCLE["decision"] != "cut"], None, "unverifiable"),
    ],
)
def test_cutting_start_claim_rule(rows, through, verdict):
    assert fomc.cutting_start_claim(rows, through=through).verdict == verdict


def test_cutting_start_claim_facts():
    b11 = fomc.cutting_start_claim(CYCLE, through="2026-07-01")
    facts = b11.facts()
    assert facts["cycle_start"] == pd.Timestamp("2024-09-18") and facts["first_cut_bp"] == -50
    assert facts["cuts_in_claimed_period"] == 2 and facts["bp_in_claimed_period"] == -50
    assert facts["covers_claimed_period"] and facts["observed_before_start"]
    assert "verdict" not in facts and b11.verdict == "mixed"
    assert not fomc.cutting_start_claim(CYCLE, through="2025-06-30").covers_claimed_period


def test_in_window_is_inclusive():
    got = fomc.in_window(CYCLE, "2024-09-18", "2025-03-19")
    assert list(got["announcement_date"].dt.strftime("%Y-%m-%d")) == ["2024-09-18", "2024-12-18", "2025-03-19"]


def test_fred_cross_check_reads_the_day_after_and_flags_disagreement():
    days = pd.date_range("2024-09-01", "2024-12-31")
    upper = pd.Series(5.50, index=days)
    upper[upper.index > "2024-09-18"] = 5.00
    upper[upper.index > "2024-12-18"] = 4.50  # FRED says 4.25-4.50; the table says 4.50-4.75
    fred = pd.DataFrame({fomc.FRED_UPPER: upper, fomc.FRED_LOWER: upper - 0.25})
    xc = fomc.cross_check_fred(CYCLE, fred).set_index("announcement_date")
    assert xc.loc["2024-09-18", "agrees"] == True  # noqa: E712
    assert xc.loc["2024-09-18", "fred_date"] == pd.Timestamp("2024-09-19")
    assert xc.loc["2024-12-18", "agrees"] == False  # noqa: E712
    assert np.isnan(xc.loc["2025-09-17", "fred_low"])  # FRED ends before it
    assert fomc.cross_check_fred(CYCLE, None).empty


def test_verified_counts():
    df = CYCLE.assign(verified=["primary"] * 2 + ["secondary"] * 5 + [""])
    got = fomc.verified_counts(df)
    assert got["primary"] == 2 and got["secondary"] == 5 and got["(blank)"] == 1


def test_empty_table_gives_empty_year_table_and_no_cycle():
    empty = CYCLE.iloc[0:0]
    y = fomc.per_year(empty)
    assert y.empty and "cuts" in y.columns and str(y["last_decision"].dtype).startswith("datetime64")
    assert fomc.cutting_start_claim(empty).verdict == "unverifiable"


def test_known_by_is_inclusive():
    known = fomc.known_by(CYCLE, "2025-09-17")
    assert known["announcement_date"].max() == pd.Timestamp("2025-09-17") and len(known) == 6


def test_fred_available_needs_both_series():
    assert fomc.fred_available(pd.DataFrame(columns=[fomc.FRED_UPPER, fomc.FRED_LOWER, "DGS2"]))
    assert not fomc.fred_available(pd.DataFrame(columns=[fomc.FRED_UPPER, "DGS2"]))
