"""The words of report 05's named companies (article B's small-cap AI names, claim B9):
their returns since the event against IWM and SPY, their index membership and size, and
claim B9's evidence and values.

Every function here words results computed in
:mod:`rotation_utils.analytics.named_companies` (``performance_table``,
``membership_table``, ``named_verdict``); none computes a figure of the report. The rest of
report 05's words (the earnings race, margins, forecasts, the verdict rule) are in
:mod:`rotation_utils.story.earnings`.

Display tables (``*_for_display``) return ``(frame, formats)`` for ``notebook.show``.
"""

from __future__ import annotations

import pandas as pd

from .. import narrative as nv
from ..analytics.named_companies import MAX_IWM_LAG_DAYS, EventReturns, MembershipFacts, event_outside_window
from ..claim_values import Shown
from .membership import holdings_phrase

#: the membership table's IWM columns: one per holdings file, 'Russell 2000 (IWM 2026-05-05)'
IWM_PREFIX = "Russell 2000 (IWM "


# ---- sentences -------------------------------------------------------------------
def performance_sentence(returns: EventReturns, event_date, end, missing=(), start=None) -> str:
    """One paragraph on the event-window returns, every number and word from ``returns``
    (``named_companies.event_returns``)."""
    ev, end = pd.Timestamp(event_date), pd.Timestamp(end)
    one = len(missing) == 1
    tail = (
        f" {nv.listing(missing)} {'has' if one else 'have'} no price data in this run, so "
        f"{'it is' if one else 'they are'} left out of every basket."
        if missing
        else ""
    )
    why = event_outside_window(ev, start, end)
    if why:
        hint = "" if ev >= end else " (pass a start on or before the event date)"
        return f"{why[0].upper()}{why[1:]}: there are no returns after the event in this window{hint}.{tail}"
    v, best, worst = returns.vals, returns.best, returns.worst
    if not v:
        return f"No named company has prices after {ev:%Y-%m-%d}.{tail}"
    mag = f" and {nv.pct(returns.mag7)} for the Mag 7 basket" if returns.mag7 is not None else ""
    return (
        f"From {ev:%Y-%m-%d} to {end:%Y-%m-%d} an equal-weighted basket of the "
        f"{v['names']} named companies with prices returned {nv.pct(v['basket'])}, against "
        f"{nv.pct(v['iwm'])} for IWM, {nv.pct(v['spy'])} for SPY{mag}; "
        f"{v['beat_iwm']} of {v['names']} names beat IWM. Best: {best.ticker} "
        f"({nv.pct(best.value)}); worst: {worst.ticker} ({nv.pct(worst.value)}).{tail}"
    )


def small_cap_text(facts: MembershipFacts, end) -> str:
    """'only X and Y of the 9 are Russell 2000 small caps ...', or why the data cannot say."""
    if facts.no_iwm_file:
        return iwm_gap_text(facts.first_iwm_file, end)
    small = facts.small_caps
    held = facts.iwm_date
    source = (
        f" ({holdings_phrase(held, end=end)}; S&P 500 and S&P 400 on {pd.Timestamp(end):%Y-%m-%d})"
        if held is not None
        else f" on {pd.Timestamp(end):%Y-%m-%d}"
    )
    return (
        f"only {nv.listing(small) or 'none'} of the {facts.names} are Russell 2000 small caps outside the "
        f"S&P 500/400{source}"
    )


def iwm_gap_text(first_file, end) -> str:
    """Why Russell 2000 membership at ``end`` is not in the data (``first_file``: the earliest
    IWM holdings file, None without any)."""
    first = f"the first is dated {first_file:%Y-%m-%d}" if first_file is not None else "there is none"
    return (
        f"Russell 2000 membership on {pd.Timestamp(end):%Y-%m-%d} is not in the data: no IWM holdings "
        f"file is within {MAX_IWM_LAG_DAYS} days of it ({first})"
    )


def membership_sentence(facts: MembershipFacts, end) -> str:
    """Which named companies are really small caps, from ``named_companies.membership_facts``."""
    small = facts.small_caps
    if facts.no_iwm_file:
        parts = [
            iwm_gap_text(facts.first_iwm_file, end) + ", so which named companies were small caps then cannot be told."
        ]
    else:
        held = facts.iwm_date
        where = (
            f"In the {holdings_phrase(held, end=end)}" if held is not None else "In the IWM holdings"
        )  # a table built without the attrs (tests)
        parts = [
            f"{where}, {nv.plural(len(small), 'named company', 'named companies')} "
            f"({nv.listing(small) or 'none'}) {'was a member' if len(small) == 1 else 'were members'} "
            f"outside the S&P 500 and S&P 400 as seen on {pd.Timestamp(end):%Y-%m-%d}, i.e. really small caps."
        ]
    if facts.sp500:
        parts.append(
            " "
            + "; ".join(
                f"{ticker} was in the S&P 500 "
                + (
                    f"(added {added:%Y-%m-%d})"
                    if pd.notna(added)
                    else "(its date added is not in the latest constituents list)"
                )
                for ticker, added in facts.sp500
            )
            + "."
        )
    if facts.sp400:
        parts.append(f" {nv.listing(facts.sp400)} had joined the S&P 400 (per the claims register, B9).")
    if facts.smallest is not None:
        parts.append(
            f" Market caps run from {nv.usd(facts.smallest.value)} "
            f"({facts.smallest.ticker}) to {nv.usd(facts.largest.value)} "
            f"({facts.largest.ticker})."
        )
    else:
        parts.append(
            f" No named company has a market cap on or before {pd.Timestamp(end):%Y-%m-%d} in the "
            "data, so their size is unknown."
        )
    return "".join(parts)


