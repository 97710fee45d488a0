"""The summary box, the index scorecard and the deck read the same key numbers, window and chart."""

from __future__ import annotations

import base64

import nbformat
import pandas as pd
import pytest

from rotation_utils.results import Report
from rotation_utils.runner import index, render, summary
from rotation_utils.runner.records import Task
from rotation_utils.verdicts import Rule


def _results(**extra):
    rep = Report("01_x", "X", {"start": "2025-01-01", "end": None})
    rep.metric("first", 1.0, "pp", "first number")
    rep.metric("b", 4.873, "pp", "IWM minus SPY")
    rep.metric("c", 26.89, "x", "P/E")
    rep.metric("d", None, "%", "missing share")
    rep.verdict("mixed", Rule("supported if all beat; else mixed", lambda: "mixed"), "IWM +4.9 pp")
    rep.set_window("2025-01-01", "2026-07-13")
    data = rep.to_dict()
    data["data"] = {"as_of": "2026-07-13"}
    data.update(extra)
    return data


def test_key_metrics_follow_the_named_order_and_format_like_the_reports():
    res = _results()
    res["key_metrics"] = ["d", "b", "c"]
    got = summary.key_metrics(res)
    assert [(m["label"], m["value"]) for m in got] == [
        ("missing share", "n/a"),
        ("IWM minus SPY", "+4.9 pp"),
        ("P/E", "26.9x"),
    ]


def test_key_metrics_fall_back_to_the_first_headline_numbers_and_stop_at_three():
    res = _results()
    assert [m["label"] for m in summary.key_metrics(res)] == ["first number", "IWM minus SPY", "P/E"]
    res["key_metrics"] = ["not recorded"]
    assert len(summary.key_metrics(res)) == summary.KEY_NUMBERS
    assert summary.key_metrics(None) == []


def test_report_key_metrics_are_written_to_results():
    rep = Report("01_x", "X", {})
    rep.key_metrics("a", "b", "a")
    assert rep.to_dict()["key_metrics"] == ["a", "b"]


@pytest.mark.parametrize(
    "res,text",
    [
        (
            {"parameters": {"start": "2025-01-01", "end": None}, "data": {"as_of": "2026-07-13"}},
            "2025-01-01 to 2026-07-13",
        ),
        (
            {"parameters": {"start": "2025-01-01", "end": "2025-06-30"}, "data": {"as_of": "2026-07-13"}},
            "2025-01-01 to 2025-06-30",
        ),
        ({"parameters": {"tax_year": 2025}, "data": {"as_of": "2026-07-13"}}, "tax year 2025"),
        (
            {"window": {"start": "2024-12-31", "end": "2026-07-13"}, "parameters": {"start": "2025-01-01"}},
            "2024-12-31 to 2026-07-13",
        ),
        ({"window": "calendar 2025"}, "calendar 2025"),
        ({}, "n/a"),
    ],
)
def test_report_window(res, text):
    assert summary.report_window(res) == text


def _png_cell(tags):
    png = base64.b64encode(b"\x89PNG fake").decode()
    cell = nbformat.v4.new_code_cell("plot()")
    cell.metadata["tags"] = tags
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>", "image/png": png})]
    return cell, png


def test_key_chart_is_the_picture_of_the_tagged_cell():
    untagged, _ = _png_cell([])
    tagged, png = _png_cell(["slide", summary.KEY_CHART_TAG])
    nb = nbformat.v4.new_notebook(cells=[untagged, tagged])
    assert summary.key_chart(nb) == "data:image/png;base64," + png
    assert summary.key_chart(nbformat.v4.new_notebook(cells=[untagged])) is None


def test_summary_box_is_the_first_thing_in_the_page_and_escapes_data(tmp_path):
    res = _results(key_metrics=["b"])
    res["verdict"]["rule"] = "supported if <b>all</b> beat"
    tagged, png = _png_cell([summary.KEY_CHART_TAG])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Question\nWhy?"), tagged])
    record = {
        "notebook": "01_x",
        "status": "ok",
        "run_id": "r",
        "executed_at": "2026-07-13T10:00:00",
        "duration_seconds": 1.0,
        "parameters": {"start": "2025-01-01", "baskets": {"AI": ["A", "B"]}},
        "passed_parameters": {},
        "data": {"as_of": "2026-07-13", "sources": ["snapshot"]},
        "git": {},
        "packages": {},
    }
    page = render.report_html(nb, record, res, Task(name="n", input="", dir="", title="X", purpose="Why."))
    box = page.index('id="rt-summary"')
    assert box < page.index("Run details") < page.index("Question")
    assert "+4.9 pp" in page[box : page.index("Run details")] and png in page[box : page.index("Run details")]
    assert "supported if &lt;b&gt;all&lt;/b&gt; beat" in page
    assert "AI: A, B" in page and "{'AI'" not in page  # parameters in reading form, not a raw dict


