"""Unit tests for helpers.addition.fixes: recipes, the stacked trainer, the exact readout, train_best."""

from __future__ import annotations

from dataclasses import replace

import keras
import numpy as np
import pytest

from helpers import addition
from helpers.addition import fixes
from helpers.addition.fixes import Recipe, best_recipe, build_model, steps, train_recipes


def test_steps_change_one_thing_at_a_time():
    recipes = steps(16)
    assert [r.name for r in recipes] == list(fixes.STEP_NAMES)
    original, scaled, biased, scheduled, relu, relu_on, linear = recipes
    assert (original.activation, original.use_bias, original.scale, original.schedule) == (
        "sigmoid",
        False,
        False,
        False,
    )
    assert original.learning_rate == 1e-3  # Adam's default, as in the original
    assert replace(scaled, name="x", scale=False) == replace(original, name="x")
    assert replace(biased, name="x", use_bias=False) == replace(scaled, name="x")
    assert scheduled.schedule and scheduled.use_bias and scheduled.scale
    assert replace(relu, name="x", activation="sigmoid") == replace(scheduled, name="x")
    assert replace(relu_on, name="x", bias_init=0.0) == replace(relu, name="x")
    assert replace(best_recipe("relu"), name="x") == replace(relu_on, name="x")
    assert linear.direct and linear.activation == "linear"


@pytest.mark.parametrize("bits", [4, 16])
def test_scaled_model_takes_and_returns_raw_integers(bits):
    recipe = Recipe("t", 3, activation="relu", use_bias=True, scale=True)
    model = build_model(recipe, bits)
    assert [layer.name for layer in model.layers] == ["scale_in", "hidden", "sum", "scale_out"]
    # Weights that compute relu(a/half + b/half) * half / (2 * half) * 2**bits = a + b exactly.
    half = 2 ** (bits - 1)
    model.set_weights(
        [
            np.array([[1, 0, 0], [1, 0, 0]], np.float32),
            np.zeros(3, np.float32),
            np.array([[0.5], [0], [0]], np.float32),
            np.zeros(1, np.float32),
        ]
    )
    pairs = np.array([[0, 0], [half - 1, half - 1], [3, 1]])
    assert np.allclose(addition.predict_sums(model, pairs), pairs.sum(axis=1), atol=1e-3)
    assert model.output_shape == (None, 1)


