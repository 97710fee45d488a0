"""The ``rotation`` command: ``run`` the report notebooks, ``list`` them, ``diff`` two runs, ``sweep`` windows, ``snapshot`` data.

Every user error (bad date, unknown notebook, not a snapshot folder, bad
option) is one line on stderr and exit code 2, before anything is written;
a run whose notebooks failed exits 1; a clean run exits 0.
"""

from __future__ import annotations

import argparse
import sys

from .errors import BadInputError, RotationError

SOURCES = ("auto", "live", "snapshot")
DEFAULT_TIMEOUT = 600


class _Parser(argparse.ArgumentParser):
    """argparse that raises a one-line BadInputError instead of printing usage and exiting."""

    def error(self, message):
        raise BadInputError(f"{message} (see '{self.prog} --help')")


def _add_run(sub) -> None:
    p = sub.add_parser(
        "run",
        help="execute the report notebooks and render them to HTML",
        description="Execute report notebooks in parallel kernels; write "
        "outputs/<run-id>/ (HTML, notebooks, results.json, CSV, index.html).",
    )
    p.add_argument("--start", metavar="YYYY-MM-DD", help="first date of the window (default: each notebook's own)")
    p.add_argument("--end", metavar="YYYY-MM-DD", help="last date (default: the last date the data has)")
    p.add_argument(
        "--event-date", dest="event_date", metavar="YYYY-MM-DD", help="event date for notebooks that declare event_date"
    )
    p.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="run only these notebooks (file stem, stem without NN_, or NN)",
    )
    p.add_argument("--data", choices=SOURCES, help="data source (default: each notebook's own, 'auto')")
    p.add_argument("--snapshot", metavar="DIR", help="rotation-snapshot/1 folder to read")
    p.add_argument("--jobs", type=int, metavar="N", help="notebooks run at once (default: number of cores)")
    p.add_argument("--out", metavar="DIR", help="output root (default: $ROTATION_OUTPUTS or outputs/)")
    p.add_argument(
        "--slides",
        action="store_true",
        help="also write the meeting deck of the run (meeting-deck.pptx) and an offline HTML deck "
        "of each report's cells tagged 'slide'",
    )
    p.add_argument(
        "--pdf", action="store_true", help="also print every report and the index to PDF (needs Chromium; see README)"
    )
    p.add_argument("--notebooks", metavar="DIR", help="notebook folder (default: $ROTATION_NOTEBOOKS or notebooks/)")
    p.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"per-cell timeout (default {DEFAULT_TIMEOUT})",
    )
    p.add_argument(
        "--retries",
        type=int,
        default=0,
        metavar="N",
        help="re-run a notebook whose kernel died or failed to start, up to N times (default 0)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="re-execute every notebook (default: reuse the outputs of a notebook whose inputs did not change)",
    )
    p.set_defaults(func=cmd_run)


def _add_list(sub) -> None:
    p = sub.add_parser("list", help="show each notebook's title, purpose and parameters")
    p.add_argument("--notebooks", metavar="DIR", help="notebook folder (default: $ROTATION_NOTEBOOKS or notebooks/)")
    p.set_defaults(func=cmd_list)


def _add_diff(sub) -> None:
    p = sub.add_parser(
        "diff",
        help="what changed between two runs (verdicts, headline numbers)",
        description="Compare two complete runs: data as-of and parameter differences, "
        "claim and report verdicts that changed, headline numbers that moved. "
        "Writes diff.html and diff.json in RUN_B's folder.",
    )
    p.add_argument(
        "runs",
        nargs="*",
        metavar="RUN",
        help="RUN_A [RUN_B]: folder name under the output root, 'latest', or a path "
        "(default: the two newest complete runs; one run: it against the newest)",
    )
    p.add_argument("--out", metavar="DIR", help="output root (default: $ROTATION_OUTPUTS or outputs/)")
    p.set_defaults(func=cmd_diff)


