"""The data layer: one object per report that serves every dataset and logs provenance.

Sources
-------
``snapshot``  the offline ``rotation-snapshot/1`` folder only.
``live``      yfinance and FRED through the local parquet cache (see ``live.py``).
``auto``      live first; when the network fails, the cache; then the snapshot
              for whatever is still missing. This is the default.

Every public method returns a tidy pandas frame (documented per method) and
records, per ticker/series/table, which source served it and over which dates
(:attr:`DataLayer.provenance`). Requested items that no source has are listed
as ``missing``; when *nothing* can be served a one-line
:class:`~rotation_utils.errors.DataUnavailableError` says how to get data.
"""

from __future__ import annotations

import logging
from functools import cached_property

import numpy as np
import pandas as pd

from .. import config
from ..dates import iso, parse_window
from ..errors import BadInputError, DataUnavailableError
from . import schemas
from .backend import ItemisedRead, MarketDataBackend, TableRead
from .merge import merge_statements as statements_merge
from .provenance import Provenance
from .schemas import Schema
from .snapshot import SnapshotBackend

log = logging.getLogger(__name__)

HOW_TO_GET_DATA = (
    "connect to the internet for live data, or point --snapshot / ROTATION_SNAPSHOT at a rotation-snapshot/1 folder"
)


def _why(errors: list[str]) -> str:
    """The first backend error (e.g. a corrupt file) before the generic hint, on one line."""
    first = errors[0].replace("\n", " ")[:160] + "; " if errors else ""
    return first + HOW_TO_GET_DATA


def _wide(long: pd.DataFrame, key: str, value: str, order: list[str]) -> pd.DataFrame:
    """Long (date, item, value) -> wide frame indexed by sorted dates, columns in ``order``.

    Scatter into a NaN matrix by factorized codes: several times faster than
    ``pivot`` on constituent panels (500 tickers x 8 years).
    """
    d_codes, dates = pd.factorize(long["date"], sort=True)
    k_codes, names = pd.factorize(long[key])
    arr = np.full((len(dates), len(names)), np.nan)
    arr[d_codes, k_codes] = long[value].to_numpy(dtype="float64")
    wide = pd.DataFrame(
        arr, index=pd.DatetimeIndex(dates, name="date").astype("datetime64[ns]"), columns=[str(n) for n in names]
    )
    return wide[[t for t in order if t in wide.columns]]


def _as_list(items, what: str) -> list[str]:
    if isinstance(items, str):
        items = [items]
    try:
        out = [str(t).strip() for t in items if str(t).strip()]
    except TypeError:
        raise BadInputError(f"{what}: expected a list of names, got {items!r}") from None
    if not out:
        raise BadInputError(f"{what}: the list is empty")
    return list(dict.fromkeys(out))  # de-duplicate, keep order


