"""Display formatting for report tables: percent with one decimal, bp as integers, no index noise.

Every Styler made here escapes HTML in cells and headers: table text comes from
the data (company names, sectors, tickers; in live mode scraped from public web
pages) and pandas' Styler, unlike ``DataFrame.to_html``, does not escape by default.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import display

#: what an empty cell shows: a reader cannot tell a blank from a rendering fault
NA = "n/a"

ESCAPE = "html"


def plain(df: pd.DataFrame):
    """A Styler of ``df`` with the index hidden and every cell and header HTML-escaped.

    Args:
        df: the table to show.
    Returns:
        a pandas Styler; further ``.format`` calls keep escaping only if they pass ``escape``.
    """
    return (
        df.style.format(na_rep=NA, escape=ESCAPE)
        .format_index(escape=ESCAPE, axis=0)
        .format_index(escape=ESCAPE, axis=1)
        .hide(axis="index")
    )


def formatted(df: pd.DataFrame, pct=(), pp=(), bp=(), num=(), digits: int = 1, money=(), widths=None):
    """A pandas Styler with per-column formats, the index hidden and text HTML-escaped.

    ``pct``/``pp`` columns hold fractions (0.123 -> 12.3% / +12.3 pp), ``bp``
    columns hold percent units shown as integer basis points, ``money`` in USD bn;
    ``widths`` maps a long-text column to its smallest width (CSS, e.g. ``"18em"``), since
    left to the browser such a column may get a few words' width.
    """
    fmt = {}
    for c in pct:
        fmt[c] = lambda v, d=digits: NA if pd.isna(v) else f"{v * 100:.{d}f}%"
    for c in pp:
        fmt[c] = lambda v, d=digits: NA if pd.isna(v) else f"{v * 100:+.{d}f} pp"
    for c in bp:
        fmt[c] = lambda v: NA if pd.isna(v) else f"{v * 100:+.0f}"
    for c in num:
        fmt[c] = lambda v, d=digits: NA if pd.isna(v) else f"{v:,.{d}f}"
    for c in money:
        fmt[c] = lambda v: NA if pd.isna(v) else f"${v / 1e9:,.1f}bn"
    fmt = {c: f for c, f in fmt.items() if c in df.columns}
    out = plain(df).format(fmt, na_rep=NA, escape=ESCAPE)
    for col, width in (widths or {}).items():
        if col in df.columns:
            out = out.set_properties(subset=[col], **{"min-width": width})
    return out


def show(table) -> None:
    """Display a story module's table: a ``(frame, formats)`` pair, formatted and HTML-escaped.

    Args:
        table: ``(frame, formats)`` as returned by ``story.<subject>.*_table``; the
            formats are keyword arguments of :func:`formatted`.
    """
    frame, formats = table
    display(formatted(frame, **formats))
