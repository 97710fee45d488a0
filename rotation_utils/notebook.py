"""The first and last steps every report notebook shares.

``setup`` applies the house style, validates the parameters, opens the data
layer and creates the :class:`~rotation_utils.results.Report` that the last
cell writes; ``show_provenance`` prints the data table the standard asks for.
Keeping these here means a notebook's opening cell is three lines.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd
from IPython.display import display

from . import style
from .tables import plain
from .data import DataLayer
from .dates import iso, parse_date, parse_window
from .narrative import say
from .results import Report

#: file next to results.json that receives library log records and Python warnings
NOTEBOOK_LOG = "notebook.log"
#: loggers whose records are for the developer, not the reader (yfinance logs a line per failed request)
QUIET_LOGGERS = ("yfinance", "py.warnings", "urllib3", "peewee", "matplotlib")

#: the cell tag the runner uses to build slide decks (``rotation run --slides``)
SLIDE_TAG = "slide"


@dataclass
class Context:
    """What a report needs after setup: the data layer, the report, and parsed dates."""

    data: DataLayer
    report: Report
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    event_date: pd.Timestamp | None


def setup(notebook: str, title: str, parameters: dict, data_source: str = "auto",
          snapshot_dir=None) -> Context:
    """Validate parameters, apply the plot style, open the data layer and the report.

    ``parameters`` is the notebook's parameter cell as a dict; ``start``, ``end``
    and ``event_date`` (when present) are parsed here so a bad date fails in the
    first cell with a one-line message.
    """
    route_logs_away()
    start, end = parse_window(parameters.get("start"), parameters.get("end"))
    event = parse_date(parameters.get("event_date"), "event_date")
    style.apply()
    dl = DataLayer(data_source, snapshot_dir, end=end)
    rep = Report(notebook, title, parameters, data=dl, window=(start, end))
    return Context(dl, rep, start, end, event)


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
