"""``rotation snapshot``: a folder written from (fake) live sources reads back through the layer."""

from __future__ import annotations

import argparse
import hashlib
import json

import numpy as np
import pandas as pd
import pytest
import responses
import time_machine

from rotation_utils.data import DataLayer, export, network
from rotation_utils.data import live as live_mod
from rotation_utils.data.live import LiveBackend
from rotation_utils.data.web_tables import IWM_CSV, SP500_WIKI
from rotation_utils.errors import BadInputError, DataUnavailableError
from tests.fakes import ISHARES, business_closes, serve_fred, serve_page, wiki_page, yahoo  # noqa: F401

TICKERS = ["SPY", "IWM", "^TNX"]
NOW = pd.Timestamp("2020-06-30 22:00").tz_localize("UTC").to_pydatetime()


def weekday_series(start, end, seed) -> pd.Series:
    days = pd.bdate_range(start, end)
    return pd.Series(2.0 + np.random.default_rng(seed).normal(0, 0.05, len(days)).cumsum(), index=days)


@pytest.fixture
def fake_live(tmp_path, yahoo):
    """A live backend on the real yfinance code against fake Yahoo, FRED, Wikipedia and iShares."""
    closes = {t: business_closes("2020-01-01", "2020-06-30", 100.0 * (i + 1), seed=i) for i, t in enumerate(TICKERS)}
    for t, s in closes.items():
        yahoo.add(t, s, kind="INDEX" if t.startswith("^") else "ETF")
    rates = {k: weekday_series("2019-06-03", "2020-06-30", i) for i, k in enumerate(["DGS10", "DGS2"])}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http, time_machine.travel(NOW, tick=False):
        serve_fred(http, rates)
        serve_page(http, SP500_WIKI, wiki_page())
        serve_page(http, IWM_CSV, ISHARES)
        b = LiveBackend(tmp_path / "cache", sleep=lambda s: None)
        b.closes, b.rates_src = closes, rates
        yield b


def test_round_trip_through_snapshot_layer(tmp_path, fake_live):
    out = tmp_path / "snap"
    m = export.write_snapshot(
        out, start="2020-01-01", tickers=TICKERS + ["NOSUCH"], series=["DGS10", "DGS2"], backend=fake_live
    )
    assert m["format"] == "rotation-snapshot/1" and m["as_of"] == "2020-06-30"
    assert sorted(m["files"]) == [
        "prices.parquet",
        "rates.parquet",
        "universe/iwm_holdings_2026-11-18.csv",
        "universe/sp500_constituents.csv",
    ]
    for rel, entry in m["files"].items():
        assert entry["sha256"] == hashlib.sha256((out / rel).read_bytes()).hexdigest()
    assert json.loads((out / "manifest.json").read_text()) == m
    assert m["missing"] == [{"file": "prices.parquet", "ticker": "NOSUCH", "reason": "not served by the live source"}]

    dl = DataLayer("snapshot", snapshot=out)
    px = dl.prices(TICKERS)
    assert list(px.columns) == TICKERS and (px.dtypes == "float64").all()
    pd.testing.assert_series_equal(
        px["SPY"],
        fake_live.closes["SPY"].astype("float64"),
        check_names=False,
        check_freq=False,
        check_index_type=False,
    )
    assert m["files"]["prices.parquet"]["rows"] == px.notna().sum().sum()
    r = dl.rates(["DGS10", "DGS2"])
    assert r.index.min() == pd.Timestamp("2020-01-01")
    assert r["DGS2"].iloc[-1] == pytest.approx(fake_live.rates_src["DGS2"].iloc[-1])
    assert len(dl.sp500_members()) == 410
    assert dl.iwm_holdings()["ticker"].tolist() == ["BE", "MOG-A"]
    assert dl.as_of == "2020-06-30"
    raw = pd.read_parquet(out / "prices.parquet")
    assert raw.dtypes.astype(str).tolist() == ["datetime64[ns]", "str", "float64"]


def test_refreshing_an_existing_snapshot_needs_force_and_keeps_what_is_not_served(tmp_path, fake_live):
    out = tmp_path / "snap"
    export.write_snapshot(out, start="2020-01-01", tickers=TICKERS, series=["DGS10"], backend=fake_live)
    with pytest.raises(BadInputError, match="already holds a snapshot .* pass --force"):
        export.write_snapshot(out, start="2020-03-01", tickers=["SPY"], series=["DGS10"], backend=fake_live)
    m = export.write_snapshot(out, start="2020-03-01", tickers=["SPY"], series=["DGS10"], backend=fake_live, force=True)
    px = DataLayer("snapshot", snapshot=out).prices(["SPY", "IWM"])
    assert list(px.columns) == ["SPY", "IWM"]  # IWM was not asked for: kept from the previous snapshot
    assert px["SPY"].first_valid_index() >= pd.Timestamp("2020-03-01")  # SPY refreshed
    assert m["refresh"]["kept_items"]["prices.parquet"] == ["IWM", "^TNX"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "snap"]  # no temp folders left