def test_direct_model_is_one_linear_unit():
    model = build_model(steps()[-1], 8)
    assert [layer.name for layer in model.layers] == ["scale_in", "sum", "scale_out"]
    assert model.count_params() == 3


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(hidden_units=0), "hidden_units"),
        (dict(activation="softmax"), "activation"),
        (dict(learning_rate=0.0), "learning_rate"),
        (dict(lr_factor=1.5), "lr_factor"),
        (dict(lr_patience=-1), "lr_patience"),
        (dict(min_lr=-1e-3), "min_lr"),
        (dict(bias_init=np.nan), "bias_init"),
    ],
)
def test_recipe_rejects_bad_values(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        Recipe("bad", **{"hidden_units": 2, **kwargs}).checked()


def test_train_recipes_rejects_bad_arguments():
    recipe = Recipe("a", 2)
    with pytest.raises(ValueError, match="^recipes"):
        train_recipes([])
    with pytest.raises(ValueError, match="^recipes must have distinct names"):
        train_recipes([recipe, replace(recipe, hidden_units=3)])
    with pytest.raises(ValueError, match="^bits"):
        train_recipes([recipe], bits=0)
    with pytest.raises(ValueError, match="unknown setting"):
        train_recipes([recipe], bits=4, epoch=3)
    with pytest.raises(ValueError, match="^activation"):
        best_recipe("softmax")


@pytest.fixture(scope="module")
def small_run():
    """Every step at sums below 16 and 256, a few epochs each (seconds)."""
    return train_recipes(steps(8), bits=(4, 8), seeds=(0,), epochs=60, n_train=2000, n_eval=2000)


def test_train_recipes_table_and_models(small_run):
    table = small_run.table
    assert len(table) == 14
    assert set(table.columns) >= {"step", "bits", "max_sum", "seed", "accuracy", "mse", "epochs", "final_lr"}
    assert list(small_run.accuracy_table().index) == list(fixes.STEP_NAMES)
    assert (table.epochs <= 60).all() and (table.epochs >= 1).all()
    for (step, bits, seed), model in small_run.models.items():
        row = table[(table.step == step) & (table.bits == bits)].iloc[0]
        # The table's accuracy is helpers.addition.evaluate's, on the seed's fresh pairs.
        assert addition.evaluate(model, bits, n=2000, seed=addition.EVAL_SEED + seed)["accuracy"] == row.accuracy
        history = small_run.histories[(step, bits, seed)]
        assert len(history["loss"]) == len(history["val_loss"]) == len(history["lr"]) == row.epochs


def test_schedule_lowers_the_learning_rate_and_fixed_runs_do_not(small_run):
    table = small_run.table.set_index(["step", "bits"])
    for bits in (4, 8):
        assert table.loc[("original", bits), "final_lr"] == pytest.approx(1e-3)
        history = small_run.histories[("relu, biases from 1", bits, 0)]["lr"]
        assert history[0] == pytest.approx(1e-2)
        assert all(later <= earlier for earlier, later in zip(history, history[1:]))


def test_the_fixes_beat_the_original_at_256(small_run):
    accuracy = small_run.accuracy_table()[256]
    assert accuracy["original"] < 0.2
    assert accuracy["relu, biases from 1"] > 0.9
    assert accuracy["linear unit"] > 0.99


def test_stacked_training_is_deterministic_and_independent_of_neighbours():
    recipe = Recipe("r", 4, activation="relu", use_bias=True, scale=True, schedule=True, learning_rate=1e-2)
    alone = train_recipes([recipe], bits=6, seeds=1, epochs=15, n_train=800, n_eval=500)
    again = train_recipes([recipe], bits=6, seeds=1, epochs=15, n_train=800, n_eval=500)
    crowd = train_recipes([recipe, Recipe("s", 7)], bits=(6, 8), seeds=1, epochs=15, n_train=800, n_eval=500)
    w_alone = alone.models[("r", 6, 1)].get_weights()
    for w1, w2 in zip(w_alone, again.models[("r", 6, 1)].get_weights()):
        assert np.array_equal(w1, w2)
    for w1, w2 in zip(w_alone, crowd.models[("r", 6, 1)].get_weights()):
        assert np.allclose(w1, w2, atol=1e-5)


def test_exact_readout_fits_the_output_layer():
    # A sigmoid network with random hidden weights: the exact readout fits a + b for sums
    # below 16 far better than the random output layer, and never worse than Adam would.
    recipe = Recipe("s", 16, use_bias=True, scale=True)
    keras.utils.set_random_seed(0)
    model = build_model(recipe, 4)
    x, y = addition.make_pairs(500, 4, 0)
    before = addition.score(addition.predict_sums(model, x), y)["mse"]
    info = fixes.exact_readout(model, x, y)
    after = addition.score(addition.predict_sums(model, x), y)["mse"]
    assert after < before / 100 and after < 0.1
    assert info["condition"] > 1 and info["max_weight"] > 0
    assert np.allclose(fixes.predict64(model, x), addition.predict_sums(model, x), atol=1e-2)


def test_predict64_matches_keras_on_the_original_network():
    model = addition.build_mlp(3)
    x, _ = addition.make_pairs(100, 6, 2)
    assert np.allclose(fixes.predict64(model, x), addition.predict_sums(model, x), rtol=1e-5, atol=1e-4)
    assert fixes.hidden_outputs64(model, x).shape == (100, 3)


def test_single_unit_precision_trade_off():
    unit = fixes.single_unit_precision(16, weights=[1e-3, 0.04, 1.0])
    # The bend grows with the weight; float32 rounding hurts small weights most.
    assert unit.bend.is_monotonic_increasing
    assert unit.float32_total.iloc[0] > unit.float32_total.iloc[1] < unit.float32_total.iloc[2]
    assert unit.float32_total.min() > 0.5  # no single unit gets within 0.5 at 65536 in float32


def test_train_best_returns_a_raw_integer_model_that_saves(tmp_path):
    model = addition.train_best(8, seed=0, activation="relu")
    pairs = np.array([[2, 2], [100, 27], [127, 127]])
    assert model(pairs.astype(np.float32)).shape == (3, 1)
    score = addition.evaluate(model, 8)
    assert score["accuracy"] >= 0.999
    path = tmp_path / "best.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert np.allclose(addition.predict_sums(loaded, pairs), addition.predict_sums(model, pairs))
    with pytest.raises(ValueError, match="^bits"):
        addition.train_best(0)
    with pytest.raises(ValueError, match="^activation"):
        addition.train_best(8, activation="softmax")


# --------------------------------------------------------------------------- clean test data


def _all_weights(result) -> list[np.ndarray]:
    return [w for key in sorted(result.models, key=str) for w in result.models[key].get_weights()]


def test_scoring_pairs_cannot_steer_training(monkeypatch):
    """Other scoring pairs (another seed, another count) leave every trained weight as it was.

    Early stopping and the learning-rate schedule read the validation split of the training
    pairs only; the scores are on pairs drawn with ``EVAL_SEED + seed``. Both trainers the
    chapter uses are checked: ``fixes.train_recipes`` (the fixes, the sigmoid push) and
    ``addition.train_grid`` (the original networks).
    """
    from helpers.addition import networks

    recipes = [steps(4)[0], steps(4)[3]]  # the original (early stopping) and the schedule
    settings = dict(bits=(4, 8), seeds=(0, 1), epochs=25, n_train=600)
    first = train_recipes(recipes, n_eval=300, **settings)
    grid_first = addition.train_grid(2, 4, seeds=(0,), epochs=25, n_train=600, n_eval=300, progress=False)
    monkeypatch.setattr(fixes, "EVAL_SEED", 7_000_000)
    monkeypatch.setattr(networks, "EVAL_SEED", 7_000_000)
    second = train_recipes(recipes, n_eval=900, **settings)
    grid_second = addition.train_grid(2, 4, seeds=(0,), epochs=25, n_train=600, n_eval=900, progress=False)
    # The scoring pairs really were others ...
    assert not np.array_equal(
        addition.make_pairs(300, 8, addition.EVAL_SEED)[0], addition.make_pairs(300, 8, 7_000_000)[0]
    )
    # ... and training did not notice.
    for before, after in ((first, second), (grid_first, grid_second)):
        assert len(_all_weights(before)) == len(_all_weights(after))
        for w1, w2 in zip(_all_weights(before), _all_weights(after), strict=True):
            np.testing.assert_array_equal(w1, w2)
    assert first.table.epochs.tolist() == second.table.epochs.tolist()


def test_the_validation_split_does_steer_training(monkeypatch):
    """The check above is not vacuous: other validation pairs change when the schedule acts."""
    recipe = steps(4)[3]
    settings = dict(bits=8, seeds=0, epochs=40, n_train=600, n_eval=300)
    first = train_recipes([recipe], **settings)
    real = fixes.make_pairs

    def other_validation(n, bits, seed=0):
        x, y = real(n, bits, seed)
        if seed >= fixes.EVAL_SEED:
            return x, y
        fit = int(n * 0.8)
        x_val, y_val = real(n - fit, bits, seed + 12345)
        return np.concatenate([x[:fit], x_val]), np.concatenate([y[:fit], y_val])

    monkeypatch.setattr(fixes, "make_pairs", other_validation)
    second = train_recipes([recipe], **settings)
    key = (recipe.name, 8, 0)
    assert first.histories[key]["val_loss"] != second.histories[key]["val_loss"]
    assert first.histories[key]["loss"][0] == pytest.approx(second.histories[key]["loss"][0])  # same training pairs
