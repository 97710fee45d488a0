"""Execute one notebook in its own kernel and write its outputs (runs in a worker process).

Each call handles one report end to end: papermill executes it in a fresh
kernel of the active environment with ``ROTATION_REPORT_DIR`` and the working
directory set to the report's own folder; then the executed notebook is
stamped with provenance and rendered to HTML (and slides). A failing notebook
still gets its executed .ipynb and HTML (with papermill's error banner); the
returned record says which cell failed and the error's last line.

Papermill saves the notebook after every cell, so it writes to a hidden
``.<name>.partial.ipynb`` file; the stamped ``<name>.ipynb`` and the HTML are
written atomically at the end. A run cut short therefore never leaves a
half-written ``.ipynb`` under its real name, and a full disk is reported as
"no space left on <path>" instead of as the unreadable file it left.

Worker processes, not threads: papermill changes the process's working
directory and the kernel inherits the process environment, both of which are
per-process state.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import re
import time
import traceback
from pathlib import Path

import nbformat

from .. import atomic, config
from .provenance import data_block, stamp
from .records import Failure, Task, describe_failure
from .validate import validate_results

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KERNEL_DEATH = ("DeadKernelError",)
#: a kernel that never answered (e.g. lost a ZMQ port race at start-up): worth another attempt
KERNEL_START_FAILURE = ("Kernel died before replying to kernel_info",)
KERNEL_LOG = "kernel.log"
#: ipykernel lines that say nothing about the report (start-up notice, interrupt after a failed cell)
ROUTINE_KERNEL_LOG = ("running over TCP without encryption", "KeyboardInterrupt caught in kernel")


def _last_line(lines) -> str:
    text = _ANSI.sub("", "\n".join(lines or []))
    rows = [r.strip() for r in text.splitlines() if r.strip()]
    return rows[-1] if rows else ""


def failed_cell_number(source_nb, executed_nb, cut_off: bool = False) -> int | None:
    """1-based position in the *source* notebook of the cell that raised or was cut off (None if unknown).

    Papermill's own cell index counts its injected-parameters cell and, once the
    notebook is saved, its error-banner cells; the cell id is stable, so look it up.
    A cell that timed out or lost its kernel (``cut_off``) has no error output:
    it is the last cell papermill started.
    """
    if executed_nb is None:
        return None
    ids = [c.get("id") for c in source_nb.cells]

    def number(cell):
        return ids.index(cell.get("id")) + 1 if cell.get("id") in ids else None

    for cell in executed_nb.cells:
        pm_meta = cell.get("metadata", {}).get("papermill", {})
        errored = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if errored or pm_meta.get("exception") is True:
            return number(cell)
    if cut_off:
        started = [c for c in executed_nb.cells if c.get("metadata", {}).get("papermill", {}).get("start_time")]
        return number(started[-1]) if started else None
    return None


def failure_from_papermill(exc, source_nb, executed_nb) -> dict:
    """Cell position, execution count, first source line and last error line of a failed run."""
    src_lines = [s for s in (exc.source or "").splitlines() if s.strip()]
    last = _last_line(exc.traceback) or f"{exc.ename}: {exc.evalue}".strip()
    if not last.startswith(exc.ename or "\0"):
        last = f"{exc.ename}: {exc.evalue}".strip().splitlines()[0]
    return {
        "cell": failed_cell_number(source_nb, executed_nb),
        "execution_count": exc.exec_count,
        "ename": exc.ename,
        "evalue": exc.evalue,
        "line": last,
        "source": src_lines[0] if src_lines else "",
    }


def _run_papermill(task: Task, out_ipynb: Path, nb_dir: Path):
    import papermill as pm

    # papermill warns about parameters its line parser cannot read (a comment with "=")
    # although it injects them correctly; the runner reports failures itself
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    from .engine import ENGINE_NAME
    from .kernel import ActiveEnvKernelManager

    ActiveEnvKernelManager.stderr_path = str(nb_dir / KERNEL_LOG)
    pm.execute_notebook(
        task.input,
        str(out_ipynb),
        parameters=task.parameters,
        cwd=str(nb_dir),
        kernel_name="python3",
        kernel_manager_class=ActiveEnvKernelManager,
        engine_name=ENGINE_NAME,
        progress_bar=False,
        log_output=False,
        start_timeout=120,
        execution_timeout=task.timeout,
    )


def partial_path(out_ipynb: Path) -> Path:
    """Where papermill saves the notebook while it runs (renamed away once the run is stamped)."""
    return out_ipynb.with_name(f".{out_ipynb.stem}.partial.ipynb")  # papermill wants .ipynb


def _error(exc: BaseException, line: str, cell=None, detail: str = "") -> dict:
    return Failure.from_exception(exc, line, cell, detail).as_dict()


def execute(task: Task, source_nb, nb_dir: Path, out_ipynb: Path) -> tuple[str, dict | None, int]:
    """Run papermill (retrying kernel deaths and failed starts ``task.retries`` times).

    ``out_ipynb`` is the partial file papermill saves into. Returns (status, error, attempts).
    """
    from papermill.exceptions import PapermillExecutionError

    attempts = 0
    while True:
        attempts += 1
        try:
            _run_papermill(task, out_ipynb, nb_dir)
            return "ok", None, attempts
        except PapermillExecutionError as exc:
            executed = nbformat.read(out_ipynb, as_version=4) if out_ipynb.exists() else None
            return "failed", failure_from_papermill(exc, source_nb, executed), attempts
        except Exception as exc:  # kernel death, cell timeout, kernel that never started, full disk
            name = exc.__class__.__name__
            if _retryable(exc) and attempts <= task.retries:
                continue
            if atomic.is_disk_full(exc):
                line = atomic.disk_full_message(exc, out_ipynb)
            else:
                line = f"{name}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}".strip(": ")
            executed = _read_if_exists(out_ipynb)
            return (
                "failed",
                _error(exc, line, failed_cell_number(source_nb, executed, cut_off=True), traceback.format_exc(limit=3)),
                attempts,
            )


def _retryable(exc: BaseException) -> bool:
    """A dead kernel or one that died while starting (not a failing cell or a timeout)."""
    text = str(exc)
    return exc.__class__.__name__ in KERNEL_DEATH or any(m in text for m in KERNEL_START_FAILURE)


def _read_if_exists(path: Path):
    try:
        return nbformat.read(path, as_version=4) if path.exists() else None
    except Exception:  # a half-written notebook: no cell position then
        return None


def _meaningful(log: str) -> bool:
    """False when the kernel's stderr holds only ipykernel's routine start-up warnings."""
    return any(line.strip() and not any(r in line for r in ROUTINE_KERNEL_LOG) for line in log.splitlines())


def _read_results(path: Path) -> tuple[dict | None, list[str]]:
    if not path.exists():
        return None, ["results.json was not written"]
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return None, [f"results.json is unreadable: {exc}"]
    return data, validate_results(data)


def effective_parameters(defaults: dict, passed: dict) -> dict:
    """What the notebook ran with: its defaults overlaid with what the runner passed."""
    out = dict(defaults)
    out.update(passed)
    return out


def run_task(task: Task) -> dict:
    """Execute, stamp and render one notebook; return its status record (never raises).

    Args:
        task: the notebook's :class:`~.records.Task` built by the runner.
    Returns:
        the status record stored in run.json (status, error, files, timing, results summary).
    """
    t0 = time.perf_counter()
    try:
        return _run_task(task, t0)
    except Exception as exc:  # an unreadable source, a full disk...: still one record, one line
        return failed_record(task, exc, seconds=round(time.perf_counter() - t0, 2))


def failed_record(task: Task, exc: BaseException, seconds: float = 0.0, line: str | None = None) -> dict:
    """Status record for a notebook whose run broke outside its cells (or whose worker died)."""
    if line is None:
        line = (
            atomic.disk_full_message(exc, task.dir)
            if atomic.is_disk_full(exc)
            else f"worker process failed: {exc.__class__.__name__}: {exc}"
        )
    return {
        "run_id": task.run_id,
        "notebook": task.name,
        "title": task.title,
        "run_last": task.run_last,
        "status": "failed",
        "attempts": 1,
        "error": _error(exc, " ".join(line.split())),
        "parameters": task.parameters,
        "passed_parameters": task.parameters,
        "data": {},
        "files": {},
        "warnings": [],
        "results": None,
        "duration_seconds": seconds,
        "executed_at": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _run_task(task: Task, t0: float) -> dict:
    nb_dir = Path(task.dir)
    nb_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(task.env)
    os.environ[config.SETTINGS["report_dir"].env] = str(nb_dir)
    # figures must reach the notebook (and so the HTML) even when the caller's shell
    # sets a non-interactive backend such as MPLBACKEND=Agg
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    name = task.name
    out_ipynb = nb_dir / f"{name}.ipynb"
    partial = partial_path(out_ipynb)
    started = _dt.datetime.now().astimezone()
    source_nb = nbformat.read(task.input, as_version=4)
    status, error, attempts = execute(task, source_nb, nb_dir, partial)
    seconds = round(time.perf_counter() - t0, 2)
    kernel_log = nb_dir / KERNEL_LOG
    if kernel_log.exists() and not _meaningful(kernel_log.read_text(errors="replace")):
        kernel_log.unlink()

    nb = _read_if_exists(partial)
    if nb is None:  # the kernel never ran a cell (or its file is cut short): keep the source
        nb = source_nb
        nb.cells.insert(
            0,
            nbformat.v4.new_markdown_cell(
                f"**This notebook did not run:** {describe_failure(error) or 'unknown error'}"
            ),
        )
    results, warnings = _read_results(nb_dir / "results.json")
    if status != "ok":
        warnings = [w for w in warnings if "was not written" not in w]
    record = {
        "run_id": task.run_id,
        "notebook": name,
        "title": task.title,
        "status": status,
        "error": error,
        "attempts": attempts,
        "parameters": effective_parameters(task.defaults, task.parameters),
        "passed_parameters": task.parameters,
        "data": data_block(results),
        "git": task.git,
        "packages": task.packages,
        "executed_at": started.isoformat(timespec="seconds"),
        "duration_seconds": seconds,
    }
    stamp(nb, record)
    files = {}
    try:
        with atomic.replacing(out_ipynb) as tmp:
            nbformat.write(nb, tmp)
        files["ipynb"] = out_ipynb.name
        partial.unlink(missing_ok=True)
        from .render import write_html, write_slides

        files["html"] = write_html(nb, nb_dir / f"{name}.html", record, results, task).name
        if task.slides:
            slides = write_slides(nb, nb_dir / f"{name}.slides.html", record, results, task)
            if slides is not None:
                files["slides"] = slides.name
            else:
                warnings.append("no cell is tagged 'slide': no slide deck written")
    except Exception as exc:  # rendering must not lose the run's status
        full = atomic.is_disk_full(exc)
        line = atomic.disk_full_message(exc, nb_dir) if full else f"HTML rendering failed: {exc}"
        warnings.append(line if full else f"rendering failed: {exc.__class__.__name__}: {exc}")
        if status == "ok" or full:
            status, error = "failed", _error(exc, line)
    if results is not None:
        files["results"] = "results.json"
    if (nb_dir / "notebook.log").exists():
        files["notebook_log"] = "notebook.log"
    if kernel_log.exists():
        files["kernel_log"] = KERNEL_LOG
    record.update(status=status, error=error, files=files, warnings=warnings, results=_summary(results))
    return record


def _summary(results: dict | None) -> dict | None:
    """The parts of results.json the index page needs."""
    if not results:
        return None
    return {
        k: results.get(k)
        for k in (
            "title",
            "headline",
            "claims",
            "verdict",
            "tables",
            "extra",
            "key_metrics",
            "window",
            "parameters",
            "data",
        )
    }
