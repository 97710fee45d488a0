"""Charts for the FOMC event study: mean relative returns per decision, average
paths around the announcement, and each event's return.

The numbers come from :mod:`rotation_utils.analytics.events`; these functions
only draw them and return ``(fig, ax)`` for the notebook's footnote.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import style
from ..analytics.events import DECISION_ORDER, STATUS_OK, mean_ci, window_label


def plot_means(summary: pd.DataFrame, window: str, title: str, order=None):
    """Grouped bars: mean relative return per ticker and decision over ``window``, with
    the t-based 95% interval as error bars and the event count under each group."""
    sub = summary[summary["window"] == window]
    tickers = list(order or dict.fromkeys(sub["ticker"]))
    present = set(sub["decision"])
    groups = [g for g in DECISION_ORDER if g in present] + sorted(present - set(DECISION_ORDER))
    fig, ax = style.new_figure(title, "", f"Mean {window} return minus benchmark (pp)")
    width = 0.8 / max(len(groups), 1)
    for i, g in enumerate(groups):
        s = sub[sub["decision"] == g].set_index("ticker").reindex(tickers)
        x = np.arange(len(tickers)) + (i - (len(groups) - 1) / 2) * width
        err = np.vstack([s["mean"] - s["ci_low"], s["ci_high"] - s["mean"]]) * 100
        n = s["n"].fillna(0).astype(int)
        ci = DECISION_ORDER.index(g) if g in DECISION_ORDER else i
        ax.bar(
            x,
            s["mean"] * 100,
            width,
            yerr=np.nan_to_num(err),
            capsize=3,
            color=style.PALETTE[ci % len(style.PALETTE)],
            label=f"after {g}s (n = {n.min()}-{n.max()})" if n.min() != n.max() else f"after {g}s (n = {n.min()})",
        )
    ax.axhline(0, color="#333333", lw=1)
    ax.set_xticks(np.arange(len(tickers)), tickers)
    ax.legend(loc="best")
    return fig, ax


def plot_paths(paths: dict, ticker: str, benchmark: str, title: str):
    """Mean cumulative relative-return path per group (dict name -> ``event_paths`` frame),
    with a t-based 95% band; day 0 is the announcement day."""
    fig, ax = style.new_figure(
        title, "Trading days from the decision (day 0 = announcement)", f"{ticker} minus {benchmark}, cumulative (pp)"
    )
    for i, (name, p) in enumerate(paths.items()):
        if p.shape[1] == 0:
            continue
        stats_ = pd.DataFrame([mean_ci(row) for _, row in p.iterrows()], index=p.index)
        hit = [k for k, g in enumerate(DECISION_ORDER) if g in name]
        c = style.PALETTE[(hit[0] if hit else i) % len(style.PALETTE)]
        ax.plot(p.index, stats_["mean"] * 100, color=c, lw=2.5, label=f"{name} (n = {p.shape[1]})")
        ax.fill_between(p.index, stats_["ci_low"] * 100, stats_["ci_high"] * 100, color=c, alpha=0.15)
    ax.axhline(0, color="#333333", lw=1)
    ax.axvline(0, color="#777777", ls="--", lw=1.2)
    ax.legend(loc="best")
    return fig, ax


def plot_by_event(event_rets: pd.DataFrame, window, title: str, benchmark: str):
    """Bars per event date (x) and ticker (colour) of the relative return over ``window``."""
    hw = window_label(window)
    sub = event_rets[(event_rets["window"] == hw) & (event_rets["status"] == STATUS_OK)]
    wide = sub.pivot_table(index="announcement_date", columns="ticker", values="relative_return", sort=False)
    fig, ax = style.new_figure(title, "Announcement date of the hold", f"{hw} return minus {benchmark} (pp)")
    width = 0.8 / max(wide.shape[1], 1)
    x = np.arange(len(wide))
    for i, t in enumerate(wide.columns):
        ax.bar(
            x + (i - (wide.shape[1] - 1) / 2) * width,
            wide[t] * 100,
            width,
            color=style.PALETTE[(i + 3) % len(style.PALETTE)],
            label=t,
        )
    ax.axhline(0, color="#333333", lw=1)
    ax.set_xticks(x, [f"{d:%d %b}\n{d:%Y}" for d in wide.index])
    ax.legend(loc="best")
    return fig, ax
