"""Unit tests for rotation_utils.analytics.tax_effects on small synthetic frames and the reference files."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import tax_effects as te
from rotation_utils.errors import BadInputError, DataUnavailableError
from rotation_utils.reference_data import obbba_provisions

M = 1e6


def statements(rows):
    cols = [
        "symbol",
        "fiscal_year",
        "period_end",
        "filing_date",
        "revenue",
        "operating_income",
        "ebit",
        "ebitda",
        "depreciation_amortization",
        "interest_expense",
        "interest_income",
        "pretax_income",
        "income_tax",
        "capex",
    ]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("period_end", "filing_date"):
        df[c] = pd.to_datetime(df[c])
    return df


def firm(
    sym,
    fy,
    ebitda=100 * M,
    da=40 * M,
    ie=25 * M,
    ii=0.0,
    pretax=35 * M,
    capex=0.0,
    revenue=1000 * M,
    filed=None,
    tax=7 * M,
    ebit=None,
    opi=None,
):
    ebit = ebitda - da if ebit is None else ebit
    return [
        sym,
        fy,
        f"{fy}-12-31",
        filed or f"{fy + 1}-02-15",
        revenue,
        ebit if opi is None else opi,
        ebit,
        ebitda,
        da,
        ie,
        ii,
        pretax,
        tax,
        capex,
    ]


@pytest.fixture
def fund():
    return statements(
        [
            firm("AAA", 2022, ie=25 * M),
            firm("AAA", 2023, ie=25 * M),
            firm("AAA", 2024, ie=25 * M),
            firm("AAA", 2025, ie=25 * M),
            firm("BBB", 2023, revenue=10 * M),
            firm("BBB", 2024, revenue=20 * M),  # stale for 2025 at staleness 0
            firm("OLD", 2019),
            firm("CCC", 2025, filed="2026-09-01"),
        ]
    )


def test_select_statements_latest_year_receipts_and_carryforward(fund):
    rows = te.select_statements(fund, 2025).set_index("symbol")
    assert sorted(rows.index) == ["AAA", "BBB", "CCC"]  # OLD is too stale
    assert rows.at["AAA", "fiscal_year"] == 2025 and rows.at["BBB", "fiscal_year"] == 2024
    # receipts: mean of the prior three years' revenue
    assert rows.at["AAA", "avg_gross_receipts"] == pytest.approx(1000 * M)
    assert rows.at["BBB", "avg_gross_receipts"] == pytest.approx(10 * M)
    assert np.isnan(rows.at["CCC", "avg_gross_receipts"])
    # AAA: each of 2022-2024 disallows 25 - 0.3 * 60 = 7 -> 21 carried into 2025 (same under both laws)
    assert rows.at["AAA", "carryforward_prior"] == pytest.approx(21 * M)
    assert rows.at["AAA", "carryforward_obbba"] == pytest.approx(21 * M)
    # staleness 0 drops BBB; the filing cut-off drops CCC's only statement
    assert "BBB" not in set(te.select_statements(fund, 2025, max_staleness=0)["symbol"])
    assert "CCC" not in set(te.select_statements(fund, 2025, end="2026-06-30")["symbol"])
    with pytest.raises(BadInputError):
        te.select_statements(fund.iloc[0:0], 2025)


def test_carryforward_differs_by_law_after_2025():
    f = statements([firm("AAA", y, ie=25 * M) for y in (2022, 2023, 2024, 2025, 2026)])
    r = te.select_statements(f, 2026).iloc[0]
    # prior: 7 per year for 2022-2025 = 28; OBBBA: 21 by 2024, then 2025 limit 30 absorbs 25 + 5 of it -> 16
    assert r["carryforward_prior"] == pytest.approx(28 * M)
    assert r["carryforward_obbba"] == pytest.approx(16 * M)


def test_attach_market_caps_nearest_within_tolerance():
    rows = pd.DataFrame(
        {"symbol": ["AAA", "BBB", "GOOGL"], "period_end": pd.to_datetime(["2025-12-31", "2025-06-30", "2025-12-31"])}
    )
    caps = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-28", "2025-12-31", "2025-01-31", "2025-12-31", "2025-12-31"]),
            "ticker": ["AAA", "AAA", "BBB", "GOOG", "GOOGL"],
            "market_cap": [1.0, 2.0, 3.0, 99.0, 5.0],
        }
    )
    out = te.attach_market_caps(rows, caps).set_index("symbol")
    assert out.at["AAA", "market_cap"] == 2.0
    assert np.isnan(out.at["BBB", "market_cap"])  # nearest cap is 5 months away
    assert out.at["GOOGL", "market_cap"] == 5.0


def test_attach_sectors_fallback_order_and_reit_flag():
    rows = pd.DataFrame({"symbol": ["AAA", "BBB", "CCC", "DDD"]})
    cons = pd.DataFrame({"symbol": ["AAA"], "gics_sector": ["Utilities"]})
    iwm = pd.DataFrame({"ticker": ["BBB", "AAA"], "sector": ["Communication", "Energy"]})
    caps = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-12-31"] * 2),
            "ticker": ["CCC", "BBB"],
            "sector": ["Finance", "Technology"],
            "industry": ["Real Estate Investment Trusts", "Software"],
        }
    )
    out = te.attach_sectors(rows, cons, iwm, caps).set_index("symbol")
    assert out.at["AAA", "sector"] == "Utilities" and out.at["AAA", "sector_source"] == "S&P 500 GICS"
    assert out.at["BBB", "sector"] == "Communication Services" and out.at["BBB", "sector_source"] == "IWM holdings"
    assert out.at["CCC", "sector"] == "Financials" and out.at["CCC", "sector_source"] == "Nasdaq screener"
    assert out.at["DDD", "sector"] == "Unknown"
    assert bool(out.at["CCC", "reit"]) and not bool(out.at["AAA", "reit"])


def test_size_buckets_and_labels():
    labels = te.size_labels([2, 10, 200])
    assert labels[1] == "mid ($2-10bn)" and labels[0].startswith("small")
    b = te.size_bucket(pd.Series([1e9, 2e9, 5e10, 3e11, np.nan]), [2, 10, 200])
    assert list(b[:4]) == labels and pd.isna(b.iloc[4])
    with pytest.raises(BadInputError):
        te.size_bucket(pd.Series([1.0]), [0, 5])


def test_drop_duplicate_filers_keeps_the_listed_one():
    rows = pd.DataFrame(
        {
            "symbol": ["DISCK", "WBD", "XYZ"],
            "fiscal_year": [2025] * 3,
            "revenue": [1.0, 1.0, 2.0],
            "ebitda": [3.0, 3.0, 3.0],
            "pretax_income": [4.0, 4.0, 4.0],
            "market_cap": [np.nan, 10.0, 5.0],
        }
    )
    out = te.drop_duplicate_filers(rows)
    assert list(out["symbol"]) == ["WBD", "XYZ"] and out.attrs["duplicates"] == ["DISCK"]


def effects_frame():
    f = statements(
        [
            firm("LEV", 2025, ebitda=100 * M, da=60 * M, ie=30 * M, pretax=10 * M, capex=-50 * M),
            firm("CASH", 2025, ebitda=100 * M, da=10 * M, ie=0.0, ii=5 * M, pretax=95 * M, capex=-5 * M),
            firm("LOSS", 2025, ebitda=-10 * M, da=5 * M, ie=1 * M, pretax=-16 * M, capex=np.nan),
            firm("NOEB", 2025, ebitda=np.nan),
        ]
    )
    rows = te.select_statements(f, 2025)
    caps = {"LEV": 5e9, "CASH": 1e9, "LOSS": 2e9, "NOEB": 1e9}
    rows = rows.assign(market_cap=rows["symbol"].map(caps), sector="X", reit=False)
    rows = rows.assign(size_bucket=te.size_bucket(rows["market_cap"], [2, 10, 200]))
    return te.firm_effects(rows, 2025)


def test_firm_effects_values_and_shares():
    e = effects_frame().set_index("symbol")
    assert "NOEB" not in e.index
    # LEV: capex 50 (sign flipped); prior depr = 60 + 0.4*50*0.9 = 78 -> ATI 22 -> limit 6.6 -> TI 15.4
    #      OBBBA depr = 60 + 45 = 105 -> TI = 100 - 105 - 30 < 0 -> tax 0; saving = 0.21 * 15.4 = 3.234
    assert e.at["LEV", "tax_prior"] == pytest.approx(0.21 * 15.4 * M)
    assert e.at["LEV", "tax_obbba"] == 0.0
    assert e.at["LEV", "saving_pct_pretax"] == pytest.approx(3.234 * M / (10 * M))
    assert e.at["LEV", "saving_pct_cap"] == pytest.approx(3.234 * M / 5e9)
    assert e.at["LEV", "leverage"] == pytest.approx(0.3) and e.at["LEV", "intensity"] == pytest.approx(0.6)
    assert bool(e.at["LEV", "binds_prior"]) and not bool(e.at["LEV", "binds_obbba"])
    assert not bool(e.at["CASH", "binds_prior"])
    assert np.isnan(e.at["LOSS", "saving_pct_pretax"]) and np.isnan(e.at["LOSS", "leverage"])
    assert effects_frame().attrs["dropped"] == ["NOEB"]
    sh = te.binding_shares(effects_frame())
    # LEV binds and so does LOSS (negative ATI: limit 0 < interest 1); CASH has no interest
    assert sh["prior"] == pytest.approx(2 / 3) and sh["firms"] == 3


def test_group_summary_and_top_gainers():
    e = effects_frame()
    g = te.group_summary(e, "size_bucket")
    assert g["firms"].sum() == 3
    mid = g[g["size_bucket"].str.startswith("mid")].iloc[0]
    assert mid["firms"] == 2 and mid["total_saving"] == pytest.approx(e.loc[e["market_cap"] >= 2e9, "saving"].sum())
    top = te.top_gainers(e, 1)
    assert list(top["symbol"]) == [e.loc[e["saving"] > 0].sort_values("saving_pct_cap").iloc[-1]["symbol"]]


def test_intensity_cells_and_verdict_rule():
    sizes = ["small", "mid", "large"] * 6
    inten = [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9]
    value = [0.01, 0.01, 0.01] * 4 + [0.02, 0.09, 0.03, 0.02, 0.08, 0.03]
    e = pd.DataFrame(
        {"symbol": [f"S{i}" for i in range(18)], "size_bucket": sizes, "intensity": inten, "saving_pct_pretax": value}
    )
    med, cnt = te.intensity_cells(e)
    assert med.at["mid", "high"] == pytest.approx(0.085) and cnt.at["mid", "high"] == 2
    v, info = te.thesis_verdict(med, cnt, "mid", 0.01, min_firms=2)
    assert v == "supported" and info["best_cell"] == "mid, high intensity"
    assert te.thesis_verdict(med, cnt, "mid", 0.01, min_firms=3)[0] == "inconclusive"
    med2 = med.copy()
    med2.loc["large", "high"] = 0.2
    assert te.thesis_verdict(med2, cnt, "mid", 0.01, min_firms=2)[0] == "mixed"
    assert te.thesis_verdict(med2, cnt, "mid", 0.5, min_firms=2)[0] == "not supported"


def test_named_status_reasons():
    e = effects_frame().assign(reit=lambda d: d["symbol"] == "LEV")
    named = pd.DataFrame({"ticker": ["LEV", "CASH", "LOSS", "GONE", "NOEB"], "name": list("abcde")})
    out = te.named_status(e, named, ["LEV", "CASH", "LOSS", "NOEB"], 2025).set_index("ticker")
    assert out.at["LEV", "status"] == "gains" and "REIT" in out.at["LEV", "why"]
    assert "zero interest expense" in out.at["CASH", "why"]
    assert "capex not in the source" in out.at["LOSS", "why"] and "pre-tax loss" in out.at["LOSS", "why"]
    assert out.at["GONE", "why"] == "no annual statements in the data layer"
    assert out.at["NOEB", "status"] == "not modelled" and "close enough" in out.at["NOEB", "why"]


def test_number_parsers():
    assert te.first_percent("20%, made permanent; 23% dropped") == 20.0
    assert np.isnan(te.first_percent("none"))
    assert te.first_dollars("$2.5M limit, phase-out from $4.0M") == 2.5e6
    assert te.first_dollars("$1,000") == 1.0  # a comma ends the figure: only the leading digits
    assert np.isnan(te.first_dollars("no amount"))


def test_legal_verdicts_from_the_reference_files():
    out = te.legal_verdicts(obbba_provisions(), te.article_statements()).set_index("claim")
    assert out.at["B5", "measured"] == 20.0 and out.at["B5", "verdict"] == "contradicted"
    assert out.at["B6", "measured"] == 2.5e6 and out.at["B6", "verdict"] == "confirmed"
    assert out.at["B7", "verdict"] == "confirmed"
    assert out.at["A8", "verdict"] == "contradicted" and "One Big Beautiful Bill Act" in out.at["A8", "measured"]


def test_legal_verdicts_react_to_the_text():
    prov = pd.DataFrame(
        {
            "code_section": ["199A", "179", "163(j)"],
            "before_obbba": ["20%", "$1M", "EBITDA basis"],
            "after_obbba": ["23% from 2026", "$2.0M", "EBITDA basis"],
        }
    )
    st = pd.DataFrame(
        {
            "claim_id": ["B5", "B6", "B7", "A8"],
            "code_section": ["199A", "179", "163(j)", "title"],
            "article_says": [""] * 4,
            "article_figure": ["23", "2500000", "EBITDA", "Big Act"],
            "unit": ["%", "USD", "basis", "name"],
            "official": ["", "", "", "Big Act (PL 1)"],
        }
    )
    out = te.legal_verdicts(prov, st).set_index("claim")["verdict"]
    assert out.to_dict() == {"B5": "confirmed", "B6": "contradicted", "B7": "contradicted", "A8": "confirmed"}
    with pytest.raises(BadInputError):
        te.legal_verdicts(prov, st.assign(unit="furlongs"))


def test_check_parameters():
    assert te.check_parameters("2025", [2, 10, 200], "bonus", 1.0, 1) == 2025
    for bad in (
        dict(tax_year="x"),
        dict(tax_year=2040),
        dict(capex_treatment="cash"),
        dict(eligible_share=1.5),
        dict(max_staleness=-1),
        dict(size_edges_bn=[10, 2]),
    ):
        kw = (
            dict(tax_year=2025, size_edges_bn=[2, 10], capex_treatment="bonus", eligible_share=1.0, max_staleness=1)
            | bad
        )
        with pytest.raises(BadInputError):
            te.check_parameters(**kw)


def test_data_caveats_figures():
    e = effects_frame()
    cv = te.data_caveats(e, 2025)
    assert cv["firms"] == 3
    assert cv["zero_interest_share"] == pytest.approx(1 / 3) and cv["zero_interest_examples"] == ["CASH"]
    assert cv["capex_missing"] == ["LOSS"]
    # 179 reaches firms spending under 2.5M + 4.0M: CASH spends 5M (yes), LEV 50M (no), LOSS NaN (no)
    assert cv["s179_reach_share"] == pytest.approx(1 / 3)
    assert cv["dropped"] == ["NOEB"]


# ---- windows the data does not cover -------------------------------------------
class _CapsLayer:
    """Stands in for the data layer's ``market_caps``: raises like it does when a window has no rows."""

    def __init__(self, caps=None):
        self.caps, self.calls = caps, []

    def market_caps(self, start, end, tickers=None):
        self.calls.append((start, end, tickers))
        if self.caps is None:
            raise DataUnavailableError(f"no market_caps between {start} and {end} from source 'auto'")
        return self.caps


