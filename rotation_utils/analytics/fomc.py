"""Facts computed from the project's FOMC decisions file, and its checks.

Why here: article claims about "when the Fed started cutting" and "how much"
are answered from ``rotation_utils/reference/fomc_decisions.csv`` (see
:func:`rotation_utils.reference_data.fomc_decisions`), and the same file drives
the event study. The file is hand-transcribed, so it is checked for internal
consistency and, when FRED is reachable, against the target-range series
DFEDTARU/DFEDTARL.

Computation only; the timeline's sentences, display table and caveats are in
:mod:`rotation_utils.story.rates`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..verdicts import ClaimVerdict

FRED_UPPER, FRED_LOWER = "DFEDTARU", "DFEDTARL"
DECISIONS = ("cut", "hold", "hike")


def check_decisions(df: pd.DataFrame) -> list[str]:
    """Problems in a decisions table (empty list = consistent).

    Checks: dates unique and increasing; decision word matches the sign of
    ``change_bp``; each range is 25 bp wide; each range equals the previous one
    moved by ``change_bp``.
    """
    problems = []
    d = df["announcement_date"]
    if d.duplicated().any():
        problems.append(f"duplicate dates: {', '.join(d[d.duplicated()].dt.strftime('%Y-%m-%d'))}")
    if not d.is_monotonic_increasing:
        problems.append("dates are not in increasing order")
    bad_word = df[~df["decision"].isin(DECISIONS)]
    for _, r in bad_word.iterrows():
        problems.append(f"{r['announcement_date']:%Y-%m-%d}: unknown decision {r['decision']!r}")
    sign = np.sign(df["change_bp"]).map({-1: "cut", 0: "hold", 1: "hike"})
    for _, r in df[(sign != df["decision"]) & df["decision"].isin(DECISIONS)].iterrows():
        problems.append(f"{r['announcement_date']:%Y-%m-%d}: decision {r['decision']} but change {r['change_bp']} bp")
    width = ((df["target_high"] - df["target_low"]) * 100).round().astype("int64")
    for _, r in df[width != 25].iterrows():
        problems.append(
            f"{r['announcement_date']:%Y-%m-%d}: range {r['target_low']}-{r['target_high']} is not 25 bp wide"
        )
    moved = ((df["target_low"] - df["target_low"].shift()) * 100).round()
    for i in range(1, len(df)):
        if moved.iloc[i] != df["change_bp"].iloc[i]:
            r = df.iloc[i]
            problems.append(
                f"{r['announcement_date']:%Y-%m-%d}: range moved {moved.iloc[i]:+.0f} bp "
                f"but change_bp is {r['change_bp']:+d}"
            )
    return problems


def in_window(df: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Decisions announced within [start, end] (None = open)."""
    d = df["announcement_date"]
    keep = d.between(
        pd.Timestamp(start) if start is not None else d.min(), pd.Timestamp(end) if end is not None else d.max()
    )
    return df[keep].reset_index(drop=True)


def easing_cycle_start(df: pd.DataFrame) -> pd.Series | None:
    """The first cut after the last hike (or after the file's first row when it has no hike).

    A pause inside the cycle (holds between cuts) does not restart it: only a
    hike ends an easing cycle. None when the table has no cut. Note the table
    may begin mid-cycle: callers should check whether a non-cut precedes it.
    """
    df = df.sort_values("announcement_date").reset_index(drop=True)
    hikes = df.index[df["decision"] == "hike"]
    after = df.iloc[hikes.max() + 1 :] if len(hikes) else df
    cuts = after[after["decision"] == "cut"]
    return None if cuts.empty else cuts.iloc[0]


def per_year(df: pd.DataFrame) -> pd.DataFrame:
    """Per calendar year: meetings, cuts, holds, hikes, net change (bp), range at year end."""
    if df.empty:
        ints = {c: pd.Series(dtype="int64") for c in ("year", "meetings", "cuts", "holds", "hikes", "net_change_bp")}
        return pd.DataFrame(
            {**ints, "last_decision": pd.Series(dtype="datetime64[ns]"), "range_after": pd.Series(dtype="str")}
        )
    g = df.assign(year=df["announcement_date"].dt.year).groupby("year")
    out = pd.DataFrame(
        {
            "meetings": g.size(),
            "cuts": g["decision"].apply(lambda s: int((s == "cut").sum())),
            "holds": g["decision"].apply(lambda s: int((s == "hold").sum())),
            "hikes": g["decision"].apply(lambda s: int((s == "hike").sum())),
            "net_change_bp": g["change_bp"].sum(),
            "last_decision": g["announcement_date"].max(),
            "range_after": g.apply(lambda x: f"{x['target_low'].iloc[-1]:.2f}-{x['target_high'].iloc[-1]:.2f}%"),
        }
    )
    return out.reset_index()


