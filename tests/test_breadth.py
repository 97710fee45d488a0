"""Unit tests for rotation_utils.analytics.breadth (synthetic frames, plus snapshot membership)."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import breadth as BR
from rotation_utils.universes import MAG7


def test_membership_mask_steps_through_lists():
    idx = pd.bdate_range("2025-01-01", "2025-01-10", name="date")
    lists = {pd.Timestamp("2025-01-03"): ["A", "B"], pd.Timestamp("2025-01-08"): ["B", "C"]}
    m = BR.membership_mask(idx, ["A", "B", "C", "D"], lists)
    # before the first list the first list applies
    assert m.loc["2025-01-01"].tolist() == [True, True, False, False]
    assert m.loc["2025-01-07"].tolist() == [True, True, False, False]
    assert m.loc["2025-01-08"].tolist() == [False, True, True, False]
    assert not BR.membership_mask(idx, ["A"], {}).any().any()


def test_share_above_average_counts_only_full_windows_and_members():
    idx = pd.bdate_range("2025-01-01", periods=6, name="date")
    px = pd.DataFrame(
        {
            "UP": [1, 2, 3, 4, 5, 6],  # always above its 3-day average once it has one
            "DOWN": [6, 5, 4, 3, 2, 1],  # always below
            "NEW": [np.nan, np.nan, np.nan, 1, 2, 3],  # needs 3 prices before it counts
        },
        index=idx,
        dtype="float64",
    )
    out = BR.share_above_average(px, window=3, min_names=1)
    assert out["eligible"].tolist() == [0, 0, 2, 2, 2, 3]
    assert out["above"].tolist() == [0, 0, 1, 1, 1, 2]
    assert out["share"].iloc[2] == pytest.approx(0.5)
    assert out["share"].iloc[-1] == pytest.approx(2 / 3)
    assert np.isnan(out["share"].iloc[0])
    mask = pd.DataFrame(True, index=idx, columns=px.columns)
    mask.loc[:, "DOWN"] = False
    masked = BR.share_above_average(px, window=3, mask=mask, min_names=1)
    assert masked["share"].iloc[-1] == pytest.approx(1.0)
    # too few names: NaN instead of a share of one or two stocks
    assert BR.share_above_average(px, window=3, min_names=5)["share"].isna().all()


def test_share_above_average_matches_plain_loop():
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2024-01-01", periods=80, name="date")
    px = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(0, 0.02, (80, 30)), axis=0)), index=idx)
    out = BR.share_above_average(px, window=20, min_names=1)
    day = idx[50]
    window = px.loc[:day].tail(20)
    expected = float((px.loc[day] > window.mean()).mean())
    assert out.loc[day, "share"] == pytest.approx(expected)


def test_mag7_cap_share_counts_alphabet_once_and_uses_members():
    d = pd.Timestamp("2025-06-30")
    rows = [(t, 1.0e12) for t in MAG7] + [("GOOG", 1.0e12), ("X", 2.0e12), ("Y", 1.0e12), ("NOTMEMBER", 5.0e12)]
    caps = pd.DataFrame({"date": d, "ticker": [r[0] for r in rows], "market_cap": [r[1] for r in rows]})
    out = BR.mag7_cap_share(caps, {pd.Timestamp("2025-01-01"): MAG7 + ["GOOG", "X", "Y"]})
    assert len(out) == 1
    assert out["share"].iloc[0] == pytest.approx(7 / 10)
    assert out["with_cap"].iloc[0] == 9 and out["mag7_with_cap"].iloc[0] == 7
    everyone = BR.mag7_cap_share(caps)
    assert everyone["share"].iloc[0] == pytest.approx(7 / 15)


def test_coverage_table():
    cov = BR.coverage({pd.Timestamp("2025-01-31"): ["A", "B", "C", "D"]}, ["A", "C", "Z"])
    assert cov["with_prices"].iloc[0] == 2 and cov["coverage"].iloc[0] == pytest.approx(0.5)


def test_concentration_without_caps_is_empty():
    assert BR.mag7_cap_share(None).empty
    assert list(BR.mag7_cap_share(None).columns)[:4] == ["date", "mag7_cap", "index_cap", "share"]


# ---- windows the membership or price data do not reach ---------------------------
def _prices(n_names, days, start="2008-01-01"):
    idx = pd.bdate_range(start, periods=days, name="date")
    return pd.DataFrame({f"N{i}": np.linspace(10, 20, days) for i in range(n_names)}, index=idx)


def test_breadth_gap_says_which_input_is_missing():
    px = _prices(30, 30)
    idx = px.index
    share = BR.share_above_average(px, 20)["share"]
    empty = pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    none = BR.breadth_gap("S&P 500", {idx[0]: []}, empty, pd.Series(dtype=float), idx[0], idx[-1], 20, "2012-12-27")
    assert none == BR.BreadthGap("S&P 500", "members", pd.Timestamp("2012-12-27"), window=20)
    no_px = BR.breadth_gap("IWM", {idx[0]: ["X", "Y"]}, empty, pd.Series(dtype=float), idx[0], idx[-1], 20)
    assert no_px == BR.BreadthGap("IWM", "prices", idx[-1], window=20)
    share200 = BR.share_above_average(px, 200)["share"]
    short = BR.breadth_gap("IWM", {idx[0]: list(px.columns) + ["Z"]}, px, share200, idx[0], idx[-1], 200)
    assert short == BR.BreadthGap("IWM", "history", idx[-1], 30, 31, 200)
    assert BR.breadth_gap("IWM", {idx[0]: list(px.columns)}, px, share, idx[19], idx[-1], 20) is None
    late = BR.breadth_gap("IWM", {idx[0]: list(px.columns)}, px, share, idx[0], idx[-1], 20)
    assert late == BR.BreadthGap("IWM", "late", idx[19], window=20)


def test_breadth_panel_summary_and_sentences():
    px = _prices(25, 40)
    idx = px.index
    members = {idx[0]: list(px.columns)}
    empty = pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    shares, gaps = BR.breadth_panel(
        {"A": (members, px, None), "B": ({idx[0]: []}, empty, "2012-12-27")}, 5, idx[10], idx[-1]
    )
    assert list(shares.columns) == ["A", "B"] and shares["B"].isna().all()
    assert set(gaps) == {"B"}
    summary = BR.breadth_summary(shares)
    assert summary.set_index("Universe").loc["A", "Latest"] == pytest.approx(1.0)  # rising prices: all above
    assert gaps["B"].missing == "members"
    assert BR.breadth_summary(shares.iloc[:0])["Latest"].isna().all()


def _conc(dates, shares, with_cap=7):
    return pd.DataFrame({"date": pd.to_datetime(dates), "share": shares, "mag7_with_cap": with_cap})


def test_concentration_change_reads_the_snapshot_before_the_start_and_the_last():
    conc = _conc(["2024-11-29", "2024-12-31", "2025-01-31", "2025-02-28"], [0.30, 0.31, 0.32, 0.29])
    ch = BR.concentration_change(conc, pd.Timestamp("2025-01-02"))
    assert (ch.start_date, ch.end_date) == (pd.Timestamp("2024-12-31"), pd.Timestamp("2025-02-28"))
    assert ch.change == pytest.approx(0.29 - 0.31)
    # no snapshot on or before the start within the month before it: the first one after it
    late = BR.concentration_change(conc.iloc[2:], pd.Timestamp("2025-01-02"))
    assert late.start_date == pd.Timestamp("2025-01-31")
    assert BR.concentration_change(conc.iloc[3:], pd.Timestamp("2025-01-02")) is None
    assert BR.latest_share(conc) == pytest.approx(0.29) and BR.latest_share(conc.iloc[:0]) is None


def test_concentration_stops_at_the_window_end_and_counts_incomplete_snapshots():
    caps = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-31"] * 2 + ["2025-02-28"] * 2),
            "ticker": ["AAPL", "XOM"] * 2,
            "market_cap": [3.0, 1.0, 3.0, 1.0],
        }
    )
    conc = BR.concentration(caps, None, "2025-02-15")
    assert conc["date"].tolist() == [pd.Timestamp("2025-01-31")] and conc["share"].iloc[0] == pytest.approx(0.75)
    assert BR.snapshots_without_full_mag7(conc) == 1  # six of the seven have no cap
    assert BR.concentration(None, None, "2025-02-15").empty


def test_coverage_range():
    r = BR.coverage_range(pd.DataFrame({"coverage": [0.9, np.nan, 0.95]}))
    assert (r.low, r.high, r.dates) == (0.9, 0.95, 2)
    assert BR.coverage_range(pd.DataFrame({"coverage": [np.nan]})).dates == 0
