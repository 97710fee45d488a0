"""PDFs of a run's pages (``rotation run --pdf``), printed by headless Chromium.

Why Chromium through Playwright: the pages are laid out for a browser (CSS grid,
``@media print`` rules in report.css); printing them with the browser readers use
gives the same result as File > Print, and Playwright is a maintained driver.
Playwright's own browser download is not needed: a system Chromium (Debian's
``chromium`` package, or any Chrome/Chromium named by ``ROTATION_CHROMIUM``) is
used, started offline (no background networking, no component updates).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .. import config
from ..errors import BadInputError

#: executables looked for on PATH, in order, when ROTATION_CHROMIUM is not set
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]
PAPER = "Letter"
MARGIN = {"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"}


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable: $ROTATION_CHROMIUM, else the first on PATH (None if none).

    Returns:
        An absolute path, or None when no browser is installed.
    """
    explicit = config.chromium()
    if explicit:
        return explicit if Path(explicit).is_file() and os.access(explicit, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """The browser for ``--pdf``, or a one-line BadInputError saying how to install one."""
    path = find_chromium()
    if path is None:
        raise BadInputError(
            "--pdf needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) "
            "or set ROTATION_CHROMIUM to a Chrome/Chromium executable"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise BadInputError(f"--pdf needs the playwright package ({exc}); reinstall the project") from exc
    return path


class Browser:
    """A headless Chromium for one run's pages (a context manager); fresh profile, no network needed."""

    def __init__(self, executable: str | None = None):
        self.executable = executable or require_chromium()

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._profile = tempfile.TemporaryDirectory(prefix="rotation-chromium-")
        self._pw = sync_playwright().start()
        self.context = self._pw.chromium.launch_persistent_context(
            self._profile.name, executable_path=self.executable, headless=True, args=CHROMIUM_ARGS
        )
        return self

    def __exit__(self, *exc):
        try:
            self.context.close()
        finally:
            self._pw.stop()
            self._profile.cleanup()

    def print_pdf(self, html: Path, pdf: Path) -> Path:
        """Print one page to ``pdf`` with its print styles (Letter, backgrounds kept).

        Args:
            html: a rendered page of the run.
            pdf: where to write the PDF.

        Returns:
            ``pdf``.
        """
        page = self.context.new_page()
        tmp = Path(pdf).with_name(f".{Path(pdf).name}.tmp")
        try:
            page.goto(Path(html).resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            # the page's @page rules decide each sheet's orientation (a wide table prints on a
            # landscape sheet); PAPER is the size of a sheet whose rule says only "auto"/"landscape"
            page.pdf(path=str(tmp), format=PAPER, print_background=True, margin=MARGIN, prefer_css_page_size=True)
            # a new file replaces the name: a report folder reused from an earlier run holds
            # hard links, and writing through one would change that run's PDF
            os.replace(tmp, pdf)
        finally:
            page.close()
            tmp.unlink(missing_ok=True)
        return pdf


def write_pdfs(pages: list[Path], executable: str | None = None) -> dict[Path, Path | str]:
    """Print each page next to itself (``x.html`` -> ``x.pdf``).

    Args:
        pages: rendered HTML pages.
        executable: the browser (default: :func:`find_chromium`).

    Returns:
        page -> PDF path, or the one-line reason a page could not be printed.
    """
    out: dict[Path, Path | str] = {}
    with Browser(executable) as browser:
        for html in pages:
            try:
                out[html] = browser.print_pdf(html, Path(html).with_suffix(".pdf"))
            except Exception as exc:  # one page failing must not lose the others
                out[html] = f"{exc.__class__.__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return out
