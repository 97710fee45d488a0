"""House rules that tools keep: ruff lint and ruff format over the package, tests, benchmarks and notebooks."""

import shutil
import subprocess
import sys

from rotation_utils import config


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = shutil.which("ruff", path=str(config.REPO_ROOT / ".venv" / "bin")) or shutil.which("ruff")
    cmd = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    return subprocess.run([*cmd, *args], cwd=config.REPO_ROOT, capture_output=True, text=True)


def test_ruff_lint_passes():
    result = _ruff("check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_every_file_unchanged():
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_notebooks_share_one_import_alias_for_narrative():
    """`narrative` is imported as `nv` in every report (not N, nr or bare names)."""
    import json
    import re

    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        code = "\n".join(
            "".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"
        )
        for match in re.finditer(r"narrative(?: as (\w+))?", code):
            if "import" in code[max(0, match.start() - 60) : match.start()]:
                assert match.group(1) == "nv", f"{path.name}: narrative imported as {match.group(1) or 'narrative'}"
        assert not re.search(r"from rotation_utils\.narrative import", code), f"{path.name}: bare narrative names"
