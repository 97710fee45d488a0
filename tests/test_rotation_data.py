"""Report 01's inputs read once (rotation_utils.analytics.rotation_data) on the snapshot, and
the sentences that word them (story.rotation.data_sentence, caveats)."""

import pandas as pd
import pytest

from rotation_utils.analytics import breadth as BR
from rotation_utils.analytics import rotation_data
from rotation_utils.context import resolve
from rotation_utils.data import DataLayer
from rotation_utils.errors import BadInputError
from rotation_utils.story import rotation as story


def _load(start, end, benchmark="SPY"):
    run = resolve("01_rotation_breadth", "t", {"start": start, "end": end})
    dl = DataLayer("snapshot", end=run.end)
    return dl, rotation_data.load(dl, run, ["SPY", "IWM"], benchmark, "2000-01-01", 200, 200, "2024-01-01")


@pytest.fixture(scope="module")
def year_2024():
    return _load("2024-01-01", "2024-12-31")


def test_load_reads_the_window_and_room_before_it(year_2024):
    dl, data = year_2024
    assert data.funds == ["SPY", "IWM"] and data.wanted[:2] == ["SPY", "IWM"] and "^RUT" in data.wanted
    assert data.base_day == data.core.loc[:"2024-01-01"].index[-1] and data.last_day == pd.Timestamp("2024-12-31")
    assert data.core.index[0] <= pd.Timestamp("2000-01-03")  # the long view
    assert list(data.levels.columns) == ["Mag 7 (cap)", "Mag 7 (equal)", "Other 493 (cap)", "Other 493 (equal)"]
    assert data.panel.shape[1] == data.core.shape[1] + 4
    assert data.trading_days == len(data.core.loc[data.base_day : data.last_day]) - 1
    assert data.board_names == ["SPY", "IWM", *data.levels.columns]
    assert data.member_prices_b3 is None  # the window does not reach the 2025 close
    assert data.caps["date"].max() <= data.last_day and data.caps_from == data.caps["date"].min()
    assert set(data.cap_members) == set(data.caps["date"].unique())
    assert list(data.breadth_universes) == ["S&P 500", "IWM holdings"]
    assert data.holdings_dates and data.read_limit == dl.read_limit


def test_window_gaps_name_the_series_the_window_predates(year_2024):
    _, data = year_2024
    series, baskets = rotation_data.window_gaps(data)
    assert set(series) <= set(data.wanted) and set(baskets) <= set(data.levels.columns)
    assert "SPY" not in series and "IWM" not in series
    assert "MAGS" not in series  # launched in 2023-04, before this window


def test_data_sentence_and_caveats_word_the_inputs(year_2024):
    _, data = year_2024
    text = story.data_sentence(data, "SPY", pd.Timestamp("2026-01-13"))
    assert text.startswith(f"Window: **{data.base_day:%Y-%m-%d} to 2024-12-31** ({data.trading_days} trading days);")
    assert "event date 2026-01-13; benchmark SPY." in text
    assert f"{data.sp_px.shape[1]} S&P 500 names seen as members since {data.lookback:%Y-%m-%d}" in text
    assert f"{data.iwm_px.shape[1]} of {data.iwm_holdings} IWM holdings" in text
    conc = BR.concentration(data.caps, data.cap_members, data.last_day)
    a1 = {"id": "A1", "verdict": "unverifiable", "provisional": False}
    notes = story.caveats(
        data,
        BR.coverage_range(BR.coverage(data.sp_members, data.sp_px.columns)),
        BR.coverage_range(BR.coverage(data.iwm_members, data.iwm_px.columns)),
        len(conc),
        BR.snapshots_without_full_mag7(conc),
        [a1],
    )
    assert notes.startswith("- Survivor bias:")
    assert f"{BR.snapshots_without_full_mag7(conc)} of {len(conc)} month-end snapshots" in notes
    assert "A1 is judged" not in notes


def test_load_stops_on_an_unknown_benchmark():
    with pytest.raises(BadInputError, match="benchmark: no prices for NOPE"):
        _load("2024-01-01", "2024-03-31", benchmark="NOPE")
