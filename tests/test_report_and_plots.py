"""Unit tests for chapter 1's observations, figures and explorer, and helpers.display."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from helpers import addition
from helpers.addition import figures, observations
from helpers.display import plotly_bundle


def fake_table(accuracy: dict[tuple[int, int], list[float]], mse: dict[tuple[int, int], list[float]] | None = None):
    rows = []
    for (h, b), values in accuracy.items():
        for seed, value in enumerate(values):
            error = (mse or {}).get((h, b), [1.0 / h] * len(values))[seed]
            rows.append(dict(hidden_units=h, bits=b, max_sum=2**b, seed=seed, accuracy=value, mse=error, epochs=10))
    return pd.DataFrame(rows)


def blog_like_table():
    """A table shaped like the blog's findings, with one unlucky 2-unit run."""
    accuracy = {}
    for h in (1, 2, 4, 8, 16):
        accuracy[(h, 4)] = [0.2, 0.25] if h == 1 else ([1.0, 0.16] if h == 2 else [1.0, 0.99])
        accuracy[(h, 8)] = [0.01 * h / 4, 0.02]
        accuracy[(h, 16)] = [0.0, 0.0]
    return fake_table(accuracy)


def test_observations_on_a_blog_like_table():
    verdicts = observations.check_observations(blog_like_table()).verdict.to_dict()
    assert verdicts == {"a": "agree", "b": "partly", "c": "agree", "d": "agree", "e": "agree"}


def test_observations_can_disagree():
    table = blog_like_table()
    table.loc[(table.hidden_units == 1) & (table.bits == 4), "accuracy"] = 0.9  # the 1-unit net adds
    table.loc[(table.hidden_units == 16) & (table.bits == 8), "accuracy"] = 0.8  # and 256 is easy
    table.loc[table.bits == 16, "accuracy"] = 0.5  # and so is 65536
    table["mse"] = table.hidden_units.astype(float)  # wider is worse
    verdicts = observations.check_observations(table).verdict.to_dict()
    assert verdicts == {"a": "disagree", "b": "partly", "c": "disagree", "d": "disagree", "e": "disagree"}


def test_results_table_shows_mean_spread_and_range():
    table = observations.results_table(blog_like_table())
    assert table.shape == (5, 3)
    assert table.loc[2, 16] == "58.0% ± 59.4% (16%–100%)"
    single = observations.results_table(fake_table({(2, 4): [0.5]}))
    assert single.loc[2, 16] == "50.0%"


def test_lucky_runs_reports_how_each_run_ended():
    table = fake_table({(2, 4): [1.0, 0.16]})
    table.loc[1, "epochs"] = 3
    histories = {(2, 4, 0): {"val_loss": [3.0, 2.0, 1.0] + [0.5] * 7}, (2, 4, 1): {"val_loss": [3.0, 2.5, 2.6]}}
    runs = observations.lucky_runs(table, histories, 2, 4, max_epochs=10)
    assert runs.loc[0, "ended by"] == "epoch limit" and runs.loc[1, "ended by"] == "early stopping"
    assert runs.loc[1, "best epoch"] == 2 and runs.loc[1, "val loss at best"] == 2.5


@pytest.fixture(scope="module")
def small_grid():
    return addition.train_grid((1, 2), (4, 8), (0,), epochs=3, n_train=200, n_eval=100, progress=False)


def test_error_surfaces_have_one_surface_and_one_button_per_width(small_grid):
    fig = figures.error_surfaces(small_grid.models, 8, (1, 2), seed=0, max_points=16)
    assert [trace.type for trace in fig.data] == ["surface", "surface"]
    assert [trace.visible for trace in fig.data] == [True, False]
    assert np.asarray(fig.data[0].z).shape == (16, 16)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.args[0]["visible"] for b in buttons] == [[True, False], [False, True]]


def test_plotly_bundle_serves_json_and_a_div_without_the_library(small_grid):
    bundle = plotly_bundle(figures.error_surfaces(small_grid.models, 4, (1, 2), seed=0))
    assert set(bundle) == {"application/vnd.plotly.v1+json", "text/html"}
    html = bundle["text/html"]
    assert "Plotly.newPlot" in html and len(html) < 200_000  # plotly.js itself (4.7 MB) is not inlined
    json.dumps(bundle["application/vnd.plotly.v1+json"])


