"""environment.yml (conda) and pyproject.toml (pip) must list the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name_and_bound(spec: str) -> tuple[str, str]:
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = data["dependencies"] + data["optional-dependencies"]["dev"]
    return dict(_name_and_bound(s) for s in specs)


def _conda() -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps, pip = {}, []
    for d in env["dependencies"]:
        if isinstance(d, dict):
            pip = d.get("pip", [])
            continue
        name, bound = _name_and_bound(d)
        deps[name] = bound
    return deps, pip


def test_conda_and_pip_list_the_same_packages_and_bounds():
    conda, _ = _conda()
    conda.pop("pip")
    python = conda.pop("python")
    assert python == "=3.11"
    assert conda == _pyproject()


def test_conda_installs_the_project_itself():
    _, pip = _conda()
    assert "-e ." in pip


def test_design_card_packages_are_present():
    deps = _pyproject()
    for pkg in ("jupyterlab", "pandas", "seaborn", "yfinance", "papermill", "pytest", "nbval"):
        assert pkg in deps, pkg
