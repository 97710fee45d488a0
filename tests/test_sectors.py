"""Unit tests for rotation_utils.analytics.sectors on small hand-made price paths.

Expected values are worked out by hand from the inputs (or with plain pandas
written here), never by calling the function under test.
"""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import sectors as S
from rotation_utils.analytics import sectors_verdicts as SV
from rotation_utils.errors import BadInputError


def _year_end_prices():
    """Business days 2018-12-03 .. 2021-06-30; A and B step at each year end, C lists in 2020."""
    idx = pd.bdate_range("2018-12-03", "2021-06-30", name="date")
    a = pd.Series(100.0, index=idx)
    a[idx > "2018-12-31"] = 110.0  # 2019: +10%
    a[idx > "2019-12-31"] = 99.0  # 2020: -10%
    a[idx > "2020-12-31"] = 148.5  # 2021 to June: +50%
    b = pd.Series(50.0, index=idx)
    b[idx > "2019-12-31"] = 60.0  # 2019: 0%, 2020: +20%, 2021: 0%
    c = pd.Series(np.nan, index=idx)
    c[idx >= "2020-03-02"] = 10.0
    c[idx > "2020-12-31"] = 12.0  # listed 2020: first year NaN; 2021: +20%
    return pd.DataFrame({"A": a, "B": b, "C": c})


def test_calendar_table_recomputed_by_hand_and_flags_ytd():
    years, complete = S.calendar_table(_year_end_prices(), 2019)
    assert list(years.index) == [2019, 2020, 2021]
    assert years.at[2019, "A"] == pytest.approx(0.10)
    assert years.at[2020, "A"] == pytest.approx(-0.10)
    assert years.at[2021, "A"] == pytest.approx(0.50)
    assert years.at[2019, "B"] == pytest.approx(0.0)
    assert years.at[2020, "B"] == pytest.approx(0.20)
    assert np.isnan(years.at[2020, "C"])  # listing year: no prior year-end close
    assert years.at[2021, "C"] == pytest.approx(0.20)
    assert complete.to_dict() == {2019: True, 2020: True, 2021: False}
    assert S.year_labels(complete) == ["2019", "2020", "2021 YTD"]


def test_calendar_table_window_inside_one_year_gives_ytd_row():
    px = _year_end_prices()
    years, complete = S.calendar_table(px, 2019, end="2020-06-30")
    assert list(years.index) == [2019, 2020]
    assert complete.to_dict() == {2019: True, 2020: False}
    # 2020 to 30 June for A: flat at 99 since the year end close of 110
    assert years.at[2020, "A"] == pytest.approx(99 / 110 - 1)


def test_calendar_table_needs_a_prior_year_end():
    px = _year_end_prices().loc["2019-01-02":]
    with pytest.raises(BadInputError):
        S.calendar_table(px, 2019)


def test_year_complete_uses_last_weekday():
    # 2023-12-31 is a Sunday: data ending Friday 29 December complete the year
    assert S.year_is_complete(2023, "2023-12-29")
    assert not S.year_is_complete(2023, "2023-12-28")
    assert S.last_trading_day_of_year(2024) == pd.Timestamp("2024-12-31")


def test_period_returns_monthly_relative_and_leaders():
    idx = pd.bdate_range("2024-12-02", "2025-03-14", name="date")
    spy = pd.Series(100.0, index=idx)
    x = pd.Series(100.0, index=idx)
    y = pd.Series(100.0, index=idx)
    x[idx >= "2025-01-15"] = 110.0  # X +10% in January
    y[idx >= "2025-02-10"] = 120.0  # Y +20% in February
    spy[idx >= "2025-03-03"] = 105.0  # SPY +5% in March (partial month)
    px = pd.DataFrame({"SPY": spy, "X": x, "Y": y})
    m = S.period_returns(px, "2025-01-01", freq="ME")
    assert [str(p) for p in m.index] == ["2025-01", "2025-02", "2025-03"]
    assert m.at[pd.Period("2025-01", "M"), "X"] == pytest.approx(0.10)
    rel = S.relative_to(m, "SPY")
    assert list(rel.columns) == ["X", "Y"]
    assert rel.at[pd.Period("2025-03", "M"), "X"] == pytest.approx(-0.05)
    lead = S.leaders_by_period(rel)
    assert lead["leader"].tolist() == ["X", "Y", "X"]  # March: both -5 pp, first wins the tie
    assert lead.loc[1, "leader_rel"] == pytest.approx(0.20)
    assert S.leadership_changes(lead) == 2
    with pytest.raises(BadInputError):
        S.relative_to(m, "QQQ")


