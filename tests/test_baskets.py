"""Unit tests for rotation_utils.analytics.baskets.

Synthetic frames check the basket arithmetic by hand; one snapshot test
recomputes the Magnificent 7 cap-weighted basket independently (monthly
weighted sums of simple returns, compounded) and compares it with the package.
"""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import baskets as B
from rotation_utils.data import DataLayer
from rotation_utils.universes import MAG7


def _px(data, start="2025-01-01"):
    idx = pd.bdate_range(start, periods=len(next(iter(data.values()))), name="date")
    return pd.DataFrame(data, index=idx, dtype="float64")


def test_drifting_basket_buy_and_hold_between_rebalances():
    px = _px({"A": [10, 11, 12, 12, 15], "B": [20, 20, 18, 24, 24]})
    d = px.index
    w = pd.DataFrame({"A": [0.5], "B": [0.5]}, index=[d[0]])
    lvl = B.drifting_basket(px, w)
    expected = 0.5 * px["A"] / 10 + 0.5 * px["B"] / 20
    assert lvl.tolist() == pytest.approx(expected.tolist())


def test_drifting_basket_resets_weights_and_chains_levels():
    px = _px({"A": [10, 11, 12, 12, 15], "B": [20, 20, 18, 24, 24]})
    d = px.index
    w = pd.DataFrame({"A": [0.5, 0.25], "B": [0.5, 0.75]}, index=[d[0], d[2]])
    lvl = B.drifting_basket(px, w)
    l2 = 0.5 * 12 / 10 + 0.5 * 18 / 20  # level at the second rebalance
    l4 = l2 * (0.25 * 15 / 12 + 0.75 * 24 / 18)
    assert lvl.loc[d[2]] == pytest.approx(l2)
    assert lvl.loc[d[4]] == pytest.approx(l4)
    assert not lvl.index.duplicated().any()
    assert len(lvl) == len(px)


def test_drifting_basket_holds_delisted_name_flat_then_drops_it():
    px = _px({"A": [10, 11, 12, 13, 14, 15], "D": [10, 5, np.nan, np.nan, np.nan, np.nan]})
    d = px.index
    w = pd.DataFrame({"A": [0.5, 0.5], "D": [0.5, 0.5]}, index=[d[0], d[3]])
    lvl = B.drifting_basket(px, w)
    # until the second rebalance D is held at its last price (5)
    l3 = 0.5 * 13 / 10 + 0.5 * 5 / 10
    assert lvl.loc[d[3]] == pytest.approx(l3)
    # at the rebalance D (no price since d[1]) is dropped and A carries the whole weight
    assert lvl.loc[d[5]] == pytest.approx(l3 * 15 / 13)


def test_drifting_basket_keeps_name_with_a_one_day_gap():
    px = _px({"A": [10, 10, 10, 10], "G": [10, 10, np.nan, 20]})
    d = px.index
    w = pd.DataFrame({"A": [0.5], "G": [0.5]}, index=[d[2]])
    lvl = B.drifting_basket(px, w)
    # G has no print on the rebalance day but trades again: it is held from its last price 10
    assert lvl.iloc[-1] == pytest.approx(0.5 + 0.5 * 2)


def test_drifting_basket_drops_names_without_price_and_renormalises():
    px = _px({"A": [10, 20], "N": [np.nan, 5]})
    w = pd.DataFrame({"A": [0.2], "N": [0.8], "ZZZ": [1.0]}, index=[px.index[0]])
    lvl = B.drifting_basket(px, w)
    assert lvl.tolist() == pytest.approx([1.0, 2.0])


def test_drifting_basket_empty_when_rebalance_after_data():
    px = _px({"A": [10, 11]})
    w = pd.DataFrame({"A": [1.0]}, index=[pd.Timestamp("2030-01-01")])
    assert B.drifting_basket(px, w).empty


