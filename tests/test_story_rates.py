"""Report 02's words (rotation_utils.story.rates): sentences, display tables, captions and
caveats, on small frames; direction words and branches must follow the numbers given."""

import re

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import events as ev
from rotation_utils.analytics import fomc
from rotation_utils.analytics import rate_beta as rb
from rotation_utils.story import rates as story
from tests.test_events import _events, _prices
from tests.test_fomc import CYCLE
from tests.test_rate_beta import _frame


def test_wide_table_and_sentence():
    px, rates = _frame()
    rel, chg = rb.relative_and_changes(px, rates, "B")
    tab = rb.beta_table(rel, chg, "daily")
    wide = story.wide_table(tab)
    assert list(wide.columns) == ["Ticker", "daily Y beta", "daily Y t"]
    assert wide.iloc[0]["daily Y beta"] == pytest.approx(tab.iloc[0]["beta"])
    row = tab.iloc[0]
    text = story.beta_sentence(row, "T", "B", "Y")
    assert ("lagged" if row["beta"] < 0 else "gained on") in text
    assert f"{abs(row['beta']) * 100:.1f} pp" in text


def test_beta_table_sorts_by_the_first_beta_and_labels_units():
    from tests.display_checks import assert_readable, column, rendered

    betas = pd.DataFrame(
        {
            "ticker": ["A", "B", "A", "B"],
            "series": ["Y", "Y", "Y", "Y"],
            "frequency": ["daily", "daily", "weekly", "weekly"],
            "beta": [0.01, -0.023, 0.02, -0.01],
            "t": [1.04, -2.56, 0.5, -0.7],
        }
    )
    show, fmt = story.beta_table(betas)
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert headers == [
        "Ticker",
        "Daily beta to Y (pp per +100 bp)",
        "Daily t-stat, Y",
        "Weekly beta to Y (pp per +100 bp)",
        "Weekly t-stat, Y",
    ]
    assert column(headers, rows, "Ticker") == ["B", "A"]  # most negative daily beta first
    assert column(headers, rows, "Daily beta to Y (pp per +100 bp)") == ["-2.3 pp", "+1.0 pp"]
    assert column(headers, rows, "Daily t-stat, Y") == ["-2.6", "1.0"]


def test_fits_table_scales_the_se_and_names_the_series():
    from tests.display_checks import assert_readable, column, rendered

    px, rates = _frame(n=400)
    rel, chg = rb.relative_and_changes(px, rates, "B")
    tab = rb.beta_table(rel[["T"]], chg, "daily")
    show, fmt = story.fits_table(tab, {"Y": "the test yield"})
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Against") == ["test yield (Y)"]
    assert column(headers, rows, story.BETA_HEADER) == [f"{tab['beta'].iloc[0] * 100:+.1f} pp"]
    assert column(headers, rows, story.SE_HEADER) == [f"{tab['se'].iloc[0] * 100:.1f}"]
    assert column(headers, rows, "Trading days") == [str(int(tab["n"].iloc[0]))]
    assert column(headers, rows, "First day") == [f"{rel.index.min():%Y-%m-%d}"]
    reg = rb.regime_betas(rel[["T"]], chg, [["all", None, None], ["none", "1990-01-01", "1990-12-31"]])
    show, fmt = story.fits_table(reg.drop(columns=["ticker", "series"]))
    headers, rows = rendered(show, fmt)
    assert headers[0] == "Regime" and column(headers, rows, story.BETA_HEADER)[1] == "n/a"  # too few days: n/a


def test_headline_metrics_order_and_units():
    beta = {"beta": -0.5, "se": 0.2, "first": pd.Timestamp("2025-01-02"), "last": pd.Timestamp("2025-12-31")}
    stats = {
        ("IWM", "cut"): {"mean": 0.01, "n": 3.0},
        ("IWM", "hold"): {"mean": -0.002, "n": 1.0},
        ("PSTL", "cut"): {"mean": 0.02, "n": 3.0},
    }
    rows = story.headline_metrics(beta, stats, "IWM", "SPY", "DGS2", "[0, +5]")
    assert [r[0] for r in rows] == [
        "IWM_beta_DGS2",
        "IWM_mean_rel_after_cuts",
        "IWM_mean_rel_after_holds",
        "IWM_beta_DGS2_se",
        "PSTL_mean_rel_after_cuts",
        "IWM_cut_events",
        "IWM_hold_events",
        "PSTL_cut_events",
    ]
    assert rows[0][1:] == (-50.0, "pp per +100 bp", "IWM minus SPY: daily beta to DGS2, 2025-01-02 to 2025-12-31")
    assert rows[1][1] == pytest.approx(1.0) and rows[1][3] == "IWM minus SPY: mean [0, +5] return after 3 cuts"
    assert rows[2][3].endswith("after 1 hold") and rows[3][1] == pytest.approx(20.0)
    assert rows[5] == ("IWM_cut_events", 3, "events", "cut decisions measured for IWM over [0, +5]")


