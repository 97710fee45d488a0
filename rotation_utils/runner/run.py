"""Run a validated plan: notebooks in parallel kernels, then the ledger, then index.html.

Scheduling: up to ``jobs`` notebooks at once (one kernel each, in worker
processes); notebooks that read the others' results (the claims ledger) run
after all the others have finished. A failure never stops the other notebooks.
Progress: one line per notebook as it starts and ends, an overall tqdm bar on
a terminal, and everything in ``run.log`` in the run folder. ``outputs/latest``
moves to the new run only once run.json and index.html are written.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import multiprocessing as mp
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

from .diff import changes_since_previous
from .execute import describe_failure, run_task
from .index import write_index
from .outputs import new_run_dir, point_latest
from .provenance import git_info, package_versions
from .validate import RunPlan

RUN_SCHEMA = "rotation-run/1"


class _Console:
    """Progress lines on stdout (through tqdm so the bar is not garbled) and in run.log."""

    def __init__(self, log_path: Path, total: int):
        self.lock = threading.Lock()
        self.log = logging.getLogger(f"rotation.run.{log_path.parent.name}")
        self.log.setLevel(logging.INFO)
        self.log.propagate = False
        self.handler = logging.FileHandler(log_path, encoding="utf-8")
        self.handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        self.log.addHandler(self.handler)
        self.bar = tqdm(total=total, desc="reports", unit="nb", file=sys.stderr, disable=None,
                        leave=False, dynamic_ncols=True)

    def say(self, line: str) -> None:
        with self.lock:
            self.log.info(line)
            tqdm.write(line, file=sys.stdout)
            sys.stdout.flush()

    def done(self) -> None:
        with self.lock:
            self.bar.update(1)

    def close(self) -> None:
        self.bar.close()
        self.log.removeHandler(self.handler)
        self.handler.close()


def _tasks(plan: RunPlan, run_dir: Path, run_id: str, git: dict, packages: dict) -> dict:
    env = {"ROTATION_RUN_DIR": str(run_dir)}
    tasks = {}
    for nb in plan.notebooks:
        tasks[nb.name] = {
            "name": nb.name, "input": str(nb.path), "dir": str(run_dir / nb.name),
            "title": nb.title, "purpose": nb.purpose, "run_last": nb.run_last,
            "parameters": plan.parameters[nb.name], "defaults": nb.defaults(),
            "timeout": plan.timeout, "retries": plan.retries, "slides": plan.slides,
            "env": env, "run_id": run_id, "git": git, "packages": packages,
        }
    return tasks


def _end_line(rec: dict) -> str:
    status = "ok" if rec["status"] == "ok" else "FAILED"
    tail = f"  {describe_failure(rec.get('error'))}" if rec["status"] != "ok" else ""
    return f"end    {rec['notebook']:<28} {status:<6} {rec['duration_seconds']:7.1f} s{tail}"


def _failed_record(task: dict, exc: BaseException) -> dict:
    """Status record for a notebook whose worker process itself died."""
    return {"run_id": task["run_id"], "notebook": task["name"], "title": task["title"],
            "run_last": task["run_last"], "status": "failed", "attempts": 1,
            "error": {"cell": None, "execution_count": None, "ename": exc.__class__.__name__,
                      "evalue": str(exc), "line": f"worker process failed: {exc.__class__.__name__}: {exc}",
                      "source": ""},
            "parameters": task["parameters"], "passed_parameters": task["parameters"],
            "data": {}, "files": {}, "warnings": [], "results": None, "duration_seconds": 0.0,
            "executed_at": _dt.datetime.now().astimezone().isoformat(timespec="seconds")}


def longest_first(names: list[str], out_root: Path) -> list[str]:
    """Order notebooks by their duration in the previous run, longest first (unknown ones first).

    Starting the long reports first keeps a long one from running alone at the
    end while the other cores idle (the longest-processing-time rule).
    """
    try:
        previous = json.loads((out_root / "latest" / "run.json").read_text())["notebooks"]
        seconds = {nb["notebook"]: float(nb["duration_seconds"]) for nb in previous}
    except (OSError, ValueError, KeyError, TypeError):
        seconds = {}
    return sorted(names, key=lambda n: -seconds.get(n, float("inf")))


def _run_group(names, tasks, pool, jobs, console) -> dict:
    def one(name):
        task = tasks[name]
        console.say(f"start  {name}")
        try:
            rec = pool.submit(run_task, task).result()
        except Exception as exc:  # BrokenProcessPool and the like
            rec = _failed_record(task, exc)
        rec["run_last"] = task["run_last"]
        console.say(_end_line(rec))
        console.done()
        return rec

    if not names:
        return {}
    with ThreadPoolExecutor(max_workers=min(jobs, len(names))) as threads:
        return dict(zip(names, threads.map(one, names)))


def _start_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes, started now.

    On Linux they are forked from this process, which has already imported
    papermill and nbconvert, so a worker is ready at once (spawn costs each
    worker a fresh interpreter and those imports). Forking happens here, before
    the runner starts any thread, so no lock can be inherited in a held state.
    """
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    if ctx.get_start_method() == "fork":
        import nbconvert  # noqa: F401  (imported once, inherited by every worker)
        import papermill  # noqa: F401
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
    pool.submit(int).result()  # launches every worker process now, from the main thread
    return pool


