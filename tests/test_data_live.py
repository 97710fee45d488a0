"""LiveBackend and the data layer on the real yfinance code against fake Yahoo HTTP answers.

Yahoo (chart, statement and quote JSON) is faked at yfinance's one request
method (``tests.fakes.FakeYahoo``); FRED and the web tables through ``responses``.
The clock is moved with ``time-machine``, so yfinance and the cache see the
same "now". No network is ever used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import responses
import time_machine

from rotation_utils.data import DataLayer, market_hours, network
from rotation_utils.data.live import OVERLAP_DAYS, LiveBackend
from rotation_utils.data.web_tables import IWM_CSV, SP500_WIKI
from rotation_utils.errors import DataUnavailableError
from tests.fakes import ISHARES, adjusted, business_closes, serve_fred, serve_page, wiki_page, yahoo  # noqa: F401

TICKERS = ["SPY", "IWM", "^TNX"]


def at(when: str):
    """Travel to ``when`` (UTC) with the clock stopped."""
    return time_machine.travel(pd.Timestamp(when).tz_localize("UTC").to_pydatetime(), tick=False)


def backend(tmp_path, **kw) -> LiveBackend:
    sleeps = []
    b = LiveBackend(tmp_path / "cache", sleep=sleeps.append, **kw)
    b.sleeps = sleeps
    return b


@pytest.fixture
def market(yahoo):
    """SPY and IWM (ETFs) and ^TNX (a yield) from 2020-01-02 to 2020-04-30."""
    yahoo.add("SPY", business_closes("2020-01-01", "2020-04-30", 300.0, seed=1))
    yahoo.add("IWM", business_closes("2020-01-01", "2020-04-30", 150.0, seed=2))
    yahoo.add("^TNX", business_closes("2020-01-01", "2020-04-30", 1.5, seed=3), kind="INDEX")
    return yahoo


def closes_of(df: pd.DataFrame, ticker: str) -> pd.Series:
    return df[df["ticker"] == ticker].set_index("date")["close"]


# ---- shapes ---------------------------------------------------------------------
def test_prices_have_the_snapshot_shape_and_yahoos_adjusted_closes(market, tmp_path):
    market.dividends["SPY"] = {"2020-03-20": 1.4}
    with at("2020-03-31 22:00"):
        df = backend(tmp_path).prices(TICKERS, "2020-01-01")
    assert list(df.columns) == ["date", "ticker", "close"]
    assert df["date"].dtype == "datetime64[ns]" and df["close"].dtype == "float64"
    assert df["ticker"].dtype == "str" and df["date"].dt.hour.eq(0).all()
    want = adjusted(market.closes["SPY"][:"2020-03-31"], {pd.Timestamp("2020-03-20"): 1.4})
    np.testing.assert_allclose(closes_of(df, "SPY").to_numpy(), want.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(closes_of(df, "^TNX").to_numpy(), market.closes["^TNX"][:"2020-03-31"].to_numpy())
    assert df.attrs["served_by"] == {t: "live" for t in TICKERS}


def test_unknown_ticker_is_missing_with_yahoos_reason(market, tmp_path):
    with at("2020-03-31 22:00"):
        dl = DataLayer("live", cache=tmp_path / "cache")
        dl.__dict__["_live_backend"] = backend(tmp_path)
        wide = dl.prices(["SPY", "NOSUCH"], "2020-01-01")
    assert list(wide.columns) == ["SPY"]
    rec = dl.provenance.table().set_index("item").loc["NOSUCH"]
    assert rec["status"] == "missing" and "no data" in rec["note"].lower()


def test_many_tickers_in_batches(yahoo, tmp_path):
    names = [f"T{i}" for i in range(60)]
    for i, n in enumerate(names):
        yahoo.add(n, business_closes("2020-03-02", "2020-03-31", 10.0 + i, seed=i))
    with at("2020-03-31 22:00"):
        b = backend(tmp_path, batch_size=25, pace_s=0.5)
        df = b.prices(names, "2020-03-01")
    assert df["ticker"].nunique() == 60
    assert len(yahoo.chart_requests()) == 60 and b.sleeps == [0.5, 0.5]  # paced between batches


# ---- the scenarios ---------------------------------------------------------
def test_mid_session_bar_is_never_cached_and_the_close_does_not_rescale_history(market, tmp_path):
    market.live_price["SPY"] = market.closes["SPY"]["2020-03-31"] * 0.971  # mid-day price
    market.live_price["^TNX"] = market.closes["^TNX"]["2020-03-31"] * 1.053
    with at("2020-03-31 18:00"):  # 14:00 in New York
        first = backend(tmp_path).prices(TICKERS, "2020-01-01")
        assert first["date"].max() == pd.Timestamp("2020-03-30")  # no intraday close served
        cached = backend(tmp_path).cache.read("prices", "SPY").frame
        assert cached["date"].max() == pd.Timestamp("2020-03-30")  # nor cached
        n = len(market.chart_requests())
        backend(tmp_path).prices(TICKERS, "2020-01-01")
        assert len(market.chart_requests()) == n  # nothing new can exist yet
    with at("2020-03-31 22:00"):  # after the close
        after = backend(tmp_path).prices(TICKERS, "2020-01-01")
    for t in TICKERS:
        a = closes_of(after, t)
        assert a.index.max() == pd.Timestamp("2020-03-31")
        assert a["2020-03-31"] == pytest.approx(market.closes[t]["2020-03-31"])
        pd.testing.assert_series_equal(a[:"2020-03-30"], closes_of(first, t))  # older rows untouched


def test_one_ticker_rate_limited_in_a_batch_keeps_its_stamp_and_is_retried(market, tmp_path):
    with at("2020-03-20 22:00"):
        backend(tmp_path).prices(TICKERS, "2020-01-01")
    stamp = backend(tmp_path).cache.read("prices", "IWM").meta["fetched_at"]
    market.rate_limited["IWM"] = -1  # Yahoo keeps refusing IWM
    with at("2020-03-31 22:00"):
        b = backend(tmp_path, retries=2, backoff_s=1.0)
        df = b.prices(TICKERS, "2020-01-01")
        assert df.attrs["served_by"] == {"SPY": "live", "IWM": "cache", "^TNX": "live"}
        assert "rate-limited" in df.attrs["notes"]["IWM"]
        assert closes_of(df, "IWM").index.max() == pd.Timestamp("2020-03-20")
        assert closes_of(df, "SPY").index.max() == pd.Timestamp("2020-03-31")
        assert b.sleeps == [1.0, 2.0]
        assert backend(tmp_path).cache.read("prices", "IWM").meta["fetched_at"] == stamp
        assert any("rate-limited" in n for n in b.notices())
    market.rate_limited.pop("IWM")
    with at("2020-03-31 23:00"):  # later the same day
        network.GUARD.reset()  # the run's 15-minute pause on Yahoo is over
        again = backend(tmp_path).prices(TICKERS, "2020-01-01")
    assert again.attrs["served_by"]["IWM"] == "live"
    assert closes_of(again, "IWM").index.max() == pd.Timestamp("2020-03-31")
    assert [p for p in market.chart_requests("SPY")].__len__() == 2  # SPY was fresh: not asked again


def test_dividend_between_two_refreshes_rescales_older_closes_once(market, tmp_path):
    with at("2020-02-14 22:00"):
        backend(tmp_path).prices(["SPY"], "2020-01-01")
    market.dividends["SPY"] = {"2020-03-02": 2.5}
    with at("2020-03-31 22:00"):
        df = backend(tmp_path).prices(["SPY"], "2020-01-01")
    want = adjusted(market.closes["SPY"][:"2020-03-31"], {pd.Timestamp("2020-03-02"): 2.5})
    np.testing.assert_allclose(closes_of(df, "SPY").to_numpy(), want.to_numpy(), rtol=1e-9)
    with at("2020-04-15 22:00"):
        later = backend(tmp_path).prices(["SPY"], "2020-01-01")
    np.testing.assert_allclose(closes_of(later, "SPY")[:"2020-03-31"].to_numpy(), want.to_numpy(), rtol=1e-9)


def test_a_split_or_revised_history_is_refetched_not_rescaled(market, tmp_path):
    with at("2020-02-14 22:00"):
        backend(tmp_path).prices(["SPY"], "2020-01-01")
    market.closes["SPY"] = market.closes["SPY"] / 4  # a 4:1 split re-bases everything
    with at("2020-03-31 22:00"):
        df = backend(tmp_path).prices(["SPY"], "2020-01-01")
    np.testing.assert_allclose(closes_of(df, "SPY").to_numpy(), market.closes["SPY"][:"2020-03-31"].to_numpy())
    assert market.chart_requests("SPY")[-1]["period1"] < market.chart_requests("SPY")[1]["period1"]


def test_a_disappearing_ticker_is_served_from_cache_and_not_asked_again_today(market, tmp_path):
    with at("2020-03-20 22:00"):
        backend(tmp_path).prices(["IWM"], "2020-01-01")
    market.gone.add("IWM")
    with at("2020-03-31 22:00"):
        df = backend(tmp_path).prices(["IWM"], "2020-01-01")
        assert df.attrs["served_by"] == {"IWM": "cache"}
        assert "without data" in df.attrs["notes"]["IWM"]
        n = market.count("/chart/IWM")
        again = backend(tmp_path).prices(["IWM"], "2020-01-01")
        assert market.count("/chart/IWM") == n  # remembered for the day
        assert again.attrs["served_by"] == {"IWM": "cache"}
    assert closes_of(df, "IWM").index.max() == pd.Timestamp("2020-03-20")


def test_no_start_after_a_windowed_fetch_backfills_older_years(market, tmp_path):
    with at("2020-03-31 22:00"):
        backend(tmp_path).prices(["SPY"], "2020-03-01")
        df = backend(tmp_path).prices(["SPY"])
    assert closes_of(df, "SPY").index.min() == pd.Timestamp("2020-01-02")
    assert backend(tmp_path).cache.read("prices", "SPY").meta["requested_from"] == ""


# ---- cache rules ---------------------------------------------------------------------
def test_refresh_asks_only_for_the_overlap_and_later(market, tmp_path):
    with at("2020-02-14 22:00"):
        backend(tmp_path).prices(TICKERS, "2020-01-01")
    with at("2020-03-31 22:00"):
        df = backend(tmp_path).prices(TICKERS, "2020-01-01")
    p1 = pd.Timestamp(int(market.chart_requests("SPY")[-1]["period1"]), unit="s")
    assert p1.normalize() == pd.Timestamp("2020-02-14") - pd.Timedelta(days=OVERLAP_DAYS)
    assert df.groupby("ticker")["date"].max().eq(pd.Timestamp("2020-03-31")).all()
    assert df.groupby("ticker")["date"].min().eq(pd.Timestamp("2020-01-02")).all()


def test_window_inside_the_cache_makes_no_request_even_when_stale(market, tmp_path):
    with at("2020-03-31 22:00"):
        backend(tmp_path).prices(["SPY"], "2020-01-01")
    n = len(market.chart_requests())
    with at("2020-04-30 22:00"):
        df = backend(tmp_path).prices(["SPY"], "2020-01-01", "2020-02-28")
    assert len(market.chart_requests()) == n and df["date"].max() <= pd.Timestamp("2020-02-28")


def test_earlier_start_than_cached_refetches_from_start(market, tmp_path):
    with at("2020-03-31 22:00"):
        backend(tmp_path).prices(["SPY"], "2020-03-01")
        df = backend(tmp_path).prices(["SPY"], "2020-01-15")
    assert df["date"].min() == pd.Timestamp("2020-01-15")


def test_failed_fetch_keeps_the_file_and_labels_cache_with_the_reason(market, tmp_path):
    with at("2020-03-20 22:00"):
        b = backend(tmp_path)
        good = b.prices(TICKERS, "2020-01-01")
    path = b.cache.path("prices", "SPY")
    before = path.read_bytes()
    network.GUARD.mark_down("yahoo", "yahoo did not answer within 10 s (query2.finance.yahoo.com)")
    with at("2020-03-31 22:00"):
        df = backend(tmp_path).prices(TICKERS, "2020-01-01")
    assert path.read_bytes() == before
    assert df.attrs["served_by"] == {t: "cache" for t in TICKERS}
    assert "did not answer" in df.attrs["notes"]["SPY"] and len(df) == len(good)


def test_everything_failing_is_empty_or_a_one_line_error(market, tmp_path):
    network.GUARD.mark_down("yahoo", "test: down")
    with at("2020-03-31 22:00"):
        assert backend(tmp_path).prices(["SPY"], "2020-01-01").empty
        with pytest.raises(DataUnavailableError) as exc:
            backend(tmp_path, strict=True).prices(["SPY"], "2020-01-01")
    assert "\n" not in str(exc.value) and "test: down" in str(exc.value)


# ---- offline ------------------------------------------------------------------------
def test_offline_env_serves_cache_only_labelled_cache(market, tmp_path, monkeypatch):
    with at("2020-03-31 22:00"):
        backend(tmp_path).prices(["SPY"], "2020-01-01")
    monkeypatch.setenv("ROTATION_OFFLINE", "1")
    n = len(market.requests)
    with at("2020-05-01 22:00"):
        b = backend(tmp_path)
        df = b.prices(["SPY"], "2020-01-01")
    assert len(market.requests) == n and df.attrs["served_by"] == {"SPY": "cache"}
    assert b.notices() == ["live sources not used: ROTATION_OFFLINE=1 is set"]


def test_probe_failure_is_the_reason_in_provenance(tmp_path, monkeypatch):
    monkeypatch.setenv("ROTATION_OFFLINE", "0")
    b = backend(
        tmp_path,
        network="probe",
        probe=lambda: network.ProbeResult(False, "network probe of x:443 failed: DNS lookup of x took longer than 2 s"),
    )
    dl = DataLayer("auto", cache=tmp_path / "cache")
    dl.__dict__["_live_backend"] = b
    dl.prices(["SPY"], "2024-01-01", "2024-02-01")
    assert dl.provenance.table().set_index("item").loc["SPY", "source"] == "snapshot"
    assert any("DNS lookup of x took longer" in n for n in dl.provenance.to_json()["notices"])
    assert "DNS lookup" in dl.describe()


def test_yfinance_is_not_imported_until_needed(tmp_path, monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "yfinance", raising=False)
    LiveBackend(tmp_path / "cache").prices(["SPY"], "2020-01-01")  # offline: cache only
    assert "yfinance" not in sys.modules


def test_auto_mixes_live_and_snapshot_per_ticker(market, tmp_path):
    with at("2020-03-31 22:00"):
        dl = DataLayer("auto", cache=tmp_path / "cache")
        dl.__dict__["_live_backend"] = backend(tmp_path)
        px = dl.prices(["SPY", "QQQ"], "2020-01-01", "2020-03-31")
    src = dl.provenance.table().set_index("item")["source"]
    assert src["SPY"] == "live" and src["QQQ"] == "snapshot" and px["QQQ"].notna().sum() > 50


# ---- FRED and the web tables (requests mocked by `responses`) --------------------------
@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_fred_refresh_asks_from_the_day_after_the_last_observation(yahoo, http, tmp_path):
    full = business_closes("2020-01-01", "2020-03-31", 1.8, seed=4)
    serve_fred(http, {"DGS10": full[:"2020-02-14"]})
    with at("2020-02-14 22:00"):
        backend(tmp_path).rates(["DGS10"], "2020-01-01")
    http.reset()
    serve_fred(http, {"DGS10": full})
    with at("2020-03-31 22:00"):
        df = backend(tmp_path).rates(["DGS10", "NOSUCH"], "2020-01-01")
    assert [c.request.url for c in http.calls][0].endswith("id=DGS10&cosd=2020-02-15")
    assert len(df) == len(full) and df["value"].dtype == "float64"
    assert "404" in df.attrs["notes"]["NOSUCH"]


def test_fred_timeout_marks_fred_down_for_the_run(yahoo, http, tmp_path):
    import requests

    http.add(
        responses.GET,
        "https://fred.stlouisfed.org/graph/fredgraph.csv",
        body=requests.exceptions.ReadTimeout("read timed out"),
    )
    with at("2020-03-31 22:00"):
        b = backend(tmp_path)
        df = b.rates(["DGS10", "DGS2", "T10Y2Y"], "2020-01-01")
        assert any("FRED did not answer" in n for n in b.notices())
    assert len(http.calls) == 1  # the others are not tried
    assert "FRED did not answer" in df.attrs["notes"]["T10Y2Y"]


def test_fred_dot_is_missing_and_old_date_header(yahoo, http, tmp_path):
    serve_page(http, "https://fred.stlouisfed.org", "DATE,DGS10\n2020-01-02,1.88\n2020-01-03,.\n2020-01-06,1.81\n")
    with at("2020-03-31 22:00"):
        df = backend(tmp_path).rates(["DGS10"], "2020-01-01")
    assert df["value"].tolist() == [1.88, 1.81]


def test_fred_error_page_is_a_failure_not_data(yahoo, http, tmp_path):
    serve_page(http, "https://fred.stlouisfed.org", "<html>Service unavailable</html>")
    with at("2020-03-31 22:00"):
        assert backend(tmp_path).rates(["DGS10"], "2020-01-01").empty


def test_sp500_constituents_from_wikipedia(yahoo, http, tmp_path):
    ref = DataLayer("snapshot").sp500_constituents()
    serve_page(http, SP500_WIKI, wiki_page())
    with at("2020-03-31 22:00"):
        got = backend(tmp_path).sp500_constituents()
    assert list(got.columns) == list(ref.columns)
    assert got.dtypes.astype(str).tolist() == ref.dtypes.astype(str).tolist()
    assert len(got) == 410 and got["symbol"].iloc[0] == "T0-B" and got.attrs["source"] == "live"


def test_iwm_live_file_joins_snapshot_dates_in_auto(yahoo, http, tmp_path):
    serve_page(http, IWM_CSV, ISHARES)
    with at("2026-11-20 22:00"):
        dl = DataLayer("auto", cache=tmp_path / "cache")
        dl.__dict__["_live_backend"] = backend(tmp_path)
        dates = dl.iwm_holdings_dates()
        latest = dl.iwm_holdings()
        old = dl.iwm_holdings("2025-06-01")
    assert pd.Timestamp("2026-11-18") in dates and pd.Timestamp("2025-05-13") in dates
    assert latest["holdings_date"].iloc[0] == pd.Timestamp("2026-11-18") and len(latest) == 2
    assert old["holdings_date"].iloc[0] == pd.Timestamp("2025-05-13") and len(old) > 1000
    assert len(http.calls) == 1


def test_datasets_without_live_source_fall_back(yahoo, tmp_path):
    b = backend(tmp_path)
    for call in (b.market_caps, b.sp500_financials, b.sp500_changes, b.shiller_monthly):
        with pytest.raises(NotImplementedError):
            call()
    dl = DataLayer("auto", cache=tmp_path / "cache")
    dl.__dict__["_live_backend"] = b
    assert len(dl.sp500_changes()) > 1000
    assert dl.provenance.table().set_index("item").loc["sp500_changes", "source"] == "snapshot"


def test_market_hours_use_the_exchange_calendar():
    assert market_hours.last_closed_session("2020-03-31 18:00") == pd.Timestamp("2020-03-30")
    assert market_hours.last_closed_session("2020-03-31 20:31") == pd.Timestamp("2020-03-31")
    assert market_hours.last_closed_session("2020-04-11 12:00") == pd.Timestamp("2020-04-09")  # Good Friday
    assert market_hours.last_closed_session("2020-11-27 18:45") == pd.Timestamp("2020-11-27")  # early close