def test_refuses_non_empty_non_snapshot_folder(tmp_path, fake_live):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "todo.txt").write_text("keep me")
    with pytest.raises(BadInputError) as exc:
        export.write_snapshot(out, backend=fake_live, tickers=["SPY"])
    assert "\n" not in str(exc.value) and "not empty" in str(exc.value)
    assert (out / "todo.txt").read_text() == "keep me"
    (tmp_path / "file").write_text("x")
    with pytest.raises(BadInputError, match="is a file"):
        export.write_snapshot(tmp_path / "file", backend=fake_live, tickers=["SPY"])


def test_empty_folder_is_fine(tmp_path, fake_live):
    out = tmp_path / "empty"
    out.mkdir()
    export.write_snapshot(out, start="2020-01-01", tickers=["SPY"], series=["DGS10"], backend=fake_live)
    assert (out / "manifest.json").is_file()


def test_nothing_fetched_writes_nothing(tmp_path, yahoo):
    with responses.RequestsMock(assert_all_requests_are_fired=False), time_machine.travel(NOW, tick=False):
        network.GUARD.mark_down("yahoo", "yahoo did not answer within 10 s")
        b = LiveBackend(tmp_path / "cache", sleep=lambda s: None)
        with pytest.raises(DataUnavailableError) as exc:
            export.write_snapshot(tmp_path / "snap", tickers=["SPY"], backend=b)
    assert "\n" not in str(exc.value)
    assert not (tmp_path / "snap").exists()


def test_bad_dates(tmp_path, fake_live):
    with pytest.raises(BadInputError, match="start"):
        export.write_snapshot(tmp_path / "s", start="soon", backend=fake_live)
    with pytest.raises(BadInputError, match="must be before"):
        export.write_snapshot(tmp_path / "s", start="2021-01-01", end="2020-01-01", backend=fake_live)


def test_default_lists_cover_the_core():
    t = export.default_tickers()
    assert len(t) == len(set(t))
    assert {"SPY", "IWM", "GOOGL", "GOOG", "^GSPC", "^RUT", "^TNX", "XLK", "FIX", "TLT"} <= set(t)
    assert "DGS10" in export.DEFAULT_SERIES and len(export.DEFAULT_SERIES) == 10


def test_add_parser_and_run(tmp_path, fake_live, monkeypatch, capsys):
    monkeypatch.setattr(live_mod, "LiveBackend", lambda **kw: fake_live)
    parser = argparse.ArgumentParser(prog="rotation")
    export.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "snapshot",
            "--out",
            str(tmp_path / "s"),
            "--start",
            "2020-01-01",
            "--tickers",
            "SPY,IWM",
            "^TNX",
            "--series",
            "DGS10",
        ]
    )
    assert args.func is export.run and args.tickers == ["SPY,IWM", "^TNX"]
    assert args.func(args) == 0
    assert "3 tickers" in capsys.readouterr().out
    assert list(DataLayer("snapshot", snapshot=tmp_path / "s").prices(["SPY", "IWM", "^TNX"]).columns) == TICKERS


def test_bulk_fetches_are_paced(tmp_path, fake_live, monkeypatch):
    made = {}

    def make(**kw):
        made.update(kw)
        return fake_live

    monkeypatch.setattr(live_mod, "LiveBackend", make)
    export.write_snapshot(tmp_path / "s", start="2020-01-01", tickers=["SPY"], series=["DGS10"])
    assert made["pace_s"] > 0 and made["retries"] >= 6 and made["backoff_s"] >= 5
    assert made["network"] == "probe"


def test_main_reports_errors_on_one_line(tmp_path, fake_live, monkeypatch, capsys):
    monkeypatch.setattr(live_mod, "LiveBackend", lambda **kw: fake_live)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    assert export.main(["snapshot", "--out", str(tmp_path / "busy")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rotation snapshot: ") and err.count("\n") == 1
    assert (
        export.main(["--out", str(tmp_path / "ok"), "--tickers", "SPY", "--series", "DGS10", "--start", "2020-01-01"])
        == 0
    )
