"""Builders for broken inputs: copies of the snapshot with damaged or hostile content.

Every builder works in a temporary folder given by the test; the shared snapshot
itself is only read. Large files that a builder does not change are linked, not
copied, so a damaged snapshot costs little disk and time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

SNAPSHOT = Path(os.environ["ROTATION_SNAPSHOT"])
#: markup that runs script when a page shows it unescaped; ``{n}`` tells the field apart
MARKUP = "<img src=x onerror=alert({n})>"
SHOWN_TAG = "<img src=x onerror=alert("  # what a reader sees when the markup is escaped


def copy_snapshot(dest: Path, change=()) -> Path:
    """A writable copy of the snapshot at ``dest``: files in ``change`` copied, the rest symlinked."""
    dest = Path(dest)
    for src in SNAPSHOT.rglob("*"):
        rel = src.relative_to(SNAPSHOT)
        target = dest / rel
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if str(rel) in change or rel.name == "manifest.json":
            shutil.copyfile(src, target)
            target.chmod(0o644)
        else:
            target.symlink_to(src)
    return dest


def write_manifest(folder: Path, manifest) -> None:
    (Path(folder) / "manifest.json").write_text(json.dumps(manifest))


def manifest(folder: Path) -> dict:
    return json.loads((Path(folder) / "manifest.json").read_text())


#: text fields that reach the reports: file -> columns
TEXT_FIELDS = {
    "universe/sp500_constituents.csv": ["name", "gics_sector", "gics_sub_industry"],
    "market_caps.parquet": ["sector", "industry", "exchange"],
    "fundamentals/sp500_financials.parquet": ["name", "sector"],
    "fundamentals/annual.parquet": ["source"],
    "fundamentals/quarterly.parquet": ["source"],
}
IWM_TEXT = ["name", "sector"]
#: IWM sectors report 06 selects members by: left as they are so its baskets still build
KEYED_SECTORS = {"Health Care", "Financials"}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.suffix == ".csv" else pd.read_parquet(path)


def _write(df: pd.DataFrame, path: Path) -> None:
    path.unlink()  # the copy may be a symlink to the read-only original
    if path.suffix == ".csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, index=False)


def hostile_snapshot(dest: Path) -> tuple[Path, dict]:
    """A snapshot whose text fields carry script-running markup.

    Every value of each text field gets a numbered ``<img onerror>`` tag appended
    (one number per file and column, so a leak names its field), and the largest
    IWM holding of every file gets a ticker made of markup (no source has prices
    for it, so it is listed as missing). IWM sectors in ``KEYED_SECTORS`` keep
    their names (report 06 selects its baskets by them). Returns the folder and
    {number: field}.
    """
    iwm = sorted(p.relative_to(SNAPSHOT).as_posix() for p in (SNAPSHOT / "universe").glob("iwm_holdings_*.csv"))
    folder = copy_snapshot(dest, change=set(TEXT_FIELDS) | set(iwm))
    fields, n = {}, 0
    for rel, cols in [*TEXT_FIELDS.items(), *((r, IWM_TEXT + ["ticker"]) for r in iwm)]:
        path = folder / rel
        df = _read(path)
        for col in cols:
            n += 1
            fields[n] = f"{rel}:{col}"
            tag = MARKUP.format(n=n)
            if col == "ticker":
                df.loc[df.index[0], col] = tag
            else:
                text = df[col].astype("string")
                keep = text.isna() | (text == "")
                if rel.startswith("universe/iwm") and col == "sector":
                    keep |= text.isin(KEYED_SECTORS)
                df[col] = text.where(keep, text + " " + tag)
        _write(df, path)
    return folder, fields


class _Scan(HTMLParser):
    """Markup that would run (elements with an ``on*`` handler calling alert) and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live, self.text = [], []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            found = re.search(r"alert\((\d+)\)", value or "")
            if name.startswith("on") and found:
                self.live.append(int(found.group(1)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def scan(page: str) -> tuple[list[int], str]:
    """(numbers of the injected tags that a browser would run, the page's text with entities decoded)."""
    parser = _Scan()
    parser.feed(page)
    parser.close()
    return parser.live, "".join(parser.text)


def inject(folder: Path, code: str) -> dict:
    """Environment that runs ``code`` at start-up in every Python process of a run (via sitecustomize).

    Used to simulate faults (a full disk) inside a real ``rotation run`` and its workers.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(code)
    return {"PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


#: sitecustomize code: ``os.replace`` onto a file named in $FAULT_FULL_DISK fails with ENOSPC
FULL_DISK_ON = """
import errno, os
_replace = os.replace
def _full(src, dst, *a, **k):
    names = os.environ.get("FAULT_FULL_DISK", "").split(",")
    if any(str(dst).endswith(n) for n in names if n):
        raise OSError(errno.ENOSPC, "No space left on device")
    return _replace(src, dst, *a, **k)
os.replace = _full
"""


def notebook(path: Path, *cells: str) -> Path:
    """A minimal report notebook: a title cell, then the given code cells."""
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# {Path(path).stem}\nA probe.")]
        + [nbformat.v4.new_code_cell(c) for c in cells],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
