"""Report 05 (AI adopters and the earnings race) run end to end through papermill.

Three windows: the defaults (shared by the tests that need their numbers), the
calendar year 2024 with an event date inside it, and a window that ends before
the default event date. Headline figures are recomputed here with plain pandas
from the data layer, not with the package's helpers.
"""

import re

import numpy as np
import pandas as pd
import pytest

from rotation_utils.data import DataLayer
from rotation_utils.results import CLAIM_VERDICTS, OVERALL_VERDICTS, SCHEMA
from tests.claim_checks import claim_problems
from tests.nbrun import notebook_text, run_notebook

pytestmark = pytest.mark.notebook
NAME = "05_ai_earnings"
MAG7 = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA"]
SECOND = {"GOOG", "FOX", "NWS", "BRK-A"}
NAMED = ["APPF", "INOD", "PATH", "COMM", "FIX", "BAH", "ULS", "HCI", "PSTL"]
WINDOW_2024 = dict(start="2024-01-01", end="2024-12-31", event_date="2024-06-03")
BEFORE_EVENT = dict(start="2024-07-01", end="2024-12-31")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for key, params in (("default", {}), ("2024", WINDOW_2024), ("before_event", BEFORE_EVENT)):
        d = tmp_path_factory.mktemp(f"nb05_{key}")
        out[key] = {
            "results": run_notebook(NAME, d, **params),
            "dir": d,
            "text": notebook_text(d, NAME),
            "params": params,
        }
    return out


@pytest.fixture(scope="module")
def dl():
    return DataLayer("snapshot")


def metric(results, name):
    return next(m for m in results["headline"] if m["name"] == name)


@pytest.mark.parametrize("key", ["default", "2024", "before_event"])
def test_results_schema(runs, key):
    r = runs[key]["results"]
    assert r["schema"] == SCHEMA and r["notebook"] == NAME
    assert [m["name"] for m in r["headline"][:3]] == [
        "mag7_earnings_growth_latest",
        "other493_earnings_growth_latest",
        "median_op_margin_change_ai_implementers",
    ]
    assert {f"return_since_event_{t}" for t in NAMED} <= {m["name"] for m in r["headline"]}
    assert {c["id"] for c in r["claims"]} == {"A4", "A5", "B8", "A2", "B9"}
    assert all(c["verdict"] in CLAIM_VERDICTS and c["evidence"] for c in r["claims"])
    assert claim_problems(r["claims"]) == []
    assert r["verdict"]["value"] in OVERALL_VERDICTS and r["verdict"]["rule"]
    for t in r["tables"]:
        assert (runs[key]["dir"] / t["file"]).exists()
    for k, v in runs[key]["params"].items():
        assert r["parameters"][k] == v


def end_day(dl, params):
    px = dl.prices(["SPY"], params.get("start", "2025-01-01"), params.get("end"))
    return px.index.max()


def plain_growth(dl, end, year):
    """Same-company net income growth by group, recomputed with plain pandas."""
    fa = dl.fundamentals("annual")
    fa = fa[fa["filing_date"] <= end].copy()
    # fiscal years ending January to May count in the previous calendar year (Nvidia's FY ending 2025-01 is 2024)
    fa["y"] = fa["period_end"].dt.year - (fa["period_end"].dt.month <= 5)
    fa = fa.sort_values("period_end").groupby(["symbol", "y"]).tail(1)
    members = set(dl.sp500_members(on=end))
    other = members - set(MAG7) - SECOND
    out = {}
    for name, syms in (("Mag 7", set(MAG7)), ("Other 493", other)):
        sub = fa[fa["symbol"].isin(syms)]
        a = sub[sub["y"] == year - 1].set_index("symbol")["net_income"]
        b = sub[sub["y"] == year].set_index("symbol")["net_income"]
        both = a.dropna().index.intersection(b.dropna().index)
        out[name] = b[both].sum() / a[both].sum() - 1
    return out


@pytest.mark.parametrize("key", ["default", "2024"])
def test_earnings_growth_recomputed(runs, dl, key):
    r, params = runs[key]["results"], runs[key]["params"]
    end = end_day(dl, params)
    for tag in ("latest", "prior"):
        m7, o = metric(r, f"mag7_earnings_growth_{tag}"), metric(r, f"other493_earnings_growth_{tag}")
        year = int(re.search(r"(\d{4})$", m7["label"]).group(1))
        want = plain_growth(dl, end, year)
        assert m7["value"] == pytest.approx(want["Mag 7"] * 100, rel=1e-9)
        assert o["value"] == pytest.approx(want["Other 493"] * 100, rel=1e-9)


@pytest.mark.parametrize("key", ["default", "2024"])
def test_named_returns_recomputed(runs, dl, key):
    r, params = runs[key]["results"], runs[key]["params"]
    ev = pd.Timestamp(params.get("event_date", "2026-01-13"))
    px = dl.prices(NAMED, params.get("start", "2025-01-01"), params.get("end"))
    for t in NAMED:
        got = metric(r, f"return_since_event_{t}")["value"]
        if t not in px.columns:
            assert got is None  # COMM has no prices offline
            continue
        s = px[t].dropna()
        want = s.iloc[-1] / s[s.index <= ev].iloc[-1] - 1
        assert got == pytest.approx(want * 100, rel=1e-9)