def test_optional_market_caps_turns_no_rows_into_a_note():
    dl = _CapsLayer()
    caps, note = te.optional_market_caps(dl, 2019, 1, ["AAA"])
    assert dl.calls == [("2017-01-01", "2020-12-31", ["AAA"])]  # the span around the statements' year ends
    assert caps.empty and {"date", "ticker", "market_cap", "sector", "industry"} <= set(caps.columns)
    assert note.startswith("month-end market caps: no market_caps between 2017-01-01 and 2020-12-31")
    have = pd.DataFrame({"date": pd.to_datetime(["2025-12-31"]), "ticker": ["AAA"], "market_cap": [1e9]})
    got, none = te.optional_market_caps(_CapsLayer(have), 2025, 1, ["AAA"])
    assert none is None and got is have


def test_prepare_firms_without_market_caps_has_no_size_bucket(fund):
    caps, note = te.optional_market_caps(_CapsLayer(), 2025, 1, ["AAA"])
    firms = te.prepare_firms(fund, caps, None, None, 2025)
    # CCC = AAA (one statement listed twice); BBB's latest year (FY2024) began before OBBBA applies
    assert firms.attrs["pre_obbba"] == ["BBB"]
    assert len(firms) == 1 and firms["market_cap"].isna().all() and firms["size_bucket"].isna().all()
    gaps = te.window_gaps(fund, firms, 2025, None, 1, note)
    assert gaps[0].startswith("size: no firm has a month-end market cap") and gaps[1] == note
    corp = te.firm_effects(firms, 2025)
    assert "market cap" in te.size_gap(corp)
    assert te.groups_gap_sentence(corp).startswith("Saving by size: not available, none of the 1 modelled firm")
    assert te.group_summary(corp, "size_bucket").empty
    top = te.top_gainers(corp, 5)
    assert top.empty
    gaining = int((corp["saving"] > 0).sum())
    assert gaining and te.gainers_sentence(top, corp).startswith(f"{gaining} firm")
    assert "not ranked" in te.gainers_sentence(top, corp)


