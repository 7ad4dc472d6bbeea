"""Chapter 2 executed headless with small parameters, asserting on what it computed."""

from __future__ import annotations

import pytest
from conftest import SMALL_PARAMETERS, glued

NAME = "02_inside_the_hidden_layer.ipynb"
SMALL = SMALL_PARAMETERS[NAME]


@pytest.fixture(scope="module")
def chapter(executed):
    notebook = executed(NAME)
    return notebook, glued(notebook)


@pytest.mark.notebook
def test_binary_hypothesis(chapter):
    _, values = chapter
    assert values["hyp_no_bias_error"] == pytest.approx(0.5)
    assert values["hyp_bias_high"] < 1e-3
    assert values["hyp_bias_low"] >= 0.45


@pytest.mark.notebook
def test_two_unit_network_and_derivation(chapter):
    _, values = chapter
    assert values["two_accuracy"] >= 0.95  # seeds 0 and 4 both find an adder
    assert values["two_22"] == pytest.approx(4, abs=0.5)
    assert values["two_v_pos"] > 5 and values["two_v_neg"] < -5  # one big positive, one big negative
    assert values["two_h_pos"] > 0.5 > values["two_h_neg"]
    assert values["der_rewrite_error"] < 1e-3
    assert abs(values["der_intercept"]) < 1
    assert values["der_cubic_error"] < values["der_linear_error"]
    assert values["adders_with_negative"] == 1.0


@pytest.mark.notebook
def test_saturation_explains_large_sums(chapter):
    _, values = chapter
    assert values["saturated_large"] > 0.9
    assert values["gradient_large"] < 0.01 < values["gradient_small"]


@pytest.mark.notebook
def test_fixes_reach_the_targets(chapter):
    _, values = chapter
    steps = values["steps_accuracy"]
    assert steps["original"][65536] < 0.05
    for max_sum in (16, 256, 65536):
        assert steps["relu, biases from 1"][max_sum] >= 0.999
        assert steps["linear unit"][max_sum] >= 0.999
    assert steps["scaled + bias + schedule"][256] > steps["original"][256]
    assert values["train_best_large"] >= 0.999 and values["train_best_row"] >= 0.999
    assert values["push_exact64_narrow"] >= values["push_adam_narrow"]
    assert values["unit_best_error"] > 0.5


@pytest.mark.notebook
def test_extrapolation_and_binary_readout(chapter):
    _, values = chapter
    assert values["extra_linear_far"] == 1.0
    assert values["extra_sigmoid_far"] < 0.1
    assert values["readout_shallow_top"] == 1.0 and values["readout_shallow_low"] < 0.9
    assert values["readout_deep_decoded"] == 1.0


@pytest.mark.notebook
def test_interactive_figures_are_embedded(chapter):
    notebook, _ = chapter
    html = [
        output["data"]["text/html"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    assert sum("Plotly.newPlot" in text and '"sliders"' in text for text in html) >= 2
    widgets = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    assert widgets, "the activation explorer widget is missing"


@pytest.mark.notebook
def test_every_inline_value_in_the_prose_was_glued(chapter):
    import re

    notebook, values = chapter
    referenced = {
        match
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for match in re.findall(r"\{glue:text\}`([A-Za-z0-9_]+)", cell.source)
    }
    assert referenced, "the prose shows no computed values"
    missing = referenced - set(values)
    assert not missing, f"prose refers to values the chapter never glued: {sorted(missing)}"
