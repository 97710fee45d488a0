"""`rotation run` over the real report notebooks on the snapshot: what `make reports` does.

One module-scoped run; the checks are about the run as a whole: every report
succeeds and embeds its charts, results.json files are valid, the index links
every report, and the claims ledger shows exactly the verdicts the reports wrote.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rotation_utils import reference_data
from rotation_utils.runner.pdf import CHROMIUM_ARGS, find_chromium
from rotation_utils.runner.validate import validate_results
from tests.claim_checks import claim_problems
from tests.page_text import text_problems
from tests.print_layout import PORTRAIT_PX, printed_tables

ROOT = Path(__file__).resolve().parents[1]
REPORTS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("full-run")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "rotation_utils.cli",
            "run",
            "--data",
            "snapshot",
            "--out",
            str(out),
            "--jobs",
            "2",
            "--slides",
        ]
        + (["--pdf"] if find_chromium() else []),
        capture_output=True,
        text=True,
        timeout=900,
    )
    run_dir = (out / "latest").resolve()
    return proc, run_dir


def test_every_report_runs(run):
    proc, run_dir = run
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    status = {nb["notebook"]: nb["status"] for nb in json.loads((run_dir / "run.json").read_text())["notebooks"]}
    assert status == {name: "ok" for name in REPORTS}


@pytest.mark.parametrize("name", REPORTS)
def test_report_html_embeds_its_charts_and_valid_results(run, name):
    _, run_dir = run
    html = (run_dir / name / f"{name}.html").read_text()
    assert html.count('src="data:image/png;base64,') >= 1
    results = json.loads((run_dir / name / "results.json").read_text())
    assert validate_results(results) == []
    assert results["verdict"]["value"] in ("supported", "mixed", "not supported", "inconclusive")
    for table in results["tables"]:
        assert (run_dir / name / table["file"]).is_file()


def test_index_links_every_report(run):
    _, run_dir = run
    index = (run_dir / "index.html").read_text()
    for name in REPORTS:
        assert f'href="{name}/{name}.html"' in index
    assert "The articles' 21 claims, by verdict in this run." in index  # the ledger's own counts
    as_of = json.loads((run_dir / "01_rotation_breadth" / "results.json").read_text())["data"]["as_of"]
    assert f"data as of {as_of} (snapshot)" in index  # the header names market data sources only


def test_ledger_shows_the_reports_verdicts_for_every_claim(run):
    _, run_dir = run
    ledger = json.loads((run_dir / "00_claims_ledger" / "results.json").read_text())
    rows = {r["id"]: r for r in ledger["extra"]["ledger"]}
    assert sorted(rows) == sorted(reference_data.claims()["id"])
    recorded = {}
    for name in REPORTS:
        if name == "00_claims_ledger":
            continue
        for c in json.loads((run_dir / name / "results.json").read_text())["claims"]:
            recorded[c["id"]] = (name, c)
    assert len(recorded) == len(rows)  # every claim is tested by some report in a full run
    for cid, (name, claim) in recorded.items():
        assert rows[cid]["verdict"] == claim["verdict"], cid
        assert rows[cid]["evidence"] == claim["evidence"], cid
        assert rows[cid]["source_report"] == name
    assert ledger["extra"]["counts"]["not run"] == 0
    # every claim reads consistently (unverifiable with its reason or provisional, never both),
    # and A4, unverifiable on annual data, is not among the top claims
    assert claim_problems([c for _, c in recorded.values()]) == []
    assert "A4" not in {t["id"] for t in ledger["extra"]["top"]}


def test_ledger_values_are_the_reports_labelled_values_in_display_units(run):
    """Every value in the ledger's table comes from the report's results.json ("shown": label,
    value in display units, unit), formatted as the summary boxes format numbers."""
    import pandas as pd

    from rotation_utils.story.ledger import values_text

    _, run_dir = run
    table = pd.read_csv(run_dir / "00_claims_ledger" / "claims_ledger.csv", keep_default_na=False).set_index("Claim")
    checked = 0
    for name in REPORTS:
        if name == "00_claims_ledger":
            continue
        for claim in json.loads((run_dir / name / "results.json").read_text())["claims"]:
            assert all(s["label"] and isinstance(s["unit"], str) for s in claim["shown"]), claim["id"]
            assert table.at[claim["id"], "Values"] == values_text(claim["shown"]), claim["id"]
            checked += bool(claim["shown"])
    assert checked >= 15  # most claims carry numbers a reader sees
    values = " ".join(table["Values"])
    assert re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", values) is None  # no code names
    assert re.search(r"-?0\.\d{3,} ?pp", values) is None  # no fractions shown as pp


# ---- what a reader sees: stray output, the meeting deck, the pages in a real browser ----------
def _pages(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("*.html")) + sorted(run_dir.glob("[0-9][0-9]_*/*.html"))


def test_pages_have_no_stray_output(run):
    _, run_dir = run
    pages = _pages(run_dir)
    assert len(pages) >= 2 * len(REPORTS)  # each report's page and its slide deck, plus the index
    found = {p.relative_to(run_dir).as_posix(): text_problems(p.read_text()) for p in pages}
    assert {k: v for k, v in found.items() if v} == {}


def test_meeting_deck_has_a_slide_per_report_with_verdict_and_chart(run):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    _, run_dir = run
    record = json.loads((run_dir / "run.json").read_text())
    deck = Presentation(str(run_dir / record["files"]["deck"]))
    theses = [nb for nb in record["notebooks"] if not nb.get("run_last")]
    slides = list(deck.slides)
    assert len(slides) == 2 + len(theses)
    texts = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    assert record["run_id"] in texts[0] and "Data as of" in texts[0]
    counts = record["notebooks"][[nb["notebook"] for nb in record["notebooks"]].index("00_claims_ledger")]["results"][
        "extra"
    ]["counts"]
    assert all(f"{n} {'claim' if n == 1 else 'claims'} {v}" in texts[1] for v, n in counts.items())
    for nb, slide, text in zip(theses, slides[2:], texts[2:]):
        assert nb["results"]["title"] in text
        assert f"Verdict: {nb['results']['verdict']['value']}" in text
        assert any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes), nb["notebook"]
        assert "Source:" in text


needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="no Chromium found (apt-get install chromium, or set ROTATION_CHROMIUM)"
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, page_path: Path, width: int, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    seen = {"errors": [], "requests": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on(
        "request",
        lambda r: seen["requests"].append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None,
    )
    page.goto(page_path.as_uri(), wait_until="load")
    return page, seen


@needs_chromium
def test_every_page_loads_offline_without_console_errors(run, browser):
    _, run_dir = run
    for path in _pages(run_dir):
        page, seen = _open(browser, path, 1400)
        page.close()
        assert seen == {"errors": [], "requests": []}, path.name


@needs_chromium
@pytest.mark.parametrize("name", REPORTS)
def test_summary_box_is_on_the_first_screen_and_code_toggles(run, browser, name):
    _, run_dir = run
    page, _ = _open(browser, run_dir / name / f"{name}.html", 1400, 900)
    box = page.locator("#rt-summary")
    assert box.is_visible()
    bottom = page.evaluate("document.getElementById('rt-summary').getBoundingClientRect().bottom")
    assert bottom <= 900, f"summary box ends at {bottom}px"
    code = page.locator(".jp-CodeCell .jp-Cell-inputWrapper").first
    assert not code.is_visible()
    page.click("#rt-code-toggle")
    assert code.is_visible() and page.inner_text("#rt-code-toggle") == "Hide code"
    page.click("#rt-code-toggle")
    assert not code.is_visible()
    page.close()


_OVERFLOWING_TABLES = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  document.querySelectorAll("table").forEach((t, i) => {
    const r = t.getBoundingClientRect();
    if (r.right <= width + 1) return;
    let box = t.parentElement, scrolls = false;
    while (box) {
      const o = getComputedStyle(box).overflowX;
      if ((o === "auto" || o === "scroll") && box.getBoundingClientRect().right <= width + 1) { scrolls = true; break; }
      box = box.parentElement;
    }
    if (!scrolls) out.push(i + ": " + (t.innerText || "").slice(0, 40));
  });
  return out;
}"""