def test_period_returns_quarterly_base_is_close_before_start():
    idx = pd.bdate_range("2024-12-20", "2025-06-30", name="date")
    s = pd.Series(np.linspace(100, 200, len(idx)), index=idx)
    q = S.period_returns(pd.DataFrame({"A": s}), "2025-01-01", freq="QE")
    base = s.loc[:"2025-01-01"].iloc[-1]
    q1_end = s.loc[:"2025-03-31"].iloc[-1]
    assert q.iloc[0, 0] == pytest.approx(q1_end / base - 1)
    assert q.iloc[1, 0] == pytest.approx(s.iloc[-1] / q1_end - 1)


def test_suspect_prints_flags_reversed_spikes_not_news_days():
    idx = pd.bdate_range("2025-01-01", periods=8, name="date")
    bad = pd.Series([10, 10, 0.8, 10, 10, 10, 10, 10], index=idx, dtype=float)  # -92% then back
    news = pd.Series([10, 10, 34.9, 22, 22, 22, 22, 22], index=idx, dtype=float)  # +249% then -37%
    calm = pd.Series(np.linspace(10, 11, 8), index=idx)
    px = pd.DataFrame({"BAD": bad, "NEWS": news, "CALM": calm})
    sp = S.suspect_prints(px)
    assert sp["ticker"].tolist() == ["BAD"]
    assert sp["date"].iloc[0] == idx[2]
    assert sp["move"].iloc[0] == pytest.approx(-0.92)
    clean = S.neutralise_prints(px, sp)
    assert clean.at[idx[2], "BAD"] == 10.0
    assert px.at[idx[2], "BAD"] == 0.8  # the source frame is untouched
    assert S.suspect_prints(calm.to_frame("CALM")).empty


def test_unconfirmed_last_moves():
    idx = pd.bdate_range("2025-01-01", periods=3, name="date")
    px = pd.DataFrame({"UP": [1.0, 1.0, 2.0], "FLAT": [1.0, 1.0, 1.01]}, index=idx)
    assert S.unconfirmed_last_moves(px) == ["UP"]


def test_member_returns_breadth_and_leaders():
    idx = pd.bdate_range("2024-12-27", "2025-03-31", name="date")
    px = pd.DataFrame({t: 10.0 for t in "ABCDE"}, index=idx)
    px.loc[idx[-1], ["A", "B", "C", "D"]] = [20.0, 15.0, 11.0, 5.0]
    px.loc[:"2025-02-01", "E"] = np.nan  # listed after the start: left out
    r = S.member_returns(px, "2025-01-01")
    assert sorted(r.index) == ["A", "B", "C", "D"]
    assert r["A"] == pytest.approx(1.0)
    b = S.breadth(r, index_return=0.2)
    assert (b["members"], b["beat"]) == (4, 2)
    assert b["share_beat"] == pytest.approx(0.5)
    assert b["median"] == pytest.approx((0.5 + 0.1) / 2)
    info = pd.DataFrame(
        {"name": ["ALPHA INC", "B", "C", "D"], "sector": ["Tech", "Tech", "Health", "Health"]},
        index=["A", "B", "C", "D"],
    )
    top, bottom = S.leaders_laggards(r, info, n=2, flagged={"D"})
    assert top["Ticker"].tolist() == ["A", "B"]
    assert top["Name"].iloc[0] == "Alpha Inc"
    assert bottom["Ticker"].tolist() == ["D", "C"]
    assert bottom["Suspect print"].tolist() == ["yes", ""]
    by = S.sector_breadth(r, info["sector"], 0.2)
    assert by.set_index("sector").loc["Tech", "share_beat"] == 1.0
    assert by.set_index("sector").loc["Health", "share_beat"] == 0.0
    assert by["sector"].iloc[0] == "Tech"


