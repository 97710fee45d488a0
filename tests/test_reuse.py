"""Incremental reruns: an unchanged notebook is reused, and any change to its inputs re-executes it.

End to end on the fixture notebooks (a copy, so one can be edited): a cold
run, an unchanged rerun, ``--force``, then one change at a time (notebook
content, parameters, snapshot manifest, live-data cache). The code version is
checked in-process (the package's files cannot be edited under a running suite).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from rotation_utils.data.cache import ParquetCache
from rotation_utils.runner import reuse as R
from rotation_utils.runner.records import Task
from tests.test_runner import FIXTURES, SNAPSHOT, rotation

GOOD, BROKEN, LEDGER = "01_good", "02_broken", "00_claims_ledger"


def _records(run_dir: Path) -> dict:
    return {nb["notebook"]: nb for nb in json.loads((run_dir / "run.json").read_text())["notebooks"]}


def _fake_snapshot(folder: Path) -> Path:
    """The real snapshot's files by symlink, with a manifest that differs (as a new snapshot's would)."""
    folder.mkdir()
    for child in SNAPSHOT.iterdir():
        if child.name != "manifest.json":
            (folder / child.name).symlink_to(child)
    manifest = json.loads((SNAPSHOT / "manifest.json").read_text())
    manifest["created"] = "2030-01-01T00:00:00+00:00"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    base = tmp_path_factory.mktemp("reuse")
    nbs, out, cache = base / "notebooks", base / "out", base / "cache"
    shutil.copytree(FIXTURES, nbs)
    cache.mkdir()
    env = {"ROTATION_CACHE": str(cache), "ROTATION_SNAPSHOT": str(SNAPSHOT)}

    def run(label, *extra, **env_extra):
        before = {p.name for p in out.iterdir()} if out.exists() else set()
        proc = rotation("run", "--notebooks", nbs, "--out", out, "--jobs", "2", *extra, env={**env, **env_extra})
        assert proc.returncode in (0, 1), proc.stderr
        new = sorted({p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink()} - before)
        assert len(new) == 1, (label, proc.stdout, proc.stderr)
        return out / new[0], proc

    done = {}
    done["cold"] = run("cold")
    done["unchanged"] = run("unchanged")
    done["force"] = run("force", "--force")
    good = nbs / f"{GOOD}.ipynb"
    nb = json.loads(good.read_text())
    nb["cells"][0]["source"] = ["# Good fixture, edited\n", "The title changed; nothing else did.\n"]
    good.write_text(json.dumps(nb))
    done["notebook"] = run("notebook")
    done["parameters"] = run("parameters", "--start", "2024-02-01")
    done["snapshot"] = run("snapshot", ROTATION_SNAPSHOT=str(_fake_snapshot(base / "snapshot2")))
    ParquetCache(cache).write(
        "prices",
        "SPY",
        pd.DataFrame({"date": pd.to_datetime(["2026-07-14"]), "close": [1.0]}),
        {"fetched_at": "2026-07-14T00:00:00"},
    )
    done["cache"] = run("cache", ROTATION_SNAPSHOT=str(base / "snapshot2"))
    done["again"] = run("again", ROTATION_SNAPSHOT=str(base / "snapshot2"))
    return done


def _reused(steps, step, name):
    return _records(steps[step][0])[name].get("reused_from")


def test_unchanged_rerun_reuses_successful_notebooks(steps):
    cold, _ = steps["cold"]
    run_dir, proc = steps["unchanged"]
    assert _reused(steps, "unchanged", GOOD) == cold.name
    assert _reused(steps, "unchanged", LEDGER) == cold.name
    assert _reused(steps, "unchanged", BROKEN) is None, "a failed notebook is never reused"
    assert any(
        ln.startswith(f"end    {GOOD}") and " reused " in ln and ln.endswith(f"from {cold.name}")
        for ln in proc.stdout.splitlines()
    )
    # the outputs are there (hard links of the earlier run's files) and identical
    for f in ("01_good.html", "01_good.ipynb", "results.json", "last_days.csv"):
        new, old = run_dir / GOOD / f, cold / GOOD / f
        assert new.read_bytes() == old.read_bytes()
    assert os.path.samefile(run_dir / GOOD / "results.json", cold / GOOD / "results.json")
    index = (run_dir / "index.html").read_text()
    assert f"reused from {cold.name}" in index
    run = json.loads((run_dir / "run.json").read_text())
    assert run["counts"]["reused"] == 2


def test_force_reexecutes_everything(steps):
    assert all(not rec.get("reused_from") for rec in _records(steps["force"][0]).values())


def test_changed_notebook_reexecutes_it_and_only_it(steps):
    recs = _records(steps["notebook"][0])
    assert recs[GOOD].get("reused_from") is None
    # its results.json is the same apart from the write time: the ledger's inputs did not change
    assert recs[LEDGER].get("reused_from") == steps["force"][0].name


def test_changed_parameters_reexecute_the_report_and_the_ledger(steps):
    recs = _records(steps["parameters"][0])
    assert recs[GOOD].get("reused_from") is None and recs[GOOD]["parameters"]["start"] == "2024-02-01"
    assert recs[LEDGER].get("reused_from") is None, "the ledger re-runs when a report's results changed"


def test_changed_snapshot_reexecutes(steps):
    # same notebook and parameters as the 'notebook' step: only the snapshot manifest differs
    recs = _records(steps["snapshot"][0])
    assert recs[GOOD].get("reused_from") is None
    assert (
        recs[GOOD]["reuse_inputs"]["data"]["snapshot"]
        != _records(steps["notebook"][0])[GOOD]["reuse_inputs"]["data"]["snapshot"]
    )


def test_changed_cache_reexecutes_and_then_is_reused(steps):
    recs = _records(steps["cache"][0])
    assert recs[GOOD].get("reused_from") is None
    assert _reused(steps, "again", GOOD) == steps["cache"][0].name


# --- the key, part by part (in-process) ------------------------------------------------------


@pytest.fixture
def task(tmp_path):
    out = tmp_path / "out"
    (out / "new" / GOOD).mkdir(parents=True)
    return Task(
        name=GOOD,
        input=str(FIXTURES / f"{GOOD}.ipynb"),
        dir=str(out / "new" / GOOD),
        defaults={"start": "2024-01-02", "data_source": "snapshot"},
        data_end="2026-07-13",
        packages={"pandas": "2"},
        out_root=str(out),
        run_id="new",
    )


def _earlier_run(out: Path, key: str) -> Path:
    old = out / "20260101-000000-aaaaaa"
    (old / GOOD).mkdir(parents=True)
    (old / GOOD / "results.json").write_text("{}")
    rec = {
        "notebook": GOOD,
        "status": "ok",
        "reuse_key": key,
        "files": {"results": "results.json"},
        "duration_seconds": 5.0,
        "run_id": old.name,
    }
    (old / "run.json").write_text(
        json.dumps({"run_id": old.name, "started_at": "2026-01-01T00:00:00", "notebooks": [rec]})
    )
    return old


@pytest.mark.parametrize("change", ["none", "notebook", "parameters", "as_of", "code", "packages", "force"])
def test_each_part_of_the_key_decides_reuse(task, tmp_path, monkeypatch, change):
    executed = []
    monkeypatch.setattr(
        "rotation_utils.runner.execute.run_task",
        lambda t: executed.append(t.name) or {"notebook": t.name, "status": "ok"},
    )
    old = _earlier_run(Path(task.out_root), R.reuse_key(R.key_inputs(task)))
    if change == "notebook":
        edited = tmp_path / "edited.ipynb"
        nb = json.loads(Path(task.input).read_text())
        nb["cells"][-1]["source"] = ["rep.write()\n"]
        edited.write_text(json.dumps(nb))
        task = task.with_(input=str(edited))
    elif change == "parameters":
        task = task.with_(parameters={"start": "2024-03-01"})
    elif change == "as_of":
        task = task.with_(data_end="2026-07-14")
    elif change == "code":
        monkeypatch.setattr(R, "code_version", lambda: "another code version")
    elif change == "packages":
        task = task.with_(packages={"pandas": "3"})
    elif change == "force":
        task = task.with_(force=True)
    rec = R.run_or_reuse(task)
    if change == "none":
        assert executed == [] and rec["reused_from"] == old.name
        assert (Path(task.dir) / "results.json").is_file()
    else:
        assert executed == [GOOD] and "reused_from" not in rec


def test_notebook_digest_ignores_outputs(tmp_path):
    nb = json.loads((FIXTURES / f"{GOOD}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}]
            cell["execution_count"] = 7
    copy = tmp_path / "with_outputs.ipynb"
    copy.write_text(json.dumps(nb))
    assert R.notebook_digest(copy) == R.notebook_digest(FIXTURES / f"{GOOD}.ipynb")


def test_code_version_follows_the_source_files(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "sub" / "t.html.j2").write_text("<p>")
    first = R.code_version.__wrapped__(pkg)
    (pkg / "sub" / "t.html.j2").write_text("<p>changed")
    assert R.code_version.__wrapped__(pkg) != first


def test_cache_fingerprint_sees_new_dates(tmp_path):
    cache = ParquetCache(tmp_path)
    assert R.cache_fingerprint(tmp_path) == ""
    frame = pd.DataFrame({"date": pd.to_datetime(["2026-07-10", "2026-07-13"]), "close": [1.0, 2.0]})
    cache.write("prices", "SPY", frame, {"fetched_at": "2026-07-13T00:00:00"})
    first = R.cache_fingerprint(tmp_path)
    assert first and R.cache_fingerprint(tmp_path) == first  # stable while nothing changes
    cache.write(
        "prices",
        "SPY",
        pd.concat([frame, frame.tail(1).assign(date=pd.Timestamp("2026-07-14"))]),
        {"fetched_at": "2026-07-13T00:00:00"},
    )
    assert R.cache_fingerprint(tmp_path) != first
