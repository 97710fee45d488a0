"""No computation in notebook cells: a cell shows the method through a few named calls.

The check is static (the cells' syntax tree). In every code cell but the parameters cell it
rejects what computes rather than names a step: imports of anything but the package and
pyplot, definitions, lambdas, comprehensions, loops other than `for` over a named result,
arithmetic, comparisons other than membership and identity, slices and boolean masks,
pandas data methods, and f-strings that compute. A figure is then always computed in
`analytics/` and a sentence always written in `story/`, where a reader looks for them.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

ALLOWED_IMPORTS = ("rotation_utils", "matplotlib.pyplot")

# Methods that compute on a frame, a series or an index (pandas' own names; `apply` is left
# out because `verdicts.Rule.apply` is how a report applies its verdict rule).
DATA_METHODS = frozenset(
    """
    abs agg aggregate all any assign bfill clip combine concat corr count cov cummax cummin
    cumprod cumsum describe diff drop drop_duplicates dropna ewm expanding ffill fillna filter
    groupby head idxmax idxmin interpolate isin isna join max mean median melt merge min mode
    notna nlargest nsmallest nunique pct_change pivot pivot_table prod quantile query rank
    reindex rename replace resample reset_index rolling round sample set_index shift sort_index
    sort_values stack std sum tail to_dict to_list tolist transform unique unstack value_counts
    var where mask
    """.split()
)
INDEXERS = frozenset({"loc", "iloc", "at", "iat"})
FORBIDDEN_NODES = {
    ast.FunctionDef: "a function definition",
    ast.AsyncFunctionDef: "a function definition",
    ast.ClassDef: "a class definition",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.While: "a while loop",
    ast.BinOp: "arithmetic",
    ast.AugAssign: "arithmetic",
    ast.Slice: "a slice",
}


def _code_cells(path: Path) -> list[tuple[int, str]]:
    cells = json.loads(path.read_text())["cells"]
    return [
        (i, "".join(c["source"]))
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and "parameters" not in c.get("metadata", {}).get("tags", [])
    ]


def _python(source: str) -> str:
    """The cell without IPython's trailing `;` quirks or magics."""
    return "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))


def computation_in(source: str) -> list[str]:
    """What in a cell's source computes instead of naming a step (empty when it is clean).

    Args:
        source: the cell's code.

    Returns:
        One short description per offending construct, e.g. ``"line 3: arithmetic"``.

    Example:
        >>> computation_in("x = a.groupby('k').sum()")
        ['line 1: pandas method .groupby()', 'line 1: pandas method .sum()']
    """
    found = []
    for node in ast.walk(ast.parse(_python(source))):
        line = getattr(node, "lineno", 0)
        what = next((label for kind, label in FORBIDDEN_NODES.items() if isinstance(node, kind)), None)
        if isinstance(node, ast.UnaryOp) and not isinstance(node.operand, ast.Constant):
            what = "arithmetic" if not isinstance(node.op, ast.Not) else None
        elif isinstance(node, ast.Compare):
            if not all(isinstance(op, ast.Is | ast.IsNot | ast.In | ast.NotIn) for op in node.ops):
                what = "a comparison"
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            bad = [n for n in names if not (n or "").startswith(ALLOWED_IMPORTS)]
            what = f"an import of {', '.join(bad)}" if bad else None
        elif isinstance(node, ast.Attribute) and node.attr in INDEXERS:
            what = f"an indexer .{node.attr}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DATA_METHODS:
            what = f"pandas method .{node.func.attr}()"
        elif isinstance(node, ast.FormattedValue) and not isinstance(node.value, ast.Name | ast.Attribute):
            what = "an f-string that computes"
        elif isinstance(node, ast.For) and not isinstance(node.iter, ast.Call | ast.Name | ast.Attribute):
            what = "a loop over an expression"
        if what:
            found.append((line, what))
    return [f"line {line}: {what}" for line, what in sorted(set(found))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reports_compute_nothing_in_their_cells(path):
    problems = {i: computation_in(src) for i, src in _code_cells(path)}
    problems = {i: p for i, p in problems.items() if p}
    assert not problems, f"{path.name}: computation in cells {problems}"


def test_every_report_is_checked():
    assert len(NOTEBOOKS) == 7 and NOTEBOOKS[0].stem == "00_claims_ledger"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("x = a + b", "arithmetic"),
        ("x = -a", "arithmetic"),
        ("x = a.loc['k']", "an indexer .loc"),
        ("x = a[1:3]", "a slice"),
        ("x = a[a > 0]", "a comparison"),
        ("x = [v for v in a]", "a comprehension"),
        ("import pandas as pd", "an import of pandas"),
        ("f = lambda v: v", "a lambda"),
        ("def f():\n    pass", "a function definition"),
        ("x = a.groupby('k').mean()", "pandas method .groupby()"),
        ("s = f'{n - 1} years'", "an f-string that computes"),
        ("for i in range(3) or []:\n    pass", "a loop over an expression"),
        ("while x:\n    pass", "a while loop"),
    ],
)
def test_the_check_catches_each_kind_of_computation(source, expected):
    assert any(expected in p for p in computation_in(source)), computation_in(source)


def test_named_calls_pass_the_check():
    clean = """
import matplotlib.pyplot as plt
from rotation_utils import story
fit = rate_beta.yield_betas(data.px, data.rates[[y, z]], first=-5)
if fit is None or "KRE" in data.columns:
    nv.say(story.rates.no_fit_sentence(y))
for row in story.rates.headline_metrics(fit):
    rep.metric(*row)
show(story.rates.beta_table(fit.table))
plt.show()
rep.write();
"""
    assert computation_in(clean) == []