def b9_evidence(vals: dict, facts: MembershipFacts, event_date, end, start=None) -> str:
    """One sentence for claim B9: event-window returns against IWM/SPY and how many are small caps."""
    size = small_cap_text(facts, end)
    if not vals:
        why = event_outside_window(event_date, start, end)
        return (
            f"No returns after {pd.Timestamp(event_date):%Y-%m-%d} in this window{f' ({why})' if why else ''}; {size}."
        )
    return (
        f"Since {pd.Timestamp(event_date):%Y-%m-%d} the equal-weighted named basket returned "
        f"{nv.pct(vals['basket'])} against {nv.pct(vals['iwm'])} for IWM and {nv.pct(vals['spy'])} for SPY "
        f"({vals['beat_iwm']} of {vals['names']} names beat IWM); {size}."
    )


# ---- claim B9 -------------------------------------------------------------------
def b9_record(returns: EventReturns, facts: MembershipFacts, event_date, end, start=None) -> dict:
    """Keyword arguments of ``Report.claim`` for claim B9 (``returns``: ``named_companies.event_returns``,
    whose verdict is ``named_verdict``'s; ``facts``: ``membership_facts``; values as :func:`b9_values`)."""
    return dict(
        claim_id="B9",
        verdict=returns.verdict,
        evidence=b9_evidence(returns.vals, facts, event_date, end, start),
        unit="%",
        **b9_values(returns.vals, event_date),
    )


def b9_values(vals: dict, event_date) -> dict:
    """``named_companies.named_verdict``'s values for ``Report.claim``: returns in %, labelled for
    the ledger (:class:`~rotation_utils.claim_values.Shown`); empty when nothing was measured.

    Args:
        vals: the second result of ``named_verdict``.
        event_date: the date the returns run from.

    Returns:
        Keyword values: the basket's, IWM's and SPY's return and the names beating IWM.
    """
    if not vals:
        return {}
    since = f"since {pd.Timestamp(event_date):%Y-%m-%d}"
    return {
        "basket": Shown(vals["basket"] * 100, "%", f"Named companies (equal weight), {since}"),
        "iwm": Shown(vals["iwm"] * 100, "%", f"IWM, {since}"),
        "spy": Shown(vals["spy"] * 100, "%", f"SPY, {since}"),
        "beat_iwm": Shown(f"{vals['beat_iwm']} of {vals['names']}", "", "Names beating IWM"),
        "names": vals["names"],
    }


# ---- tables as shown in the report ----------------------------------------------
def _iso(v) -> str:
    return "" if v is None or pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}"


def performance_for_display(perf: pd.DataFrame, start, event_date) -> tuple[pd.DataFrame, dict]:
    """``named_companies.performance_table`` with dated headers ('Return since 2026-01-13',
    'vs IWM since 2026-01-13'): returns in %, differences in pp."""
    s, e = _iso(start), _iso(event_date)
    vs = {
        c: f"vs {c.removeprefix('vs_').replace('Mag7', 'Mag 7')} since {e}" for c in perf.columns if c.startswith("vs_")
    }
    names = {
        "kind": "Type",
        "name": "Name",
        "ticker": "Ticker",
        "since_start": f"Return since {s}",
        "since_event": f"Return since {e}",
        **vs,
    }
    out = perf[[c for c in names if c in perf]].rename(columns=names)
    return out, {"pct": [f"Return since {s}", f"Return since {e}"], "pp": list(vs.values()), "digits": 1}


def membership_for_display(mem: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``named_companies.membership_table`` in eight columns: S&P 500 / S&P 400 membership with the
    date added, the IWM holdings files that list the name (one column instead of one per
    file), the last month-end market cap with its date, size band and the small-cap test."""
    iwm = [c for c in mem.columns if c.startswith(IWM_PREFIX)]

    def index_text(at_end, added) -> str:
        return ("yes" if at_end else "no") + (f", added {_iso(added)}" if _iso(added) else "")

    def iwm_text(row) -> str:
        held = [c.removeprefix(IWM_PREFIX).rstrip(")") for c in iwm if row[c]]
        return "none" if not held else f"all {len(iwm)} files" if len(held) == len(iwm) > 1 else ", ".join(held)

    out = pd.DataFrame(
        {
            "Ticker": mem["ticker"],
            "Company": mem["name"],
            "S&P 500 at end": [index_text(a, d) for a, d in zip(mem["S&P 500 at end"], mem["S&P 500 date added"])],
            "S&P 400 at end": [index_text(a, d) for a, d in zip(mem["S&P 400 at end"], mem["S&P 400 date added"])],
            "In IWM holdings files": [iwm_text(r) for _, r in mem.iterrows()],
            "Market cap (last month end)": [
                f"${c / 1e9:,.1f}bn on {_iso(d)}" if pd.notna(c) else "not in the data"
                for c, d in zip(mem["market_cap"], mem["cap_date"])
            ],
            "Size band": mem["size"],
            "Small cap (IWM, not S&P 500/400)": ["yes" if v else "no" for v in mem["small_cap"]],
        }
    )
    return out, {}
