"""Unit tests for rotation_utils.analytics.sectors, sectors_members, sectors_data and
sectors_verdicts on small hand-made price paths (their wording: test_story_sectors.py).

Expected values are worked out by hand from the inputs (or with plain pandas
written here), never by calling the function under test.
"""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import sectors as S
from rotation_utils.analytics import sectors_data as D
from rotation_utils.analytics import sectors_members as M
from rotation_utils.analytics import sectors_verdicts as SV
from rotation_utils.analytics.rotation_coverage import history_gaps
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
    sp = M.suspect_prints(px)
    assert sp["ticker"].tolist() == ["BAD"]
    assert sp["date"].iloc[0] == idx[2]
    assert sp["move"].iloc[0] == pytest.approx(-0.92)
    clean = M.neutralise_prints(px, sp)
    assert clean.at[idx[2], "BAD"] == 10.0
    assert px.at[idx[2], "BAD"] == 0.8  # the source frame is untouched
    assert M.suspect_prints(calm.to_frame("CALM")).empty


def test_unconfirmed_last_moves():
    idx = pd.bdate_range("2025-01-01", periods=3, name="date")
    px = pd.DataFrame({"UP": [1.0, 1.0, 2.0], "FLAT": [1.0, 1.0, 1.01]}, index=idx)
    assert M.unconfirmed_last_moves(px) == ["UP"]


def test_member_returns_breadth_and_leaders():
    idx = pd.bdate_range("2024-12-27", "2025-03-31", name="date")
    px = pd.DataFrame({t: 10.0 for t in "ABCDE"}, index=idx)
    px.loc[idx[-1], ["A", "B", "C", "D"]] = [20.0, 15.0, 11.0, 5.0]
    px.loc[:"2025-02-01", "E"] = np.nan  # listed after the start: left out
    r = M.member_returns(px, "2025-01-01")
    assert sorted(r.index) == ["A", "B", "C", "D"]
    assert r["A"] == pytest.approx(1.0)
    b = M.breadth(r, index_return=0.2)
    assert (b["members"], b["beat"]) == (4, 2)
    assert b["share_beat"] == pytest.approx(0.5)
    assert b["median"] == pytest.approx((0.5 + 0.1) / 2)
    info = pd.DataFrame(
        {"name": ["ALPHA INC", "B", "C", "D"], "sector": ["Tech", "Tech", "Health", "Health"]},
        index=["A", "B", "C", "D"],
    )
    top, bottom = M.leaders_laggards(r, info, n=2, flagged={"D"})
    assert top["Ticker"].tolist() == ["A", "B"]
    assert top["Name"].iloc[0] == "Alpha Inc"
    assert bottom["Ticker"].tolist() == ["D", "C"]
    assert bottom["Suspect print"].tolist() == ["yes", ""]
    by = M.sector_breadth(r, info["sector"], 0.2)
    assert by.set_index("sector").loc["Tech", "share_beat"] == 1.0
    assert by.set_index("sector").loc["Health", "share_beat"] == 0.0
    assert by["sector"].iloc[0] == "Tech"


def test_member_coverage_counts():
    idx = pd.bdate_range("2025-01-01", "2025-03-31", name="date")
    px = pd.DataFrame({"A": 1.0, "B": 1.0, "C": 1.0}, index=idx)
    px.loc[:"2025-02-01", "B"] = np.nan  # lists later
    px.loc["2025-03-01":, "C"] = np.nan  # stops early
    cov = M.member_coverage(["A", "B", "C", "GONE"], px, "2025-01-02")
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
    lvl = M.equal_weight_basket(px, ["A", "B", "MISSING"], "2025-01-01")
    assert lvl.iloc[0] == pytest.approx(1.0)
    assert lvl.iloc[-1] == pytest.approx(1 + (0.2 - 0.1) / 2)
    assert M.equal_weight_basket(px, ["NONE"], "2025-01-01").empty


