"""Render an executed notebook to a self-contained HTML memo (and optionally an offline slide deck).

The HTML extends nbconvert's ``lab`` template (rotation_utils/templates/report.html.j2):
the answer first (a summary box: verdict, rule, window, the key numbers and the
key chart, see :mod:`.summary`), then the run details (parameters, data source
and as-of date, CSV links, code version) in a collapsible block, a table of
contents built from the markdown headings, and the notebook with its code cells
hidden by CSS until the "Show code" button is pressed.
Images are embedded as data URIs and no script is loaded from the network, so
the file opens offline.
"""

from __future__ import annotations

import copy
import functools
import html
import re
from pathlib import Path

from .. import atomic, config

TEMPLATES = config.PACKAGE_DIR / "templates"
SLIDE_TAG = "slide"  # same tag as rotation_utils.notebook.SLIDE_TAG (not imported: it pulls in the data layer)
TOC_MARK = "<!--ROTATION-TOC-->"
#: the script that sends tables too wide for a portrait page to a landscape one (reports and index)
PRINT_LAYOUT_JS = "print-layout.js"
TITLE_TAG = "rotation-title"  # hidden by report.css (class celltag_rotation-title)
_HEADING = re.compile(r'<h([23])\s+id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def _fmt_value(value) -> str:
    """A parameter value as a reader writes it: lists comma-separated, dicts as 'key: values'."""
    if value is None:
        return "not set"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt_value(v)}" for k, v in value.items()) if value else "(none)"
    if isinstance(value, (list, tuple)):
        if not value:
            return "(empty list)"
        if any(isinstance(v, (list, tuple, dict)) for v in value):
            return "; ".join(f"[{_fmt_value(v)}]" if isinstance(v, (list, tuple)) else _fmt_value(v) for v in value)
        return ", ".join("open" if v is None else str(v) for v in value)
    return str(value)


def parameter_rows(record: dict) -> list[dict]:
    """Header rows: each parameter, its value (``end=None`` shown as the data's as-of) and origin."""
    passed = record.get("passed_parameters") or {}
    as_of = (record.get("data") or {}).get("as_of")
    rows = []
    for name, value in (record.get("parameters") or {}).items():
        shown = _fmt_value(value)
        if name == "end" and value is None:
            shown = f"latest data ({as_of})" if as_of else "latest data"
        rows.append(
            {"name": name, "value": shown, "origin": "set for this run" if name in passed else "notebook default"}
        )
    return rows


def data_line(record: dict) -> str:
    d = record.get("data") or {}
    if not d.get("as_of") and not d.get("sources"):
        return "not recorded (the report did not write results.json)"
    sources = ", ".join(d.get("sources") or []) or "none"
    setting = f"source setting '{d['source_setting']}', " if d.get("source_setting") else ""
    missing = f"; {d['missing']} requested items missing" if d.get("missing") else ""
    return f"as of {d.get('as_of') or 'unknown'} ({setting}served by {sources}){missing}"


def code_line(record: dict) -> str:
    git = record.get("git") or {}
    pk = record.get("packages") or {}
    commit = (git.get("commit") or "unknown")[:10] + (" (uncommitted changes)" if git.get("dirty") else "")
    versions = ", ".join(
        f"{k} {v}" for k, v in pk.items() if v and k in ("python", "rotation-utils", "pandas", "numpy", "papermill")
    )
    return f"commit {commit}; {versions}"


def header_context(record: dict, results: dict | None, task, nb=None) -> dict:
    """What report.html.j2 shows above the notebook: summary box first, run details below.

    Args:
        record: the runner's status record of this notebook.
        results: its results.json (None when it wrote none).
        task: the runner's task (title and purpose from the notebook).
        nb: the executed notebook, for the key chart of the summary box.

    Returns:
        The ``resources["rotation"]`` dict the template reads.
    """
    from .records import describe_failure
    from .summary import summary

    results = results or {}
    verdict = (results.get("verdict") or {}).get("value")
    return {
        "css": (TEMPLATES / "report.css").read_text(),
        "print_js": (TEMPLATES / PRINT_LAYOUT_JS).read_text(),
        "title": results.get("title") or task.title or record["notebook"],
        "purpose": task.purpose,
        "status": record["status"],
        "status_label": "completed" if record["status"] == "ok" else "FAILED",
        "verdict": verdict if record["status"] == "ok" else None,
        "error": describe_failure(record.get("error")) if record["status"] != "ok" else "",
        "run_id": record["run_id"],
        "executed_at": record["executed_at"].replace("T", " "),
        "duration": f"{record['duration_seconds']:.1f} s",
        "data_line": data_line(record),
        "parameters": parameter_rows(record),
        "tables": [t for t in results.get("tables") or [] if isinstance(t, dict) and t.get("file")],
        "code_line": code_line(record),
        "summary": summary(results, nb) if record["status"] == "ok" and results else None,
    }


