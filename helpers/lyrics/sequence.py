"""The blog's other technique: sequence to sequence.

Instead of one next word per window, the network writes a word at *every* position of the
window: reading words 1..k it predicts word k + 1, for every k (both GRUs return
sequences, the softmax runs at each step). Padding positions are not scored. Generation
only ever uses the last position, which is exactly the sequence-to-word task, so the two
are compared on that: held-out loss and accuracy of the last position.
"""

from __future__ import annotations

import time

import numpy as np

from helpers.lyrics.models import TrainingConfig, TrainingData, get_config


def shifted_targets(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-position targets (the window shifted by one word) and weights (0 where the target is padding)."""
    targets = np.concatenate([x[:, 1:], y[:, None]], axis=1)
    return targets, (targets > 0).astype(np.float32)


def build_sequence_model(vocabulary_size: int, window: int, config: TrainingConfig):
    """The blog's layers with every step's output kept."""
    import keras

    inputs = keras.Input(shape=(window,), dtype="int32")
    x = keras.layers.Embedding(vocabulary_size, config.embedding_dim)(inputs)
    x = keras.layers.GRU(config.units, return_sequences=True)(x)
    x = keras.layers.GRU(
        config.units, return_sequences=True, dropout=config.dropout, recurrent_dropout=config.recurrent_dropout
    )(x)
    x = keras.layers.Dense(config.dense_units, activation="relu")(x)
    x = keras.layers.Dropout(config.head_dropout)(x)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="lyrics_sequence_to_sequence")


def train_sequence(
    data: TrainingData, config: str | TrainingConfig = "gene", epochs: int = 3, seed: int = 0, verbose: int = 1
) -> dict[str, list[float]]:
    """Train the sequence-to-sequence variant; per epoch: last-position held-out loss and accuracy, seconds."""
    import keras

    config = get_config(config, epochs=epochs)
    keras.utils.set_random_seed(seed)
    model = build_sequence_model(len(data.vocabulary), data.vocabulary.window, config)
    steps = int(np.ceil(len(data.y_train) / config.batch_size))
    rate = config.learning_rate
    if config.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(config.learning_rate, decay_steps=epochs * steps)
    optimizer = keras.optimizers.RMSprop(rate) if config.optimizer == "rmsprop" else keras.optimizers.Adam(rate)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    targets, weights = shifted_targets(data.x_train, data.y_train)
    history: dict[str, list[float]] = {"val_loss": [], "val_accuracy": [], "seconds": []}
    started = time.perf_counter()
    for epoch in range(epochs):
        model.fit(
            data.x_train,
            targets,
            sample_weight=weights,
            batch_size=config.batch_size,
            epochs=epoch + 1,
            initial_epoch=epoch,
            shuffle=True,
            verbose=0,
        )
        last = np.concatenate(
            [
                np.asarray(model.predict_on_batch(data.x_held_out[i : i + 2048]))[:, -1]
                for i in range(0, len(data.y_held_out), 2048)
            ]
        ).astype(np.float64)
        picked = last[np.arange(len(data.y_held_out)), data.y_held_out]
        history["val_loss"].append(float(-np.log(np.maximum(picked, 1e-300)).mean()))
        history["val_accuracy"].append(float((last.argmax(axis=1) == data.y_held_out).mean()))
        history["seconds"].append(time.perf_counter() - started)
        if verbose:
            print(
                f"[sequence to sequence] epoch {epoch + 1}: held-out loss (last word) {history['val_loss'][-1]:.3f} "
                f"accuracy {history['val_accuracy'][-1]:.1%}  ({history['seconds'][-1]:.0f} s)",
                flush=True,
            )
    return history
