"""Report 03's words (rotation_utils.story.valuation): sentences, display tables, claim
records, headline labels and caveats on small inputs; the numbers given must appear,
and direction words and branches must follow their signs."""

import math

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import valuation as val
from rotation_utils.analytics import valuation_small_caps as sc
from rotation_utils.analytics import valuation_verdicts as vt
from rotation_utils.analytics import valuation_versions as vv
from rotation_utils.analytics.valuation_data import FIN_COLUMNS
from rotation_utils.data import empty_frame
from rotation_utils.story import valuation as story
from rotation_utils.tables import formatted
from tests.display_checks import assert_readable, column, rendered
from tests.test_valuation import CONS, D0, D1, early_versions, mag7_rows, nvda_joins_2020, version_rows

FIN = empty_frame(FIN_COLUMNS)


def comparison(mag: float, oth: float) -> val.GroupComparison:
    f = val.GroupFigures(mag, oth, 25.0)
    return val.GroupComparison(f, 28, oth, oth - 1.5, oth - 3.0, 40.0, ("Materials", 38.4), ("Financials", 18.0))


def one_version_choice() -> vv.VersionChoice:
    return vv.VersionChoice(D1, pd.DataFrame({"as_of": [D1]}), D1, 3, D1)


def history_choice() -> vv.VersionChoice:
    return vv.VersionChoice(D1, pd.DataFrame({"as_of": [D0, D1]}), D0, 3, D1)


def no_version_choice() -> vv.VersionChoice:
    fin = early_versions()
    q = vv.version_quality(fin[fin["as_of"] <= "2019-12-31"])
    return vv.choose_version(fin, q, "2019-12-31", "2019-01-01", constituents=nvda_joins_2020())


# ---- basics ---------------------------------------------------------------------------
def test_basis_words_and_ordinals():
    assert story.basis_words(True) == "loss-makers included"
    assert story.basis_words(False) == "loss-makers excluded"
    assert [story.ordinal_percentile(p) for p in (0.01, 0.02, 0.03, 0.11, 0.16, 0.22)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "16th",
        "22nd",
    ]
    assert story.ordinal_percentile(np.nan) == "n/a"


# ---- the version, or why there is none -------------------------------------------------
def test_no_version_sentences_name_the_facts():
    pick = no_version_choice()
    reason = story.no_version_reason(pick)
    assert "None of the 2 S&P 500 fundamentals versions on or before 2019-12-31" in reason
    assert "(2018-01-05 to 2018-02-08)" in reason
    assert "some of the Magnificent 7 without data: 2" in reason
    assert "no data for NVDA (NVDA joined the S&P 500 on 2020-12-21)" in reason
    assert "priced companies without a market cap" not in reason  # no such failure here
    short = story.version_gap(pick)
    assert short == (
        "no usable S&P 500 fundamentals version on or before 2019-12-31: all 2 versions up to then, "
        "2018-01-05 to 2018-02-08, fail the completeness check"
    )
    assert story.history_gap(pick) == short
    assert story.versions_sentence(pick.usable, pick, "2019-12-31") == reason
    assert story.judged_window(pick, short) == (None, None, f"no usable fundamentals version ({short})")
    assert story.unavailable("Finding", short) == f"**Finding: not available in this window** ({short}; see Data)."


def test_no_versions_at_all_quote_the_data_layer():
    note = "the snapshot has sp500_financials from 2012-12-27."
    pick = vv.choose_version(FIN, vv.version_quality(FIN), "2009-06-30", "2008-01-01", note=note)
    assert story.no_version_reason(pick) == (
        "The S&P 500 fundamentals have no dated version on or before 2009-06-30 "
        "(data layer: the snapshot has sp500_financials from 2012-12-27)."
    )
    assert story.version_gap(pick) == "no S&P 500 fundamentals version on or before 2009-06-30"


def test_version_sentences_with_one_and_two_versions():
    one, two = one_version_choice(), history_choice()
    assert story.version_gap(one) == "" and story.no_version_reason(one) == ""
    assert story.history_gap(one).startswith(f"only one usable S&P 500 fundamentals version, {D1:%Y-%m-%d}")
    assert story.history_gap(two) == ""
    quality = pd.DataFrame({"as_of": [pd.Timestamp("2012-12-27"), D0, D1]})
    text = story.versions_sentence(quality, two, None)
    assert text.startswith("The fundamentals hold 3 dated versions from 2012-12-27 to 2026-05-15;")
    assert "2 pass the completeness check and 3 fail it" in text
    assert "on or before the end of the data; the history starts at 2025-01-31." in text
    assert "1 passes the completeness check" in story.versions_sentence(quality, one, D1)
    assert story.judged_window(two) == (D0, D1, "")


