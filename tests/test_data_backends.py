"""Backends implement the typed protocol the layer dispatches through, and only the
data package talks to the network."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest

from rotation_utils.data import DataLayer, MarketDataBackend, SnapshotBackend
from rotation_utils.data.live import LiveBackend

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rotation_utils"
DATA = PACKAGE / "data"
#: modules that open network connections; only rotation_utils/data/ may import them
NETWORK_MODULES = (
    "yfinance",
    "requests",
    "urllib.request",
    "http.client",
    "urllib3",
    "httpx",
    "curl_cffi",
    "aiohttp",
    "socket",
)

PROTOCOL_METHODS = [n for n, v in vars(MarketDataBackend).items() if callable(v) and not n.startswith("_")]


# ---- the protocol ------------------------------------------------------------------------
@pytest.mark.parametrize("backend", [SnapshotBackend, LiveBackend])
def test_backends_have_every_protocol_method_with_its_parameters(backend):
    assert len(PROTOCOL_METHODS) >= 11 and "prices" in PROTOCOL_METHODS
    for name in PROTOCOL_METHODS:
        want = list(inspect.signature(getattr(MarketDataBackend, name)).parameters)
        got = list(inspect.signature(getattr(backend, name)).parameters)
        assert got == want, f"{backend.__name__}.{name}{tuple(got)} differs from the protocol {tuple(want)}"
    assert isinstance(backend.name, str)


def test_the_layers_backends_are_protocol_instances(tmp_path):
    dl = DataLayer("auto", cache=tmp_path / "cache")
    assert [b.name for b in dl.backends()] == ["live", "snapshot"]
    assert all(isinstance(b, MarketDataBackend) for b in dl.backends())


def test_the_layer_names_no_backend_method_as_a_string():
    """The dispatch is typed: no getattr(backend, "<method>") lookups."""
    tree = ast.parse((DATA / "layer.py").read_text())
    lookups = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and getattr(n.func, "id", "") == "getattr"
        and n.args
        and getattr(n.args[0], "id", "") == "backend"
    ]
    assert lookups == []


# ---- the network boundary ------------------------------------------------------------------
def imported_modules(source: str) -> list[str]:
    """Every module a piece of Python source imports (statements, ``importlib.import_module``
    and ``__import__`` with a literal name)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and (getattr(node.func, "attr", None) == "import_module" or getattr(node.func, "id", None) == "__import__")
        ):
            found.append(str(node.args[0].value))
    return found


def network_imports(source: str) -> list[str]:
    """The imports in ``source`` of a network module (or one of its submodules)."""
    return [m for m in imported_modules(source) if any(m == n or m.startswith(n + ".") for n in NETWORK_MODULES)]


def notebook_code(path: Path) -> str:
    """A notebook's code cells as one module (IPython magics and shell lines dropped)."""
    cells = json.loads(path.read_text())["cells"]
    lines = [ln for c in cells if c["cell_type"] == "code" for ln in "".join(c["source"]).splitlines()]
    return "\n".join(ln for ln in lines if not ln.lstrip().startswith(("%", "!")))


def test_the_scan_finds_every_form_of_network_import():
    src = (
        "import yfinance as yf\nfrom urllib import request\nfrom http.client import HTTPSConnection\n"
        "import importlib\nimportlib.import_module('requests')\nfrom urllib.parse import quote\n"
        "def f():\n    import socket\n"
    )
    assert network_imports(src) == [
        "yfinance",
        "urllib.request",
        "http.client",
        "http.client.HTTPSConnection",
        "requests",
        "socket",
    ]


def test_only_the_data_package_imports_network_modules():
    outside = [p for p in PACKAGE.rglob("*.py") if DATA not in p.parents]
    assert len(outside) > 30
    offenders = {str(p.relative_to(ROOT)): network_imports(p.read_text()) for p in outside}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        offenders[str(nb.relative_to(ROOT))] = network_imports(notebook_code(nb))
    assert {k: v for k, v in offenders.items() if v} == {}
