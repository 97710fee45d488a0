"""The inputs of the OBBBA tax report, checked and read once: statements, market caps,
the S&P 500 list and the IWM holdings.

Why one object: every finding of report 04 reads the same annual statements and the
same market caps (around the statements' year ends), and the market caps are optional
(the snapshot's start in 2021); loading them in one call keeps the years consistent,
keeps the data layer out of the computations (they take frames) and lets the notebook
name what it uses (``data.fundamentals``, ``data.caps_gap``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..context import RunContext
from ..data import optional, schemas
from ..errors import BadInputError
from ..universes import NAMED_COMPANIES


def check_parameters(tax_year, size_edges_bn, capex_treatment: str, eligible_share, max_staleness) -> int:
    """Validate the notebook's knobs with one-line errors.

    Args:
        tax_year: the tax year whose rules are applied (2018-2030).
        size_edges_bn: increasing market-cap bucket edges in USD bn.
        capex_treatment: ``"bonus"`` or ``"book"``.
        eligible_share: share of capex that is bonus/179-eligible, 0 to 1.
        max_staleness: how many years older than ``tax_year`` a statement may be (0 or more).
    Returns:
        ``tax_year`` as an int.
    """
    try:
        year = int(tax_year)
    except (TypeError, ValueError):
        raise BadInputError(f"tax_year must be a year such as 2025, not {tax_year!r}") from None
    if not 2018 <= year <= 2030:
        raise BadInputError(
            f"tax_year {year} is outside 2018-2030 (the model holds rules for 2017-law years and OBBBA)"
        )
    if capex_treatment not in ("bonus", "book"):
        raise BadInputError(f"capex_treatment must be 'bonus' or 'book', not {capex_treatment!r}")
    if not 0.0 <= float(eligible_share) <= 1.0:
        raise BadInputError(f"bonus_eligible_share must be between 0 and 1, not {eligible_share!r}")
    if int(max_staleness) < 0:
        raise BadInputError("max_staleness_years must be 0 or more")
    edges = list(size_edges_bn)
    if len(edges) < 1 or sorted(edges) != edges or len(set(edges)) != len(edges):
        raise BadInputError(f"size_edges_bn must be increasing USD bn values, got {size_edges_bn!r}")
    return year


def optional_market_caps(dl, tax_year: int, max_staleness: int, symbols) -> tuple[pd.DataFrame, str | None]:
    """Month-end market caps around the statements' year ends, or none and why.

    Args:
        dl: the run's :class:`~rotation_utils.data.DataLayer` (its ``market_caps``).
        tax_year: the modelled tax year.
        max_staleness: as in :func:`check_parameters`.
        symbols: tickers to read.
    Returns:
        ``(caps, None)`` with caps from January of ``tax_year - max_staleness - 1`` to
        December of ``tax_year + 1``, or ``(empty market-caps frame, "month-end market caps:
        <the data layer's reason>")`` when it has none for that span (the snapshot's caps
        start in 2021): size is optional, the tax model is not.
    """
    y, s = int(tax_year), int(max_staleness)
    caps, why = optional(
        dl.market_caps, f"{y - s - 1}-01-01", f"{y + 1}-12-31", tickers=symbols, schema=schemas.MARKET_CAPS
    )
    return caps, why and f"month-end market caps: {why}"


@dataclass(frozen=True)
class TaxData:
    """What report 04 reads.

    Attributes:
        constituents: the latest S&P 500 list (GICS sectors).
        fundamentals: annual statements (all symbols the source has; live: the S&P 500 and
            the named companies).
        caps: month-end market caps around the statements' year ends (may be empty).
        caps_gap: why ``caps`` is empty (the data layer's reason), else None.
        iwm: every IWM holdings file, latest first (a fallback for sectors).
        end: the statements' filing cut-off (the run's end), or None for all statements.
    """

    constituents: pd.DataFrame
    fundamentals: pd.DataFrame
    caps: pd.DataFrame
    caps_gap: str | None
    iwm: pd.DataFrame
    end: pd.Timestamp | None

    @property
    def with_statements(self) -> list[str]:
        """Symbols that have annual statements, sorted."""
        return sorted(self.fundamentals["symbol"].unique())


def load(data, run: RunContext, tax_year: int, max_staleness: int) -> TaxData:
    """Read the report's inputs once.

    Args:
        data: the run's :class:`~rotation_utils.data.DataLayer`.
        run: the frozen run context; its end is the statements' filing cut-off
            (:attr:`TaxData.end`, applied by :func:`rotation_utils.analytics.tax_firms.prepare_firms`).
        tax_year: the modelled tax year (sets the market caps' span).
        max_staleness: as in :func:`check_parameters`.
    Returns:
        A :class:`TaxData`.
    """
    constituents = data.sp500_constituents()
    wanted = sorted(set(constituents["symbol"]) | set(NAMED_COMPANIES["ticker"]))
    fund = data.fundamentals("annual", wanted if data.source == "live" else None)  # live needs a list
    symbols = sorted(set(fund["symbol"]) | set(NAMED_COMPANIES["ticker"]))
    caps, caps_gap = optional_market_caps(data, tax_year, max_staleness, symbols)
    iwm = pd.concat([data.iwm_holdings(d) for d in reversed(data.iwm_holdings_dates())])
    return TaxData(constituents, fund, caps, caps_gap, iwm, run.end)
