"""The blog's network, its optimizer and loss, and a GloVe embedding for it.

``Embedding(50)`` -> ``GRU(128, return_sequences)`` -> ``GRU(128, dropout=0.2,
recurrent_dropout=0.2)`` -> ``Dense(128, relu)`` -> ``Dropout(0.3)`` -> ``Dense(vocabulary,
softmax)``. The blog initialised the embedding with GloVe 6B vectors; GloVe cannot be
downloaded here, so the embedding is trained from scratch unless a reader passes a GloVe
text file (:func:`read_glove`).
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from helpers.lyrics.configs import ORIGINAL, TrainingConfig
from helpers.lyrics.text import Vocabulary


def build_model(
    vocabulary_size: int,
    window: int,
    config: TrainingConfig = ORIGINAL,
    embedding_matrix: np.ndarray | None = None,
    every_step: bool = False,
):
    """The blog's network for ``vocabulary_size`` words and windows of ``window`` words.

    ``every_step=True`` builds the same layers (the same weights, in the same order) with the
    second GRU returning every step, so the head predicts a next word at every position:
    the training model of ``targets="every word"``. Its last step computes exactly what
    the ``every_step=False`` model computes for the whole window.
    """
    inputs = keras.Input(shape=(window,), dtype="int32", name="words")
    embedding = keras.layers.Embedding(vocabulary_size, config.embedding_dim, name="embedding")
    x = embedding(inputs)
    if embedding_matrix is not None:
        embedding.set_weights([embedding_matrix])
    if config.embedding_dropout > 0:
        x = keras.layers.Dropout(config.embedding_dropout, name="embedding_dropout")(x)
    x = keras.layers.GRU(config.units, return_sequences=True, unroll=config.unroll, name="gru_1")(x)
    x = keras.layers.GRU(
        config.units,
        dropout=config.dropout,
        recurrent_dropout=config.recurrent_dropout,
        unroll=config.unroll,
        return_sequences=every_step,
        name="gru_2",
    )(x)
    x = keras.layers.Dense(config.dense_units, activation="relu", name="dense")(x)
    x = keras.layers.Dropout(config.head_dropout, name="head_dropout")(x)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_word")(x)
    return keras.Model(inputs, outputs, name=f"lyrics_{config.name}{'_every_step' if every_step else ''}")


def compile_model(model, config: TrainingConfig, steps_per_epoch: int) -> None:
    """Optimizer, loss and metrics of ``config``."""
    rate = config.learning_rate
    if config.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(config.learning_rate, decay_steps=config.epochs * steps_per_epoch)
    decay = config.weight_decay or None
    if config.optimizer == "rmsprop":
        optimizer = keras.optimizers.RMSprop(rate, weight_decay=decay)
    else:
        optimizer = keras.optimizers.Adam(rate, weight_decay=decay)
    if config.targets == "every word":
        # Positions weighted 0 (padding) neither count in the loss nor in its average.
        loss = keras.losses.SparseCategoricalCrossentropy(reduction="mean_with_sample_weight")
        accuracy = {"weighted_metrics": ["accuracy"]}
    else:
        loss, accuracy = "sparse_categorical_crossentropy", {"metrics": ["accuracy"]}
    model.compile(optimizer=optimizer, loss=loss, jit_compile=config.jit_compile, **accuracy)


def read_glove(path: Path | str, vocabulary: Vocabulary, dimensions: int, seed: int = 0) -> np.ndarray:
    """An embedding matrix from a GloVe text file (words it lacks get small random vectors)."""
    rng = np.random.default_rng(seed)
    matrix = rng.uniform(-0.05, 0.05, (len(vocabulary), dimensions)).astype(np.float32)
    found = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, *values = line.rstrip().split(" ")
            if word in vocabulary.index and len(values) == dimensions:
                matrix[vocabulary.index[word]] = np.asarray(values, np.float32)
                found += 1
    if found == 0:
        raise ValueError(f"{path} has no {dimensions}-dimensional vector for any vocabulary word: is it a GloVe file?")
    return matrix
