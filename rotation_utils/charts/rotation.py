"""Charts for the rotation report: window returns, rebuilt baskets, relative strength,
the long view of IWM against the benchmark, the timing rule and the Russell 2000 target.

The numbers come from :mod:`rotation_utils.analytics.rotation` and the titles and labels
that carry the run's dates or figures from :mod:`rotation_utils.story.rotation`
(``Captions``); these functions only draw them. Each returns the figure with the house-style footnote already added, or
None when the window leaves nothing to draw (the notebook then prints why instead
of showing an empty chart).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .. import style
from ..analytics.returns import drawdown

SOURCE_PX = "adjusted closes via the data layer"


def plot_window_returns(board: pd.DataFrame, title: str, last_day):
    """Bars of each series' total return since the window start (series without one are left out)."""
    bars = board.set_index("Name")["Since start"].dropna().sort_values() * 100
    if bars.empty:
        return None
    fig, ax = style.new_figure(title, "Total return over the window (%)", "")
    ax.barh(bars.index, bars.values, color=[style.PALETTE[3] if v < 0 else style.PALETTE[0] for v in bars.values])
    style.footnote(fig, f"{SOURCE_PX}; baskets rebuilt from constituents", last_day)
    return fig


def plot_baskets(lines: pd.DataFrame, ylabel: str, last_day):
    """Rebuilt baskets (solid) and the funds they resemble (dashed), rebased to 100."""
    lines = lines.dropna(axis=1, how="all")
    if lines.empty or not any(c not in ("MAGS", "RSP") for c in lines.columns):
        return None
    fig, ax = style.new_figure("Rebuilt baskets and the funds they resemble", "", ylabel)
    for col, c in zip(lines.columns, style.PALETTE):
        ax.plot(
            lines.index,
            lines[col],
            label=col,
            color=c,
            lw=2 if "cap" in col else 1.3,
            ls="--" if col in ("MAGS", "RSP") else "-",
        )
    ax.legend(ncol=3, fontsize=10)
    style.footnote(
        fig, "constituent prices and month-end market caps (Nasdaq screener); MAGS, RSP adjusted closes", last_day
    )
    return fig


def plot_relative(rel: pd.DataFrame, ylabel: str, base_day, last_day, cuts=(), event_date=None):
    """Relative-strength lines (rebased to 100) with the FOMC cuts inside [base_day, last_day]
    and the event date marked."""
    if rel.empty:
        return None
    fig, ax = style.new_figure("Relative strength: rising = the numerator outperforms", "", ylabel)
    for col, c in zip(rel.columns, style.PALETTE):
        ax.plot(rel.index, rel[col], label=col, color=c, lw=1.8)
    ax.axhline(100, color="#999999", lw=0.8)
    style.mark_dates(
        ax,
        [d for d in cuts if pd.Timestamp(base_day) <= d <= pd.Timestamp(last_day)],
        "FOMC rate cut",
        color="#009E73",
        style=":",
    )
    if event_date is not None:
        style.mark_dates(ax, [event_date], "Event date", color="#D55E00")
    ax.legend(fontsize=10)
    style.footnote(fig, "adjusted closes; FOMC decisions from federalreserve.gov (reference file)", last_day)
    return fig


def plot_long_view(ratio: pd.Series, words, last_day):
    """The ratio since its first date (rebased to 100) and its drawdown from peak.

    ``words``: ``(title, ylabel, source)`` as the story module words them.
    """
    ratio = ratio.dropna()
    if ratio.empty:
        return None
    title, ylabel, source = words
    fig, (ax, ax2) = plt.subplots(2, 1, sharex=True, figsize=(11, 7), gridspec_kw={"height_ratios": [2, 1]})
    ax.plot(ratio.index, ratio / ratio.iloc[0] * 100, color=style.PALETTE[0])
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax2.fill_between(ratio.index, drawdown(ratio) * 100, 0, color=style.PALETTE[3], alpha=0.5)
    ax2.set_ylabel("From peak (%)")
    ax2.set_xlabel("")
    style.footnote(fig, source, last_day)
    return fig


def plot_regime(reg: pd.DataFrame, flip_dates, words, last_day):
    """The ratio, its fast and slow averages, and the rule's flips (needs the slow average).

    ``words``: ``(title, ylabel, (ratio label, fast label, slow label))`` as the story words them.
    """
    if reg.empty or reg["slow"].dropna().empty:
        return None
    title, ylabel, (ratio_label, fast_label, slow_label) = words
    fig, ax = style.new_figure(title, "", ylabel)
    for col, c, lw, lab in [
        ("ratio", "#999999", 1, ratio_label),
        ("fast", style.PALETTE[0], 2, fast_label),
        ("slow", style.PALETTE[1], 2, slow_label),
    ]:
        ax.plot(reg.index, reg[col], color=c, lw=lw, label=lab)
    ax.scatter(
        flip_dates,
        reg["slow"].reindex(flip_dates),
        marker="D",
        s=70,
        color=style.PALETTE[3],
        zorder=5,
        label="rule flips",
    )
    ax.legend(fontsize=10)
    style.footnote(fig, "adjusted closes", last_day)
    return fig


def plot_target(levels: pd.Series, tgt: dict, words, last_day):
    """^RUT against the target and the base it implies; the base year's close is marked when the data reach it.

    ``words``: ``(title, target label, implied-base label, base-close label)`` as the story words them.
    """
    levels = levels.dropna()
    if levels.empty:
        return None
    title, target_label, implied_label, base_label = words
    fig, ax = style.new_figure(title, "", "Index level (points)")
    ax.plot(levels.index, levels, color=style.PALETTE[0], lw=1.8, label="^RUT close")
    ax.axhline(tgt["target"], color=style.PALETTE[3], ls="--", label=target_label)
    ax.axhline(tgt["implied_base"], color=style.PALETTE[1], ls=":", label=implied_label)
    if tgt["base_date"] is not None:
        ax.scatter([tgt["base_date"]], [tgt["base_close"]], color="black", zorder=5, label=base_label)
    ax.legend(fontsize=10)
    style.footnote(fig, "^RUT price level (no dividends)", last_day)
    return fig