def test_window_gaps_when_no_statement_was_filed_by_the_end(fund):
    firms = te.prepare_firms(fund, None, None, None, 2025, end="2020-12-31")
    assert firms.empty
    (gap,) = te.window_gaps(fund, firms, 2025, "2020-12-31", 1)
    # filed by 2020-12-31: OLD's FY2019 (filed 2020-02-15) is the latest
    assert "none filed by 2020-12-31 for fiscal years 2024 to 2025 (the latest is FY2019)" in gap
    assert "a tax_year of 2020 or earlier fits this window" in gap
    (gap,) = te.window_gaps(fund, firms, 2025, "2016-12-31", 1)
    assert gap == (
        "statements: none filed by 2016-12-31 (the first was filed on 2020-02-15), so no firm can be modelled"
    )
    old = statements([firm("OLD", 2008)])
    (gap,) = te.window_gaps(old, firms, 2025, "2009-12-31", 1)
    assert "the model holds rules from tax year 2018 on" in gap
    assert te.window_gaps(fund, te.prepare_firms(fund, None, None, None, 2025), 2025)[0].startswith("size:")


def test_no_firms_gives_sentences_not_empty_figures():
    corp = effects_frame().iloc[0:0]
    assert te.size_gap(corp) == "no firm is modelled in this window"
    assert te.effects_sentence(corp, te.binding_shares(corp), 2025).startswith("No non-REIT firm is modelled")
    assert te.gainers_sentence(te.top_gainers(corp), corp).startswith("No firm is modelled")
    assert te.s179_reach_text(corp, 6.5e6) == "no firm is modelled in this window to compare with."
    med, cnt = te.intensity_cells(corp)
    assert med.empty and cnt.empty
    thesis, cell = te.thesis_verdict(med, cnt, "mid", np.nan)
    assert thesis == "inconclusive" and cell["cell_firms"] == 0
    s = te.thesis_sentence(
        corp,
        te.group_summary(corp, "size_bucket"),
        cell,
        np.nan,
        "saving_pct_pretax",
        "saving_163j_pct_pretax",
        thesis,
        5,
    )
    assert "cells are empty: no firm is modelled in this window" in s and "inconclusive" in s
    assert te.thesis_evidence(corp, cell, np.nan, 5) == "No firm is modelled in this window"
    verdict, evidence, measured = te.b7_claim("confirmed", corp)
    assert verdict == "confirmed" and measured is None and "no firm is modelled" in evidence
    lines = te.caveat_lines(te.data_caveats(corp, 2025), te.group_summary(corp, "size_bucket"), corp, 2025)
    assert lines.startswith("- **No firms.**") and "n/a" not in lines
    assert te.top_bucket(te.group_summary(corp, "size_bucket")) is None


