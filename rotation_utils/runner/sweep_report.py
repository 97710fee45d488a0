"""The pages of a sweep: the claim x window verdict matrix, stability, headline numbers by window.

Everything is read back from the member runs' run.json and results.json, the
same files a reader can open, so the matrix cannot disagree with the runs.

*Stability* of a claim (or of a report's overall verdict) is the share of the
sweep's windows, the default run excluded, whose verdict equals the default
run's; windows without a verdict for it (its report failed) are left out of
the share and the count says so. A claim the ledger marks "not run" (its
report was not selected or failed) has no verdict in that window.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import jinja2

from ..verdicts import ClaimVerdict
from .diff import _claim_key, claim_verdicts
from .history import PastRun, load_results
from .index import format_value, write_index
from .render import TEMPLATES

SWEEP_SCHEMA = "rotation-sweep/1"
SPARK_W, SPARK_H, SPARK_PAD = 180, 44, 5
#: ledger entries that are not a verdict on the claim (left out of the stability share)
NO_VERDICT = (ClaimVerdict.NOT_RUN,)


def _stability(cells: list, default_index: int | None) -> dict:
    """Agreement of the non-default windows with the default window's value."""
    if default_index is None or cells[default_index] is None:
        return {"agree": None, "of": 0, "share": None}
    ref = cells[default_index]
    others = [c for i, c in enumerate(cells) if i != default_index and c is not None]
    agree = sum(c == ref for c in others)
    return {"agree": agree, "of": len(others), "share": agree / len(others) if others else None}


def _past(member) -> PastRun | None:
    if not member.run:
        return None
    return PastRun(Path(member.run_dir), member.run, load_results(member.run_dir, member.run))


def _window_row(member, past: PastRun | None) -> dict:
    window = member.window
    return {
        "label": window.label,
        "start": window.start,
        "end": window.end,
        "default": window.is_default,
        "run_id": member.run_dir.name,
        "run_dir": str(member.run_dir),
        "as_of": (past.window()["as_of"] if past else None) or "unknown",
        "failed": sorted(n for n, r in member.records.items() if r.get("status") != "ok"),
        "reused": sorted(n for n, r in member.records.items() if r.get("reused_from")),
    }