def test_static_figures_draw(small_grid):
    model = small_grid.models[(2, 4, 0)]
    drawn = [
        figures.loss_curves(small_grid.histories, small_grid.table, (4, 8), max_epochs=3),
        figures.sum_distribution_and_error(model, addition.make_pairs(100, 4, 0)[0], 4, "2 hidden"),
        figures.cross_section(model, 12, highlights=(6, 10)),
        figures.activation_histograms({2: addition.hidden_outputs(model, [[1, 2], [3, 4]])}, 4),
    ]
    assert [len(fig.axes) for fig in drawn] == [2, 2, 1, 1]
    ax = figures.draw_network([np.ones((2, 3)), np.ones((3, 1))], values=[[2, 2], [0.5] * 3, [4]])
    assert sum(1 for text in ax.texts if text.get_text() == "1.00") == 9  # one label per edge


def test_explorer_trains_on_creation_and_on_click():
    from helpers.addition.explorer import retrain_explorer

    box = retrain_explorer(hidden_units=1, bits=4, seed=0, epochs=10)
    controls, output = box.children
    status = controls.children[1].children[2].children[1]
    assert "right" in status.value and len(output.outputs) == 1
    button = controls.children[1].children[2].children[0]
    button.click()
    assert len(output.outputs) == 1 and not button.disabled


def test_sentences_follow_the_numbers():
    table = blog_like_table()
    summary = observations.observation_summary(observations.check_observations(table), table)
    assert summary.startswith("We agree with observations (a), (c), (d), (e).") and "the 2-unit networks" in summary
    stuck = fake_table({(2, 4): [1.0, 0.16]})
    assert observations.patience_verdict(stuck, stuck).startswith("Not one more run")
    rescued = fake_table({(2, 4): [1.0, 0.99]})
    assert observations.patience_verdict(stuck, rescued).startswith("Without early stopping 1 more run")
    ranges = pd.DataFrame({"width": [70.0, 0.2, 75.0]}, index=pd.Index([0, 1, 2], name="seed"))
    assert "seed 1" in observations.collapse_note(ranges) and observations.collapse_note(ranges.iloc[[0, 2]]) == ""


def test_sign_story_and_luck_by_start():
    signs = pd.DataFrame(
        {
            "start: sum of output weights": [-1.0, -0.5, 0.7, 0.2],
            "final: a negative output weight": [True, True, False, False],
            "accuracy": [1.0, 0.99, 0.15, 0.16],
        }
    )
    assert observations.sign_story(signs).startswith("Every run that learned to add")
    counts, negative, positive = observations.luck_by_start(signs)
    assert (negative, positive) == (1.0, 0.0) and counts.loc["All", "All"] == 4
    signs.loc[3, "final: a negative output weight"] = True
    assert observations.sign_story(signs).startswith("2 of 2 runs")


def test_output_weight_signs_and_saturation_tables():
    grid = addition.train_grid((1, 4), 16, 0, epochs=4, n_train=320, n_eval=100, progress=False)
    signs = observations.output_weight_signs(grid.models, grid.table, 4, 16)
    assert signs.loc[0, "epochs"] == grid.table.epochs.iloc[1]
    pairs, sums = addition.make_pairs(200, 16, 9)
    table = observations.saturation_table(
        grid.models, grid.table, 16, 0, pairs, sums, steps_per_epoch=8, learning_rate=0.001
    )
    assert list(table.index) == [1, 4]
    assert (table["units always on"] + table["units always off"] <= table.index).all()
    assert (table["Adam's reach"] == table.epochs * 8 * 0.001).all()
    # Raw inputs in the tens of thousands: units are stuck on or off, a handful of answers
    # for 200 different pairs.
    assert (table["distinct predictions"] <= 5).all()


def test_claims_follow_the_numbers_and_the_patience():
    from helpers.claims import ClaimsRecord

    stuck = fake_table({(2, 4): [1.0, 0.16]})
    rescued = fake_table({(2, 4): [1.0, 0.99]})
    record = ClaimsRecord(glue=False)
    observations.claim_patience(record, stuck, stuck, rescued, patience=7, lucky_patience=50)
    table = blog_like_table()
    observations.claim_results(record, table, observations.check_observations(table))
    claims = {claim.id: claim for claim in record.claims}
    # The verdict names this run's patience, not the original's 5.
    assert not claims["patience"].holds and "patience 7 ended" in claims["patience"].text
    assert not claims["patience_summary"].holds and "patience 7" in claims["patience_summary"].text
    assert claims["small_adds"].holds and claims["never_large"].holds and claims["wider"].holds
    assert claims["blog_failures"].holds
    # No network adds: the headline claim fails, and says so.
    nobody = table.assign(accuracy=0.0)
    record = ClaimsRecord(glue=False)
    observations.claim_results(record, nobody, observations.check_observations(nobody))
    small = next(claim for claim in record.claims if claim.id == "small_adds")
    assert not small.holds and "not one network" in small.text
