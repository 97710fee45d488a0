"""Claim periods: every claim is judged on the part of its own period inside the run's window."""

import pandas as pd
import pytest

from rotation_utils import periods, reference_data
from rotation_utils.analytics import ledger
from rotation_utils.analytics.ledger_data import load_run_results
from rotation_utils.results import Report
from rotation_utils.story import ledger as story_ledger
from rotation_utils.verdicts import Rule


@pytest.fixture(scope="module")
def register():
    return reference_data.claims()


def test_every_register_claim_has_a_period_or_is_a_fact(register):
    ps = periods.register_periods(register)
    assert set(ps) == set(register["id"])
    for cid, p in ps.items():
        assert p.label, cid
        if p.kind == periods.NONE:  # legal and naming facts about the law (OBBBA)
            assert cid in {"A8", "B5", "B6", "B7"}
        else:
            assert p.start <= p.end and p.kind in (periods.FORWARD, periods.BACKWARD)
    # the articles' forward calls are about 2026; B11 about 2025 H2; B12 runs through 2025
    for cid in ("A1", "A3", "A5", "A9", "B8", "B9", "B10"):
        assert ps[cid].kind == periods.FORWARD and ps[cid].end == pd.Timestamp("2026-12-31")
    assert (ps["B11"].start, ps["B11"].end) == (pd.Timestamp("2025-07-01"), pd.Timestamp("2025-12-31"))
    assert ps["B12"].end == pd.Timestamp("2025-12-31") and ps["B12"].kind == periods.BACKWARD


def test_no_overlap_is_unverifiable_with_the_reason(register):
    p = periods.register_periods(register)["B11"]
    cov = periods.coverage(p, "2024-01-01", "2024-12-31")
    assert cov.status == "none"
    j = periods.judge("contradicted", "+0 bp over 0 cuts", cov, {"claimed": 1, "measured": 0})
    assert j["verdict"] == "unverifiable"
    assert j["evidence"] == "Cannot be tested on this window: the window ends 2024-12-31; the claim is about 2025 H2."
    assert "measured" not in j["values"] and j["values"]["claimed"] == 1
    late = periods.coverage(p, "2026-02-01", "2026-07-13")
    assert late.reason() == "the window starts 2026-02-01; the claim is about 2025 H2"


def test_forward_claim_on_part_of_its_year_is_provisional_with_trading_days(register):
    p = periods.register_periods(register)["A9"]
    sessions = pd.bdate_range("2025-12-01", "2026-07-13")
    cov = periods.coverage(p, "2023-01-01", "2026-07-13", sessions)
    assert cov.status == "partial" and cov.provisional
    n = int(((sessions >= "2026-01-01") & (sessions <= "2026-07-13")).sum())
    assert cov.trading_days == n
    j = periods.judge("contradicted", "Banks did not lead.", cov)
    assert j["verdict"] == "contradicted" and j["period"]["provisional"]
    assert j["evidence"].startswith(f"Provisional: so far, {n} trading days of 2026 (2026-01-01 to 2026-07-13)")


def test_backward_claim_partly_covered_is_judged_on_the_covered_part(register):
    p = periods.register_periods(register)["B12"]
    cov = periods.coverage(p, "2024-01-01", "2024-12-31")
    assert cov.status == "partial" and not cov.provisional
    assert (cov.covered_start, cov.covered_end) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert "inside the window, 2024-01-01 to 2024-12-31" in cov.note() and "through 2025" in cov.note()


def test_full_and_timeless_claims_pass_unchanged(register):
    ps = periods.register_periods(register)
    full = periods.coverage(ps["B11"], "2022-01-01", "2026-07-13")
    assert full.status == "full"
    assert periods.judge("mixed", "x", full)["evidence"] == "x"
    fact = periods.coverage(ps["B5"], "2024-01-01", "2024-12-31")
    assert fact.status == "timeless" and periods.judge("contradicted", "y", fact)["verdict"] == "contradicted"


def _write(run_dir, notebook, window, claims):
    out = run_dir / notebook
    out.mkdir(parents=True)
    rep = Report(notebook, notebook, {"start": window[0], "end": window[1]}, window=window)
    for cid, verdict, evidence, values in claims:
        rep.claim(cid, verdict, evidence, **values)
    rep.verdict("mixed", Rule("rule", lambda: "mixed"))
    rep.write(out / "results.json")
    return rep