def verified_counts(df: pd.DataFrame) -> pd.Series:
    """Rows per ``verified`` flag (primary / secondary / from memory; check)."""
    return df["verified"].replace("", "(blank)").value_counts().sort_index()


def cross_check_fred(df: pd.DataFrame, fred: pd.DataFrame | None) -> pd.DataFrame:
    """Compare each decision's range with FRED's target range on the first day after it.

    A decision takes effect the day after the announcement, so FRED's
    DFEDTARL/DFEDTARU are read on the first date strictly after
    ``announcement_date``. Returns one row per decision with FRED's values and
    ``agrees`` (NaN when FRED has no value for that date); ``fred`` None or
    without both series gives an empty frame.
    """
    cols = ["announcement_date", "target_low", "target_high", "fred_date", "fred_low", "fred_high", "agrees"]
    if fred is None or not {FRED_LOWER, FRED_UPPER} <= set(fred.columns):
        return pd.DataFrame(columns=cols)
    f = fred[[FRED_LOWER, FRED_UPPER]].dropna().sort_index()
    rows = []
    for _, r in df.iterrows():
        later = f[f.index > r["announcement_date"]]
        if later.empty:
            rows.append([r["announcement_date"], r["target_low"], r["target_high"], pd.NaT, np.nan, np.nan, np.nan])
            continue
        day, v = later.index[0], later.iloc[0]
        agrees = bool(np.isclose(v[FRED_LOWER], r["target_low"]) and np.isclose(v[FRED_UPPER], r["target_high"]))
        rows.append(
            [r["announcement_date"], r["target_low"], r["target_high"], day, v[FRED_LOWER], v[FRED_UPPER], agrees]
        )
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class CuttingStart:
    """The facts behind claim B11 ("the Fed began cutting in ...") and its verdict."""

    cycle_start: pd.Timestamp | None
    first_cut_bp: int | None
    cuts_in_claimed_period: int
    bp_in_claimed_period: int
    covers_claimed_period: bool
    observed_before_start: bool
    verdict: ClaimVerdict

    def facts(self) -> dict:
        """Every field but the verdict (the claim's recorded values)."""
        return {k: v for k, v in asdict(self).items() if k != "verdict"}


def cutting_start_claim(
    df: pd.DataFrame, claimed_from="2025-07-01", claimed_to="2025-12-31", through=None
) -> CuttingStart:
    """Test "the Fed began cutting in [claimed_from, claimed_to]" against the decisions.

    Rule: unverifiable without a cut; confirmed when the easing cycle starts in
    the claimed period; mixed when it started earlier but cutting resumed in
    the claimed period after a pause (the claim then describes a resumption);
    contradicted otherwise. ``through`` is the last date the caller's data
    cover (default: the last decision); ``covers_claimed_period`` says whether
    it reaches ``claimed_to``. Returns the verdict and the facts behind it.
    """
    lo, hi = pd.Timestamp(claimed_from), pd.Timestamp(claimed_to)
    first = easing_cycle_start(df)
    cuts = df[df["decision"] == "cut"]
    in_claim = cuts[cuts["announcement_date"].between(lo, hi)]
    if first is None:
        verdict = ClaimVerdict.UNVERIFIABLE
    elif lo <= first["announcement_date"] <= hi:
        verdict = ClaimVerdict.CONFIRMED
    elif first["announcement_date"] < lo and len(in_claim):
        verdict = ClaimVerdict.MIXED
    else:
        verdict = ClaimVerdict.CONTRADICTED
    return CuttingStart(
        cycle_start=None if first is None else first["announcement_date"],
        first_cut_bp=None if first is None else int(first["change_bp"]),
        cuts_in_claimed_period=len(in_claim),
        bp_in_claimed_period=int(in_claim["change_bp"].sum()),
        covers_claimed_period=bool(len(df))
        and pd.Timestamp(through if through is not None else df["announcement_date"].max()) >= hi,
        observed_before_start=bool(first is not None and (df["announcement_date"] < first["announcement_date"]).any()),
        verdict=verdict,
    )


def known_by(df: pd.DataFrame, day) -> pd.DataFrame:
    """Decisions announced on or before ``day``."""
    return df[df["announcement_date"] <= pd.Timestamp(day)]


def fred_available(rates: pd.DataFrame) -> bool:
    """True when ``rates`` holds both FRED target-range series (the file can be cross-checked)."""
    return {FRED_UPPER, FRED_LOWER} <= set(rates.columns)


def last_announcement(df: pd.DataFrame) -> pd.Timestamp:
    """The date of the latest decision in ``df`` (the as-of date of a chart of those decisions)."""
    return df["announcement_date"].max()
