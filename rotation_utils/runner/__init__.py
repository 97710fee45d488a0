"""The report runner behind ``rotation run`` and ``rotation list``.

discover -> validate (no side effects) -> run (parallel kernels, provenance,
HTML, slides) -> index (scorecard, run.json, outputs/latest). Each step is a
module of its own so it can be tested without starting a kernel.

Nothing is imported here: a report kernel that needs one small runner module
(the ledger reads ``runner.summary``) must not pay for nbformat and its JSON
schema validator (about a second) through this package's ``__init__``.
"""