def execute_plan(plan: RunPlan, argv=None) -> int:
    """Run every notebook of ``plan``; write run.json, index.html, outputs/latest. Exit code 0/1."""
    started = _dt.datetime.now().astimezone()
    t0 = time.perf_counter()
    names = [nb.name for nb in plan.notebooks]
    run_dir = new_run_dir(plan.out_root, plan.given, names)
    run_id = run_dir.name
    git, packages = git_info(), package_versions()
    tasks = _tasks(plan, run_dir, run_id, git, packages)
    jobs = min(plan.jobs, max(1, len(plan.first)))
    pool = _start_pool(jobs)  # before any thread exists (tqdm's monitor, the scheduler threads)
    console = _Console(run_dir / "run.log", len(names))
    console.say(f"run    {run_id}: {len(names)} notebooks, {plan.jobs} at a time -> {run_dir}")
    for note in plan.notes:
        console.say(f"note   {note}")
    records = {}
    try:
        with pool:
            first = longest_first([n.name for n in plan.first], plan.out_root)
            records.update(_run_group(first, tasks, pool, jobs, console))
            records.update(_run_group([n.name for n in plan.last], tasks, pool, jobs, console))
    finally:
        console.close()
    ordered = [records[n] for n in names]
    run = {
        "schema": RUN_SCHEMA, "run_id": run_id, "started_at": started.isoformat(timespec="seconds"),
        "finished_at": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "duration_seconds": round(time.perf_counter() - t0, 2), "command": list(argv or []),
        "parameters": plan.given, "jobs": plan.jobs, "timeout": plan.timeout, "retries": plan.retries,
        "notebooks_dir": str(plan.notebooks_dir), "data_end": plan.data_end, "git": git,
        "packages": packages, "ok": all(r["status"] == "ok" for r in ordered),
        "counts": {"ok": sum(r["status"] == "ok" for r in ordered),
                   "failed": sum(r["status"] != "ok" for r in ordered)},
        "notebooks": ordered,
    }
    (run_dir / "run.json").write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
    index = write_index(run_dir, run, changes_since_previous(plan.out_root, run_dir, run))
    point_latest(plan.out_root, run_dir)
    _summary(run, index, run_dir)
    return 0 if run["ok"] else 1


def _summary(run: dict, index: Path, run_dir: Path) -> None:
    failed = [r for r in run["notebooks"] if r["status"] != "ok"]
    lines = [f"done   {run['counts']['ok']} ok, {run['counts']['failed']} failed "
             f"in {run['duration_seconds']:.1f} s"]
    lines += [f"FAILED {r['notebook']} {describe_failure(r.get('error'))}" for r in failed]
    lines.append(f"report {index}")
    with open(run_dir / "run.log", "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines), flush=True)