def test_b7_claim_and_caveats_follow_the_model():
    e = effects_frame()
    verdict, evidence, measured = te.b7_claim("confirmed", e)
    assert verdict == "confirmed" and measured == pytest.approx(100 * (e["saving_163j"] > 0).mean())
    assert evidence.endswith("firms deduct more interest and none less.")
    worse = e.assign(deductible_obbba=e["deductible_prior"] - 1.0)
    verdict, evidence, _ = te.b7_claim("confirmed", worse)
    assert verdict == "mixed" and evidence.endswith(f"and {len(e)} less.")
    by_size = te.group_summary(e, "size_bucket")
    lines = te.caveat_lines(te.data_caveats(e, 2025), by_size, e, 2025)
    assert "so few true small or mid caps: " in lines and "No capex for LOSS" in lines
    no_caps = e.assign(size_bucket=pd.NA)
    lines = te.caveat_lines(te.data_caveats(no_caps, 2025), by_size.iloc[0:0], no_caps, 2025)
    assert "their size is unknown here: none of the 3 modelled firms has a month-end market cap" in lines


def test_thesis_verdict_is_not_won_by_a_tie_at_zero():
    idx = pd.Index(["small", "mid"], name="size_bucket")
    cols = pd.Index(["low", "high"], name="intensity_group")
    med = pd.DataFrame([[0.0, 0.0], [0.0, 0.0]], index=idx, columns=cols)
    cnt = pd.DataFrame([[9, 9], [9, 9]], index=idx, columns=cols)
    assert te.thesis_verdict(med, cnt, "mid", 0.0)[0] == "not supported"
    assert te.thesis_verdict(med.assign(high=[0.0, 0.01]), cnt, "mid", 0.0)[0] == "supported"


