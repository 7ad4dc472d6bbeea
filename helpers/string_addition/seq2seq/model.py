"""The example's network: building it, asking it, and scoring its answers."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from helpers.checks import check_int
from helpers.string_addition.seq2seq.data import (
    CHARS,
    MAX_DIGITS,
    Questions,
    answer_length,
    decode,
    encode_questions,
    question_length,
)


def build_adder(digits: int, hidden_units: int = 128) -> Any:
    """The example's network for operands of up to ``digits`` digits.

    ``LSTM(hidden_units)`` encoder -> ``RepeatVector(digits + 1)`` ->
    ``LSTM(hidden_units, return_sequences=True)`` -> ``Dense(12, softmax)`` at each step.
    """
    digits = check_int("digits", digits, 1, MAX_DIGITS)
    hidden_units = check_int("hidden_units", hidden_units, 1)
    return keras.Sequential(
        [
            keras.Input(shape=(question_length(digits), len(CHARS)), name="question"),
            keras.layers.LSTM(hidden_units, name="encoder"),
            keras.layers.RepeatVector(answer_length(digits), name="repeat"),
            keras.layers.LSTM(hidden_units, return_sequences=True, name="decoder"),
            keras.layers.Dense(len(CHARS), activation="softmax", name="character"),
        ],
        name=f"seq2seq_adder_{digits}",
    )


def add(model: Any, questions: list[str], digits: int, reverse: bool = True) -> list[str]:
    """The model's answers to ``questions``, e.g. ``add(model, ["535+61"], 3) == ["596"]``.

    ``digits`` and ``reverse`` must be those the model was trained with.
    """
    return [answer for answer, _ in add_with_confidence(model, questions, digits, reverse)]


def add_with_confidence(
    model: Any, questions: list[str], digits: int, reverse: bool = True
) -> list[tuple[str, list[float]]]:
    """Like ``add`` but each answer comes with the probability of each character written
    (padding spaces included, so a confident blank counts too)."""
    x = encode_questions(questions, digits, reverse)
    if tuple(model.input_shape[1:]) != x.shape[1:]:
        raise ValueError(
            f"digits={digits} does not match the model, which reads questions of shape {tuple(model.input_shape[1:])}"
        )
    probabilities = predict(model, x)
    answers = decode(probabilities)
    confidence = probabilities.max(axis=-1)
    return [(answer, [float(p) for p in row]) for answer, row in zip(answers, confidence, strict=False)]


def predict(model: Any, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """Output probabilities ``(n, digits + 1, 12)`` for one-hot questions ``x``."""
    outputs = [
        np.asarray(model(x[start : start + batch_size], training=False)) for start in range(0, len(x), batch_size)
    ]
    return np.concatenate(outputs)


def exact_match(model: Any, data: Questions) -> float:
    """Fraction of questions whose whole answer is right (every character, padding included)."""
    guesses = predict(model, data.x).argmax(axis=-1)
    return float(np.mean(np.all(guesses == data.y.argmax(axis=-1), axis=1)))


def character_accuracy(model: Any, data: Questions) -> float:
    """Fraction of answer characters that are right: what Keras calls ``accuracy`` here."""
    guesses = predict(model, data.x).argmax(axis=-1)
    return float(np.mean(guesses == data.y.argmax(axis=-1)))
