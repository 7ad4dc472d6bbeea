"""Unit tests for helpers.addition: data, models, scoring, and both training methods."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from helpers import addition
from helpers.addition import build_mlp, evaluate, make_pairs, train_grid
from helpers.stacked import EarlyStopping

# --------------------------------------------------------------------------- data


@pytest.mark.parametrize("bits", [1, 4, 8, 16])
def test_make_pairs_range_shape_and_sums(bits):
    x, y = make_pairs(5000, bits, seed=3)
    assert x.shape == (5000, 2) and y.shape == (5000,)
    assert x.dtype == np.int64 and y.dtype == np.int64
    assert x.min() >= 0 and x.max() < 2 ** (bits - 1)
    assert np.array_equal(y, x[:, 0] + x[:, 1])
    assert y.max() < 2**bits
    if bits >= 4:  # the whole range is used, not just part of it
        assert x.max() == 2 ** (bits - 1) - 1


def test_make_pairs_is_seeded():
    assert np.array_equal(make_pairs(100, 8, 1)[0], make_pairs(100, 8, 1)[0])
    assert not np.array_equal(make_pairs(100, 8, 1)[0], make_pairs(100, 8, 2)[0])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n=0, bits=4), "n"),
        (dict(n=-3, bits=4), "n"),
        (dict(n=2.5, bits=4), "n"),
        (dict(n=10, bits=0), "bits"),
        (dict(n=10, bits=25), "bits"),
        (dict(n=10, bits="4"), "bits"),
        (dict(n=10, bits=4, seed=-1), "seed"),
        (dict(n=True, bits=4), "n"),
    ],
)
def test_make_pairs_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        make_pairs(**kwargs)


def test_bits_error_names_the_allowed_range():
    with pytest.raises(ValueError, match=r"bits must be at least 1 \(allowed: 1\.\.24\), got 0"):
        make_pairs(10, 0)


@pytest.mark.parametrize(
    "x, message",
    [
        ([[1, -2]], "non-negative"),
        ([[1.5, 2]], "whole numbers"),
        ([[np.nan, 2]], "whole numbers"),
        ([[1, 2, 3]], r"shape \(n, 2\)"),
        ([["a", "b"]], "numbers"),
        (np.zeros((0, 2)), "n >= 1"),
        ([[2**24, 1]], "below 2"),
    ],
)
def test_numbers_to_add_are_checked(x, message):
    with pytest.raises(ValueError, match=message):
        addition.predict_sums(addition.trivial_adder(), x)


# --------------------------------------------------------------------------- models


def test_trivial_adder_adds_exactly():
    model = addition.trivial_adder()
    assert addition.predict_sums(model, [[20, 22]])[0] == 42
    assert evaluate(model, 16) == {"accuracy": 1.0, "mse": 0.0}


@pytest.mark.parametrize("hidden_units", [1, 2, 16])
def test_build_mlp_matches_the_original_shape(hidden_units):
    model = build_mlp(hidden_units)
    assert model.count_params() == 3 * hidden_units  # 2*h input weights + h output weights, no bias
    assert [layer.use_bias for layer in model.layers] == [False, False]
    assert model.layers[0].activation.__name__ == "sigmoid"
    assert model.layers[1].activation.__name__ == "linear"
    assert model(np.zeros((3, 2), np.float32)).shape == (3, 1)
    assert build_mlp(hidden_units, use_bias=True).count_params() == 4 * hidden_units + 1


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(hidden_units=0), "hidden_units"),
        (dict(hidden_units=2.0), "hidden_units"),
        (dict(hidden_units=2, activation="softmax"), "activation"),
        (dict(hidden_units=2, use_bias="no"), "use_bias"),
    ],
)
def test_build_mlp_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        build_mlp(**kwargs)


def test_score_counts_rounded_matches():
    result = addition.score(np.array([1.4, 2.6, 3.0, 10.0]), np.array([1, 3, 4, 10]))
    assert result["accuracy"] == 0.75
    assert result["mse"] == pytest.approx((0.16 + 0.16 + 1.0 + 0.0) / 4)


def test_error_surface_covers_the_training_range():
    a, b, errors = addition.error_surface(addition.trivial_adder(), 4)
    assert list(a) == list(range(8)) and list(b) == list(range(8))
    assert errors.shape == (8, 8) and np.all(errors == 0)
    a, _, errors = addition.error_surface(build_mlp(2), 16, max_points=50)
    assert a[0] == 0 and a[-1] == 2**15 - 1 and len(a) == 50 and errors.shape == (50, 50)


def test_hidden_outputs_are_the_first_layer():
    model = build_mlp(3)
    kernel = model.get_weights()[0]
    x = np.array([[1, 2], [3, 0]])
    expected = 1 / (1 + np.exp(-(x @ kernel)))
    np.testing.assert_allclose(addition.hidden_outputs(model, x), expected, rtol=1e-5)


# --------------------------------------------------------------------------- early stopping


@pytest.mark.parametrize("patience", [0, 1, 3, 5])
def test_early_stopping_matches_keras(patience):
    """Same validation losses in, same stopping epoch and best epoch out as Keras' callback."""
    losses = [5.0, 4.0, 4.0, 4.5, 3.9, 3.95, 3.95, 3.95, 3.95, 3.95, 3.95, 3.8, 3.9, 4.0, 4.1, 4.2, 4.3, 4.4]

    class Dummy:
        stop_training = False

    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    callback.set_model(Dummy())
    callback.on_train_begin()
    keras_epochs = len(losses)
    for epoch, loss in enumerate(losses):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if callback.model.stop_training:
            keras_epochs = epoch + 1
            break

    ours = EarlyStopping(np.array([patience]))
    our_epochs, best_epoch = len(losses), None
    for epoch, loss in enumerate(losses):
        if ours.update(np.array([loss]))[0]:
            best_epoch = epoch
        if not ours.active[0]:
            our_epochs = epoch + 1
            break
    assert our_epochs == keras_epochs
    assert best_epoch == callback.best_epoch


