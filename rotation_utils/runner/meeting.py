"""The run's meeting files: the .pptx deck (``--slides``) and PDFs of every page (``--pdf``).

Written after the notebooks have run, from the run's records, so a failed
report still gets its slide (saying it failed) and its PDF (with the error).
A page that cannot be printed is reported and skipped; it never fails the run.
"""

from __future__ import annotations

from pathlib import Path


def write_meeting_files(run: dict, run_dir: Path, slides: bool, pdf: bool, say=print) -> None:
    """Write the deck and the reports' PDFs; record them in ``run`` (``files`` of the run and each record).

    Args:
        run: the run dict (run.json); updated in place.
        run_dir: the run folder.
        slides: write ``meeting-deck.pptx``.
        pdf: print every report's HTML to PDF (the index is printed by :func:`print_index`).
        say: where progress lines go.
    """
    files = run.setdefault("files", {})
    if slides:
        from .deck import write_deck

        try:
            files["deck"] = write_deck(run, run_dir).name
            say(f"deck   {run_dir / files['deck']}")
        except Exception as exc:  # the deck must not lose the run
            say(f"deck   not written: {exc.__class__.__name__}: {exc}")
    if pdf:
        from .pdf import write_pdfs

        pages = {
            Path(run_dir) / r["notebook"] / r["files"]["html"]: r
            for r in run.get("notebooks") or []
            if (r.get("files") or {}).get("html")
        }
        for page, result in write_pdfs(list(pages)).items():
            if isinstance(result, Path):
                pages[page]["files"]["pdf"] = result.name
            else:
                say(f"pdf    {page.name} not printed: {result}")


def print_index(run: dict, run_dir: Path, say=print) -> None:
    """Print index.html to index.pdf (after the index is written) and record it in ``run``."""
    from .pdf import write_pdfs

    result = write_pdfs([Path(run_dir) / "index.html"])[Path(run_dir) / "index.html"]
    if isinstance(result, Path):
        run.setdefault("files", {})["index_pdf"] = result.name
        say(
            f"pdf    {len([r for r in run.get('notebooks') or [] if (r.get('files') or {}).get('pdf')])} "
            f"reports and the index printed to PDF in {run_dir}"
        )
    else:
        run.setdefault("files", {}).pop("index_pdf", None)
        say(f"pdf    index.html not printed: {result}")
