"""The claims ledger's inputs, read once: the claims register and the reports' results.json of one run.

Why one object: the ledger recomputes nothing, so everything it shows comes from two
sources, the register (the articles' claims and their public record) and the
results.json each report of the same run wrote. Reading both here keeps the reading
apart from the ledger's logic (:mod:`rotation_utils.analytics.ledger` takes the frame
and the dicts) and lets the notebook name what it uses (``data.register``,
``data.results``, ``data.run``). The ledger reads no market data, so this module does
not touch the data layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .. import config, reference_data
from ..results import read_results

#: the ledger's own notebook: its results.json is never read back as a report's
LEDGER_NOTEBOOK = "00_claims_ledger"


class LedgerData(NamedTuple):
    """What the ledger reads: the run folder (None when none was found), its reports' results, the register."""

    run: Path | None
    results: dict[str, dict]
    register: pd.DataFrame


def find_run_dir(explicit=None) -> Path | None:
    """The run folder to read: argument, else $ROTATION_RUN_DIR, else outputs/latest, else None."""
    for cand in (explicit, config.run_dir(), config.OUTPUTS_DIR / "latest"):
        if cand and Path(cand).is_dir():
            return Path(cand).resolve()
    return None


def load_run_results(run_dir) -> dict[str, dict]:
    """``{notebook: results}`` for every valid results.json under ``run_dir`` (one level deep).

    The ledger's own results and unreadable files are skipped.
    """
    out = {}
    if run_dir is None:
        return out
    for path in sorted(Path(run_dir).glob("*/results.json")):
        try:
            res = read_results(path)
        except (ValueError, OSError):
            continue
        name = res.get("notebook") or path.parent.name
        if name != LEDGER_NOTEBOOK:
            out[name] = res
    return out


def load(run_dir=None) -> LedgerData:
    """Find the run folder and read its reports' results and the claims register.

    Args:
        run_dir: the notebook's ``run_dir`` parameter (None: $ROTATION_RUN_DIR, else outputs/latest).

    Returns:
        :class:`LedgerData`; with no run folder, ``run`` is None and ``results`` is empty
        (every data-tested claim is then "not run").
    """
    run = find_run_dir(run_dir)
    return LedgerData(run, load_run_results(run), reference_data.claims())


def provenance(results: dict[str, dict]) -> dict:
    """The ledger's data block for results.json: it reads reports, so their sources and latest as-of."""
    as_of = sorted({(r.get("data") or {}).get("as_of") for r in results.values()} - {None, ""})
    sources = sorted({s for r in results.values() for s in (r.get("data") or {}).get("sources", [])})
    return {
        "sources": ["claims register"] + [f"results.json of {nb}" for nb in sorted(results)],
        "market_data_sources": sources,
        "as_of": as_of[-1] if as_of else None,
    }
