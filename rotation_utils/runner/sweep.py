"""``rotation sweep``: the suite over many windows on Dask, one task per notebook per window.

Each window is a normal run (its own run folder, run.json, index.html). The
tasks go to a Dask distributed cluster: by default an embedded LocalCluster
with one single-threaded worker process per core (a task changes its
process's working directory and environment, so one task per process), or an
existing cluster given by ``--scheduler``. A window's claims ledger is a task
that depends on that window's reports. Tasks are the runner's own
(:func:`.reuse.run_or_reuse`), so unchanged notebooks are reused and a kernel
death is retried as ``rotation run`` does; a task whose worker died is
resubmitted ``--retries`` times by Dask. A failed task is reported by window
and notebook and the sweep still writes everything else: the member runs and
``sweep.html`` / ``sweep.csv`` / ``sweep.json`` (see :mod:`.sweep_report`).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from .. import config
from ..errors import BadInputError
from .data_range import data_range
from .diff import changes_since_previous
from .execute import failed_record
from .index import write_index
from .outputs import INCOMPLETE, mark_incomplete, new_run_dir, params_hash
from .provenance import git_info, package_versions
from .records import Task, describe_failure
from .reuse import run_or_reuse
from .run import make_tasks, write_run
from .validate import RunPlan, build_plan, outputs_dir
from .windows import Window, sweep_windows

SWEEPS = "sweeps"
#: environment the workers need to find the same data (passed with every task)
DATA_ENV = tuple(config.SETTINGS[n].env for n in config.DATA_SETTINGS)


@dataclass
class Member:
    """One window of the sweep: its validated plan, run folder and tasks."""

    window: Window
    plan: RunPlan
    run_dir: Path | None = None
    tasks: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)
    started: _dt.datetime | None = None
    t0: float = 0.0
    run: dict | None = None


@dataclass
class SweepPlan:
    """Everything ``rotation sweep`` will do, validated before any task starts."""

    members: list[Member]
    out_root: Path
    scheduler: str | None
    workers: int
    force: bool
    notes: list[str] = field(default_factory=list)


def build_sweep(args) -> SweepPlan:
    """Validate ``rotation sweep`` options: the windows, then each window's run plan."""
    if args.workers is not None and args.workers < 1:
        raise BadInputError(f"--workers must be at least 1, got {args.workers}")
    if args.scheduler and args.workers:
        raise BadInputError("--workers sizes the embedded cluster; it cannot be used with --scheduler")
    snapshot = Path(args.snapshot).expanduser().resolve() if args.snapshot else None
    last = data_range(args.data or "auto", snapshot).last
    members = []
    for window in sweep_windows(args, last):
        ns = SimpleNamespace(
            **{
                **vars(args),
                "start": window.start,
                "end": window.end,
                "event_date": getattr(args, "event_date", None),
                "jobs": 1,
            }
        )
        members.append(Member(window, build_plan(ns)))
    return SweepPlan(
        members=members,
        out_root=outputs_dir(args.out),
        scheduler=args.scheduler,
        workers=args.workers or os.cpu_count() or 1,
        force=bool(args.force),
    )


def connect(scheduler: str | None, workers: int):
    """(client, cluster): a Client on ``scheduler``, or on a new LocalCluster (cluster None otherwise)."""
    import dask
    from dask.distributed import Client, LocalCluster

    dask.config.set({"distributed.worker.daemon": False})  # workers start kernels (subprocesses)
    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise BadInputError(f"--scheduler {scheduler}: cannot connect ({exc.__class__.__name__}: {exc})") from None
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    )
    return Client(cluster), cluster


def run_after(task: Task, *reports) -> dict:
    """A task that runs after ``reports`` (the window's report records): the claims ledger."""
    return run_or_reuse(task)


def _eta(done: int, total: int, elapsed: float) -> str:
    if not done or done >= total:
        return "0:00"
    left = int(elapsed / done * (total - done))
    return f"{left // 60}:{left % 60:02d}"


def _submit(client, members: list[Member], retries: int) -> dict:
    futures = {}
    for i, m in enumerate(members):
        first = []
        for nb in m.plan.first:
            fut = client.submit(
                run_or_reuse, m.tasks[nb.name], key=f"w{i}-{nb.name}-{m.run_dir.name}", pure=False, retries=retries
            )
            futures[fut] = (m, nb.name)
            first.append(fut)
        for nb in m.plan.last:
            fut = client.submit(
                run_after, m.tasks[nb.name], *first, key=f"w{i}-{nb.name}-{m.run_dir.name}", pure=False, retries=retries
            )
            futures[fut] = (m, nb.name)
    return futures