# ---- Finding 1 -------------------------------------------------------------------------
@pytest.mark.parametrize("mag, word", [(31.0, "above"), (25.0, "below"), (27.9, "level with")])
def test_groups_sentence_direction_follows_the_ratio(mag, word):
    c = comparison(mag, 27.9)
    text = story.groups_sentence(c, D1, "loss-makers included")
    assert f"the Magnificent 7 traded at **{mag:.1f}x**" in text and "the Other 493 at **27.9x**" in text
    assert f"{abs(mag / 27.9 - 1) * 100:.1f}% {word} the Other 493's (ratio {mag / 27.9:.2f})" in text
    assert "The Other 493 hold 28 loss-makers: their P/E is 27.9x with them and 26.4x without" in text
    assert (
        "The most expensive sector was Materials (38.4x, loss-makers included) and the cheapest Financials (18.0x)"
        in text
    )


def test_pe_display_headers_and_formats():
    rows = mag7_rows() + [("AAA", 10.0, 1.0, 500.0, "x")]
    tab = val.pe_table(val.label_companies(val.company_earnings(version_rows(D0, rows)), CONS))
    show, fmt = story.pe_display(tab)
    headers, cells = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, cells, "Group or sector")[:3] == list(val.STANDARD_GROUPS)
    assert column(headers, cells, "Share of cap")[2] == "100.0%" and column(headers, cells, "P/E (all)")[3:] == [
        "25.0",
        "10.0",
    ]
    assert story.pe_table_title(D0) == "Aggregate trailing P/E on 2025-01-31"


def test_missing_members_sentence():
    miss = vv.MissingMembers(503, [f"T{i}" for i in range(10)], 0.111, pd.Timestamp("2026-06-30"))
    text = story.missing_members_sentence(miss, D1)
    assert text.startswith(
        "Of the 503 S&P 500 members on the run's as-of date, 10 have no cap or earnings in the 2026-05-15"
    )
    assert "T6 and T7 ...), 11.1% of the members' market cap on 2026-06-30" in text
    few = story.missing_members_sentence(vv.MissingMembers(3, ["A"], np.nan, None), D1)
    assert "(A), their market-cap share unknown here" in few
    assert story.missing_members_sentence(miss, None) == ""
    assert story.missing_members_metric(miss) == (
        "missing_members_cap_share",
        pytest.approx(11.1),
        "%",
        "Share of S&P 500 cap without fundamentals in the version",
    )
    assert story.missing_members_metric(miss, "no version")[1] is None
    assert story.missing_members_metric(vv.MissingMembers(3, ["A"], np.nan, None))[1] is None


# ---- Finding 2 -------------------------------------------------------------------------
def test_change_table_and_move_sentences_follow_the_signs():
    fin = pd.concat([version_rows(D0, mag7_rows(1.0)), version_rows(D1, mag7_rows(2.0))])
    fin.loc[fin["as_of"] == D1, "market_cap"] *= 1.5
    move = val.decompose_change(val.pe_history(fin, CONS, [D0, D1]), D0, D1)
    show, fmt = story.change_table(move, D0, D1)
    headers, cells = rendered(show, fmt)
    assert_readable(headers, show)
    assert headers == [
        "Group",
        "P/E 2025-01-31",
        "P/E 2026-05-15",
        "P/E change",
        "Market cap change",
        "Earnings change",
    ]
    assert column(headers, cells, "P/E change")[0] == "-50.0%"
    text = story.move_sentences(move)
    assert text.startswith(
        "- Magnificent 7: P/E fell (25.0x to 12.5x, -50.0%); market cap rose 50.0% and trailing earnings rose 200.0%"
    )
    assert "so earnings moved the multiple more." in text
    up = move.assign(pe_change=0.2, cap_change=0.3, earnings_change=-0.1, earnings_logpts=0.1, price_logpts=0.26)
    assert "P/E rose" in story.move_sentences(
        up
    ) and "trailing earnings fell 10.0%, so price moved" in story.move_sentences(up)
    assert story.change_table_title(D0, D1) == "P/E change 2025-01-31 to 2026-05-15"