def test_group_sentence_direction_follows_the_sign():
    summ = pd.DataFrame(
        [
            {
                "ticker": "T",
                "window": "[0,+5]",
                "decision": "cut",
                "n": 4,
                "mean": -0.021,
                "ci_low": -0.05,
                "ci_high": 0.01,
                "t_stat": -1.5,
            }
        ]
    )
    text = story.group_sentence(summ, "T", "B", (0, 5), "cut")
    assert "T lagged B by 2.1 pp" in text and "4 cuts" in text
    assert "No hold" in story.group_sentence(summ, "T", "B", (0, 5), "hold")


def test_event_table_has_readable_headers_and_pp_values():
    from tests.display_checks import assert_readable, column, rendered

    px = _prices(n=80, jumps={20: 0.05, 50: 0.01})
    summ = ev.summarise(ev.event_returns(px, _events(px, [20, 50]), [(-1, 0), (0, 5)], "B"))
    show, fmt = story.event_table(summ, [(-1, 0), (0, 5)], (0, 5), "SPY")
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert headers == [
        "Ticker",
        "Decision",
        "Events",
        "Mean vs SPY over [-1,0]",
        "Mean vs SPY over [0,+5]",
        "95% interval over [0,+5]",
        "t-stat over [0,+5]",
    ]
    assert column(headers, rows, "Mean vs SPY over [0,+5]") == ["+3.0 pp"]  # mean of +5% and +1%
    lo, hi = summ.loc[summ["window"] == "[0,+5]", ["ci_low", "ci_high"]].iloc[0] * 100
    assert column(headers, rows, "95% interval over [0,+5]") == [f"{lo:+.1f} to {hi:+.1f} pp"]
    assert re.fullmatch(r"-?\d+\.\d", column(headers, rows, "t-stat over [0,+5]")[0])


def test_pause_table_names_the_event_and_the_benchmark():
    from tests.display_checks import assert_readable, column, rendered

    px = _prices(n=60, jumps={20: -0.02})
    tab = ev.per_event_table(ev.event_returns(px, _events(px, [20], "hold"), [(0, 1)], "B"), [(0, 1)])
    show, fmt = story.pause_table(tab, [(0, 1)], "SPY", event="Hold")
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert headers == ["Hold date", "Ticker", "vs SPY over [0,+1]"]
    assert column(headers, rows, "vs SPY over [0,+1]") == ["-2.0 pp"]
    assert column(headers, rows, "Hold date") == [f"{px.index[20]:%Y-%m-%d}"]


def test_event_study_notes_count_events_flags_and_exclusions():
    decisions = pd.DataFrame({"decision": ["cut", "cut", "hold"]})
    flags = pd.Series({"primary": 2, "secondary": 1})
    excluded = pd.DataFrame({"announcement_date": pd.to_datetime(["2026-06-17"]), "window": ["[0, +20]"]})
    notes = story.event_study_notes(decisions, flags, excluded, pd.Timestamp("2026-07-13"))
    assert notes[0].startswith("Few events: the event study rests on 2 cuts and 1 hold;")
    assert "of the 3 decisions used, 2 marked 'primary' and 1 marked 'secondary'" in notes[1]
    assert notes[2] == "Left out for windows past the last price (2026-07-13): 2026-06-17 [0, +20]."
    empty = story.event_study_notes(decisions.iloc[:0], flags.iloc[:0], excluded.iloc[:0], "2026-07-13")
    assert empty == ["No FOMC decision of the file falls inside the window, so the event study is empty."]


def test_per_year_table_shows_signed_bp_and_iso_dates():
    from tests.display_checks import assert_readable, column, rendered

    show, fmt = story.per_year_table(fomc.per_year(CYCLE))
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Year") == ["2023", "2024", "2025", "2026"]
    assert column(headers, rows, "Net change in the year (bp)") == ["+25", "-75", "-50", "0"]
    assert column(headers, rows, "Last decision") == ["2023-07-26", "2024-12-18", "2025-10-29", "2026-01-28"]
    assert column(headers, rows, "Target range after the last decision")[-1] == "4.00-4.25%"


