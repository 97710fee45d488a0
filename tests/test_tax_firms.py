"""Unit tests for report 04's inputs and firm-years (rotation_utils.analytics.tax_data and
tax_firms) on small synthetic frames."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import tax_data, tax_firms
from rotation_utils.context import RunContext
from rotation_utils.data import schemas
from rotation_utils.errors import BadInputError, DataUnavailableError

M = 1e6


def statements(rows):
    cols = [
        "symbol",
        "fiscal_year",
        "period_end",
        "filing_date",
        "revenue",
        "operating_income",
        "ebit",
        "ebitda",
        "depreciation_amortization",
        "interest_expense",
        "interest_income",
        "pretax_income",
        "income_tax",
        "capex",
    ]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("period_end", "filing_date"):
        df[c] = pd.to_datetime(df[c])
    return df


def firm(
    sym,
    fy,
    ebitda=100 * M,
    da=40 * M,
    ie=25 * M,
    ii=0.0,
    pretax=35 * M,
    capex=0.0,
    revenue=1000 * M,
    filed=None,
    tax=7 * M,
    ebit=None,
    opi=None,
):
    ebit = ebitda - da if ebit is None else ebit
    return [
        sym,
        fy,
        f"{fy}-12-31",
        filed or f"{fy + 1}-02-15",
        revenue,
        ebit if opi is None else opi,
        ebit,
        ebitda,
        da,
        ie,
        ii,
        pretax,
        tax,
        capex,
    ]


@pytest.fixture
def fund():
    return statements(
        [
            firm("AAA", 2022, ie=25 * M),
            firm("AAA", 2023, ie=25 * M),
            firm("AAA", 2024, ie=25 * M),
            firm("AAA", 2025, ie=25 * M),
            firm("BBB", 2023, revenue=10 * M),
            firm("BBB", 2024, revenue=20 * M),  # stale for 2025 at staleness 0
            firm("OLD", 2019),
            firm("CCC", 2025, filed="2026-09-01"),
        ]
    )


def test_select_statements_latest_year_receipts_and_carryforward(fund):
    rows = tax_firms.select_statements(fund, 2025).set_index("symbol")
    assert sorted(rows.index) == ["AAA", "BBB", "CCC"]  # OLD is too stale
    assert rows.at["AAA", "fiscal_year"] == 2025 and rows.at["BBB", "fiscal_year"] == 2024
    # receipts: mean of the prior three years' revenue
    assert rows.at["AAA", "avg_gross_receipts"] == pytest.approx(1000 * M)
    assert rows.at["BBB", "avg_gross_receipts"] == pytest.approx(10 * M)
    assert np.isnan(rows.at["CCC", "avg_gross_receipts"])
    # AAA: each of 2022-2024 disallows 25 - 0.3 * 60 = 7 -> 21 carried into 2025 (same under both laws)
    assert rows.at["AAA", "carryforward_prior"] == pytest.approx(21 * M)
    assert rows.at["AAA", "carryforward_obbba"] == pytest.approx(21 * M)
    # staleness 0 drops BBB; the filing cut-off drops CCC's only statement
    assert "BBB" not in set(tax_firms.select_statements(fund, 2025, max_staleness=0)["symbol"])
    assert "CCC" not in set(tax_firms.select_statements(fund, 2025, end="2026-06-30")["symbol"])
    with pytest.raises(BadInputError):
        tax_firms.select_statements(fund.iloc[0:0], 2025)


def test_carryforward_differs_by_law_after_2025():
    f = statements([firm("AAA", y, ie=25 * M) for y in (2022, 2023, 2024, 2025, 2026)])
    r = tax_firms.select_statements(f, 2026).iloc[0]
    # prior: 7 per year for 2022-2025 = 28; OBBBA: 21 by 2024, then 2025 limit 30 absorbs 25 + 5 of it -> 16
    assert r["carryforward_prior"] == pytest.approx(28 * M)
    assert r["carryforward_obbba"] == pytest.approx(16 * M)


def test_attach_market_caps_nearest_within_tolerance():
    rows = pd.DataFrame(
        {"symbol": ["AAA", "BBB", "GOOGL"], "period_end": pd.to_datetime(["2025-12-31", "2025-06-30", "2025-12-31"])}
    )
    caps = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-28", "2025-12-31", "2025-01-31", "2025-12-31", "2025-12-31"]),
            "ticker": ["AAA", "AAA", "BBB", "GOOG", "GOOGL"],
            "market_cap": [1.0, 2.0, 3.0, 99.0, 5.0],
        }
    )
    out = tax_firms.attach_market_caps(rows, caps).set_index("symbol")
    assert out.at["AAA", "market_cap"] == 2.0
    assert np.isnan(out.at["BBB", "market_cap"])  # nearest cap is 5 months away
    assert out.at["GOOGL", "market_cap"] == 5.0


def test_attach_sectors_fallback_order_and_reit_flag():
    rows = pd.DataFrame({"symbol": ["AAA", "BBB", "CCC", "DDD"]})
    cons = pd.DataFrame({"symbol": ["AAA"], "gics_sector": ["Utilities"]})
    iwm = pd.DataFrame({"ticker": ["BBB", "AAA"], "sector": ["Communication", "Energy"]})
    caps = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-12-31"] * 2),
            "ticker": ["CCC", "BBB"],
            "sector": ["Finance", "Technology"],
            "industry": ["Real Estate Investment Trusts", "Software"],
        }
    )
    out = tax_firms.attach_sectors(rows, cons, iwm, caps).set_index("symbol")
    assert out.at["AAA", "sector"] == "Utilities" and out.at["AAA", "sector_source"] == "S&P 500 GICS"
    assert out.at["BBB", "sector"] == "Communication Services" and out.at["BBB", "sector_source"] == "IWM holdings"
    assert out.at["CCC", "sector"] == "Financials" and out.at["CCC", "sector_source"] == "Nasdaq screener"
    assert out.at["DDD", "sector"] == "Unknown"
    assert bool(out.at["CCC", "reit"]) and not bool(out.at["AAA", "reit"])


def test_size_buckets_and_labels():
    labels = tax_firms.size_labels([2, 10, 200])
    assert labels[1] == "mid ($2-10bn)" and labels[0].startswith("small")
    b = tax_firms.size_bucket(pd.Series([1e9, 2e9, 5e10, 3e11, np.nan]), [2, 10, 200])
    assert list(b[:4]) == labels and pd.isna(b.iloc[4])
    with pytest.raises(BadInputError):
        tax_firms.size_bucket(pd.Series([1.0]), [0, 5])


def test_drop_duplicate_filers_keeps_the_listed_one():
    rows = pd.DataFrame(
        {
            "symbol": ["DISCK", "WBD", "XYZ"],
            "fiscal_year": [2025] * 3,
            "revenue": [1.0, 1.0, 2.0],
            "ebitda": [3.0, 3.0, 3.0],
            "pretax_income": [4.0, 4.0, 4.0],
            "market_cap": [np.nan, 10.0, 5.0],
        }
    )
    out = tax_firms.drop_duplicate_filers(rows)
    assert list(out["symbol"]) == ["WBD", "XYZ"] and out.attrs["duplicates"] == ["DISCK"]


def test_check_parameters():
    assert tax_data.check_parameters("2025", [2, 10, 200], "bonus", 1.0, 1) == 2025
    for bad in (
        dict(tax_year="x"),
        dict(tax_year=2040),
        dict(capex_treatment="cash"),
        dict(eligible_share=1.5),
        dict(max_staleness=-1),
        dict(size_edges_bn=[10, 2]),
    ):
        kw = (
            dict(tax_year=2025, size_edges_bn=[2, 10], capex_treatment="bonus", eligible_share=1.0, max_staleness=1)
            | bad
        )
        with pytest.raises(BadInputError):
            tax_data.check_parameters(**kw)


# ---- windows the data does not cover -------------------------------------------
class _CapsLayer:
    """Stands in for the data layer's ``market_caps``: raises like it does when a window has no rows."""

    def __init__(self, caps=None):
        self.caps, self.calls = caps, []

    def market_caps(self, start, end, tickers=None):
        self.calls.append((start, end, tickers))
        if self.caps is None:
            raise DataUnavailableError(f"no market_caps between {start} and {end} from source 'auto'")
        return self.caps