def test_contributors_sentence():
    top = pd.DataFrame(
        {"symbol": ["NVDA", "GOOGL"], "earnings_start": [52.5e9, 86.2e9], "earnings_end": [158.4e9, 160e9]}
    )
    assert story.contributors_sentence(top) == (
        "Largest changes in Magnificent 7 trailing earnings over the same span: "
        "NVDA $52.5bn to $158.4bn and GOOGL $86.2bn to $160.0bn."
    )


# ---- Finding 3 -------------------------------------------------------------------------
def test_named_table_readable_columns():
    named = pd.DataFrame(
        {
            "ticker": ["A", "B"],
            "name": ["a", "b"],
            "in_iwm": [True, False],
            "market_cap": [2e9, np.nan],
            "fiscal_year": [2025, np.nan],
            "earnings": [1e8, np.nan],
            "pe": [20.0, np.nan],
        }
    )
    show, fmt = story.named_table(named, "2026-05-05")
    headers, cells = rendered(show, fmt)
    assert column(headers, cells, "IWM holding 2026-05-05") == ["yes", "no"]
    assert column(headers, cells, "Fiscal year") == ["2025", ""]
    assert column(headers, cells, "Market cap ($m)") == ["2,000.0", "n/a"]


def test_small_cap_sentence_names_missing_caps_and_a_later_holdings_file():
    cover = {"holdings": 1934, "covered": 25, "weight_covered": 0.022}
    small = pd.DataFrame({"ticker": ["INOD", "HCI"]})
    text = story.small_cap_sentence(
        cover, "2025-05-13", small, np.nan, np.nan, "2019-12-31", "the snapshot has market_caps from 2021-01-29"
    )
    assert "later than 2019-12-31" in text and "no market cap by 2019-12-31" in text and "2021-01-29" in text
    text = story.small_cap_sentence(cover, "2025-05-13", small, 20.0, 25.0, "2026-01-31")
    assert "later than" not in text and "20.0x against 25.0x for the S&P 500" in text
    assert "only 25 (2.2% of the fund's weight)" in text and "2 companies cannot stand for an index" in text
    none = story.small_cap_sentence(cover, "2025-05-13", small, 20.0, np.nan, "2026-01-31")
    assert "with no S&P 500 aggregate to compare" in none


def test_live_sentence_and_metric_with_and_without_figures():
    off = sc.IwmValuation(sc.NOT_QUERIED)
    text = story.live_sentence(off, 200)
    assert "**not available** (offline or snapshot source: yfinance not queried)" in text and "200 largest" in text
    failed = sc.IwmValuation(sc.FAILED, "IWM", "quote_info: rate-limited after 3 tries")
    assert "**not available** (quote_info: rate-limited after 3 tries)" in story.live_sentence(failed, 50)
    assert story.live_gap(sc.IwmValuation(sc.EMPTY, "IWM")) == "Yahoo returned no P/E for IWM or its holdings"
    assert story.small_cap_metric(np.nan, off) == ("small_cap_pe", None, "x", "Russell 2000 P/E: not available offline")
    agg = {
        "pe_all": 19.0,
        "pe_ex_losses": 14.0,
        "forward_pe_ex_losses": 10.0,
        "holdings_used": 3,
        "weight_covered": 0.9,
        "left_out": ["BAD"],
        "weight_left_out": 0.1,
    }
    on = sc.IwmValuation(sc.LIVE_OK, "IWM", "", {"trailing_pe": 19.5, "forward_pe": 15.0}, pd.DataFrame(), agg)
    assert story.live_gap(on) == ""
    text = story.live_sentence(on, 200)
    assert "trailing P/E of 19.5x and a forward P/E of 15.0x" in text and "its 3 largest holdings" in text
    assert "(90.0% of weight) is 19.0x trailing with loss-makers, 14.0x without, and 10.0x forward" in text
    assert "left out after retries: BAD (10.0% of weight)." in text
    assert story.small_cap_metric(19.0, on) == (
        "small_cap_pe",
        19.0,
        "x",
        "IWM holdings aggregate P/E (yfinance, live)",
    )


def test_ratio_sentence_both_branches():
    r = pd.Series([3.0, 1.0, 2.0, 1.5], index=pd.date_range("2020-01-01", periods=4))
    now, low = sc.relative_level(r), sc.relative_level(r, "2020-01-02")
    text = story.ratio_sentence(now, low, "2020-01-04")
    assert "stood on 2020-01-04 at the 50th percentile of its range since 2020-01-01" in text
    assert "it was last lower on 2020-01-02" in text
    assert "on 2020-01-02, was the lowest since the series starts (2020-01-01)" in text
    text = story.ratio_sentence(low, now, "2020-01-04")
    assert "it had never been lower" in text and "was the lowest since 2020-01-02" in text