def test_grid_sentence_for_a_year_when_prior_law_already_used_ebitda():
    from rotation_utils import tax_model as tm

    levels = [i / 10 for i in range(6)]
    g19, g25 = tm.sensitivity_grid(levels, levels, 2019), tm.sensitivity_grid(levels, levels, 2025)
    assert te.grid_sentence(g19, 2019).startswith("For tax year 2019 prior law already computes ATI on an EBITDA basis")
    assert te.grid_sentence(g25, 2025).startswith("The change matters only where prior law's limit binds")


def test_charts_are_skipped_when_there_is_nothing_to_draw():
    import matplotlib.pyplot as plt

    from rotation_utils import tax_model as tm
    from rotation_utils.charts import tax_effects as charts

    e = effects_frame()
    empty = e.iloc[0:0]
    assert charts.plot_groups(te.group_summary(empty, "size_bucket"), "size_bucket", "t") == (None, None)
    assert charts.plot_gainers(te.top_gainers(empty), "t") == (None, None)
    assert charts.plot_named(pd.DataFrame({"ticker": ["A"], "saving_pct_pretax": [np.nan]}), "t") == (None, None)
    levels = [i / 10 for i in range(6)]
    assert charts.plot_sensitivity(tm.sensitivity_grid(levels, levels, 2019), "t") == (None, None)
    fig, ax = charts.plot_gainers(te.top_gainers(e), "t")
    assert len(ax.patches) == len(te.top_gainers(e))
    plt.close(fig)


