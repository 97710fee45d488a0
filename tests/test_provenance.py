"""Provenance log: one row per item, status rules, summary and JSON view."""

import json

import pandas as pd

from rotation_utils.data import DataLayer
from rotation_utils.data.provenance import COLUMNS, Provenance


def test_add_records_dates_rows_and_status():
    p = Provenance()
    r = p.add("prices", "SPY", "snapshot", pd.to_datetime(["2024-01-03", "2024-01-02", None]))
    assert (r.first, r.last, r.rows, r.status) == ("2024-01-02", "2024-01-03", 2, "ok")
    m = p.add("prices", "NOPE", "snapshot", [])
    assert m.status == "missing" and m.source is None  # nothing served: no source credited
    t = p.add("fundamentals", "fundamentals", "live", rows=12)
    assert t.rows == 12 and t.status == "ok"


def test_same_item_replaced_not_duplicated():
    p = Provenance()
    p.add("prices", "SPY", "snapshot", pd.to_datetime(["2024-01-02"]))
    p.add("prices", "SPY", "live", pd.to_datetime(["2024-01-02", "2024-01-03"]))
    p.add("rates", "SPY", "snapshot", pd.to_datetime(["2024-01-02"]))
    t = p.table()
    assert list(t.columns) == COLUMNS and len(t) == 2
    assert t.set_index("dataset").loc["prices", "source"] == "live"


def test_empty_views():
    p = Provenance()
    assert p.table().empty and list(p.table().columns) == COLUMNS
    assert p.summary().empty and p.missing() == [] and p.sources() == []


def test_summary_groups_and_examples():
    p = Provenance()
    for i in range(10):
        p.add("prices", f"T{i}", "snapshot", pd.to_datetime([f"2024-01-{i + 2:02d}"]))
    p.add("prices", "X", None, status="missing", note="no source has it")
    s = p.summary()
    ok = s[(s["status"] == "ok")].iloc[0]
    assert ok["items"] == 10 and ok["first"] == "2024-01-02" and ok["last"] == "2024-01-11"
    assert ok["examples"].endswith(" ...") and ok["examples"].count(",") == 7
    miss = s[s["status"] == "missing"].iloc[0]
    assert miss["source"] == "-" and miss["items"] == 1


def test_to_json_is_json_safe_and_reports_price_as_of():
    dl = DataLayer("snapshot")
    dl.prices(["SPY", "COMM"], "2025-01-01", "2025-06-30")
    dl.rates(["DGS10"], "2025-01-01", "2025-09-30")
    j = dl.provenance.to_json()
    json.dumps(j)
    assert j["sources"] == ["snapshot"] and j["missing"] == ["prices:COMM"]
    assert j["as_of"] == "2025-06-30" and j["items"] == 3  # rates' later dates don't count
    assert dl.provenance_table().equals(dl.provenance.table())
