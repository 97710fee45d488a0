"""Loaders for the project's own reference files (claims, FOMC decisions, OBBBA provisions).

The files live in ``rotation_utils/reference/`` (see its README for columns and
how to add an FOMC meeting); they are facts transcribed with their sources, so
the reports run without the research folder they came from.
"""

from __future__ import annotations

import pandas as pd

from .config import REFERENCE_DIR


def claims() -> pd.DataFrame:
    """The claims register: ``id, article, topic, claim_paraphrased, how_data_can_test_it,
    known_fact, known_source, known_status`` (strings, NaN -> '')."""
    return pd.read_csv(REFERENCE_DIR / "claims.csv", dtype=str).fillna("")


def fomc_decisions() -> pd.DataFrame:
    """FOMC decisions: ``announcement_date`` (datetime64), ``decision`` (cut/hold/hike),
    ``change_bp`` (int), ``target_low``/``target_high`` (percent), ``dissents``, ``source``, ``verified``."""
    df = pd.read_csv(
        REFERENCE_DIR / "fomc_decisions.csv",
        parse_dates=["announcement_date"],
        dtype={"decision": str, "dissents": str, "source": str, "verified": str},
    )
    df["change_bp"] = df["change_bp"].astype("int64")
    df[["dissents", "source", "verified"]] = df[["dissents", "source", "verified"]].fillna("")
    return df.sort_values("announcement_date").reset_index(drop=True)


def obbba_provisions() -> pd.DataFrame:
    """OBBBA provisions: ``provision, code_section, before_obbba, after_obbba, effective, source``."""
    return pd.read_csv(REFERENCE_DIR / "obbba_provisions.csv", dtype=str).fillna("")
