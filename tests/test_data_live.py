"""LiveBackend against fake yfinance / FRED / web pages: no network is ever used."""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from rotation_utils.data import DataLayer
from rotation_utils.data import live as live_mod
from rotation_utils.data.live import LiveBackend, parse_ishares_holdings, parse_sp500_wikipedia, splice_adjusted
from rotation_utils.data.yahoo import closes_long
from rotation_utils.errors import DataUnavailableError
from tests.fakes import ISHARES, Clock, FakeHTTP, FakeYF, statement, synthetic_closes, wiki_page

TICKERS = ["SPY", "IWM", "^TNX"]


@pytest.fixture
def online(monkeypatch):
    """Let the backend 'use the network' (which is always a fake here)."""
    monkeypatch.setenv("ROTATION_OFFLINE", "0")


@pytest.fixture
def closes():
    return synthetic_closes(TICKERS, "2020-01-01", "2020-03-31")


def backend(tmp_path, yf=None, http=None, clock=None, **kw):
    sleeps = []
    b = LiveBackend(tmp_path / "cache", yf=yf or FakeYF({}), http_get=http or FakeHTTP(),
                    now=clock or Clock("2020-03-31 22:00"), sleep=sleeps.append, **kw)
    b.sleeps = sleeps
    return b


# ---- shapes -------------------------------------------------------------------
@pytest.mark.parametrize("layout,tz", [("field_ticker", None), ("ticker_field", None),
                                       ("field_ticker", "America/New_York"),
                                       ("ticker_field", "America/New_York")])
def test_prices_same_long_shape_as_snapshot_for_both_multiindex_orders(online, tmp_path, closes, layout, tz):
    yf = FakeYF(closes, layout=layout, tz=tz)
    df = backend(tmp_path, yf).prices(TICKERS, "2020-01-01", "2020-03-31")
    assert list(df.columns) == ["date", "ticker", "close"]
    assert df["date"].dtype == "datetime64[ns]" and df["close"].dtype == "float64"
    assert df["ticker"].dtype == "str"
    assert df["date"].dt.hour.eq(0).all()
    assert set(df["ticker"]) == set(TICKERS)
    spy = df[df["ticker"] == "SPY"].set_index("date")["close"]
    np.testing.assert_allclose(spy.values, closes["SPY"].values)   # Close, not High/Low
    assert yf.calls[0]["auto_adjust"] is True and yf.calls[0]["threads"] is True


def test_flat_columns_single_ticker(online, tmp_path, closes):
    df = backend(tmp_path, FakeYF(closes, layout="flat")).prices(["SPY"])
    assert len(df) == len(closes["SPY"]) and set(df["ticker"]) == {"SPY"}


def test_closes_long_handles_empty_and_none():
    assert closes_long(None, ["SPY"]).empty
    assert closes_long(pd.DataFrame(), ["SPY"]).empty
    flat_multi = pd.DataFrame({"Close": [1.0, 2.0], "Open": [1.0, 2.0]},
                              index=pd.to_datetime(["2020-01-02", "2020-01-03"]))
    assert closes_long(flat_multi, ["A", "B"]).empty  # flat columns are ambiguous for two tickers


def test_batches_of_fifty(online, tmp_path):
    names = [f"T{i}" for i in range(120)]
    yf = FakeYF(synthetic_closes(names, "2020-03-02", "2020-03-31"))
    df = backend(tmp_path, yf).prices(names, "2020-03-01")
    assert [len(c["tickers"]) for c in yf.calls] == [50, 50, 20]
    assert df["ticker"].nunique() == 120


# ---- failures ------------------------------------------------------------------
def test_bad_tickers_absent_and_logged_missing_by_layer(online, tmp_path, closes):
    b = backend(tmp_path, FakeYF(closes))
    df = b.prices(["SPY", "NOSUCH"], "2020-01-01")
    assert set(df["ticker"]) == {"SPY"}
    assert df.attrs["served_by"] == {"SPY": "live"}
    dl = DataLayer("live", cache=tmp_path / "cache")
    dl.__dict__["_live_backend"] = b
    wide = dl.prices(["SPY", "NOSUCH"], "2020-01-01")
    assert list(wide.columns) == ["SPY"]
    assert dl.provenance.missing() == ["prices:NOSUCH"]


