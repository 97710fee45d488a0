"""Reasons a series is missing, joined into the clauses reports 01 and 06 print.

``analytics.rotation_coverage.history_gaps`` and ``story.rotation.gap_reasons`` give one
reason per series (fund, index or rebuilt basket); sentences quote the reasons of the
series they need, once each, through :func:`gap_note`.
"""

from __future__ import annotations


def pair_gaps(pairs: dict, gaps: dict) -> dict:
    """Relative-strength lines that cannot be measured: label -> the reasons of their legs."""
    out = {}
    for label, legs in pairs.items():
        why = [gaps[x] for x in legs if x in gaps]
        if why:
            out[label] = "; ".join(why)
    return out


def gap_note(gaps: dict, names=None) -> str:
    """The reasons for ``names`` (all gaps when None) joined by '; ' (no final period);
    '' when none apply."""
    keys = list(gaps) if names is None else [n for n in names if n in gaps]
    return "; ".join(dict.fromkeys(gaps[k] for k in keys))
