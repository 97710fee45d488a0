"""The answer first: what a report's summary box, the index scorecard and the deck show.

All three read the same results.json fields through these functions, so a
number has the same value, rounding and unit wherever it appears:

- the verdict and its rule (``results["verdict"]``);
- the key numbers: the headline metrics named in ``results["key_metrics"]`` (the
  ones the verdict rests on), else the first headline metrics; at most
  :data:`KEY_NUMBERS`;
- the window the report measured (``results["window"]``: the first and last trading
  day of its data, or the thesis window it records; else its ``start`` parameter to its
  end or data as-of date), shown once beside the one data as-of date of the run;
- the key chart: the first picture output of the cell tagged :data:`KEY_CHART_TAG`.
"""

from __future__ import annotations

import math

KEY_NUMBERS = 3
KEY_CHART_TAG = "key-chart"
NA = "n/a"
_SIGNED_UNITS = ("pp",)  # differences: always shown with their sign, as the reports' prose does


def format_value(value, unit: str = "") -> str:
    """A headline number as the reports write it: '+4.9 pp', '67.9%', '26.9x', '$108.2 USD bn', '1 claim'.

    Args:
        value: number in display units, a string, a bool, or None/NaN (shown as "n/a").
        unit: display unit; "pp"-units are signed, percent and pp use one decimal; a counted
            noun ("claims", "years") is singular for 1.

    Returns:
        The display text with its unit.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NA
    unit = (unit or "").strip()
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif not isinstance(value, (int, float)):
        text = str(value)
    elif unit.split(" ")[0] in _SIGNED_UNITS:
        text = f"{value:+,.1f}"
    elif unit.startswith("%"):
        text = f"{value:,.1f}"
    elif isinstance(value, int) or float(value).is_integer() and (abs(value) >= 100 or unit.isalpha()):
        text = f"{value:,.0f}"
    else:
        a = abs(value)
        text = f"{value:,.0f}" if a >= 100 else f"{value:.1f}" if a >= 1 else f"{value:.2f}"
    if not unit:
        return text
    if unit.isalpha() and unit.islower() and unit.endswith("s") and value == 1 and not isinstance(value, bool):
        unit = unit[:-1]  # 1 claim, 1 year
    return f"{text}{unit}" if unit in ("%", "x", "×") or unit.startswith("% ") else f"{text} {unit}"


def key_metrics(results: dict | None, limit: int = KEY_NUMBERS) -> list[dict]:
    """The numbers behind the verdict: ``[{"label", "value"}]`` with ``value`` formatted.

    Args:
        results: a results.json dict (or None for a report that wrote none).
        limit: how many to return at most.

    Returns:
        The metrics named in ``results["key_metrics"]``, in that order; when none is
        named, the first headline metrics (results files written before the field existed).
    """
    headline = [m for m in ((results or {}).get("headline") or []) if isinstance(m, dict)]
    by_name = {m.get("name"): m for m in headline}
    names = (results or {}).get("key_metrics") or []
    chosen = [by_name[n] for n in names if n in by_name] if isinstance(names, list) else []
    chosen = chosen or headline
    return [
        {
            "label": m.get("label") or m.get("name") or "",
            "value": format_value(m.get("value"), m.get("unit")),
            "name": m.get("name") or "",
        }
        for m in chosen[:limit]
    ]


def report_window(results: dict | None) -> str:
    """The window a report measured, e.g. '2025-01-02 to 2026-07-13' (or 'n/a').

    The data's as-of date is not part of it: the summary box, the deck and the index
    show that date once, next to the window.

    Args:
        results: a results.json dict.

    Returns:
        ``results["window"]`` as text when the report recorded it (a string, or a
        ``{"start", "end", "label"}`` dict: its label, else its dates: the first and last
        trading day of the report's data), else the ``start`` parameter to the ``end``
        parameter or the data's as-of date; a report judged on a tax year shows that year.
    """
    results = results or {}
    window = results.get("window")
    if isinstance(window, str) and window.strip():
        return window.strip()
    params = results.get("parameters") if isinstance(results.get("parameters"), dict) else {}
    as_of = (results.get("data") or {}).get("as_of") if isinstance(results.get("data"), dict) else None
    if isinstance(window, dict) and not window.get("start") and params.get("tax_year"):
        window = None  # a tax-year report: its year says more than "start of data"
    if isinstance(window, dict) and window.get("label"):
        return str(window["label"])
    if isinstance(window, dict) and (window.get("start") or window.get("end")):
        return f"{window.get('start') or 'first data'} to {window.get('end') or as_of or 'latest data'}"
    end = params.get("end") or as_of
    if params.get("start"):
        return f"{params['start']} to {end or 'latest data'}"
    if params.get("tax_year"):
        return f"tax year {params['tax_year']}"
    return NA


def windows_span(results) -> str:
    """What the reports of one run cover together: "each report's own window, 2022-01-03 to 2026-07-13".

    Why: a page about several reports (the claims ledger, the deck's title slide) must not
    invent a window; it names the earliest first and the latest last data date of theirs.

    Args:
        results: results.json dicts (None entries are skipped).

    Returns:
        The sentence, without dates when no report recorded them.
    """
    starts, ends = [], []
    for res in results:
        window = (res or {}).get("window")
        if isinstance(window, dict):
            starts += [window["start"]] if window.get("start") else []
            ends += [window["end"]] if window.get("end") else []
    span = f", {min(starts)} to {max(ends)}" if starts and ends else ""
    return f"each report\u2019s own window{span}"


def key_chart(nb) -> str | None:
    """The first PNG output of the cell tagged ``key-chart`` as a data URI (None if there is none).

    Args:
        nb: an executed notebook (nbformat node).

    Returns:
        ``"data:image/png;base64,..."`` ready for an ``<img src>``, or None.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or KEY_CHART_TAG not in (cell.get("metadata", {}).get("tags") or []):
            continue
        for out in cell.get("outputs") or []:
            png = (out.get("data") or {}).get("image/png")
            if png:
                return "data:image/png;base64," + "".join(png.split())
    return None


def summary(results: dict | None, nb=None) -> dict:
    """Everything the summary box shows: verdict, rule, evidence, window, key numbers, key chart.

    Args:
        results: the report's results.json (None when it wrote none).
        nb: the executed notebook, for the key chart (optional).

    Returns:
        A dict for the templates and the deck; ``verdict`` is None without results.
    """
    verdict = (results or {}).get("verdict") if isinstance((results or {}).get("verdict"), dict) else {}
    return {
        "verdict": verdict.get("value"),
        "rule": verdict.get("rule") or "",
        "evidence": verdict.get("evidence") or "",
        "window": report_window(results),
        "as_of": ((results or {}).get("data") or {}).get("as_of") or NA,
        "numbers": key_metrics(results),
        "chart": key_chart(nb) if nb is not None else None,
    }
