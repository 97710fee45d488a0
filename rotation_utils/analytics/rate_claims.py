"""Claim A3 of the rate report, judged on the cuts of its own period (2026) only.

Why a module of its own: A3 is a forward call about the 2026 cuts; the report's event
study and yield beta run over the whole window (2022 onwards on the defaults), so
quoting them as A3's evidence would judge a claim about 2026 on other years' cuts.
Here the event test is rerun on the cuts of the claim's year alone and graded by the
same table as the report's verdict (:data:`rotation_utils.analytics.rate_beta.GRADE_TABLE`).
"""
from __future__ import annotations

import pandas as pd

from .. import narrative as nv
from . import events as ev
from . import rate_beta as rb
from ..verdicts import ClaimVerdict


def a3_record(event_returns: pd.DataFrame, decisions: pd.DataFrame, focus: str, benchmark: str,
              headline_window, through, year: int = 2026) -> dict:
    """``Report.claim`` keyword arguments for A3 ("cuts in ``year`` favour small caps").

    ``event_returns``: :func:`~rotation_utils.analytics.events.event_returns` of every
    decision in the window (with ``decision`` and ``announcement_date``); ``decisions``:
    the decisions known up to ``through`` (the window's last day). Rule
    (:func:`~rotation_utils.analytics.rate_beta.a3_claim`): forecast pending while the
    window has no cut in ``year``; unverifiable with fewer than 3 measurable cuts of
    ``year``; else the event test on those cuts, graded by the grade table.
    """
    through = pd.Timestamp(through)
    cuts = decisions[(decisions["decision"] == "cut") & (decisions["announcement_date"].dt.year == year)]
    if cuts.empty:
        return dict(claim_id="A3", verdict=rb.a3_claim(0),
                    evidence=(f"The decisions file shows no cut in {year} up to {through:%Y-%m-%d}, so the "
                              "claim's condition has not happened yet."),
                    cuts_2026=0)
    er = event_returns
    mine = er[(er["decision"] == "cut") & (pd.to_datetime(er["announcement_date"]).dt.year == year)]
    st = ev.stats_for(ev.summarise(mine), focus, headline_window, "cut")
    grade = rb.evidence_class(st["mean"], st["ci_low"], st["ci_high"], +1)
    verdict = rb.a3_claim(len(cuts), grade, int(st["n"]))
    hw = ev.window_label(headline_window)
    tail = (f"; {nv.plural(int(st['n']), 'measurable cut')}, fewer than 3, too few to judge"
            if verdict == ClaimVerdict.UNVERIFIABLE else f" ({rb.graded_reading({'the event test': grade})})")
    return dict(claim_id="A3", verdict=verdict,
                evidence=(f"Over {hw} after the {nv.plural(len(cuts), 'cut')} of {year} up to {through:%Y-%m-%d}, "
                          f"{focus} minus {benchmark} averaged {ev.short_stats(st)}{tail}."),
                cuts_2026=len(cuts), mean_after_cuts=st["mean"], n_cuts=int(st["n"]))
