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
    dy = rng.normal(0, 0.06, n)                    # daily yield changes, pp
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
    rates = rates.drop(rates.index[5])            # a bond-market holiday
    rel, chg = rb.relative_and_changes(px, rates, "B")
    assert px.index[5] not in rel.index
    d6 = px.index[6]
    r = px.loc[d6] / px.iloc[4] - 1                # two-day return spans the holiday
    assert rel.loc[d6, "T"] == pytest.approx(r["T"] - r["B"])
    assert chg.loc[d6, "Y"] == pytest.approx(rates.loc[d6, "Y"] - rates.iloc[4]["Y"])


def test_weekly_uses_the_last_trading_day_of_each_week():
    px, rates = _frame(n=30)
    rel, chg = rb.relative_and_changes(px, rates, "B", "weekly")
    assert all(d.day_of_week == 4 for d in rel.index)   # business days: Fridays
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
    tab = rb.regime_betas(rel, chg, [["a", None, str(cut.date())], ["b", str(cut.date()), None],
                                     ["empty", "2030-01-01", None]])
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


@pytest.mark.parametrize("est, lo, hi, sign, grade", [
    (-0.02, -0.03, -0.01, -1, "for"), (-0.02, -0.05, 0.01, -1, "weak"),
    (0.02, -0.01, 0.05, -1, "against"), (np.nan, np.nan, np.nan, -1, "missing"),
    (0.01, 0.002, 0.02, +1, "for")])
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
    # each claim's evidence names the tests' grades in words and the table row that combines them
    text = rb.graded_reading({"DGS2 beta": "weak", "spread beta": "for"})
    assert text == ("DGS2 beta: the right direction but not significant; spread beta: significant support; "
                    "by the grade table, significant support with the rest in the right direction: supported")
    assert rb.graded_reading({"PSTL": "against", "XLRE": "weak"}).endswith("nothing significant in support: not supported")
    assert rb.graded_reading({"a": "weak", "b": "weak"}).endswith("not significant: inconclusive")
    assert rb.graded_reading({"a": "for", "b": "missing"}).endswith("an estimate is missing: inconclusive")
    assert "would confirm" not in text and "weak" not in text
    # A3 on the cuts of 2026 only: pending without one, unverifiable below 3, else the event grade
    assert rb.a3_claim(0) == "forecast pending" and rb.a3_claim(2, "for", 2) == "unverifiable"
    assert rb.a3_claim(3, "for", 3) == "confirmed" and rb.a3_claim(4, "against", 4) == "contradicted"
    assert rb.thesis_verdict("for", "for", 2) == "inconclusive"
    assert rb.combine_grades(["for", "missing"]) == "inconclusive"


def test_wide_table_and_sentence():
    px, rates = _frame()
    rel, chg = rb.relative_and_changes(px, rates, "B")
    tab = rb.beta_table(rel, chg, "daily")
    wide = rb.wide_table(tab)
    assert list(wide.columns) == ["Ticker", "daily Y beta", "daily Y t"]
    assert wide.iloc[0]["daily Y beta"] == pytest.approx(tab.iloc[0]["beta"])
    row = tab.iloc[0]
    text = rb.beta_sentence(row, "T", "B", "Y")
    assert ("lagged" if row["beta"] < 0 else "gained on") in text
    assert f"{abs(row['beta']) * 100:.1f} pp" in text


def test_wide_table_for_display_sorts_by_the_first_beta_and_labels_units():
    from tests.display_checks import assert_readable, column, rendered
    betas = pd.DataFrame({"ticker": ["A", "B", "A", "B"], "series": ["Y", "Y", "Y", "Y"],
                          "frequency": ["daily", "daily", "weekly", "weekly"],
                          "beta": [0.01, -0.023, 0.02, -0.01], "t": [1.04, -2.56, 0.5, -0.7]})
    show, fmt = rb.wide_table_for_display(betas)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert headers == ["Ticker", "Daily beta to Y (pp per +100 bp)", "Daily t-stat, Y",
                       "Weekly beta to Y (pp per +100 bp)", "Weekly t-stat, Y"]
    assert column(headers, rows, "Ticker") == ["B", "A"]  # most negative daily beta first
    assert column(headers, rows, "Daily beta to Y (pp per +100 bp)") == ["-2.3 pp", "+1.0 pp"]
    assert column(headers, rows, "Daily t-stat, Y") == ["-2.6", "1.0"]


def test_betas_for_display_scales_the_se_and_names_the_series():
    from tests.display_checks import assert_readable, column, rendered
    px, rates = _frame(n=400)
    rel, chg = rb.relative_and_changes(px, rates, "B")
    tab = rb.beta_table(rel[["T"]], chg, "daily")
    show, fmt = rb.betas_for_display(tab, {"Y": "the test yield"})
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Against") == ["test yield (Y)"]
    assert column(headers, rows, rb.BETA_HEADER) == [f"{tab['beta'].iloc[0] * 100:+.1f} pp"]
    assert column(headers, rows, rb.SE_HEADER) == [f"{tab['se'].iloc[0] * 100:.1f}"]
    assert column(headers, rows, "Trading days") == [str(int(tab["n"].iloc[0]))]
    assert column(headers, rows, "First day") == [f"{rel.index.min():%Y-%m-%d}"]
    reg = rb.regime_betas(rel[["T"]], chg, [["all", None, None], ["none", "1990-01-01", "1990-12-31"]])
    show, fmt = rb.betas_for_display(reg.drop(columns=["ticker", "series"]))
    headers, rows = rendered(show, fmt)
    assert headers[0] == "Regime" and column(headers, rows, rb.BETA_HEADER)[1] == "n/a"  # too few days: n/a


def test_require_series_names_what_is_missing():
    px = pd.DataFrame(columns=["IWM", "SPY"])
    rates = pd.DataFrame(columns=["DGS2"])
    assert rb.require_series(px, rates, "SPY", "IWM", "DGS2") is None
    with pytest.raises(BadInputError, match="the data have no SPY, IWM or DGS10: see the table below"):
        rb.require_series(px, rates, "SPY", "IWM", "DGS10")
    with pytest.raises(BadInputError):
        rb.require_series(px[["SPY"]], rates, "SPY", "IWM", "DGS2")


def test_headline_metric_rows_order_and_units():
    beta = {"beta": -0.5, "se": 0.2, "first": pd.Timestamp("2025-01-02"), "last": pd.Timestamp("2025-12-31")}
    stats = {("IWM", "cut"): {"mean": 0.01, "n": 3.0}, ("IWM", "hold"): {"mean": -0.002, "n": 1.0},
             ("PSTL", "cut"): {"mean": 0.02, "n": 3.0}}
    rows = rb.headline_metric_rows(beta, stats, "IWM", "SPY", "DGS2", "[0, +5]")
    assert [r[0] for r in rows] == ["IWM_beta_DGS2", "IWM_mean_rel_after_cuts", "IWM_mean_rel_after_holds",
                                    "IWM_beta_DGS2_se", "PSTL_mean_rel_after_cuts",
                                    "IWM_cut_events", "IWM_hold_events", "PSTL_cut_events"]
    assert rows[0][1:] == (-50.0, "pp per +100 bp", "IWM minus SPY: daily beta to DGS2, 2025-01-02 to 2025-12-31")
    assert rows[1][1] == pytest.approx(1.0) and rows[1][3] == "IWM minus SPY: mean [0, +5] return after 3 cuts"
    assert rows[2][3].endswith("after 1 hold") and rows[3][1] == pytest.approx(20.0)
    assert rows[5] == ("IWM_cut_events", 3, "events", "cut decisions measured for IWM over [0, +5]")
