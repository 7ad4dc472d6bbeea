"""Chapter 2, closing the loop: can sigmoid hidden units carry a binary code if we ask?

The original author hoped the hidden units would discover binary digits. They did not
(Chapter 2 shows what they do instead). Here we *ask* for them: a layer of ``bits`` sigmoid
units, the "code", gets an auxiliary target, the binary digits of ``a + b``, beside the usual
sum output read from it. With the code as the only hidden layer, each code unit is one
sigmoid of a weighted sum of ``a`` and ``b``, which is monotone along every line, so it can
only be a digit that flips once (the top one). With one more sigmoid layer in front, the
code units can fold the sum and every digit becomes learnable.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.addition.networks import grid_pairs
from helpers.checks import check_float, check_int


def all_pairs(bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(a, b)`` with both below ``2**(bits-1)``, and their sums."""
    _, x = grid_pairs(check_int("bits", bits, 2, 7))
    return x, x.sum(axis=1)


def digits(sums: object, bits: int) -> np.ndarray:
    """The binary digits of ``sums``, least significant first: shape ``(n, bits)``."""
    sums = np.asarray(sums, np.int64).reshape(-1)
    return ((sums[:, None] >> np.arange(bits)[None, :]) & 1).astype(np.float32)


def train_binary_readout(
    bits: int = 4,
    depth: int = 1,
    code_weight: float = 1.0,
    hidden_units: int = 16,
    epochs: int = 6000,
    learning_rate: float = 0.03,
    seed: int = 0,
) -> dict[str, Any]:
    """Train a sum network whose last hidden layer is a ``bits``-unit sigmoid "code".

    Args:
        bits: sums below ``2**bits``; the network sees every pair (full batch).
        depth: 1 (the code is the only hidden layer) or 2 (a sigmoid layer of
            ``hidden_units`` in front of the code).
        code_weight: weight of the auxiliary loss (binary cross-entropy between the code and
            the digits of the sum); 0 trains on the sum alone.
        epochs: full-batch Adam steps.

    Returns a dict: ``model`` (Keras, outputs ``[sum, code]``), ``bit_accuracy`` (per digit,
    least significant first: rounded code unit equals the digit), ``best_match`` (per digit,
    the best any code unit matches it or its complement, for networks not asked for digits),
    ``decoded_accuracy`` (the sum read from the rounded code is right), ``sum_accuracy``
    (the rounded sum output is right).
    """
    import keras

    bits = check_int("bits", bits, 2, 7)
    depth = check_int("depth", depth, 1, 2)
    code_weight = check_float("code_weight", code_weight, 0.0)
    hidden_units = check_int("hidden_units", hidden_units, 1)
    epochs = check_int("epochs", epochs, 1)
    learning_rate = check_float("learning_rate", learning_rate, 0.0, inclusive_minimum=False)
    seed = check_int("seed", seed, 0)

    keras.utils.set_random_seed(seed)
    x, sums = all_pairs(bits)
    model = build_readout_model(bits, depth, hidden_units)
    _fit(model, x, sums, bits, code_weight, epochs, learning_rate)
    return {"model": model, "bits": bits, "depth": depth, "code_weight": code_weight, **_scores(model, x, sums, bits)}


def build_readout_model(bits: int, depth: int, hidden_units: int) -> Any:
    """The sum network with a ``bits``-unit sigmoid code as its last hidden layer.

    Inputs are scaled by the largest number, the sum output by ``2**bits``; the model
    outputs ``[sum, code]``.
    """
    import keras

    inputs = keras.Input(shape=(2,), name="numbers")
    h = keras.layers.Rescaling(1.0 / 2 ** (bits - 1), name="scale_in")(inputs)
    if depth == 2:
        h = keras.layers.Dense(hidden_units, activation="sigmoid", name="features")(h)
    code = keras.layers.Dense(bits, activation="sigmoid", name="code")(h)
    total = keras.layers.Dense(1, name="sum")(code)
    total = keras.layers.Rescaling(float(2**bits), name="scale_out")(total)
    return keras.Model(inputs, [total, code], name=f"binary_readout_depth{depth}")


def _fit(model: Any, x: np.ndarray, sums: np.ndarray, bits: int, code_weight: float, epochs: int, rate: float) -> None:
    """Full-batch Adam on the scaled sum's squared error plus ``code_weight`` times the code's."""
    import keras
    import tensorflow as tf

    optimizer = keras.optimizers.Adam(rate)
    x_t = tf.constant(x, tf.float32)
    y_t = tf.constant(sums[:, None] / 2**bits, tf.float32)
    c_t = tf.constant(digits(sums, bits))
    weight = tf.constant(code_weight, tf.float32)

    @tf.function
    def step() -> tf.Tensor:
        with tf.GradientTape() as tape:
            out, code_out = model(x_t, training=True)
            sum_loss = tf.reduce_mean(tf.square(out / 2**bits - y_t))
            code_loss = tf.reduce_mean(keras.losses.binary_crossentropy(c_t, code_out))
            loss = sum_loss + weight * code_loss
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for _ in range(epochs):
        step()


def _scores(model: Any, x: np.ndarray, sums: np.ndarray, bits: int) -> dict[str, Any]:
    """How well the trained code matches the digits, and how well both outputs add."""
    code_target = digits(sums, bits)
    out, code_out = (np.asarray(t) for t in model(np.asarray(x, np.float32), training=False))
    rounded = np.rint(code_out)
    bit_accuracy = (rounded == code_target).mean(axis=0)
    match = (rounded[:, :, None] == code_target[:, None, :]).mean(axis=0)  # unit x digit
    best_match = np.maximum(match, 1 - match).max(axis=0)
    decoded = rounded @ (2.0 ** np.arange(bits))
    return {
        "bit_accuracy": bit_accuracy.tolist(),
        "best_match": best_match.tolist(),
        "decoded_accuracy": float(np.mean(decoded == sums)),
        "sum_accuracy": float(np.mean(np.rint(out[:, 0]) == sums)),
    }


def binary_readout_table(bits: int = 4, epochs: int = 6000, seed: int = 0, hidden_units: int = 16) -> pd.DataFrame:
    """The four variants side by side: code as the only layer or behind a layer, asked or not."""
    rows = []
    for depth in (1, 2):
        for code_weight in (0.0, 1.0):
            result = train_binary_readout(bits, depth, code_weight, hidden_units=hidden_units, epochs=epochs, seed=seed)
            label = "code is the hidden layer" if depth == 1 else f"{hidden_units} sigmoids, then the code"
            row = {"network": label, "asked for digits": bool(code_weight)}
            per_digit = result["bit_accuracy"] if code_weight else result["best_match"]
            for k, value in enumerate(per_digit):
                row[f"digit {k} (2^{k})"] = value
            row["sum read from the code"] = result["decoded_accuracy"] if code_weight else np.nan
            row["sum output"] = result["sum_accuracy"]
            rows.append(row)
    return pd.DataFrame(rows)
