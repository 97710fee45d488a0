"""Notebook 06 (sector leadership) end to end on two windows other than the defaults.

nbval already executes the defaults; here the notebook runs once for calendar
2024 and once for a window inside 2025 (a year-to-date calendar table), and
the headline figures are recomputed with plain pandas from the data layer.
"""

import re

import numpy as np
import pandas as pd
import pytest

from rotation_utils.data import DataLayer
from rotation_utils.runner.validate import validate_results
from rotation_utils.universes import SECTOR_ETFS
from tests.claim_checks import claim_problems
from tests.nbrun import notebook_text, run_notebook

NB = "06_sector_leadership"
WINDOWS = {"cal2024": ("2024-01-01", "2024-12-31"), "inside2025": ("2025-02-03", "2025-06-30")}
SECTORS = list(SECTOR_ETFS) + ["KRE", "KBWB", "XBI", "IBB"]  # the default set minus size/style ETFs


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for key, (start, end) in WINDOWS.items():
        folder = tmp_path_factory.mktemp(key)
        out[key] = (run_notebook(NB, folder, start=start, end=end), folder)
    return out


@pytest.fixture(scope="module")
def dl():
    return DataLayer("auto")


def _metric(res, name):
    return next(m["value"] for m in res["headline"] if m["name"] == name)


def _year_return(s: pd.Series, year: int) -> float:
    s = s.dropna()
    return s[s.index.year == year].iloc[-1] / s[s.index.year == year - 1].iloc[-1] - 1


def _window_return(s: pd.Series, start, end) -> float:
    s = s.dropna().loc[:end]
    return s.iloc[-1] / s.loc[:start].iloc[-1] - 1


@pytest.mark.parametrize("key", list(WINDOWS))
def test_results_follow_the_schema(runs, key):
    res, folder = runs[key]
    assert validate_results(res) == []
    assert res["notebook"] == NB
    assert res["parameters"]["start"] == WINDOWS[key][0]
    assert {c["id"] for c in res["claims"]} == {"A7", "A9"}
    names = [m["name"] for m in res["headline"]]
    assert {"kbwb_minus_spy_2023", "kbwb_minus_spy_2024", "kbwb_minus_spy_2025"} <= set(names)
    # the summary box and the index show the numbers the verdict rests on, not KBWB's years
    assert res["key_metrics"] == [
        "mid_cap_banks_minus_market_pp",
        "small_cap_healthcare_minus_market_pp",
        "industrials_minus_market_pp",
    ]
    for t in res["tables"]:
        assert (folder / t["file"]).exists()


def test_kbwb_minus_spy_recomputed(runs, dl):
    px = dl.prices(["KBWB", "SPY"], "2022-12-01", "2024-12-31")
    for key in WINDOWS:
        res, _ = runs[key]
        for year in (2023, 2024):
            want = (_year_return(px["KBWB"], year) - _year_return(px["SPY"], year)) * 100
            assert _metric(res, f"kbwb_minus_spy_{year}") == pytest.approx(want, abs=1e-6)
        # 2025 is not complete in either window: no number, and it is not counted
        assert _metric(res, "kbwb_minus_spy_2025") is None
    # A7 is judged on its claimed years inside the window: on calendar 2024 only 2024 counts (the lagging
    # 2023 is outside the window), so one year cannot confirm "three straight years"
    a7 = next(c for c in runs["cal2024"][0]["claims"] if c["id"] == "A7")
    assert a7["verdict"] == "unverifiable" and a7["values"]["complete_years"] == 1
    # unverifiable with its reason, not "judged on" a part as well, and no 2023 figure (outside the window)
    assert a7["evidence"].startswith("Unverifiable on this window: 1 of the 3 claimed years is complete inside it")
    assert "2023: outside the window, not judged" in a7["evidence"] and "-27" not in a7["evidence"]
    assert not a7["provisional"] and "Judged on the part" not in a7["evidence"]
    for key in WINDOWS:
        assert claim_problems(runs[key][0]["claims"]) == []


def test_best_and_worst_sector_recomputed(runs, dl):
    for key, (start, end) in WINDOWS.items():
        res, _ = runs[key]
        px = dl.prices(SECTORS + ["SPY"], pd.Timestamp(start) - pd.Timedelta(days=10), end)
        rel = pd.Series({t: _window_return(px[t], start, end) - _window_return(px["SPY"], start, end) for t in SECTORS})
        assert _metric(res, "best_sector") == rel.idxmax()
        assert _metric(res, "worst_sector") == rel.idxmin()
        assert _metric(res, "best_sector_minus_benchmark") == pytest.approx(rel.max() * 100, abs=1e-6)
        assert _metric(res, "worst_sector_minus_benchmark") == pytest.approx(rel.min() * 100, abs=1e-6)


@pytest.fixture(scope="module")
def run_2026(tmp_path_factory):
    """A window that reaches into 2026, the year the sector calls are about."""
    return run_notebook(NB, tmp_path_factory.mktemp("ytd2026"), start="2025-06-02", end="2026-03-31")


