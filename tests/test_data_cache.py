"""The parquet cache: round trip, stamps, atomic writes, corrupt files, concurrent writers."""

from __future__ import annotations

import multiprocessing as mp

import pandas as pd
import pytest

from rotation_utils.data.cache import ParquetCache


def frame(days, start=0):
    d = pd.bdate_range("2020-01-01", periods=days + start)[start:].astype("datetime64[ns]")
    return pd.DataFrame({"date": d, "close": [float(i) for i in range(start, start + days)]})


def test_round_trip_keeps_dtypes_and_stamp(tmp_path):
    c = ParquetCache(tmp_path)
    f = frame(5)
    c.write("prices", "^GSPC", f, {"fetched_at": "2020-01-07T22:00:00", "requested_from": ""})
    e = c.read("prices", "^GSPC")
    pd.testing.assert_frame_equal(e.frame, f)
    assert e.frame["date"].dtype == "datetime64[ns]"
    assert e.fetched_at == pd.Timestamp("2020-01-07 22:00")
    assert c.meta("prices", "^GSPC")["requested_from"] == ""
    assert c.items("prices") == ["^GSPC"]
    assert c.path("prices", "^GSPC").name == "%5EGSPC.parquet"


def test_absent_items(tmp_path):
    c = ParquetCache(tmp_path)
    assert c.read("prices", "SPY") is None and c.meta("prices", "SPY") is None
    assert c.items("prices") == []


def test_corrupt_file_is_treated_as_absent(tmp_path):
    c = ParquetCache(tmp_path)
    p = c.path("prices", "SPY")
    p.parent.mkdir(parents=True)
    p.write_bytes(b"not parquet")
    assert c.read("prices", "SPY") is None and c.meta("prices", "SPY") is None


def test_update_returning_none_leaves_file_untouched(tmp_path):
    c = ParquetCache(tmp_path)
    c.write("prices", "SPY", frame(3), {"fetched_at": "2020-01-01"})
    before = c.path("prices", "SPY").read_bytes()
    kept = c.update("prices", "SPY", lambda old: None)
    assert c.path("prices", "SPY").read_bytes() == before and len(kept.frame) == 3


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    c = ParquetCache(tmp_path)
    c.write("prices", "SPY", frame(3), {})
    before = c.path("prices", "SPY").read_bytes()
    bad = pd.DataFrame({"date": [object()]})  # pyarrow cannot convert this
    with pytest.raises(Exception):  # noqa: B017  (whatever pyarrow raises: the point is the old file)
        c.write("prices", "SPY", bad, {})
    assert c.path("prices", "SPY").read_bytes() == before
    assert [p.name for p in (tmp_path / "prices").iterdir() if p.suffix == ".tmp"] == []


def _writer(root, worker, rounds):
    """Each worker appends its own rows to the same item, many times (runs in a child process)."""
    c = ParquetCache(root)
    for r in range(rounds):
        new = frame(1, start=worker * 1000 + r)

        def merge(old, new=new):
            f = new if old is None else pd.concat([old.frame, new], ignore_index=True)
            return f, {"fetched_at": "2020-01-01", "writer": worker}

        c.update("prices", "SPY", merge)


def test_two_processes_writing_leave_a_readable_complete_cache(tmp_path):
    ctx = mp.get_context("spawn")
    rounds = 10
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w, rounds)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    e = ParquetCache(tmp_path).read("prices", "SPY")
    assert len(e.frame) == 2 * rounds  # the lock kept every row of both writers
    assert e.frame["close"].nunique() == 2 * rounds
    assert [p.name for p in (tmp_path / "prices").iterdir() if p.suffix == ".tmp"] == []
