"""What changed between two runs: data as-of, parameters, claim and report verdicts, headline numbers.

``rotation diff`` and the "Changed since" section of every run's index read two
complete runs (see :mod:`.history`) and list only what differs: a claim whose
verdict flipped, a report whose overall verdict changed, a headline number that
moved (both values and the change in the number's display unit; a change of a
percentage is shown in percentage points). Unchanged items are not listed.

Two runs are *comparable* when they ran the same notebook set; their windows
may differ, and both windows are shown.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import jinja2

from ..errors import BadInputError
from .history import PastRun, complete_runs, load_run, previous_comparable, resolve
from .index import format_value
from .render import TEMPLATES
from .validate import OPTION_PARAMETERS

DIFF_SCHEMA = "rotation-diff/1"
#: files written by ``rotation diff`` in RUN_B's folder
DIFF_FILES = ("diff.html", "diff.json")
#: files a run writes about the previous comparable run (kept apart from ``rotation diff``'s)
PREVIOUS_FILES = ("diff-previous.html", "diff-previous.json")
#: relative change below which a headline number has not moved (float noise)
TOLERANCE = 1e-9
INDEX_ITEMS = 8


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def format_change(a, b, unit: str = "") -> str:
    """'+1.2 pp' for two percentages, '-3.0 x' etc.; '' when either value is not a number."""
    x, y = _number(a), _number(b)
    if x is None or y is None:
        return ""
    unit = (unit or "").strip()
    delta = int(y - x) if isinstance(a, int) and isinstance(b, int) else y - x
    text = format_value(delta, "pp" if unit == "%" else unit)
    return text if text.startswith(("-", "+")) else f"+{text}"


def claim_verdicts(past: PastRun) -> dict:
    """``{claim id: {verdict, evidence, notebook}}``: the reports' claims, then the ledger's other rows."""
    out = {}
    for name, res in sorted(past.results.items()):
        for c in res.get("claims") or []:
            if isinstance(c, dict) and c.get("id"):
                out[c["id"]] = {"verdict": c.get("verdict"), "evidence": c.get("evidence") or "", "notebook": name}
    for name, res in sorted(past.results.items()):
        for row in (res.get("extra") or {}).get("ledger") or []:
            if isinstance(row, dict) and row.get("id") and row["id"] not in out:
                out[row["id"]] = {
                    "verdict": row.get("verdict"),
                    "evidence": row.get("evidence") or "",
                    "notebook": row.get("source_report") or name,
                }
    return out


def _claim_key(claim_id: str):
    head = claim_id.rstrip("0123456789")
    tail = claim_id[len(head) :]
    return (head, int(tail) if tail else -1, claim_id)


def claim_changes(a: PastRun, b: PastRun) -> list[dict]:
    """Claims whose verdict differs between the runs (a claim absent from one run counts as changed)."""
    ca, cb = claim_verdicts(a), claim_verdicts(b)
    rows = []
    for cid in sorted(set(ca) | set(cb), key=_claim_key):
        va, vb = (ca.get(cid) or {}).get("verdict"), (cb.get(cid) or {}).get("verdict")
        if va == vb:
            continue
        rows.append(
            {
                "id": cid,
                "notebook": (cb.get(cid) or ca.get(cid))["notebook"],
                "a": va,
                "b": vb,
                "evidence_a": (ca.get(cid) or {}).get("evidence", ""),
                "evidence_b": (cb.get(cid) or {}).get("evidence", ""),
            }
        )
    return rows


def _moved(x, y) -> bool:
    nx, ny = _number(x), _number(y)
    if nx is None or ny is None:
        return x != y
    return abs(ny - nx) > TOLERANCE * max(1.0, abs(nx), abs(ny))


def headline_moves(res_a: dict, res_b: dict) -> list[dict]:
    """Headline numbers of one report that differ, largest relative move first."""
    ha = {m["name"]: m for m in res_a.get("headline") or [] if isinstance(m, dict) and "name" in m}
    hb = {m["name"]: m for m in res_b.get("headline") or [] if isinstance(m, dict) and "name" in m}
    rows = []
    for name in list(ha) + [n for n in hb if n not in ha]:
        ma, mb = ha.get(name) or {}, hb.get(name) or {}
        va, vb = ma.get("value"), mb.get("value")
        unit = mb.get("unit") or ma.get("unit") or ""
        if name in ha and name in hb and (not _moved(va, vb) or format_value(va, unit) == format_value(vb, unit)):
            continue  # equal, or equal in display units
        x, y = _number(va), _number(vb)
        size = abs(y - x) / max(abs(x), abs(y)) if x is not None and y is not None else 2.0
        rows.append(
            {
                "name": name,
                "label": mb.get("label") or ma.get("label") or name,
                "unit": unit,
                "a": va,
                "b": vb,
                "a_text": format_value(va, unit) if name in ha else "absent",
                "b_text": format_value(vb, unit) if name in hb else "absent",
                "change": format_change(va, vb, unit),
                "delta": (y - x) if x is not None and y is not None else None,
                "size": size,
            }
        )
    return sorted(rows, key=lambda r: -r["size"])


def report_changes(a: PastRun, b: PastRun) -> list[dict]:
    """Per report present in both runs: the overall verdict if it changed, and the moved numbers."""
    rows = []
    for name in sorted(set(a.results) & set(b.results)):
        ra, rb = a.results[name], b.results[name]
        va, vb = (ra.get("verdict") or {}).get("value"), (rb.get("verdict") or {}).get("value")
        moves = headline_moves(ra, rb)
        if va == vb and not moves:
            continue
        rows.append(
            {
                "notebook": name,
                "title": rb.get("title") or name,
                "verdict_a": va,
                "verdict_b": vb,
                "verdict_changed": va != vb,
                "moves": moves,
            }
        )
    return rows


def _fmt_param(value) -> str:
    if value is None:
        return "(default)"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def parameter_changes(a: PastRun, b: PastRun) -> list[dict]:
    """Run options, notebook parameters and code version that differ (one row each)."""
    rows = []
    ga, gb = a.run.get("parameters") or {}, b.run.get("parameters") or {}
    for key in sorted(set(ga) | set(gb)):
        if ga.get(key) != gb.get(key):
            rows.append(
                {"what": f"--{key.replace('_', '-')}", "a": _fmt_param(ga.get(key)), "b": _fmt_param(gb.get(key))}
            )
    explained = {(OPTION_PARAMETERS.get(r["what"][2:].replace("-", "_")), r["a"], r["b"]) for r in rows}
    pa = {nb.get("notebook"): nb.get("parameters") or {} for nb in a.run.get("notebooks") or []}
    pb = {nb.get("notebook"): nb.get("parameters") or {} for nb in b.run.get("notebooks") or []}
    for name in sorted(set(pa) & set(pb)):
        for key in sorted(set(pa[name]) | set(pb[name])):
            va, vb = _fmt_param(pa[name].get(key)), _fmt_param(pb[name].get(key))
            if va != vb and (key, va, vb) not in explained:  # not already shown as a run option
                rows.append({"what": f"{name}: {key}", "a": va, "b": vb})
    ca, cb = (a.run.get("git") or {}).get("commit"), (b.run.get("git") or {}).get("commit")
    if ca != cb:
        rows.append({"what": "code (git commit)", "a": (ca or "unknown")[:10], "b": (cb or "unknown")[:10]})
    return rows


def _describe(past: PastRun) -> dict:
    w = past.window()
    window = f"{w['start'] or 'each report default'} to {w['end'] or 'latest data'}"
    return {
        "run_id": past.run_id,
        "path": str(past.path),
        "started_at": past.run.get("started_at"),
        "window": window,
        "as_of": w["as_of"] or "unknown",
        "notebooks": sorted(past.notebooks),
    }


def compare(a: PastRun, b: PastRun) -> dict:
    """The differences from run ``a`` to run ``b`` (a JSON-safe dict, schema rotation-diff/1)."""
    da, db = _describe(a), _describe(b)
    reports = report_changes(a, b)
    return {
        "schema": DIFF_SCHEMA,
        "a": da,
        "b": db,
        "comparable": da["notebooks"] == db["notebooks"],
        "only_in_a": sorted(set(da["notebooks"]) - set(db["notebooks"])),
        "only_in_b": sorted(set(db["notebooks"]) - set(da["notebooks"])),
        "as_of_changed": da["as_of"] != db["as_of"],
        "parameters": parameter_changes(a, b),
        "claims": claim_changes(a, b),
        "reports": reports,
        "verdict_flips": sum(r["verdict_changed"] for r in reports),
        "moves": sum(len(r["moves"]) for r in reports),
    }


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def terminal_text(diff: dict) -> str:
    """The diff as a plain-text report for the terminal (data and parameters first)."""
    a, b = diff["a"], diff["b"]
    out = [
        f"A  {a['run_id']}  window {a['window']}, data as of {a['as_of']}",
        f"B  {b['run_id']}  window {b['window']}, data as of {b['as_of']}",
    ]
    if not diff["comparable"]:
        out.append(
            f"note: different notebook sets (only in A: {', '.join(diff['only_in_a']) or 'none'}; "
            f"only in B: {', '.join(diff['only_in_b']) or 'none'}); shared reports compared"
        )
    out.append("\nData and parameters")
    rows = [["data as of", a["as_of"], "->", b["as_of"]]] + [
        [p["what"], p["a"], "->", p["b"]] for p in diff["parameters"]
    ]
    out += _table(rows)
    out.append(f"\nClaim verdicts that changed ({len(diff['claims'])})")
    out += (
        _table([[c["id"], c["notebook"], c["a"] or "absent", "->", c["b"] or "absent"] for c in diff["claims"]])
        if diff["claims"]
        else ["  none"]
    )
    out.append(f"\nReport verdicts that changed ({diff['verdict_flips']})")
    flips = [r for r in diff["reports"] if r["verdict_changed"]]
    out += (
        _table([[r["notebook"], r["verdict_a"] or "absent", "->", r["verdict_b"] or "absent"] for r in flips])
        if flips
        else ["  none"]
    )
    out.append(f"\nHeadline numbers that moved ({diff['moves']})")
    moves = [
        [r["notebook"], m["label"], m["a_text"], "->", m["b_text"], m["change"]]
        for r in diff["reports"]
        for m in r["moves"]
    ]
    out += _table(moves) if moves else ["  none"]
    return "\n".join(out)


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
    )


def write_diff(diff: dict, folder: Path, names=DIFF_FILES) -> tuple[Path, Path]:
    """Write the diff as self-contained HTML (every value escaped) and JSON into ``folder``."""
    folder = Path(folder)
    html_path, json_path = folder / names[0], folder / names[1]
    page = _env().get_template("diff.html.j2").render(diff=diff, css=(TEMPLATES / "report.css").read_text())
    html_path.write_text(page, encoding="utf-8")
    json_path.write_text(json.dumps(diff, indent=2, default=str), encoding="utf-8")
    return html_path, json_path


def index_summary(diff: dict | None, href: str | None = None, limit: int = INDEX_ITEMS) -> dict:
    """The "Changed since" block of an index: verdict flips first, then the largest moves."""
    if diff is None:
        return {"first": True}
    items = [
        {
            "kind": "claim",
            "what": f"claim {c['id']} ({c['notebook']})",
            "a": c["a"] or "absent",
            "b": c["b"] or "absent",
            "change": "",
        }
        for c in diff["claims"]
    ]
    items += [
        {
            "kind": "verdict",
            "what": f"{r['title']} verdict",
            "a": r["verdict_a"] or "absent",
            "b": r["verdict_b"] or "absent",
            "change": "",
        }
        for r in diff["reports"]
        if r["verdict_changed"]
    ]
    moves = sorted(((m, r) for r in diff["reports"] for m in r["moves"]), key=lambda mr: -mr[0]["size"])
    items += [
        {
            "kind": "move",
            "what": f"{m['label']} ({r['notebook']})",
            "a": m["a_text"],
            "b": m["b_text"],
            "change": m["change"],
        }
        for m, r in moves
    ]
    return {
        "first": False,
        "previous": diff["a"],
        "current": diff["b"],
        "href": href,
        "items": items[:limit],
        "more": max(0, len(items) - limit),
        "flips": len(diff["claims"]) + diff["verdict_flips"],
        "moves": diff["moves"],
        "parameters": diff["parameters"],
    }


def changes_since_previous(root: Path, run_dir: Path, run: dict) -> dict:
    """Diff a finished run against the previous comparable run; write diff-previous.*; index block.

    Never raises: a problem reading older runs is shown on the index, not fatal to the run.
    """
    from .history import load_results

    try:
        current = PastRun(Path(run_dir).resolve(), run, load_results(run_dir, run))
        previous = previous_comparable(root, current)
        if previous is None:
            return index_summary(None)
        diff = compare(previous, current)
        write_diff(diff, run_dir, PREVIOUS_FILES)
        return index_summary(diff, PREVIOUS_FILES[0])
    except Exception as exc:  # noqa: BLE001  (the run's own outputs matter more)
        return {"first": False, "error": f"{exc.__class__.__name__}: {exc}"}


def pick_runs(specs: list[str], root: Path) -> tuple[PastRun, PastRun]:
    """RUN_A and RUN_B from 0, 1 or 2 names (defaults: the two newest complete runs)."""
    if len(specs) > 2:
        raise BadInputError(f"diff takes at most two runs, got {len(specs)}")
    newest = complete_runs(root)
    if len(specs) == 2:
        folders = [resolve(s, root) for s in specs]
    elif len(specs) == 1:
        first = resolve(specs[0], root)
        if not newest:
            raise BadInputError(f"no complete run under {root} to compare {specs[0]} with")
        folders = [first, newest[-1].resolve()]
    else:
        if len(newest) < 2:
            raise BadInputError(f"need two complete runs under {root}, found {len(newest)}")
        folders = [newest[-2].resolve(), newest[-1].resolve()]
    if folders[0] == folders[1]:
        raise BadInputError(f"both runs are {folders[0].name}: name two different runs")
    return load_run(folders[0]), load_run(folders[1])


def run_diff(specs: list[str], root: Path) -> tuple[str, Path]:
    """``rotation diff``: compare, write diff.html/diff.json in RUN_B's folder; (terminal text, html path)."""
    a, b = pick_runs(specs, root)
    diff = compare(a, b)
    html_path, _ = write_diff(diff, b.path)
    return terminal_text(diff), html_path
