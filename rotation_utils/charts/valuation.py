"""Charts for the valuation gap: P/E by group and sector, its history over dated
versions, the named companies, Shiller's long history and the ^RUT/^GSPC ratio.

The P/Es come from :mod:`rotation_utils.analytics.valuation`; these functions only
draw them. Titles and labels that carry the run's dates or figures are worded in
:mod:`rotation_utils.story.valuation` and passed in. Each returns the figure with the house-style footnote already added,
or None when there is nothing to draw (a window without the data): the report
then prints why instead of showing an empty chart.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import style

SOURCE_FIN = "S&P 500 constituent financials (datasets/s-and-p-500-companies-financials)"


def plot_pe_table(table: pd.DataFrame, version, title: str, source: str = SOURCE_FIN):
    """Horizontal bars: aggregate P/E with and without loss-makers, median as a dot.

    Args:
        table: ``valuation.pe_table``; version: its date (the footnote's as-of).
        title: the chart title (``story.valuation.pe_chart_title``).
    """
    if table.empty or table[["pe_all", "pe_ex_losses"]].isna().all().all():
        return None
    t = table.iloc[::-1].reset_index(drop=True)
    fig, ax = style.new_figure(title, "P/E (x, trailing earnings)", "", figsize=(11, 7))
    y = np.arange(len(t))
    ax.barh(y + 0.2, t["pe_all"], height=0.4, color=style.PALETTE[0], label="Aggregate, loss-makers included")
    ax.barh(y - 0.2, t["pe_ex_losses"], height=0.4, color=style.PALETTE[1], label="Aggregate, loss-makers excluded")
    ax.scatter(t["median_pe"], y, color=style.PALETTE[6], zorder=3, s=25, label="Median company")
    ax.set_yticks(y, t["group"])
    ax.legend(loc="lower right")
    style.footnote(fig, source, version, "aggregate = total market cap / total earnings")
    return fig


def plot_history(history: pd.DataFrame, groups, version, source: str = SOURCE_FIN):
    """Group P/E on each usable dated version (markers: the versions are irregular).

    None (no chart) with fewer than two versions: one point is not a history.
    """
    if history["as_of"].nunique() < 2 or not history["group"].isin(list(groups)).any():
        return None
    fig, ax = style.new_figure(
        "Aggregate trailing P/E on each dated fundamentals version", "Version date", "P/E (x, trailing earnings)"
    )
    for i, g in enumerate(groups):
        h = history[history["group"] == g]
        ax.plot(h["as_of"], h["pe"], marker="o", ms=3, lw=1, color=style.PALETTE[i % len(style.PALETTE)], label=g)
    ax.legend(loc="best")
    style.footnote(fig, source, version, "lines join versions; no versions between them")
    return fig


def plot_named(named: pd.DataFrame, sp500_pe: float, as_of, source: str, line_label: str = ""):
    """Named companies' trailing P/E against the S&P 500 aggregate (loss-makers labelled).

    ``line_label``: the legend label of the S&P 500 line (``story.valuation.sp500_line_label``),
    drawn only when ``sp500_pe`` is a number.
    """
    if named.empty or named["pe"].isna().all():
        return None
    t = named.sort_values("pe", na_position="first")
    fig, ax = style.new_figure(
        "Named companies: trailing P/E from annual statements", "P/E (x, market cap / last fiscal-year net income)", ""
    )
    y = np.arange(len(t))
    member = t["in_iwm"] if "in_iwm" in t else pd.Series(False, index=t.index)
    ax.barh(y, t["pe"].fillna(0), color=[style.PALETTE[2] if m else style.PALETTE[5] for m in member])
    handles = [
        style.legend_patch(style.PALETTE[2] if m else style.PALETTE[5], lab)
        for m, lab in ((True, "IWM holding"), (False, "not an IWM holding"))
        if (member == m).any()
    ]
    labels = [
        f"{tk} ({'loss' if e <= 0 else 'no data'})" if not pv == pv else tk
        for tk, pv, e in zip(t["ticker"], t["pe"], t["earnings"].fillna(1))
    ]
    ax.set_yticks(y, labels)
    if math.isfinite(sp500_pe):
        handles.append(ax.axvline(sp500_pe, color=style.PALETTE[3], ls="--", label=line_label))
    ax.legend(handles=handles, loc="lower right")
    style.footnote(fig, source, as_of)
    return fig


def plot_shiller(sh: pd.DataFrame, today_pe: float, source: str, line_label: str = ""):
    """Shiller trailing P/E and CAPE since 1881, with today's aggregate trailing P/E as a line.

    ``line_label``: the legend label of that line (``story.valuation.shiller_line_label``),
    drawn only when ``today_pe`` is a number.
    """
    if sh.empty:
        return None
    fig, ax = style.new_figure(
        "S&P 500 valuation since 1881: trailing P/E and CAPE", "Month", "Multiple of earnings (x)"
    )
    ax.plot(sh["date"], sh["pe"].clip(upper=60), lw=1, color=style.PALETTE[0], label="Trailing P/E (capped at 60x)")
    ax.plot(sh["date"], sh["cape"], lw=1.5, color=style.PALETTE[1], label="CAPE (10-year real earnings)")
    if math.isfinite(today_pe):
        ax.axhline(today_pe, color=style.PALETTE[3], ls="--", label=line_label)
    ax.legend(loc="upper left")
    note = "dashed line: constituent financials, a different source" if math.isfinite(today_pe) else ""
    style.footnote(fig, source, sh["date"].max(), note)
    return fig


def plot_ratio(ratio: pd.Series, source: str):
    """Relative price level (e.g. ^RUT / ^GSPC), rebased to 1 at its start."""
    r = ratio.dropna()
    if r.empty:
        return None
    fig, ax = style.new_figure(
        "Russell 2000 price level relative to the S&P 500 (a price, not a valuation)",
        "Date",
        f"^RUT / ^GSPC (1.0 = {r.index[0]:%Y-%m-%d})",
    )
    ax.plot(r.index, r / r.iloc[0], lw=1.2, color=style.PALETTE[0])
    ax.scatter([r.idxmin()], [r.min() / r.iloc[0]], color=style.PALETTE[3], zorder=3, label="Lowest")
    ax.legend(loc="best")
    style.footnote(fig, source, r.index[-1])
    return fig
