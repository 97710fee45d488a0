"""Unit tests for rotation_utils.analytics.earnings (hand-made statements; the live path on
the real yfinance code against fake Yahoo answers)."""

import numpy as np
import pandas as pd
import pytest
import time_machine

from rotation_utils.analytics import earnings as E
from rotation_utils.analytics import earnings_data
from rotation_utils.analytics import earnings_verdicts as EV
from rotation_utils.data import DataLayer, schemas
from rotation_utils.data.live import LiveBackend
from rotation_utils.story import earnings as story_earnings
from tests.fakes import yahoo  # noqa: F401

T = pd.Timestamp


def stmt(symbol, end, revenue, op, net, filed=None):
    return {
        "symbol": symbol,
        "period_end": T(end),
        "filing_date": T(filed) if filed else T(end) + pd.Timedelta(days=40),
        "revenue": float(revenue),
        "operating_income": float(op),
        "net_income": float(net),
    }


@pytest.fixture
def statements():
    """Hand-made annual statements.

    AAPL ends in September, NVDA in January (so its year ending 2025-01 counts as 2024: years ending
    January to May count in the previous calendar year), LOSS in March (the same rule),
    GOOGL and GOOG are the same company (identical rows), LOSS has a loss in 2023,
    NEWCO reports only in 2024, MSFT changed its year end (two statements end in 2023).
    """
    rows = [
        stmt("AAPL", "2023-09-30", 100, 30, 20),
        stmt("AAPL", "2024-09-28", 110, 33, 22),
        stmt("NVDA", "2024-01-28", 50, 10, 5),
        stmt("NVDA", "2025-01-26", 80, 40, 30),
        stmt("GOOGL", "2023-12-31", 200, 50, 40),
        stmt("GOOGL", "2024-12-31", 220, 66, 50),
        stmt("GOOG", "2023-12-31", 200, 50, 40),
        stmt("GOOG", "2024-12-31", 220, 66, 50),
        stmt("MSFT", "2023-06-30", 90, 20, 10),
        stmt("MSFT", "2023-12-31", 95, 25, 15),
        stmt("MSFT", "2024-12-31", 100, 30, 20),
        stmt("AAA", "2023-12-31", 100, 10, 8),
        stmt("AAA", "2024-12-31", 120, 15, 12),
        stmt("LOSS", "2024-03-31", 40, -6, -4),
        stmt("LOSS", "2025-03-31", 50, 2, 1),
        stmt("NEWCO", "2024-12-31", 30, 3, 2),
    ]
    return pd.DataFrame(rows)


def test_calendar_year_puts_january_to_may_year_ends_in_the_previous_year():
    got = E.calendar_year([T("2024-01-28"), T("2025-05-31"), T("2025-06-30"), T("2023-09-30"), T("2023-12-31")])
    assert got.tolist() == [2023, 2024, 2025, 2023, 2023]  # Nvidia's FY ending January 2024 counts as 2023


def test_a4_is_unverifiable_on_annual_net_income_and_says_what_would_settle_it():
    v, ev = story_earnings.a4_claim({"mag7": 0.273, "other493": 0.073})
    assert v == "unverifiable"
    assert "annual GAAP net income" in ev and "What would settle it: Q3 2025 and Q3 2024 EPS" in ev
    assert "+27.3%" in ev and "the same ordering" in ev
    assert story_earnings.a4_claim({})[0] == "unverifiable"


def test_known_by_keeps_only_filed_statements(statements):
    s = statements.copy()
    s.loc[s["symbol"] == "AAA", "filing_date"] = pd.NaT
    got = E.known_by(s, "2024-04-15")
    assert got["filing_date"].max() <= T("2024-04-15")
    assert not ((got["symbol"] == "AAPL") & (got["period_end"] == T("2024-09-28"))).any()
    # no filing date: kept only when the period ended 90+ days before the cut-off
    assert set(got.loc[got["symbol"] == "AAA", "period_end"]) == {T("2023-12-31")}
    assert len(E.known_by(statements, None)) == len(statements)


def test_assign_groups_counts_alphabet_once():
    g = E.assign_groups(["AAPL", "GOOGL", "GOOG", "AAA", "ZZZ"], members=["AAA", "GOOG", "GOOGL"])
    assert g.to_dict() == {"AAPL": "Mag 7", "GOOGL": "Mag 7", "AAA": "Other 493"}
    only_goog = E.assign_groups(["GOOG"], members=["GOOG"])
    assert only_goog.to_dict() == {"GOOG": "Mag 7"}


