"""Membership facts come from the files the run read; their caveats name those dates and appear only when they apply."""

import pandas as pd

from rotation_utils.analytics import membership as AM
from rotation_utils.data import DataLayer
from rotation_utils.story import membership as MN

T = pd.Timestamp


def _log(*dates):
    return pd.DataFrame({"date": pd.to_datetime(list(dates)), "symbol": "X", "action": "added"})


def test_holdings_phrase_says_where_the_file_lies_against_the_window():
    assert MN.holdings_phrase("2025-05-13", "2024-01-01", "2024-12-31") == (
        "IWM holdings as of 2025-05-13, after the window end 2024-12-31"
    )
    assert MN.holdings_phrase("2025-05-13", "2023-01-01", "2026-07-13") == (
        "IWM holdings as of 2025-05-13, 863 days after the window start 2023-01-01"
    )
    assert MN.holdings_phrase("2025-05-13", "2025-06-01", "2026-07-13") == "IWM holdings as of 2025-05-13"


def test_holdings_caveat_only_when_a_file_postdates_the_window():
    after_end = MN.holdings_caveat([T("2025-05-13")], "2024-01-01", "2024-12-31")
    assert after_end.startswith("IWM holdings as of 2025-05-13, after the window end 2024-12-31:")
    after_start = MN.holdings_caveat([T("2025-05-13"), T("2025-11-05")], "2025-01-01", "2026-07-13")
    assert after_start.startswith("IWM holdings as of 2025-05-13, 132 days after the window start 2025-01-01")
    assert "after the window end" not in after_start
    assert MN.holdings_caveat([T("2025-05-13"), T("2025-11-05")], "2025-06-02", "2026-07-13") is None
    assert MN.holdings_caveat([None], None, "2024-12-31") is None


def test_change_log_caveat_only_for_gaps_inside_the_window():
    log = _log("2025-06-01", "2025-08-12", "2026-03-04", "2026-04-01")
    text = MN.change_log_caveat(log, "2025-01-01", "2026-07-13")
    assert "no entry from 2025-08-12 to 2026-03-04 (204 days)" in text
    assert "entries 2025-06-01 to 2026-04-01 in this run" in text
    assert MN.change_log_caveat(log, "2024-01-01", "2024-12-31") is None  # gap after the window
    assert MN.change_log_caveat(log[log["date"] <= "2025-06-30"], "2024-07-01", "2025-06-30") is None
    # a log read to an as-of date inside the gap: the stretch since its last entry counts
    cut = log[log["date"] <= "2025-12-31"]
    open_gap = MN.change_log_caveat(cut, "2025-07-01", "2025-12-31", through="2025-12-31")
    assert "no entry after 2025-08-12 to the data's end 2025-12-31 (141 days)" in open_gap


def test_change_log_lags_only_for_names_added_by_the_window_end():
    log = pd.DataFrame({"date": [T("2026-03-04")], "symbol": ["FIX"], "action": ["added"]})
    added = {"FIX": T("2025-12-22"), "AAPL": T("1982-11-30")}
    late = AM.change_log_lags(log, added, ["FIX", "HCI"], "2026-07-13")
    assert late == [AM.Lag("FIX", T("2025-12-22"), T("2026-03-04"))]
    assert MN.lag_phrase(late[0], "2026-07-13") == "FIX added 2025-12-22, first in the change log 2026-03-04"
    missing = AM.change_log_lags(log, added, ["FIX"], "2026-01-31")
    assert missing == [AM.Lag("FIX", T("2025-12-22"), None)]
    assert MN.lag_phrase(missing[0], "2026-01-31") == "FIX added 2025-12-22, not in the change log by 2026-01-31"
    assert MN.change_log_lag_note(log, added, ["FIX"], "2026-01-31") == (
        "The S&P 500 change log shows this addition late, so membership on those days is understated: "
        "FIX added 2025-12-22, not in the change log by 2026-01-31."
    )
    assert AM.change_log_lags(log, added, ["FIX"], "2024-12-31") == []  # added after the window
    assert MN.change_log_lag_note(log, added, ["FIX"], "2024-12-31") is None


def test_the_snapshot_files_read_on_the_defaults_and_on_2024():
    # the dates come from what the data layer served in the run, not from a list in the code
    full = DataLayer("snapshot")
    for d in full.iwm_holdings_dates():
        full.iwm_holdings(d)
    assert AM.holdings_dates_read(full) == [T("2025-05-13"), T("2025-11-05"), T("2026-05-05")]
    gap = MN.change_log_caveat(full.sp500_changes(), "2025-01-01", "2026-07-13", through=full.read_limit)
    assert "from 2025-08-12 to 2026-03-04" in gap
    y2024 = DataLayer("snapshot", end="2024-12-31")
    y2024.iwm_holdings("2024-12-31")
    assert AM.holdings_dates_read(y2024) == [T("2025-05-13")]
    assert "after the window end 2024-12-31" in MN.holdings_caveat(
        AM.holdings_dates_read(y2024), "2024-01-01", "2024-12-31"
    )
    assert MN.change_log_caveat(y2024.sp500_changes(), "2024-01-01", "2024-12-31", through=y2024.read_limit) is None
