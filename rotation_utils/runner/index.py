"""index.html: the run's scorecard, built from run.json and each report's results.json.

One row per thesis (verdict badge, window, the up to three key numbers its verdict
rests on, formatted as in the report's summary box, link), a
claims summary (counts by claim verdict, linking to the claims ledger), the
run's parameters and data provenance, and a status table. It must render when
some notebooks failed, so every field it reads may be missing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import jinja2

from .. import atomic
from ..results import CLAIM_VERDICTS
from .records import describe_failure
from .render import PRINT_LAYOUT_JS, TEMPLATES, data_line
from .summary import KEY_NUMBERS as HEADLINES
from .summary import format_value, key_metrics, report_window

__all__ = ["HEADLINES", "format_value", "index_context", "write_index"]


def _is_ledger(nb: dict) -> bool:
    return bool(nb.get("run_last"))


def scorecard_rows(notebooks: list[dict]) -> list[dict]:
    rows = []
    for nb in notebooks:
        if _is_ledger(nb):
            continue
        res = nb.get("results") or {}
        verdict = (res.get("verdict") or {}) if nb["status"] == "ok" else {}
        rows.append(
            {
                "name": nb["notebook"],
                "title": res.get("title") or nb.get("title") or nb["notebook"],
                "status": nb["status"],
                "verdict": verdict.get("value") or ("failed" if nb["status"] != "ok" else "none"),
                "rule": verdict.get("rule", ""),
                "window": report_window(res) if res else "n/a",
                "headline": key_metrics(res, HEADLINES),
                "href": f"{nb['notebook']}/{nb['files']['html']}" if (nb.get("files") or {}).get("html") else None,
                "error": describe_failure(nb.get("error")),
            }
        )
    return rows


def claims_summary(notebooks: list[dict]) -> dict:
    """Counts of claim verdicts for the index page.

    The claims ledger's own counts are used when it ran (they include claims
    settled from the register and claims marked "not run"); otherwise the counts
    are summed over the reports' results.json (one count per assessment).
    """
    ledger = next((nb for nb in notebooks if _is_ledger(nb)), None)
    ledger_href = (
        f"{ledger['notebook']}/{ledger['files']['html']}"
        if ledger and (ledger.get("files") or {}).get("html")
        else None
    )
    ledger_counts = (((ledger or {}).get("results") or {}).get("extra") or {}).get("counts")
    if ledger_counts and ledger["status"] == "ok":
        counts = Counter({k: int(v) for k, v in ledger_counts.items()})
        source, distinct = "ledger", sum(counts.values())
    else:
        counts, ids = Counter(), set()
        for nb in notebooks:
            if _is_ledger(nb):
                continue
            for c in (nb.get("results") or {}).get("claims") or []:
                if isinstance(c, dict) and c.get("verdict"):
                    counts[c["verdict"]] += 1
                    ids.add(c.get("id"))
        source, distinct = "reports", len(ids - {None})
    order = list(CLAIM_VERDICTS) + sorted(set(counts) - set(CLAIM_VERDICTS))
    return {
        "rows": [{"verdict": v, "count": counts.get(v, 0)} for v in order],
        "total": sum(counts.values()),
        "distinct": distinct,
        "source": source,
        "ledger_href": ledger_href,
        "ledger_status": ledger["status"] if ledger else None,
    }


def status_rows(notebooks: list[dict]) -> list[dict]:
    rows = []
    for nb in notebooks:
        files = nb.get("files") or {}
        rows.append(
            {
                "name": nb["notebook"],
                "status": nb["status"],
                "seconds": f"{nb.get('duration_seconds', 0):.1f}",
                "error": describe_failure(nb.get("error")),
                "warnings": nb.get("warnings") or [],
                "links": [
                    (label, f"{nb['notebook']}/{files[key]}")
                    for key, label in (
                        ("html", "HTML"),
                        ("ipynb", "notebook"),
                        ("results", "results.json"),
                        ("pdf", "PDF"),
                        ("slides", "slides"),
                        ("notebook_log", "log"),
                    )
                    if files.get(key)
                ],
                "data": data_line(nb),
                "reused_from": nb.get("reused_from"),
            }
        )
    return rows


def index_context(run: dict, changes: dict | None = None) -> dict:
    notebooks = run.get("notebooks") or []
    market = [nb for nb in notebooks if not _is_ledger(nb)]  # the ledger reads reports, not market data
    as_of = sorted({(nb.get("data") or {}).get("as_of") for nb in market} - {None})
    sources = sorted({s for nb in market for s in ((nb.get("data") or {}).get("sources") or [])})
    return {
        "run": run,
        "scorecard": scorecard_rows(notebooks),
        "claims": claims_summary(notebooks),
        "status": status_rows(notebooks),
        "as_of": ", ".join(as_of) or "unknown",
        "sources": ", ".join(sources) or "none recorded",
        "given": run.get("parameters") or {},
        "failed": [nb["notebook"] for nb in notebooks if nb["status"] != "ok"],
        "css": (TEMPLATES / "report.css").read_text(),
        "print_js": (TEMPLATES / PRINT_LAYOUT_JS).read_text(),
        "changes": changes,
        "sweep": run.get("sweep"),
    }


def write_index(run_dir: Path, run: dict, changes: dict | None = None) -> Path:
    """Render index.html; ``changes`` is the "Changed since" block (see :func:`.diff.index_summary`)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.ChainableUndefined,
    )
    page = env.get_template("index.html.j2").render(**index_context(run, changes))
    return atomic.write_text(Path(run_dir) / "index.html", page)
