"""The data layer on the offline snapshot: shapes, dtypes, provenance, universes, bad input."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import rotation_utils.data as data
from rotation_utils.data import DataLayer, SnapshotBackend, check_snapshot_dir, schemas
from rotation_utils.errors import BadInputError, DataUnavailableError


@pytest.fixture(scope="module")
def dl():
    return DataLayer("snapshot")


@pytest.fixture(scope="module")
def snap_dir():
    return DataLayer("snapshot").snapshot_dir


def one_line(exc) -> bool:
    return "\n" not in str(exc.value) and len(str(exc.value)) > 10


# ---- prices -------------------------------------------------------------------------
def test_prices_wide_shape_order_dtypes(dl):
    px = dl.prices(["IWM", "SPY", "^TNX"], "2024-01-01", "2024-12-31")
    assert list(px.columns) == ["IWM", "SPY", "^TNX"]
    assert px.index.name == "date" and px.index.dtype == "datetime64[ns]"
    assert (px.dtypes == "float64").all()
    assert px.index.min() >= pd.Timestamp("2024-01-01") and px.index.max() <= pd.Timestamp("2024-12-31")
    assert px.index.is_monotonic_increasing and 245 <= len(px) <= 255


def test_prices_long_matches_raw_parquet(dl, snap_dir):
    long = dl.prices_long(["SPY"], "2025-01-01", "2025-03-31")
    assert dtypes(long) == dict(schemas.PRICES.columns)
    raw = pd.read_parquet(snap_dir / "prices.parquet", filters=[("ticker", "==", "SPY")])
    raw = raw[(raw["date"] >= "2025-01-01") & (raw["date"] <= "2025-03-31")].reset_index(drop=True)
    pd.testing.assert_frame_equal(long, raw, check_dtype=False)


def test_missing_ticker_logged_not_raised():
    d = DataLayer("snapshot")
    px = d.prices(["SPY", "COMM", "NOPE"], "2025-01-01")
    assert list(px.columns) == ["SPY"]
    assert d.provenance.missing() == ["prices:COMM", "prices:NOPE"]
    t = d.provenance.table().set_index("item")
    assert t.loc["SPY", "source"] == "snapshot" and t.loc["SPY", "status"] == "ok"
    assert t.loc["SPY", "first"] >= "2025-01-02" and t.loc["SPY", "rows"] == len(px)
    assert pd.isna(t.loc["COMM", "source"]) and t.loc["COMM", "status"] == "missing"
    assert "missing: prices:COMM" not in d.describe() and "COMM" in d.describe()


def test_nothing_served_raises_one_line(dl):
    with pytest.raises(DataUnavailableError) as exc:
        dl.prices(["NOPE1", "NOPE2"])
    assert one_line(exc) and "NOPE1" in str(exc.value)


def test_duplicate_and_string_tickers(dl):
    assert list(dl.prices("SPY", "2025-01-01").columns) == ["SPY"]
    assert list(dl.prices(["SPY", "SPY "], "2025-01-01").columns) == ["SPY"]


def test_as_of_and_describe():
    d = DataLayer("snapshot")
    assert d.as_of == "2026-07-13"  # manifest's as_of before any load
    d.prices(["SPY"], "2025-01-01", "2025-06-30")
    assert d.as_of == "2025-06-30"
    assert "snapshot" in d.describe()


def dtypes(df: pd.DataFrame) -> dict[str, str]:
    return {c: str(t) for c, t in df.dtypes.items()}


SERVED = {
    "prices": lambda d: d.prices_long(["SPY", "^TNX"], "2025-01-01"),
    "rates": lambda d: d._itemised(schemas.RATES, lambda b, i, s, e: b.rates(i, s, e), ["DGS10"], "2025-01-01", None),
    "market_caps": lambda d: d.market_caps("2025-01-01", "2025-03-31"),
    "sp500_financials": lambda d: d.sp500_financials("2025-01-01", "2025-06-30"),
    "fundamentals_annual": lambda d: d.fundamentals("annual"),
    "fundamentals_quarterly": lambda d: d.fundamentals("quarterly", ["FIX"]),
    "shiller_monthly": lambda d: d.shiller_monthly(),
    "sp500_constituents": lambda d: d.sp500_constituents(),
    "sp500_changes": lambda d: d.sp500_changes(),
    "iwm_holdings": lambda d: d.iwm_holdings().drop(columns="holdings_date"),
}


@pytest.mark.parametrize("name", sorted(SERVED))
def test_every_dataset_has_exactly_its_schema(dl, name):
    df = SERVED[name](dl)
    assert len(df) and dtypes(df) == dict(schemas.SCHEMAS[name].columns)


def test_every_schema_but_live_quotes_is_served_from_the_snapshot():
    assert set(schemas.SCHEMAS) - set(SERVED) == {"quote_info"}


# ---- rates, caps, financials, fundamentals, shiller --------------------------------
def test_rates_wide_percent(dl):
    r = dl.rates(["DGS10", "FEDFUNDS"], "2024-01-01", "2024-12-31")
    assert list(r.columns) == ["DGS10", "FEDFUNDS"] and (r.dtypes == "float64").all()
    assert r["DGS10"].dropna().between(3, 6).all()  # percent, not fraction
    assert r["FEDFUNDS"].notna().sum() == 12  # monthly series


def test_market_caps_long_with_filters(dl):
    mc = dl.market_caps("2025-01-01", "2025-12-31", ["AAPL", "GOOG", "GOOGL"])
    assert dtypes(mc) == dict(schemas.MARKET_CAPS.columns)
    assert set(mc["ticker"]) == {"AAPL", "GOOG", "GOOGL"}
    assert mc["date"].dt.to_period("M").nunique() == len(mc) / 3  # one snapshot per month


def test_sp500_financials_window(dl):
    f = dl.sp500_financials("2025-01-01", "2025-06-30")
    assert f["as_of"].between("2025-01-01", "2025-06-30").all()
    assert {"symbol", "pe", "dividend_yield", "market_cap"} <= set(f.columns)
    assert f["dividend_yield"].dropna().lt(0.5).all()  # fraction


@pytest.mark.parametrize("freq", ["annual", "quarterly"])
def test_fundamentals_all_and_filtered(freq):
    d = DataLayer("snapshot")
    full = d.fundamentals(freq)
    sub = d.fundamentals(freq, ["FIX", "BAH"])
    assert set(sub["symbol"]) == {"FIX"} and len(sub) == (full["symbol"] == "FIX").sum()
    assert sub["fiscal_year"].dtype == "int64" and sub["period_end"].dtype == "datetime64[ns]"
    assert f"fundamentals_{freq}:BAH" in d.provenance.missing()


def test_fundamentals_bad_frequency(dl):
    with pytest.raises(BadInputError):
        dl.fundamentals("monthly")


def test_shiller_monthly(dl):
    s = dl.shiller_monthly()
    assert list(s.columns)[:3] == ["date", "sp500", "dividend"] and len(s) > 1800
    assert s["cape"].dtype == "float64"


# ---- universes ------------------------------------------------------------------------
def test_constituents_and_changes_dtypes(dl):
    c = dl.sp500_constituents()
    assert len(c) == 503 and c["date_added"].dtype == "datetime64[ns]" and str(c["cik"].dtype) == "Int64"
    ch = dl.sp500_changes()
    assert ch["date"].dtype == "datetime64[ns]" and set(ch["action"]) == {"added", "removed"}


def test_sp500_members_latest_and_replay_agree(dl):
    # without a date: membership on the run's as-of date (the snapshot's 2026-07-13), not the
    # constituents list dated 2026-08-08, which would read membership past the as-of date
    latest = dl.sp500_members()
    assert dl.read_limit == pd.Timestamp("2026-07-13")
    assert latest == dl.sp500_members("2026-07-13")
    assert latest != sorted(dl.sp500_constituents()["symbol"])
    # the log is served up to the as-of date only: a later date replays no further
    assert dl.sp500_members("2026-08-08") == latest
    assert dl.sp500_changes()["date"].max() <= pd.Timestamp("2026-07-13")


def test_sp500_members_point_in_time(dl, snap_dir):
    # FIX first appears in the change log on 2026-03-04 (snapshot caveat)
    assert "FIX" not in dl.sp500_members("2026-03-03")
    assert "FIX" in dl.sp500_members("2026-03-05")
    ch = pd.read_csv(snap_dir / "universe" / "sp500_changes.csv")
    ch = ch[ch["date"] <= "2020-06-30"]
    state = {}
    for row in ch.itertuples():
        state[row.symbol] = row.action
    expected = sorted(s for s, a in state.items() if a == "added")
    assert dl.sp500_members("2020-06-30") == expected
    assert 495 <= len(expected) <= 510


def test_sp500_members_bad_date(dl):
    with pytest.raises(BadInputError) as exc:
        dl.sp500_members("yesterday-ish")
    assert one_line(exc) and "on" in str(exc.value)


def test_iwm_holdings_picks_file_on_or_before(dl):
    dates = dl.iwm_holdings_dates()
    assert dates == [pd.Timestamp(d) for d in ("2025-05-13", "2025-11-05", "2026-05-05")]
    assert dl.iwm_holdings()["holdings_date"].iloc[0] == pd.Timestamp("2026-05-05")
    assert dl.iwm_holdings("2025-11-05")["holdings_date"].iloc[0] == pd.Timestamp("2025-11-05")
    assert dl.iwm_holdings("2025-11-04")["holdings_date"].iloc[0] == pd.Timestamp("2025-05-13")
    early = dl.iwm_holdings("2020-01-01")  # before the first file: earliest
    assert early["holdings_date"].iloc[0] == pd.Timestamp("2025-05-13")
    h = dl.iwm_holdings("2026-01-01")
    assert list(h.columns) == [*schemas.IWM_HOLDINGS.names, "holdings_date"]
    assert 95 < h["weight_pct"].sum() < 105


# ---- sources and bad input ---------------------------------------------------------
def test_unknown_source():
    with pytest.raises(BadInputError) as exc:
        DataLayer("bloomberg")
    assert one_line(exc) and "bloomberg" in str(exc.value)


@pytest.mark.parametrize(
    "start,end,word",
    [
        ("2025-01-01", "2024-01-01", "before"),
        ("2025-13-45", None, "not a date"),
        ("soon", None, "not a date"),
        (None, "later", "not a date"),
    ],
)
def test_bad_windows(dl, start, end, word):
    with pytest.raises(BadInputError) as exc:
        dl.prices(["SPY"], start, end)
    assert one_line(exc) and word in str(exc.value)


@pytest.mark.parametrize("tickers", [[], "", [" "], 5])
def test_bad_ticker_lists(dl, tickers):
    with pytest.raises(BadInputError) as exc:
        dl.prices(tickers)
    assert one_line(exc)


def test_bad_snapshot_folders(tmp_path, snap_dir):
    with pytest.raises(BadInputError, match="does not exist"):
        DataLayer("snapshot", snapshot=tmp_path / "nope")
    with pytest.raises(BadInputError, match="no manifest.json"):
        DataLayer("snapshot", snapshot=tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(BadInputError, match="not valid JSON"):
        check_snapshot_dir(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other/2"}))
    with pytest.raises(BadInputError, match="expected"):
        check_snapshot_dir(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "rotation-snapshot/1"}))
    with pytest.raises(BadInputError, match="no prices.parquet") as exc:
        check_snapshot_dir(tmp_path)
    assert one_line(exc)


def test_minimal_snapshot_reports_optional_files_missing(tmp_path, snap_dir):
    shutil.copy(snap_dir / "manifest.json", tmp_path / "manifest.json")
    pd.read_parquet(snap_dir / "prices.parquet", filters=[("ticker", "==", "SPY")]).to_parquet(
        tmp_path / "prices.parquet"
    )
    d = DataLayer("snapshot", snapshot=tmp_path)
    assert len(d.prices(["SPY"], "2025-01-01")) > 100
    for call in (lambda: d.rates(["DGS10"]), d.market_caps, d.shiller_monthly, d.sp500_constituents, d.iwm_holdings):
        with pytest.raises(DataUnavailableError):
            call()
    assert {
        "rates:DGS10",
        "market_caps:market_caps",
        "shiller_monthly:shiller_monthly",
        "sp500_constituents:sp500_constituents",
        "iwm_holdings:iwm_holdings",
    } <= set(d.provenance.missing())
    assert SnapshotBackend(tmp_path).iwm_holdings_dates() == []


def test_corrupt_parquet_is_one_line(tmp_path, snap_dir):
    shutil.copy(snap_dir / "manifest.json", tmp_path / "manifest.json")
    (tmp_path / "prices.parquet").write_bytes(b"garbage")
    with pytest.raises(DataUnavailableError) as exc:
        DataLayer("snapshot", snapshot=tmp_path).prices(["SPY"])
    assert one_line(exc) and "prices.parquet" in str(exc.value)


def test_live_offline_without_cache_is_one_line(tmp_path):
    d = DataLayer("live", cache=tmp_path)
    with pytest.raises(DataUnavailableError) as exc:
        d.prices(["SPY"])
    assert one_line(exc)
    assert d.provenance.missing() == ["prices:SPY"]
    with pytest.raises(DataUnavailableError):
        d.market_caps()  # no live source and no fallback in 'live'


def test_module_shortcuts():
    assert list(data.prices(["SPY"], "2025-01-01", source="snapshot").columns) == ["SPY"]
    assert list(data.rates("DGS2", "2025-01-01", source="snapshot").columns) == ["DGS2"]
    assert set(data.market_caps("2025-06-01", "2025-07-31", ["AAPL"], source="snapshot")["ticker"]) == {"AAPL"}
    assert set(data.fundamentals("annual", ["AAPL"], source="snapshot")["symbol"]) == {"AAPL"}
    assert "AAPL" in data.sp500_members(source="snapshot")
    assert len(data.iwm_holdings("2025-06-01", source="snapshot")) > 1000


def test_decoded_price_memo_matches_filtered_read(snap_dir):
    from rotation_utils.data import snapshot as snap_mod

    b = SnapshotBackend(snap_dir)
    names = b.available_tickers()
    tickers = names[::50][:40] + ["NOPE"]  # spread over every row group
    snap_mod._PRICE_MEMO.clear()
    filtered = b._parquet(
        "prices.parquet",
        filters=snap_mod._filters("ticker", tickers, "date", pd.Timestamp("2019-01-01"), pd.Timestamp("2020-12-31")),
    ).reset_index(drop=True)
    assert len(tickers) >= snap_mod.MEMO_MIN_TICKERS
    memo = b.prices(tickers, pd.Timestamp("2019-01-01"), pd.Timestamp("2020-12-31"))
    assert snap_mod._PRICE_MEMO  # the big request decoded the file
    pd.testing.assert_frame_equal(memo, filtered)
    small = b.prices(["SPY"], None, pd.Timestamp("1995-01-31"))  # later small requests use it too
    assert small["date"].min() == pd.Timestamp("1995-01-03") and small["ticker"].eq("SPY").all()


def test_decoded_price_memo_on_an_unsorted_file(tmp_path, snap_dir, monkeypatch):
    from rotation_utils.data import snapshot as snap_mod

    shutil.copy(snap_dir / "manifest.json", tmp_path / "manifest.json")
    px = pd.read_parquet(snap_dir / "prices.parquet", filters=[("ticker", "in", ["SPY", "IWM", "QQQ"])])
    px = px[px["date"] >= "2024-01-01"].sample(frac=1.0, random_state=1)  # rows out of order
    px.to_parquet(tmp_path / "prices.parquet", index=False)
    monkeypatch.setattr(snap_mod, "MEMO_MIN_TICKERS", 1)
    got = SnapshotBackend(tmp_path).prices(["QQQ", "SPY"], pd.Timestamp("2024-03-01"), None)
    assert snap_mod._PRICE_MEMO and next(iter(snap_mod._PRICE_MEMO.values())).order is not None
    want = px[px["ticker"].isin(["QQQ", "SPY"]) & (px["date"] >= "2024-03-01")]
    key = ["ticker", "date"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True), want.sort_values(key).reset_index(drop=True), check_dtype=False
    )
    snap_mod._PRICE_MEMO.clear()


def test_undated_tables_show_blank_dates_and_holdings_show_their_file_date():
    dl = DataLayer("snapshot")
    dl.iwm_holdings("2025-12-01")
    dl.sp500_constituents()
    summ = dl.provenance.summary().set_index("dataset")
    assert summ.loc["iwm_holdings_2025-11-05", ["first", "last"]].tolist() == ["2025-11-05", "2025-11-05"]
    assert summ.loc["sp500_constituents", ["first", "last"]].tolist() == ["", ""]


def test_a_window_before_a_tables_coverage_says_so():
    dl = DataLayer("snapshot")
    with pytest.raises(
        DataUnavailableError,
        match="no market_caps between 2019-01-01 and 2019-12-31.*"
        "the snapshot has market_caps from 2021-01-29 to 2026-08-21 .choose other dates",
    ):
        dl.market_caps("2019-01-01", "2019-12-31")
    assert "market_caps:market_caps" in dl.provenance.missing()


def test_optional_turns_an_empty_window_into_an_empty_frame_and_the_reason():
    dl = DataLayer("snapshot")
    caps, why = data.optional(dl.market_caps, "2019-01-01", "2019-12-31", schema=schemas.MARKET_CAPS)
    assert caps.empty and list(caps.columns) == schemas.MARKET_CAPS.names
    assert caps.dtypes.astype(str).tolist() == list(schemas.MARKET_CAPS.columns.values())
    assert why.startswith("no market_caps between 2019-01-01 and 2019-12-31")
    caps, why = data.optional(dl.market_caps, "2025-01-01", "2025-02-28", schema=schemas.MARKET_CAPS)
    assert why is None and len(caps) > 0


def test_no_dated_dataset_is_read_after_the_run_as_of_date():
    # --end 2024-12-31: every dated dataset, and its provenance, stops at that date; the one
    # exception is the earliest IWM holdings file (2025-05-13), used when no file precedes the
    # date, which the reports then caveat by name
    end = pd.Timestamp("2024-12-31")
    d = DataLayer("snapshot", end=end)
    assert d.read_limit == end
    assert d.prices(["SPY", "IWM"], "2024-06-01").index.max() <= end
    assert d.rates(["DGS2"], "2024-06-01").index.max() <= end
    assert d.market_caps("2024-06-01", tickers=["AAPL"])["date"].max() <= end
    assert d.sp500_financials("2024-01-01")["as_of"].max() <= end
    annual = d.fundamentals("annual")
    assert annual["filing_date"].max() <= end
    assert d.shiller_monthly()["date"].max() <= end
    assert d.sp500_changes()["date"].max() <= end
    assert "FIX" not in d.sp500_members("2026-03-05")  # added to the log in 2026: not known here
    assert d.sp500_log_start() == pd.Timestamp("2012-12-27")
    assert d.iwm_holdings_dates() == [pd.Timestamp("2025-05-13")]  # the earliest file stands in
    d.iwm_holdings(end)
    late = {r.dataset for r in d.provenance.records if r.last and pd.Timestamp(r.last) > end}
    assert late == {"iwm_holdings_2025-05-13"}


def test_whole_tables_are_parsed_once_per_backend_and_served_as_independent_copies(snap_dir, monkeypatch):
    reads = []
    real_csv, real_parquet = pd.read_csv, pd.read_parquet
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: reads.append(a[0]) or real_csv(*a, **k))
    monkeypatch.setattr(pd, "read_parquet", lambda *a, **k: reads.append(a[0]) or real_parquet(*a, **k))
    backend = SnapshotBackend(snap_dir)
    first = backend.sp500_changes()
    first.loc[0, "symbol"] = "CHANGED"
    second = backend.sp500_changes()
    assert second.loc[0, "symbol"] != "CHANGED"
    caps_all = backend.market_caps()
    caps_two = backend.market_caps(tickers=["AAPL", "MSFT"])
    assert set(caps_two["ticker"]) == {"AAPL", "MSFT"}
    assert caps_two.equals(caps_all[caps_all["ticker"].isin(["AAPL", "MSFT"])].reset_index(drop=True))
    assert [str(r).rsplit("/", 1)[-1] for r in reads] == ["sp500_changes.csv", "market_caps.parquet"]
    # a new backend (a new report) reads the files again
    SnapshotBackend(snap_dir).sp500_changes()
    assert len(reads) == 3