def test_sector_weights_normalise_per_file():
    h = pd.DataFrame(
        {
            "holdings_date": pd.to_datetime(["2025-01-01"] * 3 + ["2025-06-01"] * 2),
            "sector": ["Tech", "Tech", "Health", "Tech", "Health"],
            "weight_pct": [30.0, 20.0, 49.0, 40.0, 60.0],
        }
    )
    w = M.sector_weights(h)
    assert list(w.columns) == ["2025-01-01", "2025-06-01"]
    assert w.at["Tech", "2025-01-01"] == pytest.approx(50 / 99)
    assert w.at["Health", "2025-06-01"] == pytest.approx(0.6)
    assert w.index[0] == "Health"  # sorted by the latest file
    assert M.sector_members(
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
    assert a.verdict == "contradicted"
    assert (a.beaten, a.lagged, a.complete_years) == (2, 1, 3)
    assert a.measured == 2  # all three years complete: the count is the measured value
    assert a.table["difference"].tolist() == pytest.approx([-0.27, 0.08, 0.14])
    assert a.year_differences() == pytest.approx({2023: -0.27, 2024: 0.08, 2025: 0.14})
    beat_all = years.assign(KBWB=years["SPY"] + 0.05)
    assert SV.a7_assessment(beat_all, done).verdict == "confirmed"
    # 2025 only year to date and no lagging complete year: cannot be confirmed
    partial = SV.a7_assessment(beat_all, pd.Series({2023: True, 2024: True, 2025: False}))
    assert partial.verdict == "unverifiable" and partial.measured is None
    assert partial.table["status"].tolist() == ["complete", "complete", "year to date only"]
    assert partial.year_differences()[2025] is None  # a year-to-date figure is not a full-year metric
    missing = SV.a7_assessment(beat_all.loc[[2023]], pd.Series({2023: True}))
    assert missing.verdict == "unverifiable"
    assert missing.table["status"].tolist() == ["complete", "not in the data", "not in the data"]


def test_a9_rules():
    base = {"SPY": 0.10, "IWM": 0.12, "IBB": 0.50, "XLV": 0.50, "KBWB": 0.50}
    years = _years({2026: {**base, "XBI": 0.40, "KRE": 0.50}})
    done = pd.Series({2026: False})
    a = SV.a9_assessment(years, done, trading_days=100)
    # the named segments: small-cap healthcare is XBI, mid-cap banks KRE (large-cap IBB, XLV, KBWB do not count)
    assert a.verdict == "confirmed" and a.leads == {"Small-cap healthcare": True, "Mid-cap banks": True}
    avg = a.table.set_index("ticker").loc["Small-cap healthcare average"]
    assert avg["return"] == pytest.approx(0.40)
    assert avg["minus IWM"] == pytest.approx(0.28)
    assert a.leg_average("Mid-cap banks")["minus SPY"] == pytest.approx(0.40)
    assert not a.complete and a.base_year == 2025
    assert set(a.table["ticker"]) == {"XBI", "KRE", "Small-cap healthcare average", "Mid-cap banks average"}
    one = SV.a9_assessment(_years({2026: {**base, "XBI": 0.40, "KRE": 0.10}}), done, trading_days=100)
    assert one.verdict == "mixed"
    none = SV.a9_assessment(_years({2026: {**base, "XBI": 0.10, "KRE": 0.10}}), done, trading_days=100)
    assert none.verdict == "contradicted"  # large-cap healthcare and banks leading do not help
    early = SV.a9_assessment(_years({2025: base}), pd.Series({2025: True}), trading_days=0)
    assert early.verdict == "unverifiable" and not early.in_data and early.table.empty
    short = SV.a9_assessment(years, done, trading_days=5)
    assert short.verdict == "unverifiable" and short.too_few_days and short.table.empty
    no_spy = SV.a9_assessment(_years({2026: {**base, "SPY": np.nan, "XBI": 0.4}}), done, trading_days=100)
    assert no_spy.verdict == "unverifiable" and no_spy.missing == ["SPY", "KRE"]


def test_named_sector_verdict():
    win = pd.Series({"SPY": 0.2, "KBWB": 0.9, "KRE": 0.25, "XBI": 0.1, "XLI": 0.25})
    v = SV.named_sector_verdict(win)
    assert v.value == "mixed"  # mid-cap banks (KRE) and XLI beat, XBI lagged; KBWB is not a mid-cap bank
    assert v.table.set_index("group").loc["Mid-cap banks", "return"] == pytest.approx(0.25)
    assert v.beat == ["Mid-cap banks", "Industrials"] and v.lagged == ["Small-cap healthcare"]
    no_xli = SV.named_sector_verdict(win.drop("XLI"))
    assert no_xli.value == "inconclusive" and no_xli.unpriced == ["XLI"] and no_xli.unmeasured == ["Industrials"]
    assert SV.named_sector_verdict(pd.Series({**win, "XBI": 0.5})).value == "supported"
    assert SV.named_sector_verdict(pd.Series({**win, "SPY": 0.9})).value == "not supported"
    no_market = SV.named_sector_verdict(win.drop("SPY"))
    assert no_market.value == "inconclusive" and no_market.unmeasured == ["SPY"]


def test_a7_counts_only_years_inside_the_window():
    years = _years(
        {2023: {"KBWB": -0.01, "SPY": 0.26}, 2024: {"KBWB": 0.31, "SPY": 0.23}, 2025: {"KBWB": 0.30, "SPY": 0.16}}
    )
    done = pd.Series({2023: True, 2024: True, 2025: True})
    inside = SV.window_years("2024-01-01", "2024-12-31", years.index)
    assert inside == [2024]
    a = SV.a7_assessment(years, done, inside=inside)
    # 2023 (the lagging year) is outside the window: not counted, so 2024 alone cannot confirm three years
    assert a.verdict == "unverifiable" and a.complete_years == 1
    assert a.table["status"].tolist() == ["outside the window", "complete", "outside the window"]
    assert a.year_differences() == pytest.approx({2023: -0.27, 2024: 0.08, 2025: 0.14})  # full years, shown
    assert SV.window_years("2023-01-01", "2026-07-13", [2023, 2024, 2025, 2026]) == [2023, 2024, 2025]


def test_thesis_window_is_2026_inside_the_run():
    from rotation_utils import periods

    p = periods.register_periods()["A9"]
    idx = pd.bdate_range("2025-12-01", "2026-07-13").drop(pd.Timestamp("2026-01-01"))  # New Year: no session
    cov = periods.coverage(p, "2023-01-01", "2026-07-13", idx)
    t = SV.thesis_window(idx, "2023-01-01", cov)
    assert t.start == pd.Timestamp("2026-01-01") and t.end == pd.Timestamp("2026-07-13")
    assert t.base == pd.Timestamp("2025-12-31")  # the close the returns run from
    assert t.days == int(((idx > "2025-12-31") & (idx <= "2026-07-13")).sum())  # returns from the 2025 close
    assert t.period == "2026" and t.so_far and t.reason == ""
    none = SV.thesis_window(idx, "2024-01-01", periods.coverage(p, "2024-01-01", "2024-12-31"))
    assert none.start is None and none.base is None and none.days == 0
    assert "the window ends 2024-12-31" in none.reason


def test_sector_set_validation():
    assert S.sector_set(["xlk", "XLK", " KRE "], "SPY", "XLK") == ["XLK", "KRE", "SPY"]
    assert S.sector_set("XLF") == ["XLF"]
    with pytest.raises(BadInputError):
        S.sector_set([])
    with pytest.raises(BadInputError):
        S.sector_set(5)


# ---- windows the funds do not cover -------------------------------------------
def test_full_window_returns_leave_out_funds_listed_inside_the_window():
    idx = pd.bdate_range("2011-01-03", periods=6, name="date")
    px = pd.DataFrame({"SPY": [100, 101, 102, 103, 104, 110.0], "KBWB": [np.nan, np.nan, 50, 51, 52, 60.0]}, index=idx)
    win = S.full_window_returns(px, idx[0], idx[-1])
    assert win["SPY"] == pytest.approx(0.10)
    assert np.isnan(win["KBWB"])  # returns_since alone would measure it from its first close
    assert S.full_window_returns(px, idx[2], idx[-1])["KBWB"] == pytest.approx(0.20)
    gaps = history_gaps(px, ["SPY", "KBWB", "XLRE"], idx[0], idx[-1])
    assert gaps["KBWB"].first == idx[2] and gaps["XLRE"].first is None
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


def test_named_sector_verdict_needs_a_minimum_window():
    win = pd.Series({"SPY": 0.02, "KBWB": 0.01, "KRE": 0.03, "XBI": 0.01, "XLI": 0.025})
    assert SV.named_sector_verdict(win).value == "mixed"  # no day count: no check
    short = SV.named_sector_verdict(win, days=15, min_days=42)
    assert short.value == "inconclusive" and short.too_short
    assert short.beat == ["Mid-cap banks", "Industrials"]  # the numbers stay visible
    assert short.table.equals(SV.named_sector_verdict(win).table)
    at_limit = SV.named_sector_verdict(win, days=42, min_days=42)
    assert at_limit.value == "mixed" and not at_limit.too_short
    assert SV.named_sector_verdict(win, days=15, min_days=10).value == "mixed"
    assert SV.named_sector_verdict(win, days=41).value == "inconclusive"  # default is 42, as in report 01
    assert SV.MIN_WINDOW_DAYS == 42


# ---- helpers behind the notebook's setup, data and section cells ------------------


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
    out = D.member_prices(dl, pd.Series(["B", "A", "B"]), pd.Timestamp("2025-01-20"), "2025-06-30")
    assert dl.calls == [(["B", "A"], pd.Timestamp("2025-01-05"), "2025-06-30")]
    assert list(out.columns) == ["B", "A"]
    empty = D.member_prices(_PriceLayer(fail=True), ["A"], "2025-01-20")
    assert empty.empty and isinstance(empty.index, pd.DatetimeIndex) and empty.index.name == "date"


def test_sector_columns_drop_size_style_funds_unless_nothing_else_is_priced():
    cols = ["XLF", "XLV", "IWM", "SPY"]
    assert S.sector_columns(["XLF", "XLV", "IWM"], cols, "SPY") == ["XLF", "XLV"]
    assert S.sector_columns(["XLF", "XLK"], cols, "SPY") == ["XLF"]  # XLK not priced
    assert S.sector_columns(["IWM", "SPY"], cols, "SPY") == ["IWM"]  # fallback: all but the benchmark


COV = {"holdings": 10, "full_window": 6, "listed_later": 1, "stopped_early": 2, "no_prices": 3}


def test_members_cover_window_at_half_the_holdings():
    assert M.members_cover_window({"holdings": 10, "full_window": 5})
    assert not M.members_cover_window({"holdings": 10, "full_window": 4})
    assert not M.members_cover_window({"holdings": 10, "full_window": 8}, min_share=0.9)


def test_verdict_chart_shows_each_measured_group_minus_the_market():
    import matplotlib

    matplotlib.use("Agg")
    from rotation_utils.charts import sectors as CS

    win = pd.Series({"SPY": 0.10, "KBWB": 0.05, "KRE": 0.03, "XBI": 0.20, "XLI": np.nan})
    table = SV.named_sector_verdict(win, "SPY").table
    fig = CS.plot_verdict_groups(table, "SPY", "2025-01-01", "2025-12-31", "test")
    assert len(fig.axes[0].patches) == 2  # the group without a return is not drawn as a zero bar
    assert (
        CS.plot_verdict_groups(table.assign(**{"minus market": np.nan}), "SPY", "2025-01-01", "2025-12-31", "t") is None
    )


def test_heatmap_writes_values_only_up_to_the_column_limit():
    import matplotlib

    matplotlib.use("Agg")
    from rotation_utils.charts import sectors as CS

    grid = pd.DataFrame([[1.0, -2.0, 3.0]], index=["XLF"], columns=["a", "b", "c"])
    args = ("t", "x", "y", "pp", "src", "2025-01-31")
    assert len(CS.plot_relative_heatmap(grid, *args).axes[0].texts) == 3
    assert len(CS.plot_relative_heatmap(grid, *args, annotate_max_columns=3).axes[0].texts) == 3
    assert len(CS.plot_relative_heatmap(grid, *args, annotate_max_columns=2).axes[0].texts) == 0
    weights = pd.DataFrame({"2024-06-28": [0.6, 0.4], "2025-06-30": [0.5, 0.5]}, index=["Tech", "Health"])
    assert len(CS.plot_sector_weights(weights).axes[0].patches) == 4  # two sectors x two files


# ---- the cells' named steps ---------------------------------------------------------
def test_calendar_minus_and_window_rankings():
    cal = pd.DataFrame({"SPY": [0.10, 0.20], "XLF": [0.15, 0.10], "XLK": [0.05, 0.30]}, index=["2024", "2025 YTD"])
    rel = S.calendar_minus(cal, "SPY")
    assert list(rel.index) == ["XLF", "XLK"] and list(rel.columns) == ["2024", "2025 YTD"]
    assert rel.loc["XLF"].tolist() == pytest.approx([0.05, -0.10])
    years = pd.DataFrame({"A": [0.1, 0.2]}, index=pd.Index([2024, 2025], name="year"))
    assert list(S.with_year_labels(years, pd.Series({2024: True, 2025: False})).index) == ["2024", "2025 YTD"]
    win = pd.Series({"SPY": 0.10, "XLF": 0.25, "XLK": 0.05, "IWM": 0.12, "XBI": np.nan})
    rel = S.window_minus_benchmark(win, "SPY")
    assert list(rel.index[:3]) == ["XLF", "IWM", "XLK"] and "SPY" not in rel.index
    assert rel["XLF"] == pytest.approx(0.15)
    ranked = S.sector_ranking(rel, ["XLK", "XLF", "XBI"])  # no return for XBI: left out
    assert list(ranked.index) == ["XLF", "XLK"]
    monthly = pd.DataFrame(
        {"XLF": [0.01, 0.02], "XLK": [0.03, 0.04]},
        index=pd.PeriodIndex(["2025-01", "2025-02"], freq="M", name="period"),
    )
    assert list(S.by_fund(monthly, ["XLK", "XLF"]).index) == ["XLK", "XLF"]
    assert S.periods_as_text(monthly)["period"].tolist() == ["2025-01", "2025-02"]


def test_leadership_summary_picks_the_figures_of_the_sentence():
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
    lead = S.leadership_summary(rel, leaders)
    assert (lead.best, lead.worst) == ("XLF", "XLV")
    assert lead.best_rel == pytest.approx(0.05) and lead.worst_rel == pytest.approx(-0.08)
    assert (lead.beat, lead.funds, lead.quarters, lead.changes) == (1, 3, 3, 2)
    assert (lead.most_often, lead.most_often_count) == ("XLF", 2)
    assert (lead.latest_quarter, lead.latest_leader) == ("2025Q3", "XLF") and lead.latest_rel == pytest.approx(0.015)


def test_trading_days_thesis_returns_and_beat_all():
    idx = pd.bdate_range("2025-12-29", "2026-01-09", name="date")
    assert S.trading_days_in_year(idx, 2026) == 7 and S.trading_days_in_year(idx, 2024) == 0
    px = pd.DataFrame({"SPY": np.linspace(100, 110, len(idx)), "XLI": 50.0}, index=idx)
    ret = S.thesis_returns(px, pd.Timestamp("2026-01-01"), idx[-1])
    assert (
        ret["SPY"] == pytest.approx(110 / px.loc["2026-01-01", "SPY"] - 1) and ret["XLI"] == 0.0
    )  # last close on or before the start
    assert S.thesis_returns(px, None, idx[-1]).isna().all()  # the run has none of the thesis period
    versus = pd.DataFrame({"Series": ["A", "B", "C"], "minus IWM": [0.1, 0.2, -0.1], "minus SPY": [0.1, -0.1, 0.2]})
    assert S.beat_all(versus, ["IWM", "SPY"]) == ["A"]
    assert S.beat_all(versus, ["IWM"]) == ["A", "B"]


def test_member_baskets_print_shifts_and_growth_lines():
    idx = pd.bdate_range("2025-01-01", "2025-01-31", name="date")
    members = pd.DataFrame({"H1": 10.0, "H2": 20.0, "F1": 5.0}, index=idx)
    members.iloc[-1] = [12.0, 18.0, 6.0]  # H: (+20% - 10%) / 2 = +5%; F: +20%
    clean = members.copy()
    clean.iloc[-1, 1] = 20.0  # a neutralised print: H2 flat, so H is +10%
    holdings = pd.DataFrame({"ticker": ["H1", "H2", "F1"], "sector": ["Health Care", "Health Care", "Financials"]})
    groups = {"Health Care": "health", "Financials": "banks"}
    baskets = M.member_baskets(members, holdings, groups, idx[0], idx[-1], idx)
    assert list(baskets.columns) == ["health", "banks"]
    assert baskets["health"].iloc[-1] == pytest.approx(1.05) and baskets["banks"].iloc[-1] == pytest.approx(1.20)
    shifts = M.print_shifts(baskets, clean, holdings, groups, idx[0], idx[-1])
    assert shifts == pytest.approx({"health": 0.05, "banks": 0.0})
    assert M.member_baskets(members, holdings, {}, idx[0], idx[-1], idx).columns.empty  # skipped: no baskets
    funds = pd.DataFrame({"IWM": np.linspace(200, 220, len(idx))}, index=idx)
    lines = M.growth_lines(funds, ["IWM"], baskets, idx[0], idx[-1])
    assert lines.iloc[0].tolist() == pytest.approx([100.0, 100.0, 100.0])
    assert lines["IWM"].iloc[-1] == pytest.approx(110.0) and lines["health"].iloc[-1] == pytest.approx(105.0)


def test_member_breadth_ranks_cleaned_returns_and_counts_the_flags():
    idx = pd.bdate_range("2024-12-27", "2025-03-31", name="date")
    px = pd.DataFrame({t: 10.0 for t in "ABCD"}, index=idx)
    px.loc[idx[-1], ["A", "B", "C", "D"]] = [20.0, 15.0, 11.0, 5.0]
    px.loc[idx[20], "C"] = 0.5  # a print that the next day reverses
    prints = M.suspect_prints(px)
    assert prints["ticker"].tolist() == ["C"]
    clean = M.neutralise_prints(px, prints)
    info = pd.DataFrame({"name": list("ABCD"), "sector": ["Tech", "Tech", "Health", "Energy"]}, index=list("ABCD"))
    b = M.member_breadth(px, clean, prints, info, "2025-01-01", idx[2], idx[-1], 0.2, True, n=2)
    assert (b.summary["members"], b.summary["beat"], b.summary["index_return"]) == (4, 2, 0.2)
    assert b.broad  # half the members beat the index
    assert b.top["Ticker"].tolist() == ["A", "B"] and b.bottom["Ticker"].tolist() == ["D", "C"]
    assert b.top_mean == pytest.approx(0.75) and b.bottom_mean == pytest.approx((-0.5 + 0.1) / 2)
    assert b.leader_sectors == ["Tech"] and b.late == ["A"]  # +100% on the last day; D's -50% is not beyond 50%
    assert b.prints_in_window["ticker"].tolist() == ["C"]
    assert b.bottom.set_index("Ticker").loc["C", "Suspect print"] == "yes"
    narrow = M.member_breadth(px, clean, prints, info, "2025-01-01", idx[2], idx[-1], 0.6, True, n=2)
    assert not narrow.broad and narrow.summary["beat"] == 1
    skipped = M.member_breadth(px, clean, prints, info, "2025-01-01", idx[2], idx[-1], 0.2, False)
    assert skipped.summary["members"] == 0 and skipped.top.empty and skipped.leader_sectors == []


def test_weight_shift_and_file_timing():
    w = pd.DataFrame(
        {"2024-06-28": [0.20, 0.15, 0.10], "2025-06-30": [0.18, 0.17, 0.10]},
        index=["Financials", "Health Care", "Energy"],
    )
    assert M.weight_change(w).tolist() == pytest.approx([-0.02, 0.02, 0.0])
    shift = M.weight_shift(w, "2024-12-31")
    assert (shift.largest, shift.up, shift.down) == ("Financials", "Health Care", "Financials")
    assert shift.largest_weight == pytest.approx(0.18) and shift.up_change == pytest.approx(0.02)
    assert shift.after_end == ["2025-06-30"] and M.weight_shift(w).after_end == []
    one = M.weight_shift(w[["2025-06-30"]])
    assert one.files == ["2025-06-30"] and one.up is None and one.down_change is None
    t = M.file_timing("2025-05-13", "2025-01-01", "2025-12-31")
    assert (t.lag_days, t.after_end) == (132, False)
    assert M.file_timing("2025-05-13", "2024-01-01", "2024-12-31").after_end
    assert M.file_timing("2024-12-31", "2025-01-02").lag_days == -2


def test_load_reads_every_input_once_and_derives_the_window():
    from rotation_utils.context import RunContext

    idx = pd.bdate_range("2022-12-01", "2025-03-31", name="date")

    class Layer:
        def __init__(self):
            self.price_calls = []

        def prices(self, tickers, start, end):
            self.price_calls.append((list(tickers), start, end))
            cols = [t for t in tickers if t != "XLRE"]  # a fund the source does not have
            return pd.DataFrame({t: 1.0 for t in cols}, index=idx).loc[start:end]

        def iwm_holdings(self, as_of=None):
            day = pd.Timestamp(as_of or "2024-12-31")
            return pd.DataFrame({"ticker": ["AA", "BB"], "sector": ["Tech", "Health"], "holdings_date": day})

        def iwm_holdings_dates(self):
            return [pd.Timestamp("2024-06-28"), pd.Timestamp("2024-12-31")]

    layer = Layer()
    run = RunContext("06_sector_leadership", "t", start=pd.Timestamp("2025-01-04"), end=pd.Timestamp("2025-03-31"))
    data = D.load(layer, run, ["XLF", "XLRE", "IWN"], "SPY", "IWM", 2024)
    fund_call = layer.price_calls[0]
    assert fund_call[0] == ["XLF", "XLRE", "IWN", "SPY", "IWM", "KBWB", "XLI", "XBI", "KRE"]
    assert fund_call[1] == pd.Timestamp("2023-12-01")  # the December before the first calendar year
    assert data.first_year == 2024 and "XLRE" not in data.etfs and data.gaps["XLRE"].first is None
    assert data.sector_cols == ["XLF"]  # size/style funds (IWN) are not ranked
    # a Saturday start: the base is Friday's close
    assert data.base_day == pd.Timestamp("2025-01-03") and data.end_day == pd.Timestamp("2025-03-31")
    assert data.holdings_date == pd.Timestamp("2025-01-04") and data.members_ok
    assert len(data.files) == 4 and list(data.funds.columns) == data.etfs
    assert data.basket_groups({"Tech": "t"}) == {"Tech": "t"}
    assert data.window_days[0] == data.base_day and data.member_info.index.tolist() == ["AA", "BB"]
