"""Report 05's named companies in words (rotation_utils.story.named_companies): the returns
since the event, membership and size, claim B9's record; words and branches follow the numbers."""

import pandas as pd
import pytest

from rotation_utils.analytics import named_companies as N
from rotation_utils.story import named_companies as story
from rotation_utils.verdicts import ClaimVerdict

T = pd.Timestamp


def test_b9_record_carries_the_measured_values_in_percent():
    mem = N.membership_facts(pd.DataFrame({"ticker": ["A", "B"], "small_cap": [True, False]}))
    vals = {"basket": 0.1, "iwm": 0.05, "spy": 0.02, "beat_iwm": 1, "names": 2}
    b9 = story.b9_record(N.EventReturns(ClaimVerdict.MIXED, vals), mem, "2026-01-13", "2026-07-13")
    assert b9["verdict"] == ClaimVerdict.MIXED
    assert b9["basket"].value == pytest.approx(10.0) and b9["beat_iwm"].value == "1 of 2"
    assert b9["iwm"].label == "IWM, since 2026-01-13" and b9["names"] == 2
    assert story.b9_values({}, "2026-01-13") == {}
    assert b9["evidence"].startswith("Since 2026-01-13 the equal-weighted named basket returned +10.0%")


def test_b9_evidence_words_losses_with_their_sign():
    mem = N.membership_facts(pd.DataFrame({"ticker": ["A", "B", "C"], "small_cap": [False, True, False]}))
    vals = {"basket": -0.123, "iwm": 0.04, "spy": -0.01, "beat_iwm": 0, "names": 3}
    text = story.b9_evidence(vals, mem, "2026-01-13", "2026-07-13")
    assert text == (
        "Since 2026-01-13 the equal-weighted named basket returned -12.3% against +4.0% for IWM and -1.0% for SPY "
        "(0 of 3 names beat IWM); only B of the 3 are Russell 2000 small caps outside the S&P 500/400 on 2026-07-13."
    )


def test_sentences_follow_the_numbers():
    perf = pd.DataFrame(
        [
            {"kind": "company", "ticker": "A", "since_event": 0.2},
            {"kind": "company", "ticker": "B", "since_event": -0.1},
            {"kind": "benchmark", "name": "IWM", "since_event": 0.03},
            {"kind": "benchmark", "name": "SPY", "since_event": 0.01},
        ]
    )
    s = story.performance_sentence(N.event_returns(perf), "2026-01-13", "2026-07-13", missing=["COMM"])
    assert "+5.0%" in s and "1 of 2 names beat IWM" in s and "Best: A (+20.0%)" in s
    assert "COMM has no price data" in s
    s2 = story.performance_sentence(N.event_returns(perf), "2026-01-13", "2025-12-31")
    assert "before the event date" in s2


def test_membership_for_display_folds_the_iwm_files_into_one_column():
    from tests.display_checks import assert_readable, rendered

    named = pd.DataFrame({"ticker": ["BIG", "MID", "SMALL", "NOCAP"], "name": ["b", "m", "s", "n"], "theme": ["t"] * 4})
    caps = pd.DataFrame(
        {"date": [T("2025-06-30")] * 3, "ticker": ["BIG", "MID", "SMALL"], "market_cap": [5e10, 5e9, 1.234e9]}
    )
    iwm = {T("2025-05-13"): {"SMALL", "MID"}, T("2025-11-05"): {"SMALL"}}
    mem = N.membership_table(
        named, {"BIG": T("2020-01-01")}, {"BIG"}, iwm, {"MID": T("2025-03-01")}, caps, "2025-07-01"
    )
    show, fmt = story.membership_for_display(mem)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert len(headers) == 8 and not [h for h in headers if h.startswith("Russell 2000 (IWM")]
    got = {r[0]: dict(zip(headers, r)) for r in rows}
    assert got["BIG"]["S&P 500 at end"] == "yes, added 2020-01-01"
    assert (
        got["MID"]["S&P 400 at end"] == "yes, added 2025-03-01" and got["MID"]["In IWM holdings files"] == "2025-05-13"
    )
    assert got["SMALL"]["In IWM holdings files"] == "all 2 files" and got["BIG"]["In IWM holdings files"] == "none"
    assert got["SMALL"]["Market cap (last month end)"] == "$1.2bn on 2025-06-30"
    assert got["NOCAP"]["Market cap (last month end)"] == "not in the data"
    assert (
        got["SMALL"]["Small cap (IWM, not S&P 500/400)"] == "yes"
        and got["MID"]["Small cap (IWM, not S&P 500/400)"] == "no"
    )
