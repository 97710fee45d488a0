"""Charts for sector leadership: healthcare and bank funds and baskets against the
small-cap index and the S&P 500.

The numbers come from :mod:`rotation_utils.analytics.sectors`. The function returns
the figure with the house-style footnote, or None when the window leaves none of the
healthcare or bank series to draw (the notebook then prints which are missing and why).
"""
from __future__ import annotations

import pandas as pd

from .. import style


def plot_growth(lines: pd.DataFrame, benchmarks, base_day, last_day, source: str):
    """Growth of 100 since ``base_day`` for each line; None when only ``benchmarks`` have data."""
    lines = lines.dropna(axis=1, how="all")
    if not [c for c in lines.columns if c not in set(benchmarks)]:
        return None
    fig, ax = style.new_figure(f"Healthcare and banks since {pd.Timestamp(base_day):%Y-%m-%d}", "Date",
                               "Growth of 100 (total return)")
    lines.plot(ax=ax, lw=1.8)
    ax.set_xlabel("Date")
    ax.legend(ncols=2, fontsize=9)
    style.footnote(fig, source, last_day)
    return fig
