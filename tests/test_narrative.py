"""Narrative helpers: signs, units and direction words come from the numbers."""

import math

import pandas as pd
import pytest

from rotation_utils import narrative as n
from rotation_utils.tables import formatted


def test_number_formats():
    assert n.pct(0.1234) == "+12.3%"
    assert n.pct(-0.05, sign=False) == "-5.0%"
    assert n.pp(0.049) == "+4.9 pp"
    assert n.pp(-0.021) == "-2.1 pp"
    assert n.bp(-0.25) == "-25 bp"
    assert n.num(1234.567, 1, "x") == "1,234.6x"
    assert n.usd(1.5e9) == "$1.5bn" and n.usd(-2.5e6) == "-$2.5m" and n.usd(12) == "$12"


@pytest.mark.parametrize("f", [n.pct, n.pp, n.bp, n.num, n.usd])
def test_missing_values_say_na(f):
    assert f(float("nan")) == n.NA and f(None) == n.NA


def test_direction_words_follow_sign():
    assert n.direction(0.1) == "rose" and n.direction(-0.1) == "fell"
    assert n.direction(0.0) == "was unchanged"
    assert n.direction(0.004, tol=0.005) == "was unchanged"
    assert n.direction(math.nan) == "could not be measured"


def test_compare_sentence_flips_with_sign():
    assert n.compare("IWM", 0.049, b_name="SPY") == "IWM beat SPY by 4.9 pp"
    assert n.compare("IWM", -0.021, b_name="SPY") == "IWM lagged SPY by 2.1 pp"
    assert n.compare("IWM", 0.0, b_name="SPY") == "IWM matched SPY"


def test_listing_and_plural():
    assert n.listing([]) == "none"
    assert n.listing(["A"]) == "A"
    assert n.listing(["A", "B", "C"]) == "A, B and C"
    assert n.plural(1, "claim") == "1 claim" and n.plural(3, "claim") == "3 claims"


def test_formatted_table_formats_columns_and_hides_index():
    df = pd.DataFrame({"r": [0.1234, None], "d": [0.05, -0.01], "b": [0.25, -0.5], "name": ["a", "b"]})
    html = formatted(df, pct=["r"], pp=["d"], bp=["b"]).to_html()
    for s in ("12.3%", "+5.0 pp", "-1.0 pp", "+25", "-50"):
        assert s in html
    assert "row_heading" not in html
