"""The claims ledger: every claim of the register with the verdict of this run.

One source of truth: a claim tested by a report takes its verdict, evidence and
values from that report's results.json *of the same run*; the ledger never
recomputes. A claim no report covers is settled from the register only when it
is a legal or published fact (its test column says "none: ..."); otherwise it is
"not run" (its report failed, or was not selected with ``--only``).

Where the data's verdict and the register's public status disagree, both are
shown and the row is flagged: that is a finding, not an error.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from . import claim_values
from .narrative import agree, listing, plural
from .results import CLAIM_VERDICTS, read_results
from .runner.summary import report_window, windows_span
from .verdicts import DECIDED, ClaimVerdict, ReportVerdict, Rule

NOT_RUN = ClaimVerdict.NOT_RUN
VERDICT_ORDER = list(CLAIM_VERDICTS) + [NOT_RUN]
DECISIVE = (ClaimVerdict.CONFIRMED, ClaimVerdict.CONTRADICTED, ReportVerdict.MIXED)
LEDGER_NOTEBOOK = "00_claims_ledger"

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


def find_run_dir(explicit=None) -> Path | None:
    """The run folder to read: argument, else $ROTATION_RUN_DIR, else outputs/latest, else None."""
    from . import config

    for cand in (explicit, config.run_dir(), config.OUTPUTS_DIR / "latest"):
        if cand and Path(cand).is_dir():
            return Path(cand).resolve()
    return None


def load_run_results(run_dir) -> dict[str, dict]:
    """``{notebook: results}`` for every valid results.json under ``run_dir`` (one level deep).

    The ledger's own results and unreadable files are skipped.
    """
    out = {}
    if run_dir is None:
        return out
    for path in sorted(Path(run_dir).glob("*/results.json")):
        try:
            res = read_results(path)
        except (ValueError, OSError):
            continue
        name = res.get("notebook") or path.parent.name
        if name != LEDGER_NOTEBOOK:
            out[name] = res
    return out


def build_ledger(register: pd.DataFrame, results: dict[str, dict]) -> pd.DataFrame:
    """One row per register claim, in register order.

    Columns: ``id, article, topic, claim, how_tested, verdict, evidence, values,
    source_report, public_fact, public_source, public_verdict, disagrees``.
    A claim recorded by more than one report raises ValueError (two sources of truth).
    """
    recorded: dict[str, tuple[str, dict]] = {}
    for nb, res in results.items():
        for c in res.get("claims", []):
            if c["id"] in recorded and recorded[c["id"]][0] != nb:
                raise ValueError(f"claim {c['id']} is recorded by both {recorded[c['id']][0]} and {nb}")
            recorded[c["id"]] = (nb, c)
    rows = []
    for _, r in register.iterrows():
        public = register_verdict(r["known_status"])
        provisional = False
        if r["id"] in recorded:
            nb, c = recorded[r["id"]]
            verdict, evidence, values, src = c["verdict"], c["evidence"], c.get("values") or {}, nb
            shown = claim_values.text(c)
            provisional = bool(c.get("provisional"))
        elif is_fact_claim(r["how_data_can_test_it"]) and public is not None:
            verdict, values, src, shown = public, {}, "register", ""
            evidence = f"Settled from the public record: {r['known_fact']} ({r['known_source']})."
        else:
            expected = EXPECTED_REPORT.get(r["id"], "a report")
            state = "did not record it" if expected in results else "was not run or failed"
            verdict, values, src, shown = NOT_RUN, {}, "", ""
            evidence = f"{expected} {state} in this run, so the data verdict is missing."
        # only two decisive verdicts can disagree: "unverifiable" or "forecast pending" from
        # the data means the data cannot say yet, which is a caveat, not a contradiction;
        # a provisional verdict (part of a forward claim's period) is not final either
        disagrees = (
            src != "register" and verdict in DECISIVE and public in DECISIVE and verdict != public and not provisional
        )
        rows.append(
            {
                "id": r["id"],
                "article": "A" if r["id"].startswith("A") else "B",
                "topic": r["topic"],
                "claim": r["claim_paraphrased"],
                "how_tested": r["how_data_can_test_it"],
                "verdict": verdict,
                "evidence": evidence,
                "values": shown,
                "source_report": src,
                "public_fact": r["known_fact"],
                "public_source": r["known_source"],
                "public_verdict": public or "",
                "disagrees": bool(disagrees),
                "provisional": provisional,
                "period": r.get("period_label", ""),
                "_values": values,
            }
        )
    return pd.DataFrame(rows)


def verdict_counts(ledger: pd.DataFrame) -> pd.Series:
    """Number of claims per verdict, in a fixed order (zeros kept)."""
    return ledger["verdict"].value_counts().reindex(VERDICT_ORDER, fill_value=0).astype(int)


def relative_gap(values: dict) -> float:
    """|measured - claimed| / |claimed| for quantitative claims, else NaN."""
    try:
        claimed, measured = float(values["claimed"]), float(values["measured"])
    except (KeyError, TypeError, ValueError):
        return math.nan
    if not (math.isfinite(claimed) and math.isfinite(measured)) or claimed == 0:
        return math.nan
    return abs(measured - claimed) / abs(claimed)


#: how the ledger picks the claims that matter most for an investor (shown in the report)
TOP_RULE = (
    "quantitative claims tested in this run with a decided verdict (confirmed, contradicted or "
    "mixed: an unverifiable claim, whose data measure is not the claim's, is never ranked), "
    "ranked by the relative gap between the "
    "article's number and the measured one (largest first); if fewer than the number asked "
    "for have both numbers, the list is filled with tested claims whose verdict is "
    "contradicted, then mixed, in register order."
)


def top_claims(ledger: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` claims that matter most for an investor, picked by :data:`TOP_RULE`."""
    tested = ledger[ledger["verdict"].isin(DECISIVE) & (ledger["source_report"] != "register")].copy()
    tested["gap"] = tested["_values"].map(relative_gap)
    quant = tested.dropna(subset=["gap"]).sort_values("gap", ascending=False)
    picked = list(quant.head(n).index)
    for v in (ClaimVerdict.CONTRADICTED, ClaimVerdict.MIXED):
        for i in tested.index[tested["verdict"] == v]:
            if len(picked) >= n:
                break
            if i not in picked:
                picked.append(i)
    out = tested.loc[picked, ["id", "topic", "claim", "verdict", "evidence", "values", "gap"]]
    out["why"] = [
        "gap between claim and data" if pd.notna(g) else f"verdict: {v}" for g, v in zip(out["gap"], out["verdict"])
    ]
    return out.reset_index(drop=True)


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


