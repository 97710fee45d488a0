"""The columns and dtypes of every dataset the data layer serves, written once.

Why one module: the snapshot reader, the live backend, the cache, the
optional-dataset helper (:func:`rotation_utils.data.optional`), the analytics
that stand in an empty table for a missing one, and the tests all need the
same answer to "what does a market-caps frame look like?". Written in several
places it drifted (three market-caps column lists with three sets of dtypes).

Dtypes are pandas dtype names: naive ``datetime64[ns]`` dates, ``float64``
numbers, ``str`` text (pandas' default string dtype), ``int64`` for fiscal
years and the nullable ``Int64`` for the S&P 500 list's CIK. A
:class:`Schema` builds the empty frame of a dataset (:meth:`Schema.empty`) and
checks a backend's frame against it (:meth:`Schema.conform`): a missing column
or a value of the wrong kind is a one-line :class:`SchemaError` naming the
dataset, the source and the column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd
from pandas.api import types as ptypes

from ..errors import DataUnavailableError

DATE = "datetime64[ns]"
NUMBER = "float64"
TEXT = "str"


class SchemaError(DataUnavailableError):
    """A backend's frame does not have a dataset's columns or dtypes.

    A subclass of :class:`DataUnavailableError`: the data layer treats such a
    frame like a failed source (it asks the next backend and names the problem).
    """


@dataclass(frozen=True)
class Schema:
    """One dataset's columns, in order, with their dtypes.

    ``item`` names the column that identifies an item of an itemised dataset
    (``ticker`` for prices, ``series`` for rates); the cache stores one item per
    file without it.
    """

    name: str
    columns: Mapping[str, str]
    item: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))

    @property
    def names(self) -> list[str]:
        """Column names in order."""
        return list(self.columns)

    def empty(self) -> pd.DataFrame:
        """A frame with no rows and this schema's columns and dtypes."""
        return empty_frame(self)

    def subset(self, names) -> Schema:
        """The schema of a selection of columns (for callers that read only some)."""
        lost = [c for c in names if c not in self.columns]
        if lost:
            raise KeyError(f"{self.name} has no column {lost[0]!r}")
        return Schema(self.name, {c: self.columns[c] for c in names}, self.item)

    def conform(self, df: pd.DataFrame, source: str = "") -> pd.DataFrame:
        """``df`` with this schema's columns first, in order, each cast to its dtype.

        Lossless casts only (another datetime unit or time zone, integers to
        float, object text to ``str``, numeric text to numbers); extra columns
        are kept after the schema's; ``attrs`` are kept. A frame that already
        conforms is returned as it is (no copy).

        Raises:
            SchemaError: a column is missing or holds values of another kind,
                on one line naming the dataset, ``source`` and the column.
        """
        where = f"{self.name} from {source}" if source else self.name
        lost = [c for c in self.columns if c not in df.columns]
        if lost:
            have = ", ".join(map(str, df.columns)) or "none"
            raise SchemaError(f"{where}: column {lost[0]!r} missing (has {have[:160]})")
        wrong = [c for c, want in self.columns.items() if str(df[c].dtype) != want]
        in_order = list(df.columns[: len(self.columns)]) == self.names
        if not wrong and in_order:
            return df
        out = df.copy() if wrong else df
        for col in wrong:
            try:
                out[col] = _cast(out[col], self.columns[col])
            except (TypeError, ValueError, OverflowError):
                raise SchemaError(
                    f"{where}: column {col!r} is {out[col].dtype}, expected {self.columns[col]}"
                ) from None
        if not in_order:
            out = out[self.names + [c for c in out.columns if c not in self.columns]]
        out.attrs = dict(df.attrs)
        return out


def _cast(s: pd.Series, want: str) -> pd.Series:
    """``s`` as dtype ``want``; ValueError/TypeError when that would change or lose values."""
    if want == DATE:
        if ptypes.is_numeric_dtype(s) and s.notna().any():
            raise TypeError("numbers are not dates")
        s = pd.to_datetime(s)
        if s.dt.tz is not None:
            s = s.dt.tz_convert(None)
        return s.astype(DATE)
    if want in (NUMBER, "int64", "Int64"):
        if ptypes.is_datetime64_any_dtype(s) or ptypes.is_bool_dtype(s):
            raise TypeError("not numbers")
        s = pd.to_numeric(s)
        if want == "int64" and (s.isna().any() or (s != s.round()).any()):
            raise ValueError("missing or fractional values in an integer column")
        return s.astype(want)
    if want == TEXT:
        if not (
            ptypes.is_string_dtype(s)
            or ptypes.is_object_dtype(s)
            or isinstance(s.dtype, pd.CategoricalDtype)
            or s.isna().all()
        ):
            raise TypeError("not text")
        return s.astype(TEXT)
    return s.astype(want)


