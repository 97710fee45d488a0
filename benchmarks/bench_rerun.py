"""Incremental reruns and the fixed cost of one notebook, side by side.

Prints:

1. cold run vs unchanged rerun of the full suite (`rotation run --data snapshot`,
   same output root): wall times and their ratio (target: rerun <= 10% of cold);
2. where a notebook's fixed cost goes: the import time of each heavy module in
   a fresh interpreter, and a kernel start that runs one empty cell;
3. the claims ledger's wall time (target <= 2.5 s) and the whole suite's CPU
   time (the runner, its workers and every kernel), for this checkout and, with
   ``--baseline REF``, for the code at git ref REF in a temporary worktree
   (target: CPU <= 70% of the baseline's).

    .venv/bin/python benchmarks/bench_rerun.py [--baseline REF] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rotation_utils import config

ROOT = Path(__file__).resolve().parents[1]
MODULES = (
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "scipy.stats",
    "statsmodels.api",
    "yfinance",
    "rotation_utils.notebook",
    "rotation_utils.story.ledger",
    "rotation_utils.style",
)
LEDGER = "00_claims_ledger"


def bench_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.setdefault("ROTATION_SNAPSHOT", str(config.snapshot_dir()))
    env.update(ROTATION_OFFLINE="1")
    env.setdefault("ROTATION_CACHE", tempfile.mkdtemp(prefix="bench-cache-"))
    env.update(extra or {})
    return env


def run_suite(out: Path, env: dict, *extra, code: Path = ROOT) -> dict:
    """One `rotation run` of the code in ``code``: wall seconds, CPU seconds of it and all its
    descendants, its run.json.

    The runner starts in ``code`` with ``code`` first on PYTHONPATH, so the runner itself and
    the kernels it starts (which inherit the environment) both run that checkout's code: a
    baseline measured with today's runner would get today's runner savings for free.
    """
    env = {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(code), env.get("PYTHONPATH", "")) if p)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "rotation_utils.cli", "run", "--data", "snapshot", "--out", str(out), *extra],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode == 2:
        sys.exit(f"rotation run rejected its input: {proc.stderr.strip()}")
    run = json.loads((out / "latest" / "run.json").read_text())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "run": run, "code": proc.returncode}


def import_seconds(module: str, env: dict, repeats: int = 3) -> float:
    """Median wall time of `import module` in a fresh interpreter, minus a bare interpreter's start."""

    def once(code):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
        return time.perf_counter() - t0

    bare = statistics.median(once("pass") for _ in range(repeats))
    return statistics.median(once(f"import {module}") for _ in range(repeats)) - bare


def kernel_start_seconds(env: dict, repeats: int = 3) -> float:
    """Median wall time of papermill running a one-cell notebook (kernel start + shutdown)."""
    import nbformat
    import papermill as pm

    from rotation_utils.runner.kernel import ActiveEnvKernelManager

    work = Path(tempfile.mkdtemp(prefix="bench-kernel-"))
    ActiveEnvKernelManager.stderr_path = os.devnull  # ipykernel's start-up warnings
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    nbformat.write(nb, work / "empty.ipynb")
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        pm.execute_notebook(
            str(work / "empty.ipynb"),
            str(work / "out.ipynb"),
            kernel_name="python3",
            kernel_manager_class=ActiveEnvKernelManager,
            progress_bar=False,
            log_output=False,
        )
        times.append(time.perf_counter() - t0)
    shutil.rmtree(work, ignore_errors=True)
    return statistics.median(times)


def _durations(run: dict) -> dict:
    return {nb["notebook"]: nb.get("executed_seconds") or nb["duration_seconds"] for nb in run["notebooks"]}


def baseline_checkout(ref: str, where: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), ref], check=True, capture_output=True
    )
    return where


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", metavar="REF", help="also measure the code at this git ref (e.g. main~5)")
    ap.add_argument("--keep", action="store_true", help="keep the output folders")
    args = ap.parse_args(argv)
    env = bench_env()
    work = Path(tempfile.mkdtemp(prefix="bench-rerun-"))
    print(f"{os.cpu_count()} cores; outputs in {work}")
    try:
        cold = run_suite(work / "out", env)
        warm = run_suite(work / "out", env)
        reused = warm["run"]["counts"].get("reused", 0)
        print(f"\ncold run            {cold['wall']:7.1f} s wall  {cold['cpu']:7.1f} s CPU  (exit {cold['code']})")
        print(
            f"unchanged rerun     {warm['wall']:7.1f} s wall  {warm['cpu']:7.1f} s CPU  "
            f"({reused} of {len(warm['run']['notebooks'])} notebooks reused)"
        )
        ratio = warm["wall"] / cold["wall"]
        print(f"rerun / cold        {ratio:7.2f}   (target <= 0.10: {'met' if ratio <= 0.10 else 'NOT met'})")

        print("\nfixed cost of one notebook (fresh interpreter, import time beyond a bare start):")
        for module in MODULES:
            print(f"  import {module:<26} {import_seconds(module, env):6.2f} s")
        print(f"  kernel start + one empty cell    {kernel_start_seconds(env):6.2f} s")

        rows = [("this checkout", cold)]
        if args.baseline:
            base = baseline_checkout(args.baseline, work / "baseline")
            rows.append(
                (
                    f"baseline {args.baseline}",
                    run_suite(work / "base-out", env, "--notebooks", str(base / "notebooks"), code=base),
                )
            )
        print("\nsuite, cold (every notebook executed):")
        for label, res in rows:
            d = _durations(res["run"])
            print(
                f"  {label:<22} CPU {res['cpu']:7.1f} s  wall {res['wall']:6.1f} s  ledger {d.get(LEDGER, float('nan')):5.2f} s  "
                + " ".join(f"{k[:2]}={v:.1f}" for k, v in sorted(d.items()))
            )
        ledger = _durations(cold["run"]).get(LEDGER, float("nan"))
        print(f"ledger wall         {ledger:7.2f} s  (target <= 2.5: {'met' if ledger <= 2.5 else 'NOT met'})")
        if len(rows) > 1:
            share = rows[0][1]["cpu"] / rows[1][1]["cpu"]
            print(f"CPU vs baseline     {share:7.2f}   (target <= 0.70: {'met' if share <= 0.70 else 'NOT met'})")
    finally:
        if args.baseline and (work / "baseline").exists():
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "baseline")], capture_output=True
            )
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