def table_of_contents(body: str) -> str:
    """A nested list of the h2/h3 headings nbconvert rendered (with their anchor ids)."""
    items = []
    for level, anchor, inner in _HEADING.findall(body):
        text = html.unescape(_TAGS.sub("", inner)).replace("¶", "").strip()
        if text:
            # ``anchor`` is already an HTML attribute value written by nbconvert: reuse it verbatim
            items.append(f'<li class="rt-toc-{level}"><a href="#{anchor}">{html.escape(text)}</a></li>')
    if not items:
        return ""
    return '<nav class="rt-toc"><strong>Contents</strong><ul>' + "".join(items) + "</ul></nav>"


def without_title_cell(nb, title: str, purpose: str):
    """A shallow copy of ``nb`` whose opening title cell is tagged to be hidden (the header repeats it).

    Only a cell that holds nothing but the title heading and the purpose line is hidden.
    """
    from .discover import title_and_purpose

    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            break
        if cell.cell_type != "markdown" or TITLE_TAG in (cell.metadata.get("tags") or []):
            continue
        lines = [ln for ln in cell.source.splitlines() if ln.strip()]
        if title_and_purpose(type(nb)(cells=[cell])) == (title, purpose) and len(lines) <= 2:
            view = copy.copy(nb)
            view.cells = list(nb.cells)
            view.cells[i] = copy.deepcopy(cell)
            view.cells[i].metadata["tags"] = list(cell.metadata.get("tags") or []) + [TITLE_TAG]
            return view
        break
    return nb


@functools.cache
def exporter(template_file: str):
    """The HTML exporter of one of our templates, built once per process.

    Why cached: building an exporter compiles its Jinja templates (a few tenths of
    a second); an exporter holds no state between notebooks, so a worker that
    renders several reports (and the deck of each) compiles each template once.
    The deck leaves code out; the report keeps it behind the code toggle.
    """
    from nbconvert import HTMLExporter

    deck = template_file == "deck.html.j2"
    return HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES)],
        template_file=template_file,
        exclude_input=deck,
        exclude_output_prompt=True,
        exclude_input_prompt=deck,
        embed_images=True,
    )


def warm_up() -> None:
    """Render a two-cell notebook once, so this process holds the compiled report template,
    the code highlighter and the Markdown parser.

    Why: the runner forks its workers after calling this; each worker then renders its
    first report without compiling them again (about half a second of CPU per worker).
    """
    import nbformat

    from .records import Task

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Warm-up\n*Start.*"), nbformat.v4.new_code_cell("x = 1")]
    )
    record = {"notebook": "warm-up", "run_id": "", "status": "ok", "executed_at": "", "duration_seconds": 0.0}
    report_html(nb, record, None, Task(name="warm-up", input="", dir="", title="Warm-up", purpose="Start."))


def report_html(nb, record: dict, results: dict | None, task) -> str:
    ctx = header_context(record, results, task, nb)
    nb = without_title_cell(nb, task.title, task.purpose)
    body, _ = exporter("report.html.j2").from_notebook_node(
        nb, resources={"rotation": ctx, "metadata": {"name": ctx["title"]}}
    )
    return body.replace(TOC_MARK, table_of_contents(body), 1)


def write_html(nb, path: Path, record: dict, results: dict | None, task) -> Path:
    return atomic.write_text(path, report_html(nb, record, results, task))


def slide_notebook(nb):
    """A copy of ``nb`` holding only the cells tagged ``slide`` (None when no cell is tagged)."""
    deck = copy.copy(nb)
    deck.cells = [copy.deepcopy(c) for c in nb.cells if SLIDE_TAG in (c.metadata.get("tags") or [])]
    return deck if deck.cells else None


def write_slides(nb, path: Path, record: dict, results: dict | None, task) -> Path | None:
    """A self-contained HTML deck: the summary box, then the ``slide`` cells' outputs (None when none is tagged).

    No reveal.js: the deck is plain HTML, CSS and a few lines of script in one file,
    so it presents without a network (arrow keys move between slides; printing gives
    one slide per page).

    Args:
        nb: the executed notebook.
        path: where to write the deck.
        record, results, task: as for :func:`report_html` (the summary slide reads them).

    Returns:
        ``path``, or None when no cell is tagged ``slide``.
    """
    deck = slide_notebook(without_title_cell(nb, task.title, task.purpose))
    if deck is None:
        return None
    ctx = header_context(record, results, task, nb)
    body, _ = exporter("deck.html.j2").from_notebook_node(
        deck, resources={"rotation": ctx, "metadata": {"name": ctx["title"]}}
    )
    path.write_text(body, encoding="utf-8")
    return path
