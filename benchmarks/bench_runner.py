"""Wall time of `rotation run` against the naive loop it replaces.

Both render every notebook in notebooks/ (or --notebooks DIR) from the offline
snapshot:

- runner: one `rotation run --data snapshot` (parallel kernels, HTML in the workers);
- naive:  for each notebook, sequentially, the `papermill` CLI then the
          `jupyter nbconvert --to html` CLI (the claims ledger last in both).

Prints both wall times and their ratio (target: <= 0.5 on 2 cores). Notebooks
that fail count the same in both (the work done up to the failure is timed).

    .venv/bin/python benchmarks/bench_runner.py [--notebooks DIR] [--jobs N] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rotation_utils import config
from rotation_utils.runner.discover import discover, notebooks_dir

BIN = Path(sys.executable).parent
TARGET = 0.5


def bench_env() -> dict:
    env = dict(os.environ)
    env.setdefault("ROTATION_SNAPSHOT", str(config.snapshot_dir()))
    env.update(ROTATION_OFFLINE="1", MPLBACKEND="Agg")
    env.setdefault("ROTATION_CACHE", tempfile.mkdtemp(prefix="bench-cache-"))
    return env


def run_runner(folder: Path, out: Path, env: dict, jobs: int | None) -> tuple[float, int]:
    cmd = [
        sys.executable,
        "-m",
        "rotation_utils.cli",
        "run",
        "--data",
        "snapshot",
        "--notebooks",
        str(folder),
        "--out",
        str(out),
    ]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode == 2:
        sys.exit(f"rotation run rejected its input: {proc.stderr.strip()}")
    print(proc.stdout.rstrip())
    return seconds, proc.returncode


def run_naive(infos, out: Path, env: dict) -> tuple[float, list[str]]:
    failed = []
    order = [i for i in infos if not i.run_last] + [i for i in infos if i.run_last]
    t0 = time.perf_counter()
    for info in order:
        nb_dir = out / info.name
        nb_dir.mkdir(parents=True)
        executed = nb_dir / f"{info.name}.ipynb"
        nb_env = dict(env, ROTATION_REPORT_DIR=str(nb_dir), ROTATION_RUN_DIR=str(out))
        params = ["-p", "data_source", "snapshot"] if info.declares("data_source") else []
        pm = subprocess.run(
            [
                str(BIN / "papermill"),
                str(info.path),
                str(executed),
                *params,
                "--cwd",
                str(nb_dir),
                "-k",
                "python3",
                "--no-progress-bar",
            ],
            env=nb_env,
            capture_output=True,
            text=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)],
            env=nb_env,
            capture_output=True,
            text=True,
        )
        if pm.returncode:
            failed.append(info.name)
    return time.perf_counter() - t0, failed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notebooks", help="notebook folder (default: notebooks/)")
    ap.add_argument("--jobs", type=int, help="passed to rotation run (default: number of cores)")
    ap.add_argument("--keep", action="store_true", help="keep the output folders")
    args = ap.parse_args(argv)

    folder = notebooks_dir(args.notebooks)
    infos = discover(folder)
    env = bench_env()
    work = Path(tempfile.mkdtemp(prefix="bench-runner-"))
    print(f"{len(infos)} notebooks in {folder}; {os.cpu_count()} cores; outputs in {work}")
    try:
        runner_s, code = run_runner(folder, work / "runner", env, args.jobs)
        naive_s, naive_failed = run_naive(infos, work / "naive", env)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    ratio = runner_s / naive_s if naive_s else float("nan")
    print(f"\nrotation run        {runner_s:7.1f} s  (exit code {code})")
    print(f"papermill+nbconvert {naive_s:7.1f} s  (sequential; failed: {', '.join(naive_failed) or 'none'})")
    print(f"ratio               {ratio:7.2f}   (target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
