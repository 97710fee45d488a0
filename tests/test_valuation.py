"""Unit tests for rotation_utils.analytics.valuation (aggregate P/E and its inputs)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotation_utils.analytics import valuation as val
from rotation_utils.charts import valuation as val_charts
from rotation_utils.data import DataLayer
from rotation_utils.errors import BadInputError, DataUnavailableError
from rotation_utils.universes import MAG7

D0, D1 = pd.Timestamp("2025-01-31"), pd.Timestamp("2026-05-15")


def tiny() -> pd.DataFrame:
    """Four companies: two profitable (P/E 20 and 30), a loss-maker, one without earnings."""
    return pd.DataFrame({"symbol": ["A", "B", "C", "D"], "market_cap": [100.0, 60.0, 30.0, 20.0],
                         "earnings": [5.0, 2.0, -3.0, np.nan], "g": ["x", "x", "y", "y"]})


def version_rows(day, rows) -> pd.DataFrame:
    """A fundamentals version from (symbol, price, eps, market_cap, sector) tuples."""
    df = pd.DataFrame(rows, columns=["symbol", "price", "eps", "market_cap", "sector"])
    df["pe"] = (df["price"] / df["eps"]).where(df["eps"] > 0)
    df["name"] = df["symbol"]
    df["as_of"] = pd.Timestamp(day)
    return df


def mag7_rows(scale=1.0):
    return [(t, 100.0, 4.0 * scale, 1000.0, "Semiconductors") for t in MAG7]


CONS = pd.DataFrame({"symbol": ["AAA", "BBB", "NVDA"], "name": ["a", "b", "n"],
                     "gics_sector": ["Energy", "Financials", "Information Technology"],
                     "gics_sub_industry": ["Oil & Gas Drilling", "Regional Banks", "Semiconductors"]})


# ---- aggregate P/E --------------------------------------------------------------
def test_aggregate_pe_hand_computed_with_loss_maker_and_missing_value():
    out = val.aggregate_pe(tiny()).iloc[0]
    # with losses: (100 + 60 + 30) / (5 + 2 - 3); D has no earnings and is left out of both sums
    assert out["pe"] == pytest.approx(190 / 4)
    assert (out["companies"], out["with_data"], out["loss_makers"]) == (4, 3, 1)
    assert out["median_pe"] == pytest.approx(25.0)  # median of 20 and 30 (positive earnings only)
    ex = val.aggregate_pe(tiny(), include_losses=False).iloc[0]
    assert ex["pe"] == pytest.approx(160 / 7)
    assert ex["market_cap"] == pytest.approx(160) and ex["earnings"] == pytest.approx(7)


def test_aggregate_pe_by_group_and_negative_total():
    out = val.aggregate_pe(tiny(), by="g").set_index("g")
    assert out.loc["x", "pe"] == pytest.approx(160 / 7)
    assert math.isnan(out.loc["y", "pe"])          # only a loss: no meaningful P/E
    assert math.isnan(out.loc["y", "median_pe"])
    assert out.loc["y", "loss_makers"] == 1


def test_aggregate_differs_from_mean_of_pes():
    df = pd.DataFrame({"market_cap": [100.0, 10.0], "earnings": [5.0, 0.01]})
    out = val.aggregate_pe(df).iloc[0]
    assert out["pe"] == pytest.approx(110 / 5.01)
    assert out["mean_pe"] == pytest.approx((20 + 1000) / 2)  # the tiny earner dominates the mean


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(1e6, 1e12), st.floats(1.0, 200.0)), min_size=1, max_size=30))
def test_aggregate_equals_cap_weighted_harmonic_mean(pairs):
    caps = pd.Series([c for c, _ in pairs])
    pes = pd.Series([p for _, p in pairs])
    df = pd.DataFrame({"market_cap": caps, "earnings": caps / pes})
    assert val.aggregate_pe(df).iloc[0]["pe"] == pytest.approx(val.harmonic_pe(pes, caps), rel=1e-9)


# ---- company inputs ---------------------------------------------------------------
def test_company_earnings_from_eps_then_pe_and_second_classes_dropped():
    fin = pd.DataFrame({"symbol": ["X", "Y", "Z", "GOOG", "GOOGL"],
                        "price": [10.0, 20.0, 50.0, 100.0, 100.0],
                        "eps": [1.0, -2.0, np.nan, 5.0, 5.0],
                        "pe": [10.0, np.nan, 25.0, 20.0, 20.0],
                        "market_cap": [1000.0, 400.0, 500.0, 2000.0, 2000.0]})
    out = val.company_earnings(fin).set_index("symbol")
    assert "GOOG" not in out.index and "GOOGL" in out.index
    assert out.loc["X", "earnings"] == pytest.approx(100.0)      # 1000 * 1 / 10
    assert out.loc["Y", "earnings"] == pytest.approx(-40.0)      # loss kept: 400 * -2 / 20
    assert out.loc["Z", "earnings"] == pytest.approx(20.0)       # no EPS: 500 / 25


def test_alphabet_double_listing_counted_once():
    rows = mag7_rows() + [("GOOG", 100.0, 4.0, 1000.0, "Interactive Media & Services"),
                          ("AAA", 10.0, 1.0, 500.0, "Oil & Gas Drilling")]
    v = val.label_companies(val.company_earnings(version_rows(D0, rows)), CONS)
    g = val.group_pe(v).set_index("group")
    assert g.loc[val.MAG7_GROUP, "companies"] == 7
    assert g.loc[val.MAG7_GROUP, "market_cap"] == pytest.approx(7000.0)   # GOOGL once, GOOG dropped
    assert g.loc[val.ALL_GROUP, "market_cap"] == pytest.approx(7500.0)
    assert g.loc[val.OTHER_GROUP, "companies"] == 1
    assert list(g.index) == list(val.STANDARD_GROUPS)


def test_label_companies_maps_sub_industries_and_old_sector_names():
    fin = pd.DataFrame({"symbol": ["AAA", "ZZZ", "OLD", "UNK", "NVDA"],
                        "sector": ["whatever", "Regional Banks", "Energy", "Nothing Known", "Semiconductors"]})
    out = val.label_companies(fin, CONS).set_index("symbol")
    assert out.loc["AAA", "gics_sector"] == "Energy"          # by symbol
    assert out.loc["ZZZ", "gics_sector"] == "Financials"      # by sub-industry
    assert out.loc["OLD", "gics_sector"] == "Energy"          # the field already is a sector
    assert out.loc["UNK", "gics_sector"] == val.UNCLASSIFIED
    assert out.loc["NVDA", "group"] == val.MAG7_GROUP and out.loc["AAA", "group"] == val.OTHER_GROUP


def test_pe_table_has_groups_then_sectors_and_cap_shares():
    rows = mag7_rows() + [("AAA", 10.0, 1.0, 500.0, "x"), ("BBB", 10.0, -1.0, 500.0, "Regional Banks")]
    v = val.label_companies(val.company_earnings(version_rows(D0, rows)), CONS)
    t = val.pe_table(v)
    assert list(t["group"][:3]) == list(val.STANDARD_GROUPS)
    fin_row = t.set_index("group").loc["Financials"]
    assert math.isnan(fin_row["pe_all"]) and fin_row["loss_makers"] == 1
    assert t.set_index("group").loc[val.ALL_GROUP, "cap_share"] == pytest.approx(1.0)
    assert t.set_index("group").loc["Energy", "pe_all"] == pytest.approx(10.0)


# ---- versions -------------------------------------------------------------------
def test_version_quality_flags_missing_caps_and_blank_mag7():
    good = version_rows("2026-05-01", mag7_rows() + [("AAA", 10.0, 1.0, 500.0, "x")])
    no_cap = version_rows("2026-05-02", mag7_rows() + [("AAA", 10.0, 1.0, np.nan, "x")])
    blank = version_rows("2026-05-03", mag7_rows()[1:] + [("AAA", 10.0, 1.0, 500.0, "x")])
    q = val.version_quality(pd.concat([good, no_cap, blank])).set_index("as_of")["usable"]
    assert q.tolist() == [True, False, False]
    both = pd.concat([good, no_cap, blank])
    assert val.pick_version(val.version_quality(both)) == pd.Timestamp("2026-05-01")
    with pytest.raises(DataUnavailableError):
        val.pick_version(val.version_quality(both), "2026-04-30")


def test_pick_version_latest_on_or_before():
    versions = pd.concat([version_rows(d, mag7_rows()) for d in ("2024-10-10", "2025-01-31", "2026-05-15")])
    q = val.version_quality(versions)
    assert val.pick_version(q, "2025-06-30") == pd.Timestamp("2025-01-31")
    assert val.pick_version(q, "2025-01-31") == pd.Timestamp("2025-01-31")
    assert val.pick_version(q) == pd.Timestamp("2026-05-15")


def test_decompose_change_identity_and_hand_numbers():
    fin = pd.concat([version_rows(D0, mag7_rows(1.0)), version_rows(D1, mag7_rows(2.0))])
    fin.loc[fin["as_of"] == D1, "market_cap"] *= 1.5
    hist = val.pe_history(fin, CONS, [D0, D1])
    out = val.decompose_change(hist, D0, D1).set_index("group").loc[val.MAG7_GROUP]
    assert out["cap_change"] == pytest.approx(0.5)
    assert out["earnings_change"] == pytest.approx(2.0)    # eps doubled and caps x1.5: earnings x3
    assert out["pe_change"] == pytest.approx(1.5 / 3 - 1)
    assert out["price_logpts"] + out["earnings_logpts"] == pytest.approx(np.log(out["pe_end"] / out["pe_start"]))


def test_earnings_contributors_sorted_by_absolute_change():
    fin = val.company_earnings(pd.concat([version_rows(D0, mag7_rows(1.0)),
                                          version_rows(D1, [(t, 100.0, 4.0 + i, 1000.0, "s")
                                                            for i, t in enumerate(MAG7)])]))
    top = val.earnings_contributors(fin, D0, D1, MAG7, top=2)
    assert list(top["symbol"]) == [MAG7[-1], MAG7[-2]]
    assert top["change"].iloc[0] == pytest.approx(1000.0 * 6 / 100)


# ---- small caps, history, live ------------------------------------------------------
def test_statement_pe_is_point_in_time_and_losses_have_no_pe():
    annual = pd.DataFrame({"symbol": ["S", "S", "L"], "fiscal_year": [2024, 2025, 2025],
                           "period_end": pd.to_datetime(["2024-12-31", "2025-12-31", "2025-12-31"]),
                           "filing_date": pd.to_datetime(["2025-02-20", "2026-02-20", "2026-02-20"]),
                           "net_income": [10.0, 20.0, -5.0]})
    caps = pd.DataFrame({"date": pd.to_datetime(["2025-05-30", "2026-04-30", "2026-04-30"]),
                         "ticker": ["S", "S", "L"], "market_cap": [300.0, 400.0, 50.0]})
    comp = pd.DataFrame({"ticker": ["S", "L"], "name": ["s", "l"]})
    before = val.statement_pe(comp, caps, annual, "2025-06-30").set_index("ticker")
    assert before.loc["S", "fiscal_year"] == 2024 and before.loc["S", "pe"] == pytest.approx(30.0)
    after = val.statement_pe(comp, caps, annual, "2026-05-31").set_index("ticker")
    assert after.loc["S", "pe"] == pytest.approx(20.0)
    assert math.isnan(after.loc["L", "pe"]) and after.loc["L", "earnings"] == -5.0


def test_holdings_coverage():
    h = pd.DataFrame({"ticker": ["A", "B", "C"], "weight_pct": [50.0, 30.0, 20.0]})
    assert val.holdings_coverage(h, ["B", "Z"]) == {"holdings": 3, "covered": 1, "weight_covered": 0.3}


def test_shiller_pe_percentile_and_relative_level():
    sh = pd.DataFrame({"date": pd.date_range("2000-01-01", periods=4, freq="MS"),
                       "sp500": [100.0, 200.0, 300.0, 400.0], "earnings": [10.0, 10.0, np.nan, 0.0],
                       "cape": [15.0, 16.0, 17.0, np.nan]})
    out = val.shiller_pe(sh)
    assert out["pe"].tolist()[:2] == [10.0, 20.0] and len(out) == 3 and math.isnan(out["pe"].iloc[2])
    assert val.percentile_of(out["pe"], 15.0) == pytest.approx(0.5)
    r = pd.Series([3.0, 1.0, 2.0, 1.5], index=pd.date_range("2020-01-01", periods=4))
    lvl = val.relative_level(r)
    assert lvl["lower_since"] == pd.Timestamp("2020-01-02") and lvl["percentile"] == pytest.approx(0.5)
    assert val.relative_level(r, "2020-01-02")["lower_since"] is None
    assert [val.ordinal_percentile(p) for p in (0.01, 0.02, 0.03, 0.11, 0.16, 0.22)] == \
        ["1st", "2nd", "3rd", "11th", "16th", "22nd"]


class FakeTicker:
    INFO = {"IWM": {"trailingPE": 19.0, "forwardPE": 15.0},
            "AA": {"marketCap": 100.0, "trailingPE": 20.0, "forwardPE": 10.0, "netIncomeToCommon": 5.0},
            "BB": {"marketCap": 50.0, "netIncomeToCommon": -5.0, "forwardPE": -25.0},
            "CC": {"marketCap": 40.0, "trailingPE": 8.0}}

    def __init__(self, symbol):
        if symbol == "BAD":
            raise RuntimeError("rate limited")
        self.info = self.INFO.get(symbol, {})


class FakeYF:
    Ticker = FakeTicker


def test_live_iwm_valuation_with_fake_yfinance():
    h = pd.DataFrame({"ticker": ["AA", "BB", "CC", "BAD"], "weight_pct": [40.0, 30.0, 20.0, 10.0]})
    out = val.live_iwm_valuation(h, yf=FakeYF, max_holdings=10)
    assert out["status"] == "ok"
    assert out["etf"] == {"trailing_pe": 19.0, "forward_pe": 15.0}
    agg = out["aggregate"]
    assert agg["pe_all"] == pytest.approx(190 / (5 - 5 + 5))            # CC earnings = 40 / 8
    assert agg["pe_ex_losses"] == pytest.approx(140 / 10)
    assert agg["forward_pe_ex_losses"] == pytest.approx(100 / 10)       # only AA has positive forward
    assert agg["holdings_used"] == 3 and agg["weight_covered"] == pytest.approx(0.9)
    top1 = val.live_iwm_valuation(h, yf=FakeYF, max_holdings=1)
    assert top1["aggregate"]["holdings_used"] == 1


def test_live_iwm_valuation_failure_says_not_available():
    class Broken:
        @staticmethod
        def Ticker(symbol):
            raise ConnectionError("offline")
    out = val.live_iwm_valuation(None, yf=Broken)
    assert out["status"] == "not available" and "ConnectionError" in out["reason"]

    class Empty:
        @staticmethod
        def Ticker(symbol):
            return type("T", (), {"info": {}})()
    assert val.live_iwm_valuation(None, yf=Empty)["status"] == "not available"


def test_live_allowed(monkeypatch):
    monkeypatch.setenv("ROTATION_OFFLINE", "1")
    assert not val.live_allowed("auto") and not val.live_allowed("live")
    monkeypatch.setenv("ROTATION_OFFLINE", "0")
    assert val.live_allowed("auto") and val.live_allowed("live") and not val.live_allowed("snapshot")


def test_claim_rules_and_group_check():
    assert val.small_cap_claim(float("nan"), 27.0) == "unverifiable"
    assert val.small_cap_claim(18.0, 27.0) == "confirmed"
    assert val.small_cap_claim(30.0, 27.0) == "contradicted"
    assert val.trailing_30x_claim(28.0) == "mixed"
    assert val.trailing_30x_claim(22.0) == "contradicted"
    assert val.trailing_30x_claim(float("nan")) == "unverifiable"
    assert val.check_groups("S&P 500", val.STANDARD_GROUPS) == ["S&P 500"]
    with pytest.raises(BadInputError):
        val.check_groups(["Mag 7"], val.STANDARD_GROUPS)


# ---- on the snapshot ------------------------------------------------------------------
@pytest.fixture(scope="module")
def snapshot_version():
    dl = DataLayer("snapshot")
    fin = dl.sp500_financials("2024-10-01")
    q = val.version_quality(fin)
    d = val.pick_version(q)
    v = val.label_companies(val.company_earnings(fin[fin["as_of"] == d]), dl.sp500_constituents())
    return fin, q, d, v


def test_snapshot_groups_add_up_and_skip_incomplete_versions(snapshot_version):
    fin, q, d, v = snapshot_version
    assert not {"GOOG", "FOX", "NWS"} & set(v["symbol"])
    g = val.group_pe(v).set_index("group")
    assert g.loc[val.ALL_GROUP, "market_cap"] == pytest.approx(
        g.loc[val.MAG7_GROUP, "market_cap"] + g.loc[val.OTHER_GROUP, "market_cap"])
    assert g.loc[val.MAG7_GROUP, "with_data"] == 7
    latest = fin[fin["as_of"] == fin["as_of"].max()]
    priced_no_cap = latest["price"].notna() & latest["eps"].notna() & latest["market_cap"].isna()
    if priced_no_cap.any():  # the newest version blanks some caps: it must be skipped
        assert d < fin["as_of"].max()
    assert (v["gics_sector"] != val.UNCLASSIFIED).mean() > 0.98


def test_plots_have_titles_labels_and_footnotes(snapshot_version):
    import matplotlib.pyplot as plt
    fin, q, d, v = snapshot_version
    fig = val_charts.plot_pe_table(val.pe_table(v), d)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel()
    assert any("Source:" in t.get_text() for t in fig.texts)
    plt.close("all")


def test_trailing_forward_table_labels_bases_and_sources():
    t = val.trailing_forward_table(27.0, "loss-makers included", D1, val.not_available("offline"),
                                   "register note", 30.0, 18.0).set_index("Figure")
    assert t.loc["S&P 500 aggregate P/E (this run)", "Value"] == 27.0
    assert t.loc["S&P 500 aggregate P/E (this run)", "Basis"].startswith("trailing")
    assert "forward" in t.loc["S&P 500 'past 30x' (article B)", "Basis"]
    assert math.isnan(t.loc["IWM forward P/E", "Value"])
    assert t.loc["IWM forward P/E", "Source"] == "not available offline"
    live = {"status": "ok", "etf": {"trailing_pe": 19.0, "forward_pe": 15.0}}
    t2 = val.trailing_forward_table(27.0, "x", D1, live, "n", 30.0, 18.0).set_index("Figure")
    assert t2.loc["IWM forward P/E", "Value"] == 15.0 and "live" in t2.loc["IWM forward P/E", "Source"]


def test_coverage_facts():
    rows = mag7_rows() + [("AAA", np.nan, np.nan, np.nan, "x"), ("OLD", 10.0, 1.0, 50.0, "Nowhere")]
    v = val.label_companies(val.company_earnings(version_rows(D0, rows)), CONS)
    f = val.coverage_facts(v, CONS, [D0, D1, pd.Timestamp("2026-05-20")])
    assert f["blank"] == ["AAA"]          # a current member without data (NVDA has data)
    assert f["stale"] == 7                # OLD and six Mag 7 names are not in this tiny list
    assert f["unclassified"] == 1         # Mag 7 rows map through their sub-industry; OLD does not
    assert f["longest_gap_days"] == (D1 - D0).days and f["longest_gap_after"] == D0


def test_named_display_readable_columns():
    named = pd.DataFrame({"ticker": ["A", "B"], "name": ["a", "b"], "in_iwm": [True, False],
                          "market_cap": [2e9, np.nan], "fiscal_year": [2025, np.nan],
                          "earnings": [1e8, np.nan], "pe": [20.0, np.nan]})
    out = val.named_display(named, "2026-05-05")
    assert list(out["IWM holding 2026-05-05"]) == ["yes", "no"]
    assert list(out["Fiscal year"]) == ["2025", ""]
    assert out["Market cap ($m)"].iloc[0] == pytest.approx(2000.0)
