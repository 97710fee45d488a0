"""Report 06's words (rotation_utils.story.sectors): sentences, display tables, claim
records, the verdict rule, metric rows and caveats, on small typed results; numbers,
direction words and branches must follow the inputs given, of either sign."""

import numpy as np
import pandas as pd
import pytest

from rotation_utils.analytics import sectors as S
from rotation_utils.analytics import sectors_members as M
from rotation_utils.analytics import sectors_verdicts as SV
from rotation_utils.claim_values import Shown
from rotation_utils.narrative import markdown_text, no_markup
from rotation_utils.story import sectors as story
from rotation_utils.verdicts import ClaimVerdict, ReportVerdict

T = pd.Timestamp
COV = {"holdings": 10, "full_window": 6, "listed_later": 1, "stopped_early": 2, "no_prices": 3}


def _years(rows):
    years = pd.DataFrame(rows).T
    years.index.name = "year"
    return years


def _leaders(leader_rel):
    return pd.DataFrame(
        {
            "period": ["2025Q1", "2025Q2", "2025Q3"],
            "leader": ["XLF", "XLV", "XLF"],
            "leader_rel": [0.02, 0.03, leader_rel],
            "laggard": ["XLV", "XLI", "XLV"],
            "laggard_rel": [-0.02, -0.01, -0.03],
        }
    )


# ---- labels, captions, data -------------------------------------------------------------
def test_etf_labels_cover_every_fund_family_and_source_names_the_data_layer():
    from rotation_utils.universes import INDUSTRY_ETFS, SECTOR_ETFS, SIZE_STYLE_ETFS

    for family in (SECTOR_ETFS, INDUSTRY_ETFS, SIZE_STYLE_ETFS):
        assert all(story.ETF_LABELS[t] == name for t, name in family.items())
    assert "data layer" in story.PRICE_SOURCE
    assert story.fund_label("XLF") == f"XLF {SECTOR_ETFS['XLF']}" and story.fund_label("ZZZ") == "ZZZ "


def test_heatmap_frame_names_rows_and_shows_points():
    rel = pd.DataFrame({pd.Period("2025-01", "M"): [0.012, -0.034]}, index=["XLF", "ZZZ"])
    out = story.heatmap_frame(rel)
    assert list(out.index) == [story.fund_label("XLF"), "ZZZ "] and list(out.columns) == ["2025-01"]
    assert out.iloc[:, 0].tolist() == pytest.approx([1.2, -3.4])
    assert rel.iloc[0, 0] == 0.012  # the input is not changed


def test_captions_and_calendar_note_follow_parameters_and_data():
    c = story.Captions("RSP", T("2025-05-13"))
    assert c.monthly == "Monthly return minus RSP" and c.monthly_scale == "percentage points vs RSP"
    assert c.baskets_source.endswith("; IWM holdings file 2025-05-13")
    assert c.breadth_source.endswith("members from IWM holdings 2025-05-13, priced at the start")
    assert story.calendar_note(pd.Series({2025: True, 2026: False})) == "last column is year to date"
    assert story.calendar_note(pd.Series({2024: True, 2025: True})) == ""


def test_membership_sentence_says_whether_the_file_is_point_in_time():
    before = story.membership_sentence(
        "2025-01-02 to 2025-06-30", "2025-01-02", M.file_timing("2024-12-31", "2025-01-02", "2025-06-30"), COV
    )
    assert "the latest file on or before the start" in before and "**2024-12-31**" in before
    assert "Of its 10 equity lines, 6 have prices over the whole window, 1 start trading" in before
    assert "2 stop trading before the end, and 3 have no prices" in before
    after = story.membership_sentence("w", "2025-01-02", M.file_timing("2025-01-12", "2025-01-02"), COV)
    assert "**10 days after the start**" in after and "not point-in-time" in after
    ended = story.membership_sentence("w", "2024-01-01", M.file_timing("2025-05-13", "2024-01-01", "2024-12-31"), COV)
    assert "**2025-05-13**, **after the window end 2024-12-31**" in ended and "look-ahead" in ended


