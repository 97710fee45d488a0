"""Notebook 03 (valuation gap) run end to end with a second window, checked against plain pandas."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from rotation_utils.data import DataLayer
from rotation_utils.results import CLAIM_VERDICTS, OVERALL_VERDICTS, SCHEMA
from rotation_utils.runner.validate import validate_results
from tests.nbrun import notebook_text, run_notebook

NAME = "03_valuation_gap"
MAG7 = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA"]
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb03_2025")
    # the runner's --end: with as_of unset, the version is the latest usable one by the window end
    return run_notebook(NAME, out, end="2025-06-30"), out


@pytest.fixture(scope="module")
def latest(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb03_latest")
    return run_notebook(NAME, out), out


@pytest.fixture(scope="module")
def early(tmp_path_factory):
    """A window that ends before the first usable fundamentals version (the runner's --start/--end)."""
    out = tmp_path_factory.mktemp("nb03_2019")
    return run_notebook(NAME, out, start="2019-01-01", end="2019-12-31"), out


def headline(res: dict) -> dict:
    return {m["name"]: m["value"] for m in res["headline"]}


def independent_group_pe(day) -> dict:
    """Aggregate P/E (loss-makers included) of one version in plain pandas."""
    fin = DataLayer("snapshot").sp500_financials()
    v = fin[(fin["as_of"] == pd.Timestamp(day)) & ~fin["symbol"].isin(["GOOG", "FOX", "NWS", "BRK-A"])]
    earn = v["market_cap"] * v["eps"] / v["price"]
    earn = earn.fillna(v["market_cap"] / v["pe"])
    ok = v["market_cap"].notna() & earn.notna()
    mag = v["symbol"].isin(MAG7)
    pe = lambda m: v.loc[ok & m, "market_cap"].sum() / earn[ok & m].sum()  # noqa: E731
    return {"mag7": pe(mag), "other493": pe(~mag), "sp500": pe(mag | ~mag)}


def version_used(res: dict) -> str:
    label = next(m["label"] for m in res["headline"] if m["name"] == "mag7_pe")
    return re.search(r"\d{4}-\d{2}-\d{2}", label).group(0)


def test_schema_and_values(second):
    res, out = second
    assert res["schema"] == SCHEMA and res["notebook"] == NAME
    assert res["parameters"]["end"] == "2025-06-30" and res["parameters"]["as_of"] is None
    assert res["verdict"]["value"] in OVERALL_VERDICTS and res["verdict"]["rule"]
    claims = {c["id"]: c for c in res["claims"]}
    assert set(claims) == {"A6", "B1", "B2"}
    assert all(c["verdict"] in CLAIM_VERDICTS and c["evidence"] for c in claims.values())
    assert claims["B2"]["verdict"] == "unverifiable"
    h = headline(res)
    for k in ("mag7_pe", "other493_pe", "sp500_pe", "mag7_to_other493", "mag7_pe_change", "small_cap_pe"):
        assert k in h
    assert all(5 < h[k] < 100 for k in ("mag7_pe", "other493_pe", "sp500_pe"))
    assert h["mag7_to_other493"] == pytest.approx(h["mag7_pe"] / h["other493_pe"])
    for t in res["tables"]:
        assert (out / t["file"]).is_file()


def test_offline_small_cap_is_explicitly_not_available(second):
    res, _ = second
    small = next(m for m in res["headline"] if m["name"] == "small_cap_pe")
    assert small["value"] is None and "not available offline" in small["label"]
    assert res["verdict"]["value"] == "inconclusive"  # the rule needs a small-cap P/E
    assert {c["id"]: c["verdict"] for c in res["claims"]}["A6"] == "unverifiable"


def test_version_is_latest_complete_on_or_before_as_of(second):
    res, _ = second
    fin = DataLayer("snapshot").sp500_financials(None, "2025-06-30")
    mag = fin[fin["symbol"].isin(MAG7)].groupby("as_of")["market_cap"].count()
    assert version_used(res) == str(mag[mag == 7].index.max().date())


@pytest.mark.parametrize("run", ["second", "latest"])
def test_headline_recomputed_independently(run, request):
    res, _ = request.getfixturevalue(run)
    h = headline(res)
    ref = independent_group_pe(version_used(res))
    for k in ("mag7", "other493", "sp500"):
        assert h[f"{k}_pe"] == pytest.approx(ref[k], rel=1e-9)
    first = independent_group_pe("2024-10-10")  # the earliest complete version after start
    for k in ("mag7", "other493", "sp500"):
        assert h[f"{k}_pe_change"] == pytest.approx(ref[k] / first[k] - 1, rel=1e-9)


def test_narrative_changes_with_the_window(second, latest):
    (r1, o1), (r2, o2) = second, latest
    s1 = [s for s in notebook_text(o1, NAME).split("\n") if "the Magnificent 7 P/E was" in s]
    s2 = [s for s in notebook_text(o2, NAME).split("\n") if "the Magnificent 7 P/E was" in s]
    assert s1 and s2 and s1 != s2
    sign1 = np.sign(headline(r1)["mag7_to_other493"] - 1)
    sign2 = np.sign(headline(r2)["mag7_to_other493"] - 1)
    # the direction word follows each window's own sign (on the run's as-of date, 2026-07-13, the
    # Magnificent 7 trade above the Other 493; the 2026-08-19 version, past the as-of date, had them below)
    above = ["% above the Other 493" in s[0] for s in (s1, s2)]
    below = ["% below the Other 493" in s[0] for s in (s1, s2)]
    assert above == [sign > 0 for sign in (sign1, sign2)]
    assert below == [sign < 0 for sign in (sign1, sign2)]


def test_no_fundamentals_version_after_the_run_as_of_date(latest):
    res, _ = latest
    as_of = res["data"]["as_of"]
    assert as_of == "2026-07-13"
    assert version_used(res) <= as_of  # not the 2026-08-19 version
    fin = DataLayer("snapshot").sp500_financials()
    assert fin["as_of"].max() <= pd.Timestamp(as_of)  # the layer reads no version past it
    ref = independent_group_pe(version_used(res))
    assert headline(res)["mag7_to_other493"] == pytest.approx(ref["mag7"] / ref["other493"], rel=1e-9)
    assert headline(res)["mag7_to_other493"] > 1


def test_window_before_the_first_usable_version_completes_and_says_why(early):
    res, out = early
    assert validate_results(res) == []
    assert res["verdict"]["value"] == "inconclusive"
    assert "no usable S&P 500 fundamentals version on or before 2019-12-31" in res["verdict"]["evidence"]
    claims = {c["id"]: c for c in res["claims"]}
    assert {k: claims[k]["verdict"] for k in ("A6", "B1", "B2")} == dict.fromkeys(("A6", "B1", "B2"), "unverifiable")
    for k in ("A6", "B1", "B2"):  # each outside its own period: the reason names the window end
        assert (
            "Cannot be tested on this window: the window ends 2019-12-31; the claim is about" in claims[k]["evidence"]
        )
    h = {m["name"]: m for m in res["headline"]}
    for k in ("mag7_pe", "other493_pe", "sp500_pe", "mag7_to_other493", "mag7_pe_change"):
        assert h[k]["value"] is None and "not available (no usable S&P 500 fundamentals" in h[k]["label"]
    # the reason is computed from the data: the versions up to the window end all lack a Magnificent 7 name
    fin = DataLayer("snapshot").sp500_financials(None, "2019-12-31")
    mag = fin[fin["symbol"].isin(MAG7) & fin["market_cap"].notna()].groupby("as_of")["symbol"].nunique()
    assert mag.reindex(fin["as_of"].unique(), fill_value=0).max() < 7
    text = notebook_text(out, NAME)
    n = fin["as_of"].nunique()
    assert f"None of the {n} S&P 500 fundamentals versions on or before 2019-12-31" in text
    assert text.count("not available in this window") >= 3  # Findings 1, 2 and 5
    assert "Shiller's latest month with earnings is 2019-12" in text  # Finding 4 still runs, up to the end
    assert not res["tables"]  # no P/E table is saved for a window without one


def test_both_bases_missing_members_and_b1_on_its_own_period(latest):
    res, _ = latest
    h = headline(res)
    day = version_used(res)
    ref = independent_group_pe(day)
    assert h["sp500_pe_all"] == pytest.approx(ref["sp500"], rel=1e-9)  # loss-makers included
    fin = DataLayer("snapshot").sp500_financials()
    v = fin[(fin["as_of"] == pd.Timestamp(day)) & ~fin["symbol"].isin(["GOOG", "FOX", "NWS", "BRK-A"])]
    earn = (v["market_cap"] * v["eps"] / v["price"]).fillna(v["market_cap"] / v["pe"])
    pos = v["market_cap"].notna() & (earn > 0)
    assert h["sp500_pe_ex_losses"] == pytest.approx(v.loc[pos, "market_cap"].sum() / earn[pos].sum(), rel=1e-9)
    assert h["sp500_pe_ex_losses"] < h["sp500_pe_all"]
    assert 0 < h["missing_members_cap_share"] < 100
    # B1 is about 2025: measured on the latest version inside 2025, not on the run's as-of version
    b1 = next(c for c in res["claims"] if c["id"] == "B1")
    in_2025 = sorted(d for d in fin["as_of"].unique() if pd.Timestamp("2025-01-01") <= d <= pd.Timestamp("2025-12-31"))
    assert (
        f"on {pd.Timestamp(in_2025[-1]):%Y-%m-%d}, the latest version inside the claim's period, "
        '2025 ("through 2025"),'
    ) in b1["evidence"]


def test_a6_and_b2_use_figures_of_their_own_period(latest):
    # A6 and B2 speak of late 2025 to the article's date (2026-01-13): no figure of the run's
    # as-of date (2026-07-13); A6 names the holdings file its coverage is counted on
    res, _ = latest
    claims = {c["id"]: c for c in res["claims"]}
    a6, b2 = claims["A6"], claims["B2"]
    assert "2026-07-13" not in a6["evidence"] and "2026-07-13" not in b2["evidence"]
    held = re.search(r"IWM holdings as of (\d{4}-\d{2}-\d{2})", a6["evidence"])
    assert held and held.group(1) <= res["data"]["as_of"]
    # the snapshot has no fundamentals version between 2025-01-31 and 2026-01-13: A6's S&P 500 side says so
    assert "no S&P 500 fundamentals version inside the claim's period" in a6["evidence"]
    day = re.search(r"percentile since \d{4}-\d{2}-\d{2} on (\d{4}-\d{2}-\d{2})", b2["evidence"]).group(1)
    assert "2025-10-01" <= day <= "2026-01-13"
