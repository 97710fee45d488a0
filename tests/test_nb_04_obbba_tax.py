"""Report 04 (OBBBA tax effects) end to end: a second tax year, results.json, independent recomputation."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rotation_utils.data import DataLayer
from rotation_utils.results import CLAIM_VERDICTS, OVERALL_VERDICTS, SCHEMA
from tests.nbrun import notebook_text, run_notebook

NB = "04_obbba_tax"


@pytest.fixture(scope="module")
def run_2024(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb04-2024")
    return run_notebook(NB, out, tax_year=2024), out


@pytest.fixture(scope="module")
def run_default(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb04-default")
    return run_notebook(NB, out), out


def metrics(res):
    return {m["name"]: m["value"] for m in res["headline"]}


def test_results_schema_for_another_tax_year(run_2024):
    res, out = run_2024
    assert res["schema"] == SCHEMA and res["notebook"] == NB
    assert res["parameters"]["tax_year"] == 2024
    m = metrics(res)
    for name in ("binds_prior", "binds_obbba", "total_saving_bn", "median_saving_m", "top_size_bucket"):
        assert name in m
    assert 0 <= m["binds_obbba"] <= m["binds_prior"] <= 100
    assert res["verdict"]["value"] in OVERALL_VERDICTS and res["verdict"]["rule"]
    assert all(c["verdict"] in CLAIM_VERDICTS and c["evidence"] for c in res["claims"])
    for t in res["tables"]:
        assert (Path(out) / t["file"]).is_file()


def test_legal_claims_settled_from_the_reference_files(run_2024):
    claims = {c["id"]: c for c in run_2024[0]["claims"]}
    assert claims["A8"]["verdict"] == "contradicted"
    assert claims["B5"]["verdict"] == "contradicted"
    assert claims["B5"]["values"] == {"claimed": 23.0, "measured": 20.0, "unit": "%"}
    assert claims["B6"]["verdict"] == "confirmed" and claims["B6"]["values"]["measured"] == 2.5
    assert claims["B7"]["verdict"] == "confirmed"


def _recompute(firms: pd.DataFrame, year: int, fund: pd.DataFrame) -> pd.DataFrame:
    """The 2024 figures in plain pandas, from the data layer's statements (not the model)."""
    hist = fund.pivot_table(
        index="symbol",
        columns="fiscal_year",
        values=["ebitda", "depreciation_amortization", "interest_expense", "interest_income"],
    )
    cf = pd.Series(0.0, index=firms.index)
    for y in range(2022, year):  # prior law, EBIT basis: carried interest into the tax year
        e = firms["symbol"].map(hist["ebitda"].get(y, pd.Series(dtype=float)))
        d = firms["symbol"].map(hist["depreciation_amortization"].get(y, pd.Series(dtype=float))).fillna(0)
        ie = firms["symbol"].map(hist["interest_expense"].get(y, pd.Series(dtype=float))).fillna(0)
        ii = firms["symbol"].map(hist["interest_income"].get(y, pd.Series(dtype=float))).fillna(0)
        lim = ii + 0.3 * (e - ii - d).clip(lower=0)
        use = (firms["fiscal_year"] > y) & e.notna()
        cf = cf.where(~use, (ie + cf - np.minimum(ie + cf, lim)).clip(lower=0))
    ebitda, da = firms["ebitda"], firms["depreciation_amortization"].fillna(0)
    ie, ii = firms["interest_expense"].fillna(0), firms["interest_income"].fillna(0)
    spend = (-firms["capex"]).clip(lower=0).fillna(0)
    # prior law's bonus is that of the year the property is placed in service (the fiscal year's middle)
    service = (pd.to_datetime(firms["period_end"]) - pd.Timedelta(days=182)).dt.year
    prior_bonus = service.map({2022: 1.0, 2023: 0.8, 2024: 0.6, 2025: 0.4, 2026: 0.2})
    out = {}
    for law, bonus, lim179, phase, ebit_basis in (
        ("prior", prior_bonus, 1.22e6, 3.05e6, True),
        ("obbba", 1.0, 2.5e6, 4.0e6, False),
    ):
        s179 = np.minimum(spend, (lim179 - (spend - phase).clip(lower=0)).clip(lower=0))
        depr = da + (s179 + bonus * (spend - s179)) * 0.9
        ati = ebitda - ii - (depr if ebit_basis else 0)
        limit = ii + 0.3 * ati.clip(lower=0)
        exempt = firms["avg_gross_receipts"].le(30e6)
        ded = np.where(exempt, ie + cf, np.minimum(ie + cf, limit))
        out[f"binds_{law}"] = (~exempt) & (ie > limit + 1e-9)
        out[f"tax_{law}"] = 0.21 * (ebitda - depr - ded).clip(lower=0)
    return pd.DataFrame(out, index=firms.index)


