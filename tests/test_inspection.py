"""Unit tests for Chapter 2's inspection helpers, explorer and binary-readout experiment."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import addition
from helpers.addition import binary_readout, inspection
from helpers.addition.activation_explorer import activation_explorer_widget, explorer_data, explorer_png


def hand_made_adder() -> object:
    """A 2-unit original network built from the derivation: it adds small numbers.

    Unit 1 points up (weights +w), unit 2 points down (weights -w); the output weights
    u and -u give u S(w s) - u S(-w s) = u (2 S(w s) - 1), about u w s / 2 near 0.
    """
    w, u = 0.05, 40.0
    model = addition.build_mlp(2)
    model.set_weights([np.array([[w, -w], [w, -w]], np.float32), np.array([[u], [-u]], np.float32)])
    return model


# --------------------------------------------------------------------------- 1. binary hypothesis


def test_binary_targets():
    table = inspection.binary_targets(4)
    assert table["bit1"].tolist() == [0, 0, 1, 1] and table["bit0"].tolist() == [0, 1, 0, 1]
    assert list(inspection.binary_targets(8).columns) == ["x", "bit2", "bit1", "bit0"]


def test_binary_hypothesis_without_and_with_bias():
    table = inspection.binary_hypothesis(4, points=401).set_index(["bit", "bias"])
    # No bias: S(0) = 1/2 sinks both bits.
    assert table.loc[("bit1", False), "max_error"] == pytest.approx(0.5)
    assert table.loc[("bit0", False), "max_error"] == pytest.approx(0.5)
    # A bias makes the (monotone) high bit reachable, never the low one.
    assert table.loc[("bit1", True), "reachable"] and table.loc[("bit1", True), "max_error"] < 1e-3
    assert not table.loc[("bit0", True), "reachable"] and table.loc[("bit0", True), "max_error"] >= 0.45
    assert table.loc[("bit1", True), "monotone"] and not table.loc[("bit0", True), "monotone"]


def test_best_sigmoid_fit_finds_a_known_unit():
    x = np.arange(4.0)
    target = inspection.sigmoid(2.0 * x - 3.0)
    fit = inspection.best_sigmoid_fit(x, target, use_bias=True, w_range=4, b_range=4, points=81)
    assert fit["w"] == pytest.approx(2.0) and fit["b"] == pytest.approx(-3.0) and fit["max_error"] < 1e-9
    with pytest.raises(ValueError, match="same length"):
        inspection.best_sigmoid_fit([0, 1], [0, 1, 1], use_bias=False)
    with pytest.raises(ValueError, match="^points"):
        inspection.best_sigmoid_fit(x, target, use_bias=False, points=1)


def test_sigmoid_is_stable():
    assert inspection.sigmoid([-1e6, 0.0, 1e6]).tolist() == [0.0, 0.5, 1.0]
    assert inspection.sigmoid(-2.0) == pytest.approx(1 - inspection.sigmoid(2.0))


# --------------------------------------------------------------------------- 2-4. forward pass, survey, derivation


def test_forward_steps_add_up_to_the_prediction():
    model = hand_made_adder()
    steps = inspection.forward_steps(model, 2, 2)
    assert list(steps.columns) == ["w_a", "w_b", "z", "h", "v", "v_h"]
    assert steps.z.tolist() == pytest.approx([0.2, -0.2])
    assert steps.h.tolist() == pytest.approx([inspection.sigmoid(0.2), inspection.sigmoid(-0.2)])
    assert steps.v_h.sum() == pytest.approx(addition.predict_sums(model, [[2, 2]])[0], abs=1e-4)
    weights, values = inspection.diagram_values(model, 2, 2)
    assert weights[0].shape == (2, 2) and weights[1].shape == (2, 1)
    assert values[-1][0] == pytest.approx(steps.v_h.sum())
    with pytest.raises(ValueError, match="bias-free"):
        inspection.forward_steps(addition.build_mlp(2, use_bias=True), 1, 1)
    with pytest.raises(ValueError, match="non-negative"):
        inspection.forward_steps(model, -1, 2)


def test_output_weight_survey_finds_the_pattern():
    positive_only = addition.build_mlp(2)
    positive_only.set_weights([np.full((2, 2), 0.1, np.float32), np.array([[3.0], [4.0]], np.float32)])
    blog_like = hand_made_adder()  # the blog's shape: the negative weight a little larger
    blog_like.set_weights([blog_like.get_weights()[0], np.array([[39.0], [-40.0]], np.float32)])
    models = {(2, 4, 0): blog_like, (2, 4, 1): positive_only, (4, 4, 0): addition.build_mlp(4)}
    survey = inspection.output_weight_survey(models, (2,), bits=4).set_index("seed")
    assert len(survey) == 2
    assert survey.loc[0, "pattern"] and survey.loc[0, "negative"] == 1
    assert not survey.loc[1, "pattern"] and survey.loc[1, "negative"] == 0
    assert survey.loc[0, "h(2+2)"] == pytest.approx([0.55, 0.45], abs=0.01)
    with pytest.raises(ValueError, match="no network"):
        inspection.output_weight_survey(models, (8,), bits=4)


def test_derivation_on_a_hand_made_adder():
    checks = inspection.derivation(hand_made_adder(), bits=4)
    assert checks["flipped_units"] == 1
    assert checks["constant"] == pytest.approx(-40.0)
    assert checks["zero_plus_zero"] == pytest.approx(0.0) and checks["intercept"] == pytest.approx(0.0)
    # Slopes: sum v w / 4 = (40 * 0.05 + (-40) * (-0.05)) / 4 = 1.
    assert checks["slope_a"] == pytest.approx(1.0) and checks["slope_b"] == pytest.approx(1.0)
    assert checks["same_sum_spread"] < 1e-4  # symmetric weights: only a + b matters
    assert checks["rewrite_error"] < 1e-4  # the flip rewrite is exact
    assert checks["cubic_error"] < checks["linear_error"]
    assert len(checks["sums"]) == len(checks["actual"]) == 15
    fig = inspection.derivation_figure(checks, "test")
    assert len(fig.axes[0].lines) == 4


def test_derivation_explains_a_trained_adder():
    grid = addition.train_grid(2, 4, seeds=(0, 4), progress=False, n_eval=2000)
    adders = grid.table[grid.table.accuracy >= 0.95]
    # Seeds 0 and 4 both add (fixed seeds): no adder is a regression, not a reason to skip.
    assert len(adders) >= 1, f"no 2-unit network added with seeds 0 and 4:\n{grid.table}"
    row = adders.iloc[0]
    checks = inspection.derivation(grid.models[(2, 4, int(row.seed))])
    assert checks["flipped_units"] >= 1 and checks["constant"] < -5
    assert abs(checks["intercept"]) < 1 and 0.9 < checks["slope_a"] < 1.4 and 0.9 < checks["slope_b"] < 1.4
    assert checks["rewrite_error"] < 1e-3 and checks["cubic_error"] < 1.0


# --------------------------------------------------------------------------- 6. saturation


def test_saturation_and_heatmaps():
    model = addition.build_mlp(3)
    model.set_weights([np.array([[1.0, -1.0, 1e-6], [1.0, -1.0, 1e-6]], np.float32), np.ones((3, 1), np.float32)])
    values, outputs = inspection.hidden_grid(model, 16, max_points=8)
    assert outputs.shape == (3, len(values), len(values))
    large = inspection.saturation(model, 16, max_points=8)
    small = inspection.saturation(model, 4)
    assert large["saturated"] > 0.6 and small["saturated"] < large["saturated"]
    assert large["gradient"] < small["gradient"] <= 0.25
    fig = inspection.hidden_heatmaps({4: model, 16: model}, max_points=8)
    assert len([ax for ax in fig.axes if ax.images]) == 6
    with pytest.raises(ValueError, match="^models"):
        inspection.hidden_heatmaps({})


# --------------------------------------------------------------------------- 8. extrapolation


def test_beyond_pairs_are_beyond():
    x, y = inspection.beyond_pairs(8, 2, n=1000, seed=1)
    assert x.shape == (1000, 2) and (y >= 256).all() and (x < 256).all()
    x10, _ = inspection.beyond_pairs(8, 10, n=1000, seed=1)
    assert x10.max() >= 1000
    with pytest.raises(ValueError, match="^factor"):
        inspection.beyond_pairs(8, 1.0)
    with pytest.raises(ValueError, match="below 2"):
        inspection.beyond_pairs(20, 100)


def test_extrapolation_separates_straight_from_bent():
    table = inspection.extrapolation(
        {("exact", 8): addition.trivial_adder(), ("bent", 4): hand_made_adder()}, factors=(2, 10), n=500
    )
    table = table.set_index("network")
    assert table.loc["exact", "within"] == 1.0 and table.loc["exact", "up to 10x"] == 1.0
    assert table.loc["bent", "up to 10x"] < 0.5


# --------------------------------------------------------------------------- 5. explorer


def test_explorer_data_holds_every_weight_exactly():
    model = hand_made_adder()
    data = explorer_data({"adder": model, "four": addition.build_mlp(4)}, bits=4, a=3, b=1)
    assert data["bits"] == 4 and data["top"] == 7 and data["start"] == {"a": 3, "b": 1}
    assert [network["label"] for network in data["networks"]] == ["adder", "four"]
    kernel, output = model.get_weights()
    assert data["networks"][0]["kernel"] == kernel.astype(float).tolist()
    assert data["networks"][0]["output"] == output.reshape(-1).astype(float).tolist()
    assert len(data["networks"][1]["output"]) == 4
    with pytest.raises(ValueError, match="^models"):
        explorer_data({})
    with pytest.raises(ValueError, match="^b"):
        explorer_data({"adder": model}, bits=4, b=8)
    with pytest.raises(ValueError, match="bias-free"):
        explorer_data({"biased": addition.build_mlp(2, use_bias=True)})


def test_activation_explorer_widget_redraws():
    models = {"adder": hand_made_adder(), "random": addition.build_mlp(3)}
    box = activation_explorer_widget(models, bits=4, a=1, b=2)
    controls, output = box.children
    choice, a_slider, b_slider = controls.children
    first = output.outputs[0]["data"]["image/png"]
    a_slider.value = 6
    assert output.outputs[0]["data"]["image/png"] != first
    choice.value = "random"
    assert "image/png" in output.outputs[0]["data"]
    assert "image/png" in explorer_png(models["adder"], 2, 2)["data"]
    with pytest.raises(ValueError, match="^a"):
        activation_explorer_widget(models, bits=4, a=8)
    with pytest.raises(ValueError, match="^models"):
        activation_explorer_widget({})


# --------------------------------------------------------------------------- 9. binary readout


def test_digits_and_pairs():
    assert binary_readout.digits([5, 2], 3).tolist() == [[1, 0, 1], [0, 1, 0]]
    x, sums = binary_readout.all_pairs(3)
    assert x.shape == (16, 2) and sums.max() == 6


def test_binary_readout_one_layer_cannot_but_two_can():
    shallow = binary_readout.train_binary_readout(bits=3, depth=1, code_weight=1.0, epochs=1500)
    deep = binary_readout.train_binary_readout(bits=3, depth=2, code_weight=1.0, epochs=3000)
    # The top digit flips once along the sums: one sigmoid can draw it.
    assert shallow["bit_accuracy"][-1] == 1.0
    # The lowest digit (odd or even) cannot come from one sigmoid of a weighted sum.
    assert shallow["bit_accuracy"][0] < 0.9
    assert min(deep["bit_accuracy"]) == 1.0 and deep["decoded_accuracy"] == 1.0
    with pytest.raises(ValueError, match="^depth"):
        binary_readout.train_binary_readout(depth=3)


def test_relu_switches_counts_kinks():
    from helpers.addition.fixes import Recipe, build_model

    model = build_model(Recipe("r", 4, activation="relu", use_bias=True, scale=True), 8)
    # Scaled inputs a', b' in [0, 1): unit 1 always on, unit 2 switches inside (a' - b'),
    # unit 3 is on inside but switches off beyond (1 - 0.6 a'), unit 4 always off.
    model.get_layer("hidden").set_weights(
        [np.array([[1, 1, -0.6, -1], [1, -1, 0, -1]], np.float32), np.array([0.1, 0, 1, -0.1], np.float32)]
    )
    counts = inspection.relu_switches(model, 8, factor=2)
    assert counts == {"units": 4, "on_everywhere": 2, "switch_inside": 1, "switch_beyond": 1, "off_everywhere": 1}


def test_network_diagram_writes_every_weight_and_value():
    model = hand_made_adder()
    ax = inspection.network_diagram(model, 2, 2)
    texts = [text.get_text() for text in ax.texts]
    assert "0.050" in texts and "-0.050" in texts and "40.00" in texts and "-40.00" in texts
    expected = addition.predict_sums(model, [[2, 2]])[0]
    assert f"{expected:.3f}" in texts
    crowded = inspection.network_diagram(addition.build_mlp(8), 1, 1)
    assert len([t for t in crowded.texts if t.get_text().count(".") == 1]) >= 8 + 8 + 1