# ---- Finding 4 -------------------------------------------------------------------------
def shiller() -> val.ShillerSummary:
    return val.ShillerSummary(pd.Timestamp("2023-06-01"), 24.0, pd.Timestamp("2023-09-01"), 30.8, 14.9, 16.5, 0.968)


def test_long_run_table_and_shiller_sentence():
    show, fmt = story.long_run_table(shiller())
    headers, cells = rendered(show, fmt)
    assert cells[0] == ["Trailing P/E (Shiller)", "2023-06", "24.0", "14.9", "96.8%"]
    assert cells[1] == ["CAPE (Shiller)", "2023-09", "30.8", "16.5", "n/a"]
    text = story.shiller_sentence(shiller(), 28.9, D1)
    assert text.startswith(
        "Shiller's earnings stop in 2023-06, when the trailing P/E was 24.0x (median since 1881: 14.9x)"
    )
    assert "28.9x on 2026-05-15, from a different source, would sit at the 97th percentile" in text
    cut = story.shiller_sentence(shiller(), np.nan, None, pd.Timestamp("2019-12-31"), "no version")
    assert cut.startswith("Up to the window end (2019-12-31), Shiller's latest month with earnings is 2023-06")
    assert cut.endswith("to place in that history (no version).")


# ---- Finding 5 -------------------------------------------------------------------------
def test_trailing_forward_table_labels_bases_and_sources():
    off = sc.IwmValuation(sc.NOT_QUERIED)
    show, fmt = story.trailing_forward_table(27.0, "loss-makers included", True, D1, off, "register note")
    t = show.set_index("Figure")
    assert t.loc["S&P 500 aggregate P/E (this run)", "Value"] == 27.0
    assert t.loc["S&P 500 aggregate P/E (this run)", "Basis"] == "trailing, loss-makers included"
    assert t.loc["S&P 500 aggregate P/E (this run)", "Loss-makers"] == "included"
    assert "forward" in t.loc["S&P 500 'past 30x' (article B)", "Basis"]
    assert t.loc["S&P 500 'past 30x' (article B)", "Value"] == vt.ARTICLE_SP500_PE
    assert math.isnan(t.loc["IWM forward P/E", "Value"])
    assert t.loc["IWM forward P/E", "Source"] == "not available offline" and fmt == {"num": ["Value"]}
    live = sc.IwmValuation(sc.LIVE_OK, "IWM", "", {"trailing_pe": 19.0, "forward_pe": 15.0})
    t2 = story.trailing_forward_table(27.0, "loss-makers excluded", False, None, live, "n")[0].set_index("Figure")
    assert t2.loc["IWM forward P/E", "Value"] == 15.0 and "live" in t2.loc["IWM forward P/E", "Source"]
    assert t2.loc["S&P 500 aggregate P/E (this run)", "Loss-makers"] == "excluded"
    assert t2.loc["S&P 500 aggregate P/E (this run)", "Source"] == "no usable constituent financials in the window"


@pytest.mark.parametrize("spx, words", [(28.9, "1.1 points below"), (31.5, "1.5 points above")])
def test_trailing_sentence_direction(spx, words):
    text = story.trailing_sentence(spx, D1, vt.distance_from_claim(spx))
    assert f"on 2026-05-15 was {spx:.1f}x, {words} article B's 30x" in text
    assert story.trailing_sentence(np.nan, None, np.nan, "no version").startswith(
        "**Trailing versus forward: not available in this window** (no version"
    )


# ---- the verdict, claims and metrics ------------------------------------------------------
def test_verdict_rule_text_logic_and_evidence():
    f = val.GroupFigures(31.0, 27.9, 28.9)
    assert story.VERDICT_RULE.apply(f, 15.0) == "supported"
    assert story.VERDICT_RULE.apply(f, np.nan) == "inconclusive"
    assert "inconclusive when no small-cap P/E can be measured" in story.VERDICT_RULE.text
    evidence = story.verdict_evidence(f, np.nan, D1, "loss-makers included")
    assert evidence == (
        "Other 493 27.9x vs Magnificent 7 31.0x on 2026-05-15 (loss-makers included); "
        "small-cap aggregate not available offline."
    )
    assert story.verdict_evidence(f, 15.0, D1, "b").endswith("small-cap aggregate 15.0x vs S&P 500 28.9x.")
    none = val.GroupFigures(np.nan, np.nan, np.nan)
    assert story.verdict_evidence(none, 15.0, None, "b", "why") == "No S&P 500 group P/E (why)."
    sentence = story.verdict_sentence("inconclusive", story.VERDICT_RULE, evidence)
    assert sentence == f"**Verdict: inconclusive.** Rule: {story.VERDICT_RULE.text}. {evidence}"