def test_gap_sentences_name_the_funds_and_the_member_counts():
    gaps = {"KBWB": "KBWB has no prices before 2011-11-01", "XLRE": "XLRE has no prices before 2015-10-08"}
    text = story.gaps_sentence(gaps)
    assert text.startswith("**Not covered from the window start:** KBWB has no prices before 2011-11-01; XLRE")
    assert "only 6 of 10 holdings are priced at the start" in story.members_gap_sentence(COV)
    assert story.members_skipped_sentence(COV).startswith("Skipped: only 6 of 10 IWM holdings")
    assert story.no_lines_sentence(gaps).startswith(
        "No healthcare or bank series covers the window: KBWB has no prices before 2011-11-01;"
    )
    assert "XLRE" not in story.no_lines_sentence(gaps)  # only the healthcare and bank funds are named


# ---- section 1: calendar years and claim A7 -----------------------------------------------
def test_calendar_and_a7_tables_have_reader_headers_and_formats():
    cal = pd.DataFrame({"XLF": [0.1, 0.2], "ZZZ": [0.0, 0.1]}, index=["2024", "2025 YTD"])
    frame, formats = story.calendar_table(cal)
    assert list(frame.columns) == ["Ticker", "Name", "2024", "2025 YTD"]
    assert frame["Name"].tolist() == [story.ETF_LABELS["XLF"], ""] and formats == {"pct": ["2024", "2025 YTD"]}
    years = _years({2023: {"KBWB": 0.3, "SPY": 0.2}, 2024: {"KBWB": 0.1, "SPY": 0.2}, 2025: {"KBWB": 0.3, "SPY": 0.1}})
    a7 = SV.a7_assessment(years, pd.Series({2023: True, 2024: True, 2025: True}))
    table = story.a7_table(a7)
    assert list(table.frame.columns) == ["Year", "KBWB", "SPY", "KBWB minus SPY", "Status"]
    assert table.formats == {"pct": ["KBWB", "SPY"], "pp": ["KBWB minus SPY"]}


def test_a7_evidence_words_each_year_by_its_sign():
    years = _years(
        {2023: {"KBWB": -0.01, "SPY": 0.26}, 2024: {"KBWB": 0.31, "SPY": 0.23}, 2025: {"KBWB": 0.30, "SPY": 0.16}}
    )
    done = pd.Series({2023: True, 2024: True, 2025: True})
    text = story.a7_evidence(SV.a7_assessment(years, done))
    assert text.startswith("KBWB beat SPY in 2 of 3 complete claimed years (")
    assert "2023: KBWB -1.0% vs SPY +26.0%, lagged by 27.0 pp" in text
    assert "2024: KBWB +31.0% vs SPY +23.0%, beat by 8.0 pp" in text
    partial = SV.a7_assessment(years.assign(KBWB=years["SPY"] + 0.05), pd.Series({2023: True, 2024: True, 2025: False}))
    text = story.a7_evidence(partial)
    assert text.startswith("Unverifiable on this window: 2 of the 3 claimed years are complete inside it")
    assert "2025: KBWB +21.0% vs SPY +16.0%, beat by 5.0 pp (year to date only, not counted)" in text
    inside = SV.a7_assessment(years, done, inside=[2024])
    text = story.a7_evidence(inside)
    assert text.startswith("Unverifiable on this window: 1 of the 3 claimed years is complete inside it")
    assert "2023: outside the window, not judged" in text and "27.0" not in text


def test_a7_says_why_claimed_years_are_missing():
    years = _years({2008: {"KBWB": np.nan, "SPY": -0.37}, 2009: {"KBWB": np.nan, "SPY": 0.26}})
    gaps = {"KBWB": "KBWB has no prices up to 2009-06-30 in this source"}
    a = SV.a7_assessment(years, pd.Series({2008: True, 2009: False}), last_day="2009-06-30", gaps=gaps)
    assert a.verdict == "unverifiable" and a.complete_years == 0
    assert story.a7_evidence(a) == (
        "None of the claimed years 2023-2025 can be measured on this window: the window ends "
        "2009-06-30, before 2023; KBWB has no prices up to 2009-06-30 in this source."
    )
    # some years measured, one after the window end: the year says why
    two = _years({2023: {"KBWB": 0.3, "SPY": 0.2}, 2024: {"KBWB": 0.3, "SPY": 0.2}})
    b = SV.a7_assessment(two, pd.Series({2023: True, 2024: True}), last_day="2024-12-31")
    assert b.verdict == "unverifiable"
    assert "2025: not in the data (the window ends 2024-12-31, before 2025)" in story.a7_evidence(b)


