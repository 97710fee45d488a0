"""Charts for the rotation report: window returns, rebuilt baskets, relative strength,
the long view of IWM against the benchmark, the timing rule and the Russell 2000 target.

The numbers come from :mod:`rotation_utils.analytics.rotation`; these functions only
draw them. Each returns the figure with the house-style footnote already added, or
None when the window leaves nothing to draw (the notebook then prints why instead
of showing an empty chart).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .. import style
from ..analytics.returns import drawdown

SOURCE_PX = "adjusted closes via the data layer"


def plot_window_returns(board: pd.DataFrame, base_day, last_day):
    """Bars of each series' total return since the window start (series without one are left out)."""
    bars = board.set_index("Name")["Since start"].dropna().sort_values() * 100
    if bars.empty:
        return None
    fig, ax = style.new_figure(
        f"Total return since {pd.Timestamp(base_day):%Y-%m-%d}", "Total return over the window (%)", ""
    )
    ax.barh(bars.index, bars.values, color=[style.PALETTE[3] if v < 0 else style.PALETTE[0] for v in bars.values])
    style.footnote(fig, f"{SOURCE_PX}; baskets rebuilt from constituents", last_day)
    return fig


def plot_baskets(lines: pd.DataFrame, base_day, last_day):
    """Rebuilt baskets (solid) and the funds they resemble (dashed), rebased to 100."""
    lines = lines.dropna(axis=1, how="all")
    if lines.empty or not any(c not in ("MAGS", "RSP") for c in lines.columns):
        return None
    fig, ax = style.new_figure(
        "Rebuilt baskets and the funds they resemble",
        "",
        f"Total return index ({pd.Timestamp(base_day):%Y-%m-%d} = 100)",
    )
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


def plot_relative(rel: pd.DataFrame, base_day, last_day, cuts=(), event_date=None):
    """Relative-strength lines (rebased to 100) with FOMC cuts and the event date marked."""
    if rel.empty:
        return None
    fig, ax = style.new_figure(
        "Relative strength: rising = the numerator outperforms", "", f"Ratio ({pd.Timestamp(base_day):%Y-%m-%d} = 100)"
    )
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


def plot_long_view(ratio: pd.Series, benchmark: str, last_day):
    """The IWM/benchmark ratio since its first date (rebased to 100) and its drawdown from peak."""
    ratio = ratio.dropna()
    if ratio.empty:
        return None
    fig, (ax, ax2) = plt.subplots(2, 1, sharex=True, figsize=(11, 7), gridspec_kw={"height_ratios": [2, 1]})
    ax.plot(ratio.index, ratio / ratio.iloc[0] * 100, color=style.PALETTE[0])
    ax.set_title(f"IWM / {benchmark} total-return ratio")
    ax.set_ylabel(f"Ratio ({ratio.index[0]:%Y-%m-%d} = 100)")
    ax2.fill_between(ratio.index, drawdown(ratio) * 100, 0, color=style.PALETTE[3], alpha=0.5)
    ax2.set_ylabel("From peak (%)")
    ax2.set_xlabel("")
    style.footnote(fig, f"adjusted closes (IWM from {ratio.index[0]:%Y-%m-%d})", last_day)
    return fig


def plot_regime(reg: pd.DataFrame, flip_dates, benchmark: str, fast: int, slow: int, last_day):
    """The ratio, its fast and slow averages, and the rule's flips (needs ``slow`` days of the ratio)."""
    if reg.empty or reg["slow"].dropna().empty:
        return None
    fig, ax = style.new_figure(
        f"IWM / {benchmark} and its {fast}- and {slow}-day averages", "", f"Ratio (price of IWM in {benchmark} shares)"
    )
    for col, c, lw, lab in [
        ("ratio", "#999999", 1, "ratio"),
        ("fast", style.PALETTE[0], 2, f"{fast}-day"),
        ("slow", style.PALETTE[1], 2, f"{slow}-day"),
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


def plot_target(levels: pd.Series, tgt: dict, base_year: int, last_day):
    """^RUT against the target and the base it implies; the base year's close is marked when the data reach it."""
    levels = levels.dropna()
    if levels.empty:
        return None
    target = tgt["target"]
    fig, ax = style.new_figure(f"Russell 2000 (^RUT) against the {target:,.0f} target", "", "Index level (points)")
    ax.plot(levels.index, levels, color=style.PALETTE[0], lw=1.8, label="^RUT close")
    ax.axhline(target, color=style.PALETTE[3], ls="--", label=f"target {target:,.0f}")
    ax.axhline(
        tgt["implied_base"],
        color=style.PALETTE[1],
        ls=":",
        label=f"implied {base_year} base {tgt['implied_base']:,.0f}",
    )
    if tgt["base_date"] is not None:
        ax.scatter(
            [tgt["base_date"]], [tgt["base_close"]], color="black", zorder=5, label=f"{base_year} year-end close"
        )
    ax.legend(fontsize=10)
    style.footnote(fig, "^RUT price level (no dividends)", last_day)
    return fig