def test_claim_records_without_a_version():
    why = "no usable S&P 500 fundamentals version on or before 2019-12-31"
    cover = {"holdings": 10, "covered": 2, "weight_covered": 0.05}
    rel = {"percentile": 0.3, "first": pd.Timestamp("1999-01-04"), "date": pd.Timestamp("2019-12-31")}
    own = vt.ClaimFigures(vt.PeriodPe(None, np.nan, "late 2025"), vt.PeriodPe(None, np.nan, "2025"), rel)
    tests = vt.claim_tests(np.nan, own)
    claims = {c["claim_id"]: c for c in story.claim_records(tests, own, np.nan, np.nan, cover, why)}
    assert [claims[k]["verdict"] for k in ("A6", "B1", "B2")] == ["unverifiable"] * 3
    assert claims["A6"]["evidence"] == (
        f"No Russell 2000 earnings offline (2 of 10 IWM holdings, 5.0% of weight, have statements); "
        f"no S&P 500 P/E either ({why})."
    )
    assert why in claims["B1"]["evidence"]
    assert claims["B1"]["claimed"].value == 30.0 and math.isnan(claims["B1"]["measured"].value)
    assert claims["B1"]["claimed"].label == "Article: S&P 500 P/E" and claims["B1"]["measured"].unit == "x"
    assert "30th percentile since 1999-01-04 on 2019-12-31" in claims["B2"]["evidence"]
    no_b2 = story.claim_records(tests, vt.ClaimFigures(own.a6, own.b1, {}), np.nan, np.nan, cover, why)[2]
    assert no_b2["evidence"] == "No small-cap earnings history in the data."


def test_claim_records_on_their_own_periods():
    cover = {"holdings": 1921, "covered": 26, "weight_covered": 0.026, "holdings_date": pd.Timestamp("2026-05-05")}
    own = vt.ClaimFigures(vt.PeriodPe(None, np.nan, "late 2025"), vt.PeriodPe(D0, 30.9, '2025 ("through 2025")'), {})
    tests = vt.claim_tests(np.nan, own)
    a6, b1, _ = story.claim_records(tests, own, np.nan, 28.9, cover)
    assert "(26 of 1921 IWM holdings as of 2026-05-05, 2.6% of weight, have statements)" in a6["evidence"]
    assert "no S&P 500 fundamentals version inside the claim's period (late 2025) either." in a6["evidence"]
    assert b1["verdict"] == "mixed" and b1["evidence"].startswith(
        'The S&P 500 aggregate trailing P/E was 30.9x on 2025-01-31, the latest version inside the claim\'s period, 2025 ("through 2025"),'
    )
    assert b1["measured"].label == "S&P 500 aggregate trailing P/E, 2025-01-31"
    measured = vt.ClaimFigures(vt.PeriodPe(D1, 25.0, "x"), own.b1, {})
    a6 = story.claim_records(vt.claim_tests(18.0, measured), measured, 18.0, 28.9, cover)[0]
    assert (
        a6["verdict"] == "confirmed"
        and a6["evidence"] == "Small-cap aggregate P/E 18.0x against the S&P 500's 25.0x on 2026-05-15."
    )
    no_own = vt.ClaimFigures(own.a6, vt.PeriodPe(None, np.nan, "2025"), {})
    b1 = story.claim_records(vt.claim_tests(np.nan, no_own), no_own, np.nan, 28.9, cover)[1]
    assert b1["evidence"].startswith("No usable S&P 500 fundamentals version inside 2025 in this window")


def test_claims_table_escapes_data_strings():
    claims = [{"id": "A6", "verdict": "mixed", "evidence": "Sector <b>Energy</b> & more"}]
    show, fmt = story.claims_table(claims)
    html = formatted(show, **fmt).to_html()
    assert "&lt;b&gt;Energy&lt;/b&gt;" in html and "<b>Energy" not in html
    headers, cells = rendered(show, fmt)
    assert headers == ["Claim", "Verdict", "Evidence"] and cells[0][:2] == ["A6", "mixed"]


