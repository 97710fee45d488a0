"""House style, notebook setup and reference files."""

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from rotation_utils import config, notebook, reference_data, style
from rotation_utils.errors import BadInputError


def test_style_applies_palette_and_footnote():
    style.apply()
    first = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0]
    assert matplotlib.colors.to_hex(first).lower() == style.PALETTE[0].lower()
    fig, ax = style.new_figure("Title", "Date", "Return (%)")
    ax.plot(pd.date_range("2025-01-01", periods=3), [1, 2, 3])
    style.footnote(ax, "snapshot", "2026-07-13")
    style.mark_dates(ax, ["2025-01-02", "2030-01-01"], label="event")
    texts = [t.get_text() for t in fig.texts]
    assert texts == ["Source: snapshot | data as of 2026-07-13"]
    assert ax.get_title() == "Title" and ax.get_ylabel() == "Return (%)"
    assert len(ax.lines) == 2  # the series and one event line; 2030 is outside the axis
    plt.close(fig)


def _rc(value):
    """An rc value in a comparable form: floats rounded, colour cycles as hex strings."""
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "by_key"):
        return [matplotlib.colors.to_hex(c).lower() for c in value.by_key()["color"]]
    return value


def test_house_style_sheet_equals_the_seaborn_theme_it_writes_out():
    """The sheet replaces seaborn.set_theme(...) at notebook start; it must set the same values."""
    import seaborn as sns

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        sns.set_theme(context="talk", style="whitegrid", palette=style.PALETTE, font_scale=0.8)
        themed = dict(matplotlib.rcParams)
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        style.apply()
        sheet = dict(matplotlib.rcParams)
    own = matplotlib.rc_params_from_file(style.HOUSE_STYLE, use_default_template=False)
    house_only = {
        "figure.figsize",
        "figure.dpi",
        "savefig.dpi",
        "savefig.bbox",
        "axes.titleweight",
        "axes.titlesize",
        "axes.spines.top",
        "axes.spines.right",
        "legend.frameon",
    }
    assert house_only <= set(own)
    # image.cmap is seaborn's own 'rocket', which exists only once seaborn is imported; heat maps name their map
    differ = {k for k in themed if k not in house_only | {"image.cmap"} and _rc(themed[k]) != _rc(sheet[k])}
    assert not differ, {k: (themed[k], sheet[k]) for k in differ}
    assert sheet["axes.titlesize"] == 15 and sheet["axes.titleweight"] == "bold"