def test_network_failure_returns_empty_frame_when_not_strict(online, tmp_path):
    df = backend(tmp_path, FakeYF(fail=True)).prices(["SPY"], "2020-01-01")
    assert df.empty and list(df.columns) == ["date", "ticker", "close"]


def test_network_failure_strict_raises_one_line(online, tmp_path):
    with pytest.raises(DataUnavailableError) as exc:
        backend(tmp_path, FakeYF(fail=True), strict=True).prices(["SPY"], "2020-01-01")
    assert "\n" not in str(exc.value) and "SPY" in str(exc.value)


@pytest.mark.parametrize("mode", ["raises", "logs"])
def test_rate_limit_retried_with_backoff_then_success(online, tmp_path, closes, mode):
    yf = FakeYF(closes, **{f"rate_limit_{mode}": 2})
    b = backend(tmp_path, yf, backoff_s=1.5)
    df = b.prices(TICKERS, "2020-01-01")
    assert set(df["ticker"]) == set(TICKERS)
    assert b.sleeps == [1.5, 3.0]           # exponential
    assert len(yf.calls) == 3


def test_rate_limit_gives_up_after_retries(online, tmp_path, closes):
    b = backend(tmp_path, FakeYF(closes, rate_limit_raises=10), retries=2)
    assert b.prices(["SPY"], "2020-01-01").empty
    assert len(b.sleeps) == 2


def test_partial_failure_keeps_served_tickers(online, tmp_path, closes):
    yf = FakeYF({"SPY": closes["SPY"]})
    df = backend(tmp_path, yf).prices(["SPY", "IWM"], "2020-01-01")
    assert set(df["ticker"]) == {"SPY"}


# ---- cache -----------------------------------------------------------------------
def test_warm_cache_refreshed_today_makes_no_request(online, tmp_path, closes):
    yf, http = FakeYF(closes), FakeHTTP(fred={"DGS10": closes["SPY"] / 50})
    b = backend(tmp_path, yf, http)
    first = b.prices(TICKERS + ["NOSUCH"], "2020-01-01")
    b.rates(["DGS10", "NOSUCH"], "2020-01-01")
    n_yf, n_http = len(yf.calls), len(http.urls)
    b2 = backend(tmp_path, yf, http)  # a new process, same day
    again = b2.prices(TICKERS + ["NOSUCH"], "2020-01-01")
    b2.rates(["DGS10", "NOSUCH"], "2020-01-01")
    assert (len(yf.calls), len(http.urls)) == (n_yf, n_http)
    pd.testing.assert_frame_equal(first.sort_values(["ticker", "date"]).reset_index(drop=True),
                                  again.sort_values(["ticker", "date"]).reset_index(drop=True))


def test_incremental_refresh_requests_only_later_dates(online, tmp_path, closes):
    clock = Clock("2020-02-14 22:00")
    early = {t: s[s.index <= "2020-02-14"] for t, s in closes.items()}
    b = backend(tmp_path, FakeYF(early), clock=clock)
    b.prices(TICKERS, "2020-01-01")
    yf = FakeYF(closes)
    clock.now = pd.Timestamp("2020-03-31 22:00")
    df = backend(tmp_path, yf, clock=clock).prices(TICKERS, "2020-01-01")
    assert len(yf.calls) == 1
    assert pd.Timestamp(yf.calls[0]["start"]) == pd.Timestamp("2020-02-14")  # last cached session
    assert df.groupby("ticker")["date"].max().eq(pd.Timestamp("2020-03-31")).all()
    assert df.groupby("ticker")["date"].min().eq(pd.Timestamp("2020-01-01")).all()


def test_incremental_rates_use_cosd_after_last_date(online, tmp_path, closes):
    clock = Clock("2020-02-14 22:00")
    full = closes["SPY"] / 50
    backend(tmp_path, http=FakeHTTP(fred={"DGS10": full[full.index <= "2020-02-14"]}),
            clock=clock).rates(["DGS10"], "2020-01-01")
    http = FakeHTTP(fred={"DGS10": full})
    clock.now = pd.Timestamp("2020-03-31 22:00")
    df = backend(tmp_path, http=http, clock=clock).rates(["DGS10"], "2020-01-01")
    assert http.urls == ["https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10&cosd=2020-02-15"]
    assert len(df) == len(full) and df["value"].dtype == "float64"