def test_headline_metrics_labels_with_and_without_a_version():
    why = "no usable S&P 500 fundamentals version on or before 2019-12-31"
    empty = val.headline_figures(val.groups_now(FIN), pd.DataFrame(columns=val.HISTORY_COLUMNS), None, False)
    rows = story.headline_metrics(empty, None, None, "loss-makers included", why, why)
    assert [r[0] for r in rows] == [
        "mag7_pe",
        "other493_pe",
        "sp500_pe",
        "mag7_to_other493",
        "mag7_pe_change",
        "other493_pe_change",
        "sp500_pe_change",
    ]
    assert all(r[1] is None and why in r[3] for r in rows)
    figs = {"mag7_pe": 12.5, "other493_pe": 10.0, "sp500_pe": 12.0, "mag7_to_other493": 1.25}
    figs |= {"mag7_pe_change": -0.5, "other493_pe_change": 0.0, "sp500_pe_change": np.nan}
    rows = {r[0]: r for r in story.headline_metrics(figs, D1, D0, "loss-makers included")}
    assert rows["mag7_pe"] == ("mag7_pe", 12.5, "x", "Magnificent 7 aggregate P/E 2026-05-15 (loss-makers included)")
    assert rows["mag7_pe_change"] == ("mag7_pe_change", -0.5, "fraction", "Magnificent 7 P/E change since 2025-01-31")
    assert rows["sp500_pe_change"][1] is None


def test_both_bases_metrics_labels():
    rows = story.both_bases_metrics(
        {"all": val.GroupFigures(31.0, 27.9, 28.9), "ex_losses": val.GroupFigures(31.0, 26.3, np.nan)}, D1
    )
    assert [r[0] for r in rows] == [
        "mag7_pe_all",
        "other493_pe_all",
        "sp500_pe_all",
        "mag7_pe_ex_losses",
        "other493_pe_ex_losses",
        "sp500_pe_ex_losses",
    ]
    assert rows[0][3] == "Magnificent 7 P/E, all members, loss-makers included (S&P's own basis) on 2026-05-15"
    assert rows[5][1] is None and rows[4][1] == 26.3
    assert story.both_bases_metrics({"all": val.GroupFigures(1.0, 1.0, 1.0)}, None)[0][3].endswith(
        "(no usable version)"
    )


# ---- caveats ---------------------------------------------------------------------------
def test_caveats_with_a_history_and_without_a_version():
    facts = {
        "blank": ["BF-B", "BRK-B"],
        "stale": 38,
        "unclassified": 2,
        "longest_gap_days": 469,
        "longest_gap_after": D0,
    }
    off = sc.IwmValuation(sc.NOT_QUERIED)
    text = story.caveats(history_choice(), facts, ["NVDA", "GOOGL"], off, 9, shiller(), None)
    lines = text.split("\n")
    assert lines[0] == (
        "- The 2026-05-15 version has no cap or earnings for 2 current members (BF-B and BRK-B), left out of every "
        "sum; Berkshire Hathaway's absence lowers the Financials' earnings."
    )
    assert "longest gap 469 days after 2025-01-31" in lines[2] and "(NVDA and GOOGL)" in lines[3]
    assert (
        lines[4] == "- Small-cap P/E: not measured offline; the named companies are 9 hand-picked names, not an index."
    )
    assert lines[5].startswith("- Shiller earnings stop in 2023-06;")
    one = story.caveats(one_version_choice(), facts, [], sc.IwmValuation(sc.LIVE_OK), 9, shiller(), D1).split("\n")
    assert "only one usable version (2026-05-15) in the history" in one[2] and one[3].endswith("inflate them.")
    assert "live yfinance figures" in one[4] and "are shown up to the window end, last in 2023-06" in one[5]
    none = story.caveats(no_version_choice(), None, [], off, 9, shiller(), D1).split("\n")
    assert none[0].startswith("- No aggregate P/E in this window. None of the 2 S&P 500 fundamentals versions")


def test_chart_captions_carry_the_runs_date_and_figure():
    assert story.pe_chart_title(D1) == "Aggregate trailing P/E by group and sector, 2026-05-15"
    assert story.sp500_line_label(28.94) == "S&P 500 aggregate (28.9x)"
    assert story.shiller_line_label(D1, 28.94) == "Aggregate trailing P/E on 2026-05-15 (28.9x)"