def test_optional_market_caps_turns_no_rows_into_a_note():
    dl = _CapsLayer()
    caps, note = tax_data.optional_market_caps(dl, 2019, 1, ["AAA"])
    assert dl.calls == [("2017-01-01", "2020-12-31", ["AAA"])]  # the span around the statements' year ends
    # the empty frame has the market-caps dataset's columns and dtypes (one schema module)
    assert caps.empty and list(caps.columns) == schemas.MARKET_CAPS.names
    assert {c: str(t) for c, t in caps.dtypes.items()} == {
        c: str(schemas.MARKET_CAPS.empty()[c].dtype) for c in schemas.MARKET_CAPS.names
    }
    assert note.startswith("month-end market caps: no market_caps between 2017-01-01 and 2020-12-31")
    have = schemas.MARKET_CAPS.empty().iloc[0:0]
    got, none = tax_data.optional_market_caps(_CapsLayer(have), 2025, 1, ["AAA"])
    assert none is None and got is have


class _Layer(_CapsLayer):
    """The data layer's loaders report 04 reads, on small frames."""

    def __init__(self, fund, source="snapshot", caps=None):
        super().__init__(caps)
        self.fund, self.source, self.asked = fund, source, []

    def sp500_constituents(self):
        return pd.DataFrame({"symbol": ["AAA"], "gics_sector": ["Utilities"]})

    def fundamentals(self, frequency, symbols=None):
        self.asked.append((frequency, symbols))
        return self.fund

    def iwm_holdings_dates(self):
        return [pd.Timestamp("2025-05-13"), pd.Timestamp("2025-11-05")]

    def iwm_holdings(self, as_of):
        return pd.DataFrame({"ticker": ["BBB"], "sector": ["Energy"], "holdings_date": [as_of]})


