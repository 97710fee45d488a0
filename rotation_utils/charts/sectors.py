"""Charts for sector leadership: relative-return heat maps, healthcare and bank funds and
baskets against the small-cap index and the S&P 500, member breadth, IWM sector weights
and the named groups behind the verdict.

The numbers come from :mod:`rotation_utils.analytics.sectors` and
:mod:`~rotation_utils.analytics.sectors_members`; titles and source lines that depend on
the run come from :mod:`rotation_utils.story.sectors`. Each function returns the figure
with the house-style footnote, or None when there is nothing to draw (the notebook then
says what is missing and why).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .. import style
from ..narrative import pct


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
    fig, ax = style.new_figure(
        f"Named groups minus {market}, {pd.Timestamp(base_day):%Y-%m-%d} to {pd.Timestamp(last_day):%Y-%m-%d}",
        f"Return minus {market} (pp)",
        "",
        figsize=(11, 0.9 * len(diff) + 2),
    )
    colours = [style.POSITIVE if v > 0 else style.NEGATIVE for v in diff.values]
    ax.barh(labels[::-1], diff.values[::-1], color=colours[::-1])
    ax.axvline(0, color="#333333", lw=1)
    for y, v in enumerate(diff.values[::-1]):
        ax.annotate(
            f"{v:+.1f} pp",
            (v, y),
            xytext=(6 if v >= 0 else -6, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
            va="center",
            fontsize=12,
        )
    ax.margins(x=0.2)
    style.footnote(fig, source, last_day)
    return fig


def plot_relative_heatmap(
    values: pd.DataFrame,
    title: str,
    xlabel: str,
    ylabel: str,
    scale_label: str,
    source: str,
    last_day,
    note: str = "",
    annotate: bool = True,
    annotate_max_columns: int | None = None,
):
    """Heat map of returns relative to a benchmark (percentage points), centred on zero.

    Red below the benchmark, blue above (``style.DIVERGING``), the same colour for
    the same distance either side; blank cells have no data. Values are written in
    the cells when ``annotate``.

    Args:
        values: rows (funds) x columns (periods), in percentage points.
        title, xlabel, ylabel: the chart's texts.
        scale_label: the colour bar's label.
        source, last_day, note: the footnote.
        annotate: write each cell's value.
        annotate_max_columns: write them only when the frame has at most this many
            columns (wider frames' cells are too narrow for a number); None: no limit.

    Returns:
        The figure.
    """
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    grid = values.to_numpy(dtype="float64")
    reach = float(np.nanmax(np.abs(grid))) if np.isfinite(grid).any() else 1.0
    # page width whatever the number of periods: a wider figure is scaled down and its labels become unreadable
    fig, ax = style.new_figure(title, xlabel, ylabel, figsize=(11, 0.42 * grid.shape[0] + 2))
    mesh = ax.imshow(
        np.ma.masked_invalid(grid),
        cmap=style.DIVERGING,
        aspect="auto",
        norm=TwoSlopeNorm(vcenter=0.0, vmin=-reach or -1.0, vmax=reach or 1.0),
    )
    step = max(1, grid.shape[1] // 16)  # at most about 16 period labels
    ax.set_xticks(
        range(0, grid.shape[1], step), [str(c) for c in values.columns][::step], rotation=90 if grid.shape[1] > 8 else 0
    )
    ax.set_yticks(range(grid.shape[0]), [str(i) for i in values.index])
    ax.grid(False)
    if annotate and (annotate_max_columns is None or grid.shape[1] <= annotate_max_columns):
        for (r, c), v in np.ndenumerate(grid):
            if np.isfinite(v):  # dark text on pale cells, white on strong ones
                ax.text(
                    c,
                    r,
                    f"{v:+.0f}",
                    ha="center",
                    va="center",
                    fontsize=11,
                    color="white" if abs(v) > 0.6 * reach else "#222222",
                )
    fig.colorbar(mesh, ax=ax, label=scale_label)
    style.footnote(fig, source, last_day, note)
    return fig


def plot_sector_breadth(by_sector: pd.DataFrame, share_all: float, index_name: str, source: str, last_day):
    """Bars of the share of members beating ``index_name`` per sector, with the all-member share and 50%.

    Args:
        by_sector: one row per sector with ``sector`` and ``share_beat`` (a fraction).
        share_all: the share over all members (a fraction), drawn as a dashed line.
        index_name: the index the members are measured against.
        source, last_day: the footnote.

    Returns:
        The figure.
    """
    fig, ax = style.new_figure(
        f"Share of IWM members beating {index_name}, by sector", "Share of members (%)", "Sector", figsize=(11, 6.5)
    )
    ax.barh(by_sector["sector"].astype(str)[::-1], by_sector["share_beat"][::-1] * 100, color=style.PALETTE[0])
    ax.axvline(share_all * 100, color=style.PALETTE[3], ls="--", label=f"all members ({pct(share_all, sign=False)})")
    ax.axvline(50, color="#777777", ls=":", label="half")
    ax.legend()
    style.footnote(fig, source, last_day)
    return fig


def plot_sector_weights(weights: pd.DataFrame):
    """Horizontal bars of each sector's weight in each IWM holdings file (largest sector on top).

    Args:
        weights: ``sectors_members.sector_weights`` (sectors x file dates, fractions).

    Returns:
        The figure; the footnote's date is the last file's.
    """
    fig, ax = style.new_figure(
        "IWM sector weights by holdings file", "Weight (% of equities)", "Sector", figsize=(11, 7)
    )
    (weights.iloc[::-1] * 100).plot.barh(ax=ax, width=0.8)
    ax.set_ylabel("Sector")
    ax.legend(title="Holdings file")
    style.footnote(fig, "iShares IWM holdings files (equities only)", weights.columns[-1])
    return fig
