"""Chapter 3: a small recurrent network that adds numbers of any length.

The seq2seq LSTM of ``helpers.string_addition.seq2seq`` reads a whole question before it answers, through
fixed-length inputs and outputs. This network is given the structure of schoolbook
addition instead: the two numbers arrive *aligned*, least significant digit first, one
pair of digits per step, and the network writes one digit of the sum per step. Whatever it
must remember between steps (the carry) lives in its hidden state. Because every step does
the same job, a network trained on numbers of at most 8 digits can add numbers of 1,000.

Input of one step: the one-hot digit of ``a`` (10 values) next to the one-hot digit of
``b`` (10 values); after the longer number ends both are 0, and one extra step lets the
final carry out. Output of one step: a softmax over the 10 digits of the sum.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import keras
import numpy as np

from helpers.batches import shuffled_batches
from helpers.checks import check_float, check_int
from helpers.display import ProgressBlock

#: Features per step: one-hot digit of a, then one-hot digit of b.
FEATURES = 20
_DIGITS_ONLY = re.compile(r"[0-9]+")


# --------------------------------------------------------------------------- data


def check_number(name: str, value: object) -> str:
    """Return ``value`` if it is a non-empty string of decimal digits, else raise ``ValueError``."""
    if not isinstance(value, str):
        raise ValueError(
            f"{name} must be a string of decimal digits such as '123', got {value!r} ({type(value).__name__})"
        )
    if value == "":
        raise ValueError(f"{name} must not be empty (allowed: one or more digits 0-9)")
    if not _DIGITS_ONLY.fullmatch(value):
        bad = sorted(set(re.sub(r"[0-9]", "", value)))
        hint = " (negative numbers are not supported)" if "-" in bad else ""
        raise ValueError(f"{name} must hold only the digits 0-9, got {value!r} with {''.join(bad)!r}{hint}")
    return value


def digits_lsb_first(numbers: list[str], steps: int) -> np.ndarray:
    """int64 ``(n, steps)``: each number's digits, least significant first, zero-padded."""
    out = np.zeros((len(numbers), steps), dtype=np.int64)
    for row, number in enumerate(numbers):
        values = np.frombuffer(number[::-1].encode("ascii"), dtype=np.uint8) - ord("0")
        out[row, : len(values)] = values[:steps]
    return out


def encode(a_digits: np.ndarray, b_digits: np.ndarray) -> np.ndarray:
    """float32 ``(n, steps, 20)``: one-hot ``a`` digits next to one-hot ``b`` digits."""
    eye = np.eye(10, dtype=np.float32)
    return np.concatenate([eye[a_digits], eye[b_digits]], axis=-1)


