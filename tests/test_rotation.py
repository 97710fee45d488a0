"""Unit tests for rotation_utils.analytics.rotation on small synthetic frames (and ^RUT once)."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import rotation as RO
from rotation_utils.analytics import rotation_coverage as RC
from rotation_utils.analytics import rotation_verdicts as ROV
from rotation_utils.data import DataLayer
from rotation_utils.errors import BadInputError
from rotation_utils.story import coverage as coverage_words


def _idx(n, start="2024-01-01"):
    return pd.bdate_range(start, periods=n, name="date")


def test_ratio_series_uses_common_dates_only():
    a = pd.Series([2.0, 4.0, 6.0], index=_idx(3))
    b = pd.Series([1.0, np.nan, 3.0], index=_idx(3))
    r = RO.ratio_series(a, b)
    assert r.tolist() == [2.0, 2.0] and len(r) == 2


def test_ma_regime_state_follows_the_averages():
    # a ratio that falls for 30 days then rises for 30: fast(3) crosses above slow(10) on the way up
    values = np.r_[np.linspace(2, 1, 30), np.linspace(1, 2, 30)]
    reg = RO.ma_regime(pd.Series(values, index=_idx(60)), fast=3, slow=10)
    assert reg["state"].iloc[:9].isna().all()
    assert reg["state"].iloc[20] == -1 and reg["state"].iloc[-1] == 1
    manual_fast = pd.Series(values).rolling(3).mean().to_numpy()
    assert reg["fast"].to_numpy()[5:] == pytest.approx(manual_fast[5:])
    with pytest.raises(ValueError):
        RO.ma_regime(pd.Series(values, index=_idx(60)), fast=10, slow=10)


def test_relative_return_regime_sign():
    n = 30
    up = pd.Series(1.01 ** np.arange(n), index=_idx(n))
    flat = pd.Series(1.0, index=_idx(n))
    reg = RO.relative_return_regime(up, flat, window=5)
    assert reg["state"].iloc[:5].isna().all()
    assert (reg["state"].iloc[5:] == 1).all()
    assert reg["relative"].iloc[5] == pytest.approx(1.01**5 - 1)


def test_regime_flips_lists_changes_and_filters_whipsaws():
    s = pd.Series([-1, -1, -1, 1, -1, -1, 1, 1, 1, 1, -1, -1], index=_idx(12), dtype="float64")
    every = RO.regime_flips(s)
    assert every["to"].tolist() == [RO.LEAD, RO.LAG, RO.LEAD, RO.LAG]
    assert every["date"].tolist() == [s.index[3], s.index[4], s.index[6], s.index[10]]
    assert every["held_days"].tolist() == [1, 2, 4, 2]
    # with confirm=2 the one-day blip on day 3 is ignored
    firm = RO.regime_flips(s, confirm=2)
    assert firm["date"].tolist() == [s.index[6], s.index[10]]
    assert firm["held_days"].tolist() == [4, 2]
    since = RO.regime_flips(s, since=s.index[5], until=s.index[8])
    assert since["date"].tolist() == [s.index[6]]
    assert RO.regime_flips(pd.Series(dtype="float64")).empty


def test_state_on_takes_last_state_on_or_before():
    s = pd.Series([np.nan, 1.0, -1.0], index=_idx(3))
    assert RO.state_on(s, s.index[1]) == 1.0
    assert RO.state_on(s, "2030-01-01") == -1.0
    assert np.isnan(RO.state_on(s, s.index[0]))


def test_long_view_percentile_and_drawdown():
    r = pd.Series([1.0, 3.0, 2.0, 4.0, 1.5], index=_idx(5))
    lv = RO.long_view(r)
    assert lv["percentile"] == pytest.approx(2 / 5)  # 1.0 and 1.5 are <= 1.5
    assert lv["drawdown"] == pytest.approx(1.5 / 4 - 1)
    assert lv["peak_date"] == r.index[3] and lv["trough_date"] == r.index[0]
    assert lv["change_since_first"] == pytest.approx(0.5)
    assert np.isnan(RO.long_view(pd.Series(dtype="float64"))["percentile"])


def test_year_end_close_requires_the_last_week_of_december():
    idx = pd.DatetimeIndex(["2025-12-10", "2025-12-30", "2026-01-02"])
    s = pd.Series([1.0, 2.0, 3.0], index=idx)
    assert RO.year_end_close(s, 2025) == (2.0, pd.Timestamp("2025-12-30"))
    assert np.isnan(RO.year_end_close(s.iloc[:1], 2025)[0])


def test_index_target_arithmetic():
    idx = pd.DatetimeIndex(["2025-12-31", "2026-03-31"])
    s = pd.Series([2500.0, 2600.0], index=idx)
    t = RO.index_target(s, 2850.0, 0.14, 2025)
    assert t["implied_base"] == pytest.approx(2850 / 1.14)
    assert t["gain_needed"] == pytest.approx(2850 / 2600 - 1)
    assert t["base_vs_implied"] == pytest.approx(2500 / (2850 / 1.14) - 1)
    assert t["gain_implied_by_actual_base"] == pytest.approx(0.14)
    assert t["progress"] == pytest.approx(100 / 350)
    # without a 2025 year-end close the base fields are NaN, the rest still computed
    t2 = RO.index_target(s.iloc[1:], 2850.0, 0.14, 2025)
    assert t2["base_date"] is None and np.isnan(t2["base_vs_implied"])
    assert t2["gain_needed"] == pytest.approx(2850 / 2600 - 1)


def test_index_target_on_snapshot_rut_matches_plain_pandas():
    rut = DataLayer("snapshot").prices(["^RUT"], "2025-06-01")["^RUT"]
    t = RO.index_target(rut, 2825.0, 0.14, 2025)
    close_2025 = rut[rut.index.year == 2025].iloc[-1]
    assert t["base_close"] == pytest.approx(close_2025)
    assert t["latest"] == pytest.approx(rut.iloc[-1])
    assert t["gain_needed"] == pytest.approx(2825 / rut.iloc[-1] - 1)


def _two_series():
    idx = pd.bdate_range("2025-09-01", "2026-02-27", name="date")
    n = len(idx)
    den = pd.Series(100.0, index=idx)
    num = pd.Series(100.0, index=idx)
    # flat until 2025-12-31, then +1% a day relative until 2026-01-16, then flat again
    burst = (idx > "2025-12-31") & (idx <= "2026-01-16")
    steps = np.where(burst, 1.01, 1.0)
    num = pd.Series(100.0 * np.cumprod(steps), index=idx)
    return num, den, n


def test_timing_check_detects_a_january_burst_and_no_late_2025_turn():
    num, den, _ = _two_series()
    state = pd.Series(-1.0, index=num.index)
    t = ROV.timing_check(num, den, state)
    days = len(num.loc["2025-12-31":"2026-01-16"]) - 1
    assert t["burst_days"] == days
    assert t["burst_relative"] == pytest.approx(1.01**days - 1)
    assert t["pace_relative"] == pytest.approx(0.0)
    assert t["began_late"] is False and t["flip_date"] is None
    assert t["burst_percentile"] == pytest.approx(1.0)
    assert t["accelerated"] is True


def test_timing_check_late_turn_and_short_data():
    num, den, _ = _two_series()
    state = pd.Series(-1.0, index=num.index)
    state.loc["2025-11-03":] = 1.0
    t = ROV.timing_check(num, den, state)
    assert t["began_late"] is True and t["flip_date"] == pd.Timestamp("2025-11-03")
    cut = ROV.timing_check(num.loc[:"2025-12-15"], den.loc[:"2025-12-15"], state.loc[:"2025-12-15"])
    assert cut["began_late"] is None and cut["accelerated"] is None


def test_claim_from_parts():
    assert ROV.claim_from_parts([True, True]) == "confirmed"
    assert ROV.claim_from_parts([False, False]) == "contradicted"
    assert ROV.claim_from_parts([True, False]) == "mixed"
    assert ROV.claim_from_parts([True, None]) == "unverifiable"
    assert ROV.claim_from_parts([]) == "unverifiable"


def test_sub_window_spreads_split_the_window():
    idx = pd.bdate_range("2025-01-01", periods=31, name="date")
    num = pd.Series(
        np.r_[np.linspace(100, 110, 11), np.linspace(110, 99, 10)[1:].tolist() + [99.0], np.linspace(99, 120, 11)[1:]],
        index=idx,
    )
    den = pd.Series(100.0, index=idx)
    subs = RO.sub_window_spreads(num, den, "2025-01-01", idx[-1], n=3)
    assert len(subs) == 3
    assert subs["from"].iloc[0] == idx[0] and subs["to"].iloc[-1] == idx[-1]
    assert subs["spread"].iloc[0] == pytest.approx(num.iloc[10] / 100 - 1)
    assert (np.sign(subs["spread"]).tolist()) == [1, -1, 1]
    assert RO.sub_window_spreads(num, den, idx[-2], idx[-1], n=3).empty


def test_rotation_verdict_rule():
    ok = pd.Series([0.01, -0.01, 0.02])
    assert ROV.rotation_verdict({"a": 0.1, "b": 0.2, "c": 0.01}, ok, 42, 100)[0] == "supported"
    assert ROV.rotation_verdict({"a": 0.1, "b": 0.2, "c": 0.01}, pd.Series([0.01, -0.01, -0.02]), 42, 100)[0] == "mixed"
    assert ROV.rotation_verdict({"a": 0.1, "b": -0.2, "c": 0.01}, ok, 42, 100)[0] == "mixed"
    assert ROV.rotation_verdict({"a": 0.1, "b": -0.2, "c": -0.01}, ok, 42, 100)[0] == "not supported"
    assert ROV.rotation_verdict({"a": 0.1, "b": 0.2, "c": 0.01}, ok, 42, 20)[0] == "inconclusive"
    assert ROV.rotation_verdict({"a": np.nan, "b": 0.2, "c": 0.01}, ok, 42, 100)[0] == "inconclusive"


def test_rotation_verdict_tally_counts_what_the_rule_weighed():
    verdict, tally = ROV.rotation_verdict({"a": 0.1, "b": -0.2, "c": 0.01}, pd.Series([0.01, -0.01, 0.02]), 42, 100)
    assert verdict == "mixed"
    assert tally == ROV.VerdictTally(100, 42, [], 2, 3, 2, 3)
    _, gap = ROV.rotation_verdict({"a": np.nan, "b": 0.2}, pd.Series([0.1]), 42, 100)
    assert gap.missing == ["a"] and gap.spreads == 2


def test_tracking_difference_and_error():
    idx = _idx(4)
    basket = pd.Series([100.0, 101.0, 102.0, 104.0], index=idx)
    fund = pd.Series([50.0, 50.5, 51.5, 51.5], index=idx)
    t = RO.tracking(basket, fund, idx[0])
    assert t["difference"] == pytest.approx(0.04 - 0.03)
    diffs = basket.pct_change().iloc[1:].to_numpy() - fund.pct_change().iloc[1:].to_numpy()
    assert t["error"] == pytest.approx(np.std(diffs, ddof=1) * np.sqrt(252))
    # a start between closes uses the last close on or before it as the base
    assert RO.tracking(basket, fund, "2024-01-02")["first"] == idx[1]
    assert np.isnan(RO.tracking(basket.iloc[:2], fund.iloc[:2], idx[0])["difference"])


def test_scoreboard_windows_risk_and_event_after_end():
    idx = pd.bdate_range("2024-12-02", "2025-06-30", name="date")
    px = pd.DataFrame({"A": 100 * 1.001 ** np.arange(len(idx)), "B": 100 * 0.999 ** np.arange(len(idx))}, index=idx)
    sb = RO.scoreboard(px, "2025-01-01", "2025-06-30", event_date="2025-08-01")
    assert sb["Name"].tolist() == ["A", "B"]  # sorted by the since-start return
    assert "Since event" not in sb.columns
    n = len(px.loc["2025-01-01":"2025-06-30"]) - 1  # bdate calendar: 2025-01-01 has a close, the base
    assert sb.set_index("Name").loc["A", "Since start"] == pytest.approx(1.001**n - 1)
    assert sb.set_index("Name").loc["B", "Max drawdown"] == pytest.approx(0.999**n - 1)
    sb2 = RO.scoreboard(px, "2025-01-01", "2025-06-30", event_date="2025-03-03")
    assert "Since event" in sb2.columns


def test_pair_tables_on_synthetic_prices():
    idx = pd.bdate_range("2024-01-01", "2025-06-30", name="date")
    k = np.arange(len(idx))
    px = pd.DataFrame(
        {
            "SPY": 100 * 1.0005**k,
            "IWM": 100 * 1.0008**k,
            "IJH": 100 * 1.0002**k,
            "RSP": 100.0 + 0 * k,
            "Other 493 (cap)": 100 * 1.0006**k,
            "Mag 7 (cap)": 100 * 1.0004**k,
        },
        index=idx,
    )
    pairs = RO.rotation_pairs("SPY")
    lines = RO.relative_lines(px, pairs, "2025-01-01", "2025-06-30")
    assert lines.iloc[0].tolist() == pytest.approx([100.0] * 4)
    assert lines["IWM / SPY"].iloc[-1] > 100 > lines["IJH / SPY"].iloc[-1]
    sp = RO.spread_table(px, pairs, "2025-01-01", "2025-06-30", event_date="2025-03-03").set_index("Line")
    assert sp.loc["IWM / SPY", "Since start"] > 0 > sp.loc["RSP / SPY", "Since start"]
    assert "Since event" in sp.columns
    assert "Since event" not in RO.spread_table(px, pairs, "2025-01-01", "2025-06-30", "2025-07-01").columns
    flips, states = RO.flips_by_pair(px, pairs, 5, 20, "2024-01-01", "2025-06-30")
    assert flips.empty  # monotone ratios never flip
    st = states.set_index("Line")["Leader at end"].to_dict()
    assert st == {
        "IWM / SPY": "IWM",
        "IJH / SPY": "SPY",
        "RSP / SPY": "SPY",
        "Other 493 / Mag 7 (cap)": "Other 493 (cap)",
    }
    tt = RO.tracking_table(px, [("Mag 7 (cap)", "SPY"), ("Mag 7 (cap)", "MAGS")], "2025-01-01", "2025-06-30")
    assert tt["Fund"].tolist() == ["SPY"]


def test_event_in_window_and_require_columns():
    assert RO.event_in_window("2026-01-13", "2026-07-13")
    assert not RO.event_in_window("2026-01-13", "2025-12-31")
    assert not RO.event_in_window(None, "2025-12-31")
    with pytest.raises(BadInputError, match="XYZ"):
        RO.require_columns(pd.DataFrame(columns=["SPY"]), ["SPY", "XYZ"], "benchmark")


def test_returns_are_nan_when_a_series_starts_after_the_anchor():
    idx = pd.bdate_range("2024-12-02", "2025-06-30", name="date")
    late = pd.Series(np.nan, index=idx)
    late.loc["2025-03-03":] = 100.0 * 1.001 ** np.arange(len(late.loc["2025-03-03":]))
    px = pd.DataFrame({"A": 100 * 1.001 ** np.arange(len(idx)), "LATE": late}, index=idx)
    sb = RO.scoreboard(px, "2025-01-01", "2025-06-30").set_index("Name")
    assert np.isnan(sb.loc["LATE", "Since start"]) and np.isnan(sb.loc["LATE", "Volatility"])
    assert sb.loc["LATE", "1M"] == pytest.approx(px["LATE"].iloc[-1] / px["LATE"].loc[:"2025-05-30"].iloc[-1] - 1)
    assert sb.index[0] == "A"  # the NaN row sorts last
    assert np.isnan(RO.relative_return(px["LATE"], px["A"], "2025-01-01"))
    assert RO.covers(px["LATE"], "2025-03-03") and not RO.covers(px["LATE"], "2025-02-28")
    lines = RO.relative_lines(
        px.assign(B=px["A"]), {"late": ("LATE", "A"), "ok": ("A", "B")}, "2025-01-01", "2025-06-30"
    )
    assert list(lines.columns) == ["ok"]


def test_target_verdict_judges_the_year_so_far_and_then_its_close():
    idx = pd.DatetimeIndex(["2025-12-31", "2026-07-13"])
    s = pd.Series([2480.0, 2950.0], index=idx)
    # during 2026: the latest close against the target (the report marks it provisional)
    assert ROV.target_verdict(s, 2825.0) == "confirmed"
    assert ROV.target_verdict(s, 3000.0) == "contradicted"
    assert ROV.target_verdict(s.iloc[:1], 2825.0) == "forecast pending"
    assert ROV.target_verdict(s.iloc[1:], 2825.0) == "unverifiable"
    done = pd.concat([s, pd.Series([2700.0], index=[pd.Timestamp("2026-12-31")])])
    assert ROV.target_verdict(done, 2825.0) == "contradicted"
    assert ROV.target_verdict(done, 2600.0) == "confirmed"


def test_mega_cap_year_check_rule():
    idx = pd.DatetimeIndex(["2024-06-28", "2024-12-31", "2025-06-30", "2025-12-31"])
    bench = pd.Series([100.0, 110.0, 120.0, 115.0], index=idx)
    yr = pd.Series({"Mag 7 (cap)": 0.25, "Other 493 (cap)": 0.10})
    flat_members = pd.Series([-0.02, 0.01, 0.03, 0.30])
    out = ROV.mega_cap_year_check(yr, flat_members, bench)
    assert out["record"] and out["carried"] and out["sideways"]
    assert out["median_member"] == pytest.approx(0.02) and out["verdict"] == "confirmed"
    strong = ROV.mega_cap_year_check(yr, flat_members + 0.10, bench)
    assert strong["sideways"] is False and strong["verdict"] == "mixed"
    no_record = ROV.mega_cap_year_check(yr, flat_members + 0.10, bench.clip(upper=105.0))
    assert no_record["record"] is False and no_record["verdict"] == "contradicted"


# ---- coverage helpers: windows the data do not reach ------------------------------
def _late_frame():
    idx = pd.bdate_range("2000-01-03", periods=10, name="date")
    px = pd.DataFrame({"SPY": np.arange(10, 20.0), "IWM": [np.nan] * 4 + list(np.arange(6, 12.0))}, index=idx)
    return idx, px


def test_history_gaps_name_the_first_price_or_its_absence():
    idx, px = _late_frame()
    gaps = RC.history_gaps(px, ["SPY", "IWM", "RSP"], idx[0], idx[-1])
    assert set(gaps) == {"IWM", "RSP"}
    assert gaps["IWM"] == RC.SeriesGap("IWM", idx[4], idx[-1])
    assert gaps["RSP"] == RC.SeriesGap("RSP", None, idx[-1])
    assert coverage_words.reason(gaps["IWM"]) == f"IWM has no prices before {idx[4]:%Y-%m-%d}"
    assert coverage_words.reason(gaps["RSP"]) == f"RSP has no prices up to {idx[-1]:%Y-%m-%d} in this source"
    # from a start inside IWM's history nothing is missing but RSP
    assert set(RC.history_gaps(px, ["SPY", "IWM", "RSP"], idx[5], idx[-1])) == {"RSP"}


def test_basket_gaps_name_the_missing_input():
    idx = pd.bdate_range("2008-01-01", periods=5, name="date")
    levels = pd.DataFrame(
        {"Mag 7 (cap)": np.nan, "Mag 7 (equal)": 1.0, "Other 493 (cap)": np.nan, "Other 493 (equal)": np.nan}, index=idx
    )
    cover = pd.DataFrame(
        [
            {"date": idx[0], "group": "Mag 7", "members": 7, "with_prices": 5, "cap_share_with_prices": np.nan},
            {"date": idx[0], "group": "Other 493", "members": 0, "with_prices": 0, "cap_share_with_prices": np.nan},
        ]
    )
    gaps = RC.basket_gaps(levels, cover, idx[0], idx[-1], members_from="2012-12-27", caps_from=None)
    assert set(gaps) == {"Mag 7 (cap)", "Other 493 (cap)", "Other 493 (equal)"}
    assert gaps["Other 493 (equal)"] == RC.BasketGap("Other 493 (equal)", "members", pd.Timestamp("2012-12-27"))
    assert gaps["Mag 7 (cap)"] == RC.BasketGap("Mag 7 (cap)", "caps", idx[-1])
    later_caps = RC.basket_gaps(levels, cover, idx[0], idx[-1], caps_from="2021-01-29")
    assert later_caps["Mag 7 (cap)"] == RC.BasketGap("Mag 7 (cap)", "caps_late", pd.Timestamp("2021-01-29"))
    assert later_caps["Other 493 (cap)"] == RC.BasketGap("Other 493 (cap)", "members", None)
    priced_none = cover.assign(members=[7, 490])
    assert RC.basket_gaps(levels, priced_none, idx[0], idx[-1])["Other 493 (equal)"].missing == "prices"
    late = levels.assign(**{"Other 493 (equal)": [np.nan, np.nan, 1.0, 1.0, 1.0]})
    cover_ok = cover.assign(members=[7, 490], with_prices=[5, 480])
    assert RC.basket_gaps(late, cover_ok, idx[0], idx[-1])["Other 493 (equal)"] == RC.BasketGap(
        "Other 493 (equal)", "level", idx[2]
    )


def test_pair_gaps_gap_note_and_with_columns():
    idx, px = _late_frame()
    gaps = RC.history_gaps(px, ["SPY", "IWM", "RSP"], idx[0], idx[-1])
    pairs = {"IWM / SPY": ("IWM", "SPY"), "RSP / SPY": ("RSP", "SPY"), "SPY / SPY": ("SPY", "SPY")}
    assert set(coverage_words.pair_gaps(pairs, gaps)) == {"IWM / SPY", "RSP / SPY"}
    assert coverage_words.gap_note(gaps, ["SPY"]) == ""
    assert coverage_words.gap_note(gaps) == "; ".join(coverage_words.reasons(gaps).values())
    assert coverage_words.pair_gaps(pairs, gaps)["IWM / SPY"] == coverage_words.reason(gaps["IWM"])
    wide = RC.with_columns(px, ["SPY", "RSP"])
    assert list(wide.columns) == ["SPY", "IWM", "RSP"] and wide["RSP"].isna().all()
    assert RC.with_columns(px, ["SPY"]) is px
    # a missing fund gives NaN spreads, not a KeyError
    assert np.isnan(RO.relative_return(wide["RSP"], wide["SPY"], idx[0]))


def test_require_start_rejects_a_missing_start():
    with pytest.raises(BadInputError, match="start: a window start date is required"):
        RO.require_start(None)
    assert RO.require_start(pd.Timestamp("2025-01-01")) is None


def test_load_starts_leave_room_for_the_averages():
    lookback, basket_from = RO.load_starts(pd.Timestamp("2025-06-02"), 200, 200, "2024-01-01")
    assert lookback == pd.Timestamp("2025-06-02") - pd.Timedelta(days=315)
    assert basket_from == pd.Timestamp("2024-01-01") - pd.Timedelta(days=315)
    # a later flips_since still reaches back before 2024-12-01 (the Q4 2025 timing claim)
    _, later = RO.load_starts("2026-01-05", 50, 20, "2026-01-01")
    assert later == pd.Timestamp("2024-12-01") - pd.Timedelta(days=45)


def _board(event=True):
    # ordered best first, as scoreboard() returns it
    return pd.DataFrame(
        {
            "Name": ["Mag 7 (cap)", "IWM", "SPY", "Other 493 (cap)", "QQQ"],
            "Since start": [0.20, 0.15, 0.10, 0.05, np.nan],
            "Since event": [-0.01, 0.05, 0.02, 0.03, np.nan] if event else [np.nan] * 5,
        }
    )


def test_headline_spreads_reads_the_scoreboard():
    iwm, o_m, ev = RO.headline_spreads(_board(), "SPY", True)
    assert iwm == pytest.approx(0.05) and o_m == pytest.approx(-0.15) and ev == pytest.approx(0.03)
    assert RO.headline_spreads(_board(), "SPY", False)[2] is None


def test_verdict_spreads_fall_back_to_equal_weights_without_caps():
    idx = _idx(4)
    core = pd.DataFrame({"SPY": [100, 101, 102, 104.0], "IJH": [50, 51, 52, 54.0]}, index=idx)
    panel = core.assign(**{"Other 493 (equal)": [10, 10, 11, 12.0], "Mag 7 (equal)": [20, 20, 20, 20.0]})
    spreads, legs = ROV.verdict_spreads(
        core, panel, ["Mag 7 (cap)", "Other 493 (cap)"], "SPY", idx[0], idx[-1], RO.HeadlineSpreads(0.01, -0.02, None)
    )
    assert list(spreads) == ["IWM - SPY", "IJH - SPY", "Other 493 - Mag 7 (cap)"]
    assert spreads["IJH - SPY"] == pytest.approx(54 / 50 - 104 / 100) and spreads["Other 493 - Mag 7 (cap)"] == -0.02
    assert legs["IJH - SPY"] == ["IJH", "SPY"] and legs["Other 493 - Mag 7 (cap)"] == ["Mag 7 (cap)", "Other 493 (cap)"]
    spreads, legs = ROV.verdict_spreads(
        core, panel, ["x"], "SPY", idx[0], idx[-1], RO.HeadlineSpreads(0.01, np.nan, None)
    )
    assert (
        spreads["Other 493 - Mag 7 (equal; no caps)"] == pytest.approx(12 / 10 - 1)
        and "Other 493 - Mag 7 (cap)" not in legs
    )


def test_spread_directions_sort_lines_by_sign_and_data():
    pairs = RO.rotation_pairs("SPY")
    spreads = pd.DataFrame(
        {"Line": list(pairs), "Since start": [0.03, -0.01, np.nan, 0.0], "Since event": [0.01, -0.02, np.nan, 0.02]}
    )
    d = RO.spread_directions(spreads, pairs)
    assert d.up == ["IWM / SPY"] and d.down == ["IJH / SPY", "Other 493 / Mag 7 (cap)"] and d.gone == ["RSP / SPY"]
    assert d.event_up == ["IWM / SPY", "Other 493 / Mag 7 (cap)"] and d.lines == 4
    no_event = RO.spread_directions(spreads.drop(columns="Since event").iloc[:2], pairs)
    assert no_event.event_up == [] and set(no_event.gone) == {"RSP / SPY", "Other 493 / Mag 7 (cap)"}


def test_coverage_in_window_reads_the_rebalances_from_the_start():
    cover = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-12-31", "2024-12-31", "2025-01-31", "2025-01-31"]),
            "group": ["Mag 7", "Other 493"] * 2,
            "members": [7, 490, 7, 492],
            "with_prices": [6, 470, 7, 480],
            "cap_share_with_prices": [np.nan, 0.97, np.nan, 0.99],
        }
    )
    cov = RC.coverage_in_window(cover, "2025-01-01")
    assert (cov.other_min, cov.other_max, cov.other_members, cov.mag_min, cov.mag_members) == (480, 480, 492, 7, 7)
    assert cov.cap_share_min == pytest.approx(0.99)
    assert RC.coverage_in_window(cover, "2024-12-01").mag_min == 6
    unknown = RC.coverage_in_window(cover.assign(members=0, with_prices=0), "2024-12-01")
    assert unknown.other_members is None and np.isnan(unknown.cap_share_min)


def test_calendar_year_and_its_table():
    idx = pd.to_datetime(["2024-12-31", "2025-06-30", "2025-12-31"])
    returns = pd.DataFrame({"SPY": [0.2, 0.1], "IWM": [0.1, 0.05]}, index=pd.Index([2024, 2025], name="year"))
    members = pd.DataFrame({"A": [10.0, 11.0, 12.0], "B": [10.0, 9.0, 10.5]}, index=idx)
    assert RO.calendar_year(returns, None, 2025) is None
    year = RO.calendar_year(returns, members, 2025)
    assert year.series.to_dict() == {"SPY": 0.1, "IWM": 0.05}
    assert year.members.to_dict() == pytest.approx({"A": 0.2, "B": 0.05})
    table = RO.calendar_year_table(year).set_index("Series")["2025 total return"]
    assert table["Median Other 493 member"] == pytest.approx(0.125)
    assert table["Russell 2000 total return (royceinvest)"] == 0.128 and table["IWM"] == 0.05


def test_named_steps_of_the_cells():
    idx = _idx(6)
    assert RO.event_inside("2024-01-03", idx[-1]) == pd.Timestamp("2024-01-03")
    assert RO.event_inside("2024-02-01", idx[-1]) is None and RO.event_inside(None, idx[-1]) is None
    cuts = pd.Series(pd.to_datetime(["2023-12-13", "2024-01-03", "2024-03-20"]))
    assert RO.cuts_between(cuts, idx[0], idx[-1]) == [pd.Timestamp("2024-01-03")]
    assert RO.flip_start("2024-01-01", "2025-01-01") == pd.Timestamp("2024-01-01")
    assert RO.flip_start("2024-01-01", "2023-06-01") == pd.Timestamp("2023-06-01")
    levels = pd.Series(1.0, index=pd.bdate_range("2024-06-03", "2026-01-30"))
    assert RO.target_chart_levels(levels, "2025-06-02").index[0] == pd.Timestamp("2025-01-01")
    assert RO.target_chart_levels(levels, "2024-07-01").index[0] == pd.Timestamp("2024-07-01")
    panel = pd.DataFrame({"B1": [np.nan] * 6, "B2": [2.0, 4, 4, 4, 4, 4], "RSP": [1.0] * 6}, index=idx)
    lines = RO.basket_lines(panel, ["B1", "B2"], idx[0], idx[-1])
    assert list(lines.columns) == ["B2", "RSP"] and lines["B2"].iloc[-1] == pytest.approx(200.0)
    core = pd.DataFrame({"IWM": [1.0, 2, 3, 4, 5, 6], "SPY": [1.0] * 6}, index=idx)
    assert RO.long_ratio(core, "IWM", "SPY", idx[2]).tolist() == [3.0, 4.0, 5.0, 6.0]
    flips = pd.DataFrame({"Line": ["a", "b", "a"], "date": idx[:3]})
    assert RO.flips_of(flips, "a")["date"].tolist() == [idx[0], idx[2]]


def test_timing_table_and_verdict():
    part = {"flip_date": None, "began_late": True, "pace_relative": 0.01, "burst_relative": 0.02}
    checks = {
        "IWM": part | {"burst_percentile": 0.95, "accelerated": True},
        "IJH": part | {"burst_percentile": 0.5, "accelerated": False},
    }
    table = ROV.timing_table(checks)
    assert table["Fund"].tolist() == ["IWM", "IJH"] and table["Accelerated"].tolist() == [True, False]
    assert ROV.timing_verdict(checks) == "mixed"
    assert ROV.timing_verdict({f: v | {"accelerated": True} for f, v in checks.items()}) == "confirmed"
    assert ROV.timing_verdict({f: v | {"began_late": None} for f, v in checks.items()}) == "unverifiable"
    assert ROV.mega_cap_year(None, pd.Series(dtype=float)) == {"verdict": "unverifiable"}
