"""Shared package for the Great Rotation research notebooks.

Modules, by what they hold:
- ``data``: prices, rates, caps, fundamentals and universes from live sources or the snapshot
- ``universes``: the Magnificent 7, the Other 493, benchmarks, sector ETFs, named companies
- ``analytics``: the maths behind each report (returns, baskets, events, valuation, ...)
- ``charts``: the figures of each report, one module per analytics subject it draws
- ``tax_model``: the OBBBA tax model (pure functions)
- ``reference_data``: claims, FOMC decisions, OBBBA provisions (the claims ledger is
  ``analytics.ledger`` and ``story.ledger``, like every report)
- ``style``, ``tables``, ``narrative``: the look of charts, tables and computed prose
- ``results``: the results.json every report writes; ``notebook``: shared first/last steps
- ``runner`` and ``cli``: the ``rotation`` command that renders the reports
"""

__version__ = "0.1.0"