# --------------------------------------------------------------------------- training

SMALL = dict(n_train=400, n_eval=500, batch_size=32)


def test_stacked_equals_keras_on_full_batch_training():
    """With one full batch per epoch (no shuffling effect), both methods take the same steps.

    Same initial weights, same data, same Adam: the trained weights must agree to float32
    round-off, which checks the stacked trainer's gradients, Adam and early stopping.
    """
    settings = dict(
        hidden_units=(1, 3), bits=(4,), seeds=(5,), epochs=25, patience=3, n_train=200, batch_size=160, progress=False
    )
    stacked = train_grid(method="stacked", **settings)
    original = train_grid(method="keras", **settings)
    for key, model in stacked.models.items():
        for ours, theirs in zip(model.get_weights(), original.models[key].get_weights()):
            np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=2e-5)
        np.testing.assert_allclose(stacked.histories[key]["val_loss"], original.histories[key]["val_loss"], rtol=2e-4)
    assert stacked.table.epochs.tolist() == original.table.epochs.tolist()


def test_train_grid_returns_the_documented_result():
    result = train_grid((1, 2), (4, 8), (0, 1), epochs=3, progress=False, **SMALL)
    assert list(result.table.columns) == ["hidden_units", "bits", "max_sum", "seed", "accuracy", "mse", "epochs"]
    assert len(result.table) == 8
    assert set(result.models) == set(result.histories) == {(h, b, s) for h in (1, 2) for b in (4, 8) for s in (0, 1)}
    assert set(result.table.max_sum) == {16, 256}
    for (h, b, s), model in result.models.items():
        row = result.table[(result.table.hidden_units == h) & (result.table.bits == b) & (result.table.seed == s)]
        assert row.epochs.item() == len(result.histories[(h, b, s)]["val_loss"]) <= 3
        assert evaluate(model, b, n=500, seed=addition.EVAL_SEED + s) == pytest.approx(
            {"accuracy": row.accuracy.item(), "mse": row.mse.item()}
        )
    summary = result.summary()
    assert len(summary) == 4 and (summary.seeds == 2).all()


