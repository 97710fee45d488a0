"""The articles' legal statements about OBBBA (claims A8, B5, B6, B7) against the law.

Why a module of its own: these claims are settled from two reference files (the
transcribed provisions and the articles' statements) and the law's own parameters, not
from market data; B7 adds the model's count of firms that deduct more interest. The
evidence sentences are in :mod:`rotation_utils.story.tax`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import tax_model as tm
from ..config import REFERENCE_DIR
from ..errors import BadInputError
from ..verdicts import ClaimVerdict
from .tax_effects import s179_reach_share


def article_statements() -> pd.DataFrame:
    """The articles' statements about the law (paraphrased), one per claim id."""
    return pd.read_csv(REFERENCE_DIR / "obbba_article_statements.csv", dtype=str).fillna("")


def first_percent(text: str) -> float:
    """First percentage in a text, as a number (``'20%, made permanent'`` -> 20.0)."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*%", text or "")
    return float(m.group(1)) if m else np.nan


def first_dollars(text: str) -> float:
    """First dollar amount in a text, in USD (``'$2.5M limit'`` -> 2.5e6)."""
    m = re.search(r"\$\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)", text or "")
    if not m:
        return np.nan
    scale = {"k": 1e3, "m": 1e6, "b": 1e9}.get(m.group(2).lower(), 1.0)
    return float(m.group(1)) * scale


def legal_verdicts(provisions: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Compare each article statement with the transcribed law and give a verdict.

    - name rows (unit ``name``): the article's name against the official title
      (words and acronym): contradicted unless they match.
    - ``%`` rows: the article's figure against the first percentage of the
      provision's ``after_obbba`` text.
    - ``USD`` rows: against its first dollar amount.
    - ``basis`` rows: confirmed if ``after_obbba`` names the article's basis and
      ``before_obbba`` does not.
    """
    prov = provisions.set_index("code_section")
    out = []
    for s in statements.itertuples(index=False):
        before = after = ""
        if s.code_section in prov.index:
            before, after = prov.at[s.code_section, "before_obbba"], prov.at[s.code_section, "after_obbba"]
        if s.unit == "name":
            law = s.official
            same = re.sub(r"\W+", " ", s.article_figure).strip().lower() == re.sub(r"\s*\(.*", "", law).strip().lower()
            measured = law
            verdict = ClaimVerdict.CONFIRMED if same else ClaimVerdict.CONTRADICTED
        elif s.unit == "%":
            measured = first_percent(after)
            verdict = (
                ClaimVerdict.CONFIRMED if np.isclose(float(s.article_figure), measured) else ClaimVerdict.CONTRADICTED
            )
        elif s.unit == "USD":
            measured = first_dollars(after)
            verdict = (
                ClaimVerdict.CONFIRMED if np.isclose(float(s.article_figure), measured) else ClaimVerdict.CONTRADICTED
            )
        elif s.unit == "basis":
            fig = s.article_figure
            named_after = re.search(rf"\b{fig}\b", after) is not None
            named_before = re.search(rf"\b{fig}\b", before) is not None
            measured = f"{fig} basis" if named_after and not named_before else after
            verdict = ClaimVerdict.CONFIRMED if named_after and not named_before else ClaimVerdict.CONTRADICTED
        else:
            raise BadInputError(f"unknown unit {s.unit!r} in the article statements file")
        out.append(
            {
                "claim": s.claim_id,
                "section": s.code_section,
                "article_says": s.article_says,
                "article_figure": s.article_figure,
                "before": before,
                "after": after,
                "measured": measured,
                "unit": s.unit,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(out)


@dataclass(frozen=True)
class LawFacts:
    """The law's figures the report compares with the articles.

    Attributes:
        tax_year: the rules' year.
        statements, confirmed, contradicted: article statements about the law, and how many
            the transcribed text confirms / contradicts.
        qbi_deduction: the final law's 199A deduction, % (claim B5's measured value).
        top_rate: the top individual rate.
        house_bill_cut: how much lower the House bill's 23% deduction would have made the top
            rate on pass-through income than the final law's 20% (a fraction).
        s179_prior, s179_obbba: the Section 179 limit under each law (USD).
        s179_reach: purchases at which OBBBA's 179 deduction is gone (limit + phase-out start).
        s179_reach_share: share of modelled firms spending less than that (None without firms).
    """

    tax_year: int
    statements: int
    confirmed: int
    contradicted: int
    qbi_deduction: float
    top_rate: float
    house_bill_cut: float
    s179_prior: float
    s179_obbba: float
    s179_reach: float
    s179_reach_share: float | None


def law_facts(facts: pd.DataFrame, tax_year: int, firms: pd.DataFrame) -> LawFacts:
    """The figures of Finding 1.

    Args:
        facts: :func:`legal_verdicts`.
        tax_year: the rules' year (Section 179 limits).
        firms: the modelled firm-years (their capex against the 179 phase-out).
    Returns:
        A :class:`LawFacts`.
    """
    p_old, p_new = tm.law_parameters(tax_year, "prior"), tm.law_parameters(tax_year, "obbba")
    reach = p_new["s179_limit"] + p_new["s179_phaseout"]
    v = facts["verdict"]
    return LawFacts(
        tax_year=int(tax_year),
        statements=len(facts),
        confirmed=int((v == ClaimVerdict.CONFIRMED).sum()),
        contradicted=int((v == ClaimVerdict.CONTRADICTED).sum()),
        qbi_deduction=float(facts.set_index("claim").at["B5", "measured"]),
        top_rate=tm.TOP_INDIVIDUAL_RATE,
        house_bill_cut=tm.qbi_effective_rate(tm.QBI_RATE_FINAL) - tm.qbi_effective_rate(tm.QBI_RATE_HOUSE_BILL),
        s179_prior=p_old["s179_limit"],
        s179_obbba=p_new["s179_limit"],
        s179_reach=reach,
        s179_reach_share=s179_reach_share(firms, reach),
    )


def qbi_rates() -> pd.DataFrame:
    """The top rate on a dollar of pass-through income (QBI) with no 199A deduction, the
    final law's 20% and the House bill's 23%.

    Returns:
        Columns ``deduction`` (fraction of QBI), ``top_rate`` and ``tax_per_1m`` (tax on $1M
        of QBI, USD), one row each for none, the final law and the House bill.
    """
    rate = pd.Series([0.0, tm.QBI_RATE_FINAL, tm.QBI_RATE_HOUSE_BILL])
    top = tm.qbi_effective_rate(rate)
    return pd.DataFrame({"deduction": rate, "top_rate": top, "tax_per_1m": 1e6 * top})


@dataclass(frozen=True)
class B7Test:
    """Claim B7 (interest limit on EBITDA again): the law's verdict and the model's count.

    Attributes:
        verdict: the law text's verdict, or mixed when a modelled firm deducts less interest.
        firms: firms modelled (0: the model adds nothing).
        share_more: share of them deducting more interest under OBBBA (None without firms).
        fewer: firms deducting less.
    """

    verdict: ClaimVerdict
    firms: int
    share_more: float | None
    fewer: int


def b7_test(facts: pd.DataFrame, corp: pd.DataFrame) -> B7Test:
    """Claim B7: the law text settles it; the model adds how many firms deduct more interest,
    and the verdict is mixed if any firm deducts less.

    Args:
        facts: :func:`legal_verdicts` (its B7 row is the law's verdict).
        corp: per-firm effects of the non-REIT firms.
    Returns:
        A :class:`B7Test`.
    """
    law_verdict = facts.set_index("claim").at["B7", "verdict"]
    if corp.empty:
        return B7Test(ClaimVerdict(law_verdict), 0, None, 0)
    lower = int((corp["deductible_obbba"] < corp["deductible_prior"] - 1e-6).sum())
    share = float((corp["saving_163j"] > 0).mean())
    return B7Test(ClaimVerdict(law_verdict) if lower == 0 else ClaimVerdict.MIXED, len(corp), share, lower)
