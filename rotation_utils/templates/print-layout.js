/* Print layout, shared by the reports and the index: a table too wide for a portrait page
   prints on a landscape page of its own (the @page rt-landscape rule in report.css).
   Why measure here: which tables are wide depends on the data (long names, many columns),
   and a word must never be cut to make a column fit. Each table is laid out at its printed
   type size and padding twice: every column as narrow as its longest word (width:
   min-content), and at the text width of a portrait page. It goes landscape when the first
   is wider than the page, or when the second makes its rows tall columns of a few words
   each (on average more than TALL_ROW_LINES lines: a table of long texts, like the claims
   ledger, reads better on the wide side of the sheet). */
(function () {
  var PORTRAIT_PX = 718;  /* A4 (the narrower of A4 and Letter) less two 10 mm margins, at 96 px per inch */
  var TALL_ROW_LINES = 10;
  var probe = document.createElement("style");
  probe.textContent =
    "table.rt-measure { max-width: none !important; table-layout: auto !important; font-size: 8pt !important; }" +
    "table.rt-measure.rt-narrowest { width: min-content !important; }" +
    "table.rt-measure.rt-portrait { width: " + PORTRAIT_PX + "px !important; }" +
    "table.rt-measure th, table.rt-measure td { font-size: 8pt !important; padding: 2px 4px !important; max-width: none !important; }" +
    "table.rt-measure .rt-num { font-size: 10pt !important; }";
  document.head.appendChild(probe);
  document.querySelectorAll("table").forEach(function (table) {
    table.classList.add("rt-measure", "rt-narrowest");
    var width = table.getBoundingClientRect().width;
    table.classList.replace("rt-narrowest", "rt-portrait");
    var rows = table.tBodies.length ? table.tBodies[0].rows : [];
    var tall = false;
    if (rows.length && width > 0) {
      var line = 1.25 * parseFloat(getComputedStyle(rows[0].cells[0] || table).fontSize);
      var height = 0;
      for (var i = 0; i < rows.length; i++) { height += rows[i].getBoundingClientRect().height; }
      tall = height / rows.length > TALL_ROW_LINES * line;
    }
    table.classList.remove("rt-measure", "rt-portrait");
    if (width > PORTRAIT_PX || tall) {
      var block = table.closest(".jp-OutputArea-output, .rt-scroll") || table;
      block.classList.add("rt-landscape");
      /* the heading just above the table goes to the landscape sheet with it: the page's own
         (index) or the last line of the report's markdown cell before the table's cell */
      var cell = table.closest(".jp-Cell");
      var before = cell ? cell.previousElementSibling : block.previousElementSibling;
      var text = before && (before.matches(".jp-MarkdownCell") ? before.querySelector(".jp-RenderedMarkdown") : null);
      var last = text ? text.lastElementChild : before;
      if (last && /^H[1-4]$/.test(last.tagName)) { before.classList.add("rt-landscape"); }
    }
  });
  probe.remove();
})();
