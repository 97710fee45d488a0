"""Find the report notebooks and read what they say about themselves.

The notebook is the single source of truth: ``rotation list`` and the runner
take each report's title and purpose from its first markdown cell and its
parameters (names, defaults, help comments) from its ``parameters`` cell via
parsing the ``parameters`` cell with :mod:`ast` (papermill's own inspector
drops a parameter whose comment contains "=", e.g. ``end = None  # None = latest``,
and the runner must know every declared name to pass it). There is no second
list to keep in sync.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from ..config import notebooks_dir  # noqa: F401  (the runner imports it from here)
from ..errors import BadInputError

#: notebooks that read the other reports' results.json and so run after them
RUN_LAST_STEMS = ("00_claims_ledger",)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


@dataclass
class NotebookInfo:
    """One report notebook: its file, title, purpose line and declared parameters."""

    name: str  # file stem, e.g. "01_rotation_breadth"
    path: Path
    title: str
    purpose: str
    parameters: dict = field(default_factory=dict)  # name -> {"default": source text, "help": str}
    run_last: bool = False
    error: str | None = None  # why the file could not be read (it is refused only when selected)

    def declares(self, parameter: str) -> bool:
        return parameter in self.parameters

    def default(self, parameter: str):
        """The parameter's default as a Python value (source text when it is not a literal)."""
        text = self.parameters[parameter]["default"]
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return text

    def defaults(self) -> dict:
        return {p: self.default(p) for p in self.parameters}

    @property
    def slug(self) -> str:
        """The name without its ``NN_`` ordering prefix (``--only`` accepts both)."""
        return re.sub(r"^\d+_", "", self.name)


def title_and_purpose(nb) -> tuple[str, str]:
    """First markdown heading and the first non-heading text line before the first code cell."""
    title, purpose = "", ""
    for cell in nb.cells:
        if cell.cell_type == "code":
            break
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if not line.strip():
                continue
            m = _HEADING.match(line)
            if m and not title:
                title = m.group(1).strip()
            elif not m and not purpose:
                purpose = line.strip()
        if title and purpose:
            break
    return title, purpose


def declared_parameters(nb) -> dict:
    """``{name: {"default": source text, "help": trailing comment}}`` of the ``parameters`` cell.

    Args:
        nb: the notebook, as an nbformat node or as the dict ``json.load`` gives.
    """
    cells = nb["cells"]  # a NotebookNode or the plain JSON dict (setup() reads the file without nbformat)
    cell = next(
        (c for c in cells if c["cell_type"] == "code" and "parameters" in (c.get("metadata", {}).get("tags") or [])),
        None,
    )
    if cell is None:
        return {}
    src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    tree = ast.parse(src)
    comments = {
        tok.start[0]: tok.string.lstrip("#").strip()
        for tok in tokenize.generate_tokens(io.StringIO(src).readline)
        if tok.type == tokenize.COMMENT
    }
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            names = [node.target.id]
        else:
            continue
        default = ast.get_source_segment(src, node.value)
        for name in names:
            out[name] = {"default": default, "help": comments.get(node.end_lineno, "")}
    return out


def read_notebook(path: Path) -> NotebookInfo:
    """Read one notebook's title, purpose and parameters (BadInputError when unreadable)."""
    import nbformat  # here, not at the top: setup() in every report kernel imports this module

    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
        params = declared_parameters(nb)
    except Exception as exc:  # a broken notebook file: say which, in one line
        msg = " ".join(str(exc).split())[:200]
        raise BadInputError(f"cannot read notebook {path}: {exc.__class__.__name__}: {msg}") from None
    title, purpose = title_and_purpose(nb)
    meta = nb.metadata.get("rotation", {}) or {}
    return NotebookInfo(
        name=path.stem,
        path=path.resolve(),
        title=title or path.stem,
        purpose=purpose,
        parameters=params,
        run_last=bool(meta.get("run_last")) or path.stem in RUN_LAST_STEMS,
    )


def discover(folder: Path) -> list[NotebookInfo]:
    """Every report notebook in ``folder`` (sorted by name; hidden and ``_``-prefixed files skipped)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInputError(f"notebook folder {folder} does not exist (see --notebooks)")
    paths = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith((".", "_")))
    if not paths:
        raise BadInputError(f"no notebooks (*.ipynb) in {folder}")
    return [_read_or_mark(p) for p in paths]


def _read_or_mark(path: Path) -> NotebookInfo:
    """The notebook's info, or a placeholder carrying the read error: one broken file in
    the folder must not block ``--only`` for the others."""
    try:
        return read_notebook(path)
    except BadInputError as exc:
        return NotebookInfo(
            name=path.stem,
            path=path.resolve(),
            title=path.stem,
            purpose="",
            run_last=path.stem in RUN_LAST_STEMS,
            error=str(exc),
        )


def select(infos: list[NotebookInfo], only) -> list[NotebookInfo]:
    """Keep the notebooks named in ``only`` (stem, stem without NN_, or the NN prefix; all when empty).

    Raises BadInputError for an unknown or ambiguous name, or when a selected notebook is unreadable.
    """
    chosen, unknown = ([], []) if only else (list(infos), [])
    for wanted in only or ():
        hits = [i for i in infos if wanted in (i.name, i.slug) or i.name.split("_", 1)[0] == wanted]
        if not hits:
            unknown.append(wanted)
        elif len(hits) > 1:
            raise BadInputError(f"notebook name {wanted!r} is ambiguous ({', '.join(h.name for h in hits)})")
        chosen += [h for h in hits if h not in chosen]
    if unknown:
        names = ", ".join(i.name for i in infos)
        raise BadInputError(f"unknown notebook {', '.join(map(repr, unknown))} (available: {names})")
    selected = [i for i in infos if i in chosen]  # keep folder order
    broken = next((i for i in selected if i.error), None)
    if broken:
        raise BadInputError(broken.error + (" (choose others with --only)" if not only else ""))
    return selected
