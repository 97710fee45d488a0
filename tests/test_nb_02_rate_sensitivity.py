"""Notebook 02 (rate sensitivity) end to end on two windows other than the defaults.

nbval already executes the defaults; here the notebook runs once for calendar
2024 and once from 2025 to the latest data, and every headline figure is
recomputed with plain pandas/numpy from the data layer and the decisions CSV.
"""

import math
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from rotation_utils.config import REFERENCE_DIR
from rotation_utils.data import DataLayer
from rotation_utils.runner.validate import validate_results
from tests.claim_checks import claim_problems
from tests.nbrun import notebook_text, run_windows

NB = "02_rate_sensitivity"
WINDOWS = {"cal2024": ("2024-01-01", "2024-12-31"), "since2025": ("2025-01-01", None)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return run_windows(NB, tmp_path_factory, WINDOWS)


@pytest.fixture(scope="module")
def dl():
    return DataLayer("auto")


@pytest.fixture(scope="module")
def decisions():
    return pd.read_csv(REFERENCE_DIR / "fomc_decisions.csv", parse_dates=["announcement_date"])


def _metric(res, name):
    return next(m["value"] for m in res["headline"] if m["name"] == name)


def _mean_rel_after(px, decisions, start, end, ticker, kind, last=20):
    """Plain-pandas [0,+last] relative return (ticker minus SPY) averaged over decisions."""
    px = px.loc[:end] if end else px
    dates = decisions[
        (decisions["decision"] == kind)
        & (decisions["announcement_date"] >= start)
        & (decisions["announcement_date"] <= px.index.max())
    ]["announcement_date"]
    rel = []
    for d in dates:
        p0 = int(np.searchsorted(px.index.values, np.datetime64(d)))
        if p0 + last >= len(px):
            continue
        r = px.iloc[p0 + last] / px.iloc[p0 - 1] - 1
        rel.append(r[ticker] - r["SPY"])
    return (float(np.mean(rel)) if rel else None), len(rel)


@pytest.mark.parametrize("key", list(WINDOWS))
def test_results_follow_the_schema(runs, key):
    res, folder = runs[key]
    assert validate_results(res) == []
    assert res["notebook"] == NB and res["parameters"]["start"] == WINDOWS[key][0]
    assert {c["id"] for c in res["claims"]} == {"A3", "B10", "B11", "B12"}
    names = [m["name"] for m in res["headline"]]
    assert names[:3] == ["IWM_beta_DGS2", "IWM_mean_rel_after_cuts", "IWM_mean_rel_after_holds"]
    assert "PSTL_mean_rel_after_cuts" in names and "IWM_beta_DGS2_se" in names
    for t in res["tables"]:
        assert (folder / t["file"]).exists()


def test_beta_recomputed(runs, dl):
    for key, (start, end) in WINDOWS.items():
        res, _ = runs[key]
        px = dl.prices(["IWM", "SPY"], start, end)
        y = dl.rates(["DGS2"], start, end)
        lv = px.join(y, how="inner").dropna()
        r = lv[["IWM", "SPY"]].pct_change().iloc[1:]
        rel = (r["IWM"] - r["SPY"]).to_numpy()
        dy = lv["DGS2"].diff().iloc[1:].to_numpy()
        slope = np.polyfit(dy, rel, 1)[0]
        assert _metric(res, "IWM_beta_DGS2") == pytest.approx(slope * 100, rel=1e-6)
        lags = int(math.floor(4 * (len(rel) / 100) ** (2 / 9)))
        fit = sm.OLS(rel, sm.add_constant(dy)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
        assert _metric(res, "IWM_beta_DGS2_se") == pytest.approx(fit.bse[1] * 100, rel=1e-6)


def test_event_means_recomputed(runs, dl, decisions):
    for key, (start, end) in WINDOWS.items():
        res, _ = runs[key]
        px = dl.prices(["IWM", "PSTL", "SPY"], pd.Timestamp(start) - pd.Timedelta(days=60), end)
        for ticker in ("IWM", "PSTL"):
            for kind in ("cut", "hold"):
                want, n = _mean_rel_after(px, decisions, pd.Timestamp(start), end, ticker, kind)
                assert _metric(res, f"{ticker}_{kind}_events") == n
                got = _metric(res, f"{ticker}_mean_rel_after_{kind}s")
                if want is None:
                    assert got is None
                else:
                    assert got == pytest.approx(want * 100, abs=1e-9)


def test_cuts_per_year_recomputed(runs, decisions):
    for key, (_start, end) in WINDOWS.items():
        res, _ = runs[key]
        known = decisions[decisions["announcement_date"] <= (pd.Timestamp(end) if end else pd.Timestamp.max)]
        for year, grp in known.groupby(known["announcement_date"].dt.year):
            assert _metric(res, f"cuts_{year}") == int((grp["decision"] == "cut").sum())
    assert _metric(runs["cal2024"][0], "cuts_2024") == 3
    assert "cuts_2025" not in [m["name"] for m in runs["cal2024"][0]["headline"]]


def test_claims_follow_the_window(runs):
    c24 = {c["id"]: c for c in runs["cal2024"][0]["claims"]}
    c25 = {c["id"]: c for c in runs["since2025"][0]["claims"]}
    # 2024 holds only: the 2026 pause question cannot be measured
    assert c24["B10"]["verdict"] == "unverifiable"
    assert c25["B10"]["verdict"] != "unverifiable" and c25["B10"]["provisional"]
    # B11 is about 2025 H2: the 2024 window cannot say, and says why (it used to be "contradicted"
    # with "+0 bp over 0 cuts" computed on a window that does not reach the period)
    assert c24["B11"]["verdict"] == "unverifiable"
    assert c24["B11"]["evidence"] == (
        "Cannot be tested on this window: the window ends 2024-12-31; the claim is about 2025 H2."
    )
    assert "0 cuts" not in c24["B11"]["evidence"]
    # the easing cycle began 2024-09-18, before the second half of 2025 the article names
    assert c25["B11"]["verdict"] == "mixed"
    assert c25["B11"]["values"]["cycle_start"] == "2024-09-18"
    # the 2026 forward claim A3: unverifiable on 2024; on 2025-26 provisional, with no 2026 cut yet
    assert c24["A3"]["verdict"] == "unverifiable" and "2026 up to 2024-12-31" not in c24["A3"]["evidence"]
    assert c25["A3"]["provisional"] and c25["A3"]["verdict"] == "forecast pending"
    assert c25["A3"]["evidence"].startswith("Provisional: so far, ")
    # B12 "through 2025" on the 2024 window: judged on 2024 only, and it says which part
    assert c24["B12"]["period"]["coverage"] == "partial" and not c24["B12"]["provisional"]
    assert c24["B12"]["evidence"].startswith(
        "Judged on the part of its period inside the window, 2024-01-02 to 2024-12-31"
    )
    assert "From 2024-01-02 to 2024-12-31" in c24["B12"]["evidence"]
    assert "Through 2025" not in c24["B12"]["evidence"]
    assert claim_problems(list(c24.values()) + list(c25.values())) == []
    for c in list(c24.values()) + list(c25.values()):  # plain words, not grade jargon
        assert "grades" not in c["evidence"] and "weak and" not in c["evidence"]
        assert "would confirm" not in c["evidence"]  # no rule of its own beside the grade table
    # A3 is about the 2026 cuts: no figure from the cuts or yield days of other years
    assert "after the window's" not in c25["A3"]["evidence"] and "beta" not in c25["A3"]["evidence"]
    assert "no cut in 2026 up to" in c25["A3"]["evidence"]
    # B12 and B10 say how their grades combine, by the table the verdict rule states
    for c in (c25["B12"], c25["B10"], c24["B12"]):
        assert "by the grade table, " in c["evidence"], c
    grade_row = {
        "confirmed": "supported",
        "contradicted": "not supported",
        "mixed": "mixed",
        "unverifiable": "inconclusive",
    }
    for c in (c25["B12"], c25["B10"], c24["B12"]):
        assert c["evidence"].rstrip(".) ").endswith(": " + grade_row[c["verdict"]]), c


def test_narrative_changes_with_the_window(runs):
    texts = {k: notebook_text(folder, NB) for k, (_, folder) in runs.items()}
    for key, text in texts.items():
        res = runs[key][0]
        mean = _metric(res, "IWM_mean_rel_after_cuts")
        n = _metric(res, "IWM_cut_events")
        sentence = re.search(r"After \d+ cuts?, IWM (beat|lagged|matched) SPY by [0-9.]+ pp", text)
        if not n:
            assert "No cut decision in the window" in text
            continue
        assert sentence, f"no cut sentence in {key}"
        assert sentence.group(1) == ("beat" if mean > 0 else "lagged")
        assert f"{abs(mean):.1f} pp" in sentence.group(0)
    beta_lines = {
        k: re.search(r"For every \+100 bp move in the DGS2 yield, IWM .*? observations from \S+ to \S+\)", t).group(0)
        for k, t in texts.items()
    }
    assert beta_lines["cal2024"] != beta_lines["since2025"]
    assert "before the second half of 2025, so cuts in that period are not visible" in texts["cal2024"]
    assert "second half of 2025 it made 3 cuts" in texts["since2025"]