def test_calendar_sentence_names_the_years_shown_and_a7():
    years = _years({2019: {"KBWB": 0.3, "SPY": 0.2}, 2024: {"KBWB": 0.1, "SPY": 0.2}})
    a7 = SV.a7_assessment(years, pd.Series({2019: True, 2024: True}))
    text = story.calendar_sentence(years, "2023-01-01", a7)
    assert text.startswith("The calendar table covers 2019-2024 whatever the window start (2023-01-01).")
    assert text.endswith(story.a7_evidence(a7)) and "**A7 read from it:**" in text


def test_a7_record_carries_the_yearly_differences_in_points():
    years = _years({2023: {"KBWB": 0.3, "SPY": 0.2}, 2024: {"KBWB": 0.1, "SPY": 0.2}, 2025: {"KBWB": 0.3, "SPY": 0.1}})
    a7 = SV.a7_assessment(years, pd.Series({2023: True, 2024: True, 2025: True}))
    rec = story.a7_record(a7)
    assert (rec["claim_id"], rec["verdict"], rec["claimed"], rec["measured"]) == ("A7", "contradicted", 3, 2)
    assert rec["evidence"] == story.a7_evidence(a7) and rec["unit"] == "years" and rec["complete_years"] == 3
    assert isinstance(rec["kbwb_minus_spy_2024"], Shown)
    assert rec["kbwb_minus_spy_2024"].value == pytest.approx(-10.0) and rec["kbwb_minus_spy_2024"].unit == "pp"
    partial = SV.a7_assessment(years, pd.Series({2023: True, 2024: True, 2025: False}))
    assert story.a7_record(partial)["measured"] is None


# ---- section 2: leadership ------------------------------------------------------------------
def test_leadership_sentence_reads_best_worst_and_quarters_from_the_summary():
    rel = pd.Series({"XLF": 0.05, "XLI": -0.01, "ZZZ": -0.08})
    text = story.leadership_sentence("W", S.leadership_summary(rel, _leaders(0.015)), "SPY")
    assert text.startswith(f"Over W, XLF, {story.ETF_LABELS['XLF']}, beat SPY by 5.0 pp")
    assert "ZZZ, ZZZ, lagged SPY by 8.0 pp (worst)" in text  # no label: the ticker stands in
    assert "changed hands 2 times in 3 quarters" in text
    assert "XLF led most often (2 quarters)" in text
    assert "(2025Q3, to date) is led by XLF (+1.5 pp)" in text
    assert "1 sector ETF of 3 beat SPY" in text
    # every fund behind the benchmark: both named as lagging, none counted as beating
    behind = story.leadership_sentence("W", S.leadership_summary(rel - 0.1, _leaders(-0.002)), "SPY")
    assert "XLF, " in behind and "lagged SPY by 5.0 pp (best sector ETF)" in behind
    assert "led by XLF (-0.2 pp)" in behind and "0 sector ETFs of 3 beat SPY" in behind


def test_leaders_table_names_the_benchmark():
    table = story.leaders_table(_leaders(0.01), "RSP")
    assert list(table.frame.columns) == ["Quarter", "Leader", "Leader vs RSP", "Laggard", "Laggard vs RSP"]
    assert table.formats == {"pp": ["Leader vs RSP", "Laggard vs RSP"]}


# ---- section 3: healthcare and banks, claim A9 --------------------------------------------
def test_healthcare_banks_sentence_follows_signs_prints_and_gaps():
    win = pd.Series({"IWM": 0.12, "SPY": -0.03})
    text = story.healthcare_banks_sentence(
        T("2025-01-02"), win, "IWM", ["XBI"], 4, 3, {"h": 0.004, "f": -0.012}, {"KBWB": "KBWB has no prices"}
    )
    assert text.startswith("Since 2025-01-02, IWM returned +12.0% and SPY -3.0%. Beat both: XBI (1 of 4).")
    assert "Replacing the 3 suspect prints in member prices moves the healthcare basket by +0.4 pp" in text
    assert "financials basket by -1.2 pp." in text and text.endswith(" Left out: KBWB has no prices.")
    none = story.healthcare_banks_sentence(T("2025-01-02"), win, "IWM", [], 4, 0, {}, {})
    assert "Beat both: none (0 of 4)." in none and none.endswith(
        "The constituent baskets are skipped (no member prices)."
    )
    clean = story.healthcare_banks_sentence(T("2025-01-02"), win, "IWM", [], 4, 0, {"h": 0.0, "f": 0.0}, {})
    assert "suspect print" not in clean and "skipped" not in clean and "Left out" not in clean
    frame, formats = story.versus_table(pd.DataFrame({"Series": ["XBI"]}), ["IWM", "SPY"])
    assert formats == {"pct": ["Return"], "pp": ["minus IWM", "minus SPY"]}