def test_verdict_numbers_recomputed(runs, run_2026, dl):
    """The key numbers of the summary box: each named group's return minus SPY over the
    thesis window (2026 inside the run); windows that do not reach 2026 measure nothing."""
    for key in WINDOWS:
        res, _ = runs[key]
        assert res["window"]["start"] is None and "2026" in res["window"]["label"]
        for name in res["key_metrics"]:
            assert _metric(res, name) is None
    assert (
        run_2026["window"]["start"] == "2025-12-31" and run_2026["window"]["end"] == "2026-03-31"
    )  # from the 2025 close
    px = dl.prices(["KRE", "XBI", "XLI", "SPY"], pd.Timestamp("2025-12-15"), "2026-03-31")
    r = {t: _window_return(px[t], "2025-12-31", "2026-03-31") for t in px.columns}
    assert _metric(run_2026, "mid_cap_banks_minus_market_pp") == pytest.approx((r["KRE"] - r["SPY"]) * 100, abs=1e-6)
    assert _metric(run_2026, "small_cap_healthcare_minus_market_pp") == pytest.approx(
        (r["XBI"] - r["SPY"]) * 100, abs=1e-6
    )
    assert _metric(run_2026, "industrials_minus_market_pp") == pytest.approx((r["XLI"] - r["SPY"]) * 100, abs=1e-6)


def test_share_of_members_beating_iwm_recomputed(runs, dl):
    for key, (start, end) in WINDOWS.items():
        res, _ = runs[key]
        hold = dl.iwm_holdings(as_of=start)
        px = dl.prices(hold["ticker"].unique().tolist(), pd.Timestamp(start) - pd.Timedelta(days=15), end)
        base = px.loc[:start].ffill().iloc[-1]
        last = px.loc[:end].ffill().iloc[-1]
        r = (last / base - 1).dropna()
        iwm = dl.prices(["IWM"], pd.Timestamp(start) - pd.Timedelta(days=10), end)["IWM"]
        share = float((r > _window_return(iwm, start, end)).mean()) * 100
        # the notebook neutralises suspect prints; that may move a name at the window ends
        assert _metric(res, "share_members_beat_iwm") == pytest.approx(share, abs=1.0)


def test_window_inside_one_year_gives_a_ytd_table(runs):
    res, folder = runs["inside2025"]
    cal = pd.read_csv(folder / "calendar_returns.csv")
    years = [c for c in cal.columns if c[:2] == "20"]
    assert years[0] == "2019" and years[-1] == "2025 YTD"
    assert "2024" in years and not any(c.startswith("2026") for c in years)
    a7 = pd.read_csv(folder / "a7_kbwb_vs_spy.csv").set_index("Year")
    assert a7.loc[2025, "Status"] == "year to date only"
    a9 = next(c for c in res["claims"] if c["id"] == "A9")
    assert a9["verdict"] == "unverifiable" and "the claim is about 2026" in a9["evidence"]
    assert "cannot be tested" in a9["evidence"].lower()


def test_calendar_csv_matches_plain_pandas(runs, dl):
    _, folder = runs["cal2024"]
    cal = pd.read_csv(folder / "calendar_returns.csv").set_index("Ticker")
    px = dl.prices(["XLF", "XLK", "IWM"], "2018-12-01", "2024-12-31")
    for t in ("XLF", "XLK", "IWM"):
        for y in (2019, 2022, 2024):
            assert cal.loc[t, str(y)] == pytest.approx(_year_return(px[t], y), abs=1e-9)


def test_narrative_follows_the_window(runs, dl):
    texts = {k: notebook_text(folder, NB) for k, (_, folder) in runs.items()}
    pattern = r"Since (\d{4}-\d{2}-\d{2}), IWM returned ([+-]\d+\.\d)%"
    found = {k: re.search(pattern, t) for k, t in texts.items()}
    assert all(found.values())
    signs = {}
    for key, (start, end) in WINDOWS.items():
        iwm = dl.prices(["IWM"], pd.Timestamp(start) - pd.Timedelta(days=10), end)["IWM"]
        want = _window_return(iwm, start, end) * 100
        assert float(found[key].group(2)) == pytest.approx(want, abs=0.05)
        signs[key] = np.sign(want)
    # IWM rose in 2024 and fell from February to June 2025: the sentences must differ
    assert signs["cal2024"] != signs["inside2025"]
    assert found["cal2024"].group(0) != found["inside2025"].group(0)
    breadth = {k: re.search(r"leadership was \*\*(broad|narrow)\*\*", t) for k, t in texts.items()}
    assert all(breadth.values())


# ---- a window before KBWB, XLC, XLRE and the member prices exist --------------------
@pytest.fixture(scope="module")
def early_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("early")
    return run_notebook(NB, folder, start="2008-01-01", end="2009-06-30"), notebook_text(folder, NB)