def test_earlier_start_than_cached_refetches_from_start(online, tmp_path, closes):
    b = backend(tmp_path, FakeYF(closes))
    b.prices(["SPY"], "2020-03-01")
    yf = FakeYF(closes)
    df = backend(tmp_path, yf).prices(["SPY"], "2020-01-01")
    assert pd.Timestamp(yf.calls[0]["start"]) == pd.Timestamp("2020-01-01")
    assert df["date"].min() == pd.Timestamp("2020-01-01")


def test_window_inside_cache_makes_no_request_even_when_stale(online, tmp_path, closes):
    backend(tmp_path, FakeYF(closes)).prices(["SPY"], "2020-01-01")
    yf = FakeYF(closes)
    df = backend(tmp_path, yf, clock=Clock("2020-06-30")).prices(["SPY"], "2020-01-01", "2020-02-28")
    assert yf.calls == [] and df["date"].max() <= pd.Timestamp("2020-02-28")


def test_fetches_run_to_latest_so_the_cache_has_no_holes(online, tmp_path, closes):
    b = backend(tmp_path, FakeYF(closes))
    b.prices(["SPY"], "2020-03-02")
    yf = FakeYF(closes)
    early = backend(tmp_path, yf).prices(["SPY"], "2020-01-01", "2020-01-31")   # backfill
    assert yf.calls[0]["end"] is None and early["date"].max() <= pd.Timestamp("2020-01-31")
    yf2 = FakeYF(closes)
    full = backend(tmp_path, yf2, clock=Clock("2020-06-01")).prices(["SPY"], "2020-01-01", "2020-03-31")
    assert yf2.calls == []                                   # window inside the cache, no holes
    assert len(full) == len(closes["SPY"])


def test_failed_fetch_keeps_cache_intact_and_labels_cache(online, tmp_path, closes):
    clock = Clock("2020-03-31 22:00")
    b = backend(tmp_path, FakeYF(closes), clock=clock)
    good = b.prices(TICKERS, "2020-01-01")
    path = b.cache.path("prices", "SPY")
    before = path.read_bytes()
    clock.now = pd.Timestamp("2020-04-03 22:00")
    b2 = backend(tmp_path, FakeYF(fail=True), clock=clock)
    df = b2.prices(TICKERS, "2020-01-01")
    assert path.read_bytes() == before
    assert df.attrs["served_by"] == {t: "cache" for t in TICKERS}
    assert len(df) == len(good)


def test_rescales_cached_history_when_adjustment_changed(online, tmp_path, closes):
    s = closes["SPY"]
    backend(tmp_path, FakeYF({"SPY": s[s.index <= "2020-02-14"]}),
            clock=Clock("2020-02-14 22:00")).prices(["SPY"], "2020-01-01")
    rebased = s * 0.98  # a dividend re-based Yahoo's whole adjusted history
    df = backend(tmp_path, FakeYF({"SPY": rebased})).prices(["SPY"], "2020-01-01")
    np.testing.assert_allclose(df.set_index("date")["close"].values, rebased.values)


def test_splice_adjusted_without_overlap_appends():
    old = pd.DataFrame({"date": pd.to_datetime(["2020-01-01"]), "close": [1.0]})
    new = pd.DataFrame({"date": pd.to_datetime(["2020-01-02"]), "close": [2.0]})
    assert splice_adjusted(old, new)["close"].tolist() == [1.0, 2.0]
    assert splice_adjusted(None, new)["close"].tolist() == [2.0]


# ---- offline / probe ---------------------------------------------------------------
def test_offline_env_serves_cache_only_labelled_cache(online, tmp_path, closes, monkeypatch):
    backend(tmp_path, FakeYF(closes)).prices(["SPY"], "2020-01-01")
    monkeypatch.setenv("ROTATION_OFFLINE", "1")
    yf = FakeYF(closes)
    df = backend(tmp_path, yf, clock=Clock("2020-05-01")).prices(["SPY"], "2020-01-01")
    assert yf.calls == [] and df.attrs["served_by"] == {"SPY": "cache"}


def test_probe_down_means_cache_only(online, tmp_path, closes):
    yf = FakeYF(closes)
    b = backend(tmp_path, yf, network="probe", probe=lambda: False)
    assert b.prices(["SPY"], "2020-01-01").empty and yf.calls == []


