"""Live statements on the real yfinance code (fake Yahoo timeseries JSON) and their merge
with the stored history, period by period, with provenance per company."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import time_machine

from rotation_utils.data import DataLayer
from rotation_utils.data.live import LiveBackend
from rotation_utils.data.merge import merge_statements
from rotation_utils.data.snapshot import SnapshotBackend
from rotation_utils.errors import DataUnavailableError
from tests.fakes import yahoo  # noqa: F401

T = pd.Timestamp


def at(when: str):
    return time_machine.travel(T(when).tz_localize("UTC").to_pydatetime(), tick=False)


def backend(tmp_path, **kw) -> LiveBackend:
    sleeps = []
    b = LiveBackend(tmp_path / "cache", sleep=sleeps.append, **kw)
    b.sleeps = sleeps
    return b


def serve_aaa(yahoo):
    yahoo.add_statement(
        "AAA",
        "annual",
        {
            "TotalRevenue": {"2024-12-31": 200.0, "2023-12-31": 100.0},
            "OperatingIncome": {"2024-12-31": 50.0, "2023-12-31": 20.0},
            "EBIT": {"2024-12-31": 48.0, "2023-12-31": 19.0},
            "NetIncome": {"2024-12-31": 30.0, "2023-12-31": 10.0},
            "DilutedEPS": {"2024-12-31": 3.0, "2023-12-31": 1.0},
            "OperatingCashFlow": {"2024-12-28": 40.0, "2023-12-30": 15.0},  # 52/53-week dating
            "CapitalExpenditure": {"2024-12-28": -5.0, "2023-12-30": -4.0},
            "TotalDebt": {"2024-12-31": 70.0, "2023-12-31": 80.0},
        },
    )
    yahoo.add_statement(
        "AAA",
        "quarterly",
        {
            "TotalRevenue": {"2025-03-31": 60.0, "2024-12-31": 55.0, "2024-09-30": 50.0},
            "NetIncome": {"2025-03-31": 8.0, "2024-12-31": 7.0, "2024-09-30": 6.0},
        },
    )


def test_statements_map_to_the_snapshot_columns(yahoo, tmp_path):
    serve_aaa(yahoo)
    snap = SnapshotBackend(DataLayer("snapshot").snapshot_dir)
    with at("2025-05-20 22:00"):
        b = backend(tmp_path)
        for freq in ("annual", "quarterly"):
            got = b.fundamentals(freq, ["AAA"])
            ref = snap.fundamentals(freq, ["AAPL"])
            assert list(got.columns) == list(ref.columns)
            assert got.dtypes.astype(str).tolist() == ref.dtypes.astype(str).tolist()
        a = b.fundamentals("annual", ["AAA"]).set_index("fiscal_year")
        q = b.fundamentals("quarterly", ["AAA"]).set_index("period_end")
    assert a.loc[2024, "revenue"] == 200.0 and a.loc[2024, "capex"] == -5.0
    assert a.loc[2023, "total_debt"] == 80.0 and np.isnan(a.loc[2024, "cash"])
    assert q.loc["2025-03-31", "fiscal_period"] == "Q1" and q.loc["2024-12-31", "fiscal_period"] == "Q4"
    assert (a["source"] == "yfinance").all()
    with pytest.raises(NotImplementedError):
        b.fundamentals("annual")


def test_statements_are_cached_for_a_week(yahoo, tmp_path):
    serve_aaa(yahoo)
    with at("2025-05-20 22:00"):
        backend(tmp_path).fundamentals("annual", ["AAA"])
    n = yahoo.count("fundamentals-timeseries")
    with at("2025-05-25 22:00"):
        backend(tmp_path).fundamentals("annual", ["AAA"])
    assert yahoo.count("fundamentals-timeseries") == n
    with at("2025-06-02 22:00"):
        backend(tmp_path).fundamentals("annual", ["AAA"])
    assert yahoo.count("fundamentals-timeseries") > n


def test_live_quarters_accumulate_in_the_cache(yahoo, tmp_path):
    """Yahoo serves ~5 quarters; each refresh adds the new one to those cached before."""
    serve_aaa(yahoo)
    with at("2025-05-20 22:00"):
        backend(tmp_path).fundamentals("quarterly", ["AAA"])
    yahoo.statements[("AAA", "quarterly")] = {
        "TotalRevenue": {"2025-06-30": 65.0, "2025-03-31": 61.0, "2024-12-31": 55.0},
        "NetIncome": {"2025-06-30": 9.0, "2025-03-31": 8.0, "2024-12-31": 7.0},
    }
    with at("2025-08-20 22:00"):
        q = backend(tmp_path, strict=True).fundamentals("quarterly", ["AAA"]).set_index("period_end")
    assert list(q.index) == [T("2024-09-30"), T("2024-12-31"), T("2025-03-31"), T("2025-06-30")]
    assert q.loc["2025-03-31", "revenue"] == 61.0  # the newer answer wins


def test_empty_answers_are_retried_with_backoff(yahoo, tmp_path):
    serve_aaa(yahoo)
    yahoo.empty_statements["AAA"] = 4  # throttled: two fetches (fast + chunked) come back empty twice
    with at("2025-05-20 22:00"):
        b = backend(tmp_path, backoff_s=1.0)
        got = b.fundamentals("annual", ["AAA"])
    assert len(got) == 2 and b.sleeps == [1.0, 2.0]


def test_names_answered_empty_in_a_row_stop_the_retries_for_the_run(yahoo, tmp_path):
    for sym in ("AAA", "BBB", "CCC", "DDD"):
        yahoo.empty_statements[sym] = -1
    with at("2025-05-20 22:00"):
        b = backend(tmp_path, retries=1, backoff_s=1.0)
        assert b.fundamentals("annual", ["AAA", "BBB", "CCC", "DDD"]) is None
        notices = b.notices()
    assert yahoo.count("timeseries/CCC") > 0 and yahoo.count("timeseries/DDD") == 0
    assert b.sleeps == [1.0, 1.0, 1.0]  # one backoff per name, then stop
    assert any("empty for 3 names in a row" in n for n in notices)


def test_auto_merges_partial_live_statements_with_the_snapshot(yahoo, tmp_path):
    """Live AAPL for two years must not hide the snapshot's older years, nor make MSFT missing."""
    yahoo.add_statement(
        "AAPL",
        "annual",
        {
            "TotalRevenue": {"2025-09-27": 999.0, "2024-09-28": 391e9},
            "NetIncome": {"2025-09-27": 1.0, "2024-09-28": 2.0},
        },
    )
    yahoo.empty_statements["MSFT"] = -1
    with at("2025-11-20 22:00"):
        dl = DataLayer("auto", cache=tmp_path / "cache")
        dl.__dict__["_live_backend"] = backend(tmp_path, retries=1)
        got = dl.fundamentals("annual", ["AAPL", "MSFT"])
    snap = DataLayer("snapshot").fundamentals("annual", ["AAPL", "MSFT"])
    aapl = got[got["symbol"] == "AAPL"].set_index("period_end")
    assert len(aapl) == (snap["symbol"] == "AAPL").sum()  # every stored year kept
    assert aapl.loc["2025-09-27", "revenue"] == 999.0  # live wins on its years
    stored = snap[snap["symbol"] == "AAPL"].set_index("period_end")
    assert aapl.loc["2025-09-27", "operating_income"] == stored.loc["2025-09-27", "operating_income"]
    assert aapl.loc["2025-09-27", "source"].startswith("yfinance+")  # gaps filled from the snapshot
    assert (got["symbol"] == "MSFT").sum() == (snap["symbol"] == "MSFT").sum()
    prov = dl.provenance.table().set_index("item")
    assert prov.loc["AAPL", "source"] == "live+snapshot" and prov.loc["MSFT", "source"] == "snapshot"
    assert "empty" in prov.loc["MSFT", "note"].lower()


