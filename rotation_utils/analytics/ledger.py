"""The claims ledger's logic: one row per claim of the register, with the verdict of this run.

One source of truth: a claim tested by a report takes its verdict, evidence and
values from that report's results.json *of the same run*; the ledger never
recomputes. A claim no report covers is settled from the register only when it
is a legal or published fact (its test column says "none: ..."); otherwise it is
"not run" (its report failed, or was not selected with ``--only``).

Where the data's verdict and the register's public status disagree, the row is
flagged: that is a finding, not an error. This module decides, counts and ranks;
the sentences and tables a reader sees are in :mod:`rotation_utils.story.ledger`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import pandas as pd

from ..results import CLAIM_VERDICTS
from ..runner.summary import report_window
from ..verdicts import DECIDED, ClaimVerdict, ReportVerdict

NOT_RUN = ClaimVerdict.NOT_RUN
VERDICT_ORDER = list(CLAIM_VERDICTS) + [NOT_RUN]
DECISIVE = (ClaimVerdict.CONFIRMED, ClaimVerdict.CONTRADICTED, ReportVerdict.MIXED)
#: the fewest claims with a decisive verdict the overall verdict needs (else "inconclusive")
MIN_DECIDED = 5
#: where the register's public source is a reprint or a secondary source, not the primary publication
SECONDARY_SOURCE = "reprint|via|news"
#: where a claim's data verdict comes from when no report recorded it and the register settles it
REGISTER = "register"

#: which report is expected to test each claim (for the "not run" message only;
#: verdicts always come from whatever report actually recorded the claim)
EXPECTED_REPORT = {
    "A1": "01_rotation_breadth",
    "B3": "01_rotation_breadth",
    "B4": "01_rotation_breadth",
    "A3": "02_rate_sensitivity",
    "B10": "02_rate_sensitivity",
    "B11": "02_rate_sensitivity",
    "B12": "02_rate_sensitivity",
    "A6": "03_valuation_gap",
    "B1": "03_valuation_gap",
    "B2": "03_valuation_gap",
    "A8": "04_obbba_tax",
    "B5": "04_obbba_tax",
    "B6": "04_obbba_tax",
    "B7": "04_obbba_tax",
    "A2": "05_ai_earnings",
    "A4": "05_ai_earnings",
    "A5": "05_ai_earnings",
    "B8": "05_ai_earnings",
    "B9": "05_ai_earnings",
    "A7": "06_sector_leadership",
    "A9": "06_sector_leadership",
}


def register_verdict(known_status: str) -> str | None:
    """Map the register's free-text public status to a ledger verdict (None: no public verdict).

    'partly contradicted' -> mixed; 'confirmed (as a forecast)' -> confirmed
    (the forecast was made); 'unverifiable (forecast)' -> unverifiable;
    'test with data ...' -> None.
    """
    s = (known_status or "").strip().lower()
    if not s or s.startswith("test with data"):
        return None
    if s.startswith("partly"):
        return ClaimVerdict.MIXED
    for v in (ClaimVerdict.CONTRADICTED, ClaimVerdict.CONFIRMED, ClaimVerdict.UNVERIFIABLE, ClaimVerdict.MIXED):
        if s.startswith(v):
            return v
    return None


def is_fact_claim(how_to_test: str) -> bool:
    """A legal or naming fact the data cannot test (register says 'none: ...')."""
    return (how_to_test or "").strip().lower().startswith("none")


def _recorded_claims(results: dict[str, dict]) -> dict[str, tuple[str, dict]]:
    """``{claim id: (notebook, claim)}``; a claim recorded by two reports raises ValueError."""
    recorded: dict[str, tuple[str, dict]] = {}
    for nb, res in results.items():
        for c in res.get("claims", []):
            if c["id"] in recorded and recorded[c["id"]][0] != nb:
                raise ValueError(f"claim {c['id']} is recorded by both {recorded[c['id']][0]} and {nb}")
            recorded[c["id"]] = (nb, c)
    return recorded


def build_ledger(register: pd.DataFrame, results: dict[str, dict]) -> pd.DataFrame:
    """One row per register claim, in register order.

    Args:
        register: the claims register (``reference_data.claims()``).
        results: ``{notebook: results.json dict}`` of the run's reports.

    Returns:
        Columns ``id, article, topic, claim, how_tested, verdict, evidence, shown,
        source_report, expected_report, expected_ran, public_fact, public_source,
        public_verdict, disagrees, provisional, period, values``. ``source_report`` is the
        notebook that recorded the claim, :data:`REGISTER` when the public record settles a
        fact claim, or "" when the claim was not run. ``evidence`` and ``shown`` (the values
        a reader sees; None in a file written before they were recorded) are the report's
        own, empty when no report recorded the claim (the story words why); ``values`` holds
        the claim's plain values (``claimed``/``measured``).
        A claim recorded by more than one report raises ValueError (two sources of truth).
    """
    recorded = _recorded_claims(results)
    rows = []
    for _, r in register.iterrows():
        public = register_verdict(r["known_status"])
        expected = EXPECTED_REPORT.get(r["id"], "")
        provisional = False
        if r["id"] in recorded:
            src, c = recorded[r["id"]]
            verdict, evidence, values = c["verdict"], c["evidence"], c.get("values") or {}
            shown = c.get("shown")  # None in a file written before "shown" existed
            provisional = bool(c.get("provisional"))
        elif is_fact_claim(r["how_data_can_test_it"]) and public is not None:
            verdict, evidence, values, shown, src = public, "", {}, [], REGISTER
        else:
            verdict, evidence, values, shown, src = NOT_RUN, "", {}, [], ""
        # only two decisive verdicts can disagree: "unverifiable" or "forecast pending" from
        # the data means the data cannot say yet, which is a caveat, not a contradiction;
        # a provisional verdict (part of a forward claim's period) is not final either
        disagrees = src != REGISTER and verdict in DECISIVE and public in DECISIVE and verdict != public
        rows.append(
            {
                "id": r["id"],
                "article": "A" if r["id"].startswith("A") else "B",
                "topic": r["topic"],
                "claim": r["claim_paraphrased"],
                "how_tested": r["how_data_can_test_it"],
                "verdict": verdict,
                "evidence": evidence,
                "shown": shown,
                "source_report": src,
                "expected_report": expected,
                "expected_ran": expected in results,
                "public_fact": r["known_fact"],
                "public_source": r["known_source"],
                "public_verdict": public or "",
                "disagrees": bool(disagrees and not provisional),
                "provisional": provisional,
                "period": r.get("period_label", ""),
                "values": values,
            }
        )
    return pd.DataFrame(rows)


def verdict_counts(ledger: pd.DataFrame) -> pd.Series:
    """Number of claims per verdict, in a fixed order (zeros kept)."""
    return ledger["verdict"].value_counts().reindex(VERDICT_ORDER, fill_value=0).astype(int)


def counts_frame(counts: pd.Series) -> pd.DataFrame:
    """The counts as the saved table: columns ``verdict`` and ``claims``."""
    return counts.rename_axis("verdict").reset_index(name="claims")


def decided_claims(counts: pd.Series) -> int:
    """How many claims have a decided verdict (confirmed, contradicted or mixed)."""
    return int(sum(int(counts.get(v, 0)) for v in DECIDED))


def relative_gap(values: dict) -> float:
    """|measured - claimed| / |claimed| for quantitative claims, else NaN."""
    try:
        claimed, measured = float(values["claimed"]), float(values["measured"])
    except (KeyError, TypeError, ValueError):
        return math.nan
    if not (math.isfinite(claimed) and math.isfinite(measured)) or claimed == 0:
        return math.nan
    return abs(measured - claimed) / abs(claimed)


def top_claims(ledger: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` claims that matter most for an investor (the rule is printed in the report's section 2).

    Quantitative claims tested in this run with a decided verdict (confirmed, contradicted or
    mixed: an unverifiable claim, whose data measure is not the claim's, is never ranked),
    ranked by the relative gap between the article's number and the measured one (largest
    first); if fewer than ``n`` have both numbers, the list is filled with tested claims whose
    verdict is contradicted, then mixed, in register order.

    Returns:
        Columns ``id, topic, claim, verdict, evidence, shown, values, gap`` (``gap`` NaN for a claim
        listed for its verdict), in the order picked.
    """
    tested = ledger[ledger["verdict"].isin(DECISIVE) & (ledger["source_report"] != REGISTER)].copy()
    tested["gap"] = tested["values"].map(relative_gap)
    quant = tested.dropna(subset=["gap"]).sort_values("gap", ascending=False)
    picked = list(quant.head(n).index)
    for v in (ClaimVerdict.CONTRADICTED, ClaimVerdict.MIXED):
        for i in tested.index[tested["verdict"] == v]:
            if len(picked) >= n:
                break
            if i not in picked:
                picked.append(i)
    columns = ["id", "topic", "claim", "verdict", "evidence", "shown", "values", "gap"]
    return tested.loc[picked, columns].reset_index(drop=True)


