"""The inputs of the valuation report, read once: fundamentals versions, statements, caps,
holdings, index levels, Shiller's series and (live only) Yahoo's quote figures for IWM.

Why one object: every section of report 03 reads its data on one day, the chosen
fundamentals version (or the window end when there is none), so that day is fixed
before anything else is read. :func:`load` reads the dated S&P 500 financials up to
the as-of date, picks the version (:func:`~.valuation_versions.choose_version`), then
reads everything else on that day; the notebook names what it uses (``data.fin``,
``data.holdings``) and no cell touches the data layer again.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..context import RunContext
from ..data import network, optional, schemas
from ..dates import parse_window
from ..errors import DataUnavailableError
from ..reference_data import claims
from ..universes import named_company_table
from .valuation_small_caps import IwmQuotes, top_holdings
from .valuation_versions import VersionChoice, choose_version, version_quality

#: the data layer's schema of the dated S&P 500 financials, for the empty frame that stands
#: in when a window has no rows (:mod:`rotation_utils.data.schemas`)
FIN_COLUMNS = schemas.SP500_FINANCIALS
#: first day of the ^RUT/^GSPC levels (the ratio's history starts here)
LEVELS_START = pd.Timestamp("1999-01-01")
#: calendar days of month-end caps read before the valuation day
CAPS_LOOK_BACK_DAYS = 45


def optional_frame(fetch, *args, columns: schemas.Schema, **kw) -> tuple[pd.DataFrame, str]:
    """``(frame, "")``, or ``(empty frame of the schema ``columns``, the data layer's reason)``
    when it has no rows (see :func:`rotation_utils.data.optional`): an early window still
    runs the sections that do not need the table."""
    frame, why = optional(fetch, *args, schema=columns, **kw)
    return frame, why or ""


def recent_caps(fetch, day, tickers, days: int = CAPS_LOOK_BACK_DAYS) -> tuple[pd.DataFrame, str]:
    """Market caps of ``tickers`` over the ``days`` calendar days up to ``day``, via ``optional_frame``.

    Why: the named-company P/E needs the latest cap on or before the
    valuation day; a short look-back keeps the read small and covers holidays
    and late prints, and an early window (no caps yet) still runs.
    """
    day = pd.Timestamp(day)
    return optional_frame(fetch, day - pd.Timedelta(days=days), day, tickers=tickers, columns=schemas.MARKET_CAPS)


def live_allowed(source: str) -> bool:
    """Live look-ups only when the data layer may go online: not 'snapshot', not
    offline, and the network probe answers (decided in :mod:`rotation_utils.data.network`)."""
    return network.live_allowed(source)


def read_iwm_quotes(dl, holdings: pd.DataFrame | None, max_holdings: int = 200, etf: str = "IWM") -> IwmQuotes:
    """Yahoo's quote figures (``dl.quote_info``) for ``etf`` and its ``max_holdings`` largest holdings.

    Args:
        dl: the report's DataLayer (it fetches, caches, retries and logs provenance).
        holdings: the fund's holdings (``ticker, weight_pct``), or None.
    Returns:
        :class:`~.valuation_small_caps.IwmQuotes`; a failed read gives one whose ``error``
        is the data layer's message instead of raising.
    """
    top = top_holdings(holdings, max_holdings)
    try:
        info = dl.quote_info([etf, *top["ticker"]])
    except DataUnavailableError as exc:
        return IwmQuotes(error=str(exc), max_holdings=max_holdings, etf=etf)
    return IwmQuotes(info, max_holdings=max_holdings, etf=etf)


@dataclass(frozen=True)
class ValuationData:
    """What report 03 reads.

    Attributes:
        fin: the dated S&P 500 financials up to the as-of date; fin_note: the data
            layer's reason when it has none ('' otherwise).
        constituents: the current S&P 500 constituents list (sectors, dates added).
        quality: :func:`~.valuation_versions.version_quality` of ``fin``.
        choice: the version summed (:class:`~.valuation_versions.VersionChoice`).
        as_of: the as-of date asked for (``as_of``, else the window end; None: the end of the data).
        window_end: the window end the run asked for, as the valuation day (None for the latest data).
        named: the named companies (``ticker, name``).
        annual: annual statements; caps: month-end caps of the named companies around the
            valuation day; caps_note: why there are none ('' otherwise).
        holdings: IWM's holdings file on the valuation day.
        shiller: Shiller's monthly series.
        levels: ^RUT and ^GSPC closes from :data:`LEVELS_START` to the valuation day.
        members: S&P 500 members on the run's as-of date; members_caps: their month-end caps.
        iwm_quotes: Yahoo's quote figures for IWM and its largest holdings (live only).
        b1_register_note: the claims register's known fact on claim B1 (forward vs trailing P/Es).
    """

    fin: pd.DataFrame
    fin_note: str
    constituents: pd.DataFrame
    quality: pd.DataFrame
    choice: VersionChoice
    as_of: pd.Timestamp | None
    window_end: pd.Timestamp | None
    named: pd.DataFrame
    annual: pd.DataFrame
    caps: pd.DataFrame
    caps_note: str
    holdings: pd.DataFrame
    shiller: pd.DataFrame
    levels: pd.DataFrame
    members: list
    members_caps: pd.DataFrame
    iwm_quotes: IwmQuotes
    b1_register_note: str

    @property
    def holdings_date(self) -> pd.Timestamp:
        """The date of the IWM holdings file read."""
        return self.holdings["holdings_date"].iloc[0]

    @property
    def statement_symbols(self) -> list:
        """The symbols that have annual statements."""
        return list(self.annual["symbol"].unique())


def load(data, run: RunContext, as_of=None, live_holdings: int = 200) -> ValuationData:
    """Read every input of report 03 once, on the day of the chosen fundamentals version.

    Args:
        data: the run's :class:`~rotation_utils.data.DataLayer`.
        run: the frozen run context (``run.start`` is the first version of the history,
            ``run.end`` the window end).
        as_of: the notebook's ``as_of`` parameter: the latest version date allowed
            (None: the window end).
        live_holdings: how many of IWM's largest holdings to look up live.
    Returns:
        A :class:`ValuationData`.
    Raises:
        BadInputError: an ``as_of`` that is not a date or not after the start (one line).
    """
    history_start, as_of_day = parse_window(
        run.start, as_of if as_of else run.end, end_name="as_of" if as_of else "end"
    )
    fin, fin_note = optional_frame(data.sp500_financials, None, as_of_day, columns=FIN_COLUMNS)
    constituents = data.sp500_constituents()
    quality = version_quality(fin)
    choice = choose_version(fin, quality, as_of_day, history_start, fin_note, constituents)
    day = choice.day
    named = named_company_table()
    annual = data.fundamentals("annual")
    caps, caps_note = recent_caps(data.market_caps, day, named["ticker"])
    holdings = data.iwm_holdings(day)
    shiller = data.shiller_monthly()
    levels = data.prices(["^RUT", "^GSPC"], LEVELS_START, day)
    members = data.sp500_members()
    members_caps, _ = recent_caps(data.market_caps, day, members)
    quotes = (
        read_iwm_quotes(data, holdings, live_holdings)
        if live_allowed(data.source)
        else IwmQuotes(queried=False, max_holdings=live_holdings)
    )
    register = claims().set_index("id")
    return ValuationData(
        fin=fin,
        fin_note=fin_note,
        constituents=constituents,
        quality=quality,
        choice=choice,
        as_of=as_of_day,
        window_end=day if run.end is not None else None,
        named=named,
        annual=annual,
        caps=caps,
        caps_note=caps_note,
        holdings=holdings,
        shiller=shiller,
        levels=levels,
        members=list(members),
        members_caps=members_caps,
        iwm_quotes=quotes,
        b1_register_note=register.loc["B1", "known_fact"],
    )
