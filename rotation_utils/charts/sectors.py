"""Charts for sector leadership: healthcare and bank funds and baskets against the
small-cap index and the S&P 500.

The numbers come from :mod:`rotation_utils.analytics.sectors`. The function returns
the figure with the house-style footnote, or None when the window leaves none of the
healthcare or bank series to draw (the notebook then prints which are missing and why).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .. import style


def _panel_of(column: str) -> str:
    """'Healthcare' or 'Banks': which panel of :func:`plot_growth` a series belongs to."""
    return "Healthcare" if column in HEALTHCARE_FUNDS or "health" in column.lower() else "Banks"


HEALTHCARE_FUNDS = ("XBI", "IBB")


def plot_growth(lines: pd.DataFrame, benchmarks, base_day, last_day, source: str):
    """Growth of 100 since ``base_day``: healthcare and bank series in two panels, each with the benchmarks.

    Two panels keep each under ``style.MAX_SERIES`` lines; the benchmarks are drawn in
    black and grey in both so the panels read the same way. None when only
    ``benchmarks`` have data.
    """
    lines = lines.dropna(axis=1, how="all")
    bench = [c for c in benchmarks if c in lines.columns]
    others = [c for c in lines.columns if c not in set(benchmarks)]
    if not others:
        return None
    panels = {}
    for c in others:
        panels.setdefault(_panel_of(c), []).append(c)
    fig, axes = plt.subplots(1, len(panels), figsize=(13, 5.5), sharey=True, squeeze=False)
    fig.suptitle(f"Healthcare and banks since {pd.Timestamp(base_day):%Y-%m-%d}", fontweight="bold")
    bench_style = [("#000000", "-"), ("#777777", "--")]
    for ax, (name, cols) in zip(axes[0], panels.items()):
        for i, c in enumerate(cols):
            ax.plot(lines.index, lines[c], lw=1.8, color=style.PALETTE[i % len(style.PALETTE)], label=c)
        for (colour, ls), c in zip(bench_style, bench):
            ax.plot(lines.index, lines[c], lw=1.6, color=colour, ls=ls, label=c)
        ax.set_title(name)
        ax.set_xlabel("Date")
        ax.legend(fontsize=10)
        ax.tick_params(axis="x", labelrotation=30)
    axes[0][0].set_ylabel("Growth of 100 (total return)")
    style.footnote(fig, source, last_day)
    return fig


def plot_verdict_groups(table: pd.DataFrame, market: str, base_day, last_day, source: str):
    """Bars of each named group's return minus ``market`` over the window: the verdict at a glance.

    Args:
        table: the ``table`` of ``sectors_verdicts.named_sector_verdict`` (group, tickers, minus market).
        market: the benchmark's ticker.
        base_day, last_day: the window, for the title and the footnote.
        source: the data source line.

    Returns:
        The figure, or None when no group has a return over the window.
    """
    diff = table.set_index("group")["minus market"].dropna() * 100
    if diff.empty:
        return None
    labels = [f"{g} ({table.set_index('group').at[g, 'tickers']})" for g in diff.index]
    fig, ax = style.new_figure(f"Named groups minus {market}, {pd.Timestamp(base_day):%Y-%m-%d} to "
                               f"{pd.Timestamp(last_day):%Y-%m-%d}", f"Return minus {market} (pp)", "",
                               figsize=(11, 0.9 * len(diff) + 2))
    colours = [style.POSITIVE if v > 0 else style.NEGATIVE for v in diff.values]
    ax.barh(labels[::-1], diff.values[::-1], color=colours[::-1])
    ax.axvline(0, color="#333333", lw=1)
    for y, v in enumerate(diff.values[::-1]):
        ax.annotate(f"{v:+.1f} pp", (v, y), xytext=(6 if v >= 0 else -6, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=12)
    ax.margins(x=0.2)
    style.footnote(fig, source, last_day)
    return fig