def test_offline_strict_without_cache_raises_one_line(tmp_path):
    with pytest.raises(DataUnavailableError) as exc:
        backend(tmp_path, FakeYF({}), strict=True).prices(["SPY"], "2020-01-01")
    msg = str(exc.value)
    assert "\n" not in msg and "offline" in msg


def test_probe_network_is_cached_per_process(monkeypatch):
    calls = []

    def fake_connect(addr, timeout):
        calls.append((addr, timeout))
        raise OSError("unreachable")
    monkeypatch.setattr(live_mod.socket, "create_connection", fake_connect)
    monkeypatch.setattr(live_mod, "_PROBE_RESULT", {})
    assert live_mod.probe_network() is False
    assert live_mod.probe_network() is False
    assert len(calls) == 1 and calls[0][1] == live_mod.PROBE_TIMEOUT_S


def test_auto_falls_back_to_snapshot_when_offline():
    dl = DataLayer("auto")
    px = dl.prices(["SPY", "IWM"], "2024-01-01", "2024-06-30")
    assert list(px.columns) == ["SPY", "IWM"]
    assert set(dl.provenance.table()["source"]) == {"snapshot"}


def test_auto_mixes_live_and_snapshot_per_ticker(online, tmp_path, closes):
    dl = DataLayer("auto", cache=tmp_path / "cache")
    dl.__dict__["_live_backend"] = backend(tmp_path, FakeYF({"SPY": closes["SPY"]}))
    px = dl.prices(["SPY", "IWM"], "2020-01-01", "2020-03-31")
    src = dl.provenance.table().set_index("item")["source"]
    assert src["SPY"] == "live" and src["IWM"] == "snapshot"
    assert px["IWM"].notna().sum() > 50


# ---- FRED, fundamentals, universes --------------------------------------------------
def test_fred_csv_dot_is_missing_and_old_date_header(online, tmp_path):
    text = "DATE,DGS10\n2020-01-02,1.88\n2020-01-03,.\n2020-01-06,1.81\n"
    http = FakeHTTP(pages={"https://fred.stlouisfed.org": text})
    df = backend(tmp_path, http=http).rates(["DGS10"], "2020-01-01")
    assert df["value"].tolist() == [1.88, 1.81]


def test_fred_error_page_is_a_failure_not_data(online, tmp_path):
    http = FakeHTTP(pages={"https://fred.stlouisfed.org": "<html>Service unavailable</html>"})
    assert backend(tmp_path, http=http).rates(["DGS10"], "2020-01-01").empty


def _statements():
    ends = ["2024-12-31", "2023-12-31"]
    inc = statement({"Total Revenue": [200.0, 100.0], "Operating Income": [50.0, 20.0], "EBIT": [48.0, 19.0],
                     "EBITDA": [60.0, 25.0], "Net Income": [30.0, 10.0], "Diluted EPS": [3.0, 1.0]}, ends)
    cf = statement({"Operating Cash Flow": [40.0, 15.0], "Capital Expenditure": [-5.0, -4.0]},
                   ["2024-12-28", "2023-12-30"])  # 52/53-week dating: attached within 7 days
    bs = statement({"Total Debt": [70.0, 80.0]}, ends)
    q_ends = ["2025-03-31", "2024-12-31", "2024-09-30"]
    qinc = statement({"Total Revenue": [60.0, 55.0, 50.0], "Net Income": [8.0, 7.0, 6.0]}, q_ends)
    return {"AAA": {"income_stmt": inc, "cashflow": cf, "balance_sheet": bs,
                    "quarterly_income_stmt": qinc, "quarterly_cashflow": pd.DataFrame(),
                    "quarterly_balance_sheet": None}}


def test_fundamentals_mapped_to_snapshot_columns(online, tmp_path):
    from rotation_utils.data.snapshot import SnapshotBackend
    snap = SnapshotBackend(DataLayer("snapshot").snapshot_dir)
    yf = FakeYF(statements=_statements())
    b = backend(tmp_path, yf)
    for freq in ("annual", "quarterly"):
        got = b.fundamentals(freq, ["AAA", "ZZZ"])
        ref = snap.fundamentals(freq, ["AAPL"])
        assert list(got.columns) == list(ref.columns)
        assert got.dtypes.astype(str).tolist() == ref.dtypes.astype(str).tolist()
        assert set(got["symbol"]) == {"AAA"}
    a = b.fundamentals("annual", ["AAA"]).set_index("fiscal_year")
    assert a.loc[2024, "revenue"] == 200.0 and a.loc[2024, "capex"] == -5.0
    assert a.loc[2023, "total_debt"] == 80.0 and np.isnan(a.loc[2024, "cash"])
    q = b.fundamentals("quarterly", ["AAA"]).set_index("period_end")
    assert q.loc["2025-03-31", "fiscal_period"] == "Q1" and q.loc["2024-12-31", "fiscal_period"] == "Q4"
    assert q.loc["2025-03-31", "fiscal_year"] == 2025
    with pytest.raises(NotImplementedError):
        b.fundamentals("annual")


