"""The inputs of the AI-earnings report, read once from the data layer.

Why one object: report 05 reads prices, statements, membership and IWM holdings
that must all stop at the same last trading day; reading them in one call keeps
that day in one place and lets the notebook name what it uses (``inputs.annual``,
``inputs.iwm``) instead of calling the data layer cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..context import RunContext
from ..data import optional, schemas
from ..errors import DataUnavailableError
from . import earnings
from .baskets import build_group_baskets, load_group_inputs
from .earnings import FLOW_FIELDS

#: the benchmarks every table and chart of the report is set against
BENCHMARKS = ["IWM", "SPY"]


# ---- optional inputs -----------------------------------------------------------
#: the data layer's optional tables (their schemas give the empty stand-in's columns)
OPTIONAL_TABLES = {s.name: s for s in (schemas.MARKET_CAPS, schemas.SP500_FINANCIALS)}


#: how the reports name those tables
OPTIONAL_LABELS = {"market_caps": "month-end market caps", "sp500_financials": "dated S&P 500 fundamentals"}


def empty_table(dataset: str) -> pd.DataFrame:
    """A frame with no rows and the columns/dtypes of one of ``OPTIONAL_TABLES``."""
    return OPTIONAL_TABLES[dataset].empty()


def optional_table(fetch, *args, dataset: str, **kw) -> tuple[pd.DataFrame, str | None]:
    """Load an optional dataset: ``(frame, None)``, or ``(empty frame, note)`` when the data
    layer has none for the window (see :func:`rotation_utils.data.optional`); the note
    names the dataset and carries the data layer's reason.
    """
    frame, why = optional(fetch, *args, schema=OPTIONAL_TABLES[dataset], **kw)
    return frame, why and f"{OPTIONAL_LABELS.get(dataset, dataset)}: {why}"


#: a quarter without a filing date (live Yahoo rows) counts this long after it ends
LIVE_FILING_LAG = pd.Timedelta(days=45)


def quarterly_statements(dl, tickers, end=None):
    """Quarterly statements for ``tickers`` from the data layer.

    In ``auto`` the layer merges Yahoo's live quarters (about five) onto the
    stored history period by period, so trailing-four-quarter margins work
    online. Returns ``(frame, note)``: the quarterly schema's ``symbol,
    period_end, filing_date, revenue, operating_income, net_income, source``
    and which names have live quarters (``note["live"]``), only stored ones
    (``note["data layer"]``) or none. Point in time by ``end``: a row counts
    once filed, or ``LIVE_FILING_LAG`` after its quarter ended when it has no
    filing date.
    """
    tickers = list(tickers)
    cols = ["symbol", "period_end", "filing_date", *FLOW_FIELDS, "source"]
    try:
        q = dl.fundamentals("quarterly", tickers)[cols]
    except DataUnavailableError:
        q = schemas.FUNDAMENTALS_QUARTERLY.subset(cols).empty()
    if end is not None and len(q):
        end = pd.Timestamp(end)
        filed = q["filing_date"]
        q = q[filed.le(end) | (filed.isna() & q["period_end"].le(end - LIVE_FILING_LAG))]
    live = q["source"].astype("str").str.contains("yfinance")
    got_live = sorted(set(q.loc[live, "symbol"]))
    stored = sorted(set(q["symbol"]) - set(got_live))
    none = [t for t in tickers if t not in got_live and t not in stored]
    note = {"live": got_live, "data layer": stored, "none": none}
    return q.sort_values(["symbol", "period_end"]).reset_index(drop=True), note


@dataclass(frozen=True)
class EarningsInputs:
    """What report 05 reads.

    Attributes:
        bench: IWM and SPY closes in the window.
        px: the named companies' closes on the benchmark dates (no columns when none has prices).
        end_day: the last trading day of the window (the benchmarks' last close).
        group_levels / group_cover: the Mag 7 and Other 493 baskets and their coverage.
        members: S&P 500 members on ``end_day``.
        annual: annual statements known by ``end_day``; ``annual_named``: the named
            companies' statements as served (before the as-of filter).
        fin / fin_gap: dated S&P 500 financials versions, or an empty frame and why.
        quarterly / q_note: the named companies' quarterly statements and which are live.
        caps / caps_gap: the named companies' market caps, or an empty frame and why.
        iwm: IWM holdings by file date.
        constituents / changes: the S&P 500 list and its change log (up to the as-of date).
        log_start: first date of the change log; read_limit: the last date the layer serves.
    """

    bench: pd.DataFrame
    px: pd.DataFrame
    end_day: pd.Timestamp
    group_levels: pd.DataFrame
    group_cover: pd.DataFrame
    members: list
    annual: pd.DataFrame
    annual_named: pd.DataFrame
    fin: pd.DataFrame
    fin_gap: str | None
    quarterly: pd.DataFrame
    q_note: dict
    caps: pd.DataFrame
    caps_gap: str | None
    iwm: dict
    constituents: pd.DataFrame
    changes: pd.DataFrame
    log_start: pd.Timestamp | None
    read_limit: pd.Timestamp | None

    @property
    def first_day(self) -> pd.Timestamp:
        """The first trading day of the window (the benchmarks' first close)."""
        return self.bench.index.min()


def load(data, run: RunContext, tickers) -> EarningsInputs:
    """Read everything report 05 uses for the window ``run.start`` to ``run.end``.

    Args:
        data: the run's :class:`~rotation_utils.data.DataLayer`.
        run: the frozen run context (start and end as Timestamps).
        tickers: the named companies.
    Returns:
        An :class:`EarningsInputs`; the named companies' prices are an empty frame on the
        benchmark dates when the data layer has none (the report says which are missing).
    """
    tickers = list(tickers)
    bench = data.prices(BENCHMARKS, run.start, run.end)
    end_day = bench.index.max()
    try:
        px = data.prices(tickers, run.start, run.end)
    except DataUnavailableError:
        px = pd.DataFrame(index=bench.index)
    group_levels, group_cover = build_group_baskets(*load_group_inputs(data, run.start, run.end))
    members = data.sp500_members(on=end_day)
    annual = earnings.known_by(data.fundamentals("annual"), end_day)
    annual_named = data.fundamentals("annual", tickers)  # logs the named names without statements
    fin, fin_gap = optional_table(data.sp500_financials, None, end_day, dataset="sp500_financials")
    quarterly, q_note = quarterly_statements(data, tickers, end_day)
    caps, caps_gap = optional_table(data.market_caps, None, end_day, tickers, dataset="market_caps")
    iwm = {d: data.iwm_holdings(d) for d in data.iwm_holdings_dates()}
    constituents = data.sp500_constituents()
    return EarningsInputs(
        bench=bench,
        px=px,
        end_day=end_day,
        group_levels=group_levels,
        group_cover=group_cover,
        members=members,
        annual=annual,
        annual_named=annual_named,
        fin=fin,
        fin_gap=fin_gap,
        quarterly=quarterly,
        q_note=q_note,
        caps=caps,
        caps_gap=caps_gap,
        iwm=iwm,
        constituents=constituents,
        changes=data.sp500_changes(),
        log_start=data.sp500_log_start(),
        read_limit=data.read_limit,
    )
