"""The verdict vocabulary and verdict rules, one place for both.

Why one module: a verdict word is data (results.json, the index, the ledger, the
deck all compare it), so it is spelled once here as an enum member; and the rule
a report prints must be the rule it applied, so a :class:`Rule` holds the text
and the logic together.

Claim verdicts (one per claim of the register) and report verdicts (one per
report's thesis) are different scales: a claim is *confirmed*, a thesis is
*supported*. Both are ``StrEnum`` members, so they compare equal to, format as
and serialise to their plain words ("forecast pending", "not supported").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ClaimVerdict(StrEnum):
    """What the data say about one claim of the articles."""

    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    MIXED = "mixed"
    UNVERIFIABLE = "unverifiable"  # the data's measure or period is not the claim's
    FORECAST_PENDING = "forecast pending"  # a forward call whose period has not been reached
    NOT_RUN = "not run"  # ledger only: the report that tests it did not run


#: the claim verdicts a report may write (``not run`` is the ledger's own)
REPORTED_CLAIM_VERDICTS = tuple(v for v in ClaimVerdict if v is not ClaimVerdict.NOT_RUN)
#: claim verdicts that decide a claim one way or the other (the ledger ranks and counts only these)
DECIDED = (ClaimVerdict.CONFIRMED, ClaimVerdict.CONTRADICTED, ClaimVerdict.MIXED)


class ReportVerdict(StrEnum):
    """What the data say about one report's thesis."""

    SUPPORTED = "supported"
    MIXED = "mixed"
    NOT_SUPPORTED = "not supported"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Rule:
    """A verdict rule: the sentence a report prints and the function it applies, as one object.

    ``decide`` returns a :class:`ReportVerdict` (or a tuple whose first item is
    one, or a dict whose ``"value"`` is one, with whatever evidence the subject
    adds); :meth:`apply` checks that, so a rule cannot hand back a word outside
    the vocabulary. A rule whose wording depends on parameters (a benchmark, a
    threshold) is built by a small factory function in its subject's module.

    Example:
        >>> majority = Rule("supported if most tests agree, else not supported",
        ...                 lambda agree, total: ReportVerdict.SUPPORTED if agree > total / 2
        ...                 else ReportVerdict.NOT_SUPPORTED)
        >>> majority.apply(3, 4)
        <ReportVerdict.SUPPORTED: 'supported'>
        >>> str(majority)
        'supported if most tests agree, else not supported'
    """

    text: str
    decide: Callable[..., Any]

    def apply(self, *args, **kwargs):
        """Run the rule's logic on the evidence; returns what ``decide`` returns, verdict checked."""
        out = self.decide(*args, **kwargs)
        verdict = out[0] if isinstance(out, tuple) else out["value"] if isinstance(out, dict) else out
        ReportVerdict(verdict)  # ValueError for a word outside the vocabulary
        return out

    def __str__(self) -> str:
        return self.text