def sweep_data(members: list) -> dict:
    """The matrix, stability and headline series of a finished sweep (JSON-safe)."""
    pasts = [_past(m) for m in members]
    windows = [_window_row(m, p) for m, p in zip(members, pasts)]
    default = next((i for i, w in enumerate(windows) if w["default"]), None)
    verdicts = [claim_verdicts(p) if p else {} for p in pasts]
    claims = []
    for cid in sorted({c for v in verdicts for c in v}, key=_claim_key):
        cells = [v.get(cid) for v in verdicts]
        values = [c["verdict"] if c and c["verdict"] not in NO_VERDICT else None for c in cells]
        claims.append(
            {
                "id": cid,
                "notebook": next(c["notebook"] for c in cells if c),
                "cells": cells,
                **_stability(values, default),
            }
        )
    reports, headlines = [], []
    names = sorted({n for p in pasts if p for n in p.results})
    for name in names:
        res = [p.results.get(name) if p else None for p in pasts]
        cells = [
            {"verdict": (r.get("verdict") or {}).get("value"), "evidence": (r.get("verdict") or {}).get("rule", "")}
            if r
            else None
            for r in res
        ]
        title = next((r.get("title") for r in res if r), name)
        reports.append(
            {
                "id": name,
                "title": title,
                "cells": cells,
                **_stability([c["verdict"] if c else None for c in cells], default),
            }
        )
        metrics = {}
        for i, r in enumerate(res):
            for m in (r or {}).get("headline") or []:
                entry = metrics.setdefault(
                    m["name"],
                    {
                        "name": m["name"],
                        "label": m.get("label") or m["name"],
                        "unit": m.get("unit") or "",
                        "values": [None] * len(res),
                    },
                )
                entry["values"][i] = m.get("value")
        for entry in metrics.values():
            nums = [v for v in entry["values"] if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if nums:
                entry["texts"] = [format_value(v, entry["unit"]) if v is not None else "n/a" for v in entry["values"]]
                headlines.append({"report": name, "title": title, **entry})
    return {
        "schema": SWEEP_SCHEMA,
        "windows": windows,
        "default_index": default,
        "claims": claims,
        "reports": reports,
        "headlines": headlines,
    }


def sparkline(values: list, labels: list[str], texts: list[str]) -> dict:
    """Coordinates of a small line chart of the numeric values (gaps where a window has none)."""
    pts = [(i, float(v)) for i, v in enumerate(values) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = (hi - lo) or 1.0
    step = (SPARK_W - 2 * SPARK_PAD) / max(1, len(values) - 1)

    def xy(i, v):
        return round(SPARK_PAD + i * step, 1), round(
            SPARK_H - SPARK_PAD - (v - lo) / span * (SPARK_H - 2 * SPARK_PAD), 1
        )

    dots = [{"x": xy(i, v)[0], "y": xy(i, v)[1], "title": f"{labels[i]}: {texts[i]}"} for i, v in pts]
    zero = xy(0, 0.0)[1] if lo < 0 < hi else None
    return {
        "w": SPARK_W,
        "h": SPARK_H,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "zero": zero,
    }


def write_csv(data: dict, path: Path) -> Path:
    """sweep.csv: one row per claim, report verdict and headline number; one column per window."""
    labels = [w["label"] for w in data["windows"]]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["kind", "id", "report", "label", *labels, "stability", "windows_agreeing", "windows_compared"])
        for c in data["claims"]:
            out.writerow(
                [
                    "claim",
                    c["id"],
                    c["notebook"],
                    "",
                    *[(x or {}).get("verdict", "") for x in c["cells"]],
                    "" if c["share"] is None else f"{c['share']:.4f}",
                    c["agree"] if c["agree"] is not None else "",
                    c["of"],
                ]
            )
        for r in data["reports"]:
            out.writerow(
                [
                    "report verdict",
                    r["id"],
                    r["id"],
                    r["title"],
                    *[(x or {}).get("verdict", "") for x in r["cells"]],
                    "" if r["share"] is None else f"{r['share']:.4f}",
                    r["agree"] if r["agree"] is not None else "",
                    r["of"],
                ]
            )
        for h in data["headlines"]:
            out.writerow(
                [
                    "headline",
                    h["name"],
                    h["report"],
                    f"{h['label']} ({h['unit']})" if h["unit"] else h["label"],
                    *["" if v is None else v for v in h["values"]],
                    "",
                    "",
                    "",
                ]
            )
    return path


def _member_href(sweep_dir: Path, run_dir: str) -> str:
    return Path(os.path.relpath(Path(run_dir) / "index.html", sweep_dir)).as_posix()


def write_html(data: dict, meta: dict, sweep_dir: Path) -> Path:
    """sweep.html: self-contained, every data-derived string escaped."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
    )
    labels = [w["label"] for w in data["windows"]]
    for w in data["windows"]:
        w["href"] = _member_href(sweep_dir, w["run_dir"])
    charts = [dict(h, chart=sparkline(h["values"], labels, h["texts"])) for h in data["headlines"]]
    page = env.get_template("sweep.html.j2").render(
        data=data, meta=meta, charts=charts, css=(TEMPLATES / "report.css").read_text()
    )
    path = sweep_dir / "sweep.html"
    path.write_text(page, encoding="utf-8")
    return path


def link_members(members: list, sweep_dir: Path) -> None:
    """Record the sweep in each member's run.json and re-render its index with the link."""
    from .diff import changes_since_previous

    for m in members:
        if not m.run:
            continue
        href = Path(os.path.relpath(sweep_dir / "sweep.html", m.run_dir)).as_posix()
        m.run["sweep"] = {"id": sweep_dir.name, "href": href, "window": m.window.label}
        (Path(m.run_dir) / "run.json").write_text(json.dumps(m.run, indent=2, default=str), encoding="utf-8")
        write_index(Path(m.run_dir), m.run, changes_since_previous(Path(m.run_dir).parent, Path(m.run_dir), m.run))


def write_sweep(sweep_dir: Path, members: list, meta: dict) -> Path:
    """sweep.json, sweep.csv and sweep.html in ``sweep_dir``; members link to it. Returns the HTML path."""
    data = sweep_data(members)
    (sweep_dir / "sweep.json").write_text(json.dumps({**data, **meta}, indent=2, default=str), encoding="utf-8")
    write_csv(data, sweep_dir / "sweep.csv")
    page = write_html(data, meta, sweep_dir)
    link_members(members, sweep_dir)
    return page
