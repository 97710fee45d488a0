"""The windows of a sweep: calendar years, rolling windows, or a list of end dates.

Every window becomes one normal run (its own run folder), so a window is just
the ``--start``/``--end`` pair that run receives. The first window of every
sweep is the *default* run (each notebook's own defaults, data to the last
date): the reference the "stability" column compares the other windows with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..dates import iso, parse_date
from ..errors import BadInputError

DEFAULT_LABEL = "default"


@dataclass(frozen=True)
class Window:
    """One member run of a sweep: a label for the matrix and the dates its run receives."""

    label: str
    start: str | None = None
    end: str | None = None

    @property
    def is_default(self) -> bool:
        return self.start is None and self.end is None


def year_windows(spec: str, data_end: str) -> list[Window]:
    """'2019-2026' or '2024': one window per calendar year, the last one cut at the data's end."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-:]\s*(\d{4}))?\s*", spec or "")
    if not m:
        raise BadInputError(f"--years {spec!r}: expected YYYY or YYYY-YYYY, e.g. 2019-2026")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first > last:
        raise BadInputError(f"--years {spec}: the first year is after the last")
    out = []
    for year in range(first, last + 1):
        start, end = f"{year}-01-01", min(f"{year}-12-31", data_end)
        if start >= data_end:
            raise BadInputError(f"--years {spec}: the data ends on {data_end}, before {year} starts")
        out.append(Window(str(year), start, end))
    return out


def rolling_windows(months: int, step: int, since: str | None, data_end: str) -> list[Window]:
    """Windows of ``months`` months ending at the data's end and every ``step`` months before it.

    The earliest window starts on or after ``since`` (default: three windows back).
    """
    if months < 1 or step < 1:
        raise BadInputError("--rolling and --step must be at least 1 month")
    end = pd.Timestamp(data_end)
    floor = parse_date(since, "--since") if since else end - pd.DateOffset(months=months + 2 * step)
    out = []
    while True:
        start = end - pd.DateOffset(months=months)
        if start < floor:
            break
        out.append(Window(f"{months}m to {iso(end)}", iso(start), iso(end)))
        end = end - pd.DateOffset(months=step)
    if not out:
        raise BadInputError(f"--rolling {months}: no {months}-month window fits between {iso(floor)} and {data_end}")
    return out[::-1]


def end_windows(ends: list[str], data_end: str) -> list[Window]:
    """The default run as of each end date (each notebook's own start)."""
    out = []
    for text in ends:
        end = iso(parse_date(text, "--ends"))
        if end > data_end:
            raise BadInputError(f"--ends {end} is after the last date the data has ({data_end})")
        out.append(Window(f"to {end}", None, end))
    return sorted(set(out), key=lambda w: w.end)


def sweep_windows(args, data_end: str) -> list[Window]:
    """The default window, then the windows asked for by exactly one of --years/--rolling/--ends."""
    chosen = [name for name in ("years", "rolling", "ends") if getattr(args, name, None) is not None]
    if len(chosen) != 1:
        raise BadInputError("give exactly one of --years, --rolling or --ends")
    if args.years is not None:
        windows = year_windows(args.years, data_end)
    elif args.rolling is not None:
        step = args.step if args.step is not None else args.rolling
        windows = rolling_windows(args.rolling, step, args.since, data_end)
    else:
        windows = end_windows(args.ends, data_end)
    return [Window(DEFAULT_LABEL)] + windows
