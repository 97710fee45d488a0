"""Claim A3 of the rate report, judged on the cuts of its own period (2026) only.

Why a module of its own: A3 is a forward call about the 2026 cuts; the report's event
study and yield beta run over the whole window (2022 onwards on the defaults), so
quoting them as A3's evidence would judge a claim about 2026 on other years' cuts.
Here the event test is rerun on the cuts of the claim's year alone and graded by the
same table as the report's verdict (:func:`rotation_utils.analytics.rate_beta.combine_grades`).
The evidence sentence is :func:`rotation_utils.story.rates.a3_evidence`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..verdicts import ClaimVerdict
from . import events as ev
from . import rate_beta as rb


@dataclass(frozen=True)
class A3Test:
    """The event test on the cuts of one year: how many cuts the decisions file shows, the
    focus ticker's summary row after the measurable ones (None without a cut), its grade
    and the claim verdict (:func:`~rotation_utils.analytics.rate_beta.a3_claim`)."""

    year: int
    cuts: int
    stats: pd.Series | None
    grade: str | None
    verdict: ClaimVerdict

    def values(self) -> dict:
        """The values the claim records (``cuts_2026``, and the mean and count when a cut exists)."""
        if self.stats is None:
            return {"cuts_2026": self.cuts}
        return {"cuts_2026": self.cuts, "mean_after_cuts": self.stats["mean"], "n_cuts": int(self.stats["n"])}


def a3_test(
    event_returns: pd.DataFrame, decisions: pd.DataFrame, focus: str, headline_window, year: int = 2026
) -> A3Test:
    """Claim A3 ("cuts in ``year`` favour small caps") on the cuts of ``year`` only.

    Args:
        event_returns: :func:`~rotation_utils.analytics.events.event_returns` of every
            decision in the window (with ``decision`` and ``announcement_date``).
        decisions: the decisions known up to the window's last day.
        focus: the ticker tested; headline_window: the event window of the test.
        year: the claim's year.
    Returns:
        An :class:`A3Test`. Rule (:func:`~rotation_utils.analytics.rate_beta.a3_claim`):
        forecast pending while the window has no cut in ``year``; unverifiable with fewer
        than 3 measurable cuts of ``year``; else the event test's grade.
    """
    cuts = decisions[(decisions["decision"] == "cut") & (decisions["announcement_date"].dt.year == year)]
    if cuts.empty:
        return A3Test(year, 0, None, None, rb.a3_claim(0))
    er = event_returns
    mine = er[(er["decision"] == "cut") & (pd.to_datetime(er["announcement_date"]).dt.year == year)]
    st = ev.stats_for(ev.summarise(mine), focus, headline_window, "cut")
    grade = rb.evidence_class(st["mean"], st["ci_low"], st["ci_high"], +1)
    return A3Test(year, len(cuts), st, grade, rb.a3_claim(len(cuts), grade, int(st["n"])))
