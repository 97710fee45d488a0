"""End-to-end checks of notebooks/01_rotation_breadth.ipynb.

Two papermill runs on the snapshot, shared by the module: the default window
(needed for the since-event and calendar-2025 figures) and the calendar year
2024 (a window that ends before the event date). Every headline figure is
recomputed here with plain pandas from the data layer, without the package's
return, basket or breadth helpers.
"""

import re

import numpy as np
import pandas as pd
import papermill as pm
import pytest

from rotation_utils.data import DataLayer
from rotation_utils.results import CLAIM_VERDICTS, OVERALL_VERDICTS, SCHEMA
from tests.nbrun import notebook_text, run_notebook

NAME = "01_rotation_breadth"
MAG7 = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA"]
SECOND = {"GOOG", "FOX", "NWS", "BRK-A"}

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb01_default")
    res = run_notebook(NAME, out, data_source="snapshot")
    return res, notebook_text(out, NAME), out


@pytest.fixture(scope="module")
def run_2024(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb01_2024")
    res = run_notebook(NAME, out, start="2024-01-01", end="2024-12-31", data_source="snapshot")
    return res, notebook_text(out, NAME), out


@pytest.fixture(scope="module")
def dl():
    return DataLayer("snapshot")


def _headline(res):
    return {m["name"]: m["value"] for m in res["headline"]}


def _close_on_or_before(s, day):
    return s.dropna().loc[: pd.Timestamp(day)].iloc[-1]


def _spread(dl, a, b, since, until):
    px = dl.prices([a, b], pd.Timestamp(since) - pd.Timedelta(days=10), until)
    ra = px[a].dropna().iloc[-1] / _close_on_or_before(px[a], since) - 1
    rb = px[b].dropna().iloc[-1] / _close_on_or_before(px[b], since) - 1
    return (ra - rb) * 100


def _cap_basket_return(dl, since, until, group):
    """Monthly cap-weighted basket, written out longhand: sum of weight x simple return per month."""
    spy = dl.prices(["SPY"], pd.Timestamp(since) - pd.Timedelta(days=10), until)["SPY"]
    days = spy.index
    base = days[days <= pd.Timestamp(since)][-1]
    month_ends = pd.Series(days, index=days).groupby(days.to_period("M")).last()
    marks = [base] + [d for d in month_ends if d > base and d != days[-1]] + [days[-1]]
    caps = dl.market_caps(pd.Timestamp(since) - pd.Timedelta(days=60), until)
    caps = caps[~caps["ticker"].isin(SECOND)]
    names_at = {
        d0: MAG7 if group == "mag7" else [t for t in dl.sp500_members(on=d0) if t not in set(MAG7) | SECOND]
        for d0 in marks[:-1]
    }
    px_all = dl.prices(sorted(set().union(*names_at.values())), base - pd.Timedelta(days=10), until)
    level = 1.0
    for d0, d1 in zip(marks[:-1], marks[1:]):
        snap_date = caps.loc[caps["date"] <= d0, "date"].max()
        cap = caps[caps["date"] == snap_date].drop_duplicates("ticker", keep="last").set_index("ticker")["market_cap"]
        px = px_all[[t for t in names_at[d0] if t in px_all.columns]]
        start_px = px.loc[d0].dropna()
        held = [t for t in start_px.index if t in cap.index and cap[t] > 0]
        w = cap[held] / cap[held].sum()
        end_px = px[held].loc[:d1].ffill().iloc[-1]
        level *= 1 + float((w * (end_px / start_px[held] - 1)).sum())
    return level - 1


def _share_above_200d(dl, members, last_day):
    px = dl.prices(members, last_day - pd.Timedelta(days=400), last_day)
    tail = px.loc[:last_day].tail(200)
    above = eligible = 0
    for t in tail.columns:
        col = tail[t]
        if col.notna().all():
            eligible += 1
            above += int(col.iloc[-1] > col.mean())
    return 100 * above / eligible


# ---- schema and values --------------------------------------------------------------
@pytest.mark.parametrize("which", ["default_run", "run_2024"])
def test_results_schema(which, request):
    res, _, out = request.getfixturevalue(which)
    assert res["schema"] == SCHEMA and res["notebook"] == NAME
    assert res["verdict"]["value"] in OVERALL_VERDICTS and res["verdict"]["rule"]
    assert {c["id"] for c in res["claims"]} == {"B3", "B4", "A1"}
    assert all(c["verdict"] in CLAIM_VERDICTS and c["evidence"] for c in res["claims"])
    names = [m["name"] for m in res["headline"]]
    for n in (
        "iwm_minus_benchmark_since_event_pp",
        "iwm_minus_benchmark_since_start_pp",
        "other493_minus_mag7_cap_since_start_pp",
        "sp500_share_above_200d_latest",
        "iwm_share_above_200d_latest",
        "rut_vs_target_pct",
    ):
        assert n in names
    assert len(names) >= 3
    for t in res["tables"]:
        assert (out / t["file"]).is_file()
    assert res["data"]["sources"] == ["snapshot"]


def test_default_claims_and_verdict_are_consistent(default_run):
    res, text, _ = default_run
    claims = {c["id"]: c for c in res["claims"]}
    # the data run to 2026-07-13: ^RUT (2,953.17) is above the 2,825 target, judged on part of 2026,
    # so the verdict is provisional, like A9 and B9 on the same months
    assert claims["A1"]["verdict"] == "confirmed" and claims["A1"]["provisional"] is True
    assert claims["A1"]["period"]["coverage"] == "partial"
    assert "already above the 2,825 target by 4.5%" in claims["A1"]["evidence"]
    assert "Provisional: so far," in claims["A1"]["evidence"] and "trading days of 2026" in claims["A1"]["evidence"]
    assert claims["B4"]["verdict"] in ("confirmed", "mixed", "contradicted")
    assert claims["B3"]["verdict"] in ("confirmed", "mixed", "contradicted")
    assert claims["A1"]["values"]["claimed"] == pytest.approx(14.0)
    assert f"**Verdict: the rotation is {res['verdict']['value']}**" in text
    for cid, c in claims.items():
        assert f"**{cid}: {c['verdict']}.**" in text


def test_headline_figures_recomputed_independently(default_run, dl):
    res, _, _ = default_run
    h = _headline(res)
    last = pd.Timestamp(res["data"]["as_of"])
    assert h["iwm_minus_benchmark_since_start_pp"] == pytest.approx(
        _spread(dl, "IWM", "SPY", "2025-01-01", last), abs=1e-6
    )
    assert h["iwm_minus_benchmark_since_event_pp"] == pytest.approx(
        _spread(dl, "IWM", "SPY", "2026-01-13", last), abs=1e-6
    )
    o493 = _cap_basket_return(dl, "2025-01-01", last, "other")
    m7 = _cap_basket_return(dl, "2025-01-01", last, "mag7")
    assert h["other493_minus_mag7_cap_since_start_pp"] == pytest.approx((o493 - m7) * 100, abs=1e-4)
    rut = dl.prices(["^RUT"], "2026-01-01", last)["^RUT"]
    # level / target - 1 (the 4.5%), not target / level - 1 with its sign flipped (-4.3%)
    assert h["rut_vs_target_pct"] == pytest.approx((rut.iloc[-1] / 2825 - 1) * 100, abs=1e-9)
    assert h["rut_vs_target_pct"] == pytest.approx(4.5, abs=0.05)


def test_calendar_2025_recomputed_independently(default_run, dl):
    h = _headline(default_run[0])
    px = dl.prices(["SPY", "RSP", "IWM", "IJH"], "2024-12-15", "2025-12-31")
    for t in ("SPY", "RSP", "IWM", "IJH"):
        expected = (px[t].loc["2025-12-31"] / px[t].loc["2024-12-31"] - 1) * 100
        assert h[f"cy2025_{t.lower()}_pct"] == pytest.approx(expected, abs=1e-9)
    assert h["cy2025_mag_7_cap_pct"] == pytest.approx(
        _cap_basket_return(dl, "2025-01-01", "2025-12-31", "mag7") * 100, abs=1e-4
    )
    assert h["cy2025_other_493_cap_pct"] == pytest.approx(
        _cap_basket_return(dl, "2025-01-01", "2025-12-31", "other") * 100, abs=1e-4
    )


def test_breadth_and_concentration_recomputed_independently(default_run, dl):
    h = _headline(default_run[0])
    last = pd.Timestamp(default_run[0]["data"]["as_of"])
    month_end = (last - pd.offsets.MonthEnd(1)) if last != last + pd.offsets.MonthEnd(0) else last
    sp = dl.sp500_members(on=month_end)
    assert h["sp500_share_above_200d_latest"] == pytest.approx(_share_above_200d(dl, sp, last), abs=1e-9)
    files = [d for d in dl.iwm_holdings_dates() if d <= last]
    iwm = sorted(set(dl.iwm_holdings(files[-1])["ticker"].dropna()))
    assert h["iwm_share_above_200d_latest"] == pytest.approx(_share_above_200d(dl, iwm, last), abs=1e-9)
    caps = dl.market_caps(None, last)
    snap = caps[caps["date"] == caps["date"].max()]
    members = set(dl.sp500_members(on=snap["date"].iloc[0])) - SECOND
    c = snap[snap["ticker"].isin(members) & (snap["market_cap"] > 0)].set_index("ticker")["market_cap"]
    assert h["mag7_share_of_sp500_cap_latest"] == pytest.approx(c.reindex(MAG7).sum() / c.sum() * 100, abs=1e-9)


# ---- a window that ends before the event date --------------------------------------
def test_window_before_event_prints_messages_not_errors(run_2024, dl):
    res, text, out = run_2024
    h = _headline(res)
    assert h["iwm_minus_benchmark_since_event_pp"] is None
    assert text.count("before the event date") >= 2
    assert "before 2026-01-16" in text
    claims = {c["id"]: c["verdict"] for c in res["claims"]}
    assert claims == {"B3": "unverifiable", "B4": "unverifiable", "A1": "unverifiable"}
    a1 = next(c for c in res["claims"] if c["id"] == "A1")
    assert a1["evidence"].startswith(
        "Cannot be tested on this window: the window ends 2024-12-31; the claim is about 2026"
    )
    assert a1["period"]["coverage"] == "none" and not a1["provisional"]
    board = pd.read_csv(out / "scoreboard.csv")
    assert "Since event" not in board.columns
    assert h["iwm_minus_benchmark_since_start_pp"] == pytest.approx(
        _spread(dl, "IWM", "SPY", "2024-01-01", "2024-12-31"), abs=1e-6
    )
    o493 = _cap_basket_return(dl, "2024-01-01", "2024-12-31", "other")
    m7 = _cap_basket_return(dl, "2024-01-01", "2024-12-31", "mag7")
    assert h["other493_minus_mag7_cap_since_start_pp"] == pytest.approx((o493 - m7) * 100, abs=1e-4)


def test_scoreboard_2024_differs_from_default(default_run, run_2024):
    a = pd.read_csv(default_run[2] / "scoreboard.csv").set_index("Name")
    b = pd.read_csv(run_2024[2] / "scoreboard.csv").set_index("Name")
    assert set(a.index) == set(b.index)
    common = [c for c in ("Since start", "YTD", "1Y", "Volatility", "Sharpe") if c in a and c in b]
    for c in common:
        assert not np.allclose(a.loc[b.index, c].to_numpy(), b[c].to_numpy())
    # 2024: the window is the calendar year, so YTD and since-start coincide
    assert b["YTD"].to_numpy() == pytest.approx(b["Since start"].to_numpy())


def test_narrative_follows_the_sign_of_the_numbers(default_run, run_2024):
    sentences = {}
    for res, text, _ in (default_run, run_2024):
        v = _headline(res)["iwm_minus_benchmark_since_start_pp"]
        m = re.search(r"IWM (beat|lagged) SPY by ([0-9.]+) pp, and", text)
        assert m, "scoreboard sentence missing"
        assert m.group(1) == ("beat" if v > 0 else "lagged")
        assert float(m.group(2)) == pytest.approx(abs(v), abs=0.051)
        sentences[res["parameters"]["start"]] = m.group(0)
    v0 = _headline(default_run[0])["iwm_minus_benchmark_since_start_pp"]
    v1 = _headline(run_2024[0])["iwm_minus_benchmark_since_start_pp"]
    if np.sign(v0) != np.sign(v1):
        assert sentences["2025-01-01"] != sentences["2024-01-01"]
    assert default_run[0]["verdict"]["evidence"] != run_2024[0]["verdict"]["evidence"]


def test_membership_caveats_name_the_files_read_and_apply_to_the_window(default_run, run_2024):
    # the 2024 window reads only the IWM file of 2025-05-13: the caveat names it and says it lies
    # after the window end; the change log's gap (2025-08-12 to 2026-03-04) is outside 2024
    _, text24, _ = run_2024
    assert "IWM holdings as of 2025-05-13, after the window end 2024-12-31" in text24
    assert "2025-08-12" not in text24 and "2026-03-04" not in text24
    assert "until the 2026 year-end" not in text24 and "provisional until then" not in text24
    # the defaults (2025-01-01 to 2026-07-13) read all three files and cross the gap
    _, text, _ = default_run
    assert "IWM holdings as of 2025-05-13, 133 days after the window start 2024-12-31" in text
    assert "after the window end" not in text
    assert "no entry from 2025-08-12 to 2026-03-04 (204 days)" in text
    assert "A1 is judged so far on 2026-01-02 to 2026-07-13" in text  # its verdict is provisional


def test_unknown_benchmark_fails_with_one_line_message(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(NAME, tmp_path, benchmark="NOSUCHTICKER", data_source="snapshot")
    assert err.value.ename == "BadInputError"
    assert "NOSUCHTICKER" in err.value.evalue and "\n" not in err.value.evalue


def test_window_before_market_caps_exist_says_so(tmp_path):
    res = run_notebook(NAME, tmp_path, start="2019-06-03", end="2019-12-31", data_source="snapshot")
    text = notebook_text(tmp_path, NAME)
    assert "concentration is not shown" in text
    assert _headline(res)["other493_minus_mag7_cap_since_start_pp"] is None
    # the verdict falls back to the equal-weighted baskets and labels them
    assert "equal; no caps" in res["verdict"]["evidence"]
    assert res["verdict"]["value"] in OVERALL_VERDICTS


# ---- a window before the constituent data start ------------------------------------
@pytest.fixture(scope="module")
def run_2008(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb01_2008")
    res = run_notebook(NAME, out, start="2008-01-01", end="2009-06-30", data_source="snapshot")
    return res, notebook_text(out, NAME), out


def test_window_before_the_constituent_data_says_what_is_missing(run_2008, dl):
    from rotation_utils.runner.validate import validate_results

    res, text, _ = run_2008
    assert validate_results(res) == []
    claims = {c["id"]: c for c in res["claims"]}
    assert {k: c["verdict"] for k, c in claims.items()} == {
        "B3": "unverifiable",
        "B4": "unverifiable",
        "A1": "unverifiable",
    }
    # outside their periods: unverifiable, the reason names the window end and the claim's period
    assert "the window ends 2009-06-30; the claim is about 2026" in claims["A1"]["evidence"]
    assert "the window ends 2009-06-30; the claim is about late 2025" in claims["B4"]["evidence"]
    # no S&P 500 membership before the change log starts: the baskets, breadth and verdict say so
    log_start = f"{dl.sp500_changes()['date'].min():%Y-%m-%d}"
    assert res["verdict"]["value"] == "inconclusive"
    assert f"no S&P 500 members are known before {log_start}" in res["verdict"]["evidence"]
    assert f"S&P 500: no members are known for the window (the membership source starts {log_start})" in text
    assert "MAGS has no prices up to 2009-06-30" in text
    assert "concentration is not shown" in text
    h = _headline(res)
    assert h["sp500_share_above_200d_latest"] is None and h["other493_minus_mag7_cap_since_start_pp"] is None
    # what the window does cover is still measured
    assert h["iwm_minus_benchmark_since_start_pp"] == pytest.approx(
        _spread(dl, "IWM", "SPY", "2008-01-01", "2009-06-30"), abs=1e-6
    )
