"""Bounded, honest network handling: the probe (DNS included, proxy-aware), the per-run
guard, and a network that never answers, driven through the real yfinance code."""

from __future__ import annotations

import json
import logging
import socket
import threading

import pandas as pd
import pytest
import time_machine

from rotation_utils.data import DataLayer, network, yahoo
from rotation_utils.data.live import LiveBackend


@pytest.fixture
def fresh_probe(monkeypatch):
    monkeypatch.setattr(network, "_PROBES", {})
    for var in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)


def test_probe_bounds_a_dns_lookup_that_hangs(fresh_probe, monkeypatch):
    release = threading.Event()

    def hanging_lookup(*args, **kw):
        release.wait(5)
        raise socket.gaierror("gave up")

    monkeypatch.setattr(network.socket, "getaddrinfo", hanging_lookup)
    try:
        res = network.probe((("query1.finance.yahoo.com", 443),), timeout=0.2)
    finally:
        release.set()
    assert not res.ok and "DNS lookup of query1.finance.yahoo.com took longer than 0.2 s" in res.reason


def test_probe_goes_through_the_https_proxy(fresh_probe, monkeypatch):
    looked_up = []

    def lookup(host, port, **kw):
        looked_up.append((host, port))
        raise socket.gaierror("unknown host")

    monkeypatch.setattr(network.socket, "getaddrinfo", lookup)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    res = network.probe((("query1.finance.yahoo.com", 443),), timeout=0.5)
    assert looked_up == [("proxy.corp", 3128)]
    assert not res.ok and "HTTPS proxy proxy.corp:3128" in res.reason


def test_probe_is_cached_per_process(fresh_probe, monkeypatch):
    calls = []

    def lookup(*args, **kw):
        calls.append(args)
        raise socket.gaierror("unknown host")

    monkeypatch.setattr(network.socket, "getaddrinfo", lookup)
    assert not network.probe().ok and not network.probe().ok
    assert len(calls) == 1


def test_guard_is_shared_by_the_notebooks_of_a_run(tmp_path, monkeypatch):
    monkeypatch.setenv("ROTATION_RUN_DIR", str(tmp_path))
    network.GUARD.reset()
    network.GUARD.mark_down("yahoo", "yahoo did not answer within 10 s")
    other_process = network.Guard()
    assert other_process.down("yahoo") == "yahoo did not answer within 10 s"
    assert other_process.down("fred") is None
    assert "yahoo" in json.loads((tmp_path / network.STATUS_FILE).read_text())
    network.GUARD.reset()


class _Seen(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.names = []

    def emit(self, record):
        self.names.append(record.name)


def test_a_network_that_never_answers_costs_one_timeout_and_says_why(tmp_path, monkeypatch):
    """The real yfinance request path (cookie, crumb, chart, statements, quote) on a
    transport where every request times out: one wave of capped requests, then the
    run treats Yahoo as down, serves what it can and says why."""
    import yfinance as yf
    import yfinance.base
    from yfinance import _http
    from yfinance.data import YfData

    calls = []

    def never_answers(self, method, url, *args, **kw):
        calls.append((str(url), kw.get("timeout")))
        raise _http.requests.exceptions.Timeout(f"Operation timed out after {kw.get('timeout')} s")

    monkeypatch.setattr(_http.requests.Session, "request", never_answers)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    monkeypatch.setenv("ROTATION_RUN_DIR", str(run_dir))
    monkeypatch.setenv("ROTATION_OFFLINE", "0")
    yf.set_tz_cache_location(str(tmp_path / "yfinance-cache"))
    YfData.cache_get.cache_clear()
    monkeypatch.setattr(yfinance.base, "_tz_info_fetch_ctr", 0)
    network.GUARD.reset()
    under_cells = _Seen()  # what a notebook cell would print: records reaching the root logger
    logging.getLogger().addHandler(under_cells)
    try:
        with time_machine.travel(pd.Timestamp("2020-03-31 22:00").tz_localize("UTC").to_pydatetime(), tick=False):
            dl = DataLayer("auto", cache=tmp_path / "cache")
            dl.__dict__["_live_backend"] = LiveBackend(tmp_path / "cache", sleep=lambda s: None)
            px = dl.prices(["SPY", "IWM", "^TNX"], "2020-01-01", "2020-03-31")
            first_wave = len(calls)
            dl.fundamentals("annual", ["AAPL", "MSFT"])
            info = dl.quote_info(["IWM"])
            notices = dl.provenance.to_json()["notices"]
    finally:
        logging.getLogger().removeHandler(under_cells)
        network.GUARD.reset()
        YfData.cache_get.cache_clear()
    assert 1 <= first_wave <= yahoo.WORKERS  # one concurrent wave at most
    assert len(calls) == first_wave  # nothing after the first timeout
    assert all(t <= network.YAHOO_TIMEOUT_S for _, t in calls)  # each capped (yfinance asks 30 s)
    assert list(px.columns) == ["SPY", "IWM", "^TNX"]  # the snapshot still serves
    assert info["status"].tolist() == ["missing"] and "did not answer" in info["note"].iloc[0]
    assert any("yahoo did not answer within 10 s" in n for n in notices)
    prov = dl.provenance.table().set_index("item")
    assert prov.loc["SPY", "source"] == "snapshot" and "did not answer" in prov.loc["SPY", "note"]
    log_text = (run_dir / "run.log").read_text()
    assert "yfinance WARNING" in log_text  # yfinance's lines go to the run log
    assert not [n for n in under_cells.names if n.startswith("yfinance")]  # ... not under a report cell
    assert any(n.startswith("yfinance: ") for n in notices)


def test_yfinance_log_lines_are_routed_and_collected(tmp_path, monkeypatch):
    yahoo.load_yfinance()
    monkeypatch.setenv("ROTATION_RUN_DIR", str(tmp_path))
    logging.getLogger("yfinance").warning("['ZZZ']: YFRateLimitError('Too Many Requests')")
    assert "Too Many Requests" in (tmp_path / "run.log").read_text()
    assert "['ZZZ']: YFRateLimitError('Too Many Requests')" in yahoo.yf_messages()
