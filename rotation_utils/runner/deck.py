"""The meeting deck: one PowerPoint file for the whole run (``rotation run --slides``).

Why a .pptx: meetings often have no network and the deck has to be edited by
people who use PowerPoint, Keynote or Google Slides. python-pptx writes plain,
editable slides (text boxes and pictures, no macros, nothing fetched).

Slides: a title slide (run, window, data as-of), the claims ledger's counts, then
one slide per thesis report: verdict, its rule, the three key numbers, the key
chart and its source line. Every value is read from the run's records and the
reports' results.json through :mod:`.summary`, so the deck says what the index
and the summary boxes say.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from ..verdicts import ReportVerdict
from .summary import KEY_NUMBERS, summary, windows_span

DECK_NAME = "meeting-deck.pptx"
WIDE = (13.333, 7.5)  # inches: 16:9
NAVY = (0x1F, 0x3B, 0x57)
GREY = (0x55, 0x55, 0x55)
VERDICT_COLOURS = {
    ReportVerdict.SUPPORTED: (0x2E, 0x7D, 0x32),
    ReportVerdict.MIXED: (0xB3, 0x5C, 0x00),
    ReportVerdict.NOT_SUPPORTED: (0xC6, 0x28, 0x28),
    ReportVerdict.INCONCLUSIVE: (0x61, 0x61, 0x61),
    "failed": (0x00, 0x00, 0x00),
}


def _rgb(colour):
    from pptx.dml.color import RGBColor

    return RGBColor(*colour)


def _text(slide, left, top, width, height, text, size=18, bold=False, colour=(0, 0, 0), wrap=True):
    """A text box at the given position (inches) holding one paragraph per line of ``text``."""
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = wrap
    for i, line in enumerate(str(text).split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.font.size = Pt(size)
        para.font.bold = bold
        para.font.color.rgb = _rgb(colour)
    return box


def _blank(prs):
    return prs.slides.add_slide(prs.slide_layouts[6])  # the default template's blank layout


def _picture(slide, data_uri: str, left, top, max_w, max_h):
    """Place a PNG data URI inside the box (inches), keeping its aspect ratio."""
    from PIL import Image
    from pptx.util import Inches

    raw = base64.b64decode(data_uri.split(",", 1)[1])
    w, h = Image.open(io.BytesIO(raw)).size
    scale = min(max_w / w, max_h / h)
    return slide.shapes.add_picture(io.BytesIO(raw), Inches(left), Inches(top), Inches(w * scale), Inches(h * scale))


def _read_notebook(run_dir: Path, record: dict):
    import nbformat

    name = (record.get("files") or {}).get("ipynb")
    path = Path(run_dir) / record["notebook"] / name if name else None
    if not path or not path.exists():
        return None
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # an unreadable notebook: the slide still says the verdict, without a chart
        return None


def deck_context(run: dict, run_dir: Path) -> dict:
    """What the deck shows, from run.json's records: title facts, ledger counts, one entry per report.

    Args:
        run: the run dict written to run.json.
        run_dir: the run folder (the executed notebooks hold the key charts).

    Returns:
        ``{"run_id", "window", "as_of", "counts", "reports": [...]}``; each report has
        title, verdict, rule, window, numbers, chart (data URI or None), source, error.
    """
    records = run.get("notebooks") or []
    reports, as_of = [], set()
    counts = {}
    for rec in records:
        res = rec.get("results") or {}
        if rec.get("run_last"):
            counts = ((res.get("extra") or {}).get("counts") or {}) if rec["status"] == "ok" else {}
            continue
        nb = _read_notebook(run_dir, rec) if rec["status"] == "ok" else None
        box = summary(res if rec["status"] == "ok" else None, nb)
        sources = ", ".join((rec.get("data") or {}).get("sources") or []) or "not recorded"
        if rec["status"] == "ok":
            as_of.add((rec.get("data") or {}).get("as_of"))
        reports.append(
            {
                "name": rec["notebook"],
                "title": res.get("title") or rec.get("title") or rec["notebook"],
                "verdict": box["verdict"] if rec["status"] == "ok" else "failed",
                "rule": box["rule"],
                "window": box["window"],
                "numbers": box["numbers"][:KEY_NUMBERS],
                "chart": box["chart"],
                "error": "" if rec["status"] == "ok" else "the report did not finish",
                "source": f"Source: {sources}; data as of {box['as_of']}; report {rec['notebook']}, run {run.get('run_id')}",
            }
        )
    window = windows_span(rec.get("results") for rec in records if rec["status"] == "ok" and not rec.get("run_last"))
    return {
        "run_id": run.get("run_id", ""),
        "window": window,
        "as_of": ", ".join(sorted(a for a in as_of if a)) or "unknown",
        "counts": counts,
        "reports": reports,
    }


def _title_slide(prs, ctx):
    s = _blank(prs)
    _text(s, 0.8, 2.0, 11.7, 1.2, "The Great Rotation, tested", size=44, bold=True, colour=NAVY)
    _text(
        s,
        0.8,
        3.4,
        11.7,
        2.0,
        f"Run {ctx['run_id']}\nWindow: {ctx['window']}\nData as of {ctx['as_of']}",
        size=22,
        colour=GREY,
    )


def _ledger_slide(prs, ctx):
    s = _blank(prs)
    _text(s, 0.6, 0.4, 12, 0.9, "The articles’ claims in this run", size=32, bold=True, colour=NAVY)
    counts = ctx["counts"]
    if not counts:
        _text(s, 0.6, 1.6, 12, 1, "The claims ledger did not run or failed in this run.", size=22)
        return
    total = sum(int(v) for v in counts.values())
    lines = [f"{int(n)} {'claim' if int(n) == 1 else 'claims'} {verdict}" for verdict, n in counts.items()]
    _text(s, 0.6, 1.5, 12, 0.6, f"{total} claims, by verdict:", size=22, colour=GREY)
    _text(s, 0.9, 2.2, 11, 4.5, "\n".join(lines), size=26)


def _report_slide(prs, rep):
    s = _blank(prs)
    _text(s, 0.5, 0.3, 12.3, 0.9, rep["title"], size=26, bold=True, colour=NAVY)
    colour = VERDICT_COLOURS.get(rep["verdict"] or "", GREY)
    # 20 pt keeps the longest verdict ("Verdict: not supported") on one line of the 4.3 in column
    # in PowerPoint, Keynote and LibreOffice alike (their fonts differ in width)
    _text(s, 0.5, 1.2, 4.3, 0.6, f"Verdict: {rep['verdict'] or 'none recorded'}", size=20, bold=True, colour=colour)
    _text(s, 0.5, 1.8, 4.3, 0.5, f"Window {rep['window']}", size=12, colour=GREY)
    if rep["error"]:
        _text(s, 0.5, 2.4, 4.3, 1, rep["error"], size=16)
    top = 2.5  # below a window line that wraps once
    for n in rep["numbers"]:
        _text(s, 0.5, top, 4.3, 0.55, n["value"], size=26, bold=True, colour=NAVY)
        _text(s, 0.5, top + 0.55, 4.3, 0.6, n["label"], size=12, colour=GREY)
        top += 1.2
    if rep["rule"]:
        _text(s, 0.5, 6.2, 12.3, 0.6, f"Rule: {rep['rule']}", size=10, colour=GREY)
    if rep["chart"]:
        _picture(s, rep["chart"], 5.0, 1.2, 7.9, 4.9)
    _text(s, 0.5, 6.95, 12.3, 0.4, rep["source"], size=10, colour=GREY)


def write_deck(run: dict, run_dir: Path) -> Path:
    """Write the run's meeting deck (``meeting-deck.pptx``) into ``run_dir`` and return its path.

    Args:
        run: the run dict (as written to run.json).
        run_dir: the run folder.

    Returns:
        The path of the .pptx: a title slide, a claims slide, one slide per thesis report.
    """
    from pptx import Presentation
    from pptx.util import Inches

    ctx = deck_context(run, Path(run_dir))
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(WIDE[0]), Inches(WIDE[1])
    prs.core_properties.title = f"The Great Rotation, tested: run {ctx['run_id']}"
    _title_slide(prs, ctx)
    _ledger_slide(prs, ctx)
    for rep in ctx["reports"]:
        _report_slide(prs, rep)
    path = Path(run_dir) / DECK_NAME
    prs.save(path)
    return path
