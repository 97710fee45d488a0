"""Worker processes that never outlive the run, and a run that stops promptly when told to.

Why: a ``rotation run`` killed with SIGTERM or SIGKILL used to leave its pool
workers (~150 MB each) running forever, and Ctrl-C waited for the notebooks in
flight up to the cell timeout. Here:

- every worker asks Linux to send it SIGTERM when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``; elsewhere a thread polls the parent's pid);
- on SIGTERM a worker stops the kernels it started and exits at once;
- workers ignore SIGINT: Ctrl-C is the main process's to handle (it then
  stops the workers), so no worker prints a traceback;
- the main process treats SIGTERM like Ctrl-C (:func:`terminate_as_interrupt`).
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import psutil

PR_SET_PDEATHSIG = 1
PARENT_POLL_S = 1.0
#: seconds a stopped worker's kernels get to exit before they are killed
KERNEL_GRACE_S = 2.0


def _stop_children_and_exit(signum=None, frame=None) -> None:
    """Terminate this worker's kernels (and their children), then leave without cleanup."""
    try:
        children = psutil.Process().children(recursive=True)
        for child in children:
            child.terminate()
        _, alive = psutil.wait_procs(children, timeout=KERNEL_GRACE_S)
        for child in alive:
            child.kill()
    finally:
        os._exit(128 + (signum or signal.SIGTERM))


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_S)
        if os.getppid() != parent:
            _stop_children_and_exit()


def init_worker(parent: int) -> None:
    """Pool initializer: die with the parent, stop kernels on SIGTERM, leave SIGINT to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_children_and_exit)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        _stop_children_and_exit()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def start_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes, started now (see :func:`init_worker` for how they end).

    On Linux they are forked from this process, which has already imported
    papermill and rendered a small report (nbconvert's template compiled), so a worker is ready at once (spawn costs each
    worker a fresh interpreter and those imports). Forking happens here, before
    the runner starts any thread, so no lock can be inherited in a held state.
    """
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    if ctx.get_start_method() == "fork":
        import papermill  # noqa: F401  (imported once, inherited by every worker)

        from .render import warm_up

        warm_up()  # nbconvert, the compiled report template, pygments and mistune, inherited too
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=init_worker, initargs=(os.getpid(),))
    pool.submit(int).result()  # launches every worker process now, from the main thread
    return pool


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (each stops its kernels first) and drop queued notebooks."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=KERNEL_GRACE_S + 3)
        if proc.is_alive():
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


@contextmanager
def terminate_as_interrupt():
    """Within the block, SIGTERM raises KeyboardInterrupt in the main thread (as Ctrl-C does)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
