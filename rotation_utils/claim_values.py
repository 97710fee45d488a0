"""The numbers behind a claim's verdict, as a reader sees them: display units, a label, a unit.

A report passes a claim's values to :meth:`rotation_utils.results.Report.claim`; the ones the
reader should see are given as :class:`Shown` (``Shown(-27.4, "pp", "KBWB minus SPY, 2023")``),
in display units (-27.4 pp, not -0.274). The article's figure and the measured one
(``claimed=``/``measured=`` with ``unit=``) are shown without being wrapped. results.json keeps
every value under ``values`` (for programs) and the shown ones, in order, under ``shown``;
the claims ledger prints ``shown`` and nothing else (``story.ledger.values_text``), formatted
as the summary boxes format numbers, so the ledger never shows a code name or a fraction next to "pp".
"""

from __future__ import annotations

from dataclasses import dataclass

#: labels of the two values every quantitative claim may carry
DEFAULT_LABELS = {"claimed": "Article", "measured": "This run"}


@dataclass(frozen=True)
class Shown:
    """A claim value the reader sees: ``value`` in display units, its ``unit`` and ``label``."""

    value: object
    unit: str
    label: str


def split(values: dict) -> tuple[dict, list[dict]]:
    """Plain values for programs and the shown ones for readers.

    Args:
        values: the keyword values given to ``Report.claim``; :class:`Shown` entries and the
            ``claimed``/``measured`` numbers (labelled with :data:`DEFAULT_LABELS` and the ``unit`` value)
            are shown.

    Returns:
        ``(plain, shown)``: ``plain`` maps every key to its bare value; ``shown`` lists
        ``{"name", "label", "value", "unit"}`` in the order given.
    """
    plain, shown = {}, []
    unit = values.get("unit")
    unit = unit.value if isinstance(unit, Shown) else unit
    for key, v in values.items():
        if isinstance(v, Shown):
            plain[key] = v.value
            shown.append({"name": key, "label": v.label, "value": v.value, "unit": v.unit})
            continue
        plain[key] = v
        if key in DEFAULT_LABELS and v is not None:
            shown.append({"name": key, "label": DEFAULT_LABELS[key], "value": v, "unit": unit or ""})
    return plain, shown