def test_load_reads_every_input_once(fund):
    dl = _Layer(fund)
    data = tax_data.load(dl, RunContext("04_obbba_tax", "t", end=pd.Timestamp("2026-06-30")), 2025, 1)
    assert dl.asked == [("annual", None)]  # the snapshot serves every symbol
    assert data.fundamentals is fund and data.caps.empty and data.caps_gap.startswith("month-end market caps:")
    assert list(data.iwm["holdings_date"]) == [pd.Timestamp("2025-11-05"), pd.Timestamp("2025-05-13")]  # latest first
    assert data.with_statements == ["AAA", "BBB", "CCC", "OLD"] and data.end == pd.Timestamp("2026-06-30")
    (start, end, tickers) = dl.calls[0]
    assert (start, end) == ("2023-01-01", "2026-12-31") and {"AAA", "PSTL"} <= set(tickers)  # named companies too
    live = _Layer(fund, source="live")
    tax_data.load(live, RunContext("04_obbba_tax", "t"), 2025, 1)
    assert "AAA" in live.asked[0][1] and "PSTL" in live.asked[0][1]  # live needs a list


def test_prepare_firms_without_market_caps_has_no_size_bucket(fund):
    caps, note = tax_data.optional_market_caps(_CapsLayer(), 2025, 1, ["AAA"])
    firms = tax_firms.prepare_firms(fund, caps, None, None, 2025)
    # CCC = AAA (one statement listed twice); BBB's latest year (FY2024) began before OBBBA applies
    assert firms.attrs["pre_obbba"] == ["BBB"]
    assert len(firms) == 1 and firms["market_cap"].isna().all() and firms["size_bucket"].isna().all()
    gaps = tax_firms.window_gaps(fund, firms, 2025, None, 1, note)
    assert gaps.no_caps and not gaps.no_firms and gaps.caps_note == note and gaps.any


def test_window_gaps_when_no_statement_was_filed_by_the_end(fund):
    firms = tax_firms.prepare_firms(fund, None, None, None, 2025, end="2020-12-31")
    assert firms.empty
    gaps = tax_firms.window_gaps(fund, firms, 2025, "2020-12-31", 1)
    # filed by 2020-12-31: OLD's FY2019 (filed 2020-02-15) is the latest; tax year 2020 would fit
    assert gaps.no_firms and gaps.latest_fy == 2019 and gaps.fits_year == 2020 and gaps.fits_model
    assert gaps.first_year == 2024 and gaps.end == pd.Timestamp("2020-12-31")
    gaps = tax_firms.window_gaps(fund, firms, 2025, "2016-12-31", 1)
    assert gaps.latest_fy is None and gaps.first_filed == pd.Timestamp("2020-02-15")
    old = statements([firm("OLD", 2008)])
    gaps = tax_firms.window_gaps(old, firms, 2025, "2009-12-31", 1)
    assert gaps.fits_year == 2009 and not gaps.fits_model  # the model holds rules from 2018 on
    full = tax_firms.window_gaps(fund, tax_firms.prepare_firms(fund, None, None, None, 2025), 2025)
    assert full.no_caps and not full.no_firms
    with_caps = tax_firms.prepare_firms(fund, None, None, None, 2025).assign(market_cap=1e9)
    assert not tax_firms.window_gaps(fund, with_caps, 2025).any


def test_sample_counts_pre_obbba_years_and_the_end_dates_effect(fund):
    firms = tax_firms.prepare_firms(fund, None, None, None, 2025)
    s = tax_firms.sample_facts(fund, firms, 2025)
    assert s.pre_obbba == ["BBB"] and s.duplicates == ["CCC"] and s.firms == 1 and s.companies == 4
    assert s.fiscal_years == {2025: 1} and (s.first_year, s.last_year) == (2024, 2025) and s.without_end is None
    cut = tax_firms.prepare_firms(fund, None, None, None, 2025, end="2026-06-30")
    s = tax_firms.sample_facts(fund, cut, 2025, end="2026-06-30")
    assert s.without_end == 2 and s.firms == 1 and s.end == pd.Timestamp("2026-06-30")  # CCC filed later
    assert (
        tax_firms.prepare_firms(fund, None, None, None, 2024).attrs["pre_obbba"] == []
    )  # counterfactual years keep all
    assert tax_firms.counterfactual(2024) and not tax_firms.counterfactual(2025)
    assert tax_firms.mid_label([2, 10, 200]) == "mid ($2-10bn)"
