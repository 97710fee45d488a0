"""Render a ``*_for_display`` result the way a report does and read back what a reader sees."""

from __future__ import annotations

import re
from html import unescape

from rotation_utils.tables import formatted


def rendered(show, fmt) -> tuple[list[str], list[list[str]]]:
    """(headers, rows of cell texts) of ``tables.formatted(show, **fmt)`` as HTML."""
    html = formatted(show, **fmt).to_html()
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    headers = [unescape(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    rows = [
        [unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body.group(1) if body else "", re.S)
    ]
    return headers, rows


def assert_readable(headers: list[str], show) -> None:
    """Every displayed header is words, not a snake_case name, and the index is hidden."""
    assert headers == [str(c) for c in show.columns]
    assert not [h for h in headers if "_" in h or not h], headers


def column(headers, rows, name) -> list[str]:
    return [r[headers.index(name)] for r in rows]
