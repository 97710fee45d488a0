"""Company statements from yfinance in the snapshot's fundamentals columns.

yfinance returns statements as row labels x period-end columns (about four
years, or five quarters). The functions here map the labels to the snapshot's
columns, join income, cash-flow and balance-sheet rows by period end, and
label fiscal quarters. :func:`fetch_statements` raises what yfinance raises
(with ``hide_exceptions`` off, an empty answer is an exception too), so the
caller can retry a throttled name instead of silently losing it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schemas
from .yahoo import naive_dates

#: snapshot column -> yfinance row labels, first found wins
INCOME_ROWS = {
    "revenue": ["Total Revenue", "Operating Revenue"],
    "operating_income": ["Operating Income", "Total Operating Income As Reported"],
    "ebit": ["EBIT"],
    "ebitda": ["EBITDA", "Normalized EBITDA"],
    "depreciation_amortization": [
        "Reconciled Depreciation",
        "Depreciation And Amortization In Income Statement",
        "Depreciation Amortization Depletion Income Statement",
    ],
    "interest_expense": ["Interest Expense", "Interest Expense Non Operating"],
    "interest_income": ["Interest Income", "Interest Income Non Operating"],
    "pretax_income": ["Pretax Income"],
    "income_tax": ["Tax Provision"],
    "net_income": ["Net Income", "Net Income Common Stockholders"],
    "eps_diluted": ["Diluted EPS"],
    "shares_diluted": ["Diluted Average Shares"],
}
CASHFLOW_ROWS = {
    "operating_cash_flow": ["Operating Cash Flow", "Cash Flow From Continuing Operating Activities"],
    "capex": ["Capital Expenditure"],
}
BALANCE_ROWS = {
    "total_debt": ["Total Debt"],
    "cash": ["Cash And Cash Equivalents", "Cash Cash Equivalents And Short Term Investments"],
}
VALUE_COLUMNS = list(schemas.STATEMENT_VALUES)
ATTACH_WITHIN = pd.Timedelta(days=7)  # 52/53-week years date statements a few days apart
STATEMENTS = {
    "annual": ("income_stmt", "cashflow", "balance_sheet"),
    "quarterly": ("quarterly_income_stmt", "quarterly_cashflow", "quarterly_balance_sheet"),
}


def empty_fundamentals(frequency: str) -> pd.DataFrame:
    return schemas.fundamentals(frequency).empty()


def typed_fundamentals(df: pd.DataFrame, frequency: str) -> pd.DataFrame:
    """Yahoo-derived rows in the statements schema (:func:`.schemas.fundamentals`): absent
    columns become NaN, unparseable values NaN (Yahoo's tables are ragged; the snapshot's are not)."""
    df = df.reindex(columns=schemas.fundamentals(frequency).names)
    out = {"symbol": df["symbol"].astype("str"), "fiscal_year": pd.to_numeric(df["fiscal_year"]).astype("int64")}
    if frequency == "quarterly":
        out["fiscal_period"] = df["fiscal_period"].astype("str")
    for col in ("period_end", "filing_date"):
        out[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    for col in VALUE_COLUMNS:
        out[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    out["source"] = df["source"].astype("str")
    return pd.DataFrame(out, index=df.index)


def _statement_by_date(stmt, rows: dict) -> pd.DataFrame:
    """A yfinance statement (rows = labels, columns = period ends) -> one row per date."""
    if stmt is None or not isinstance(stmt, pd.DataFrame) or stmt.empty:
        return pd.DataFrame(columns=list(rows), index=pd.DatetimeIndex([], name="period_end"))
    stmt = stmt.copy()
    stmt.columns = naive_dates(stmt.columns)
    out = {}
    for col, labels in rows.items():
        label = next((lab for lab in labels if lab in stmt.index), None)
        out[col] = (
            pd.to_numeric(stmt.loc[label], errors="coerce")
            if label is not None
            else pd.Series(np.nan, index=stmt.columns)
        )
    df = pd.DataFrame(out)
    df.index.name = "period_end"
    return df[~df.index.duplicated()].sort_index()


def _attach(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Join ``other`` onto ``base`` by nearest period end within ATTACH_WITHIN."""
    if base.empty:
        return base.assign(**{c: np.nan for c in other.columns})
    if other.empty:
        return base.assign(**{c: np.nan for c in other.columns})
    left = base.reset_index().sort_values("period_end")
    right = other.reset_index().rename(columns={"period_end": "_other_end"}).sort_values("_other_end")
    merged = pd.merge_asof(
        left, right, left_on="period_end", right_on="_other_end", direction="nearest", tolerance=ATTACH_WITHIN
    )
    return merged.drop(columns="_other_end").set_index("period_end")


