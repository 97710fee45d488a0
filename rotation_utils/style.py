"""House plotting style: one look for every chart, readable on a projector.

Colour-blind-safe palette (Okabe-Ito), large fonts, a title, labelled axes and
a footnote with the data source and as-of date on every figure.
"""
from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

#: Okabe-Ito colour-blind-safe palette
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FIGSIZE = (11, 5.5)
DIVERGING = "RdBu"  # heat maps of relative returns: red below zero, blue above


def apply() -> None:
    """Set the seaborn theme, palette and sizes for the whole notebook.

    Also makes every pandas Styler escape HTML in its cells, so a table a
    notebook styles itself cannot carry markup from the data into the report.
    """
    pd.set_option("styler.format.escape", "html")
    sns.set_theme(context="talk", style="whitegrid", palette=PALETTE, font_scale=0.8)
    matplotlib.rcParams.update({
        "figure.figsize": FIGSIZE,
        "figure.dpi": 100,
        "savefig.dpi": 110,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
        "axes.titlesize": 15,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
    })


def footnote(fig_or_ax, source: str, as_of=None, extra: str = "") -> None:
    """Write 'Source: ... | Data as of ...' under the figure."""
    fig = fig_or_ax.figure if hasattr(fig_or_ax, "figure") and not isinstance(fig_or_ax, plt.Figure) else fig_or_ax
    parts = [f"Source: {source}"]
    if as_of is not None:
        parts.append(f"data as of {pd.Timestamp(as_of):%Y-%m-%d}")
    if extra:
        parts.append(extra)
    fig.text(0.01, -0.02, " | ".join(parts), ha="left", va="top", fontsize=9, color="#555555")


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