def empty_frame(columns: Schema | Mapping[str, str]) -> pd.DataFrame:
    """A frame with no rows and the given columns and dtypes (a :class:`Schema` or a
    ``{column: dtype}`` dict): the shape a table would have."""
    if isinstance(columns, Schema):
        columns = columns.columns
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


# ---- the datasets ----------------------------------------------------------------
#: statement values (USD unless noted), in the snapshot's order; see the snapshot README
STATEMENT_VALUES = (
    "revenue",
    "operating_income",
    "ebit",
    "ebitda",
    "depreciation_amortization",
    "interest_expense",
    "interest_income",
    "pretax_income",
    "income_tax",
    "net_income",
    "eps_diluted",
    "shares_diluted",
    "operating_cash_flow",
    "capex",
    "total_debt",
    "cash",
)


def _numbers(*names: str) -> dict[str, str]:
    return dict.fromkeys(names, NUMBER)


def _statements(name: str, key: dict[str, str]) -> Schema:
    return Schema(
        name,
        {
            "symbol": TEXT,
            "fiscal_year": "int64",
            **key,
            "period_end": DATE,
            "filing_date": DATE,
            **_numbers(*STATEMENT_VALUES),
            "source": TEXT,
        },
        "symbol",
    )


#: adjusted closes (index levels, yields in percent for ^TNX/^IRX), long
PRICES = Schema("prices", {"date": DATE, "ticker": TEXT, "close": NUMBER}, "ticker")
#: FRED series in percent, long
RATES = Schema("rates", {"date": DATE, "series": TEXT, "value": NUMBER}, "series")
#: month-end market caps (USD) and the screener's classification
MARKET_CAPS = Schema(
    "market_caps",
    {
        "date": DATE,
        "ticker": TEXT,
        **_numbers("market_cap", "last_price"),
        "sector": TEXT,
        "industry": TEXT,
        "exchange": TEXT,
    },
    "ticker",
)
#: dated versions of the S&P 500 financials table (pe/eps trailing; dividend_yield a fraction)
SP500_FINANCIALS = Schema(
    "sp500_financials",
    {
        "as_of": DATE,
        "symbol": TEXT,
        "name": TEXT,
        "sector": TEXT,
        **_numbers(
            "price",
            "pe",
            "dividend_yield",
            "eps",
            "low_52w",
            "high_52w",
            "market_cap",
            "ebitda",
            "price_to_sales",
            "price_to_book",
        ),
    },
    "symbol",
)
#: company statements, one row per (symbol, fiscal_year) / (symbol, fiscal_year, fiscal_period)
FUNDAMENTALS_ANNUAL = _statements("fundamentals_annual", {})
FUNDAMENTALS_QUARTERLY = _statements("fundamentals_quarterly", {"fiscal_period": TEXT})
#: Shiller's monthly series (NaN where the source stops)
SHILLER_MONTHLY = Schema(
    "shiller_monthly",
    {
        "date": DATE,
        **_numbers(
            "sp500", "dividend", "earnings", "cpi", "long_rate", "real_price", "real_dividend", "real_earnings", "cape"
        ),
    },
)
#: the latest S&P 500 list
SP500_CONSTITUENTS = Schema(
    "sp500_constituents",
    {"symbol": TEXT, "name": TEXT, "gics_sector": TEXT, "gics_sub_industry": TEXT, "date_added": DATE, "cik": "Int64"},
    "symbol",
)
#: S&P 500 membership changes (action: added/removed)
SP500_CHANGES = Schema("sp500_changes", {"date": DATE, "symbol": TEXT, "action": TEXT}, "symbol")
#: one IWM holdings file (market_value USD, weight_pct percent); the layer adds holdings_date
IWM_HOLDINGS = Schema(
    "iwm_holdings",
    {"ticker": TEXT, "name": TEXT, "sector": TEXT, **_numbers("market_value", "weight_pct"), "asset_class": TEXT},
    "ticker",
)
#: Yahoo's current quote figures (status live/cache/missing, note = why missing)
QUOTE_INFO = Schema(
    "quote_info",
    {
        "symbol": TEXT,
        **_numbers("market_cap", "trailing_pe", "forward_pe", "net_income_to_common"),
        "status": TEXT,
        "note": TEXT,
    },
    "symbol",
)

#: every dataset by name
SCHEMAS = {
    s.name: s
    for s in (
        PRICES,
        RATES,
        MARKET_CAPS,
        SP500_FINANCIALS,
        FUNDAMENTALS_ANNUAL,
        FUNDAMENTALS_QUARTERLY,
        SHILLER_MONTHLY,
        SP500_CONSTITUENTS,
        SP500_CHANGES,
        IWM_HOLDINGS,
        QUOTE_INFO,
    )
}


def fundamentals(frequency: str) -> Schema:
    """The statements schema of ``frequency`` ('annual' or 'quarterly')."""
    return SCHEMAS[f"fundamentals_{frequency}"]
