"""Charts for breadth and concentration: the share of members above their moving
average, and the Magnificent 7's share of S&P 500 market cap.

The numbers come from :mod:`rotation_utils.analytics.breadth`. Each function returns
the figure with the house-style footnote, or None when there is nothing to draw (a
window before the membership, price or market-cap data start): the notebook then
prints the reason from ``breadth_gap`` / ``concentration_gap`` instead.
"""

from __future__ import annotations

import pandas as pd

from .. import style


def plot_breadth(shares: pd.DataFrame, title: str, last_day, event_date=None):
    """One line per universe (columns of ``shares``, fractions); universes without a reading are left out."""
    shares = shares.dropna(axis=1, how="all")
    if shares.empty:
        return None
    fig, ax = style.new_figure(title, "", "Share of members (%)")
    for col, c in zip(shares.columns, style.PALETTE):
        ax.plot(shares.index, shares[col] * 100, label=col, color=c, lw=1.8)
    ax.axhline(50, color="#999999", lw=0.8)
    if event_date is not None:
        style.mark_dates(ax, [event_date], "Event date", color="#D55E00")
    ax.legend(fontsize=10)
    style.footnote(fig, "constituent adjusted closes; point-in-time S&P 500 membership; IWM holdings files", last_day)
    return fig


def plot_concentration(conc: pd.DataFrame, base_day, last_day):
    """Magnificent 7 share of summed S&P 500 member cap at each month-end snapshot."""
    if conc.empty:
        return None
    fig, ax = style.new_figure("Magnificent 7 share of S&P 500 market cap", "", "Share of summed member market cap (%)")
    ax.plot(conc["date"], conc["share"] * 100, marker="o", ms=3, color=style.PALETTE[4])
    style.mark_dates(ax, [base_day], "Window start", color="#777777")
    ax.legend(fontsize=10)
    style.footnote(fig, "month-end market caps (Nasdaq screener), Alphabet counted once", last_day)
    return fig