def test_coverage_notes_flag_a_late_file_and_no_fred_check():
    notes = story.coverage_notes("2020-03-01", "2020-01-02", fred_ok=False)
    assert notes[0].startswith("The decisions file starts on 2020-03-01, 59 days after the window's start (2020-01-02)")
    assert notes[1] == "The file was not cross-checked against FRED's DFEDTARU/DFEDTARL (not in this data source)."
    # within one meeting cycle (45 days) and cross-checked: nothing to say
    assert story.coverage_notes("2020-02-15", "2020-01-02", fred_ok=True) == []


def test_per_year_metrics_one_per_year():
    years = pd.DataFrame({"year": [2024, 2025], "cuts": [3, 3], "net_change_bp": [-100, -75]})
    assert story.per_year_metrics(years) == [
        ("cuts_2024", 3, "cuts", "FOMC cuts in 2024 (-100 bp)"),
        ("cuts_2025", 3, "cuts", "FOMC cuts in 2025 (-75 bp)"),
    ]
    assert story.per_year_metrics(years.iloc[:0]) == []


def test_beta_sentence_words_follow_the_sign_and_the_missing_case():
    fit = rb.BetaFit(
        beta=0.012, se=0.004, t=3.0, n=250, first=pd.Timestamp("2025-01-02"), last=pd.Timestamp("2025-12-31")
    )
    text = story.beta_sentence(fit, "T", "B", "the Y yield")
    assert "T gained on B by 1.2 pp" in text and "250 observations from 2025-01-02 to 2025-12-31" in text
    assert "lagged" in story.beta_sentence(
        rb.BetaFit(beta=-0.012, se=0.004, t=-3.0, n=250, first=fit.first, last=fit.last), "T", "B", "Y"
    )
    assert "could not be estimated" in story.beta_sentence(rb.BetaFit(), "T", "B", "Y")
    assert story.short_beta(rb.BetaFit()) == "n/a (not estimable)"


def test_event_sentences_list_each_decision_and_count_the_cuts():
    summ = pd.DataFrame(
        [
            {
                "ticker": "T",
                "window": "[0,+5]",
                "decision": g,
                "n": n,
                "mean": m,
                "ci_low": -0.05,
                "ci_high": 0.05,
                "t_stat": 0.5,
            }
            for g, n, m in (("cut", 2, 0.01), ("hold", 5, -0.004))
        ]
    )
    text = story.event_sentences(summ, ["cut", "hold"], "T", "B", (0, 5), 2)
    assert "After 2 cuts, T beat B by 1.0 pp" in text and "After 5 holds, T lagged B by 0.4 pp" in text
    assert text.endswith("Only 2 cuts can be measured here, so one large move can swing the mean.")
    assert story.event_sentences(summ, [], "T", "B", (0, 5), 0) == "No decision to describe."


def test_regime_and_pause_sentences_fall_back_when_nothing_is_measured():
    reg = pd.DataFrame({"regime": ["a", "b"], "beta": [-0.01, np.nan], "t": [-2.0, np.nan]})
    assert story.regime_sentence(reg, "T", "Y") == "T's beta to Y was -1.0 pp per +100 bp in the a regime (t = -2.00)."
    assert story.regime_sentence(reg.iloc[1:], "T", "Y") == "No regime has enough days inside this window."
    assert "cannot be measured" in story.pause_sentence(pd.DataFrame(), ["P"], "B", (0, 5), [2026])


def test_timeline_sentence_says_what_the_window_reaches():
    years = fomc.per_year(CYCLE)
    full = story.timeline_sentence(CYCLE, years, fomc.cutting_start_claim(CYCLE, through="2026-07-01"))
    assert full.startswith("Up to 2026-01-28, the easing cycle in the file began on 2024-09-18 with a 50 bp cut;")
    assert "2 cuts (-75 bp) in 2024" in full and full.endswith("In the second half of 2025 it made 2 cuts (-50 bp).")
    early = CYCLE[CYCLE["announcement_date"] < "2025-01-01"]
    short = story.timeline_sentence(early, fomc.per_year(early), fomc.cutting_start_claim(early, through="2024-12-31"))
    assert short.endswith(
        "The window ends before the second half of 2025, so cuts in that period are not visible here."
    )
    assert "no meeting" in story.timeline_sentence(
        CYCLE.iloc[:0], years.iloc[:0], fomc.cutting_start_claim(CYCLE.iloc[:0])
    )


