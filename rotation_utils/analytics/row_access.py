"""Subscript access for typed results that replace a table row.

Why: a typed result such as ``rate_beta.BetaFit`` or ``events.MeanCI`` stands in for a
row of the table it summarises (``beta_table``, ``summarise``), and the code that words
either reads ``row["beta"]``; one mixin gives every such result that access, so the
results stay frozen dataclasses with named fields and the readers need not know which
of the two they hold.
"""

from __future__ import annotations


class RowAccess:
    """``result["field"]`` reads ``result.field`` (an unknown name raises AttributeError, as a typo should).

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Fit(RowAccess):
        ...     beta: float
        >>> Fit(0.5)["beta"]
        0.5
    """

    __slots__ = ()

    def __getitem__(self, key: str):
        return getattr(self, key)