def test_annual_panel_alignment_and_dedup(statements):
    groups = {
        "AAPL": "Mag 7",
        "NVDA": "Mag 7",
        "GOOGL": "Mag 7",
        "GOOG": "Mag 7",
        "MSFT": "Mag 7",
        "AAA": "Other 493",
        "LOSS": "Other 493",
        "NEWCO": "Other 493",
    }
    p = E.annual_panel(statements, groups)
    assert "GOOG" not in set(p["symbol"])
    assert p[(p["symbol"] == "NVDA")]["year"].tolist() == [2023, 2024]
    msft23 = p[(p["symbol"] == "MSFT") & (p["year"] == 2023)]
    assert len(msft23) == 1 and msft23["period_end"].iloc[0] == T("2023-12-31")
    aaa = p[(p["symbol"] == "AAA") & (p["year"] == 2024)].iloc[0]
    assert aaa["operating_margin"] == pytest.approx(15 / 120)
    assert aaa["net_margin"] == pytest.approx(12 / 120)


def test_aggregate_growth_same_company_with_losses(statements):
    groups = {
        "AAPL": "Mag 7",
        "NVDA": "Mag 7",
        "GOOGL": "Mag 7",
        "GOOG": "Mag 7",
        "MSFT": "Mag 7",
        "AAA": "Other 493",
        "LOSS": "Other 493",
        "NEWCO": "Other 493",
    }
    p = E.annual_panel(statements, groups)
    g = E.aggregate_growth(p, [2024], {"Mag 7": 7, "Other 493": 3}, min_coverage=0.6).set_index("group")
    # Mag 7: AAPL 20->22, NVDA 5->30, GOOGL once 40->50, MSFT (later 2023 statement) 15->20
    assert g.at["Mag 7", "base"] == pytest.approx(20 + 5 + 40 + 15)
    assert g.at["Mag 7", "current"] == pytest.approx(22 + 30 + 50 + 20)
    assert g.at["Mag 7", "growth"] == pytest.approx(122 / 80 - 1)
    assert g.at["Mag 7", "companies"] == 4 and not g.at["Mag 7", "complete"]  # 4 of 7 < 60%
    # Other 493: NEWCO has no 2023 (left out); LOSS's loss is in the base sum
    assert g.at["Other 493", "companies"] == 2
    assert g.at["Other 493", "base"] == pytest.approx(8 - 4)
    assert g.at["Other 493", "growth"] == pytest.approx((12 + 1) / 4 - 1)
    assert g.at["Other 493", "complete"]


def test_growth_undefined_when_base_is_a_loss():
    p = pd.DataFrame(
        {"symbol": ["X", "X"], "group": ["Other 493"] * 2, "year": [2023, 2024], "net_income": [-5.0, 10.0]}
    )
    g = E.aggregate_growth(p, [2024, 2025])
    assert np.isnan(g.loc[g["year"] == 2024, "growth"].iloc[0])
    assert g.loc[g["year"] == 2025, "companies"].iloc[0] == 0
    assert E.latest_complete_years(g) == [2024]


def test_group_margins_and_company_changes(statements):
    groups = {"AAA": "Other 493", "LOSS": "Other 493"}
    p = E.annual_panel(statements, groups)
    m = E.group_margins(p, [2023, 2024]).set_index("year")
    assert m.at[2023, "operating_margin"] == pytest.approx((10 - 6) / 140)
    assert m.at[2024, "cost_ratio"] == pytest.approx(1 - 17 / 170)
    assert m.at[2024, "median_operating_margin"] == pytest.approx(np.median([15 / 120, 2 / 50]))
    ch = E.company_changes(p, 2024).set_index("symbol")
    assert ch.at["LOSS", "revenue_growth"] == pytest.approx(0.25)
    assert ch.at["LOSS", "operating_margin_change"] == pytest.approx(2 / 50 + 6 / 40)
    b = E.basket_margin_change(ch.reset_index(), {"both": ["AAA", "LOSS", "NONE"]}).iloc[0]
    assert b["with_data"] == 2 and b["members"] == 3
    assert b["median_operating_margin_change"] == pytest.approx(np.median([15 / 120 - 10 / 100, 2 / 50 + 6 / 40]))


def test_efficiency_harvest_flags_below_the_line_gains():
    ch = pd.DataFrame(
        {
            "symbol": ["OP", "TAX", "DOWN"],
            "operating_margin_change": [0.05, 0.01, -0.02],
            "net_margin_change": [0.04, 0.15, 0.01],
        }
    )
    f = E.efficiency_harvest(ch).set_index("symbol")
    assert f["harvest"].to_dict() == {"OP": True, "TAX": True, "DOWN": False}
    assert f["below_the_line"].to_dict() == {"OP": False, "TAX": True, "DOWN": True}