def test_cross_check_sentence_counts_agreement():
    xc = pd.DataFrame(
        {
            "announcement_date": pd.to_datetime(["2024-09-18", "2024-12-18", "2025-03-19"]),
            "agrees": [True, False, np.nan],
        }
    )
    assert story.cross_check_sentence(xc) == "FRED agrees with the file on 1 of 3 meetings; disagreements: 2024-12-18."
    assert story.cross_check_sentence(xc.iloc[:0]).startswith("**FRED cross-check not run:**")


def test_thesis_rule_prints_its_parameters_and_applies_the_analytics_logic():
    rule = story.thesis_rule("IWM", "SPY", "[0,+20]", "DGS2", min_events=4)
    assert rule.text.startswith("supported if IWM beats SPY on average over [0,+20] after cuts")
    assert "fewer than 4 measurable cuts" in rule.text and story.GRADE_TABLE in rule.text
    for grades in (("for", "for", 6), ("weak", "against", 6), ("for", "for", 3)):
        assert rule.apply(*grades) == rb.thesis_verdict(*grades, min_events=4)
    text = story.verdict_sentence(rule.apply("for", "weak", 6), rule, rb.ThesisGrades("for", "weak", 6), "E.")
    assert text.startswith("**Verdict: supported.** Rule: supported if IWM")
    assert (
        "The event test shows significant support; the yield-beta test shows the right direction but not significant. E."
        in text
    )


def test_graded_reading_names_each_grade_and_the_table_row_that_decides():
    # each claim's evidence names the tests' grades in words and the table row that combines them
    text = story.graded_reading({"DGS2 beta": "weak", "spread beta": "for"})
    assert text == (
        "DGS2 beta: the right direction but not significant; spread beta: significant support; "
        "by the grade table, significant support with the rest in the right direction: supported"
    )
    assert story.graded_reading({"PSTL": "against", "XLRE": "weak"}).endswith(
        "nothing significant in support: not supported"
    )
    assert story.graded_reading({"a": "weak", "b": "weak"}).endswith("not significant: inconclusive")
    assert story.graded_reading({"a": "for", "b": "missing"}).endswith("an estimate is missing: inconclusive")
    assert "would confirm" not in text and "weak" not in text


def test_a3_evidence_says_when_the_claims_condition_has_not_happened():
    from rotation_utils.analytics.rate_claims import A3Test

    none = story.a3_evidence(A3Test(2026, 0, None, None, "forecast pending"), "IWM", "SPY", "[0,+20]", "2026-07-13")
    assert none == (
        "The decisions file shows no cut in 2026 up to 2026-07-13, so the claim's condition has not happened yet."
    )
    few = pd.Series({"n": 2, "mean": 0.006, "ci_low": -0.017, "ci_high": 0.028})
    text = story.a3_evidence(A3Test(2026, 2, few, "weak", "unverifiable"), "IWM", "SPY", "[0,+20]", "2026-12-31")
    assert text == (
        "Over [0,+20] after the 2 cuts of 2026 up to 2026-12-31, IWM minus SPY averaged +0.6 pp "
        "(95% interval -1.7 to +2.8 pp, n = 2); 2 measurable cuts, fewer than 3, too few to judge."
    )
    three = few.copy()
    three["n"] = 3
    text = story.a3_evidence(A3Test(2026, 3, three, "weak", "unverifiable"), "IWM", "SPY", "[0,+20]", "2026-12-31")
    assert "fewer than 3" in text
    judged = story.a3_evidence(A3Test(2026, 3, three, "for", "confirmed"), "IWM", "SPY", "[0,+20]", "2026-12-31")
    assert judged.endswith(
        "(the event test: significant support; by the grade table, significant support with the "
        "rest in the right direction: supported)."
    )