def _add_sweep(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run the reports over many windows on Dask; verdicts by window",
        description="Run the suite over a set of windows (each a normal run folder) on a Dask "
        "cluster and write sweeps/<id>/sweep.html, sweep.csv and sweep.json: claim x "
        "window verdicts, their stability against the default run, headline numbers by window.",
    )
    which = p.add_argument_group("windows (exactly one)")
    which.add_argument("--years", metavar="YYYY[-YYYY]", help="one window per calendar year, e.g. 2019-2026")
    which.add_argument(
        "--rolling",
        type=int,
        metavar="MONTHS",
        help="rolling windows of this many months, ending at the data's last date and every --step months before it",
    )
    which.add_argument("--ends", nargs="+", metavar="YYYY-MM-DD", help="rerun the defaults as of each end date")
    p.add_argument("--step", type=int, metavar="MONTHS", help="months between rolling windows (default: --rolling)")
    p.add_argument(
        "--since", metavar="YYYY-MM-DD", help="earliest start of a rolling window (default: three steps back)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="an existing Dask scheduler, e.g. tcp://host:8786 (default: an embedded LocalCluster)",
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="workers of the embedded cluster (default: number of cores)"
    )
    p.add_argument("--only", nargs="+", action="extend", metavar="NAME", help="run only these notebooks")
    p.add_argument("--event-date", dest="event_date", metavar="YYYY-MM-DD", help="event date for every window")
    p.add_argument("--data", choices=SOURCES, help="data source (default: each notebook's own, 'auto')")
    p.add_argument("--snapshot", metavar="DIR", help="rotation-snapshot/1 folder to read")
    p.add_argument("--out", metavar="DIR", help="output root (default: $ROTATION_OUTPUTS or outputs/)")
    p.add_argument("--notebooks", metavar="DIR", help="notebook folder (default: $ROTATION_NOTEBOOKS or notebooks/)")
    p.add_argument("--slides", action="store_true", help="also write slide decks")
    p.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="per-cell timeout")
    p.add_argument(
        "--retries",
        type=int,
        default=0,
        metavar="N",
        help="re-run a task whose kernel or worker died, up to N times (default 0)",
    )
    p.add_argument("--force", action="store_true", help="re-execute every notebook (no reuse)")
    p.set_defaults(func=cmd_sweep, jobs=None)


def _add_snapshot(sub) -> None:
    """Register ``rotation snapshot`` when the data export module exists (it is optional)."""
    try:
        from .data import export
    except Exception:  # missing, or broken mid-edit: `rotation run` and `list` must still work
        return
    add = getattr(export, "add_parser", None)
    if callable(add):
        add(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rotation", description="Run and list the Great Rotation report notebooks.")
    sub = parser.add_subparsers(dest="command", metavar="{run,list,diff,sweep,snapshot}")
    _add_run(sub)
    _add_list(sub)
    _add_diff(sub)
    _add_sweep(sub)
    _add_snapshot(sub)
    return parser


def cmd_run(args) -> int:
    from .runner.run import execute_plan
    from .runner.validate import build_plan

    plan = build_plan(args)  # raises BadInputError before anything is written
    return execute_plan(plan, argv=sys.argv[1:])


def cmd_diff(args) -> int:
    from .runner.diff import run_diff
    from .runner.validate import outputs_dir

    text, html_path = run_diff(args.runs, outputs_dir(args.out))
    print(text)
    print(f"\nfull diff: {html_path}")
    return 0


def cmd_sweep(args) -> int:
    from .runner.sweep import cmd_sweep as sweep

    return sweep(args)


def cmd_list(args) -> int:
    from .runner.discover import discover, notebooks_dir

    for nb in discover(notebooks_dir(args.notebooks)):
        if nb.error:
            print(f"{nb.name}  (unreadable: {nb.error})\n")
            continue
        print(f"{nb.name}  {nb.title}" + ("  (runs last)" if nb.run_last else ""))
        if nb.purpose:
            print(f"    {nb.purpose}")
        for name, spec in nb.parameters.items():
            note = f"  # {spec['help']}" if spec.get("help") else ""
            default = " ".join(spec["default"].split())  # a multi-line list on one line
            print(f"    {name} = {default}{note}")
        print()
    return 0


def main(argv=None) -> int:
    """Entry point of the ``rotation`` console script; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        return int(args.func(args) or 0)
    except RotationError as exc:
        message = " ".join(str(exc).split())
        print(f"rotation: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rotation: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