def test_early_window_says_what_is_missing(early_run, dl):
    res, text = early_run
    assert validate_results(res) == []
    claims = {c["id"]: c for c in res["claims"]}
    assert claims["A7"]["verdict"] == "unverifiable" and claims["A9"]["verdict"] == "unverifiable"
    kbwb_first = dl.prices(["KBWB"])["KBWB"].first_valid_index()
    assert kbwb_first > pd.Timestamp("2009-06-30")  # the reason below is a fact of the data
    assert "the window ends 2009-06-30; the claim is about 2023-2025" in claims["A7"]["evidence"]
    assert "the window ends 2009-06-30; the claim is about 2026" in claims["A9"]["evidence"]
    # the thesis is about 2026: a 2008-09 window has none of it, and the verdict says so
    assert res["verdict"]["value"] == "inconclusive"
    assert "the window ends 2009-06-30; the claim is about 2026" in res["verdict"]["evidence"]
    assert "Member prices do not cover this window" in text
    assert _metric(res, "share_members_beat_iwm") is None
    # the sectors the window does cover are still ranked, with plain-pandas figures
    px = dl.prices(["SPY", _metric(res, "best_sector")], "2007-12-01", "2009-06-30")
    best = _window_return(px[_metric(res, "best_sector")], "2008-01-01", "2009-06-30")
    assert _metric(res, "best_sector_minus_benchmark") == pytest.approx(
        (best - _window_return(px["SPY"], "2008-01-01", "2009-06-30")) * 100, abs=1e-9
    )


# ---- the defaults: the thesis is judged on 2026 to date ------------------------------
@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("default")
    return run_notebook(NB, folder, data_source="snapshot"), notebook_text(folder, NB)


def test_default_thesis_window_is_2026_to_date(default_run, dl):
    res, text = default_run
    px = dl.prices(["SPY", "KRE", "XBI", "XLI"], "2025-12-01", "2026-07-13")
    days = int((px.index > "2025-12-31").sum())
    base = px.index[px.index <= "2026-01-01"].max().strftime("%Y-%m-%d")  # the 2025 year-end close
    assert res["window"]["start"] == base and res["window"]["end"] == "2026-07-13"
    assert res["window"]["label"] == f"{base} to 2026-07-13 ({days} trading days of 2026 so far)"
    ret = px.iloc[-1] / px.loc[:"2025-12-31"].iloc[-1] - 1  # plain pandas, from the 2025 year-end close
    beat = [t for t in ("KRE", "XBI", "XLI") if ret[t] > ret["SPY"]]
    assert res["verdict"]["value"] == ("supported" if len(beat) == 3 else "not supported" if not beat else "mixed")
    assert res["verdict"]["value"] == "supported"  # on 2026 to date the three named groups beat SPY
    a9 = next(c for c in res["claims"] if c["id"] == "A9")
    assert a9["provisional"] and a9["evidence"].startswith(f"Provisional: so far, {days} trading days of 2026")
    assert "small-cap healthcare (XBI)" in a9["evidence"] and "mid-cap banks (KRE)" in a9["evidence"]
    assert "IBB" not in a9["evidence"] and "KBWB" not in a9["evidence"]
    assert f"Thesis window: {res['window']['label']}" in text


# ---- a three-week window: too short for a leadership verdict (min_window_days) -------
SHORT = ("2026-06-15", "2026-07-10")  # inside 2026, the year the thesis is about


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("short")
    return run_notebook(NB, folder, start=SHORT[0], end=SHORT[1]), notebook_text(folder, NB)


def test_short_window_is_inconclusive_with_the_reason(short_run, dl):
    res, text = short_run
    assert validate_results(res) == []
    assert res["parameters"]["min_window_days"] == 42
    px = dl.prices(["SPY"], "2026-05-01", SHORT[1])["SPY"].dropna()
    days = len(px.loc[px.loc[: SHORT[0]].index[-1] : SHORT[1]]) - 1  # returns in the window, plain pandas
    assert days < 42
    assert res["verdict"]["value"] == "inconclusive"
    assert f"the window has {days} trading days, fewer than 42" in res["verdict"]["evidence"]
    assert "shorter than 42 trading days" in res["verdict"]["rule"]
    assert "**Overall: inconclusive.**" in text and "fewer than 42" in text


def test_membership_statements_name_the_holdings_file_against_the_window(runs):
    # calendar 2024 knows only the file of 2025-05-13, after the window end: every membership
    # statement says so; a 2025 window ending after that file does not call it "after the end"
    text24 = notebook_text(runs["cal2024"][1], NB)
    assert "**after the window end 2024-12-31**" in text24 or "after the window end 2024-12-31" in text24
    assert (
        "One holdings file is known at the run's as-of date: IWM holdings as of 2025-05-13, after the window end 2024-12-31."
        in text24
    )
    assert "held the most (+0.0 pp)" not in text24
    text25 = notebook_text(runs["inside2025"][1], NB)
    assert "after the window end" not in text25
    assert "IWM holdings as of 2025-05-13" in text25
