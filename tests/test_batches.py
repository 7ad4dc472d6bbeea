"""``helpers.batches``: fit's own shuffled batches, without tf.data's autotuning thread."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.batches import shuffled_batches


def _epochs(dataset, count: int) -> list[list[np.ndarray]]:
    return [[np.asarray(batch[0]) for batch in dataset] for _ in range(count)]


def test_every_row_once_per_epoch_shuffled_with_the_remainder_last():
    import keras

    keras.utils.set_random_seed(0)
    rows = np.arange(25, dtype=np.float32)
    first, second = _epochs(shuffled_batches((rows, rows * 2), 10), 2)
    assert [len(batch) for batch in first] == [10, 10, 5]
    assert sorted(np.concatenate(first)) == list(rows) and not np.array_equal(np.concatenate(first), rows)
    # Under a global seed every epoch repeats the order, as fit's own batches do (module docstring).
    assert np.array_equal(np.concatenate(first), np.concatenate(second))
    keras.utils.set_random_seed(0)
    (again,) = _epochs(shuffled_batches((rows, rows * 2), 10), 1)
    assert np.array_equal(np.concatenate(again), np.concatenate(first))


def test_a_reshuffle_seed_draws_a_new_order_every_epoch_and_the_same_sequence_every_run():
    import keras

    rows = np.arange(25, dtype=np.float32)
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        runs.append([np.concatenate(epoch) for epoch in _epochs(shuffled_batches((rows,), 10, reshuffle_seed=4), 3)])
    first_run, second_run = runs
    assert all(sorted(order) == list(rows) for order in first_run)
    assert not np.array_equal(first_run[0], first_run[1]) and not np.array_equal(first_run[1], first_run[2])
    assert all(np.array_equal(a, b) for a, b in zip(first_run, second_run, strict=True))


def test_rows_stay_together_and_in_order_without_shuffling():
    rows = np.arange(7, dtype=np.float32)
    batches = list(shuffled_batches((rows, rows * 2, rows * 3), 3, shuffle=False))
    assert [np.asarray(b[0]).tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    for x, y, z in batches:
        assert np.array_equal(np.asarray(y), 2 * np.asarray(x)) and np.array_equal(np.asarray(z), 3 * np.asarray(x))
    assert shuffled_batches((rows,), 3).cardinality() == 3


def test_the_same_seed_trains_exactly_as_fit_on_the_arrays():
    """The module's promise: fit on these batches gives the weights fit on the arrays gives."""
    import keras

    features = np.random.default_rng(1).normal(size=(130, 5)).astype(np.float32)
    targets = features @ np.arange(5, dtype=np.float32)

    def trained(use_batches: bool) -> list[np.ndarray]:
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        if use_batches:
            model.fit(shuffled_batches((features, targets), 16), epochs=3, verbose=0, shuffle=False)
        else:
            model.fit(features, targets, batch_size=16, epochs=3, verbose=0, shuffle=True)
        return model.get_weights()

    # 130 rows in batches of 16: 8 full batches and a remainder of 2, over 3 epochs.
    for ours, keras_own in zip(trained(True), trained(False), strict=True):
        np.testing.assert_array_equal(ours, keras_own)


@pytest.mark.parametrize(
    "arrays, batch_size, message",
    [
        ([np.zeros(3)], 2, "arrays must be a non-empty tuple"),
        ((), 2, "arrays must be a non-empty tuple"),
        ((np.zeros(3), np.zeros(4)), 2, r"same number of rows, got \[3, 4\]"),
        ((np.zeros(3),), 0, "batch_size must be at least 1"),
        ((np.zeros(0),), 2, "at least one row"),
        ((np.zeros(3),), 2, "reshuffle_seed must be at least 0"),
    ],
)
def test_bad_arguments_say_what_is_wrong(arrays, batch_size, message):
    reshuffle_seed = -1 if "reshuffle_seed" in message else None
    with pytest.raises(ValueError, match=message):
        shuffled_batches(arrays, batch_size, reshuffle_seed=reshuffle_seed)