def test_member_coverage_counts():
    idx = pd.bdate_range("2025-01-01", "2025-03-31", name="date")
    px = pd.DataFrame({"A": 1.0, "B": 1.0, "C": 1.0}, index=idx)
    px.loc[:"2025-02-01", "B"] = np.nan  # lists later
    px.loc["2025-03-01":, "C"] = np.nan  # stops early
    cov = S.member_coverage(["A", "B", "C", "GONE"], px, "2025-01-02")
    assert (cov["holdings"], cov["with_prices"], cov["full_window"]) == (4, 3, 2)
    assert (cov["listed_later"], cov["no_prices"], cov["stopped_early"]) == (1, 1, 1)
    assert cov["no_price_tickers"] == ["GONE"]


def test_equal_weight_basket_matches_hand_computation():
    idx = pd.bdate_range("2025-01-01", "2025-01-31", name="date")
    a = pd.Series(10.0, index=idx)
    b = pd.Series(20.0, index=idx)
    a.iloc[-1] = 12.0  # +20%
    b.iloc[-1] = 18.0  # -10%
    px = pd.DataFrame({"A": a, "B": b})
    lvl = S.equal_weight_basket(px, ["A", "B", "MISSING"], "2025-01-01")
    assert lvl.iloc[0] == pytest.approx(1.0)
    assert lvl.iloc[-1] == pytest.approx(1 + (0.2 - 0.1) / 2)
    assert S.equal_weight_basket(px, ["NONE"], "2025-01-01").empty


def test_sector_weights_normalise_per_file():
    h = pd.DataFrame(
        {
            "holdings_date": pd.to_datetime(["2025-01-01"] * 3 + ["2025-06-01"] * 2),
            "sector": ["Tech", "Tech", "Health", "Tech", "Health"],
            "weight_pct": [30.0, 20.0, 49.0, 40.0, 60.0],
        }
    )
    w = S.sector_weights(h)
    assert list(w.columns) == ["2025-01-01", "2025-06-01"]
    assert w.at["Tech", "2025-01-01"] == pytest.approx(50 / 99)
    assert w.at["Health", "2025-06-01"] == pytest.approx(0.6)
    assert w.index[0] == "Health"  # sorted by the latest file
    assert S.sector_members(
        pd.DataFrame({"ticker": ["X", "Y", "X"], "sector": ["Tech", "Health", "Tech"]}), "Tech"
    ) == ["X"]


def _years(rows):
    years = pd.DataFrame(rows).T
    years.index.name = "year"
    return years


def test_a7_rules():
    years = _years(
        {2023: {"KBWB": -0.01, "SPY": 0.26}, 2024: {"KBWB": 0.31, "SPY": 0.23}, 2025: {"KBWB": 0.30, "SPY": 0.16}}
    )
    done = pd.Series({2023: True, 2024: True, 2025: True})
    a = SV.a7_assessment(years, done)
    assert a["verdict"] == "contradicted"
    assert (a["beaten"], a["lagged"], a["complete_years"]) == (2, 1, 3)
    assert a["table"]["difference"].tolist() == pytest.approx([-0.27, 0.08, 0.14])
    assert "2023: KBWB -1.0% vs SPY +26.0%, lagged by 27.0 pp" in a["evidence"]
    beat_all = years.assign(KBWB=years["SPY"] + 0.05)
    assert SV.a7_assessment(beat_all, done)["verdict"] == "confirmed"
    # 2025 only year to date and no lagging complete year: cannot be confirmed
    partial = SV.a7_assessment(beat_all, pd.Series({2023: True, 2024: True, 2025: False}))
    assert partial["verdict"] == "unverifiable"
    assert "not counted" in partial["evidence"]
    missing = SV.a7_assessment(beat_all.loc[[2023]], pd.Series({2023: True}))
    assert missing["verdict"] == "unverifiable"
    assert "2025: not in the data" in missing["evidence"]


