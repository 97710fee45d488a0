"""Display formatting for report tables: percent with one decimal, bp as integers, no index noise."""
from __future__ import annotations

import pandas as pd


def formatted(df: pd.DataFrame, pct=(), pp=(), bp=(), num=(), digits: int = 1, money=()):
    """A pandas Styler with per-column formats and the index hidden.

    ``pct``/``pp`` columns hold fractions (0.123 -> 12.3% / +12.3 pp), ``bp``
    columns hold percent units shown as integer basis points, ``money`` in USD bn.
    """
    fmt = {}
    for c in pct:
        fmt[c] = lambda v, d=digits: "" if pd.isna(v) else f"{v * 100:.{d}f}%"
    for c in pp:
        fmt[c] = lambda v, d=digits: "" if pd.isna(v) else f"{v * 100:+.{d}f} pp"
    for c in bp:
        fmt[c] = lambda v: "" if pd.isna(v) else f"{v * 100:+.0f}"
    for c in num:
        fmt[c] = lambda v, d=digits: "" if pd.isna(v) else f"{v:,.{d}f}"
    for c in money:
        fmt[c] = lambda v: "" if pd.isna(v) else f"${v / 1e9:,.1f}bn"
    fmt = {c: f for c, f in fmt.items() if c in df.columns}
    return df.style.format(fmt, na_rep="").hide(axis="index")
