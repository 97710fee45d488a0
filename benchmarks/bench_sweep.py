"""A sweep of calendar years on the embedded Dask cluster against the same windows run one by one.

Prints:

1. the sweep's wall time (`rotation sweep --years FIRST-LAST`, embedded
   LocalCluster, one worker per core) against sequential `rotation run --start
   --end` calls for the same years, and their ratio (target <= 0.9). The
   sweep's default window is reused from a default run made beforehand (not
   timed), so both sides execute the same year windows;
2. Dask's per-task overhead: the median round trip of an empty task on a
   LocalCluster like the sweep's, against the median notebook task time
   (target < 5%);
3. an estimate for a 100-window sweep on a 16-worker cluster from the measured
   per-task times.

    .venv/bin/python benchmarks/bench_sweep.py [--years 2020-2025] [--only NAME ...] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_rerun import bench_env


def rotation(*args, env) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "rotation_utils.cli", *map(str, args)], env=env, capture_output=True, text=True
    )
    if proc.returncode == 2:
        sys.exit(f"rotation {args[0]} rejected its input: {proc.stderr.strip()}")
    return time.perf_counter() - t0, proc


def empty_task_overhead(workers: int, n: int = 200) -> float:
    """Median seconds from submit to result of a task that does nothing (one at a time)."""
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.submit(int, 0, pure=False).result()  # warm up
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            client.submit(int, i, pure=False).result()
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", default="2020-2025", help="calendar years, FIRST-LAST (default 2020-2025)")
    ap.add_argument("--only", nargs="+", default=[], metavar="NAME", help="run only these notebooks (both sides)")
    ap.add_argument("--keep", action="store_true", help="keep the output folders")
    args = ap.parse_args(argv)
    first, last = (int(y) for y in args.years.split("-"))
    years = list(range(first, last + 1))
    only = ["--only", *args.only] if args.only else []
    env = bench_env()
    workers = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    print(f"{workers} cores; {len(years)} years; outputs in {work}")
    try:
        rotation("run", "--data", "snapshot", "--out", work / "sweep", *only, env=env)  # the default window, reused
        sweep_s, proc = rotation(
            "sweep", "--years", args.years, "--data", "snapshot", "--out", work / "sweep", *only, env=env
        )
        print(proc.stdout.splitlines()[-3] if proc.stdout else proc.stderr)
        seq_s = 0.0
        for year in years:
            s, _ = rotation(
                "run",
                "--data",
                "snapshot",
                "--start",
                f"{year}-01-01",
                "--end",
                f"{year}-12-31",
                "--out",
                work / "seq",
                *only,
                env=env,
            )
            seq_s += s
        sweep_dir = next((work / "sweep" / "sweeps").iterdir())
        windows = json.loads((sweep_dir / "sweep.json").read_text())["windows"]
        tasks = []
        for w in windows[1:]:
            run = json.loads((Path(w["run_dir"]) / "run.json").read_text())
            tasks += [nb["duration_seconds"] for nb in run["notebooks"] if not nb.get("reused_from")]
        per_window = [
            sum(nb["duration_seconds"] for nb in json.loads((Path(w["run_dir"]) / "run.json").read_text())["notebooks"])
            for w in windows[1:]
        ]
        overhead = empty_task_overhead(workers)
        median_task = statistics.median(tasks)
        ratio = sweep_s / seq_s
        print(f"\nsweep ({len(years)} years, embedded cluster, {workers} workers) {sweep_s:7.1f} s")
        print(f"{len(years)} sequential `rotation run`                    {seq_s:7.1f} s")
        print(
            f"ratio                                          {ratio:7.2f}   (target <= 0.9: {'met' if ratio <= 0.9 else 'NOT met'})"
        )
        print(
            f"\nnotebook tasks: {len(tasks)}, median {median_task:.1f} s, task-seconds per window "
            f"median {statistics.median(per_window):.1f} s"
        )
        share = overhead / median_task
        print(
            f"Dask per-task overhead (empty task round trip) {overhead * 1000:7.1f} ms = {share:.2%} of the median task "
            f"(target < 5%: {'met' if share < 0.05 else 'NOT met'})"
        )
        est = 100 * statistics.median(per_window) / 16 + 100 * len(tasks) / len(years) * overhead / 16
        print(
            f"estimate, 100 windows on 16 workers: {est / 60:.1f} min of wall time "
            f"(100 x {statistics.median(per_window):.0f} task-seconds / 16 workers, plus overhead), "
            f"assuming each worker as fast as one core here"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
