"""Chart of the named companies' baskets against the benchmarks.

Basket levels and returns come from :mod:`rotation_utils.analytics.named_companies`;
this function only draws them and returns ``(fig, ax)`` for the notebook's footnote,
or ``(None, None)`` when no line has data (a chart is skipped, never drawn empty).
"""
from __future__ import annotations

import pandas as pd

from .. import style
from ..analytics.returns import rebase


def plot_rebased(levels: pd.DataFrame, title: str, event_date=None, benchmarks=()):
    """Rebased (=100) lines: named names thin, ``benchmarks`` thick and dashed; the event
    date is marked only when it falls inside the plotted dates."""
    have = levels.dropna(axis=1, how="all").dropna(how="all")
    if have.empty:
        return None, None
    fig, ax = style.new_figure(title, "Date", "Index (first day in window = 100)")
    reb = rebase(have)
    for i, col in enumerate(reb.columns):
        bench = col in benchmarks
        ax.plot(reb.index, reb[col], lw=2.8 if bench else 1.2, ls="--" if bench else "-",
                color=style.PALETTE[i % len(style.PALETTE)], label=col)
    if event_date is not None and reb.index[0] <= pd.Timestamp(event_date) <= reb.index[-1]:
        style.mark_dates(ax, [event_date], label="event date")
    ax.legend(ncol=4, fontsize=9, loc="upper left")
    return fig, ax
