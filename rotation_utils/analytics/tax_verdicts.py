"""The verdict on 'capital-intensive mid-sized firms gain most': the size x capital-intensity
cells it compares and the rule's logic.

Why a module of its own: the rule is written once here, in :func:`thesis_verdict`'s
docstring, and tested on small frames; its text, printed in the report, is
:func:`rotation_utils.story.tax.thesis_rule`, which joins the two in one
:class:`~rotation_utils.verdicts.Rule`. The cells are medians of a saving measure (a share
of pre-tax income) by size bucket and capital-intensity third.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import BadInputError
from ..verdicts import ReportVerdict

#: the measures the thesis verdict may use; the first is the default (a deferral is not a saving)
THESIS_MEASURES = ("permanent_pct_pretax", "saving_pct_pretax", "saving_163j_pct_pretax")


def thesis_measures(measure: str) -> tuple[str, str]:
    """The verdict's measure (checked) and the one shown beside it.

    Args:
        measure: one of :data:`THESIS_MEASURES`.
    Returns:
        ``(measure, other)``: ``other`` is the total saving, or the permanent saving when
        ``measure`` is the total.
    """
    if measure not in THESIS_MEASURES:
        raise BadInputError(f"thesis_measure must be one of {', '.join(THESIS_MEASURES)}, not {measure!r}")
    return measure, ("saving_pct_pretax" if measure != "saving_pct_pretax" else "permanent_pct_pretax")


def intensity_cells(
    effects: pd.DataFrame, n_groups: int = 3, value: str = "saving_pct_pretax"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Median ``value`` (a saving as a share of pre-tax income) and firm counts by size
    bucket x capital intensity group (quantiles of D&A / EBITDA over all firms with the
    value; 'high' is the top group)."""
    e = effects.dropna(subset=["intensity", value, "size_bucket"])
    names = ["low", "middle", "high"] if n_groups == 3 else [f"q{i + 1}" for i in range(n_groups)]
    if len(e) < n_groups:  # no size buckets (no market caps) or too few firms: no cells
        empty = pd.DataFrame(
            index=pd.Index([], name="size_bucket"), columns=pd.Index(names, name="intensity_group"), dtype="float64"
        )
        return empty, empty.copy()
    grp = pd.qcut(e["intensity"].rank(method="first"), n_groups, labels=names)
    e = e.assign(intensity_group=grp)
    med = e.pivot_table(index="size_bucket", columns="intensity_group", values=value, aggfunc="median", observed=True)
    cnt = e.pivot_table(index="size_bucket", columns="intensity_group", values="symbol", aggfunc="count", observed=True)
    return med, cnt


def permanent_and_timing_cells(effects: pd.DataFrame, n_groups: int = 3) -> pd.DataFrame:
    """What the verdict compares, cell by cell: per size bucket x capital-intensity group
    (as in :func:`intensity_cells`), the firms and the median permanent and timing saving,
    each as a share of pre-tax income.

    Why both: the verdict is judged on the permanent saving by default; a deferral (timing)
    is paid back later, so a cell can look large on the total and gain nothing for good.

    Returns:
        Columns ``size_bucket, intensity_group, firms, permanent, timing`` (fractions), in
        size order then low to high intensity; empty when no cell can be formed.
    """
    perm, cnt = intensity_cells(effects, n_groups, value="permanent_pct_pretax")
    timing, _ = intensity_cells(effects, n_groups, value="timing_pct_pretax")
    if perm.empty:
        return pd.DataFrame(columns=["size_bucket", "intensity_group", "firms", "permanent", "timing"])
    long = pd.DataFrame(
        {
            "firms": cnt.stack(),
            "permanent": perm.stack(),
            "timing": timing.reindex(index=perm.index, columns=perm.columns).stack(),
        }
    )
    long = long.reset_index().rename(columns={"level_0": "size_bucket", "level_1": "intensity_group"})
    long["firms"] = long["firms"].fillna(0).astype(int)
    return long[long["firms"] > 0].reset_index(drop=True)


def verdict_comparison(effects: pd.DataFrame, thesis_cell: tuple, best_cell: str | None) -> pd.DataFrame:
    """The three groups the verdict compares, each with its median permanent and timing saving.

    Args:
        effects: :func:`firm_effects` of the corporations (REITs left out).
        thesis_cell: ``(size bucket, intensity group)`` the thesis names, e.g. ``("mid ($2-10bn)", "high")``.
        best_cell: the rule's best cell as :func:`thesis_verdict` names it ("<size>, <group> intensity"),
            or None; the notebook passes :attr:`ThesisCell.rival` (None when the thesis cell is highest).

    Returns:
        Columns ``group, firms, permanent, timing, thesis`` (fractions of pre-tax income): the
        thesis cell, the best cell when it is another one, and all firms; the thesis cell is
        left out when it has no firm.
    """
    cells = permanent_and_timing_cells(effects)
    names = cells["size_bucket"].astype(str) + ", " + cells["intensity_group"].astype(str) + " intensity"
    wanted = f"{thesis_cell[0]}, {thesis_cell[1]} intensity"
    rows = [
        dict(r, group=f"{'Thesis' if n == wanted else 'Best'} cell: {n}", thesis=n == wanted)
        for n, r in zip(names, cells.to_dict("records"))
        if n == wanted or (n == best_cell and best_cell != wanted)
    ]
    rows.sort(key=lambda r: not r["thesis"])
    profit = effects.dropna(subset=["permanent_pct_pretax"])
    rows.append(
        {
            "group": "All firms",
            "firms": len(profit),
            "thesis": False,
            "permanent": profit["permanent_pct_pretax"].median(),
            "timing": profit["timing_pct_pretax"].median(),
        }
    )
    return pd.DataFrame(rows, columns=["group", "firms", "permanent", "timing", "thesis"])


