/* Print layout, shared by the reports and the index: a table too wide for a portrait page
   prints on a landscape page of its own (the @page rt-landscape rule in report.css).
   Why measure here: which tables are wide depends on the data (long names, many columns),
   and a word must never be cut to make a column fit. Each table is laid out once at its
   printed type size and padding, every column as narrow as its longest word
   (width: min-content), and compared with the text width of a portrait page. */
(function () {
  var PORTRAIT_PX = 718;  /* A4 (the narrower of A4 and Letter) less two 10 mm margins, at 96 px per inch */
  var probe = document.createElement("style");
  probe.textContent =
    "table.rt-measure { width: min-content !important; max-width: none !important; table-layout: auto !important; font-size: 8pt !important; }" +
    "table.rt-measure th, table.rt-measure td { font-size: 8pt !important; padding: 2px 4px !important; max-width: none !important; }" +
    "table.rt-measure .rt-num { font-size: 10pt !important; }";
  document.head.appendChild(probe);
  document.querySelectorAll("table").forEach(function (table) {
    table.classList.add("rt-measure");
    var width = table.getBoundingClientRect().width;
    table.classList.remove("rt-measure");
    if (width > PORTRAIT_PX) {
      (table.closest(".jp-OutputArea-output, .rt-scroll") || table).classList.add("rt-landscape");
    }
  });
  probe.remove();
})();
