"""Unit tests for the valuation report's computations: aggregate P/E and its inputs
(rotation_utils.analytics.valuation, valuation_versions, valuation_small_caps,
valuation_data, valuation_verdicts). Its words are tested in test_story_valuation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotation_utils.analytics import valuation as val
from rotation_utils.analytics import valuation_data as vd
from rotation_utils.analytics import valuation_small_caps as sc
from rotation_utils.analytics import valuation_verdicts as vt
from rotation_utils.analytics import valuation_versions as vv
from rotation_utils.charts import valuation as val_charts
from rotation_utils.data import DataLayer, empty_frame, network, schemas
from rotation_utils.data.live import LiveBackend
from rotation_utils.errors import BadInputError, DataUnavailableError
from rotation_utils.universes import MAG7
from tests.fakes import yahoo  # noqa: F401

D0, D1 = pd.Timestamp("2025-01-31"), pd.Timestamp("2026-05-15")


def tiny() -> pd.DataFrame:
    """Four companies: two profitable (P/E 20 and 30), a loss-maker, one without earnings."""
    return pd.DataFrame(
        {
            "symbol": ["A", "B", "C", "D"],
            "market_cap": [100.0, 60.0, 30.0, 20.0],
            "earnings": [5.0, 2.0, -3.0, np.nan],
            "g": ["x", "x", "y", "y"],
        }
    )


def version_rows(day, rows) -> pd.DataFrame:
    """A fundamentals version from (symbol, price, eps, market_cap, sector) tuples."""
    df = pd.DataFrame(rows, columns=["symbol", "price", "eps", "market_cap", "sector"])
    df["pe"] = (df["price"] / df["eps"]).where(df["eps"] > 0)
    df["name"] = df["symbol"]
    df["as_of"] = pd.Timestamp(day)
    return df


def mag7_rows(scale=1.0):
    return [(t, 100.0, 4.0 * scale, 1000.0, "Semiconductors") for t in MAG7]


CONS = pd.DataFrame(
    {
        "symbol": ["AAA", "BBB", "NVDA"],
        "name": ["a", "b", "n"],
        "gics_sector": ["Energy", "Financials", "Information Technology"],
        "gics_sub_industry": ["Oil & Gas Drilling", "Regional Banks", "Semiconductors"],
    }
)


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
    assert math.isnan(out.loc["y", "pe"])  # only a loss: no meaningful P/E
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
    fin = pd.DataFrame(
        {
            "symbol": ["X", "Y", "Z", "GOOG", "GOOGL"],
            "price": [10.0, 20.0, 50.0, 100.0, 100.0],
            "eps": [1.0, -2.0, np.nan, 5.0, 5.0],
            "pe": [10.0, np.nan, 25.0, 20.0, 20.0],
            "market_cap": [1000.0, 400.0, 500.0, 2000.0, 2000.0],
        }
    )
    out = val.company_earnings(fin).set_index("symbol")
    assert "GOOG" not in out.index and "GOOGL" in out.index
    assert out.loc["X", "earnings"] == pytest.approx(100.0)  # 1000 * 1 / 10
    assert out.loc["Y", "earnings"] == pytest.approx(-40.0)  # loss kept: 400 * -2 / 20
    assert out.loc["Z", "earnings"] == pytest.approx(20.0)  # no EPS: 500 / 25


def test_alphabet_double_listing_counted_once():
    rows = mag7_rows() + [
        ("GOOG", 100.0, 4.0, 1000.0, "Interactive Media & Services"),
        ("AAA", 10.0, 1.0, 500.0, "Oil & Gas Drilling"),
    ]
    v = val.label_companies(val.company_earnings(version_rows(D0, rows)), CONS)
    g = val.group_pe(v).set_index("group")
    assert g.loc[val.MAG7_GROUP, "companies"] == 7
    assert g.loc[val.MAG7_GROUP, "market_cap"] == pytest.approx(7000.0)  # GOOGL once, GOOG dropped
    assert g.loc[val.ALL_GROUP, "market_cap"] == pytest.approx(7500.0)
    assert g.loc[val.OTHER_GROUP, "companies"] == 1
    assert list(g.index) == list(val.STANDARD_GROUPS)


def test_label_companies_maps_sub_industries_and_old_sector_names():
    fin = pd.DataFrame(
        {
            "symbol": ["AAA", "ZZZ", "OLD", "UNK", "NVDA"],
            "sector": ["whatever", "Regional Banks", "Energy", "Nothing Known", "Semiconductors"],
        }
    )
    out = val.label_companies(fin, CONS).set_index("symbol")
    assert out.loc["AAA", "gics_sector"] == "Energy"  # by symbol
    assert out.loc["ZZZ", "gics_sector"] == "Financials"  # by sub-industry
    assert out.loc["OLD", "gics_sector"] == "Energy"  # the field already is a sector
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
    q = vv.version_quality(pd.concat([good, no_cap, blank])).set_index("as_of")["usable"]
    assert q.tolist() == [True, False, False]
    both = pd.concat([good, no_cap, blank])
    assert vv.pick_version(vv.version_quality(both)) == pd.Timestamp("2026-05-01")
    with pytest.raises(DataUnavailableError):
        vv.pick_version(vv.version_quality(both), "2026-04-30")


def test_pick_version_latest_on_or_before():
    versions = pd.concat([version_rows(d, mag7_rows()) for d in ("2024-10-10", "2025-01-31", "2026-05-15")])
    q = vv.version_quality(versions)
    assert vv.pick_version(q, "2025-06-30") == pd.Timestamp("2025-01-31")
    assert vv.pick_version(q, "2025-01-31") == pd.Timestamp("2025-01-31")
    assert vv.pick_version(q) == pd.Timestamp("2026-05-15")


def test_decompose_change_identity_and_hand_numbers():
    fin = pd.concat([version_rows(D0, mag7_rows(1.0)), version_rows(D1, mag7_rows(2.0))])
    fin.loc[fin["as_of"] == D1, "market_cap"] *= 1.5
    hist = val.pe_history(fin, CONS, [D0, D1])
    out = val.decompose_change(hist, D0, D1).set_index("group").loc[val.MAG7_GROUP]
    assert out["cap_change"] == pytest.approx(0.5)
    assert out["earnings_change"] == pytest.approx(2.0)  # eps doubled and caps x1.5: earnings x3
    assert out["pe_change"] == pytest.approx(1.5 / 3 - 1)
    assert out["price_logpts"] + out["earnings_logpts"] == pytest.approx(np.log(out["pe_end"] / out["pe_start"]))


def test_earnings_contributors_sorted_by_absolute_change():
    fin = val.company_earnings(
        pd.concat(
            [
                version_rows(D0, mag7_rows(1.0)),
                version_rows(D1, [(t, 100.0, 4.0 + i, 1000.0, "s") for i, t in enumerate(MAG7)]),
            ]
        )
    )
    top = val.earnings_contributors(fin, D0, D1, MAG7, top=2)
    assert list(top["symbol"]) == [MAG7[-1], MAG7[-2]]
    assert top["change"].iloc[0] == pytest.approx(1000.0 * 6 / 100)


# ---- small caps, history, live ------------------------------------------------------
def test_statement_pe_is_point_in_time_and_losses_have_no_pe():
    annual = pd.DataFrame(
        {
            "symbol": ["S", "S", "L"],
            "fiscal_year": [2024, 2025, 2025],
            "period_end": pd.to_datetime(["2024-12-31", "2025-12-31", "2025-12-31"]),
            "filing_date": pd.to_datetime(["2025-02-20", "2026-02-20", "2026-02-20"]),
            "net_income": [10.0, 20.0, -5.0],
        }
    )
    caps = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-05-30", "2026-04-30", "2026-04-30"]),
            "ticker": ["S", "S", "L"],
            "market_cap": [300.0, 400.0, 50.0],
        }
    )
    comp = pd.DataFrame({"ticker": ["S", "L"], "name": ["s", "l"]})
    before = sc.statement_pe(comp, caps, annual, "2025-06-30").set_index("ticker")
    assert before.loc["S", "fiscal_year"] == 2024 and before.loc["S", "pe"] == pytest.approx(30.0)
    after = sc.statement_pe(comp, caps, annual, "2026-05-31").set_index("ticker")
    assert after.loc["S", "pe"] == pytest.approx(20.0)
    assert math.isnan(after.loc["L", "pe"]) and after.loc["L", "earnings"] == -5.0


def test_holdings_coverage():
    h = pd.DataFrame({"ticker": ["A", "B", "C"], "weight_pct": [50.0, 30.0, 20.0]})
    assert sc.holdings_coverage(h, ["B", "Z"]) == {
        "holdings": 3,
        "covered": 1,
        "weight_covered": 0.3,
        "holdings_date": None,
    }
    dated = sc.holdings_coverage(h.assign(holdings_date=pd.Timestamp("2025-05-13")), ["B"])
    assert dated["holdings_date"] == pd.Timestamp("2025-05-13")


def test_shiller_pe_percentile_and_relative_level():
    sh = pd.DataFrame(
        {
            "date": pd.date_range("2000-01-01", periods=4, freq="MS"),
            "sp500": [100.0, 200.0, 300.0, 400.0],
            "earnings": [10.0, 10.0, np.nan, 0.0],
            "cape": [15.0, 16.0, 17.0, np.nan],
        }
    )
    out = val.shiller_pe(sh)
    assert out["pe"].tolist()[:2] == [10.0, 20.0] and len(out) == 3 and math.isnan(out["pe"].iloc[2])
    assert val.percentile_of(out["pe"], 15.0) == pytest.approx(0.5)
    r = pd.Series([3.0, 1.0, 2.0, 1.5], index=pd.date_range("2020-01-01", periods=4))
    lvl = sc.relative_level(r)
    assert lvl["lower_since"] == pd.Timestamp("2020-01-02") and lvl["percentile"] == pytest.approx(0.5)
    assert sc.relative_level(r, "2020-01-02")["lower_since"] is None


QUOTES = {
    "IWM": {"trailingPE": 19.0, "forwardPE": 15.0},
    "AA": {"marketCap": 100.0, "trailingPE": 20.0, "forwardPE": 10.0, "netIncomeToCommon": 5.0},
    "BB": {"marketCap": 50.0, "netIncomeToCommon": -5.0, "forwardPE": -25.0},
    "CC": {"marketCap": 40.0, "trailingPE": 8.0},
}


def live_layer(tmp_path):
    dl = DataLayer("auto", cache=tmp_path / "cache")
    dl.__dict__["_live_backend"] = LiveBackend(tmp_path / "cache", sleep=lambda s: None, retries=2)
    return dl


def test_live_iwm_valuation_on_real_yfinance_with_a_rate_limited_holding(yahoo, tmp_path):
    yahoo.info.update(QUOTES)
    yahoo.rate_limited["BAD"] = -1  # never answers: left out
    h = pd.DataFrame({"ticker": ["AA", "BB", "CC", "BAD"], "weight_pct": [40.0, 30.0, 20.0, 10.0]})
    dl = live_layer(tmp_path)
    out = sc.live_iwm_valuation(h, vd.read_iwm_quotes(dl, h, max_holdings=10))
    assert out.ok and out.status == sc.LIVE_OK and out.fund == "IWM"
    assert out.etf == {"trailing_pe": 19.0, "forward_pe": 15.0}
    agg = out.aggregate
    assert agg["pe_all"] == pytest.approx(190 / (5 - 5 + 5))  # CC earnings = 40 / 8
    assert agg["pe_ex_losses"] == pytest.approx(140 / 10)
    assert agg["forward_pe_ex_losses"] == pytest.approx(100 / 10)  # only AA has positive forward
    assert agg["holdings_used"] == 3 and agg["weight_covered"] == pytest.approx(0.9)
    assert agg["left_out"] == ["BAD"] and agg["weight_left_out"] == pytest.approx(0.1)
    rec = dl.provenance.table().set_index("item").loc["BAD"]
    assert rec["status"] == "missing" and "rate-limited" in rec["note"]
    top1 = sc.live_iwm_valuation(h, vd.read_iwm_quotes(dl, h, max_holdings=1))  # served from the day's cache
    assert top1.aggregate["holdings_used"] == 1
    assert top1.small_cap_pe(True) == pytest.approx(100 / 5) and out.small_cap_pe(False) == agg["pe_ex_losses"]


def test_live_iwm_valuation_offline_says_why(monkeypatch):
    monkeypatch.setenv("ROTATION_OFFLINE", "1")
    out = sc.live_iwm_valuation(None, vd.read_iwm_quotes(DataLayer("auto"), None))
    assert out.status == sc.FAILED and "ROTATION_OFFLINE" in out.error and math.isnan(out.small_cap_pe(True))
    assert not sc.live_iwm_valuation(None, vd.read_iwm_quotes(DataLayer("snapshot"), None)).ok
    assert sc.live_iwm_valuation(None, sc.IwmQuotes(queried=False)).status == sc.NOT_QUERIED


def test_live_iwm_valuation_with_empty_answers_is_not_available(yahoo, tmp_path):
    out = sc.live_iwm_valuation(None, vd.read_iwm_quotes(live_layer(tmp_path), None))
    assert out.status == sc.EMPTY and not out.ok


def test_live_allowed(monkeypatch):
    monkeypatch.setenv("ROTATION_OFFLINE", "1")
    assert not vd.live_allowed("auto") and not vd.live_allowed("live")
    monkeypatch.setenv("ROTATION_OFFLINE", "0")
    monkeypatch.setattr(network, "probe", lambda: network.ProbeResult(True))
    assert vd.live_allowed("auto") and vd.live_allowed("live") and not vd.live_allowed("snapshot")
    monkeypatch.setattr(network, "probe", lambda: network.ProbeResult(False, "no route"))
    assert not vd.live_allowed("auto")


def test_claim_rules_and_group_check():
    assert vt.small_cap_claim(float("nan"), 27.0) == "unverifiable"
    assert vt.small_cap_claim(18.0, 27.0) == "confirmed"
    assert vt.small_cap_claim(30.0, 27.0) == "contradicted"
    assert vt.trailing_30x_claim(28.0) == "mixed"
    assert vt.trailing_30x_claim(22.0) == "contradicted"
    assert vt.trailing_30x_claim(float("nan")) == "unverifiable"
    assert val.check_groups("S&P 500", CONS) == ["S&P 500"]
    assert val.check_groups(["Energy", "Energy"], CONS) == ["Energy"]  # a sector of the list, once
    with pytest.raises(BadInputError):
        val.check_groups(["Mag 7"], CONS)
    with pytest.raises(BadInputError):
        val.check_groups([], CONS)


# ---- on the snapshot ------------------------------------------------------------------
@pytest.fixture(scope="module")
def snapshot_version():
    dl = DataLayer("snapshot")
    fin = dl.sp500_financials("2024-10-01")
    q = vv.version_quality(fin)
    d = vv.pick_version(q)
    v = val.label_companies(val.company_earnings(fin[fin["as_of"] == d]), dl.sp500_constituents())
    return fin, q, d, v


def test_snapshot_groups_add_up_and_skip_incomplete_versions(snapshot_version):
    fin, q, d, v = snapshot_version
    assert not {"GOOG", "FOX", "NWS"} & set(v["symbol"])
    g = val.group_pe(v).set_index("group")
    assert g.loc[val.ALL_GROUP, "market_cap"] == pytest.approx(
        g.loc[val.MAG7_GROUP, "market_cap"] + g.loc[val.OTHER_GROUP, "market_cap"]
    )
    assert g.loc[val.MAG7_GROUP, "with_data"] == 7
    latest = fin[fin["as_of"] == fin["as_of"].max()]
    priced_no_cap = latest["price"].notna() & latest["eps"].notna() & latest["market_cap"].isna()
    if priced_no_cap.any():  # the newest version blanks some caps: it must be skipped
        assert d < fin["as_of"].max()
    assert (v["gics_sector"] != val.UNCLASSIFIED).mean() > 0.98


def test_plots_have_titles_labels_and_footnotes(snapshot_version):
    import matplotlib.pyplot as plt

    fin, q, d, v = snapshot_version
    fig = val_charts.plot_pe_table(val.pe_table(v), d, "Aggregate P/E")
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel()
    assert any("Source:" in t.get_text() for t in fig.texts)
    plt.close("all")


def test_coverage_facts():
    rows = mag7_rows() + [("AAA", np.nan, np.nan, np.nan, "x"), ("OLD", 10.0, 1.0, 50.0, "Nowhere")]
    v = val.label_companies(val.company_earnings(version_rows(D0, rows)), CONS)
    f = vv.coverage_facts(v, CONS, [D0, D1, pd.Timestamp("2026-05-20")])
    assert f["blank"] == ["AAA"]  # a current member without data (NVDA has data)
    assert f["stale"] == 7  # OLD and six Mag 7 names are not in this tiny list
    assert f["unclassified"] == 1  # Mag 7 rows map through their sub-industry; OLD does not
    assert f["longest_gap_days"] == (D1 - D0).days and f["longest_gap_after"] == D0


# ---- windows without a usable version --------------------------------------------
CONS_ADDED = CONS.assign(date_added=pd.to_datetime(["2000-01-01", "2000-01-01", "2001-01-01"]))


def early_versions() -> pd.DataFrame:
    """Two versions without NVDA (it 'joins' later) and one with all seven, in 2026."""
    no_nvda = [r for r in mag7_rows() if r[0] != "NVDA"] + [("AAA", 10.0, 1.0, 500.0, "x")]
    return pd.concat(
        [
            version_rows("2018-01-05", no_nvda),
            version_rows("2018-02-08", no_nvda),
            version_rows("2026-05-01", mag7_rows() + [("AAA", 10.0, 1.0, 500.0, "x")]),
        ]
    )


def test_optional_frame_returns_empty_frame_and_the_reason():
    def fails(*_, **__):
        raise DataUnavailableError("no sp500_financials between 2008 and 2009")

    frame, note = vd.optional_frame(fails, None, "2009-06-30", columns=vd.FIN_COLUMNS)
    assert frame.empty and list(frame.columns) == schemas.SP500_FINANCIALS.names and "2008 and 2009" in note
    assert str(frame["as_of"].dtype).startswith("datetime64") and frame["market_cap"].dtype == "float64"
    ok, note = vd.optional_frame(lambda a, b: pd.DataFrame({"x": [a, b]}), 1, 2, columns=vd.FIN_COLUMNS)
    assert ok["x"].tolist() == [1, 2] and note == ""


def nvda_joins_2020() -> pd.DataFrame:
    return CONS_ADDED.assign(
        date_added=CONS_ADDED["date_added"].where(CONS_ADDED["symbol"] != "NVDA", pd.Timestamp("2020-12-21"))
    )


def test_choose_version_without_a_usable_version_carries_the_facts():
    fin = early_versions()
    q = vv.version_quality(fin[fin["as_of"] <= "2019-12-31"])
    pick = vv.choose_version(fin, q, "2019-12-31", "2019-01-01", constituents=nvda_joins_2020())
    assert pick.version is None and pick.earliest is None and pick.usable.empty and not pick.has_history
    assert pick.day == pd.Timestamp("2019-12-31") and pick.skipped == 2
    m = pick.missing
    assert (m.end, m.versions, m.first, m.last) == (
        pd.Timestamp("2019-12-31"),
        2,
        pd.Timestamp("2018-01-05"),
        pd.Timestamp("2018-02-08"),
    )
    assert (m.mag7_blank, m.priced_no_cap, m.low_coverage) == (2, 0, 0)
    assert m.missing_mag7 == ("NVDA",) and m.joined_later == (("NVDA", pd.Timestamp("2020-12-21")),)
    with pytest.raises(DataUnavailableError):  # the strict pick still raises
        vv.pick_version(q, "2019-12-31")


def test_choose_version_with_no_versions_carries_the_data_layer_note():
    empty = empty_frame(vd.FIN_COLUMNS)
    note = "the snapshot has sp500_financials from 2012-12-27"
    pick = vv.choose_version(empty, vv.version_quality(empty), "2009-06-30", "2008-01-01", note=note)
    assert pick.version is None and pick.skipped == 0 and pick.day == pd.Timestamp("2009-06-30")
    assert pick.missing.versions == 0 and pick.missing.note == note and pick.missing.first is None


def test_choose_version_matches_pick_version_when_one_exists():
    fin = pd.concat([early_versions(), version_rows("2026-05-10", mag7_rows() + [("AAA", 10.0, 1.0, 500.0, "x")])])
    q = vv.version_quality(fin)
    pick = vv.choose_version(fin, q, "2026-05-31", "2026-01-01")
    assert pick.version == vv.pick_version(q, "2026-05-31") == pd.Timestamp("2026-05-10")
    assert pick.missing is None and pick.day == pick.version and pick.has_history
    assert pick.usable["as_of"].tolist() == [pd.Timestamp("2026-05-01"), pd.Timestamp("2026-05-10")]
    assert pick.earliest == pd.Timestamp("2026-05-01") and pick.skipped == 2
    one = vv.choose_version(fin, q, "2026-05-05", "2026-01-01")
    assert one.version == pd.Timestamp("2026-05-01") and not one.has_history


def test_empty_version_gives_empty_tables_nan_figures_and_no_charts():
    import matplotlib.pyplot as plt

    empty = val.label_companies(val.company_earnings(empty_frame(vd.FIN_COLUMNS)), CONS)
    assert val.pe_table(empty).empty and list(val.pe_table(empty).columns) == val.PE_TABLE_COLUMNS
    now = val.group_pe(empty).set_index("group")
    assert all(math.isnan(x) for x in val.group_values(now))
    hist = val.pe_history(empty_frame(vd.FIN_COLUMNS), CONS, [])
    assert hist.empty and list(hist.columns) == val.HISTORY_COLUMNS
    before = len(plt.get_fignums())
    assert val_charts.plot_pe_table(val.pe_table(empty), None, "t") is None
    assert val_charts.plot_history(hist, ["S&P 500"], None) is None
    one = val.pe_history(version_rows(D0, mag7_rows()), CONS, [D0])  # one version is not a history
    assert len(one) == 2 and val_charts.plot_history(one, ["S&P 500"], D0) is None
    named = pd.DataFrame({"ticker": ["A"], "pe": [np.nan], "earnings": [np.nan], "in_iwm": [True]})
    assert val_charts.plot_named(named, np.nan, D0, "s") is None
    assert val_charts.plot_ratio(pd.Series(dtype="float64"), "s") is None
    assert val_charts.plot_shiller(pd.DataFrame(columns=["date", "pe", "cape"]), np.nan, "s") is None
    assert len(plt.get_fignums()) == before  # nothing drawn empty


def test_shiller_chart_mentions_the_dashed_line_only_when_drawn():
    import matplotlib.pyplot as plt

    sh = pd.DataFrame(
        {
            "date": pd.date_range("2019-01-01", periods=3, freq="MS"),
            "pe": [20.0, 21.0, 22.0],
            "cape": [30.0, 30.5, 31.0],
        }
    )

    def foot(fig):
        return " ".join(t.get_text() for t in fig.texts)

    assert "dashed line" not in foot(val_charts.plot_shiller(sh, np.nan, "s", "never drawn"))
    fig = val_charts.plot_shiller(sh, 25.0, "s", "Aggregate trailing P/E on 2025-01-31 (25.0x)")
    assert "dashed line" in foot(fig)
    assert "Aggregate trailing P/E on 2025-01-31 (25.0x)" in [
        t.get_text() for t in fig.axes[0].get_legend().get_texts()
    ]
    plt.close("all")


def test_recent_caps_reads_the_look_back_window_and_survives_no_data():
    calls = []

    def fetch(start, end, tickers):
        calls.append((start, end, list(tickers)))
        return pd.DataFrame({"date": [end], "ticker": ["AAA"], "market_cap": [1.0], "last_price": [2.0]})

    frame, note = vd.recent_caps(fetch, "2025-03-31", ["AAA"], days=10)
    assert calls == [(pd.Timestamp("2025-03-21"), pd.Timestamp("2025-03-31"), ["AAA"])]
    assert note == "" and len(frame) == 1

    def missing(start, end, tickers):
        raise DataUnavailableError("no caps before 2021")

    frame, note = vd.recent_caps(missing, "2015-01-02", ["AAA"])
    assert frame.empty and list(frame.columns) == schemas.MARKET_CAPS.names and note == "no caps before 2021"


def test_companies_by_version_splits_all_from_the_chosen_version():
    fin = pd.concat(
        [
            version_rows(D0, [("AAA", 10.0, 1.0, 500.0, "x"), ("BBB", 20.0, 2.0, 300.0, "y")]),
            version_rows(D1, [("AAA", 12.0, 1.0, 600.0, "x")]),
        ]
    )
    companies, current = vv.companies_by_version(fin, CONS, pd.Timestamp(D0))
    assert len(companies) == 3
    assert set(current["as_of"]) == {pd.Timestamp(D0)} and sorted(current["symbol"]) == ["AAA", "BBB"]
    _, none = vv.companies_by_version(fin, CONS, None)
    assert none.empty and list(none.columns) == list(companies.columns)


def test_named_chart_legend_swatches_match_the_bar_colours():
    import matplotlib

    named = pd.DataFrame({"ticker": ["A", "B"], "pe": [12.0, 30.0], "earnings": [1.0, 1.0], "in_iwm": [True, False]})
    fig = val_charts.plot_named(named, 25.0, D0, "s", "S&P 500 aggregate (25.0x)")
    ax = fig.axes[0]
    bar_colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches}
    legend = ax.get_legend()
    swatches = {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}
    for label in ("IWM holding", "not an IWM holding"):
        assert matplotlib.colors.to_hex(swatches[label].get_facecolor()) in bar_colours
    assert len(bar_colours) == 2


# ---- figures the report words -------------------------------------------------------------
def two_versions():
    """D0: the Magnificent 7 at P/E 25 (cap 1000, earnings 40 each), AAA at 10; D1: their EPS doubled."""
    v = val.label_companies(
        val.company_earnings(
            pd.concat(
                [
                    version_rows(D0, mag7_rows() + [("AAA", 10.0, 1.0, 500.0, "x")]),
                    version_rows(D1, mag7_rows(2.0) + [("AAA", 10.0, 1.0, 500.0, "x")]),
                ]
            )
        ),
        CONS,
    )
    return v, val.pe_history(v, CONS, [D0, D1])


def test_headline_figures_and_both_bases_with_a_version():
    v, hist = two_versions()
    now = val.groups_now(v[v["as_of"] == D1])
    h = val.headline_figures(now, hist, D0, measure_change=True)
    assert h["mag7_pe"] == pytest.approx(12.5) and h["other493_pe"] == pytest.approx(10.0)
    assert h["mag7_to_other493"] == pytest.approx(1.25)
    assert h["mag7_pe_change"] == pytest.approx(-0.5) and h["other493_pe_change"] == pytest.approx(0.0)
    no_change = val.headline_figures(now, hist, D0, measure_change=False)
    assert math.isnan(no_change["mag7_pe_change"]) and no_change["mag7_pe"] == h["mag7_pe"]
    bases = val.both_bases(v[v["as_of"] == D1])
    assert list(bases) == ["all", "ex_losses"] and bases["all"].sp500 == pytest.approx(7500 / (7 * 80 + 50))


def test_headline_figures_and_both_bases_without_a_version():
    empty = val.groups_now(empty_frame(vd.FIN_COLUMNS))
    h = val.headline_figures(empty, pd.DataFrame(columns=val.HISTORY_COLUMNS), None, measure_change=False)
    assert all(math.isnan(x) for x in h.values()) and len(h) == 7
    bases = val.both_bases(val.label_companies(val.company_earnings(empty_frame(vd.FIN_COLUMNS)), CONS))
    assert not bases["all"].measured and not bases["ex_losses"].measured


def test_group_comparison_picks_the_sector_extremes_without_unclassified():
    rows = mag7_rows() + [
        ("AAA", 10.0, 1.0, 500.0, "x"),  # Energy at 10x
        ("BBB", 10.0, 0.5, 500.0, "Regional Banks"),  # Financials at 20x
        ("UNK", 10.0, 0.1, 500.0, "Nothing Known"),  # Unclassified at 100x: not a sector extreme
    ]
    v = val.label_companies(val.company_earnings(version_rows(D0, rows)), CONS)
    c = val.group_comparison(val.groups_now(v), val.pe_table(v), val.pe_column(True))
    assert c.dearest[0] != val.UNCLASSIFIED and c.cheapest == ("Energy", pytest.approx(10.0))
    assert c.figures.mag7 == pytest.approx(25.0) and c.premium == pytest.approx(25.0 / c.figures.other493 - 1)
    assert c.other_loss_makers == 0 and c.other_median == pytest.approx(20.0)
    assert val.pe_column(False) == "pe_ex_losses"


def test_thesis_verdict_legs():
    f = val.GroupFigures(12.5, 10.0, 12.0)  # Other 493 below the Magnificent 7
    assert vt.thesis_verdict(f, 9.0) == "supported"
    assert vt.thesis_verdict(f, 13.0) == "mixed"
    assert vt.thesis_verdict(val.GroupFigures(9.0, 10.0, 12.0), 13.0) == "not supported"
    assert vt.thesis_verdict(val.GroupFigures(9.0, 10.0, 12.0), 11.0) == "mixed"
    assert vt.thesis_verdict(f, np.nan) == "inconclusive"  # the thesis is about small caps
    assert vt.thesis_verdict(val.GroupFigures(np.nan, np.nan, np.nan), 15.0) == "inconclusive"
    assert vt.distance_from_claim(28.9, 30.0) == pytest.approx(-1.1)


class _Cov:
    def __init__(self, start, end, label=""):
        self.covered_start = None if start is None else pd.Timestamp(start)
        self.covered_end = None if end is None else pd.Timestamp(end)
        self.period = type("P", (), {"label": label})()


def test_claim_period_figures_use_each_claims_own_period():
    _, hist = two_versions()
    ratio = pd.Series([3.0, 1.0, 2.0, 1.5], index=pd.date_range("2025-01-01", periods=4))
    cov = {
        "A6": _Cov("2025-10-01", "2026-01-13", "late 2025"),
        "B1": _Cov("2025-01-01", "2025-12-31", "2025"),
        "B2": _Cov("2025-01-01", "2025-01-03"),
    }
    own = vt.claim_period_figures(hist, ratio, cov.__getitem__)
    assert own.a6.version is None and math.isnan(own.a6.pe) and own.a6.label == "late 2025"
    assert own.b1.version == D0 and own.b1.pe == pytest.approx(7500 / 330)  # D1 (2026) is outside 2025
    assert own.b2["date"] == pd.Timestamp("2025-01-03") and own.b2["lower_since"] == pd.Timestamp("2025-01-02")
    tests = vt.claim_tests(np.nan, own)
    assert (tests.a6, tests.b1, tests.b2) == ("unverifiable", "contradicted", "unverifiable")
    cov["B2"] = _Cov(None, None)
    assert vt.claim_period_figures(hist, ratio, cov.__getitem__).b2 == {}
    assert vt.claim_tests(20.0, vt.ClaimFigures(vt.PeriodPe(D1, 25.0), vt.PeriodPe(D0, 29.0), {})).b1 == "mixed"


def test_named_small_caps_aggregates_only_the_iwm_holdings():
    named = pd.DataFrame({"ticker": ["S", "L", "X"], "name": ["s", "l", "x"]})
    holdings = pd.DataFrame({"ticker": ["S", "L"], "weight_pct": [1.0, 1.0]})
    caps = pd.DataFrame(
        {"date": pd.to_datetime(["2026-04-30"] * 3), "ticker": ["S", "L", "X"], "market_cap": [400.0, 50.0, 900.0]}
    )
    annual = pd.DataFrame(
        {
            "symbol": ["S", "L", "X"],
            "fiscal_year": [2025] * 3,
            "period_end": pd.to_datetime(["2025-12-31"] * 3),
            "filing_date": pd.to_datetime(["2026-02-20"] * 3),
            "net_income": [20.0, -5.0, 10.0],
        }
    )
    out = sc.named_small_caps(named, holdings, caps, annual, "2026-05-31", include_losses=True)
    assert list(out.table["in_iwm"]) == [True, True, False] and list(out.small["ticker"]) == ["S", "L"]
    assert out.pe == pytest.approx(450 / 15)  # the loss-maker counts on this basis; X is not a holding
    ex = sc.named_small_caps(named, holdings, caps, annual, "2026-05-31", include_losses=False)
    assert ex.pe == pytest.approx(400 / 20)


def test_price_ratio_and_recent_low():
    idx = pd.date_range("2020-01-01", periods=6, freq="YS")
    levels = pd.DataFrame({"^RUT": [4.0, 1.0, 3.0, 2.5, 2.0, 3.5], "^GSPC": [1.0] * 6}, index=idx)
    r = sc.price_ratio(levels, "^RUT", "^GSPC", up_to="2024-06-30")
    assert list(r) == [4.0, 1.0, 3.0, 2.5, 2.0]
    low = sc.recent_low(r, "2024-06-30", years=2)  # lowest of 2022-06-30..2024-06-30: 2.0 on 2024-01-01
    assert low["date"] == pd.Timestamp("2024-01-01") and low["lower_since"] == pd.Timestamp("2021-01-01")
    assert sc.top_holdings(None, 5).empty
    assert list(sc.top_holdings(pd.DataFrame({"ticker": ["a", "b"], "weight_pct": [1.0, 2.0]}), 1)["ticker"]) == ["b"]


def test_shiller_summary_and_cut_at_the_window_end():
    raw = pd.DataFrame(
        {
            "date": pd.date_range("2000-01-01", periods=4, freq="MS"),
            "sp500": [100.0, 200.0, 300.0, 400.0],
            "earnings": [10.0, 10.0, 10.0, np.nan],
            "cape": [15.0, 16.0, np.nan, 18.0],
        }
    )
    sh = val.shiller_pe(raw, up_to="2000-03-15")
    assert list(sh["date"]) == list(pd.date_range("2000-01-01", periods=3, freq="MS"))
    s = val.shiller_summary(sh, 25.0)
    assert (s.pe_month, s.pe) == (pd.Timestamp("2000-03-01"), 30.0)
    assert (s.cape_month, s.cape) == (pd.Timestamp("2000-02-01"), 16.0)
    assert s.median_pe == 20.0 and s.percentile == pytest.approx(2 / 3)
    assert math.isnan(val.shiller_summary(sh, np.nan).percentile)


def test_missing_members_and_version_facts():
    rows = mag7_rows() + [("AAA", np.nan, np.nan, np.nan, "x")]
    v = val.label_companies(val.company_earnings(version_rows(D0, rows)), CONS)
    caps = pd.DataFrame(
        {"date": pd.to_datetime(["2024-12-31", "2024-12-31"]), "ticker": ["AAA", "BBB"], "market_cap": [100.0, 300.0]}
    )
    miss = vv.missing_members(v, ["AAA", "BBB", "AAA"], caps)
    assert miss.members == 2 and miss.missing == ["AAA", "BBB"] and miss.cap_share == pytest.approx(1.0)
    miss = vv.missing_members(v, ["AAA", "NVDA"], caps)
    assert miss.missing == ["AAA"] and miss.cap_share == pytest.approx(1.0)  # NVDA has no cap row
    assert math.isnan(vv.missing_members(v, ["AAA"], None).cap_share)
    pick = vv.choose_version(version_rows(D0, rows), vv.version_quality(version_rows(D0, rows)), D0)
    assert vv.version_facts(v, CONS, pick)["blank"] == ["AAA"]
    none = vv.choose_version(empty_frame(vd.FIN_COLUMNS), vv.version_quality(empty_frame(vd.FIN_COLUMNS)), D0)
    assert vv.version_facts(v.iloc[0:0], CONS, none) is None


# ---- the report's inputs, read once ----------------------------------------------------------
def test_load_reads_every_input_on_the_chosen_versions_day(monkeypatch):
    from rotation_utils.context import RunContext

    monkeypatch.setenv("ROTATION_OFFLINE", "1")
    end = pd.Timestamp("2025-06-30")
    dl = DataLayer("snapshot", end=end)
    data = vd.load(dl, RunContext("03_valuation_gap", "t", start=pd.Timestamp("2024-10-01"), end=end))
    day = data.choice.day
    assert data.choice.version == day <= end and data.as_of == end and data.window_end == day
    assert data.fin["as_of"].max() <= end and data.levels.index.max() <= day
    assert set(data.levels.columns) == {"^RUT", "^GSPC"}
    assert data.caps.empty or data.caps["date"].max() <= day
    assert data.members and data.holdings_date == data.holdings["holdings_date"].iloc[0]
    assert not data.iwm_quotes.queried  # a snapshot source asks Yahoo nothing
    assert "forward" in data.b1_register_note and set(data.statement_symbols) == set(data.annual["symbol"])
    early = vd.load(dl, RunContext("03_valuation_gap", "t", start=pd.Timestamp("2024-10-01"), end=end), "2025-01-31")
    assert early.as_of == pd.Timestamp("2025-01-31") and early.choice.version <= early.as_of
    with pytest.raises(BadInputError, match="as_of"):  # an as-of date before the history start
        vd.load(dl, RunContext("03_valuation_gap", "t", start=pd.Timestamp("2024-10-01"), end=end), "2024-01-01")
