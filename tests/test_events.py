"""Event study on synthetic prices with known jumps, and on the snapshot calendar."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rotation_utils.analytics import events as ev
from rotation_utils.errors import BadInputError


def _prices(n=60, jumps=None, start="2024-01-01"):
    """Flat benchmark; ticker flat except multiplicative jumps {day_index: return}."""
    idx = pd.bdate_range(start, periods=n)
    tick = np.ones(n) * 100.0
    for day, r in (jumps or {}).items():
        tick[day:] *= 1 + r
    return pd.DataFrame({"T": tick, "B": np.full(n, 50.0)}, index=idx)


def _events(px, positions, decision="cut"):
    return pd.DataFrame({"announcement_date": px.index[positions], "decision": decision})


def test_injected_jump_is_inside_the_windows_that_contain_day_zero():
    px = _prices(jumps={20: 0.05})  # jump on the close of day index 20
    out = ev.event_returns(px, _events(px, [20]), [(-5, -1), (0, 0), (0, 5), (1, 5)], "B")
    got = out.set_index("window")["relative_return"]
    assert got["[-5,-1]"] == pytest.approx(0.0)
    assert got["[0,0]"] == pytest.approx(0.05)
    assert got["[0,+5]"] == pytest.approx(0.05)
    assert got["[+1,+5]"] == pytest.approx(0.0)


def test_relative_return_subtracts_the_benchmark():
    px = _prices()
    px["B"] = np.linspace(50, 60, len(px))
    out = ev.event_returns(px, _events(px, [10]), [(0, 5)], "B").iloc[0]
    bench = px["B"].iloc[15] / px["B"].iloc[9] - 1
    assert out["benchmark_return"] == pytest.approx(bench)
    assert out["relative_return"] == pytest.approx(0.0 - bench)


def test_non_trading_event_date_moves_to_the_next_session():
    px = _prices(jumps={5: 0.02})  # bdate_range: index 5 is a Monday when start is a Monday
    saturday = px.index[5] - pd.Timedelta(days=2)
    out = ev.event_returns(
        px, pd.DataFrame({"announcement_date": [saturday], "decision": ["hold"]}), [(0, 0)], "B"
    ).iloc[0]
    assert out["day0"] == px.index[5]
    assert out["relative_return"] == pytest.approx(0.02)


def test_windows_past_the_end_or_before_the_start_are_excluded_and_counted():
    px = _prices(n=30)
    out = ev.event_returns(px, _events(px, [2, 15, 28]), [(-5, 1), (0, 5)], "B")
    status = out.set_index(["day0", "window"])["status"]
    assert status[(px.index[2], "[-5,+1]")] == ev.STATUS_BEFORE_START
    assert status[(px.index[28], "[0,+5]")] == ev.STATUS_PAST_END
    assert status[(px.index[15], "[0,+5]")] == ev.STATUS_OK
    summ = ev.summarise(out)
    row = summ[summ["window"] == "[0,+5]"].iloc[0]
    assert row["n"] == 2 and row["excluded"] == 1
    assert len(ev.exclusions(out)) == 2


def test_summary_matches_scipy_t_interval():
    x = np.array([0.01, -0.02, 0.03, 0.015, 0.005])
    got = ev.mean_ci(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert got["mean"] == pytest.approx(x.mean())
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((lo, hi))
    assert got["t_stat"] == pytest.approx(stats.ttest_1samp(x, 0).statistic)
    assert got["boot_low"] <= got["mean"] <= got["boot_high"]


def test_summary_of_one_event_has_no_interval():
    got = ev.mean_ci([0.02])
    assert got["n"] == 1 and np.isnan(got["ci_low"]) and np.isnan(got["t_stat"])


def test_groups_are_kept_apart():
    px = _prices(n=80, jumps={20: 0.05, 50: -0.03})
    evs = pd.concat([_events(px, [20], "cut"), _events(px, [50], "hold")])
    summ = ev.summarise(ev.event_returns(px, evs, [(0, 1)], "B"))
    by = summ.set_index("decision")["mean"]
    assert by["cut"] == pytest.approx(0.05) and by["hold"] == pytest.approx(-0.03)


def test_event_path_is_cumulative_from_the_day_before_the_window():
    px = _prices(n=60, jumps={20: 0.05, 23: 0.10})
    path = ev.event_paths(px, _events(px, [20]), "T", "B", first=-2, last=5)
    col = path.iloc[:, 0]
    assert list(path.index) == list(range(-2, 6))
    assert col[-1] == pytest.approx(0.0) and col[0] == pytest.approx(0.05)
    assert col[3] == pytest.approx(1.05 * 1.10 - 1)


def test_empty_event_list_gives_empty_tables_not_errors():
    px = _prices()
    out = ev.event_returns(px, _events(px, [])[:0], [(0, 5)], "B")
    assert out.empty and "relative_return" in out.columns
    assert ev.summarise(out).empty
    assert ev.per_event_table(out, [(0, 5)]).empty


@pytest.mark.parametrize("bad", [[(5, 0)], [("a", 1)], []])
def test_bad_windows_raise_one_line_errors(bad):
    px = _prices()
    with pytest.raises(BadInputError):
        ev.event_returns(px, _events(px, [10]), bad, "B")


def test_window_labels():
    assert [ev.window_label(w) for w in [(-5, 1), (0, 5), (0, 20), (-5, 0)]] == [
        "[-5,+1]",
        "[0,+5]",
        "[0,+20]",
        "[-5,0]",
    ]


def test_on_snapshot_prices_day_zero_is_the_announcement_session():
    from rotation_utils.data import DataLayer
    from rotation_utils.reference_data import fomc_decisions

    px = DataLayer("snapshot").prices(["IWM", "SPY"], "2024-09-01", "2024-10-31")
    dec = fomc_decisions()
    dec = dec[dec["announcement_date"] == pd.Timestamp("2024-09-18")]
    assert len(dec) == 1
    out = ev.event_returns(px, dec, [(0, 0)], "SPY").iloc[0]
    assert out["day0"] == pd.Timestamp("2024-09-18")
    r = px.loc["2024-09-18"] / px.loc["2024-09-17"] - 1
    assert out["relative_return"] == pytest.approx(r["IWM"] - r["SPY"])


def test_require_listed_window_accepts_lists_or_tuples_and_rejects_others():
    assert ev.require_listed_window((0, 5), [[-1, 1], [0, 5]]) is None
    with pytest.raises(BadInputError, match=r"headline_window \[0, 10\] must be one of event_windows"):
        ev.require_listed_window([0, 10], [[0, 5]])


def test_mean_ci_is_typed_and_reads_like_a_summary_row():
    got = ev.mean_ci([0.01, 0.03, -0.01])
    assert isinstance(got, ev.MeanCI) and got.n == 3 and got["mean"] == pytest.approx(0.01)
    assert np.isnan(ev.mean_ci([]).mean) and ev.mean_ci([]).n == 0


def test_paths_by_decision_and_hold_study():
    px = _prices(n=80, jumps={20: 0.05, 50: -0.02})
    decisions = pd.concat([_events(px, [20], "cut"), _events(px, [50], "hold"), _events(px, [78], "hold")])
    paths = ev.paths_by_decision(px, decisions, "T", "B", first=-2, last=5)
    assert list(paths) == ["after cuts", "after holds"] and ev.has_paths(paths)
    assert paths["after holds"].shape[1] == 1  # the hold on day 78 has no complete path
    assert not ev.has_paths(ev.paths_by_decision(px, decisions.iloc[2:], "T", "B", first=-2, last=5))
    assert ev.decision_types(decisions) == ["cut", "hold"]
    study = ev.hold_study(px, decisions, [px.index[50].year], [(0, 1)], "B", ["T"])
    assert len(study.holds) == 2 and set(study.summary["decision"]) == {"hold"}
    assert study.table["Date"].tolist() == [f"{px.index[50]:%Y-%m-%d}", f"{px.index[78]:%Y-%m-%d}"]
    assert ev.stats_for(study.summary, "T", (0, 1))["mean"] == pytest.approx(-0.01)  # -2% and 0%
    assert ev.hold_study(px, decisions, [1990], [(0, 1)], "B", ["T"]).summary.empty


def test_stats_per_ticker_and_stats_by_key_the_summary_rows():
    px = _prices(n=80, jumps={20: 0.05})
    summ = ev.summarise(ev.event_returns(px, _events(px, [20]), [(0, 1)], "B"))
    assert ev.stats_per_ticker(summ, ["T", "X"], (0, 1))["T"]["mean"] == pytest.approx(0.05)
    assert ev.stats_per_ticker(summ, ["T", "X"], (0, 1))["X"]["n"] == 0
    assert list(ev.stats_by(summ, ["T"], (0, 1), ("cut", "hold"))) == [("T", "cut"), ("T", "hold")]