def test_report_start_imports_no_seaborn_or_scipy():
    """The fixed cost of every kernel: the shared first step must not pull in seaborn or scipy.stats."""
    import subprocess
    import sys

    code = (
        "import sys; from rotation_utils import notebook, style, narrative, tables; style.apply(); "
        "from rotation_utils.analytics import ledger, ledger_data; from rotation_utils.story import ledger; "
        "notebook.declared_names('06_sector_leadership'); "
        "print(sorted(m for m in ('seaborn', 'scipy.stats', 'statsmodels', 'nbformat', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_setup_parses_dates_and_rejects_bad_ones():
    ctx = notebook.setup(
        "n", "t", {"start": "2025-01-01", "end": None, "event_date": "2026-01-13"}, data_source="snapshot"
    )
    assert ctx.start == pd.Timestamp("2025-01-01") and ctx.end is None
    assert ctx.event_date == pd.Timestamp("2026-01-13")
    with pytest.raises(BadInputError, match="start"):
        notebook.setup("n", "t", {"start": "2025-02-30"}, data_source="snapshot")
    with pytest.raises(BadInputError, match="before"):
        notebook.setup("n", "t", {"start": "2026-01-01", "end": "2025-01-01"}, data_source="snapshot")
    with pytest.raises(BadInputError, match="unknown data source"):
        notebook.setup("n", "t", {}, data_source="bloomberg")


def test_setup_reads_the_declared_parameters_from_the_namespace_and_freezes_the_context():
    """A report passes globals(): setup keeps exactly the names its parameters cell declares."""
    import dataclasses

    declared = notebook.declared_names("06_sector_leadership")
    namespace = {name: None for name in declared}
    namespace.update(
        start="2026-01-02",
        end="2026-06-30",
        data_source="snapshot",
        sectors=["XLF"],
        benchmark="SPY",
        small_cap_index="IWM",
        calendar_from=2024,
        top_n=3,
        min_window_days=42,
        pd=pd,
        unrelated_variable=1,
    )
    ctx = notebook.setup("06_sector_leadership", "t", namespace)
    assert set(ctx.report.parameters) == set(declared)
    assert ctx.run.end == pd.Timestamp("2026-06-30") and ctx.run.data_as_of == pd.Timestamp("2026-06-30")
    assert ctx.run.last_day == ctx.run.end and ctx.data.end == ctx.run.end
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.run.end = None
    with pytest.raises(TypeError):
        ctx.run.parameters["start"] = "2020-01-01"
    del namespace["top_n"]
    with pytest.raises(BadInputError, match="top_n"):
        notebook.setup("06_sector_leadership", "t", namespace)


def test_run_context_data_as_of_is_the_snapshot_end_when_no_end_is_given():
    ctx = notebook.setup("n", "t", {"start": "2025-01-01"}, data_source="snapshot")
    assert ctx.run.data_as_of == pd.Timestamp(ctx.data.read_limit)
    assert ctx.run.window_label == f"2025-01-01 to {ctx.run.data_as_of:%Y-%m-%d}"


def test_config_paths_follow_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ROTATION_SNAPSHOT", str(tmp_path))
    monkeypatch.setenv("ROTATION_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("ROTATION_OFFLINE", "yes")
    assert config.snapshot_dir() == tmp_path.resolve()
    assert config.snapshot_dir(tmp_path / "other") == (tmp_path / "other").resolve()
    assert config.cache_dir() == (tmp_path / "c").resolve()
    assert config.offline_forced()
    monkeypatch.setenv("ROTATION_OFFLINE", "0")
    assert not config.offline_forced()


def test_reference_loaders_types():
    f = reference_data.fomc_decisions()
    assert f["announcement_date"].is_monotonic_increasing
    assert set(f["decision"]) <= {"cut", "hold", "hike"}
    assert f["change_bp"].dtype == "int64"
    assert len(reference_data.claims()) == 21
    assert "199A" in set(reference_data.obbba_provisions()["code_section"])


def test_only_config_reads_rotation_environment_variables():
    """Every ROTATION_* variable is looked up through config.setting(), so config.SETTINGS is the whole list."""
    import ast
    from pathlib import Path

    package = Path(config.__file__).parent
    readers = []
    for path in package.rglob("*.py"):
        if path.name == "config.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("ROTATION_")
                and node.value.isupper()
            ):
                readers.append(f"{path.relative_to(package)}:{node.lineno} {node.value}")
    assert readers == []


def test_settings_table_lookup_order(monkeypatch, tmp_path):
    """Argument, else environment variable, else default; each variable has one meaning."""
    monkeypatch.setenv("ROTATION_OUTPUTS", str(tmp_path / "env"))
    assert config.outputs_root() == tmp_path / "env"
    assert config.outputs_root(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("ROTATION_OUTPUTS")
    assert config.outputs_root() == config.OUTPUTS_DIR
    monkeypatch.setenv("ROTATION_REPORT_DIR", str(tmp_path))
    assert config.report_dir() == tmp_path
    assert len({s.env for s in config.SETTINGS.values()}) == len(config.SETTINGS)
    monkeypatch.setenv("ROTATION_SNAPSHOT", str(tmp_path))
    assert config.environment_for(*config.DATA_SETTINGS)["ROTATION_SNAPSHOT"] == str(tmp_path)


def test_readme_configuration_table_lists_every_setting():
    readme = (config.REPO_ROOT / "README.md").read_text()
    table = readme.split("### Configuration: every environment variable", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip().strip("`") for line in table.splitlines() if line.startswith("| `")}
    assert rows == {s.env for s in config.SETTINGS.values()}


def test_make_lab_kernels_autoreload_the_package(tmp_path):
    """`make lab` sets IPYTHONDIR=lab/ipython: a kernel started there reloads edited modules."""
    import os
    import re
    import subprocess
    import sys

    makefile = (config.REPO_ROOT / "Makefile").read_text()
    assert re.search(r"^\s+.*IPYTHONDIR=\$\(CURDIR\)/lab/ipython .*jupyter lab", makefile, re.M)
    module = tmp_path / "edited_module.py"
    module.write_text("VALUE = 'first'\n")
    first_cell = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import edited_module; print(edited_module.VALUE)"
    code = "\n".join(
        [
            "ip = get_ipython()",
            f"ip.run_cell({first_cell!r})",
            "import os, time",
            f"open({str(module)!r}, 'w').write({'VALUE = ' + repr('second') + chr(10)!r})",
            f"os.utime({str(module)!r}, (time.time() + 5, time.time() + 5))",
            "ip.run_cell('print(edited_module.VALUE)')",
        ]
    )
    env = dict(os.environ, IPYTHONDIR=str(config.REPO_ROOT / "lab" / "ipython"))
    out = subprocess.run(
        [sys.executable, "-m", "IPython", "--no-banner", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    printed = [w for w in out.split() if w in ("first", "second")]
    assert printed == ["first", "second"], out


def test_no_file_of_the_project_names_an_unknown_rotation_variable():
    """A renamed variable must be renamed everywhere (a stale name silently falls back to a default)."""
    import re

    known = {s.env for s in config.SETTINGS.values()}
    stale = []
    for pattern in ("*.py", "*.ipynb", "*.md", "Makefile", ".ci/*"):
        for path in config.REPO_ROOT.glob(pattern) if "/" in pattern else config.REPO_ROOT.rglob(pattern):
            if any(
                part in {".venv", ".git", "outputs", "node_modules"} or part.endswith(".egg-info")
                for part in path.relative_to(config.REPO_ROOT).parts
            ):
                continue
            for name in set(re.findall(r"\bROTATION_[A-Z_]+\b", path.read_text(errors="replace"))):
                if name not in known and not name.endswith("_RULE"):
                    stale.append(f"{path.relative_to(config.REPO_ROOT)}: {name}")
    assert stale == []


@pytest.mark.parametrize("height, panels", [(4, 1), (5.5, 1), (7, 2)])
def test_source_line_sits_below_the_lowest_x_axis_label(height, panels):
    style.apply()
    fig, axes = plt.subplots(panels, 1, figsize=(10, height), squeeze=False)
    for ax in axes[:, 0]:
        ax.plot([0, 1], [1, 2])
        ax.set_xlabel("Number of claims")
    style.footnote(fig, "a source long enough to reach across the label", "2026-07-13")
    fig.canvas.draw()
    note = fig.texts[0].get_window_extent()
    label = axes[-1, 0].xaxis.label.get_window_extent()
    assert note.y1 <= label.y0  # display coordinates grow upwards
    plt.close(fig)
