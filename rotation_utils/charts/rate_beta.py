"""Charts for yield betas: the rolling beta with its regimes, and relative
strength against a rate level.

The betas come from :mod:`rotation_utils.analytics.rate_beta`; these functions
only draw them and return ``(fig, ax)`` for the notebook's footnote.
"""

from __future__ import annotations

import pandas as pd

from .. import style
from ..analytics.rate_beta import parse_regimes


def plot_rolling(beta: pd.Series, regimes, title: str, ylabel: str):
    """Rolling beta (in pp per +100 bp) with the regimes shaded and labelled."""
    fig, ax = style.new_figure(title, "Date (end of the trailing window)", ylabel)
    ax.plot(beta.index, beta * 100, color=style.PALETTE[0], lw=2)
    ax.axhline(0, color="#333333", lw=1)
    if len(beta):
        lo, hi = beta.index.min(), beta.index.max()
        for i, (name, s, e) in enumerate(parse_regimes(regimes)):
            a, b = max(s or lo, lo), min(e or hi, hi)
            if a < b:
                ax.axvspan(a, b, color=style.PALETTE[(i + 1) % len(style.PALETTE)], alpha=0.10, label=name)
    ax.legend(loc="best")
    return fig, ax


def plot_ratio_vs_rate(ratios: pd.DataFrame, rate: pd.Series, title: str, rate_label: str):
    """Relative-strength lines (left axis, rebased to 100) against a rate level (right axis)."""
    fig, ax = style.new_figure(title, "Date", "Price ratio to benchmark (start = 100)")
    for i, c in enumerate(ratios.columns):
        ax.plot(ratios.index, ratios[c], color=style.PALETTE[i % len(style.PALETTE)], lw=2, label=c)
    ax2 = ax.twinx()
    ax2.plot(rate.index, rate, color="#555555", lw=1.5, ls="--", label=rate_label)
    ax2.set_ylabel(f"{rate_label} (%)")
    ax2.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", ncol=len(l1) + len(l2), frameon=True, framealpha=0.85)
    return fig, ax