def test_headline_recomputed_independently(run_2024):
    res, out = run_2024
    firms = pd.read_csv(Path(out) / "firm_effects.csv")
    fund = DataLayer("snapshot").fundamentals("annual")
    # the statements used are the latest fiscal year up to 2024 (and not older than 2023), as filed
    latest = fund[fund["fiscal_year"] <= 2024].groupby("symbol")["fiscal_year"].max()
    assert (firms["fiscal_year"] == firms["symbol"].map(latest)).all()
    assert firms["fiscal_year"].min() >= 2023
    src = fund.set_index(["symbol", "fiscal_year"])
    key = list(zip(firms["symbol"], firms["fiscal_year"]))
    assert np.allclose(src.loc[key, "ebitda"].to_numpy(), firms["ebitda"].to_numpy())
    corp = firms[~firms["reit"]].reset_index(drop=True)
    mine = _recompute(corp, 2024, fund)
    m = metrics(res)
    assert m["binds_prior"] == pytest.approx(100 * mine["binds_prior"].mean(), abs=1e-9)
    assert m["binds_obbba"] == pytest.approx(100 * mine["binds_obbba"].mean(), abs=1e-9)
    saving = mine["tax_prior"] - mine["tax_obbba"]
    assert m["total_saving_bn"] == pytest.approx(saving.sum() / 1e9, rel=1e-6)
    assert m["median_saving_m"] == pytest.approx(saving.median() / 1e6, rel=1e-6, abs=1e-9)


def test_reit_flag_covers_gics_real_estate(run_2024):
    firms = pd.read_csv(Path(run_2024[1]) / "firm_effects.csv")
    cons = DataLayer("snapshot").sp500_constituents()
    re_syms = set(cons.loc[cons["gics_sector"] == "Real Estate", "symbol"])
    assert firms.loc[firms["symbol"].isin(re_syms), "reit"].all()


def test_narrative_follows_the_tax_year(run_2024, run_default):
    text_24 = notebook_text(run_2024[1], NB)
    text_25 = notebook_text(run_default[1], NB)
    assert "Under prior law for 2024 the interest limit binds" in text_24
    assert "Under prior law for 2025 the interest limit binds" in text_25
    # prose escapes dollar signs for the markdown renderer (``\\$``); compare the reader's text
    plain_24, plain_25 = text_24.replace("\\$", "$"), text_25.replace("\\$", "$")
    assert "Section 179 in 2024: $1.22m before" in plain_24 and "Section 179 in 2025: $1.25m before" in plain_25
    m24, m25 = metrics(run_2024[0]), metrics(run_default[0])
    line = [s for s in text_24.splitlines() if s.startswith("Under prior law")][0]
    assert line not in text_25
    assert m24["total_saving_bn"] != m25["total_saving_bn"]