@pytest.mark.parametrize("key", ["default", "2024"])
def test_ai_basket_margin_change_recomputed(runs, dl, key):
    r, params = runs[key]["results"], runs[key]["params"]
    m = metric(r, "median_op_margin_change_ai_implementers")
    y = int(re.search(r"(\d{4})$", m["label"]).group(1))
    fa = dl.fundamentals("annual", ["APPF", "INOD", "PATH", "COMM"])
    fa = fa[fa["filing_date"] <= end_day(dl, params)]
    fa = fa.assign(
        y=fa["period_end"].dt.year - (fa["period_end"].dt.month <= 5), om=fa["operating_income"] / fa["revenue"]
    )
    w = fa.pivot_table(index="symbol", columns="y", values="om")
    assert m["value"] == pytest.approx((w[y] - w[y - 1]).dropna().median() * 100, rel=1e-9)


def test_russell_forecasts_are_unverifiable_with_the_reason_not_provisional(runs):
    # B8 and A2 need Russell 2000 statements the data does not have: on the defaults (inside
    # 2026) they are unverifiable with that reason, not "provisional" as well
    claims = {c["id"]: c for c in runs["default"]["results"]["claims"]}
    for cid in ("B8", "A2"):
        c = claims[cid]
        assert c["verdict"] == "unverifiable" and not c["provisional"], c
        assert "Provisional" not in c["evidence"] and "cannot settle it" in c["evidence"], c
        assert "in the holdings file of 2026-05-05" in c["evidence"], c


def test_point_in_time_window_has_no_2025_results(runs):
    r = runs["2024"]["results"]
    claims = {c["id"]: c for c in r["claims"]}
    assert claims["A4"]["verdict"] == "unverifiable"
    assert "2025" not in metric(r, "mag7_earnings_growth_latest")["label"]
    assert "2024" not in metric(r, "mag7_earnings_growth_latest")["label"]  # 2024 filings incomplete by 2024-12-31


def test_end_before_event_date(runs):
    r, text = runs["before_event"]["results"], runs["before_event"]["text"]
    assert all(metric(r, f"return_since_event_{t}")["value"] is None for t in NAMED)
    assert {c["id"]: c["verdict"] for c in r["claims"]}["B9"] == "unverifiable"
    assert "before the event date 2026-01-13" in text


@pytest.mark.parametrize("key", ["default", "2024"])
def test_direction_words_match_the_numbers(runs, key):
    r, text = runs[key]["results"], runs[key]["text"]
    for name in ("mag7", "other493"):
        m = metric(r, f"{name}_earnings_growth_prior")
        year = re.search(r"(\d{4})$", m["label"]).group(1)
        word = "grew" if m["value"] > 0 else "fell"
        sentence = next(s for s in text.split("\n") if f"In {year} the Mag 7's summed net income" in s)
        assert f"{word} {abs(m['value']):.1f}%" in sentence


def test_narrative_changes_with_the_window(runs):
    d, w = runs["default"]["text"], runs["2024"]["text"]
    race = lambda t: [s for s in t.split("\n") if "summed net income" in s]
    assert race(d) and race(w) and race(d) != race(w)
    b9 = lambda run: {c["id"]: c for c in run["results"]["claims"]}["B9"]["evidence"]
    assert b9(runs["default"]) != b9(runs["2024"])
    # the sign of the prior-year growth differs between the windows, and so does its word
    signs = [np.sign(metric(runs[k]["results"], "mag7_earnings_growth_prior")["value"]) for k in ("default", "2024")]
    assert signs[0] != signs[1]


@pytest.fixture(scope="module")
def early(tmp_path_factory):
    """A window before the dated fundamentals (2012), the change log (2012) and the market caps (2021)."""
    d = tmp_path_factory.mktemp("nb05_early")
    return {
        "results": run_notebook(NAME, d, start="2008-01-01", end="2009-06-30"),
        "dir": d,
        "text": notebook_text(d, NAME),
    }


def _drew(run_dir, name):
    """Whether each code cell whose source calls ``name`` drew a figure."""
    import json

    nb = json.loads((run_dir / f"{NAME}.ipynb").read_text())
    return [
        any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
        for c in nb["cells"]
        if c["cell_type"] == "code" and f"{name}(" in "".join(c["source"])
    ]


def test_window_outside_the_data_says_what_is_missing(early):
    from rotation_utils.runner.validate import validate_results

    r, text = early["results"], early["text"]
    assert validate_results(r) == []
    claims = {c["id"]: c for c in r["claims"]}
    assert {c["verdict"] for c in claims.values()} == {"unverifiable"}
    # outside their periods: the reason names the window end and the claim's period
    for cid in ("A5", "B8", "A2"):
        assert "the window ends 2009-06-30; the claim is about 2026" in claims[cid]["evidence"]
    assert "the window ends 2009-06-30; the claim is about 2025 Q3" in claims["A4"]["evidence"]
    assert "the window ends 2009-06-30; the claim is about 2026 from the article's date" in claims["B9"]["evidence"]
    assert r["verdict"]["value"] == "inconclusive" and "cannot be measured" in r["verdict"]["evidence"]
    assert metric(r, "mag7_earnings_growth_latest")["value"] is None
    assert "(no complete year in this window)" in metric(r, "mag7_earnings_growth_latest")["label"]
    assert "Not available in this window" in text
    for missing in (
        "dated S&P 500 fundamentals: no sp500_financials",
        "month-end market caps: no market_caps",
        "S&P 500 membership on 2009-06-30: the change log starts on 2012-12-27",
    ):
        assert missing in text
    # charts without data are skipped; the price chart (IWM and SPY trade in 2008) is drawn
    for chart in ("plot_growth", "plot_margins", "plot_growth_vs_margin"):
        assert _drew(early["dir"], chart) == [False]
    assert _drew(early["dir"], "plot_rebased") == [True]
    for t in r["tables"]:
        assert (early["dir"] / t["file"]).exists()