def test_rebalance_dates_first_day_and_month_ends_except_last():
    idx = pd.bdate_range("2025-01-15", "2025-04-10", name="date")
    got = B.rebalance_dates(idx)
    assert got == [
        pd.Timestamp("2025-01-15"),
        pd.Timestamp("2025-01-31"),
        pd.Timestamp("2025-02-28"),
        pd.Timestamp("2025-03-31"),
    ]
    assert B.rebalance_dates(pd.DatetimeIndex([])) == []


def test_equal_weights_and_cap_weights_count_alphabet_once():
    d = pd.Timestamp("2025-02-28")
    eq = B.equal_weights({d: ["A", "B", "C", "D"], pd.Timestamp("2025-03-31"): []})
    assert list(eq.index) == [d]
    assert eq.loc[d].sum() == pytest.approx(1.0) and eq.loc[d, "C"] == pytest.approx(0.25)
    caps = pd.DataFrame(
        {
            "date": [pd.Timestamp("2025-01-31")] * 3 + [pd.Timestamp("2025-03-31")] * 3,
            "ticker": ["GOOGL", "GOOG", "MSFT"] * 2,
            "market_cap": [2.0e12, 2.0e12, 3.0e12, 9.0e12, 9.0e12, 1.0e12],
        }
    )
    cw = B.cap_weights({d: ["GOOGL", "GOOG", "MSFT", "NOCAP"]}, caps)
    # the 2025-01-31 snapshot is the latest on or before 2025-02-28; GOOG is a second class
    assert cw.loc[d].dropna().to_dict() == pytest.approx({"GOOGL": 0.4, "MSFT": 0.6})


def test_cap_weights_skip_dates_before_any_snapshot():
    caps = pd.DataFrame({"date": [pd.Timestamp("2025-03-31")], "ticker": ["A"], "market_cap": [1.0]})
    assert B.cap_weights({pd.Timestamp("2025-01-31"): ["A"]}, caps).empty


@pytest.fixture(scope="module")
def snapshot_baskets():
    dl = DataLayer("snapshot")
    levels, cover = B.build_group_baskets(*B.load_group_inputs(dl, "2025-01-01", "2025-12-31"))
    return dl, levels, cover


def test_mag7_cap_basket_matches_independent_monthly_recompute(snapshot_baskets):
    dl, levels, _ = snapshot_baskets
    px = dl.prices(MAG7, "2024-12-01", "2025-12-31")
    caps = dl.market_caps("2024-11-01", "2025-12-31", MAG7)
    caps = caps.pivot_table(index="date", columns="ticker", values="market_cap")
    month_end = px.groupby(px.index.to_period("M")).tail(1)
    # periods: first trading day of 2025 -> Jan month end -> ... -> last day of 2025
    first_day = px.loc["2025-01-01":].index[0]
    marks = [first_day] + [d for d in month_end.index if first_day < d]
    total = 1.0
    for d0, d1 in zip(marks[:-1], marks[1:]):
        cap = caps.loc[:d0].iloc[-1][MAG7]
        w = cap / cap.sum()
        total *= 1.0 + float((w * (px.loc[d1, MAG7] / px.loc[d0, MAG7] - 1.0)).sum())
    assert levels["Mag 7 (cap)"].iloc[-1] == pytest.approx(total, rel=1e-9)
    eq = float((px.loc["2025-01-31", MAG7] / px.loc[first_day, MAG7]).mean())
    assert levels.loc["2025-01-31", "Mag 7 (equal)"] == pytest.approx(eq, rel=1e-9)


