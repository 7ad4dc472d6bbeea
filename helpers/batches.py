"""Training batches for ``keras.Model.fit`` without tf.data's autotuning thread.

Given NumPy arrays, ``fit`` builds a tf.data pipeline of its own: a shuffled permutation
of the rows, cut into batches, the rows gathered batch by batch, and a new iterator over it
each epoch. That pipeline asks tf.data to autotune it, which gives each iterator a
background thread, and destroying the iterator at the start of the next epoch waits for
that thread. On the 2-core machine the wait sometimes lasts 2-4 seconds: 8 such stalls in 11
processes training chapter 3's adder, at random epochs (``py-spy dump --native`` showed the
main thread inside ``RootDataset::Iterator``'s destructor); none in 4 processes (12 runs)
through this module. For a 3-digit adder that trains for about 9 seconds, one stall is a
quarter more.

``shuffled_batches`` builds the same batches (the same permutation from the same random
op, so a seed gives the same numbers as ``fit(x, y, shuffle=True)``) with autotuning off,
so there is no such thread. Pass it to ``fit`` in place of the arrays and ``batch_size``.

One thing it keeps from ``fit``, measured with Keras 3.15 and TensorFlow 2.21: once
``keras.utils.set_random_seed`` has fixed TensorFlow's global seed, each epoch's new
iterator restarts the shuffle from that seed, so every epoch sees the rows in the same
order (TensorFlow's documented behaviour for seeded random ops in tf.data functions, see
tensorflow/tensorflow#35682). Without a global seed the order changes every epoch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.checks import check_int


def shuffled_batches(
    arrays: tuple[np.ndarray, ...], batch_size: int, shuffle: bool = True, reshuffle_seed: int | None = None
) -> Any:
    """A ``tf.data.Dataset`` of batches of the rows of ``arrays`` (e.g. ``(x, y)`` or
    ``(x, y, sample_weight)``) in a random order.

    Args:
        arrays: arrays with the same number of rows.
        batch_size: rows per batch; the last batch of an epoch holds the remainder.
        shuffle: False keeps the rows in order.
        reshuffle_seed: ``None``: ``fit``'s own order, from ``tf.random.shuffle`` under
            TensorFlow's global seed (which ``keras.utils.set_random_seed`` sets): the same
            seed gives the batches Keras' own pipeline gives, in the same order every epoch
            (see the module's docstring). An integer: a new order every epoch, the sequence
            of orders fixed by this seed (and the global one).
    """
    import tensorflow as tf

    if not isinstance(arrays, tuple) or not arrays:
        raise ValueError(f"arrays must be a non-empty tuple of arrays, got {type(arrays).__name__}")
    rows = {len(array) for array in arrays}
    if len(rows) != 1:
        raise ValueError(f"arrays must have the same number of rows, got {sorted(rows)}")
    n_rows = rows.pop()
    batch_size = check_int("batch_size", batch_size, 1)
    if n_rows == 0:
        raise ValueError("arrays must have at least one row")
    if reshuffle_seed is not None:
        reshuffle_seed = check_int("reshuffle_seed", reshuffle_seed, 0)

    def epoch_order(_: Any) -> Any:
        order = tf.range(n_rows, dtype=tf.int64)
        return tf.random.shuffle(order) if shuffle else order

    def batches_of(order: Any) -> Any:
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size)

    tensors = tuple(tf.constant(array) for array in arrays)

    def gather(indices: Any) -> tuple[Any, ...]:
        return tuple(tf.gather(tensor, indices) for tensor in tensors)

    if shuffle and reshuffle_seed is not None:
        # tf.data's shuffle keeps its random state in the dataset: each iteration draws anew.
        rows_in_order = tf.data.Dataset.range(n_rows)
        indices = rows_in_order.shuffle(n_rows, seed=reshuffle_seed, reshuffle_each_iteration=True).batch(batch_size)
    else:
        # One permutation per iteration (one element of range(1)), computed ahead like a batch.
        indices = tf.data.Dataset.range(1).map(epoch_order).prefetch(1).flat_map(batches_of)
    dataset = indices.map(gather).prefetch(2)
    # Known length: Keras then counts the steps of an epoch without running off its end.
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(-(-n_rows // batch_size)))
    options = tf.data.Options()
    options.autotune.enabled = False  # the point of this module (see its docstring)
    options.deterministic = True
    options.experimental_optimization.apply_default_optimizations = False  # nothing to gain at this size
    return dataset.with_options(options)
