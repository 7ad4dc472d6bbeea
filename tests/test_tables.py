"""``helpers.addition.tables``: chapter tables with headers in words, no raw index, numbers formatted."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers.addition import inspection, tables


def header_texts(styler) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", styler.to_html())]


def test_view_renames_keeps_formats_and_hides_the_index():
    table = pd.DataFrame({"hidden_units": [2, 4], "accuracy": [0.98765, 0.5], "unused": [1, 2]})
    html = tables.view(
        table, {"hidden_units": "hidden units", "accuracy": "accuracy"}, formats={"accuracy": "{:.1%}"}
    ).to_html()
    assert "hidden units" in html and "98.8%" in html and "50.0%" in html
    assert "hidden_units" not in html and "unused" not in html and "0.98765" not in html
    assert "row_heading" not in html  # no index column
    with pytest.raises(ValueError, match="not_there"):
        tables.view(table, {"not_there": "x"})


def test_collapsed_puts_the_table_behind_a_toggle():
    html = tables.collapsed(pd.DataFrame({"a": [1]}), "All <1> rows").data
    assert html.startswith('<details class="twoplustwo-collapsed"><summary>All &lt;1&gt; rows</summary>')
    assert "<table" in html and html.rstrip().endswith("</details>")


def test_numbers_are_text_not_python_lists():
    assert tables.numbers([21.43, -22.2]) == "21.4, −22.2"
    assert tables.numbers(np.array([0.6, 0.4]), 2) == "0.60, 0.40"


def test_saturation_view_fits_in_seven_columns():
    saturated = pd.DataFrame(
        {
            "hidden units": [1, 16],
            "epochs": [12, 400],
            "units always on": [1, 14],
            "units always off": [0, 2],
            "output weight of an 'on' unit": [101.2, np.nan],
            "Adam's reach": [100.0, 100.0],
            "distinct predictions": [1, 1],
            "prediction": [101.0, 1401.3],
            "mean sum": [32095.4, 32095.4],
        }
    ).set_index("hidden units")
    styler = tables.saturation_view(saturated)
    headers = header_texts(styler)
    assert len(headers) == 7 and "units stuck on / off" in headers
    html = styler.to_html()
    assert "14 / 2" in html and "1,401" in html and "32,095" in html and "–" in html


def test_binary_hypothesis_table_reads_in_words():
    headers = header_texts(tables.binary_hypothesis_table(inspection.binary_hypothesis(4, points=101)))
    assert headers[:2] == ["bit", "target for x = 0, 1, 2, 3"]
    assert not any("_" in header for header in headers)


def test_derivation_table_has_one_column_per_network():
    quantities = dict.fromkeys(tables.DERIVATION_ROWS, 0.123456)
    styler = tables.derivation_table(
        {"2 units, seed 0": {**quantities, "flipped_units": 1}, "4 units, seed 4": quantities}
    )
    assert list(styler.data.columns) == ["2 units, seed 0", "4 units, seed 4"]
    assert list(styler.data.index) == list(tables.DERIVATION_ROWS.values())
    html = styler.to_html()
    assert "0.123" in html and "0.123456" not in html


def test_comparison_table_groups_each_run_under_one_header():
    from helpers.addition import observations

    run = pd.DataFrame({"seed": [0, 1], "epochs": [274, 38], "accuracy": [0.988, 0.178]})
    comparison = observations.patience_comparison({"patience 5": run, "no early stopping": run})
    styler = tables.comparison_table(comparison)
    assert list(styler.data.columns) == [
        ("patience 5", "epochs"),
        ("patience 5", "accuracy"),
        ("no early stopping", "epochs"),
        ("no early stopping", "accuracy"),
    ]
    html = styler.to_html()
    assert "98.8%" in html and "0.988" not in html


def test_signs_table_says_yes_and_no():
    signs = pd.DataFrame(
        {
            "seed": [0, 1],
            "start: sum of output weights": [-1.79, 0.68],
            "final output weights": ["21.4, −22.2", "5.9, 3.4"],
            "final: a negative output weight": [True, False],
            "accuracy": [0.988, 0.178],
            "epochs": [274, 38],
        }
    ).set_index("seed")
    html = tables.signs_table(signs).to_html()
    assert "−1.79" in html and "+0.68" in html and ">yes<" in html and ">no<" in html and "True" not in html
