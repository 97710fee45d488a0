"""How newly fetched rows join the stored ones (prices, rates, statements).

Why a module of its own: a wrong join silently corrupts the cache for every
later run. The rules are stated here once and tested directly.

- Adjusted closes (:func:`splice_adjusted`): Yahoo re-bases the whole adjusted
  history at each dividend, so a refresh re-fetches a few overlapping sessions.
  Older rows are rescaled only when the new data contains the last stored day
  and the ratio new/old is the same on every overlapping day and lies in
  ``RESCALE_BOUNDS`` (what a dividend does). Anything else (a split, a revised
  or unfinished bar, a gap) returns None: the caller refetches the full history.
- Rates and index levels (:func:`append_rows`, :func:`splice_levels`): never
  rescaled. FRED revisions replace the stored value; an index level that
  changed on the overlap means the seam is untrustworthy (None, refetch).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: a dividend lowers older adjusted closes by its yield: factor in [0.8, 1]
RESCALE_BOUNDS = (0.8, 1.0)
#: relative tolerance for "the same ratio on every overlapping day"
RATIO_TOL = 1e-5


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("date").reset_index(drop=True)


def _overlap_ratio(old: pd.DataFrame, new: pd.DataFrame, value: str) -> float | None:
    """new/old on the overlapping days when they agree with each other, else None.

    None also when the new rows do not contain the last stored day.
    """
    both = old.merge(new, on="date", suffixes=("_old", "_new"))
    if both.empty or old["date"].max() not in set(both["date"]):
        return None
    r = (both[f"{value}_new"] / both[f"{value}_old"]).to_numpy(dtype="float64")
    if not np.isfinite(r).all() or (r <= 0).any():
        return None
    ratio = float(np.median(r))
    if (np.abs(r / ratio - 1) > RATIO_TOL).any():
        return None
    return ratio


def splice_adjusted(
    old: pd.DataFrame | None, new: pd.DataFrame, value: str = "close", rescale: bool = True
) -> pd.DataFrame | None:
    """Join newly fetched adjusted closes onto stored ones (``date, <value>`` frames).

    Args: ``rescale=False`` for index levels and yields (no dividends).
    Returns the joined frame, or None when the seam fails the checks (module
    docstring): the caller must refetch the full history instead.
    """
    if old is None or old.empty:
        return _sorted(new)
    if new.empty:
        return _sorted(old)
    ratio = _overlap_ratio(old, new, value)
    if ratio is None:
        return None
    if abs(ratio - 1) > RATIO_TOL:
        lo, hi = RESCALE_BOUNDS
        if not rescale or not lo <= ratio <= hi:
            return None
        old = old.assign(**{value: old[value] * ratio})
    out = pd.concat([old[~old["date"].isin(new["date"])], new], ignore_index=True)
    return _sorted(out)


def splice_levels(old: pd.DataFrame | None, new: pd.DataFrame, value: str = "close") -> pd.DataFrame | None:
    """Index levels and Yahoo yields: joined like prices but never rescaled."""
    return splice_adjusted(old, new, value, rescale=False)


def append_rows(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """New observations replace stored ones on the same date (FRED revisions)."""
    if old is None or old.empty:
        return _sorted(new)
    out = pd.concat([old[~old["date"].isin(new["date"])], new], ignore_index=True)
    return _sorted(out)


#: statements of two sources describe the same period when their ends are this close
#: (52/53-week years date the same quarter a few days apart)
SAME_PERIOD_WITHIN = pd.Timedelta(days=7)


def _merge_one(newer: pd.DataFrame, older: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """One symbol's statements (both sides non-empty), see :func:`merge_statements`."""
    a = newer.sort_values("period_end").reset_index(drop=True)
    b = older.sort_values("period_end").reset_index(drop=True)
    pairs = pd.merge_asof(
        a[["period_end"]].assign(_a=np.arange(len(a))),
        b[["period_end"]].assign(_b=np.arange(len(b)), _end_b=b["period_end"]),
        on="period_end",
        direction="nearest",
        tolerance=SAME_PERIOD_WITHIN,
    )
    pairs = pairs.dropna(subset=["_b"]).drop_duplicates("_b")
    ia, ib = pairs["_a"].to_numpy(dtype=int), pairs["_b"].to_numpy(dtype=int)
    both = a.iloc[ia].reset_index(drop=True)
    hist = b.iloc[ib].reset_index(drop=True)
    filled = both.isna() & hist.notna()
    both = both.combine_first(hist)[a.columns]
    value_cols = [c for c in a.columns if c not in labels + ["symbol", "period_end", "source"]]
    used_old = filled[value_cols].any(axis=1)
    both.loc[used_old, "source"] = both.loc[used_old, "source"] + "+" + hist.loc[used_old, "source"]
    both[labels] = hist[labels].to_numpy()  # the stored history's labelling convention
    only_a = a.drop(index=ia).copy()
    if len(ia) and len(only_a):  # shift unmatched new rows by the convention's year offset
        offset = hist["fiscal_year"].to_numpy() - a.iloc[ia]["fiscal_year"].to_numpy()
        only_a["fiscal_year"] = only_a["fiscal_year"] + int(pd.Series(offset).mode().iloc[0])
    return pd.concat([b.drop(index=ib), both, only_a], ignore_index=True)


def merge_statements(newer: pd.DataFrame | None, older: pd.DataFrame | None, frequency: str) -> pd.DataFrame:
    """Two sources' statements joined symbol by symbol and period by period.

    A period is the same when its ends are within ``SAME_PERIOD_WITHIN``. On a
    shared period the ``newer`` row's values win and its gaps are filled from
    the ``older`` row (``source`` then names both, e.g. ``yfinance+fmp``);
    periods only one side has are kept, so five live quarters land on top of
    the stored history. Fiscal labels follow the ``older`` side (the stored
    history) and unmatched newer rows are shifted by the same year offset, so
    labels never collide. Returns the snapshot's columns and dtypes.
    """
    from .statements import typed_fundamentals

    if older is None or older.empty:
        return newer
    if newer is None or newer.empty:
        return older
    labels = ["fiscal_year"] + (["fiscal_period"] if frequency == "quarterly" else [])
    parts = []
    for sym in dict.fromkeys(list(newer["symbol"]) + list(older["symbol"])):
        a, b = newer[newer["symbol"] == sym], older[older["symbol"] == sym]
        parts.append(a if b.empty else b if a.empty else _merge_one(a, b[a.columns], labels))
    out = typed_fundamentals(pd.concat(parts, ignore_index=True), frequency)
    return out.sort_values(["symbol", "period_end"]).reset_index(drop=True)
