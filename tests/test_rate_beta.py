"""Yield betas checked against statsmodels run directly, on small frames."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from rotation_utils.analytics import rate_beta as rb
from rotation_utils.errors import BadInputError


def _frame(n=300, beta=-0.02, seed=1):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2023-01-02", periods=n)
    dy = rng.normal(0, 0.06, n)  # daily yield changes, pp
    bench_r = rng.normal(0, 0.01, n)
    tick_r = bench_r + beta * dy + rng.normal(0, 0.004, n)
    px = pd.DataFrame({"T": 100 * np.cumprod(1 + tick_r), "B": 100 * np.cumprod(1 + bench_r)}, index=idx)
    rates = pd.DataFrame({"Y": 4 + np.cumsum(dy)}, index=idx)
    return px, rates


def test_hac_beta_equals_statsmodels_directly():
    px, rates = _frame()
    rel, chg = rb.relative_and_changes(px, rates, "B")
    got = rb.hac_beta(rel["T"], chg["Y"], maxlags=5)
    fit = sm.OLS(rel["T"], sm.add_constant(chg["Y"])).fit(cov_type="HAC", cov_kwds={"maxlags": 5})
    assert got["beta"] == pytest.approx(fit.params["Y"])
    assert got["se"] == pytest.approx(fit.bse["Y"])
    assert got["t"] == pytest.approx(fit.tvalues["Y"])
    assert got["n"] == len(rel)


def test_beta_recovers_the_injected_slope():
    px, rates = _frame(n=1500, beta=-0.03)
    rel, chg = rb.relative_and_changes(px, rates, "B")
    got = rb.hac_beta(rel["T"], chg["Y"])
    assert got["ci_low"] < -0.03 < got["ci_high"]
    assert got["beta"] == pytest.approx(-0.03, abs=0.005)


def test_relative_returns_and_changes_are_on_the_joined_calendar():
    px, rates = _frame(n=20)
    rates = rates.drop(rates.index[5])  # a bond-market holiday
    rel, chg = rb.relative_and_changes(px, rates, "B")
    assert px.index[5] not in rel.index
    d6 = px.index[6]
    r = px.loc[d6] / px.iloc[4] - 1  # two-day return spans the holiday
    assert rel.loc[d6, "T"] == pytest.approx(r["T"] - r["B"])
    assert chg.loc[d6, "Y"] == pytest.approx(rates.loc[d6, "Y"] - rates.iloc[4]["Y"])


def test_weekly_uses_the_last_trading_day_of_each_week():
    px, rates = _frame(n=30)
    rel, chg = rb.relative_and_changes(px, rates, "B", "weekly")
    assert all(d.day_of_week == 4 for d in rel.index)  # business days: Fridays
    fri = rel.index[1]
    prev = rel.index[0]
    r = px.loc[fri] / px.loc[prev] - 1
    assert rel.loc[fri, "T"] == pytest.approx(r["T"] - r["B"])


def test_rolling_beta_matches_a_windowed_regression():
    px, rates = _frame(n=200)
    rel, chg = rb.relative_and_changes(px, rates, "B")
    roll = rb.rolling_beta(rel["T"], chg["Y"], 50)
    last = sm.OLS(rel["T"].iloc[-50:], sm.add_constant(chg["Y"].iloc[-50:])).fit()
    assert roll.iloc[-1] == pytest.approx(last.params["Y"])
    assert len(roll) == len(rel) - 49
    assert rb.rolling_beta(rel["T"].iloc[:10], chg["Y"].iloc[:10], 50).empty


def test_regime_betas_split_by_date_and_flag_short_regimes():
    px, rates = _frame(n=300)
    rel, chg = rb.relative_and_changes(px, rates, "B")
    cut = rel.index[150]
    tab = rb.regime_betas(
        rel, chg, [["a", None, str(cut.date())], ["b", str(cut.date()), None], ["empty", "2030-01-01", None]]
    )
    a = tab[tab["regime"] == "a"].iloc[0]
    direct = rb.hac_beta(rel.loc[:cut, "T"], chg.loc[:cut, "Y"])
    assert a["beta"] == pytest.approx(direct["beta"]) and a["n"] == direct["n"]
    assert np.isnan(tab[tab["regime"] == "empty"].iloc[0]["beta"])


def test_newey_west_lag_rule():
    assert rb.newey_west_lags(100) == 4
    assert rb.newey_west_lags(1126) == 6
    assert rb.newey_west_lags(5) == 2
    assert rb.newey_west_lags(1) == 1


def test_too_few_points_give_nan_not_errors():
    got = rb.hac_beta(pd.Series([0.1, 0.2]), pd.Series([0.0, 1.0]))
    assert np.isnan(got["beta"]) and got["n"] == 2


def test_bad_input():
    px, rates = _frame(n=20)
    with pytest.raises(BadInputError):
        rb.relative_and_changes(px, rates, "SPY")
    with pytest.raises(BadInputError):
        rb.relative_and_changes(px, rates, "B", "monthly")
    with pytest.raises(BadInputError):
        rb.parse_regimes([["x", "2025-01-01", "2024-01-01"]])


@pytest.mark.parametrize(
    "est, lo, hi, sign, grade",
    [
        (-0.02, -0.03, -0.01, -1, "for"),
        (-0.02, -0.05, 0.01, -1, "weak"),
        (0.02, -0.01, 0.05, -1, "against"),
        (np.nan, np.nan, np.nan, -1, "missing"),
        (0.01, 0.002, 0.02, +1, "for"),
    ],
)
def test_evidence_grades(est, lo, hi, sign, grade):
    assert rb.evidence_class(est, lo, hi, sign) == grade


def test_verdict_rules():
    assert rb.thesis_verdict("for", "for", 6) == "supported"
    assert rb.thesis_verdict("against", "against", 6) == "not supported"
    # the stated table: against + weak leans against; two weak results do not decide
    assert rb.thesis_verdict("weak", "against", 6) == "not supported"
    assert rb.combine_grades(["weak", "weak"]) == "inconclusive"
    assert rb.combine_grades(["weak", "for"]) == "supported"
    assert rb.combine_grades(["for", "against"]) == "mixed"
    # A3 on the cuts of 2026 only: pending without one, unverifiable below 3, else the event grade
    assert rb.a3_claim(0) == "forecast pending" and rb.a3_claim(2, "for", 2) == "unverifiable"
    assert rb.a3_claim(3, "for", 3) == "confirmed" and rb.a3_claim(4, "against", 4) == "contradicted"
    assert rb.thesis_verdict("for", "for", 2) == "inconclusive"
    assert rb.combine_grades(["for", "missing"]) == "inconclusive"


def test_require_series_names_what_is_missing():
    px = pd.DataFrame(columns=["IWM", "SPY"])
    rates = pd.DataFrame(columns=["DGS2"])
    assert rb.require_series(px, rates, "SPY", "IWM", "DGS2") is None
    with pytest.raises(BadInputError, match="the data have no SPY, IWM or DGS10: see the table below"):
        rb.require_series(px, rates, "SPY", "IWM", "DGS10")
    with pytest.raises(BadInputError):
        rb.require_series(px[["SPY"]], rates, "SPY", "IWM", "DGS2")


def test_hac_beta_is_a_typed_fit_that_also_reads_like_a_table_row():
    px, rates = _frame()
    rel, chg = rb.relative_and_changes(px, rates, "B")
    fit = rb.hac_beta(rel["T"], chg["Y"])
    assert isinstance(fit, rb.BetaFit) and fit["beta"] == fit.beta and fit.first == rel.index.min()
    row = rb.beta_table(rel, chg, "daily").iloc[0]
    assert row["beta"] == pytest.approx(fit.beta) and row["n"] == fit.n
    assert np.isnan(rb.BetaFit().beta) and rb.BetaFit().n == 0


def test_yield_betas_join_all_columns_once_and_fit_the_focus():
    px, rates = _frame()
    px = px.assign(F=px["T"] * 1.01)
    got = rb.yield_betas(px, rates, ["T"], "F", "B", "Y")
    rel_d, chg_d = rb.relative_and_changes(px[["T", "F", "B"]], rates, "B")
    rel_w, chg_w = rb.relative_and_changes(px[["T", "F", "B"]], rates, "B", "weekly")
    assert set(got.table["ticker"]) == {"T"} and list(got.table["frequency"]) == ["daily", "weekly"]
    assert got.headline == rb.hac_beta(rel_d["F"], chg_d["Y"])
    assert got.weekly == rb.hac_beta(rel_w["F"], chg_w["Y"])
    assert got.relative.index.equals(rel_d.index)


def test_spread_betas_leave_out_missing_series():
    px, rates = _frame()
    both = rates.rename(columns={"Y": rb.SLOPE}).assign(**{rb.CREDIT: rates["Y"] * 2})
    got = rb.spread_betas(px, both, ["T"], "T", "B")
    assert list(got.table["series"]) == [rb.SLOPE, rb.CREDIT]
    only_slope = rb.spread_betas(px, both[[rb.SLOPE]], ["T"], "T", "B")
    assert list(only_slope.table["series"]) == [rb.SLOPE]
    assert rb.spread_betas(px, both.iloc[:, :0], ["T"], "T", "B").table.empty


def test_relative_strength_is_rebased_to_100():
    px, _ = _frame(n=20)
    got = rb.relative_strength(px, ["T"], "B", "{ticker}/{benchmark}")
    assert list(got.columns) == ["T/B"] and got.iloc[0, 0] == pytest.approx(100)
    ratio = px["T"] / px["B"]
    assert got.iloc[-1, 0] == pytest.approx(ratio.iloc[-1] / ratio.iloc[0] * 100)


def test_thesis_grades_read_the_cut_mean_and_the_beta():
    cut = pd.Series({"n": 6, "mean": 0.01, "ci_low": 0.002, "ci_high": 0.02})
    beta = rb.BetaFit(beta=-0.02, ci_low=-0.05, ci_high=0.01)
    assert rb.thesis_grades(cut, beta) == ("for", "weak", 6)
    assert rb.thesis_verdict(*rb.thesis_grades(cut, beta)) == "supported"


def test_borrowing_cost_test_uses_only_the_claim_period():
    px, rates = _frame(n=400, beta=-0.03)
    spreads_src = rates.rename(columns={"Y": rb.CREDIT})
    yields = rb.yield_betas(px, rates, ["T"], "T", "B", "Y")
    spreads = rb.spread_betas(px, spreads_src, [], "T", "B")
    start, end = px.index[100], px.index[300]
    got = rb.borrowing_cost_test(yields, spreads, "T", "Y", start, end)
    assert got.rates.first >= start and got.rates.last <= end
    assert got.rates == rb.hac_beta(yields.relative.loc[start:end, "T"], yields.changes.loc[start:end, "Y"])
    assert got.grades == ("for", "for") and got.verdict == "confirmed"
    none = rb.borrowing_cost_test(yields, rb.spread_betas(px, rates.iloc[:, :0], [], "T", "B"), "T", "Y", start, end)
    assert none.grades[1] == "missing" and none.verdict == "unverifiable"


def test_pause_test_grades_each_ticker_for_a_fall():
    falls = pd.Series({"n": 3, "mean": -0.05, "ci_low": -0.08, "ci_high": -0.01})
    rises = pd.Series({"n": 3, "mean": 0.05, "ci_low": -0.2, "ci_high": 0.3})
    got = rb.pause_test({"A": falls, "B": rises})
    assert got.grades == ("for", "against") and got.verdict == "mixed"
    assert got.means() == {"A_mean_after_holds": -0.05, "B_mean_after_holds": 0.05}
    assert rb.pause_test({"A": falls}).verdict == "confirmed"


def test_typed_results_read_like_the_rows_they_replace():
    from rotation_utils.analytics.events import MeanCI

    fit, m = rb.BetaFit(beta=0.5, n=30), MeanCI(4, mean=0.02)
    assert (fit["beta"], fit["n"], m["mean"], m["n"]) == (0.5, 30, 0.02, 4)
    with pytest.raises(AttributeError):
        fit["betta"]
