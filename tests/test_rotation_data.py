"""Report 01's inputs read once (rotation_utils.analytics.rotation_data) on the snapshot, and
the sentences that word them (story.rotation.data_sentence, caveats)."""

import pandas as pd
import pytest

from rotation_utils.analytics import breadth as BR
from rotation_utils.analytics import rotation_data as RD
from rotation_utils.context import resolve
from rotation_utils.data import DataLayer
from rotation_utils.errors import BadInputError
from rotation_utils.story import rotation as story


def _load(start, end, benchmark="SPY"):
    run = resolve("01_rotation_breadth", "t", {"start": start, "end": end})
    dl = DataLayer("snapshot", end=run.end)
    return dl, RD.load(dl, run, ["SPY", "IWM"], benchmark, "2000-01-01", 200, 200, "2024-01-01")


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
    series, baskets = RD.window_gaps(data)
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
        data.last_day,
    )
    assert notes.startswith("- Survivor bias:")
    assert f"{BR.snapshots_without_full_mag7(conc)} of {len(conc)} month-end snapshots" in notes
    assert "A1 is judged" not in notes


def test_load_stops_on_an_unknown_benchmark():
    with pytest.raises(BadInputError, match="benchmark: no prices for NOPE"):
        _load("2024-01-01", "2024-03-31", benchmark="NOPE")


def test_membership_helpers_on_snapshot():
    dl = DataLayer("snapshot")
    sp = RD.sp500_members_monthly(dl, "2025-01-15", "2025-04-30")
    assert list(sp) == [
        pd.Timestamp("2025-01-15"),
        pd.Timestamp("2025-01-31"),
        pd.Timestamp("2025-02-28"),
        pd.Timestamp("2025-03-31"),
        pd.Timestamp("2025-04-30"),
    ]
    assert all(480 <= len(m) <= 510 for m in sp.values())
    files = dl.iwm_holdings_dates()
    iwm = RD.iwm_members_by_file(dl, "2025-12-31")
    assert list(iwm) == [d for d in files if d <= pd.Timestamp("2025-12-31")]
    assert all(len(m) > 1500 for m in iwm.values())
    # a window before every file still gets the earliest file
    assert list(RD.iwm_members_by_file(dl, "2024-06-30")) == files[:1]


def test_sp500_members_on_matches_the_data_layer():
    dl = DataLayer("snapshot")
    days = [pd.Timestamp("2019-06-28"), pd.Timestamp("2025-12-31"), pd.Timestamp("2026-07-10")]
    got = RD.sp500_members_on(dl, days)
    for d in days:
        assert got[d] == dl.sp500_members(on=d)


def test_member_prices_is_empty_without_members(monkeypatch):
    class NoPrices:
        def prices(self, names, start, end):
            raise AssertionError("must not be asked for an empty list")

    out = RD.member_prices(NoPrices(), {pd.Timestamp("2008-01-31"): []}, "2008-01-01", "2008-12-31")
    assert out.empty and isinstance(out.index, pd.DatetimeIndex)


def test_member_prices_and_gaps_on_the_snapshot_before_the_change_log():
    dl = DataLayer("snapshot")
    members = RD.sp500_members_monthly(dl, "2008-01-01", "2008-06-30")
    assert not any(members.values())  # the change log starts in 2012-12
    px = RD.member_prices(dl, members, "2008-01-01", "2008-06-30")
    assert px.empty
    first = dl.sp500_changes()["date"].min()
    why = BR.breadth_gap("S&P 500", members, px, pd.Series(dtype=float), "2008-01-02", "2008-06-30", 200, first)
    assert why.missing == "members" and why.date == first


def test_member_panels_loads_both_universes_in_provenance_order(monkeypatch):
    calls = []
    monkeypatch.setattr(RD, "sp500_members_monthly", lambda dl, s, e: calls.append(("sp", s, e)) or {"d": ["A"]})
    monkeypatch.setattr(RD, "iwm_members_by_file", lambda dl, e: calls.append(("iwm", e)) or {"f": ["B", "C"]})
    monkeypatch.setattr(
        RD,
        "member_prices",
        lambda dl, m, s, e: calls.append(("px", tuple(m))) or pd.DataFrame(columns=sorted(set().union(*m.values()))),
    )
    sp, sp_px, iwm, iwm_px = RD.member_panels("dl", "2025-01-01", "2025-06-30")
    assert calls == [("sp", "2025-01-01", "2025-06-30"), ("px", ("d",)), ("iwm", "2025-06-30"), ("px", ("f",))]
    assert sp == {"d": ["A"]} and iwm == {"f": ["B", "C"]}
    assert list(sp_px.columns) == ["A"] and list(iwm_px.columns) == ["B", "C"]


def test_fomc_cut_dates_are_the_cuts_of_the_decisions_file():
    from rotation_utils.reference_data import fomc_decisions

    d = fomc_decisions()
    cuts = RD.fomc_cut_dates()
    assert len(cuts) == (d["decision"] == "cut").sum() > 0
    assert set(cuts) <= set(d["announcement_date"]) and cuts.is_monotonic_increasing


def test_concentration_inputs_missing_before_caps_exist():
    dl = DataLayer("snapshot")
    assert RD.market_caps_until(dl, "2019-12-31") is None
    assert RD.market_caps_until(dl, "2021-03-31")["date"].max() <= pd.Timestamp("2021-03-31")