class CellMedians(NamedTuple):
    """What the verdict rule reads: cell medians and counts, and the all-firm median.

    Attributes:
        med: median ``measure`` by size bucket (rows) x intensity group (columns).
        cnt: firms per cell.
        overall: the all-firm median of ``measure``.
    """

    med: pd.DataFrame
    cnt: pd.DataFrame
    overall: float

    @property
    def any(self) -> bool:
        """True when at least one cell could be formed."""
        return not self.med.empty


def cell_medians(effects: pd.DataFrame, measure: str) -> CellMedians:
    """:func:`intensity_cells` of ``measure`` and its all-firm median, in the order
    ``thesis_rule(...).apply(*cells)`` takes them."""
    med, cnt = intensity_cells(effects, value=measure)
    return CellMedians(med, cnt, effects[measure].median())


@dataclass(frozen=True)
class ThesisCell:
    """The facts behind the verdict.

    Attributes:
        cell_firms: firms in the capital-intensive mid-sized cell.
        cell_median: its median (NaN when it has fewer firms than the rule needs).
        overall: the all-firm median.
        best_cell: the cell with the highest median among those with enough firms,
            "<size>, <group> intensity" (the first in size and intensity order when several
            share it), or None.
        best_median: that median (NaN when none).
        best_ties: how many cells with enough firms share the highest median (0 when none).
        vs_overall: +1 when the cell's median is above the all-firm median, -1 below, 0 equal,
            None when either is missing: the comparison the rule makes.
    """

    cell_firms: int
    cell_median: float
    overall: float
    best_cell: str | None
    best_median: float
    best_ties: int
    vs_overall: int | None

    @property
    def is_best(self) -> bool:
        """The cell's median is the highest (alone or tied)."""
        return self.best_cell is not None and self.cell_median >= self.best_median

    @property
    def rival(self) -> str | None:
        """The best cell when its median is above the thesis cell's (None when the thesis cell
        has the highest median, alone or tied, or no cell has enough firms): the cell the
        verdict chart sets beside it."""
        return None if self.best_cell is None or self.is_best else self.best_cell

    @property
    def best_positive(self) -> bool:
        """The highest median is above zero (the rule's 'supported' needs that)."""
        return self.best_median > 0


def _sign(a: float, b: float) -> int | None:
    """+1 when ``a > b``, -1 when ``a < b``, 0 when equal; None when either is missing."""
    if pd.isna(a) or pd.isna(b):
        return None
    return 1 if a > b else -1 if a < b else 0


def thesis_verdict(
    med: pd.DataFrame, cnt: pd.DataFrame, mid_label: str, overall_median: float, high: str = "high", min_firms: int = 5
) -> tuple[ReportVerdict, ThesisCell]:
    """Verdict on 'capital-intensive mid-sized firms gain most' from the cells.

    Rule: inconclusive if the (mid, high) cell has fewer than ``min_firms`` firms;
    supported if its median saving share is the largest of all cells with at least
    ``min_firms`` firms (a tie counts) and positive; mixed if it is above the all-firm
    median; else not supported (so a tax year in which no one gains, such as 2018-2021
    when prior law already used the EBITDA basis and full bonus, is not a tie won by the
    cell, and a median equal to the all-firm median is not above it).

    Args:
        med, cnt: :func:`intensity_cells` (or :class:`CellMedians`).
        mid_label: the mid-size bucket's label.
        overall_median: the all-firm median.
        high: the top intensity group's name.
        min_firms: the smallest cell the rule may use.
    Returns:
        ``(verdict, ThesisCell)``.
    """
    n = (
        int(cnt.at[mid_label, high])
        if mid_label in cnt.index and high in cnt.columns and pd.notna(cnt.at[mid_label, high])
        else 0
    )
    if n < min_firms:
        return ReportVerdict.INCONCLUSIVE, ThesisCell(n, np.nan, overall_median, None, np.nan, 0, None)
    value = float(med.at[mid_label, high])
    eligible = med.where(cnt >= min_firms).stack().dropna()
    best = eligible.idxmax()
    best_v = float(eligible.max())
    if value >= best_v and value > 0:
        v = ReportVerdict.SUPPORTED
    elif value > overall_median:
        v = ReportVerdict.MIXED
    else:
        v = ReportVerdict.NOT_SUPPORTED
    return v, ThesisCell(
        cell_firms=n,
        cell_median=value,
        overall=overall_median,
        best_cell=f"{best[0]}, {best[1]} intensity",
        best_median=best_v,
        best_ties=int((eligible == best_v).sum()),
        vs_overall=_sign(value, overall_median),
    )