def _prepare(sweep: SweepPlan, git: dict, packages: dict) -> None:
    env = {k: os.environ[k] for k in DATA_ENV if os.environ.get(k)}
    for m in sweep.members:
        names = [nb.name for nb in m.plan.notebooks]
        m.run_dir = new_run_dir(sweep.out_root, m.plan.given, names)
        mark_incomplete(m.run_dir, "this sweep window has not finished")
        m.started, m.t0 = _dt.datetime.now().astimezone(), time.perf_counter()
        m.tasks = make_tasks(m.plan, m.run_dir, m.run_dir.name, git, packages, force=sweep.force)
        m.tasks = {name: task.with_(env={**env, **task.env}) for name, task in m.tasks.items()}


def _finish_member(member: Member, git: dict, packages: dict, argv) -> None:
    """Write a finished window's run.json and index.html; the run is complete from then on."""
    ordered = [member.records[nb.name] for nb in member.plan.notebooks]
    member.run = write_run(
        member.plan,
        member.run_dir,
        ordered,
        member.started,
        member.t0,
        git,
        packages,
        argv,
        jobs=1,
        extra={"sweep_window": member.window.label},
    )
    write_index(member.run_dir, member.run, changes_since_previous(member.plan.out_root, member.run_dir, member.run))
    (member.run_dir / INCOMPLETE).unlink(missing_ok=True)


def execute_sweep(sweep: SweepPlan, argv=None) -> int:
    """Run every window's notebooks on Dask, write each member run, then the sweep pages. Exit 0/1."""
    from dask.distributed import as_completed

    from .sweep_report import write_sweep

    started = _dt.datetime.now().astimezone()
    t0 = time.perf_counter()
    git, packages = git_info(), package_versions()
    sweep_dir = (
        sweep.out_root
        / SWEEPS
        / (
            started.strftime("%Y%m%d-%H%M%S")
            + "-"
            + params_hash(
                {"windows": [m.window.label for m in sweep.members]},
                [nb.name for nb in sweep.members[0].plan.notebooks],
            )
        )
    )
    client, cluster = connect(sweep.scheduler, sweep.workers)  # an unreachable scheduler: nothing written
    sweep_dir.mkdir(parents=True, exist_ok=False)
    _prepare(sweep, git, packages)
    log = open(sweep_dir / "sweep.log", "a", encoding="utf-8")

    def say(line: str) -> None:
        print(line, flush=True)
        log.write(line + "\n")

    where = sweep.scheduler or f"embedded LocalCluster, {sweep.workers} workers"
    total = sum(len(m.tasks) for m in sweep.members)
    say(f"sweep  {sweep_dir.name}: {len(sweep.members)} windows, {total} tasks on {where}")
    try:
        futures = _submit(client, sweep.members, max(m.plan.retries for m in sweep.members))
        done = 0
        for fut in as_completed(list(futures)):
            member, name = futures[fut]
            try:
                rec = fut.result()
            except Exception as exc:  # the worker died on every attempt
                rec = failed_record(member.tasks[name], exc)
            rec["run_last"] = member.tasks[name].run_last
            member.records[name] = rec
            done += 1
            status = "reused" if rec.get("reused_from") else rec["status"]
            tail = f"  {describe_failure(rec.get('error'))}" if rec["status"] != "ok" else ""
            say(
                f"[{done:>{len(str(total))}}/{total}] {member.window.label:<16} {name:<24} {status:<7}"
                f"{rec['duration_seconds']:7.1f} s  ETA {_eta(done, total, time.perf_counter() - t0)}{tail}"
            )
            if len(member.records) == len(member.tasks):
                _finish_member(member, git, packages, argv)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    seconds = round(time.perf_counter() - t0, 2)
    page = write_sweep(
        sweep_dir,
        sweep.members,
        {
            "started_at": started.isoformat(timespec="seconds"),
            "duration_seconds": seconds,
            "where": where,
            "command": list(argv or []),
        },
    )
    failed = [
        (m.window.label, r["notebook"], describe_failure(r.get("error")))
        for m in sweep.members
        for r in m.records.values()
        if r["status"] != "ok"
    ]
    say(f"done   {total - len(failed)} ok, {len(failed)} failed in {seconds:.1f} s")
    for label, name, why in failed:
        say(f"FAILED {label} {name} {why}")
    say(f"report {page}")
    log.close()
    return 1 if failed else 0


def cmd_sweep(args) -> int:
    """``rotation sweep``: validate everything first (exit 2 on bad input), then run."""
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        print("rotation: error: rotation sweep needs dask[distributed] (pip install -e .)", file=sys.stderr)
        return 2
    return execute_sweep(build_sweep(args), argv=sys.argv[1:])
