"""House plotting style: one look for every chart, readable on a projector.

Colour-blind-safe palette (Okabe-Ito), large fonts, a title, labelled axes and
a footnote with the data source and as-of date on every figure.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.text import Annotation

#: Okabe-Ito colour-blind-safe palette without its yellow (#F0E442), which cannot be read on white
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
POSITIVE, NEGATIVE = PALETTE[0], PALETTE[3]  # bars above / below zero
#: most series one panel should carry; more go into a second panel or a table
MAX_SERIES = 6
#: the source line under every chart: large enough to read on a projector and on paper
FOOTNOTE_SIZE = 11
#: points between the lowest x-axis label and the source line
FOOTNOTE_GAP_PT = 8
FIGSIZE = (11, 5.5)
DIVERGING = "RdBu"  # heat maps of relative returns: red below zero, blue above
#: matplotlib style sheet holding the theme (seaborn's whitegrid/talk values, written out) and the sizes above
HOUSE_STYLE = Path(__file__).with_name("house.mplstyle")


def apply() -> None:
    """Apply the house style sheet (theme, palette, sizes) for the whole notebook.

    The sheet holds seaborn's "whitegrid"/"talk" theme written out, so a report
    that draws no seaborn plot never imports seaborn. Also makes every pandas
    Styler escape HTML in its cells, so a table a notebook styles itself cannot
    carry markup from the data into the report.
    """
    pd.set_option("styler.format.escape", "html")
    plt.style.use(HOUSE_STYLE)


def footnote(fig_or_ax, source: str, as_of=None, extra: str = "") -> None:
    """Write 'Source: ... | data as of ...' under the figure, below the lowest x-axis label."""
    fig = fig_or_ax.figure if hasattr(fig_or_ax, "figure") and not isinstance(fig_or_ax, plt.Figure) else fig_or_ax
    parts = [f"Source: {source}"]
    if as_of is not None:
        parts.append(f"data as of {pd.Timestamp(as_of):%Y-%m-%d}")
    if extra:
        parts.append(extra)
    text = " | ".join(parts)
    axes = [a for a in fig.axes if a.get_visible()]
    if not axes:
        fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=FOOTNOTE_SIZE, color="#333333", wrap=True)
        return
    # under the lowest panel's x-axis label wherever the layout puts it (a short figure
    # or a two-panel one leaves less room than a fixed figure position assumes)
    lowest = min(axes, key=lambda a: a.get_position().y0)
    note = Annotation(
        text,
        xy=(0.01, 0),
        xycoords=("figure fraction", lowest.xaxis.label),
        xytext=(0, -FOOTNOTE_GAP_PT),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=FOOTNOTE_SIZE,
        color="#333333",
        wrap=True,
        annotation_clip=False,
    )
    note.set_figure(fig)
    fig.texts.append(note)  # as fig.text() does: drawn with the figure, listed in fig.texts
    note._remove_method = fig.texts.remove


def legend_patch(color: str, label: str):
    """A legend entry drawn in ``color`` for bars coloured one by one (an empty bar call has none).

    Args:
        color: the bars' colour.
        label: the legend text.

    Returns:
        A matplotlib Patch to pass in ``ax.legend(handles=[...])``.
    """
    from matplotlib.patches import Patch

    return Patch(facecolor=color, label=label)


def mark_dates(ax, dates, label: str | None = None, color: str = "#777777", style: str = "--") -> None:
    """Vertical lines at event dates (only those inside the plotted range)."""
    lo, hi = ax.get_xlim()
    first = True
    for d in dates:
        x = matplotlib.dates.date2num(pd.Timestamp(d))
        if lo <= x <= hi:
            ax.axvline(x, color=color, ls=style, lw=1.2, label=label if first else None)
            first = False


def new_figure(title: str, xlabel: str, ylabel: str, figsize=None):
    """A figure and axis with title and axis labels already set."""
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax
