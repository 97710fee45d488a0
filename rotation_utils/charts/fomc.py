"""Chart of the federal funds target range from the FOMC decisions file.

The decisions are read and checked in :mod:`rotation_utils.analytics.fomc`; this
function only draws them and returns ``(fig, ax)`` for the notebook's footnote.
"""

from __future__ import annotations

import pandas as pd

from .. import style


def plot_target_range(df: pd.DataFrame, title: str):
    """The target range after each decision as a step band, cuts marked."""
    fig, ax = style.new_figure(title, "Announcement date", "Federal funds target range (%)")
    d = df.sort_values("announcement_date")
    ax.fill_between(
        d["announcement_date"],
        d["target_low"],
        d["target_high"],
        step="post",
        color=style.PALETTE[0],
        alpha=0.35,
        label="target range (from the decisions file)",
    )
    for dec, marker, col in (("cut", "v", style.PALETTE[3]), ("hike", "^", style.PALETTE[2])):
        s = d[d["decision"] == dec]
        if len(s):
            ax.scatter(
                s["announcement_date"],
                s["target_high"] + 0.05,
                marker=marker,
                s=70,
                color=col,
                label=f"{dec} ({len(s)})",
                zorder=3,
            )
    ax.legend(loc="best")
    return fig, ax
