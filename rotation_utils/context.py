"""The run context: which notebook, which window, which data, resolved once.

Why: before this object the report end date was parsed from text five times on
its way from ``--end`` to the data layer, and "the last date the data has" was
worked out in three places. :func:`resolve` turns the notebook's parameters
into Timestamps once (one-line errors for bad dates), asks the data layer once
for the last date it can serve, and freezes the result. Everything downstream
(notebook cells, analytics, the data layer, results.json) receives these
Timestamps and never parses a date again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from .dates import iso, parse_date, parse_window


@dataclass(frozen=True)
class RunContext:
    """One report run's identity, window and data setting (frozen).

    Attributes:
        notebook: the notebook's file stem (``03_valuation_gap``).
        title: the report's title.
        parameters: every declared parameter with the value it ran with (read-only).
        start: the window start, or None (the notebook's own default applies).
        end: the requested window end, or None for the latest data.
        event_date: the event the report measures around, when it has one.
        source: ``auto``, ``live`` or ``snapshot``.
        snapshot_dir: the snapshot folder given explicitly, or None for the configured one.
        data_as_of: the last date the data can speak for (the end capped by the
            source's last date), or None when live data run to today.
    """

    notebook: str
    title: str
    parameters: Mapping = field(default_factory=dict)
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    event_date: pd.Timestamp | None = None
    source: str = "auto"
    snapshot_dir: str | None = None
    data_as_of: pd.Timestamp | None = None

    @property
    def last_day(self) -> pd.Timestamp | None:
        """The window's last day: the requested end, else the data's as-of date."""
        return self.end if self.end is not None else self.data_as_of

    @property
    def window_label(self) -> str:
        """'2025-01-01 to 2026-07-13', with 'start of data' / 'latest data' for open ends."""
        return f"{iso(self.start) or 'start of data'} to {iso(self.last_day) or 'latest data'}"


def resolve(notebook: str, title: str, parameters: Mapping) -> RunContext:
    """Parse a notebook's parameters into a :class:`RunContext` (without the data's as-of date).

    Args:
        notebook: file stem of the notebook.
        title: the report's title.
        parameters: the declared parameters and their values (strings or Timestamps for dates).
    Returns:
        The context; :func:`with_data_as_of` adds the data's last date once the data layer is open.
    Raises:
        BadInputError: a date that does not parse, or a start on or after the end (one line).

    Example:
        >>> resolve("01_x", "X", {"start": "2025-01-01", "end": "2025-06-30"}).window_label
        '2025-01-01 to 2025-06-30'
    """
    start, end = parse_window(parameters.get("start"), parameters.get("end"))
    return RunContext(
        notebook=notebook,
        title=title,
        parameters=MappingProxyType(dict(parameters)),
        start=start,
        end=end,
        event_date=parse_date(parameters.get("event_date"), "event_date"),
        source=(parameters.get("data_source") or "auto"),
        snapshot_dir=parameters.get("snapshot_dir"),
    )


def with_data_as_of(ctx: RunContext, data_as_of) -> RunContext:
    """A copy of ``ctx`` carrying the data's last date (a Timestamp or None)."""
    from dataclasses import replace

    return replace(ctx, data_as_of=None if data_as_of is None else pd.Timestamp(data_as_of))