def test_a9_evidence_table_and_sentence_follow_the_legs():
    base = {"SPY": 0.10, "IWM": 0.12}
    done = pd.Series({2026: False})
    mixed = SV.a9_assessment(_years({2026: {**base, "XBI": 0.40, "KRE": 0.05}}), done, trading_days=100)
    text = story.a9_evidence(mixed)
    assert text.startswith("In 2026 to date (100 trading days; the year is not over), small-cap healthcare (XBI)")
    assert "returned +40.0% (+30.0 pp vs SPY, +28.0 pp vs IWM) and led" in text
    assert "mid-cap banks (KRE) returned +5.0% (-5.0 pp vs SPY, -7.0 pp vs IWM) and did not lead." in text
    full = SV.a9_assessment(
        _years({2026: {**base, "XBI": 0.40, "KRE": 0.50}}), pd.Series({2026: True}), trading_days=250
    )
    assert story.a9_evidence(full).startswith("In 2026, ")
    table = story.a9_table(mixed)
    assert list(table.frame.columns) == ["Group", "ETF", "2026 return", "minus SPY", "minus IWM"]
    assert table.formats == {"pct": ["2026 return"], "pp": ["minus SPY", "minus IWM"]}
    sentence = story.a9_sentence(mixed, T("2026-07-13"), "IWM")
    assert sentence.startswith(f"**A9:** {text} Measured from the 2025 year-end close")
    assert sentence.endswith("beats both SPY and IWM.")


def test_a9_says_why_it_cannot_be_tested():
    base = {"SPY": 0.10, "IWM": 0.12, "XBI": 0.4, "KRE": 0.5}
    early = SV.a9_assessment(_years({2025: base}), pd.Series({2025: True}), trading_days=0)
    assert story.a9_evidence(early) == "Cannot be tested on this window: the window has no 2026 data."
    assert story.a9_sentence(early, T("2025-06-30"), "IWM").endswith(
        "The window ends 2025-06-30; run with an end date in 2026 (or no end date) to test it."
    )
    short = SV.a9_assessment(_years({2026: base}), pd.Series({2026: False}), trading_days=5)
    assert "only 5 trading days of 2026 are in the window (fewer than 21)" in story.a9_evidence(short)
    no_spy = SV.a9_assessment(_years({2026: {**base, "SPY": np.nan}}), pd.Series({2026: False}), trading_days=30)
    assert story.a9_evidence(no_spy) == "Cannot be tested: no 2026 return for SPY."


def test_a9_record_carries_each_etf_minus_each_benchmark():
    years = _years({2026: {"SPY": 0.10, "IWM": 0.12, "XBI": 0.40, "KRE": 0.05}})
    a9 = SV.a9_assessment(years, pd.Series({2026: False}), trading_days=100)
    rec = story.a9_record(a9)
    assert (rec["claim_id"], rec["verdict"], rec["trading_days_2026"], rec["year_complete"]) == (
        "A9",
        "mixed",
        100,
        False,
    )
    assert rec["XBI minus SPY"].value == pytest.approx(30.0) and rec["KRE minus IWM"].value == pytest.approx(-7.0)
    assert rec["Mid-cap banks average minus SPY"].label == "Mid-cap banks average minus SPY, 2026"
    untested = story.a9_record(SV.a9_assessment(years, pd.Series({2026: False}), trading_days=3))
    assert untested["verdict"] == "unverifiable" and not any(k.endswith("minus SPY") for k in untested)