def report_name(source_report: str) -> str:
    """Where a verdict comes from, as a reader reads it: 'report 06', 'public record' or ''."""
    if source_report == "register":
        return "public record"
    number = str(source_report or "")[:2]
    return f"report {number}" if number.isdigit() else str(source_report or "")


def display_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger as shown in the report and its CSV: no helper columns, values with labels and
    units (from the reports' results.json), the report by its number, the public record with its source."""
    cols = {
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
    prov = ledger["provisional"] if "provisional" in ledger else [False] * len(ledger)
    out = ledger.assign(
        verdict=[f"{v} (provisional)" if p else v for v, p in zip(ledger["verdict"], prov)],
        period=ledger["period"] if "period" in ledger else "",
        source_report=ledger["source_report"].map(report_name),
        public=[f"{f} ({s})" if s else f for f, s in zip(ledger["public_fact"], ledger["public_source"])],
    )
    return out[list(cols)].rename(columns=cols)


#: smallest widths of the ledger table's long-text columns (em of the table's type, screen and print):
#: left to the browser, the evidence would get a column a few words wide
LEDGER_COLUMN_WIDTHS = {
    "Evidence from this run": "18em",
    "Claim (our words)": "9em",
    "Values": "11em",
    "Public record (source)": "11em",
}


def styled(table: pd.DataFrame):
    """:func:`display_table` for the page: no row numbers, the long texts in readable widths.

    Args:
        table: :func:`display_table`'s frame.

    Returns:
        A pandas Styler (cells escaped as every Styler of the reports).
    """
    out = table.style.hide(axis="index")
    for col, width in LEDGER_COLUMN_WIDTHS.items():
        if col in table:
            out = out.set_properties(subset=[col], **{"min-width": width})
    return out


def run_window(results: dict[str, dict]) -> str:
    """The ledger's window: each report's own, from the earliest first to the latest last data date."""
    return windows_span(results.values())


def provenance(results: dict[str, dict]) -> dict:
    """The ledger's data block for results.json: it reads reports, so their sources and latest as-of."""
    as_of = sorted({(r.get("data") or {}).get("as_of") for r in results.values()} - {None, ""})
    sources = sorted({s for r in results.values() for s in (r.get("data") or {}).get("sources", [])})
    return {
        "sources": ["claims register"] + [f"results.json of {nb}" for nb in sorted(results)],
        "market_data_sources": sources,
        "as_of": as_of[-1] if as_of else None,
    }


def sources_table(results: dict[str, dict]) -> pd.DataFrame:
    """One row per report read: its title, verdict, data as-of, window and claims recorded.

    The window is the one the report's summary box and the index show (its first and last
    data dates, or the thesis window it records)."""
    rows = []
    for nb, res in sorted(results.items()):
        rows.append(
            {
                "Report": report_name(nb),
                "Title": res.get("title", ""),
                "Verdict": res.get("verdict", {}).get("value", ""),
                "Data as of": (res.get("data") or {}).get("as_of") or "",
                "Sources": ", ".join((res.get("data") or {}).get("sources", [])),
                "Window": report_window(res),
                "Claims": ", ".join(c["id"] for c in res.get("claims", [])),
            }
        )
    return pd.DataFrame(rows, columns=["Report", "Title", "Verdict", "Data as of", "Sources", "Window", "Claims"])


_OVERALL_TEXT = (
    "Among claims with a data or public-record verdict (not 'not run', not "
    "'unverifiable', not 'forecast pending'): 'supported' if confirmed claims outnumber "
    "contradicted plus mixed ones, 'not supported' if contradicted claims outnumber "
    "confirmed plus mixed ones, otherwise 'mixed'; 'inconclusive' if fewer than five "
    "claims have such a verdict."
)


def overall_verdict(counts: pd.Series) -> str:
    """The ledger's overall verdict from verdict counts (the logic of :data:`OVERALL_RULE`)."""
    conf, contra, mixed = (
        int(counts.get(k, 0)) for k in (ClaimVerdict.CONFIRMED, ClaimVerdict.CONTRADICTED, ReportVerdict.MIXED)
    )
    if conf + contra + mixed < 5:
        return ReportVerdict.INCONCLUSIVE
    if conf > contra + mixed:
        return ReportVerdict.SUPPORTED
    if contra > conf + mixed:
        return ReportVerdict.NOT_SUPPORTED
    return ReportVerdict.MIXED


#: the rule for the ledger's overall verdict on the articles: its text and its logic, one object
OVERALL_RULE = Rule(_OVERALL_TEXT, overall_verdict)


def overall_evidence(counts: pd.Series) -> str:
    """The counts behind the overall verdict, as one sentence."""
    decided = int(sum(int(counts.get(v, 0)) for v in DECIDED))
    return (
        f"{counts[ClaimVerdict.CONFIRMED]} confirmed, {counts[ClaimVerdict.CONTRADICTED]} contradicted and "
        f"{counts[ClaimVerdict.MIXED]} mixed of {decided} decided claims; {counts[ClaimVerdict.NOT_RUN]} not run, "
        f"{counts[ClaimVerdict.UNVERIFIABLE]} unverifiable, {counts[ClaimVerdict.FORECAST_PENDING]} forecasts pending."
    )


def caveats(ledger: pd.DataFrame, register: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    """Caveat sentences computed from this run's ledger, the register and the reports read."""
    notes = []
    not_run = ledger[ledger["verdict"] == NOT_RUN]
    if len(not_run):
        missing = sorted({report_name(EXPECTED_REPORT.get(i, "?")) for i in not_run["id"]})
        notes.append(
            f"{plural(len(not_run), 'claim')} could not be checked because "
            f"{listing(missing)} did not run or did not record {agree(len(not_run), 'it', 'them')}."
        )
    secondary = register[register["known_source"].str.contains("reprint|via|news", case=False)]
    if len(secondary):
        notes.append(
            f"{plural(len(secondary), 'public fact')} in the register {agree(len(secondary), 'comes', 'come')} "
            f"from news reprints or secondary sources ({listing(secondary['id'])}), not the primary publication."
        )
    windows = sources["Window"].nunique() if len(sources) else 0
    if windows > 1:
        notes.append(
            f"The reports read use {windows} different windows (see the Data table): "
            "each verdict holds for its own report's window."
        )
    provisional = ledger[ledger["provisional"].astype(bool)] if "provisional" in ledger else ledger.iloc[:0]
    n = len(provisional)
    if n:
        notes.append(
            f"{listing(provisional['id'])} {agree(n, 'is a forward claim', 'are forward claims')} judged on "
            f"the part of {agree(n, 'its', 'their')} period the data cover so far: "
            f"{agree(n, 'its verdict is', 'their verdicts are')} provisional and "
            f"{agree(n, 'is', 'are')} not compared with the public record."
        )
    forecasts = ledger[ledger["verdict"] == ClaimVerdict.FORECAST_PENDING]
    n = len(forecasts)
    if n:
        notes.append(
            f"{listing(forecasts['id'])} {agree(n, 'is a forecast', 'are forecasts')}; "
            f"{agree(n, 'its realised value is', 'their realised values are')} not yet in the data."
        )
    return notes