def test_pick_versions():
    d = [T("2018-02-08"), T("2024-10-10"), T("2024-12-31"), T("2026-05-15"), T("2026-07-13")]
    assert E.pick_versions(d, "2025-01-01", None) == (T("2024-12-31"), T("2026-07-13"))
    assert E.pick_versions(d, "2025-01-01", "2026-06-01") == (T("2024-12-31"), T("2026-05-15"))
    # base too old -> first version after start; span under six months -> None
    assert E.pick_versions(d, "2024-01-01", "2024-12-31") is None
    assert E.pick_versions(d, "2024-01-01", "2026-01-01") is None  # 2024-10-10 .. 2024-12-31
    assert E.pick_versions(d, "2024-01-01", "2026-06-01") == (T("2024-10-10"), T("2026-05-15"))
    assert E.pick_versions(d, "2027-01-01", None) is None


def test_trailing_eps_growth_counts_losses_and_alphabet_once():
    def v(as_of, sym, eps, cap, price):
        return {"as_of": T(as_of), "symbol": sym, "eps": eps, "market_cap": cap, "price": price}

    fin = pd.DataFrame(
        [
            v("2025-01-01", "GOOGL", 2.0, 1000.0, 10.0),
            v("2025-01-01", "GOOG", 2.0, 1000.0, 10.0),
            v("2025-01-01", "AAA", 1.0, 100.0, 10.0),
            v("2025-01-01", "LOSS", -1.0, 50.0, 5.0),
            v("2026-01-01", "GOOGL", 3.0, 1200.0, 12.0),
            v("2026-01-01", "GOOG", 3.0, 1200.0, 12.0),
            v("2026-01-01", "AAA", 2.0, 100.0, 10.0),
            v("2026-01-01", "LOSS", 1.0, 50.0, 5.0),
            v("2026-01-01", "NEW", 5.0, 100.0, 10.0),
        ]
    )
    groups = {"GOOGL": "Mag 7", "GOOG": "Mag 7", "AAA": "Other 493", "LOSS": "Other 493", "NEW": "Other 493"}
    g = E.trailing_eps_growth(fin, groups, "2025-01-01", "2026-01-01").set_index("group")
    assert g.at["Mag 7", "growth"] == pytest.approx(300 / 200 - 1)  # shares 100 -> 100, EPS 2 -> 3
    # AAA 10 -> 20, LOSS -10 -> +10; NEW has no base version
    assert g.at["Other 493", "companies"] == 2
    assert np.isnan(g.at["Other 493", "growth"])  # base sum 10 - 10 = 0: growth undefined
    fin2 = fin[fin["symbol"] != "LOSS"]
    g2 = E.trailing_eps_growth(fin2, groups, "2025-01-01", "2026-01-01").set_index("group")
    assert g2.at["Other 493", "growth"] == pytest.approx(1.0)
    assert g2.at["Other 493", "annualised"] == pytest.approx(2 ** (12 / g2.at["Other 493", "months"]) - 1)


def quarters(symbol, ends, revenue, op, net):
    return pd.DataFrame(
        {
            "symbol": symbol,
            "period_end": pd.to_datetime(ends),
            "revenue": revenue,
            "operating_income": op,
            "net_income": net,
        }
    )


def test_ttm_margins_needs_eight_quarters():
    ends = pd.date_range("2024-03-31", periods=8, freq="QE")
    q = pd.concat(
        [
            quarters("A", ends, [100.0] * 8, [10.0] * 4 + [20.0] * 4, [5.0] * 8),
            quarters("B", ends[1:], [100.0] * 7, [10.0] * 7, [5.0] * 7),
        ]
    )
    t = E.ttm_margins(q).set_index("symbol")
    assert t.at["A", "ttm_operating_margin"] == pytest.approx(0.2)
    assert t.at["A", "ttm_operating_margin_change"] == pytest.approx(0.1)
    assert t.at["A", "ttm_revenue_growth"] == pytest.approx(0.0)
    assert t.at["B", "ttm_operating_margin"] == pytest.approx(0.1)
    assert np.isnan(t.at["B", "ttm_operating_margin_change"])


# ---- the live quarterly path: real yfinance against fake Yahoo answers --------------
def at(when: str):
    return time_machine.travel(pd.Timestamp(when).tz_localize("UTC").to_pydatetime(), tick=False)


def live_layer(tmp_path, source="auto"):
    dl = DataLayer(source, cache=tmp_path / "cache")
    dl.__dict__["_live_backend"] = LiveBackend(tmp_path / "cache", sleep=lambda s: None, strict=source == "live")
    return dl


def serve_appf(yahoo):
    """APPF: the snapshot has 8 quarters to 2026-06-30; Yahoo serves the latest five (one newer)."""
    ends = ["2025-09-30", "2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30"]
    yahoo.add_statement(
        "APPF",
        "quarterly",
        {
            "TotalRevenue": dict(zip(ends, [249.0, 248.0, 262.0, 281.0, 300.0])),
            "OperatingIncome": dict(zip(ends, [35.0, 43.0, 50.0, 55.0, 66.0])),
            "NetIncome": dict(zip(ends, [33.0, 39.0, 42.0, 45.0, 51.0])),
        },
    )
    yahoo.add_statement("APPF", "annual", {"TotalRevenue": {"2025-12-31": 1000.0}})