def test_2024_window_gives_no_ledger_disagreement_for_claims_outside_it(register, tmp_path):
    w = ("2024-01-01", "2024-12-31")
    _write(
        tmp_path,
        "02_rate_sensitivity",
        w,
        [
            ("B11", "contradicted", "cutting in the second half of 2025 came to +0 bp over 0 cuts.", {}),
            ("A3", "mixed", "the file shows 0 cuts in 2026 up to 2024-12-31.", {}),
            ("B12", "mixed", "beta over the window.", {}),
        ],
    )
    _write(
        tmp_path,
        "05_ai_earnings",
        w,
        [("A5", "contradicted", "x", {"claimed": 33.0, "measured": 5.0}), ("B9", "contradicted", "x", {})],
    )
    _write(tmp_path, "06_sector_leadership", w, [("A9", "contradicted", "x", {})])
    led = ledger.build_ledger(register, load_run_results(tmp_path)).set_index("id")
    for cid in ("B11", "A3", "A5", "B9", "A9"):
        assert led.loc[cid, "verdict"] == "unverifiable", cid
        assert "the window ends 2024-12-31; the claim is about" in led.loc[cid, "evidence"]
        assert not led.loc[cid, "disagrees"]
    assert "2025 H2" in led.loc["B11", "evidence"]
    assert led.loc["B12", "evidence"].startswith(
        "Judged on the part of its period inside the window, 2024-01-01 to 2024-12-31"
    )
    # an unverifiable claim is never ranked by the top-claims rule
    assert "A5" not in set(ledger.top_claims(led.reset_index(), 3)["id"])


def test_provisional_verdicts_are_shown_and_never_disagree(register, tmp_path):
    _write(tmp_path, "05_ai_earnings", ("2025-01-01", "2026-07-13"), [("A5", "contradicted", "so far", {})])
    led = ledger.build_ledger(register, load_run_results(tmp_path))
    row = led.set_index("id").loc["A5"]
    assert row["provisional"] and row["public_verdict"] == "contradicted"
    assert not row["disagrees"]
    shown = story_ledger.display_table(led).set_index("Claim")
    assert shown.loc["A5", "Verdict"] == "contradicted (provisional)"
    assert shown.loc["A5", "Period"].startswith("2026")


#: the run windows the claims are checked on: the defaults (the widest report window to the
#: snapshot's as-of date) and the 2024 window of the issue
WINDOWS = {"defaults": ("2022-01-01", "2026-07-13"), "2024": ("2024-01-01", "2024-12-31")}


@pytest.mark.parametrize("window", sorted(WINDOWS))
@pytest.mark.parametrize("verdict", ["confirmed", "contradicted", "mixed", "unverifiable", "forecast pending"])
def test_a_claim_is_unverifiable_with_its_reason_or_provisional_never_both(register, window, verdict):
    # every claim of the register, whatever verdict a report hands in, on both windows
    rep = Report("nb", "nb", {}, window=WINDOWS[window])
    for cid in register["id"]:
        rep.claim(cid, verdict, "The report's reason.")
    for c in rep.claims:
        if c["verdict"] == "unverifiable":
            assert not c["provisional"] and not c["period"].get("provisional"), (window, c)
            assert not c["evidence"].startswith(("Provisional", "Judged on the part")), (window, c)
        if c["provisional"]:
            assert c["verdict"] != "unverifiable" and c["evidence"].startswith("Provisional: so far"), c
    by_id = {c["id"]: c for c in rep.claims}
    if verdict == "unverifiable" and window == "defaults":  # B8 and A2: the report's reason, unprefixed
        assert by_id["B8"]["evidence"] == by_id["A2"]["evidence"] == "The report's reason."
        assert by_id["B8"]["period"]["coverage"] == "partial"


def test_provisional_and_partial_notes_only_prefix_verdicts_the_data_reached(register):
    ps = periods.register_periods(register)
    a7 = periods.coverage(ps["A7"], "2024-01-01", "2024-12-31")  # backward, partly covered
    j = periods.judge("unverifiable", "Only 1 of the 3 claimed years is in the window.", a7)
    assert j["evidence"] == "Only 1 of the 3 claimed years is in the window." and not j["period"]["provisional"]
    assert periods.judge("contradicted", "x", a7)["evidence"].startswith("Judged on the part of its period")