# ---- display helpers: reader's headers, formatted values ----------------------------
def test_legal_facts_and_qbi_tables_for_display():
    from tests.display_checks import assert_readable, column, rendered

    facts = te.legal_verdicts(obbba_provisions(), te.article_statements())
    show, fmt = te.legal_facts_for_display(facts)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert "Article says" in headers and "measured" not in headers
    assert column(headers, rows, "Claim") == list(facts["claim"])
    show, fmt = te.qbi_rates_for_display()
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Top federal rate on QBI") == ["37.0%", "29.6%", "28.5%"]
    assert column(headers, rows, "Tax on $1M of QBI (USD thousands)") == ["370.0", "296.0", "284.9"]


def test_sensitivity_for_display_picks_the_grid_points():
    from rotation_utils import tax_model as tm
    from tests.display_checks import assert_readable, column, rendered

    grid = tm.sensitivity_grid([i / 100 for i in range(0, 61, 2)], [i / 100 for i in range(0, 81, 2)], 2025)
    show, fmt = te.sensitivity_for_display(grid)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Interest / EBITDA") == ["10.0%", "20.0%", "30.0%", "40.0%", "50.0%"]
    cell = grid[np.isclose(grid["leverage"], 0.3) & np.isclose(grid["intensity"], 0.6)]["saving_pct_ebitda"].iloc[0]
    assert column(headers, rows, "Saving, % of EBITDA, at D&A/EBITDA 60%")[2] == f"{cell * 100:.1f}%"