class DataLayer:
    """Serves prices, rates, caps, fundamentals and universes from one source setting."""

    def __init__(self, source: str = "auto", snapshot=None, cache=None, end=None):
        source = (source or "auto").strip().lower()
        if source not in config.SOURCES:
            raise BadInputError(f"unknown data source {source!r} (choose one of {', '.join(config.SOURCES)})")
        self.source = source
        self.snapshot_dir = config.snapshot_dir(snapshot)
        self.cache_dir = config.cache_dir(cache)
        self.provenance = Provenance()
        #: the run's end date (None = latest data): with the last price date it sets :attr:`as_of`
        self.end = parse_window(None, end)[1]
        self._sessions: set = set()
        if source == "snapshot":  # fail early and clearly on a bad folder
            self._snapshot_backend()

    # ---- backends ----------------------------------------------------------
    def _snapshot_backend(self) -> SnapshotBackend:
        if "_snap" not in self.__dict__:
            self._snap = SnapshotBackend(self.snapshot_dir)
        return self._snap

    @cached_property
    def _live_backend(self):
        from .live import LiveBackend  # imported lazily: yfinance is slow to import

        return LiveBackend(cache_dir=self.cache_dir, network="probe", strict=self.source == "live")

    def backends(self) -> list[MarketDataBackend]:
        """Backends in the order they are asked, for this source setting."""
        if self.source == "snapshot":
            return [self._snapshot_backend()]
        if self.source == "live":
            return [self._live_backend]
        out = [self._live_backend]
        try:
            out.append(self._snapshot_backend())
        except BadInputError as exc:
            log.info("auto: snapshot unavailable (%s)", exc)
        return out

    # ---- itemised datasets (prices, rates) ---------------------------------
    def _itemised(self, schema: Schema, read: ItemisedRead, items: list[str], start, end) -> pd.DataFrame:
        """Ask each backend in turn for the items the earlier ones did not serve.

        ``read(backend, items, start, end)`` is the backend's loader (e.g.
        ``backend.prices``); each answer is conformed to ``schema``.
        """
        dataset, key = schema.name, schema.item
        s, e = parse_window(start, end)
        remaining = list(items)
        parts, errors, notes = [], [], {}
        for backend in self.backends():
            if not remaining:
                break
            try:
                got = read(backend, remaining, s, e)
                got = None if got is None else schema.conform(got, backend.name)
            except DataUnavailableError as exc:
                errors.append(str(exc))
                continue
            if got is not None:
                notes.update(got.attrs.get("notes", {}))
            if got is None or got.empty:
                continue
            served_by = got.attrs.get("served_by", {})
            got = got[got[key].isin(remaining)]
            span = got.groupby(key, sort=False)["date"].agg(["min", "max", "size"])
            for item, (first, last, n) in zip(span.index, span.itertuples(index=False)):
                self.provenance.add(
                    dataset,
                    item,
                    served_by.get(item, backend.name),
                    rows=int(n),
                    first=first,
                    last=last,
                    note=notes.get(item, ""),
                )
            parts.append(got)
            if dataset == "prices":
                self._sessions.update(got["date"].unique())
            served = set(got[key].unique())  # build once: a set per item made this O(n^2)
            remaining = [t for t in remaining if t not in served]
        for item in remaining:
            self.provenance.add(
                dataset,
                item,
                None,
                status="missing",
                note=(notes.get(item) or "; ".join(errors) or "no source has it")[:200],
            )
        self._collect_notices()
        if not parts:
            raise DataUnavailableError(
                f"no {dataset} for {', '.join(items[:5])}{' ...' if len(items) > 5 else ''} "
                f"from source '{self.source}': {_why(errors)}"
            )
        out = pd.concat(parts, ignore_index=True)
        out.attrs = {}
        return out

    def _capped(self, end, start=None) -> pd.Timestamp | None:
        """``end`` limited to the run's as-of date: no dated dataset is read past it.

        A window that starts on or after that date is left alone, so the backend's
        one-line "no data in that window" message still names what it covers.
        """
        limit = self.read_limit
        s, e = parse_window(start, end)
        if limit is None or (s is not None and s >= limit):
            return e
        return limit if e is None or e > limit else e

    def prices_long(self, tickers, start=None, end=None) -> pd.DataFrame:
        """Long frame ``date`` (datetime64[ns]), ``ticker`` (str), ``close`` (float64).

        ``close`` is the split- and dividend-adjusted close (total-return style);
        index levels (``^GSPC``, ``^RUT``) are price levels and ``^TNX``/``^IRX``
        are yields in percent. Tickers no source has are omitted and logged as
        missing in :attr:`provenance`.
        """
        tickers = _as_list(tickers, "tickers")
        df = self._itemised(schemas.PRICES, _read_prices, tickers, start, self._capped(end, start))
        return df.sort_values(["ticker", "date"]).reset_index(drop=True)

    def prices(self, tickers, start=None, end=None) -> pd.DataFrame:
        """Wide adjusted closes: index ``date`` (DatetimeIndex), one float64 column per ticker.

        Columns follow the requested order and include only tickers that were
        served; rows are the union of trading dates (NaN where a ticker did not
        trade or had not listed yet).
        """
        tickers = _as_list(tickers, "tickers")
        long = self._itemised(schemas.PRICES, _read_prices, tickers, start, self._capped(end, start))
        return _wide(long, "ticker", "close", tickers)

    def rates(self, series, start=None, end=None) -> pd.DataFrame:
        """Wide FRED series in percent: index ``date``, one float64 column per series id."""
        series = _as_list(series, "series")
        long = self._itemised(schemas.RATES, _read_rates, series, start, self._capped(end, start))
        return _wide(long, "series", "value", series)

    # ---- whole tables ------------------------------------------------------
    def _table(
        self,
        schema: Schema,
        read: TableRead,
        *,
        dataset: str | None = None,
        date_col: str | None = None,
        required: bool = True,
        window=None,
    ) -> pd.DataFrame | None:
        """The first backend's non-empty answer for a whole table (provenance logged).

        ``read(backend)`` is the backend's loader; the answer is conformed to
        ``schema``. ``dataset`` is the provenance name (default: the schema's).
        """
        try:
            return self._first_table(schema, read, dataset or schema.name, date_col, required, window)
        finally:
            self._collect_notices()

    def _first_table(self, schema: Schema, read: TableRead, dataset: str, date_col, required, window):
        errors, empty_in_window, coverage_note = [], False, ""
        for backend in self.backends():
            try:
                got = read(backend)
                got = None if got is None else schema.conform(got, backend.name)
            except DataUnavailableError as exc:
                errors.append(str(exc))
                continue
            except NotImplementedError:
                continue
            if got is None or len(got) == 0:
                if got is not None:
                    empty_in_window = True
                    cov = backend.coverage(dataset)
                    if cov:
                        coverage_note = f"the {backend.name} has {dataset} from {cov[0]} to {cov[1]}"
                continue
            label = got.attrs.get("source", backend.name)
            got.attrs = {}
            dates = got[date_col] if date_col and date_col in got else None
            self.provenance.add(dataset, dataset, label, dates, rows=len(got))
            return got
        self.provenance.add(
            dataset, dataset, None, status="missing", note="; ".join(errors)[:200] if errors else "no source has it"
        )
        if required:
            if empty_in_window and window and any(window) and not errors:
                lo, hi = (iso(d) or "the start" for d in window)
                raise DataUnavailableError(
                    f"no {dataset} between {lo} and {hi} from source '{self.source}': "
                    f"{coverage_note or 'the sources have none for that window'} (choose other dates)"
                )
            raise DataUnavailableError(f"no {dataset} from source '{self.source}': {_why(errors)}")
        return None

    def market_caps(self, start=None, end=None, tickers=None) -> pd.DataFrame:
        """Month-end market caps, long: ``date, ticker, market_cap`` (USD), ``last_price``,
        ``sector``, ``industry``, ``exchange``.

        Multi-class companies appear once per listing, each with the whole
        company's cap: use :func:`rotation_utils.universes.dedupe_companies`
        before summing.
        """
        s, e = parse_window(start, end)
        e = self._capped(e, s)
        if tickers is not None:
            tickers = _as_list(tickers, "tickers")
        return self._table(schemas.MARKET_CAPS, lambda b: b.market_caps(s, e, tickers), date_col="date", window=(s, e))

    def sp500_financials(self, start=None, end=None) -> pd.DataFrame:
        """Dated S&P 500 fundamentals versions, long: ``as_of, symbol, name, sector, price,
        pe, dividend_yield`` (fraction), ``eps, low_52w, high_52w, market_cap`` (USD),
        ``ebitda`` (USD), ``price_to_sales, price_to_book``. ``pe``/``eps`` are trailing."""
        s, e = parse_window(start, end)
        e = self._capped(e, s)
        return self._table(
            schemas.SP500_FINANCIALS, lambda b: b.sp500_financials(s, e), date_col="as_of", window=(s, e)
        )

    def fundamentals(self, frequency: str = "annual", symbols=None) -> pd.DataFrame:
        """Company statements, one row per (symbol, fiscal_year[, fiscal_period]).

        Columns: ``symbol, fiscal_year`` (int64), [``fiscal_period``], ``period_end,
        filing_date`` (datetime64), then USD floats ``revenue, operating_income, ebit,
        ebitda, depreciation_amortization, interest_expense, interest_income,
        pretax_income, income_tax, net_income, eps_diluted, shares_diluted,
        operating_cash_flow, capex, total_debt, cash`` and ``source``.
        """
        if frequency not in ("annual", "quarterly"):
            raise BadInputError(f"frequency must be 'annual' or 'quarterly', not {frequency!r}")
        if symbols is None:  # the whole table: only the snapshot has one
            known = self._known(
                self._table(
                    schemas.fundamentals(frequency),
                    lambda b: b.fundamentals(frequency, symbols=None),
                    date_col="period_end",
                )
            )
            return self._served(f"fundamentals_{frequency}", known, "period_end")
        return self._statements(frequency, _as_list(symbols, "symbols"))

    def _known(self, df: pd.DataFrame) -> pd.DataFrame:
        """Statements known at the run's as-of date: filed by then, and (rows without a
        filing date, e.g. live Yahoo ones) for a period that ended by then."""
        limit = self.read_limit
        if limit is None or df is None or "filing_date" not in df:
            return df
        unknown = (df["filing_date"] > limit) | (df["filing_date"].isna() & (df["period_end"] > limit))
        return df[~unknown].reset_index(drop=True)

    def _statements(self, frequency: str, syms: list[str]) -> pd.DataFrame:
        """Every backend's statements for ``syms`` merged period by period (newer source first).

        Why merged: live Yahoo serves about five quarters, the stored history
        years of them; a partial live answer must never hide the snapshot.
        Provenance gets one record per symbol naming every source that served it.
        """
        schema = schemas.fundamentals(frequency)
        dataset = schema.name
        merged, sources, notes, errors, served = None, {}, {}, [], False
        for backend in self.backends():
            try:
                got = backend.fundamentals(frequency, symbols=syms)
                got = None if got is None else schema.conform(got, backend.name)
            except DataUnavailableError as exc:
                errors.append(str(exc))
                continue
            except NotImplementedError:
                continue
            notes.update((getattr(got, "attrs", None) or {}).get("notes", {}))
            if got is None or got.empty:
                continue
            served_by, served = got.attrs.get("served_by", {}), True
            got = self._known(got[got["symbol"].isin(syms)])
            for sym in got["symbol"].unique():
                sources.setdefault(sym, []).append(served_by.get(sym, backend.name))
            got.attrs = {}
            merged = statements_merge(merged, got, frequency) if merged is not None else got
        self._collect_notices()
        if merged is None or merged.empty:
            later = f"none filed by the as-of date {iso(self.read_limit)}" if served else ""
            for sym in syms:
                self.provenance.add(
                    dataset,
                    sym,
                    None,
                    status="missing",
                    note=(notes.get(sym) or later or "; ".join(errors) or "no statements in the source")[:200],
                )
            if served:  # the sources have statements, just none known at the as-of date
                return merged.reset_index(drop=True)
            raise DataUnavailableError(f"no {dataset} from source '{self.source}': {_why(errors)}")
        merged = merged.sort_values(["symbol", "period_end"]).reset_index(drop=True)
        for sym in syms:
            rows = merged.loc[merged["symbol"] == sym, "period_end"]
            if len(rows):
                self.provenance.add(dataset, sym, "+".join(dict.fromkeys(sources[sym])), rows, note=notes.get(sym, ""))
            else:
                self.provenance.add(
                    dataset, sym, None, status="missing", note=notes.get(sym) or "no statements in the source"
                )
        return merged

    def quote_info(self, symbols) -> pd.DataFrame:
        """Yahoo's current quote figures (live only): ``symbol, market_cap`` (USD),
        ``trailing_pe, forward_pe, net_income_to_common`` (USD), ``status`` (live, cache or
        missing) and ``note`` (why a symbol is missing). Raises DataUnavailableError when
        the source setting has no live backend or it is offline."""
        syms = _as_list(symbols, "symbols")
        live = self._live_backend if self.source != "snapshot" else None
        if live is None or not live.online:
            why = "source 'snapshot'" if live is None else live.offline_reason
            raise DataUnavailableError(f"no live quote figures ({why})")
        out = schemas.QUOTE_INFO.conform(live.quote_info(syms), live.name)
        for rec in out.itertuples(index=False):
            self.provenance.add(
                "quote_info",
                rec.symbol,
                None if rec.status == "missing" else rec.status,
                rows=0 if rec.status == "missing" else 1,
                note=rec.note,
                status="missing" if rec.status == "missing" else "ok",
            )
        self._collect_notices()
        return out

    def _collect_notices(self) -> None:
        """Copy the live backend's run-level notices (offline reason, sources down,
        yfinance warnings) into the provenance, when a live backend was used."""
        live = self.__dict__.get("_live_backend")
        if live is not None:
            self.provenance.notices = list(dict.fromkeys(self.provenance.notices + live.notices()))

    def shiller_monthly(self) -> pd.DataFrame:
        """Shiller monthly series: ``date, sp500, dividend, earnings, cpi, long_rate,
        real_price, real_dividend, real_earnings, cape`` (NaN where the source stops)."""
        df = self._table(schemas.SHILLER_MONTHLY, lambda b: b.shiller_monthly(), date_col="date")
        limit = self.read_limit
        return (
            df
            if limit is None
            else self._served("shiller_monthly", df[df["date"] <= limit].reset_index(drop=True), "date")
        )

    def sp500_constituents(self) -> pd.DataFrame:
        """Latest S&P 500 list: ``symbol, name, gics_sector, gics_sub_industry, date_added, cik``.

        Use it for company attributes (names, sectors); membership on the run's
        as-of date comes from :meth:`sp500_members`, which replays the change log.
        """
        return self._table(schemas.SP500_CONSTITUENTS, lambda b: b.sp500_constituents())

    def sp500_changes(self) -> pd.DataFrame:
        """Membership changes: ``date, symbol, action`` (``added``/``removed``), the log up to
        the run's as-of date (its first date says when membership becomes known). Entries
        after that date are not known at it, so they are never served (a later date given
        to :meth:`sp500_members` replays no further than the as-of date)."""
        df = self._table(schemas.SP500_CHANGES, lambda b: b.sp500_changes(), date_col="date")
        self._log_start = df["date"].min() if len(df) else None
        limit = self.read_limit
        if limit is None:
            return df
        return self._served("sp500_changes", df[df["date"] <= limit].reset_index(drop=True), "date")

    def _served(self, dataset: str, df: pd.DataFrame, date_col: str) -> pd.DataFrame:
        """Make the provenance record of a whole table cut at the as-of date show what was
        served (its last date and rows), not the file's full range; returns ``df``."""
        rec = next((r for r in reversed(self.provenance.records) if r.dataset == dataset), None)
        if rec is not None and len(df):
            rec.first, rec.last, rec.rows = iso(df[date_col].min()), iso(df[date_col].max()), int(len(df))
        return df

    def sp500_log_start(self) -> pd.Timestamp | None:
        """First date of the S&P 500 change log: membership is known from then on (None when
        the sources have no log). A fact about the source's coverage, like a dataset's date
        range, so it is given even when the run's as-of date precedes it."""
        self.sp500_changes()
        return self._log_start

    def sp500_members(self, on=None) -> list[str]:
        """S&P 500 members as seen on a date (the run's as-of date when ``on`` is None).

        Point-in-time membership replays the change log, which lags reality
        around gaps in its history (see the snapshot caveats). Without an as-of
        date (live data to today) ``None`` gives the latest list.
        """
        if on is None and self.read_limit is not None:
            try:
                self.sp500_changes()
                on = self.read_limit
            except DataUnavailableError:  # no change log to replay: the list is all there is
                on = None
        if on is None:
            return sorted(self.sp500_constituents()["symbol"])
        day = parse_window(on, None, start_name="on")[0]
        ch = self.sp500_changes()
        seen = ch[ch["date"] <= day].sort_values("date", kind="stable").groupby("symbol")["action"].last()
        return sorted(seen[seen == "added"].index)

    def iwm_holdings_dates(self) -> list[pd.Timestamp]:
        """Dates of the IWM holdings files available from any source (sorted, unique).

        The union matters in ``auto``: live serves only the files fetched so far
        (today's), the snapshot the older ones; a past ``as_of`` must still find those.
        """
        dates = set()
        for backend in self.backends():
            try:
                dates.update(backend.iwm_holdings_dates())
            except (DataUnavailableError, NotImplementedError):
                continue
        dates = sorted(dates)
        limit = self.read_limit
        if limit is not None and dates:  # files dated after the as-of date are not known yet
            dates = [d for d in dates if d <= limit] or dates[:1]
        return dates

    def iwm_holdings(self, as_of=None) -> pd.DataFrame:
        """IWM equity holdings on or before ``as_of`` (latest when None):
        ``ticker, name, sector, market_value`` (USD), ``weight_pct`` (percent), ``asset_class``,
        plus ``holdings_date``. Before the first file, the earliest file is used (logged)."""
        dates = self.iwm_holdings_dates()
        if not dates:
            self.provenance.add("iwm_holdings", "iwm_holdings", None, status="missing", note="no holdings file")
            raise DataUnavailableError(f"no IWM holdings from source '{self.source}': {HOW_TO_GET_DATA}")
        day = parse_window(as_of, None, start_name="as_of")[0] if as_of is not None else dates[-1]
        eligible = [d for d in dates if d <= day]
        pick = eligible[-1] if eligible else dates[0]
        df = self._table(schemas.IWM_HOLDINGS, lambda b: b.iwm_holdings(pick), dataset=f"iwm_holdings_{iso(pick)}")
        rec = self.provenance.records[-1]  # the holdings date is the file's only date
        rec.first = rec.last = iso(pick)
        return df.assign(holdings_date=pick)

    # ---- summaries ---------------------------------------------------------
    @property
    def as_of(self) -> str | None:
        """The run's as-of date (ISO): the last price date served so far, else the snapshot's
        as-of date, never after the run's end date. Versioned datasets are read at it."""
        last = [r.last for r in self.provenance.records if r.dataset == "prices" and r.last]
        day = max(last) if last else None
        if day is None and self.source != "live":
            try:
                day = iso(self._snapshot_backend().as_of)
            except BadInputError:
                day = None
        if self.end is not None and (day is None or pd.Timestamp(day) > self.end):
            day = iso(self.end)
        return day

    @property
    def read_limit(self) -> pd.Timestamp | None:
        """The last date any dated dataset (prices, rates, fundamentals versions, market caps,
        membership, holdings) is read at: the run's end date, capped by the source's as-of
        date (the snapshot's last price date, or the last live price served); None for live
        data to today. Why not :attr:`as_of`: it must not depend on which window was read first."""
        days = []
        if self.source == "snapshot" or (self.source == "auto" and not getattr(self._live_backend, "online", True)):
            try:
                days.append(self._snapshot_backend().as_of)
            except BadInputError:
                pass
        live = [
            r.last
            for r in self.provenance.records
            if r.dataset == "prices" and r.last and r.source and "snapshot" not in str(r.source)
        ]
        if live:
            days.append(pd.Timestamp(max(live)))
        day = max(days) if days else None
        if self.end is not None and (day is None or day > self.end):
            day = self.end
        return pd.Timestamp(day) if day is not None else None

    @property
    def sessions(self) -> pd.DatetimeIndex:
        """Trading days of the prices served so far (sorted): how claim periods count sessions."""
        return pd.DatetimeIndex(sorted(self._sessions)).astype("datetime64[ns]")

    def provenance_table(self) -> pd.DataFrame:
        """Per-item provenance (see :class:`~rotation_utils.data.provenance.Provenance`)."""
        return self.provenance.table()

    def describe(self) -> str:
        """One line saying where the data came from, for report headers."""
        src = ", ".join(self.provenance.sources()) or "nothing loaded yet"
        miss = self.provenance.missing()
        tail = f"; missing: {', '.join(m.split(':', 1)[1] for m in miss[:10])}" if miss else ""
        notes = self.provenance.notices
        tail += f"; {'; '.join(notes[:3])}" if notes else ""
        return f"source setting '{self.source}'; served by {src}; data as of {self.as_of}{tail}"


def _read_prices(backend: MarketDataBackend, items: list[str], start, end) -> pd.DataFrame | None:
    return backend.prices(items, start, end)


def _read_rates(backend: MarketDataBackend, items: list[str], start, end) -> pd.DataFrame | None:
    return backend.rates(items, start, end)


def optional(fetch, *args, schema: Schema, **kw) -> tuple[pd.DataFrame, str | None]:
    """Call a DataLayer loader for a dataset a report can do without.

    ``schema`` is the dataset's :class:`~.schemas.Schema` (e.g. ``schemas.MARKET_CAPS``).
    Returns ``(frame, None)``, or ``(empty frame of that schema, the one-line reason)``
    when the layer raises :class:`DataUnavailableError` (for example market caps,
    which start in 2021 in the snapshot, asked for an earlier window). Why: the
    report must still run the sections that do not need the table and say why the
    others are empty.
    """
    try:
        return fetch(*args, **kw), None
    except DataUnavailableError as exc:
        return schema.empty(), str(exc)
