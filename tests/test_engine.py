"""The runner's papermill engine saves a running notebook seldom, yet leaves the same executed notebook."""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest
from papermill import engines as pm_engines
from papermill.exceptions import PapermillExecutionError

from rotation_utils.runner import engine
from rotation_utils.runner.kernel import ActiveEnvKernelManager


def _notebook(path, sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _run(src, out, engine_name):
    pm.execute_notebook(
        str(src),
        str(out),
        kernel_name="python3",
        kernel_manager_class=ActiveEnvKernelManager,
        engine_name=engine_name,
        progress_bar=False,
    )


@pytest.fixture
def saves(monkeypatch):
    """Count papermill's notebook writes (and still write)."""
    count = []
    real = pm_engines.write_ipynb

    def counting(nb, path):
        count.append(path)
        return real(nb, path)

    monkeypatch.setattr(pm_engines, "write_ipynb", counting)
    return count


def _outputs(path):
    return [(c.source, [o.get("text", o.get("data")) for o in c.outputs]) for c in nbformat.read(path, 4).cells]


def test_throttled_engine_writes_a_few_times_and_leaves_the_same_notebook(tmp_path, saves):
    src = _notebook(tmp_path / "many.ipynb", [f"print({i} * 2)" for i in range(12)])
    _run(src, tmp_path / "default.ipynb", None)
    default_saves = len(saves)
    saves.clear()
    _run(src, tmp_path / "throttled.ipynb", engine.ENGINE_NAME)
    # papermill's engine writes when each cell starts and ends; ours at the start and the end
    assert default_saves >= 24
    assert 2 <= len(saves) <= 4, saves
    assert _outputs(tmp_path / "throttled.ipynb") == _outputs(tmp_path / "default.ipynb")


def test_a_failing_cell_is_saved_with_its_error_and_status(tmp_path, saves):
    src = _notebook(tmp_path / "fails.ipynb", ["x = 1", "raise ValueError('on purpose')", "y = 2"])
    with pytest.raises(PapermillExecutionError):
        _run(src, tmp_path / "out.ipynb", engine.ENGINE_NAME)
    cells = nbformat.read(tmp_path / "out.ipynb", 4).cells
    ran = [c for c in cells if "papermill" in c.metadata]  # papermill adds an error banner cell without it
    assert [c.metadata.papermill["status"] for c in ran] == ["completed", "failed", "pending"]
    failed = ran[1]
    assert any(o.get("ename") == "ValueError" for o in failed.outputs)
    assert len(saves) <= 4


def test_a_slow_notebook_is_still_saved_while_it_runs(tmp_path, saves, monkeypatch):
    monkeypatch.setattr(engine, "SAVE_EVERY_S", 0.0)
    src = _notebook(tmp_path / "slow.ipynb", ["import time", "time.sleep(0.05)", "time.sleep(0.05)"])
    _run(src, tmp_path / "out.ipynb", engine.ENGINE_NAME)
    assert len(saves) >= 6  # with no interval every cell start and end is written, as papermill does


def test_the_runner_kernel_runs_with_single_threaded_numeric_libraries(tmp_path):
    import os

    src = _notebook(tmp_path / "env.ipynb", ["import os; print(os.environ.get('OPENBLAS_NUM_THREADS'))"])
    _run(src, tmp_path / "out.ipynb", engine.ENGINE_NAME)
    printed = nbformat.read(tmp_path / "out.ipynb", 4).cells[0].outputs[0]["text"].strip()
    assert printed == os.environ.get("OPENBLAS_NUM_THREADS", "1")