def test_a9_rules():
    base = {"SPY": 0.10, "IWM": 0.12, "IBB": 0.50, "XLV": 0.50, "KBWB": 0.50}
    years = _years({2026: {**base, "XBI": 0.40, "KRE": 0.50}})
    done = pd.Series({2026: False})
    a = SV.a9_assessment(years, done, trading_days=100)
    # the named segments: small-cap healthcare is XBI, mid-cap banks KRE (large-cap IBB, XLV, KBWB do not count)
    assert a["verdict"] == "confirmed" and a["leads"] == {"Small-cap healthcare": True, "Mid-cap banks": True}
    avg = a["table"].set_index("ticker").loc["Small-cap healthcare average"]
    assert avg["return"] == pytest.approx(0.40)
    assert avg["minus IWM"] == pytest.approx(0.28)
    assert "not over" in a["evidence"] and "small-cap healthcare (XBI)" in a["evidence"]
    assert set(a["table"]["ticker"]) == {"XBI", "KRE", "Small-cap healthcare average", "Mid-cap banks average"}
    one = SV.a9_assessment(_years({2026: {**base, "XBI": 0.40, "KRE": 0.10}}), done, trading_days=100)
    assert one["verdict"] == "mixed"
    none = SV.a9_assessment(_years({2026: {**base, "XBI": 0.10, "KRE": 0.10}}), done, trading_days=100)
    assert none["verdict"] == "contradicted"  # large-cap healthcare and banks leading do not help
    early = SV.a9_assessment(_years({2025: base}), pd.Series({2025: True}), trading_days=0)
    assert early["verdict"] == "unverifiable" and "no 2026 data" in early["evidence"]
    short = SV.a9_assessment(years, done, trading_days=5)
    assert short["verdict"] == "unverifiable" and "only 5 trading days" in short["evidence"]


def test_named_sector_verdict():
    win = pd.Series({"SPY": 0.2, "KBWB": 0.9, "KRE": 0.25, "XBI": 0.1, "XLI": 0.25})
    v = SV.named_sector_verdict(win)
    assert v["value"] == "mixed"  # mid-cap banks (KRE) and XLI beat, XBI lagged; KBWB is not a mid-cap bank
    assert v["table"].set_index("group").loc["Mid-cap banks", "return"] == pytest.approx(0.25)
    assert SV.named_sector_verdict(win.drop("XLI"))["value"] == "inconclusive"
    assert SV.named_sector_verdict(pd.Series({**win, "XBI": 0.5}))["value"] == "supported"
    assert SV.named_sector_verdict(pd.Series({**win, "SPY": 0.9}))["value"] == "not supported"


def test_a7_counts_only_years_inside_the_window():
    years = _years(
        {2023: {"KBWB": -0.01, "SPY": 0.26}, 2024: {"KBWB": 0.31, "SPY": 0.23}, 2025: {"KBWB": 0.30, "SPY": 0.16}}
    )
    done = pd.Series({2023: True, 2024: True, 2025: True})
    inside = SV.window_years("2024-01-01", "2024-12-31", years.index)
    assert inside == [2024]
    a = SV.a7_assessment(years, done, inside=inside)
    # 2023 (the lagging year) is outside the window: not counted, so 2024 alone cannot confirm three years
    assert a["verdict"] == "unverifiable" and a["complete_years"] == 1
    # its evidence gives the reason and no figure for a year outside the window
    assert a["evidence"].startswith("Unverifiable on this window: 1 of the 3 claimed years is complete inside it")
    assert "2023: outside the window, not judged" in a["evidence"] and "27.0" not in a["evidence"]
    assert SV.window_years("2023-01-01", "2026-07-13", [2023, 2024, 2025, 2026]) == [2023, 2024, 2025]