def test_gainers_group_and_named_tables_for_display():
    from tests.display_checks import assert_readable, column, rendered

    e = effects_frame()
    top = te.top_gainers(e, 5)
    top.loc[top["symbol"] == "LEV", "fiscal_year"] = 2024  # an older statement is marked
    show, fmt = te.gainers_for_display(top, 2025)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    lev = top.set_index("symbol").loc["LEV"]
    row = dict(zip(headers, rows[list(top["symbol"]).index("LEV")]))
    assert row["Company"] == "LEV (FY2024)"
    assert [c for c in column(headers, rows, "Company") if c != "LEV (FY2024)"] == [
        s for s in top["symbol"] if s != "LEV"
    ]
    assert row["Tax saving (USD m)"] == f"{lev['saving'] / 1e6:,.1f}" == "3.2"
    assert row["Saving, % of pre-tax income"] == "32.3%" and row["Interest / EBITDA"] == "30.0%"
    g = te.group_summary(e, "size_bucket")
    show, fmt = te.group_summary_for_display(g, "size_bucket")
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    mid = dict(zip(headers, rows[list(g["size_bucket"].str.startswith("mid")).index(True)]))
    m = g[g["size_bucket"].str.startswith("mid")].iloc[0]
    assert mid["Interest limit binds (prior law), % of firms"] == f"{m['binds_prior'] * 100:.1f}%"
    assert mid["Total saving (USD bn)"] == f"${m['total_saving'] / 1e9:,.1f}bn"
    assert mid["Median saving (bp of market cap)"] == f"{m['median_pct_cap'] * 1e4:.0f}"
    named = te.named_status(e, pd.DataFrame({"ticker": ["LEV", "GONE"], "name": ["a", "b"]}), ["LEV"], 2025)
    show, fmt = te.named_for_display(named)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Fiscal year") == ["2025", ""]
    assert column(headers, rows, "Tax saving (USD m)") == ["3.2", "n/a"]


def test_intensity_cells_for_display_pairs_medians_with_counts():
    from tests.display_checks import assert_readable, rendered

    e = pd.DataFrame(
        {
            "symbol": [f"S{i}" for i in range(6)],
            "size_bucket": ["mid"] * 3 + ["large"] * 3,
            "intensity": [0.1, 0.5, 0.9, 0.2, 0.6, 0.95],
            "saving_pct_pretax": [0.01, 0.02, 0.123, 0.0, 0.01, 0.05],
        }
    )
    med, cnt = te.intensity_cells(e)
    show, fmt = te.intensity_cells_for_display(med, cnt, "saving_pct_pretax")
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    mid = dict(zip(headers, rows[list(show["Size bucket"]).index("mid")]))
    assert mid["High intensity: median total saving (permanent and timing), % of pre-tax income"] == "12.3%"
    assert mid["High intensity: firms"] == "1"


def test_thesis_metric_rows_are_the_numbers_the_verdict_compares():
    rows = te.thesis_metric_rows(
        {"cell_firms": 25, "cell_median": 0.1065, "best_cell": "mid, high intensity", "best_median": 0.1065},
        0.0271,
        "mid ($2-10bn)",
    )
    assert [r[0] for r in rows] == ["thesis_cell_median_pct", "best_cell_median_pct", "all_firms_median_pct"]
    assert [round(r[1], 2) for r in rows] == [10.65, 10.65, 2.71] and {r[2] for r in rows} == {"%"}
    empty = te.thesis_metric_rows(
        {"cell_firms": 2, "cell_median": np.nan, "best_cell": None, "best_median": np.nan}, 0.01, "mid"
    )
    assert empty[0][1] is None and empty[1][1] is None and "no cell" in empty[1][3]