def sum_digits(a_digits: np.ndarray, b_digits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sum's digits and the carry *out of* each step, both ``(n, steps)`` (schoolbook)."""
    out = np.zeros_like(a_digits)
    carries = np.zeros_like(a_digits)
    carry = np.zeros(a_digits.shape[0], dtype=np.int64)
    for step in range(a_digits.shape[1]):
        total = a_digits[:, step] + b_digits[:, step] + carry
        out[:, step], carry = total % 10, total // 10
        carries[:, step] = carry
    return out, carries


def random_digits(
    rng: np.random.Generator, n: int, max_digits: int, exact_length: bool = False, carry_heavy: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Digit arrays ``(n, max_digits + 1)`` (LSB first, last column 0) for random additions.

    Args:
        rng: the numpy Generator that fixes them.
        n: how many additions.
        max_digits: longest operand.
        exact_length: if True both operands have exactly ``max_digits`` digits (leading
            digit 1-9); otherwise each operand's length is uniform on ``1..max_digits``.
        carry_heavy: share of additions built to carry a lot: at each position the digit
            pair is, with a probability drawn per addition from [0.5, 1], one that sums
            to 9 (so a carry runs through it) and otherwise one that sums to 10 or more;
            half of these are ``a`` all nines, ``b`` random (as in 999...9 + 1).
    """
    steps = max_digits + 1
    a = rng.integers(0, 10, size=(n, steps))
    b = rng.integers(0, 10, size=(n, steps))
    heavy = rng.random(n) < carry_heavy
    if heavy.any():
        count = int(heavy.sum())
        through = rng.random((count, steps)) < rng.uniform(0.5, 1.0, size=(count, 1))
        first = rng.integers(0, 10, size=(count, steps))
        second = np.where(through, 9 - first, np.maximum(10 - first, rng.integers(1, 10, size=(count, steps))))
        second = np.minimum(second, 9)
        nines = rng.random(count) < 0.5
        first[nines] = 9
        second[nines] = rng.integers(0, 10, size=(int(nines.sum()), steps))
        a[heavy], b[heavy] = first, second
    if exact_length:
        lengths_a = lengths_b = np.full(n, max_digits)
        a[:, max_digits - 1] = np.maximum(a[:, max_digits - 1], 1)
        b[:, max_digits - 1] = np.maximum(b[:, max_digits - 1], 1)
    else:
        lengths_a = rng.integers(1, max_digits + 1, size=n)
        lengths_b = rng.integers(1, max_digits + 1, size=n)
    columns = np.arange(steps)[None, :]
    a[columns >= lengths_a[:, None]] = 0
    b[columns >= lengths_b[:, None]] = 0
    return a, b


def exact_sum(a: str, b: str) -> str:
    """``a + b`` computed by the schoolbook algorithm on decimal strings of any length
    (Python's ``int`` refuses to convert strings of more than 4,300 digits by default)."""
    a, b = check_number("a", a), check_number("b", b)
    steps = max(len(a), len(b)) + 1
    total, _ = sum_digits(digits_lsb_first([a], steps), digits_lsb_first([b], steps))
    return to_strings(total)[0]


def to_strings(digits: np.ndarray) -> list[str]:
    """LSB-first digit rows back to decimal strings without leading zeros."""
    texts = []
    for row in digits:
        text = "".join(map(str, row[::-1].tolist())).lstrip("0")
        texts.append(text or "0")
    return texts


def generalization_pairs(n: int, digits: int, seed: int = 0, carry_heavy: float = 0.2) -> tuple[list[str], list[str]]:
    """``n`` additions of two ``digits``-digit numbers for the generalization test.

    The first two are always ``999...9 + 1`` and ``999...9 + 999...9``; a share
    ``carry_heavy`` of the rest is built to carry through long runs (see ``random_digits``).
    """
    n = check_int("n", n, 2)
    digits = check_int("digits", digits, 1)
    check_float("carry_heavy", carry_heavy, 0.0, 1.0)
    rng = np.random.default_rng([check_int("seed", seed, 0), digits])
    a, b = random_digits(rng, n - 2, digits, exact_length=True, carry_heavy=carry_heavy)
    firsts = ["9" * digits, "9" * digits]
    seconds = ["1", "9" * digits]
    return firsts + to_strings(a), seconds + to_strings(b)


# --------------------------------------------------------------------------- model


def build_model(hidden_units: int = 32, seed: int = 0) -> Any:
    """``Input(None, 20) -> SimpleRNN(hidden_units, tanh) -> Dense(10, softmax)`` at each step.

    The time axis has no fixed length: the same weights run for as many steps as needed.
    ``seed`` fixes the initial weights (Keras' default initializers, seeded).
    """
    hidden_units = check_int("hidden_units", hidden_units, 1)
    seed = check_int("seed", seed, 0)
    init = keras.initializers
    return keras.Sequential(
        [
            keras.Input(shape=(None, FEATURES), name="digit_pairs"),
            keras.layers.SimpleRNN(
                hidden_units,
                return_sequences=True,
                name="carry_rnn",
                kernel_initializer=init.GlorotUniform(seed=seed),
                recurrent_initializer=init.Orthogonal(seed=seed + 1),
            ),
            keras.layers.Dense(
                10, activation="softmax", name="sum_digit", kernel_initializer=init.GlorotUniform(seed=seed + 2)
            ),
        ],
        name=f"aligned_adder_{hidden_units}",
    )


@dataclass(frozen=True)
class LongSettings:
    """Every knob of ``train``; the defaults are the chapter's."""

    n_train: int = 60_000  # random additions drawn once, operands of 1..max_digits digits
    carry_heavy: float = 0.3  # share of them built to carry through long runs
    batch_size: int = 256
    epochs: int = 30
    learning_rate: float = 0.01  # Adam, decayed with a cosine to 0
    verbose: int = 2  # 0 silent; otherwise one compact line every few epochs
    jit_compile: bool = True


def train(model: Any, max_digits: int = 8, seed: int = 0, **settings: Any) -> dict[str, Any]:
    """Train ``model`` (from ``build_model``) on additions of numbers of at most ``max_digits`` digits.

    Returns:
        A dict with ``loss`` and ``accuracy`` (per digit) per epoch, ``seconds`` (training
        wall time), ``max_digits``, ``seed`` and ``settings``.
    """
    max_digits = check_int("max_digits", max_digits, 1, 50)
    seed = check_int("seed", seed, 0)
    known = {f.name for f in fields(LongSettings)}
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; allowed: {sorted(known)}")
    config = replace(LongSettings(), **settings)
    check_int("n_train", config.n_train, 1)
    check_float("carry_heavy", config.carry_heavy, 0.0, 1.0)
    check_int("batch_size", config.batch_size, 1)
    check_int("epochs", config.epochs, 1)
    check_float("learning_rate", config.learning_rate, 0.0, inclusive_minimum=False)
    if config.verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be one of 0, 1, 2; got {config.verbose!r}")

    rng = np.random.default_rng([seed, max_digits])
    a, b = random_digits(rng, config.n_train, max_digits, carry_heavy=config.carry_heavy)
    target, _ = sum_digits(a, b)
    x = encode(a, b)
    keras.utils.set_random_seed(seed)
    steps = -(-config.n_train // config.batch_size) * config.epochs
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=config.jit_compile,
    )
    every = max(1, config.epochs // 6)
    start = time.perf_counter()

    progress = ProgressBlock() if config.verbose else None

    def report(epoch: int, logs: dict | None) -> None:
        if progress is not None and ((epoch + 1) % every == 0 or epoch + 1 == config.epochs):
            logs = logs or {}
            progress.add(
                f"epoch {epoch + 1:>3}/{config.epochs}  {time.perf_counter() - start:5.1f}s  "
                f"loss {logs.get('loss', float('nan')):.2e}  "
                f"per-digit accuracy {logs.get('accuracy', float('nan')):.5f}"
            )

    history = model.fit(
        shuffled_batches((x, target), config.batch_size),  # fit's own batches, minus its autotuning thread
        epochs=config.epochs,
        verbose=0,
        shuffle=False,  # the batches come shuffled
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=report)],
    )
    seconds = time.perf_counter() - start
    return {
        "loss": [float(v) for v in history.history["loss"]],
        "accuracy": [float(v) for v in history.history["accuracy"]],
        "seconds": seconds,
        "max_digits": max_digits,
        "seed": seed,
        "settings": asdict(config),
    }


# --------------------------------------------------------------------------- using it


def probabilities(model: Any, a_list: list[str], b_list: list[str]) -> np.ndarray:
    """Per-step digit probabilities ``(n, steps, 10)`` for the additions ``a_list[i] + b_list[i]``.

    ``steps`` is one more than the longest operand; rows are LSB first.
    """
    if len(a_list) != len(b_list) or not a_list:
        raise ValueError(
            f"a_list and b_list must be non-empty and of equal length, got {len(a_list)} and {len(b_list)}"
        )
    for i, (a, b) in enumerate(zip(a_list, b_list)):
        check_number(f"a_list[{i}]" if len(a_list) > 1 else "a", a)
        check_number(f"b_list[{i}]" if len(b_list) > 1 else "b", b)
    steps = max(max(len(a), len(b)) for a, b in zip(a_list, b_list)) + 1
    x = encode(digits_lsb_first(a_list, steps), digits_lsb_first(b_list, steps))
    return np.asarray(model.predict(x, batch_size=1024, verbose=0))


def add_many(model: Any, a_list: list[str], b_list: list[str]) -> list[str]:
    """The model's sums for many additions at once (decimal strings, no leading zeros)."""
    return to_strings(probabilities(model, a_list, b_list).argmax(axis=-1))


def add(model: Any, a: str, b: str) -> str:
    """The model's sum of two non-negative decimal strings of any length, e.g. ``add(m, "999", "1") == "1000"``."""
    return add_many(model, [a], [b])[0]


def exact_match(model: Any, a_list: list[str], b_list: list[str]) -> float:
    """Fraction of additions the model gets entirely right (checked against ``exact_sum``)."""
    guesses = add_many(model, a_list, b_list)
    return float(np.mean([guess == exact_sum(a, b) for guess, a, b in zip(guesses, a_list, b_list)]))
