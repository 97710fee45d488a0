"""Claim and report verdicts for sector leadership: the stated rules that turn the
calendar-year and window returns of :mod:`rotation_utils.analytics.sectors` into
verdicts on claims A7 (banks beat the market in 2023-2025) and A9 (healthcare and
banks lead in 2026), and on the report's thesis that the named sectors lead.

Why a module of its own: the measurements stay in ``sectors``; each rule here is
written once in its docstring, returns its evidence sentence from the data, and
is tested on small frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import listing, pct, pp
from ..verdicts import ClaimVerdict, ReportVerdict, Rule


def window_years(start, end, years) -> list[int]:
    """Calendar years of ``years`` whose whole span lies inside [start, end] (None = open):
    a claim about calendar years is judged only on the years the window covers."""
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    return [
        int(y)
        for y in years
        if (lo is None or lo <= pd.Timestamp(int(y), 1, 1) + pd.Timedelta(days=3))
        and (hi is None or hi >= pd.Timestamp(int(y), 12, 24))
    ]


def a7_assessment(
    years: pd.DataFrame,
    complete: pd.Series,
    bank: str = "KBWB",
    market: str = "SPY",
    claim_years=(2023, 2024, 2025),
    last_day=None,
    gaps: dict | None = None,
    inside=None,
) -> dict:
    """Did the bank index beat the market in each of ``claim_years``?

    Rule: contradicted if the bank ETF lagged in any complete year; confirmed
    if it beat in every claimed year and all are complete; otherwise
    unverifiable (years missing or only year to date). Returns ``verdict``,
    ``table`` (year, bank, market, difference, status), ``beaten``, ``lagged``,
    ``complete_years`` and an ``evidence`` sentence. ``last_day`` (the window's last
    date) and ``gaps`` (ticker -> why it has no prices, from ``history_gaps``) explain
    years that are not in the data. ``inside`` (years inside the run's window, from
    :func:`window_years`; None = all): a claimed year outside it is shown as "outside the
    window", with no figure, and never counted, so the claim is judged on its own period
    inside the window. An unverifiable verdict's evidence starts with its reason.
    """
    rows = []
    for y in claim_years:
        have = y in years.index and bank in years.columns and market in years.columns
        b = years.at[y, bank] if have else np.nan
        m = years.at[y, market] if have else np.nan
        if (
            inside is not None
            and y not in inside
            and have
            and pd.notna(b)
            and pd.notna(m)
            and bool(complete.get(y, False))
        ):
            status = "outside the window"
        elif not have or pd.isna(b) or pd.isna(m):
            status = "not in the data"
        else:
            status = "complete" if bool(complete.get(y, False)) else "year to date only"
        rows.append({"year": y, bank: b, market: m, "difference": b - m, "status": status})
    t = pd.DataFrame(rows)
    full = t[t["status"] == "complete"]
    beaten = int((full["difference"] > 0).sum())
    lagged = int((full["difference"] <= 0).sum())
    if lagged:
        verdict = ClaimVerdict.CONTRADICTED
    elif len(full) == len(claim_years):
        verdict = ClaimVerdict.CONFIRMED
    else:
        verdict = ClaimVerdict.UNVERIFIABLE
    why = _missing_year_reasons(t[t["status"] == "not in the data"]["year"], (bank, market), last_day, gaps)
    parts = []
    for _, r in t.iterrows():
        if r["status"] == "not in the data":
            parts.append(
                f"{r['year']}: not in the data" + (f" ({'; '.join(why[r['year']])})" if why.get(r["year"]) else "")
            )
        elif r["status"] == "outside the window":  # the claim is judged inside the window: no figure
            parts.append(f"{r['year']}: outside the window, not judged")
        else:
            word = "beat" if r["difference"] > 0 else "lagged"
            tail = "" if r["status"] == "complete" else " (year to date only, not counted)"
            parts.append(
                f"{r['year']}: {bank} {pct(r[bank])} vs {market} {pct(r[market])}, "
                f"{word} by {abs(r['difference']) * 100:.1f} pp{tail}"
            )
    evidence = f"{bank} beat {market} in {beaten} of {len(full)} complete claimed years ({'; '.join(parts)})."
    if verdict == ClaimVerdict.UNVERIFIABLE:  # the reason first: too few years to judge "every year"
        evidence = (
            f"Unverifiable on this window: {len(full)} of the {len(claim_years)} claimed years "
            f"{'is' if len(full) == 1 else 'are'} complete inside it and none lagged, too few to judge "
            f"all {len(claim_years)}. " + evidence
        )
    if len(t) and (t["status"] == "not in the data").all() and why:
        first = [v[0] for v in why.values() if v][:1]  # the earliest year's first reason covers the later ones
        rest = [x for v in why.values() for x in v if not x.startswith("the window ends")]
        evidence = (
            f"None of the claimed years {min(claim_years)}-{max(claim_years)} can be measured on this window: "
            f"{'; '.join(dict.fromkeys(first + rest))}."
        )
    return {
        "verdict": verdict,
        "table": t,
        "beaten": beaten,
        "lagged": lagged,
        "complete_years": int(len(full)),
        "evidence": evidence,
    }


def _missing_year_reasons(years, tickers, last_day=None, gaps: dict | None = None) -> dict:
    """year -> reasons the data have no return for it (the window ends first; a ticker has no prices)."""
    out = {}
    for y in sorted(years):
        why = []
        if last_day is not None and pd.Timestamp(last_day).year < y:
            why.append(f"the window ends {pd.Timestamp(last_day):%Y-%m-%d}, before {y}")
        why += [(gaps or {})[t] for t in tickers if (gaps or {}).get(t)]
        if why:
            out[y] = why
    return out


#: measures of the segments claim A9 names: small-cap healthcare is XBI (equal-weighted biotech,
#: mostly small and mid caps), not XLV or IBB (cap-weighted large caps); mid-cap banks is KRE
#: (equal-weighted regional banks), not KBWB (the large money-centre banks)
A9_LEGS = {"Small-cap healthcare": ["XBI"], "Mid-cap banks": ["KRE"]}

#: the groups the thesis names (article A's two segments and article B's industrials)
THESIS_GROUPS = {"Mid-cap banks": ["KRE"], "Small-cap healthcare": ["XBI"], "Industrials": ["XLI"]}


def a9_assessment(
    years: pd.DataFrame,
    complete: pd.Series,
    year: int = 2026,
    legs: dict | None = None,
    benchmarks=("SPY", "IWM"),
    trading_days: int = 0,
    min_days: int = 21,
) -> dict:
    """Do healthcare and banks lead in ``year`` (year to date if it is still running)?

    A leg leads when the equal average of its ETFs' returns for the year beats
    every benchmark. Rule: confirmed if every leg leads, contradicted if none
    does, mixed otherwise; unverifiable if the year is not in the data or has
    fewer than ``min_days`` trading days. Returns ``verdict``, ``table`` (one
    row per ETF plus one per leg average), ``leads`` (leg -> bool) and ``evidence``.
    """
    legs = legs or A9_LEGS
    if year not in years.index or trading_days < min_days:
        why = (
            f"the window has no {year} data"
            if year not in years.index
            else f"only {trading_days} trading days of {year} are in the window (fewer than {min_days})"
        )
        return {
            "verdict": ClaimVerdict.UNVERIFIABLE,
            "table": pd.DataFrame(),
            "leads": {},
            "complete": False,
            "evidence": f"Cannot be tested on this window: {why}.",
        }
    row = years.loc[year]
    missing = [t for t in list(benchmarks) + [t for v in legs.values() for t in v] if pd.isna(row.get(t, np.nan))]
    if any(b in missing for b in benchmarks):
        return {
            "verdict": ClaimVerdict.UNVERIFIABLE,
            "table": pd.DataFrame(),
            "leads": {},
            "complete": False,
            "evidence": f"Cannot be tested: no {year} return for {listing(missing)}.",
        }
    recs, leads = [], {}
    for leg, tickers in legs.items():
        have = [t for t in tickers if t not in missing]
        for t in have:
            recs.append(
                {"leg": leg, "ticker": t, "return": row[t], **{f"minus {b}": row[t] - row[b] for b in benchmarks}}
            )
        avg = float(np.mean([row[t] for t in have])) if have else np.nan
        recs.append(
            {"leg": leg, "ticker": f"{leg} average", "return": avg, **{f"minus {b}": avg - row[b] for b in benchmarks}}
        )
        leads[leg] = bool(have) and all(avg > row[b] for b in benchmarks)
    n_lead = sum(leads.values())
    verdict = (
        ClaimVerdict.CONFIRMED
        if n_lead == len(legs)
        else ClaimVerdict.CONTRADICTED
        if n_lead == 0
        else ClaimVerdict.MIXED
    )
    done = bool(complete.get(year, False))
    span = f"in {year}" if done else f"in {year} to date ({trading_days} trading days; the year is not over)"
    bits = []
    t = pd.DataFrame(recs)
    for leg in legs:
        a = t[(t["leg"] == leg) & (t["ticker"] == f"{leg} average")].iloc[0]
        vs = ", ".join(f"{pp(a[f'minus {b}'])} vs {b}" for b in benchmarks)
        bits.append(
            f"{leg.lower()} ({', '.join(legs[leg])}) returned {pct(a['return'])} ({vs}) and "
            f"{'led' if leads[leg] else 'did not lead'}"
        )
    evidence = f"{span[0].upper()}{span[1:]}, {'; '.join(bits)}."
    return {"verdict": verdict, "table": t, "leads": leads, "complete": done, "evidence": evidence}


#: shortest window (trading days) on which a leadership verdict is given; the same
#: default as report 01's ``min_window_days``: about two months of sessions
MIN_WINDOW_DAYS = 42


def thesis_rule(market: str = "SPY", min_days: int = MIN_WINDOW_DAYS) -> Rule:
    """The report's verdict rule, worded for this run's benchmark and minimum window.

    Returns:
        A :class:`~rotation_utils.verdicts.Rule`; ``rule.apply(window, gaps=..., days=...)`` gives
        :func:`named_sector_verdict`'s dict (``value``, ``evidence``, ``table``).
    """
    text = (
        f"over 2026 to date inside the run's window (the articles' calls are about 2026): supported if mid-cap "
        f"banks (KRE), small-cap healthcare (XBI) and industrials (XLI) all beat {market}; not supported if none "
        f"does; mixed otherwise; inconclusive without 2026 data or for windows shorter than {int(min_days)} "
        "trading days"
    )
    return Rule(
        text,
        lambda window, gaps=None, days=None: named_sector_verdict(
            window, market, gaps=gaps, days=days, min_days=int(min_days)
        ),
    )


def named_sector_verdict(
    window: pd.Series,
    market: str = "SPY",
    groups: dict | None = None,
    gaps: dict | None = None,
    days: int | None = None,
    min_days: int = MIN_WINDOW_DAYS,
) -> dict:
    """Overall verdict: did the sectors the articles name beat the market over the window?

    ``window``: return per ticker over the thesis window (2026 to date: the calls are
    about 2026). Groups (:data:`THESIS_GROUPS`, averaged ETFs): mid-cap banks (KRE),
    small-cap healthcare (XBI), industrials (XLI). Rule:
    inconclusive if the window has fewer than ``min_days`` trading days (``days``;
    None skips the check): a few weeks of relative returns are noise, not leadership;
    supported if every group beat ``market``, not supported if none did, mixed
    otherwise; inconclusive if a group or the market has no return. A group with
    some of its ETFs missing is averaged over the others; ``gaps`` (ticker -> why it
    has no prices) let the evidence say which and why. ``reason`` says why a verdict
    is inconclusive (empty otherwise); the measured returns are kept in the table and
    the evidence either way.
    """
    groups = groups or THESIS_GROUPS
    m = window.get(market, np.nan)
    rows = []
    for g, tickers in groups.items():
        vals = [window.get(t, np.nan) for t in tickers]
        vals = [v for v in vals if pd.notna(v)]
        avg = float(np.mean(vals)) if vals else np.nan
        rows.append({"group": g, "tickers": ", ".join(tickers), "return": avg, "minus market": avg - m})
    t = pd.DataFrame(rows)
    reason = ""
    if days is not None and days < min_days:
        value, reason = ReportVerdict.INCONCLUSIVE, f"the window has {days} trading days, fewer than {min_days}"
    elif pd.isna(m) or t["return"].isna().any():
        value, reason = ReportVerdict.INCONCLUSIVE, "a group or the market has no return over the window"
    else:
        k = int((t["minus market"] > 0).sum())
        value = (
            ReportVerdict.SUPPORTED if k == len(t) else ReportVerdict.NOT_SUPPORTED if k == 0 else ReportVerdict.MIXED
        )
    beat = t.loc[t["minus market"] > 0, "group"].tolist()
    lag = t.loc[t["minus market"] <= 0, "group"].tolist()
    evidence = f"Beat {market} over the window: {listing(beat)}; did not: {listing(lag)}."
    gone = [
        x for x in dict.fromkeys([market] + [y for v in groups.values() for y in v]) if pd.isna(window.get(x, np.nan))
    ]
    if gone:
        reasons = [(gaps or {})[x] for x in gone if (gaps or {}).get(x)]
        lost = t.loc[t["return"].isna(), "group"].tolist() + ([market] if pd.isna(m) else [])
        evidence += f" No window return for {listing(gone)}" + (f" ({'; '.join(reasons)})" if reasons else "")
        evidence += (
            f", so {listing(lost)} cannot be measured."
            if lost
            else "; each group is averaged over the ETFs that have one."
        )
    if reason.startswith("the window has"):
        evidence = f"Too short to call leadership: {reason}. {evidence}"
    return {"value": value, "table": t, "evidence": evidence, "reason": reason}


def thesis_window(px_index: pd.DatetimeIndex, start, cov) -> dict:
    """The window the sector thesis is judged on: the part of the claims' year (2026, from
    ``cov``, the run's :class:`~rotation_utils.periods.Coverage` of claim A9) inside the run.

    Returns ``start`` (the later of the run's start and the period's start), ``base`` (the last
    close on or before it, which the returns run from: the first date of the data used, shown
    in the label, the chart and the summary box), ``end``, ``days`` (trading days of returns)
    and ``label``; ``start`` and ``base`` are None with the reason in ``label`` when the run
    does not reach that year.
    """
    p = cov.period
    if cov.status == "none":
        return {"start": None, "base": None, "end": None, "days": 0, "label": f"none: {cov.reason()}"}
    lo = max(d for d in (p.start, pd.Timestamp(start) if start is not None else None) if d is not None)
    hi = cov.covered_end
    before = px_index[px_index <= lo]
    base = before.max() if len(before) else lo  # returns run from the last close on or before ``lo``
    days = int(((px_index > base) & (px_index <= hi)).sum())
    so_far = "" if cov.status == "full" else " so far"
    return {
        "start": lo,
        "base": base,
        "end": hi,
        "days": days,
        "label": f"{base:%Y-%m-%d} to {hi:%Y-%m-%d} ({days} trading days of {p.label.split(' (')[0]}{so_far})",
    }


def verdict_metric_rows(table: pd.DataFrame, market: str = "SPY") -> list[tuple]:
    """``(name, value, unit, label)`` rows for ``Report.metric``: each named group minus the market.

    Args:
        table: the ``table`` of :func:`named_sector_verdict` (group, tickers, return, minus market).
        market: the benchmark's ticker, for the labels.

    Returns:
        One row per group in percentage points over the window (None when not measured).
    """
    rows = []
    for r in table.to_dict(orient="records"):
        diff = r["minus market"]
        slug = "_".join(str(r["group"]).lower().replace("-", " ").split())
        rows.append(
            (
                f"{slug}_minus_market_pp",
                None if pd.isna(diff) else float(diff) * 100,
                "pp",
                f"{r['group']} ({r['tickers']}) minus {market} over the window",
            )
        )
    return rows


__all__ = [
    "A9_LEGS",
    "MIN_WINDOW_DAYS",
    "THESIS_GROUPS",
    "a7_assessment",
    "a9_assessment",
    "named_sector_verdict",
    "thesis_window",
    "verdict_metric_rows",
    "window_years",
]
