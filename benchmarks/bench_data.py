"""Data-layer timings: snapshot load, warm-cache load, peak memory.

    .venv/bin/python benchmarks/bench_data.py [--tickers 50] [--years 10] [--repeat 5]

Targets: a snapshot load of 50 tickers x 10 years under 0.3 s (reports load
several such panels); a warm-cache live load in the same range (it must not
touch the network: the fake fetcher counts calls and the run fails if any
warm load makes one).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ROTATION_SNAPSHOT", str((ROOT.parent / "shared" / "data" / "snapshot").resolve()))

import pandas as pd  # noqa: E402

from rotation_utils.data import DataLayer, SnapshotBackend  # noqa: E402
from rotation_utils.data.live import LiveBackend  # noqa: E402

TARGET_S = 0.3


class CountingYF:
    """Serves snapshot closes as yfinance's ``Ticker(t).history`` would; counts calls."""

    def __init__(self, long: pd.DataFrame):
        self.wide = long.pivot(index="date", columns="ticker", values="close")
        self.calls = 0

    def Ticker(self, ticker, session=None):  # noqa: N802 (yfinance's name)
        bench = self

        class _Ticker:
            def history(self, start=None, end=None, **kw):
                bench.calls += 1
                s = bench.wide[ticker].dropna() if ticker in bench.wide else pd.Series(dtype="float64")
                s = s[(s.index >= pd.Timestamp(start)) & (s.index < pd.Timestamp(end or "2100-01-01"))]
                return pd.DataFrame({"Close": s})

        return _Ticker()


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def peak_mib(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tickers", type=int, default=50)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)

    snap = SnapshotBackend(os.environ["ROTATION_SNAPSHOT"])
    end = snap.as_of
    start = end - pd.DateOffset(years=a.years)
    # long-history names: tickers with data at the window start
    first = pd.read_parquet(snap.folder / "prices.parquet", columns=["ticker", "date"]).groupby("ticker")["date"].min()
    tickers = sorted(first[first <= start].index)[: a.tickers]

    def snapshot_load():
        return DataLayer("snapshot").prices(tickers, start, end)

    from rotation_utils.data import snapshot as snap_mod

    snap_mod._PRICE_MEMO.clear()
    t_first, _ = timed(snapshot_load, 1)  # includes decoding prices.parquet once
    memo = next(iter(snap_mod._PRICE_MEMO.values()))
    memo_mib = (memo.dates.nbytes + memo.close.nbytes + (0 if memo.order is None else memo.order.nbytes)) / 2**20
    t_snap, px = timed(snapshot_load, a.repeat)
    snap_mod._PRICE_MEMO.clear()
    t_small, _ = timed(lambda: DataLayer("snapshot").prices(tickers[:5], start, end), a.repeat)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ROTATION_OFFLINE"] = "0"
        yf = CountingYF(snap.prices(tickers, start, end))
        now = pd.Timestamp.now(tz="UTC").tz_localize(None)
        populate = LiveBackend(tmp, yf=yf, now=lambda: now)
        t0 = time.perf_counter()
        populate.prices(tickers, start, end)
        t_fill = time.perf_counter() - t0
        calls_after_fill = yf.calls

        def warm_load():
            dl = DataLayer("live", cache=tmp)
            dl.__dict__["_live_backend"] = LiveBackend(tmp, yf=yf, now=lambda: now)
            return dl.prices(tickers, start, end)

        t_warm, warm = timed(warm_load, a.repeat)
        warm_calls = yf.calls - calls_after_fill
        peak_warm = peak_mib(warm_load)
    peak_snap = peak_mib(snapshot_load)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(
        f"snapshot load  {len(tickers)} tickers x {a.years} y ({px.shape[0]} rows x {px.shape[1]} cols): "
        f"{t_snap:.3f} s median of {a.repeat} (target < {TARGET_S} s) "
        f"{'OK' if t_snap < TARGET_S else 'SLOW'}"
    )
    print(
        f"  first load in a process {t_first:.3f} s (decodes prices.parquet once: {memo_mib:.0f} MiB of arrays); "
        f"5 tickers without the decoded file (filtered parquet read) {t_small:.3f} s"
    )
    print(f"cache fill     {t_fill:.3f} s via a fake fetcher ({calls_after_fill} history calls)")
    print(f"warm cache     {t_warm:.3f} s median of {a.repeat}; history calls during warm loads: {warm_calls}")
    print(
        f"peak memory    snapshot load {peak_snap:.1f} MiB, warm load {peak_warm:.1f} MiB (tracemalloc); "
        f"process max RSS {rss:.0f} MiB"
    )
    same = warm.shape == px.shape and bool((warm.fillna(0) == px.fillna(0)).all().all())
    print(f"warm == snapshot values: {same}")
    return 0 if (warm_calls == 0 and same) else 1


if __name__ == "__main__":
    sys.exit(main())
