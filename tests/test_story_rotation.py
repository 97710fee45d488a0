"""Report 01's words (rotation_utils.story.rotation): sentences, display tables, claim records,
metrics and caveats on small frames; direction words and branches must follow the numbers given."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import breadth as BR
from rotation_utils.analytics import rotation as RO
from rotation_utils.analytics import rotation_coverage as RC
from rotation_utils.analytics import rotation_verdicts as ROV
from rotation_utils.claim_values import Shown
from rotation_utils.story import rotation as story
from rotation_utils.tables import formatted
from tests.display_checks import assert_readable, column, rendered


def _board(event=True):
    # ordered best first, as scoreboard() returns it
    return pd.DataFrame(
        {
            "Name": ["Mag 7 (cap)", "IWM", "SPY", "Other 493 (cap)", "QQQ"],
            "Since start": [0.20, 0.15, 0.10, 0.05, np.nan],
            "Since event": [-0.01, 0.05, 0.02, 0.03, np.nan] if event else [np.nan] * 5,
        }
    )


def _checks():
    row = {
        "Basket": "Mag 7 (equal)",
        "Fund": "MAGS",
        "From": pd.Timestamp("2024-12-31"),
        "Days": 100,
        "Basket return": 0.2,
        "Fund return": 0.18,
        "Tracking difference": 0.02,
        "Tracking error": 0.015,
        "Correlation": 0.998,
    }
    cap = row | {"Basket": "Mag 7 (cap)", "Basket return": 0.1, "Tracking difference": -0.08, "Tracking error": 0.05}
    return pd.DataFrame([row, cap | {"Correlation": 0.97}])


def test_scoreboard_sentence_names_leaders_gaps_and_event():
    gaps = {"QQQ": "QQQ has no prices before 2025-03-01"}
    heads = RO.headline_spreads(_board(), "SPY", True)
    text = story.scoreboard_sentence(
        _board(), heads, "SPY", "2025-01-02 to 2025-06-30", pd.Timestamp("2025-03-01"), pd.Timestamp("2025-06-30"), gaps
    )
    assert text.startswith(
        "Over 2025-01-02 to 2025-06-30, **Mag 7 (cap)** returned the most (+20.0%) and "
        "**Other 493 (cap)** the least (+5.0%)."
    )
    assert "IWM beat SPY by 5.0 pp, and the Other 493 (cap) lagged the Mag 7 (cap) by 15.0 pp." in text
    assert "Since the event date 2025-03-01, IWM beat SPY by 3.0 pp." in text
    assert text.endswith(" No since-start return: QQQ has no prices before 2025-03-01.")
    late_heads = RO.headline_spreads(_board(False), "SPY", False)
    late = story.scoreboard_sentence(
        _board(False), late_heads, "SPY", "w", pd.Timestamp("2025-08-01"), pd.Timestamp("2025-06-30"), {}
    )
    assert "The window ends on 2025-06-30, before the event date: no since-event figures." in late
    assert "No since-start return" not in late
    # the other sign: IWM behind the benchmark
    behind = _board().assign(Name=["Mag 7 (cap)", "SPY", "IWM", "Other 493 (cap)", "QQQ"])
    text = story.scoreboard_sentence(
        behind, RO.headline_spreads(behind, "SPY", True), "SPY", "w", None, pd.Timestamp("2025-06-30"), {}
    )
    assert "IWM lagged SPY by 5.0 pp" in text


def test_scoreboard_metrics_are_the_headline_gaps_in_pp():
    rows = story.scoreboard_metrics(RO.HeadlineSpreads(0.0486, -0.02, None), "SPY", None, pd.Timestamp("2025-01-02"))
    assert rows[0] == ("iwm_minus_benchmark_since_event_pp", None, "pp", "IWM minus SPY since event")
    assert rows[1] == (
        "iwm_minus_benchmark_since_start_pp",
        pytest.approx(4.86),
        "pp",
        "IWM minus SPY since 2025-01-02",
    )
    assert rows[2][1] == pytest.approx(-2.0)


def test_scoreboard_table_formats_returns_as_percent():
    board = pd.DataFrame({"Name": ["<b>X</b>"], "1M": [0.0123], "Since start": [-0.05], "Sharpe": [1.234]})
    headers, rows = rendered(*story.scoreboard_table(board))
    assert column(headers, rows, "1M") == ["1.2%"] and column(headers, rows, "Since start") == ["-5.0%"]
    assert column(headers, rows, "Sharpe") == ["1.2"]
    frame, fmt = story.scoreboard_table(board)
    html = formatted(frame, **fmt).to_html()
    assert "&lt;b&gt;X&lt;/b&gt;" in html and "<b>X" not in html  # a data string is escaped


def test_tracking_sentence_separates_like_for_like_from_weighting():
    checks = _checks()
    text = story.tracking_sentence(checks, "2024-12-31")
    assert "Mag 7 (equal) against MAGS: +2.0 pp over 100 trading days" in text
    assert "(daily correlation 0.998, tracking error 1.5%)" in text
    assert "-8.0 pp, a weighting effect" in text and "RSP" not in text
    later = story.tracking_sentence(checks.assign(From=pd.Timestamp("2025-02-03")), "2024-12-31")
    assert "against MAGS from 2025-02-03" in later
    assert "cannot be checked" in story.tracking_sentence(checks.iloc[:0], "2024-12-31")


def test_tracking_table_shows_percent_pp_and_a_three_decimal_correlation():
    show, fmt = story.tracking_table(_checks())
    headers, rows = rendered(show, fmt)
    assert_readable(headers, show)
    assert column(headers, rows, "Basket return") == ["20.0%", "10.0%"]
    assert column(headers, rows, "Tracking difference") == ["+2.0 pp", "-8.0 pp"]
    assert column(headers, rows, "Correlation") == ["0.998", "0.970"]
    assert column(headers, rows, "From") == ["2024-12-31", "2024-12-31"]


def test_tracking_paragraph_and_coverage_note_without_baskets():
    empty = pd.DataFrame(columns=["Basket", "Fund"])
    gaps = {"MAGS": "MAGS has no prices up to 2009-06-30 in this source"}
    cover = pd.DataFrame(
        [
            {
                "date": pd.Timestamp("2008-01-31"),
                "group": g,
                "members": n,
                "with_prices": k,
                "cap_share_with_prices": np.nan,
            }
            for g, n, k in (("Mag 7", 7, 5), ("Other 493", 0, 0))
        ]
    )
    text = story.tracking_paragraph(empty, RC.coverage_in_window(cover, "2008-01-01"), "2008-01-01", gaps)
    assert "over this window: MAGS has no prices up to 2009-06-30 in this source." in text
    assert "Other 493" not in text and "hold 5 of the 7 names" in text
    full = cover.assign(members=[7, 490], with_prices=[7, 480], cap_share_with_prices=[np.nan, 0.99])
    assert story.coverage_note(RC.coverage_in_window(full, "2008-01-01")) == (
        " At each rebalance 480-480 of the 490 Other 493 members had prices, covering at least 99.0% of the group's market cap."
    )
    no_caps = full.assign(cap_share_with_prices=np.nan)
    assert story.coverage_note(RC.coverage_in_window(no_caps, "2008-01-01")).endswith(
        "(no market caps to weight them)."
    )


def test_relative_sentence_follows_the_signs_and_the_event():
    pairs = RO.rotation_pairs("SPY")
    spreads = pd.DataFrame(
        {
            "Line": list(pairs),
            "Since start": [0.03, -0.01, np.nan, 0.02],
            "Since event": [0.01, 0.02, np.nan, -0.01],
        }
    )
    dirs = RO.spread_directions(spreads, pairs)
    gaps = {"RSP": "RSP has no prices before 2003-05-01"}
    cuts = [pd.Timestamp("2025-09-17")]
    text = story.relative_sentence(
        dirs, pairs, gaps, pd.Timestamp("2025-01-02"), pd.Timestamp("2025-12-31"), pd.Timestamp("2025-06-01"), cuts
    )
    assert (
        "lines that rose (numerator ahead): IWM / SPY and Other 493 / Mag 7 (cap); lines that fell: IJH / SPY" in text
    )
    assert "no data over the whole window for RSP / SPY (RSP has no prices before 2003-05-01)." in text
    assert "Since the event date, 2 of 4 lines rose (IWM / SPY and IJH / SPY)." in text
    assert text.endswith("FOMC cuts inside the window: 2025-09-17.")
    before = story.relative_sentence(
        dirs, pairs, {}, pd.Timestamp("2024-01-02"), pd.Timestamp("2024-12-31"), pd.Timestamp("2026-01-13"), []
    )
    assert "The window ends on 2024-12-31, before the event date 2026-01-13" in before
    assert before.endswith("FOMC cuts inside the window: none.")


def test_long_view_sentence_and_table():
    assert "no IWM/SPY ratio" in story.long_view_sentence(
        RO.long_view(pd.Series(dtype=float)), "SPY", {"IWM": "IWM has no prices up to 1999-12-31 in this source"}
    )
    r = pd.Series([1.0, 2.0, 1.5], index=pd.bdate_range("2020-01-01", periods=3))
    lv = RO.long_view(r)
    text = story.long_view_sentence(lv, "SPY")
    assert "25.0% below its 2020-01-02 peak" in text and "gained on" in text and "+50.0%" in text
    down = story.long_view_sentence(RO.long_view(pd.Series([2.0, 3.0, 1.0], index=r.index)), "SPY")
    assert "lost ground to" in down and "-50.0%" in down
    headers, rows = rendered(*story.long_view_table(lv))
    assert column(headers, rows, "Peak date") == ["2020-01-02"]
    assert column(headers, rows, "From peak") == ["-25.0%"]
    assert story.long_view_metric(lv, "SPY")[1] == pytest.approx(lv["percentile"] * 100)


def test_flips_sentence_counts_flips_and_names_the_leaders():
    pairs = {"IWM / SPY": ("IWM", "SPY"), "IJH / SPY": ("IJH", "SPY")}
    flips = pd.DataFrame(
        {
            "Line": ["IWM / SPY", "IWM / SPY", "IJH / SPY"],
            "date": pd.to_datetime(["2025-03-03", "2025-11-20", "2025-06-02"]),
            "to": ["SPY leads", "IWM leads", "SPY leads"],
            "held_days": [180, 30, 100],
        }
    )
    states = pd.DataFrame({"Line": list(pairs), "Leader at end": ["IWM", "SPY"], "Since": [None, None]})
    summary = RO.flip_summary(flips, states, pairs, "IWM / SPY")
    assert summary == RO.FlipSummary(
        "IWM / SPY", 2, pd.Timestamp("2025-11-20"), "IWM leads", "IWM", 2, 3, ["IWM / SPY"]
    )
    text = story.flips_sentence(summary, 50, 200, pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31"))
    assert text.startswith("Since 2024-01-01 the 50/200-day rule flipped 2 times on IWM / SPY")
    assert "most recently on 2025-11-20 to IWM leads; at 2025-12-31 the leader is IWM." in text
    assert (
        "Across the two lines the rule fired 3 times; the lines led by their numerator at the end: IWM / SPY." in text
    )
    quiet = RO.flip_summary(flips.iloc[:0], states.assign(**{"Leader at end": ["SPY", "SPY"]}), pairs, "IJH / SPY")
    text = story.flips_sentence(quiet, 50, 200, pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31"))
    assert "flipped 0 times on IJH / SPY; at 2025-12-31 the leader is SPY." in text and text.endswith("end: none.")
    headers, _ = rendered(*story.flips_table(flips))
    assert headers == ["Line", "Date", "Leadership to", "Held (trading days)"]


def _timing(flip=True, burst=0.03, pace=0.01):
    return {
        "flip_date": pd.Timestamp("2025-11-03") if flip else None,
        "began_late": flip,
        "pace_relative": pace,
        "burst_relative": burst,
        "burst_percentile": 0.95,
        "accelerated": burst > 0,
    }


def test_b4_evidence_and_values_follow_the_checks():
    checks = {"IWM": _timing(), "IJH": _timing(flip=False, burst=-0.02)}
    text = story.b4_evidence(checks, "mixed", "SPY", pd.Timestamp("2026-07-13"))
    assert text.startswith("IWM: the rule turned to small caps on 2025-11-03; IJH: no turn in Q4 2025.")
    assert "IWM beat SPY by 3.0 pp (Q4 2025: +1.0 pp) and IJH lagged SPY by 2.0 pp (Q4 2025: +1.0 pp)." in text
    values = story.b4_values(checks, "mixed", "SPY")
    assert values["measured"] == Shown(pytest.approx(3.0), "pp", "IWM minus SPY, 2025-12-31 to 2026-01-16")
    assert values["ijh_began_late"] is False and values["unit"] == "pp"
    early = story.b4_evidence(checks, ROV.claim_from_parts([None]), "SPY", pd.Timestamp("2024-12-31"))
    assert early == "The window ends on 2024-12-31, before 2026-01-16, so the timing claim cannot be tested on it."
    assert "measured" not in story.b4_values(checks, ROV.claim_from_parts([None]), "SPY")
    assert story.claim_line("B4", "mixed", "x") == "**B4: mixed.** x"


def test_a1_evidence_above_and_below_the_target():
    idx = pd.DatetimeIndex(["2025-12-31", "2026-07-13"])
    t = RO.index_target(pd.Series([2482.0, 2953.17], index=idx), 2825.0, 0.14, 2025)
    text = story.a1_evidence(t, 2825.0, 0.14)
    assert "already above the 2,825 target by 4.5%" in text and "4.3%" not in text
    assert "is 0.2% above the implied base 2,478" in text
    below = RO.index_target(pd.Series([2482.0, 2700.0], index=idx), 2825.0, 0.14, 2025)
    assert "4.6% short of the 2,825 target" in story.a1_evidence(below, 2825.0, 0.14)
    values = story.a1_values(t, 2825.0, 0.14)
    assert values["vs_target_pct"].value == pytest.approx((2953.17 / 2825 - 1) * 100)
    assert story.target_metric(t, 2825.0)[3] == "^RUT against the 2,825 target (+: above it)"


def test_target_caveat_only_while_provisional():
    claim = {
        "verdict": "confirmed",
        "provisional": True,
        "period": {"covered_start": "2026-01-01", "covered_end": "2026-07-13", "end": "2026-12-31"},
        "values": {"target": 2825.0},
    }
    text = story.target_caveat(claim)
    assert "the 2,825 target is for the close of 2026-12-31, so its confirmed verdict is provisional" in text
    assert story.target_caveat(claim | {"provisional": False}) is None


def test_b3_evidence_uses_the_check_and_the_year_returns():
    check = {"mag7_lead": 0.12, "record": True, "median_member": 0.031, "members": 480, "sideways": True}
    y = RO.CalendarYear(2025, pd.Series({"RSP": 0.11, "IWM": 0.128, "IJH": 0.07, "^GSPC": 0.164}), pd.Series([0.03]))
    text = story.b3_evidence(check, y, "SPY", pd.Timestamp("2026-07-13"))
    assert text.startswith("In 2025 the Mag 7 (cap) beat the Other 493 (cap) by 12.0 pp and SPY set a record close;")
    assert (
        "the median Other 493 member returned +3.1% (480 members with prices), RSP +11.0%, IWM +12.8% and IJH +7.0%: sideways"
        in text
    )
    assert "royceinvest reports a Russell 2000 total return of +12.8% and an S&P 500 price return of +16.4%" in text
    assert text.endswith("here IWM +12.8% and ^GSPC +16.4%.")
    other = story.b3_evidence(
        check | {"record": False, "sideways": False, "mag7_lead": -0.02}, y, "SPY", pd.Timestamp("2026-07-13")
    )
    assert (
        "lagged the Other 493 (cap) by 2.0 pp and SPY did not set a record close" in other and "not sideways" in other
    )
    assert story.b3_evidence({}, None, "SPY", pd.Timestamp("2024-12-31")) == (
        "The window ends on 2024-12-31, before the end of 2025."
    )
    assert story.b3_values(None, {}) == {} and story.calendar_metrics(None) == []


def test_calendar_metrics_and_values_in_percent():
    series = pd.Series(
        {"SPY": 0.17, "RSP": 0.11, "IWM": 0.128, "IJH": 0.07, "Mag 7 (cap)": 0.25, "Other 493 (cap)": 0.1}
    )
    year = RO.CalendarYear(2025, series, pd.Series([0.02, 0.04]))
    rows = story.calendar_metrics(year)
    assert [r[0] for r in rows] == [
        "cy2025_spy_pct",
        "cy2025_rsp_pct",
        "cy2025_iwm_pct",
        "cy2025_ijh_pct",
        "cy2025_mag_7_cap_pct",
        "cy2025_other_493_cap_pct",
    ]
    assert rows[4][1] == pytest.approx(25.0) and rows[4][3] == "Mag 7 (cap) total return in 2025"
    values = story.b3_values(year, ROV.mega_cap_year(year, pd.Series(dtype=float, index=pd.DatetimeIndex([]))))
    assert values["median_other493_member_2025_pct"].value == pytest.approx(3.0)
    assert values["iwm_2025_pct"] == Shown(pytest.approx(12.8), "%", "IWM total return, 2025")


def test_breadth_paragraph_follows_the_direction_of_breadth_and_concentration():
    summary = pd.DataFrame(
        {"Universe": ["S&P 500", "IWM holdings"], "At start": [0.5, np.nan], "Latest": [0.62, np.nan]}
    )
    gaps = {"IWM holdings": "IWM holdings: no members are known for the window"}
    up = BR.ShareChange(0.30, pd.Timestamp("2024-12-31"), 0.33, pd.Timestamp("2025-06-30"))
    text = story.breadth_paragraph(summary, 200, gaps, up)
    assert "In the S&P 500 the share above the 200-day average rose from 50.0% to 62.0%." in text
    assert "IWM holdings: no members are known for the window." in text
    assert "share of S&P 500 cap rose from 30.0% (2024-12-31) to 33.0% (2025-06-30), more concentrated." in text
    down = BR.ShareChange(0.33, pd.Timestamp("2024-12-31"), 0.30, pd.Timestamp("2025-06-30"))
    assert "fell from 33.0%" in story.concentration_sentence(
        down
    ) and "less concentrated" in story.concentration_sentence(down)
    assert story.concentration_sentence(None) == ""
    assert story.breadth_sentence(summary.assign(Latest=[0.4, np.nan]), 200).startswith(
        "In the S&P 500 the share above the 200-day average fell"
    )


def test_breadth_metrics_and_concentration_gap():
    summary = pd.DataFrame({"Universe": ["S&P 500", "IWM holdings"], "Latest": [0.62, 0.41]})
    rows = story.breadth_metrics(summary, None, 200)
    assert rows[0][1] == pytest.approx(62.0) and rows[1][1] == pytest.approx(41.0) and rows[2][1] is None
    assert story.concentration_gap(pd.DataFrame({"date": [pd.Timestamp("2025-01-31")]}), "2025-02-01") is None
    assert "concentration is not shown" in story.concentration_gap(pd.DataFrame(columns=["date"]), "2009-06-30")


def test_survivor_note_words_the_coverage_ranges():
    note = story.survivor_note(
        BR.coverage_range(pd.DataFrame({"coverage": [0.9, 0.95]})),
        BR.coverage_range(pd.DataFrame({"coverage": [np.nan]})),
        pd.Timestamp("2024-12-31"),
    )
    assert "names still listed on its as-of date 2024-12-31" in note
    assert "from 90.0% to 95.0% of the list by month" in note and "IWM holdings: none with known members" in note
    one = story.survivor_note(
        BR.coverage_range(pd.DataFrame({"coverage": [0.8, 0.8]})),
        BR.coverage_range(pd.DataFrame({"coverage": [0.7]})),
        "2026-07-13",
    )
    assert "80.0% (every month)" in one and "70.0% (one file)" in one


def test_rotation_rule_text_and_logic_are_one_object():
    assert all(
        w in story.ROTATION_RULE.text for w in ("IWM, IJH and the Other 493 (cap)", "2 of 3 sub-windows", "else mixed")
    )
    verdict, tally = story.ROTATION_RULE.apply({"a": 0.1, "b": 0.2, "c": 0.01}, pd.Series([0.01, -0.01, 0.02]), 42, 100)
    assert verdict == "supported"
    assert (
        story.verdict_reason(verdict, tally, {}, {})
        == "all 3 spreads positive; lead spread positive in 2 of 3 sub-windows"
    )


def test_verdict_reason_for_each_branch():
    subs = pd.Series([0.1, 0.1, 0.1])
    v, t = ROV.rotation_verdict({"a": np.nan, "b": 0.2}, subs, 42, 100)
    gaps = {"IWM": "IWM has no prices before 2000-05-26"}
    assert story.verdict_reason(v, t, {"a": ["IWM", "SPY"], "b": ["IJH"]}, gaps) == (
        "no data for a over the window: IWM has no prices before 2000-05-26"
    )
    v, t = ROV.rotation_verdict({"a": 0.1}, subs, 42, 20)
    assert story.verdict_reason(v, t, {}, {}) == "the window has 20 trading days, fewer than 42"
    v, t = ROV.rotation_verdict({"a": -0.1, "b": -0.2, "c": 0.3}, subs, 42, 100)
    assert v == "not supported" and story.verdict_reason(v, t, {}, {}) == "1 of 3 spreads positive"
    v, t = ROV.rotation_verdict({"a": 0.1, "b": -0.2, "c": 0.3}, subs, 42, 100)
    assert story.verdict_reason(v, t, {}, {}) == "2 of 3 spreads positive; lead spread positive in 3 of 3 sub-windows"


def test_verdict_evidence_sentence_and_metrics():
    spreads = {"IWM - SPY": 0.0486, "Other 493 - Mag 7 (cap)": float("nan")}
    text = story.spreads_evidence(spreads, "2025-01-02 to 2025-12-31")
    assert text == "IWM - SPY +4.9 pp; Other 493 - Mag 7 (cap) n/a over 2025-01-02 to 2025-12-31"
    assert story.verdict_evidence("inconclusive", text, "why").endswith("(why)")
    assert story.verdict_evidence("mixed", text, "why") == text
    line = story.verdict_sentence("mixed", "r", text, "w", {"B3": "confirmed", "B4": "mixed"})
    assert line.startswith("**Verdict: the rotation is mixed** over w (r).")
    assert line.endswith("Claims: B3 confirmed, B4 mixed.")
    rows = story.verdict_metrics(spreads)
    assert rows[0] == ("verdict_iwm_spy_pp", pytest.approx(4.86), "pp", "IWM minus SPY over the window")
    assert rows[1][0] == "verdict_other_493_mag_7_cap_pp" and rows[1][1] is None
    assert story.verdict_metric_names(spreads) == ["verdict_iwm_spy_pp", "verdict_other_493_mag_7_cap_pp"]


def test_sub_window_and_timing_tables_label_units():
    subs = pd.DataFrame(
        {"from": pd.to_datetime(["2025-01-02"]), "to": pd.to_datetime(["2025-05-01"]), "spread": [-0.0123]}
    )
    headers, rows = rendered(*story.sub_window_table(subs, "SPY"))
    assert headers == ["from", "to", "IWM - SPY"] and rows == [["2025-01-02", "2025-05-01", "-1.2 pp"]]
    table = ROV.timing_table({"IWM": _timing()})
    headers, rows = rendered(*story.timing_table(table))
    assert column(headers, rows, "Rule turned in Q4 2025") == ["2025-11-03"]
    assert column(headers, rows, "2025-12-31 to 2026-01-16 relative") == ["+3.0 pp"]
    assert column(headers, rows, "Percentile vs prior 5 years") == ["95.0%"]


def test_basket_and_breadth_reasons_name_the_missing_input():
    d = pd.Timestamp
    assert story.basket_reason(RC.BasketGap("Other 493 (equal)", "members", d("2012-12-27"))) == (
        "Other 493 (equal): no S&P 500 members are known before 2012-12-27, when the change log starts"
    )
    assert story.basket_reason(RC.BasketGap("Other 493 (cap)", "members")).endswith("are known for the window")
    assert story.basket_reason(RC.BasketGap("Mag 7 (cap)", "prices", members=7)) == (
        "Mag 7 (cap): none of its 7 members has prices in the window"
    )
    assert story.basket_reason(RC.BasketGap("Mag 7 (cap)", "caps", d("2008-01-07"))) == (
        "Mag 7 (cap): there are no month-end market caps up to 2008-01-07"
    )
    assert story.basket_reason(RC.BasketGap("Mag 7 (cap)", "caps_late", d("2021-01-29"))) == (
        "Mag 7 (cap): month-end market caps start 2021-01-29"
    )
    assert story.basket_reason(RC.BasketGap("X", "level", d("2019-03-01"))) == "X: its first level is on 2019-03-01"
    assert story.basket_reason(RC.BasketGap("X", "level")) == "X: it has no level in the window"
    series = {"MAGS": "MAGS has no prices before 2024-04-11"}
    merged = story.gap_reasons((series, {"X": RC.BasketGap("X", "level")}))
    assert merged == {"MAGS": "MAGS has no prices before 2024-04-11", "X": "X: it has no level in the window"}
    reasons = story.breadth_reasons(
        {
            "S&P 500": BR.BreadthGap("S&P 500", "members", d("2012-12-27")),
            "IWM": BR.BreadthGap("IWM", "history", d("2019-06-28"), 30, 31, 200),
        }
    )
    assert reasons["S&P 500"] == (
        "S&P 500: no members are known for the window (the membership source starts 2012-12-27), "
        "so breadth cannot be measured"
    )
    assert reasons["IWM"].startswith("IWM: only 30 of 31 members have prices up to 2019-06-28")
    assert "first reading is on 2019-05-01" in story.breadth_reason(BR.BreadthGap("IWM", "late", d("2019-05-01")))
    assert "none of the members has prices up to 2019-06-28" in story.breadth_reason(
        BR.BreadthGap("IWM", "prices", d("2019-06-28"))
    )


def test_captions_carry_the_run_dates_and_parameters():
    cap = story.Captions("SPY", pd.Timestamp("2024-12-31"), 50, 200, 150, 2825.0)
    assert cap.returns_title == "Total return since 2024-12-31"
    assert (
        cap.rebased_axis == "Total return index (2024-12-31 = 100)" and cap.relative_axis == "Ratio (2024-12-31 = 100)"
    )
    lv = RO.long_view(pd.Series([1.0, 2.0], index=pd.to_datetime(["2000-05-26", "2000-05-30"])))
    assert cap.long_view(lv) == (
        "IWM / SPY total-return ratio",
        "Ratio (2000-05-26 = 100)",
        "adjusted closes (IWM from 2000-05-26)",
    )
    assert cap.regime == (
        "IWM / SPY and its 50- and 200-day averages",
        "Ratio (price of IWM in SPY shares)",
        ("ratio", "50-day", "200-day"),
    )
    assert cap.breadth == "Share of members above their 150-day average"
    assert cap.target_chart({"implied_base": 2478.07}) == (
        "Russell 2000 (^RUT) against the 2,825 target",
        "target 2,825",
        "implied 2025 base 2,478",
        "2025 year-end close",
    )


def test_the_risk_free_caveat_follows_the_source_that_served_it():
    from types import SimpleNamespace

    data = SimpleNamespace(
        holdings_dates=[],
        base_day=pd.Timestamp("2025-01-02"),
        last_day=pd.Timestamp("2025-12-31"),
        changes=pd.DataFrame({"date": pd.to_datetime(["2024-12-20", "2025-03-21", "2025-06-23", "2025-09-22"])}),
        lookback=pd.Timestamp("2024-06-01"),
        read_limit=pd.Timestamp("2025-12-31"),
        rf_source="snapshot",
    )
    full = BR.coverage_range(pd.DataFrame({"coverage": [0.9]}))
    a1 = [{"id": "A1", "verdict": "confirmed"}]
    notes = story.caveats(data, full, full, 12, 0, a1, "2025-12-31")
    assert "derives DGS3MO" in notes and "0 of 12 month-end snapshots" in notes
    data.rf_source = "fred"
    assert "DGS3MO" not in story.caveats(data, full, full, 12, 0, a1, "2025-12-31")
    assert "need month-end market caps" in story.caveats(data, full, full, 0, 0, a1, "2025-12-31")


def test_iso_dates_is_safe_on_missing_and_empty():
    df = pd.DataFrame({"d": [pd.Timestamp("2025-01-02"), None], "x": [1, 2]})
    assert story.iso_dates(df, ["d", "absent"])["d"].tolist() == ["2025-01-02", ""]
    assert story.iso_dates(df.iloc[:0], ["d"]).empty
