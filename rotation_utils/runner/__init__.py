"""The report runner behind ``rotation run`` and ``rotation list``.

discover -> validate (no side effects) -> run (parallel kernels, provenance,
HTML, slides) -> index (scorecard, run.json, outputs/latest). Each step is a
module of its own so it can be tested without starting a kernel.

Nothing of the runner is imported here: a process that needs one small runner
module must not pay for nbformat and its JSON schema validator through this
package's ``__init__``.
"""

import sys

# nbformat validates notebooks with jsonschema, whose format module imports every optional
# format checker it finds when it is first imported; the IRI checker (rfc3987_syntax,
# installed with jupyter-events) compiles about 38 parsers then, about a second of CPU per
# process (python-jsonschema/jsonschema#1428). Notebook schemas have no IRI formats, so
# the runner declines that checker: None in sys.modules makes its import fail, and
# jsonschema skips a checker it cannot import. Done before any runner module imports
# nbformat; a process that already imported the checker keeps it.
sys.modules.setdefault("rfc3987_syntax", None)
