"""Charts for the earnings race: group earnings growth, margins, and revenue growth
against margin change per company.

The numbers come from :mod:`rotation_utils.analytics.earnings`; these functions
only draw them. Each returns ``(fig, ax)`` (the scatter also the clipped count)
so the notebook adds the footnote with its own source and as-of date, or ``None``
in place of the figure and axes when the window has nothing to draw: a chart is
skipped, never drawn empty (the notebook's sentence says what is missing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from .. import style
from ..analytics.earnings import GROUP_ORDER


def plot_growth(growth: pd.DataFrame, title: str):
    """Bars of same-company earnings growth per year and group; partial years hatched."""
    if growth.empty or not np.isfinite(growth["growth"].astype("float64")).any():
        return None, None
    fig, ax = style.new_figure(title, "Calendar year of fiscal year end", "Net income growth (%)")
    years = sorted(growth["year"].unique())
    groups = [g for g in GROUP_ORDER if g in set(growth["group"])]
    width = 0.8 / max(len(groups), 1)
    for i, g in enumerate(groups):
        sub = growth[growth["group"] == g].set_index("year").reindex(years)
        xs = np.arange(len(years)) + (i - (len(groups) - 1) / 2) * width
        bars = ax.bar(xs, sub["growth"].fillna(0) * 100, width, color=style.PALETTE[i], label=g)
        for bar, complete in zip(bars, sub["complete"].fillna(False)):
            if not complete:
                bar.set_hatch("//")
                bar.set_alpha(0.4)
    ax.set_xticks(np.arange(len(years)), [str(y) for y in years])
    ax.axhline(0, color="#333333", lw=0.8)
    ax.legend(title="hatched = partial sample")
    return fig, ax


def plot_margins(margins: pd.DataFrame, title: str, column: str = "operating_margin"):
    """Lines of a margin column per group over the years."""
    if margins.empty or not np.isfinite(margins[column].astype("float64")).any():
        return None, None
    fig, ax = style.new_figure(title, "Calendar year of fiscal year end", "Margin (% of revenue)")
    for i, (g, sub) in enumerate(margins.groupby("group", sort=False)):
        ax.plot(
            sub["year"],
            sub[column] * 100,
            marker="o",
            lw=2.5 if g in GROUP_ORDER else 1.5,
            color=style.PALETTE[i % len(style.PALETTE)],
            label=g,
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.axhline(0, color="#333333", lw=0.8)
    ax.legend(ncol=3, fontsize=9)
    return fig, ax


def plot_growth_vs_margin(changes: pd.DataFrame, named: list, title: str, clip=(-0.5, 1.0), clip_margin=(-0.3, 0.3)):
    """Revenue growth (x) against operating-margin change (y): the Other 493 grey,
    the Mag 7 and the named companies labelled. Points beyond the clip box are
    drawn on its edge; returns ``(fig, ax, clipped)``."""
    if changes[["revenue_growth", "operating_margin_change"]].dropna().empty:
        return None, None, 0
    fig, ax = style.new_figure(title, "Revenue growth (%)", "Operating-margin change (pp)")
    x = changes["revenue_growth"].clip(*clip) * 100
    y = changes["operating_margin_change"].clip(*clip_margin) * 100
    rg, mc = changes["revenue_growth"], changes["operating_margin_change"]
    clipped = int((rg.lt(clip[0]) | rg.gt(clip[1]) | mc.lt(clip_margin[0]) | mc.gt(clip_margin[1])).sum())
    kinds = [
        ("Other 493", changes["group"].eq("Other 493") & ~changes["symbol"].isin(named), "#BBBBBB", 18),
        ("Mag 7", changes["group"].eq("Mag 7"), style.PALETTE[3], 90),
        ("Named companies", changes["symbol"].isin(named), style.PALETTE[0], 90),
    ]
    for label, mask, color, size in kinds:
        ax.scatter(x[mask], y[mask], s=size, color=color, label=label, alpha=0.9 if size > 20 else 0.6)
        if size > 20:
            for xi, yi, t in zip(x[mask], y[mask], changes.loc[mask, "symbol"]):
                ax.annotate(t, (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=9)
    ax.axhline(0, color="#333333", lw=0.8)
    ax.axvline(0, color="#333333", lw=0.8)
    ax.legend(fontsize=9)
    return fig, ax, clipped