def test_group_baskets_track_their_etfs_and_report_coverage(snapshot_baskets):
    dl, levels, cover = snapshot_baskets
    assert list(levels.columns) == ["Mag 7 (cap)", "Mag 7 (equal)", "Other 493 (cap)", "Other 493 (equal)"]
    assert levels.iloc[0].tolist() == pytest.approx([1.0] * 4)
    etf = dl.prices(["MAGS", "RSP"], levels.index[0], "2025-12-31").reindex(levels.index)
    r = levels.pct_change().iloc[1:]
    e = etf.pct_change().iloc[1:]
    assert r["Mag 7 (equal)"].corr(e["MAGS"]) > 0.95
    assert r["Other 493 (equal)"].corr(e["RSP"]) > 0.95
    o = cover[cover["group"] == "Other 493"]
    assert (o["members"] > 480).all()
    assert (o["with_prices"] <= o["members"]).all()
    assert o["cap_share_with_prices"].between(0.9, 1.0).all()
    m = cover[cover["group"] == "Mag 7"]
    assert (m["with_prices"] == 7).all()


def test_empty_basket_keeps_a_date_index_so_it_aligns_with_others():
    px = _px({"A": [10, 11]})
    empty = B.drifting_basket(px, pd.DataFrame())
    assert empty.empty and isinstance(empty.index, pd.DatetimeIndex)
    both = pd.DataFrame({"x": B.drifting_basket(px, pd.DataFrame({"A": [1.0]}, index=[px.index[0]])), "y": empty})
    assert isinstance(both.index, pd.DatetimeIndex) and both["y"].isna().all()


def test_group_baskets_without_market_caps_fall_back_to_equal_weights_only():
    levels, cover = B.build_group_baskets(*B.load_group_inputs(DataLayer("snapshot"), "2019-03-01", "2019-06-28"))
    assert isinstance(levels.index, pd.DatetimeIndex)
    assert levels["Mag 7 (cap)"].isna().all() and levels["Other 493 (cap)"].isna().all()
    assert levels["Mag 7 (equal)"].notna().all()
    assert cover["cap_share_with_prices"].isna().all()


def test_build_group_baskets_on_frames_splits_mag7_and_the_rest():
    px = _px({"AAPL": [10, 11, 12, 12, 15], "XOM": [20, 20, 18, 24, 24], "LATE": [np.nan, np.nan, 5, 5, 6]})
    d = px.index
    members = {d[0]: ["AAPL", "XOM", "LATE"], d[2]: ["AAPL", "XOM", "LATE"]}
    caps = pd.DataFrame({"date": [d[0], d[0]], "ticker": ["AAPL", "XOM"], "market_cap": [3.0, 1.0]})
    levels, cover = B.build_group_baskets(px, members, caps, d)
    assert list(levels.columns) == ["Mag 7 (cap)", "Mag 7 (equal)", "Other 493 (cap)", "Other 493 (equal)"]
    assert levels["Mag 7 (equal)"].tolist() == pytest.approx((px["AAPL"] / 10).tolist())  # only AAPL is priced
    # the Other 493 hold XOM alone until LATE has a price at the second rebalance, then both equally
    l2 = 18 / 20
    assert levels.loc[d[2], "Other 493 (equal)"] == pytest.approx(l2)
    assert levels.loc[d[4], "Other 493 (equal)"] == pytest.approx(l2 * (0.5 * 24 / 18 + 0.5 * 6 / 5))
    other = cover[cover["group"] == "Other 493"]
    assert other["members"].tolist() == [2, 2] and other["with_prices"].tolist() == [1, 2]
    mag = cover[cover["group"] == "Mag 7"]
    assert mag["members"].tolist() == [7, 7] and mag["with_prices"].tolist() == [1, 1]


def test_load_group_inputs_reads_membership_on_each_rebalance_date():
    dl = DataLayer("snapshot")
    inputs = B.load_group_inputs(dl, "2025-01-01", "2025-03-31")
    assert list(inputs.sp500_by_date) == B.rebalance_dates(inputs.calendar)
    first = next(iter(inputs.sp500_by_date))
    assert inputs.sp500_by_date[first] == dl.sp500_members(on=first)
    assert set(MAG7) <= set(inputs.prices.columns) and inputs.prices.notna().any().all()
    assert inputs.caps["date"].max() <= pd.Timestamp("2025-03-31")
