"""Unit tests for rotation_utils.analytics.returns on small hand-made price paths.

Expected values are worked out by hand (or with plain numpy) from the inputs,
never by calling the function under test.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotation_utils.analytics import returns as R


def _bdays(start, n):
    return pd.bdate_range(start, periods=n, name="date")


@pytest.fixture
def two_year_prices():
    # 2024-12-30 .. 2026-01-09 on business days; A grows 0.1% a day, B is flat then jumps
    idx = pd.bdate_range("2024-12-30", "2026-01-09", name="date")
    a = pd.Series(100 * 1.001 ** np.arange(len(idx)), index=idx)
    b = pd.Series(50.0, index=idx)
    b.loc["2025-07-01":] = 60.0
    return pd.DataFrame({"A": a, "B": b})


def test_period_return_uses_last_close_on_or_before_both_dates():
    idx = pd.DatetimeIndex(["2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07"], name="date")
    s = pd.Series([10.0, 11.0, 12.0, 15.0], index=idx)
    # 2025-01-04 is a Saturday: the base is Friday's 11.0, the end Monday's 12.0
    assert R.period_return(s, "2025-01-04", "2025-01-06") == pytest.approx(12 / 11 - 1)
    assert R.period_return(s, "2025-01-02") == pytest.approx(15 / 10 - 1)


def test_period_return_before_first_price_uses_first_price_and_empty_window_is_nan():
    idx = _bdays("2025-03-03", 5)
    s = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=idx)
    assert R.period_return(s, "2020-01-01") == pytest.approx(4.0)
    assert np.isnan(R.period_return(s, "2025-03-07", "2025-03-07"))
    assert np.isnan(R.period_return(s, "2025-03-07", "2025-03-05"))
    assert np.isnan(R.period_return(pd.Series(dtype="float64"), "2025-01-01"))


def test_returns_since_ignores_leading_nan(two_year_prices):
    px = two_year_prices.copy()
    px.loc[:"2025-03-31", "B"] = np.nan
    out = R.returns_since(px, "2025-06-30", "2025-07-31")
    assert out["B"] == pytest.approx(60 / 50 - 1)
    n = len(px.loc["2025-06-30":"2025-07-31"]) - 1
    assert out["A"] == pytest.approx(1.001**n - 1)


def test_window_returns_ytd_uses_prior_year_end_and_event_after_end_is_nan(two_year_prices):
    px = two_year_prices
    out = R.window_returns(px, end="2025-12-31", start="2025-01-01", event_date="2026-01-05")
    n_ytd = len(px.loc["2024-12-31":"2025-12-31"]) - 1
    assert out.loc["A", "YTD"] == pytest.approx(1.001**n_ytd - 1)
    # business-day calendar: 2025-01-01 has a close, so it is the "since start" base
    assert out.loc["A", "Since start"] == pytest.approx(1.001 ** (n_ytd - 1) - 1)
    assert out.loc["B", "YTD"] == pytest.approx(0.2)
    assert out["Since event"].isna().all()
    assert list(out.columns) == ["1M", "3M", "YTD", "1Y", "Since start", "Since event"]
    n_1m = len(px.loc["2025-12-01":"2025-12-31"]) - 1  # base: last close on/before 2025-11-30 (Fri 28th)
    base = px.loc[:"2025-11-30", "A"].iloc[-1]
    assert out.loc["A", "1M"] == pytest.approx(px.loc["2025-12-31", "A"] / base - 1)
    assert n_1m > 15


def test_window_returns_without_start_or_event_has_only_standard_windows(two_year_prices):
    out = R.window_returns(two_year_prices)
    assert list(out.columns) == ["1M", "3M", "YTD", "1Y"]
    # YTD at 2026-01-09: base is the 2025-12-31 close
    px = two_year_prices
    assert out.loc["A", "YTD"] == pytest.approx(px["A"].iloc[-1] / px.loc["2025-12-31", "A"] - 1)


def test_calendar_year_returns_chain_year_end_closes(two_year_prices):
    px = two_year_prices
    out = R.calendar_year_returns(px)
    assert list(out.index) == [2024, 2025, 2026]
    # 2024 holds only two days: first close of the year is the base
    assert out.loc[2024, "A"] == pytest.approx(0.001)
    assert out.loc[2025, "B"] == pytest.approx(0.2)
    assert out.loc[2025, "A"] == pytest.approx(px.loc["2025-12-31", "A"] / px.loc["2024-12-31", "A"] - 1)
    assert out.loc[2026, "B"] == pytest.approx(0.0)


def test_daily_returns_vol_drawdown():
    idx = _bdays("2025-01-01", 5)
    px = pd.DataFrame({"X": [100.0, 110.0, 99.0, 120.0, 90.0]}, index=idx)
    r = R.daily_returns(px)
    assert len(r) == 4
    assert r["X"].iloc[0] == pytest.approx(0.1)
    assert r["X"].iloc[1] == pytest.approx(-0.1)
    assert R.annualised_vol(r)["X"] == pytest.approx(np.std(r["X"].to_numpy(), ddof=1) * np.sqrt(252))
    dd = R.drawdown(px["X"])
    assert dd.iloc[1] == 0.0 and dd.iloc[3] == 0.0
    assert dd.iloc[2] == pytest.approx(99 / 110 - 1)
    assert R.max_drawdown(px)["X"] == pytest.approx(90 / 120 - 1)


def test_sharpe_subtracts_risk_free_aligned_and_forward_filled():
    idx = _bdays("2025-01-06", 6)
    r = pd.DataFrame({"X": [0.01, -0.005, 0.002, 0.004, -0.001, 0.003]}, index=idx)
    # the rate is published only on the first and fourth day: holidays are forward-filled
    rf = pd.Series([2.52, 5.04], index=[idx[0], idx[3]])
    per_day = np.array([2.52, 2.52, 2.52, 5.04, 5.04, 5.04]) / 100 / 252
    ex = r["X"].to_numpy() - per_day
    expected = ex.mean() / ex.std(ddof=1) * np.sqrt(252)
    assert R.sharpe_ratio(r, rf)["X"] == pytest.approx(expected)
    raw = r["X"].to_numpy()
    assert R.sharpe_ratio(r)["X"] == pytest.approx(raw.mean() / raw.std(ddof=1) * np.sqrt(252))
    assert R.sharpe_ratio(r, rf)["X"] < R.sharpe_ratio(r)["X"]


def test_risk_table_columns_and_values():
    idx = _bdays("2025-01-01", 4)
    px = pd.DataFrame({"X": [100.0, 102.0, 101.0, 103.0], "Y": [10.0, 9.0, 9.5, 8.0]}, index=idx)
    t = R.risk_table(px)
    assert list(t.columns) == ["Volatility", "Max drawdown", "Sharpe"]
    assert t.loc["Y", "Max drawdown"] == pytest.approx(8 / 10 - 1)
    assert t.loc["X", "Sharpe"] > 0 > t.loc["Y", "Sharpe"]


def test_rebase_and_relative_strength():
    idx = _bdays("2025-01-01", 4)
    a = pd.Series([np.nan, 20.0, 30.0, 40.0], index=idx)
    b = pd.Series([5.0, 10.0, 10.0, 20.0], index=idx)
    assert R.rebase(a).dropna().tolist() == pytest.approx([100.0, 150.0, 200.0])
    df = R.rebase(pd.DataFrame({"a": a, "b": b}), base=1.0)
    assert df["b"].tolist() == pytest.approx([1.0, 2.0, 2.0, 4.0])
    rs = R.relative_strength(a, b)
    # first common date is the second day: ratio 2, 3, 2 rebased to 1
    assert rs.tolist() == pytest.approx([1.0, 1.5, 1.0])
    assert R.relative_strength(a.iloc[:1], b.iloc[1:]).empty


def test_full_window_returns_nan_for_a_series_listed_inside_the_window():
    idx = pd.bdate_range("2025-01-01", periods=6)
    px = pd.DataFrame({"OLD": [100, 101, 102, 103, 104, 110.0], "NEW": [None, None, 50, 51, 52, 55.0]}, index=idx)
    short = R.returns_since(px, "2025-01-01")
    full = R.returns_since(px, "2025-01-01", full_window=True)
    assert short["NEW"] == pytest.approx(55 / 50 - 1)  # measured from its first close
    assert np.isnan(full["NEW"]) and full["OLD"] == pytest.approx(0.10)
    assert R.covers(px["NEW"], idx[2]) and not R.covers(px["NEW"], idx[1])


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 10),
    st.integers(1, 4),
    st.integers(-3, 14),
    st.one_of(st.none(), st.integers(-3, 14)),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_returns_since_equals_period_return_column_by_column(n, m, since_off, until_off, full_window, seed):
    """The array version must give exactly what the one-series rule gives, gaps and early dates included."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2025-01-01", periods=n)
    values = rng.uniform(1, 10, (n, m))
    values[rng.uniform(size=(n, m)) < 0.4] = np.nan
    prices = pd.DataFrame(values, index=idx, columns=[f"c{i}" for i in range(m)])
    since = idx[0] + pd.Timedelta(days=since_off)
    until = None if until_off is None else idx[0] + pd.Timedelta(days=until_off)
    got = R.returns_since(prices, since, until, full_window)
    want = pd.Series({c: R.period_return(prices[c], since, until, full_window) for c in prices.columns})
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(dtype=float), equal_nan=True)
