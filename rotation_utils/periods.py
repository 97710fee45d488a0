"""Claim periods: every claim is judged only on the part of its own period inside the run.

The claims register (``reference/claims.csv``) gives each claim the period it speaks
about (``period_start``, ``period_end``, ``period_kind``, ``period_label``): the
articles' forward calls are about 2026 from their date (2026-01-13), B11 is about
the second half of 2025, B12 runs "through 2025". Every claim verdict a report
records goes through :func:`judge` (``Report.claim`` calls it), which intersects
that period with the run's window:

- no overlap: the claim is "unverifiable" here, with the reason ("the window ends
  2024-12-31; the claim is about 2025 H2"), never confirmed or contradicted;
- a forward claim whose period has begun but not ended inside the window keeps its
  verdict marked *provisional* ("so far, 131 trading days of 2026");
- a backward claim only partly inside the window is judged on the covered part, and
  the evidence says which part;
- an "unverifiable" verdict is never provisional nor "judged on" a part: the data
  cannot judge the claim at all, so its evidence is the report's reason alone (a
  claim is either unverifiable with the reason or provisional, never both);
- a claim without a period (a legal or naming fact) passes unchanged.

Why one module: the rule is written once, so report 01's A1, report 05's B9 and
report 06's A9 cannot treat the same months differently.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .dates import iso
from .verdicts import ClaimVerdict

FORWARD, BACKWARD, NONE = "forward", "backward", "none"


@dataclass(frozen=True)
class ClaimPeriod:
    """The period one claim speaks about (``start``/``end`` None for a fact without a period)."""

    claim_id: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    kind: str
    label: str

    @property
    def timeless(self) -> bool:
        """True for legal and naming facts: no period to intersect."""
        return self.kind == NONE or self.start is None or self.end is None


def _day(value) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()) or pd.isna(value):
        return None
    return pd.Timestamp(value).normalize()


def period_from_row(row) -> ClaimPeriod:
    """A :class:`ClaimPeriod` from one register row (a mapping with the period columns)."""
    get = row.get if hasattr(row, "get") else row.__getitem__
    return ClaimPeriod(
        str(get("id")),
        _day(get("period_start")),
        _day(get("period_end")),
        (get("period_kind") or NONE).strip().lower() or NONE,
        (get("period_label") or "").strip(),
    )


def register_periods(register: pd.DataFrame | None = None) -> dict[str, ClaimPeriod]:
    """``{claim id: ClaimPeriod}`` from the claims register (read from the package when None)."""
    if register is None:
        from .reference_data import claims

        register = claims()
    return {r["id"]: period_from_row(r) for _, r in register.iterrows()}


@dataclass(frozen=True)
class Coverage:
    """How much of a claim's period lies inside the run's window.

    ``status``: ``full``, ``partial``, ``none`` or ``timeless``; ``covered_start`` /
    ``covered_end`` bound the covered part; ``trading_days`` counts the sessions of
    the covered part when the caller knows them (else None).
    """

    period: ClaimPeriod
    window_start: pd.Timestamp | None
    window_end: pd.Timestamp | None
    status: str
    covered_start: pd.Timestamp | None = None
    covered_end: pd.Timestamp | None = None
    trading_days: int | None = None

    @property
    def provisional(self) -> bool:
        """A forward claim judged on the part of its period seen so far."""
        return self.status == "partial" and self.period.kind == FORWARD

    def reason(self) -> str:
        """Why the window cannot test the claim ('' when it can)."""
        if self.status != "none":
            return ""
        p = self.period
        if self.window_end is not None and p.start is not None and self.window_end < p.start:
            return f"the window ends {iso(self.window_end)}; the claim is about {p.label}"
        if self.window_start is not None and p.end is not None and self.window_start > p.end:
            return f"the window starts {iso(self.window_start)}; the claim is about {p.label}"
        return f"the window has no data for {p.label}"

    def note(self) -> str:
        """The sentence that qualifies a verdict judged on part of its period ('' otherwise)."""
        if self.status != "partial":
            return ""
        days = f"{self.trading_days} trading days" if self.trading_days is not None else "the days"
        if self.provisional:
            year = self.period.start.year if self.period.start.year == self.period.end.year else None
            of = f"of {year}" if year else f"of {self.period.label}"
            return (
                f"Provisional: so far, {days} {of} "
                f"({iso(self.covered_start)} to {iso(self.covered_end)}); the claim is about {self.period.label}."
            )
        return (
            f"Judged on the part of its period inside the window, {iso(self.covered_start)} to "
            f"{iso(self.covered_end)} ({days}), of {self.period.label}."
        )

    def to_json(self) -> dict:
        """The block stored with the claim in results.json."""
        p = self.period
        return {
            "label": p.label,
            "kind": p.kind,
            "start": iso(p.start),
            "end": iso(p.end),
            "coverage": self.status,
            "covered_start": iso(self.covered_start),
            "covered_end": iso(self.covered_end),
            "trading_days": self.trading_days,
            "provisional": self.provisional,
        }


def coverage(period: ClaimPeriod, window_start=None, window_end=None, sessions=None) -> Coverage:
    """Intersect a claim's period with the window ``[window_start, window_end]`` (None = open).

    ``sessions`` (optional DatetimeIndex of trading days the run has) counts the
    trading days of the covered part; it also narrows the covered part to the
    first and last session inside it.
    """
    ws, we = _day(window_start), _day(window_end)
    if period.timeless:
        return Coverage(period, ws, we, "timeless")
    lo = max(d for d in (period.start, ws) if d is not None)
    hi = min(d for d in (period.end, we) if d is not None)
    if lo > hi:
        return Coverage(period, ws, we, "none")
    days = None
    if sessions is not None:
        inside = pd.DatetimeIndex(sessions)
        inside = inside[(inside >= lo) & (inside <= hi)]
        if len(inside) == 0:
            return Coverage(period, ws, we, "none")
        lo, hi, days = inside.min().normalize(), inside.max().normalize(), int(len(inside))
    whole = (ws is None or ws <= period.start) and (we is None or we >= period.end)
    return Coverage(period, ws, we, "full" if whole else "partial", lo, hi, days)


#: verdicts a window that does not cover the claim may never give
DECIDED = (ClaimVerdict.CONFIRMED, ClaimVerdict.CONTRADICTED, ClaimVerdict.MIXED)
#: the verdict that says the data cannot judge the claim: never provisional
UNVERIFIABLE = ClaimVerdict.UNVERIFIABLE


def judge(verdict: str, evidence: str, cov: Coverage, values: dict | None = None) -> dict:
    """Apply the period rule to a report's verdict on one claim.

    Returns ``{"verdict", "evidence", "values", "period"}``: no overlap turns any
    verdict into "unverifiable" with :meth:`Coverage.reason` as the evidence (the
    report's own numbers would describe another period, so they are dropped from
    the values, keeping the article's figure); partial coverage prefixes
    :meth:`Coverage.note` to the evidence of a verdict the data reached (an
    "unverifiable" verdict keeps the report's reason alone and is not provisional);
    full coverage and timeless claims pass unchanged.
    """
    values = dict(values or {})
    if cov.status == "none":
        kept = {k: v for k, v in values.items() if k in ("claimed", "unit")}
        why = cov.reason()
        return {
            "verdict": ClaimVerdict.UNVERIFIABLE,
            "evidence": f"Cannot be tested on this window: {why}.",
            "values": kept,
            "period": {**cov.to_json(), "reason": why},
        }
    if cov.status == "partial":
        if verdict == UNVERIFIABLE:
            return {
                "verdict": verdict,
                "evidence": evidence,
                "values": values,
                "period": {**cov.to_json(), "provisional": False},
            }
        evidence = f"{cov.note()} {evidence}".strip()
        return {"verdict": verdict, "evidence": evidence, "values": values, "period": cov.to_json()}
    return {
        "verdict": verdict,
        "evidence": evidence,
        "values": values,
        "period": cov.to_json()
        if cov.status != "timeless"
        else {"label": cov.period.label, "kind": cov.period.kind, "coverage": "timeless", "provisional": False},
    }


def covered_part(
    claim_id: str, window_start=None, window_end=None, sessions=None, register: pd.DataFrame | None = None
) -> Coverage:
    """Coverage of one register claim by a window: what a report should measure it on."""
    return coverage(register_periods(register)[claim_id], window_start, window_end, sessions)
