"""Charts for the OBBBA tax model: the 163(j) sensitivity grid, section 179 under
both laws, and the median saving per group.

The rules live in :mod:`rotation_utils.tax_model` and the firm-level results in
:mod:`rotation_utils.analytics.tax_effects` and ``tax_verdicts``; these functions only draw them and
return ``(fig, ax)`` for the notebook's footnote (``(None, None)`` when the firms give
nothing to draw: the chart is skipped and the notebook says why).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import style
from .. import tax_model as tm


def plot_sensitivity(grid: pd.DataFrame, title: str):
    """Heat map of the 163(j) saving (% of EBITDA) with both laws' binding boundaries;
    ``(None, None)`` when the change saves nothing anywhere on the grid (tax years
    before 2022, when prior law already used the EBITDA basis)."""
    if not (grid["saving"] > 0).any():
        return None, None
    piv = grid.pivot(index="leverage", columns="intensity", values="saving_pct_ebitda") * 100
    fig, ax = plt.subplots()
    mesh = ax.pcolormesh(piv.columns * 100, piv.index * 100, piv.values, cmap="Blues", shading="nearest")
    fig.colorbar(mesh, ax=ax, label="Tax saving (% of EBITDA)")
    x = np.linspace(piv.columns.min(), piv.columns.max(), 50)
    ax.plot(
        x * 100,
        tm.INTEREST_LIMIT_RATE * (1 - x) * 100,
        color="#D55E00",
        lw=2,
        label="limit binds above (EBIT basis, prior law)",
    )
    ax.axhline(
        tm.INTEREST_LIMIT_RATE * 100, color="#000000", ls="--", lw=2, label="limit binds above (EBITDA basis, OBBBA)"
    )
    ax.set(
        title=title,
        xlabel="Capital intensity: D&A / EBITDA (%)",
        ylabel="Leverage: interest / EBITDA (%)",
        ylim=(piv.index.min() * 100, piv.index.max() * 100),
    )
    ax.legend(loc="upper right", fontsize=9, frameon=True)
    return fig, ax


def plot_s179(year: int, max_cost: float = 8e6):
    """Section 179 deduction against qualifying purchases, prior law vs OBBBA."""
    cost = np.linspace(0, max_cost, 400)
    fig, ax = plt.subplots()
    for law, color in (("prior", "#E69F00"), ("obbba", "#0072B2")):
        p = tm.law_parameters(year, law)
        ded = tm.section179_deduction(cost, p["s179_limit"], p["s179_phaseout"])
        ax.plot(
            cost / 1e6,
            ded / 1e6,
            color=color,
            lw=2.5,
            label=f"{'prior law' if law == 'prior' else 'OBBBA'}: limit \\${p['s179_limit'] / 1e6:.2f}M, "
            f"phase-out from \\${p['s179_phaseout'] / 1e6:.2f}M",
        )
    ax.set(
        title=f"Section 179 expensing, tax year {year}: a small-buyer provision",
        xlabel="Qualifying property placed in service (USD M)",
        ylabel="Section 179 deduction (USD M)",
    )
    ax.legend(loc="upper right", fontsize=9)
    return fig, ax


def plot_groups(summary: pd.DataFrame, by: str, title: str):
    """Horizontal bars of the median saving (% of pre-tax income) per group."""
    s = summary.dropna(subset=["median_pct_pretax"]).sort_values("median_pct_pretax")
    if s.empty:
        return None, None
    fig, ax = plt.subplots(figsize=(11, max(5.5, 0.45 * len(s) + 1.5)))
    ax.barh(s[by].astype(str).str.replace("$", "\\$"), s["median_pct_pretax"] * 100, color="#0072B2")
    for y, (v, n) in enumerate(zip(s["median_pct_pretax"], s["firms"])):
        ax.text(v * 100, y, f"  {v * 100:.2f}% (n={n})", va="center", fontsize=9)
    ax.set(title=title, xlabel="Median tax saving (% of pre-tax income)", ylabel="")
    return fig, ax


def plot_gainers(top: pd.DataFrame, title: str):
    """Horizontal bars of the tax saving as a share of market cap, largest on top."""
    if top.empty or top["saving_pct_cap"].isna().all():
        return None, None
    fig, ax = style.new_figure(title, "Tax saving (% of market cap)", "")
    ax.barh(top["symbol"][::-1], top["saving_pct_cap"][::-1] * 100, color=style.PALETTE[0])
    return fig, ax


def plot_named(named: pd.DataFrame, title: str):
    """Horizontal bars of the named companies' saving as a share of pre-tax income."""
    shown = named.dropna(subset=["saving_pct_pretax"])
    if shown.empty:
        return None, None
    fig, ax = style.new_figure(title, "Tax saving (% of pre-tax income)", "")
    ax.barh(shown["ticker"], shown["saving_pct_pretax"] * 100, color=style.PALETTE[1])
    return fig, ax


def plot_verdict_comparison(groups: pd.DataFrame, title: str):
    """What the verdict rests on: the median permanent and timing saving of the thesis cell,
    the best cell and all firms, side by side (the verdict's numbers are the permanent ones).

    Args:
        groups: :func:`~rotation_utils.analytics.tax_verdicts.verdict_comparison`.
        title: the chart title.

    Returns:
        ``(fig, ax)``, or ``(None, None)`` when there is nothing to draw.
    """
    g = groups.dropna(subset=["permanent", "timing"], how="all").iloc[::-1]
    if g.empty:
        return None, None
    fig, ax = style.new_figure(title, "Median saving (% of pre-tax income)", "", figsize=(11, 1.3 * len(g) + 2.2))
    y = np.arange(len(g))
    perm, timing = style.PALETTE[0], style.PALETTE[1]
    for offset, col, colour in ((0.2, "permanent", perm), (-0.2, "timing", timing)):
        ax.barh(y + offset, g[col] * 100, height=0.38, color=colour)
        for yy, v in zip(y + offset, g[col] * 100):  # a zero bar is invisible: its number is not
            if pd.notna(v):
                ax.annotate(
                    f"{v:.1f}%", (max(v, 0), yy), xytext=(5, 0), textcoords="offset points", va="center", fontsize=13
                )
    labels = [f"{n}\n(n={k})".replace("$", "\\$") for n, k in zip(g["group"], g["firms"])]
    ax.set_yticks(y, labels)
    for tick, t in zip(ax.get_yticklabels(), g["thesis"]):
        tick.set_fontweight("bold" if t else "normal")
    ax.tick_params(axis="y", labelsize=13)
    ax.axvline(0, color="#333333", lw=0.8)
    ax.margins(x=0.15)
    ax.legend(
        handles=[
            style.legend_patch(perm, "permanent (the verdict's measure)"),
            style.legend_patch(timing, "timing (given back in later years)"),
        ],
        loc="lower right",
        fontsize=12,
        frameon=True,
    )
    return fig, ax
