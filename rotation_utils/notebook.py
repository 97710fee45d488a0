"""The first and last steps every report notebook shares.

``setup`` applies the house style, validates the parameters, opens the data
layer and creates the :class:`~rotation_utils.results.Report` that the last
cell writes; ``show_provenance`` prints the data table the standard asks for.
Keeping these here means a notebook's opening cell is three lines.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from IPython.display import display

from . import config, style
from .context import RunContext, resolve, with_data_as_of
from .data import DataLayer
from .dates import iso
from .errors import BadInputError
from .narrative import say
from .results import Report
from .tables import plain
from .tables import show as show  # the reports import it from here with setup; the ledger, from tables

#: file next to results.json that receives library log records and Python warnings
NOTEBOOK_LOG = "notebook.log"
#: loggers whose records are for the developer, not the reader (yfinance logs a line per failed request)
QUIET_LOGGERS = ("yfinance", "py.warnings", "urllib3", "peewee", "matplotlib")

#: the cell tag the runner uses to build slide decks (``rotation run --slides``)
SLIDE_TAG = "slide"


@dataclass
class Context:
    """What a report needs after setup: the frozen run context, the data layer and the report."""

    data: DataLayer
    report: Report
    run: RunContext

    @property
    def start(self) -> pd.Timestamp | None:
        return self.run.start

    @property
    def end(self) -> pd.Timestamp | None:
        return self.run.end

    @property
    def event_date(self) -> pd.Timestamp | None:
        return self.run.event_date


def declared_names(notebook: str) -> list[str] | None:
    """Names in the notebook's ``parameters`` cell (None when its file is not in the notebooks folder)."""
    path = config.notebooks_dir() / f"{notebook}.ipynb"
    if not path.is_file():
        return None
    import json

    from .runner.discover import declared_parameters

    # plain JSON, not nbformat: importing nbformat (and its schema validator) costs about a second per kernel
    return list(declared_parameters(json.loads(path.read_text(encoding="utf-8"))))


def setup(notebook: str, title: str, namespace: Mapping, data_source: str | None = None, snapshot_dir=None) -> Context:
    """Resolve the run context, apply the plot style, open the data layer and the report.

    A report calls ``setup("03_valuation_gap", TITLE, globals())``: the parameters
    are the names its ``parameters`` cell declares, read here from ``namespace``
    (the values papermill injected, or the defaults when run by hand), so no
    notebook retypes its parameter list. Dates are parsed once, in
    :func:`rotation_utils.context.resolve`, so a bad date fails in the first cell
    with a one-line message.

    Args:
        notebook: the notebook's file stem.
        title: the report's title.
        namespace: the notebook's globals (or, in tests, a dict of parameters).
        data_source, snapshot_dir: used when the parameters do not name them.
    Returns:
        The :class:`Context` (``ctx.run`` is the frozen :class:`RunContext`).
    """
    route_logs_away()
    names = declared_names(notebook)
    if names is None:  # not a report of the notebooks folder (a test): the mapping is the parameters
        names = [k for k in namespace if not k.startswith("_")]
    missing = [n for n in names if n not in namespace]
    if missing:
        raise BadInputError(f"{notebook}: parameters {', '.join(missing)} are not defined (run the parameters cell)")
    params = {n: namespace[n] for n in names}
    params.setdefault("data_source", data_source or "auto")
    params.setdefault("snapshot_dir", snapshot_dir)
    run = resolve(notebook, title, params)
    style.apply()
    dl = DataLayer(run.source, run.snapshot_dir, end=run.end)
    run = with_data_as_of(run, dl.read_limit)
    params = {k: v for k, v in params.items() if k in names}  # what the report declares, as it ran
    rep = Report(notebook, title, params, data=dl, window=(run.start, run.end))
    return Context(dl, rep, run)


def show_provenance(dl: DataLayer) -> pd.DataFrame:
    """Display where the data came from (source and date span per dataset, what is missing)."""
    say(f"**Data:** {dl.describe()}.")
    table = dl.provenance.summary()
    display(plain(table.rename(columns=str.capitalize)))  # notes quote paths and error text
    return table


def window_text(start, end) -> str:
    """'2025-01-02 to 2026-07-13' from the actual first/last dates used."""
    return f"{iso(start)} to {iso(end)}"


def route_logs_away() -> None:
    """Send library log records and Python warnings to ``notebook.log`` beside results.json.

    Why: without a handler, Python prints such records to stderr, which a notebook
    shows as a red block inside the report (yfinance logs one line per failed
    request when the network is down). The report states what data it used and
    what is missing in its Data section; the log keeps the details for whoever
    debugs. Calling this twice adds no second handler.
    """
    from .results import output_dir

    path = output_dir() / NOTEBOOK_LOG
    logging.captureWarnings(True)
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if not any(getattr(h, "_rotation_quiet", False) for h in logger.handlers):
            handler = logging.FileHandler(path, delay=True, encoding="utf-8")
            handler._rotation_quiet = True
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
            logger.addHandler(handler)
        logger.propagate = False