def test_claim_evidence_and_the_claims_line():
    b12 = rb.BorrowingCostTest(rb.BetaFit(beta=-0.01, t=-2.5), rb.BetaFit(), ("for", "missing"), "unverifiable")
    text = story.b12_evidence(b12, "IWM", "SPY", "DGS2", pd.Timestamp("2022-01-03"), pd.Timestamp("2025-12-31"))
    assert text.startswith("From 2022-01-03 to 2025-12-31, IWM minus SPY had a daily beta of -1.0 pp per +100 bp")
    assert text.endswith(
        "n/a (not estimable) to the high-yield spread (DGS2 beta: significant support; high-yield "
        "spread beta: no estimate; by the grade table, an estimate is missing: inconclusive)."
    )
    b10 = rb.pause_test({"PSTL": pd.Series({"n": 1, "mean": 0.05, "ci_low": np.nan, "ci_high": np.nan})})
    assert story.b10_evidence(b10, "SPY", "[0,+20]", [2026]) == (
        "Over [0,+20] after the holds of 2026, PSTL minus SPY averaged +5.0 pp (n = 1, no interval) "
        "(PSTL: the wrong direction; by the grade table, the wrong direction with nothing significant in support: "
        "not supported)."
    )
    claims = [
        {"id": "A3", "verdict": "forecast pending", "provisional": True},
        {"id": "B11", "verdict": "mixed", "provisional": False},
    ]
    assert story.claims_line(claims) == "**Claims:** A3 forecast pending (provisional); B11 mixed."


def test_captions_name_the_parameters():
    cap = story.Captions("IWM", "SPY", "DGS2", "[0,+20]", 126, (2026,))
    assert cap.means == "Mean [0,+20] return against SPY after FOMC decisions"
    assert cap.rolling == "IWM minus SPY: rolling 126-day beta to DGS2" and cap.regimes.endswith("by regime")
    assert cap.pause == "REITs against SPY: [0,+20] return after each hold of 2026"


def test_compact_table_of_an_empty_summary_is_empty():
    out = ev.event_returns(_prices(), _events(_prices(), [])[:0], [(0, 5)], "B")
    assert story.compact_table(ev.summarise(out), [(0, 5)], (0, 5)).empty


def test_caveats_name_short_regimes_and_missing_series():
    from types import SimpleNamespace

    px = _prices(n=40, start="2024-01-01")
    data = SimpleNamespace(decisions=CYCLE.iloc[:0], decisions_all=CYCLE, px=px, px_all=px, fred_ok=True)
    reg = pd.DataFrame({"regime": ["a", "b"], "beta": [0.01, np.nan]})
    text = story.caveats(data, pd.Series(dtype="int64"), pd.DataFrame(), reg, ["rates:X"], "IWM", "SPY")
    lines = text.splitlines()
    assert lines[0] == "- No FOMC decision of the file falls inside the window, so the event study is empty."
    assert "- Regimes with too few days in this window: b." in lines
    assert "- Missing series or tickers: rates:X." in lines
    assert lines[-1].startswith("- Relative returns of IWM against SPY also reflect sector mix")


def test_a3_test_reads_only_the_cuts_of_its_year():
    from rotation_utils.analytics import rate_claims

    px = _prices(n=120, jumps={20: 0.05, 60: 0.02, 80: 0.021, 100: 0.022}, start="2025-11-03")
    decisions = pd.DataFrame({"announcement_date": px.index[[20, 60, 80, 100]], "decision": "cut"})
    rets = ev.event_returns(px, decisions, [(0, 5)], "B")
    year = px.index[60].year
    a3 = rate_claims.a3_test(rets, decisions, "T", (0, 5), year)
    assert px.index[20].year < year and a3.cuts == 3 and a3.values()["n_cuts"] == 3
    assert a3.values()["mean_after_cuts"] == pytest.approx(0.021)  # the 2025 cut (+5%) is left out
    assert a3.grade == "for" and a3.verdict == "confirmed"
    none = rate_claims.a3_test(rets, decisions, "T", (0, 5), year + 1)
    assert none.verdict == "forecast pending" and none.values() == {"cuts_2026": 0}


def test_yield_beta_sentences_give_the_daily_then_the_weekly_beta():
    day = rb.BetaFit(
        beta=-0.008, se=0.006, t=-1.34, n=1126, first=pd.Timestamp("2022-01-04"), last=pd.Timestamp("2026-07-13")
    )
    week = rb.BetaFit(beta=-0.005, t=-0.38, n=236)
    text = story.yield_beta_sentences(
        rb.YieldBetas(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), day, week), "IWM", "SPY", "DGS2"
    )
    assert text.startswith("For every +100 bp move in the DGS2 yield, IWM lagged SPY by 0.8 pp on average")
    assert text.endswith("On weekly data the beta is -0.5 pp per +100 bp (t = -0.38, 236 weeks).")
