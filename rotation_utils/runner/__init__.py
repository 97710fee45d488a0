"""The report runner behind ``rotation run`` and ``rotation list``.

discover -> validate (no side effects) -> run (parallel kernels, provenance,
HTML, slides) -> index (scorecard, run.json, outputs/latest). Each step is a
module of its own so it can be tested without starting a kernel.
"""

from .discover import NotebookInfo, notebooks_dir
from .validate import RunPlan, build_plan, validate_results

__all__ = ["NotebookInfo", "RunPlan", "build_plan", "notebooks_dir", "validate_results"]
