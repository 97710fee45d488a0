"""The runner's records: what a worker is asked to do, how a run failed, what it reports.

Why one module: the task is built by ``run.py`` and ``sweep.py``, executed by
``execute.py``, keyed by ``reuse.py`` and read by ``render.py``; a failure is
made by ``execute.py`` and described by ``run.py``, ``render.py`` and
``sweep.py``. With the shapes here, none of those modules imports another just
to learn a field name (``render`` no longer imports ``execute``).

- :class:`Task`: one notebook to run (frozen; :meth:`Task.with_` gives a changed copy).
- :class:`Failure`: where and why a notebook failed; stored in run.json as a dict.
- :class:`NotebookRecord`: the status record of one notebook as run.json stores it
  (a ``TypedDict``: it crosses process and Dask boundaries and is read back from
  run.json as plain JSON).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TypedDict


@dataclass(frozen=True)
class Task:
    """One notebook for one run: everything a worker process needs, nothing it must look up.

    Attributes:
        name: the notebook's file stem.
        input: path of the source notebook.
        dir: the notebook's folder inside the run folder.
        title, purpose: from the notebook's first markdown cell.
        run_last: runs after the other reports (the claims ledger).
        parameters: what the runner passes (validated, dates as ISO text).
        defaults: the notebook's declared defaults (for the effective parameters).
        timeout, retries: per-cell timeout in seconds (None: none) and kernel-start retries.
        slides: also write the slide deck.
        env: environment variables the kernel needs (run folder, notebooks folder, data settings).
        run_id, git, packages: provenance stamped into the outputs.
        out_root: root of the run folders (where reusable earlier runs are looked up).
        force: never reuse an earlier run's outputs.
        data_end: the last date the data has, when known before running.
    """

    name: str
    input: str
    dir: str
    title: str = ""
    purpose: str = ""
    run_last: bool = False
    parameters: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    timeout: int | None = None
    retries: int = 0
    slides: bool = False
    env: dict = field(default_factory=dict)
    run_id: str = ""
    git: dict = field(default_factory=dict)
    packages: dict = field(default_factory=dict)
    out_root: str | None = None
    force: bool = False
    data_end: str | None = None

    def with_(self, **changes) -> Task:
        """A copy with ``changes`` applied (a task is never edited in place)."""
        return replace(self, **changes)


@dataclass
class Failure:
    """Why a notebook failed: the cell (1-based, in the source notebook), its execution count,
    the exception and the last line of its traceback, and the cell's first source line."""

    ename: str
    evalue: str
    line: str
    cell: int | None = None
    execution_count: int | None = None
    source: str = ""
    detail: str = ""

    @classmethod
    def from_exception(cls, exc: BaseException, line: str, cell=None, detail: str = "") -> Failure:
        """A failure outside the notebook's cells (a kernel that did not start, a full disk...)."""
        return cls(ename=exc.__class__.__name__, evalue=str(exc), line=line, cell=cell, detail=detail)

    def as_dict(self) -> dict:
        """The run.json form (``detail`` only when there is one)."""
        out = asdict(self)
        if not self.detail:
            out.pop("detail")
        return out


class NotebookRecord(TypedDict, total=False):
    """One notebook's status in run.json (and in the index, the diff and the sweep)."""

    run_id: str
    notebook: str
    title: str
    run_last: bool
    status: str  # ok | failed | interrupted
    error: dict | None  # a Failure.as_dict()
    attempts: int
    parameters: dict  # effective: defaults overlaid with what was passed
    passed_parameters: dict
    data: dict
    git: dict
    packages: dict
    executed_at: str
    duration_seconds: float
    executed_seconds: float  # a reused record: the original execution time
    files: dict
    warnings: list
    results: dict | None  # the parts of results.json the index needs
    reused_from: str
    reused_origin: str
    reuse_key: str | None
    reuse_inputs: dict


def describe_failure(error: dict | Failure | None) -> str:
    """'at cell 4 (In [3]): ZeroDivisionError: division by zero' for the console and the index."""
    if not error:
        return ""
    if isinstance(error, Failure):
        error = error.as_dict()
    where = []
    if error.get("cell"):
        where.append(f"cell {error['cell']}")
    if error.get("execution_count"):
        where.append(f"In [{error['execution_count']}]")
    place = f"at {where[0]}" + (f" ({where[1]})" if len(where) > 1 else "") if where else ""
    return f"{place}: {error.get('line', '')}".strip(": ").strip()