def test_thesis_window_is_2026_inside_the_run():
    from rotation_utils import periods

    p = periods.register_periods()["A9"]
    idx = pd.bdate_range("2025-12-01", "2026-07-13").drop(pd.Timestamp("2026-01-01"))  # New Year: no session
    cov = periods.coverage(p, "2023-01-01", "2026-07-13", idx)
    t = SV.thesis_window(idx, "2023-01-01", cov)
    assert t["start"] == pd.Timestamp("2026-01-01") and t["end"] == pd.Timestamp("2026-07-13")
    assert t["base"] == pd.Timestamp("2025-12-31")  # the close the returns run from, as the label says
    assert t["label"].startswith("2025-12-31 to 2026-07-13 (")
    assert t["days"] == int(((idx > "2025-12-31") & (idx <= "2026-07-13")).sum())  # returns from the 2025 close
    assert "trading days of 2026 so far" in t["label"]
    none = SV.thesis_window(idx, "2024-01-01", periods.coverage(p, "2024-01-01", "2024-12-31"))
    assert none["start"] is None and "the window ends 2024-12-31" in none["label"]


def test_sector_set_validation():
    assert S.sector_set(["xlk", "XLK", " KRE "], "SPY", "XLK") == ["XLK", "KRE", "SPY"]
    assert S.sector_set("XLF") == ["XLF"]
    with pytest.raises(BadInputError):
        S.sector_set([])
    with pytest.raises(BadInputError):
        S.sector_set(5)


def test_member_caveats_follow_the_inputs():
    cov = {"holdings": 10, "no_prices": 2, "listed_later": 1, "stopped_early": 0}
    prints = pd.DataFrame({"ticker": ["BAD"], "date": [pd.Timestamp("2025-03-03")]})
    late = S.member_caveats(cov, "2025-05-13", "2025-01-01", prints, ["JUMP"])
    assert "IWM holdings as of 2025-05-13, 132 days after the window start 2025-01-01" in late[0]
    assert "look-ahead" in late[0]
    assert "2 of 10 holdings" in late[1] and "survivors only" in late[1]
    assert "1 in the window (BAD)" in late[2] and "(JUMP)" in late[2]
    assert "after the window end" not in late[0]
    # a window that ends before the only file: the caveat names the file and says so
    ended = S.member_caveats(cov, "2025-05-13", "2024-01-01", prints, [], end="2024-12-31")
    assert "IWM holdings as of 2025-05-13, after the window end 2024-12-31" in ended[0]
    on_time = S.member_caveats({**cov, "stopped_early": 3}, "2025-05-13", "2025-06-01", prints.iloc[:0], [])
    assert "point-in-time" in on_time[0] and "look-ahead" not in on_time[0]
    assert "3 stop trading early" in on_time[1]
    assert "0 in the window (none)" in on_time[2]


# ---- windows the funds do not cover -------------------------------------------
def test_full_window_returns_leave_out_funds_listed_inside_the_window():
    idx = pd.bdate_range("2011-01-03", periods=6, name="date")
    px = pd.DataFrame({"SPY": [100, 101, 102, 103, 104, 110.0], "KBWB": [np.nan, np.nan, 50, 51, 52, 60.0]}, index=idx)
    win = S.full_window_returns(px, idx[0], idx[-1])
    assert win["SPY"] == pytest.approx(0.10)
    assert np.isnan(win["KBWB"])  # returns_since alone would measure it from its first close
    assert S.full_window_returns(px, idx[2], idx[-1])["KBWB"] == pytest.approx(0.20)
    gaps = S.history_gaps(px, ["SPY", "KBWB", "XLRE"], idx[0], idx[-1])
    assert gaps["KBWB"] == f"KBWB has no prices before {idx[2]:%Y-%m-%d}"
    assert S.covered(["SPY", "KBWB", "XLRE", "SPY"], gaps) == ["SPY"]