# ---- sections 4 and 5: weights and members ------------------------------------------------
def test_weights_sentence_names_largest_sector_and_biggest_moves():
    w = pd.DataFrame(
        {"2024-06-28": [0.20, 0.15, 0.10], "2025-06-30": [0.18, 0.17, 0.10]},
        index=["Financials", "Health Care", "Energy"],
    )
    text = story.weights_sentence(M.weight_shift(w))
    assert (
        "The 2 holdings files known at the run's as-of date are shown whatever the window (2024-06-28 to 2025-06-30)."
        in text
    )
    assert "after the window end" not in text
    assert "Financials is the largest sector at 18.0%" in text
    assert "Health Care gained the most (+2.0 pp) and Financials lost the most (-2.0 pp)" in text
    late = story.weights_sentence(M.weight_shift(w, "2024-12-31"), "2024-12-31")
    assert "(2025-06-30 after the window end 2024-12-31)" in late
    # one file: no change to report, and the file is named with where it lies against the window
    one = story.weights_sentence(M.weight_shift(w[["2025-06-30"]], "2024-12-31"), "2024-12-31")
    assert one.startswith(
        "One holdings file is known at the run's as-of date: IWM holdings as of 2025-06-30, "
        "after the window end 2024-12-31."
    )
    assert "held the most" not in one and "Financials is the largest sector at 18.0%" in one
    frame, formats = story.weights_table(w, M.weight_change(w))
    assert list(frame.columns) == ["Sector", "2024-06-28", "2025-06-30", "Change (pp)"]
    assert formats == {"pct": ["2024-06-28", "2025-06-30"], "pp": ["Change (pp)"]}


def _breadth(share, top_mean, bottom_mean):
    top = pd.DataFrame({"Ticker": ["A"], "Sector": ["Tech"], "Return": [top_mean]})
    bottom = pd.DataFrame({"Ticker": ["Z"], "Sector": ["Energy"], "Return": [bottom_mean]})
    return M.MemberBreadth(
        summary={"members": 4, "beat": int(share * 4), "share_beat": share, "median": -0.02, "index_return": 0.05},
        by_sector=pd.DataFrame(),
        top=top,
        bottom=bottom,
        prints_in_window=pd.DataFrame({"ticker": []}),
        late=[],
        top_mean=top_mean,
        bottom_mean=bottom_mean,
        leader_sectors=["Tech", "Health Care"],
        broad=share >= 0.5,
    )


def test_breadth_sentence_says_broad_or_narrow_from_the_flag():
    broad = story.breadth_sentence(_breadth(0.75, 0.9, -0.4), "IWM")
    assert broad.startswith("3 of 4 members (75.0%) beat IWM's +5.0%; the median member returned -2.0%")
    assert "leadership was **broad** (broad when at least half the members beat the index)" in broad
    assert "The top 1 averaged +90.0%, the bottom 1 -40.0%. Leaders sit in Tech and Health Care." in broad
    narrow = story.breadth_sentence(_breadth(0.25, 0.1, -0.6), "IWM")
    assert "1 of 4 members (25.0%)" in narrow and "leadership was **narrow**" in narrow


def test_member_lists_give_each_table_its_csv_name():
    lists = story.member_lists(_breadth(0.5, 0.1, -0.1))
    assert [(name, title) for _, name, title, _ in lists] == [
        ("iwm_leaders", "IWM leaders over the window"),
        ("iwm_laggards", "IWM laggards over the window"),
    ]
    heading, _, _, table = lists[0]
    assert heading.startswith("**Leaders** (return over the window;")
    assert table.frame["Ticker"].tolist() == ["A"] and table.formats == {"pct": ["Return", "Return as in source"]}


# ---- claims and the verdict ----------------------------------------------------------------------
def test_claims_sentence_quotes_the_recorded_verdicts_and_rules():
    claims = [
        {"id": "A7", "verdict": ClaimVerdict.CONFIRMED, "evidence": "E7."},
        {"id": "A9", "verdict": ClaimVerdict.MIXED, "evidence": "Provisional: E9."},
    ]
    text = story.claims_sentence(claims, "IWN")
    assert text.startswith(f"**A7: confirmed.** Rule: {story.A7_RULE}. E7.\n\n**A9: mixed.** Rule: confirmed if")
    assert "confirmed if both small-cap healthcare (XBI) and mid-cap banks (KRE) lead SPY and IWN in 2026" in text
    assert text.endswith("Provisional: E9.")


