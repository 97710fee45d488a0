"""What a reader sees on a rendered page, and the stray output that must never be there.

Used by the runner and browser tests on every page of a run: no ``PosixPath(...)``,
no stderr block, no unrendered ``**bold**``, no absolute path of this machine, no
snake_case code identifier in the prose.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_VOID = {"br", "img", "meta", "link", "input", "hr", "source", "col", "wbr"}
_HIDDEN_TAGS = {"style", "script", "title", "head"}
STDERR_BLOCK = 'data-mime-type="application/vnd.jupyter.stderr"'
_ABS_PATH = re.compile(r"(?<![\w.:/])/(?:home|tmp|work|Users|root|var|opt|mnt|srv)/[\w.\-/]+")
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


class VisibleText(HTMLParser):
    """Text outside hidden code inputs, <style>, <script>; prose = rendered markdown (code spans
    included, except file names: a parameter name in backticks is still jargon to a reader)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.prose: list[str] = []
        self.all: list[str] = []  # every text node, hidden code included

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        self.all.append(data)
        classes = " ".join(c for _, c in self.stack)
        if any(t in _HIDDEN_TAGS for t, _ in self.stack) or (
            "jp-CodeCell" in classes and "jp-Cell-inputWrapper" in classes
        ):  # code: hidden until asked
            return
        self.text.append(data)
        in_markdown = any("jp-RenderedMarkdown" in c for _, c in self.stack)
        in_code = any(t in ("code", "pre") for t, _ in self.stack)
        if not in_markdown or any(t == "a" for t, _ in self.stack):
            return
        if not in_code or not re.search(r"[./]", data):  # a file name in a code span is fine
            self.prose.append(data)


def visible(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    return parser


def text_problems(html: str) -> list[str]:
    """Every kind of stray output found on one page (empty when the page is clean)."""
    seen = visible(html)
    text, prose = " ".join(seen.text), " ".join(seen.prose)
    problems = []
    if "PosixPath" in text:
        problems.append("PosixPath(...) shown")
    if STDERR_BLOCK in html:
        problems.append("a stderr block is shown")
    stars = re.findall(r".{0,30}\*\*.{0,30}", text)
    if stars:
        problems.append(f"unrendered ** markdown: {stars[:3]}")
    paths = sorted(set(_ABS_PATH.findall(text)))
    if paths:
        problems.append(f"absolute machine paths: {paths[:3]}")
    names = sorted(set(_IDENTIFIER.findall(prose)))
    if names:
        problems.append(f"code identifiers in prose: {names[:5]}")
    return problems
