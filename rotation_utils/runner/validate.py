"""Check every user input before any kernel starts, and turn it into a run plan.

A bad date, a start after the end, a window the data cannot serve, an unknown
notebook name or a snapshot with a bad file must fail in a second with one
line, not ten minutes later in a kernel. Nothing here writes to disk. The plan also fixes which parameters each
notebook receives: only those it declares in its ``parameters`` cell, typed
(dates as ISO strings, lists as lists), never pasted into code.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..data.snapshot import check_snapshot_files
from ..dates import iso, parse_date, parse_day
from ..errors import BadInputError
from ..results import validate_results  # noqa: F401  (re-exported: the runner checks what it reads)
from .data_range import DataRange, check_window, data_range
from .discover import NotebookInfo, discover, notebooks_dir, select

#: command-line option -> notebook parameter it fills (when the notebook declares it)
OPTION_PARAMETERS = {
    "start": "start",
    "end": "end",
    "event_date": "event_date",
    "data": "data_source",
    "snapshot": "snapshot_dir",
}


@dataclass
class RunPlan:
    """Everything the executor needs, already validated."""

    notebooks: list[NotebookInfo]
    parameters: dict  # notebook name -> parameters passed to it
    given: dict  # the user's options, normalised (for the run id and the header)
    notebooks_dir: Path
    out_root: Path
    jobs: int
    timeout: int
    retries: int = 0
    slides: bool = False
    pdf: bool = False  # print the pages to PDF (Chromium checked before anything runs)
    force: bool = False  # re-execute every notebook (no reuse of earlier outputs)
    data_end: str | None = None  # last date the data has, when known before running
    notes: list[str] = field(default_factory=list)

    @property
    def first(self) -> list[NotebookInfo]:
        return [n for n in self.notebooks if not n.run_last]

    @property
    def last(self) -> list[NotebookInfo]:
        return [n for n in self.notebooks if n.run_last]


def outputs_dir(explicit=None) -> Path:
    """Output root: explicit --out, else $ROTATION_OUTPUTS, else outputs/ in the repository."""
    return config.outputs_root(explicit)


def _check_out_root(root: Path) -> None:
    """The output root must be a folder this process can create and write in.

    Checked by doing it: missing folders are created, a probe folder is made
    inside, and everything created here is removed again (nothing is left
    behind when validation fails later). Catches a path under a regular file,
    under /proc, on a read-only mount or without permission.
    """
    if root.exists() and not root.is_dir():
        raise BadInputError(f"--out {root} exists and is not a folder")
    blocker = next((p for p in root.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir() and not root.exists():
        raise BadInputError(f"--out {root}: {blocker} is a file, not a folder")
    made = []
    try:
        for folder in reversed([p for p in (root, *root.parents) if not p.exists()]):
            folder.mkdir()
            made.append(folder)
        os.rmdir(tempfile.mkdtemp(prefix=".rotation-probe-", dir=root))
    except OSError as exc:
        raise BadInputError(f"--out {root}: cannot write there ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass


def _positive(value, name: str, minimum: int = 1) -> int:
    if value is None:
        return None
    if int(value) < minimum:
        raise BadInputError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def build_plan(args) -> RunPlan:
    """Validate the ``rotation run`` options (an argparse namespace) and return the plan."""
    start = parse_day(args.start, "--start")
    end = parse_day(args.end, "--end")
    event = parse_day(args.event_date, "--event-date")
    if start is not None and end is not None and start >= end:
        raise BadInputError(f"--start {iso(start)} must be before --end {iso(end)}")
    jobs = _positive(args.jobs, "--jobs") or (os.cpu_count() or 1)
    timeout = _positive(args.timeout, "--timeout")
    retries = _positive(args.retries, "--retries", minimum=0) or 0

    snapshot = None
    if args.snapshot:
        snapshot = check_snapshot_files(Path(args.snapshot).expanduser().resolve())
    elif args.data == "snapshot":
        check_snapshot_files(config.snapshot_dir())
    rng = data_range(args.data or "auto", snapshot)
    if rng.snapshot is not None and rng.snapshot != snapshot:  # offline 'auto' reads it too
        check_snapshot_files(rng.snapshot)
    typed = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
    if typed:
        check_window(rng, start, end, None, typed)
    last_date = iso(end) if end is not None else rng.last

    folder = notebooks_dir(getattr(args, "notebooks", None))
    chosen = select(discover(folder), args.only)
    out_root = outputs_dir(args.out)

    given = {
        "start": iso(start),
        "end": iso(end),
        "event_date": iso(event),
        "data": args.data,
        "snapshot": str(snapshot) if snapshot else None,
    }
    given = {k: v for k, v in given.items() if v is not None}
    parameters, notes = {}, []
    for nb in chosen:
        passed = {OPTION_PARAMETERS[k]: v for k, v in given.items() if nb.declares(OPTION_PARAMETERS[k])}
        note = _check_window(nb, passed, rng)
        if note and note not in notes:
            notes.append(note)
        parameters[nb.name] = passed
    for opt, param in OPTION_PARAMETERS.items():
        if opt in given and not any(nb.declares(param) for nb in chosen):
            notes.append(f"no selected notebook declares '{param}': --{opt.replace('_', '-')} is unused")
    _check_out_root(out_root)  # last: it creates (and removes) folders to be sure
    return RunPlan(
        notebooks=chosen,
        parameters=parameters,
        given=given,
        notebooks_dir=folder,
        out_root=out_root,
        jobs=jobs,
        timeout=timeout,
        retries=retries,
        slides=bool(args.slides),
        pdf=_pdf_requested(args),
        force=bool(getattr(args, "force", False)),
        data_end=last_date,
        notes=notes,
    )


def _check_window(nb: NotebookInfo, passed: dict, rng: DataRange) -> str | None:
    """The window a notebook will see (given dates over its defaults) must be one the data can serve."""
    if not nb.declares("start"):
        return None
    start = passed.get("start", nb.default("start"))
    end = passed.get("end", nb.default("end") if nb.declares("end") else None)
    try:
        s = parse_date(start, f"{nb.name} start")
        e = parse_date(end, f"{nb.name} end")
    except BadInputError:
        if "start" in passed and "end" in passed:
            raise
        return None  # the notebook's own default is odd: let the notebook report it
    return check_window(rng, s, e, nb.name, passed)


def _pdf_requested(args) -> bool:
    """``--pdf`` given: check now that a browser can print, so a missing one fails before any kernel starts."""
    if not getattr(args, "pdf", False):
        return False
    from .pdf import require_chromium

    require_chromium()
    return True
