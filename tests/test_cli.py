"""The ``rotation`` command line: bad input is one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rotation_utils import cli
from rotation_utils.errors import DataUnavailableError

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def bad_snapshot(tmp: Path, kind: str) -> Path:
    folder = tmp / f"snap-{kind}"
    if kind == "missing":
        return folder
    folder.mkdir()
    if kind == "wrong-format":
        (folder / "manifest.json").write_text(json.dumps({"format": "something-else/1"}))
        (folder / "prices.parquet").write_bytes(b"")
    if kind == "broken-manifest":
        (folder / "manifest.json").write_text("{not json")
    return folder


BAD_INPUTS = {
    "unparseable start": (["--start", "2024-13-01"], "--start"),
    "unparseable end": (["--end", "yesterday-ish"], "--end"),
    "unparseable event date": (["--event-date", "2024-02-30"], "--event-date"),
    "start after end": (["--start", "2025-06-01", "--end", "2025-01-01"], "must be before --end"),
    "start equals end": (["--start", "2025-06-01", "--end", "2025-06-01"], "must be before --end"),
    "start after the data": (["--start", "2099-01-01", "--data", "snapshot"], "last date the data has"),
    "end before a notebook's start": (["--end", "2023-06-30"], "01_good's start 2024-01-02"),
    "unknown notebook": (["--only", "01_good", "nope"], "unknown notebook 'nope'"),
    "unknown source": (["--data", "cloud"], "invalid choice"),
    "unknown option": (["--colour", "red"], "unrecognized arguments"),
    "zero jobs": (["--jobs", "0"], "--jobs must be at least 1"),
    "negative retries": (["--retries", "-1"], "--retries must be at least 0"),
    "not an integer": (["--jobs", "two"], "invalid int value"),
}


def _run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(map(str, args)))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_nothing_written(case, tmp_path, capsys):
    args, expected = BAD_INPUTS[case]
    out_root = tmp_path / "outputs"
    code, out, err = _run(capsys, "run", "--notebooks", FIXTURES, "--out", out_root, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert expected in err and err.startswith("rotation: error: ")
    assert "Traceback" not in err and out == ""
    assert not out_root.exists()


@pytest.mark.parametrize("kind", ["missing", "empty", "wrong-format", "broken-manifest"])
def test_bad_snapshot_folder(kind, tmp_path, capsys):
    folder = bad_snapshot(tmp_path, kind)
    out_root = tmp_path / "outputs"
    code, out, err = _run(capsys, "run", "--notebooks", FIXTURES, "--out", out_root, "--snapshot", folder)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert str(folder) in err
    assert not out_root.exists()


def test_snapshot_source_checks_the_default_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ROTATION_SNAPSHOT", str(tmp_path / "nowhere"))
    code, _, err = _run(capsys, "run", "--notebooks", FIXTURES, "--out", tmp_path / "o", "--data", "snapshot")
    assert code == 2 and "does not exist" in err and not (tmp_path / "o").exists()


def test_missing_notebook_folder_and_out_that_is_a_file(tmp_path, capsys):
    code, _, err = _run(capsys, "run", "--notebooks", tmp_path / "none", "--out", tmp_path / "o")
    assert code == 2 and "does not exist" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = _run(capsys, "run", "--notebooks", empty, "--out", tmp_path / "o")
    assert code == 2 and "no notebooks" in err
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    code, _, err = _run(capsys, "run", "--notebooks", FIXTURES, "--out", afile)
    assert code == 2 and "not a folder" in err and afile.read_text() == "x"


def test_notebook_folder_from_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ROTATION_NOTEBOOKS", str(FIXTURES))
    code, out, _ = _run(capsys, "list")
    assert code == 0 and "01_good" in out


def test_list_reads_title_purpose_and_parameters_from_notebooks(capsys):
    code, out, err = _run(capsys, "list", "--notebooks", FIXTURES)
    assert code == 0 and err == ""
    blocks = out.strip().split("\n\n")
    assert [b.split()[0] for b in blocks] == ["00_claims_ledger", "01_good", "02_broken"]
    good = blocks[1]
    assert good.splitlines()[0] == "01_good  Good fixture"
    assert "A tiny report that succeeds, writes results.json, a table and a chart." in good
    assert 'start = "2024-01-02"  # first day of the window' in good
    assert 'tickers = ["SPY", "IWM"]' in good
    assert "(runs last)" in blocks[0]


def test_rotation_errors_from_a_command_are_one_line(monkeypatch, capsys):
    def boom(args):
        raise DataUnavailableError("no source could serve prices\n(second line folded)")

    monkeypatch.setattr(cli, "cmd_list", boom)
    code, _, err = _run(capsys, "list")
    assert code == 2
    assert err == "rotation: error: no source could serve prices (second line folded)\n"


def test_no_command_prints_help_and_exits_2(capsys):
    code, _, err = _run(capsys)
    assert code == 2 and "usage: rotation" in err


def test_snapshot_subcommand_is_optional(monkeypatch):
    """Registered when rotation_utils.data.export exists; the CLI still works without it."""
    import importlib.util

    has_export = importlib.util.find_spec("rotation_utils.data.export") is not None
    sub_names = lambda p: set(next(a for a in p._actions if a.dest == "command").choices)  # noqa: E731
    assert ("snapshot" in sub_names(cli.build_parser())) == has_export
    import rotation_utils.data

    monkeypatch.delattr(rotation_utils.data, "export", raising=False)
    monkeypatch.setitem(sys.modules, "rotation_utils.data.export", None)  # import now fails
    assert sub_names(cli.build_parser()) == {"run", "list", "diff", "sweep"}


def test_real_process_prints_no_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "rotation_utils.cli",
            "run",
            "--notebooks",
            str(FIXTURES),
            "--out",
            str(tmp_path / "o"),
            "--start",
            "not-a-date",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr == "rotation: error: --start: 'not-a-date' is not a date (use YYYY-MM-DD)\n"
    assert proc.stdout == "" and not (tmp_path / "o").exists()