def test_live_quarters_merge_onto_stored_history(yahoo, tmp_path):
    serve_appf(yahoo)
    with at("2026-11-20 22:00"):
        got, note = earnings_data.quarterly_statements(live_layer(tmp_path), ["APPF", "HCI", "COMM"])
    assert note == {"live": ["APPF"], "data layer": ["HCI"], "none": ["COMM"]}
    a = got[got["symbol"] == "APPF"].set_index("period_end")
    assert len(a) == 9 and a.index.max() == T("2026-09-30")  # 8 stored + 1 new quarter
    assert a.at[T("2026-09-30"), "revenue"] == 300.0 and a.at[T("2026-09-30"), "source"] == "yfinance"
    assert a.at[T("2026-06-30"), "revenue"] == 281.0  # live wins on a shared quarter
    assert a.at[T("2025-06-30"), "source"] != "yfinance"  # older quarters stay stored
    margins = E.ttm_margins(got).set_index("symbol")
    assert margins.at["APPF", "last_quarter"] == T("2026-09-30")
    assert np.isfinite(margins.at["APPF", "ttm_operating_margin_change"])  # needs eight quarters


def test_live_quarters_count_45_days_after_quarter_end(yahoo, tmp_path):
    serve_appf(yahoo)
    with at("2026-11-20 22:00"):
        got, _ = earnings_data.quarterly_statements(live_layer(tmp_path), ["APPF"], end="2026-10-31")
    assert got["period_end"].max() == T("2026-06-30")


def test_quarterly_statements_stay_offline(monkeypatch):
    monkeypatch.setenv("ROTATION_OFFLINE", "1")
    dl = DataLayer("auto")
    got, note = earnings_data.quarterly_statements(dl, ["APPF", "BAH"])
    assert note["live"] == [] and note["data layer"] == ["APPF"] and note["none"] == ["BAH"]
    assert len(got) == len(dl.fundamentals("quarterly", ["APPF"])) > 0


# ---- verdict rules ---------------------------------------------------------------
def growth_table(m, o, complete=True, year=2025):
    return pd.DataFrame(
        {
            "group": ["Mag 7", "Other 493"],
            "year": [year, year],
            "growth": [m, o],
            "complete": [complete, complete],
            "companies": [7, 480],
        }
    )


def test_earnings_race_verdict_rule():
    assert EV.earnings_race_verdict(growth_table(0.20, 0.10), 2025, 0.184, 0.119)[0] == "confirmed"
    assert EV.earnings_race_verdict(growth_table(0.27, 0.07), 2025, 0.184, 0.119)[0] == "mixed"
    assert EV.earnings_race_verdict(growth_table(0.05, 0.10), 2025, 0.184, 0.119)[0] == "contradicted"
    assert EV.earnings_race_verdict(growth_table(0.2, 0.1, complete=False), 2025, 0.184, 0.119) == ("unverifiable", {})
    assert EV.earnings_race_verdict(growth_table(0.2, 0.1), 2024, 0.184, 0.119)[0] == "unverifiable"


def test_forecast_verdict_and_claims():
    assert EV.forecast_verdict(False, False) == "unverifiable"
    assert EV.forecast_verdict(False, True) == "forecast pending"
    assert EV.forecast_verdict(True, True, True) == "confirmed"
    assert EV.forecast_verdict(True, True, False) == "contradicted"
    low = {
        2025: {
            "weight_share": 0.03,
            "covered": 25,
            "names": 1900,
            "net_margin_covered": 0.02,
            "holdings_date": pd.Timestamp("2026-05-05"),
        },
        2026: {"weight_share": 0.01},
    }
    f = story_earnings.forecast_table(
        EV.forecast_tests(growth_table(0.3, 0.1, complete=False, year=2026), low)
    ).set_index("claim")
    assert f["verdict"].to_dict() == {"A5": "forecast pending", "B8": "unverifiable", "A2": "unverifiable"}
    # unverifiable with the reason, naming the holdings file the coverage is counted on
    for cid in ("B8", "A2"):
        assert (
            "25 of 1900 in the holdings file of 2026-05-05 (3.0% of the fund's weight), below the 80%"
            in f.loc[cid, "in the data"]
            and "cannot settle it" in f.loc[cid, "in the data"]
        )
    full = {
        2025: {"weight_share": 0.9, "covered": 1800, "names": 1900, "net_margin_covered": 0.03},
        2026: {"weight_share": 0.9, "growth_covered": 0.25, "net_margin_covered": 0.04},
    }
    f = story_earnings.forecast_table(EV.forecast_tests(growth_table(0.3, 0.1, year=2026), full)).set_index("claim")
    assert f["verdict"].to_dict() == {"A5": "contradicted", "B8": "confirmed", "A2": "contradicted"}