def test_versus_benchmarks_with_and_without_a_benchmark():
    growth = pd.DataFrame({"XBI": [100, 130.0], "IWM": [100, 110.0], "SPY": [100, 120.0]})
    g = S.versus_benchmarks(growth, ["IWM", "SPY"]).set_index("Series")
    assert list(g.index) == ["XBI"]
    assert g.loc["XBI", "minus IWM"] == pytest.approx(0.20) and g.loc["XBI", "minus SPY"] == pytest.approx(0.10)
    no_iwm = S.versus_benchmarks(growth.drop(columns="IWM"), ["IWM", "SPY"]).set_index("Series")
    assert no_iwm["minus IWM"].isna().all() and no_iwm.loc["XBI", "minus SPY"] == pytest.approx(0.10)
    no_rows = S.versus_benchmarks(growth.iloc[:0], ["IWM", "SPY"])
    assert no_rows["Series"].tolist() == ["XBI"] and no_rows["Return"].isna().all()


def test_a7_says_why_claimed_years_are_missing():
    years = _years({2008: {"KBWB": np.nan, "SPY": -0.37}, 2009: {"KBWB": np.nan, "SPY": 0.26}})
    gaps = {"KBWB": "KBWB has no prices up to 2009-06-30 in this source"}
    a = SV.a7_assessment(years, pd.Series({2008: True, 2009: False}), last_day="2009-06-30", gaps=gaps)
    assert a["verdict"] == "unverifiable" and a["complete_years"] == 0
    assert a["evidence"] == (
        "None of the claimed years 2023-2025 can be measured on this window: the window ends "
        "2009-06-30, before 2023; KBWB has no prices up to 2009-06-30 in this source."
    )
    # some years measured, one after the window end: the year says why
    two = _years({2023: {"KBWB": 0.3, "SPY": 0.2}, 2024: {"KBWB": 0.3, "SPY": 0.2}})
    b = SV.a7_assessment(two, pd.Series({2023: True, 2024: True}), last_day="2024-12-31")
    assert b["verdict"] == "unverifiable"
    assert "2025: not in the data (the window ends 2024-12-31, before 2025)" in b["evidence"]


def test_named_sector_verdict_names_missing_funds():
    gaps = {"KBWB": "KBWB has no prices before 2011-11-01", "XBI": "XBI has no prices up to 2001-12-31 in this source"}
    two = {"Banks": ["KBWB", "KRE"], "Small-cap healthcare": ["XBI"], "Industrials": ["XLI"]}  # a group of two ETFs
    partial = SV.named_sector_verdict(
        pd.Series({"SPY": 0.2, "KRE": 0.3, "XBI": 0.1, "XLI": 0.25}), gaps=gaps, groups=two
    )
    assert partial["value"] == "mixed"
    assert (
        "No window return for KBWB (KBWB has no prices before 2011-11-01); each group is averaged"
        in partial["evidence"]
    )
    none = SV.named_sector_verdict(pd.Series({"SPY": 0.2, "KRE": 0.3, "XLI": 0.25}), gaps=gaps, groups=two)
    assert none["value"] == "inconclusive"
    assert none["evidence"].endswith("so Small-cap healthcare cannot be measured.")
    assert "XBI has no prices up to 2001-12-31" in none["evidence"]


