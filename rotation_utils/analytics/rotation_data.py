"""The inputs of the rotation report (01), read once: fund and index closes, the rebuilt
Mag 7 / Other 493 baskets, the risk-free yield, the breadth universes, market caps and
the membership files.

Why one object: every section of report 01 reads the same closes (with room before the
window for the moving averages), the same baskets and the same membership; reading them
in one call, in the order the provenance log has always listed them, keeps the dates
consistent and lets the notebook name what it uses (``data.core``, ``data.panel``). The
remaining functions of :mod:`~rotation_utils.analytics.rotation`,
:mod:`~rotation_utils.analytics.breadth` and :mod:`~rotation_utils.analytics.baskets`
take these frames, not the data layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import BadInputError, DataUnavailableError
from ..reference_data import fomc_decisions
from ..universes import other493
from . import baskets, rotation, rotation_coverage
from .membership import holdings_dates_read

#: series every run reads beside the report's funds (the fixed lines, the fund checks, the indices)
FIXED_SERIES = ["IWM", "IJH", "RSP", "MAGS", "^RUT", "^GSPC"]
#: the risk-free yield of the Sharpe ratios (FRED, percent)
RISK_FREE = "DGS3MO"
#: claim B3's calendar year, its membership date and the first date its member prices are read from
B3_YEAR, B3_MEMBERS_ON, B3_PRICES_FROM = 2025, "2024-12-31", "2024-12-20"


@dataclass(frozen=True)
class RotationData:
    """What report 01 reads.

    Attributes:
        wanted: the funds, the benchmark and :data:`FIXED_SERIES`, in order, without repeats.
        funds: the scoreboard's funds and the benchmark, in order, without repeats.
        core: their closes from the earliest load date (a name without prices is an all-NaN column).
        levels: the rebuilt baskets (:func:`baskets.build_group_baskets`); ``basket_cover`` their coverage.
        panel: ``core`` and ``levels`` side by side.
        rf: the 3-month Treasury yield (percent); ``rf_source`` the source that served it
            (the bundled snapshot derives it as DGS10 - T10Y3M, FRED serves it directly).
        sp_members, sp_px: S&P 500 members at month ends and their closes (breadth).
        iwm_members, iwm_px: IWM holdings per file and their closes (breadth).
        caps: month-end market caps up to the window end, or None when the source has none.
        cap_members: S&P 500 members on each market-cap date (None without caps).
        sp_log_start: first date of the S&P 500 change log.
        fomc_cuts: announcement dates of the FOMC rate cuts.
        member_prices_b3: closes of the Other 493 members of :data:`B3_MEMBERS_ON` over
            :data:`B3_YEAR`, or None when the window does not reach that year's close.
        changes: the S&P 500 change log as served.
        holdings_dates: dates of the IWM holdings files read in this run.
        lookback, basket_from: first dates loaded for the breadth averages and the timing rule.
        base_day: the last close on or before the window start (returns run from it).
        last_day: the last close of the window.
        read_limit: the last date the data can speak for (the run's as-of date).
    """

    wanted: list
    funds: list
    core: pd.DataFrame
    levels: pd.DataFrame
    basket_cover: pd.DataFrame
    panel: pd.DataFrame
    rf: pd.Series
    rf_source: str | None
    sp_members: dict
    sp_px: pd.DataFrame
    iwm_members: dict
    iwm_px: pd.DataFrame
    caps: pd.DataFrame | None
    cap_members: dict | None
    sp_log_start: pd.Timestamp | None
    fomc_cuts: pd.Series
    member_prices_b3: pd.DataFrame | None
    changes: pd.DataFrame
    holdings_dates: list
    lookback: pd.Timestamp
    basket_from: pd.Timestamp
    base_day: pd.Timestamp
    last_day: pd.Timestamp
    read_limit: pd.Timestamp | None

    @property
    def trading_days(self) -> int:
        """Daily returns in the window (trading days after the base close)."""
        return len(self.core.loc[self.base_day : self.last_day]) - 1

    @property
    def board_names(self) -> list:
        """The scoreboard's rows: the funds, then the rebuilt baskets."""
        return [*self.funds, *self.levels.columns]

    @property
    def iwm_holdings(self) -> int:
        """Names listed by any IWM holdings file read."""
        return len(set().union(*self.iwm_members.values())) if self.iwm_members else 0

    @property
    def caps_from(self) -> pd.Timestamp | None:
        """First month-end market-cap date (None without caps)."""
        return None if self.caps is None else self.caps["date"].min()

    @property
    def breadth_universes(self) -> dict:
        """``name -> (members_by_date, prices, members_from)`` for :func:`breadth.breadth_panel`."""
        iwm_from = min(self.iwm_members) if self.iwm_members else None
        return {
            "S&P 500": (self.sp_members, self.sp_px, self.sp_log_start),
            "IWM holdings": (self.iwm_members, self.iwm_px, iwm_from),
        }


# ---- the reads behind load -------------------------------------------------------
def sp500_members_on(dl, dates) -> dict:
    """Point-in-time S&P 500 members on each date, replaying the change log once
    (same rule as ``DataLayer.sp500_members``; one log read instead of one per date)."""
    ch = dl.sp500_changes().sort_values("date", kind="stable")
    out = {}
    for d in dates:
        seen = ch[ch["date"] <= pd.Timestamp(d)].groupby("symbol")["action"].last()
        out[pd.Timestamp(d)] = sorted(seen[seen == "added"].index)
    return out


def sp500_members_monthly(dl, start, end) -> dict:
    """Point-in-time S&P 500 members at ``start`` and at every month end to ``end``
    (replays the change log; it lags reality around gaps in its history)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    dates = [start] + list(pd.date_range(start, end, freq="ME"))
    return sp500_members_on(dl, dict.fromkeys(dates))


def iwm_members_by_file(dl, end=None) -> dict:
    """IWM equity holdings per holdings-file date (files dated after ``end`` are left out,
    except that the earliest file stands in when none precedes ``end``)."""
    dates = dl.iwm_holdings_dates()
    if end is not None:
        early = [d for d in dates if d <= pd.Timestamp(end)]
        dates = early or dates[:1]
    return {d: sorted(set(dl.iwm_holdings(d)["ticker"].dropna())) for d in dates}


def market_caps_until(dl, end):
    """All month-end caps up to ``end``, or None when the source has none for the period
    (the snapshot's caps start in 2021-01): the concentration section then says so."""
    try:
        return dl.market_caps(None, end)
    except DataUnavailableError:
        return None


def member_prices(dl, members_by_date: dict, start, end) -> pd.DataFrame:
    """Prices of every name that was a member on some date, or an empty frame (with a
    DatetimeIndex) when no member is known or none has prices in [start, end].

    Why: before the S&P 500 change log starts (2012-12 in the snapshot) or before the
    constituent prices start (2018), the data layer has nothing to serve; the breadth
    section then says what is missing (``breadth.breadth_gap``) instead of failing.
    """
    names = sorted(set().union(*members_by_date.values())) if members_by_date else []
    empty = pd.DataFrame(index=pd.DatetimeIndex([], name="date"), dtype="float64")
    if not names:
        return empty
    try:
        px = dl.prices(names, start, end)
    except (BadInputError, DataUnavailableError):
        return empty
    return px.loc[:, px.notna().any()]


def member_panels(dl, start, end) -> tuple[dict, pd.DataFrame, dict, pd.DataFrame]:
    """Members and member prices of both breadth universes over [start, end].

    Returns ``(sp500_members, sp500_prices, iwm_members, iwm_prices)``: S&P 500 members
    at month ends (:func:`sp500_members_monthly`), IWM holdings per file up to ``end``
    (:func:`iwm_members_by_file`), and the prices of every name either lists
    (:func:`member_prices`). Loaded in that order, so the provenance log reads the same.
    """
    sp_members = sp500_members_monthly(dl, start, end)
    sp_px = member_prices(dl, sp_members, start, end)
    iwm_members = iwm_members_by_file(dl, end)
    iwm_px = member_prices(dl, iwm_members, start, end)
    return sp_members, sp_px, iwm_members, iwm_px


def fomc_cut_dates() -> pd.Series:
    """Announcement dates of the FOMC rate cuts in the project's decisions file (marked on
    the relative-strength chart so a reader can see whether lines turned at cuts)."""
    return fomc_decisions().query("decision == 'cut'")["announcement_date"]


def base_close(core: pd.DataFrame, start) -> pd.Timestamp:
    """The last date on or before ``start`` (the first date when the data start later)."""
    before = core.loc[:start]
    return before.index[-1] if len(before) else core.index[0]


def load(
    data, run, funds, benchmark: str, long_view_start, breadth_window: int, ma_slow: int, flips_since
) -> RotationData:
    """Read every input of report 01 once, in the order its provenance log lists them.

    Args:
        data: the run's :class:`~rotation_utils.data.DataLayer`.
        run: the frozen run context (``run.start`` is required, ``run.end`` may be None).
        funds: the scoreboard's funds; ``benchmark`` what they are measured against.
        long_view_start: first date of the long view of IWM against the benchmark.
        breadth_window, ma_slow: moving-average lengths that need history before the start.
        flips_since: first date the timing rule's flips are listed from.
    Returns:
        A :class:`RotationData`.
    Raises:
        BadInputError: the benchmark has no prices (one line).
    """
    lookback, basket_from = rotation.load_starts(run.start, breadth_window, ma_slow, flips_since)
    wanted = list(dict.fromkeys([*funds, benchmark, *FIXED_SERIES]))
    core = data.prices(wanted, min(pd.Timestamp(long_view_start), basket_from), run.end)
    rotation.require_columns(core, [benchmark], "benchmark")
    core = rotation_coverage.with_columns(core, wanted)  # a fund the window predates stays as 'no data'
    last_day = core.index[-1]
    levels, cover = baskets.build_group_baskets(*baskets.load_group_inputs(data, basket_from, last_day))
    rf = data.rates([RISK_FREE], lookback, last_day)[RISK_FREE]
    rf_source = next((r.source for r in data.provenance.records if (r.dataset, r.item) == ("rates", RISK_FREE)), None)
    sp_members, sp_px, iwm_members, iwm_px = member_panels(data, lookback, last_day)
    caps = market_caps_until(data, last_day)
    sp_log_start = data.sp500_log_start()
    cap_members = None if caps is None else sp500_members_on(data, sorted(caps["date"].unique()))
    member_prices_b3 = None
    if rotation.year_end_close(core[benchmark], B3_YEAR)[1] is not None:
        members = other493(data.sp500_members(on=B3_MEMBERS_ON))
        member_prices_b3 = data.prices(members, B3_PRICES_FROM, f"{B3_YEAR}-12-31")
    changes = data.sp500_changes()
    return RotationData(
        wanted=wanted,
        funds=list(dict.fromkeys([*funds, benchmark])),
        core=core,
        levels=levels,
        basket_cover=cover,
        panel=pd.concat([core, levels], axis=1),
        rf=rf,
        rf_source=rf_source,
        sp_members=sp_members,
        sp_px=sp_px,
        iwm_members=iwm_members,
        iwm_px=iwm_px,
        caps=caps,
        cap_members=cap_members,
        sp_log_start=sp_log_start,
        fomc_cuts=fomc_cut_dates(),
        member_prices_b3=member_prices_b3,
        changes=changes,
        holdings_dates=holdings_dates_read(data),
        lookback=lookback,
        basket_from=basket_from,
        base_day=base_close(core, run.start),
        last_day=last_day,
        read_limit=data.read_limit,
    )


def window_gaps(data: RotationData) -> tuple[dict, dict]:
    """Series and rebuilt baskets without data from the window start.

    Returns:
        ``(series, baskets)``: fund or index -> ``SeriesGap`` (``rotation_coverage.history_gaps``,
        shared with report 06) and basket -> :class:`~rotation_utils.analytics.rotation_coverage.BasketGap`
        (``rotation_coverage.basket_gaps``); ``story.rotation.gap_reasons`` words both as one dict.
    """
    series = rotation_coverage.history_gaps(data.core, data.wanted, data.base_day, data.last_day)
    basket = rotation_coverage.basket_gaps(
        data.levels, data.basket_cover, data.base_day, data.last_day, data.sp_log_start, data.caps_from
    )
    return series, basket