def test_headline_savings_split_permanent_and_timing_adds_up(fund):
    firms = te.prepare_firms(fund, None, None, None, 2025)
    corp = te.firm_effects(firms, 2025)
    rows = {r[0]: r for r in te.saving_metrics(corp)}
    assert list(rows)[:3] == ["permanent_saving_bn", "timing_saving_bn", "total_saving_bn"]
    assert rows["permanent_saving_bn"][1] + rows["timing_saving_bn"][1] == pytest.approx(rows["total_saving_bn"][1])
    assert rows["total_saving_bn"][1] == pytest.approx(corp["saving"].sum() / 1e9)
    assert (corp["service_year"] == 2025).all() and (corp["prior_bonus_rate"] == 0.4).all()
    text = te.effects_sentence(corp, te.binding_shares(corp), 2025)
    assert "permanent" in text and "timing" in text and "releasing interest carried forward" in text


def test_sample_note_counts_pre_obbba_years_and_the_end_dates_effect(fund):
    firms = te.prepare_firms(fund, None, None, None, 2025)
    note = te.sample_note(fund, firms, 2025)
    assert note.startswith("1 firm-year excluded: their fiscal year began on or before 2024-12-31") and "BBB" in note
    cut = te.prepare_firms(fund, None, None, None, 2025, end="2026-06-30")
    assert "The end date changes the sample" in te.sample_note(fund, cut, 2025, end="2026-06-30")
    assert te.prepare_firms(fund, None, None, None, 2024).attrs["pre_obbba"] == []  # counterfactual years keep all
    assert te.thesis_measures("permanent_pct_pretax") == ("permanent_pct_pretax", "saving_pct_pretax")
    with pytest.raises(BadInputError):
        te.thesis_measures("nonsense")


def test_verdict_comparison_shows_permanent_and_timing_of_the_cells_the_rule_compares():
    import matplotlib.pyplot as plt

    from rotation_utils.charts import tax_effects as charts

    sizes = ["small", "mid", "large"] * 6
    inten = [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9]
    perm = [0.0] * 12 + [0.0, 0.01, 0.0, 0.0, 0.03, 0.0]
    timing = [0.02] * 12 + [0.05, 0.06, 0.07, 0.05, 0.08, 0.07]
    e = pd.DataFrame(
        {
            "symbol": [f"S{i}" for i in range(18)],
            "size_bucket": sizes,
            "intensity": inten,
            "permanent_pct_pretax": perm,
            "timing_pct_pretax": timing,
        }
    )
    got = te.verdict_comparison(e, ("mid", "high"), "small, low intensity").set_index("group")
    assert list(got.index) == ["Thesis cell: mid, high intensity", "Best cell: small, low intensity", "All firms"]
    assert got.loc["Thesis cell: mid, high intensity", ["firms", "permanent", "timing"]].tolist() == pytest.approx(
        [2, 0.02, 0.07]
    )
    assert got.loc["All firms", "permanent"] == 0.0 and got.loc["All firms", "firms"] == 18
    assert got["thesis"].tolist() == [True, False, False]
    # the best cell is the thesis cell: shown once
    assert len(te.verdict_comparison(e, ("mid", "high"), "mid, high intensity")) == 2
    fig, ax = charts.plot_verdict_comparison(te.verdict_comparison(e, ("mid", "high"), None), "t")
    assert len(ax.patches) == 4  # two groups x (permanent, timing)
    assert [t.get_text() for t in ax.texts].count("0.0%") == 1  # the zero permanent bar still reads
    assert [p.get_label() for p in ax.get_legend().get_patches()] == [
        "permanent (the verdict's measure)",
        "timing (given back in later years)",
    ]
    plt.close(fig)
    assert charts.plot_verdict_comparison(te.verdict_comparison(e.iloc[0:0], ("mid", "high"), None), "t") == (
        None,
        None,
    )