@needs_chromium
def test_table_text_is_left_aligned_and_numbers_right_aligned(run, browser):
    _, run_dir = run
    page, _ = _open(browser, run_dir / "01_rotation_breadth" / "01_rotation_breadth.html", 1400)
    aligns = page.evaluate("""() => Array.from(document.querySelectorAll(".jp-RenderedHTMLCommon tbody td"))
        .map(td => [td.classList.contains("rt-n"), getComputedStyle(td).textAlign])""")
    page.close()
    assert any(num for num, _ in aligns) and any(not num for num, _ in aligns)
    assert {a for num, a in aligns if num} == {"right"}
    assert {a for num, a in aligns if not num} == {"left"}


@needs_chromium
def test_tables_fit_or_scroll_in_their_own_box_at_800px(run, browser):
    _, run_dir = run
    for path in _pages(run_dir):
        page, _ = _open(browser, path, 800)
        assert page.evaluate(_OVERFLOWING_TABLES) == [], path.name
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
        page.close()


@needs_chromium
@pytest.mark.parametrize("name", REPORTS + ["index"])
def test_printed_tables_keep_every_column_on_the_page_and_every_word_whole(run, browser, name):
    _, run_dir = run
    html = run_dir / "index.html" if name == "index" else run_dir / name / f"{name}.html"
    portrait = printed_tables(browser, html, landscape=False)
    landscape = printed_tables(browser, html, landscape=True)
    assert (portrait["wide"], portrait["broken"]) == ([], [])
    assert (landscape["wide"], landscape["broken"]) == ([], [])
    page, _ = _open(browser, html, PORTRAIT_PX)
    page.emulate_media(media="print")
    assert page.evaluate("""() => Array.from(document.querySelectorAll("button, .rt-up"))
        .every(b => getComputedStyle(b).display === "none")""")
    page.close()
    record = json.loads((run_dir / "run.json").read_text())
    pdf = (
        run_dir / record["files"]["index_pdf"]
        if name == "index"
        else run_dir / name / next(nb for nb in record["notebooks"] if nb["notebook"] == name)["files"]["pdf"]
    )
    sheets = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf.read_bytes())
    assert sheets and pdf.read_bytes()[:5] == b"%PDF-"
    wide_sheets = [w for w, h in sheets if float(w) > float(h)]
    assert bool(wide_sheets) == bool(landscape["landscape_tables"]), "landscape sheets only for wide tables"


@needs_chromium
def test_the_print_check_sees_a_word_cut_in_two_and_a_table_off_the_page(browser, tmp_path):
    """The check above can fail: a cell that breaks words anywhere, and a table wider than a sheet."""
    cut = tmp_path / "cut.html"
    cut.write_text(
        '<html lang="en"><body><table><tr><td style="width:40px;overflow-wrap:anywhere">'
        "contradicted unverifiable</td></tr></table>"
        f'<table style="width:{PORTRAIT_PX + 200}px"><tr><td>wide</td></tr></table></body></html>'
    )
    found = printed_tables(browser, cut, landscape=False)
    assert "table 0: contradicted" in found["broken"] and len(found["wide"]) == 1
