"""Dataset schemas: conforming frames, one-line errors, and the layer treating a
malformed backend answer like a failed source."""

from __future__ import annotations

import pandas as pd
import pytest

from rotation_utils.data import DataLayer, SchemaError, schemas
from rotation_utils.data import statements as st
from rotation_utils.data.snapshot import FILES, REQUIRED_COLUMNS, check_snapshot_files
from rotation_utils.errors import BadInputError, DataUnavailableError
from tests.faults import copy_snapshot

T = pd.Timestamp


def caps_frame(**over) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-31", "2025-02-28"]).astype("datetime64[ns]"),
            "ticker": ["AAA", "BBB"],
            "market_cap": [1e9, 2e9],
            "last_price": [10.0, 20.0],
            "sector": ["Tech", None],
            "industry": ["Software", "Banks"],
            "exchange": ["NYSE", "NASDAQ"],
        }
    )
    return df.assign(**over)


# ---- conform --------------------------------------------------------------------------
def test_a_conforming_frame_comes_back_as_it_is():
    df = caps_frame()
    assert schemas.MARKET_CAPS.conform(df) is df


def test_lossless_casts_order_and_extra_columns():
    df = caps_frame(
        date=pd.to_datetime(["2025-01-31", "2025-02-28"]).astype("datetime64[us]"),
        market_cap=[1_000_000_000, 2_000_000_000],
        sector=pd.Series(["Tech", pd.NA], dtype="string"),
        extra=[1, 2],
    )
    df = df[["extra", *reversed(schemas.MARKET_CAPS.names)]]
    df.attrs["source"] = "cache"
    out = schemas.MARKET_CAPS.conform(df, "live")
    assert list(out.columns) == [*schemas.MARKET_CAPS.names, "extra"]
    assert {c: str(t) for c, t in out.dtypes.items() if c != "extra"} == dict(schemas.MARKET_CAPS.columns)
    assert out["market_cap"].tolist() == [1e9, 2e9] and out["sector"].isna().tolist() == [False, True]
    assert out["date"].tolist() == [T("2025-01-31"), T("2025-02-28")] and out.attrs == {"source": "cache"}
    assert df["date"].dtype == "datetime64[us]"  # the input is not changed


def test_time_zones_and_numeric_text_are_cast():
    df = caps_frame(date=pd.to_datetime(["2025-01-31", "2025-02-28"]).tz_localize("UTC"), last_price=["10.5", "20"])
    out = schemas.MARKET_CAPS.conform(df)
    assert out["date"].dt.tz is None and out["last_price"].tolist() == [10.5, 20.0]


@pytest.mark.parametrize(
    "frame, message",
    [
        (
            caps_frame().drop(columns="exchange"),
            "market_caps from snapshot: column 'exchange' missing (has date, ticker, market_cap, last_price, "
            "sector, industry)",
        ),
        (
            caps_frame(market_cap=["1e9", "lots"]),
            "market_caps from snapshot: column 'market_cap' is str, expected float64",
        ),
        (caps_frame(date=[1.0, 2.0]), "market_caps from snapshot: column 'date' is float64, expected datetime64[ns]"),
        (caps_frame(ticker=[1.0, 2.0]), "market_caps from snapshot: column 'ticker' is float64, expected str"),
    ],
)
def test_a_mismatch_is_one_line_naming_dataset_source_and_column(frame, message):
    with pytest.raises(SchemaError) as exc:
        schemas.MARKET_CAPS.conform(frame, "snapshot")
    assert str(exc.value) == message and "\n" not in message
    assert isinstance(exc.value, DataUnavailableError)  # the layer falls back on it


def test_integer_columns_refuse_missing_or_fractional_years():
    fa = schemas.FUNDAMENTALS_ANNUAL
    ok = fa.empty().reindex(range(1)).assign(symbol="AAA", fiscal_year=2024.0, source="x")
    assert fa.conform(ok)["fiscal_year"].tolist() == [2024]
    for bad in (2024.5, float("nan")):
        with pytest.raises(SchemaError, match="column 'fiscal_year' is float64, expected int64"):
            fa.conform(ok.assign(fiscal_year=bad))


def test_empty_frames_and_subsets_follow_the_schema():
    for schema in schemas.SCHEMAS.values():
        empty = schema.empty()
        assert empty.empty and {c: str(t) for c, t in empty.dtypes.items()} == dict(schema.columns)
        assert schema.conform(empty) is empty
    sub = schemas.FUNDAMENTALS_QUARTERLY.subset(["symbol", "period_end", "net_income"])
    assert sub.columns == {"symbol": "str", "period_end": "datetime64[ns]", "net_income": "float64"}
    with pytest.raises(KeyError, match="no column 'nope'"):
        schemas.PRICES.subset(["date", "nope"])


def test_schemas_are_read_only():
    with pytest.raises(TypeError):
        schemas.PRICES.columns["close"] = "int64"


# ---- the places that used to write their own column lists --------------------------
def test_yahoo_statement_labels_cover_exactly_the_statement_columns():
    labelled = [*st.INCOME_ROWS, *st.CASHFLOW_ROWS, *st.BALANCE_ROWS]
    assert labelled == list(schemas.STATEMENT_VALUES)
    for freq in ("annual", "quarterly"):
        typed = st.typed_fundamentals(pd.DataFrame({"symbol": ["A"], "fiscal_year": [2024]}), freq)
        assert schemas.fundamentals(freq).conform(typed) is typed


def test_snapshot_files_must_hold_their_schemas_columns():
    for dataset, rel in FILES.items():
        assert REQUIRED_COLUMNS[rel] == tuple(schemas.SCHEMAS[dataset].columns)


def test_a_snapshot_file_without_a_schema_column_is_named_before_the_run(tmp_path):
    rel = FILES["market_caps"]
    folder = copy_snapshot(tmp_path / "snap", change={rel})
    df = pd.read_parquet(folder / rel).drop(columns="exchange")
    (folder / rel).unlink()
    df.to_parquet(folder / rel, index=False)
    with pytest.raises(BadInputError, match=r"market_caps.parquet: column 'exchange' missing"):
        check_snapshot_files(folder)


# ---- the layer -----------------------------------------------------------------------
class _Malformed:
    """A backend whose market caps lack a column (a renamed field upstream, say)."""

    name = "broken"

    def market_caps(self, start=None, end=None, tickers=None):
        return caps_frame().drop(columns="market_cap")

    def coverage(self, dataset):
        return None


def test_the_layer_falls_back_when_a_backend_breaks_the_schema(monkeypatch):
    dl = DataLayer("snapshot")
    snap = dl._snapshot_backend()
    monkeypatch.setattr(dl, "backends", lambda: [_Malformed(), snap])
    caps = dl.market_caps("2025-01-01", "2025-01-31", ["AAPL"])
    assert len(caps) == 1 and dl.provenance.records[-1].source == "snapshot"


def test_a_schema_break_with_no_fallback_is_one_line_naming_the_column(monkeypatch):
    dl = DataLayer("snapshot")
    monkeypatch.setattr(dl, "backends", lambda: [_Malformed()])
    with pytest.raises(DataUnavailableError) as exc:
        dl.market_caps("2025-01-01", "2025-01-31")
    msg = str(exc.value)
    assert (
        msg.startswith("no market_caps from source 'snapshot': market_caps from broken: column 'market_cap' missing")
        and "\n" not in msg
    )
    assert "market_caps:market_caps" in dl.provenance.missing()