def test_russell_coverage():
    hold = pd.DataFrame(
        {"ticker": ["A", "B", "C"], "weight_pct": [50.0, 30.0, 20.0], "holdings_date": pd.Timestamp("2025-05-13")}
    )
    panel = pd.DataFrame(
        {
            "symbol": ["A", "A", "B", "Z"],
            "year": [2024, 2025, 2025, 2025],
            "revenue": [100.0, 100.0, 50.0, 10.0],
            "net_income": [4.0, 5.0, -2.0, 1.0],
        }
    )
    c = E.russell_coverage(hold, panel, 2025)
    assert c["covered"] == 2 and c["names"] == 3 and c["holdings_date"] == pd.Timestamp("2025-05-13")
    assert c["weight_share"] == pytest.approx(0.8)
    assert c["net_margin_covered"] == pytest.approx(3 / 150)
    assert c["growth_covered"] == pytest.approx(5 / 4 - 1)  # B has no 2024: same-company only


def test_overall_verdict_rule():
    bc = pd.DataFrame({"basket": ["AI implementers"], "median_operating_margin_change": [0.01]})
    assert story_earnings.overall_verdict(growth_table(0.1, 0.2), [2025], bc)[0] == "supported"
    assert story_earnings.overall_verdict(growth_table(0.3, 0.2), [2025], bc)[0] == "mixed"
    bc_down = bc.assign(median_operating_margin_change=-0.01)
    assert story_earnings.overall_verdict(growth_table(0.3, 0.2), [2025], bc_down)[0] == "not supported"
    assert story_earnings.overall_verdict(growth_table(0.3, 0.2), [], bc)[0] == "inconclusive"
    assert (
        story_earnings.overall_verdict(growth_table(0.3, 0.2), [2025], bc.assign(basket="other"))[0] == "inconclusive"
    )


def test_race_sentence_direction_words_follow_the_data():
    g = pd.concat([growth_table(0.3, 0.1, year=2024), growth_table(0.05, 0.12, year=2025)])
    s = story_earnings.race_sentence(g, [2024, 2025])
    assert "In 2024" in s and "the Mag 7 outgrew the rest (+20.0 pp)" in s
    assert "the Mag 7 grew more slowly than the rest (-7.0 pp)" in s
    assert "the sign changed" in s
    assert "cannot be measured" in story_earnings.race_sentence(g, [])


# ---- windows the data does not cover -------------------------------------------
def test_optional_table_turns_no_rows_into_a_note():
    from rotation_utils.errors import DataUnavailableError

    def no_rows(start, end, tickers=None):
        raise DataUnavailableError(f"no market_caps between the start and {end} from source 'auto'")

    caps, note = earnings_data.optional_table(no_rows, None, "2019-12-31", ["FIX"], dataset="market_caps")
    assert caps.empty and list(caps.columns) == schemas.MARKET_CAPS.names
    assert caps["date"].dtype == "datetime64[ns]" and caps["market_cap"].dtype == "float64"
    assert note == "month-end market caps: no market_caps between the start and 2019-12-31 from source 'auto'"
    fin, note = earnings_data.optional_table(no_rows, None, "2009-06-30", dataset="sp500_financials")
    assert fin.empty and "as_of" in fin and note.startswith("dated S&P 500 fundamentals: ")
    frame = pd.DataFrame({"x": [1]})
    assert earnings_data.optional_table(lambda *a: frame, 1, dataset="market_caps") == (frame, None)


def test_window_gaps_name_what_is_missing(statements):
    changes = T("2012-12-27")  # the log's first date (the log up to 2009 is empty)
    gaps = story_earnings.window_gaps(
        "2009-06-30", [], changes, statements.iloc[0:0], [2022, 2023], ["market caps: none", None]
    )
    assert gaps[0] == (
        "S&P 500 membership on 2009-06-30: the change log starts on 2012-12-27, so the Other 493 group is empty"
    )
    assert gaps[1] == "annual statements: none filed by 2009-06-30, so no fiscal year can be compared"
    assert gaps[2] == "market caps: none" and len(gaps) == 3
    # statements reach 2024 and 2023: the selection [2024] is measurable, [2026] is not
    assert story_earnings.window_gaps("2025-03-01", ["AAA"], changes, statements, [2024]) == []
    (gap,) = story_earnings.window_gaps("2025-03-01", ["AAA"], changes, statements, [2026])
    assert "reach calendar year 2024" in gap and "pass earlier fiscal_years" in gap


