"""Words and display for the reports, one module per subject (``ledger`` is report 00, ``rotation`` 01, ``rates`` 02, ``valuation`` 03, ``tax`` 04).

A story module holds what a reader reads: computed sentences, display tables
(reader's headers and formats), chart captions, caveats and the verdict
:class:`~rotation_utils.verdicts.Rule` whose text a report prints. Its functions
take the results of :mod:`rotation_utils.analytics` (frames and small typed
results) and only word and arrange them; they never compute a figure of the
report themselves. Wording that does not depend on the data belongs in the
notebook's markdown cells, not here.

Imports point one way: story -> analytics -> data; analytics never imports story.
"""

from __future__ import annotations

import importlib


def __getattr__(name: str):
    """``story.rates`` imports its module on first use, so a notebook loads only its own subject."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