def test_thesis_rule_text_and_logic_are_one_object():
    rule = story.thesis_rule("RSP", 30)
    # the groups named in the text are the groups the logic averages (THESIS_GROUPS)
    assert (
        "supported if mid-cap banks (KRE), small-cap healthcare (XBI) and industrials (XLI) all beat RSP" in rule.text
    )
    assert "shorter than 30 trading days" in str(rule)
    win = pd.Series({"RSP": 0.1, "KRE": 0.2, "XBI": 0.3, "XLI": 0.15})
    out = rule.apply(win, days=60)
    assert out.value == ReportVerdict.SUPPORTED and out.market == "RSP"
    assert rule.apply(win, days=29).value == ReportVerdict.INCONCLUSIVE  # the rule's own minimum
    assert rule.apply(pd.Series({**win, "RSP": 0.5}), days=60).value == ReportVerdict.NOT_SUPPORTED


def test_groups_evidence_names_beaters_laggards_and_missing_funds():
    win = pd.Series({"SPY": 0.02, "KRE": 0.03, "XBI": 0.01, "XLI": 0.025})
    text = story.groups_evidence(SV.named_sector_verdict(win))
    assert text == "Beat SPY over the window: Mid-cap banks and Industrials; did not: Small-cap healthcare."
    short = story.groups_evidence(SV.named_sector_verdict(win, days=15, min_days=42))
    assert short.startswith("Too short to call leadership: the window has 15 trading days, fewer than 42. Beat SPY")
    gaps = {"KBWB": "KBWB has no prices before 2011-11-01", "XBI": "XBI has no prices up to 2001-12-31 in this source"}
    two = {"Banks": ["KBWB", "KRE"], "Small-cap healthcare": ["XBI"], "Industrials": ["XLI"]}  # a group of two ETFs
    partial = SV.named_sector_verdict(win, gaps=gaps, groups=two)
    assert partial.value == "mixed"
    assert (
        "No window return for KBWB (KBWB has no prices before 2011-11-01); each group is averaged"
        in story.groups_evidence(partial)
    )
    none = SV.named_sector_verdict(win.drop("XBI"), gaps=gaps, groups=two)
    assert none.value == "inconclusive"
    assert story.groups_evidence(none).endswith("so Small-cap healthcare cannot be measured.")
    assert "XBI has no prices up to 2001-12-31" in story.groups_evidence(none)


def test_thesis_label_evidence_and_verdict_sentence():
    covered = SV.ThesisWindow(T("2026-01-01"), T("2025-12-31"), T("2026-07-13"), 131, "2026", True)
    assert story.thesis_label(covered) == "2025-12-31 to 2026-07-13 (131 trading days of 2026 so far)"
    whole = SV.ThesisWindow(T("2026-01-01"), T("2025-12-31"), T("2026-12-31"), 251, "2026", False)
    assert story.thesis_label(whole).endswith("(251 trading days of 2026)")
    none = SV.ThesisWindow(None, None, None, 0, "2026", False, "the window ends 2024-12-31; the claim is about 2026")
    assert story.thesis_label(none) == "none: the window ends 2024-12-31; the claim is about 2026"
    test = SV.named_sector_verdict(pd.Series({"SPY": 0.1, "KRE": 0.2, "XBI": 0.3, "XLI": 0.15}), days=0)
    assert story.thesis_evidence(test, none) == (
        "The calls are about 2026 and this run has none of it (the window ends 2024-12-31; the claim is about 2026)."
    )
    assert story.thesis_evidence(test, covered) == story.groups_evidence(test)
    rule = story.thesis_rule()
    text = story.verdict_sentence(ReportVerdict.MIXED, covered, rule, "E.")
    assert text == f"**Overall: mixed.** Thesis window: {story.thesis_label(covered)}. Rule: {rule.text}. E."
    frame, formats = story.verdict_table(test.table)
    assert formats == {"pct": ["return"], "pp": ["minus market"]}


# ---- metric rows and caveats ---------------------------------------------------------------
def test_verdict_metric_rows_show_each_group_minus_the_market():
    win = pd.Series({"SPY": 0.10, "KBWB": 0.05, "KRE": 0.03, "XBI": 0.20, "XLI": np.nan})
    rows = story.verdict_metric_rows(SV.named_sector_verdict(win, "SPY").table, "SPY")
    assert story.metric_names(rows) == [
        "mid_cap_banks_minus_market_pp",
        "small_cap_healthcare_minus_market_pp",
        "industrials_minus_market_pp",
    ]
    assert rows[0][1] == pytest.approx(-7.0) and rows[1][1] == pytest.approx(10.0) and rows[2][1] is None
    assert rows[0][3] == "Mid-cap banks (KRE) minus SPY over the window"


