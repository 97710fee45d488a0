"""What the rotation report's window lacks, said instead of failing: series and rebuilt
baskets without data from the window start, and how many members the baskets held.

Why a module of its own: every section of report 01 (and report 06's fund sections) asks
the same question before it measures, "does this series reach back to the window
start?", and names the missing input when it does not. The gaps are typed
(:class:`SeriesGap`, :class:`BasketGap`); ``story.coverage`` and ``story.rotation`` word them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .returns import covers


class SeriesGap(NamedTuple):
    """Why a series has no close on or before the window start (``story.coverage.reason`` words it).

    Attributes:
        name: the series; first: its first close (after the start), None when the source
            has none up to ``until``; until: the window end.
    """

    name: str
    first: pd.Timestamp | None
    until: pd.Timestamp


def history_gaps(frame: pd.DataFrame, names, since, until) -> dict:
    """Names in ``names`` with no close on or before ``since``: name -> :class:`SeriesGap`.

    Why: a fund launched inside the window (IWM in 2000-05, RSP in 2003-04, MAGS in
    2023-04) or absent from the source has no genuine return "since the start", so
    every section that needs it says so instead of failing.
    """
    since, until = pd.Timestamp(since), pd.Timestamp(until)
    out = {}
    for n in dict.fromkeys(names):
        first = frame[n].first_valid_index() if n in frame.columns else None
        if first is None or first > since:
            out[n] = SeriesGap(n, first, until)
    return out


class BasketGap(NamedTuple):
    """Why a rebuilt basket has no level from the window start (``story.rotation`` words it).

    Attributes:
        name: the basket ('Other 493 (cap)').
        missing: ``members`` (no S&P 500 member known), ``prices`` (no member priced),
            ``caps`` (no month-end market caps up to the window end), ``caps_late`` (they
            start later) or ``level`` (the basket starts later).
        date: the change log's first date (``members``), the window end (``caps``), the first
            cap date (``caps_late``), the first level (``level``); None when unknown.
        members: the group's largest membership (``prices``).
    """

    name: str
    missing: str
    date: pd.Timestamp | None = None
    members: int = 0


def basket_gaps(levels: pd.DataFrame, cover: pd.DataFrame, since, until, members_from=None, caps_from=None) -> dict:
    """Rebuilt baskets without a level on or before ``since``: name -> :class:`BasketGap`.

    ``cover`` is the coverage frame of ``baskets.build_group_baskets``;
    ``members_from`` the first date of the S&P 500 change log and ``caps_from``
    the first month-end market cap (None: none up to ``until``). The gap names the
    missing input: membership, member prices or market caps.
    """
    since, until = pd.Timestamp(since), pd.Timestamp(until)
    out = {}
    for name in levels.columns:
        if covers(levels[name], since):
            continue
        group = name.split(" (")[0]
        cov = cover[cover["group"] == group] if len(cover) else cover
        if len(cov) == 0 or (cov["members"] == 0).all():
            gap = BasketGap(name, "members", None if members_from is None else pd.Timestamp(members_from))
        elif (cov["with_prices"] == 0).all():
            gap = BasketGap(name, "prices", members=int(cov["members"].max()))
        elif "(cap)" in name:
            gap = (
                BasketGap(name, "caps", until)
                if caps_from is None
                else BasketGap(name, "caps_late", pd.Timestamp(caps_from))
            )
        else:
            gap = BasketGap(name, "level", levels[name].first_valid_index())
        out[name] = gap
    return out


def with_columns(frame: pd.DataFrame, names) -> pd.DataFrame:
    """``frame`` with an all-NaN column for every name it lacks, so a section can look the
    name up and find 'no data' (reported via :func:`history_gaps`) rather than a KeyError."""
    missing = [n for n in dict.fromkeys(names) if n not in frame.columns]
    if not missing:
        return frame
    return pd.concat([frame, pd.DataFrame(np.nan, index=frame.index, columns=missing)], axis=1)


class BasketCoverage(NamedTuple):
    """Members of the rebuilt baskets at the rebalances inside the window (from the
    coverage frame of ``baskets.build_group_baskets``); counts are None when no member is known."""

    other_min: int | None
    other_max: int | None
    other_members: int | None
    cap_share_min: float
    mag_min: int | None
    mag_members: int | None


def coverage_in_window(cover: pd.DataFrame, base_day) -> BasketCoverage:
    """:class:`BasketCoverage` of the rebalances on or after ``base_day``."""
    cov = cover[cover["date"] >= pd.Timestamp(base_day)] if len(cover) else cover
    o = cov[cov["group"] == "Other 493"] if len(cov) else cov
    m = cov[cov["group"] == "Mag 7"] if len(cov) else cov
    known = not o.empty and o["members"].max() != 0
    return BasketCoverage(
        o["with_prices"].min() if known else None,
        o["with_prices"].max() if known else None,
        o["members"].max() if known else None,
        o["cap_share_with_prices"].min() if known else np.nan,
        m["with_prices"].min() if len(m) else None,
        m["members"].max() if len(m) else None,
    )
