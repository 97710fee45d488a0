"""Narrative helpers: numbers and direction words computed from the data.

Report prose is assembled from these so that a rerun with other dates cannot
leave a stale number or a wrong direction word behind.
"""

from __future__ import annotations

import math
import re

import pandas as pd
from IPython.display import Markdown, display

NA = "n/a"


def _bad(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x)


def pct(x, digits: int = 1, sign: bool = True) -> str:
    """A fraction as a percent string: 0.123 -> '+12.3%'."""
    if _bad(x):
        return NA
    return f"{x * 100:{'+' if sign else ''}.{digits}f}%"


def pp(x, digits: int = 1) -> str:
    """A difference of fractions as percentage points: 0.049 -> '+4.9 pp'."""
    if _bad(x):
        return NA
    return f"{x * 100:+.{digits}f} pp"


def bp(x) -> str:
    """A difference in percent units as basis points: -0.25 -> '-25 bp'."""
    if _bad(x):
        return NA
    return f"{x * 100:+.0f} bp"


def num(x, digits: int = 1, suffix: str = "") -> str:
    if _bad(x):
        return NA
    return f"{x:,.{digits}f}{suffix}"


def usd(x, digits: int = 1) -> str:
    """USD with a scale word: 1.5e9 -> '$1.5bn'."""
    if _bad(x):
        return NA
    a = abs(x)
    for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if a >= scale:
            return f"{'-' if x < 0 else ''}${a / scale:,.{digits}f}{word}"
    return f"{'-' if x < 0 else ''}${a:,.0f}"


def direction(x, up: str = "rose", down: str = "fell", flat: str = "was unchanged", tol: float = 0.0) -> str:
    """Pick the word that matches the sign of ``x`` (``flat`` within ``tol``)."""
    if _bad(x):
        return "could not be measured"
    if x > tol:
        return up
    if x < -tol:
        return down
    return flat


def compare(
    a_name: str, diff, unit: str = "pp", up: str = "beat", down: str = "lagged", b_name: str = "", digits: int = 1
) -> str:
    """'IWM beat SPY by 4.9 pp' / 'IWM lagged SPY by 2.1 pp' from a signed difference."""
    if _bad(diff):
        return f"{a_name} against {b_name} could not be measured"
    word = direction(diff, up, down, "matched")
    if word == "matched":
        return f"{a_name} matched {b_name}".strip()
    size = f"{abs(diff) * 100:.{digits}f} pp" if unit == "pp" else f"{abs(diff):.{digits}f}{unit}"
    return f"{a_name} {word} {b_name} by {size}".replace("  ", " ")


def listing(items, conj: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [str(i) for i in items]
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def agree(n: int, one: str, many: str) -> str:
    """The form of a verb or phrase that agrees with a count: ``agree(1, "reaches", "reach")``.

    Args:
        n: how many things the sentence is about.
        one: the singular form; many: the plural form.

    Returns:
        ``one`` when ``n`` is 1, else ``many``.
    """
    return one if n == 1 else many


def no_markup(text: str) -> str:
    """``text`` with ``<`` and ``>`` as entities, so no tag in it survives Markdown rendering.

    Why: prose quotes data (company and sector names, paths, error messages) and
    Markdown passes raw HTML through to the report page. ``&`` is left alone:
    an entity can only produce text, never a tag.
    """
    return str(text).replace("<", "&lt;").replace(">", "&gt;")


def say(text: str) -> None:
    """Display computed prose as Markdown in the notebook (HTML tags in it shown as text).

    Dollar signs are escaped too: prose such as "small (<$2bn)" is money, not the start
    of a LaTeX formula (which would swallow the text up to the next "$" unrendered).
    """
    display(Markdown(markdown_text(no_markup(text))))


def markdown_text(text: str) -> str:
    """``text`` with every unescaped ``$`` escaped, so Markdown renderers print it as a dollar sign."""
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))
