"""Reasons a series is missing, worded and joined into the clauses reports 01 and 06 print.

``analytics.rotation_coverage.history_gaps`` gives one typed gap per series
(``SeriesGap``); :func:`reason` words it, and sentences quote the reasons of the series
they need, once each, through :func:`gap_note`. A reason already worded (a rebuilt
basket's, from ``story.rotation.gap_reasons``) passes through unchanged.
"""

from __future__ import annotations


def reason(gap) -> str:
    """The sentence for one gap: 'RSP has no prices before 2003-05-01' from a
    ``rotation_coverage.SeriesGap``, or a sentence given as it is."""
    if isinstance(gap, str):
        return gap
    if gap.first is None:
        return f"{gap.name} has no prices up to {gap.until:%Y-%m-%d} in this source"
    return f"{gap.name} has no prices before {gap.first:%Y-%m-%d}"


def reasons(gaps: dict) -> dict:
    """:func:`reason` of every gap (name -> sentence)."""
    return {name: reason(gap) for name, gap in gaps.items()}


def pair_gaps(pairs: dict, gaps: dict) -> dict:
    """Relative-strength lines that cannot be measured: label -> the reasons of their legs."""
    out = {}
    for label, legs in pairs.items():
        why = [reason(gaps[x]) for x in legs if x in gaps]
        if why:
            out[label] = "; ".join(why)
    return out


def gap_note(gaps: dict, names=None) -> str:
    """The reasons for ``names`` (all gaps when None) joined by '; ' (no final period);
    '' when none apply."""
    keys = list(gaps) if names is None else [n for n in names if n in gaps]
    return "; ".join(dict.fromkeys(reason(gaps[k]) for k in keys))
