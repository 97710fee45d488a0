"""Unit tests for rotation_utils.analytics.named_companies (synthetic frames and the snapshot)."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils import reference_data
from rotation_utils.analytics import named_companies as N
from rotation_utils.data import DataLayer
from rotation_utils.errors import BadInputError
from rotation_utils.story import named_companies as story_named

T = pd.Timestamp


def test_size_class_bands():
    assert N.size_class(1.5e9).startswith("small")
    assert N.size_class(2e9).startswith("mid")
    assert N.size_class(50e9).startswith("large")
    assert N.size_class(3e12).startswith("mega")
    assert N.size_class(np.nan) == "unknown"


def test_named_frame_keeps_known_names_and_rejects_empty():
    f = N.named_frame({"AI": ["APPF", "ZZZ"], "Other": ["APPF", "FIX"]})
    assert f["ticker"].tolist() == ["APPF", "ZZZ", "FIX"]
    assert f.set_index("ticker").at["APPF", "name"] == "AppFolio"
    assert f.set_index("ticker").at["ZZZ", "theme"] == "AI"
    with pytest.raises(BadInputError):
        N.named_frame({})


@pytest.fixture
def prices():
    days = pd.bdate_range("2025-01-01", "2025-03-31")
    ramp = np.linspace(0, 1, len(days))
    return pd.DataFrame(
        {
            "UP": 100 * (1 + ramp),
            "DOWN": 50 * (1 - 0.5 * ramp),
            "LATE": np.where(days >= T("2025-02-03"), 10.0, np.nan),
        },
        index=days,
    )


def test_basket_returns_skip_missing_members():
    r = pd.Series({"A": 0.10, "B": -0.20, "C": np.nan})
    b = N.basket_returns(r, {"ab": ["A", "B"], "abc": ["A", "B", "C", "D"], "none": ["C"]}).set_index("basket")
    assert b.at["ab", "return"] == pytest.approx(-0.05)
    assert b.at["abc", "return"] == pytest.approx(-0.05) and b.at["abc", "missing"] == "C, D"
    assert np.isnan(b.at["none", "return"])


def test_basket_levels_equal_weight_buy_and_hold(prices):
    lv = N.basket_levels(prices, {"b": ["UP", "DOWN", "LATE"], "empty": ["LATE"]})
    assert list(lv.columns) == ["b"]  # LATE has no first price: left out; an empty basket omitted
    assert lv["b"].iloc[0] == pytest.approx(1.0)
    assert lv["b"].iloc[-1] == pytest.approx((2.0 + 0.5) / 2)


def test_performance_table_and_event_after_end(prices):
    named = pd.DataFrame({"ticker": ["UP", "DOWN"], "name": ["Up", "Down"], "theme": ["x", "y"]})
    bm = prices[["UP"]].rename(columns={"UP": "IWM"}).assign(SPY=100.0)
    p = N.performance_table(
        prices[["UP", "DOWN"]], named, {"both": ["UP", "DOWN"]}, bm, "2025-01-01", "2025-02-14"
    ).set_index("name")
    assert p.at["Up", "since_start"] == pytest.approx(1.0)
    assert p.at["both", "since_start"] == pytest.approx((1.0 - 0.5) / 2)
    assert p.at["SPY", "since_event"] == pytest.approx(0.0)
    assert p.at["Down", "vs_IWM"] == pytest.approx(p.at["Down", "since_event"] - p.at["IWM", "since_event"])
    late = N.performance_table(prices[["UP", "DOWN"]], named, {"both": ["UP", "DOWN"]}, bm, "2025-01-01", "2025-06-01")
    assert late["since_event"].isna().all() and late["since_start"].notna().all()


def test_named_verdict_rule():
    def perf(names, iwm, spy):
        rows = [{"kind": "company", "ticker": f"T{i}", "since_event": r} for i, r in enumerate(names)]
        rows += [
            {"kind": "benchmark", "name": "IWM", "since_event": iwm},
            {"kind": "benchmark", "name": "SPY", "since_event": spy},
        ]
        return pd.DataFrame(rows)

    assert N.named_verdict(perf([0.3, 0.2, -0.1], 0.05, 0.04))[0] == "confirmed"
    v, vals = N.named_verdict(perf([-0.3, 0.06, -0.1], 0.05, 0.04))
    assert v == "contradicted" and vals["beat_iwm"] == 1 and vals["basket"] == pytest.approx(-0.34 / 3)
    assert N.named_verdict(perf([0.5, -0.1, -0.1], 0.05, 0.04))[0] == "mixed"
    assert N.named_verdict(perf([np.nan], 0.05, 0.04)) == ("unverifiable", {})


def test_sp400_from_claims_register_and_text():
    got = N.sp400_from_claims(reference_data.claims())
    assert got == {"BAH": T("2025-12-22"), "ULS": T("2025-12-22")}
    text = pd.DataFrame(
        {
            "id": ["X"],
            "known_fact": ["AAA, BBB and CCC joined the S&P 400 on 2024-03-01; DDD joined the S&P 400 on 2024-06-03"],
        }
    )
    assert N.sp400_from_claims(text, "X") == {
        "AAA": T("2024-03-01"),
        "BBB": T("2024-03-01"),
        "CCC": T("2024-03-01"),
        "DDD": T("2024-06-03"),
    }
    assert N.sp400_from_claims(text, "nope") == {}


def test_membership_table_synthetic():
    named = pd.DataFrame({"ticker": ["BIG", "MID", "SMALL"], "name": ["b", "m", "s"], "theme": ["t"] * 3})
    caps = pd.DataFrame(
        {
            "date": [T("2025-01-31"), T("2025-06-30"), T("2025-06-30"), T("2025-06-30")],
            "ticker": ["BIG", "BIG", "MID", "SMALL"],
            "market_cap": [1e10, 5e10, 5e9, 1e9],
        }
    )
    iwm = {T("2025-05-13"): {"SMALL", "MID"}, T("2025-11-05"): {"SMALL"}}
    m = N.membership_table(
        named, {"BIG": T("2020-01-01")}, {"BIG"}, iwm, {"MID": T("2025-03-01")}, caps, "2025-07-01"
    ).set_index("ticker")
    assert m.at["BIG", "market_cap"] == 5e10 and m.at["BIG", "cap_date"] == T("2025-06-30")
    assert m.at["MID", "S&P 400 at end"] and not m.at["MID", "small_cap"]
    assert m.at["SMALL", "small_cap"] and m.at["SMALL", "size"].startswith("small")
    assert m.at["MID", "Russell 2000 (IWM 2025-05-13)"] and not m.at["MID", "Russell 2000 (IWM 2025-11-05)"]
    early = N.membership_table(named, {}, set(), iwm, {"MID": T("2025-03-01")}, caps, "2025-02-01")
    assert not early.set_index("ticker").at["MID", "S&P 400 at end"]  # joined after the end


def test_membership_on_the_snapshot():
    dl = DataLayer("snapshot")
    named = N.named_frame({"x": ["FIX", "INOD", "BAH"]})
    iwm = {d: set(dl.iwm_holdings(d)["ticker"]) for d in dl.iwm_holdings_dates()}
    added = dl.sp500_constituents().set_index("symbol")["date_added"].to_dict()
    sp400 = N.sp400_from_claims(reference_data.claims())
    for end, fix_in in (("2026-07-13", True), ("2024-12-31", False)):
        caps = dl.market_caps(None, end, ["FIX", "INOD", "BAH"])
        m = N.membership_table(named, added, set(dl.sp500_members(on=end)), iwm, sp400, caps, end)
        m = m.set_index("ticker")
        assert m.at["FIX", "S&P 500 at end"] == fix_in
        assert m.at["INOD", "small_cap"] and not m.at["FIX", "small_cap"]
        assert m.at["BAH", "S&P 400 at end"] == fix_in  # both joined on 2025-12-22
    assert m.at["FIX", "S&P 500 date added"] == T("2025-12-22")


# ---- windows the data does not cover -------------------------------------------
def test_event_must_fall_inside_the_window():
    assert N.event_outside_window("2026-01-13", "2025-01-01", "2026-07-13") is None
    assert (
        N.event_outside_window("2026-01-13", "2024-01-01", "2025-12-31")
        == "the window ends on 2025-12-31, before the event date 2026-01-13"
    )
    assert N.event_outside_window("2026-01-13", "2026-06-20", "2026-07-13").startswith(
        "the event date 2026-01-13 is before the window start 2026-06-20"
    )
    days = pd.bdate_range("2026-06-22", "2026-07-13")
    px = pd.DataFrame({"A": np.linspace(10, 12, len(days))}, index=days)
    bm = pd.DataFrame({"IWM": np.linspace(100, 101, len(days)), "SPY": np.linspace(100, 99, len(days))}, index=days)
    named = pd.DataFrame({"ticker": ["A"], "name": ["a"]})
    perf = N.performance_table(px, named, {"b": ["A"]}, bm, "2026-06-20", "2026-01-13", days[-1])
    # a window starting after the event must not pass its first price off as the event-day base
    assert perf["since_event"].isna().all() and perf["since_start"].notna().all()
    assert N.named_verdict(perf) == ("unverifiable", {})
    s = story_named.performance_sentence(N.event_returns(perf), "2026-01-13", days[-1], start="2026-06-20")
    assert s.startswith("The event date 2026-01-13 is before the window start 2026-06-20")


def test_membership_without_an_iwm_file_near_the_window():
    named = pd.DataFrame({"ticker": ["SMALL", "BIG"], "name": ["s", "b"], "theme": ["t", "t"]})
    iwm = {T("2025-05-13"): {"SMALL"}, T("2025-11-05"): {"SMALL"}}
    assert N.iwm_reference_date(iwm, "2024-12-31") == T("2025-05-13")  # 133 days later: still stands in
    assert N.iwm_reference_date(iwm, "2019-12-31") is None
    assert N.iwm_reference_date(iwm, "2026-01-01") == T("2025-11-05")
    caps = pd.DataFrame(
        {
            "date": pd.Series(dtype="datetime64[ns]"),
            "ticker": pd.Series(dtype="string"),
            "market_cap": pd.Series(dtype="float64"),
        }
    )
    m = N.membership_table(named, {}, {"BIG"}, iwm, {}, caps, "2019-12-31")
    assert m.attrs["iwm_date"] is None and not m["small_cap"].any() and (m["size"] == "unknown").all()
    s = story_named.membership_sentence(N.membership_facts(m), "2019-12-31")
    assert s.startswith(
        "Russell 2000 membership on 2019-12-31 is not in the data: no IWM holdings file is "
        "within 366 days of it (the first is dated 2025-05-13)"
    )
    assert "No named company has a market cap on or before 2019-12-31" in s
    ev = story_named.b9_evidence({}, N.membership_facts(m), "2026-01-13", "2019-12-31", "2019-01-01")
    assert ev.startswith("No returns after 2026-01-13 in this window (the window ends on 2019-12-31, before")
    assert "Russell 2000 membership on 2019-12-31 is not in the data" in ev
    near = N.membership_table(named, {}, {"BIG"}, iwm, {}, caps, "2024-12-31")
    assert near.attrs["iwm_date"] == T("2025-05-13") and near.set_index("ticker").at["SMALL", "small_cap"]
    # the membership statements name the holdings file, and that it is dated after the window end
    assert story_named.b9_evidence({}, N.membership_facts(near), "2026-01-13", "2024-12-31").endswith(
        "only SMALL of the 2 are Russell 2000 small caps outside the S&P 500/400 (IWM holdings as of "
        "2025-05-13, after the window end 2024-12-31; S&P 500 and S&P 400 on 2024-12-31)."
    )
    assert story_named.membership_sentence(N.membership_facts(near), "2024-12-31").startswith(
        "In the IWM holdings as of 2025-05-13, after the window end 2024-12-31, 1 named company (SMALL) was a member"
    )
    later = N.membership_table(named, {}, {"BIG"}, iwm, {}, caps, "2026-01-01")
    assert story_named.membership_sentence(N.membership_facts(later), "2026-01-01").startswith(
        "In the IWM holdings as of 2025-11-05, 1 named"
    )
    assert "after the window end" not in story_named.b9_evidence(
        {}, N.membership_facts(later), "2026-01-13", "2026-01-01"
    )


def test_rebased_chart_is_skipped_without_prices():
    import matplotlib.pyplot as plt

    from rotation_utils.charts import named_companies as charts

    days = pd.bdate_range("2019-01-02", "2019-01-31")
    assert charts.plot_rebased(pd.DataFrame({"X": np.nan}, index=days), "t") == (None, None)
    levels = pd.DataFrame({"X": np.nan, "IWM": np.linspace(1, 2, len(days))}, index=days)
    fig, ax = charts.plot_rebased(levels, "t", event_date="2026-01-13", benchmarks=["IWM"])
    assert [line.get_label() for line in ax.get_lines()] == ["IWM"]  # no empty line, no off-window event mark
    plt.close(fig)


# ---- display helpers: reader's headers, formatted values ----------------------------
def test_performance_for_display_dates_the_headers(prices):
    from tests.display_checks import assert_readable, column, rendered

    named = pd.DataFrame({"ticker": ["UP", "DOWN"], "name": ["Up", "Down"], "theme": ["x", "y"]})
    bm = prices[["UP"]].rename(columns={"UP": "IWM"}).assign(SPY=100.0)
    perf = N.performance_table(prices[["UP", "DOWN"]], named, {"both": ["UP", "DOWN"]}, bm, "2025-01-01", "2025-02-14")
    show, fmt = story_named.performance_for_display(perf, T("2025-01-01"), T("2025-02-14"))
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert headers == [
        "Type",
        "Name",
        "Ticker",
        "Return since 2025-01-01",
        "Return since 2025-02-14",
        "vs IWM since 2025-02-14",
        "vs SPY since 2025-02-14",
    ]
    up = perf.set_index("name").loc["Up"]
    assert column(headers, rows, "Return since 2025-01-01")[0] == "100.0%"
    assert column(headers, rows, "vs IWM since 2025-02-14")[0] == f"{up['vs_IWM'] * 100:+.1f} pp"


def test_missing_inputs_and_chart_levels():
    days = pd.bdate_range("2026-01-01", periods=4)
    px = pd.DataFrame({"A": [1.0, 1.1, 1.2, 1.3], "B": np.nan}, index=days)
    assert N.missing_prices(px, ["A", "B", "C"]) == ["B", "C"]
    assert N.missing_statements(pd.DataFrame({"symbol": ["A"]}), ["C", "A", "B"]) == ["B", "C"]
    bench = pd.DataFrame({"IWM": [1.0, 2, 3, 4]}, index=days)
    groups = pd.DataFrame({"Mag 7 (cap)": 1.0, "Other 493 (cap)": 2.0, "extra": 3.0}, index=days)
    bm = N.benchmark_levels(bench, groups, days[1], days[2])
    assert list(bm.columns) == ["IWM", "Mag 7 (cap)", "Other 493 (cap)"] and len(bm) == 2
    levels = N.chart_levels(px, {"basket": ["A", "B"]}, bm, days[1], days[2])
    assert levels["basket"].tolist() == pytest.approx([1.0, 1.2 / 1.1])
    assert list(levels.columns) == ["basket", "IWM", "Mag 7 (cap)", "Other 493 (cap)"]


def test_membership_inputs():
    cons = pd.DataFrame({"symbol": ["A", "B"], "date_added": [T("2020-01-02"), pd.NaT]})
    assert N.sp500_added(cons)["A"] == T("2020-01-02") and pd.isna(N.sp500_added(cons)["B"])
    assert N.holdings_sets({T("2025-06-30"): pd.DataFrame({"ticker": ["X", "Y", "X"]})}) == {
        T("2025-06-30"): {"X", "Y"}
    }
    named = N.named_frame({"b1": ["A"], "b2": ["B", "A"]})
    assert N.basket_of(named).to_dict() == {"A": "b1", "B": "b2"}


def test_rebased_chart_gives_each_basket_a_panel_when_lines_would_crowd_one():
    import matplotlib.pyplot as plt

    from rotation_utils import style
    from rotation_utils.charts import named_companies as charts

    days = pd.bdate_range("2026-01-02", "2026-03-31")
    baskets = [f"basket {i}" for i in range(4)]
    bench = ["IWM", "SPY", "Mag 7 (cap)", "Other 493 (cap)"]
    levels = pd.DataFrame({c: np.linspace(1, 1 + i / 10, len(days)) for i, c in enumerate(baskets + bench)}, index=days)
    fig, ax = charts.plot_rebased(levels, "t", event_date="2026-01-13", benchmarks=bench)
    panels = [a for a in fig.axes if a.get_visible()]
    assert len(panels) == 4
    for a, name in zip(panels, baskets):
        labels = [line.get_label() for line in a.get_lines() if not line.get_label().startswith("_")]
        assert labels[:5] == [name] + bench and len(labels) <= style.MAX_SERIES
        colours = {line.get_label(): line.get_color() for line in a.get_lines() if not line.get_label().startswith("_")}
        assert len(set(colours.values())) == len(colours)  # no two lines of a panel share a colour
        assert colours["IWM"] == {line.get_label(): line.get_color() for line in panels[0].get_lines()}["IWM"]
    plt.close(fig)


def test_event_returns_name_the_best_and_worst_and_the_mag7_when_present():
    perf = pd.DataFrame(
        [
            {"kind": "company", "ticker": "A", "since_event": 0.2},
            {"kind": "company", "ticker": "B", "since_event": -0.1},
            {"kind": "company", "ticker": "C", "since_event": np.nan},
            {"kind": "benchmark", "name": "IWM", "since_event": 0.03},
            {"kind": "benchmark", "name": "SPY", "since_event": 0.01},
        ]
    )
    r = N.event_returns(perf)
    assert (r.verdict, r.vals) == N.named_verdict(perf)
    assert r.best == ("A", 0.2) and r.worst == ("B", -0.1) and r.mag7 is None
    with_mag7 = pd.concat([perf, pd.DataFrame([{"kind": "benchmark", "name": "Mag 7 (cap)", "since_event": 0.05}])])
    assert N.event_returns(with_mag7).mag7 == 0.05
    none = N.event_returns(perf[perf["kind"] == "benchmark"])
    assert none.vals == {} and none.best is None and none.worst is None


def test_membership_facts_read_the_table_and_its_holdings_file():
    named = pd.DataFrame({"ticker": ["BIG", "MID", "SMALL"], "name": ["b", "m", "s"], "theme": ["t"] * 3})
    caps = pd.DataFrame({"date": [T("2025-06-30")] * 2, "ticker": ["BIG", "SMALL"], "market_cap": [5e10, 1.2e9]})
    iwm = {T("2025-05-13"): {"SMALL", "MID"}, T("2025-11-05"): {"SMALL"}}
    mem = N.membership_table(
        named, {"BIG": T("2020-01-01")}, {"BIG"}, iwm, {"MID": T("2025-03-01")}, caps, "2025-07-01"
    )
    f = N.membership_facts(mem)
    assert f.names == 3 and f.small_caps == ["SMALL"] and not f.no_iwm_file
    assert f.iwm_date == T("2025-05-13") and f.first_iwm_file == T("2025-05-13")
    assert f.sp500 == [("BIG", T("2020-01-01"))] and f.sp400 == ["MID"]
    assert f.smallest == ("SMALL", 1.2e9) and f.largest == ("BIG", 5e10)
    text = story_named.membership_sentence(f, "2025-07-01")
    assert "BIG was in the S&P 500 (added 2020-01-01)." in text and "MID had joined the S&P 400" in text
    assert text.endswith("Market caps run from $1.2bn (SMALL) to $50.0bn (BIG).")
