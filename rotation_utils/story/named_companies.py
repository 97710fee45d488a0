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
from ..analytics.named_companies import MAX_IWM_LAG_DAYS, event_outside_window, named_verdict
from ..claim_values import Shown
from .membership import holdings_phrase

#: the membership table's IWM columns: one per holdings file, 'Russell 2000 (IWM 2026-05-05)'
IWM_PREFIX = "Russell 2000 (IWM "


# ---- sentences -------------------------------------------------------------------
def performance_sentence(perf: pd.DataFrame, event_date, end, missing=(), start=None) -> str:
    """One paragraph on the event-window returns, every number and word from ``perf``."""
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
    verdict, v = named_verdict(perf)
    if not v:
        return f"No named company has prices after {ev:%Y-%m-%d}.{tail}"
    comp = perf[perf["kind"] == "company"].dropna(subset=["since_event"]).sort_values("since_event")
    bm = perf[perf["kind"] == "benchmark"].set_index("name")["since_event"]
    mag = f" and {nv.pct(bm['Mag 7 (cap)'])} for the Mag 7 basket" if "Mag 7 (cap)" in bm else ""
    return (
        f"From {ev:%Y-%m-%d} to {end:%Y-%m-%d} an equal-weighted basket of the "
        f"{v['names']} named companies with prices returned {nv.pct(v['basket'])}, against "
        f"{nv.pct(v['iwm'])} for IWM, {nv.pct(v['spy'])} for SPY{mag}; "
        f"{v['beat_iwm']} of {v['names']} names beat IWM. Best: {comp['ticker'].iloc[-1]} "
        f"({nv.pct(comp['since_event'].iloc[-1])}); worst: {comp['ticker'].iloc[0]} "
        f"({nv.pct(comp['since_event'].iloc[0])}).{tail}"
    )


def small_cap_text(mem: pd.DataFrame, end) -> str:
    """'only X and Y of the 9 are Russell 2000 small caps ...', or why the data cannot say."""
    if "iwm_date" in mem.attrs and mem.attrs["iwm_date"] is None:
        return iwm_gap_text(mem.attrs.get("iwm_dates", []), end)
    small = mem.loc[mem["small_cap"], "ticker"].tolist()
    held = mem.attrs.get("iwm_date")
    source = (
        f" ({holdings_phrase(held, end=end)}; S&P 500 and S&P 400 on {pd.Timestamp(end):%Y-%m-%d})"
        if held is not None
        else f" on {pd.Timestamp(end):%Y-%m-%d}"
    )
    return (
        f"only {nv.listing(small) or 'none'} of the {len(mem)} are Russell 2000 small caps outside the "
        f"S&P 500/400{source}"
    )


def iwm_gap_text(dates, end) -> str:
    """Why Russell 2000 membership at ``end`` is not in the data."""
    first = f"the first is dated {min(dates):%Y-%m-%d}" if len(dates) else "there is none"
    return (
        f"Russell 2000 membership on {pd.Timestamp(end):%Y-%m-%d} is not in the data: no IWM holdings "
        f"file is within {MAX_IWM_LAG_DAYS} days of it ({first})"
    )


def membership_sentence(mem: pd.DataFrame, end) -> str:
    """Which named companies are really small caps, from the membership table."""
    small = mem.loc[mem["small_cap"], "ticker"].tolist()
    sp5 = mem[mem["S&P 500 at end"]]
    sp4 = mem[mem["S&P 400 at end"]]
    caps = mem.dropna(subset=["market_cap"]).sort_values("market_cap")
    if "iwm_date" in mem.attrs and mem.attrs["iwm_date"] is None:
        parts = [
            iwm_gap_text(mem.attrs.get("iwm_dates", []), end) + ", so which named companies were "
            "small caps then cannot be told."
        ]
    else:
        held = mem.attrs.get("iwm_date")
        where = (
            f"In the {holdings_phrase(held, end=end)}" if held is not None else "In the IWM holdings"
        )  # a table built without the attrs (tests)
        parts = [
            f"{where}, {nv.plural(len(small), 'named company', 'named companies')} "
            f"({nv.listing(small) or 'none'}) {'was a member' if len(small) == 1 else 'were members'} "
            f"outside the S&P 500 and S&P 400 as seen on {pd.Timestamp(end):%Y-%m-%d}, i.e. really small caps."
        ]
    if len(sp5):
        parts.append(
            " "
            + "; ".join(
                f"{r['ticker']} was in the S&P 500 "
                + (
                    f"(added {r['S&P 500 date added']:%Y-%m-%d})"
                    if pd.notna(r["S&P 500 date added"])
                    else "(its date added is not in the latest constituents list)"
                )
                for _, r in sp5.iterrows()
            )
            + "."
        )
    if len(sp4):
        parts.append(f" {nv.listing(sp4['ticker'])} had joined the S&P 400 (per the claims register, B9).")
    if len(caps):
        parts.append(
            f" Market caps run from {nv.usd(caps['market_cap'].iloc[0])} "
            f"({caps['ticker'].iloc[0]}) to {nv.usd(caps['market_cap'].iloc[-1])} "
            f"({caps['ticker'].iloc[-1]})."
        )
    else:
        parts.append(
            f" No named company has a market cap on or before {pd.Timestamp(end):%Y-%m-%d} in the "
            "data, so their size is unknown."
        )
    return "".join(parts)


def b9_evidence(vals: dict, mem: pd.DataFrame, event_date, end, start=None) -> str:
    """One sentence for claim B9: event-window returns against IWM/SPY and how many are small caps."""
    size = small_cap_text(mem, end)
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
def b9_record(verdict, vals: dict, mem: pd.DataFrame, event_date, end, start=None) -> dict:
    """Keyword arguments of ``Report.claim`` for claim B9 (``verdict, vals``: from
    ``named_companies.named_verdict``; values as :func:`b9_values`)."""
    return dict(
        claim_id="B9",
        verdict=verdict,
        evidence=b9_evidence(vals, mem, event_date, end, start),
        unit="%",
        **b9_values(vals, event_date),
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