def test_named_sector_verdict_needs_a_minimum_window():
    win = pd.Series({"SPY": 0.02, "KBWB": 0.01, "KRE": 0.03, "XBI": 0.01, "XLI": 0.025})
    assert SV.named_sector_verdict(win)["value"] == "mixed"  # no day count: no check
    short = SV.named_sector_verdict(win, days=15, min_days=42)
    assert short["value"] == "inconclusive"
    assert short["reason"] == "the window has 15 trading days, fewer than 42"
    assert short["evidence"].startswith("Too short to call leadership: the window has 15 trading days")
    assert "Beat SPY over the window: Mid-cap banks and Industrials" in short["evidence"]  # the numbers stay visible
    assert short["table"].equals(SV.named_sector_verdict(win)["table"])
    at_limit = SV.named_sector_verdict(win, days=42, min_days=42)
    assert at_limit["value"] == "mixed" and at_limit["reason"] == ""
    assert SV.named_sector_verdict(win, days=15, min_days=10)["value"] == "mixed"
    assert SV.named_sector_verdict(win, days=41)["value"] == "inconclusive"  # default is 42, as in report 01
    assert SV.MIN_WINDOW_DAYS == 42


# ---- helpers behind the notebook's setup, data and section cells ------------------
def test_etf_labels_cover_every_fund_family_and_source_names_the_data_layer():
    from rotation_utils.universes import INDUSTRY_ETFS, SECTOR_ETFS, SIZE_STYLE_ETFS

    for family in (SECTOR_ETFS, INDUSTRY_ETFS, SIZE_STYLE_ETFS):
        assert all(S.ETF_LABELS[t] == name for t, name in family.items())
    assert "data layer" in S.PRICE_SOURCE


def test_first_calendar_year_takes_the_earlier_year_and_needs_a_start():
    assert S.first_calendar_year(pd.Timestamp("2025-03-01"), "2023") == 2023
    assert S.first_calendar_year("2021-06-30", 2023) == 2021
    with pytest.raises(BadInputError, match="start"):
        S.first_calendar_year(None, 2023)


class _PriceLayer:
    """Stands in for DataLayer.prices: records the call, or raises like an empty window."""

    def __init__(self, fail=False):
        self.fail, self.calls = fail, []

    def prices(self, tickers, start, end):
        from rotation_utils.errors import DataUnavailableError

        self.calls.append((tickers, start, end))
        if self.fail:
            raise DataUnavailableError("no prices")
        return pd.DataFrame({t: [1.0] for t in tickers}, index=pd.DatetimeIndex(["2025-01-02"], name="date"))


def test_member_prices_dedupes_leads_the_start_and_survives_no_prices():
    dl = _PriceLayer()
    out = S.member_prices(dl, pd.Series(["B", "A", "B"]), pd.Timestamp("2025-01-20"), "2025-06-30")
    assert dl.calls == [(["B", "A"], pd.Timestamp("2025-01-05"), "2025-06-30")]
    assert list(out.columns) == ["B", "A"]
    empty = S.member_prices(_PriceLayer(fail=True), ["A"], "2025-01-20")
    assert empty.empty and isinstance(empty.index, pd.DatetimeIndex) and empty.index.name == "date"


def test_sector_columns_drop_size_style_funds_unless_nothing_else_is_priced():
    cols = ["XLF", "XLV", "IWM", "SPY"]
    assert S.sector_columns(["XLF", "XLV", "IWM"], cols, "SPY") == ["XLF", "XLV"]
    assert S.sector_columns(["XLF", "XLK"], cols, "SPY") == ["XLF"]  # XLK not priced
    assert S.sector_columns(["IWM", "SPY"], cols, "SPY") == ["IWM"]  # fallback: all but the benchmark


COV = {"holdings": 10, "full_window": 6, "listed_later": 1, "stopped_early": 2, "no_prices": 3}


def test_membership_sentence_says_whether_the_file_is_point_in_time():
    before = S.membership_sentence("2025-01-02 to 2025-06-30", "2025-01-02", "2024-12-31", COV)
    assert "the latest file on or before the start" in before and "**2024-12-31**" in before
    assert "Of its 10 equity lines, 6 have prices over the whole window, 1 start trading" in before
    assert "2 stop trading before the end, and 3 have no prices" in before
    after = S.membership_sentence("w", "2025-01-02", "2025-01-12", COV)
    assert "**10 days after the start**" in after and "not point-in-time" in after
    ended = S.membership_sentence("w", "2024-01-01", "2025-05-13", COV, end="2024-12-31")
    assert "**2025-05-13**, **after the window end 2024-12-31**" in ended and "look-ahead" in ended


