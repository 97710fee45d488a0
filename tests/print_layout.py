"""How a page prints, measured in the browser (print media emulated at a sheet's text width).

Used by the browser tests of a full run: every printed table fits the sheet it prints on
(portrait, or landscape for the tables the page sends there) and no cell wraps inside a
word. A word here is a run of letters and digits: a break at a space, a hyphen, a slash or
an underscore is not inside a word.
"""

from __future__ import annotations

#: text width of a Letter sheet with the runner's 10 mm side margins, in CSS px (96 per inch)
PORTRAIT_PX = int(8.5 * 96 - 20 / 25.4 * 96)
LANDSCAPE_PX = int(11 * 96 - 20 / 25.4 * 96)

#: JS ``([width, landscape]) -> {"wide": [...], "broken": [...]}`` over the page's visible tables
#: on sheets of one orientation: tables wider than ``width`` or scrolling inside themselves, and
#: words whose letters lie on more than one line (the rectangles of a DOM Range over the word)
PRINTED_TABLES = """([width, landscape]) => {
  const out = {wide: [], broken: []};
  document.querySelectorAll("table").forEach((t, i) => {
    if (Boolean(t.closest(".rt-landscape")) !== landscape) return;
    const box = t.getBoundingClientRect();
    if (box.width === 0) return;  // not printed (code cells, hidden blocks)
    const head = (t.innerText || "").slice(0, 40).replace(/\\s+/g, " ");
    if (box.right > width + 1 || t.scrollWidth > t.clientWidth + 1) out.wide.push(`table ${i} (${head})`);
    const walker = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[A-Za-z0-9]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) out.broken.push(`table ${i}: ${m[0]}`);
      }
    }
  });
  return out;
}"""


def printed_tables(browser, page_path, landscape: bool) -> dict:
    """Open ``page_path`` as it prints on a sheet of one orientation and measure its tables.

    Args:
        browser: a Playwright browser.
        page_path: the HTML page (a Path).
        landscape: measure the tables the page prints on landscape sheets (else the others).

    Returns:
        ``{"wide": [...], "broken": [...], "landscape_tables": n}``.
    """
    width = LANDSCAPE_PX if landscape else PORTRAIT_PX
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        found = page.evaluate(PRINTED_TABLES, [width, landscape])
        found["landscape_tables"] = page.evaluate("document.querySelectorAll('.rt-landscape table').length")
        return found
    finally:
        page.close()