def test_window_metric_rows_carry_years_sectors_and_breadth():
    years = _years({2023: {"KBWB": 0.3, "SPY": 0.2}, 2024: {"KBWB": 0.1, "SPY": 0.2}, 2025: {"KBWB": 0.3, "SPY": 0.1}})
    a7 = SV.a7_assessment(years, pd.Series({2023: True, 2024: True, 2025: False}))
    lead = S.leadership_summary(pd.Series({"XLF": 0.05, "XLV": -0.08}), _leaders(0.01))
    rows = {r[0]: r for r in story.window_metric_rows(a7, lead, "SPY", _breadth(0.25, 0.1, -0.1), "IWM")}
    assert rows["kbwb_minus_spy_2023"][1] == pytest.approx(10.0) and rows["kbwb_minus_spy_2025"][1] is None
    assert rows["best_sector"][1:] == ("XLF", "", "Best sector ETF over the window (+5.0 pp vs SPY)")
    assert rows["worst_sector_minus_benchmark"][1] == pytest.approx(-8.0)
    assert rows["share_members_beat_iwm"][1:] == (25.0, "%", "Share of IWM members beating IWM")


def test_member_caveats_follow_the_inputs():
    cov = {"holdings": 10, "no_prices": 2, "listed_later": 1, "stopped_early": 0}
    prints = pd.DataFrame({"ticker": ["BAD"], "date": [pd.Timestamp("2025-03-03")]})
    late = story.member_caveats(cov, "2025-05-13", "2025-01-01", prints, ["JUMP"])
    assert "IWM holdings as of 2025-05-13, 132 days after the window start 2025-01-01" in late[0]
    assert "look-ahead" in late[0]
    assert "2 of 10 holdings" in late[1] and "survivors only" in late[1]
    assert "1 in the window (BAD)" in late[2] and "(JUMP)" in late[2]
    assert "after the window end" not in late[0]
    # a window that ends before the only file: the caveat names the file and says so
    ended = story.member_caveats(cov, "2025-05-13", "2024-01-01", prints, [], end="2024-12-31")
    assert "IWM holdings as of 2025-05-13, after the window end 2024-12-31" in ended[0]
    on_time = story.member_caveats({**cov, "stopped_early": 3}, "2025-05-13", "2025-06-01", prints.iloc[:0], [])
    assert "point-in-time" in on_time[0] and "look-ahead" not in on_time[0]
    assert "3 stop trading early" in on_time[1]
    assert "0 in the window (none)" in on_time[2]


def test_caveats_list_missing_items_and_the_year_to_date():
    many = [f"prices:T{i}" for i in range(12)]
    assert story.missing_note(many).startswith("12 requested items missing from the data: T0, T1,")
    assert story.missing_note(many).endswith("T8 and T9 ...")
    assert story.missing_note([]) == "0 requested items missing from the data."
    assert story.missing_note(["prices:ONE"]) == "1 requested item missing from the data: ONE"
    running = pd.Series({2025: True, 2026: False})
    assert story.year_to_date_note(running, "2026-07-13").startswith(
        "The last calendar year is year to date (2026-07-13)"
    )
    assert story.year_to_date_note(pd.Series({2025: True}), "2025-12-31") == "Every calendar year shown is complete."
    cov = {"holdings": 10, "no_prices": 2, "listed_later": 1, "stopped_early": 0}
    text = story.caveats(cov, "2024-12-31", "2025-01-02", _breadth(0.5, 0.1, -0.1), "2026-07-13", [], running)
    lines = text.split("\n")
    assert len(lines) == 5 and all(line.startswith("- ") for line in lines)
    assert lines[0] == "- Membership: IWM holdings as of 2024-12-31, on or before the start (point-in-time)."


def test_data_strings_cannot_become_markup():
    """Sector and company names come from the holdings files: a tag in one is shown as text."""
    shift = M.weight_shift(pd.DataFrame({"2025-06-30": [0.6, 0.4]}, index=["<b>Tech</b>", "Health"]))
    text = story.weights_sentence(shift)
    assert "<b>Tech</b>" in text  # the story keeps the data string; narrative.say escapes it on the page
    shown = markdown_text(no_markup(text))
    assert "<b>" not in shown and "&lt;b&gt;Tech&lt;/b&gt;" in shown