def test_members_cover_window_at_half_the_holdings():
    assert S.members_cover_window({"holdings": 10, "full_window": 5})
    assert not S.members_cover_window({"holdings": 10, "full_window": 4})
    assert not S.members_cover_window({"holdings": 10, "full_window": 8}, min_share=0.9)


def test_leadership_sentence_reads_best_worst_and_quarters_from_the_data():
    rel = pd.Series({"XLF": 0.05, "XLI": -0.01, "XLV": -0.08})
    leaders = pd.DataFrame(
        {
            "period": ["2025Q1", "2025Q2", "2025Q3"],
            "leader": ["XLF", "XLV", "XLF"],
            "leader_rel": [0.02, 0.03, 0.015],
            "laggard": ["XLV", "XLI", "XLV"],
            "laggard_rel": [-0.02, -0.01, -0.03],
        }
    )
    text = S.leadership_sentence("W", rel, leaders, "SPY", {"XLF": "Financials"})
    assert text.startswith("Over W, XLF, Financials,")
    assert "XLV, XLV," in text  # no label: the ticker stands in
    assert "changed hands 2 times in 3 quarters" in text
    assert "XLF led most often (2 quarters)" in text
    assert "(2025Q3, to date) is led by XLF (+1.5 pp)" in text
    assert "1 sector ETF of 3 beat SPY" in text


def test_weights_sentence_names_largest_sector_and_biggest_moves():
    w = pd.DataFrame(
        {"2024-06-28": [0.20, 0.15, 0.10], "2025-06-30": [0.18, 0.17, 0.10]},
        index=["Financials", "Health Care", "Energy"],
    )
    text = S.weights_sentence(w)
    assert (
        "The 2 holdings files known at the run's as-of date are shown whatever the window (2024-06-28 to 2025-06-30)."
        in text
    )
    assert "after the window end" not in text
    late = S.weights_sentence(w, end="2024-12-31")
    assert "(2025-06-30 after the window end 2024-12-31)" in late
    # one file: no change to report, and the file is named with where it lies against the window
    one = S.weights_sentence(w[["2025-06-30"]], end="2024-12-31")
    assert one.startswith(
        "One holdings file is known at the run's as-of date: IWM holdings as of 2025-06-30, "
        "after the window end 2024-12-31."
    )
    assert "held the most" not in one and "Financials is the largest sector at 18.0%" in one
    assert "Financials is the largest sector at 18.0%" in text
    assert "Health Care gained the most (+2.0 pp) and Financials lost the most (-2.0 pp)" in text


def test_verdict_metric_rows_and_chart_show_each_group_minus_the_market():
    import matplotlib

    matplotlib.use("Agg")
    from rotation_utils.charts import sectors as CS

    win = pd.Series({"SPY": 0.10, "KBWB": 0.05, "KRE": 0.03, "XBI": 0.20, "XLI": np.nan})
    table = SV.named_sector_verdict(win, "SPY")["table"]
    rows = SV.verdict_metric_rows(table, "SPY")
    assert [r[0] for r in rows] == [
        "mid_cap_banks_minus_market_pp",
        "small_cap_healthcare_minus_market_pp",
        "industrials_minus_market_pp",
    ]
    assert rows[0][1] == pytest.approx(-7.0) and rows[1][1] == pytest.approx(10.0) and rows[2][1] is None
    assert rows[0][3] == "Mid-cap banks (KRE) minus SPY over the window"
    fig = CS.plot_verdict_groups(table, "SPY", "2025-01-01", "2025-12-31", "test")
    assert len(fig.axes[0].patches) == 2  # the group without a return is not drawn as a zero bar
    assert (
        CS.plot_verdict_groups(table.assign(**{"minus market": np.nan}), "SPY", "2025-01-01", "2025-12-31", "t") is None
    )
