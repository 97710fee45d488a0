"""Run a validated plan: notebooks in parallel kernels, then the ledger, then index.html.

Scheduling: up to ``jobs`` notebooks at once (one kernel each, in worker
processes); notebooks that read the others' results (the claims ledger) run
after all the others have finished. A failure never stops the other notebooks.
Progress: one line per notebook as it starts and ends, an overall tqdm bar on
a terminal, and everything in ``run.log`` in the run folder. ``outputs/latest``
moves to the new run only once run.json and index.html are written.

A run folder holds an ``INCOMPLETE`` marker until it is finished. Ctrl-C or
SIGTERM stops the notebooks in flight at once (their workers stop their
kernels), writes run.json with status "interrupted" and keeps the marker; a full
disk ends the run with one line, "no space left on <path>", and exit code 1.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

from .. import atomic, config
from .diff import changes_since_previous
from .execute import failed_record
from .index import write_index
from .meeting import print_index, write_meeting_files
from .outputs import INCOMPLETE, mark_incomplete, new_run_dir, point_latest
from .provenance import git_info, package_versions
from .records import Task, describe_failure
from .reuse import run_or_reuse
from .validate import RunPlan
from .workers import start_pool, stop_pool, terminate_as_interrupt

RUN_SCHEMA = "rotation-run/1"


class _QuietFileHandler(logging.FileHandler):
    """run.log on a full disk: the line still reaches the console; no logging traceback."""

    def handleError(self, record):  # noqa: N802  (logging's name)
        pass


class _Console:
    """Progress lines on stdout (through tqdm so the bar is not garbled) and in run.log."""

    def __init__(self, log_path: Path, total: int):
        self.lock = threading.Lock()
        self.log = logging.getLogger(f"rotation.run.{log_path.parent.name}")
        self.log.setLevel(logging.INFO)
        self.log.propagate = False
        self.handler = _QuietFileHandler(log_path, encoding="utf-8")
        self.handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        self.log.addHandler(self.handler)
        self.bar = tqdm(
            total=total, desc="reports", unit="nb", file=sys.stderr, disable=None, leave=False, dynamic_ncols=True
        )

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


def make_tasks(plan: RunPlan, run_dir: Path, run_id: str, git: dict, packages: dict, force: bool = False) -> dict:
    """One :class:`~.records.Task` per notebook (what a worker needs to run or reuse it); ``force``: never reuse."""
    # kernels find the run folder, and setup() the notebook's declared parameters, through these
    env = {config.SETTINGS["run_dir"].env: str(run_dir), config.SETTINGS["notebooks"].env: str(plan.notebooks_dir)}
    tasks = {}
    for nb in plan.notebooks:
        tasks[nb.name] = Task(
            name=nb.name,
            input=str(nb.path),
            dir=str(run_dir / nb.name),
            title=nb.title,
            purpose=nb.purpose,
            run_last=nb.run_last,
            parameters=plan.parameters[nb.name],
            defaults=nb.defaults(),
            timeout=plan.timeout,
            retries=plan.retries,
            slides=plan.slides,
            env=env,
            run_id=run_id,
            git=git,
            packages=packages,
            out_root=str(plan.out_root),
            force=force,
            data_end=plan.data_end,
        )
    return tasks


def _end_line(rec: dict) -> str:
    status = "ok" if rec["status"] == "ok" else "FAILED"
    tail = f"  {describe_failure(rec.get('error'))}" if rec["status"] != "ok" else ""
    if rec.get("reused_from"):
        status, tail = "reused", f"  from {rec['reused_from']}"
    return f"end    {rec['notebook']:<28} {status:<6} {rec['duration_seconds']:7.1f} s{tail}"


def longest_first(names: list[str], out_root: Path) -> list[str]:
    """Order notebooks by their duration in the previous run, longest first (unknown ones first).

    Starting the long reports first keeps a long one from running alone at the
    end while the other cores idle (the longest-processing-time rule).
    """
    try:
        previous = json.loads((out_root / "latest" / "run.json").read_text())["notebooks"]
        seconds = {nb["notebook"]: float(nb.get("executed_seconds") or nb["duration_seconds"]) for nb in previous}
    except (OSError, ValueError, KeyError, TypeError):
        seconds = {}
    return sorted(names, key=lambda n: -seconds.get(n, float("inf")))


def _interrupted_record(task: Task) -> dict:
    rec = failed_record(task, KeyboardInterrupt(), line="interrupted before it finished")
    rec["status"] = "interrupted"
    return rec


def _run_group(names, tasks, pool, jobs, console, records: dict) -> None:
    """Run ``names`` on the pool, filling ``records`` as each finishes.

    On KeyboardInterrupt (Ctrl-C, or SIGTERM via :func:`terminate_as_interrupt`)
    the workers are stopped at once, every notebook not finished by then is
    recorded as interrupted, and the interrupt is raised again.
    """

    def one(name):
        task = tasks[name]
        console.say(f"start  {name}")
        try:
            rec = pool.submit(run_or_reuse, task).result()
        except Exception as exc:  # BrokenProcessPool and the like
            rec = failed_record(task, exc)
        rec["run_last"] = task.run_last
        records.setdefault(name, rec)
        console.say(_end_line(records[name]))
        console.done()

    if not names:
        return
    threads = ThreadPoolExecutor(max_workers=min(jobs, len(names)))
    try:
        for future in [threads.submit(one, name) for name in names]:
            future.result()
    except KeyboardInterrupt:
        handlers = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for name in names:  # claimed first: a record that arrives later is the stop's doing
                records.setdefault(name, _interrupted_record(tasks[name]))
            stop_pool(pool)
            threads.shutdown(wait=True, cancel_futures=True)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        raise
    finally:
        threads.shutdown(wait=True)


def execute_plan(plan: RunPlan, argv=None) -> int:
    """Run every notebook of ``plan``; write run.json, index.html, outputs/latest.

    Args:
        plan: the validated plan from :func:`~rotation_utils.runner.validate.build_plan`.
        argv: the command line, recorded in run.json.
    Returns:
        exit code: 0 all notebooks ok, 1 some failed (or the disk filled up), 130 interrupted.
    """
    try:
        return _execute(plan, argv)
    except atomic.DiskFullError as exc:
        print(f"rotation: error: {exc}; the run is marked failed ({INCOMPLETE} kept)", file=sys.stderr)
        return 1
    except OSError as exc:
        if not atomic.is_disk_full(exc):
            raise
        print(f"rotation: error: {atomic.disk_full_message(exc, plan.out_root)}", file=sys.stderr)
        return 1


def _execute(plan: RunPlan, argv) -> int:
    started = _dt.datetime.now().astimezone()
    t0 = time.perf_counter()
    names = [nb.name for nb in plan.notebooks]
    run_dir = new_run_dir(plan.out_root, plan.given, names)
    mark_incomplete(run_dir, "this run has not finished")
    run_id = run_dir.name
    git, packages = git_info(), package_versions()
    tasks = make_tasks(plan, run_dir, run_id, git, packages, force=plan.force)
    jobs = min(plan.jobs, max(1, len(plan.first)))
    pool = start_pool(jobs)  # before any thread exists (tqdm's monitor, the scheduler threads)
    console = _Console(run_dir / "run.log", len(names))
    console.say(f"run    {run_id}: {len(names)} notebooks, {jobs} at a time -> {run_dir}")
    for note in plan.notes:
        console.say(f"note   {note}")
    records, interrupted = {}, False
    try:
        with terminate_as_interrupt():
            first = longest_first([n.name for n in plan.first], plan.out_root)
            _run_group(first, tasks, pool, jobs, console, records)
            _run_group([n.name for n in plan.last], tasks, pool, jobs, console, records)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        console.close()
        pool.shutdown(wait=not interrupted, cancel_futures=True)
    ordered = [records.get(n) or _interrupted_record(tasks[n]) for n in names]
    run = write_run(
        plan,
        run_dir,
        ordered,
        started,
        t0,
        git,
        packages,
        argv,
        jobs=jobs,
        status="interrupted" if interrupted else "finished",
    )
    if not interrupted and (plan.slides or plan.pdf):
        write_meeting_files(run, run_dir, plan.slides, plan.pdf)
        if plan.pdf:
            run["files"]["index_pdf"] = "index.pdf"  # linked from the index it is printed from
        atomic.write_json(run_dir / "run.json", run, default=str)
    if interrupted:
        write_index(run_dir, run)
        mark_incomplete(run_dir, "this run was interrupted; see run.json")
        print(
            f"rotation: interrupted: {run['counts']['ok']} of {len(names)} notebooks finished; "
            f"run marked interrupted in {run_dir / 'run.json'}",
            file=sys.stderr,
        )
        return 130
    changes = changes_since_previous(plan.out_root, run_dir, run)
    index = write_index(run_dir, run, changes)
    if plan.pdf:
        print_index(run, run_dir)
        if "index_pdf" not in run["files"]:  # printing failed: no dead link
            write_index(run_dir, run, changes)
        atomic.write_json(run_dir / "run.json", run, default=str)
    point_latest(plan.out_root, run_dir)
    (run_dir / INCOMPLETE).unlink(missing_ok=True)
    _summary(run, index, run_dir)
    return 0 if run["ok"] else 1


def write_run(
    plan: RunPlan,
    run_dir: Path,
    ordered: list[dict],
    started,
    t0: float,
    git: dict,
    packages: dict,
    argv=None,
    jobs: int | None = None,
    status: str = "finished",
    extra: dict | None = None,
) -> dict:
    """Write run.json (atomically) and return it.

    Args: the plan, the run folder, the notebooks' status records in plan order,
    the start time (datetime and perf_counter), code and package versions, the
    command line, the workers used, the run's status and extra run.json fields.
    """
    interrupted = status == "interrupted"
    for rec in ordered:  # the reuse key's inputs, without what run.json already holds
        rec["reuse_inputs"] = {
            k: v for k, v in (rec.get("reuse_inputs") or {}).items() if k not in ("parameters", "packages")
        }
    run = {
        "schema": RUN_SCHEMA,
        "run_id": run_dir.name,
        "status": status,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "duration_seconds": round(time.perf_counter() - t0, 2),
        "command": list(argv or []),
        "parameters": plan.given,
        "jobs": jobs or plan.jobs,
        "timeout": plan.timeout,
        "retries": plan.retries,
        "notebooks_dir": str(plan.notebooks_dir),
        "data_end": plan.data_end,
        "git": git,
        "packages": packages,
        "ok": not interrupted and all(r["status"] == "ok" for r in ordered),
        "counts": {
            "ok": sum(r["status"] == "ok" for r in ordered),
            "failed": sum(r["status"] != "ok" for r in ordered),
            "reused": sum(bool(r.get("reused_from")) for r in ordered),
        },
        "notebooks": ordered,
        **(extra or {}),
    }
    atomic.write_json(run_dir / "run.json", run, default=str)
    return run


def _summary(run: dict, index: Path, run_dir: Path) -> None:
    failed = [r for r in run["notebooks"] if r["status"] != "ok"]
    reused = f" ({run['counts']['reused']} reused)" if run["counts"].get("reused") else ""
    lines = [
        f"done   {run['counts']['ok']} ok{reused}, {run['counts']['failed']} failed in {run['duration_seconds']:.1f} s"
    ]
    lines += [f"FAILED {r['notebook']} {describe_failure(r.get('error'))}" for r in failed]
    lines.append(f"report {index}")
    print("\n".join(lines), flush=True)
    try:
        with open(run_dir / "run.log", "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    except OSError:  # a full disk: the lines reached the console
        pass
