"""Universe definitions, checked against the snapshot where they meet real data."""

import pandas as pd
import pytest

from rotation_utils import universes as u
from rotation_utils.data import DataLayer


@pytest.fixture(scope="module")
def dl():
    return DataLayer("snapshot")


def test_mag7_is_seven_companies_with_alphabet_once():
    assert len(u.MAG7) == len(set(u.MAG7)) == 7
    assert "GOOGL" in u.MAG7 and "GOOG" not in u.MAG7
    assert u.SECOND_CLASSES["GOOG"] == "GOOGL"
    assert not set(u.SECOND_CLASSES) & set(u.MAG7)


def test_other493_on_latest_members(dl):
    members = dl.sp500_members()
    rest = u.other493(members)
    assert not set(rest) & set(u.MAG7) and "GOOG" not in rest
    assert set(rest) <= set(members) and rest == sorted(rest)
    dropped = set(members) - set(rest)
    assert dropped == (set(u.MAG7) | set(u.SECOND_CLASSES)) & set(members)
    assert len(members) - len(rest) == len(dropped)


def test_other493_on_a_past_date(dl):
    members = dl.sp500_members("2021-06-30")
    rest = u.other493(members)
    assert "TSLA" in members and "TSLA" not in rest  # TSLA joined in Dec 2020
    assert 480 <= len(rest) <= 505


def test_dedupe_companies_counts_alphabet_once(dl):
    caps = dl.market_caps("2025-06-01", "2025-06-30", ["GOOG", "GOOGL", "AAPL"])
    one_date = caps[caps["date"] == caps["date"].max()]
    assert set(one_date["ticker"]) == {"GOOG", "GOOGL", "AAPL"}
    deduped = u.dedupe_companies(one_date)
    assert sorted(deduped["ticker"]) == ["AAPL", "GOOGL"]
    goog = one_date.set_index("ticker")["market_cap"]
    assert deduped["market_cap"].sum() == pytest.approx(goog["AAPL"] + goog["GOOGL"])
    assert deduped["market_cap"].sum() < one_date["market_cap"].sum()
    assert len(one_date) == 3  # input untouched


def test_dedupe_companies_other_column_name():
    df = pd.DataFrame({"symbol": ["FOX", "FOXA", "NWS"], "cap": [1.0, 1.0, 2.0]})
    assert u.dedupe_companies(df, "symbol")["symbol"].tolist() == ["FOXA"]


def test_lists_are_served_by_snapshot(dl):
    names = u.BENCHMARKS + list(u.SECTOR_ETFS) + list(u.INDUSTRY_ETFS) + list(u.SIZE_STYLE_ETFS) + u.MAG7
    px = dl.prices(names, "2025-01-01", "2025-03-31")
    assert set(px.columns) == set(names)


def test_named_companies_and_baskets():
    t = u.named_company_table()
    assert t["ticker"].is_unique and {"ticker", "name", "theme"} == set(t.columns)
    in_baskets = [x for names in u.BASKETS.values() for x in names]
    assert sorted(in_baskets) == sorted(t["ticker"])
    t.loc[0, "name"] = "changed"
    assert u.NAMED_COMPANIES.loc[0, "name"] != "changed"  # a copy