def test_empty_window_frames_keep_their_columns(statements):
    panel = E.annual_panel(statements.iloc[0:0], pd.Series({"AAPL": "Mag 7"}))
    growth = E.aggregate_growth(panel, [2024, 2025])
    assert growth.empty and {"group", "year", "growth", "complete", "coverage"} <= set(growth.columns)
    assert E.latest_complete_years(growth) == []
    assert E.group_margins(panel, [2024]).empty and "operating_margin" in E.group_margins(panel, [2024])
    ttm = E.ttm_margins(pd.DataFrame(columns=["symbol", "period_end", *E.FLOW_FIELDS]))
    assert ttm.empty and "ttm_operating_margin_change" in ttm
    assert (
        story_earnings.overall_verdict(
            growth, [], E.basket_margin_change(E.company_changes(panel, 2025), {"AI implementers": ["APPF"]})
        )[0]
        == "inconclusive"
    )


def test_sentences_say_why_nothing_is_measured(statements):
    g = pd.DataFrame(
        {
            "group": ["Mag 7", "Other 493"],
            "year": [2025, 2025],
            "companies": [0, 0],
            "coverage": [0.0, 0.0],
            "growth": [np.nan, np.nan],
            "complete": [False, False],
        }
    )
    assert story_earnings.race_sentence(g, []).startswith(
        "No company of either group has statements for two consecutive"
    )
    part = g.assign(companies=[7, 100], coverage=[1.0, 0.2])
    s = story_earnings.race_sentence(part, [], 0.8)
    assert "the best is 2025, where the thinner group is covered 20.0% (it needs 80%)" in s
    empty = E.efficiency_harvest(E.company_changes(E.annual_panel(statements, {"AAPL": "x"}), 2030))
    assert story_earnings.harvest_sentence(
        empty, pd.DataFrame(columns=["basket", "median_operating_margin_change"]), 2030
    ).startswith("No named company has annual statements for both 2029 and 2030")
    assert story_earnings.scatter_sentence(empty.assign(group=[]), ["AAPL"], 2030).startswith(
        "No company has revenue and operating income for both 2029 and 2030"
    )
    p = E.annual_panel(statements, {"AAPL": "Mag 7"})
    assert "no statement in this window is assigned to 2030" in story_earnings.fiscal_year_end_caveat(p, 2030)


def test_trailing_gap_and_versions_caveat():
    fin = earnings_data.empty_table("sp500_financials")
    s = story_earnings.trailing_gap_sentence(
        fin, "2008-01-01", "2009-06-30", "dated S&P 500 fundamentals: no rows (later)"
    )
    assert s.startswith("The dated S&P 500 fundamentals have no version up to 2009-06-30")
    assert s.endswith("Data layer: no rows (later).")
    assert story_earnings.versions_caveat(fin, "2009-06-30").startswith(
        "Dated fundamentals versions: 0 up to 2009-06-30"
    )
    fin = pd.DataFrame({"as_of": pd.to_datetime(["2024-01-10", "2024-03-01", "2024-12-01"])})
    s = story_earnings.trailing_gap_sentence(fin, "2024-02-01", "2024-06-30")
    assert "(1 version in the window, dated 2024-03-01 to 2024-03-01)" in s
    c = story_earnings.versions_caveat(fin, "2024-12-31")
    assert "longest gap between versions up to 2024-12-31 is 275 days (from 2024-03-01)" in c


def test_forecast_claims_before_the_forecast_year_and_sentence():
    low = {
        2025: {"weight_share": 0.03, "covered": 25, "names": 1900, "net_margin_covered": 0.02},
        2026: {"weight_share": 0.01},
    }
    g = growth_table(0.3, 0.1, complete=False, year=2026)
    f = story_earnings.forecast_table(EV.forecast_tests(g, low, window_end="2019-12-31"))
    assert set(f["verdict"]) == {"unverifiable"} and list(f["claim"]) == ["A5", "B8", "A2"]
    assert (f["in the data"] == "the window ends on 2019-12-31, before the forecast year 2026 begins").all()
    s = story_earnings.forecast_sentence(f, 0.0)
    assert s == (
        "These are forecasts, not results. Unverifiable in this window (the window ends on 2019-12-31, "
        "before the forecast year 2026 begins): A5, B8 and A2."
    )
    f = story_earnings.forecast_table(
        EV.forecast_tests(g, low, window_end="2026-07-13")
    )  # inside the forecast year: as before
    assert f.set_index("claim")["verdict"].to_dict() == {
        "A5": "forecast pending",
        "B8": "unverifiable",
        "A2": "unverifiable",
    }
    s = story_earnings.forecast_sentence(f, 0.03)
    assert "Still pending (the forecast year is not complete in the data): A5." in s
    assert "Unverifiable with this data (Russell 2000 statements cover 3.0% of IWM's weight): B8 and A2." in s


