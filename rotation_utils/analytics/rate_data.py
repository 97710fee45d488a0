"""The inputs of the rate-sensitivity report, read once: prices, rates and FOMC decisions.

Why one object: every finding of report 02 reads the same prices (with room before
the window for the pre-event days), the same rate series and the decisions inside
the price window; loading them in one call keeps the dates consistent and lets
the notebook name what it uses (``data.px``, ``data.decisions``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..context import RunContext
from ..reference_data import fomc_decisions
from . import fomc
from .rate_beta import CREDIT, SLOPE

#: calendar days loaded before the window start, so the first events have their pre-event days
PRE_EVENT_DAYS = 60
#: load start when the window has no start
EARLIEST = pd.Timestamp("1995-01-01")


@dataclass(frozen=True)
class RateData:
    """What report 02 reads.

    Attributes:
        px_all: closes from :data:`PRE_EVENT_DAYS` before the window start (event windows reach back).
        px: closes inside the window.
        rates: the FRED series served (yields, slope, spread, target range).
        decisions_all: the whole FOMC decisions file.
        decisions: the decisions inside the price window.
        last_day: the window's end (``run.end``), else the last price.
    """

    px_all: pd.DataFrame
    px: pd.DataFrame
    rates: pd.DataFrame
    decisions_all: pd.DataFrame
    decisions: pd.DataFrame
    last_day: pd.Timestamp

    def have(self, names) -> list[str]:
        """``names`` that have prices, in order, without repeats."""
        return [t for t in dict.fromkeys(names) if t in self.px.columns]

    def rate_in_window(self, series: str) -> pd.Series:
        """One rate series on the price window's dates span."""
        return self.rates[series].loc[self.px.index.min() : self.px.index.max()]

    @property
    def last_price_day(self) -> pd.Timestamp:
        """The last day with a close in the window (``last_day`` may be a later non-trading day)."""
        return self.px.index.max()

    @property
    def fred_ok(self) -> bool:
        """True when FRED's target-range series were served (the file can be cross-checked)."""
        return fomc.fred_available(self.rates)


def load(data, run: RunContext, tickers, yields) -> RateData:
    """Read the prices of ``tickers`` and the rates ``yields`` plus the slope, the spread and
    the target range, from :data:`PRE_EVENT_DAYS` before ``run.start`` to ``run.end``.

    Args:
        data: the run's :class:`~rotation_utils.data.DataLayer`.
        run: the frozen run context (start and end as Timestamps).
        tickers: every ticker the report uses (benchmark included).
        yields: the Treasury yields of the beta tests.
    Returns:
        A :class:`RateData`.
    """
    load_from = (run.start or EARLIEST) - pd.Timedelta(days=PRE_EVENT_DAYS)
    px_all = data.prices(list(dict.fromkeys(tickers)), load_from, run.end)
    series = list(dict.fromkeys([*yields, SLOPE, CREDIT, fomc.FRED_UPPER, fomc.FRED_LOWER]))
    rates = data.rates(series, load_from, run.end)
    px = px_all.loc[run.start :] if run.start is not None else px_all
    decisions_all = fomc_decisions()
    decisions = fomc.in_window(decisions_all, px.index.min(), px.index.max())
    return RateData(px_all, px, rates, decisions_all, decisions, run.end or px.index.max())