def disagreements(ledger: pd.DataFrame) -> pd.DataFrame:
    """The rows whose data verdict differs from the public record's (both decisive, not provisional)."""
    return ledger[ledger["disagrees"]]


def overall_verdict(counts: pd.Series) -> str:
    """The ledger's overall verdict from verdict counts (the rule's text is ``story.ledger.OVERALL_RULE``).

    Among claims with a confirmed, contradicted or mixed verdict: supported if confirmed
    claims outnumber the other two together, not supported if contradicted ones do,
    else mixed; inconclusive with fewer than :data:`MIN_DECIDED` such claims.
    """
    conf, contra, mixed = (
        int(counts.get(k, 0)) for k in (ClaimVerdict.CONFIRMED, ClaimVerdict.CONTRADICTED, ReportVerdict.MIXED)
    )
    if conf + contra + mixed < MIN_DECIDED:
        return ReportVerdict.INCONCLUSIVE
    if conf > contra + mixed:
        return ReportVerdict.SUPPORTED
    if contra > conf + mixed:
        return ReportVerdict.NOT_SUPPORTED
    return ReportVerdict.MIXED


class LedgerGaps(NamedTuple):
    """What limits this run's ledger, for its caveats (claim ids in register order).

    not_run: claims no report recorded and the register does not settle.
    missing_reports: the reports expected to test them ("?" for a claim no report is expected to test).
    secondary: claims whose public fact comes from a reprint or secondary source.
    windows: how many different windows the reports read use.
    provisional: forward claims judged on part of their period.
    forecasts: claims whose verdict is "forecast pending".
    """

    not_run: list[str]
    missing_reports: list[str]
    secondary: list[str]
    windows: int
    provisional: list[str]
    forecasts: list[str]


def gaps(ledger: pd.DataFrame, register: pd.DataFrame, results: dict[str, dict]) -> LedgerGaps:
    """The facts behind the ledger's caveats, from this run's ledger, the register and the reports read."""
    not_run = ledger[ledger["verdict"] == NOT_RUN]
    secondary = register[register["known_source"].str.contains(SECONDARY_SOURCE, case=False)]
    provisional = ledger[ledger["provisional"].astype(bool)] if "provisional" in ledger else ledger.iloc[:0]
    return LedgerGaps(
        not_run=list(not_run["id"]),
        missing_reports=sorted({EXPECTED_REPORT.get(i, "?") for i in not_run["id"]}),
        secondary=list(secondary["id"]),
        windows=len({report_window(r) for r in results.values()}),
        provisional=list(provisional["id"]),
        forecasts=list(ledger.loc[ledger["verdict"] == ClaimVerdict.FORECAST_PENDING, "id"]),
    )
