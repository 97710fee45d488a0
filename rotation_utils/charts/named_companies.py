"""Chart of the named companies' baskets against the benchmarks.

Basket levels and returns come from :mod:`rotation_utils.analytics.named_companies`;
this function only draws them and returns ``(fig, ax)`` for the notebook's footnote,
or ``(None, None)`` when no line has data (a chart is skipped, never drawn empty).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd

from .. import style
from ..analytics.returns import rebase


def plot_rebased(levels: pd.DataFrame, title: str, event_date=None, benchmarks=()):
    """Rebased (=100) lines: named baskets solid, ``benchmarks`` dashed; the event date is
    marked only when it falls inside the plotted dates.

    Up to :data:`~rotation_utils.style.MAX_SERIES` lines share one panel; with more, each
    basket gets a panel of its own with the benchmarks behind it (same colours in every
    panel), so no panel carries more than the benchmarks and one basket.

    Returns:
        ``(fig, ax)`` (the first panel), or ``(None, None)`` when no line has data.
    """
    have = levels.dropna(axis=1, how="all").dropna(how="all")
    if have.empty:
        return None, None
    reb = rebase(have)
    benches = [c for c in reb.columns if c in benchmarks]
    names = [c for c in reb.columns if c not in benchmarks]
    if len(reb.columns) <= style.MAX_SERIES or not names:
        colour = {c: style.PALETTE[i % len(style.PALETTE)] for i, c in enumerate(reb.columns)}
        panels = [list(reb.columns)]
        fig, ax = style.new_figure(title, "Date", "Index (first day in window = 100)")
        axes = [ax]
    else:
        panels = [[n] + benches for n in names]
        # the benchmarks keep one colour in every panel; a panel's basket takes one none of them has
        # (the event-date line is grey)
        bench_colours = [c for c in style.PALETTE if c not in (style.PALETTE[0], style.PALETTE[1], style.PALETTE[3])]
        colour = {c: bench_colours[i % len(bench_colours)] for i, c in enumerate(benches)}
        colour.update({c: (style.PALETTE[0], style.PALETTE[1], style.PALETTE[3])[i % 3] for i, c in enumerate(names)})
        rows = math.ceil(len(panels) / 2)
        fig, grid = plt.subplots(rows, 2, sharex=True, sharey=True, figsize=(11, 2.9 * rows + 1.2), squeeze=False)
        axes = list(grid.flat)
        for extra in axes[len(panels) :]:
            extra.set_visible(False)
        fig.suptitle(title, fontweight="bold")
        fig.supylabel("Index (first day in window = 100)", fontsize=12)
    for ax, lines in zip(axes, panels):
        for col in lines:
            bench = col in benchmarks
            ax.plot(
                reb.index, reb[col], lw=1.6 if bench else 2.2, ls="--" if bench else "-", color=colour[col], label=col
            )
        if event_date is not None and reb.index[0] <= pd.Timestamp(event_date) <= reb.index[-1]:
            style.mark_dates(ax, [event_date], label="event date")
        if len(panels) > 1:
            ax.set_title(lines[0], fontsize=12)
            ax.tick_params(axis="x", labelrotation=30, labelsize=9)
    if len(panels) == 1:
        axes[0].legend(ncol=3, fontsize=9, loc="upper left")
    else:
        handles, labels = axes[0].get_legend_handles_labels()
        keep = [(h, lab) for h, lab in zip(handles, labels) if lab != panels[0][0]]
        fig.legend(
            [h for h, _ in keep],
            [lab for _, lab in keep],
            loc="lower center",
            ncol=len(keep),
            fontsize=10,
            bbox_to_anchor=(0.5, -0.02),
        )
        fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig, axes[0]
