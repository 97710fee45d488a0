"""The claims ledger's chart: how many claims reached each verdict in this run."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import MaxNLocator

from .. import style


def plot_verdict_counts(counts: pd.Series, reports_read: int):
    """Horizontal bars of claims per verdict (zeros kept, register order), each bar labelled.

    Args:
        counts: claims per verdict (``ledger.verdict_counts``).
        reports_read: how many results.json files the ledger read (for the footnote).
    Returns:
        The figure.
    """
    fig, ax = style.new_figure("Claims by verdict in this run", "Number of claims", "", figsize=(10, 4))
    ax.barh(counts.index[::-1], counts.values[::-1], color=style.PALETTE[0])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts of claims: no 2.5 ticks
    for y, v in enumerate(counts.values[::-1]):
        ax.text(v + 0.1, y, str(v), va="center")
    style.footnote(fig, "claims register; this run's results.json files", extra=f"{reports_read} reports read")
    return fig