def test_default_run_headline_and_verdict_rule(run_default):
    res, out = run_default
    m = metrics(res)
    # permanent (163(j) on the year's own interest) and timing (expensing, released carryforward) add up
    assert m["permanent_saving_bn"] + m["timing_saving_bn"] == pytest.approx(m["total_saving_bn"], rel=1e-9)
    assert [h["name"] for h in res["headline"]][:3] == ["permanent_saving_bn", "timing_saving_bn", "total_saving_bn"]
    firms = pd.read_csv(Path(out) / "firm_effects.csv")
    corp = firms[~firms["reit"]]
    assert m["permanent_saving_bn"] == pytest.approx(corp["saving_permanent"].sum() / 1e9, rel=1e-9)
    # only tax years beginning after 2024-12-31 are modelled under OBBBA, and the report says how many were left out
    began = pd.to_datetime(firms["period_end"]) - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    assert (began > pd.Timestamp("2024-12-31")).all()
    text = notebook_text(out, NB)
    assert re.search(r"\d+ firm-years? excluded: their fiscal year began on or before 2024-12-31", text)
    assert "upper bound" in text and "**permanent**" not in res["verdict"]["rule"]
    assert res["verdict"]["rule"].startswith("measured by permanent saving")
    assert m["binds_prior"] > m["binds_obbba"]  # the EBITDA basis loosens the limit
    by_size = pd.read_csv(Path(out) / "by_size.csv")
    best = by_size.dropna(subset=["median_pct_pretax"]).sort_values("median_pct_pretax").iloc[-1]
    assert m["top_size_bucket"] == best["size_bucket"]
    assert m["thesis_verdict"] == res["verdict"]["value"]
    # the thesis sentence words the comparison the rule made: equal medians are a tie, not "above"
    cell_pct, all_pct = m["thesis_cell_median_pct"], m["all_firms_median_pct"]
    word = "the same as all firms" if cell_pct == all_pct else "above the" if cell_pct > all_pct else "below the"
    assert f"have a median of {cell_pct:.2f}%, {word}" in text.replace("\\$", "$")
    saved = json.loads((Path(out) / "results.json").read_text())
    assert saved["claims"] == res["claims"]


@pytest.fixture(scope="module")
def run_2019(tmp_path_factory):
    """A window before the market caps start (2021): tax year 2019, statements filed by 2019-12-31."""
    out = tmp_path_factory.mktemp("nb04-2019")
    return run_notebook(NB, out, tax_year=2019, end="2019-12-31"), out


def _images_of_cells_calling(out, name):
    """Whether each code cell whose source calls ``name`` drew a figure."""
    nb = json.loads((Path(out) / f"{NB}.ipynb").read_text())
    return [
        any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
        for c in nb["cells"]
        if c["cell_type"] == "code" and f"{name}(" in "".join(c["source"])
    ]


def test_window_before_market_caps_says_what_is_missing(run_2019):
    from rotation_utils.runner.validate import validate_results

    res, out = run_2019
    assert validate_results(res) == []
    assert res["parameters"]["tax_year"] == 2019 and res["parameters"]["end"] == "2019-12-31"
    m = metrics(res)
    assert m["top_size_bucket"] is None and m["binds_prior"] is not None  # statements exist, sizes do not
    assert res["verdict"]["value"] == "inconclusive"
    assert "month-end market cap near its fiscal year end" in res["verdict"]["evidence"]
    claims = {c["id"]: c for c in res["claims"]}
    assert claims["B5"]["verdict"] == "contradicted" and claims["B6"]["verdict"] == "confirmed"
    firms = pd.read_csv(Path(out) / "firm_effects.csv")
    assert firms["market_cap"].isna().all() and len(firms) > 100
    assert f"of {int((~firms['reit']).sum())} firms deduct more interest" in claims["B7"]["evidence"]
    text = notebook_text(out, NB)
    # caps are read up to the run's end date (2019-12-31), never past it
    assert "month-end market caps: no market_caps between 2017-01-01 and 2019-12-31" in text
    assert "size buckets and savings relative to market cap are not available" in text
    assert "Saving by size: not available" in text and "n/a" not in text
    # charts without data are skipped, the law's own chart is drawn
    assert _images_of_cells_calling(out, "plot_groups") == [False]
    assert _images_of_cells_calling(out, "plot_gainers") == [False]
    assert _images_of_cells_calling(out, "plot_s179") == [True]
    for t in res["tables"]:
        assert (Path(out) / t["file"]).is_file()