def fiscal_labels(period_end: pd.Series, fy_end_month: int) -> tuple[pd.Series, pd.Series]:
    """(fiscal_year, fiscal_period) for quarter ends, given the fiscal year's last month.

    The fiscal year is labelled by the calendar year in which it ends (Yahoo
    gives no label; the snapshot's FMP labels can differ for Jan/Feb year-ends).
    """
    months_after = (period_end.dt.month - fy_end_month) % 12
    quarter = np.where(months_after == 0, 4, np.ceil(months_after / 3)).astype(int)
    fy = period_end.dt.year + np.where((months_after != 0) & (period_end.dt.month > fy_end_month), 1, 0)
    return pd.Series(fy, index=period_end.index), pd.Series([f"Q{q}" for q in quarter], index=period_end.index)


def statements_frame(symbol: str, ticker, frequency: str, fy_end_month: int | None = None) -> pd.DataFrame:
    """One yfinance ``Ticker`` -> snapshot-shaped fundamentals rows for ``frequency``."""
    inc_name, cf_name, bs_name = STATEMENTS[frequency]
    income = _statement_by_date(getattr(ticker, inc_name, None), INCOME_ROWS)
    if income.empty:
        return empty_fundamentals(frequency)
    df = _attach(income, _statement_by_date(getattr(ticker, cf_name, None), CASHFLOW_ROWS))
    df = _attach(df, _statement_by_date(getattr(ticker, bs_name, None), BALANCE_ROWS))
    df = df.reset_index()
    df = df[df[list(INCOME_ROWS)].notna().any(axis=1)]  # Yahoo pads older columns with NaN
    if df.empty:
        return empty_fundamentals(frequency)
    if frequency == "annual":
        df["fiscal_year"] = df["period_end"].dt.year
    else:
        df["fiscal_year"], df["fiscal_period"] = fiscal_labels(df["period_end"], fy_end_month or 12)
    df["symbol"] = symbol
    df["filing_date"] = pd.NaT
    df["source"] = "yfinance"
    return typed_fundamentals(df, frequency).reset_index(drop=True)


def is_empty_answer(exc: BaseException) -> bool:
    """yfinance's "no statement rows" error (raised when ``hide_exceptions`` is off)."""
    return "empty fundamentals" in str(exc).lower()


class _Statements:
    """The three statements of one ``yf.Ticker``; an empty cash-flow or balance-sheet
    answer becomes an empty table (NaN columns), any other error propagates."""

    def __init__(self, ticker):
        self._t = ticker

    def __getattr__(self, name):
        try:
            return getattr(self._t, name)
        except Exception as exc:
            if name.endswith(("income_stmt",)) or not is_empty_answer(exc):
                raise
            return None


def fetch_statements(yf, symbol: str, frequency: str, session=None) -> pd.DataFrame:
    """Statements for one symbol; raises whatever yfinance raises (the caller decides).

    Args: ``yf`` the yfinance module, ``session`` the HTTP session to use
    (see :func:`rotation_utils.data.network.bounded_session`).
    Returns the snapshot-shaped rows (:func:`statements_frame`).
    """
    t = _Statements(yf.Ticker(symbol, session=session))
    fy_end = None
    if frequency == "quarterly":
        annual = _statement_by_date(t.income_stmt, {"revenue": ["Total Revenue"]})
        fy_end = int(annual.index.max().month) if len(annual.index) else None
    return statements_frame(symbol, t, frequency, fy_end)