def test_fundamentals_cached_for_a_week(online, tmp_path):
    yf = FakeYF(statements=_statements())
    backend(tmp_path, yf).fundamentals("annual", ["AAA"])
    n = len(yf.ticker_calls)
    backend(tmp_path, yf, clock=Clock("2020-04-05")).fundamentals("annual", ["AAA"])
    assert len(yf.ticker_calls) == n
    backend(tmp_path, yf, clock=Clock("2020-04-20")).fundamentals("annual", ["AAA"])
    assert len(yf.ticker_calls) == n + 1


def test_sp500_constituents_from_wikipedia(online, tmp_path):
    ref = DataLayer("snapshot").sp500_constituents()
    http = FakeHTTP(pages={live_mod.SP500_WIKI: wiki_page()})
    got = backend(tmp_path, http=http).sp500_constituents()
    assert list(got.columns) == list(ref.columns)
    assert got.dtypes.astype(str).tolist() == ref.dtypes.astype(str).tolist()
    assert len(got) == 410 and got["symbol"].iloc[0] == "T0-B"
    assert got.attrs["source"] == "live"
    with pytest.raises(ValueError):
        parse_sp500_wikipedia(wiki_page(20))


def test_parse_ishares_holdings():
    as_of, df = parse_ishares_holdings(ISHARES)
    assert as_of == pd.Timestamp("2026-11-18")
    assert df["ticker"].tolist() == ["BE", "MOG-A"]
    assert df["market_value"].iloc[0] == pytest.approx(1532594919.5)
    ref = pd.read_csv(DataLayer("snapshot").snapshot_dir / "universe" / "iwm_holdings_2026-05-05.csv")
    assert list(df.columns) == list(ref.columns)


def test_iwm_live_file_joins_snapshot_dates_in_auto(online, tmp_path):
    http = FakeHTTP(pages={live_mod.IWM_CSV: ISHARES})
    dl = DataLayer("auto", cache=tmp_path / "cache")
    dl.__dict__["_live_backend"] = backend(tmp_path, http=http)
    dates = dl.iwm_holdings_dates()
    assert pd.Timestamp("2026-11-18") in dates and pd.Timestamp("2025-05-13") in dates
    latest = dl.iwm_holdings()
    assert latest["holdings_date"].iloc[0] == pd.Timestamp("2026-11-18") and len(latest) == 2
    old = dl.iwm_holdings("2025-06-01")  # a past date still gets the snapshot's file
    assert old["holdings_date"].iloc[0] == pd.Timestamp("2025-05-13") and len(old) > 1000
    assert len(http.urls) == 1


def test_datasets_without_live_source_fall_back(online, tmp_path):
    b = backend(tmp_path)
    for call in (b.market_caps, b.sp500_financials, b.sp500_changes, b.shiller_monthly):
        with pytest.raises(NotImplementedError):
            call()
    dl = DataLayer("auto", cache=tmp_path / "cache")
    dl.__dict__["_live_backend"] = b
    assert len(dl.sp500_changes()) > 1000
    assert dl.provenance.table().set_index("item").loc["sp500_changes", "source"] == "snapshot"


def test_yfinance_is_not_imported_until_needed(tmp_path, monkeypatch):
    import sys
    monkeypatch.delitem(sys.modules, "yfinance", raising=False)
    LiveBackend(tmp_path / "cache").prices(["SPY"], "2020-01-01")  # offline: cache only
    assert "yfinance" not in sys.modules


def test_rate_limit_messages_are_not_left_on_yfinance_logger(online, tmp_path, closes):
    before = list(logging.getLogger("yfinance").handlers)
    backend(tmp_path, FakeYF(closes, rate_limit_logs=1)).prices(["SPY"], "2020-01-01")
    assert logging.getLogger("yfinance").handlers == before