def test_overall_verdict_and_a4_say_what_is_missing():
    bc = pd.DataFrame({"basket": ["AI implementers"], "with_data": [0], "median_operating_margin_change": [np.nan]})
    v, _, ev = story_earnings.overall_verdict(growth_table(0.3, 0.2), [], bc)
    assert v == "inconclusive" and "earnings race cannot be measured" in ev
    assert "(0 members with statements for both years)" in ev
    v, _, ev = story_earnings.overall_verdict(growth_table(0.3, 0.2), [2025], bc)
    assert v == "inconclusive" and "earnings race" not in ev
    assert story_earnings.a4_evidence("unverifiable", {}, window_end="2019-12-31").startswith(
        "This window (statements filed by 2019-12-31) has no complete 2025 same-company sample"
    )


def test_earnings_charts_are_skipped_when_empty(statements):
    from rotation_utils.charts import earnings as charts

    panel = E.annual_panel(statements.iloc[0:0], {"AAPL": "Mag 7"})
    assert charts.plot_growth(E.aggregate_growth(panel, [2025]), "t") == (None, None)
    assert charts.plot_margins(E.group_margins(panel, [2025]), "t") == (None, None)
    assert charts.plot_growth_vs_margin(E.company_changes(panel, 2025), [], "t") == (None, None, 0)


# ---- display helpers: reader's headers, formatted values ----------------------------
def test_growth_and_trailing_tables_for_display(statements):
    from tests.display_checks import assert_readable, column, rendered

    groups = {
        "AAPL": "Mag 7",
        "NVDA": "Mag 7",
        "GOOGL": "Mag 7",
        "MSFT": "Mag 7",
        "AAA": "Other 493",
        "LOSS": "Other 493",
    }
    g = E.aggregate_growth(E.annual_panel(statements, groups), [2024], {"Mag 7": 7, "Other 493": 2}, min_coverage=0.6)
    show, fmt = story_earnings.growth_for_display(g)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Year") == ["2024", "2024"]
    assert column(headers, rows, "Net income growth") == [f"{v * 100:.1f}%" for v in g["growth"]]
    assert column(headers, rows, "Complete year") == ["no", "yes"]  # 4 of 7 Mag 7 < 60%
    assert column(headers, rows, "Net income, year (USD bn)")[0] == f"${g['current'].iloc[0] / 1e9:,.1f}bn"
    tr = pd.DataFrame(
        {
            "group": ["Mag 7"],
            "base_as_of": [T("2024-12-31")],
            "final_as_of": [T("2026-07-13")],
            "months": [18.4],
            "companies": [7],
            "growth": [0.6174],
            "annualised": [0.369],
        }
    )
    show, fmt = story_earnings.trailing_for_display(tr)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert rows == [["Mag 7", "2024-12-31", "2026-07-13", "18.4", "7", "61.7%", "36.9%"]]


def test_margin_tables_for_display(statements):
    from tests.display_checks import assert_readable, column, rendered

    p = E.annual_panel(statements, {"AAA": "named", "LOSS": "named"})
    ch = E.efficiency_harvest(E.company_changes(p, 2024))
    show, fmt = story_earnings.basket_changes_for_display(E.basket_margin_change(ch, {"both": ["AAA", "LOSS"]}), 2024)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    med = np.median([15 / 120 - 10 / 100, 2 / 50 + 6 / 40])
    assert column(headers, rows, "Median operating-margin change 2023-2024") == [f"{med * 100:+.1f} pp"]
    ends = pd.date_range("2024-03-31", periods=8, freq="QE")
    q = quarters("AAA", ends, [100.0] * 8, [10.0] * 4 + [20.0] * 4, [5.0] * 8)
    table = (
        pd.DataFrame({"symbol": ["AAA", "LOSS", "GONE"], "basket": "named"})
        .merge(ch.drop(columns="group"), on="symbol", how="left")
        .merge(E.ttm_margins(q), on="symbol", how="left")
    )
    show, fmt = story_earnings.named_annual_margins_for_display(table, 2024)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Revenue growth 2023-2024") == ["20.0%", "25.0%", "n/a"]
    assert column(headers, rows, "Efficiency harvest (operating margin up)") == ["yes", "yes", ""]
    show, fmt = story_earnings.named_ttm_margins_for_display(table)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert rows[0][1:] == [f"{ends[-1]:%Y-%m-%d}", "0.0%", "20.0%", "+10.0 pp", "5.0%", "+0.0 pp"]
    assert rows[2][2:] == ["n/a"] * 5  # no quarterly data: every number says so


def test_verdicts_for_display_capitalises_the_headers():
    from tests.display_checks import assert_readable, rendered

    claims = pd.DataFrame({"id": ["A4"], "verdict": ["mixed"], "evidence": ["one sentence"]})
    show, fmt = story_earnings.verdicts_for_display(claims)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert headers == ["Claim", "Verdict", "Evidence"] and rows == [["A4", "mixed", "one sentence"]]