def test_live_source_without_statements_says_why(yahoo, tmp_path):
    yahoo.rate_limited["ZZZ"] = -1
    with at("2025-11-20 22:00"):
        dl = DataLayer("live", cache=tmp_path / "cache")
        dl.__dict__["_live_backend"] = backend(tmp_path, retries=1, strict=True)
        with pytest.raises(DataUnavailableError) as exc:
            dl.fundamentals("annual", ["ZZZ"])
    assert "rate-limited" in str(exc.value) and "\n" not in str(exc.value)


def frame(rows, freq="quarterly"):
    from rotation_utils.data.statements import typed_fundamentals

    return typed_fundamentals(pd.DataFrame(rows), freq)


def test_merge_statements_keeps_history_labels_and_fills_gaps():
    old = frame(
        [
            {
                "symbol": "A",
                "fiscal_year": 2026,
                "fiscal_period": f"Q{q}",
                "period_end": T(e),
                "revenue": r,
                "net_income": 1.0,
                "source": "fmp",
            }
            for q, e, r in [(1, "2025-04-27", 10.0), (2, "2025-07-27", 11.0)]
        ]
    )
    new = frame(
        [
            {
                "symbol": "A",
                "fiscal_year": 2025,
                "fiscal_period": f"Q{q}",
                "period_end": T(e),
                "revenue": r,
                "source": "yfinance",
            }
            for q, e, r in [(2, "2025-07-31", 12.0), (3, "2025-10-31", 13.0)]
        ]
    )
    out = merge_statements(new, old, "quarterly").set_index("revenue")
    assert list(out.index) == [10.0, 12.0, 13.0]
    assert out.loc[12.0, "fiscal_year"] == 2026 and out.loc[12.0, "net_income"] == 1.0
    assert out.loc[12.0, "source"] == "yfinance+fmp"
    assert out.loc[13.0, "fiscal_year"] == 2026  # shifted to the stored convention
    assert merge_statements(new, None, "quarterly") is new
