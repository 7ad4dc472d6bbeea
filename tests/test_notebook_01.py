"""Chapter 1 executed headless with small parameters; assertions on what it computed."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SMALL_PARAMETERS, glued

NAME = "01_two_plus_two.ipynb"
pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def chapter(executed):
    return executed(NAME)


@pytest.fixture(scope="module")
def values(chapter):
    return glued(chapter)


def test_the_trivial_network_adds(values):
    assert values["trivial_answer"] == 42


def test_the_grid_is_complete(values):
    params = SMALL_PARAMETERS[NAME]
    table = pd.DataFrame(values["results"])
    assert (
        len(table) == values["n_networks"] == len(params["HIDDEN_UNITS"]) * len(params["BITS"]) * len(params["SEEDS"])
    )
    assert table.epochs.between(1, params["EPOCHS"]).all()
    assert values["grid_seconds"] > 0


def test_two_hidden_units_add_small_sums_in_some_seed(values):
    table = pd.DataFrame(values["results"])
    two = table[(table.hidden_units == 2) & (table.max_sum == 16)]
    assert two.accuracy.max() >= 0.95  # the lucky run adds
    sixteen = table[(table.hidden_units == 16) & (table.max_sum == 16)]
    assert sixteen.accuracy.min() >= 0.95  # the wide network always does


def test_the_blog_observations_about_failure_hold(values):
    verdicts = values["observations"]
    assert verdicts["a"] == verdicts["c"] == verdicts["d"] == "agree"
    assert set(verdicts.values()) <= {"agree", "partly", "disagree"}


def test_the_stories_behind_the_surfaces(values):
    low, high = values["one_unit_range"]
    assert 0 <= low < high <= 254  # a narrow band inside the range of sums
    assert 100 < values["hill_60_60"] < 140 and 100 < values["hill_103_17"] < 140
    assert min(values["saturation"].values()) > 0.9  # sums below 65536: saturated units


def test_luck_is_in_the_output_weights(values):
    assert isinstance(values["sign_story"], str) and values["sign_story"]
    assert 0 <= values["luck_positive_rate"] <= 1 and 0 <= values["luck_negative_rate"] <= 1


def test_static_outputs_are_present(chapter):
    html = [
        output["data"]["text/html"]
        for cell in chapter.cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    surfaces = [h for h in html if "Plotly.newPlot" in h]
    assert len(surfaces) == len(SMALL_PARAMETERS[NAME]["BITS"])
    assert all("<script src=" not in h for h in surfaces)  # no CDN, no inlined library
    state = chapter.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(model["model_name"] == "ButtonModel" for model in state.values())
