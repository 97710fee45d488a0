"""The project's reference files: FOMC decisions, claims register, OBBBA provisions.

Checked with plain pandas on the CSV files themselves, independent of the loaders
and of rotation_utils.analytics.fomc.check_decisions.
"""

import pandas as pd
import pytest

from rotation_utils import reference_data
from rotation_utils.analytics import fomc
from rotation_utils.config import REFERENCE_DIR

FLAGS = {"primary", "secondary", "from memory; check"}


@pytest.fixture(scope="module")
def decisions():
    return pd.read_csv(REFERENCE_DIR / "fomc_decisions.csv", parse_dates=["announcement_date"])


def test_decision_columns(decisions):
    assert list(decisions.columns) == [
        "announcement_date",
        "decision",
        "change_bp",
        "target_low",
        "target_high",
        "dissents",
        "source",
        "verified",
    ]


def test_decision_dates_unique_and_sorted(decisions):
    d = decisions["announcement_date"]
    assert d.is_unique
    assert d.is_monotonic_increasing


def test_ranges_move_by_each_change(decisions):
    low_move = (decisions["target_low"].diff() * 100).round().iloc[1:]
    high_move = (decisions["target_high"].diff() * 100).round().iloc[1:]
    assert (low_move == decisions["change_bp"].iloc[1:]).all()
    assert (high_move == decisions["change_bp"].iloc[1:]).all()
    assert ((decisions["target_high"] - decisions["target_low"]).round(4) == 0.25).all()


def test_decision_words_match_the_sign(decisions):
    word = decisions["change_bp"].map(lambda c: "cut" if c < 0 else "hike" if c > 0 else "hold")
    assert (word == decisions["decision"]).all()


def test_verified_flags_and_sources(decisions):
    assert set(decisions["verified"]) <= FLAGS
    assert decisions["source"].notna().all()


def test_analytics_check_agrees_with_the_file():
    assert fomc.check_decisions(reference_data.fomc_decisions()) == []


def test_claims_register_has_21_unique_ids():
    c = reference_data.claims()
    assert c["id"].is_unique and len(c) == 21
    assert {"A3", "B10", "B11", "B12"} <= set(c["id"])


def test_obbba_file_columns():
    o = reference_data.obbba_provisions()
    assert list(o.columns) == ["provision", "code_section", "before_obbba", "after_obbba", "effective", "source"]
    assert len(o) > 0 and (o["code_section"] != "").all()