def test_fiscal_year_list_sorts_dedupes_casts_and_rejects_empty():
    from rotation_utils.errors import BadInputError

    assert E.fiscal_year_list(["2025", 2023, 2025, 2024.0]) == [2023, 2024, 2025]
    with pytest.raises(BadInputError, match="fiscal_years"):
        E.fiscal_year_list([])


def test_forecast_claim_records_carry_claimed_number_and_evidence():
    forecasts = pd.DataFrame(
        {
            "claim": ["A5", "B8"],
            "forecast": ["f5", "f8"],
            "in the data": ["d5", "d8"],
            "verdict": ["forecast pending", "unverifiable"],
        }
    )
    recs = story_earnings.forecast_claim_records(forecasts, {"A5": 1.0, "B8": 2.0})
    assert recs == [
        {
            "claim_id": "A5",
            "verdict": "forecast pending",
            "evidence": "Forecast: f5; in the data: d5.",
            "claimed": 1.0,
            "measured": None,
            "unit": "%",
        },
        {
            "claim_id": "B8",
            "verdict": "unverifiable",
            "evidence": "Forecast: f8; in the data: d8.",
            "claimed": 2.0,
            "measured": None,
            "unit": "%",
        },
    ]
    assert story_earnings.forecast_claim_records(forecasts)[1]["claimed"] == 22.0  # article B's +22% floor


def test_forecast_claim_records_feed_report_claim():
    from rotation_utils.results import Report

    rep = Report("x", "t", {})
    forecasts = pd.DataFrame({"claim": ["A2"], "forecast": ["f"], "in the data": ["d"], "verdict": ["unverifiable"]})
    for rec in story_earnings.forecast_claim_records(forecasts):
        rep.claim(**rec)
    assert rep.claims[0]["id"] == "A2" and rep.claims[0]["values"]["claimed"] == 5.0


def test_report_inputs_helpers(statements):
    assert E.verdict_year([2023, 2024], [2022, 2025]) == 2024 and E.verdict_year([], [2022, 2025]) == 2025
    assert E.shown_years([2022, 2023, 2024, 2025], [2023]) == [2022, 2023]
    assert E.shown_years([2022, 2023], []) == [2022, 2023]
    groups = E.assign_groups(["AAPL", "AAA", "ZZZ"], ["AAPL", "AAA", "ZZZ"])
    assert E.group_members(groups) == {"Mag 7": ["AAPL"], "Other 493": ["AAA", "ZZZ"]}
    panel = E.annual_panel(statements, groups)
    assert E.members_without_statements(groups, panel) == ["ZZZ"]
    changes = E.efficiency_harvest(E.company_changes(panel, 2024))
    named = pd.DataFrame({"ticker": ["AAA", "NONE"], "basket": ["b", "b"]})
    ttm = pd.DataFrame({"symbol": ["AAA"], "ttm_operating_margin_change": [0.01]})
    table = E.named_margin_table(named, changes, ttm)
    assert list(table["symbol"]) == ["AAA", "NONE"] and "group" not in table
    assert table.set_index("symbol")["ttm_operating_margin_change"].isna().tolist() == [False, True]
    plain = E.company_changes(panel, 2024)
    scatter = E.scatter_frame(plain[plain["symbol"] == "AAPL"], changes)
    assert sorted(scatter["symbol"]) == sorted(changes["symbol"]) and "harvest" not in scatter


def test_russell_by_year_uses_the_last_holdings_file_up_to_the_end(statements):
    hold = lambda *t: pd.DataFrame({"ticker": list(t), "weight_pct": [1.0] * len(t)})  # noqa: E731
    iwm = {T("2024-06-30"): hold("AAA"), T("2025-06-30"): hold("AAA", "LOSS")}
    out = E.russell_by_year(iwm, statements, "2025-01-31", years=(2024,))
    assert out[2024] == E.russell_coverage(
        iwm[T("2024-06-30")],
        E.annual_panel(statements, pd.Series("all", index=sorted(set(statements["symbol"])))),
        2024,
    )
    early = E.russell_by_year(iwm, statements, "2020-01-01", years=(2024,))
    assert early[2024]["names"] == 1  # no file that early: the first one


def test_sp500_groups_and_margins_table(statements):
    groups = E.sp500_groups(statements, ["AAA", "MEMBER_ONLY"])
    assert groups["MEMBER_ONLY"] == "Other 493" and groups["AAPL"] == "Mag 7" and "GOOG" not in groups
    panel = E.annual_panel(statements, groups)
    other = E.annual_panel(statements, {"AAA": "basket"})
    table = E.margins_table([panel, other], [2024])
    assert len(table) == len(E.group_margins(panel, [2024])) + len(E.group_margins(other, [2024]))