def test_index_scorecard_shows_window_and_key_numbers(tmp_path):
    res = _results(key_metrics=["c"])
    nb = {
        "notebook": "01_x",
        "title": "X",
        "status": "ok",
        "results": res,
        "run_last": False,
        "files": {"html": "01_x.html"},
        "duration_seconds": 1.0,
        "data": {},
        "warnings": [],
    }
    row = index.scorecard_rows([nb])[0]
    assert row["window"] == "2025-01-01 to 2026-07-13"
    assert [h["value"] for h in row["headline"]] == ["26.9x"]


def test_tax_year_report_window_names_the_year_not_the_start_of_data():
    res = {
        "window": {"start": None, "end": "2026-07-13", "label": "start of data to 2026-07-13"},
        "parameters": {"tax_year": 2025},
        "data": {"as_of": "2026-07-13"},
    }
    assert summary.report_window(res) == "tax year 2025"
    res["window"]["label"] = "2025-01-01 to 2026-07-13"
    res["window"]["start"] = "2025-01-01"
    assert summary.report_window(res) == "2025-01-01 to 2026-07-13"


class _Prices:
    """The parts of a data layer a report reads: trading days served, as-of date, provenance."""

    as_of = "2026-07-13"
    source = "snapshot"
    sessions = pd.DatetimeIndex(["2024-12-31", "2025-01-02", "2025-01-03", "2026-07-10", "2026-07-13"])

    class provenance:
        @staticmethod
        def to_json():
            return {"sources": ["snapshot"]}


def test_window_is_the_first_and_last_trading_day_of_the_data_not_the_parameter():
    rep = Report("01_x", "X", {"start": "2025-01-01"}, data=_Prices(), window=(pd.Timestamp("2025-01-01"), None))
    window = rep.to_dict()["window"]
    assert (window["start"], window["end"]) == ("2025-01-02", "2026-07-13")  # 2025-01-01 is a holiday
    assert summary.report_window({"window": window}) == "2025-01-02 to 2026-07-13"
    # a report that records the dates it used (a return from the 2024-12-31 close) is shown with them
    rep.set_window(pd.Timestamp("2024-12-31"), pd.Timestamp("2026-07-13"))
    assert rep.to_dict()["window"] == {"start": "2024-12-31", "end": "2026-07-13", "label": "2024-12-31 to 2026-07-13"}
    rep.set_window(None, None, "none: the window ends 2025-12-31")  # a thesis window the run does not reach
    assert rep.to_dict()["window"] == {"start": None, "end": None, "label": "none: the window ends 2025-12-31"}
    # no prices (a report on statements or on other reports): the bounds asked for are kept
    bare = Report("00_x", "X", {}, data={"as_of": "2026-07-13"}, window=(pd.Timestamp("2025-01-01"), None))
    assert bare.to_dict()["window"]["start"] == "2025-01-01"


def test_summary_box_names_the_as_of_date_once(tmp_path):
    res = _results()
    res["window"] = {"start": None, "end": "2026-07-13", "label": "tax year 2025"}
    res["parameters"] = {"tax_year": 2025}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Question")])
    record = {
        "notebook": "04_x",
        "status": "ok",
        "run_id": "r",
        "executed_at": "2026-07-13T10:00:00",
        "duration_seconds": 1.0,
        "parameters": {"tax_year": 2025},
        "passed_parameters": {},
        "data": {"as_of": "2026-07-13", "sources": ["snapshot"]},
        "git": {},
        "packages": {},
    }
    page = render.report_html(nb, record, res, Task(name="n", input="", dir="", title="X", purpose="Why."))
    box = page[page.index('id="rt-summary"') : page.index("Run details")]
    assert "Window tax year 2025 · data as of 2026-07-13" in box
    assert box.count("2026-07-13") == 1


def test_windows_span_names_the_earliest_start_and_latest_end():
    windows = [
        {"window": {"start": "2025-01-02", "end": "2026-07-13"}},
        None,
        {"window": {"start": "2022-01-03", "end": "2026-07-10"}},
        {"window": "calendar 2025"},
    ]
    assert summary.windows_span(windows) == "each report\u2019s own window, 2022-01-03 to 2026-07-13"
    assert summary.windows_span([]) == "each report\u2019s own window"


@pytest.mark.parametrize(
    "value,unit,text",
    [
        (1, "claims", "1 claim"),
        (5, "claims", "5 claims"),
        (1.0, "years", "1 year"),
        (20.09, "% of firms", "20.1% of firms"),
        (True, "", "yes"),
        (-27.354, "pp", "-27.4 pp"),
        (2.5, "USD m", "2.5 USD m"),
        (None, "pp", "n/a"),
    ],
)
def test_format_value_units_and_counts(value, unit, text):
    assert summary.format_value(value, unit) == text
