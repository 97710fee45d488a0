"""The words of report 00 (the claims ledger): sentences, display tables, caveats, the records
results.json keeps, headline metrics and the overall verdict rule's text.

Every function here words what :mod:`rotation_utils.analytics.ledger` decided, counted and
ranked from the register and the reports' results.json
(:mod:`rotation_utils.analytics.ledger_data`); none computes a figure. A claim's evidence
and values are the reporting notebook's own; only for a claim no report recorded does the
ledger word its own evidence (settled from the public record, or not run and why).

The overall verdict rule lives here (:data:`OVERALL_RULE`): its text is wording, printed on
the page, while the logic it applies is :func:`rotation_utils.analytics.ledger.overall_verdict`,
so the rule printed cannot drift from the rule applied.

Display tables (``*_table``) return a :class:`DisplayTable` ``(frame, formats)``: the frame
has the headers a reader sees, the formats are keyword arguments for
``rotation_utils.tables.formatted`` (``tables.show`` displays the pair). The ledger's CSV
keeps the frame a reader sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..analytics.ledger import NOT_RUN, REGISTER, LedgerGaps, overall_verdict
from ..claim_values import split
from ..narrative import agree, listing, plural
from ..runner.summary import format_value, report_window, windows_span
from ..verdicts import ClaimVerdict, Rule

#: the rule for the ledger's overall verdict on the articles: its text and its logic, one object
#: ("five" is :data:`rotation_utils.analytics.ledger.MIN_DECIDED`; a test keeps them equal)
OVERALL_RULE = Rule(
    "Among claims with a data or public-record verdict (not 'not run', not "
    "'unverifiable', not 'forecast pending'): 'supported' if confirmed claims outnumber "
    "contradicted plus mixed ones, 'not supported' if contradicted claims outnumber "
    "confirmed plus mixed ones, otherwise 'mixed'; 'inconclusive' if fewer than five "
    "claims have such a verdict.",
    overall_verdict,
)

#: the ledger's columns as a reader reads them (the full table and its CSV)
LEDGER_COLUMNS = {
    "id": "Claim",
    "topic": "Topic",
    "claim": "Claim (our words)",
    "period": "Period",
    "verdict": "Verdict",
    "evidence": "Evidence from this run",
    "values": "Values",
    "source_report": "Tested in",
    "public": "Public record (source)",
}
#: smallest widths of the ledger table's long-text columns (em of the table's type, screen and print):
#: left to the browser, the evidence would get a column a few words wide
LEDGER_COLUMN_WIDTHS = {
    "Evidence from this run": "18em",
    "Claim (our words)": "9em",
    "Values": "11em",
    "Public record (source)": "11em",
}
#: readable headers for the report's smaller tables
TOP_COLUMNS = {
    "id": "Claim",
    "topic": "Topic",
    "verdict": "Verdict",
    "evidence": "Evidence from this run",
    "values": "Values",
    "gap": "Gap between claim and data",
    "why": "Why it is listed",
}
DISAGREEMENT_COLUMNS = {
    "id": "Claim",
    "verdict": "Data verdict",
    "evidence": "Evidence from this run",
    "public_verdict": "Public verdict",
    "public_fact": "Public record",
    "public_source": "Public source",
}
SOURCE_COLUMNS = ["Report", "Title", "Verdict", "Data as of", "Sources", "Window", "Claims"]
#: the ledger rows results.json keeps (under ``extra.ledger``)
RECORD_COLUMNS = ["id", "verdict", "evidence", "source_report", "public_verdict", "disagrees"]


class DisplayTable(NamedTuple):
    """A table as a reader sees it: the frame (reader's headers) and its formats for ``tables.formatted``."""

    frame: pd.DataFrame
    formats: dict


# ---- names and values ----------------------------------------------------------------
def report_name(source_report: str) -> str:
    """Where a verdict comes from, as a reader reads it: 'report 06', 'public record' or ''."""
    if source_report == REGISTER:
        return "public record"
    number = str(source_report or "")[:2]
    return f"report {number}" if number.isdigit() else str(source_report or "")


def values_text(shown, values: dict | None = None) -> str:
    """A claim's shown values on one line: 'Article: 3 years; This run: 2 years; KBWB minus SPY, 2023: -27.4 pp'.

    Args:
        shown: the claim's ``shown`` list of results.json (``{"label", "value", "unit"}``),
            formatted as the summary boxes format numbers; None for a file written before
            ``shown`` existed, whose ``claimed``/``measured`` ``values`` are shown instead.
        values: the claim's plain values (used only when ``shown`` is None).

    Returns:
        The text, or "" when nothing is shown.
    """
    if not isinstance(shown, list):  # None (or NaN once in a frame): an older file
        shown = split(values or {})[1]
    return "; ".join(f"{s['label']}: {format_value(s['value'], s.get('unit') or '')}" for s in shown)


def claim_evidence(row) -> str:
    """A ledger row's evidence: the report's own, or why the ledger has no data verdict.

    Args:
        row: a row of ``analytics.ledger.build_ledger`` (a mapping with ``evidence``,
            ``source_report``, ``public_fact``, ``public_source``, ``expected_report``, ``expected_ran``).
    """
    if row["source_report"] == REGISTER:
        return f"Settled from the public record: {row['public_fact']} ({row['public_source']})."
    if row["verdict"] == NOT_RUN:
        state = "did not record it" if row["expected_ran"] else "was not run or failed"
        return f"{row['expected_report'] or 'a report'} {state} in this run, so the data verdict is missing."
    return row["evidence"]


def worded(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger with every row's evidence worded and its values as text (``values``), for display and records."""
    return ledger.assign(
        evidence=[claim_evidence(r) for _, r in ledger.iterrows()],
        values=[values_text(s, v) for s, v in zip(ledger["shown"], ledger["values"])],
    )


# ---- data ---------------------------------------------------------------------------
def run_sentence(run: Path | None) -> str:
    """Which run folder the ledger read, or that none was found and what that means."""
    if run:
        return f"**Run folder read:** `{run.name}`"
    return (
        "**Run folder read:** none found (no `ROTATION_RUN_DIR`, no `outputs/latest`): "
        "every data-tested claim is marked *not run*."
    )


def reports_sentence(results: dict[str, dict]) -> str:
    """How many reports' results the ledger found in the run."""
    return f"Reports found in this run: {plural(len(results), 'report')}."


def register_sentence(register: pd.DataFrame) -> str:
    """How many claims the register holds, and where."""
    return (
        f"Claims register: {plural(len(register), 'claim')} transcribed with their public sources "
        "(`rotation_utils/reference/claims.csv`)."
    )


def sources_table(results: dict[str, dict]) -> DisplayTable:
    """One row per report read: its title, verdict, data as-of, window and claims recorded.

    The window is the one the report's summary box and the index show (its first and last
    data dates, or the thesis window it records)."""
    rows = [
        {
            "Report": report_name(nb),
            "Title": res.get("title", ""),
            "Verdict": res.get("verdict", {}).get("value", ""),
            "Data as of": (res.get("data") or {}).get("as_of") or "",
            "Sources": ", ".join((res.get("data") or {}).get("sources", [])),
            "Window": report_window(res),
            "Claims": ", ".join(c["id"] for c in res.get("claims", [])),
        }
        for nb, res in sorted(results.items())
    ]
    return DisplayTable(pd.DataFrame(rows, columns=SOURCE_COLUMNS), {})


def window_label(results: dict[str, dict]) -> str:
    """The ledger's window: each report's own, from the earliest first to the latest last data date."""
    return windows_span(results.values())


# ---- the ledger -----------------------------------------------------------------------
def display_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger as shown in the report and its CSV: no helper columns, values with labels and
    units (from the reports' results.json), the report by its number, the public record with its source."""
    out = worded(ledger)
    prov = ledger["provisional"] if "provisional" in ledger else [False] * len(ledger)
    out = out.assign(
        verdict=[f"{v} (provisional)" if p else v for v, p in zip(ledger["verdict"], prov)],
        period=ledger["period"] if "period" in ledger else "",
        source_report=ledger["source_report"].map(report_name),
        public=[f"{f} ({s})" if s else f for f, s in zip(ledger["public_fact"], ledger["public_source"])],
    )
    return out[list(LEDGER_COLUMNS)].rename(columns=LEDGER_COLUMNS)


def ledger_table(ledger: pd.DataFrame) -> DisplayTable:
    """:func:`display_table` for the page, the long texts given readable widths."""
    return DisplayTable(display_table(ledger), {"widths": LEDGER_COLUMN_WIDTHS})


def summary_sentence(ledger: pd.DataFrame, counts: pd.Series) -> str:
    """'Of 21 claims: 5 claims confirmed, ...' (verdicts no claim reached are left out)."""
    nonzero = [f"{plural(int(n), 'claim')} {v}" for v, n in counts.items() if n]
    return f"Of {len(ledger)} claims: {listing(nonzero)}."


# ---- the claims that matter most ------------------------------------------------------
NO_TOP_SENTENCE = "No claim was tested by data in this run, so none can be singled out."


def _why(top: pd.DataFrame) -> list[str]:
    """Why each top claim is listed: its gap to the data, or its verdict."""
    return [
        "gap between claim and data" if pd.notna(g) else f"verdict: {v}" for g, v in zip(top["gap"], top["verdict"])
    ]


def top_lines(top: pd.DataFrame) -> list[str]:
    """One bullet per top claim: '- **A7** (banks, contradicted): its evidence'."""
    return [f"- **{r['id']}** ({r['topic']}, {r['verdict']}): {r['evidence']}" for _, r in top.iterrows()]


def top_table(top: pd.DataFrame) -> DisplayTable:
    """The top claims with their values, gap (a percentage) and why each is listed."""
    out = top.assign(values=[values_text(s, v) for s, v in zip(top["shown"], top["values"])], why=_why(top))
    out = out[["id", "topic", "verdict", "evidence", "values", "gap", "why"]].rename(columns=TOP_COLUMNS)
    return DisplayTable(out, {"pct": [TOP_COLUMNS["gap"]]})


# ---- disagreements --------------------------------------------------------------------
NO_DISAGREEMENT_SENTENCE = "In this run no data verdict contradicts the publicly known status of its claim."


def disagreement_sentence(disagreeing: pd.DataFrame) -> str:
    """How many claims (which) reach a verdict other than the public record's."""
    if disagreeing.empty:
        return NO_DISAGREEMENT_SENTENCE
    n = len(disagreeing)
    return (
        f"{plural(n, 'claim')} ({listing(disagreeing['id'])}) {agree(n, 'reaches', 'reach')} a different "
        "verdict from the data than the public record states; both are shown below."
    )


def disagreement_table(disagreeing: pd.DataFrame) -> DisplayTable:
    """The disagreeing claims: data verdict and evidence beside the public verdict and record."""
    out = worded(disagreeing)[list(DISAGREEMENT_COLUMNS)].rename(columns=DISAGREEMENT_COLUMNS)
    return DisplayTable(out, {})


# ---- verdict ---------------------------------------------------------------------------
def overall_evidence(counts: pd.Series, decided: int) -> str:
    """The counts behind the overall verdict, as one sentence.

    Args:
        counts: claims per verdict (``analytics.ledger.verdict_counts``).
        decided: claims with a decided verdict (``analytics.ledger.decided_claims``).
    """
    return (
        f"{counts[ClaimVerdict.CONFIRMED]} confirmed, {counts[ClaimVerdict.CONTRADICTED]} contradicted and "
        f"{counts[ClaimVerdict.MIXED]} mixed of {decided} decided claims; {counts[ClaimVerdict.NOT_RUN]} not run, "
        f"{counts[ClaimVerdict.UNVERIFIABLE]} unverifiable, {counts[ClaimVerdict.FORECAST_PENDING]} forecasts pending."
    )


def verdict_sentence(overall: str, evidence: str) -> str:
    """The verdict paragraph: the verdict in bold, the counts behind it and the rule applied."""
    return f"**Verdict on the articles' claims: {overall}.** {evidence}\n\n*Rule:* {OVERALL_RULE}"


# ---- caveats ---------------------------------------------------------------------------
def caveats(gaps: LedgerGaps) -> list[str]:
    """Caveat sentences worded from this run's :class:`~rotation_utils.analytics.ledger.LedgerGaps`."""
    notes = []
    n = len(gaps.not_run)
    if n:
        missing = sorted({report_name(nb) for nb in gaps.missing_reports})
        notes.append(
            f"{plural(n, 'claim')} could not be checked because "
            f"{listing(missing)} did not run or did not record {agree(n, 'it', 'them')}."
        )
    n = len(gaps.secondary)
    if n:
        notes.append(
            f"{plural(n, 'public fact')} in the register {agree(n, 'comes', 'come')} "
            f"from news reprints or secondary sources ({listing(gaps.secondary)}), not the primary publication."
        )
    if gaps.windows > 1:
        notes.append(
            f"The reports read use {gaps.windows} different windows (see the Data table): "
            "each verdict holds for its own report's window."
        )
    n = len(gaps.provisional)
    if n:
        notes.append(
            f"{listing(gaps.provisional)} {agree(n, 'is a forward claim', 'are forward claims')} judged on "
            f"the part of {agree(n, 'its', 'their')} period the data cover so far: "
            f"{agree(n, 'its verdict is', 'their verdicts are')} provisional and "
            f"{agree(n, 'is', 'are')} not compared with the public record."
        )
    n = len(gaps.forecasts)
    if n:
        notes.append(
            f"{listing(gaps.forecasts)} {agree(n, 'is a forecast', 'are forecasts')}; "
            f"{agree(n, 'its realised value is', 'their realised values are')} not yet in the data."
        )
    return notes


def caveats_text(gaps: LedgerGaps) -> str:
    """The caveats as a bulleted list."""
    return "\n".join(f"- {n}" for n in caveats(gaps))


# ---- what results.json keeps -------------------------------------------------------------
def headline_metrics(counts: pd.Series) -> list[tuple[str, int, str, str]]:
    """``(name, value, unit, label)`` per verdict for ``report.metric``: 'claims_not_run', 3, 'claims', 'Claims not run'."""
    return [(f"claims_{v.replace(' ', '_')}", int(n), "claims", f"Claims {v}") for v, n in counts.items()]


def results_extra(ledger: pd.DataFrame, counts: pd.Series, top: pd.DataFrame) -> dict:
    """The ledger's blocks of results.json: its rows (worded evidence), the counts, the top claims and why."""
    rows = worded(ledger)[RECORD_COLUMNS].to_dict(orient="records")
    top_rows = top.assign(why=_why(top))[["id", "verdict", "why"]].to_dict(orient="records") if len(top) else []
    return {"ledger": rows, "counts": counts.to_dict(), "top": top_rows}
