"""The inputs of the sector-leadership report, read once: fund prices, IWM holdings, member prices.

Why one object: every section of report 06 reads the same fund prices (from the
December before the first calendar year, so that year has a base), the same IWM
holdings file and the same member prices, and several need the same derived dates
(the window's base and last day) and the same list of funds the window predates.
Loading them in one call keeps those consistent and lets the notebook name what it
uses (``data.px``, ``data.gaps``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..context import RunContext
from ..errors import DataUnavailableError
from .rotation_coverage import history_gaps
from .sectors import first_calendar_year, sector_columns, sector_set
from .sectors_members import member_coverage, members_cover_window
from .sectors_verdicts import A9_LEGS


@dataclass(frozen=True)
class SectorData:
    """What report 06 reads.

    Attributes:
        px: fund closes from the December before ``first_year`` to the window end.
        etfs: the requested and required funds that have prices, in request order.
        first_year: first year of the calendar table (:func:`~.sectors.first_calendar_year`).
        holdings: the IWM holdings file on or before the window start (the latest earlier
            file when none exists; the Data section says which).
        files: every IWM holdings file known at the run's as-of date (long).
        members_px: closes of the holdings file's members, from a little before the start.
        base_day: last fund close on or before the window start (returns run from it).
        end_day: last fund close (the window's last day).
        gaps: fund -> why it has no price on the base day (a ``SeriesGap``, :func:`~.rotation_coverage.history_gaps`).
        sector_cols: the sector funds ranked by period (:func:`~.sectors.sector_columns`).
        coverage: member price coverage (:func:`~.sectors.member_coverage`).
        members_ok: member prices cover the window (:func:`~.sectors.members_cover_window`).
    """

    px: pd.DataFrame
    etfs: list
    first_year: int
    holdings: pd.DataFrame
    files: pd.DataFrame
    members_px: pd.DataFrame
    base_day: pd.Timestamp
    end_day: pd.Timestamp
    gaps: dict
    sector_cols: list
    coverage: dict
    members_ok: bool

    @property
    def funds(self) -> pd.DataFrame:
        """Closes of :attr:`etfs`, in their order."""
        return self.px[self.etfs]

    @property
    def holdings_date(self) -> pd.Timestamp:
        """Date of the IWM holdings file the member sections use."""
        return self.holdings["holdings_date"].iloc[0]

    @property
    def members_to_end(self) -> pd.DataFrame:
        """Member closes up to the window's last day."""
        return self.members_px.loc[: self.end_day]

    @property
    def window_days(self) -> pd.DatetimeIndex:
        """Fund price dates from the base day to the last day (the growth chart's dates)."""
        return self.px.loc[self.base_day : self.end_day].index

    def basket_groups(self, labels: dict) -> dict:
        """``labels`` (holdings sector -> basket name) when member prices cover the window, else none."""
        return dict(labels) if self.members_ok else {}

    @property
    def member_info(self) -> pd.DataFrame:
        """The holdings file indexed by ticker (name, sector, weight), one row per ticker."""
        return self.holdings.drop_duplicates("ticker").set_index("ticker")


def member_prices(data, tickers, start, end=None, lead_days: int = 15) -> pd.DataFrame:
    """Prices of the IWM members (``data``: the DataLayer) from ``lead_days`` before ``start``; an empty frame when none exist.

    Why: the lead gives each member a close on or before the start (holidays,
    thin trading); a window with no member prices at all must run on, with the
    constituent sections saying so, instead of raising.
    """
    try:
        return data.prices(
            pd.Series(tickers).unique().tolist(), pd.Timestamp(start) - pd.Timedelta(days=lead_days), end
        )
    except DataUnavailableError:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"), dtype="float64")


def load(data, run: RunContext, sectors, benchmark: str, small_cap_index: str, calendar_from) -> SectorData:
    """Read the fund prices, the IWM holdings files and the member prices report 06 uses.

    Args:
        data: the run's :class:`~rotation_utils.data.DataLayer`.
        run: the frozen run context (start and end as Timestamps).
        sectors: the requested sector, industry and size/style funds.
        benchmark, small_cap_index: what the funds are measured against.
        calendar_from: first year of the calendar table (the start year when earlier).
    Returns:
        A :class:`SectorData`.
    Raises:
        BadInputError: an empty or malformed ``sectors`` list, or no start date.
    """
    first_year = first_calendar_year(run.start, calendar_from)
    legs = [t for leg in A9_LEGS.values() for t in leg]
    # always loaded: SPY (claim A7's market), KBWB (A7's banks), XLI (the thesis' industrials), A9's legs
    requested = sector_set(sectors, "SPY", benchmark, small_cap_index, "KBWB", "XLI", *legs)
    px = data.prices(requested, pd.Timestamp(first_year - 1, 12, 1), run.end)
    holdings = data.iwm_holdings(as_of=run.start)
    files = pd.concat([data.iwm_holdings(as_of=d) for d in data.iwm_holdings_dates()], ignore_index=True)
    members_px = member_prices(data, holdings["ticker"], run.start, run.end)  # empty: the member sections say so
    end_day = px.index.max()
    base_day = px.loc[: run.start].index.max()
    gaps = history_gaps(px, requested, base_day, end_day)  # funds the window predates: each section says so
    cov = member_coverage(holdings["ticker"], members_px.loc[:end_day], run.start)
    return SectorData(
        px=px,
        etfs=[t for t in requested if t in px.columns],
        first_year=first_year,
        holdings=holdings,
        files=files,
        members_px=members_px,
        base_day=base_day,
        end_day=end_day,
        gaps=gaps,
        sector_cols=sector_columns(sectors, px.columns, benchmark),
        coverage=cov,
        members_ok=members_cover_window(cov),
    )