def test_train_grid_is_deterministic_and_independent_of_its_neighbours():
    alone = train_grid(2, 4, 0, epochs=5, progress=False, **SMALL)
    together = train_grid((1, 2, 8), (4, 8), (0, 1), epochs=5, progress=False, **SMALL)
    again = train_grid((1, 2, 8), (4, 8), (0, 1), epochs=5, progress=False, **SMALL)
    assert together.table.equals(again.table)
    np.testing.assert_allclose(
        alone.histories[(2, 4, 0)]["val_loss"], together.histories[(2, 4, 0)]["val_loss"], rtol=1e-5
    )


def test_two_hidden_units_learn_to_add_small_numbers():
    """The chapter's headline: a 2-unit network adds sums below 16, given patience."""
    result = train_grid(2, 4, 0, epochs=600, patience=50, progress=False)
    assert result.table.accuracy.item() >= 0.99


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(hidden_units=()), "hidden_units"),
        (dict(hidden_units=(0, 2)), "hidden_units"),
        (dict(bits=(4, 4)), "bits"),
        (dict(seeds=(-1,)), "seeds"),
        (dict(method="fast"), "method"),
        (dict(epochs=0), "epochs"),
        (dict(batch_size=0), "batch_size"),
        (dict(learning_rate=0), "learning_rate"),
        (dict(validation_split=1.0), "validation_split"),
        (dict(patience=-1), "patience"),
        (dict(optimizer="sgd"), "unknown setting"),
    ],
)
def test_train_grid_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        train_grid(progress=False, **kwargs)


def test_one_repeated_order_differs_from_reshuffling_and_is_deterministic():
    settings = dict(epochs=6, progress=False, **SMALL)
    repeated = train_grid(2, 4, 0, reshuffle=False, **settings)
    again = train_grid(2, 4, 0, reshuffle=False, **settings)
    fresh = train_grid(2, 4, 0, **settings)
    assert repeated.histories == again.histories
    assert repeated.histories[(2, 4, 0)]["loss"] != fresh.histories[(2, 4, 0)]["loss"]
    # The first epoch is the same draw either way; only later epochs differ.
    assert repeated.histories[(2, 4, 0)]["loss"][0] == fresh.histories[(2, 4, 0)]["loss"][0]
    with pytest.raises(ValueError, match="reshuffle=False is for method='stacked'"):
        train_grid(2, 4, 0, method="keras", reshuffle=False, **settings)


def test_grid_pairs_covers_the_training_range_with_a_varying_fastest():
    values, pairs = addition.grid_pairs(3)
    assert values.tolist() == [0, 1, 2, 3]
    assert pairs[:5].tolist() == [[0, 0], [1, 0], [2, 0], [3, 0], [0, 1]] and len(pairs) == 16
    values, pairs = addition.grid_pairs(16, max_points=5)
    assert values.tolist() == [0, 8192, 16384, 24575, 32767] and len(pairs) == 25
    with pytest.raises(ValueError, match="max_points"):
        addition.grid_pairs(4, max_points=1)


def test_the_scoring_pairs_cannot_influence_training():
    """Validation steers, fresh pairs score: with 10 or 3000 scoring pairs, and scoring seeds
    that no training data uses, every network trains to the same weights and history."""
    few = train_grid((1, 2), (4, 8), (0, 1), epochs=15, patience=3, n_eval=10, progress=False)
    many = train_grid((1, 2), (4, 8), (0, 1), epochs=15, patience=3, n_eval=3000, progress=False)
    for key, model in few.models.items():
        for a, b in zip(model.get_weights(), many.models[key].get_weights()):
            np.testing.assert_array_equal(a, b)
        assert few.histories[key] == many.histories[key]
    assert not few.table.accuracy.equals(many.table.accuracy)  # the scores did read other pairs
    # The scoring pairs of seed s come from seed EVAL_SEED + s: never a training seed of the book.
    assert addition.EVAL_SEED >= 10**6
    train_x, _ = make_pairs(10_000, 8, 0)
    score_x, _ = make_pairs(3000, 8, addition.EVAL_SEED)
    assert not np.array_equal(train_x[:3000], score_x)
